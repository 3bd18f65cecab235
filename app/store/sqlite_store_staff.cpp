// The SQLite store: staff accounts and sign-in, record files and backups (the audit check is in
// sqlite_store_audit.cpp).
#include "store/clock.h"
#include "store/sqlite_store_impl.h"

namespace mrscreen::store::detail {

bool SqliteStore::insertStaff(const std::string& username, const std::string& displayName, Role role,
                              const std::string& secretHash, const Actor& by) {
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
    appendAudit(actorName(by), "staff.added", std::nullopt,
                json{{"username", username},
                     {"name", displayName},
                     {"role", screening::roleName(role)},
                     {"secretSha256", sha256Hex(secretHash)}});
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
    appendAudit(actorName(by), "staff.disabled", std::nullopt, json{{"username", username}});
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
    appendAudit(actorName(by), "staff.pin_reset", std::nullopt,
                json{{"username", username}, {"secretSha256", sha256Hex(secretHash)}});
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
    if (now && (now->member.disabled != attempt.expected->member.disabled ||
                now->member.failedAttempts != attempt.expected->member.failedAttempts ||
                now->member.lockedUntil != attempt.expected->member.lockedUntil ||
                now->secretHash != attempt.expected->secretHash))
        return false;
    if (attempt.setCounters)
        db_.prepare("UPDATE staff SET failed_attempts = ?, locked_until = ? WHERE username = ?")
            .bind(1, attempt.failedAttempts)
            .bind(2, attempt.lockedUntil.empty() ? std::nullopt : std::optional<std::string>(attempt.lockedUntil))
            .bind(3, attempt.username)
            .run();
    appendAudit(attempt.auditActor, attempt.auditAction, std::nullopt, attempt.auditDetail);
    tx.commit();
    return true;
}

std::string SqliteStore::staffSql() {
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

int SqliteStore::nextRecordVersion(std::int64_t id) {
    auto st =
        db_.prepare("SELECT COALESCE(MAX(version), 0) + 1 FROM records WHERE screening_id = ?");
    st.bind(1, id).step();
    return int(st.integer(0));
}

void SqliteStore::addRecord(std::int64_t id, int version, const std::string& path,
                            const std::string& sha256, const Actor& actor,
                            const std::string& contentSha256) {
    Transaction tx(db_);
    stateOf(id); // refuses an unknown screening
    const std::string now = nowUtc();
    db_.prepare("INSERT INTO records (screening_id, version, pdf_path, sha256, created_at, "
                "content_sha256) "
                "VALUES (?, ?, ?, ?, ?, ?)")
        .bind(1, id)
        .bind(2, version)
        .bind(3, path)
        .bind(4, sha256)
        .bind(5, now)
        .bind(6, contentSha256)
        .run();
    queueOutbox(id, version, now);
    appendAudit(actorName(actor), "record.written", id,
                json{{"version", version}, {"sha256", sha256}});
    tx.commit();
}

std::optional<StoredRecord> SqliteStore::latestRecord(std::int64_t id) {
    auto st = db_.prepare(
        "SELECT version, pdf_path, sha256, created_at, content_sha256, COALESCE(purged_at, '') "
        "FROM records WHERE screening_id = ? ORDER BY version DESC LIMIT 1");
    if (!st.bind(1, id).step())
        return std::nullopt;
    return StoredRecord{int(st.integer(0)), st.text(1), st.text(2),
                        st.text(3),         st.text(4), st.text(5)};
}

std::optional<StoredRecord> SqliteStore::record(std::int64_t id, int version) {
    auto st = db_.prepare(
        "SELECT version, pdf_path, sha256, created_at, content_sha256, COALESCE(purged_at, '') "
        "FROM records WHERE screening_id = ? AND version = ?");
    if (!st.bind(1, id).bind(2, version).step())
        return std::nullopt;
    return StoredRecord{int(st.integer(0)), st.text(1), st.text(2),
                        st.text(3),         st.text(4), st.text(5)};
}

std::vector<PurgeCandidate> SqliteStore::purgeCandidates(const std::string& beforeIso) {
    auto st = db_.prepare(
        "SELECT r.screening_id, r.version, r.pdf_path, r.sha256, r.created_at FROM records r "
        "WHERE r.purged_at IS NULL AND r.created_at < ? AND EXISTS (SELECT 1 FROM audit a "
        "WHERE a.screening_id = r.screening_id AND a.action = 'record.exported' "
        "AND a.at >= r.created_at) AND NOT EXISTS (SELECT 1 FROM outbox o WHERE o.screening_id = r.screening_id "
        "AND o.record_version = r.version AND o.status = 'pending') ORDER BY r.screening_id, r.version");
    st.bind(1, beforeIso);
    std::vector<PurgeCandidate> out;
    while (st.step())
        out.push_back(
            PurgeCandidate{st.integer(0), int(st.integer(1)), st.text(2), st.text(3), st.text(4)});
    return out;
}

void SqliteStore::markPurged(std::int64_t id, int version, const Actor& actor) {
    Transaction tx(db_);
    db_.prepare("UPDATE records SET purged_at = ? WHERE screening_id = ? AND version = ? AND "
                "purged_at IS NULL")
        .bind(1, nowUtc())
        .bind(2, id)
        .bind(3, version)
        .run();
    if (db_.changes() == 0)
        throw Refused("screening " + std::to_string(id) + " has no unpurged record version " +
                      std::to_string(version));
    appendAudit(actorName(actor), "record.purged", id, json{{"version", version}});
    tx.commit();
}

void SqliteStore::noteExport(std::int64_t id, const std::string& what,
                             const std::string& destination, const Actor& actor) {
    Transaction tx(db_);
    stateOf(id);
    appendAudit(actorName(actor), "record.exported", id,
                json{{"format", what}, {"to", destination}});
    tx.commit();
}

void SqliteStore::backupTo(const std::string& path) {
    Database copy(path);
    copyDatabase(db_, copy);
    auto st = copy.prepare("PRAGMA quick_check");
    st.step();
    if (st.text(0) != "ok")
        throw StoreError("the backup " + path + " failed its check: " + st.text(0) +
                             ". The database it was copied from may be damaged: run 'mrscreen check'",
                         StoreErrorKind::Corrupt);
}

} // namespace mrscreen::store::detail
