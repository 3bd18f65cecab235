// The PostgreSQL store: staff accounts and sign-in, exports and backups (records are in
// pg_store_records.cpp, the audit chain in pg_store_audit.cpp). The same statements as
// sqlite_store_staff.cpp.
#include "store/clock.h"
#include "store/pg_store_impl.h"

namespace mrscreen::store::detail {

bool PostgresStore::insertStaff(const std::string& username, const std::string& displayName,
                                Role role, const std::string& secretHash, const Actor& by) {
    pg::Transaction tx(db_);
    if (findStaff(username))
        return false;
    // Two stations adding the same username at once: the second INSERT waits for the first and then
    // fails on the unique key; it is told the username is taken, as if it had come a moment later.
    try {
        db_.exec("INSERT INTO staff (username, display_name, role, secret_hash, created_at) VALUES "
                 "($1, $2, $3, $4, $5)",
                 {username, displayName, screening::roleName(role), secretHash, nowUtc()});
    } catch (const StoreError& e) {
        if (e.kind() == StoreErrorKind::Conflict)
            return false;
        throw;
    }
    appendAudit(events::staffAdded(by, username, displayName, role, secretHash));
    tx.commit();
    return true;
}

std::vector<StaffMember> PostgresStore::staff() {
    const auto r = db_.exec(staffSql() + " ORDER BY username");
    std::vector<StaffMember> out;
    for (int i = 0; i < r.rows(); ++i)
        out.push_back(readStaff(r, i));
    return out;
}

bool PostgresStore::writeStaffDisabled(const std::string& username, const Actor& by) {
    pg::Transaction tx(db_);
    if (db_.exec("UPDATE staff SET disabled = 1 WHERE username = $1", {username}).changes() == 0)
        return false;
    appendAudit(events::staffDisabled(by, username));
    tx.commit();
    return true;
}

bool PostgresStore::writeStaffSecret(const std::string& username, const std::string& secretHash,
                                     const Actor& by) {
    pg::Transaction tx(db_);
    if (db_.exec("UPDATE staff SET secret_hash = $1, failed_attempts = 0, locked_until = NULL "
                 "WHERE username = $2",
                 {secretHash, username})
            .changes() == 0)
        return false;
    appendAudit(events::secretReset(by, username, secretHash));
    tx.commit();
    return true;
}

std::optional<StaffAccount> PostgresStore::readStaffAccount(const std::string& username) {
    const auto r = db_.exec(
        "SELECT username, display_name, role, disabled, failed_attempts, "
        "COALESCE(locked_until, ''), created_at, secret_hash FROM staff WHERE username = $1",
        {username});
    if (r.empty())
        return std::nullopt;
    return StaffAccount{readStaff(r, 0), r.text(0, 7)};
}

bool PostgresStore::writeSignIn(const SignInWrite& attempt) {
    pg::Transaction tx(db_);
    // The account as the policy decided on it, locked: same lock state, counter and PIN hash, or
    // nothing (two stations signing in to one account take turns).
    db_.exec("SELECT 1 FROM staff WHERE username = $1 FOR UPDATE", {attempt.username});
    const auto now = readStaffAccount(attempt.username);
    if (now.has_value() != attempt.expected.has_value())
        return false;
    if (now && !sameAccount(*now, *attempt.expected))
        return false;
    if (attempt.setCounters)
        db_.exec("UPDATE staff SET failed_attempts = $1, locked_until = $2 WHERE username = $3",
                 {attempt.failedAttempts,
                  attempt.lockedUntil.empty() ? std::nullopt
                                              : std::optional<std::string>(attempt.lockedUntil),
                  attempt.username});
    appendAudit({attempt.auditActor, attempt.auditAction, std::nullopt, attempt.auditDetail});
    tx.commit();
    return true;
}

StaffMember PostgresStore::readStaff(const pg::Result& r, int row) {
    StaffMember m;
    m.username = r.text(row, 0);
    m.displayName = r.text(row, 1);
    m.role = screening::parseRole(r.text(row, 2)).value_or(Role::Nurse);
    m.disabled = r.integer(row, 3) != 0;
    m.failedAttempts = int(r.integer(row, 4));
    m.lockedUntil = r.text(row, 5);
    m.createdAt = r.text(row, 6);
    return m;
}

std::optional<StaffMember> PostgresStore::findStaff(const std::string& username) {
    const auto r = db_.exec(staffSql() + " WHERE username = $1", {username});
    if (r.empty())
        return std::nullopt;
    return readStaff(r, 0);
}

void PostgresStore::noteExport(std::int64_t id, const std::string& what,
                               const std::string& destination, const Actor& actor) {
    pg::Transaction tx(db_);
    stateOf(id);
    appendAudit(events::recordExported(actor, id, what, destination));
    tx.commit();
}

void PostgresStore::backupTo(const std::string& path) {
    // A server's data is backed up on the server, where a consistent copy of every station's work
    // is possible; a file copy from one station would not be one.
    throw StoreError(
        "this station's store is the PostgreSQL server " + db_.describe() + ", so '" + path +
            "' is not written: back the server up where it runs (pg_dump, or the server's base "
            "backups; kiosk-setup/README.md)",
        StoreErrorKind::Other);
}

} // namespace mrscreen::store::detail
