// How the record writes what the store keeps as codes, for a medical records department: people by
// full name and role, times in the site's local time to the minute with the zone, states, verdicts,
// origins, languages, and measurements in both unit systems. The stored data (and the content hash,
// the audit chain) keep the codes and UTC; only what is printed changes.
#pragma once

#include "screening/workflow.h"
#include "store/store.h"

#include <string>
#include <vector>

namespace mrscreen::record {

// "Nina Berg, Nurse (nina)" for a listed staff member ("Ned Park, RN — Nurse (ned)" when the name
// holds a comma); "alice at the command line" for "cli:alice";
// the username itself for anyone else. Empty stays empty.
std::string personText(const std::string& actor, const std::vector<store::StaffMember>& staff);
// "MR safety officer", "Nurse", "Radiologist", "Administrator", "Patient".
std::string roleText(screening::Role role);
// A stored UTC time ("2026-08-12T12:05:31.123Z") in the machine's local time zone (the kiosk's,
// which is the site's; TZ overrides it): "2026-08-12 14:05 CEST". A time without a zone
// ("2026-11-30T14:30", as the worklist schedules) is already local: "2026-11-30 14:30". Anything
// else is returned as it is.
std::string localTimeText(const std::string& iso);
// "English", "Spanish", ... for a language code; the code itself when unknown.
std::string languageName(const std::string& code);
// "Cleared with conditions", "Awaiting review", "Replaced by a correction", ...
std::string stateText(screening::ScreeningState state);
// "Open", "Verified", "Resolved".
std::string verdictText(screening::FlagVerdict verdict);
// "at the kiosk", "imported", "a correction" for the stored origin; other text as it is.
std::string originText(const std::string& origin);
// A category code ("implant", "foreign-body") as words: "Implant", "Foreign body".
std::string categoryText(const std::string& category);
// A measurement with its UCUM unit, in the unit given and the other system:
// 64 "[in_i]" -> "5 ft 4 in (163 cm)", 163 "cm" -> "163 cm (5 ft 4 in)", 150 "[lb_av]" ->
// "150 lb (68 kg)", 68 "kg" -> "68 kg (150 lb)". Spanish ("es") writes "pies"/"pulg"/"libras".
// Another unit: the value with `display`, or the code without UCUM's brackets.
std::string quantityText(double value, const std::string& ucum, const std::string& display,
                         const std::string& lang);
// What `mrscreen show` and the staff preview print beside an older record version:
// "superseded by version 3".
std::string supersededText(int newestVersion);

} // namespace mrscreen::record
