// Linking a screening to its scheduled exam from the worklist, the same way from the staff screens
// and the command line: the link, then whether contrast is planned from the site's mapping of
// procedure codes (which re-evaluates the contrast flags).
#pragma once

#include "cli/config.h"
#include "integration/outbox.h"
#include "integration/worklist.h"

#include <nlohmann/json.hpp>

#include <optional>
#include <ostream>
#include <vector>

#include <string>

namespace mrscreen::cli {

// Today's window of scheduled exams from the config ([worklist] days_before/days_after, modality,
// station_ae); `today` is the local date YYYY-MM-DD.
integration::WorklistQuery worklistQuery(const KioskConfig& config, const std::string& today);

// Links and applies the contrast mapping; returns what was done, for staff ("Linked to accession
// A123 (MR brain with contrast); contrast planned set to yes from the procedure code."). Throws
// store::Refused as linkProcedure does.
std::string linkScheduledExam(store::Store& store, store::FormCatalog& catalog, const KioskConfig& config,
                              std::int64_t id, const store::ProcedureLink& procedure, const screening::Actor& actor);

// How `show` and `worklist` print a link and a screening's outbox items.
nlohmann::json procedureJson(const store::ProcedureLink& procedure);
nlohmann::json outboxJson(const store::OutboxItem& item);
void printProcedure(std::ostream& out, const std::optional<store::ProcedureLink>& procedure);
void printOutbox(std::ostream& out, const std::vector<store::OutboxItem>& items);

// The outbox sender's settings from the config ([pacs], work files under <data-dir>/outbox).
integration::OutboxSettings outboxSettings(const KioskConfig& config);

} // namespace mrscreen::cli
