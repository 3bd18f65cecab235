// Issue 13's fault test on a real PostgreSQL server: two kiosk processes
// (tests/store/kiosk_writer.cpp, the kiosk's own Submit with its spool and forwarder) submit in a
// loop while the server is stopped with `pg_ctl stop -m immediate` and started again several times.
// Every submission a patient was told is saved arrives exactly once, with one signed record, the
// spools drain, and `mrscreen audit verify` finds the trail intact. The server is the test's own
// (never the one other tests share).
#include "cli/cli_fixture.h"
#include "integration/dicom_servers.h"
#include "pg_server.h"
#include "record/pdf_signature.h"
#include "store/pg.h"
#include "store/spool.h"

#include <catch2/catch.hpp>

#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <map>
#include <random>
#include <set>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

extern char** environ;

using namespace mrscreen;
using Catch::Matchers::Contains;
using mrscreen::test::PostgresServer;
namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;

namespace {

constexpr int kPerWriter = 40; // submissions each kiosk makes
constexpr int kOutages = 4;    // immediate stops, each followed by a start
constexpr int kPauseMs = 150;  // between one patient's submission and the next

// One kiosk-writer process, its output in files; killed if the test ends before it does.
class KioskWriter {
public:
    KioskWriter(const fs::path& config, const std::string& label, const fs::path& dir)
        : out_(dir / (label + ".out")), err_(dir / (label + ".err")) {
        std::vector<std::string> args = {KIOSK_WRITER, config.string(), std::to_string(kPerWriter),
                                         label, std::to_string(kPauseMs)};
        std::vector<char*> argv;
        for (auto& a : args)
            argv.push_back(a.data());
        argv.push_back(nullptr);
        posix_spawn_file_actions_t files;
        posix_spawn_file_actions_init(&files);
        posix_spawn_file_actions_addopen(&files, 1, out_.c_str(), O_WRONLY | O_CREAT | O_TRUNC,
                                         0600);
        posix_spawn_file_actions_addopen(&files, 2, err_.c_str(), O_WRONLY | O_CREAT | O_TRUNC,
                                         0600);
        const int failed = posix_spawn(&pid_, argv[0], &files, nullptr, argv.data(), environ);
        posix_spawn_file_actions_destroy(&files);
        REQUIRE(failed == 0);
    }
    ~KioskWriter() {
        if (pid_ > 0) {
            ::kill(pid_, SIGKILL);
            ::waitpid(pid_, nullptr, 0);
        }
    }
    KioskWriter(const KioskWriter&) = delete;
    KioskWriter& operator=(const KioskWriter&) = delete;

    // The keys it printed as acknowledged so far.
    std::vector<std::string> acknowledged() const {
        std::vector<std::string> keys;
        for (const auto& [key, how] : outcomes())
            keys.push_back(key);
        return keys;
    }
    // Each acknowledged key with how it was saved ("stored" or "spooled"), in order.
    std::vector<std::pair<std::string, std::string>> outcomes() const {
        std::vector<std::pair<std::string, std::string>> saved;
        std::istringstream lines(test::slurp(out_));
        for (std::string word, key, how; lines >> word;)
            if (word == "acknowledged" && lines >> key >> how)
                saved.emplace_back(key, how);
        return saved;
    }
    bool running() {
        if (pid_ <= 0)
            return false;
        int status = 0;
        if (::waitpid(pid_, &status, WNOHANG) != pid_)
            return true;
        pid_ = 0;
        status_ = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
        return false;
    }
    // Its exit status, waiting up to `limit`; -1 when it is still running then.
    int wait(std::chrono::seconds limit) {
        const auto deadline = Clock::now() + limit;
        while (running() && Clock::now() < deadline)
            std::this_thread::sleep_for(std::chrono::milliseconds(100));
        return running() ? -1 : status_;
    }
    std::string output() const { return test::slurp(out_) + test::slurp(err_); }

private:
    fs::path out_, err_;
    pid_t pid_ = 0;
    int status_ = -1;
};

// A kiosk's config as install.sh writes one for a department's server, over the test server's
// socket (which trusts it: no password), with the site key both kiosks sign records with.
fs::path kioskConfig(const fs::path& dir, const std::string& name, const PostgresServer& server,
                     const std::string& database) {
    const fs::path config = dir / (name + ".toml");
    std::ofstream(config) << "[storage]\ndata_dir = \"" << (dir / name).string()
                          << "\"\nurl = \"postgresql:///" << database
                          << "?host=" << server.folder().string() << "&user=mrscreen_app\"\n"
                          << "[site]\nname = \"Fault test\"\nstation_name = \"" << name
                          << "\"\nsigning_key = \"" << (dir / "site-key.pem").string()
                          << "\"\nsigning_cert = \"" << (dir / "site-cert.pem").string() << "\"\n"
                          << "[form]\npath = \"" << test::sourcePath("forms/mri-safety") << "\"\n"
                          << "[audit]\nsyslog = false\n";
    return config;
}

int acknowledgedBy(const std::vector<KioskWriter*>& writers) {
    int n = 0;
    for (const auto* w : writers)
        n += int(w->acknowledged().size());
    return n;
}

// A server of the test's own (stopped under the kiosks, so never the one other tests share) and a
// database on it. The test servers commit asynchronously (fast, and harmless where a server is
// only stopped cleanly); an immediate stop would then lose commits the server had acknowledged,
// so this database commits synchronously, as the department's server does (PostgreSQL's default).
struct CrashableDatabase {
    test::PrivatePostgresServer own;
    const PostgresServer& server = own.server();
    const std::string name = server.createDatabase();
    CrashableDatabase() {
        server.superuser("postgres", "ALTER DATABASE " + name + " SET synchronous_commit = on");
    }
};

} // namespace

TEST_CASE("two kiosks submitting while the PostgreSQL server is stopped immediately and "
          "restarted lose no acknowledged submission, store none twice, drain their spools and "
          "keep the audit trail intact") {
    const CrashableDatabase database;
    const PostgresServer& server = database.server;
    const test::TemporaryFolder scratch("mrscreen-fault-");
    const fs::path dir = scratch.path();
    record::writeSelfSignedIdentity((dir / "site-key.pem").string(),
                                    (dir / "site-cert.pem").string(), "Fault test", 30);
    const fs::path configA = kioskConfig(dir, "kiosk-a", server, database.name);
    const fs::path configB = kioskConfig(dir, "kiosk-b", server, database.name);

    const unsigned seed = std::random_device{}();
    INFO("random seed " << seed
                        << "; the server's log: " << (server.folder() / "server.log").string());
    std::mt19937 random(seed);
    auto pause = [&random](int lowMs, int highMs) {
        std::this_thread::sleep_for(
            std::chrono::milliseconds(std::uniform_int_distribution(lowMs, highMs)(random)));
    };

    KioskWriter a(configA, "kiosk-a", dir), b(configB, "kiosk-b", dir);
    const std::vector<KioskWriter*> writers = {&a, &b};
    // Each outage starts after some more submissions were acknowledged (or when 60 s passed), so
    // it falls while the kiosks are working however fast this machine is.
    for (int i = 1; i <= kOutages; ++i) {
        const int target = i * kPerWriter * 2 / (kOutages + 2);
        const auto deadline = Clock::now() + std::chrono::seconds(60);
        while (acknowledgedBy(writers) < target && Clock::now() < deadline &&
               (a.running() || b.running()))
            std::this_thread::sleep_for(std::chrono::milliseconds(20));
        pause(0, 150);
        server.crash();
        pause(100, 1200); // the kiosks keep submitting: into their spools
        server.resume();
        pause(300, 1500); // and to the store again
    }
    // Bounded: each writer submits, then waits at most 60 s for its spool.
    const int exitA = a.wait(std::chrono::seconds(150)), exitB = b.wait(std::chrono::seconds(150));
    INFO("kiosk-a:\n" << a.output() << "\nkiosk-b:\n" << b.output());
    REQUIRE(exitA == 0);
    REQUIRE(exitB == 0);
    CHECK_THAT(a.output(), Contains("drained"));
    CHECK_THAT(b.output(), Contains("drained"));

    std::set<std::string> acknowledged;
    for (const auto* w : writers)
        for (const auto& key : w->acknowledged())
            acknowledged.insert(key);
    REQUIRE(acknowledged.size() == 2 * kPerWriter);
    // The outages fell while the kiosks worked: some submissions went to the store, some waited.
    std::size_t spooled = 0;
    for (const auto* w : writers)
        for (const auto& [key, how] : w->outcomes())
            spooled += how == "spooled";
    INFO(spooled << " of " << acknowledged.size() << " acknowledged from the spool");
    CHECK(spooled > 0);
    CHECK(spooled < acknowledged.size());

    // What the server holds, read as its superuser, not through the code under test.
    store::pg::Connection db(server.connection(database.name, "postgres"));
    std::map<std::string, std::int64_t> stored; // submission key -> screenings with it
    const auto rows =
        db.exec("SELECT coalesce(submission_key, ''), count(*) FROM screenings GROUP BY 1");
    for (int r = 0; r < rows.rows(); ++r)
        stored[rows.text(r, 0)] = rows.integer(r, 1);
    CHECK(stored.size() == acknowledged.size());
    for (const auto& key : acknowledged) {
        INFO("submission " << key);
        CHECK(stored.count(key) == 1);
        CHECK(stored[key] == 1);
    }
    CHECK(db.exec("SELECT count(*) FROM screenings").integer(0, 0) == 2 * kPerWriter);
    CHECK(
        db.exec("SELECT count(*) FROM audit WHERE action = 'screening.submitted'").integer(0, 0) ==
        2 * kPerWriter);
    // Each patient once, and each screening signed once (a resend finds its record made).
    CHECK(db.exec("SELECT count(DISTINCT family_name) FROM patients p JOIN screenings s ON "
                  "s.patient_id = p.id")
              .integer(0, 0) == 2 * kPerWriter);
    const auto unsigned_ = db.exec(
        "SELECT s.id, count(r.id), string_agg(r.version::text || ' at ' || r.created_at, ', ') "
        "FROM screenings s LEFT JOIN records r ON r.screening_id = s.id GROUP BY s.id "
        "HAVING count(r.id) <> 1");
    for (int r = 0; r < unsigned_.rows(); ++r)
        FAIL_CHECK("screening " << unsigned_.text(r, 0) << " has " << unsigned_.text(r, 1)
                                << " signed record versions: " << unsigned_.text(r, 2));

    for (const char* kiosk : {"kiosk-a", "kiosk-b"}) {
        INFO(kiosk);
        store::Spool spool((dir / kiosk / "spool.db").string());
        CHECK(spool.waiting().empty());
    }
    const auto verify = test::runMrscreen("--config '" + configA.string() + "' audit verify");
    INFO(verify.out);
    CHECK(verify.code == 0);
    CHECK_THAT(verify.out, Contains("Audit trail intact"));
}

TEST_CASE("a store on a server stopped immediately reports it unreachable from the first "
          "statement on, fails at once while it is down, and answers again once it is back "
          "without being opened anew") {
    const CrashableDatabase database;
    const PostgresServer& server = database.server;
    const auto store = store::openPostgresStore(server.connection(database.name));
    CHECK(store->countScreenings() == 0);
    server.crash();
    // libpq reports the closed connection on the first statement before it marks the connection
    // bad; the later ones try to connect again, and fail at once (the socket is gone).
    for (int attempt = 1; attempt <= 3; ++attempt) {
        INFO("statement " << attempt << " after the stop");
        const auto start = Clock::now();
        store::StoreErrorKind kind = store::StoreErrorKind::Other;
        std::string message;
        try {
            store->countScreenings();
        } catch (const store::StoreError& e) {
            kind = e.kind();
            message = e.what();
        }
        CHECK(kind == store::StoreErrorKind::Unreachable);
        CHECK_THAT(message, Contains("the connection to the server was lost"));
        CHECK(Clock::now() - start < std::chrono::seconds(5));
    }
    server.resume();
    // The statement that finds the old connection ended fails (it may have been a COMMIT: never
    // retried); a later one connects again, within a few seconds.
    const auto deadline = Clock::now() + std::chrono::seconds(30);
    for (;;) {
        try {
            const auto screenings = store->countScreenings(); // outside CHECK, which would catch
            CHECK(screenings == 0);
            break;
        } catch (const store::StoreError& e) {
            INFO(e.what());
            REQUIRE(e.transient());
            REQUIRE(Clock::now() < deadline);
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(200));
    }
    store->addStaff("nina", "Nina Okoro, RN", screening::Role::Nurse, "111111",
                    {"admin", screening::Role::Admin});
    CHECK(store->staff().size() == 1);
    CHECK(store->verifyAudit().intact);
}
