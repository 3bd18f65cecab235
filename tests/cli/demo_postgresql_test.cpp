// `mrscreen demo` on a department's PostgreSQL server: the real binary with a config whose
// [storage] url names a fresh database on the run's server (tests/store/pg_server.h). The queue
// lists the demo's open screenings, every signed record's PDF is in the database and matches its
// SHA-256, the audit trail verifies, and nothing lands in the data directory; a database that
// already holds data, or a password file others can read, is refused and left as it was.
#include "cli/cli_fixture.h"
#include "pg_server.h"
#include "store/pg.h"

#include <catch2/catch.hpp>

#include <sys/stat.h>

#include <filesystem>
#include <fstream>
#include <string>

using namespace mrscreen;
using Catch::Matchers::Contains;
using mrscreen::test::PostgresServer;
namespace fs = std::filesystem;

namespace {

// A database of the test's own on the run's server, and a kiosk config naming it over the
// server's socket. The config has a password file of mode 0600 as install.sh writes one (the test
// server trusts its socket, so the password itself is not checked; the file's mode and owner are).
struct DemoSite {
    const PostgresServer& server = PostgresServer::shared();
    std::string database = server.createDatabase();
    fs::path dir;
    fs::path config;
    fs::path passwordFile;

    explicit DemoSite(const std::string& name)
        : dir(test::freshOutputDir("demo-postgresql", name)) {
        passwordFile = dir / "db-password";
        std::ofstream(passwordFile) << "not-checked-by-the-test-server\n";
        fs::permissions(passwordFile, fs::perms::owner_read | fs::perms::owner_write);
        config = dir / "site.toml";
        std::ofstream(config) << "[storage]\ndata_dir = \"" << (dir / "data").string()
                              << "\"\nurl = \"" << url() << "\"\npassword_file = \""
                              << passwordFile.string() << "\"\n"
                              << "[form]\npath = \"" << test::sourcePath("forms/mri-safety")
                              << "\"\n"
                              << "[audit]\nsyslog = false\n";
    }
    ~DemoSite() {
        try {
            server.dropDatabase(database);
        } catch (...) {
        }
    }
    std::string url() const {
        return "postgresql:///" + database + "?host=" + server.folder().string() +
               "&user=mrscreen_app";
    }
    test::Run mrscreen(const std::string& args) const {
        return test::runMrscreen("--config '" + config.string() + "' " + args);
    }
    // One number the server's superuser reads, not through the code under test.
    std::int64_t count(const std::string& sql) const {
        store::pg::Connection db(server.connection(database, "postgres"));
        return db.exec(sql).integer(0, 0);
    }
};

// One demo run per process for the checks below (Catch re-enters a test case per section); the
// last section changes a record, after the others have read them.
const std::pair<const DemoSite&, const test::Run&> filledOnce() {
    static const DemoSite site("filled");
    static const test::Run demo = site.mrscreen("demo");
    return {site, demo};
}

} // namespace

TEST_CASE("demo fills a PostgreSQL database: the queue lists its open screenings, every record's "
          "PDF is in the "
          "database and matches its SHA-256, and the audit trail verifies") {
    const auto& [site, demo] = filledOnce();
    INFO(demo.out);
    REQUIRE(demo.code == 0);
    CHECK_THAT(demo.out, Contains("Demo data written to the PostgreSQL database " + site.url()) &&
                             Contains("signed records in that database"));
    CHECK_THAT(demo.out, !Contains("mrscreen.db"));
    CHECK(site.count("SELECT count(*) FROM screenings") == 10);
    CHECK(site.count("SELECT count(*) FROM staff") == 5);

    SECTION("the queue lists every screening waiting for review or a decision, by patient") {
        const auto queue = site.mrscreen("queue");
        INFO(queue.out);
        REQUIRE(queue.code == 0);
        store::pg::Connection db(site.server.connection(site.database, "postgres"));
        const auto open = db.exec(
            "SELECT p.family_name || ', ' || p.given_name FROM screenings s JOIN patients p "
            "ON p.id = s.patient_id WHERE s.state IN ('submitted', 'reviewed')");
        REQUIRE(open.rows() == 6); // four waiting for review, the correction, one for its signer
        for (int r = 0; r < open.rows(); ++r)
            CHECK_THAT(queue.out, Contains(open.text(r, 0)));
        CHECK_THAT(queue.out, Contains("Lindqvist, Margaret") && Contains("Nakamura, Dorothy"));
    }
    SECTION("every screening has its signed PDF in the database, each matching its SHA-256; none "
            "on disk") {
        CHECK(site.count("SELECT count(*) FROM records") >=
              14); // one each, a second for the 4 decided
        CHECK(site.count("SELECT count(*) FROM records WHERE pdf IS NULL OR encode(sha256(pdf), "
                         "'hex') <> sha256 "
                         "OR substr(pdf, 1, 5) <> '%PDF-'::bytea") == 0);
        CHECK(
            site.count(
                "SELECT count(*) FROM screenings s WHERE NOT EXISTS (SELECT 1 FROM records r WHERE "
                "r.screening_id = s.id)") == 0);
        CHECK(site.count("SELECT count(*) FROM screenings s WHERE s.state IN ('cleared', "
                         "'cleared_with_conditions', "
                         "'not_cleared', 'amended') AND (SELECT count(*) FROM records r WHERE "
                         "r.screening_id = s.id) "
                         "< 2") == 0);
        CHECK_FALSE(fs::exists(site.dir / "data" / "mrscreen.db"));
        const fs::path records = site.dir / "data" / "records";
        CHECK((!fs::exists(records) || fs::is_empty(records)));
    }
    SECTION("mrscreen audit verify finds the trail intact, and a changed record PDF is found") {
        const auto verify = site.mrscreen("audit verify");
        INFO(verify.out);
        CHECK(verify.code == 0);
        CHECK_THAT(verify.out, Contains("Audit trail intact"));
        // The check above can fail: one changed byte no longer matches its SHA-256.
        site.server.superuser(
            site.database, "UPDATE records SET pdf = overlay(pdf PLACING '\\x00'::bytea FROM 100) "
                           "WHERE id = (SELECT min(id) FROM records)");
        CHECK(site.count(
                  "SELECT count(*) FROM records WHERE encode(sha256(pdf), 'hex') <> sha256") == 1);
    }
}

TEST_CASE("demo refuses a PostgreSQL database that already holds screenings, naming it, and "
          "changes nothing") {
    const DemoSite site("twice");
    REQUIRE(site.mrscreen("demo").code == 0);
    const auto auditRows = site.count("SELECT count(*) FROM audit");
    const auto again = site.mrscreen("demo");
    CHECK(again.code == 2);
    CHECK_THAT(again.out,
               Contains("the PostgreSQL database " + site.url() + " already holds 10 screenings") &&
                   Contains("only into an empty database"));
    CHECK(site.count("SELECT count(*) FROM audit") == auditRows);
    CHECK(site.count("SELECT count(*) FROM screenings") == 10);
}

TEST_CASE("demo with a database password file others can read refuses before it writes anything") {
    const DemoSite site("open-password");
    fs::permissions(site.passwordFile, fs::perms::group_read | fs::perms::others_read,
                    fs::perm_options::add);
    const auto demo = site.mrscreen("demo");
    CHECK(demo.code == 2);
    CHECK_THAT(demo.out, Contains(site.passwordFile.string()) && Contains("0600"));
    CHECK(site.count("SELECT count(*) FROM screenings") == 0);
    CHECK(site.count("SELECT count(*) FROM staff") == 0);
    CHECK_FALSE(fs::exists(site.dir / "data" / "keys"));
}
