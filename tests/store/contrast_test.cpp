// The store's policy 2.0 parts: form versions kept by sha256, whether contrast is planned, flags
// raised again when staff add what a rule reads, the signed contrast part of the decision, the
// radiologist role. Part of the store contract (store_backends.h); the migration that made room for
// the radiologist is in store_sqlite_test.cpp. Each test has its own store.
#include "store/store.h"
#include "store_backends.h"
#include "store_fixture.h"

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <memory>
#include <string>
#include <vector>

using Catch::Matchers::Contains;
using mrscreen::screening::Gate;
using nlohmann::json;
using namespace store_fixture;

namespace {

Flag flag(const std::string& id, Severity severity, Gate gate, const std::string& category) {
    Flag f;
    f.id = id;
    f.category = category;
    f.severity = severity;
    f.gate = gate;
    f.message = "Check " + id;
    f.triggers = {Trigger{"has-" + id, {"yes"}, "", std::nullopt}};
    return f;
}

const std::string kFormText = R"({"resourceType":"Questionnaire","url":"http://example.org/q","version":"3.1.0"})";
const std::string kRulesText = R"({"questionnaire":"http://example.org/q","rules":[]})";

// The shared sample on a form whose texts the store keeps.
NewScreening sample(std::vector<Flag> flags = {}) {
    NewScreening s = store_fixture::sampleScreening(std::move(flags));
    s.formUrl = "http://example.org/q";
    s.formVersion = "3.1.0";
    s.formJson = kFormText;
    s.rulesJson = kRulesText;
    s.formSha256 = sha256Hex(kFormText);
    s.rulesSha256 = sha256Hex(kRulesText);
    s.responseJson = R"({"resourceType":"QuestionnaireResponse","status":"completed"})";
    return s;
}

StaffSignature contrastSignature(const Actor& by) {
    return {"contrast", "Dr " + by.username, by.role, R"({"strokes":[[[0.1,0.5],[0.9,0.5]]]})", ""};
}

struct Scratch : store_fixture::ContractStoreBase {
    Scratch() : ContractStoreBase("store-contrast") {}

    // Submitted, every open stop/review flag verified, reviewed by nina.
    std::int64_t reviewed(std::vector<Flag> flags) {
        const auto id = store->submit(sample(flags), kPatient);
        for (const auto& f : flags)
            if (f.severity != Severity::Info) store->setFlagVerdict(id, f.id, FlagVerdict::Verified, "as answered", kNurse);
        store->transition(id, {Action::Review, kNurse, "", ""});
        return id;
    }
    const StoredFlag& flagOf(const ScreeningDetail& d, const std::string& id) {
        for (const auto& f : d.flags)
            if (f.ruleId == id) return f;
        FAIL("no flag " << id);
        return d.flags.front();
    }
};

} // namespace

// [SECTION] form versions

TEST_CASE("a submission keeps the exact form and rules texts under their sha256") {
    Scratch s;
    const auto id = s.store->submit(sample(), kPatient);
    const auto d = s.store->screening(id).value();
    CHECK(s.store->formDocument(d.formSha256) == kFormText);
    CHECK(s.store->formDocument(d.rulesSha256) == kRulesText);
    const auto documents = s.backend->formDocuments();
    CHECK(std::count(documents.begin(), documents.end(), "http://example.org/q|3.1.0") == 1);
    // A second screening with the same form stores no second copy.
    s.store->submit(sample(), kPatient);
    CHECK(s.backend->formDocuments().size() == 2);
}

TEST_CASE("a submission whose form text does not match its sha256 is refused and stores nothing") {
    Scratch s;
    NewScreening bad = sample();
    bad.formJson += " ";
    const auto audit = s.auditRows();
    CHECK_THAT(refusalOf([&] { s.store->submit(bad, kPatient); }),
               Contains("is another file, so it is not kept under that name"));
    CHECK(s.store->countScreenings() == 0);
    CHECK(s.backend->formDocuments().empty());
    CHECK(s.auditRows() == audit);
}

TEST_CASE("a form document is kept once, and another text is refused under its name") {
    Scratch s;
    const auto sha = sha256Hex(kFormText);
    s.store->keepFormDocument(sha, "questionnaire", kFormText);
    s.store->keepFormDocument(sha, "questionnaire", kFormText);
    CHECK(s.backend->formDocuments().size() == 1);
    CHECK_THAT(refusalOf([&] { s.store->keepFormDocument(sha, "questionnaire", kRulesText); }),
               Contains("it is another file"));
    CHECK_THAT(refusalOf([&] { s.store->keepFormDocument(sha256Hex(kRulesText), "policy", kRulesText); }),
               Contains("'questionnaire' or 'rules'"));
    CHECK_FALSE(s.store->formDocument(std::string(64, 'f')).has_value());
}

// [SECTION] flags raised again

TEST_CASE("a flag a lab raises is stored open with its triggers and audited, and review waits for its verdict") {
    Scratch s;
    const auto id = s.store->submit(sample(), kPatient);
    Flag egfr = flag("renal-egfr-reduced", Severity::Review, Gate::Contrast, "renal");
    egfr.triggers = {Trigger{"", {}, "egfr", 39.2}};
    s.store->refreshFlags(id, {egfr}, kNurse);
    const auto d = s.store->screening(id).value();
    const auto& f = s.flagOf(d, "renal-egfr-reduced");
    CHECK(f.status == FlagVerdict::Open);
    CHECK(f.gate == "contrast");
    CHECK(json::parse(f.triggersJson)[0]["value"] == 39.2);
    CHECK(d.summary.openFlags == 1);
    CHECK(s.newestAuditAction() == "flags.raised");
    CHECK_THAT(refusalOf([&] { s.store->transition(id, {Action::Review, kNurse, "", ""}); }),
               Contains("renal-egfr-reduced"));
    // The same flags again change nothing and write no event.
    const auto audit = s.auditRows();
    s.store->refreshFlags(id, {egfr}, kNurse);
    CHECK(s.auditRows() == audit);
}

TEST_CASE("a flag whose severity rises goes back to open, and flags that no longer fire keep their verdict") {
    Scratch s;
    const Flag needed = flag("renal-egfr-needed", Severity::Review, Gate::Contrast, "renal");
    Flag reduced = flag("renal-egfr-reduced", Severity::Review, Gate::Contrast, "renal");
    const auto id = s.store->submit(sample({needed, reduced}), kPatient);
    s.store->setFlagVerdict(id, "renal-egfr-needed", FlagVerdict::Verified, "lab ordered", kNurse);
    s.store->setFlagVerdict(id, "renal-egfr-reduced", FlagVerdict::Verified, "as answered", kNurse);
    Flag low = reduced;
    low.severity = Severity::Stop;
    s.store->refreshFlags(id, {low}, kNurse);
    const auto d = s.store->screening(id).value();
    CHECK(s.flagOf(d, "renal-egfr-reduced").severity == Severity::Stop);
    CHECK(s.flagOf(d, "renal-egfr-reduced").status == FlagVerdict::Open);
    CHECK(s.flagOf(d, "renal-egfr-needed").status == FlagVerdict::Verified);
    const auto event = json::parse(d.history.back().detailJson);
    CHECK(event["reopened"][0]["flag"] == "renal-egfr-reduced");
    CHECK(event["reopened"][0]["previousVerdict"] == "verified");
}

TEST_CASE("flags are raised again only while the screening is submitted or reviewed") {
    Scratch s;
    const auto id = s.reviewed({});
    s.store->transition(id, {Action::Clear, kMrso, "", ""});
    CHECK_THAT(refusalOf([&] {
                   s.store->refreshFlags(id, {flag("x", Severity::Stop, Gate::ZoneIv, "implant")}, kNurse);
               }),
               Contains("is cleared; its flags are raised again only while it is submitted or reviewed"));
}

TEST_CASE("a contrast flag raised again after review gets its verdict until the contrast part is signed") {
    Scratch s;
    NewScreening noContrast = sample({flag("renal-egfr-low", Severity::Info, Gate::Contrast, "renal"),
                                      flag("implant-hip", Severity::Info, Gate::ZoneIv, "implant")});
    noContrast.contrastPlanned = "no";
    const auto id = s.store->submit(noContrast, kPatient);
    s.store->transition(id, {Action::Review, kNurse, "", ""});
    s.store->setContrastPlanned(id, "yes", kNurse);
    s.store->refreshFlags(id, {flag("renal-egfr-low", Severity::Stop, Gate::Contrast, "renal")}, kNurse);
    CHECK(s.store->screening(id)->summary.openFlags == 1);
    CHECK_THAT(refusalOf([&] { s.store->setFlagVerdict(id, "implant-hip", FlagVerdict::Verified, "", kNurse); }),
               Contains("flags are reviewed only while it is submitted (contrast flags also while it is reviewed"));
    s.store->setFlagVerdict(id, "renal-egfr-low", FlagVerdict::Verified, "eGFR 24 confirmed", kNurse);
    CHECK(s.store->screening(id)->summary.openFlags == 0);
    s.store->decideContrast(id, {"not_cleared", "", "eGFR 24", "", ""}, contrastSignature(kMrso), kMrso);
    CHECK_THAT(refusalOf([&] { s.store->setFlagVerdict(id, "renal-egfr-low", FlagVerdict::Resolved, "", kNurse); }),
               Contains("flags are reviewed only while it is submitted"));
}

TEST_CASE("a screening cleared for Zone IV stays in the queue while its contrast part waits, and leaves it once signed") {
    Scratch s;
    const auto id = s.store->submit(sample({flag("renal-egfr-low", Severity::Stop, Gate::Contrast, "renal")}), kPatient);
    s.store->setFlagVerdict(id, "renal-egfr-low", FlagVerdict::Verified, "eGFR 24", kNurse);
    s.store->transition(id, {Action::Review, kNurse, "", ""});
    s.store->transition(id, {Action::Clear, kMrso, "", ""}); // Zone IV: a contrast stop needs no override
    auto queue = s.store->queue();
    REQUIRE(queue.size() == 1);
    CHECK(queue[0].id == id);
    CHECK(queue[0].state == ScreeningState::Cleared);
    s.store->decideContrast(id, {"not_cleared", "", "eGFR 24: no gadolinium", "", ""}, contrastSignature(kRadiologist),
                            kRadiologist);
    CHECK(s.store->queue().empty());
}

TEST_CASE("a decided non-contrast exam leaves the queue even with a contrast flag") {
    Scratch s;
    NewScreening noContrast = sample({flag("renal-dialysis-or-aki", Severity::Info, Gate::Contrast, "renal")});
    noContrast.contrastPlanned = "no";
    const auto id = s.store->submit(noContrast, kPatient);
    s.store->transition(id, {Action::Review, kNurse, "", ""});
    s.store->transition(id, {Action::Clear, kMrso, "", ""});
    CHECK(s.store->queue().empty());
}

// [SECTION] the queue's contrast half (contrast_waiting, kept by the database's triggers)

namespace {

bool queued(Scratch& s, std::int64_t id) {
    const auto queue = s.store->queue();
    return std::any_of(queue.begin(), queue.end(), [&](const auto& q) { return q.id == id; });
}

Flag contrastStop() {
    return flag("renal-egfr-low", Severity::Stop, Gate::Contrast, "renal");
}

} // namespace

TEST_CASE("a decided screening waits in the queue for its contrast part unless contrast was set "
          "to not planned, and set back to planned it waits again") {
    Scratch s;
    const auto unknown = s.reviewed({contrastStop()});
    const auto notPlanned = s.reviewed({contrastStop()});
    const auto plannedAgain = s.reviewed({contrastStop()});
    s.store->setContrastPlanned(notPlanned, "no", kNurse);
    s.store->setContrastPlanned(plannedAgain, "no", kNurse);
    CHECK(queued(s, plannedAgain)); // reviewed: in the queue whatever contrast says
    s.store->setContrastPlanned(plannedAgain, "yes", kNurse);
    for (const auto id : {unknown, notPlanned, plannedAgain})
        s.store->transition(id, {Action::Clear, kMrso, "", ""});
    CHECK(queued(s, unknown));
    CHECK_FALSE(queued(s, notPlanned));
    CHECK(queued(s, plannedAgain));
    CHECK(s.store->queue().size() == 2);
    s.store->decideContrast(unknown, {"cleared", "", "eGFR 61", "", ""},
                            contrastSignature(kRadiologist), kRadiologist);
    CHECK_FALSE(queued(s, unknown));
    CHECK(queued(s, plannedAgain));
    // Reopened, the store re-reads it: it still waits, and leaves only with its own decision.
    s.reopen();
    CHECK(s.store->queue().size() == 1);
    s.store->decideContrast(plannedAgain, {"not_cleared", "", "eGFR 24", "", ""},
                            contrastSignature(kRadiologist), kRadiologist);
    CHECK(s.store->queue().empty());
}

TEST_CASE("a screening whose contrast part was signed before the Zone IV decision leaves the "
          "queue with that decision, whatever its outcome") {
    Scratch s;
    for (const Action action : {Action::Clear, Action::ClearWithConditions, Action::NotClear}) {
        const auto id = s.reviewed({contrastStop()});
        s.store->decideContrast(id, {"not_cleared", "", "eGFR 24", "", ""},
                                contrastSignature(kRadiologist), kRadiologist);
        CHECK(queued(s, id));
        const std::string conditions = action == Action::ClearWithConditions ? "1.5 T only" : "";
        s.store->transition(id, {action, kMrso, "", conditions});
        CHECK_FALSE(queued(s, id));
    }
    CHECK(s.store->queue().empty());
}

TEST_CASE("only a contrast flag staff must act on keeps a decided screening in the queue") {
    Scratch s;
    const auto info =
        s.reviewed({flag("renal-egfr-needed", Severity::Info, Gate::Contrast, "renal")});
    const auto zoneIv =
        s.reviewed({flag("implant-hip", Severity::Review, Gate::ZoneIv, "implant")});
    const auto review =
        s.reviewed({flag("renal-metformin", Severity::Review, Gate::Contrast, "renal")});
    for (const auto id : {info, zoneIv, review})
        s.store->transition(id, {Action::Clear, kMrso, "", ""});
    CHECK_FALSE(queued(s, info));
    CHECK_FALSE(queued(s, zoneIv));
    CHECK(queued(s, review));
}

TEST_CASE("a contrast stop raised again after review makes the decided screening wait for its "
          "contrast part") {
    Scratch s;
    const auto id = s.reviewed({});
    s.store->refreshFlags(id, {contrastStop()}, kNurse);
    s.store->setFlagVerdict(id, "renal-egfr-low", FlagVerdict::Verified, "eGFR 24", kNurse);
    s.store->transition(id, {Action::Clear, kMrso, "", ""});
    CHECK(queued(s, id));
}

TEST_CASE("amending a screening whose contrast part waits takes it out of the queue and puts the "
          "correction in") {
    Scratch s;
    const auto id = s.reviewed({contrastStop()});
    s.store->transition(id, {Action::Clear, kMrso, "", ""});
    REQUIRE(queued(s, id));
    const auto corrected = s.store->amend(id, sample({contrastStop()}), kMrso);
    const auto queue = s.store->queue();
    REQUIRE(queue.size() == 1);
    CHECK(queue[0].id == corrected);
    CHECK(queue[0].state == ScreeningState::Submitted);
}

TEST_CASE("a program writing behind the store (an older kiosk left running across an upgrade) "
          "cannot keep a decided screening whose contrast part waits out of the queue") {
    Scratch s;
    const auto id = s.reviewed({contrastStop()});
    const auto other = s.reviewed({flag("implant-hip", Severity::Review, Gate::ZoneIv, "implant")});
    const auto write = [&](const std::string& sql) {
        s.backend->writeBehindTheStore(sql + std::to_string(id));
    };
    // Decided the way a program that never heard of contrast_waiting decides it.
    write("UPDATE screenings SET state = 'cleared' WHERE id = ");
    s.backend->writeBehindTheStore("UPDATE screenings SET state = 'cleared' WHERE id = " +
                                   std::to_string(other));
    CHECK(queued(s, id));
    CHECK_FALSE(queued(s, other));
    write("UPDATE screenings SET contrast_planned = 'no' WHERE id = ");
    CHECK_FALSE(queued(s, id));
    write("UPDATE screenings SET contrast_planned = 'yes' WHERE id = ");
    CHECK(queued(s, id));
    // The contrast flag eased, then raised again by a re-evaluation.
    write("UPDATE flags SET severity = 'info' WHERE screening_id = ");
    CHECK_FALSE(queued(s, id));
    write("UPDATE flags SET severity = 'stop' WHERE screening_id = ");
    CHECK(queued(s, id));
    // Its contrast part signed: it leaves the queue, and stays out once the store is opened again.
    write("INSERT INTO contrast_decisions (screening_id, outcome, decided_by, decided_at) "
          "SELECT id, 'cleared', 'rita', '2026-01-01T01:00:00Z' FROM screenings WHERE id = ");
    CHECK_FALSE(queued(s, id));
    s.reopen();
    CHECK_FALSE(queued(s, id));
    CHECK(s.store->queue().empty());
}

// [SECTION] contrast planned

TEST_CASE("whether contrast is planned is stored with the screening, set by staff and audited") {
    Scratch s;
    NewScreening planned = sample();
    planned.contrastPlanned = "no";
    const auto id = s.store->submit(planned, kPatient);
    CHECK(s.store->screening(id)->contrastPlanned == "no");
    s.store->setContrastPlanned(id, "yes", kRadiologist);
    const auto d = s.store->screening(id).value();
    CHECK(d.contrastPlanned == "yes");
    CHECK(d.contrastPlannedBy == "rita");
    CHECK_FALSE(d.contrastPlannedAt.empty());
    CHECK(s.newestAuditAction() == "contrast.planned");
    CHECK_THAT(refusalOf([&] { s.store->setContrastPlanned(id, "maybe", kNurse); }), Contains("'yes', 'no' or 'unknown'"));
    CHECK_THAT(refusalOf([&] { s.store->setContrastPlanned(id, "no", kAdmin); }),
               Contains("only a signed-in nurse, MRSO or radiologist"));
    CHECK_THAT(refusalOf([&] { s.store->setContrastPlanned(id, "no", kPatient); }),
               Contains("only a signed-in nurse, MRSO or radiologist"));
    NewScreening odd = sample();
    odd.contrastPlanned = "later";
    CHECK_THAT(refusalOf([&] { s.store->submit(odd, kPatient); }), Contains("not 'later'"));
}

TEST_CASE("the answers that did not apply are kept with the screening") {
    Scratch s;
    NewScreening withIgnored = sample();
    withIgnored.ignoredAnswersJson = R"([{"linkId":"implant-pacemaker","question":"Pacemaker?","answers":["Yes"]}])";
    const auto id = s.store->submit(withIgnored, kPatient);
    CHECK(json::parse(s.store->screening(id)->ignoredAnswersJson)[0]["linkId"] == "implant-pacemaker");
    CHECK(s.store->screening(s.store->submit(sample(), kPatient))->ignoredAnswersJson == "[]");
}

// [SECTION] the contrast part of the decision

TEST_CASE("Zone IV is cleared without an override while a contrast stop is unresolved") {
    Scratch s;
    const auto id = s.reviewed({flag("renal-egfr-low", Severity::Stop, Gate::Contrast, "renal")});
    CHECK(s.store->transition(id, {Action::Clear, kMrso, "", ""}) == ScreeningState::Cleared);
}

TEST_CASE("a Zone IV stop still needs an override reason to clear") {
    Scratch s;
    const auto id = s.reviewed({flag("implant-pacemaker", Severity::Stop, Gate::ZoneIv, "implant")});
    CHECK_THAT(refusalOf([&] { s.store->transition(id, {Action::Clear, kMrso, "", ""}); }),
               Contains("implant-pacemaker") && Contains("override reason"));
}

TEST_CASE("a radiologist signs the contrast part once the screening is reviewed, with its audit events") {
    Scratch s;
    const auto id = s.reviewed({flag("gadolinium-reaction", Severity::Review, Gate::Contrast, "gadolinium")});
    s.store->decideContrast(id, {"cleared_with_conditions", "group II agent only", "", "", ""},
                            contrastSignature(kRadiologist), kRadiologist);
    const auto d = s.store->screening(id).value();
    REQUIRE(d.contrastDecision);
    CHECK(d.contrastDecision->outcome == "cleared_with_conditions");
    CHECK(d.contrastDecision->conditions == "group II agent only");
    CHECK(d.contrastDecision->decidedBy == "rita");
    CHECK(d.signatures.back().purpose == "contrast");
    CHECK(d.signatures.back().signerRole == Role::Radiologist);
    CHECK(d.summary.state == ScreeningState::Reviewed); // Zone IV is still to decide
    CHECK(d.history[d.history.size() - 2].action == "contrast.cleared_with_conditions");
    CHECK(d.history.back().action == "signature.contrast");
    // A signed part is never replaced.
    CHECK_THAT(refusalOf([&] {
                   s.store->decideContrast(id, {"not_cleared", "", "changed my mind", "", ""},
                                           contrastSignature(kMrso), kMrso);
               }),
               Contains("already signed"));
}

TEST_CASE("the contrast part is refused to a nurse, before review, and without a signature") {
    Scratch s;
    const auto submitted = s.store->submit(sample(), kPatient);
    const auto audit = s.auditRows();
    CHECK_THAT(refusalOf([&] {
                   s.store->decideContrast(submitted, {"cleared", "", "", "", ""}, contrastSignature(kMrso), kMrso);
               }),
               Contains("decided once the screening is reviewed; this is a submitted screening"));
    const auto id = s.reviewed({});
    CHECK_THAT(refusalOf([&] {
                   s.store->decideContrast(id, {"cleared", "", "", "", ""}, contrastSignature(kNurse), kNurse);
               }),
               Contains("nina (nurse) cannot decide on contrast: only an MRSO or a radiologist can"));
    StaffSignature unsigned_ = contrastSignature(kMrso);
    unsigned_.strokesJson.clear();
    CHECK_THAT(refusalOf([&] { s.store->decideContrast(id, {"cleared", "", "", "", ""}, unsigned_, kMrso); }),
               Contains("signed on the signature pad"));
    StaffSignature wrongPurpose = contrastSignature(kMrso);
    wrongPurpose.purpose = "decision";
    CHECK_THAT(refusalOf([&] { s.store->decideContrast(id, {"cleared", "", "", "", ""}, wrongPurpose, kMrso); }),
               Contains("purpose 'contrast'"));
    CHECK_THAT(refusalOf([&] {
                   s.store->decideContrast(id, {"approved", "", "", "", ""}, contrastSignature(kMrso), kMrso);
               }),
               Contains("not 'approved'"));
    CHECK(s.backend->contrastDecisionRows() == 0);
    CHECK(s.backend->signatureRows() == 0);
    CHECK(s.auditRows() == audit + 2); // only the second screening's submission and review
}

TEST_CASE("not planned is refused while contrast is planned or unknown, and accepted once staff say no") {
    Scratch s;
    const auto id = s.reviewed({flag("renal-egfr-low", Severity::Stop, Gate::Contrast, "renal")});
    CHECK_THAT(refusalOf([&] {
                   s.store->decideContrast(id, {"not_planned", "", "", "", ""}, contrastSignature(kMrso), kMrso);
               }),
               Contains("contrast is planned 'unknown': set contrast planned to 'no' first"));
    s.store->setContrastPlanned(id, "no", kNurse);
    s.store->decideContrast(id, {"not_planned", "", "", "", ""}, contrastSignature(kMrso), kMrso);
    CHECK(s.store->screening(id)->contrastDecision->outcome == "not_planned");
    CHECK_THAT(refusalOf([&] { s.store->setContrastPlanned(id, "yes", kNurse); }),
               Contains("the contrast part of the decision is signed already"));
}

TEST_CASE("clearing contrast over an unresolved contrast stop needs a reason") {
    Scratch s;
    const auto id = s.reviewed({flag("renal-egfr-low", Severity::Stop, Gate::Contrast, "renal")});
    CHECK_THAT(refusalOf([&] {
                   s.store->decideContrast(id, {"cleared", "", "", "", ""}, contrastSignature(kMrso), kMrso);
               }),
               Contains("1 contrast stop flag still applies: renal-egfr-low; clearing contrast needs a reason"));
    CHECK_THAT(refusalOf([&] {
                   s.store->decideContrast(id, {"cleared_with_conditions", "", "dialysis after", "", ""},
                                           contrastSignature(kMrso), kMrso);
               }),
               Contains("needs the conditions written down"));
    s.store->decideContrast(id, {"cleared", "", "dialysis booked right after the scan", "", ""},
                            contrastSignature(kMrso), kMrso);
    CHECK(s.store->screening(id)->contrastDecision->reason == "dialysis booked right after the scan");
}

TEST_CASE("site policy decides who signs the contrast part") {
    StoreOptions options;
    options.policy.contrastSignerRoles = {Role::Radiologist};
    Scratch s;
    s.reopen(options);
    const auto id = s.reviewed({});
    CHECK_THAT(refusalOf([&] {
                   s.store->decideContrast(id, {"cleared", "", "", "", ""}, contrastSignature(kMrso), kMrso);
               }),
               Contains("only a radiologist can"));
    s.store->decideContrast(id, {"cleared", "", "", "", ""}, contrastSignature(kRadiologist), kRadiologist);
}

// [SECTION] the radiologist role and its migration

TEST_CASE("a radiologist account is added and signs in") {
    Scratch s;
    s.store->addStaff("rita", "Rita Radiologist", Role::Radiologist, "482913", kAdmin);
    const auto in = s.store->signIn("rita", "482913");
    REQUIRE(in.outcome == SignInOutcome::SignedIn);
    CHECK(in.member->role == Role::Radiologist);
}
