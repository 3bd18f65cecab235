// `mrscreen spool list|send`: the submissions this kiosk holds because the database did not take
// them (store/spool.h), and delivering them now (a running kiosk does it by itself).
#include "cli/command_support.h"
#include "cli/commands.h"
#include "cli/kiosk_services.h"
#include "cli/submission.h"

#include "store/spool_forwarder.h"

#include <nlohmann/json.hpp>

#include <filesystem>
#include <ostream>
#include <sstream>

namespace mrscreen::cli {

using nlohmann::json;

int runSpool(const StoreContext& ctx, const SpoolOptions& options, std::ostream& out, std::ostream& err) {
    return guarded("spool", err, [&] {
        const KioskConfig config = configFor(ctx);
        const std::string path = spoolPath(config);
        if (!std::filesystem::exists(path)) {
            out << "The spool is empty (" << path << " does not exist: nothing ever waited).\n";
            return 0;
        }
        store::Spool spool(path);
        if (options.action == "send") {
            const FormFiles files = loadFormFiles(config.form);
            const auto store = openStore(config);
            std::ostringstream problems;
            const auto pass = store::forwardSpool(
                spool, *store, [&](store::Store& s, const store::SpooledSubmission& item, std::int64_t id) {
                    recordSubmission(s, config, files, item.screening, id, item.actor, problems);
                });
            for (const auto& p : pass.problems) err << "mrscreen spool: " << p << "\n";
            err << problems.str();
            out << pass.delivered << " submission(s) delivered, " << spool.refresh().count << " still waiting.\n";
            return pass.storeDown || pass.failed ? 1 : 0;
        }
        const auto items = spool.waiting();
        if (options.json) {
            json list = json::array();
            for (const auto& i : items)
                list.push_back({{"item", i.id},
                                {"submissionKey", i.screening.submissionKey},
                                {"spooledAt", i.spooledAt},
                                {"attempts", i.attempts},
                                {"lastError", i.lastError}});
            out << list.dump(2) << "\n";
            return 0;
        }
        if (items.empty()) {
            out << "The spool is empty: every submission reached the database.\n";
            return 0;
        }
        out << padded("ITEM", 6) << padded("SPOOLED (UTC)", 22) << padded("TRIES", 6) << padded("KEY", 10)
            << "LAST ERROR\n";
        for (const auto& i : items)
            out << padded(std::to_string(i.id), 6) << padded(i.spooledAt, 22) << padded(std::to_string(i.attempts), 6)
                << padded(i.screening.submissionKey.substr(0, 8), 10) << printable(i.lastError) << "\n";
        return 0;
    });
}

} // namespace mrscreen::cli
