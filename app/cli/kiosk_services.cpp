#include "cli/kiosk_services.h"
#include "cli/commands.h"
#include "cli/submission.h"

#include "store/clock.h"

#include <ostream>
#include <sstream>

namespace mrscreen::cli {

ui::KioskOptions kioskOptions(const KioskConfig& c) {
    ui::KioskOptions o;
    o.idleWarningSeconds = c.idleWarningSeconds;
    o.idleResetSeconds = c.idleResetSeconds;
    o.submittedSeconds = c.submittedSeconds;
    o.staffIdleSeconds = c.staffIdleSeconds;
    o.staffHoldSeconds = float(c.staffHoldSeconds);
    return o;
}

ui::KioskServices kioskServices(store::Store& store, const KioskConfig& config, const FormFiles& files,
                                std::function<void(const std::string&)> log, std::ostream& err) {
    ui::KioskServices s;
    s.store = &store;
    s.log = std::move(log);
    s.today = todayIso;
    s.nowUtc = store::nowUtc;
    s.submit = [&store, &config, &files, &err](const screening::Response& response) {
        ui::SubmitOutcome out;
        std::ostringstream problems;
        const Submission sub = submitResponse(store, config, files, response, "kiosk",
                                              screening::Actor{"kiosk", screening::Role::Patient}, todayIso(), problems);
        if (!sub.assessment.valid()) {
            out.problem = std::to_string(sub.assessment.errors.size()) + " validation error(s), first: " +
                          sub.assessment.errors.front().linkId + ": " + sub.assessment.errors.front().message;
            return out;
        }
        out.saved = true;
        out.id = sub.id;
        out.recordPath = sub.recordPath.value_or("");
        if (!problems.str().empty()) err << problems.str();
        return out;
    };
    s.scanner = config.scanner();
    s.produceRecord = [&store, &config, &files, &err](std::int64_t id, const screening::Actor& actor) {
        std::ostringstream problems;
        std::optional<std::string> path;
        try {
            path = produceRecord(store, config, files.form, store.screening(id).value().formSha256, id, actor, problems);
        } catch (const std::exception& e) {
            problems << "mrscreen: the signed record of screening " << id << " failed: " << e.what() << "\n";
        }
        if (!problems.str().empty()) err << problems.str();
        return path;
    };
    return s;
}

} // namespace mrscreen::cli
