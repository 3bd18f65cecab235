// The body font size follows the screen, not the way it is turned: a 10" tablet in portrait reads
// as in landscape, a small dense screen whose size is known gets larger text, and Larger text is
// at least half as large again.
#include "ui/kiosk.h"

#include <catch2/catch.hpp>

#include <cmath>

using namespace mrscreen;

namespace {

// A screen of `inches` diagonal showing w x h pixels, measured in landscape.
ui::ScreenSize screen(double inches, int w, int h) {
    const double diagonalPx = std::hypot(w, h), mmPerPx = inches * 25.4 / diagonalPx;
    return {float(w * mmPerPx), float(h * mmPerPx), 1};
}

ui::ScreenSize turned(ui::ScreenSize s) { return {s.heightMm, s.widthMm, s.contentScale}; }

} // namespace

TEST_CASE("turning a screen to portrait keeps the body text size") {
    CHECK(ui::fontSizeFor(800, 1280) == ui::fontSizeFor(1280, 800));
    CHECK(ui::fontSizeFor(1080, 1920) == ui::fontSizeFor(1920, 1080));
    CHECK(ui::fontSizeFor(600, 1024) == ui::fontSizeFor(1024, 600));
    const auto tablet = screen(10.1, 1280, 800);
    CHECK(ui::fontSizeFor(1280, 800, tablet) == 30);
    CHECK(ui::fontSizeFor(800, 1280, turned(tablet)) == 30);
}

TEST_CASE("a small dense screen of known size gets larger text, as far as its layout has room") {
    const float unknown = ui::fontSizeFor(1024, 600);
    const float sevenInch = ui::fontSizeFor(1024, 600, screen(7, 1024, 600));
    CHECK(sevenInch > unknown);
    CHECK(sevenInch <= 600 / 22.0f + 0.5f);
    // A large monitor keeps the size its layout needs.
    CHECK(ui::fontSizeFor(1920, 1080, screen(24, 1920, 1080)) == ui::fontSizeFor(1920, 1080));
}

TEST_CASE("a physical size the monitor cannot have is ignored") {
    CHECK(ui::fontSizeFor(1280, 800, {10, 10, 1}) == ui::fontSizeFor(1280, 800)); // 128 px per mm
    CHECK(ui::fontSizeFor(1280, 800, {1600, 160, 1}) == ui::fontSizeFor(1280, 800)); // not its shape
}

TEST_CASE("larger text is at least one and a half times the normal size") {
    CHECK(ui::kLargerText[1] / ui::kLargerText[0] >= 1.5f);
}
