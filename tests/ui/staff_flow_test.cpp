// The staff side of the kiosk, driven headlessly: sign-in with lockout, the queue, a nurse's
// review of a pacemaker case and a renal case, the signer's decision with conditions, the final
// signed record, and idle sign-out. Checked through the store and the record, not pixels.
#include "kiosk_harness.h"
#include "test_support.h"

#include "cli/submission.h"
#include "screening/response.h"

#include <catch2/catch.hpp>

#include <cstdio>
#include <filesystem>
#include <fstream>

using namespace mrscreen;
using mrscreen::test::KioskHarness;

namespace {

const screening::Actor kAdmin{"test-admin", screening::Role::Admin};

// Stores an example response as a submitted screening, the way the kiosk's Submit does.
std::int64_t submitExample(KioskHarness& h, const std::string& example) {
    const auto files = cli::loadFormFiles(h.config().form);
    const auto response = screening::readResponse(test::slurp(test::sourcePath("forms/examples/" + example)), example);
    std::ostringstream err;
    const auto sub = cli::submitResponse(h.store(), h.config(), files, response, "import", kAdmin, "2026-11-25", err);
    REQUIRE(sub.id > 0);
    return sub.id;
}

void typeInto(KioskHarness& h, const std::string& field, const std::string& text) {
    h.tap("field:" + field);
    REQUIRE(h.state().editing);
    h.type(text);
    h.tap("key:done");
}

void signIn(KioskHarness& h, const std::string& user, const std::string& pin) {
    h.hold(10, 10, 3.2);
    REQUIRE(h.screen() == "staff-sign-in");
    typeInto(h, "staff:username", user);
    typeInto(h, "staff:pin", pin);
    h.tap("staff-sign-in");
}

std::vector<ImVec2> scribble(const ui::Target& pad) {
    std::vector<ImVec2> pts;
    for (int i = 0; i <= 30; ++i) {
        const float t = float(i) / 30.0f;
        pts.push_back(ImVec2(pad.x0 + (pad.x1 - pad.x0) * (0.1f + 0.8f * t),
                             pad.y0 + (pad.y1 - pad.y0) * (0.5f + 0.3f * std::sin(t * 16.0f))));
    }
    return pts;
}

void sign(KioskHarness& h) {
    h.tap("staff-signature"); // scrolls it into view
    h.tap("staff-signature-clear");
    h.drag(scribble(h.state().targets.at("staff-signature")));
}

std::string run(const std::string& command) {
    std::string out;
    FILE* p = popen(command.c_str(), "r");
    if (!p) return out;
    char buf[4096];
    while (std::fgets(buf, sizeof buf, p)) out += buf;
    pclose(p);
    return out;
}

void addStaff(KioskHarness& h) {
    h.store().addStaff("nina", "Nina Okoro, RN", screening::Role::Nurse, "111111", kAdmin);
    h.store().addStaff("omar", "Omar Haddad, MRSO", screening::Role::Mrso, "333333", kAdmin);
}

// The nurse gives every stop and review flag a verdict.
void verdictAll(KioskHarness& h, std::int64_t id) {
    const auto detail = h.store().screening(id);
    REQUIRE(detail);
    for (const auto& f : detail->flags) {
        if (f.severity == screening::Severity::Info) continue;
        h.tap("verdict:" + f.ruleId);
        h.tap("verdict:" + f.ruleId + ":1");
        typeInto(h, "work:note", "Checked with the patient");
        h.tap("verdict-save:" + f.ruleId);
        INFO(h.state().work.message);
        REQUIRE(h.store().screening(id)->flags.size() > 0);
    }
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
    sign(h);
    h.tap("review-sign");
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
    verdictAll(h, id);
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
    sign(h);
    h.tap("review-sign");
    INFO(h.state().work.message);
    CHECK(h.store().screening(id)->summary.state == screening::ScreeningState::Reviewed);
    REQUIRE(h.store().screening(id)->signatures.size() == 1);
    CHECK(h.store().screening(id)->signatures[0].signerName == "Nina Okoro, RN");
}

TEST_CASE("a nurse enters a creatinine for a renal case and sees the eGFR and the flag it raises; a bad value is refused") {
    KioskHarness h;
    addStaff(h);
    const auto id = submitExample(h, "renal-dialysis.json");
    signIn(h, "nina", "111111");
    h.tap("queue:" + std::to_string(id));
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
    signIn(h, "nina", "111111");
    h.tap("queue:" + std::to_string(id));
    verdictAll(h, id);
    sign(h);
    h.tap("review-sign");
    REQUIRE(h.store().screening(id)->summary.state == screening::ScreeningState::Reviewed);
    h.tap("staff-queue");
    h.tap("queue:" + std::to_string(id));
    REQUIRE(h.screen() == "staff-decision");
    h.tap("outcome:1");
    sign(h);
    h.tap("decision-sign");
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
    signIn(h, "nina", "111111");
    h.tap("queue:" + std::to_string(id));
    verdictAll(h, id);
    sign(h);
    h.tap("review-sign");
    REQUIRE(h.store().screening(id)->summary.state == screening::ScreeningState::Reviewed);
    h.tap("staff-back-to-patient");
    // The reviewing nurse may not decide.
    signIn(h, "ned", "222222");
    h.tap("queue:" + std::to_string(id));
    REQUIRE(h.screen() == "staff-decision");
    h.tap("outcome:1");
    sign(h);
    h.tap("decision-sign");
    CHECK(h.store().screening(id)->summary.state == screening::ScreeningState::Reviewed);
    CHECK_FALSE(h.state().work.message.empty());
    h.tap("staff-back-to-patient");
    signIn(h, "omar", "333333");
    h.tap("queue:" + std::to_string(id));
    h.tap("outcome:2");
    h.tap("decision-sign");
    CHECK(h.state().work.message == "Choose or write the conditions.");
    h.tap("condition:normal-mode");
    h.tap("condition:field-only");
    typeInto(h, "work:conditions", "Cardiology present; device in MRI mode");
    typeInto(h, "work:reason", "Confirmed MR Conditional system; conditions met");
    sign(h);
    h.tap("decision-sign");
    INFO(h.state().work.message);
    const auto d = h.store().screening(id);
    REQUIRE(d->summary.state == screening::ScreeningState::ClearedWithConditions);
    CHECK(d->decision->conditions.find("Normal Operating Mode only.") != std::string::npos);
    CHECK(d->decision->conditions.find("Cardiology present") != std::string::npos);
    REQUIRE(d->signatures.size() == 2);
    const auto rec = h.store().latestRecord(id);
    REQUIRE(rec);
    CHECK(rec->version == 2);
    const std::string text = run("pdftotext -layout '" + rec->path + "' - 2>&1");
    CHECK(text.find("Normal Operating Mode only") != std::string::npos);
    CHECK(text.find("Cardiology present") != std::string::npos);
    CHECK(text.find("Nina Okoro, RN") != std::string::npos);
    CHECK(text.find("Omar Haddad, MRSO") != std::string::npos);
    // Page 1 of the final record is rendered for the on-screen preview.
    CHECK(h.logged("preview path="));
    REQUIRE(h.state().work.preview);
    CHECK(h.state().work.preview->width > 100);
    const std::string sig = run("pdfsig '" + rec->path + "' 2>&1");
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
