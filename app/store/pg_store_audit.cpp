// The PostgreSQL store's audit chain: appends serialised across every station by one advisory
// lock held until commit, the same hash input as the SQLite store (audit.h), and the same check
// (the chain's links, a trail gone while data remains, the rows against the events).
#include "store/clock.h"
#include "store/pg_store_impl.h"

namespace mrscreen::store::detail {

std::vector<AuditEvent> PostgresStore::auditTrail() {
    const auto r =
        db_.exec("SELECT seq, at, actor, action, screening_id, detail_json, prev_hash, hash "
                 "FROM audit ORDER BY seq");
    std::vector<AuditEvent> events;
    events.reserve(size_t(r.rows()));
    for (int i = 0; i < r.rows(); ++i)
        events.push_back(readAudit(r, i));
    return events;
}

std::optional<AuditHead> PostgresStore::auditHead() {
    const auto r = db_.exec("SELECT seq, hash FROM audit_head WHERE id = 1");
    if (r.empty())
        return std::nullopt;
    return AuditHead{r.integer(0, 0), r.text(0, 1)};
}

AuditedRows PostgresStore::auditedRows() {
    AuditedRows rows;
    const auto s = db_.exec("SELECT id, state, contrast_planned FROM screenings ORDER BY id");
    for (int i = 0; i < s.rows(); ++i)
        rows.screenings.push_back({s.integer(i, 0), s.text(i, 1), s.text(i, 2)});
    const auto d = db_.exec(
        "SELECT screening_id, outcome, conditions, override_reason, decided_by FROM decisions "
        "ORDER BY id");
    for (int i = 0; i < d.rows(); ++i)
        rows.decisions.push_back(
            {d.integer(i, 0), d.text(i, 1), d.text(i, 2), d.text(i, 3), d.text(i, 4)});
    const auto c = db_.exec(
        "SELECT screening_id, outcome, conditions, reason, decided_by FROM contrast_decisions "
        "ORDER BY id");
    for (int i = 0; i < c.rows(); ++i)
        rows.contrastDecisions.push_back(
            {c.integer(i, 0), c.text(i, 1), c.text(i, 2), c.text(i, 3), c.text(i, 4)});
    const auto f =
        db_.exec("SELECT screening_id, rule_id, severity, status, COALESCE(status_by, ''), note, "
                 "corrected_answer FROM flags ORDER BY screening_id, id");
    for (int i = 0; i < f.rows(); ++i)
        rows.flags.push_back({f.integer(i, 0), f.text(i, 1), f.text(i, 2), f.text(i, 3),
                              f.text(i, 4), f.text(i, 5), f.text(i, 6)});
    const auto m = db_.exec(
        "SELECT username, display_name, role, disabled, secret_hash FROM staff ORDER BY username");
    for (int i = 0; i < m.rows(); ++i)
        rows.staff.push_back(
            {m.text(i, 0), m.text(i, 1), m.text(i, 2), m.integer(i, 3) != 0, m.text(i, 4)});
    return rows;
}

// The trail is read 10,000 events at a time: a department's half a million events at 100,000
// screenings would be about 600 MB held at once, with the server's result.
AuditCheck PostgresStore::verifyAudit() {
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

void PostgresStore::transactionEnded(bool committed) {
    const auto head = std::move(uncommittedHead_);
    uncommittedHead_.reset();
    if (committed && head && options().anchorHead)
        options().anchorHead(*head);
}

void PostgresStore::appendAudit(const NewAuditEvent& event) {
    // Held until this transaction ends: the next station's append reads the head this one wrote.
    db_.exec("SELECT pg_advisory_xact_lock($1)", {kAuditLock});
    const AuditEvent e = chainNext(auditHead(), event, nowUtc());
    db_.exec(
        "INSERT INTO audit (seq, at, actor, action, screening_id, detail_json, prev_hash, hash) "
        "VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
        {e.seq, e.at, e.actor, e.action, e.screeningId, e.detailJson, e.prevHash, e.hash});
    db_.exec("INSERT INTO audit_head (id, seq, hash) VALUES (1, $1, $2) "
             "ON CONFLICT (id) DO UPDATE SET seq = EXCLUDED.seq, hash = EXCLUDED.hash",
             {e.seq, e.hash});
    uncommittedHead_ = AuditHead{e.seq, e.hash};
}

} // namespace mrscreen::store::detail
