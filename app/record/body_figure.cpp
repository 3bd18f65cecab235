#include "record/body_figure.h"

#include "record/embedded_assets.h"
#include "screening/questionnaire.h"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <initializer_list>
#include <optional>
#include <set>
#include <string>

namespace mrscreen::record {

using nlohmann::json;

namespace {

constexpr const char* kFormat = "mrscreenBodyMap:1";
constexpr const char* kViewNames[2] = {"front", "back"};

std::size_t viewIndex(BodyView view) {
    return view == BodyView::Front ? 0 : 1;
}

// [SECTION] geometry

// Even-odd rule: a ray from p to the right crosses the outline an odd number of times.
bool insidePolygon(const std::vector<FigurePoint>& poly, FigurePoint p) {
    bool inside = false;
    for (std::size_t i = 0, j = poly.size() - 1; i < poly.size(); j = i++) {
        const FigurePoint a = poly[i], b = poly[j];
        if ((a.y > p.y) != (b.y > p.y) && p.x < a.x + (p.y - a.y) * (b.x - a.x) / (b.y - a.y))
            inside = !inside;
    }
    return inside;
}

float distanceToSegment(FigurePoint p, FigurePoint a, FigurePoint b) {
    const float dx = b.x - a.x, dy = b.y - a.y;
    const float length2 = dx * dx + dy * dy;
    float t = length2 > 0 ? ((p.x - a.x) * dx + (p.y - a.y) * dy) / length2 : 0.0f;
    t = std::clamp(t, 0.0f, 1.0f);
    return std::hypot(p.x - (a.x + t * dx), p.y - (a.y + t * dy));
}

bool nearOutline(const std::vector<FigurePoint>& poly, FigurePoint p, float tolerance) {
    for (std::size_t i = 0, j = poly.size() - 1; i < poly.size(); j = i++)
        if (distanceToSegment(p, poly[j], poly[i]) <= tolerance)
            return true;
    return false;
}

// [SECTION] reading the asset

// Collects every problem so one run of the asset lists them all.
struct Reader {
    std::vector<std::string> problems;

    void problem(const std::string& where, const std::string& what) {
        problems.push_back(where.empty() ? what : where + ": " + what);
    }

    static std::string show(const json& j) {
        std::string s = j.dump();
        return s.size() > 40 ? s.substr(0, 40) + "…" : s;
    }
    static std::string show(float v) {
        char buffer[32];
        std::snprintf(buffer, sizeof buffer, "%g", double(v));
        return buffer;
    }

    std::optional<float> number(const json& j, const std::string& where) {
        if (!j.is_number()) {
            problem(where, "expected a number, found " + show(j));
            return std::nullopt;
        }
        const double v = j.get<double>();
        if (!std::isfinite(v)) {
            problem(where, "not a finite number");
            return std::nullopt;
        }
        return static_cast<float>(v);
    }

    std::optional<FigurePoint> point(const json& j, const std::string& where) {
        if (!j.is_array() || j.size() != 2 || !j[0].is_number() || !j[1].is_number()) {
            problem(where, "expected an [x, y] pair of numbers, found " + show(j));
            return std::nullopt;
        }
        const auto x = number(j[0], where + "[0]"), y = number(j[1], where + "[1]");
        if (!x || !y)
            return std::nullopt;
        return FigurePoint{*x, *y};
    }

    void onlyKeys(const json& obj, std::initializer_list<const char*> known,
                  const std::string& where) {
        for (const auto& item : obj.items()) {
            const std::string& key = item.key(); // clang 14 cannot capture a structured binding
            const bool ok =
                std::any_of(known.begin(), known.end(), [&](const char* k) { return key == k; });
            if (!ok)
                problem(where, "unknown field '" + key + "'");
        }
    }

    void outlines(const json& root, BodyFigure& figure) {
        const auto views = root.find("views");
        if (views == root.end() || !views->is_object()) {
            problem("", "no \"views\" object with the front and back outlines");
            return;
        }
        onlyKeys(*views, {"front", "back"}, "views");
        for (std::size_t v = 0; v < 2; ++v) {
            const std::string where = std::string("views.") + kViewNames[v];
            const auto view = views->find(kViewNames[v]);
            if (view == views->end() || !view->is_object()) {
                problem(where, "missing: the " + std::string(kViewNames[v]) +
                                   " view needs {\"outlines\": [...]}");
                continue;
            }
            onlyKeys(*view, {"outlines"}, where);
            const auto lines = view->find("outlines");
            if (lines == view->end() || !lines->is_array() || lines->empty()) {
                problem(where, "no outlines (an array of closed polylines of [x, y] points)");
                continue;
            }
            for (std::size_t i = 0; i < lines->size(); ++i) {
                const json& line = (*lines)[i];
                const std::string at = where + ".outlines[" + std::to_string(i) + "]";
                if (!line.is_array()) {
                    problem(at, "expected an array of [x, y] points, found " + show(line));
                    continue;
                }
                if (line.size() < 3) {
                    problem(at,
                            std::to_string(line.size()) + " points; an outline needs at least 3");
                    continue;
                }
                std::vector<FigurePoint> poly;
                for (std::size_t k = 0; k < line.size(); ++k)
                    if (const auto p = point(line[k], at + "[" + std::to_string(k) + "]"))
                        poly.push_back(*p);
                if (poly.size() == line.size())
                    figure.outlines[v].push_back(std::move(poly));
            }
        }
    }

    void regions(const json& root, BodyFigure& figure) {
        const auto list = root.find("regions");
        if (list == root.end() || !list->is_array() || list->empty()) {
            problem("", "no \"regions\" array");
            return;
        }
        std::set<std::string> seen;
        for (std::size_t i = 0; i < list->size(); ++i) {
            const json& r = (*list)[i];
            std::string where = "regions[" + std::to_string(i) + "]";
            if (!r.is_object()) {
                problem(where, "expected an object, found " + show(r));
                continue;
            }
            RegionArea area;
            const auto code = r.find("code");
            if (code == r.end() || !code->is_string() || code->get<std::string>().empty()) {
                problem(where, "no \"code\" (the form's body-region code)");
                continue;
            }
            area.code = code->get<std::string>();
            where = "region '" + area.code + "'";
            bool ok = true;
            if (!seen.insert(area.code).second) {
                problem(where, "listed twice");
                ok = false;
            }
            onlyKeys(r, {"code", "views", "paired", "centre", "hitRadius"}, where);

            const auto views = r.find("views");
            if (views == r.end() || !views->is_array() || views->empty()) {
                problem(where, "no \"views\" (a list of \"front\" and/or \"back\")");
                ok = false;
            } else {
                for (const json& v : *views) {
                    if (v == "front")
                        area.onFront = true;
                    else if (v == "back")
                        area.onBack = true;
                    else {
                        problem(where, "unknown view " + show(v) + " (front or back)");
                        ok = false;
                    }
                }
            }
            const auto paired = r.find("paired");
            if (paired == r.end() || !paired->is_boolean()) {
                problem(where, "no \"paired\" (true when it has a left and a right)");
                ok = false;
            } else {
                area.paired = paired->get<bool>();
            }
            const auto centre = r.find("centre");
            if (centre == r.end()) {
                problem(where, "no \"centre\" ([x from the midline, y] in figure units)");
                ok = false;
            } else if (const auto c = point(*centre, where + ": centre")) {
                area.centre = *c;
                if (paired != r.end() && paired->is_boolean() && area.paired && c->x <= 0) {
                    problem(where,
                            "a paired region's centre needs x > 0 (its distance from the midline)");
                    ok = false;
                }
                if (paired != r.end() && paired->is_boolean() && !area.paired && c->x != 0) {
                    problem(where, "an unpaired region sits on the midline: its centre needs x 0");
                    ok = false;
                }
            } else {
                ok = false;
            }
            const auto radius = r.find("hitRadius");
            if (radius == r.end()) {
                problem(where, "no \"hitRadius\"");
                ok = false;
            } else if (const auto h = number(*radius, where + ": hitRadius")) {
                area.hitRadius = *h;
                if (*h <= 0) {
                    problem(where, "hitRadius must be more than 0");
                    ok = false;
                }
            } else {
                ok = false;
            }
            if (ok)
                figure.regions.push_back(std::move(area));
        }
    }
};

} // namespace

// [SECTION] BodyFigure

const RegionArea* BodyFigure::region(const std::string& code) const {
    for (const RegionArea& r : regions)
        if (r.code == code)
            return &r;
    return nullptr;
}

bool BodyFigure::contains(BodyView view, FigurePoint p) const {
    for (const auto& poly : outlinesOf(view))
        if (insidePolygon(poly, p) || nearOutline(poly, p, outlineTolerance))
            return true;
    return false;
}

std::optional<RegionHit> BodyFigure::regionAt(BodyView view, FigurePoint p) const {
    if (!contains(view, p))
        return std::nullopt;
    const RegionArea* best = nullptr;
    float bestScore = 0;
    for (const RegionArea& r : regions) {
        if (!r.shownOn(view))
            continue;
        // Regions are mirrored, so measure on the viewer's right half.
        const float score = std::hypot(std::fabs(p.x) - r.centre.x, p.y - r.centre.y) / r.hitRadius;
        if (!best || score < bestScore) {
            best = &r;
            bestScore = score;
        }
    }
    if (!best)
        return std::nullopt;
    if (!best->paired || p.x == 0)
        return RegionHit{best->code, "middle"};
    const bool viewersLeft = p.x < 0;
    const bool patientsRight = view == BodyView::Front ? viewersLeft : !viewersLeft;
    return RegionHit{best->code, patientsRight ? "right" : "left"};
}

std::vector<FigurePoint> BodyFigure::spotsFor(BodyView view, const std::string& code,
                                              const std::string& side) const {
    const RegionArea* r = region(code);
    if (!r || !r->shownOn(view))
        return {};
    if (!r->paired)
        return {r->centre};
    const FigurePoint viewersLeft{-r->centre.x, r->centre.y}, viewersRight = r->centre;
    if (side == "right")
        return {view == BodyView::Front ? viewersLeft : viewersRight};
    if (side == "left")
        return {view == BodyView::Front ? viewersRight : viewersLeft};
    return {viewersLeft, viewersRight};
}

// [SECTION] parsing

BodyFigure parseBodyFigure(std::string_view text, const std::string& source) {
    json root;
    try {
        root = json::parse(text.begin(), text.end());
    } catch (const json::parse_error& e) {
        // nlohmann's message starts with "[json.exception.parse_error.101] ".
        std::string what = e.what();
        if (const auto end = what.find("] ");
            what.rfind("[json.exception", 0) == 0 && end != std::string::npos)
            what = what.substr(end + 2);
        throw screening::InputError(source, {"not valid JSON (" + what + ")"});
    }
    if (!root.is_object())
        throw screening::InputError(source, {"expected a JSON object"});

    Reader in;
    BodyFigure figure;
    in.onlyKeys(root, {"format", "description", "outlineTolerance", "views", "regions"}, "");
    const auto format = root.find("format");
    if (format == root.end() || *format != kFormat)
        in.problem(
            "", "\"format\" must be \"" + std::string(kFormat) + "\"" +
                    (format == root.end() ? " (it is missing)" : ", not " + Reader::show(*format)));
    const auto tolerance = root.find("outlineTolerance");
    if (tolerance == root.end()) {
        in.problem("", "no \"outlineTolerance\" (how far outside an outline a tap still counts)");
    } else if (const auto t = in.number(*tolerance, "outlineTolerance")) {
        if (*t < 0)
            in.problem("outlineTolerance", "must not be negative");
        figure.outlineTolerance = *t;
    }
    in.outlines(root, figure);
    in.regions(root, figure);

    // Every spot must land on the figure, or a mark would float beside it.
    for (const RegionArea& r : figure.regions)
        for (const BodyView view : {BodyView::Front, BodyView::Back}) {
            if (figure.outlinesOf(view).empty())
                continue;
            for (const FigurePoint spot : figure.spotsFor(view, r.code, "")) {
                bool inside = false;
                for (const auto& poly : figure.outlinesOf(view))
                    inside = inside || insidePolygon(poly, spot);
                if (!inside)
                    in.problem("region '" + r.code + "'",
                               "its spot (" + Reader::show(spot.x) + ", " + Reader::show(spot.y) +
                                   ") is outside the " + kViewNames[viewIndex(view)] + " outline");
            }
        }
    if (!in.problems.empty())
        throw screening::InputError(source, std::move(in.problems));

    for (const auto& view : figure.outlines)
        for (const auto& poly : view)
            for (const FigurePoint& p : poly)
                figure.halfWidth = std::max(figure.halfWidth, std::fabs(p.x));
    return figure;
}

const BodyFigure& bodyFigure() {
    static const BodyFigure figure =
        parseBodyFigure(embeddedAsset("body-map.json"), "assets/body-map.json");
    return figure;
}

} // namespace mrscreen::record
