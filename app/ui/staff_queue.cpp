// [SECTION] the staff queue: screenings awaiting review, then awaiting a decision, oldest first, with search;
// below them the kiosks and stations using the store, and when each was last seen.
#include "ui/layout.h"
#include "ui/spool_backlog.h"
#include "ui/staff_work.h"

#include "screening/value.h"

#include <algorithm>
#include <optional>

namespace mrscreen::ui {

using namespace screening;
using namespace staff;

namespace {

// The queue's columns in a row `width` wide. One line (patient, submitted, flags) when the ages
// ("Submitted" and every row's), the flags' room and at least 30% for the patient fit; else two
// lines, the patient above the other two (a portrait screen with Larger text), so headings and
// values never run into each other.
struct QueueColumns {
    float x[3] = {};     // from the row's left edge
    float w[3] = {};     // the room for each
    bool twoLines = false;
    float rowHeight = 0;
};

QueueColumns queueColumns(Ui& ui, float width, const std::vector<store::ScreeningSummary>& queue) {
    QueueColumns c;
    const float pad = ui.gap, inner = width - pad * 2;
    const auto textWidth = [](const std::string& text) { return ImGui::CalcTextSize(text.c_str()).x; };
    float ageWidth = std::max(textWidth(staffText(ui, "staff.queue.submitted")), textWidth("59 min ago"));
    for (const auto& s : queue) ageWidth = std::max(ageWidth, textWidth(ageOf(ui, s.submittedAt)));
    const float flagsWidth = std::max(textWidth(staffText(ui, "staff.queue.flags")), inner * 0.32f);
    const float patientWidth = inner - ageWidth - flagsWidth - ui.gap * 2;
    c.twoLines = patientWidth < inner * 0.3f;
    if (!c.twoLines) {
        c.x[0] = pad;
        c.w[0] = patientWidth;
        c.x[1] = pad + patientWidth + ui.gap;
        c.w[1] = ageWidth;
        c.x[2] = c.x[1] + ageWidth + ui.gap;
        c.w[2] = width - pad - c.x[2];
        c.rowHeight = ui.target;
        return c;
    }
    c.x[0] = c.x[1] = pad;
    c.w[0] = inner;
    c.w[1] = std::min(ageWidth, inner / 2 - ui.gap);
    c.x[2] = pad + c.w[1] + ui.gap * 2;
    c.w[2] = inner - c.w[1] - ui.gap * 2;
    c.rowHeight = std::max(ui.target, ImGui::GetFontSize() * 2.3f + ui.gap * 1.5f);
    return c;
}

// The queue (and the kiosks and stations with it) is read off the frame thread when the screen
// opens and again whenever the store's change feed says it changed (Kiosk marks it stale), so a
// screening submitted at another kiosk appears within a second, an idle station reads nothing,
// and a slow database never freezes the list.
void readQueueInBackground(Ui& ui) {
    StaffWork& w = ui.st.work;
    if (w.queueReading || (w.queueReadAt >= 0 && !w.queueStale)) return;
    w.queueReading = true;
    w.queueStale = false; // a change during the read marks it stale again, and it is read once more
    store::Store* store = ui.services.store;
    const std::uint64_t session = ui.st.session;
    ui.background->start("Reading the queue", false, [store, session]() {
        std::vector<store::ScreeningSummary> queue;
        std::vector<store::StationPresence> stations;
        std::string problem;
        try {
            queue = store->queue();
            stations = store->stations();
        } catch (const std::exception& e) {
            problem = e.what();
        }
        return BackgroundWork::Finish([queue = std::move(queue), stations = std::move(stations), problem,
                                       session](Ui& frame) {
            if (frame.st.session != session || !frame.st.staff) return; // signed out: the names go nowhere
            StaffWork& work = frame.st.work;
            work.queueReading = false;
            work.queueReadAt = frame.now;
            if (problem.empty()) {
                work.queue = queue;
                work.stations = stations;
            } else {
                refuse(frame, problem);
            }
        });
    });
}

void presenceRow(Ui& ui, const store::StationPresence& p, float width) {
    bool missing = false;
    const std::string line = presenceLine(ui.services.staffLanguage, p, secondsSince(ui, p.lastSeen), missing);
    const ImVec2 min = ImGui::GetCursorScreenPos();
    const float pad = ui.gap * 0.5f;
    ImGui::SetCursorScreenPos(ImVec2(min.x + pad, min.y + pad));
    textWrapped(ui, line, nullptr, missing ? ui.colors->error : ui.colors->text, width - pad * 2);
    const ImVec2 max(min.x + width, ImGui::GetCursorScreenPos().y + pad);
    if (missing) ImGui::GetWindowDrawList()->AddRect(min, max, ui.colors->error, ui.unit * 0.35f, 0, 3.0f);
    noteShown(ui, "station:" + p.name + (missing ? ":missing" : ""), min, max);
    ImGui::SetCursorScreenPos(ImVec2(min.x, max.y + pad));
    ImGui::Dummy(ImVec2(width, 0));
}

// "Kiosks and stations": who uses this store and when each was last heard from (store/stations.h).
void presenceSection(Ui& ui, float width) {
    const ImVec2 at = ImGui::GetCursorScreenPos();
    section(ui, staffText(ui, "staff.stations.title"));
    noteShown(ui, "stations", at, ImVec2(at.x + width, ImGui::GetCursorScreenPos().y));
    if (ui.st.work.stations.empty()) {
        textWrapped(ui, staffText(ui, "staff.stations.none"), nullptr, ui.colors->muted, width);
        return;
    }
    for (const auto& p : ui.st.work.stations) presenceRow(ui, p, width);
}

// One screening in the queue: a full-width row with left-aligned columns (patient, submitted, flags);
// stop flags are named ("■ 1 stop flag") and framed, never shown by colour alone.
void queueRow(Ui& ui, const store::ScreeningSummary& s, const QueueColumns& c) {
    const std::string id = "queue:" + std::to_string(s.id);
    const float width = ImGui::GetContentRegionAvail().x;
    const ImVec2 min = ImGui::GetCursorScreenPos();
    if (touchButton(ui, id, "", ImVec2(width, c.rowHeight), Tone::Tile)) {
        if (ui.services.log) ui.services.log("open screening=" + std::to_string(s.id));
        openStaffWork(ui, s.id);
    }
    const ImVec2 max = ImGui::GetItemRectMax();
    ImDrawList* dl = ImGui::GetWindowDrawList();
    ImFont* font = ui.body();
    const float size = ImGui::GetFontSize();
    const float lines = c.twoLines ? 2.3f : 1.0f;
    const float top = std::round(min.y + (c.rowHeight - size * lines) / 2);
    const float y = c.twoLines ? std::round(top + size * 1.3f) : top; // the line with submitted and flags
    const float x[3] = {min.x + c.x[0], min.x + c.x[1], min.x + c.x[2]};
    const float pad = ui.gap;
    dl->AddText(font, size, ImVec2(x[0], top), ui.colors->text, fitText(font, size, patientLine(s.patient), c.w[0]).c_str());
    dl->AddText(font, size, ImVec2(x[1], y), ui.colors->text, fitText(font, size, ageOf(ui, s.submittedAt), c.w[1]).c_str());
    std::string flags;
    if (s.stopFlags > 0) flags = countText(ui, "stop", s.stopFlags);
    if (s.reviewFlags > 0) flags += (flags.empty() ? "" : ", ") + countText(ui, "review", s.reviewFlags);
    if (flags.empty()) flags = staffText(ui, "staff.queue.no_flags");
    float fx = x[2];
    if (s.stopFlags > 0) {
        const std::string mark = "\xE2\x96\xA0 "; // ■ before the word STOP
        dl->AddText(font, size, ImVec2(fx, y), ui.colors->error, mark.c_str());
        fx += font->CalcTextSizeA(size, FLT_MAX, 0, mark.c_str()).x;
        dl->AddRect(min, max, ui.colors->error, ui.unit * 0.35f, 0, 3.0f);
        dl->AddRectFilled(min, ImVec2(min.x + ui.gap * 0.5f, max.y), ui.colors->error, ui.unit * 0.35f,
                          ImDrawFlags_RoundCornersLeft);
        noteTarget(ui, id + ":stop", ImVec2(x[2], c.twoLines ? y : min.y), max);
    }
    dl->AddText(font, size, ImVec2(fx, y), s.stopFlags > 0 ? ui.colors->error : ui.colors->muted,
                fitText(font, size, flags, max.x - pad - fx).c_str());
}

// "Close the kiosk program?" Close / Cancel: patients cannot use it until it is started again.
void closeConfirmation(Ui& ui) {
    KioskState& st = ui.st;
    modalPanel(ui, "staff-close", ui.colors->text, [&](float width) {
        textWrapped(ui, staffText(ui, "staff.close.question"), ui.title(), ui.colors->text, width);
        textWrapped(ui, staffText(ui, "staff.close.detail"), nullptr, ui.colors->text, width);
        const float bw = (width - ui.gap) / 2;
        if (touchButton(ui, "staff-exit-cancel", staffText(ui, "staff.close.cancel"), ImVec2(bw, ui.target), Tone::Quiet))
            st.work.confirmClose = false;
        ImGui::SameLine(0, ui.gap);
        if (touchButton(ui, "staff-exit-confirm", staffText(ui, "staff.close.confirm"), ImVec2(bw, ui.target), Tone::Danger)) {
            if (ui.services.log && st.staff) ui.services.log("quit by=" + st.staff->username);
            *ui.quit = true;
        }
    });
}

} // namespace

std::string staff::presenceLine(const std::string& language, const store::StationPresence& p,
                         std::optional<std::int64_t> ageSeconds, bool& missing) {
    const auto text = [&language](const std::string& key, std::initializer_list<std::pair<const char*, std::string>> args = {}) {
        return uiStrings().get(language, key, args);
    };
    missing = !ageSeconds || *ageSeconds > store::kStationMissingSeconds;
    std::string seen;
    if (!ageSeconds) seen = text("staff.stations.unknown");
    else if (!missing) seen = *ageSeconds < 60 ? text("staff.stations.seen_now")
                                               : text("staff.stations.seen_min", {{"n", std::to_string(*ageSeconds / 60)}});
    else if (*ageSeconds < 3600) seen = text("staff.stations.missing_min", {{"n", std::to_string(*ageSeconds / 60)}});
    else if (*ageSeconds < 86400) seen = text("staff.stations.missing_h", {{"n", std::to_string(*ageSeconds / 3600)}});
    else seen = text("staff.stations.missing_days", {{"n", std::to_string(*ageSeconds / 86400)}});
    const std::string dot = "  \xC2\xB7  ";
    std::string line = missing ? "\xE2\x96\xA0 " : ""; // ■ before the name of one not heard from
    line += p.name;
    line += dot + text("staff.stations." + p.kind);
    if (!p.version.empty()) line += dot + text("staff.stations.version", {{"v", p.version}});
    line += dot + seen;
    if (p.spoolBacklog > 0) line += dot + text("staff.stations.backlog", {{"n", std::to_string(p.spoolBacklog)}});
    return line;
}

void staffMenuScreen(Ui& ui) {
    beginScreen(ui, "staff-queue");
    KioskState& st = ui.st;
    if (!st.staff) {
        ui.go(Screen::Welcome);
        endScreen();
        return;
    }
    if (!staffHeader(ui, staffText(ui, "staff.queue.title"))) {
        endScreen();
        return;
    }
    const float w = ImGui::GetContentRegionAvail().x;
    // No label above the search box: its name is inside it while empty, and the rows need the room.
    field(ui, "", "search", st.work.search, false, std::min(w, ui.unit * 16), "Search by name");
    spoolBacklogLine(ui); // submissions this kiosk still holds (spool_backlog.h)
    readQueueInBackground(ui);
    // Oldest first: whoever has waited longest is seen first.
    std::vector<store::ScreeningSummary> queue = st.work.queue;
    std::stable_sort(queue.begin(), queue.end(), [](const auto& a, const auto& b) { return a.submittedAt < b.submittedAt; });
    std::string needle = st.work.search;
    std::transform(needle.begin(), needle.end(), needle.begin(), [](unsigned char c) { return char(std::tolower(c)); });
    // Close (and Discard, while a patient's form is open) side by side at the bottom, as tall as their
    // labels need: "Close the kiosk program" takes two lines on a portrait screen with Larger text.
    const bool discardable = st.beforeStaff != Screen::Welcome && st.beforeStaff != Screen::Submitted;
    const float bw = std::min(ui.unit * 12, (ui.display.x - ui.gap * 5) / 2);
    const float bh = std::max(buttonHeight(ui, ui.t("staff.exit"), bw),
                              discardable ? buttonHeight(ui, ui.t("staff.discard"), bw) : 0.0f);
    const float bottom = st.editing ? keyboardHeight(ui) : bh + ui.gap * 3;
    // The columns' headings, over the rows.
    const QueueColumns columns = queueColumns(ui, w, queue);
    {
        const ImVec2 at = ImGui::GetCursorScreenPos();
        const float line = ImGui::GetTextLineHeight();
        const char* heads[] = {"patient", "submitted", "flags"};
        for (int i = 0; i < 3; ++i) {
            const ImVec2 p(at.x + columns.x[i], at.y + (columns.twoLines && i > 0 ? line : 0));
            const std::string text = fitText(ui.body(), ImGui::GetFontSize(), staffText(ui, std::string("staff.queue.") + heads[i]),
                                             columns.w[i]);
            ImGui::GetWindowDrawList()->AddText(p, ui.colors->muted, text.c_str());
            noteShown(ui, std::string("queue-head:") + heads[i], p,
                      ImVec2(p.x + ImGui::CalcTextSize(text.c_str()).x, p.y + line));
        }
        ImGui::Dummy(ImVec2(w, line * (columns.twoLines ? 2 : 1)));
    }
    beginDragScroll(ui, "queue", ImVec2(0, std::max(ui.target, ui.display.y - ImGui::GetCursorScreenPos().y - bottom - ui.gap)));
    int shown = 0;
    for (const bool reviewed : {false, true}) {
        std::vector<const store::ScreeningSummary*> rows;
        for (const auto& s : queue) {
            // Everything past the nurse's review (a Zone IV or contrast part still to sign) awaits a decision.
            if ((s.state != ScreeningState::Submitted) != reviewed) continue;
            std::string name = s.patient.familyName + " " + s.patient.givenName;
            std::transform(name.begin(), name.end(), name.begin(), [](unsigned char c) { return char(std::tolower(c)); });
            if (!needle.empty() && name.find(needle) == std::string::npos) continue;
            rows.push_back(&s);
        }
        if (rows.empty()) continue;
        const ImVec2 at = ImGui::GetCursorScreenPos();
        section(ui, staffText(ui, reviewed ? "staff.queue.decision" : "staff.queue.review") + " (" +
                        std::to_string(rows.size()) + ")");
        noteTarget(ui, reviewed ? "queue-section:decision" : "queue-section:review", at,
                   ImVec2(at.x + w, ImGui::GetCursorScreenPos().y));
        for (const auto* s : rows) queueRow(ui, *s, columns);
        shown += int(rows.size());
    }
    if (shown == 0)
        textWrapped(ui,
                    st.work.queueReadAt < 0 ? "Reading the queue…"
                    : queue.empty()         ? "Nothing is waiting."
                                            : "No screening matches the search.",
                    nullptr, ui.colors->muted);
    if (st.work.queueReadAt >= 0) presenceSection(ui, ImGui::GetContentRegionAvail().x); // inside the scroll bar
    endDragScroll(ui);
    if (st.editing) {
        drawKeyboard(ui, ImVec2(0, ui.display.y - keyboardHeight(ui)), ui.display.x);
    } else {
        const float y = ui.display.y - bh - ui.gap * 1.5f;
        ImGui::SetCursorScreenPos(ImVec2(ui.gap * 2, y));
        if (touchButton(ui, "staff-exit", ui.t("staff.exit"), ImVec2(bw, bh), Tone::Quiet)) st.work.confirmClose = true;
        if (discardable) {
            ImGui::SetCursorScreenPos(ImVec2(ui.display.x - ui.gap * 2 - bw, y));
            if (touchButton(ui, "staff-discard", ui.t("staff.discard"), ImVec2(bw, bh), Tone::Danger)) {
                st.staff.reset();
                ui.resetToWelcome("discarded by staff");
            }
        }
    }
    endScreen();
    if (st.work.confirmClose && st.staff) closeConfirmation(ui);
    clearMessageAfterTap(ui);
}

} // namespace mrscreen::ui
