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
    const auto before = store.screening(id);
    if (!before) throw store::Refused("there is no screening " + std::to_string(id));
    // The Zone IV decision was made against one scanner's MR Conditional check: an exam on a
    // magnet that checks differently needs a new screening (amend), not a quiet relink.
    if (before->decision) {
        const auto was = config.scannerFor(before->procedure), now = config.scannerFor(procedure);
        if (was.name != now.name || was.fieldStrengthT != now.fieldStrengthT)
            throw store::Refused("screening " + std::to_string(id) + " was decided against " + was.name +
                                 "; this exam is on " + now.name +
                                 ". Amend the screening so its implants are checked against that scanner, then link "
                                 "the correction.");
    }
    store.linkProcedure(id, procedure, actor);
    std::string done = "Linked to accession " + procedure.accessionNumber +
                       (procedure.procedureDescription.empty() ? "" : " (" + procedure.procedureDescription + ")") + ".";
    const auto planned = config.contrastPlannedFor(procedure);
    if (!planned) return done;
    const auto detail = store.screening(id);
    if (!detail || detail->contrastPlanned == *planned) return done;
    const std::string says = std::string(" The procedure code says contrast ") + (*planned == "yes" ? "is" : "is not") +
                             " planned";
    // Staff's own answer is never overruled by the mapping (a "no" would turn contrast flags into
    // information): only "unknown" is set from the procedure code.
    if (detail->contrastPlanned != "unknown")
        return done + says + ", but staff set it to " + detail->contrastPlanned + " (" + detail->contrastPlannedBy +
               "); check which is right.";
    const bool open = detail->summary.state == screening::ScreeningState::Submitted ||
                      detail->summary.state == screening::ScreeningState::Reviewed;
    if (!open || detail->contrastDecision)
        return done + says + ", but the screening is past that step; amend it if that changes the decision.";
    if (!mayPlanContrast(actor.role)) return done + says + ": a nurse, MRSO or radiologist sets it at review.";
    store.setContrastPlanned(id, *planned, actor);
    reassess(store, catalog, config, id, actor);
    return done + " Contrast planned set to " + *planned + " from the procedure code " + procedure.procedureCode + ".";
}

} // namespace mrscreen::cli
