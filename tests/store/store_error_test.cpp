// StoreError carries what kind of failure it is (busy, full, corrupt, unreachable, conflict), so a
// station or a spool can decide to wait, retry or stop, and the message still tells a person what
// to do. Each kind is made happen here on a real SQLite file.
#include "store/errors.h"
#include "store/sqlite.h"
#include "store_fixture.h"

#include <catch2/catch.hpp>

#include <fstream>
#include <optional>

using namespace store_fixture;
using Catch::Matchers::Contains;

namespace {

// The StoreError `f` throws; nullopt when it throws none.
template <typename F> std::optional<StoreError> storeErrorFrom(F&& f) {
    try {
        f();
    } catch (const StoreError& e) {
        return e;
    }
    return std::nullopt;
}

} // namespace

TEST_CASE("a file that is not a database is a corrupt store and the message says to restore the backup") {
    const std::string path = scratchDatabasePath("store-errors");
    std::ofstream(path) << std::string(8192, 'x');
    const auto error = storeErrorFrom([&] { openSqliteStore(path); });
    REQUIRE(error);
    CHECK(error->kind() == StoreErrorKind::Corrupt);
    CHECK_FALSE(error->transient());
    CHECK_THAT(std::string(error->what()), Contains("restore the latest backup"));
    CHECK(std::string(storeErrorKindName(error->kind())) == "corrupt");
}

TEST_CASE("a database in a folder that does not exist is unreachable and worth a retry once it is there") {
    const std::string path = scratchDatabasePath("store-errors") + ".d/missing/mrscreen.db";
    const auto error = storeErrorFrom([&] { Database db(path); });
    REQUIRE(error);
    CHECK(error->kind() == StoreErrorKind::Unreachable);
    CHECK(error->transient());
    CHECK_THAT(std::string(error->what()), Contains("data directory exists"));
}

TEST_CASE("a write while another connection holds the lock is busy, and nothing of it is stored") {
    const std::string path = scratchDatabasePath("store-errors");
    Database holder(path);
    holder.exec("CREATE TABLE t (id INTEGER PRIMARY KEY, v TEXT)");
    Database other(path);
    other.exec("PRAGMA busy_timeout = 0");
    holder.exec("BEGIN EXCLUSIVE");
    const auto error = storeErrorFrom([&] { other.exec("INSERT INTO t (v) VALUES ('second')"); });
    holder.exec("COMMIT");
    REQUIRE(error);
    CHECK(error->kind() == StoreErrorKind::Busy);
    CHECK(error->transient());
    CHECK_THAT(std::string(error->what()), Contains("try again in a moment"));
    auto count = other.prepare("SELECT COUNT(*) FROM t");
    count.step();
    CHECK(count.integer(0) == 0);
}

TEST_CASE("taking a key another writer already took is a conflict, not a damaged database") {
    const std::string path = scratchDatabasePath("store-errors");
    Database db(path);
    db.exec("CREATE TABLE records (screening INTEGER, version INTEGER, PRIMARY KEY (screening, version))");
    db.exec("INSERT INTO records VALUES (1, 1)");
    const auto error = storeErrorFrom([&] { db.exec("INSERT INTO records VALUES (1, 1)"); });
    REQUIRE(error);
    CHECK(error->kind() == StoreErrorKind::Conflict);
    CHECK_FALSE(error->transient());
}
