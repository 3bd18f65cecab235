// The screening workflow: every (state, action) pair, who may take each action, and the guards
// on review and sign-off. The expected table is written out here, independent of workflow.cpp.
#include "screening/workflow.h"

#include <catch2/catch.hpp>

#include <algorithm>
#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

using namespace mrscreen::screening;
using Catch::Matchers::Contains;
using Catch::Matchers::Equals;
using Catch::Matchers::StartsWith;

namespace {

const std::vector<ScreeningState> kAllStates = {ScreeningState::Draft,
                                                ScreeningState::Submitted,
                                                ScreeningState::Reviewed,
                                                ScreeningState::Cleared,
                                                ScreeningState::ClearedWithConditions,
                                                ScreeningState::NotCleared,
                                                ScreeningState::Abandoned,
                                                ScreeningState::Amended};
const std::vector<Action> kAllActions = {
    Action::Submit,   Action::Abandon, Action::Review, Action::Clear, Action::ClearWithConditions,
    Action::NotClear, Action::Amend};
const std::vector<Role> kAllRoles = {Role::Patient, Role::Nurse, Role::Mrso, Role::Admin,
                                     Role::Radiologist};

// The only moves that exist (ARCHITECTURE.md, Workflow).
const std::map<std::pair<ScreeningState, Action>, ScreeningState> kMoves = {
    {{ScreeningState::Draft, Action::Submit}, ScreeningState::Submitted},
    {{ScreeningState::Draft, Action::Abandon}, ScreeningState::Abandoned},
    {{ScreeningState::Submitted, Action::Review}, ScreeningState::Reviewed},
    {{ScreeningState::Reviewed, Action::Clear}, ScreeningState::Cleared},
    {{ScreeningState::Reviewed, Action::ClearWithConditions},
     ScreeningState::ClearedWithConditions},
    {{ScreeningState::Reviewed, Action::NotClear}, ScreeningState::NotCleared},
    {{ScreeningState::Cleared, Action::Amend}, ScreeningState::Amended},
    {{ScreeningState::ClearedWithConditions, Action::Amend}, ScreeningState::Amended},
    {{ScreeningState::NotCleared, Action::Amend}, ScreeningState::Amended},
};

// Who may take each action under the default policy.
const std::map<Action, std::vector<Role>> kDefaultRoles = {
    {Action::Submit, {Role::Patient, Role::Nurse, Role::Admin}},
    {Action::Abandon, {Role::Patient, Role::Nurse}},
    {Action::Review, {Role::Nurse}},
    {Action::Clear, {Role::Mrso}},
    {Action::ClearWithConditions, {Role::Mrso}},
    {Action::NotClear, {Role::Mrso}},
    {Action::Amend, {Role::Nurse, Role::Mrso, Role::Admin}},
};

const std::string kReviewer = "nina";

std::string usernameFor(Role role) {
    switch (role) {
    case Role::Patient:
        return "";
    case Role::Nurse:
        return "nora"; // not the reviewer, so the same-person rule stays quiet
    case Role::Mrso:
        return "mark";
    case Role::Admin:
        return "ada";
    case Role::Radiologist:
        return "rita";
    }
    return "";
}

Actor actor(Role role) {
    return Actor{usernameFor(role), role};
}

ScreeningFacts facts(ScreeningState state, std::vector<FlagStatus> flags = {}) {
    return ScreeningFacts{
        state,
        state == ScreeningState::Draft || state == ScreeningState::Submitted ? "" : kReviewer,
        std::move(flags)};
}

FlagStatus flag(const std::string& id, Severity severity, FlagVerdict verdict) {
    return FlagStatus{id, severity, verdict, ""};
}

// A request that meets every guard, from `role`.
TransitionRequest request(Action action, Role role) {
    TransitionRequest r{action, actor(role), "", ""};
    if (action == Action::ClearWithConditions)
        r.conditions = "remove hearing aids; Normal Operating Mode only";
    return r;
}

// A request from the first role allowed to take the action.
TransitionRequest permitted(Action action) {
    return request(action, kDefaultRoles.at(action).front());
}

bool allowedRole(Action action, Role role) {
    const auto& roles = kDefaultRoles.at(action);
    return std::find(roles.begin(), roles.end(), role) != roles.end();
}

// A reviewed screening with a verified stop flag, ready for sign-off by the MRSO.
ScreeningFacts reviewedWithVerifiedStop() {
    return facts(ScreeningState::Reviewed,
                 {flag("pacemaker", Severity::Stop, FlagVerdict::Verified),
                  flag("tattoo", Severity::Info, FlagVerdict::Open)});
}

} // namespace

// [SECTION] names

TEST_CASE("state, role, action and verdict names round-trip and unknown names are refused") {
    const std::vector<std::string> states = {
        "draft",       "submitted", "reviewed", "cleared", "cleared_with_conditions",
        "not_cleared", "abandoned", "amended"};
    for (std::size_t i = 0; i < kAllStates.size(); ++i) {
        CHECK(stateName(kAllStates[i]) == states[i]);
        CHECK(parseState(states[i]) == kAllStates[i]);
    }
    const std::vector<std::string> roles = {"patient", "nurse", "mrso", "admin", "radiologist"};
    for (std::size_t i = 0; i < kAllRoles.size(); ++i) {
        CHECK(roleName(kAllRoles[i]) == roles[i]);
        CHECK(parseRole(roles[i]) == kAllRoles[i]);
    }
    const std::vector<std::string> actions = {
        "submit", "abandon", "review", "clear", "clear_with_conditions", "not_clear", "amend"};
    for (std::size_t i = 0; i < kAllActions.size(); ++i) {
        CHECK(actionName(kAllActions[i]) == actions[i]);
        CHECK(parseAction(actions[i]) == kAllActions[i]);
    }
    CHECK(verdictName(FlagVerdict::Open) == std::string("open"));
    CHECK(verdictName(FlagVerdict::Verified) == std::string("verified"));
    CHECK(verdictName(FlagVerdict::Resolved) == std::string("resolved"));
    CHECK(parseVerdict("resolved") == FlagVerdict::Resolved);

    for (const std::string bad :
         {"", "Draft", "cleared with conditions", "MRSO", "signed", " nurse"}) {
        CHECK_FALSE(parseState(bad));
        CHECK_FALSE(parseRole(bad));
        CHECK_FALSE(parseAction(bad));
        CHECK_FALSE(parseVerdict(bad));
    }
}

TEST_CASE("decided and final states are told apart") {
    for (const auto state : kAllStates) {
        CAPTURE(stateName(state));
        const bool decided = state == ScreeningState::Cleared ||
                             state == ScreeningState::ClearedWithConditions ||
                             state == ScreeningState::NotCleared;
        const bool final = state == ScreeningState::Abandoned || state == ScreeningState::Amended;
        CHECK(isDecided(state) == decided);
        CHECK(isFinal(state) == final);
    }
}

// [SECTION] the full (state, action) matrix

TEST_CASE("every state and action pair is allowed exactly when the workflow has that move") {
    const auto state = GENERATE(from_range(kAllStates));
    const auto action = GENERATE(from_range(kAllActions));
    CAPTURE(stateName(state), actionName(action));

    const auto result = decide(facts(state), permitted(action), WorkflowPolicy{});
    const auto move = kMoves.find({state, action});
    if (move != kMoves.end()) {
        CHECK(result.allowed);
        CHECK(result.next == move->second);
        CHECK(result.refusal.empty());
    } else {
        CHECK_FALSE(result.allowed);
        CHECK(result.next == state);
        CHECK_THAT(result.refusal, Contains(" screening") && Contains(" cannot be "));
    }
}

TEST_CASE("a move the workflow does not have is refused whoever asks") {
    const auto state = GENERATE(from_range(kAllStates));
    const auto action = GENERATE(from_range(kAllActions));
    const auto role = GENERATE(from_range(kAllRoles));
    if (kMoves.count({state, action}) != 0)
        return;
    CAPTURE(stateName(state), actionName(action), roleName(role));

    auto r = request(action, role);
    r.overrideReason = "any reason";
    const auto result = decide(facts(state), r, WorkflowPolicy{});
    CHECK_FALSE(result.allowed);
    CHECK(result.next == state);
    CHECK_THAT(result.refusal, Contains(" cannot be "));
}

TEST_CASE("a refused move names the state and the action in plain words") {
    const auto refusal = [](ScreeningState state, Action action) {
        return decide(facts(state), permitted(action), WorkflowPolicy{}).refusal;
    };
    CHECK_THAT(
        refusal(ScreeningState::Draft, Action::Review),
        Equals("a draft screening cannot be reviewed (it can only be submitted or abandoned)"));
    CHECK_THAT(refusal(ScreeningState::Submitted, Action::Clear),
               Equals("a submitted screening cannot be cleared (it can only be reviewed)"));
    CHECK_THAT(refusal(ScreeningState::Submitted, Action::Submit),
               Equals("a submitted screening cannot be submitted (it can only be reviewed)"));
    CHECK_THAT(refusal(ScreeningState::Reviewed, Action::Amend),
               Equals("a reviewed screening cannot be amended (it can only be cleared, cleared "
                      "with conditions or marked not cleared)"));
    CHECK_THAT(refusal(ScreeningState::ClearedWithConditions, Action::NotClear),
               Equals("a screening cleared with conditions cannot be marked not cleared (it can "
                      "only be amended)"));
    CHECK_THAT(refusal(ScreeningState::Abandoned, Action::Submit),
               Equals("an abandoned screening cannot be submitted: it is final"));
    CHECK_THAT(refusal(ScreeningState::Amended, Action::Amend),
               Equals("an amended screening cannot be amended: it is final"));
}

TEST_CASE("the moves out of each state are listed as the workflow allows them") {
    for (const auto state : kAllStates) {
        CAPTURE(stateName(state));
        std::vector<Action> expected;
        for (const auto action : kAllActions)
            if (kMoves.count({state, action}) != 0)
                expected.push_back(action);
        CHECK(actionsFrom(state) == expected);
    }
}

// [SECTION] roles

TEST_CASE("each action is allowed only to the roles that may take it") {
    const auto move = GENERATE(from_range(kMoves));
    const auto role = GENERATE(from_range(kAllRoles));
    const auto [state, action] = move.first;
    CAPTURE(stateName(state), actionName(action), roleName(role));

    const auto result = decide(facts(state), request(action, role), WorkflowPolicy{});
    CHECK(result.allowed == allowedRole(action, role));
    if (!result.allowed) {
        CHECK(result.next == state);
        CHECK_THAT(result.refusal, Contains(" cannot ") && Contains(": only "));
    }
}

TEST_CASE("a wrong role is refused naming the role needed") {
    const auto refusal = [](ScreeningState state, Action action, Role role) {
        return decide(facts(state), request(action, role), WorkflowPolicy{}).refusal;
    };
    CHECK_THAT(refusal(ScreeningState::Draft, Action::Submit, Role::Mrso),
               Equals("mark (mrso) cannot submit a screening: only the patient session, a nurse "
                      "or an admin can"));
    CHECK_THAT(refusal(ScreeningState::Draft, Action::Abandon, Role::Admin),
               Equals("ada (admin) cannot abandon a screening: only the patient session or a "
                      "nurse can"));
    CHECK_THAT(refusal(ScreeningState::Submitted, Action::Review, Role::Patient),
               Equals("the patient session cannot review a screening: only a nurse can"));
    CHECK_THAT(refusal(ScreeningState::Submitted, Action::Review, Role::Mrso),
               Equals("mark (mrso) cannot review a screening: only a nurse can"));
    CHECK_THAT(refusal(ScreeningState::Reviewed, Action::Clear, Role::Nurse),
               Equals("nora (nurse) cannot clear a screening: only an MRSO can"));
    CHECK_THAT(refusal(ScreeningState::Reviewed, Action::ClearWithConditions, Role::Admin),
               Equals("ada (admin) cannot clear a screening with conditions: only an MRSO can"));
    CHECK_THAT(refusal(ScreeningState::Reviewed, Action::NotClear, Role::Patient),
               Equals("the patient session cannot mark a screening not cleared: only an MRSO can"));
    CHECK_THAT(refusal(ScreeningState::NotCleared, Action::Amend, Role::Patient),
               Equals("the patient session cannot amend a screening: only a nurse, an MRSO or an "
                      "admin can"));
}

TEST_CASE("staff actions need the staff member's username") {
    const auto move = GENERATE(from_range(kMoves));
    const auto username = GENERATE(as<std::string>{}, "", "  ");
    const auto [state, action] = move.first;
    CAPTURE(stateName(state), actionName(action), username);
    for (const auto role : kDefaultRoles.at(action)) {
        if (role == Role::Patient)
            continue;
        CAPTURE(roleName(role));
        auto r = request(action, role);
        r.actor.username = username;
        const auto result = decide(facts(state), r, WorkflowPolicy{});
        CHECK_FALSE(result.allowed);
        CHECK_THAT(result.refusal, StartsWith("sign in with your own ") &&
                                       Contains(std::string(roleName(role)) + " account"));
    }
}

TEST_CASE("the patient session needs no username to submit or abandon") {
    for (const auto action : {Action::Submit, Action::Abandon}) {
        TransitionRequest r{action, Actor{"", Role::Patient}, "", ""};
        CHECK(decide(facts(ScreeningState::Draft), r, WorkflowPolicy{}).allowed);
    }
}

TEST_CASE("the signer roles come from site policy") {
    WorkflowPolicy policy;
    policy.signerRoles = {Role::Mrso, Role::Admin};
    for (const auto action : {Action::Clear, Action::ClearWithConditions, Action::NotClear}) {
        CAPTURE(actionName(action));
        CHECK(
            decide(facts(ScreeningState::Reviewed), request(action, Role::Admin), policy).allowed);
        CHECK(decide(facts(ScreeningState::Reviewed), request(action, Role::Mrso), policy).allowed);
        const auto nurse =
            decide(facts(ScreeningState::Reviewed), request(action, Role::Nurse), policy);
        CHECK_FALSE(nurse.allowed);
        CHECK_THAT(nurse.refusal, Contains("only an MRSO or an admin can"));
    }
    CHECK(rolesFor(Action::Clear, policy) == policy.signerRoles);
    CHECK(rolesFor(Action::Review, policy) == std::vector<Role>{Role::Nurse});
}

TEST_CASE("a policy that names no signer role lets nobody sign") {
    WorkflowPolicy policy;
    policy.signerRoles = {};
    for (const auto action : {Action::Clear, Action::ClearWithConditions, Action::NotClear}) {
        for (const auto role : kAllRoles) {
            CAPTURE(actionName(action), roleName(role));
            const auto result =
                decide(facts(ScreeningState::Reviewed), request(action, role), policy);
            CHECK_FALSE(result.allowed);
            CHECK_THAT(result.refusal, StartsWith("site policy names no role that may "));
        }
    }
}

// [SECTION] review: every stop and review flag needs a verdict

TEST_CASE("review is refused while stop or review flags have no verdict, listing them") {
    const auto flags = std::vector<FlagStatus>{
        flag("implant-hip", Severity::Review, FlagVerdict::Open),
        flag("pacemaker", Severity::Stop, FlagVerdict::Verified),
        flag("unsure-answers", Severity::Stop, FlagVerdict::Open),
        flag("tattoo", Severity::Info, FlagVerdict::Open),
    };
    const auto result = decide(facts(ScreeningState::Submitted, flags), permitted(Action::Review),
                               WorkflowPolicy{});
    CHECK_FALSE(result.allowed);
    CHECK(result.next == ScreeningState::Submitted);
    CHECK_THAT(result.refusal,
               Equals("2 stop/review flags have no verdict yet: implant-hip, unsure-answers (mark "
                      "each verified or resolved before completing the review)"));
}

TEST_CASE("a single open flag is named in the singular") {
    const auto result = decide(facts(ScreeningState::Submitted,
                                     {flag("claustrophobia", Severity::Review, FlagVerdict::Open)}),
                               permitted(Action::Review), WorkflowPolicy{});
    CHECK_FALSE(result.allowed);
    CHECK_THAT(result.refusal,
               StartsWith("1 stop/review flag has no verdict yet: claustrophobia ("));
}

TEST_CASE("review completes once every stop and review flag is verified or resolved") {
    const auto verdict = GENERATE(FlagVerdict::Verified, FlagVerdict::Resolved);
    CAPTURE(verdictName(verdict));
    const auto flags = std::vector<FlagStatus>{
        flag("pacemaker", Severity::Stop, verdict),
        flag("implant-hip", Severity::Review, verdict),
    };
    const auto result = decide(facts(ScreeningState::Submitted, flags), permitted(Action::Review),
                               WorkflowPolicy{});
    CHECK(result.allowed);
    CHECK(result.next == ScreeningState::Reviewed);
}

TEST_CASE("open info flags do not hold up review") {
    const auto result = decide(
        facts(ScreeningState::Submitted, {flag("tattoo", Severity::Info, FlagVerdict::Open),
                                          flag("dentures", Severity::Info, FlagVerdict::Open)}),
        permitted(Action::Review), WorkflowPolicy{});
    CHECK(result.allowed);
}

TEST_CASE("the role check comes before the flag check") {
    const auto result = decide(
        facts(ScreeningState::Submitted, {flag("pacemaker", Severity::Stop, FlagVerdict::Open)}),
        request(Action::Review, Role::Mrso), WorkflowPolicy{});
    CHECK_FALSE(result.allowed);
    CHECK_THAT(result.refusal, Contains("only a nurse can"));
}

// [SECTION] sign-off: clearing over a stop flag

TEST_CASE("clearing while a verified stop flag still applies needs an override reason") {
    const auto action = GENERATE(Action::Clear, Action::ClearWithConditions);
    CAPTURE(actionName(action));
    auto r = permitted(action);
    r.overrideReason = GENERATE(as<std::string>{}, "", " \t\n");
    const auto result = decide(reviewedWithVerifiedStop(), r, WorkflowPolicy{});
    CHECK_FALSE(result.allowed);
    CHECK(result.next == ScreeningState::Reviewed);
    CHECK_THAT(result.refusal,
               Equals("1 stop flag still applies: pacemaker; clearing needs an override reason "
                      "(the signer takes responsibility)"));
}

TEST_CASE("the override refusal names every stop flag that still applies") {
    const auto result =
        decide(facts(ScreeningState::Reviewed,
                     {flag("pacemaker", Severity::Stop, FlagVerdict::Verified),
                      flag("over-table-limit", Severity::Stop, FlagVerdict::Verified),
                      flag("clip", Severity::Stop, FlagVerdict::Resolved)}),
               permitted(Action::Clear), WorkflowPolicy{});
    CHECK_FALSE(result.allowed);
    CHECK_THAT(result.refusal,
               StartsWith("2 stop flags still apply: pacemaker, over-table-limit; "));
}

TEST_CASE("a signer who records an override reason may clear over a stop flag") {
    const auto action = GENERATE(Action::Clear, Action::ClearWithConditions);
    CAPTURE(actionName(action));
    auto r = permitted(action);
    r.overrideReason = "MR Conditional pacemaker, cardiology present, device in MRI mode";
    const auto result = decide(reviewedWithVerifiedStop(), r, WorkflowPolicy{});
    CHECK(result.allowed);
    CHECK(result.next == kMoves.at({ScreeningState::Reviewed, action}));
}

TEST_CASE("a stop flag the reviewer resolved needs no override") {
    const auto action = GENERATE(Action::Clear, Action::ClearWithConditions);
    const auto result =
        decide(facts(ScreeningState::Reviewed,
                     {flag("pacemaker", Severity::Stop, FlagVerdict::Resolved),
                      flag("implant-hip", Severity::Review, FlagVerdict::Verified)}),
               permitted(action), WorkflowPolicy{});
    CHECK(result.allowed);
}

TEST_CASE("a stop flag left open is treated as still applying at sign-off") {
    const auto result = decide(
        facts(ScreeningState::Reviewed, {flag("pacemaker", Severity::Stop, FlagVerdict::Open)}),
        permitted(Action::Clear), WorkflowPolicy{});
    CHECK_FALSE(result.allowed);
    CHECK_THAT(result.refusal, StartsWith("1 stop flag still applies: pacemaker;"));
}

TEST_CASE("not clearing needs no reason but accepts one") {
    const auto reason = GENERATE(as<std::string>{}, "pacemaker is MR Unsafe");
    auto r = permitted(Action::NotClear);
    r.overrideReason = reason;
    const auto result = decide(reviewedWithVerifiedStop(), r, WorkflowPolicy{});
    CHECK(result.allowed);
    CHECK(result.next == ScreeningState::NotCleared);
}

// [SECTION] sign-off: conditions

TEST_CASE("clearing with conditions needs the conditions written down") {
    auto r = permitted(Action::ClearWithConditions);
    r.conditions = GENERATE(as<std::string>{}, "   ");
    const auto result = decide(facts(ScreeningState::Reviewed), r, WorkflowPolicy{});
    CHECK_FALSE(result.allowed);
    CHECK_THAT(result.refusal,
               Equals("clearing with conditions needs the conditions written down"));
}

TEST_CASE("conditions given with a plain clear or not clear are refused rather than lost") {
    auto clear = permitted(Action::Clear);
    clear.conditions = "Normal Operating Mode only";
    const auto cleared = decide(facts(ScreeningState::Reviewed), clear, WorkflowPolicy{});
    CHECK_FALSE(cleared.allowed);
    CHECK_THAT(cleared.refusal, StartsWith("conditions were given: clear with conditions instead"));

    auto notClear = permitted(Action::NotClear);
    notClear.conditions = "Normal Operating Mode only";
    const auto notCleared = decide(facts(ScreeningState::Reviewed), notClear, WorkflowPolicy{});
    CHECK_FALSE(notCleared.allowed);
    CHECK_THAT(notCleared.refusal,
               StartsWith("conditions apply only when clearing with conditions"));
}

// [SECTION] sign-off: reviewer and signer

TEST_CASE("the reviewer cannot sign when site policy requires a different signer") {
    const auto action = GENERATE(Action::Clear, Action::ClearWithConditions, Action::NotClear);
    const auto username = GENERATE(as<std::string>{}, "nina", "Nina", "NINA");
    CAPTURE(actionName(action), username);
    auto r = permitted(action);
    r.actor.username = username;
    const auto result = decide(facts(ScreeningState::Reviewed), r, WorkflowPolicy{});
    CHECK_FALSE(result.allowed);
    CHECK(result.next == ScreeningState::Reviewed);
    CHECK_THAT(result.refusal,
               Equals(username + " reviewed this screening; site policy requires a different "
                                 "person to sign it"));
}

TEST_CASE("the reviewer may sign when site policy allows one person to do both") {
    const auto action = GENERATE(Action::Clear, Action::ClearWithConditions, Action::NotClear);
    CAPTURE(actionName(action));
    WorkflowPolicy policy;
    policy.signerMustDifferFromReviewer = false;
    auto r = permitted(action);
    r.actor.username = kReviewer;
    const auto result = decide(facts(ScreeningState::Reviewed), r, policy);
    CHECK(result.allowed);
    CHECK(result.next == kMoves.at({ScreeningState::Reviewed, action}));
}

TEST_CASE("a nurse may review and sign when site policy makes nurses signers and allows both") {
    WorkflowPolicy policy;
    policy.signerRoles = {Role::Nurse};
    policy.signerMustDifferFromReviewer = false;
    TransitionRequest r{Action::Clear, Actor{kReviewer, Role::Nurse}, "", ""};
    CHECK(decide(facts(ScreeningState::Reviewed), r, policy).allowed);

    policy.signerMustDifferFromReviewer = true;
    CHECK_FALSE(decide(facts(ScreeningState::Reviewed), r, policy).allowed);
}

TEST_CASE("a screening with no recorded reviewer cannot be signed while the two must differ") {
    auto unreviewed = facts(ScreeningState::Reviewed);
    unreviewed.reviewedBy = "";
    const auto result = decide(unreviewed, permitted(Action::Clear), WorkflowPolicy{});
    CHECK_FALSE(result.allowed);
    CHECK_THAT(result.refusal, StartsWith("the screening has no recorded reviewer"));

    WorkflowPolicy relaxed;
    relaxed.signerMustDifferFromReviewer = false;
    CHECK(decide(unreviewed, permitted(Action::Clear), relaxed).allowed);
}

// [SECTION] decided and final states

TEST_CASE("a decided screening changes only by amendment, by a nurse, MRSO or admin") {
    const auto state = GENERATE(ScreeningState::Cleared, ScreeningState::ClearedWithConditions,
                                ScreeningState::NotCleared);
    CAPTURE(stateName(state));
    for (const auto role : {Role::Nurse, Role::Mrso, Role::Admin}) {
        const auto result = decide(facts(state), request(Action::Amend, role), WorkflowPolicy{});
        CHECK(result.allowed);
        CHECK(result.next == ScreeningState::Amended);
    }
    for (const auto action : kAllActions) {
        if (action == Action::Amend)
            continue;
        const auto result = decide(facts(state), permitted(action), WorkflowPolicy{});
        CHECK_FALSE(result.allowed);
        CHECK_THAT(result.refusal, Contains("(it can only be amended)"));
    }
}

TEST_CASE("an amendment ignores the sign-off guards: the original is corrected, not re-signed") {
    auto decided = reviewedWithVerifiedStop();
    decided.state = ScreeningState::Cleared;
    TransitionRequest r{Action::Amend, Actor{kReviewer, Role::Nurse}, "", ""};
    CHECK(decide(decided, r, WorkflowPolicy{}).allowed);
}

TEST_CASE("abandoned and amended screenings are final for every action and every role") {
    const auto state = GENERATE(ScreeningState::Abandoned, ScreeningState::Amended);
    const auto action = GENERATE(from_range(kAllActions));
    CAPTURE(stateName(state), actionName(action));
    CHECK(actionsFrom(state).empty());
    for (const auto role : kAllRoles) {
        const auto result = decide(facts(state), request(action, role), WorkflowPolicy{});
        CHECK_FALSE(result.allowed);
        CHECK(result.next == state);
        CHECK_THAT(result.refusal, Contains(" cannot be ") && Contains(": it is final"));
    }
}

TEST_CASE("a screening walks from draft to amended one permitted step at a time") {
    ScreeningFacts screening =
        facts(ScreeningState::Draft, {flag("pacemaker", Severity::Stop, FlagVerdict::Open)});
    const auto step = [&](const TransitionRequest& r) {
        const auto result = decide(screening, r, WorkflowPolicy{});
        REQUIRE(result.allowed);
        screening.state = result.next;
    };
    step(request(Action::Submit, Role::Patient));
    CHECK_FALSE(decide(screening, request(Action::Review, Role::Nurse), WorkflowPolicy{}).allowed);
    screening.flags[0].verdict = FlagVerdict::Verified;
    step(TransitionRequest{Action::Review, Actor{kReviewer, Role::Nurse}, "", ""});
    screening.reviewedBy = kReviewer;
    auto clear = request(Action::ClearWithConditions, Role::Mrso);
    clear.overrideReason = "MR Conditional system; conditions checked against the 1.5 T scanner";
    step(clear);
    CHECK(screening.state == ScreeningState::ClearedWithConditions);
    step(request(Action::Amend, Role::Mrso));
    CHECK(screening.state == ScreeningState::Amended);
}

// [SECTION] Zone IV and contrast are decided apart

namespace {

FlagStatus contrastFlag(const std::string& id, Severity severity, FlagVerdict verdict) {
    return FlagStatus{id, severity, verdict, "", Gate::Contrast};
}

ContrastRequest contrastRequest(ContrastOutcome outcome, Role role = Role::Radiologist) {
    ContrastRequest r{outcome, actor(role), "", ""};
    if (outcome == ContrastOutcome::ClearedWithConditions) r.conditions = "group II agent only";
    return r;
}

} // namespace

TEST_CASE("contrast outcome names round-trip and unknown names are refused") {
    const std::vector<std::pair<ContrastOutcome, std::string>> names = {
        {ContrastOutcome::Cleared, "cleared"},
        {ContrastOutcome::ClearedWithConditions, "cleared_with_conditions"},
        {ContrastOutcome::NotCleared, "not_cleared"},
        {ContrastOutcome::NotPlanned, "not_planned"}};
    for (const auto& [outcome, name] : names) {
        CHECK(contrastOutcomeName(outcome) == name);
        CHECK(parseContrastOutcome(name) == outcome);
    }
    CHECK_FALSE(parseContrastOutcome("approved"));
    CHECK_FALSE(parseContrastOutcome(""));
}

TEST_CASE("an unresolved contrast stop never needs a Zone IV override") {
    const auto action = GENERATE(Action::Clear, Action::ClearWithConditions);
    const auto result = decide(facts(ScreeningState::Reviewed,
                                     {contrastFlag("renal-egfr-low", Severity::Stop, FlagVerdict::Verified)}),
                               permitted(action), WorkflowPolicy{});
    CHECK(result.allowed);
}

TEST_CASE("a Zone IV stop beside a contrast stop is the only one the Zone IV override names") {
    const auto result = decide(facts(ScreeningState::Reviewed,
                                     {contrastFlag("renal-egfr-low", Severity::Stop, FlagVerdict::Verified),
                                      flag("pacemaker", Severity::Stop, FlagVerdict::Verified)}),
                               permitted(Action::Clear), WorkflowPolicy{});
    CHECK_FALSE(result.allowed);
    CHECK_THAT(result.refusal, StartsWith("1 stop flag still applies: pacemaker;"));
}

TEST_CASE("review still needs a verdict on an open contrast flag") {
    const auto result = decide(facts(ScreeningState::Submitted,
                                     {contrastFlag("renal-egfr-reduced", Severity::Review, FlagVerdict::Open)}),
                               permitted(Action::Review), WorkflowPolicy{});
    CHECK_FALSE(result.allowed);
    CHECK_THAT(result.refusal, Contains("renal-egfr-reduced"));
}

TEST_CASE("an MRSO or a radiologist decides contrast on a reviewed or decided screening") {
    const auto role = GENERATE(Role::Mrso, Role::Radiologist);
    const auto state = GENERATE(ScreeningState::Reviewed, ScreeningState::Cleared,
                                ScreeningState::ClearedWithConditions, ScreeningState::NotCleared);
    const auto outcome = GENERATE(ContrastOutcome::Cleared, ContrastOutcome::ClearedWithConditions,
                                  ContrastOutcome::NotCleared);
    CHECK_FALSE(decideContrast(facts(state), contrastRequest(outcome, role), WorkflowPolicy{}));
}

TEST_CASE("contrast is not decided before review or on a final screening") {
    const auto state = GENERATE(ScreeningState::Draft, ScreeningState::Submitted, ScreeningState::Abandoned,
                                ScreeningState::Amended);
    const auto refusal = decideContrast(facts(state), contrastRequest(ContrastOutcome::Cleared), WorkflowPolicy{});
    REQUIRE(refusal);
    CHECK_THAT(*refusal, StartsWith("the contrast part is decided once the screening is reviewed; this is "));
}

TEST_CASE("a nurse, an admin or the patient session cannot decide contrast") {
    const auto role = GENERATE(Role::Nurse, Role::Admin, Role::Patient);
    const auto refusal =
        decideContrast(facts(ScreeningState::Reviewed), contrastRequest(ContrastOutcome::Cleared, role), WorkflowPolicy{});
    REQUIRE(refusal);
    CHECK_THAT(*refusal, Contains("cannot decide on contrast: only an MRSO or a radiologist can"));
}

TEST_CASE("the contrast signer roles come from site policy, and a policy naming none lets nobody decide") {
    WorkflowPolicy radiologistsOnly;
    radiologistsOnly.contrastSignerRoles = {Role::Radiologist};
    auto refusal = decideContrast(facts(ScreeningState::Reviewed),
                                  contrastRequest(ContrastOutcome::Cleared, Role::Mrso), radiologistsOnly);
    REQUIRE(refusal);
    CHECK_THAT(*refusal, Contains("only a radiologist can"));
    WorkflowPolicy nobody;
    nobody.contrastSignerRoles.clear();
    refusal = decideContrast(facts(ScreeningState::Reviewed), contrastRequest(ContrastOutcome::Cleared), nobody);
    REQUIRE(refusal);
    CHECK_THAT(*refusal, Contains("contrast_signer_roles"));
}

TEST_CASE("deciding contrast needs the signer's own username") {
    auto r = contrastRequest(ContrastOutcome::Cleared);
    r.actor.username = " ";
    const auto refusal = decideContrast(facts(ScreeningState::Reviewed), r, WorkflowPolicy{});
    REQUIRE(refusal);
    CHECK_THAT(*refusal, Contains("sign in with your own radiologist account"));
}

TEST_CASE("not planned is refused unless staff said contrast is not planned") {
    const auto plan = GENERATE(ContrastPlan::Unknown, ContrastPlan::Yes);
    auto f = facts(ScreeningState::Reviewed);
    f.contrastPlanned = plan;
    const auto refusal = decideContrast(f, contrastRequest(ContrastOutcome::NotPlanned), WorkflowPolicy{});
    REQUIRE(refusal);
    CHECK_THAT(*refusal, StartsWith(std::string("contrast is planned '") + contrastPlanName(plan) + "'"));
    f.contrastPlanned = ContrastPlan::No;
    CHECK_FALSE(decideContrast(f, contrastRequest(ContrastOutcome::NotPlanned), WorkflowPolicy{}));
}

TEST_CASE("clearing contrast over an unresolved contrast stop needs a reason, and a resolved one does not") {
    const auto outcome = GENERATE(ContrastOutcome::Cleared, ContrastOutcome::ClearedWithConditions);
    const auto stop = facts(ScreeningState::Reviewed,
                            {contrastFlag("renal-egfr-low", Severity::Stop, FlagVerdict::Verified),
                             flag("pacemaker", Severity::Stop, FlagVerdict::Verified)});
    auto r = contrastRequest(outcome);
    const auto refusal = decideContrast(stop, r, WorkflowPolicy{});
    REQUIRE(refusal);
    CHECK_THAT(*refusal, Equals("1 contrast stop flag still applies: renal-egfr-low; clearing contrast needs a "
                                "reason (the signer takes responsibility)"));
    r.reason = "dialysis booked right after the scan";
    CHECK_FALSE(decideContrast(stop, r, WorkflowPolicy{}));
    const auto resolved = facts(ScreeningState::Reviewed,
                                {contrastFlag("renal-egfr-low", Severity::Stop, FlagVerdict::Resolved)});
    CHECK_FALSE(decideContrast(resolved, contrastRequest(outcome), WorkflowPolicy{}));
    // Not clearing needs no reason.
    CHECK_FALSE(decideContrast(stop, contrastRequest(ContrastOutcome::NotCleared), WorkflowPolicy{}));
}

TEST_CASE("contrast conditions are needed to clear with conditions and refused otherwise") {
    auto r = contrastRequest(ContrastOutcome::ClearedWithConditions);
    r.conditions = " ";
    auto refusal = decideContrast(facts(ScreeningState::Reviewed), r, WorkflowPolicy{});
    REQUIRE(refusal);
    CHECK_THAT(*refusal, Contains("needs the conditions written down"));
    const auto outcome = GENERATE(ContrastOutcome::Cleared, ContrastOutcome::NotCleared);
    r = contrastRequest(outcome);
    r.conditions = "premedication";
    refusal = decideContrast(facts(ScreeningState::Reviewed), r, WorkflowPolicy{});
    REQUIRE(refusal);
    CHECK_THAT(*refusal, Contains("conditions"));
}

TEST_CASE("a signed contrast part is never replaced") {
    auto f = facts(ScreeningState::Cleared);
    f.contrastDecided = true;
    const auto refusal = decideContrast(f, contrastRequest(ContrastOutcome::NotCleared), WorkflowPolicy{});
    REQUIRE(refusal);
    CHECK_THAT(*refusal, Contains("already signed") && Contains("amend"));
}
