// A real PostgreSQL 15 server for the tests, no mocks: initdb into a temporary folder (as the
// unprivileged user nobody when the tests run as root, as CI does), listening only on a Unix
// socket in that folder, fsync off. One server serves the whole ctest run (the pg_server fixture
// of tests/CMakeLists.txt starts and stops it and writes its folder to MRSCREEN_PG_SERVER_FILE);
// a test binary run by hand with no fixture running starts a private one, stopped at exit. Each
// test gets its own database, made from a template the migrations already ran on.
//
//     const auto& server = PostgresServer::shared();
//     const std::string db = server.createDatabase();
//     auto store = openPostgresStore(server.connection(db));   // as mrscreen_app
#pragma once

#include "store/pg_store.h"

#include <filesystem>
#include <memory>
#include <string>

namespace mrscreen::test {

class TemporaryFolder; // integration/dicom_servers.h

class PostgresServer {
public:
    // The server of this test run (the fixture's, or a private one started now).
    static const PostgresServer& shared();

    // initdb and start a server in `folder` (which must exist), with the roles mrscreen_owner and
    // mrscreen_app and a migrated template database; throws std::runtime_error with the server's
    // log.
    static void start(const std::filesystem::path& folder);
    // pg_ctl stop -m fast; nothing when no server runs there.
    static void stop(const std::filesystem::path& folder);
    // pg_ctl stop -m immediate: every process ends at once, as in a power cut; the next start
    // recovers from the write-ahead log. Nothing when no server runs there.
    static void stopImmediately(const std::filesystem::path& folder);
    // Whether a server answers in `folder`.
    static bool answers(const std::filesystem::path& folder);

    explicit PostgresServer(std::filesystem::path folder) : folder_(std::move(folder)) {}
    const std::filesystem::path& folder() const { return folder_; }

    // A connection over the socket to `database` as `role` (mrscreen_app, mrscreen_owner, or the
    // superuser postgres).
    store::PostgresConnection connection(const std::string& database,
                                         const std::string& role = "mrscreen_app") const;
    // A new database owned by mrscreen_owner: a copy of the migrated template, or empty.
    std::string createDatabase(bool migrated = true) const;
    void dropDatabase(const std::string& name) const;
    // Runs SQL as the superuser in `database` (test set-up only).
    void superuser(const std::string& database, const std::string& sql) const;

    // Stops and starts this server in place (a server that goes down and comes back).
    void pause() const { stop(folder_); }
    void crash() const { stopImmediately(folder_); }
    void resume() const;

private:
    std::filesystem::path folder_;
};

// A server of the caller's own in a new folder under /tmp (started now; stopped and removed when
// this goes, also when a test fails): for a test that stops it, which must not stop the one other
// tests share. Not copied (its members are not).
class PrivatePostgresServer {
public:
    PrivatePostgresServer();
    ~PrivatePostgresServer();
    const PostgresServer& server() const { return *server_; }

private:
    std::unique_ptr<TemporaryFolder> folder_;
    std::unique_ptr<PostgresServer> server_;
};

} // namespace mrscreen::test
