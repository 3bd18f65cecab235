// A thin RAII layer over libpq, the way sqlite.h wraps SQLite: one Connection per server session,
// statements sent with $1.. parameters (never formatted), results read by row and column, and every
// failure a StoreError whose kind comes from the server's SQLSTATE. No naked PQ* calls outside
// app/store/pg*.cpp.
//
// Why libpq and not libpqxx: the SQLSTATE of every error maps exactly onto StoreErrorKind, PQsocket
// is there for LISTEN/NOTIFY, and the project already wraps a C API this way (sqlite.h).
#pragma once

#include "store/errors.h"
#include "store/pg_store.h"

#include <chrono>
#include <cstdint>
#include <functional>
#include <initializer_list>
#include <memory>
#include <optional>
#include <string>
#include <vector>

struct pg_conn;
struct pg_result;

namespace mrscreen::store::pg {

// One $n parameter, sent as text (NULL when empty), or as raw bytes for a BYTEA column.
struct Param {
    std::optional<std::string> text;
    bool binary = false;
    static Param bytes(const std::string& raw) {
        Param p(raw);
        p.binary = true;
        return p;
    }
    Param(const std::string& s) : text(s) {}
    Param(const char* s) : text(std::string(s)) {}
    Param(std::int64_t v) : text(std::to_string(v)) {}
    Param(int v) : text(std::to_string(v)) {}
    Param(double v);
    Param(std::nullopt_t) {}
    Param(const std::optional<std::string>& s) : text(s) {}
    Param(const std::optional<std::int64_t>& v) {
        if (v)
            text = std::to_string(*v);
    }
};

class Result {
public:
    explicit Result(pg_result* result) : result_(result) {}
    int rows() const;
    bool empty() const { return rows() == 0; }
    std::string text(int row, int column) const;
    // A BYTEA column's bytes (the server sends them as hex text).
    std::string bytes(int row, int column) const;
    std::optional<std::string> optionalText(int row, int column) const;
    std::int64_t integer(int row, int column) const;
    double real(int row, int column) const;
    bool isNull(int row, int column) const;
    // Rows changed by an INSERT, UPDATE or DELETE.
    int changes() const;

private:
    struct Clear {
        void operator()(pg_result* r) const;
    };
    std::unique_ptr<pg_result, Clear> result_;
};

// SQLSTATE -> kind: 08xxx and 57P0x unreachable; 40001, 40P01, 55P03 busy; 53xxx full; 23505
// conflict; XX001, XX002 corrupt; anything else Other.
StoreErrorKind errorKindOf(const std::string& sqlState);

// The URL with any password in it blanked, for messages.
std::string redactedUrl(const std::string& url);

class Connection {
public:
    // Connects or throws StoreError (unreachable) naming the server and what to check.
    explicit Connection(const PostgresConnection& where);
    ~Connection();
    Connection(const Connection&) = delete;
    Connection& operator=(const Connection&) = delete;

    // One statement with parameters; throws StoreError with the server's message and kind.
    Result exec(const std::string& sql, std::initializer_list<Param> params = {});
    Result exec(const std::string& sql, const std::vector<Param>& params);
    // Several statements without parameters (a migration file).
    void script(const std::string& sql);

    const std::string& describe() const { return describe_; } // the redacted URL
    std::string user() const;
    pg_conn* handle() const { return conn_; }

    // Called when a Transaction on this connection ends: true after its COMMIT succeeded.
    void onTransactionEnd(std::function<void(bool committed)> listener) {
        transactionEnd_ = std::move(listener);
    }
    void transactionEnded(bool committed) {
        if (transactionEnd_)
            transactionEnd_(committed);
    }

private:
    friend class Transaction;
    pg_conn* conn_ = nullptr;
    std::string describe_;
    std::function<void(bool)> transactionEnd_;
    bool inTransaction_ = false;
    std::chrono::steady_clock::time_point lastReconnect_{};

    Result check(pg_result* result, const std::string& sql);
    // A connection the server ended (restarted, or a network cut) is made again before the next
    // statement outside a transaction, tried again 2 s after a failed attempt ends (a server that
    // stays down does not hold up every call for the connect timeout); a statement inside a
    // transaction fails with it.
    void reconnectIfLost();
};

// BEGIN ... COMMIT (READ COMMITTED; writers serialise on row locks and the audit lock); rolls back
// when destroyed uncommitted.
class Transaction {
public:
    explicit Transaction(Connection& db);
    ~Transaction();
    Transaction(const Transaction&) = delete;
    Transaction& operator=(const Transaction&) = delete;
    void commit();

private:
    Connection& db_;
    bool done_ = false;
};

} // namespace mrscreen::store::pg
