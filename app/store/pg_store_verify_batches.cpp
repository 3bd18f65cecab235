// The PostgreSQL store's audit check with the trail read 10,000 events at a time: what `mrscreen
// store copy` runs on the target, whose trail is a department's (half a million events at 100,000
// screenings: verifyAudit holds them all, with the server's result, about 600 MB).
#include "store/pg_store_impl.h"

namespace mrscreen::store::detail {

AuditCheck PostgresStore::verifyAuditInBatches() {
    constexpr int kEventsPerRead = 10000;
    // One snapshot: the rows and the events are the same moment's, while stations keep writing.
    pg::Transaction read(db_);
    db_.exec("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY");
    TrailCheck trail;
    std::int64_t after = 0;
    for (bool more = true; more;) {
        const auto r = db_.exec("SELECT seq, at, actor, action, screening_id, detail_json, "
                                "prev_hash, hash FROM audit WHERE seq > $1 ORDER BY seq LIMIT " +
                                    std::to_string(kEventsPerRead),
                                {after});
        for (int i = 0; i < r.rows() && more; ++i) {
            const AuditEvent e = readAudit(r, i);
            after = e.seq;
            more = trail.add(e);
        }
        more = more && r.rows() == kEventsPerRead;
    }
    const AuditCheck check = trail.finish(
        auditHead(), [&] { return auditedRows(); },
        [&] { return db_.exec("SELECT COUNT(*) FROM records").integer(0, 0); });
    read.commit();
    return check;
}

} // namespace mrscreen::store::detail
