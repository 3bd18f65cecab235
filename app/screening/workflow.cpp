#include "screening/workflow.h"

#include <algorithm>
#include <array>
#include <cctype>
#include <utility>

namespace mrscreen::screening {

namespace {

constexpr std::array kStates = {ScreeningState::Draft,
                                ScreeningState::Submitted,
                                ScreeningState::Reviewed,
                                ScreeningState::Cleared,
                                ScreeningState::ClearedWithConditions,
                                ScreeningState::NotCleared,
                                ScreeningState::Abandoned,
                                ScreeningState::Amended};
constexpr std::array kRoles = {Role::Patient, Role::Nurse, Role::Mrso, Role::Admin, Role::Radiologist};
constexpr std::array kActions = {
    Action::Submit,   Action::Abandon, Action::Review, Action::Clear, Action::ClearWithConditions,
    Action::NotClear, Action::Amend};
constexpr std::array kContrastOutcomes = {ContrastOutcome::Cleared, ContrastOutcome::ClearedWithConditions,
                                          ContrastOutcome::NotCleared, ContrastOutcome::NotPlanned};
constexpr std::array kVerdicts = {FlagVerdict::Open, FlagVerdict::Verified, FlagVerdict::Resolved};

template <typename Enum, std::size_t N>
std::optional<Enum> parseName(const std::array<Enum, N>& all, const char* (*name)(Enum),
                              const std::string& text) {
    for (const Enum e : all)
        if (text == name(e))
            return e;
    return std::nullopt;
}

// [SECTION] the transition table

// The state an action leads to from a state, if that move exists at all.
std::optional<ScreeningState> target(ScreeningState state, Action action) {
    switch (state) {
    case ScreeningState::Draft:
        if (action == Action::Submit)
            return ScreeningState::Submitted;
        if (action == Action::Abandon)
            return ScreeningState::Abandoned;
        return std::nullopt;
    case ScreeningState::Submitted:
        if (action == Action::Review)
            return ScreeningState::Reviewed;
        return std::nullopt;
    case ScreeningState::Reviewed:
        if (action == Action::Clear)
            return ScreeningState::Cleared;
        if (action == Action::ClearWithConditions)
            return ScreeningState::ClearedWithConditions;
        if (action == Action::NotClear)
            return ScreeningState::NotCleared;
        return std::nullopt;
    case ScreeningState::Cleared:
    case ScreeningState::ClearedWithConditions:
    case ScreeningState::NotCleared:
        if (action == Action::Amend)
            return ScreeningState::Amended;
        return std::nullopt;
    case ScreeningState::Abandoned:
    case ScreeningState::Amended:
        return std::nullopt;
    }
    return std::nullopt;
}

bool isSigning(Action action) {
    return action == Action::Clear || action == Action::ClearWithConditions ||
           action == Action::NotClear;
}

// [SECTION] wording of refusals

// "a draft screening", "an abandoned screening", ...
const char* screeningPhrase(ScreeningState state) {
    switch (state) {
    case ScreeningState::Draft:
        return "a draft screening";
    case ScreeningState::Submitted:
        return "a submitted screening";
    case ScreeningState::Reviewed:
        return "a reviewed screening";
    case ScreeningState::Cleared:
        return "a cleared screening";
    case ScreeningState::ClearedWithConditions:
        return "a screening cleared with conditions";
    case ScreeningState::NotCleared:
        return "a screening marked not cleared";
    case ScreeningState::Abandoned:
        return "an abandoned screening";
    case ScreeningState::Amended:
        return "an amended screening";
    }
    return "a screening";
}

const char* pastTense(Action action) {
    switch (action) {
    case Action::Submit:
        return "submitted";
    case Action::Abandon:
        return "abandoned";
    case Action::Review:
        return "reviewed";
    case Action::Clear:
        return "cleared";
    case Action::ClearWithConditions:
        return "cleared with conditions";
    case Action::NotClear:
        return "marked not cleared";
    case Action::Amend:
        return "amended";
    }
    return "changed";
}

const char* doPhrase(Action action) {
    switch (action) {
    case Action::Submit:
        return "submit a screening";
    case Action::Abandon:
        return "abandon a screening";
    case Action::Review:
        return "review a screening";
    case Action::Clear:
        return "clear a screening";
    case Action::ClearWithConditions:
        return "clear a screening with conditions";
    case Action::NotClear:
        return "mark a screening not cleared";
    case Action::Amend:
        return "amend a screening";
    }
    return "change a screening";
}

const char* rolePhrase(Role role) {
    switch (role) {
    case Role::Patient:
        return "the patient session";
    case Role::Nurse:
        return "a nurse";
    case Role::Mrso:
        return "an MRSO";
    case Role::Admin:
        return "an admin";
    case Role::Radiologist:
        return "a radiologist";
    }
    return "?";
}

// "a, b or c"
std::string joinOr(const std::vector<std::string>& parts) {
    std::string out;
    for (std::size_t i = 0; i < parts.size(); ++i) {
        if (i > 0)
            out += i + 1 == parts.size() ? " or " : ", ";
        out += parts[i];
    }
    return out;
}

std::string joinComma(const std::vector<std::string>& parts) {
    std::string out;
    for (const auto& p : parts)
        out += (out.empty() ? "" : ", ") + p;
    return out;
}

std::string who(const Actor& actor) {
    if (actor.role == Role::Patient)
        return "the patient session";
    if (actor.username.empty())
        return std::string("an unnamed ") + roleName(actor.role) + " account";
    return actor.username + " (" + roleName(actor.role) + ")";
}

// Why a move that does not exist is refused, and what can be done instead.
std::string noSuchMove(ScreeningState state, Action action) {
    std::string text = std::string(screeningPhrase(state)) + " cannot be " + pastTense(action);
    if (isFinal(state))
        return text + ": it is final";
    std::vector<std::string> instead;
    for (const Action a : actionsFrom(state))
        instead.push_back(pastTense(a));
    return text + " (it can only be " + joinOr(instead) + ")";
}

// [SECTION] guards

bool isBlank(const std::string& text) {
    return std::all_of(text.begin(), text.end(),
                       [](unsigned char c) { return std::isspace(c) != 0; });
}

bool sameUser(const std::string& a, const std::string& b) {
    return a.size() == b.size() &&
           std::equal(a.begin(), a.end(), b.begin(), [](unsigned char x, unsigned char y) {
               return std::tolower(x) == std::tolower(y);
           });
}

// "1 flag has" / "2 flags have", then the ids.
std::string countedFlags(const std::vector<std::string>& ids, const char* kind) {
    const bool one = ids.size() == 1;
    return std::to_string(ids.size()) + " " + kind + (one ? " flag " : " flags ");
}

std::optional<std::string> reviewGuard(const ScreeningFacts& facts) {
    std::vector<std::string> open;
    for (const auto& f : facts.flags)
        if (f.severity != Severity::Info && f.verdict == FlagVerdict::Open)
            open.push_back(f.flagId);
    if (open.empty())
        return std::nullopt;
    return countedFlags(open, "stop/review") + (open.size() == 1 ? "has" : "have") +
           " no verdict yet: " + joinComma(open) +
           " (mark each verified or resolved before completing the review)";
}

std::optional<std::string> signingGuard(const ScreeningFacts& facts,
                                        const TransitionRequest& request,
                                        const WorkflowPolicy& policy) {
    const Action action = request.action;
    if (policy.signerMustDifferFromReviewer) {
        if (isBlank(facts.reviewedBy))
            return std::string("the screening has no recorded reviewer, so site policy (signer "
                               "differs from reviewer) cannot be checked");
        if (sameUser(request.actor.username, facts.reviewedBy))
            return request.actor.username +
                   " reviewed this screening; site policy requires a different person to sign it";
    }
    if (action == Action::ClearWithConditions && isBlank(request.conditions))
        return std::string("clearing with conditions needs the conditions written down");
    if (action == Action::Clear && !isBlank(request.conditions))
        return std::string("conditions were given: clear with conditions instead, so they are "
                           "kept with the decision");
    if (action == Action::NotClear && !isBlank(request.conditions))
        return std::string("conditions apply only when clearing with conditions; give the reason "
                           "it is not cleared instead");
    if (action == Action::Clear || action == Action::ClearWithConditions) {
        // Zone IV looks at Zone IV hazards only: a contrast stop is the contrast part's decision.
        std::vector<std::string> stops;
        for (const auto& f : facts.flags)
            if (f.severity == Severity::Stop && f.gate == Gate::ZoneIv && f.verdict != FlagVerdict::Resolved)
                stops.push_back(f.flagId);
        if (!stops.empty() && isBlank(request.overrideReason))
            return countedFlags(stops, "stop") +
                   (stops.size() == 1 ? "still applies" : "still apply") + ": " + joinComma(stops) +
                   "; clearing needs an override reason (the signer takes responsibility)";
    }
    return std::nullopt;
}

TransitionResult refuse(ScreeningState state, std::string why) {
    return TransitionResult{false, state, std::move(why)};
}

} // namespace

// [SECTION] names

const char* stateName(ScreeningState state) {
    switch (state) {
    case ScreeningState::Draft:
        return "draft";
    case ScreeningState::Submitted:
        return "submitted";
    case ScreeningState::Reviewed:
        return "reviewed";
    case ScreeningState::Cleared:
        return "cleared";
    case ScreeningState::ClearedWithConditions:
        return "cleared_with_conditions";
    case ScreeningState::NotCleared:
        return "not_cleared";
    case ScreeningState::Abandoned:
        return "abandoned";
    case ScreeningState::Amended:
        return "amended";
    }
    return "?";
}

std::optional<ScreeningState> parseState(const std::string& text) {
    return parseName(kStates, stateName, text);
}

bool isDecided(ScreeningState state) {
    return state == ScreeningState::Cleared || state == ScreeningState::ClearedWithConditions ||
           state == ScreeningState::NotCleared;
}

bool isFinal(ScreeningState state) {
    return state == ScreeningState::Abandoned || state == ScreeningState::Amended;
}

const char* roleName(Role role) {
    switch (role) {
    case Role::Patient:
        return "patient";
    case Role::Nurse:
        return "nurse";
    case Role::Mrso:
        return "mrso";
    case Role::Admin:
        return "admin";
    case Role::Radiologist:
        return "radiologist";
    }
    return "?";
}

std::optional<Role> parseRole(const std::string& text) {
    return parseName(kRoles, roleName, text);
}

const char* actionName(Action action) {
    switch (action) {
    case Action::Submit:
        return "submit";
    case Action::Abandon:
        return "abandon";
    case Action::Review:
        return "review";
    case Action::Clear:
        return "clear";
    case Action::ClearWithConditions:
        return "clear_with_conditions";
    case Action::NotClear:
        return "not_clear";
    case Action::Amend:
        return "amend";
    }
    return "?";
}

std::optional<Action> parseAction(const std::string& text) {
    return parseName(kActions, actionName, text);
}

const char* verdictName(FlagVerdict verdict) {
    switch (verdict) {
    case FlagVerdict::Open:
        return "open";
    case FlagVerdict::Verified:
        return "verified";
    case FlagVerdict::Resolved:
        return "resolved";
    }
    return "?";
}

std::optional<FlagVerdict> parseVerdict(const std::string& text) {
    return parseName(kVerdicts, verdictName, text);
}

// [SECTION] decisions

std::vector<Action> actionsFrom(ScreeningState state) {
    std::vector<Action> out;
    for (const Action a : kActions)
        if (target(state, a))
            out.push_back(a);
    return out;
}

std::vector<Role> rolesFor(Action action, const WorkflowPolicy& policy) {
    switch (action) {
    case Action::Submit:
        return {Role::Patient, Role::Nurse, Role::Admin};
    case Action::Abandon:
        return {Role::Patient, Role::Nurse};
    case Action::Review:
        return {Role::Nurse};
    case Action::Clear:
    case Action::ClearWithConditions:
    case Action::NotClear:
        return policy.signerRoles;
    case Action::Amend:
        return {Role::Nurse, Role::Mrso, Role::Admin};
    }
    return {};
}

TransitionResult decide(const ScreeningFacts& facts, const TransitionRequest& request,
                        const WorkflowPolicy& policy) {
    const ScreeningState state = facts.state;
    const Action action = request.action;
    const Actor& actor = request.actor;

    const auto next = target(state, action);
    if (!next)
        return refuse(state, noSuchMove(state, action));

    const auto roles = rolesFor(action, policy);
    if (roles.empty())
        return refuse(state, std::string("site policy names no role that may ") + doPhrase(action));
    if (std::find(roles.begin(), roles.end(), actor.role) == roles.end()) {
        std::vector<std::string> allowed;
        for (const Role r : roles)
            allowed.push_back(rolePhrase(r));
        return refuse(state, who(actor) + " cannot " + doPhrase(action) + ": only " +
                                 joinOr(allowed) + " can");
    }
    if (actor.role != Role::Patient && isBlank(actor.username))
        return refuse(state, std::string("sign in with your own ") + roleName(actor.role) +
                                 " account to " + doPhrase(action));

    std::optional<std::string> guard;
    if (action == Action::Review)
        guard = reviewGuard(facts);
    else if (isSigning(action))
        guard = signingGuard(facts, request, policy);
    if (guard)
        return refuse(state, std::move(*guard));
    return TransitionResult{true, *next, {}};
}

// [SECTION] the contrast part of the decision

const char* contrastOutcomeName(ContrastOutcome outcome) {
    switch (outcome) {
    case ContrastOutcome::Cleared:
        return "cleared";
    case ContrastOutcome::ClearedWithConditions:
        return "cleared_with_conditions";
    case ContrastOutcome::NotCleared:
        return "not_cleared";
    case ContrastOutcome::NotPlanned:
        return "not_planned";
    }
    return "?";
}

std::optional<ContrastOutcome> parseContrastOutcome(const std::string& text) {
    return parseName(kContrastOutcomes, contrastOutcomeName, text);
}

std::optional<std::string> decideContrast(const ScreeningFacts& facts, const ContrastRequest& request,
                                          const WorkflowPolicy& policy) {
    const ScreeningState state = facts.state;
    if (state != ScreeningState::Reviewed && !isDecided(state))
        return std::string("the contrast part is decided once the screening is reviewed; this is ") +
               screeningPhrase(state);
    if (facts.contrastDecided)
        return std::string("the contrast part of this screening is already signed; a signed decision "
                           "is never replaced (amend the screening to change it)");
    const auto& roles = policy.contrastSignerRoles;
    if (roles.empty())
        return std::string("site policy names no role that may decide on contrast "
                           "([workflow] contrast_signer_roles)");
    if (std::find(roles.begin(), roles.end(), request.actor.role) == roles.end()) {
        std::vector<std::string> allowed;
        for (const Role r : roles)
            allowed.push_back(rolePhrase(r));
        return who(request.actor) + " cannot decide on contrast: only " + joinOr(allowed) + " can";
    }
    if (isBlank(request.actor.username))
        return std::string("sign in with your own ") + roleName(request.actor.role) +
               " account to decide on contrast";
    const ContrastOutcome outcome = request.outcome;
    if (outcome == ContrastOutcome::NotPlanned && facts.contrastPlanned != ContrastPlan::No)
        return std::string("contrast is planned '") + contrastPlanName(facts.contrastPlanned) +
               "': set contrast planned to 'no' first, or decide cleared, cleared with conditions "
               "or not cleared";
    if (outcome == ContrastOutcome::ClearedWithConditions && isBlank(request.conditions))
        return std::string("clearing contrast with conditions needs the conditions written down "
                           "(for example 'group II agent only' or 'premedication')");
    if ((outcome == ContrastOutcome::Cleared || outcome == ContrastOutcome::NotPlanned) &&
        !isBlank(request.conditions))
        return std::string("conditions were given: clear contrast with conditions instead, so "
                           "they are kept with the decision");
    if (outcome == ContrastOutcome::NotCleared && !isBlank(request.conditions))
        return std::string("conditions apply only when clearing contrast with conditions; give "
                           "the reason it is not cleared instead");
    if (outcome == ContrastOutcome::Cleared || outcome == ContrastOutcome::ClearedWithConditions) {
        std::vector<std::string> stops;
        for (const auto& f : facts.flags)
            if (f.severity == Severity::Stop && f.gate == Gate::Contrast && f.verdict != FlagVerdict::Resolved)
                stops.push_back(f.flagId);
        if (!stops.empty() && isBlank(request.reason))
            return countedFlags(stops, "contrast stop") + (stops.size() == 1 ? "still applies" : "still apply") +
                   ": " + joinComma(stops) +
                   "; clearing contrast needs a reason (the signer takes responsibility)";
    }
    return std::nullopt;
}

} // namespace mrscreen::screening
