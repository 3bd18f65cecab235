// `mrscreen store copy --to postgresql://…`: moving an existing box onto the department's server.
// The source is the config's data directory (or --from DIR), the target a new database named by
// --to; its password comes from --password-file, the config's [storage] password_file or libpq's
// ~/.pgpass, never from the command line. The work is store::copyToPostgres (store/store_copy.h).
#include "cli/command_support.h"
#include "cli/commands.h"
#include "cli/config.h"
#include "store/store_copy.h"

#include <filesystem>
#include <iomanip>
#include <ostream>

namespace mrscreen::cli {

namespace {

std::string describeHead(const store::AuditHead& head) {
    return head.seq == 0 ? "empty" : "event " + std::to_string(head.seq) + ", hash " + head.hash;
}

void printReport(const store::CopyReport& r, const store::CopySource& source, std::ostream& out) {
    out << "Source " << source.databasePath << ": audit trail intact, " << r.auditEvents
        << " events, head " << describeHead(r.copiedHead) << ".\n";
    if (r.migrationsApplied > 0)
        out << "Target schema: " << r.migrationsApplied << " migration(s) applied first.\n";
    out << "Copied in " << std::fixed << std::setprecision(1) << r.seconds
        << " s, in one transaction: " << r.screenings << " screenings, " << r.staff
        << " staff members, " << r.records << " records (" << r.purgedRecords
        << " purged, without bytes; every other one checked against its SHA-256), " << r.auditEvents
        << " audit events.\n  Rows:";
    for (const auto& [table, n] : r.rows)
        out << " " << table << " " << n << ";";
    out << "\n";
    out << "Target audit trail: " << (r.targetCheck.intact ? "intact" : "NOT intact") << ", "
        << r.targetCheck.rows << " events: the " << r.auditEvents << " copied with the same head ("
        << describeHead(r.copiedHead) << "), then " << describeHead(r.headAfterCopyEvent)
        << " recording this copy.\n";
}

} // namespace

int runStoreCopy(const StoreContext& ctx, const StoreCopyOptions& options, std::ostream& out,
                 std::ostream& err) {
    return guarded("store copy", err, [&] {
        const KioskConfig config = configFor(ctx);
        store::CopySource source{config.databasePath(), config.recordsDir()};
        if (!options.from.empty()) {
            const std::filesystem::path dir = absoluteDirectory(options.from);
            source = {(dir / "mrscreen.db").string(), (dir / "records").string()};
        }
        store::PostgresConnection target{options.to, "", "mrscreen store copy"};
        if (!options.passwordFile.empty())
            target.password = readOwnerOnlyPasswordFile(options.passwordFile);
        else if (config.usesPostgres() && !config.storagePasswordFile.empty())
            target.password = postgresSettings(config, "store copy", err).password;
        const auto report = store::copyToPostgres(source, target, operatorActor().username);
        printReport(report, source, out);
        if (report.targetCheck.intact)
            return 0;
        err << "mrscreen store copy: the target's audit trail does not verify after the copy: "
            << report.targetCheck.problem
            << ". Do not use it: drop the database, make a new one and copy again; report it if it "
               "repeats\n";
        return 1;
    });
}

} // namespace mrscreen::cli
