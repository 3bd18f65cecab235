// The SQLite store's audit check with the trail stepped through, not loaded: what `mrscreen store
// copy` runs on its snapshot of a box (half a million events at 100,000 screenings: verifyAudit
// holds them all, about 500 MB).
#include "store/sqlite_store_impl.h"

namespace mrscreen::store::detail {

AuditCheck SqliteStore::verifyAuditInBatches() {
    // One read transaction: the rows and the events are the same moment's.
    db_.exec("BEGIN");
    try {
        TrailCheck trail;
        auto st = db_.prepare("SELECT seq, at, actor, action, screening_id, detail_json, "
                              "prev_hash, hash FROM audit ORDER BY seq");
        while (st.step() && trail.add(readAudit(st))) {
        }
        const AuditCheck check = trail.finish(
            auditHead(), [&] { return auditedRows(); },
            [&] {
                auto count = db_.prepare("SELECT COUNT(*) FROM records");
                count.step();
                return count.integer(0);
            });
        db_.exec("COMMIT");
        return check;
    } catch (...) {
        db_.exec("ROLLBACK");
        throw;
    }
}

} // namespace mrscreen::store::detail
