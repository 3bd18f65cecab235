// The staff queue's line about this kiosk's spool (store/spool.h): "This kiosk has 3 submissions
// waiting to be sent (oldest 14:05)", so staff know the database has not had them yet and can
// call IT when the number grows. Nothing is drawn while nothing waits.
#pragma once

#include <string>

namespace mrscreen::ui {

struct Ui;

// The line in the staff language; empty when nothing waits or the kiosk has no spool.
std::string spoolBacklogText(Ui& ui);
// Draws the line (recorded as shown "spool-backlog") when there is one.
void spoolBacklogLine(Ui& ui);
// "14:05" (local time) for a UTC ISO time of today, "2026-11-30 14:05" for an earlier day.
std::string localClockTime(const std::string& utcIso, const std::string& todayLocal);

} // namespace mrscreen::ui
