// The patient body map: front and back outlines of a standing figure and where each body region of
// the form sits on them, read from assets/body-map.json. The PDF record draws marks with it; the
// kiosk draws the same figure and turns a tap into a region and the patient's side.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace mrscreen::record {

enum class BodyView { Front, Back }; // as seen by someone facing the patient's front or back

// Figure units: y from 0 (top of the head) to 1 (soles); x from the midline, negative on the
// viewer's left.
struct FigurePoint {
    float x = 0, y = 0;
};

// A body-region code of the form ("knee", "upper-back") and where it lies on the figure.
struct RegionArea {
    std::string code;
    bool onFront = false, onBack = false;
    bool paired = false; // has a left and a right (knee); unpaired ones sit on the midline (neck)
    FigurePoint centre;  // x is the distance from the midline: mirrored for paired regions
    float hitRadius = 0; // the region's size: a tap goes to the smallest distance / hitRadius

    bool shownOn(BodyView view) const { return view == BodyView::Front ? onFront : onBack; }
};

// Sides are the patient's: on the front view the patient's right is on the viewer's left, on the
// back view on the viewer's right.
struct RegionHit {
    std::string region; // a RegionArea code
    std::string side;   // "left", "right" or "middle"
};

struct BodyFigure {
    std::vector<std::vector<FigurePoint>> outlines[2]; // indexed by BodyView; closed polylines
    std::vector<RegionArea> regions;
    float outlineTolerance = 0; // how far outside an outline a tap still counts as on the figure
    float halfWidth = 0;        // the largest |x| of any outline point, for laying the figure out

    const std::vector<std::vector<FigurePoint>>& outlinesOf(BodyView view) const {
        return outlines[view == BodyView::Front ? 0 : 1];
    }
    const RegionArea* region(const std::string& code) const; // nullptr when there is none

    // Inside one of the view's outlines, or within outlineTolerance of one.
    bool contains(BodyView view, FigurePoint p) const;
    // The region shown on `view` nearest to a tap and the patient's side; nullopt off the figure.
    // A paired region tapped exactly on the midline gives "middle".
    std::optional<RegionHit> regionAt(BodyView view, FigurePoint p) const;
    // Where a mark for region and side is drawn on `view`: one point, or both sides' points for a
    // paired region whose side is neither "left" nor "right"; empty when the region is not shown on
    // that view (or unknown).
    std::vector<FigurePoint> spotsFor(BodyView view, const std::string& region,
                                      const std::string& side) const;
};

// Parses and checks a body map; `source` names it in messages. Throws screening::InputError listing
// every problem.
BodyFigure parseBodyFigure(std::string_view json, const std::string& source);

// The body map compiled in from assets/body-map.json, parsed on first use.
const BodyFigure& bodyFigure();

} // namespace mrscreen::record
