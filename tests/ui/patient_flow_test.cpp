// The patient side of the kiosk, driven headlessly with a finger made of mouse events: Welcome to
// Submitted in English and Spanish, follow-up questions, validation, Back, the body map, the
// signature, the idle reset and the staff gesture. Each test checks the state and what the store
// kept, not pixels.
#include "kiosk_harness.h"
#include "kiosk_steps.h"
#include "test_support.h"

#include "cli/kiosk_services.h"
#include "record/body_figure.h"
#include "record/handwritten_signature.h"
#include "screening/derived.h"
#include "screening/response.h"
#include "store/store.h"
#include "ui/ui_context.h"

#include <catch2/catch.hpp>
#include <imgui_internal.h>
#include <nlohmann/json.hpp>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <functional>
#include <map>

using namespace mrscreen;
using mrscreen::test::KioskHarness;
using namespace mrscreen::test::steps;
using nlohmann::json;

namespace {

ImVec2 figurePoint(KioskHarness& h, const std::string& view, const std::string& region, const std::string& side) {
    const auto& t = h.state().targets.at("figure:" + view);
    const float H = t.y1 - t.y0, cx = (t.x0 + t.x1) / 2;
    const auto spots = record::bodyFigure().spotsFor(view == "front" ? record::BodyView::Front : record::BodyView::Back,
                                                     region, side);
    REQUIRE(spots.size() == 1);
    return ImVec2(cx + spots[0].x * H, t.y0 + spots[0].y * H);
}

// A pacemaker patient walks to the body map and marks the left chest once.
void markChestOnBodyMap(KioskHarness& h) {
    h.tap("start");
    answerUntil(h, "body-map", {{"implant-pacemaker", "yes"}});
    REQUIRE(h.screen() == "body-map");
    const ImVec2 chest = figurePoint(h, "front", "chest", "left");
    h.tapAt(chest.x, chest.y);
    REQUIRE(h.kiosk().draft().repetitions("body-mark") == 1);
}

json storedResponse(KioskHarness& h, std::int64_t id) {
    const auto detail = h.store().screening(id);
    REQUIRE(detail);
    return json::parse(detail->responseJson);
}

bool hasAnswerCode(const json& items, const std::string& linkId, const std::string& code) {
    for (const auto& it : items) {
        if (it.value("linkId", "") == linkId)
            for (const auto& a : it.value("answer", json::array()))
                if (a.contains("valueCoding") && a["valueCoding"].value("code", "") == code) return true;
        if (it.contains("item") && hasAnswerCode(it["item"], linkId, code)) return true;
        for (const auto& a : it.value("answer", json::array()))
            if (a.contains("item") && hasAnswerCode(a["item"], linkId, code)) return true;
    }
    return false;
}

} // namespace

TEST_CASE("a patient completes the screening in English with a pacemaker, a body-map mark and a signature, and it is "
          "stored with its flags and a signed record") {
    KioskHarness h;
    REQUIRE(h.screen() == "welcome");
    h.tap("start");
    REQUIRE(h.screen() == "question");
    REQUIRE(h.page() == "family-name");


    // The keyboard is open on the name already; closed with nothing typed, Next is refused with the
    // message next to the question.
    REQUIRE(h.state().editing);
    CHECK(h.state().editing->key == "family-name");
    h.tap("key:done");
    h.tap("next");
    CHECK(h.page() == "family-name");
    REQUIRE(h.state().pageErrors.count("family-name"));
    CHECK(h.state().pageErrors.at("family-name") == "This question needs an answer.");

    typeInto(h, "family-name", "Okafor"); // the keyboard's Done is Next on a page's last field
    CHECK(h.state().pageErrors.empty());
    REQUIRE(h.page() == "given-name");
    typeInto(h, "given-name", "Margaret");
    REQUIRE(h.page() == "birth-date");
    h.tap("date:birth-date:year:minus10"); // 2026 - 50 - 10
    h.tap("date:birth-date:month:plus");
    h.tap("date:birth-date:day:plus");
    h.tap("key:done"); // "Next" on the pad the page opened
    // Sex, weight and height: one page of rows, the number fields appearing with their unit.
    REQUIRE(h.page() == "sex");
    h.tap("option:sex:female");
    h.tap("option:weight-unit:kg");
    typeInto(h, "weight-kg", "72.5");
    h.tap("option:height-unit:cm");
    typeInto(h, "height-cm", "165");
    // Back keeps what was answered.
    REQUIRE(h.page() != "sex");
    h.tap("back");
    REQUIRE(h.page() == "sex");
    CHECK(h.kiosk().draft().answers("height-unit").front().coding.code == "cm");
    CHECK(h.kiosk().draft().answers("height-cm").front().number() == Approx(165));
    h.tap("next");

    const auto& birth = h.kiosk().draft().answers("birth-date");
    REQUIRE(birth.size() == 1);
    CHECK(birth.front().text == "1966-02-02");

    // Implants: the pacemaker is a row of the heart-device checklist, asked of everyone; its
    // follow-up page appears only after "Yes".
    answerUntil(h, "", {}, "implant-devices-heart");
    REQUIRE(h.page() == "implant-devices-heart");
    bool detailsBefore = false;
    for (const auto& p : h.kiosk().draft().pages()) detailsBefore = detailsBefore || p.key == "implant-pacemaker-details";
    CHECK_FALSE(detailsBefore);
    answerPage(h, {{"implant-pacemaker", "yes"}});
    // Every other row still needs its own answer: one "No" answers nothing else.
    CHECK(h.kiosk().draft().answers("implant-pacemaker").front().coding.code == "yes");
    CHECK(h.kiosk().draft().answers("implant-icd").front().coding.code == "no");
    h.tap("next");
    REQUIRE(h.page() == "implant-pacemaker-details");
    typeInto(h, "implant-pacemaker-device", "Medtronic Azure");
    h.tap("next");

    answerUntil(h, "body-map");
    REQUIRE(h.screen() == "body-map");
    // Tap the chest on the front figure (the patient's left), tap the mark to take it away, put it back.
    const ImVec2 chest = figurePoint(h, "front", "chest", "left");
    h.tapAt(chest.x, chest.y);
    REQUIRE(h.kiosk().draft().repetitions("body-mark") == 1);
    CHECK(h.kiosk().draft().answers("body-mark-region@0").front().coding.code == "chest");
    CHECK(h.kiosk().draft().answers("body-mark-side@0").front().coding.code == "left");
    CHECK(h.kiosk().draft().answers("body-mark-view@0").front().coding.code == "front");
    h.tap("mark:0");
    CHECK(h.kiosk().draft().repetitions("body-mark") == 0);
    h.tapAt(chest.x, chest.y);
    REQUIRE(h.kiosk().draft().repetitions("body-mark") == 1);
    typeInto(h, "body-mark-note@0", "pacemaker");
    // A tap off the figure marks nothing.
    const auto& fig = h.state().targets.at("figure:front");
    h.tapAt(fig.x0 + 2, fig.y1 - 2);
    CHECK(h.kiosk().draft().repetitions("body-mark") == 1);
    h.tap("next");
    answerUntil(h, "review");
    REQUIRE(h.screen() == "review");

    // Change an answer from Review and come straight back.
    h.tap("review:given-name");
    REQUIRE(h.page() == "given-name");
    h.tap("field:given-name");
    h.tap("key:delete");
    h.tap("key:delete");
    h.type("ie");
    h.tap("key:done"); // "Next": straight back to Review
    REQUIRE(h.screen() == "review");
    CHECK(h.kiosk().draft().answers("given-name").front().text == "Margarie");

    h.tap("review-continue");
    REQUIRE(h.screen() == "sign");
    // Submitting with nothing answered or signed is refused, and says why.
    h.tap("submit");
    CHECK(h.screen() == "sign");
    CHECK(h.logged("submit-refused reason=unanswered"));
    h.tap("option:completed-by:patient");
    h.tap("confirm:attest");
    h.tap("submit");
    CHECK(h.screen() == "sign");
    CHECK(h.logged("submit-refused reason=signature"));
    CHECK(h.state().notice.find("sign in the box") != std::string::npos);
    // A dot is not a signature either.
    const auto pad = h.state().targets.at("signature-pad");
    h.tapAt((pad.x0 + pad.x1) / 2, (pad.y0 + pad.y1) / 2);
    h.tap("submit");
    CHECK(h.screen() == "sign");
    // Clear, then sign properly.
    h.tap("sign-clear");
    CHECK(h.state().signature.empty());
    h.drag(signatureStroke(pad));
    h.tap("submit");
    REQUIRE(h.screen() == "submitted");
    INFO(h.lastLog());
    REQUIRE(h.logged("submitted id=1 record="));

    // Nothing of the patient is left on the kiosk.
    CHECK_FALSE(h.kiosk().draft().answered("family-name"));
    CHECK(h.state().signature.empty());

    // The store has it, with its flags, and the signed record exists.
    const auto detail = h.store().screening(1);
    REQUIRE(detail);
    CHECK(detail->summary.patient.familyName == "Okafor");
    CHECK(detail->summary.patient.givenName == "Margarie");
    CHECK(detail->summary.patient.birthDate == "1966-02-02");
    CHECK(detail->summary.origin == "kiosk");
    CHECK(detail->language == "en");
    bool pacemakerStop = false;
    for (const auto& f : detail->flags)
        pacemakerStop = pacemakerStop || (f.ruleId == "implant-pacemaker" && f.severity == screening::Severity::Stop);
    CHECK(pacemakerStop);
    const json response = storedResponse(h, 1);
    CHECK(response["status"] == "completed");
    CHECK(hasAnswerCode(response["item"], "body-mark-region", "chest"));
    const auto sigs = record::signaturesIn(response["extension"]);
    REQUIRE(sigs.size() == 1);
    CHECK(sigs[0].name == "Margarie Okafor");
    CHECK(record::looksLikeSignature(sigs[0].strokes));
    test::keepForSchemaCheck("ui-english-pacemaker", response);
    const auto rec = h.store().latestRecord(1);
    REQUIRE(rec);
    CHECK(h.store().recordPdf(1, rec->version).rfind("%PDF-", 0) == 0); // kept, and intact
}

// The tap and screen budget of a whole visit is in patient_taps_test.cpp.

TEST_CASE("a checklist row left unanswered is refused next to it and the other rows keep their answers") {
    KioskHarness h;
    h.tap("start");
    answerUntil(h, "", {{"family-name", "Lee"}, {"given-name", "Ann"}}, "implant-devices-heart");
    REQUIRE(h.page() == "implant-devices-heart");
    for (const char* key : {"implant-pacemaker", "implant-icd", "implant-pacing-leads", "implant-aneurysm-clip",
                            "implant-neurostimulator", "implant-cochlear", "implant-drug-pump",
                            "implant-bone-growth-stimulator", "implant-capsule-camera", "implant-breast-expander",
                            "has-implants"})
        h.tap(std::string("option:") + key + ":no");
    h.tap("next");
    CHECK(h.page() == "implant-devices-heart");
    CHECK(h.state().pageErrors.count("implant-carotid-clamp") == 1);
    CHECK(h.state().pageErrors.size() == 1);
    CHECK(h.kiosk().draft().answers("implant-icd").front().coding.code == "no");
    h.tap("option:implant-carotid-clamp:unsure");
    h.tap("next");
    // Not sure opens the device's details, like Yes.
    CHECK(h.page() == "implant-carotid-clamp-details");
}

TEST_CASE("a patient answers in Spanish: messages, the saved response and the screening are in Spanish") {
    KioskHarness h;
    h.tap("lang:es");
    CHECK(h.state().language == "es");
    h.tap("start");
    REQUIRE(h.page() == "family-name");
    h.tap("key:done"); // "Listo" on the keyboard the page opened, nothing typed
    h.tap("next");
    REQUIRE(h.state().pageErrors.count("family-name"));
    CHECK(h.state().pageErrors.at("family-name") == "Esta pregunta necesita una respuesta.");
    typeInto(h, "family-name", "Muñoz Peña");
    CHECK(h.kiosk().draft().answers("family-name").front().text == "Muñoz Peña");
    typeInto(h, "given-name", "José");
    h.tap("date:birth-date:year:minus10"); // the pad the page opened stays open: its Next moves on
    h.tap("key:done");
    REQUIRE(h.page() == "sex");
    h.tap("option:sex:male");
    h.tap("option:weight-unit:[lb_av]");
    typeInto(h, "weight-lb", "180");
    h.tap("option:height-unit:[in_i]");
    // Feet and inches on the number pad, kept as inches; Done after the inches moves on.
    typeInto(h, "height-in:feet", "5");
    typeInto(h, "height-in:inches", "10");
    CHECK(h.kiosk().draft().answers("height-in").front().number() == Approx(70));
    CHECK(h.page() != "sex");
    ScreenCounter seen{h, "", 0};
    walkToReview(h, seen, {{"kidney-disease", "yes"}}); // as the taps test walks a visit
    signFromReview(h);
    h.tap("submit");
    REQUIRE(h.screen() == "submitted");
    const auto detail = h.store().screening(1);
    REQUIRE(detail);
    CHECK(detail->language == "es");
    CHECK(detail->summary.patient.familyName == "Muñoz Peña");
    const json response = storedResponse(h, 1);
    CHECK(response["language"] == "es");
    bool kidneyFlag = false;
    for (const auto& f : detail->flags) kidneyFlag = kidneyFlag || f.category == "renal";
    CHECK(kidneyFlag);
    test::keepForSchemaCheck("ui-spanish", response);
}

TEST_CASE("an idle patient is asked whether they are still there, and then their answers are discarded") {
    test::HarnessOptions o;
    o.kiosk.idleWarningSeconds = 60;
    o.kiosk.idleResetSeconds = 20;
    KioskHarness h(o);
    h.tap("start");
    typeInto(h, "family-name", "Private");
    h.wait(61);
    CHECK(h.state().idleWarning);
    CHECK(h.logged("idle-warning"));
    // Still there: the answers are kept.
    h.tap("still-here");
    CHECK_FALSE(h.state().idleWarning);
    CHECK(h.screen() == "question");
    CHECK(h.kiosk().draft().answers("family-name").front().text == "Private");
    // Gone: everything is discarded and the kiosk is back at Welcome.
    h.wait(61);
    h.wait(21);
    CHECK(h.screen() == "welcome");
    CHECK(h.logged("reset reason=idle"));
    CHECK_FALSE(h.kiosk().draft().answered("family-name"));
    // The next patient starts with an empty form.
    h.tap("start");
    h.tap("field:family-name");
    CHECK(h.state().editing->buffer.empty());
    CHECK(h.store().countScreenings() == 0);
}

TEST_CASE("a surgery can be added, and removing one keeps the others' answers") {
    KioskHarness h;
    h.tap("start");
    answerUntil(h, "", {}, "surgery-any");
    REQUIRE(h.page() == "surgery-any");
    h.tap("option:surgery-any:yes");
    h.tap("next");
    REQUIRE(h.page() == "surgery-entry@0");
    typeInto(h, "surgery-type@0", "Knee");
    h.tap("option:surgery-implant@0:no");
    h.tap("repeat-add");
    REQUIRE(h.page() == "surgery-entry@1");
    typeInto(h, "surgery-type@1", "Appendix");
    h.tap("option:surgery-implant@1:no");
    h.tap("repeat-add");
    REQUIRE(h.page() == "surgery-entry@2");
    typeInto(h, "surgery-type@2", "Hip");
    h.tap("option:surgery-implant@2:yes");
    // Remove the middle one: the third becomes the second, answers intact.
    h.tap("back");
    REQUIRE(h.page() == "surgery-entry@1");
    h.tap("repeat-remove");
    CHECK(h.kiosk().draft().repetitions("surgery-entry") == 2);
    CHECK(h.kiosk().draft().answers("surgery-type@0").front().text == "Knee");
    CHECK(h.kiosk().draft().answers("surgery-type@1").front().text == "Hip");
    CHECK(h.kiosk().draft().answers("surgery-implant@1").front().coding.code == "yes");
    CHECK_FALSE(h.kiosk().draft().answered("surgery-type@2"));
}

TEST_CASE("a number that is out of range or not a number is refused next to the question and nothing else is lost") {
    KioskHarness h;
    h.tap("start");
    answerUntil(h, "", {}, "sex");
    h.tap("option:weight-unit:kg");
    typeInto(h, "weight-kg", "9999");
    h.tap("next");
    REQUIRE(h.page() == "sex");
    REQUIRE(h.state().pageErrors.count("weight-kg"));
    CHECK(h.state().pageErrors.at("weight-kg").find("between") != std::string::npos);
    typeInto(h, "weight-kg", ".");
    CHECK(h.kiosk().draft().answers("family-name").front().text == "Test");
    h.tap("field:weight-kg");
    for (int i = 0; i < 6; ++i) h.tap("key:delete");
    h.type(".");
    h.tap("key:done");
    h.tap("next");
    REQUIRE(h.page() == "sex");
    CHECK(h.state().pageErrors.at("weight-kg").find("number") != std::string::npos);
    typeInto(h, "weight-kg", "");
    h.tap("field:weight-kg");
    h.tap("key:delete");
    h.type("80");
    h.tap("key:done");
    answerPage(h);
    h.tap("next");
    CHECK(h.page() != "sex");
    CHECK(h.kiosk().draft().answers("given-name").front().text == "Test");
}

TEST_CASE("typing past a question's length limit is refused, never cut short") {
    KioskHarness h;
    h.tap("start");
    h.tap("field:family-name");
    h.tap("key:shift"); // the field starts in capitals; type lower case
    const std::string hundred(100, 'a');
    h.type(hundred);
    CHECK(h.state().editing->buffer.size() == 100);
    h.type("b");
    CHECK(h.state().editing->buffer == hundred);
    h.tap("key:done");
    CHECK(h.kiosk().draft().answers("family-name").front().text == hundred);
}

TEST_CASE("a save that fails keeps every answer and the signature on the screen to try again") {
    test::HarnessOptions o;
    o.failSubmit = "database or disk is full";
    KioskHarness h(o);
    walkToSubmit(h);
    const auto strokes = h.state().signature.size();
    h.tap("submit");
    CHECK(h.screen() == "sign");
    CHECK(h.logged("submit-failed problem=database or disk is full"));
    CHECK(h.state().notice.find("could not be saved") != std::string::npos);
    CHECK(h.state().signature.size() == strokes);
    CHECK(h.kiosk().draft().answered("family-name"));
    CHECK(h.store().countScreenings() == 0);
}

TEST_CASE("holding the top-left corner opens staff sign-in; a wrong PIN is refused and a right one leaves patient mode") {
    KioskHarness h;
    h.store().addStaff("nina", "Nina Nurse", screening::Role::Nurse, "482913", {"test", screening::Role::Admin});
    h.tap("start");
    typeInto(h, "family-name", "Someone");
    // A short touch in the corner does nothing.
    h.hold(10, 10, 1.0);
    CHECK(h.screen() == "question");
    h.hold(10, 10, 3.2);
    REQUIRE(h.screen() == "staff-sign-in");
    CHECK(h.logged("staff-gesture"));
    typeInto(h, "staff:username", "nina");
    typeInto(h, "staff:pin", "000000");
    h.tap("staff-sign-in");
    CHECK(h.screen() == "staff-sign-in");
    CHECK_FALSE(h.state().staffMessage.empty());
    CHECK(h.state().staffPin.empty());
    typeInto(h, "staff:pin", "482913");
    h.tap("staff-sign-in");
    REQUIRE(h.screen() == "staff-queue");
    REQUIRE(h.state().staff);
    CHECK(h.state().staff->displayName == "Nina Nurse");
    // Staff may discard the unfinished screening; the kiosk returns to Welcome with nothing kept.
    h.tap("staff-discard");
    CHECK(h.screen() == "welcome");
    CHECK_FALSE(h.kiosk().draft().answered("family-name"));
    CHECK_FALSE(h.state().staff);
}

TEST_CASE("a signed-in staff member is signed out after the idle time, 120 s unless the site sets another") {
    KioskHarness h; // the default [kiosk] staff_idle_seconds
    h.store().addStaff("omar", "Omar Officer", screening::Role::Mrso, "730517", {"test", screening::Role::Admin});
    h.hold(10, 10, 3.2);
    typeInto(h, "staff:username", "omar");
    typeInto(h, "staff:pin", "730517");
    h.tap("staff-sign-in");
    REQUIRE(h.screen() == "staff-queue");
    h.wait(118);
    CHECK(h.screen() == "staff-queue");
    h.wait(3);
    CHECK(h.screen() == "welcome");
    CHECK_FALSE(h.state().staff);
    CHECK(h.logged("staff-signed-out user=omar"));
}

TEST_CASE("a screening started by staff for a known patient skips nothing but arrives with the identity filled in") {
    KioskHarness h;
    store::PatientIdentity p{"Okafor", "Margaret", "1958-03-14", "female"};
    h.kiosk().startForPatient(p, "es");
    CHECK(h.state().language == "es");
    CHECK(h.kiosk().draft().answers("family-name").front().text == "Okafor");
    CHECK(h.kiosk().draft().answers("birth-date").front().text == "1958-03-14");
    CHECK(h.kiosk().draft().answers("sex").front().coding.code == "female");
}

TEST_CASE("every touch target stays on screen and at least 64 pixels high with larger text on a small 800x480 screen") {
    test::HarnessOptions o;
    o.width = 800;
    o.height = 480;
    KioskHarness h(o);
    h.tap("larger-text");
    h.tap("high-contrast");
    auto check = [&](const char* where) {
        INFO(where << " on page " << h.page());
        for (const auto& [id, t] : h.state().targets) {
            if (!t.visible || id.rfind("mark:", 0) == 0 || id.rfind("figure:", 0) == 0 || id == "signature-pad")
                continue;
            INFO(id);
            CHECK(t.y1 - t.y0 >= 64.0f);
            CHECK(t.x0 >= 0.0f);
            CHECK(t.x1 <= 800.0f);
            CHECK(t.y1 <= 480.0f);
        }
    };
    check("welcome");
    h.tap("start");
    check("first question");
    h.tap("field:family-name");
    check("keyboard");
    h.tap("key:layer:accents");
    check("accents");
    h.tap("key:done");
    answerUntil(h, "", {}, "sex");
    h.tap("option:weight-unit:kg");
    h.tap("field:weight-kg");
    check("number pad");
    h.tap("key:done");
    answerUntil(h, "review", {{"has-implants", "yes"}});
    check("review");
    h.tap("review-continue");
    check("sign");
}

// [SECTION] nothing of one patient reaches the next (issue 12, item 0)

namespace {

test::HarnessOptions shortIdleTimers() {
    test::HarnessOptions o;
    o.kiosk.idleWarningSeconds = 60;
    o.kiosk.idleResetSeconds = 20;
    return o;
}

// The patient walks away: the warning, then the reset, with nothing of theirs left for the next.
void walkAwayAndCheckNothingIsLeft(KioskHarness& h) {
    h.wait(61);
    CHECK(h.state().idleWarning);
    h.wait(21);
    CHECK(h.screen() == "welcome");
    CHECK(h.logged("reset reason=idle"));
    CHECK_FALSE(h.kiosk().draft().hasAnswers());
    CHECK(h.state().signature.empty());
    h.tap("start");
    h.tap("field:family-name");
    CHECK(h.state().editing->buffer.empty());
    CHECK(h.store().countScreenings() == 0);
}

void signOnPad(KioskHarness& h) {
    h.drag(signatureStroke(h.state().targets.at("signature-pad")));
    REQUIRE_FALSE(h.state().signature.empty());
}

} // namespace

TEST_CASE("an untouched Welcome screen runs no idle timer") {
    KioskHarness h(shortIdleTimers());
    h.wait(200);
    CHECK(h.screen() == "welcome");
    CHECK_FALSE(h.state().idleWarning);
    CHECK_FALSE(h.logged("reset"));
    CHECK(h.kiosk().nextDeadline(h.now()) < 0);
}

TEST_CASE("answers left on Welcome after going Back to it are discarded after the idle timers") {
    KioskHarness h(shortIdleTimers());
    h.tap("lang:es");
    h.tap("start");
    typeInto(h, "family-name", "Private");
    h.tap("key:done"); // Done moved on to the given name, whose keyboard opened: closed
    h.tap("back");
    h.tap("back");
    REQUIRE(h.screen() == "welcome");
    REQUIRE(h.kiosk().draft().answered("family-name"));
    CHECK(h.kiosk().nextDeadline(h.now()) >= 0);
    walkAwayAndCheckNothingIsLeft(h);
    CHECK(h.state().language == "en");
}

TEST_CASE("answers left on the body map are discarded after the idle timers") {
    KioskHarness h(shortIdleTimers());
    markChestOnBodyMap(h);
    walkAwayAndCheckNothingIsLeft(h);
    CHECK(h.kiosk().draft().repetitions("body-mark") == 0);
}

TEST_CASE("answers left on Review are discarded after the idle timers") {
    KioskHarness h(shortIdleTimers());
    h.tap("start");
    answerUntil(h, "review");
    REQUIRE(h.screen() == "review");
    walkAwayAndCheckNothingIsLeft(h);
}

TEST_CASE("answers and a signature left on the Sign screen are discarded after the idle timers") {
    KioskHarness h(shortIdleTimers());
    h.tap("start");
    answerUntil(h, "review");
    h.tap("review-continue");
    REQUIRE(h.screen() == "sign");
    signOnPad(h);
    walkAwayAndCheckNothingIsLeft(h);
}

TEST_CASE("staff sign-in opened over a patient's unfinished answers keeps the patient's idle timers") {
    test::HarnessOptions o = shortIdleTimers();
    o.kiosk.staffIdleSeconds = 300;
    KioskHarness h(o);
    h.tap("start");
    typeInto(h, "family-name", "Private");
    h.hold(10, 10, 3.2);
    REQUIRE(h.screen() == "staff-sign-in");
    CHECK(h.kiosk().nextDeadline(h.now()) <= 80);
    h.wait(81);
    CHECK(h.screen() == "welcome");
    CHECK(h.logged("reset reason=idle"));
    CHECK_FALSE(h.kiosk().draft().hasAnswers());
}

TEST_CASE("a signed-in staff member over a patient's unfinished answers is signed out on the patient's idle timers") {
    test::HarnessOptions o = shortIdleTimers();
    o.kiosk.staffIdleSeconds = 300;
    KioskHarness h(o);
    h.store().addStaff("nina", "Nina Nurse", screening::Role::Nurse, "482913", {"test", screening::Role::Admin});
    h.tap("start");
    typeInto(h, "family-name", "Private");
    h.hold(10, 10, 3.2);
    typeInto(h, "staff:username", "nina");
    typeInto(h, "staff:pin", "482913");
    h.tap("staff-sign-in");
    REQUIRE(h.screen() == "staff-queue");
    h.wait(81);
    CHECK(h.screen() == "welcome");
    CHECK_FALSE(h.state().staff);
    CHECK_FALSE(h.kiosk().draft().hasAnswers());
}

TEST_CASE("the idle overlay hides the answers behind it completely") {
    KioskHarness h(shortIdleTimers());
    h.tap("start");
    typeInto(h, "family-name", "Private");
    h.wait(61);
    REQUIRE(h.state().idleWarning);
    ImGuiWindow* overlay = ImGui::FindWindowByName("idle");
    REQUIRE(overlay != nullptr);
    CHECK(overlay->Active);
    CHECK(overlay->Pos.x <= 0);
    CHECK(overlay->Pos.y <= 0);
    CHECK(overlay->Size.x >= 1280);
    CHECK(overlay->Size.y >= 800);
    // Its background, the first thing it draws, is fully opaque.
    REQUIRE(overlay->DrawList->VtxBuffer.Size > 0);
    CHECK((overlay->DrawList->VtxBuffer[0].col >> IM_COL32_A_SHIFT) == 255);
    // And nothing of the screen behind is drawn over it.
    CHECK(ImGui::GetCurrentContext()->Windows.back() == overlay);
}

TEST_CASE("Start over on a question page asks first; No keeps the answers, Yes discards them and returns to Welcome") {
    KioskHarness h;
    h.tap("lang:es");
    h.tap("start");
    typeInto(h, "family-name", "Private");
    h.tap("key:done"); // the given name's keyboard, opened by itself: closed to see Start over
    h.tap("start-over");
    REQUIRE(h.state().confirmStartOver);
    CHECK(h.has("start-over-yes"));
    CHECK(ui::Strings().get("es", "start_over.confirm") == "¿Borrar sus respuestas y empezar de nuevo?");
    CHECK(ui::Strings().get("en", "start_over.confirm") == "Discard your answers and start over?");
    h.tap("start-over-no");
    CHECK_FALSE(h.state().confirmStartOver);
    CHECK(h.screen() == "question");
    CHECK(h.kiosk().draft().answered("family-name"));
    h.tap("start-over");
    h.tap("start-over-yes");
    CHECK(h.screen() == "welcome");
    CHECK_FALSE(h.kiosk().draft().hasAnswers());
    CHECK(h.logged("reset reason=start over"));
    CHECK(h.state().language == "es"); // the same patient goes on in their language
    h.tap("start");
    h.tap("field:family-name");
    CHECK(h.state().editing->buffer.empty());
}

TEST_CASE("Start over on Review discards the answers") {
    KioskHarness h;
    h.tap("start");
    answerUntil(h, "review");
    REQUIRE(h.screen() == "review");
    h.tap("start-over");
    h.tap("start-over-yes");
    CHECK(h.screen() == "welcome");
    CHECK_FALSE(h.kiosk().draft().hasAnswers());
}

TEST_CASE("Start over on the Sign screen discards the answers and the signature") {
    KioskHarness h;
    h.tap("start");
    answerUntil(h, "review");
    h.tap("review-continue");
    REQUIRE(h.screen() == "sign");
    signOnPad(h);
    h.tap("start-over");
    h.tap("start-over-yes");
    CHECK(h.screen() == "welcome");
    CHECK_FALSE(h.kiosk().draft().hasAnswers());
    CHECK(h.state().signature.empty());
    CHECK(h.store().countScreenings() == 0);
}

// [SECTION] what the kiosk leaves behind and what its sign-in screen gives away (issue 12, item 7)

namespace {

struct KioskServicesOf {
    explicit KioskServicesOf(KioskHarness& h)
        : files(cli::loadFormFiles(h.config().form)),
          services(cli::kioskServices(h.store(), h.config(), files, [this](const std::string& line) { log.push_back(line); },
                                      errors)) {
        services.today = [] { return std::string("2026-11-25"); };
    }
    cli::FormFiles files;
    std::vector<std::string> log;
    std::ostringstream errors;
    ui::KioskServices services;
};

screening::Response exampleResponse(const std::string& name, const std::function<void(json&)>& change = {}) {
    json r = json::parse(test::slurp(test::sourcePath("forms/examples/" + name + ".json")));
    if (change) change(r);
    return screening::readResponse(r.dump(), name);
}

// Sets the first answer of `linkId`, wherever it is nested, to `answer`.
bool setAnswer(json& items, const std::string& linkId, const json& answer) {
    for (auto& it : items) {
        if (it.value("linkId", "") == linkId) {
            it["answer"] = json::array({answer});
            return true;
        }
        if (it.contains("item") && setAnswer(it["item"], linkId, answer)) return true;
        if (it.contains("answer"))
            for (auto& a : it["answer"])
                if (a.contains("item") && setAnswer(a["item"], linkId, answer)) return true;
    }
    return false;
}

} // namespace

TEST_CASE("a refused save names the question, never the patient's answer (the state log writes the same words)") {
    KioskHarness h;
    KioskServicesOf k(h);
    const auto response = exampleResponse("no-risk", [](json& r) {
        REQUIRE(setAnswer(r["item"], "birth-date", {{"valueDate", "Okafor Margaret"}}));
    });
    const ui::SubmitOutcome out = k.services.submit(response, "");
    REQUIRE_FALSE(out.saved);
    CHECK_THAT(out.problem, Catch::Matchers::Contains("birth-date"));
    CHECK(out.problem.find("Okafor") == std::string::npos);
}

TEST_CASE("a record's preview picture is deleted from the disk once it has been read") {
    KioskHarness h;
    KioskServicesOf k(h);
    const ui::SubmitOutcome out = k.services.submit(exampleResponse("no-risk"), "");
    REQUIRE(out.saved);
    REQUIRE_FALSE(out.recordPath.empty());
    std::string problem;
    const auto picture = k.services.renderPage(out.id, 1, 1, problem); // read through the store
    INFO(problem);
    REQUIRE(picture);
    CHECK(picture->width > 0);
    CHECK_FALSE(picture->rgb.empty());
    CHECK_FALSE(std::filesystem::exists(picture->path));
    const auto previews = std::filesystem::path(h.config().dataDir) / "previews";
    CHECK(std::filesystem::is_empty(previews));
}

TEST_CASE("the preview shows no record whose file was changed after filing, and says which screening and version") {
    KioskHarness h;
    KioskServicesOf k(h);
    const ui::SubmitOutcome out = k.services.submit(exampleResponse("no-risk"), "");
    REQUIRE(out.saved);
    const auto rec = h.store().record(out.id, 1);
    REQUIRE(rec);
    {
        std::fstream file(rec->path, std::ios::in | std::ios::out | std::ios::binary);
        REQUIRE(file);
        file.seekp(200);
        file.put('#'); // inside the signed bytes
    }
    std::string problem;
    CHECK_FALSE(k.services.renderPage(out.id, 1, 1, problem));
    CHECK_THAT(problem, Catch::Matchers::Contains("screening " + std::to_string(out.id) + ", version 1 was changed"));
    const auto previews = std::filesystem::path(h.config().dataDir) / "previews";
    CHECK((!std::filesystem::exists(previews) || std::filesystem::is_empty(previews))); // no copy was made
}

TEST_CASE("staff sign-in says the same words for an unknown name, a wrong PIN, a locked and a disabled account") {
    KioskHarness h;
    h.store().addStaff("nina", "Nina Nurse", screening::Role::Nurse, "482913", {"test", screening::Role::Admin});
    h.store().addStaff("omar", "Omar Officer", screening::Role::Mrso, "730517", {"test", screening::Role::Admin});
    h.store().disableStaff("omar", {"test", screening::Role::Admin});
    auto refusal = [&](const std::string& user, const std::string& pin) {
        h.hold(10, 10, 3.2);
        REQUIRE(h.screen() == "staff-sign-in");
        typeInto(h, "staff:username", user);
        typeInto(h, "staff:pin", pin);
        h.tap("staff-sign-in");
        REQUIRE(h.screen() == "staff-sign-in");
        const std::string message = h.state().staffMessage;
        h.tap("staff-cancel");
        return message;
    };
    const std::string unknown = refusal("nobody", "000000");
    CHECK_FALSE(unknown.empty());
    CHECK(refusal("omar", "730517") == unknown); // disabled
    for (int i = 0; i < 4; ++i) CHECK(refusal("nina", "000000") == unknown);
    CHECK(refusal("nina", "000000") == unknown); // this one locks the account
    CHECK(refusal("nina", "482913") == unknown); // locked, right PIN
    for (int i = 0; i < 6; ++i) CHECK(refusal("nobody", "000000") == unknown);
    CHECK(unknown.find("locked") != std::string::npos); // a locked-out nurse still learns why
}

TEST_CASE("Start over on the body map discards the answers and the marks") {
    KioskHarness h;
    markChestOnBodyMap(h);
    h.tap("start-over");
    h.tap("start-over-yes");
    CHECK(h.screen() == "welcome");
    CHECK_FALSE(h.kiosk().draft().hasAnswers());
    CHECK(h.kiosk().draft().repetitions("body-mark") == 0);
}
