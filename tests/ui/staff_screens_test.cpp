// The staff screens for a busy nurse and an MRSO, driven headlessly: the field being typed stays
// above the keyboard, the signature pad never scrolls, the queue in two sections oldest first, the
// decision where the signer lands, the signed record paged through, a one-line header, messages
// that go with their action, a confirmed close, plurals and the words staff read.
#include "kiosk_harness.h"
#include "kiosk_steps.h"
#include "staff_steps.h"
#include "test_support.h"

#include "ui/staff_work.h"

#include <catch2/catch.hpp>

#include <algorithm>

using namespace mrscreen;
using mrscreen::test::KioskHarness;
using namespace mrscreen::test::steps;

namespace {

KioskHarness small(int width = 1024, int height = 600) {
    test::HarnessOptions o;
    o.width = width;
    o.height = height;
    return KioskHarness(o);
}

// The top of the keyboard: the highest key drawn.
float keyboardTop(KioskHarness& h) {
    float top = 1e9f;
    for (const auto& [name, t] : h.state().targets)
        if (name.rfind("key:", 0) == 0) top = std::min(top, t.y0);
    return top;
}

// Taps a field, and checks it is wholly in sight above the keyboard while it is typed into.
void typedInView(KioskHarness& h, const std::string& field) {
    h.tap("field:" + field);
    REQUIRE(h.state().editing);
    h.frames(3);
    const auto& t = h.state().targets.at("field:" + field);
    INFO(field << " y " << t.y0 << "-" << t.y1 << ", keyboard from " << keyboardTop(h));
    CHECK(t.visible);
    CHECK(t.y1 <= keyboardTop(h));
    h.type("1");
    h.tap("key:done");
}

void reviewed(KioskHarness& h, std::int64_t id) {
    openScreening(h, "nina", "111111", id);
    verdictAll(h, id);
    sign(h, "review-sign");
    REQUIRE(h.store().screening(id)->summary.state == screening::ScreeningState::Reviewed);
    h.tap("staff-back-to-patient");
}

} // namespace

TEST_CASE("the field a nurse types into (verdict note, lab date, implant fields) stays in view above the keyboard at "
          "1024x600") {
    KioskHarness h = small();
    addStaff(h);
    const auto id = submitExample(h, "pacemaker.json");
    openScreening(h, "nina", "111111", id);
    REQUIRE(h.screen() == "staff-review");
    const auto rule = h.store().screening(id)->flags.front().ruleId;
    h.tap("verdict:" + rule);
    typedInView(h, "work:note");
    typedInView(h, "work:creatinine");
    typedInView(h, "work:lab-date");
    h.tap("implant-add");
    typedInView(h, "work:implant-type");
    typedInView(h, "work:implant-date");
}

TEST_CASE("the staff signature pad sits outside every scrolling area: a drag on it draws, and the work does not scroll") {
    KioskHarness h = small();
    addStaff(h);
    const auto id = submitExample(h, "pacemaker.json");
    openScreening(h, "nina", "111111", id);
    verdictAll(h, id);
    h.frames(2);
    CHECK_FALSE(h.has("staff-signature")); // no pad inside the scrolling page
    h.tap("review-sign");
    REQUIRE(h.has("staff-signature"));
    CHECK(h.state().targets.at("staff-signature").scrollArea.empty());
    const auto before = h.state().scrollAreas.at("work-" + std::to_string(id));
    h.drag(signatureStroke(h.state().targets.at("staff-signature")));
    CHECK_FALSE(h.state().work.signature.empty());
    const auto after = h.state().scrollAreas.at("work-" + std::to_string(id));
    CHECK(after.y0 == before.y0);
    // Cancel closes the step and forgets the strokes; nothing is signed.
    h.tap("signing-cancel");
    CHECK_FALSE(h.has("staff-signature"));
    CHECK(h.state().work.signature.empty());
    CHECK(h.store().screening(id)->summary.state == screening::ScreeningState::Submitted);
}

TEST_CASE("the queue shows 'Awaiting review' above 'Awaiting decision', oldest first, and names stop flags") {
    KioskHarness h;
    addStaff(h);
    const auto older = submitExample(h, "pacemaker.json");
    const auto newer = submitExample(h, "no-risk.json");
    const auto decided = submitExample(h, "no-risk.json");
    reviewed(h, decided);
    signIn(h, "nina", "111111");
    h.frames(3);
    REQUIRE(h.has("queue-section:review"));
    REQUIRE(h.has("queue-section:decision"));
    const auto& t = h.state().targets;
    CHECK(t.at("queue-section:review").y0 < t.at("queue-section:decision").y0);
    CHECK(t.at("queue:" + std::to_string(older)).y0 < t.at("queue:" + std::to_string(newer)).y0);
    CHECK(t.at("queue:" + std::to_string(newer)).y0 < t.at("queue-section:decision").y0);
    CHECK(t.at("queue:" + std::to_string(decided)).y0 > t.at("queue-section:decision").y0);
    // A stop flag is named on its row, not shown by colour alone.
    CHECK(h.has("queue:" + std::to_string(older) + ":stop"));
    CHECK_FALSE(h.has("queue:" + std::to_string(newer) + ":stop"));
}

TEST_CASE("the decision is where the MRSO lands: at the top, with the flags beside it on a wide screen and a summary "
          "of them first on a narrow one") {
    for (const auto& size : {std::pair{1280, 800}, std::pair{1024, 600}, std::pair{800, 1280}}) {
        const int width = size.first, height = size.second;
        INFO(width << "x" << height);
        KioskHarness h = small(width, height);
        addStaff(h);
        const auto id = submitExample(h, "pacemaker.json");
        reviewed(h, id);
        signIn(h, "omar", "333333");
        h.tap("queue:" + std::to_string(id));
        REQUIRE(h.screen() == "staff-decision");
        h.frames(2);
        const auto& t = h.state().targets;
        REQUIRE(h.has("outcome:1"));
        CHECK(t.at("outcome:1").visible); // no scrolling to reach the decision
        const std::string rule = h.store().screening(id)->flags.front().ruleId;
        REQUIRE(h.has("flag:" + rule));
        if (width >= 1024) {
            CHECK(t.at("flag:" + rule).scrollArea == "work-" + std::to_string(id) + "-side");
            CHECK(t.at("flag:" + rule).x0 > t.at("outcome:3").x1);
            CHECK(t.at("flag:" + rule).visible);
        } else {
            REQUIRE(h.has("flags-summary"));
            CHECK(t.at("flags-summary").y1 <= t.at("outcome:1").y0);
        }
    }
}

TEST_CASE("after the decision is signed, every page of the signed record can be read on the screen, page by page") {
    KioskHarness h;
    addStaff(h);
    const auto id = submitExample(h, "pacemaker.json");
    reviewed(h, id);
    signIn(h, "omar", "333333");
    h.tap("queue:" + std::to_string(id));
    h.tap("outcome:3");
    typeInto(h, "work:reason", "Pacemaker not MR Conditional");
    sign(h, "decision-sign");
    INFO(h.state().work.message);
    REQUIRE(h.store().screening(id)->decision);
    REQUIRE(h.state().work.preview);
    // The message says what happened, not where a file is.
    CHECK(h.state().work.message.find('/') == std::string::npos);
    CHECK(h.state().work.message.find("version 2") != std::string::npos);
    const int pages = h.state().work.preview->pages;
    REQUIRE(pages >= 2);
    CHECK(h.state().work.preview->page == 1);
    CHECK(h.has("preview-page"));
    h.tap("preview-next");
    CHECK(h.state().work.preview->page == 2);
    CHECK(h.logged("page=2 of " + std::to_string(pages)));
    for (int i = 2; i < pages + 2; ++i) h.tap("preview-next"); // never past the last page
    CHECK(h.state().work.preview->page == pages);
    h.tap("preview-previous");
    CHECK(h.state().work.preview->page == pages - 1);
}

TEST_CASE("the staff header is one line at 1024 px, with the Queue and Sign out buttons beside it") {
    for (const int width : {1024, 1280}) {
        KioskHarness h = small(width, width == 1024 ? 600 : 800);
        addStaff(h);
        h.store().addStaff("max", "Maximiliana Fernández-Castellanos de la Vega, RN", screening::Role::Nurse, "555555",
                           kAdmin);
        const auto id = submitExample(h, "pacemaker.json");
        signIn(h, "max", "555555");
        h.tap("queue:" + std::to_string(id));
        h.frames(2);
        const auto& t = h.state().targets;
        const auto& header = t.at("staff-header");
        INFO(width);
        CHECK(header.y1 - header.y0 <= t.at("staff-queue").y1 - t.at("staff-queue").y0 + 0.5f); // one button high
        CHECK(header.x1 <= t.at("staff-queue").x0);
        CHECK(t.at("staff-queue").y0 == header.y0);
        // The work starts right under that one line.
        CHECK(h.state().scrollAreas.at("work-" + std::to_string(id)).y0 < header.y1 + 40);
    }
}

TEST_CASE("a staff message goes with the action that caused it: the next tap, another screen, or a few seconds clear it") {
    KioskHarness h;
    addStaff(h);
    const auto id = submitExample(h, "pacemaker.json");
    openScreening(h, "nina", "111111", id);
    const auto rule = h.store().screening(id)->flags.front().ruleId;
    // A refusal stays until the next tap.
    h.tap("verdict:" + rule);
    h.tap("verdict-save:" + rule);
    CHECK_FALSE(h.state().work.message.empty());
    h.wait(30);
    CHECK_FALSE(h.state().work.message.empty());
    h.tap("verdict:" + rule + ":1");
    CHECK(h.state().work.message.empty());
    // A confirmation leaves by itself after a few seconds.
    h.tap("verdict-save:" + rule);
    CHECK(h.state().work.messageOk);
    CHECK_FALSE(h.state().work.message.empty());
    h.wait(ui::kConfirmationSeconds + 1);
    CHECK(h.state().work.message.empty());
    // And none follows the nurse to another screen.
    h.tap("contrast-planned:yes");
    CHECK_FALSE(h.state().work.message.empty());
    h.tap("staff-queue");
    h.frames(2);
    CHECK(h.state().work.message.empty());
}

TEST_CASE("closing the kiosk program asks first, and Cancel keeps it running") {
    KioskHarness h;
    addStaff(h);
    signIn(h, "nina", "111111");
    h.tap("staff-exit");
    CHECK_FALSE(h.kiosk().quitRequested());
    REQUIRE(h.has("staff-exit-confirm"));
    h.tap("staff-exit-cancel");
    CHECK_FALSE(h.has("staff-exit-confirm"));
    CHECK_FALSE(h.kiosk().quitRequested());
    h.tap("staff-exit");
    h.tap("staff-exit-confirm");
    CHECK(h.kiosk().quitRequested());
    CHECK(h.logged("quit by=nina"));
}

TEST_CASE("flag counts are said with proper plurals in English and Spanish") {
    using ui::staff::countText;
    CHECK(countText("en", "stop", 1) == "1 stop flag");
    CHECK(countText("en", "stop", 2) == "2 stop flags");
    CHECK(countText("en", "review", 1) == "1 review flag");
    CHECK(countText("en", "review", 0) == "0 review flags");
    CHECK(countText("es", "stop", 1) == "1 alerta de parada");
    CHECK(countText("es", "review", 3) == "3 alertas de revisión");
    CHECK(countText("en", "open", 1).rfind("1 stop or review flag still needs", 0) == 0);
    CHECK(countText("es", "open", 2).find("necesitan") != std::string::npos);
}

TEST_CASE("staff read the body side as the patient's left or right, where the patient chose 'My left side'") {
    using ui::staff::staffOptionText;
    screening::Value left = screening::Value::ofCoding({"http://mrscreen.org/fhir/CodeSystem/body-side", "left", ""});
    screening::Value right = screening::Value::ofCoding({"http://mrscreen.org/fhir/CodeSystem/body-side", "right", ""});
    CHECK(staffOptionText("en", nullptr, left) == "patient's left");
    CHECK(staffOptionText("en", nullptr, right) == "patient's right");
    CHECK(staffOptionText("es", nullptr, left) == "lado izquierdo del paciente");
}

TEST_CASE("a flag's heading names its level and category in words, and the rule id is only in the small line under it") {
    store::StoredFlag f;
    f.ruleId = "implant-pacemaker";
    f.severity = screening::Severity::Stop;
    f.category = "implant";
    f.message = "Cardiac pacemaker or ICD reported";
    const std::string heading = ui::staff::flagHeading(f, false);
    CHECK(heading.find("Stop") != std::string::npos);
    CHECK(heading.find("Implant") != std::string::npos);
    CHECK(heading.find(f.ruleId) == std::string::npos);
    CHECK(ui::staff::flagAbout(f, false) == "Rule implant-pacemaker");
}

// Every button's label lies inside its button on the screen shown now; returns how many were checked.
int labelsInsideButtons(KioskHarness& h) {
    int labels = 0;
    for (const auto& [id, label] : h.state().shown) {
        if (id.size() < 6 || id.compare(id.size() - 6, 6, ":label") != 0) continue;
        const auto button = h.state().targets.find(id.substr(0, id.size() - 6));
        if (button == h.state().targets.end()) continue;
        const ui::Target& b = button->second;
        INFO(h.screen() << ": " << id << " " << label.x0 << "," << label.y0 << "-" << label.x1 << "," << label.y1
                        << " in button " << b.x0 << "," << b.y0 << "-" << b.x1 << "," << b.y1);
        CHECK(label.x0 >= b.x0);
        CHECK(label.x1 <= b.x1);
        CHECK(label.y0 >= b.y0);
        CHECK(label.y1 <= b.y1);
        CHECK_FALSE(h.state().shown.count(button->first + ":word-broken"));
        ++labels;
    }
    return labels;
}

// At each size with Larger text (800x1280 put "Submitted" over "Flags", "Close the kiosk program"
// out of its button and "Sign out" over its button's top edge).
TEST_CASE("with larger text the queue's headings never overlap and every staff button's label stays inside it, at "
          "every screen size") {
    for (const auto& size : {std::pair{1280, 800}, std::pair{1024, 600}, std::pair{800, 1280}}) {
        INFO(size.first << "x" << size.second);
        KioskHarness h = small(size.first, size.second);
        h.state().largeText = true;
        addStaff(h);
        const auto id = submitExample(h, "pacemaker.json");
        const auto done = submitExample(h, "no-risk.json");
        reviewed(h, done);
        h.tap("start"); // a patient's form is open, so Discard is offered too
        signIn(h, "nina", "111111");
        h.frames(3);
        REQUIRE(h.screen() == "staff-queue");
        REQUIRE(h.has("staff-discard"));
        const auto& shown = h.state().shown;
        REQUIRE(shown.count("queue-head:submitted"));
        const auto &patient = shown.at("queue-head:patient"), &submitted = shown.at("queue-head:submitted"),
                   &flags = shown.at("queue-head:flags");
        const auto apart = [](const ui::Target& a, const ui::Target& b) {
            return a.x1 <= b.x0 || b.x1 <= a.x0 || a.y1 <= b.y0 || b.y1 <= a.y0;
        };
        CHECK(apart(patient, submitted));
        CHECK(apart(patient, flags));
        CHECK(apart(submitted, flags));
        CHECK(labelsInsideButtons(h) >= 2);
        h.tap("queue:" + std::to_string(id));
        h.frames(3);
        REQUIRE(h.screen() == "staff-review");
        CHECK(labelsInsideButtons(h) >= 3);
    }
}

// At 1024x600 with Larger text the keyboard covered the PIN field, and a tap on "r" (over the hidden
// field) opened the PIN instead of typing; a long refusal pushed the PIN field under the buttons.
TEST_CASE("on staff sign-in every key types even where a field lies under the keyboard, and after a refusal the PIN "
          "field stays above the buttons, at every size with larger text") {
    for (const auto& size : {std::pair{1280, 800}, std::pair{1024, 600}, std::pair{800, 1280}}) {
        INFO(size.first << "x" << size.second);
        KioskHarness h = small(size.first, size.second);
        h.state().largeText = true;
        addStaff(h);
        h.hold(10, 10, 3.2);
        REQUIRE(h.screen() == "staff-sign-in");
        h.tap("field:staff:username");
        for (const char c : std::string("qwertyuiopasdfghjklzxcvbnm")) h.tap(std::string("key:") + c);
        REQUIRE(h.state().editing);
        CHECK(h.state().editing->key == "staff:username");
        CHECK(h.state().editing->buffer == "qwertyuiopasdfghjklzxcvbnm");
        h.tap("key:done");
        typeInto(h, "staff:pin", "999999");
        h.tap("staff-sign-in");
        REQUIRE_FALSE(h.state().staffMessage.empty());
        h.frames(2);
        const auto& t = h.state().targets;
        const auto& pin = t.at("field:staff:pin");
        CHECK(pin.visible);
        CHECK(pin.y1 <= t.at("staff-sign-in").y0);
        CHECK(pin.y1 <= t.at("staff-cancel").y0);
    }
}
