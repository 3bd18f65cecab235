#include "store/sqlite.h"

#include <sqlite3.h>

namespace mrscreen::store {

const char* storeErrorKindName(StoreErrorKind kind) {
    switch (kind) {
    case StoreErrorKind::Busy: return "busy";
    case StoreErrorKind::Full: return "full";
    case StoreErrorKind::Corrupt: return "corrupt";
    case StoreErrorKind::Unreachable: return "unreachable";
    case StoreErrorKind::Conflict: return "conflict";
    case StoreErrorKind::Other: break;
    }
    return "other";
}

void throwSqlite(sqlite3* db, const std::string& action) {
    const int code = db ? sqlite3_extended_errcode(db) : SQLITE_ERROR;
    std::string message = action + ": " + (db ? sqlite3_errmsg(db) : "cannot open");
    const char* file = db ? sqlite3_db_filename(db, "main") : nullptr;
    if (file && *file) message += " (" + std::string(file) + ")";
    StoreErrorKind kind = StoreErrorKind::Other;
    switch (code & 0xff) {
    case SQLITE_FULL:
        kind = StoreErrorKind::Full;
        message += ". The disk is full: free space, then try again; nothing was saved by this step";
        break;
    case SQLITE_IOERR:
        // A write past a file size limit or onto a full disk surfaces as an I/O error too.
        kind = StoreErrorKind::Full;
        message += ". Writing to the disk failed: it may be full or failing; free space or check the "
                   "disk, then try again. Nothing was saved by this step";
        break;
    case SQLITE_BUSY:
    case SQLITE_LOCKED:
        kind = StoreErrorKind::Busy;
        message += ". Another station is writing; try again in a moment";
        break;
    case SQLITE_CORRUPT:
    case SQLITE_NOTADB:
        kind = StoreErrorKind::Corrupt;
        message += ". The database is damaged: stop the kiosk and restore the latest backup "
                   "(see 'mrscreen backup' in README.md)";
        break;
    case SQLITE_CANTOPEN:
    case SQLITE_PERM:
    case SQLITE_READONLY:
        kind = StoreErrorKind::Unreachable;
        message += ". Check that the data directory exists and that this user may write it";
        break;
    case SQLITE_CONSTRAINT:
        if (code == SQLITE_CONSTRAINT_UNIQUE || code == SQLITE_CONSTRAINT_PRIMARYKEY)
            kind = StoreErrorKind::Conflict;
        break;
    default:
        break;
    }
    throw StoreError(message, kind);
}

void Statement::Finalize::operator()(sqlite3_stmt* s) const { sqlite3_finalize(s); }

Statement::Statement(sqlite3* db, const std::string& sql) : db_(db) {
    sqlite3_stmt* raw = nullptr;
    if (sqlite3_prepare_v2(db, sql.c_str(), int(sql.size()), &raw, nullptr) != SQLITE_OK)
        throwSqlite(db, "preparing \"" + sql.substr(0, 60) + "\"");
    stmt_.reset(raw);
}

Statement& Statement::bind(int index, const std::string& text) {
    if (sqlite3_bind_text(stmt_.get(), index, text.data(), int(text.size()), SQLITE_TRANSIENT) != SQLITE_OK)
        throwSqlite(db_, "binding a value");
    return *this;
}
Statement& Statement::bind(int index, const char* text) { return bind(index, std::string(text)); }
Statement& Statement::bind(int index, std::int64_t value) {
    if (sqlite3_bind_int64(stmt_.get(), index, value) != SQLITE_OK) throwSqlite(db_, "binding a value");
    return *this;
}
Statement& Statement::bind(int index, double value) {
    if (sqlite3_bind_double(stmt_.get(), index, value) != SQLITE_OK) throwSqlite(db_, "binding a value");
    return *this;
}
Statement& Statement::bindNull(int index) {
    if (sqlite3_bind_null(stmt_.get(), index) != SQLITE_OK) throwSqlite(db_, "binding a value");
    return *this;
}
Statement& Statement::bind(int index, const std::optional<std::string>& text) {
    return text ? bind(index, *text) : bindNull(index);
}

bool Statement::step() {
    const int rc = sqlite3_step(stmt_.get());
    if (rc == SQLITE_ROW) return true;
    if (rc == SQLITE_DONE) return false;
    const std::string sql = sqlite3_sql(stmt_.get());
    sqlite3_reset(stmt_.get());
    throwSqlite(db_, "running \"" + sql.substr(0, 60) + "\"");
}

void Statement::run() {
    while (step()) {
    }
    reset();
}

void Statement::reset() {
    sqlite3_reset(stmt_.get());
    sqlite3_clear_bindings(stmt_.get());
}

std::string Statement::text(int column) const {
    const auto* p = sqlite3_column_text(stmt_.get(), column);
    return p ? std::string(reinterpret_cast<const char*>(p), std::size_t(sqlite3_column_bytes(stmt_.get(), column)))
             : std::string();
}
std::optional<std::string> Statement::optionalText(int column) const {
    if (isNull(column)) return std::nullopt;
    return text(column);
}
std::int64_t Statement::integer(int column) const { return sqlite3_column_int64(stmt_.get(), column); }
double Statement::real(int column) const { return sqlite3_column_double(stmt_.get(), column); }
bool Statement::isNull(int column) const { return sqlite3_column_type(stmt_.get(), column) == SQLITE_NULL; }

Database::Database(const std::string& path) : path_(path) {
    const int rc = sqlite3_open_v2(path.c_str(), &handle_,
                                   SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_FULLMUTEX, nullptr);
    if (rc != SQLITE_OK) {
        const std::string message = "cannot open the database " + path + ": " +
                                    (handle_ ? sqlite3_errmsg(handle_) : "out of memory") +
                                    ". Check that the data directory exists and is writable";
        const StoreErrorKind kind = (rc & 0xff) == SQLITE_NOTADB || (rc & 0xff) == SQLITE_CORRUPT
                                        ? StoreErrorKind::Corrupt
                                        : StoreErrorKind::Unreachable;
        sqlite3_close(handle_);
        handle_ = nullptr;
        throw StoreError(message, kind);
    }
    sqlite3_extended_result_codes(handle_, 1);
}

Database::Database(const std::string& path, ReadOnly) : path_(path) {
    if (sqlite3_open_v2(path.c_str(), &handle_, SQLITE_OPEN_READONLY | SQLITE_OPEN_FULLMUTEX, nullptr) != SQLITE_OK) {
        const std::string message = "cannot open the database " + path + " to read it: " +
                                    (handle_ ? sqlite3_errmsg(handle_) : "out of memory") +
                                    ". Check the path and that this user may read the file and its folder";
        sqlite3_close(handle_);
        handle_ = nullptr;
        throw StoreError(message, StoreErrorKind::Unreachable);
    }
    sqlite3_extended_result_codes(handle_, 1);
}

Database::~Database() { sqlite3_close_v2(handle_); }

void Database::exec(const std::string& sql) {
    char* error = nullptr;
    if (sqlite3_exec(handle_, sql.c_str(), nullptr, nullptr, &error) != SQLITE_OK) {
        sqlite3_free(error);
        throwSqlite(handle_, "running \"" + sql.substr(0, 60) + "\"");
    }
}

std::int64_t Database::lastInsertId() const { return sqlite3_last_insert_rowid(handle_); }
int Database::changes() const { return sqlite3_changes(handle_); }

void copyDatabase(Database& from, Database& to) {
    sqlite3_backup* backup = sqlite3_backup_init(to.handle(), "main", from.handle(), "main");
    if (!backup) throwSqlite(to.handle(), "starting the backup");
    const int rc = sqlite3_backup_step(backup, -1);
    sqlite3_backup_finish(backup);
    if (rc != SQLITE_DONE) throwSqlite(to.handle(), "copying the database");
}

Transaction::Transaction(Database& db) : db_(db) { db_.exec("BEGIN IMMEDIATE"); }

Transaction::~Transaction() {
    if (done_) return;
    sqlite3_exec(db_.handle(), "ROLLBACK", nullptr, nullptr, nullptr);
    db_.transactionEnded(false);
}

void Transaction::commit() {
    db_.exec("COMMIT");
    done_ = true;
    db_.transactionEnded(true);
}

} // namespace mrscreen::store
