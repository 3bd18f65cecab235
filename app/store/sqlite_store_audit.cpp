// The SQLite store's audit check: the chain's links, a trail that is gone while the database holds
// data, and the rows that matter against the events that set them (audit_crosscheck.h); the head
// sent out after each commit (StoreOptions::anchorHead) and the staff baseline of migration 0010.
#include "store/sqlite_store_impl.h"

namespace mrscreen::store::detail {

const int kStaffBaselineMigration = 10;

std::vector<AuditEvent> SqliteStore::auditTrail() {
    auto st =
        db_.prepare("SELECT seq, at, actor, action, screening_id, detail_json, prev_hash, hash "
                    "FROM audit ORDER BY seq");
    std::vector<AuditEvent> events;
    while (st.step())
        events.push_back(readAudit(st));
    return events;
}

std::optional<AuditHead> SqliteStore::auditHead() {
    auto head = db_.prepare("SELECT seq, hash FROM audit_head WHERE id = 1");
    if (!head.step())
        return std::nullopt;
    return AuditHead{head.integer(0), head.text(1)};
}

AuditedRows SqliteStore::auditedRows() {
    AuditedRows rows;
    auto s = db_.prepare("SELECT id, state, contrast_planned FROM screenings ORDER BY id");
    while (s.step())
        rows.screenings.push_back({s.integer(0), s.text(1), s.text(2)});
    auto d = db_.prepare(
        "SELECT screening_id, outcome, conditions, override_reason, decided_by FROM decisions "
        "ORDER BY id");
    while (d.step())
        rows.decisions.push_back({d.integer(0), d.text(1), d.text(2), d.text(3), d.text(4)});
    auto c = db_.prepare(
        "SELECT screening_id, outcome, conditions, reason, decided_by FROM contrast_decisions "
        "ORDER BY id");
    while (c.step())
        rows.contrastDecisions.push_back(
            {c.integer(0), c.text(1), c.text(2), c.text(3), c.text(4)});
    auto f = db_.prepare(
        "SELECT screening_id, rule_id, severity, status, COALESCE(status_by, ''), note, "
        "corrected_answer FROM flags ORDER BY screening_id, id");
    while (f.step())
        rows.flags.push_back(
            {f.integer(0), f.text(1), f.text(2), f.text(3), f.text(4), f.text(5), f.text(6)});
    auto m = db_.prepare(
        "SELECT username, display_name, role, disabled, secret_hash FROM staff ORDER BY username");
    while (m.step())
        rows.staff.push_back({m.text(0), m.text(1), m.text(2), m.integer(3) != 0, m.text(4)});
    return rows;
}

// The trail is stepped through, not loaded: half a million events at 100,000 screenings would be
// about 500 MB held at once (nightly, in `backup`, in `audit verify`).
AuditCheck SqliteStore::verifyAudit() {
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

void SqliteStore::transactionEnded(bool committed) {
    const auto head = std::move(uncommittedHead_);
    uncommittedHead_.reset();
    if (committed && head && options().anchorHead)
        options().anchorHead(*head);
}

void SqliteStore::appendStaffBaseline() {
    // Accounts made before the trail recorded PIN hashes: their hash as it is at the upgrade is the
    // baseline (nothing older records it); from here on a replaced or copied hash is caught.
    auto st = db_.prepare("SELECT username, secret_hash FROM staff ORDER BY username");
    std::vector<std::pair<std::string, std::string>> accounts;
    while (st.step())
        accounts.emplace_back(st.text(0), st.text(1));
    for (const auto& [username, hash] : accounts)
        appendAudit(events::staffBaseline(username, hash));
}

} // namespace mrscreen::store::detail
