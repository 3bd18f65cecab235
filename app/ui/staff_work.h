// Internal to the staff screens (staff_*.cpp): the pieces the queue, the review and the decision
// share. A screening is always shown with the form and rules it was answered with
// (KioskServices::formFor) and its eGFR comes from the one stored assessment (store::assessStored),
// so the screens, the record and re-evaluation agree.
#pragma once

#include "screening/response.h"
#include "ui/ui_context.h"

#include <exception>
#include <functional>
#include <initializer_list>
#include <optional>
#include <utility>
#include <string>
#include <vector>

namespace mrscreen::ui::staff {

screening::Actor actorOf(const KioskState& st);
std::string signerName(const KioskState& st);
std::string fixed(double v, int decimals);
std::string patientLine(const store::PatientIdentity& p);
// "12 min ago" from an ISO instant, against the services' clock.
// Seconds from an ISO instant to now by the services' clock (never negative); nullopt when either
// cannot be read.
std::optional<std::int64_t> secondsSince(Ui& ui, const std::string& at);
std::string ageOf(Ui& ui, const std::string& at);
// The kiosk's own words (assets/ui-strings.json) in the staff language.
std::string staffText(Ui& ui, const std::string& key, std::initializer_list<std::pair<const char*, std::string>> args = {});
// "1 stop flag", "2 stop flags" (`what`: stop, review, open), in the staff language.
std::string countText(Ui& ui, const std::string& what, int n);
std::string countText(const std::string& language, const std::string& what, int n);
// An answer option as staff read it: the form's wording, except the body side, which the patient
// chose as "My left side" and staff read as "patient's left".
std::string staffOptionText(Ui& ui, const screening::Item* item, const screening::Value& v);
std::string staffOptionText(const std::string& language, const screening::Item* item, const screening::Value& v);
// `text` cut to `width` pixels in `font` at `size`, with "…" when it was cut.
std::string fitText(ImFont* font, float size, const std::string& text, float width);

// Reloads the screening, the form it was answered with and its assessment.
void reload(Ui& ui);
// Re-evaluates the rules after a lab or contrast-planned change, then reloads; false with the
// reason at the top when it could not.
bool reassess(Ui& ui);

void say(Ui& ui, const std::string& message, bool ok);
// Runs a store change; a refusal or error becomes the message at the top, nothing else changes.
template <typename Change>
bool attempt(Ui& ui, const std::string& done, Change&& change) {
    try {
        change();
        say(ui, done, true);
        reload(ui);
        return true;
    } catch (const std::exception& e) {
        say(ui, e.what(), false);
        if (ui.services.log) ui.services.log(std::string("staff-refused ") + e.what());
        return false;
    }
}
void refuse(Ui& ui, const std::string& message);
// The message at the top: a confirmation (`ok`) or a problem; "" clears it.
void say(Ui& ui, const std::string& message, bool ok);
// At the end of a staff screen's frame: a tap clears the message that was on screen before it.
void clearMessageAfterTap(Ui& ui);

// The signed-in staff member with the way out; false when they just left.
bool staffHeader(Ui& ui, const std::string& title);
void section(Ui& ui, const std::string& title);
// A labelled staff field (no label when empty) showing `placeholder` while empty; typed on the keyboard.
void field(Ui& ui, const std::string& label, const std::string& name, const std::string& value, bool numeric,
           float width = 0, const std::string& placeholder = "Tap to enter");
// The common frame of the review and decision screens: the header, `note` (when there is one)
// above a scrolling work area that `body` fills, and the keyboard while typing. When there is
// nothing to show (the screening is gone, or the form it was answered with cannot be found) only why.
using WorkBody = std::function<void(const store::ScreeningDetail&, const screening::Response&)>;
// With `side`, on a wide screen the two scroll side by side (`body` on the left, where the eye lands);
// on a narrow one `side` follows `body` in one area.
void workScreen(Ui& ui, const char* id, const std::string& title, const std::string& note, const WorkBody& body,
                const WorkBody& side = nullptr);
// Whether the work area is wide enough for two columns.
bool twoColumns(Ui& ui);
// The signing step over the work, once a part's choices are complete (StaffWork::signing): what is
// being signed, a pad outside any scrolling area (`padId`, with "<padId>-clear"), Cancel
// ("signing-cancel") and Sign ("signing-confirm"). True on the frame Sign is tapped with a drawn
// signature; a tap or a short line is refused in the step.
bool signingStep(Ui& ui, const std::string& title, const std::string& summary, const std::string& padId,
                 std::vector<record::Stroke>& strokes, bool& drawing);

// The question text of a linkId in the staff language, from the screening's own form.
std::string questionText(Ui& ui, const std::string& linkId);
// Whether a stored flag reads as information: info severity, or a contrast flag while contrast is
// not planned.
bool informational(const store::ScreeningDetail& d, const store::StoredFlag& f);
bool hasContradiction(const store::ScreeningDetail& d);

// Sections (staff_flags.cpp, staff_review.cpp, staff_implants.cpp).
// `contrastOnly`: the contrast flags alone (what a radiologist decides on).
void flagsSection(Ui& ui, const store::ScreeningDetail& d, const screening::Response& response, bool editable,
                  bool contrastOnly = false);
void ignoredAnswersSection(Ui& ui, const store::ScreeningDetail& d);
// A flag's heading, its level named and its category in words ("■ Stop · Implant"; the message
// follows it), and the small line with its rule id.
std::string flagHeading(const store::StoredFlag& f, bool informational);
std::string flagAbout(const store::StoredFlag& f, bool informational);
// One line per stop and review flag ("■ Stop: ...  ·  Confirmed"), for the top of a narrow screen.
void flagsSummary(Ui& ui, const store::ScreeningDetail& d, bool contrastOnly);
void labsSection(Ui& ui, const store::ScreeningDetail& d, bool editable);
void contrastPlannedSection(Ui& ui, const store::ScreeningDetail& d, bool editable);
void implantsSection(Ui& ui, const store::ScreeningDetail& d, bool editable);
void answersSection(Ui& ui, const screening::Response& response);

// [SECTION] the kiosks and stations on the queue screen (staff_queue.cpp).
// One kiosk or station in `language`: "Kiosk 2 · Patient kiosk · version 0.1.0 · last seen 2 min
// ago · 3 kept in its spool, not yet sent". `missing` is set when it has not been heard from for
// over store::kStationMissingSeconds (or `ageSeconds` is unknown): the line then starts with ■ and
// says "not seen for 3 h", so it is never marked by colour alone.
std::string presenceLine(const std::string& language, const store::StationPresence& p,
                         std::optional<std::int64_t> ageSeconds, bool& missing);

// [SECTION] the scheduled exam and the records' way to PACS (staff_procedure.cpp).
// The exam the screening is linked to, and linking it: the worklist is searched on the background
// worker, its candidates are shown here only (staff screens), and the chosen one is stored.
void procedureSection(Ui& ui, const store::ScreeningDetail& d);
// Each record version's outbox item ("Record v2 sent to PACS 10:42"), read in the background.
void outboxSection(Ui& ui);
// The scanner the MR Conditional check runs against, and why that one: the linked exam's
// (KioskServices::scannerFor) or the site's default [scanner].
struct CheckScanner {
    screening::ScannerSetup setup;
    std::string origin; // "the scanner of the linked exam, station MR3T", ...
};
CheckScanner checkScanner(Ui& ui, const store::ScreeningDetail& d);
std::string scannerText(const screening::ScannerSetup& s); // "MR2 Skyra, 3.0 T"

} // namespace mrscreen::ui::staff
