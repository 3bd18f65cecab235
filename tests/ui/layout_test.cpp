// How the screens use the room they have, on the real kiosk screens headlessly: in portrait the
// answers and Next sit in the lower two thirds (reach from a wheelchair), the body map keeps its
// size with Larger text as far as the screen allows, and its marks are big enough to tap.
#include "kiosk_harness.h"
#include "kiosk_steps.h"

#include "record/body_figure.h"

#include <catch2/catch.hpp>

#include <set>

using namespace mrscreen;
using mrscreen::test::KioskHarness;
using namespace mrscreen::test::steps;

namespace {

// Every answer control (tile, field, stepper) and Next of the page on screen.
std::vector<std::pair<std::string, ui::Target>> answerTargets(KioskHarness& h) {
    std::vector<std::pair<std::string, ui::Target>> out;
    for (const auto& [id, t] : h.state().targets)
        if (t.visible && (id.rfind("option:", 0) == 0 || id.rfind("field:", 0) == 0 || id.rfind("date:", 0) == 0 ||
                          id == "next"))
            out.emplace_back(id, t);
    return out;
}

test::HarnessOptions screenOf(int width, int height) {
    test::HarnessOptions o;
    o.width = width, o.height = height;
    return o;
}

} // namespace

TEST_CASE("in portrait the answers and Next of a question page sit in the lower two thirds of the screen") {
    KioskHarness h(screenOf(800, 1280));
    h.tap("start");
    h.frames(3);
    REQUIRE(h.screen() == "question");
    int pages = 0;
    for (; pages < 6 && h.screen() == "question"; ++pages) {
        INFO("page " << h.page());
        if (h.state().editing) h.tap("key:done"); // a name or date page opens its keyboard by itself
        const auto targets = answerTargets(h);
        REQUIRE(targets.size() >= 2);
        // A page of several rows (sex, weight and height) fills the screen from the top; its
        // Next still sits low. A page of one question keeps all of it within reach.
        std::set<std::string> questions;
        for (const auto& [id, t] : targets)
            if (id != "next") questions.insert(id.substr(0, id.find(':', id.find(':') + 1)));
        for (const auto& [id, t] : targets) {
            if (questions.size() > 1 && id != "next") continue;
            INFO(id << " at y " << t.y0);
            CHECK(t.y0 >= 1280.0f / 3 - 1);
        }
        answerPage(h);
        if (h.state().editing) h.tap("key:done");
        h.tap("next");
        h.frames(3);
    }
    CHECK(pages >= 3);
}

TEST_CASE("in landscape a question page keeps its answers right under the question") {
    KioskHarness h(screenOf(1280, 800));
    h.tap("start");
    h.frames(3);
    bool high = false;
    for (const auto& [id, t] : answerTargets(h)) high = high || (id != "next" && t.y0 < 800.0f / 3);
    CHECK(high);
}

// Larger text needs taller buttons and title; the figures give up as little as they can for it:
// their labels stay on one line and the help moved into the list of marks.
TEST_CASE("with larger text the body map keeps at least three quarters of its figures' height, and a mark is at least "
          "48 px across") {
    for (const auto& [w, hgt] : {std::pair{1280, 800}, std::pair{800, 1280}, std::pair{1024, 600}}) {
        INFO(w << "x" << hgt);
        KioskHarness h(screenOf(w, hgt));
        h.tap("start");
        answerUntil(h, "body-map", {{"implant-pacemaker", "yes"}});
        REQUIRE(h.screen() == "body-map");
        float heights[2] = {0, 0};
        for (const bool larger : {false, true}) {
            h.state().largeText = larger; // as the Welcome switch sets it
            h.frames(3);
            const ui::Target fig = h.state().targets.at("figure:front");
            heights[larger] = fig.y1 - fig.y0;
        }
        CHECK(heights[1] >= heights[0] * 0.75f);
        const ui::Target fig = h.state().targets.at("figure:front");
        const float H = fig.y1 - fig.y0;
        const auto spots = record::bodyFigure().spotsFor(record::BodyView::Front, "chest", "left");
        REQUIRE(spots.size() == 1);
        h.tapAt((fig.x0 + fig.x1) / 2 + spots[0].x * H, fig.y0 + spots[0].y * H);
        REQUIRE(h.kiosk().draft().repetitions("body-mark") == 1);
        const ui::Target mark = h.state().targets.at("mark:0");
        CHECK(mark.x1 - mark.x0 >= 48);
        CHECK(mark.y1 - mark.y0 >= 48);
    }
}
