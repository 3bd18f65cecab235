// How the screens use the room they have, on the real kiosk screens headlessly: in portrait the
// answers and Next sit in the lower two thirds (reach from a wheelchair), the body map grows with
// Larger text, and its marks are big enough to tap.
#include "kiosk_harness.h"
#include "kiosk_steps.h"

#include "record/body_figure.h"

#include <catch2/catch.hpp>

using namespace mrscreen;
using mrscreen::test::KioskHarness;
using namespace mrscreen::test::steps;

namespace {

// Every answer control (tile, field, stepper) and Next of the page on screen.
std::vector<std::pair<std::string, ui::Target>> answerTargets(KioskHarness& h) {
    std::vector<std::pair<std::string, ui::Target>> out;
    for (const auto& [id, t] : h.state().targets)
        if (t.visible && (id.rfind("option:", 0) == 0 || id.rfind("field:", 0) == 0 || id == "next"))
            out.emplace_back(id, t);
    return out;
}

} // namespace

TEST_CASE("in portrait the answers and Next of a question page sit in the lower two thirds of the screen") {
    KioskHarness h({.width = 800, .height = 1280});
    h.tap("start");
    h.frames(3);
    REQUIRE(h.screen() == "question");
    int pages = 0;
    for (; pages < 6 && h.screen() == "question"; ++pages) {
        INFO("page " << h.page());
        const auto targets = answerTargets(h);
        REQUIRE(targets.size() >= 2);
        for (const auto& [id, t] : targets) {
            INFO(id << " at y " << t.y0);
            CHECK(t.y0 >= 1280.0f / 3 - 1);
        }
        answerPage(h);
        h.tap("next");
        h.frames(3);
    }
    CHECK(pages >= 3);
}

TEST_CASE("in landscape a question page keeps its answers right under the question") {
    KioskHarness h({.width = 1280, .height = 800});
    h.tap("start");
    h.frames(3);
    bool high = false;
    for (const auto& [id, t] : answerTargets(h)) high = high || (id != "next" && t.y0 < 800.0f / 3);
    CHECK(high);
}

TEST_CASE("larger text makes the body map's figures no smaller, and a mark is at least 48 px across") {
    for (const auto& [w, hgt] : {std::pair{1280, 800}, std::pair{800, 1280}, std::pair{1024, 600}}) {
        INFO(w << "x" << hgt);
        float heights[2] = {0, 0};
        for (const bool larger : {false, true}) {
            KioskHarness h({.width = w, .height = hgt});
            if (larger) h.tap("larger-text");
            h.tap("start");
            answerUntil(h, "body-map", {{"implant-pacemaker", "yes"}});
            REQUIRE(h.screen() == "body-map");
            const auto& fig = h.state().targets.at("figure:front");
            heights[larger] = fig.y1 - fig.y0;
            const auto spots = record::bodyFigure().spotsFor(record::BodyView::Front, "chest", "left");
            REQUIRE(spots.size() == 1);
            const float H = fig.y1 - fig.y0;
            h.tapAt((fig.x0 + fig.x1) / 2 + spots[0].x * H, fig.y0 + spots[0].y * H);
            REQUIRE(h.has("mark:0"));
            const auto& mark = h.state().targets.at("mark:0");
            CHECK(mark.x1 - mark.x0 >= 48);
            CHECK(mark.y1 - mark.y0 >= 48);
        }
        CHECK(heights[1] >= heights[0]);
    }
}
