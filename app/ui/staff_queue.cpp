// [SECTION] the staff queue: screenings waiting for review or a decision, newest first, with search.
#include "ui/staff_work.h"

#include <algorithm>

namespace mrscreen::ui {

using namespace screening;
using namespace staff;

namespace {

constexpr double kQueueRefreshSeconds = 5;

// The queue is read off the frame thread, when the screen opens and every few seconds after, so a
// screening submitted at another kiosk appears by itself and a slow database never freezes the list.
void readQueueInBackground(Ui& ui) {
    StaffWork& w = ui.st.work;
    if (w.queueReading || (w.queueReadAt >= 0 && ui.now - w.queueReadAt < kQueueRefreshSeconds)) return;
    w.queueReading = true;
    store::Store* store = ui.services.store;
    const std::uint64_t session = ui.st.session;
    ui.background->start("Reading the queue", false, [store, session]() {
        std::vector<store::ScreeningSummary> queue;
        std::string problem;
        try {
            queue = store->queue();
        } catch (const std::exception& e) {
            problem = e.what();
        }
        return BackgroundWork::Finish([queue = std::move(queue), problem, session](Ui& frame) {
            if (frame.st.session != session || !frame.st.staff) return; // signed out: the names go nowhere
            StaffWork& work = frame.st.work;
            work.queueReading = false;
            work.queueReadAt = frame.now;
            if (problem.empty()) work.queue = queue;
            else refuse(frame, problem);
        });
    });
}

} // namespace

void staffMenuScreen(Ui& ui) {
    beginScreen(ui, "staff-queue");
    KioskState& st = ui.st;
    if (!st.staff) {
        ui.go(Screen::Welcome);
        endScreen();
        return;
    }
    if (!staffHeader(ui, "Screenings waiting for review or a decision")) {
        endScreen();
        return;
    }
    const float w = ImGui::GetContentRegionAvail().x;
    field(ui, "Search by name", "search", st.work.search, false, std::min(w, ui.unit * 16));
    readQueueInBackground(ui);
    std::vector<store::ScreeningSummary> queue = st.work.queue;
    std::reverse(queue.begin(), queue.end()); // newest first
    std::string needle = st.work.search;
    std::transform(needle.begin(), needle.end(), needle.begin(), [](unsigned char c) { return char(std::tolower(c)); });
    const float bottom = st.editing ? keyboardHeight(ui) : ui.target + ui.gap * 3;
    beginDragScroll(ui, "queue", ImVec2(0, std::max(ui.target, ui.display.y - ImGui::GetCursorScreenPos().y - bottom - ui.gap)));
    int shown = 0;
    for (const auto& s : queue) {
        std::string name = s.patient.familyName + " " + s.patient.givenName;
        std::transform(name.begin(), name.end(), name.begin(), [](unsigned char c) { return char(std::tolower(c)); });
        if (!needle.empty() && name.find(needle) == std::string::npos) continue;
        ++shown;
        const std::string label = patientLine(s.patient) + "\n" + std::string(s.state == ScreeningState::Reviewed ? "Awaiting decision" : "Awaiting review") +
                                  "  ·  submitted " + ageOf(ui, s.submittedAt) + "  ·  " + std::to_string(s.stopFlags) +
                                  " stop, " + std::to_string(s.reviewFlags) + " review flags";
        if (touchButton(ui, "queue:" + std::to_string(s.id), label, ImVec2(ImGui::GetContentRegionAvail().x, 0), Tone::Tile)) {
            if (ui.services.log) ui.services.log("open screening=" + std::to_string(s.id));
            openStaffWork(ui, s.id);
        }
    }
    if (shown == 0)
        textWrapped(ui,
                    st.work.queueReadAt < 0 ? "Reading the queue…"
                    : queue.empty()         ? "Nothing is waiting."
                                            : "No screening matches the search.",
                    nullptr, ui.colors->muted);
    endDragScroll(ui);
    if (st.editing) {
        drawKeyboard(ui, ImVec2(0, ui.display.y - keyboardHeight(ui)), ui.display.x);
    } else {
        const float bw = std::min(ui.unit * 12, (ui.display.x - ui.gap * 6) / 3);
        const float y = ui.display.y - ui.target - ui.gap * 1.5f;
        ImGui::SetCursorScreenPos(ImVec2(ui.gap * 2, y));
        if (touchButton(ui, "staff-exit", ui.t("staff.exit"), ImVec2(bw, ui.target), Tone::Quiet)) {
            if (ui.services.log) ui.services.log("quit by=" + st.staff->username);
            *ui.quit = true;
        }
        if (st.beforeStaff != Screen::Welcome && st.beforeStaff != Screen::Submitted) {
            ImGui::SetCursorScreenPos(ImVec2(ui.display.x - ui.gap * 2 - bw, y));
            if (touchButton(ui, "staff-discard", ui.t("staff.discard"), ImVec2(bw, ui.target), Tone::Danger)) {
                st.staff.reset();
                ui.resetToWelcome("discarded by staff");
            }
        }
    }
    endScreen();
}

} // namespace mrscreen::ui
