#include "cli/procedure_link.h"

#include <chrono>
#include <ctime>
#include <iomanip>
#include <sstream>

namespace mrscreen::cli {

namespace {

std::string shiftDate(const std::string& isoDate, int days) {
    std::tm tm{};
    std::istringstream in(isoDate);
    in >> std::get_time(&tm, "%Y-%m-%d");
    if (in.fail()) return isoDate;
    tm.tm_mday += days;
    tm.tm_hour = 12; // clear of daylight-saving changes
    std::mktime(&tm);
    char text[16];
    std::strftime(text, sizeof text, "%Y-%m-%d", &tm);
    return text;
}

bool mayPlanContrast(screening::Role r) {
    return r == screening::Role::Nurse || r == screening::Role::Mrso || r == screening::Role::Radiologist;
}

} // namespace

integration::WorklistQuery worklistQuery(const KioskConfig& config, const std::string& today) {
    integration::WorklistQuery q;
    q.modality = config.worklistModality;
    q.fromDate = shiftDate(today, -config.worklistDaysBefore);
    q.toDate = shiftDate(today, config.worklistDaysAfter);
    q.stationAeTitle = config.worklistStation;
    return q;
}

std::string linkScheduledExam(store::Store& store, store::FormCatalog& catalog, const KioskConfig& config,
                              std::int64_t id, const store::ProcedureLink& procedure, const screening::Actor& actor) {
    store.linkProcedure(id, procedure, actor);
    std::string done = "Linked to accession " + procedure.accessionNumber +
                       (procedure.procedureDescription.empty() ? "" : " (" + procedure.procedureDescription + ")") + ".";
    const auto planned = config.contrastPlannedFor(procedure);
    if (!planned) return done;
    const auto detail = store.screening(id);
    if (!detail || detail->contrastPlanned == *planned) return done;
    const bool open = detail->summary.state == screening::ScreeningState::Submitted ||
                      detail->summary.state == screening::ScreeningState::Reviewed;
    if (!open || detail->contrastDecision)
        return done + " The procedure code says contrast " + (*planned == "yes" ? "is" : "is not") +
               " planned, but the screening is past that step; amend it if that changes the decision.";
    if (!mayPlanContrast(actor.role))
        return done + " The procedure code says contrast " + (*planned == "yes" ? "is" : "is not") +
               " planned: a nurse, MRSO or radiologist sets it at review.";
    store.setContrastPlanned(id, *planned, actor);
    reassess(store, catalog, config, id, actor);
    return done + " Contrast planned set to " + *planned + " from the procedure code " + procedure.procedureCode + ".";
}

} // namespace mrscreen::cli
