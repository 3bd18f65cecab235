#include "ui/spool_backlog.h"

#include "ui/layout.h"
#include "ui/staff_work.h"
#include "ui/ui_context.h"

#include <imgui.h>

#include <ctime>
#include <iomanip>
#include <sstream>

namespace mrscreen::ui {

std::string localClockTime(const std::string& utcIso, const std::string& todayLocal) {
    std::tm tm{};
    std::istringstream in(utcIso.substr(0, 19));
    in >> std::get_time(&tm, "%Y-%m-%dT%H:%M:%S");
    if (in.fail()) return utcIso;
    const std::time_t t = timegm(&tm);
    std::tm local{};
    localtime_r(&t, &local);
    char day[16], clock[8];
    std::strftime(day, sizeof day, "%Y-%m-%d", &local);
    std::strftime(clock, sizeof clock, "%H:%M", &local);
    std::string out = day == todayLocal ? "" : std::string(day) + " ";
    out += clock;
    return out;
}

std::string spoolBacklogText(Ui& ui) {
    if (!ui.services.spoolBacklog) return "";
    const store::SpoolBacklog backlog = ui.services.spoolBacklog();
    if (backlog.count <= 0) return "";
    const std::string today = ui.services.today ? ui.services.today() : "";
    return staff::staffText(ui, backlog.count == 1 ? "spool.backlog.one" : "spool.backlog.other",
                     {{"n", std::to_string(backlog.count)}, {"time", localClockTime(backlog.oldestSpooledAt, today)}});
}

void spoolBacklogLine(Ui& ui) {
    const std::string text = spoolBacklogText(ui);
    if (text.empty()) return;
    const ImVec2 at = ImGui::GetCursorScreenPos();
    textWrapped(ui, text, nullptr, ui.colors->error);
    noteShown(ui, "spool-backlog", at, ImVec2(at.x + ImGui::GetContentRegionAvail().x, ImGui::GetCursorScreenPos().y));
}

} // namespace mrscreen::ui
