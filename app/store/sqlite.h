// A thin RAII layer over SQLite: one Database per connection, Statements prepared once and bound,
// never formatted; errors are exceptions carrying SQLite's message and the file name. No naked
// sqlite3_* calls outside app/store.
#pragma once

#include "store/errors.h"

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>

struct sqlite3;
struct sqlite3_stmt;

namespace mrscreen::store {

class Statement {
public:
    Statement(sqlite3* db, const std::string& sql);
    Statement(Statement&&) noexcept = default;
    Statement& operator=(Statement&&) noexcept = default;

    Statement& bind(int index, const std::string& text);
    Statement& bind(int index, const char* text);
    Statement& bind(int index, std::int64_t value);
    Statement& bind(int index, int value) { return bind(index, std::int64_t(value)); }
    Statement& bind(int index, double value);
    Statement& bindNull(int index);
    Statement& bind(int index, const std::optional<std::string>& text);

    bool step(); // true while there is a row
    void run();  // step to completion, then reset
    void reset();

    std::string text(int column) const;
    std::optional<std::string> optionalText(int column) const;
    std::int64_t integer(int column) const;
    double real(int column) const;
    bool isNull(int column) const;

private:
    struct Finalize {
        void operator()(sqlite3_stmt* s) const;
    };
    std::unique_ptr<sqlite3_stmt, Finalize> stmt_;
    sqlite3* db_;
};

class Database {
public:
    explicit Database(const std::string& path); // creates the file when missing
    // An existing file, read only (SQLITE_OPEN_READONLY): nothing written through it can change it.
    struct ReadOnly {};
    Database(const std::string& path, ReadOnly);
    ~Database();
    Database(const Database&) = delete;
    Database& operator=(const Database&) = delete;

    void exec(const std::string& sql);
    Statement prepare(const std::string& sql) { return Statement(handle_, sql); }
    std::int64_t lastInsertId() const;
    int changes() const;
    const std::string& path() const { return path_; }
    sqlite3* handle() const { return handle_; }

    // Called when a Transaction on this connection ends: true after its COMMIT succeeded, false
    // when it rolled back. The store sends its new audit head out only once it is durable.
    void onTransactionEnd(std::function<void(bool committed)> listener) { transactionEnd_ = std::move(listener); }
    void transactionEnded(bool committed) {
        if (transactionEnd_) transactionEnd_(committed);
    }

private:
    sqlite3* handle_ = nullptr;
    std::string path_;
    std::function<void(bool)> transactionEnd_;
};

// BEGIN IMMEDIATE ... COMMIT; rolls back when destroyed uncommitted (an exception unwound it).
class Transaction {
public:
    explicit Transaction(Database& db);
    ~Transaction();
    Transaction(const Transaction&) = delete;
    Transaction& operator=(const Transaction&) = delete;
    void commit();

private:
    Database& db_;
    bool done_ = false;
};

// Copies every page of `from` into `to` with SQLite's online backup API.
void copyDatabase(Database& from, Database& to);

// "database or disk is full", "database is locked", ... with the action and file in front.
[[noreturn]] void throwSqlite(sqlite3* db, const std::string& action);

} // namespace mrscreen::store
