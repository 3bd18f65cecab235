// Internal to app/ui: the pieces the patient screens share for placing things (the navigation row
// along the bottom, the keyboard area) and the Sign page's arrangement, which never scrolls.
#pragma once

#include "ui/ui_context.h"

#include <functional>
#include <string>
#include <vector>

namespace mrscreen::ui {

// Back on the left, the main action on the right, optional middle buttons between.
struct NavButton {
    std::string id, label;
    Tone tone;
    std::function<void()> action;
};
void navBar(Ui& ui, const std::vector<NavButton>& buttons);
// Room the navigation row of these buttons takes at the bottom of the screen, its margins included
// (taller than a touch target when a label wraps).
float navBarHeight(Ui& ui, const std::vector<NavButton>& buttons);
// Opens "Discard your answers and start over?" (startOverOverlay).
NavButton startOverButton(Ui& ui);
// Keyboard along the bottom, with the field's question above it so the patient sees what they type.
void keyboardArea(Ui& ui);

// Records something drawn that is not a touch target (a page's message, a "More below" badge) in
// st.shown, so tests can check what it covers.
void noteShown(Ui& ui, const std::string& id, ImVec2 min, ImVec2 max);

} // namespace mrscreen::ui
