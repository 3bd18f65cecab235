// The SQLite store: staff accounts and sign-in, export notes and backups (record files are in
// sqlite_store_records.cpp, the audit check in sqlite_store_audit.cpp).
#include "store/clock.h"
#include "store/sqlite_store_impl.h"

namespace mrscreen::store::detail {

bool SqliteStore::insertStaff(const std::string& username, const std::string& displayName,
                              Role role, const std::string& secretHash, const Actor& by) {
    Transaction tx(db_);
    if (findStaff(username))
        return false;
    db_.prepare("INSERT INTO staff (username, display_name, role, secret_hash, created_at) VALUES "
                "(?, ?, ?, ?, ?)")
        .bind(1, username)
        .bind(2, displayName)
        .bind(3, screening::roleName(role))
        .bind(4, secretHash)
        .bind(5, nowUtc())
        .run();
    // The sha256 of the stored hash (never the PIN): a hash copied from another account is caught.
    appendAudit(events::staffAdded(by, username, displayName, role, secretHash));
    tx.commit();
    return true;
}

std::vector<StaffMember> SqliteStore::staff() {
    auto st = db_.prepare(staffSql() + " ORDER BY username");
    std::vector<StaffMember> out;
    while (st.step())
        out.push_back(readStaff(st));
    return out;
}

bool SqliteStore::writeStaffDisabled(const std::string& username, const Actor& by) {
    Transaction tx(db_);
    if (!findStaff(username))
        return false;
    db_.prepare("UPDATE staff SET disabled = 1 WHERE username = ?").bind(1, username).run();
    appendAudit(events::staffDisabled(by, username));
    tx.commit();
    return true;
}

bool SqliteStore::writeStaffSecret(const std::string& username, const std::string& secretHash,
                                   const Actor& by) {
    Transaction tx(db_);
    if (!findStaff(username))
        return false;
    db_.prepare("UPDATE staff SET secret_hash = ?, failed_attempts = 0, locked_until = NULL WHERE "
                "username = ?")
        .bind(1, secretHash)
        .bind(2, username)
        .run();
    appendAudit(events::secretReset(by, username, secretHash));
    tx.commit();
    return true;
}

std::optional<StaffAccount> SqliteStore::readStaffAccount(const std::string& username) {
    auto member = findStaff(username);
    if (!member)
        return std::nullopt;
    auto st = db_.prepare("SELECT secret_hash FROM staff WHERE username = ?");
    st.bind(1, username).step();
    return StaffAccount{std::move(*member), st.text(0)};
}

bool SqliteStore::writeSignIn(const SignInWrite& attempt) {
    Transaction tx(db_);
    // The account as the policy decided on it: same lock state, counter and PIN hash, or nothing.
    const auto now = readStaffAccount(attempt.username);
    if (now.has_value() != attempt.expected.has_value())
        return false;
    if (now && !sameAccount(*now, *attempt.expected))
        return false;
    if (attempt.setCounters)
        db_.prepare("UPDATE staff SET failed_attempts = ?, locked_until = ? WHERE username = ?")
            .bind(1, attempt.failedAttempts)
            .bind(2, attempt.lockedUntil.empty() ? std::nullopt
                                                 : std::optional<std::string>(attempt.lockedUntil))
            .bind(3, attempt.username)
            .run();
    appendAudit({attempt.auditActor, attempt.auditAction, std::nullopt, attempt.auditDetail});
    tx.commit();
    return true;
}

std::string staffSql() {
    return "SELECT username, display_name, role, disabled, failed_attempts, COALESCE(locked_until, "
           "''), "
           "created_at FROM staff";
}

StaffMember SqliteStore::readStaff(Statement& st) {
    StaffMember m;
    m.username = st.text(0);
    m.displayName = st.text(1);
    m.role = screening::parseRole(st.text(2)).value_or(Role::Nurse);
    m.disabled = st.integer(3) != 0;
    m.failedAttempts = int(st.integer(4));
    m.lockedUntil = st.text(5);
    m.createdAt = st.text(6);
    return m;
}

std::optional<StaffMember> SqliteStore::findStaff(const std::string& username) {
    auto st = db_.prepare(staffSql() + " WHERE username = ?");
    if (!st.bind(1, username).step())
        return std::nullopt;
    return readStaff(st);
}

void SqliteStore::noteExport(std::int64_t id, const std::string& what,
                             const std::string& destination, const Actor& actor) {
    Transaction tx(db_);
    stateOf(id);
    appendAudit(events::recordExported(actor, id, what, destination));
    tx.commit();
}

void SqliteStore::backupTo(const std::string& path) {
    Database copy(path);
    copyDatabase(db_, copy);
    auto st = copy.prepare("PRAGMA quick_check");
    st.step();
    if (st.text(0) != "ok")
        throw StoreError(
            "the backup " + path + " failed its check: " + st.text(0) +
                ". The database it was copied from may be damaged: run 'mrscreen check'",
            StoreErrorKind::Corrupt);
}

} // namespace mrscreen::store::detail
