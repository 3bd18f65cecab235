// The real kiosk window: GLFW and OpenGL 3 behind one function, so no screen ever touches the
// platform. Fullscreen on the primary monitor with the cursor hidden and close requests ignored,
// or a plain window for development and tests. It draws only after input or when a timer is due.
#pragma once

#include "ui/kiosk.h"

#include <chrono>
#include <functional>
#include <memory>
#include <string>

namespace mrscreen::ui {

struct WindowOptions {
    bool fullscreen = true;
    int width = 1280, height = 800; // for a window; fullscreen takes the monitor's mode
    std::string title = "mrscreen";
    std::chrono::steady_clock::time_point processStart = std::chrono::steady_clock::now();
    // When set, the visible touch targets ("id x y" per line, centres in window pixels) are
    // rewritten here whenever they change, so scripts and support staff can drive the real window.
    std::string targetsFile;
    // Text the kiosk will show beyond its own words (UTF-8: the form's and rules' texts); the
    // font atlas holds only the characters it needs. Asked for once, while the atlas is built, so
    // the text is not held for the kiosk's whole run.
    std::function<std::string()> shownText;
};

// Opens the window, makes the kiosk with fonts sized for it and runs until the kiosk quits (or, in
// a window, it is closed). Throws std::runtime_error with what to do when there is no display.
void runKioskWindow(const WindowOptions& options, const std::function<std::unique_ptr<Kiosk>(Fonts)>& makeKiosk,
                    const std::function<void(const std::string&)>& log);

} // namespace mrscreen::ui
