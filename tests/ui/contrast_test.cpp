// The kiosk's colours meet WCAG 2.1 for low vision, in the normal and the High contrast theme:
// tile, button and key borders at least 3:1 against what surrounds them (1.4.11 non-text
// contrast), body, muted and error text at least 7:1 (1.4.6, enhanced contrast). The ratios are
// computed from the theme's colours with WCAG's relative luminance.
#include "ui/ui_context.h"

#include <catch2/catch.hpp>

#include <algorithm>
#include <cmath>

using namespace mrscreen;

namespace {

double channel(unsigned value) {
    const double c = double(value) / 255.0;
    return c <= 0.03928 ? c / 12.92 : std::pow((c + 0.055) / 1.055, 2.4);
}

double luminance(ImU32 colour) {
    return 0.2126 * channel((colour >> IM_COL32_R_SHIFT) & 0xFF) + 0.7152 * channel((colour >> IM_COL32_G_SHIFT) & 0xFF) +
           0.0722 * channel((colour >> IM_COL32_B_SHIFT) & 0xFF);
}

double contrast(ImU32 a, ImU32 b) {
    const double la = luminance(a), lb = luminance(b);
    return (std::max(la, lb) + 0.05) / (std::min(la, lb) + 0.05);
}

} // namespace

TEST_CASE("contrast is computed as WCAG defines it") {
    CHECK(contrast(IM_COL32(0, 0, 0, 255), IM_COL32(255, 255, 255, 255)) == Approx(21.0));
    CHECK(contrast(IM_COL32(118, 118, 118, 255), IM_COL32(255, 255, 255, 255)) == Approx(4.54).epsilon(0.01));
}

TEST_CASE("tile, button and key borders stand out at least 3 to 1 from the screen, the tile and the keyboard in both "
          "themes") {
    for (const bool high : {false, true}) {
        const ui::Palette& p = ui::palette(high);
        INFO((high ? "High contrast" : "normal") << " theme");
        CHECK(contrast(p.tileBorder, p.background) >= 3.0); // Quiet buttons and tiles on the screen
        CHECK(contrast(p.tileBorder, p.tile) >= 3.0);       // the tile's own fill
        CHECK(contrast(p.tileBorder, p.keyboard) >= 3.0);   // keys on the keyboard
        CHECK(contrast(p.accent, p.background) >= 3.0);     // a Primary button has no border: its fill
        CHECK(contrast(p.selected, p.background) >= 3.0);
    }
}

TEST_CASE("body, muted and error text read at least 7 to 1 against the screen and tiles in both themes") {
    for (const bool high : {false, true}) {
        const ui::Palette& p = ui::palette(high);
        INFO((high ? "High contrast" : "normal") << " theme");
        for (const ImU32 back : {p.background, p.tile}) {
            CHECK(contrast(p.text, back) >= 7.0);
            CHECK(contrast(p.muted, back) >= 7.0);
            CHECK(contrast(p.error, back) >= 7.0);
        }
        CHECK(contrast(p.accentText, p.accent) >= 4.5); // button labels (large text)
        CHECK(contrast(p.selectedText, p.selected) >= 4.5);
    }
}
