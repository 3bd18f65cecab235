// The Sign page never hides what a patient must do on it: at every screen size tested, with normal
// and Larger text, before and after a refused Submit, who fills the form, I confirm, the signature
// pad, Clear and Submit lie wholly inside the window, clear of the "More below" badge and the
// keyboard and of each other, and a refusal names where the missing answers are.
#include "kiosk_harness.h"
#include "kiosk_steps.h"

#include "ui/ui_context.h"

#include <catch2/catch.hpp>

#include <string>
#include <vector>

using namespace mrscreen;
using mrscreen::test::KioskHarness;
using namespace mrscreen::test::steps;

namespace {

struct Size {
    int width, height;
};
const Size kSizes[] = {{1280, 800}, {800, 1280}, {1024, 600}, {1920, 1080}};

const std::vector<std::string> kRequired = {"option:completed-by:patient",
                                            "option:completed-by:representative",
                                            "confirm:attest",
                                            "signature-pad",
                                            "sign-clear",
                                            "submit"};

bool overlaps(const ui::Target& a, const ui::Target& b) {
    return a.x0 < b.x1 - 1 && b.x0 < a.x1 - 1 && a.y0 < b.y1 - 1 && b.y0 < a.y1 - 1;
}

// Walks a patient with nothing to report to the Sign page.
void toSign(KioskHarness& h) {
    h.tap("start");
    answerUntil(h, "review", {{"has-implants", "no"}});
    REQUIRE(h.screen() == "review");
    h.tap("review-continue");
    h.frames(3);
    REQUIRE(h.screen() == "sign");
}

void setLargerText(KioskHarness& h, bool larger) {
    h.state().largeText = larger; // as the Welcome tile sets it
    h.frames(3);
}

// Every required control: on screen whole, inside the window, not under a badge, a key or another
// control, and a tile at least 64 px high; the pad big enough to sign with a finger.
void checkControls(KioskHarness& h, const Size& size, const std::vector<std::string>& required) {
    const auto& targets = h.state().targets;
    for (const auto& id : required) {
        INFO(id);
        REQUIRE(targets.count(id) == 1);
        const ui::Target& t = targets.at(id);
        INFO("at " << t.x0 << "," << t.y0 << " - " << t.x1 << "," << t.y1);
        CHECK(t.visible);
        CHECK(t.x0 >= 0);
        CHECK(t.y0 >= 0);
        CHECK(t.x1 <= float(size.width));
        CHECK(t.y1 <= float(size.height));
        CHECK(t.y1 - t.y0 >= 64.0f);
        for (const auto& [badge, b] : h.state().shown) {
            if (badge.rfind("more-below:", 0) != 0)
                continue;
            INFO("badge " << badge);
            CHECK_FALSE(overlaps(t, b));
        }
        for (const auto& [key, k] : targets) {
            if (key.rfind("key:", 0) != 0)
                continue;
            INFO("key " << key);
            CHECK_FALSE(overlaps(t, k));
        }
        for (const auto& other : required) {
            if (other == id)
                continue;
            INFO("and " << other);
            CHECK_FALSE(overlaps(t, targets.at(other)));
        }
    }
    // No button breaks a word of its label ("Clear signatur/e" in portrait with Larger text).
    for (const auto& [id, label] : h.state().shown) {
        INFO(id);
        CHECK(id.find(":word-broken") == std::string::npos);
    }
    const ui::Target& pad = targets.at("signature-pad");
    CHECK(pad.y1 - pad.y0 >= 140.0f); // about 2.5 cm on a 10-inch screen
    CHECK(pad.x1 - pad.x0 >= 240.0f);
}

} // namespace

TEST_CASE("every required control on Sign is in full view at every screen size, with normal and "
          "larger text, before "
          "and after a refused Submit") {
    for (const Size& size : kSizes) {
        INFO(size.width << "x" << size.height);
        test::HarnessOptions o;
        o.width = size.width, o.height = size.height;
        KioskHarness h(o);
        toSign(h);
        for (const bool larger : {false, true}) {
            INFO((larger ? "larger text" : "normal text") << ", before Submit");
            setLargerText(h, larger);
            checkControls(h, size, kRequired);
        }
        h.tap("submit"); // nothing answered, nothing signed
        REQUIRE(h.logged("submit-refused reason=unanswered"));
        REQUIRE_FALSE(h.state().notice.empty());
        for (const bool larger : {true, false}) {
            INFO((larger ? "larger text" : "normal text") << ", after a refused Submit");
            setLargerText(h, larger);
            checkControls(h, size, kRequired);
        }
    }
}

TEST_CASE("a refused Submit on Sign says the missing answers are below its message, and they are") {
    for (const Size& size : kSizes)
        for (const char* language : {"en", "es"})
            for (const bool larger : {false, true}) {
                INFO(size.width << "x" << size.height << " " << language
                                << (larger ? " larger text" : ""));
                test::HarnessOptions o;
                o.width = size.width, o.height = size.height;
                KioskHarness h(o);
                h.tap("lang:" + std::string(language));
                if (larger)
                    h.tap("larger-text");
                toSign(h);
                h.tap("submit");
                h.frames(2);
                const std::string notice = h.state().notice;
                CHECK(notice == ui::uiStrings().get(language, "sign.incomplete"));
                CHECK(notice.find(std::string(language) == "en" ? "below" : "debajo") !=
                      std::string::npos);
                REQUIRE(h.state().shown.count("notice") == 1);
                const ui::Target message = h.state().shown.at("notice");
                CHECK(message.y1 <= float(size.height));
                REQUIRE(h.state().pageErrors.count("completed-by") == 1);
                REQUIRE(h.state().pageErrors.count("attest") == 1);
                for (const char* id : {"option:completed-by:patient", "confirm:attest"}) {
                    INFO(id);
                    CHECK(h.state().targets.at(id).y0 >= message.y1);
                }
                // Answered, the refusal is for the signature: the pad is below the message too.
                h.tap("option:completed-by:patient");
                h.tap("confirm:attest");
                h.tap("submit");
                REQUIRE(h.logged("submit-refused reason=signature"));
                h.frames(2);
                CHECK(h.state().targets.at("signature-pad").y0 >= h.state().shown.at("notice").y1);
            }
}

TEST_CASE("with larger text at every size a representative fills Sign with a tap on each control, "
          "the name fields "
          "reachable and the required controls still in view") {
    for (const Size& size : kSizes) {
        INFO(size.width << "x" << size.height);
        test::HarnessOptions o;
        o.width = size.width, o.height = size.height;
        KioskHarness h(o);
        h.tap("larger-text");
        toSign(h);
        h.tap("submit");
        h.tap("option:completed-by:representative");
        h.frames(2);
        // Who fills the form and the rest stay in view; the name fields may scroll beside them.
        checkControls(h, size, kRequired);
        typeInto(h, "representative-name", "Ana Perez");
        typeInto(h, "representative-relationship", "Daughter");
        h.frames(2);
        checkControls(h, size, kRequired);
        h.tap("confirm:attest");
        h.drag(signatureStroke(h.state().targets.at("signature-pad")));
        h.tap("submit");
        h.frames(3);
        CHECK(h.screen() == "submitted");
    }
}

TEST_CASE("a statement too long for its room on Sign is shortened with Read it all, which shows it "
          "whole and closes") {
    test::HarnessOptions o;
    o.width = 1024, o.height = 600;
    KioskHarness h(o);
    h.tap("larger-text");
    toSign(h);
    h.tap("submit");
    h.tap("option:completed-by:representative"); // the name fields take the statement's room
    h.frames(2);
    REQUIRE(h.has("read-statement"));
    h.tap("read-statement");
    CHECK(h.state().readingStatement);
    CHECK(h.has("statement-close"));
    h.tap("statement-close");
    CHECK_FALSE(h.state().readingStatement);
    CHECK(h.has("submit"));
}
