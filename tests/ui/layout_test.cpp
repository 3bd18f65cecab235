// How the screens use the room they have, on the real kiosk screens headlessly: in portrait the
// answers and Next sit in the lower two thirds (reach from a wheelchair), as do Welcome's tiles and
// Sign's controls; the body map grows, never shrinks, with Larger text, and its marks are big
// enough to tap.
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

TEST_CASE("in portrait the answers and Next of every question page sit in the lower two thirds of the screen, with "
          "normal and larger text") {
    for (const bool larger : {false, true}) {
        INFO((larger ? "larger text" : "normal text"));
        KioskHarness h(screenOf(800, 1280));
        if (larger) h.tap("larger-text");
        h.tap("start");
        h.frames(3);
        REQUIRE(h.screen() == "question");
        int pages = 0;
        for (; pages < 80 && h.screen() == "question"; ++pages) {
            INFO("page " << h.page());
            h.frames(2);
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
            const std::string before = h.page();
            answerPage(h, {{"has-implants", "no"}});
            if (h.state().editing) h.tap("key:done");
            if (h.page() == before && h.screen() == "question") h.tap("next");
            h.frames(3);
            if (h.screen() == "body-map") {
                h.tap("next");
                h.frames(3);
            }
        }
        CHECK(pages >= 10);
        CHECK(h.screen() == "review");
    }
}

TEST_CASE("in landscape a question page keeps its answers right under the question") {
    KioskHarness h(screenOf(1280, 800));
    h.tap("start");
    h.frames(3);
    bool high = false;
    for (const auto& [id, t] : answerTargets(h)) high = high || (id != "next" && t.y0 < 800.0f / 3);
    CHECK(high);
}

// Larger text must help, not cost: the figures keep at least their size with normal text (the text
// grows into the room beside or under them), and a mark stays big enough to tap.
TEST_CASE("with larger text the body map's figures are at least as big as with normal text, and a mark is at least "
          "48 px across") {
    for (const auto& [w, hgt] : {std::pair{1280, 800}, std::pair{800, 1280}, std::pair{1024, 600}, std::pair{1920, 1080}}) {
        INFO(w << "x" << hgt);
        KioskHarness h(screenOf(w, hgt));
        h.tap("start");
        answerUntil(h, "body-map", {{"implant-pacemaker", "yes"}});
        REQUIRE(h.screen() == "body-map");
        ui::Target figure[2];
        for (const bool larger : {false, true}) {
            h.state().largeText = larger; // as the Welcome switch sets it
            h.frames(3);
            figure[larger] = h.state().targets.at("figure:front");
            INFO((larger ? "larger" : "normal") << " figure " << figure[larger].x0 << "," << figure[larger].y0 << " - "
                                                << figure[larger].x1 << "," << figure[larger].y1);
            CHECK(figure[larger].visible);
            CHECK(figure[larger].y1 <= float(hgt));
            // Nothing else on the page lies over the figures.
            for (const auto& [id, t] : h.state().targets) {
                if (id.rfind("figure:", 0) == 0 || id.rfind("mark:", 0) == 0 || !t.visible) continue;
                INFO(id);
                CHECK_FALSE((t.x0 < figure[larger].x1 && figure[larger].x0 < t.x1 && t.y0 < figure[larger].y1 &&
                             figure[larger].y0 < t.y1));
            }
        }
        CHECK(figure[1].y1 - figure[1].y0 >= figure[0].y1 - figure[0].y0 - 0.5f);
        CHECK(figure[1].x1 - figure[1].x0 >= figure[0].x1 - figure[0].x0 - 0.5f);
        const ui::Target fig = h.state().targets.at("figure:front");
        const float H = fig.y1 - fig.y0;
        const auto spots = record::bodyFigure().spotsFor(record::BodyView::Front, "chest", "left");
        REQUIRE(spots.size() == 1);
        h.tapAt((fig.x0 + fig.x1) / 2 + spots[0].x * H, fig.y0 + spots[0].y * H);
        REQUIRE(h.kiosk().draft().repetitions("body-mark") == 1);
        const ui::Target mark = h.state().targets.at("mark:0");
        CHECK(mark.x1 - mark.x0 >= 48);
        CHECK(mark.y1 - mark.y0 >= 48);
        h.tap("next"); // the body map's Next still moves on with Larger text
        CHECK(h.screen() != "body-map");
    }
}

TEST_CASE("in portrait Welcome's language, display and read-aloud tiles and Start sit in the lower two thirds of the "
          "screen, with normal and larger text") {
    KioskHarness h(screenOf(800, 1280));
    for (const bool larger : {false, true}) {
        INFO((larger ? "larger text" : "normal text"));
        h.state().largeText = larger;
        h.frames(3);
        REQUIRE(h.screen() == "welcome");
        int tiles = 0;
        for (const auto& [id, t] : h.state().targets) {
            if (!t.visible) continue;
            INFO(id << " at y " << t.y0 << " - " << t.y1);
            CHECK(t.y0 >= 1280.0f / 3 - 1);
            CHECK(t.y1 <= 1280.0f);
            ++tiles;
        }
        CHECK(tiles >= 5); // two languages, Larger text, High contrast, Start
        CHECK(h.has("larger-text"));
        CHECK(h.has("start"));
    }
}

TEST_CASE("in portrait the Sign page's controls and Submit sit in the lower two thirds of the screen") {
    KioskHarness h(screenOf(800, 1280));
    h.tap("start");
    answerUntil(h, "review", {{"has-implants", "no"}});
    h.tap("review-continue");
    for (const bool refused : {false, true}) {
        if (refused) h.tap("submit");
        for (const bool larger : {false, true}) {
            INFO((larger ? "larger text" : "normal text") << (refused ? ", after a refused Submit" : ""));
            h.state().largeText = larger;
            h.frames(3);
            for (const char* id : {"option:completed-by:patient", "option:completed-by:representative", "confirm:attest",
                                   "signature-pad", "sign-clear", "submit"}) {
                INFO(id);
                CHECK(h.state().targets.at(id).y0 >= 1280.0f / 3 - 1);
            }
        }
    }
}

TEST_CASE("a More below badge never covers a button or an answer, on any question page at 1024x600 with larger "
          "text") {
    KioskHarness h(screenOf(1024, 600));
    h.tap("larger-text");
    h.tap("start");
    int badges = 0;
    for (int pages = 0; pages < 80 && h.screen() == "question"; ++pages) {
        INFO("page " << h.page());
        h.frames(3);
        for (const auto& [badge, b] : h.state().shown) {
            if (badge.rfind("more-below:", 0) != 0) continue;
            ++badges;
            for (const auto& [id, t] : h.state().targets) {
                if (!t.visible) continue;
                INFO(badge << " at y " << b.y0 << "-" << b.y1 << " over " << id << " at y " << t.y0 << "-" << t.y1);
                CHECK_FALSE((b.x0 < t.x1 && t.x0 < b.x1 && b.y0 < t.y1 && t.y0 < b.y1));
            }
        }
        const std::string before = h.page();
        answerPage(h, {{"has-implants", "no"}});
        if (h.page() == before && h.screen() == "question") h.tap("next");
        h.frames(3);
    }
    CHECK(badges > 0);
}

TEST_CASE("Next on a long page of rows brings the first unanswered question into view whole, its answers "
          "too, at every size with normal and larger text") {
    for (const auto& [width, height] : {std::pair{800, 1280}, {1280, 800}, {1024, 600}})
        for (const bool larger : {false, true}) {
            INFO(width << "x" << height << (larger ? " larger text" : " normal text"));
            KioskHarness h(screenOf(width, height));
            if (larger) h.tap("larger-text");
            h.tap("start");
            answerUntil(h, "", {{"has-implants", "yes"}}, "implant-devices-heart");
            REQUIRE(h.page() == "implant-devices-heart");
            // Every row but the last answered; then back to the top of the page, and Next.
            const auto slots = pageNow(h).slots;
            REQUIRE(slots.size() >= 3);
            const std::string last = slots.back().key(h.kiosk().draft().form());
            for (std::size_t i = 0; i + 1 < slots.size(); ++i) answerSlot(h, slots[i], {{"implant-pacemaker", "no"}});
            REQUIRE(h.page() == "implant-devices-heart");
            const std::string area = h.state().targets.at("next").scrollArea.empty()
                                         ? h.state().targets.at("option:" + slots.front().key(h.kiosk().draft().form()) + ":no").scrollArea
                                         : h.state().targets.at("next").scrollArea;
            h.scroll(area, 20000);
            h.tap("next");
            h.frames(3);
            REQUIRE(h.state().pageErrors.count(last) == 1);
            for (const char* code : {"yes", "no", "unsure"}) {
                INFO("option:" << last << ":" << code);
                REQUIRE(h.has("option:" + last + ":" + code));
                CHECK(h.state().targets.at("option:" + last + ":" + code).visible);
            }
        }
}

// At 1024x600 with Larger text the pad left about 170 px above it: the birth date's question and
// the names of its boxes scrolled away while the patient typed into a half-hidden box.
TEST_CASE("with larger text on a short screen the number pad names beside it what is typed: the question and the "
          "date's box") {
    KioskHarness h(screenOf(1024, 600));
    h.tap("larger-text");
    h.tap("start");
    typeInto(h, "family-name", "Okafor");
    typeInto(h, "given-name", "Margaret");
    REQUIRE(h.page() == "birth-date");
    h.frames(2);
    REQUIRE(h.state().editing);
    const std::string first = ui::datePartOf(h.state().editing->key);
    REQUIRE_FALSE(first.empty());
    REQUIRE(h.state().shown.count("keyboard-prompt"));
    const auto prompt = h.state().shown.at("keyboard-prompt");
    CHECK(prompt.x0 >= 0);
    CHECK(prompt.y1 <= 600);
    for (const auto& [id, key] : h.state().targets) // beside the keys, never over one
        if (id.rfind("key:", 0) == 0) {
            INFO(id);
            CHECK((prompt.x1 <= key.x0 || prompt.y1 <= key.y0 || key.y1 <= prompt.y0));
        }
    h.type(first == "year" ? "1951" : "12");
    h.frames(2);
    REQUIRE(h.state().editing);
    CHECK(ui::datePartOf(h.state().editing->key) != first); // the next box, named in its turn
    CHECK(h.state().shown.count("keyboard-prompt"));
}
