// The staff side of the kiosk, driven headlessly: sign-in with lockout, the queue, a nurse's
// review of a pacemaker case and a renal case, the signer's decision with conditions, the final
// signed record, and idle sign-out. Checked through the store and the record, not pixels.
#include "kiosk_harness.h"
#include "kiosk_steps.h"
#include "staff_steps.h"
#include "test_support.h"

#include "cli/submission.h"
#include "screening/response.h"
#include "store/form_catalog.h"

#include <catch2/catch.hpp>

#include <cstdio>
#include <functional>
#include <filesystem>
#include <fstream>

using namespace mrscreen;
using mrscreen::test::KioskHarness;
using namespace mrscreen::test::steps;

namespace {

// What the nurse writes with each verdict.
const std::string kNote = "Checked with the patient";

std::string run(const std::string& command) {
    std::string out;
    FILE* p = popen(command.c_str(), "r");
    if (!p) return out;
    char buf[4096];
    while (std::fgets(buf, sizeof buf, p)) out += buf;
    pclose(p);
    return out;
}

// Runs a poppler tool on the newest record of a screening, read through the store (as any
// station reads it) into a scratch copy: "pdftotext -layout", "pdfsig".
std::string onLatestRecord(KioskHarness& h, std::int64_t id, const std::string& tool,
                           const std::string& output = "") {
    const auto rec = h.store().latestRecord(id);
    REQUIRE(rec);
    const std::string copy = h.config().dataDir + "/read-back-" + std::to_string(id) + ".pdf";
    std::ofstream(copy, std::ios::binary) << h.store().recordPdf(id, rec->version);
    const std::string out = run(tool + " '" + copy + "' " + output + " 2>&1");
    std::filesystem::remove(copy);
    return out;
}

// The nurse gives every flag its verdict and signs the review, which leaves the screening Reviewed.
void signReview(KioskHarness& h, std::int64_t id) {
    verdictAll(h, id, kNote);
    sign(h, "review-sign");
    INFO(h.state().work.message);
    REQUIRE(h.store().screening(id)->summary.state == screening::ScreeningState::Reviewed);
}

} // namespace

TEST_CASE("staff sign-in locks the account after repeated wrong PINs and says so") {
    test::HarnessOptions o;
    KioskHarness h(o);
    addStaff(h);
    for (int i = 0; i < 5; ++i) {
        signIn(h, "nina", "000000");
        CHECK(h.screen() == "staff-sign-in");
        h.tap("staff-cancel");
    }
    signIn(h, "nina", "111111");
    CHECK(h.screen() == "staff-sign-in");
    CHECK(h.state().staffMessage.find("locked") != std::string::npos);
    CHECK_FALSE(h.state().staff);
}

TEST_CASE("a nurse reviews a pacemaker case: verdicts, a corrected answer, the implant's MR conditions, and a signed review") {
    KioskHarness h;
    addStaff(h);
    const auto id = submitExample(h, "pacemaker.json");
    signIn(h, "nina", "111111");
    REQUIRE(h.screen() == "staff-queue");
    h.tap("queue:" + std::to_string(id));
    REQUIRE(h.screen() == "staff-review");
    // Signing before every flag has a verdict is refused by policy, and nothing changes.
    sign(h, "review-sign");
    CHECK(h.store().screening(id)->summary.state == screening::ScreeningState::Submitted);
    CHECK_FALSE(h.state().work.message.empty());
    const auto flags = h.store().screening(id)->flags;
    REQUIRE_FALSE(flags.empty());
    // The first flag is corrected with the patient, the rest confirmed.
    const auto first = flags.front().ruleId;
    h.tap("verdict:" + first);
    h.tap("verdict:" + first + ":2");
    h.tap("verdict-save:" + first);
    CHECK(h.state().work.message == "Write the corrected answer.");
    typeInto(h, "work:corrected", "pacemaker removed 2024, leads left in place");
    h.tap("verdict-save:" + first);
    CHECK(h.store().screening(id)->flags.front().correctedAnswer == "pacemaker removed 2024, leads left in place");
    verdictAll(h, id, kNote);
    // The implant and its labelled conditions.
    h.tap("implant-add");
    typeInto(h, "work:implant-type", "pacemaker");
    typeInto(h, "work:implant-manufacturer", "Medtronic");
    typeInto(h, "work:implant-date", "2019-04");
    h.tap("implant-status:conditional");
    typeInto(h, "work:field-strengths", "1.5, 3");
    typeInto(h, "work:gradient", "2000");
    h.tap("gradient-unit:G/cm");
    h.tap("implant-mode:0");
    h.tap("implant-save");
    INFO(h.state().work.message);
    const auto d = h.store().screening(id);
    REQUIRE(d->implants.size() == 1);
    CHECK(d->implants[0].conditions.maxSpatialGradientTPerM.value() == Approx(20));
    CHECK(d->implants[0].conditions.fieldStrengthsT == std::vector<double>{1.5, 3});
    sign(h, "review-sign");
    INFO(h.state().work.message);
    CHECK(h.store().screening(id)->summary.state == screening::ScreeningState::Reviewed);
    REQUIRE(h.store().screening(id)->signatures.size() == 1);
    CHECK(h.store().screening(id)->signatures[0].signerName == "Nina Okoro, RN");
}

TEST_CASE("a nurse enters a creatinine for a renal case and sees the eGFR and the flag it raises; a bad value is refused") {
    KioskHarness h;
    addStaff(h);
    const auto id = submitExample(h, "renal-dialysis.json");
    openScreening(h, "nina", "111111", id);
    typeInto(h, "work:creatinine", ".");
    h.tap("lab-save");
    CHECK(h.state().work.message.find("number") != std::string::npos);
    CHECK(h.store().screening(id)->labs.empty());
    h.tap("field:work:creatinine");
    h.tap("key:delete");
    h.type("2.4");
    h.tap("key:done");
    typeInto(h, "work:lab-date", "2026-11-20");
    h.tap("lab-save");
    INFO(h.state().work.message);
    REQUIRE(h.store().screening(id)->labs.size() == 1);
    CHECK(h.logged("lab-saved value=2.4 unit=mg/dL"));
    // The eGFR from 2.4 mg/dL for this patient is low enough to raise the site's renal flag.
    CHECK(h.logged("egfr value="));
    CHECK(h.logged("raises=stop"));
}

TEST_CASE("where policy lets nurses sign off, the nurse who reviewed a screening still may not decide it") {
    test::HarnessOptions o;
    o.signerRoles = {"nurse", "mrso"};
    KioskHarness h(o);
    addStaff(h);
    const auto id = submitExample(h, "no-risk.json");
    openScreening(h, "nina", "111111", id);
    signReview(h, id);
    h.tap("staff-queue");
    h.tap("queue:" + std::to_string(id));
    REQUIRE(h.screen() == "staff-decision");
    h.tap("outcome:1");
    sign(h, "decision-sign");
    CHECK(h.store().screening(id)->summary.state == screening::ScreeningState::Reviewed);
    CHECK(h.state().work.message.find("review") != std::string::npos);
    CHECK(h.store().screening(id)->signatures.size() == 1);
}

TEST_CASE("an MRSO clears a reviewed screening with conditions; the final record carries the decision, the conditions and "
          "both signatures, and its signature is valid") {
    KioskHarness h;
    addStaff(h);
    h.store().addStaff("ned", "Ned Park, RN", screening::Role::Nurse, "222222", kAdmin);
    const auto id = submitExample(h, "pacemaker.json");
    openScreening(h, "nina", "111111", id);
    signReview(h, id);
    h.tap("staff-back-to-patient");
    // The reviewing nurse may not decide.
    openScreening(h, "ned", "222222", id);
    REQUIRE(h.screen() == "staff-decision");
    h.tap("outcome:1");
    sign(h, "decision-sign");
    CHECK(h.store().screening(id)->summary.state == screening::ScreeningState::Reviewed);
    CHECK_FALSE(h.state().work.message.empty());
    h.tap("staff-back-to-patient");
    openScreening(h, "omar", "333333", id);
    h.tap("outcome:2");
    h.tap("decision-sign");
    CHECK(h.state().work.message == "Choose or write the conditions.");
    h.tap("condition:normal-mode");
    h.tap("condition:field-only");
    typeInto(h, "work:conditions", "Cardiology present; device in MRI mode");
    typeInto(h, "work:reason", "Confirmed MR Conditional system; conditions met");
    sign(h, "decision-sign");
    INFO(h.state().work.message);
    const auto d = h.store().screening(id);
    REQUIRE(d->summary.state == screening::ScreeningState::ClearedWithConditions);
    CHECK(d->decision->conditions.find("Normal Operating Mode only.") != std::string::npos);
    CHECK(d->decision->conditions.find("Cardiology present") != std::string::npos);
    REQUIRE(d->signatures.size() == 2);
    const auto rec = h.store().latestRecord(id);
    REQUIRE(rec);
    CHECK(rec->version == 2);
    const std::string text = onLatestRecord(h, id, "pdftotext -layout", "-");
    CHECK(text.find("Normal Operating Mode only") != std::string::npos);
    CHECK(text.find("Cardiology present") != std::string::npos);
    CHECK(text.find("Nina Okoro, RN") != std::string::npos);
    CHECK(text.find("Omar Haddad, MRSO") != std::string::npos);
    // Page 1 of the final record is rendered for the on-screen preview.
    CHECK(h.logged("preview path="));
    REQUIRE(h.state().work.preview);
    CHECK(h.state().work.preview->width > 100);
    const std::string sig = onLatestRecord(h, id, "pdfsig");
    CHECK(sig.find("Signature is Valid.") != std::string::npos);
    CHECK(sig.find("Total document signed") != std::string::npos);
}

TEST_CASE("a signed-in nurse is signed out after the idle time and the kiosk returns to Welcome") {
    test::HarnessOptions o;
    o.kiosk.staffIdleSeconds = 60;
    KioskHarness h(o);
    addStaff(h);
    submitExample(h, "pacemaker.json");
    signIn(h, "nina", "111111");
    h.tap("queue:1");
    REQUIRE(h.screen() == "staff-review");
    h.wait(61);
    CHECK(h.screen() == "welcome");
    CHECK_FALSE(h.state().staff);
    CHECK(h.state().work.id == 0);
}

TEST_CASE("a staff station opens at sign-in, never shows a patient screen, and returns to sign-in on sign-out, "
          "idle and cancel") {
    test::HarnessOptions o;
    o.kiosk.station = true;
    o.kiosk.staffIdleSeconds = 60;
    KioskHarness h(o);
    addStaff(h);
    const auto id = submitExample(h, "pacemaker.json");
    CHECK(h.screen() == "staff-sign-in");
    // Nothing to time out on an empty sign-in form: it stays, with no reset loop.
    h.wait(600);
    CHECK(h.screen() == "staff-sign-in");
    CHECK_FALSE(h.logged("reset"));
    // Cancel clears the form and stays: there is no patient screen behind it.
    typeInto(h, "staff:username", "nina");
    h.tap("staff-cancel");
    CHECK(h.screen() == "staff-sign-in");
    CHECK(h.state().staffUsername.empty());
    typeInto(h, "staff:username", "nina");
    typeInto(h, "staff:pin", "111111");
    h.tap("staff-sign-in");
    REQUIRE(h.screen() == "staff-queue");
    CHECK(h.has("queue:" + std::to_string(id)));
    CHECK_FALSE(h.has("staff-discard"));
    h.tap("staff-back-to-patient"); // Sign out
    CHECK(h.screen() == "staff-sign-in");
    CHECK_FALSE(h.state().staff);
    // Walking away signed in signs out to the sign-in form, never to Welcome.
    typeInto(h, "staff:username", "nina");
    typeInto(h, "staff:pin", "111111");
    h.tap("staff-sign-in");
    h.tap("queue:" + std::to_string(id));
    REQUIRE(h.screen() == "staff-review");
    h.wait(61);
    CHECK(h.screen() == "staff-sign-in");
    CHECK_FALSE(h.state().staff);
    CHECK(h.state().work.id == 0);
    for (const std::string& line : h.log()) CHECK(line.find("screen=welcome") == std::string::npos);
}

TEST_CASE("taps on the staff sign-in keyboard do not keep the last patient's answers past the patient's timers") {
    KioskHarness h;
    h.tap("start");
    typeInto(h, "family-name", "Okafor");
    h.hold(10, 10, 3.2);
    REQUIRE(h.screen() == "staff-sign-in");
    // Someone keeps touching the sign-in form, never long enough idle for any timer.
    for (int i = 0; i < 6; ++i) {
        h.wait(28);
        if (h.screen() != "staff-sign-in") break;
        h.tap("field:staff:username");
        h.tap("key:done");
    }
    CHECK(h.screen() == "welcome");
    CHECK_FALSE(h.kiosk().draft().hasAnswers());
    CHECK(h.logged("reset reason=idle"));
}

TEST_CASE("with the staff gesture off, holding the corner of a patient kiosk opens nothing") {
    test::HarnessOptions o;
    o.kiosk.staffGesture = false;
    KioskHarness h(o);
    addStaff(h);
    h.hold(10, 10, 5.0);
    CHECK(h.screen() == "welcome");
    CHECK_FALSE(h.logged("staff-gesture"));
}

// [SECTION] policy 2.0: each screening with its own form, flags raised by a lab, flags by gate, the
// contrast part of the decision.

namespace {

using nlohmann::json;

void rewordItem(json& items, const std::string& linkId, const std::string& text) {
    for (auto& item : items) {
        if (item.value("linkId", "") == linkId) item["text"] = text;
        if (item.contains("item")) rewordItem(item["item"], linkId, text);
    }
}

// The shipped form and rules, changed as a site changes them; `version` names the form version.
cli::FormFiles changedForm(const std::string& version, const std::function<void(json&)>& changeForm,
                           const std::function<void(json&)>& changeRules) {
    auto f = cli::loadFormFiles(test::sourcePath("forms/mri-safety"));
    json form = json::parse(f.questionnaireText), rules = json::parse(f.rulesText);
    form["version"] = version;
    if (rules.contains("questionnaire")) rules["questionnaire"] = form["url"].get<std::string>() + "|" + version;
    changeForm(form);
    changeRules(rules);
    f.questionnaireText = form.dump(2);
    f.rulesText = rules.dump(2);
    f.form = screening::loadQuestionnaire(f.questionnaireText, "changed form");
    f.rules = screening::loadRules(f.rulesText, "changed rules", f.form);
    return f;
}

// Renal and gadolinium rules gate contrast, as in policy 2.0.
void gateContrast(json& rules) {
    for (auto& rule : rules["rules"]) {
        const std::string id = rule.value("id", "");
        if (id.rfind("renal-", 0) == 0 || id.rfind("gadolinium-", 0) == 0) rule["gates"] = "contrast";
    }
}

std::int64_t submitWith(KioskHarness& h, const cli::FormFiles& files, const std::string& example) {
    json response = json::parse(test::slurp(test::sourcePath("forms/examples/" + example)));
    response["questionnaire"] = files.form.url + "|" + files.form.version;
    std::ostringstream err;
    const auto sub = cli::submitResponse(h.store(), h.config(), files, screening::readResponse(response.dump(), example),
                                         "import", kAdmin, "2026-11-25", err);
    INFO(err.str());
    REQUIRE(sub.id > 0);
    return sub.id;
}

const store::StoredFlag* flagOf(const store::ScreeningDetail& d, const std::string& ruleId) {
    for (const auto& f : d.flags)
        if (f.ruleId == ruleId) return &f;
    return nullptr;
}

// The MRSO clears Zone IV and is asked no override reason: a stop gated to contrast does not hold the door.
void clearZoneIvWithoutOverride(KioskHarness& h, std::int64_t id) {
    openScreening(h, "omar", "333333", id);
    h.tap("outcome:1");
    CHECK_FALSE(h.has("field:work:reason"));
    sign(h, "decision-sign");
    INFO(h.state().work.message);
    REQUIRE(h.store().screening(id)->summary.state == screening::ScreeningState::Cleared);
}

// Signs the contrast part with the outcome chosen on screen; the screening then has its contrast decision.
store::ScreeningDetail signContrastPart(KioskHarness& h, std::int64_t id) {
    sign(h, "contrast-sign", "contrast-signature");
    INFO(h.state().work.message);
    const auto d = h.store().screening(id);
    REQUIRE(d);
    REQUIRE(d->contrastDecision);
    return *d;
}

void addRadiologist(KioskHarness& h) {
    h.store().addStaff("rhea", "Rhea Sandoval, MD", screening::Role::Radiologist, "444444", kAdmin);
    h.store().addStaff("ned", "Ned Park, RN", screening::Role::Nurse, "222222", kAdmin);
}

} // namespace

TEST_CASE("a creatinine entered at review raises a stored flag with its trigger, which then needs a verdict before "
          "the review can be signed") {
    KioskHarness h;
    addStaff(h);
    const auto id = submitExample(h, "renal-dialysis.json");
    REQUIRE_FALSE(flagOf(*h.store().screening(id), "renal-egfr-low"));
    openScreening(h, "nina", "111111", id);
    verdictAll(h, id, kNote);
    typeInto(h, "work:creatinine", "2.4");
    typeInto(h, "work:lab-date", "2026-11-20");
    h.tap("lab-save");
    INFO(h.state().work.message);
    CHECK(h.logged("reassessed screening=" + std::to_string(id)));
    const auto d = h.store().screening(id);
    const store::StoredFlag* low = flagOf(*d, "renal-egfr-low");
    REQUIRE(low);
    CHECK(low->status == screening::FlagVerdict::Open);
    CHECK(low->triggersJson.find("egfr") != std::string::npos);
    // The eGFR on screen is the stored assessment's, with its method (the record prints the same).
    REQUIRE(h.state().work.assessment);
    CHECK(h.state().work.assessment->derived.egfr);
    CHECK_FALSE(h.state().work.assessment->derived.egfrMethod.empty());
    CHECK(h.logged("method=" + h.state().work.assessment->derived.egfrMethod));
    h.frames(2);
    CHECK(h.has("verdict:renal-egfr-low"));
    sign(h, "review-sign");
    CHECK(h.store().screening(id)->summary.state == screening::ScreeningState::Submitted);
    signReview(h, id);
}

TEST_CASE("the contrast part is signed by a radiologist, who sees only that part; a nurse may not sign it; the MRSO "
          "clears Zone IV despite a contrast stop, and the record carries both parts") {
    KioskHarness h;
    addStaff(h);
    addRadiologist(h);
    const auto files = changedForm("1.0.1-contrast", [](json&) {}, gateContrast);
    const auto id = submitWith(h, files, "renal-dialysis.json");
    const store::StoredFlag* dialysis = flagOf(*h.store().screening(id), "renal-dialysis-or-aki");
    REQUIRE(dialysis);
    CHECK(dialysis->gate == "contrast");
    CHECK(dialysis->severity == screening::Severity::Stop);
    openScreening(h, "nina", "111111", id);
    h.tap("contrast-planned:yes");
    INFO(h.state().work.message);
    CHECK(h.store().screening(id)->contrastPlanned == "yes");
    signReview(h, id);
    h.tap("staff-back-to-patient");

    // A nurse is not among the contrast signers: refused, nothing stored.
    openScreening(h, "ned", "222222", id);
    REQUIRE(h.screen() == "staff-decision");
    h.tap("contrast-outcome:cleared");
    typeInto(h, "work:contrast-reason", "Dialysis patient; contrast essential");
    sign(h, "contrast-sign", "contrast-signature");
    CHECK_FALSE(h.store().screening(id)->contrastDecision);
    CHECK_FALSE(h.state().work.messageOk);
    CHECK_FALSE(h.state().work.message.empty());
    h.tap("staff-back-to-patient");

    // The radiologist sees the contrast part only.
    openScreening(h, "rhea", "444444", id);
    REQUIRE(h.screen() == "staff-decision");
    CHECK_FALSE(h.has("outcome:1"));
    CHECK_FALSE(h.has("decision-sign"));
    h.tap("contrast-outcome:cleared_with_conditions");
    h.tap("contrast-sign");
    CHECK(h.state().work.message.find("conditions") != std::string::npos);
    h.tap("contrast-condition:group-ii");
    h.tap("contrast-condition:premedication");
    typeInto(h, "work:contrast-reason", "Staging needs contrast; dialysis after the scan");
    const auto d = signContrastPart(h, id);
    CHECK(d.contrastDecision->outcome == "cleared_with_conditions");
    CHECK(d.contrastDecision->conditions.find("Group II agent only") != std::string::npos);
    CHECK(d.contrastDecision->conditions.find("Premedication") != std::string::npos);
    CHECK(d.contrastDecision->decidedBy == "rhea");
    CHECK(d.summary.state == screening::ScreeningState::Reviewed); // Zone IV is still the MRSO's
    bool contrastSignature = false;
    for (const auto& s : d.signatures)
        contrastSignature = contrastSignature || (s.purpose == "contrast" && s.signerRole == screening::Role::Radiologist);
    CHECK(contrastSignature);
    h.tap("staff-back-to-patient");

    // The contrast stop never holds the Zone IV door: cleared without an override reason.
    clearZoneIvWithoutOverride(h, id);
    const std::string text = onLatestRecord(h, id, "pdftotext -layout", "-");
    CHECK(text.find("Zone IV outcome") != std::string::npos);
    CHECK(text.find("Contrast outcome") != std::string::npos);
    CHECK(text.find("Group II agent only") != std::string::npos);
    CHECK(text.find("Rhea Sandoval, MD") != std::string::npos);
    CHECK(text.find("Contrast decision signed") != std::string::npos);
}

TEST_CASE("for a non-contrast exam a dialysis flag is information: no verdict is asked, Zone IV is cleared without an "
          "override, and the MRSO signs the contrast part as not planned") {
    KioskHarness h;
    addStaff(h);
    const auto files = changedForm("1.0.1-contrast", [](json&) {}, gateContrast);
    const auto id = submitWith(h, files, "renal-dialysis.json");
    openScreening(h, "nina", "111111", id);
    h.frames(2);
    CHECK(h.has("verdict:renal-dialysis-or-aki")); // contrast not known: treated as planned
    h.tap("contrast-planned:no");
    INFO(h.state().work.message);
    CHECK(h.store().screening(id)->contrastPlanned == "no");
    CHECK(h.logged("reassessed screening=" + std::to_string(id)));
    h.frames(2);
    CHECK_FALSE(h.has("verdict:renal-dialysis-or-aki"));
    signReview(h, id);
    h.tap("staff-back-to-patient");
    clearZoneIvWithoutOverride(h, id);
    CHECK(h.store().screening(id)->decision->overrideReason.empty());
    h.tap("contrast-outcome:not_planned");
    const auto d = signContrastPart(h, id);
    CHECK(d.contrastDecision->outcome == "not_planned");
    CHECK(d.contrastDecision->decidedBy == "omar");
}

TEST_CASE("a screening answered with an older form is shown with that form's wording, not the kiosk's current form") {
    KioskHarness h;
    addStaff(h);
    const std::string oldWording = "Has a doctor ever put a pacemaker in your chest?";
    const auto older = changedForm(
        "0.9.0", [&](json& form) { rewordItem(form["item"], "implant-pacemaker", oldWording); }, [](json&) {});
    const auto id = submitWith(h, older, "pacemaker.json");
    openScreening(h, "nina", "111111", id);
    REQUIRE(h.screen() == "staff-review");
    const auto& w = h.state().work;
    REQUIRE(w.form);
    CHECK(w.form->form.version == "0.9.0");
    CHECK(w.form->formSha256 == store::sha256Hex(older.questionnaireText));
    const screening::Item* item = w.form->form.find("implant-pacemaker");
    REQUIRE(item);
    CHECK(item->text.base == oldWording);
    // The kiosk's own form says it differently; the staff screen never uses it for this screening.
    CHECK(cli::loadFormFiles(h.config().form).form.find("implant-pacemaker")->text.base != oldWording);
    CHECK(h.has("verdict:implant-pacemaker"));
}

TEST_CASE("a screening whose form cannot be found shows why, and nothing else of it") {
    KioskHarness h;
    addStaff(h);
    const auto files = cli::loadFormFiles(test::sourcePath("forms/mri-safety"));
    store::NewScreening s;
    s.formUrl = files.form.url;
    s.formVersion = "0.1.0";
    s.formSha256 = std::string(64, 'c'); // kept nowhere: neither in the database nor in forms/archive
    s.language = "en";
    s.origin = "import";
    s.responseJson = test::slurp(test::sourcePath("forms/examples/pacemaker.json"));
    s.patient = {"Lost", "Form", "1960-01-01", "female"};
    screening::Flag flag;
    flag.id = "implant-pacemaker";
    flag.category = "implant";
    flag.severity = screening::Severity::Stop;
    flag.message = "Pacemaker reported.";
    s.flags = {flag};
    const auto id = h.store().submit(s, kAdmin);
    openScreening(h, "nina", "111111", id);
    h.frames(2);
    const auto& w = h.state().work;
    CHECK_FALSE(w.form);
    CHECK(w.formProblem.find("never shows a screening with another form") != std::string::npos);
    CHECK_FALSE(h.has("verdict:implant-pacemaker"));
    CHECK_FALSE(h.has("answers-toggle"));
    CHECK_FALSE(h.has("review-sign"));
    CHECK(h.has("staff-queue"));
}

TEST_CASE("an import that says No to other implants and Yes to a stent shows the ignored answer to staff, "
          "highlighted beside the contradiction flag") {
    KioskHarness h;
    addStaff(h);
    const auto id = submitExample(h, "contradictory-import.json");
    const auto d = h.store().screening(id);
    CHECK(d->ignoredAnswersJson.find("implant-stent") != std::string::npos);
    REQUIRE(flagOf(*d, "answers-contradict-implant-stent"));
    openScreening(h, "nina", "111111", id);
    h.frames(2);
    CHECK(h.has("ignored-answers:contradiction"));
    CHECK(h.has("verdict:answers-contradict-implant-stent"));

    // Without a contradiction flag the section is shown plainly.
    KioskHarness plain;
    addStaff(plain);
    const auto plainId = submitExample(plain, "no-risk.json");
    openScreening(plain, "nina", "111111", plainId);
    plain.frames(2);
    CHECK_FALSE(plain.has("ignored-answers:contradiction"));
}

TEST_CASE("every staff touch target on the review and both decision parts is at least 64 px high and inside the "
          "screen, in landscape and portrait") {
    for (const auto& size : {std::pair{1280, 800}, std::pair{800, 1280}}) {
        const int width = size.first, height = size.second; // plain names: clang 14 lambdas cannot capture bindings
        test::HarnessOptions o;
        o.width = width;
        o.height = height;
        KioskHarness h(o);
        addStaff(h);
        const auto files = changedForm("1.0.1-contrast", [](json&) {}, gateContrast);
        const auto id = submitWith(h, files, "renal-dialysis.json");
        const auto checkTargets = [&](const std::string& where) {
            h.frames(2);
            for (const auto& [name, t] : h.state().targets) {
                if (name.rfind("ignored-answers", 0) == 0 || name.rfind("flag", 0) == 0) continue; // sections and cards, not buttons
                INFO(where << " " << width << "x" << height << ": " << name);
                CHECK(t.y1 - t.y0 >= 63.5f);
                CHECK(t.x0 >= -0.5f);
                CHECK(t.x1 <= float(width) + 0.5f);
            }
        };
        openScreening(h, "nina", "111111", id);
        h.tap("contrast-planned:yes");
        h.tap("verdict:renal-dialysis-or-aki");
        checkTargets("review");
        h.tap("verdict:renal-dialysis-or-aki:1");
        h.tap("verdict-save:renal-dialysis-or-aki");
        signReview(h, id);
        h.tap("staff-back-to-patient");
        openScreening(h, "omar", "333333", id);
        h.tap("outcome:2");
        h.tap("contrast-outcome:cleared_with_conditions");
        checkTargets("decision");
    }
}
