// The body map figure (assets/body-map.json): every region of the form has a spot on the figure
// that a tap maps back to, sides are the patient's on both views, and a malformed asset is refused
// with a message naming it and what is wrong.
#include "test_support.h"

#include "record/body_figure.h"

#include <catch2/catch.hpp>

#include <set>

using namespace mrscreen;
using namespace mrscreen::record;
using nlohmann::json;

namespace {

const BodyView kViews[] = {BodyView::Front, BodyView::Back};

const char* nameOf(BodyView view) {
    return view == BodyView::Front ? "front" : "back";
}

// The body-region codes the shipped form offers.
std::vector<std::string> formRegionCodes() {
    const screening::Item* item = test::mriForm().find("body-mark-region");
    REQUIRE(item);
    std::vector<std::string> codes;
    for (const auto& option : item->options)
        codes.push_back(option.value.coding.code);
    return codes;
}

// A square "figure" with one unpaired and one paired region: valid, for breaking one part at a
// time.
json smallFigure() {
    return json::parse(R"({
        "format": "mrscreenBodyMap:1",
        "description": "test figure",
        "outlineTolerance": 0.01,
        "views": {
            "front": {"outlines": [[[-0.2, 0], [0.2, 0], [0.2, 1], [-0.2, 1]]]},
            "back": {"outlines": [[[-0.2, 0], [0.2, 0], [0.2, 1], [-0.2, 1]]]}
        },
        "regions": [
            {"code": "neck", "views": ["front", "back"], "paired": false, "centre": [0, 0.15], "hitRadius": 0.05},
            {"code": "knee", "views": ["front"], "paired": true, "centre": [0.1, 0.7], "hitRadius": 0.05}
        ]
    })");
}

std::string errorOf(const json& figure) {
    return test::inputErrorOf([&] { parseBodyFigure(figure.dump(), "test-body-map.json"); });
}

} // namespace

TEST_CASE("the form offers the 21 body regions and the figure places each of them, and no others") {
    const auto codes = formRegionCodes();
    const std::set<std::string> expected{
        "head",    "face",   "eyes",     "ears",      "neck",       "chest",      "breast",
        "abdomen", "pelvis", "shoulder", "upper-arm", "elbow",      "forearm",    "wrist-hand",
        "hip",     "thigh",  "knee",     "lower-leg", "ankle-foot", "upper-back", "lower-back"};
    CHECK(std::set<std::string>(codes.begin(), codes.end()) == expected);
    const BodyFigure& figure = bodyFigure();
    CHECK(figure.regions.size() == expected.size());
    for (const RegionArea& r : figure.regions) {
        INFO("region " << r.code);
        CHECK(expected.count(r.code) == 1);
    }
}

TEST_CASE("every region of the form has a spot inside the outline that a tap maps back to, same "
          "region and side") {
    const BodyFigure& figure = bodyFigure();
    for (const std::string& code : formRegionCodes()) {
        INFO("region " << code);
        const RegionArea* area = figure.region(code);
        REQUIRE(area);
        int views = 0;
        for (const BodyView view : kViews) {
            INFO("view " << nameOf(view));
            if (!area->shownOn(view)) {
                CHECK(figure.spotsFor(view, code, "left").empty());
                continue;
            }
            ++views;
            const std::vector<std::string> sides = area->paired
                                                       ? std::vector<std::string>{"left", "right"}
                                                       : std::vector<std::string>{"middle"};
            for (const std::string& side : sides) {
                INFO("side " << side);
                const auto spots = figure.spotsFor(view, code, side);
                REQUIRE(spots.size() == 1);
                CHECK(figure.contains(view, spots[0]));
                const auto hit = figure.regionAt(view, spots[0]);
                REQUIRE(hit);
                CHECK(hit->region == code);
                CHECK(hit->side == side);
            }
        }
        CHECK(views >= 1);
    }
}

TEST_CASE("regions are shown on the views where they can be seen") {
    const BodyFigure& figure = bodyFigure();
    for (const char* code : {"face", "eyes", "chest", "breast", "abdomen", "pelvis"}) {
        INFO("region " << code);
        REQUIRE(figure.region(code));
        CHECK(figure.region(code)->onFront);
        CHECK_FALSE(figure.region(code)->onBack);
    }
    for (const char* code : {"upper-back", "lower-back"}) {
        INFO("region " << code);
        REQUIRE(figure.region(code));
        CHECK_FALSE(figure.region(code)->onFront);
        CHECK(figure.region(code)->onBack);
    }
    for (const char* code : {"head", "neck", "ears", "shoulder", "upper-arm", "elbow", "forearm",
                             "wrist-hand", "hip", "thigh", "knee", "lower-leg", "ankle-foot"}) {
        INFO("region " << code);
        REQUIRE(figure.region(code));
        CHECK(figure.region(code)->onFront);
        CHECK(figure.region(code)->onBack);
    }
}

TEST_CASE("on the front view the patient's right is on the viewer's left, on the back view on the "
          "viewer's right") {
    const BodyFigure& figure = bodyFigure();
    const RegionArea* chest = figure.region("chest");
    REQUIRE(chest);
    const FigurePoint viewersLeftChest{-chest->centre.x, chest->centre.y};
    const auto front = figure.regionAt(BodyView::Front, viewersLeftChest);
    REQUIRE(front);
    CHECK(front->region == "chest");
    CHECK(front->side == "right");
    const auto frontOther = figure.regionAt(BodyView::Front, {chest->centre.x, chest->centre.y});
    REQUIRE(frontOther);
    CHECK(frontOther->side == "left");

    const RegionArea* knee = figure.region("knee");
    REQUIRE(knee);
    const auto back = figure.regionAt(BodyView::Back, {-knee->centre.x, knee->centre.y});
    REQUIRE(back);
    CHECK(back->region == "knee");
    CHECK(back->side == "left");

    const auto frontRight = figure.spotsFor(BodyView::Front, "knee", "right");
    const auto backRight = figure.spotsFor(BodyView::Back, "knee", "right");
    REQUIRE(frontRight.size() == 1);
    REQUIRE(backRight.size() == 1);
    CHECK(frontRight[0].x < 0);
    CHECK(backRight[0].x > 0);
}

TEST_CASE("a paired region without a side is marked on both sides and an unpaired one once on the "
          "midline") {
    const BodyFigure& figure = bodyFigure();
    for (const char* side : {"middle", "both", ""}) {
        INFO("side '" << side << "'");
        const auto knees = figure.spotsFor(BodyView::Front, "knee", side);
        REQUIRE(knees.size() == 2);
        CHECK(knees[0].x == -knees[1].x);
        CHECK(knees[0].y == knees[1].y);
    }
    const auto neck = figure.spotsFor(BodyView::Back, "neck", "right");
    REQUIRE(neck.size() == 1);
    CHECK(neck[0].x == 0);
    const auto hit = figure.regionAt(BodyView::Back, neck[0]);
    REQUIRE(hit);
    CHECK(hit->side == "middle");
}

TEST_CASE("a region not shown on a view, or not known at all, has no spot there") {
    const BodyFigure& figure = bodyFigure();
    CHECK(figure.spotsFor(BodyView::Front, "upper-back", "middle").empty());
    CHECK(figure.spotsFor(BodyView::Back, "face", "middle").empty());
    CHECK(figure.spotsFor(BodyView::Front, "tail", "left").empty());
    CHECK_FALSE(figure.region("tail"));
}

TEST_CASE("a tap outside the figure gives no region, one just on its edge still counts") {
    const BodyFigure& figure = bodyFigure();
    for (const BodyView view : kViews) {
        INFO("view " << nameOf(view));
        CHECK_FALSE(figure.regionAt(view, {0, -0.05f}));     // above the head
        CHECK_FALSE(figure.regionAt(view, {0, 1.05f}));      // below the soles
        CHECK_FALSE(figure.regionAt(view, {0.5f, 0.5f}));    // far to the side
        CHECK_FALSE(figure.regionAt(view, {-0.12f, 0.1f}));  // beside the face
        CHECK_FALSE(figure.regionAt(view, {0, 0.75f}));      // between the knees
        CHECK_FALSE(figure.regionAt(view, {0.125f, 0.42f})); // between the arm and the waist
        CHECK_FALSE(figure.regionAt(view, {-0.125f, 0.42f}));
        CHECK_FALSE(figure.regionAt(view, {figure.halfWidth + 0.05f, 0.53f}));
    }
    // The outline's lowest point is a sole: a tap a hair below it is still the foot.
    float lowest = 0;
    FigurePoint sole;
    for (const auto& outline : figure.outlinesOf(BodyView::Front))
        for (const FigurePoint p : outline)
            if (p.y >= lowest && p.x > 0)
                lowest = p.y, sole = p;
    const auto hit =
        figure.regionAt(BodyView::Front, {sole.x, sole.y + figure.outlineTolerance / 2});
    REQUIRE(hit);
    CHECK(hit->region == "ankle-foot");
    CHECK(hit->side == "left");
    CHECK_FALSE(figure.regionAt(BodyView::Front, {sole.x, sole.y + figure.outlineTolerance * 2}));
}

TEST_CASE(
    "every tap inside the outline finds a region shown on that view, on the side it was made") {
    const BodyFigure& figure = bodyFigure();
    for (const BodyView view : kViews) {
        INFO("view " << nameOf(view));
        int onFigure = 0;
        for (int i = 0; i <= 100; ++i)
            for (int k = -30; k <= 30; ++k) {
                const FigurePoint p{static_cast<float>(k) / 100.0f, static_cast<float>(i) / 100.0f};
                if (!figure.contains(view, p)) {
                    CHECK_FALSE(figure.regionAt(view, p));
                    continue;
                }
                ++onFigure;
                const auto hit = figure.regionAt(view, p);
                REQUIRE(hit);
                const RegionArea* area = figure.region(hit->region);
                REQUIRE(area);
                CHECK(area->shownOn(view));
                if (!area->paired || p.x == 0) {
                    CHECK(hit->side == "middle");
                } else {
                    const bool viewersLeft = p.x < 0;
                    CHECK(hit->side ==
                          ((view == BodyView::Front) == viewersLeft ? "right" : "left"));
                }
            }
        // A standing adult covers a good part of its bounding box, not a sliver.
        CHECK(onFigure > 600);
    }
}

TEST_CASE("the figure stands from the top of the head at 0 to the soles at 1, mirror-symmetric") {
    const BodyFigure& figure = bodyFigure();
    for (const BodyView view : kViews) {
        INFO("view " << nameOf(view));
        REQUIRE_FALSE(figure.outlinesOf(view).empty());
        float top = 1, bottom = 0;
        for (const auto& outline : figure.outlinesOf(view)) {
            CHECK(outline.size() >= 3);
            for (const FigurePoint p : outline) {
                top = std::min(top, p.y);
                bottom = std::max(bottom, p.y);
                CHECK(std::abs(p.x) <= figure.halfWidth);
            }
        }
        CHECK(top == Approx(0).margin(0.005));
        CHECK(bottom == Approx(1).margin(0.005));
        for (int i = 1; i < 100; ++i)
            for (int k = 1; k <= 30; ++k) {
                const float x = static_cast<float>(k) / 100.0f, y = static_cast<float>(i) / 100.0f;
                INFO("at |x| " << x << ", y " << y);
                CHECK(figure.contains(view, {x, y}) == figure.contains(view, {-x, y}));
            }
    }
    CHECK(figure.halfWidth > 0.15f);
    CHECK(figure.halfWidth < 0.3f);
}

TEST_CASE(
    "the small test figure parses, so each malformed variant below fails for its own reason") {
    const BodyFigure figure = parseBodyFigure(smallFigure().dump(), "test-body-map.json");
    CHECK(figure.outlinesOf(BodyView::Front).size() == 1);
    CHECK(figure.regions.size() == 2);
    CHECK(figure.halfWidth == Approx(0.2f));
    const auto hit = figure.regionAt(BodyView::Front, {-0.1f, 0.7f});
    REQUIRE(hit);
    CHECK(hit->region == "knee");
    CHECK(hit->side == "right");
}

TEST_CASE("a body map that is not JSON is refused naming the asset") {
    const std::string message = test::inputErrorOf(
        [] { parseBodyFigure("{\"format\": \"mrscreenBodyMap:1\",", "assets/body-map.json"); });
    test::checkMessage(message, "assets/body-map.json", {"not valid JSON", "line 1"});
    test::checkMessage(
        test::inputErrorOf([] { parseBodyFigure("[1, 2]", "assets/body-map.json"); }),
        "assets/body-map.json", {"expected a JSON object"});
}

TEST_CASE("a body map without its views, or with only one, is refused") {
    json noViews = smallFigure();
    noViews.erase("views");
    test::checkMessage(errorOf(noViews), "test-body-map.json", {"no \"views\" object"});
    json noBack = smallFigure();
    noBack["views"].erase("back");
    test::checkMessage(errorOf(noBack), "test-body-map.json", {"views.back: missing"});
    json noOutlines = smallFigure();
    noOutlines["views"]["front"]["outlines"] = json::array();
    test::checkMessage(errorOf(noOutlines), "test-body-map.json", {"views.front: no outlines"});
}

TEST_CASE(
    "an outline with fewer than 3 points, or a point that is not [x, y], is refused naming it") {
    json twoPoints = smallFigure();
    twoPoints["views"]["back"]["outlines"].push_back(json::parse("[[0, 0], [0.1, 0.1]]"));
    test::checkMessage(errorOf(twoPoints), "test-body-map.json",
                       {"views.back.outlines[1]", "2 points; an outline needs at least 3"});
    json badPoint = smallFigure();
    badPoint["views"]["front"]["outlines"][0][2] = json::parse("[0.2]");
    test::checkMessage(
        errorOf(badPoint), "test-body-map.json",
        {"views.front.outlines[0][2]", "expected an [x, y] pair of numbers, found [0.2]"});
}

TEST_CASE(
    "a region without a centre, a hit radius, views or a side rule is refused naming the region") {
    json noCentre = smallFigure();
    noCentre["regions"][1].erase("centre");
    test::checkMessage(errorOf(noCentre), "test-body-map.json", {"region 'knee'", "no \"centre\""});
    json zeroRadius = smallFigure();
    zeroRadius["regions"][0]["hitRadius"] = 0;
    test::checkMessage(errorOf(zeroRadius), "test-body-map.json",
                       {"region 'neck'", "hitRadius must be more than 0"});
    json badView = smallFigure();
    badView["regions"][0]["views"] = json::parse(R"(["front", "side"])");
    test::checkMessage(errorOf(badView), "test-body-map.json",
                       {"region 'neck'", "unknown view \"side\""});
    json offMidline = smallFigure();
    offMidline["regions"][0]["centre"] = json::parse("[0.05, 0.15]");
    test::checkMessage(errorOf(offMidline), "test-body-map.json",
                       {"region 'neck'", "on the midline"});
    json noCode = smallFigure();
    noCode["regions"][1].erase("code");
    test::checkMessage(errorOf(noCode), "test-body-map.json", {"regions[1]", "no \"code\""});
    json twice = smallFigure();
    twice["regions"].push_back(twice["regions"][0]);
    test::checkMessage(errorOf(twice), "test-body-map.json", {"region 'neck'", "listed twice"});
}

TEST_CASE("a region whose spot falls outside the outline is refused, so no mark floats beside the "
          "figure") {
    json outside = smallFigure();
    outside["regions"][1]["centre"] = json::parse("[0.3, 0.7]");
    test::checkMessage(errorOf(outside), "test-body-map.json",
                       {"region 'knee'", "its spot (-0.3, 0.7) is outside the front outline"});
}

TEST_CASE("a body map of another format or with unknown fields is refused, listing every problem "
          "at once") {
    json wrong = smallFigure();
    wrong["format"] = "mrscreenBodyMap:2";
    wrong["colour"] = "red";
    wrong["regions"][0].erase("paired");
    const std::string message = errorOf(wrong);
    test::checkMessage(message, "test-body-map.json",
                       {"3 problems",
                        "\"format\" must be \"mrscreenBodyMap:1\", not \"mrscreenBodyMap:2\"",
                        "unknown field 'colour'", "region 'neck': no \"paired\""});
}
