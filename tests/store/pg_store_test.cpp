// The PostgreSQL store's own behaviour, beyond the contract every backend passes (store_test.cpp
// and the other contract files run against it too): what the server itself refuses the application
// role, migrations and audit appends from several processes at once, two stations acting on one
// screening, and a server that is down. Every case runs against the real server of pg_server.h.
#include "pg_server.h"
#include "store/pg.h"
#include "store/pg_store.h"
#include "store_fixture.h"

#include <catch2/catch.hpp>

#include <sys/wait.h>
#include <unistd.h>

#include <functional>
#include <string>
#include <vector>

using Catch::Matchers::Contains;
using mrscreen::test::PostgresServer;
using namespace store_fixture;
namespace pg = mrscreen::store::pg;

namespace {

// A database of the test's own, dropped at the end.
struct Database {
    const PostgresServer& server = PostgresServer::shared();
    std::string name;
    explicit Database(bool migrated = true) : name(server.createDatabase(migrated)) {}
    ~Database() {
        try {
            server.dropDatabase(name);
        } catch (...) {
        }
    }
    PostgresConnection as(const std::string& role = "mrscreen_app") const { return server.connection(name, role); }
};

} // namespace

TEST_CASE("a server that is down is reported as unreachable, naming the server and what to check") {
    const PostgresServer& server = PostgresServer::shared();
    // The run's server answers on its socket; a folder with no server in it does not.
    const PostgresConnection nowhere{"postgresql:///mrscreen?host=" + (server.folder() / "nowhere").string() +
                                         "&user=mrscreen_app",
                                     "", "mrscreen-tests"};
    StoreErrorKind kind = StoreErrorKind::Other;
    std::string message;
    try {
        openPostgresStore(nowhere);
    } catch (const StoreError& e) {
        kind = e.kind();
        message = e.what();
    }
    CHECK(kind == StoreErrorKind::Unreachable);
    CHECK_THAT(message, Contains("cannot reach the PostgreSQL server at postgresql:///mrscreen"));
    CHECK_THAT(message, Contains("Check that the server is running"));
    CHECK_THAT(message, Contains("[storage] url"));
}
