// [SECTION] staff screens behind the hidden corner gesture: sign-in (username on the keyboard,
// PIN on the number pad, with the store's lockout), and what a signed-in staff member may do.
#include "ui/ui_context.h"

#include <algorithm>

namespace mrscreen::ui {

void staffSignInScreen(Ui& ui) {
    beginScreen(ui, "staff-sign-in");
    KioskState& st = ui.st;
    textWrapped(ui, ui.t("staff.title"), ui.title(), ui.colors->text);
    // The message and the fields scroll in the room above the keyboard or the buttons, so a long
    // refusal with Larger text never pushes the PIN field under them, and a field hidden by the
    // keyboard can never take a tap meant for a key.
    const float below = st.editing ? keyboardHeight(ui) : ui.target + ui.gap * 3;
    beginDragScroll(ui, "staff-sign-in",
                    ImVec2(0, std::max(ui.target, ui.display.y - ImGui::GetCursorScreenPos().y - below)));
    if (!st.staffMessage.empty()) textWrapped(ui, "\xE2\x96\xA0 " + st.staffMessage, nullptr, ui.colors->error);
    const float w = std::min(ImGui::GetContentRegionAvail().x, ui.unit * 18);
    auto field = [&](const char* label, const std::string& key, const std::string& value, bool secret, bool numeric) {
        ImGui::TextUnformatted(ui.t(label).c_str());
        const bool focused = st.editing && st.editing->key == key;
        std::string shown = focused ? st.editing->buffer : value;
        if (secret) shown = std::string(shown.size(), '*');
        if (focused) shown += "|";
        if (touchButton(ui, "field:" + key, shown, ImVec2(w, ui.target), Tone::Tile)) startEditing(ui, key, value, numeric);
        const float top = ImGui::GetWindowPos().y, bottom = top + ImGui::GetWindowHeight();
        if (focused && (ImGui::GetItemRectMin().y < top || ImGui::GetItemRectMax().y > bottom)) ImGui::SetScrollHereY(0.5f);
    };
    field("staff.username", "staff:username", st.staffUsername, false, false);
    field("staff.pin", "staff:pin", st.staffPin, true, true);
    endDragScroll(ui);
    if (st.editing) {
        drawKeyboard(ui, ImVec2(0, ui.display.y - keyboardHeight(ui)), ui.display.x);
        endScreen();
        return;
    }
    const float bw = std::min(ui.unit * 10, (ui.display.x - ui.gap * 5) / 2);
    const float y = ui.display.y - ui.target - ui.gap * 1.5f;
    ImGui::SetCursorScreenPos(ImVec2(ui.gap * 2, y));
    // On a staff station there is no patient screen to go back to: Cancel only clears the form.
    if (touchButton(ui, "staff-cancel", ui.t(ui.options.station ? "staff.clear" : "staff.cancel"), ImVec2(bw, ui.target),
                    Tone::Quiet)) {
        st.staffUsername.clear();
        st.staffPin.clear();
        st.staffMessage.clear();
        if (!ui.options.station) ui.go(st.beforeStaff);
    }
    ImGui::SetCursorScreenPos(ImVec2(ui.display.x - ui.gap * 2 - bw, y));
    if (touchButton(ui, "staff-sign-in", ui.t("staff.sign_in"), ImVec2(bw, ui.target))) {
        if (st.staffUsername.empty() || st.staffPin.empty()) {
            st.staffMessage = ui.t("staff.need_both");
        } else if (!ui.services.store) {
            st.staffMessage = "No staff accounts are available: the kiosk has no database.";
        } else {
            const auto result = storeOf(ui).signIn(st.staffUsername, st.staffPin);
            st.staffPin.clear(); // never kept after one try
            if (result.outcome == store::SignInOutcome::SignedIn) {
                st.staff = result.member;
                st.staffMessage.clear();
                if (ui.services.log) ui.services.log("staff-signed-in user=" + result.member->username);
                ui.go(Screen::StaffMenu);
            } else {
                // One message for a wrong PIN, an unknown name, a locked or a disabled account: the
                // screen must not tell a stranger which usernames exist (the audit trail says which).
                st.staffMessage = ui.t("staff.refused");
                if (ui.services.log) ui.services.log("staff-sign-in-refused");
            }
        }
    }
    endScreen();
}

} // namespace mrscreen::ui
