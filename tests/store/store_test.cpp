// The store contract, run for every backend (store_backends.h): submission and the review queue,
// every workflow transition made through the store (allowed ones write one audit event, refused
// ones change nothing), role checks, sign-off guards and amendments (staff accounts:
// staff_test.cpp; labs, implants, signatures: review_details_test.cpp; the SQLite file itself:
// store_sqlite_test.cpp). Each test works on its own scratch store.
#include "store/store.h"
#include "store_backends.h"
#include "store_fixture.h"

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include <memory>
#include <string>
#include <vector>

using Catch::Matchers::Contains;
using Catch::Matchers::StartsWith;
using namespace store_fixture;

namespace {

// [SECTION] scratch databases and people

const Flag kPacemaker = flag("pacemaker", Severity::Stop, "implant");
const Flag kPregnancy = flag("pregnancy", Severity::Review, "pregnancy");
const Flag kClaustrophobia = flag("claustrophobia", Severity::Info, "comfort");

// The StoreError message `f` throws, or "" when it throws none.
template <typename F> std::string storeErrorOf(F&& f) { return messageThrownBy<StoreError>(f); }

// A fresh store of the backend under test.
struct ScratchStore : store_fixture::ContractStoreBase {
    explicit ScratchStore(const StoreOptions& options = {}) : ContractStoreBase("store", options) {}

    // The store never keeps drafts (the kiosk holds them until submit), so one is written directly.
    std::int64_t insertDraft() { return backend->insertDraft(); }

    // Screenings that are corrections of another.
    int amendments() {
        int n = 0;
        for (std::int64_t id = 1; id <= store->countScreenings(); ++id)
            if (const auto d = store->screening(id); d && d->summary.origin == "amendment")
                ++n;
        return n;
    }

    // A screening brought to `state` through the store (drafts excepted); reviewed by kNurse,
    // signed by kMrso.
    std::int64_t screeningIn(ScreeningState state) {
        switch (state) {
        case ScreeningState::Draft:
            return insertDraft();
        case ScreeningState::Abandoned: {
            const auto id = insertDraft();
            store->transition(id, request(Action::Abandon, kPatient));
            return id;
        }
        case ScreeningState::Submitted:
            return store->submit(sampleScreening(), kPatient);
        case ScreeningState::Reviewed: {
            const auto id = screeningIn(ScreeningState::Submitted);
            store->transition(id, request(Action::Review, kNurse));
            return id;
        }
        case ScreeningState::Cleared: {
            const auto id = screeningIn(ScreeningState::Reviewed);
            store->transition(id, request(Action::Clear, kMrso));
            return id;
        }
        case ScreeningState::ClearedWithConditions: {
            const auto id = screeningIn(ScreeningState::Reviewed);
            store->transition(
                id, request(Action::ClearWithConditions, kMrso, "", "remove hearing aids"));
            return id;
        }
        case ScreeningState::NotCleared: {
            const auto id = screeningIn(ScreeningState::Reviewed);
            store->transition(id,
                              request(Action::NotClear, kMrso, "retained foreign body in the eye"));
            return id;
        }
        case ScreeningState::Amended: {
            const auto id = screeningIn(ScreeningState::Cleared);
            store->amend(id, sampleScreening(), kNurse);
            return id;
        }
        }
        FAIL("unknown state");
        return 0;
    }
};

// Everything a refused change must leave as it was.
struct Snapshot {
    ScreeningState state;
    std::string reviewedBy;
    bool decided;
    std::int64_t screenings;
    std::int64_t auditRows;
    std::size_t events;     // the screening's own history
    std::size_t signatures; // its drawn signatures

    static Snapshot of(ScratchStore& s, std::int64_t id) {
        const auto d = s.store->screening(id).value();
        return {d.summary.state,        d.summary.reviewedBy,
                d.decision.has_value(), s.store->countScreenings(),
                s.auditRows(),          d.history.size(),
                d.signatures.size()};
    }
    bool operator==(const Snapshot&) const = default;
};

std::string describe(const Snapshot& s) {
    return std::string(mrscreen::screening::stateName(s.state)) + " reviewedBy=" + s.reviewedBy +
           " decided=" + (s.decided ? "yes" : "no") +
           " screenings=" + std::to_string(s.screenings) + " audit=" + std::to_string(s.auditRows) +
           " events=" + std::to_string(s.events) + " signatures=" + std::to_string(s.signatures);
}

} // namespace

// [SECTION] submit and queue

TEST_CASE("submit stores the response, its flags and exactly one audit event") {
    ScratchStore s;
    auto withDerived = flag("egfr-low", Severity::Review, "renal");
    withDerived.triggers = {Trigger{"", {}, "egfr", 27.5}};
    const auto submitted = sampleScreening({kPacemaker, withDerived, kClaustrophobia});
    const auto before = s.auditRows();

    const auto id = s.store->submit(submitted, kPatient);

    CHECK(s.auditRows() == before + 1);
    CHECK(s.newestAuditAction() == "screening.submitted");
    CHECK(s.store->countScreenings() == 1);
    const auto d = s.store->screening(id).value();
    CHECK(d.summary.state == ScreeningState::Submitted);
    CHECK(d.summary.origin == "kiosk");
    CHECK(d.summary.patient.familyName == "Okafor");
    CHECK(d.summary.patient.birthDate == "1970-03-14");
    CHECK_FALSE(d.summary.submittedAt.empty());
    CHECK(d.formUrl == submitted.formUrl);
    CHECK(d.formVersion == "1.2.0");
    CHECK(d.formSha256 == submitted.formSha256);
    CHECK(d.rulesSha256 == submitted.rulesSha256);
    CHECK(d.language == "en");
    CHECK(d.responseVersion == 1);
    CHECK(d.responseJson == submitted.responseJson);
    CHECK_FALSE(d.amendsId);
    CHECK_FALSE(d.amendedById);
    CHECK_FALSE(d.decision);

    REQUIRE(d.flags.size() == 3); // stop, review, info
    CHECK(d.flags[0].ruleId == "pacemaker");
    CHECK(d.flags[0].severity == Severity::Stop);
    CHECK(d.flags[0].category == "implant");
    CHECK(d.flags[0].message == "Check pacemaker with the patient");
    CHECK(nlohmann::json::parse(d.flags[0].triggersJson) ==
          nlohmann::json::parse(R"([{"linkId":"has-pacemaker","answers":["true"]}])"));
    CHECK(d.flags[1].ruleId == "egfr-low");
    CHECK(nlohmann::json::parse(d.flags[1].triggersJson) ==
          nlohmann::json::parse(R"([{"derived":"egfr","value":27.5}])"));
    CHECK(d.flags[2].ruleId == "claustrophobia");
    for (const auto& f : d.flags) {
        CHECK(f.status == FlagVerdict::Open);
        CHECK(f.statusBy.empty());
    }
    CHECK(d.summary.stopFlags == 1);
    CHECK(d.summary.reviewFlags == 1);
    CHECK(d.summary.infoFlags == 1);
    CHECK(d.summary.openFlags == 2);

    REQUIRE(d.history.size() == 1);
    CHECK(d.history[0].action == "screening.submitted");
    CHECK(d.history[0].actor == "patient");
    CHECK(d.history[0].screeningId == id);
    CHECK(s.backend->responseSha256(id, 1) == sha256Hex(submitted.responseJson));
}

TEST_CASE("a store opened again holds every screening, flag and audit event it held") {
    ScratchStore s;
    const auto id = s.store->submit(sampleScreening({kPacemaker}), kPatient);
    const auto audit = s.auditRows();
    s.reopen();
    CHECK(s.store->countScreenings() == 1);
    CHECK(s.store->screening(id).value().flags.size() == 1);
    CHECK(s.auditRows() == audit);
    CHECK(s.store->verifyAudit().intact);
}

TEST_CASE("an imported response is stored as submitted by the nurse who imported it") {
    ScratchStore s;
    auto imported = sampleScreening({kPregnancy});
    imported.origin = "import";
    const auto id = s.store->submit(imported, kNurse);
    const auto d = s.store->screening(id).value();
    CHECK(d.summary.origin == "import");
    REQUIRE(d.history.size() == 1);
    CHECK(d.history[0].actor == "nina");
}

TEST_CASE("a screening that does not exist is reported as absent") {
    ScratchStore s;
    CHECK_FALSE(s.store->screening(42));
    CHECK_THAT(refusalOf([&] { s.store->transition(42, request(Action::Review, kNurse)); }),
               Contains("there is no screening 42"));
    CHECK(s.auditRows() == 0);
}

TEST_CASE("the queue lists submitted and reviewed screenings only, oldest first, with their flag "
          "counts") {
    ScratchStore s;
    const auto flagged = s.store->submit(
        sampleScreening({kPacemaker, kPregnancy, kClaustrophobia}, "Flagged"), kPatient);
    const auto early = s.store->submit(sampleScreening({}, "Early"), kPatient);
    const auto reviewed = s.screeningIn(ScreeningState::Reviewed);
    s.screeningIn(ScreeningState::Draft);
    s.screeningIn(ScreeningState::Abandoned);
    s.screeningIn(ScreeningState::Cleared);
    s.screeningIn(ScreeningState::NotCleared);
    const auto amendedTo = s.store->amend(s.screeningIn(ScreeningState::ClearedWithConditions),
                                          sampleScreening({}, "Corrected"), kMrso);
    // Submitted long before the others, though stored later: the queue goes by submission time.
    s.backend->backdateSubmission(early, "2020-01-01T00:00:00.000Z");

    auto queue = s.store->queue();
    std::vector<std::int64_t> ids;
    for (const auto& q : queue)
        ids.push_back(q.id);
    CHECK(ids == std::vector<std::int64_t>{early, flagged, reviewed, amendedTo});

    REQUIRE(queue.size() == 4);
    CHECK(queue[0].patient.familyName == "Early");
    CHECK(queue[1].state == ScreeningState::Submitted);
    CHECK(queue[1].stopFlags == 1);
    CHECK(queue[1].reviewFlags == 1);
    CHECK(queue[1].infoFlags == 1);
    CHECK(queue[1].openFlags == 2);
    CHECK(queue[2].state == ScreeningState::Reviewed);
    CHECK(queue[2].reviewedBy == "nina");
    CHECK(queue[3].origin == "amendment");

    s.store->setFlagVerdict(flagged, "pacemaker", FlagVerdict::Verified, "Checked the card",
                            kNurse);
    queue = s.store->queue();
    REQUIRE(queue.size() == 4);
    CHECK(queue[1].openFlags == 1);
    CHECK(queue[1].stopFlags == 1);
}

// [SECTION] allowed transitions

TEST_CASE("every allowed transition is made through the store and appends one audit event") {
    ScratchStore s;

    SECTION("draft -> submitted, by the patient session, a nurse or an admin") {
        for (const auto& actor : {kPatient, kNurse, kAdmin}) {
            const auto before = s.auditRows();
            const auto id = s.store->submit(sampleScreening(), actor);
            CHECK(s.stateOf(id) == ScreeningState::Submitted);
            CHECK(s.auditRows() == before + 1);
            CHECK(s.newestAuditAction() == "screening.submitted");
        }
    }
    SECTION("draft -> abandoned, by the patient session or a nurse") {
        for (const auto& actor : {kPatient, kNurse}) {
            const auto id = s.insertDraft();
            const auto before = s.auditRows();
            CHECK(s.store->transition(id, request(Action::Abandon, actor)) ==
                  ScreeningState::Abandoned);
            CHECK(s.stateOf(id) == ScreeningState::Abandoned);
            CHECK(s.auditRows() == before + 1);
            CHECK(s.newestAuditAction() == "screening.abandoned");
        }
    }
    SECTION("submitted -> reviewed, by a nurse") {
        const auto id = s.screeningIn(ScreeningState::Submitted);
        const auto before = s.auditRows();
        CHECK(s.store->transition(id, request(Action::Review, kNurse)) == ScreeningState::Reviewed);
        const auto d = s.store->screening(id).value();
        CHECK(d.summary.state == ScreeningState::Reviewed);
        CHECK(d.summary.reviewedBy == "nina");
        CHECK(s.auditRows() == before + 1);
        CHECK(s.newestAuditAction() == "screening.reviewed");
        CHECK(d.history.back().actor == "nina");
    }
    SECTION("reviewed -> cleared, by the MRSO") {
        const auto id = s.screeningIn(ScreeningState::Reviewed);
        const auto before = s.auditRows();
        CHECK(s.store->transition(id, request(Action::Clear, kMrso)) == ScreeningState::Cleared);
        const auto d = s.store->screening(id).value();
        CHECK(d.summary.state == ScreeningState::Cleared);
        REQUIRE(d.decision);
        CHECK(d.decision->outcome == "cleared");
        CHECK(d.decision->decidedBy == "omar");
        CHECK_FALSE(d.decision->decidedAt.empty());
        CHECK(s.auditRows() == before + 1);
        CHECK(s.newestAuditAction() == "screening.cleared");
    }
    SECTION("reviewed -> cleared_with_conditions, by the MRSO, keeping the conditions") {
        const auto id = s.screeningIn(ScreeningState::Reviewed);
        const auto before = s.auditRows();
        CHECK(s.store->transition(id, request(Action::ClearWithConditions, kMrso, "",
                                              "Normal Operating Mode only")) ==
              ScreeningState::ClearedWithConditions);
        const auto d = s.store->screening(id).value();
        CHECK(d.summary.state == ScreeningState::ClearedWithConditions);
        REQUIRE(d.decision);
        CHECK(d.decision->outcome == "cleared_with_conditions");
        CHECK(d.decision->conditions == "Normal Operating Mode only");
        CHECK(s.auditRows() == before + 1);
        CHECK(s.newestAuditAction() == "screening.cleared_with_conditions");
        CHECK(nlohmann::json::parse(d.history.back().detailJson)["conditions"] ==
              "Normal Operating Mode only");
    }
    SECTION("reviewed -> not_cleared, by the MRSO") {
        const auto id = s.screeningIn(ScreeningState::Reviewed);
        const auto before = s.auditRows();
        CHECK(s.store->transition(id, request(Action::NotClear, kMrso)) ==
              ScreeningState::NotCleared);
        const auto d = s.store->screening(id).value();
        CHECK(d.summary.state == ScreeningState::NotCleared);
        REQUIRE(d.decision);
        CHECK(d.decision->outcome == "not_cleared");
        CHECK(s.auditRows() == before + 1);
        CHECK(s.newestAuditAction() == "screening.not_cleared");
    }
    SECTION("decided -> amended, from each outcome, by a nurse, an MRSO or an admin") {
        const std::vector<std::pair<ScreeningState, Actor>> cases = {
            {ScreeningState::Cleared, kNurse},
            {ScreeningState::ClearedWithConditions, kMrso},
            {ScreeningState::NotCleared, kAdmin}};
        for (const auto& [state, actor] : cases) {
            INFO(mrscreen::screening::stateName(state) << " amended by " << actor.username);
            const auto id = s.screeningIn(state);
            const auto before = s.auditRows();
            const auto newId = s.store->amend(id, sampleScreening(), actor);
            CHECK(newId != id);
            CHECK(s.stateOf(id) == ScreeningState::Amended);
            CHECK(s.stateOf(newId) == ScreeningState::Submitted);
            // One event for the original's amendment, one for the correction's submission.
            CHECK(s.auditRows() == before + 2);
            CHECK(s.newestAuditAction() == "screening.submitted");
        }
    }
}

// [SECTION] forbidden transitions

TEST_CASE("a forbidden transition is refused and leaves the state and the audit trail unchanged") {
    struct Forbidden {
        ScreeningState from;
        Action action;
        Actor actor;
        std::string why;
    };
    const std::vector<Forbidden> cases = {
        {ScreeningState::Draft, Action::Review, kNurse, "a draft screening cannot be reviewed"},
        {ScreeningState::Draft, Action::Clear, kMrso, "a draft screening cannot be cleared"},
        {ScreeningState::Submitted, Action::Clear, kMrso,
         "a submitted screening cannot be cleared"},
        {ScreeningState::Submitted, Action::NotClear, kMrso, "cannot be marked not cleared"},
        {ScreeningState::Submitted, Action::Abandon, kNurse,
         "a submitted screening cannot be abandoned"},
        {ScreeningState::Reviewed, Action::Review, kOtherNurse,
         "a reviewed screening cannot be reviewed"},
        {ScreeningState::Reviewed, Action::Abandon, kNurse,
         "a reviewed screening cannot be abandoned"},
        {ScreeningState::Cleared, Action::Review, kNurse, "a cleared screening cannot be reviewed"},
        {ScreeningState::Cleared, Action::Clear, kOtherMrso,
         "a cleared screening cannot be cleared"},
        {ScreeningState::Cleared, Action::NotClear, kOtherMrso,
         "a cleared screening cannot be marked not cleared"},
        {ScreeningState::ClearedWithConditions, Action::Abandon, kNurse, "cannot be abandoned"},
        {ScreeningState::NotCleared, Action::Clear, kOtherMrso,
         "a screening marked not cleared cannot be cleared"},
        {ScreeningState::Abandoned, Action::Review, kNurse,
         "an abandoned screening cannot be reviewed: it is final"},
        {ScreeningState::Abandoned, Action::Abandon, kPatient, "it is final"},
        {ScreeningState::Amended, Action::Clear, kOtherMrso,
         "an amended screening cannot be cleared: it is final"},
        {ScreeningState::Amended, Action::Review, kNurse, "it is final"},
    };
    for (const auto& c : cases) {
        ScratchStore s;
        const auto id = s.screeningIn(c.from);
        const auto before = Snapshot::of(s, id);
        INFO(mrscreen::screening::stateName(c.from)
             << " --" << mrscreen::screening::actionName(c.action) << "--> by "
             << c.actor.username);
        const auto why = refusalOf([&] { s.store->transition(id, request(c.action, c.actor)); });
        CHECK_THAT(why, StartsWith("screening " + std::to_string(id) + ": "));
        CHECK_THAT(why, Contains(c.why));
        const auto after = Snapshot::of(s, id);
        INFO("before: " << describe(before) << "\nafter: " << describe(after));
        CHECK(after == before);
    }
}

TEST_CASE("only a decided screening can be amended, and a refused amendment stores nothing") {
    for (const auto state :
         {ScreeningState::Draft, ScreeningState::Submitted, ScreeningState::Reviewed,
          ScreeningState::Abandoned, ScreeningState::Amended}) {
        INFO(mrscreen::screening::stateName(state));
        ScratchStore s;
        const auto id = s.screeningIn(state);
        const auto before = Snapshot::of(s, id);
        CHECK_THAT(refusalOf([&] { s.store->amend(id, sampleScreening(), kNurse); }),
                   Contains("cannot be amended"));
        CHECK(Snapshot::of(s, id) == before);
        CHECK(s.amendments() == (state == ScreeningState::Amended ? 1 : 0));
    }
}

TEST_CASE("transition() refuses submit and amend and points to their own calls") {
    ScratchStore s;
    const auto draft = s.screeningIn(ScreeningState::Draft);
    const auto cleared = s.screeningIn(ScreeningState::Cleared);
    const auto audit = s.auditRows();
    CHECK_THAT(refusalOf([&] { s.store->transition(draft, request(Action::Submit, kPatient)); }),
               Contains("use submit"));
    CHECK_THAT(refusalOf([&] { s.store->transition(cleared, request(Action::Amend, kNurse)); }),
               Contains("use amend"));
    CHECK(s.stateOf(draft) == ScreeningState::Draft);
    CHECK(s.stateOf(cleared) == ScreeningState::Cleared);
    CHECK(s.auditRows() == audit);
}

// [SECTION] roles

TEST_CASE("a patient session cannot review a screening") {
    ScratchStore s;
    const auto id = s.screeningIn(ScreeningState::Submitted);
    const auto before = Snapshot::of(s, id);
    CHECK_THAT(refusalOf([&] { s.store->transition(id, request(Action::Review, kPatient)); }),
               Contains("the patient session cannot review a screening: only a nurse can"));
    CHECK(Snapshot::of(s, id) == before);
}

TEST_CASE("a nurse cannot clear a screening, nor can an admin under the default policy") {
    ScratchStore s;
    const auto id = s.screeningIn(ScreeningState::Reviewed);
    const auto before = Snapshot::of(s, id);
    CHECK_THAT(refusalOf([&] { s.store->transition(id, request(Action::Clear, kOtherNurse)); }),
               Contains("ned (nurse) cannot clear a screening: only an MRSO can"));
    CHECK_THAT(refusalOf([&] { s.store->transition(id, request(Action::NotClear, kAdmin)); }),
               Contains("only an MRSO can"));
    CHECK(Snapshot::of(s, id) == before);
}

TEST_CASE("only a signed-in nurse records verdicts on flags") {
    ScratchStore s;
    const auto id = s.store->submit(sampleScreening({kPacemaker}), kPatient);
    const auto audit = s.auditRows();
    for (const auto& actor : {kMrso, kAdmin, kPatient, Actor{"", Role::Nurse}}) {
        INFO("actor '" << actor.username << "' " << mrscreen::screening::roleName(actor.role));
        CHECK_THAT(refusalOf([&] {
                       s.store->setFlagVerdict(id, "pacemaker", FlagVerdict::Verified, "", actor);
                   }),
                   Contains("only a signed-in nurse"));
    }
    CHECK(s.store->screening(id).value().flags[0].status == FlagVerdict::Open);
    CHECK(s.auditRows() == audit);
}

TEST_CASE("an MRSO cannot submit a screening and staff must act under their own username") {
    ScratchStore s;
    CHECK_THAT(refusalOf([&] { s.store->submit(sampleScreening(), kMrso); }),
               Contains("omar (mrso) cannot submit a screening"));
    const auto id = s.screeningIn(ScreeningState::Submitted);
    CHECK_THAT(refusalOf([&] {
                   s.store->transition(id, request(Action::Review, Actor{"", Role::Nurse}));
               }),
               Contains("sign in with your own nurse account"));
    CHECK(s.store->countScreenings() == 1);
    CHECK(s.auditRows() == 1);
}

// [SECTION] review and sign-off guards

TEST_CASE("review is refused while a stop or review flag is open and allowed once every one has a "
          "verdict") {
    ScratchStore s;
    const auto id =
        s.store->submit(sampleScreening({kPacemaker, kPregnancy, kClaustrophobia}), kPatient);

    auto before = Snapshot::of(s, id);
    auto why = refusalOf([&] { s.store->transition(id, request(Action::Review, kNurse)); });
    CHECK_THAT(why, Contains("2 stop/review flags have no verdict yet: pacemaker, pregnancy"));
    CHECK_THAT(why, !Contains("claustrophobia")); // info flags need no verdict
    CHECK(Snapshot::of(s, id) == before);

    auto audit = s.auditRows();
    s.store->setFlagVerdict(id, "pacemaker", FlagVerdict::Verified,
                            "Pacemaker card seen: MR Conditional", kNurse);
    CHECK(s.auditRows() == audit + 1);
    CHECK(s.newestAuditAction() == "flag.verified");

    before = Snapshot::of(s, id);
    why = refusalOf([&] { s.store->transition(id, request(Action::Review, kNurse)); });
    CHECK_THAT(why, Contains("1 stop/review flag has no verdict yet: pregnancy"));
    CHECK(Snapshot::of(s, id) == before);

    audit = s.auditRows();
    s.store->setFlagVerdict(id, "pregnancy", FlagVerdict::Resolved, "Negative test today", kNurse);
    CHECK(s.auditRows() == audit + 1);
    CHECK(s.newestAuditAction() == "flag.resolved");

    CHECK(s.store->transition(id, request(Action::Review, kNurse)) == ScreeningState::Reviewed);
    const auto d = s.store->screening(id).value();
    CHECK(d.summary.openFlags == 0);
    CHECK(d.flags[0].status == FlagVerdict::Verified);
    CHECK(d.flags[0].statusBy == "nina");
    CHECK(d.flags[0].note == "Pacemaker card seen: MR Conditional");
    CHECK_FALSE(d.flags[0].statusAt.empty());
    CHECK(d.flags[1].status == FlagVerdict::Resolved);
    CHECK(d.flags[2].status == FlagVerdict::Open);
}

TEST_CASE(
    "a verdict is recorded only on an existing flag of a submitted screening and never as open") {
    ScratchStore s;
    const auto id = s.store->submit(sampleScreening({kPregnancy}), kPatient);
    auto audit = s.auditRows();
    CHECK_THAT(refusalOf([&] {
                   s.store->setFlagVerdict(id, "tattoo", FlagVerdict::Verified, "", kNurse);
               }),
               Contains("has no flag 'tattoo'"));
    CHECK_THAT(
        refusalOf([&] { s.store->setFlagVerdict(id, "pregnancy", FlagVerdict::Open, "", kNurse); }),
        Contains("verified or resolved"));
    CHECK(s.auditRows() == audit);

    s.store->setFlagVerdict(id, "pregnancy", FlagVerdict::Resolved, "", kNurse);
    s.store->transition(id, request(Action::Review, kNurse));
    audit = s.auditRows();
    CHECK_THAT(refusalOf([&] {
                   s.store->setFlagVerdict(id, "pregnancy", FlagVerdict::Verified, "", kNurse);
               }),
               Contains("flags are reviewed only while it is submitted"));
    CHECK(s.store->screening(id).value().flags[0].status == FlagVerdict::Resolved);
    CHECK(s.auditRows() == audit);
}

TEST_CASE("clearing while a stop flag is verified is refused unless the signer gives an override "
          "reason") {
    ScratchStore s;
    const auto id = s.store->submit(sampleScreening({kPacemaker}), kPatient);
    s.store->setFlagVerdict(id, "pacemaker", FlagVerdict::Verified, "MR Conditional pacemaker",
                            kNurse);
    s.store->transition(id, request(Action::Review, kNurse));

    const auto before = Snapshot::of(s, id);
    CHECK_THAT(refusalOf([&] { s.store->transition(id, request(Action::Clear, kMrso)); }),
               Contains("1 stop flag still applies: pacemaker; clearing needs an override reason"));
    CHECK_THAT(refusalOf([&] { s.store->transition(id, request(Action::Clear, kMrso, "   ")); }),
               Contains("needs an override reason"));
    CHECK_THAT(refusalOf([&] {
                   s.store->transition(
                       id, request(Action::ClearWithConditions, kMrso, "", "cardiology present"));
               }),
               Contains("needs an override reason"));
    CHECK(Snapshot::of(s, id) == before);

    const std::string reason = "Cardiology confirmed MR Conditional system; programmed to MRI mode";
    CHECK(s.store->transition(id, request(Action::Clear, kMrso, reason)) ==
          ScreeningState::Cleared);
    const auto d = s.store->screening(id).value();
    REQUIRE(d.decision);
    CHECK(d.decision->overrideReason == reason);
    CHECK(nlohmann::json::parse(d.history.back().detailJson)["reason"] == reason);
}

TEST_CASE("a resolved stop flag needs no override reason, and not clearing never needs one") {
    ScratchStore s;
    const auto resolved = s.store->submit(sampleScreening({kPacemaker}), kPatient);
    s.store->setFlagVerdict(resolved, "pacemaker", FlagVerdict::Resolved, "Explanted in 2019",
                            kNurse);
    s.store->transition(resolved, request(Action::Review, kNurse));
    CHECK(s.store->transition(resolved, request(Action::Clear, kMrso)) == ScreeningState::Cleared);

    const auto verified = s.store->submit(sampleScreening({kPacemaker}), kPatient);
    s.store->setFlagVerdict(verified, "pacemaker", FlagVerdict::Verified, "", kNurse);
    s.store->transition(verified, request(Action::Review, kNurse));
    CHECK(s.store->transition(verified, request(Action::NotClear, kMrso)) ==
          ScreeningState::NotCleared);
}

TEST_CASE("clearing with conditions needs the conditions, and a plain clear refuses them") {
    ScratchStore s;
    const auto id = s.screeningIn(ScreeningState::Reviewed);
    const auto before = Snapshot::of(s, id);
    CHECK_THAT(
        refusalOf([&] { s.store->transition(id, request(Action::ClearWithConditions, kMrso)); }),
        Contains("needs the conditions written down"));
    CHECK_THAT(
        refusalOf([&] { s.store->transition(id, request(Action::Clear, kMrso, "", "ear plugs")); }),
        Contains("clear with conditions instead"));
    CHECK(Snapshot::of(s, id) == before);
}

TEST_CASE("the reviewer cannot also sign the screening under the default policy") {
    ScratchStore s;
    const auto id = s.screeningIn(ScreeningState::Reviewed); // reviewed by nina
    const auto before = Snapshot::of(s, id);
    for (const auto& name : {"nina", "NINA"}) {
        INFO(name);
        CHECK_THAT(
            refusalOf([&] {
                s.store->transition(id, request(Action::Clear, Actor{name, Role::Mrso}));
            }),
            Contains(
                "reviewed this screening; site policy requires a different person to sign it"));
    }
    CHECK(Snapshot::of(s, id) == before);
    CHECK(s.store->transition(id, request(Action::Clear, kMrso)) == ScreeningState::Cleared);
}

TEST_CASE("when site policy allows it, the reviewer may also sign the screening") {
    StoreOptions options;
    options.policy.signerMustDifferFromReviewer = false;
    options.policy.signerRoles = {Role::Mrso, Role::Nurse};
    ScratchStore s(options);
    const auto first = s.screeningIn(ScreeningState::Reviewed); // reviewed by nina
    CHECK(s.store->transition(first, request(Action::Clear, kNurse)) == ScreeningState::Cleared);
    CHECK(s.store->screening(first).value().decision.value().decidedBy == "nina");

    const auto second = s.screeningIn(ScreeningState::Reviewed);
    CHECK(s.store->transition(second, request(Action::NotClear, Actor{"nina", Role::Mrso})) ==
          ScreeningState::NotCleared);
}

// [SECTION] amendments

TEST_CASE("an amendment creates a new linked submitted screening and leaves the original's "
          "response and flags "
          "unchanged") {
    ScratchStore s;
    const auto original = s.store->submit(sampleScreening({kPacemaker, kClaustrophobia}), kPatient);
    s.store->setFlagVerdict(original, "pacemaker", FlagVerdict::Verified, "Card seen", kNurse);
    s.store->transition(original, request(Action::Review, kNurse));
    s.store->transition(original, request(Action::Clear, kMrso, "Cardiology present"));
    const auto before = s.store->screening(original).value();

    auto corrected = sampleScreening({kPregnancy}, "Okafor-Bell");
    corrected.responseJson = R"({"resourceType":"QuestionnaireResponse","status":"amended"})";
    const auto audit = s.auditRows();
    const auto amendment = s.store->amend(original, corrected, kNurse);

    CHECK(s.auditRows() == audit + 2); // the original's amendment and the correction's submission
    const auto after = s.store->screening(original).value();
    CHECK(after.summary.state == ScreeningState::Amended);
    CHECK(after.amendedById == amendment);
    CHECK(after.responseJson == before.responseJson);
    CHECK(after.responseVersion == before.responseVersion);
    REQUIRE(after.flags.size() == before.flags.size());
    for (std::size_t i = 0; i < after.flags.size(); ++i) {
        CHECK(after.flags[i].ruleId == before.flags[i].ruleId);
        CHECK(after.flags[i].status == before.flags[i].status);
        CHECK(after.flags[i].note == before.flags[i].note);
        CHECK(after.flags[i].statusBy == before.flags[i].statusBy);
    }
    REQUIRE(after.decision);
    CHECK(after.decision->overrideReason == "Cardiology present");
    CHECK(after.summary.patient.familyName == "Okafor");
    CHECK(after.history.back().action == "screening.amended");
    CHECK(nlohmann::json::parse(after.history.back().detailJson)["replacedBy"] == amendment);

    const auto fresh = s.store->screening(amendment).value();
    CHECK(fresh.summary.state == ScreeningState::Submitted);
    CHECK(fresh.summary.origin == "amendment");
    CHECK(fresh.amendsId == original);
    CHECK_FALSE(fresh.amendedById);
    CHECK(fresh.responseJson == corrected.responseJson);
    REQUIRE(fresh.flags.size() == 1);
    CHECK(fresh.flags[0].ruleId == "pregnancy");
    CHECK(fresh.flags[0].status == FlagVerdict::Open);
    CHECK_FALSE(fresh.decision);
    CHECK(s.backend->responseVersions(original) == 1);
}

TEST_CASE("the patient session cannot amend a signed screening") {
    ScratchStore s;
    const auto id = s.screeningIn(ScreeningState::Cleared);
    const auto before = Snapshot::of(s, id);
    CHECK_THAT(refusalOf([&] { s.store->amend(id, sampleScreening(), kPatient); }),
               Contains("the patient session cannot amend a screening"));
    CHECK(Snapshot::of(s, id) == before);
}
