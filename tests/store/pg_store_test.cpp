// The PostgreSQL store's own behaviour, beyond the contract every backend passes (store_test.cpp
// and the other contract files run against it too): what the server itself refuses the application
// role, migrations and audit appends from several processes at once, two stations acting on one
// screening, and a server that is down. Every case runs against the real server of pg_server.h.
#include "cli/commands.h"
#include "pg_server.h"
#include "store/pg.h"
#include "store/pg_store.h"
#include "store/pg_store_impl.h"
#include "store_fixture.h"

#include <catch2/catch.hpp>

#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <functional>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

using Catch::Matchers::Contains;
using mrscreen::test::PostgresServer;
using namespace store_fixture;
namespace pg = mrscreen::store::pg;

namespace {

// A database of the test's own, dropped at the end.
struct ScratchDatabase {
    const PostgresServer& server = PostgresServer::shared();
    std::string name;
    explicit ScratchDatabase(bool migrated = true) : name(server.createDatabase(migrated)) {}
    ~ScratchDatabase() {
        try {
            server.dropDatabase(name);
        } catch (...) {
        }
    }
    PostgresConnection as(const std::string& role = "mrscreen_app") const {
        return server.connection(name, role);
    }
};

} // namespace

TEST_CASE("a server that is down is reported as unreachable, naming the server and what to check") {
    const PostgresServer& server = PostgresServer::shared();
    // The run's server answers on its socket; a folder with no server in it does not.
    const PostgresConnection nowhere{
        "postgresql:///mrscreen?host=" + (server.folder() / "nowhere").string() +
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

namespace {

// Runs `work` in `n` processes at once (each waits until all are forked, then starts) and returns
// what each one reported, in the order they were started: its result, or "error: " and what it
// threw.
std::vector<std::string> inProcesses(int n, const std::function<std::string(int)>& work) {
    int start[2];
    REQUIRE(::pipe(start) == 0);
    std::vector<std::pair<pid_t, int>> children;
    for (int i = 0; i < n; ++i) {
        int report[2];
        REQUIRE(::pipe(report) == 0);
        const pid_t pid = ::fork();
        REQUIRE(pid >= 0);
        if (pid == 0) {
            ::close(start[1]);
            ::close(report[0]);
            char go;
            (void)!::read(start[0], &go,
                          1); // returns when the parent closes its end: all start together
            std::string result;
            try {
                result = work(i);
            } catch (const std::exception& e) {
                result = std::string("error: ") + e.what();
            }
            (void)!::write(report[1], result.data(), result.size());
            ::_exit(
                0); // no destructors: the parent's server and databases are not the child's to stop
        }
        ::close(report[1]);
        children.emplace_back(pid, report[0]);
    }
    ::close(start[0]);
    ::close(start[1]);
    std::vector<std::string> results;
    for (const auto& [pid, fd] : children) {
        std::string text;
        char buffer[4096];
        for (ssize_t got; (got = ::read(fd, buffer, sizeof buffer)) > 0;)
            text.append(buffer, size_t(got));
        ::close(fd);
        int status = 0;
        ::waitpid(pid, &status, 0);
        results.push_back(
            WIFEXITED(status) && WEXITSTATUS(status) == 0 ? text : "error: the process died");
    }
    return results;
}

std::int64_t countOf(const PostgresConnection& as, const std::string& sql) {
    pg::Connection db(as);
    return db.exec(sql).integer(0, 0);
}

} // namespace

TEST_CASE("the application role's UPDATE, DELETE and TRUNCATE of audit events are refused by the "
          "server") {
    const ScratchDatabase db;
    const auto store = openPostgresStore(db.as());
    store->submit(sampleScreening(), kPatient);
    store->addStaff("nina", "Nina Nurse", Role::Nurse, kPin, kAdmin);
    pg::Connection app(db.as("mrscreen_app"));

    const auto refusal = [&](const std::string& sql) {
        return messageThrownBy<StoreError>([&] { app.exec(sql); });
    };
    CHECK_THAT(refusal("UPDATE audit SET actor = 'someone else' WHERE seq = 1"),
               Contains("permission denied"));
    CHECK_THAT(refusal("DELETE FROM audit WHERE seq = 2"), Contains("permission denied"));
    CHECK_THAT(refusal("TRUNCATE audit"), Contains("permission denied"));
    CHECK(
        refusal(
            "INSERT INTO audit_head (id, seq, hash) VALUES (1, 1, 'x') ON CONFLICT (id) DO NOTHING")
            .empty());

    // The owner too: the trigger refuses it for every role.
    pg::Connection owner(db.as("mrscreen_owner"));
    CHECK_THAT(messageThrownBy<StoreError>(
                   [&] { owner.exec("UPDATE audit SET actor = 'x' WHERE seq = 1"); }),
               Contains("the audit trail is append-only: UPDATE"));
    CHECK_THAT(messageThrownBy<StoreError>([&] { owner.exec("DELETE FROM audit"); }),
               Contains("the audit trail is append-only: DELETE"));

    const auto check = store->verifyAudit();
    CHECK(check.intact);
    CHECK(store->auditTrail().size() == 2);
}

TEST_CASE(
    "a station whose role may not change the schema finds it behind and is told what to run") {
    const ScratchDatabase empty(false);
    const std::string message =
        messageThrownBy<StoreError>([&] { openPostgresStore(empty.as("mrscreen_app")); });
    CHECK_THAT(message, Contains("has schema version 0 but this mrscreen needs version " +
                                 std::to_string(newestPostgresSchema())));
    CHECK_THAT(message, Contains("the role 'mrscreen_app' may not change the schema"));
    CHECK_THAT(message, Contains("`mrscreen store migrate`"));
    CHECK(postgresSchemaVersion(empty.as("mrscreen_owner")) == 0); // nothing of it was applied
}

TEST_CASE(
    "four stations opening a new database at the same time apply each migration exactly once") {
    const ScratchDatabase fresh(false);
    const auto results = inProcesses(4, [&](int) {
        openPostgresStore(fresh.as("mrscreen_owner"));
        return std::string("opened");
    });
    for (const auto& r : results)
        CHECK(r == "opened");
    CHECK(postgresSchemaVersion(fresh.as("mrscreen_owner")) == newestPostgresSchema());
    CHECK(countOf(fresh.as("mrscreen_owner"), "SELECT COUNT(*) FROM schema_migrations") ==
          newestPostgresSchema());
}

TEST_CASE("four stations appending audit events at the same time leave one intact chain") {
    const ScratchDatabase db;
    openPostgresStore(db.as())->addStaff("nina", "Nina Nurse", Role::Nurse, kPin, kAdmin);
    constexpr int kPerStation = 15;
    const auto results = inProcesses(4, [&](int station) {
        const auto store = openPostgresStore(db.as());
        for (int i = 0; i < kPerStation; ++i) {
            const auto id =
                store->submit(sampleScreening({}, "Station" + std::to_string(station)), kPatient);
            store->noteExport(id, "pdf", "printer", kNurse);
        }
        return std::string("appended");
    });
    for (const auto& r : results)
        CHECK(r == "appended");

    const auto store = openPostgresStore(db.as());
    const auto trail = store->auditTrail();
    REQUIRE(trail.size() == 1 + 4 * kPerStation * 2);
    for (std::size_t i = 0; i < trail.size(); ++i)
        CHECK(trail[i].seq == std::int64_t(i + 1)); // no gaps, no forks: one link per seq
    const auto check = store->verifyAudit();
    INFO(check.problem);
    CHECK(check.intact);
    CHECK(check.head.value().seq == std::int64_t(trail.size()));
}

TEST_CASE("two stations deciding one screening at the same time: one decision is stored, the other "
          "station is "
          "refused, and the screening names who decided and when") {
    const ScratchDatabase db;
    const auto store = openPostgresStore(db.as());
    const auto id = store->submit(sampleScreening(), kPatient);
    store->transition(id, request(Action::Review, kNurse));
    const std::vector<Actor> signers{kMrso, kOtherMrso};

    const auto results = inProcesses(2, [&](int station) {
        const auto mine = openPostgresStore(db.as());
        try {
            mine->transition(id, request(Action::Clear, signers[size_t(station)]));
            return std::string("cleared");
        } catch (const Refused& e) {
            return std::string("refused: ") + e.what();
        }
    });

    INFO(results[0] << " / " << results[1]);
    const int winner = results[0] == "cleared" ? 0 : 1;
    REQUIRE(results[size_t(winner)] == "cleared");
    const std::string& refusal = results[size_t(1 - winner)];
    // The policy's own words, as a signer acting a moment later is told.
    CHECK(refusal ==
          "refused: " + refusalOf([&] { store->transition(id, request(Action::Clear, kMrso)); }));
    CHECK_THAT(refusal, Contains("screening " + std::to_string(id) + ":"));

    const auto d = store->screening(id).value();
    CHECK(d.summary.state == ScreeningState::Cleared);
    REQUIRE(d.decision.has_value());
    CHECK(d.decision->decidedBy == signers[size_t(winner)].username);
    CHECK_FALSE(d.decision->decidedAt.empty());
    std::int64_t clearedEvents = 0;
    for (const auto& e : d.history)
        clearedEvents += e.action == "screening.cleared" ? 1 : 0;
    CHECK(clearedEvents == 1); // nothing overwritten: one decision, one event
    CHECK(countOf(db.as("mrscreen_owner"), "SELECT COUNT(*) FROM decisions") == 1);
    CHECK(store->verifyAudit().intact);
}

namespace {

// A station whose every read of the facts is followed by another station acting first (as in
// workflow_policy_test.cpp, on the PostgreSQL store): the row lock and re-read of its write see it.
class RacedStore final : public mrscreen::store::detail::PostgresStore {
public:
    RacedStore(const PostgresConnection& where, std::function<void()> otherStation)
        : PostgresStore(where, {}), otherStation_(std::move(otherStation)) {}

protected:
    std::optional<mrscreen::screening::ScreeningFacts> readFacts(std::int64_t id) override {
        auto facts = PostgresStore::readFacts(id);
        otherStation_();
        return facts;
    }

private:
    std::function<void()> otherStation_;
};

} // namespace

TEST_CASE("a change to a screening another station keeps changing is a conflict naming who changed "
          "it last and "
          "when, and nothing of it is stored") {
    const ScratchDatabase db;
    const auto other = openPostgresStore(db.as());
    const auto id =
        other->submit(sampleScreening({flag("pacemaker", Severity::Stop, "implant")}), kPatient);
    int notes = 0;
    RacedStore station(db.as(), [&] {
        other->setFlagVerdict(id, "pacemaker", FlagVerdict::Verified,
                              "note " + std::to_string(++notes), kOtherNurse);
    });

    std::string message;
    StoreErrorKind kind = StoreErrorKind::Other;
    try {
        station.addLab(id, LabResult{"creatinine", 1.2, "mg/dL", "2026-11-20", "", ""}, kNurse);
    } catch (const StoreError& e) {
        message = e.what();
        kind = e.kind();
    }

    INFO(message);
    CHECK(kind == StoreErrorKind::Conflict);
    CHECK_THAT(message, Contains("last by ned at " + other->auditTrail().back().at));
    CHECK(other->screening(id).value().labs.empty());
    CHECK(other->verifyAudit().intact);
}

TEST_CASE("`mrscreen store migrate` brings a new database up to date and lets the application role "
          "work in it") {
    const ScratchDatabase fresh(false);
    std::ostringstream out, err;
    mrscreen::cli::StoreMigrateOptions options;
    options.url = fresh.as("mrscreen_owner").url;

    REQUIRE(mrscreen::cli::runStoreMigrate(options, out, err) == 0);
    CHECK(out.str() == "Schema at version " + std::to_string(newestPostgresSchema()) + " (was 0; " +
                           std::to_string(newestPostgresSchema()) +
                           " migration(s) applied); the grants of mrscreen_app are set.\n");
    const auto store = openPostgresStore(fresh.as("mrscreen_app"));
    const auto id = store->submit(sampleScreening(), kPatient);
    CHECK(store->screening(id).has_value());

    // Run again: nothing to apply, and it says so.
    std::ostringstream again;
    CHECK(mrscreen::cli::runStoreMigrate(options, again, err) == 0);
    CHECK_THAT(again.str(), Contains("0 migration(s) applied"));
}

TEST_CASE("`mrscreen store migrate` refuses a password file other users can read, and connects to "
          "nothing") {
    const std::string path = scratchDatabasePath("store-postgresql") + ".password";
    { std::ofstream(path) << "secret\n"; }
    std::filesystem::permissions(path, std::filesystem::perms::owner_read |
                                           std::filesystem::perms::group_read |
                                           std::filesystem::perms::others_read);
    std::ostringstream out, err;
    mrscreen::cli::StoreMigrateOptions options;
    options.url = "postgresql://mrscreen_owner@db.invalid/mrscreen";
    options.passwordFile = path;

    CHECK(mrscreen::cli::runStoreMigrate(options, out, err) == 2);
    CHECK_THAT(
        err.str(),
        Contains("can be read by other users: make it readable by its owner only (chmod 600 " +
                 path));
    CHECK(out.str().empty());
}

TEST_CASE("the whole-database check reads every table of the server's database, and `backup` says "
          "to back up the "
          "server instead of writing a file") {
    const ScratchDatabase db;
    const auto store = openPostgresStore(db.as());
    store->submit(sampleScreening({flag("pacemaker", Severity::Stop, "implant")}), kPatient);
    CHECK_NOTHROW(store->checkIntegrity());

    const std::string target = scratchDatabasePath("store-postgresql") + ".backup";
    const std::string message = messageThrownBy<StoreError>([&] { store->backupTo(target); });
    CHECK_THAT(message, Contains("is not written: back the server up where it runs (pg_dump"));
    CHECK_FALSE(std::filesystem::exists(target));
}

TEST_CASE("a password written into the URL never appears in a message about the server") {
    const PostgresServer& server = PostgresServer::shared();
    const PostgresConnection withPassword{"postgresql://mrscreen_app:hunter2@/mrscreen?host=" +
                                              (server.folder() / "nowhere").string(),
                                          "", "mrscreen-tests"};
    const std::string message =
        messageThrownBy<StoreError>([&] { openPostgresStore(withPassword); });
    CHECK_THAT(message, Contains("postgresql://mrscreen_app:***@/mrscreen"));
    CHECK(message.find("hunter2") == std::string::npos);
    CHECK(message.find('\n') == std::string::npos); // libpq's lines joined into one
}

TEST_CASE("the server's SQLSTATE decides the kind of a store error") {
    CHECK(pg::errorKindOf("08006") == StoreErrorKind::Unreachable); // connection failure
    CHECK(pg::errorKindOf("57P01") ==
          StoreErrorKind::Unreachable); // administrator shut the server down
    CHECK(pg::errorKindOf("57P03") ==
          StoreErrorKind::Unreachable);                          // cannot connect now (starting up)
    CHECK(pg::errorKindOf("40001") == StoreErrorKind::Busy);     // serialization failure
    CHECK(pg::errorKindOf("40P01") == StoreErrorKind::Busy);     // deadlock
    CHECK(pg::errorKindOf("55P03") == StoreErrorKind::Busy);     // lock not available
    CHECK(pg::errorKindOf("53100") == StoreErrorKind::Full);     // disk full
    CHECK(pg::errorKindOf("23505") == StoreErrorKind::Conflict); // unique key taken
    CHECK(pg::errorKindOf("XX001") == StoreErrorKind::Corrupt);  // data corrupted
    CHECK(pg::errorKindOf("XX002") == StoreErrorKind::Corrupt);  // index corrupted
    CHECK(pg::errorKindOf("42501") == StoreErrorKind::Other); // permission denied: the message says
}

TEST_CASE("two stations adding the same username at once: one account is added, the other station "
          "is told the "
          "username is taken") {
    const ScratchDatabase db;
    const auto results = inProcesses(2, [&](int station) {
        const auto store = openPostgresStore(db.as());
        try {
            store->addStaff("nina", "Nina " + std::to_string(station), Role::Nurse, kPin, kAdmin);
            return std::string("added");
        } catch (const Refused& e) {
            return std::string("refused: ") + e.what();
        }
    });
    INFO(results[0] << " / " << results[1]);
    const auto added = std::count(results.begin(), results.end(), "added");
    CHECK(added == 1);
    const std::string& other = results[0] == "added" ? results[1] : results[0];
    // The words a station adding it a moment later gets.
    CHECK(other == "refused: " + refusalOf([&] {
                       openPostgresStore(db.as())->addStaff("nina", "Nina", Role::Nurse, kPin,
                                                            kAdmin);
                   }));
    const auto store = openPostgresStore(db.as());
    CHECK(store->staff().size() == 1);
    CHECK(store->verifyAudit().intact);
}

TEST_CASE("two kiosks sending one submission with the same key at once store one screening, and "
          "both are answered with its id") {
    const ScratchDatabase db;
    auto resent = sampleScreening();
    resent.submissionKey = "6f1c2e4a-spooled-twice";
    const auto results = inProcesses(2, [&](int) {
        return std::to_string(openPostgresStore(db.as())->submit(resent, kPatient));
    });
    CHECK(results[0] == results[1]);
    const auto store = openPostgresStore(db.as());
    CHECK(store->countScreenings() == 1);
    CHECK(store->verifyAudit().intact);
}

TEST_CASE("a change feed whose connection the server ended connects again and reports a change, "
          "then hears the next one") {
    using namespace std::chrono_literals;
    const ScratchDatabase db;
    const auto store = openPostgresStore(db.as());
    auto feed = store->changes();
    while (feed->wait(0ms)) {
    }
    db.server.superuser(db.name,
                        "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE "
                        "datname = current_database() AND query = 'LISTEN mrscreen_changes'");
    CHECK(feed->wait(30s)); // whatever was written meanwhile was not heard
    while (feed->wait(0ms)) {
    }
    store->submit(sampleScreening(), kPatient);
    CHECK(feed->wait(30s));
}

TEST_CASE("a flag raised while another writer decides the same screening leaves it waiting in the "
          "queue for its contrast part, whichever writes first") {
    const ScratchDatabase db;
    const auto store = openPostgresStore(db.as());
    const std::string decide = "UPDATE screenings SET state = 'cleared' WHERE id = ";
    const std::string raiseFlag =
        "INSERT INTO flags (screening_id, rule_id, category, severity, message, triggers_json, "
        "gate) VALUES ($1, 'renal-egfr-low', 'renal', 'stop', 'm', '[]', 'contrast')";
    // Writers that take no lock of their own (not the store, which locks the screening first):
    // the first holds its transaction open while the second writes; the second must then wait
    // for it rather than judge by a screening about to change.
    const auto race = [&](std::int64_t id, bool decideFirst) {
        pg::Connection first(db.as());
        const auto write = [&](pg::Connection& c, bool decideNow) {
            if (decideNow)
                c.exec(decide + std::to_string(id));
            else
                c.exec(raiseFlag, {id});
        };
        first.exec("BEGIN");
        write(first, decideFirst);
        std::atomic<bool> secondDone{false};
        std::thread second([&] {
            pg::Connection c(db.as());
            write(c, !decideFirst);
            secondDone = true;
        });
        // Until the second writer waits for the first one's lock, or is done without waiting.
        pg::Connection watch(db.as("mrscreen_owner"));
        for (int i = 0; i < 500 && !secondDone; ++i) {
            if (watch
                    .exec("SELECT COUNT(*) FROM pg_stat_activity WHERE datname = "
                          "current_database() AND wait_event_type = 'Lock'")
                    .integer(0, 0) > 0)
                break;
            std::this_thread::sleep_for(std::chrono::milliseconds(20));
        }
        first.exec("COMMIT");
        second.join();
    };
    const auto decideFirst = store->submit(sampleScreening(), kPatient);
    const auto flagFirst = store->submit(sampleScreening(), kPatient);
    race(decideFirst, true);
    race(flagFirst, false);
    std::vector<std::int64_t> queued;
    for (const auto& q : store->queue())
        queued.push_back(q.id);
    CHECK(queued == std::vector<std::int64_t>{decideFirst, flagFirst});
}
