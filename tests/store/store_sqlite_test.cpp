// The SQLite backend itself, beyond the store contract (store_test.cpp and the other contract
// files): WAL, synchronous and foreign keys, the schema and its migrations, refusal of newer and
// damaged files, and the cheap start after a clean stop. Each test works on its own database file.
#include "store/migrations.h"
#include "store/sqlite.h"
#include "store/store.h"
#include "store_fixture.h"

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>
#include <sqlite3.h>

#include <filesystem>
#include <fstream>
#include <memory>
#include <string>

using Catch::Matchers::Contains;
using namespace store_fixture;

namespace fs = std::filesystem;

namespace {

std::string freshDatabasePath() { return store_fixture::scratchDatabasePath("store-sqlite"); }

const Flag kPacemaker = flag("pacemaker", Severity::Stop, "implant");
const Flag kPregnancy = flag("pregnancy", Severity::Review, "pregnancy");

// The StoreError message `f` throws, or "" when it throws none.
template <typename F> std::string storeErrorOf(F&& f) { return messageThrownBy<StoreError>(f); }

struct ScratchStore : store_fixture::ScratchStoreBase {
    ScratchStore() : ScratchStoreBase(freshDatabasePath()) {}
};

// The connection SQLite opens while `open` runs, caught through an auto-extension, so the tests can
// read the store's own per-connection settings (synchronous and foreign_keys are not in the file).
sqlite3* gOpenedConnection = nullptr;

int rememberConnection(sqlite3* db, const char**, const sqlite3_api_routines*) {
    if (!gOpenedConnection)
        gOpenedConnection = db;
    return SQLITE_OK;
}

template <typename F> sqlite3* connectionOpenedBy(F&& open) {
    gOpenedConnection = nullptr;
    const auto entry = reinterpret_cast<void (*)()>(&rememberConnection);
    sqlite3_auto_extension(entry);
    open();
    sqlite3_cancel_auto_extension(entry);
    return gOpenedConnection;
}

std::string pragma(sqlite3* connection, const std::string& name) {
    Statement st(connection, "PRAGMA " + name);
    REQUIRE(st.step());
    return st.text(0);
}

void overwrite(const std::string& path, std::streamoff offset, std::size_t bytes, char with) {
    std::fstream f(path, std::ios::in | std::ios::out | std::ios::binary);
    REQUIRE(f);
    f.seekp(offset);
    const std::string garbage(bytes, with);
    f.write(garbage.data(), std::streamsize(garbage.size()));
}

// A closed database holding a few screenings, its WAL checkpointed into the main file.
std::string databaseWithScreenings(int screenings) {
    ScratchStore s;
    for (int i = 0; i < screenings; ++i) {
        auto n = sampleScreening({kPacemaker, kPregnancy}, "Patient" + std::to_string(i));
        n.responseJson = nlohmann::json{{"resourceType", "QuestionnaireResponse"},
                                        {"status", "completed"},
                                        {"text", std::string(1500, char('a' + i % 26))}}
                             .dump();
        s.store->submit(n, kPatient);
    }
    const std::string path = s.path;
    s.store.reset();
    REQUIRE_FALSE(fs::exists(path + "-wal"));
    return path;
}

} // namespace

// [SECTION] schema and opening

TEST_CASE(
    "a new database is created in WAL mode with full sync, foreign keys on and the newest schema") {
    const std::string path = freshDatabasePath();
    std::unique_ptr<Store> store;
    sqlite3* connection = connectionOpenedBy([&] { store = openSqliteStore(path); });
    REQUIRE(connection != nullptr);
    REQUIRE(fs::exists(path));

    CHECK(pragma(connection, "journal_mode") == "wal");
    CHECK(pragma(connection, "synchronous") == "2"); // FULL
    CHECK(pragma(connection, "foreign_keys") == "1");
    CHECK(std::stoi(pragma(connection, "busy_timeout")) >= 1000);

    Database other(path);
    CHECK(pragma(other.handle(), "journal_mode") == "wal"); // kept in the file
    const auto& migrations = builtInMigrations();
    REQUIRE_FALSE(migrations.empty());
    CHECK(schemaVersion(other) == migrations.back().version);
    auto recorded = other.prepare("SELECT COUNT(*) FROM schema_migrations");
    recorded.step();
    CHECK(recorded.integer(0) == std::int64_t(migrations.size()));
    for (const char* table :
         {"patients", "screenings", "responses", "flags", "labs", "implants", "decisions",
          "signatures", "records", "staff", "audit", "audit_head"}) {
        INFO("table " << table);
        auto st =
            other.prepare("SELECT COUNT(*) FROM sqlite_master WHERE type = 'table' AND name = ?");
        st.bind(1, table).step();
        CHECK(st.integer(0) == 1);
    }
    CHECK(store->queue().empty());
    CHECK(store->countScreenings() == 0);
}

TEST_CASE("the built-in migrations are numbered in order without gaps") {
    const auto& migrations = builtInMigrations();
    for (std::size_t i = 0; i < migrations.size(); ++i) {
        INFO(migrations[i].name);
        CHECK(migrations[i].version == int(i) + 1);
        CHECK_FALSE(migrations[i].sql.empty());
    }
}

TEST_CASE("opening an existing database again applies no migration twice and keeps its data") {
    ScratchStore s;
    const auto id = s.store->submit(sampleScreening({kPacemaker}), kPatient);
    s.store.reset();
    s.store = openSqliteStore(s.path);
    CHECK(s.count("SELECT COUNT(*) FROM schema_migrations") ==
          std::int64_t(builtInMigrations().size()));
    CHECK(s.store->screening(id).value().flags.size() == 1);
    Database db(s.path);
    CHECK(migrate(db) == 0);
}

TEST_CASE("a database at an older schema version is upgraded in place and keeps its screenings") {
    const std::string path = freshDatabasePath();
    std::int64_t id = 0;
    {
        Database db(path);
        CHECK(migrate(db, 1) == 1);
        REQUIRE(schemaVersion(db) == 1);
        db.exec(
            "INSERT INTO patients (id, family_name, given_name, birth_date, sex, created_at) "
            "VALUES (7, 'Lindqvist', 'Maja', '1961-07-02', 'female', '2025-12-01T09:00:00.000Z')");
        db.exec("INSERT INTO screenings (patient_id, form_url, form_version, form_sha256, "
                "rules_sha256, state, "
                "origin, created_at, submitted_at) VALUES (7, "
                "'http://example.org/fhir/Questionnaire/mri-safety', "
                "'1.0.0', 'f', 'r', 'submitted', 'kiosk', '2025-12-01T09:00:00.000Z', "
                "'2025-12-01T09:05:00.000Z')");
        id = db.lastInsertId();
        db.prepare("INSERT INTO responses (screening_id, version, json, sha256, created_at) "
                   "VALUES (?, 1, '{\"resourceType\":\"QuestionnaireResponse\"}', 'x', "
                   "'2025-12-01T09:05:00.000Z')")
            .bind(1, id)
            .run();
        db.prepare("INSERT INTO flags (screening_id, rule_id, category, severity, message, "
                   "triggers_json) "
                   "VALUES (?, 'pacemaker', 'implant', 'stop', 'Pacemaker', '[]')")
            .bind(1, id)
            .run();
    }

    auto store = openSqliteStore(path);

    Database db(path);
    CHECK(schemaVersion(db) == builtInMigrations().back().version);
    auto index = db.prepare(
        "SELECT COUNT(*) FROM sqlite_master WHERE type = 'index' AND name = 'screenings_by_state'");
    index.step();
    CHECK(index.integer(0) == 1);

    const auto detail = store->screening(id);
    REQUIRE(detail);
    CHECK(detail->summary.patient.familyName == "Lindqvist");
    CHECK(detail->summary.state == ScreeningState::Submitted);
    CHECK(detail->responseJson == R"({"resourceType":"QuestionnaireResponse"})");
    REQUIRE(detail->flags.size() == 1);
    CHECK(detail->flags[0].ruleId == "pacemaker");
    const auto queue = store->queue();
    REQUIRE(queue.size() == 1);
    CHECK(queue[0].id == id);
    CHECK(queue[0].stopFlags == 1);
}

TEST_CASE("a database written by a newer program is refused with a message saying to install that "
          "program") {
    const std::string path = freshDatabasePath();
    {
        Database db(path);
        migrate(db);
        db.exec("INSERT INTO schema_migrations (version, name, applied_at) "
                "VALUES (99, '0099_from_the_future', '2030-01-01T00:00:00.000Z')");
    }
    const auto message = storeErrorOf([&] { openSqliteStore(path); });
    INFO(message);
    CHECK_THAT(message, Contains(path));
    CHECK_THAT(message, Contains("schema version 99"));
    CHECK_THAT(message, Contains("newer than this program"));
    CHECK_THAT(message, Contains("install the newer mrscreen"));

    Database db(path);
    CHECK(schemaVersion(db) == 99);
    CHECK_THROWS_AS(migrate(db), StoreError);
}

TEST_CASE("a database file with a damaged header is refused with a message that says to restore "
          "the backup") {
    const std::string path = databaseWithScreenings(3);
    overwrite(path, 0, 100, 'X');
    const auto message = storeErrorOf([&] { openSqliteStore(path); });
    INFO(message);
    CHECK_THAT(message, Contains(path));
    CHECK_THAT(message, Contains("integrity check"));
    CHECK_THAT(message, Contains("restore the latest backup"));
}

// A marker nobody holds the lock on: a process that had the database open stopped without closing it.
void leaveCrashedSession(const std::string& path) {
    fs::create_directories(path + ".sessions");
    std::ofstream(path + ".sessions/4999999999-1.open") << "4999999999\n";
}

TEST_CASE("a database file with damaged pages is refused at the start after a crash, and by the check at any "
          "time, with a message that says to restore the backup") {
    const std::string path = databaseWithScreenings(12);
    const auto size = fs::file_size(path);
    REQUIRE(size > 8 * 4096);

    SECTION("pages overwritten with garbage") {
        overwrite(path, std::streamoff(size / 2), 3 * 4096, '\x5a');
    }
    SECTION("the cell pointers of the last page overwritten, so quick_check lists the damage") {
        overwrite(path, std::streamoff(size - 4096 + 8), 64, '\x5a');
    }
    SECTION("the file truncated to half its pages") {
        fs::resize_file(path, (size / 2) / 4096 * 4096);
    }

    // After a clean stop the start reads the header only; the check reads every page.
    auto message = storeErrorOf([&] { openSqliteStore(path)->checkIntegrity(); });
    INFO(message);
    CHECK_THAT(message, Contains(path));
    CHECK_THAT(message, Contains("will not run on a damaged database"));
    CHECK_THAT(message, Contains("restore the latest backup"));

    leaveCrashedSession(path);
    message = storeErrorOf([&] { openSqliteStore(path); });
    CHECK_THAT(message, Contains("will not run on a damaged database"));
    CHECK_THAT(message, Contains("restore the latest backup"));
}

TEST_CASE("a start after a clean stop does not read every page, and a start after a crash does, once") {
    const std::string path = databaseWithScreenings(12);
    const auto size = fs::file_size(path);
    // Damage far from the header: a start that read every page would refuse the file.
    overwrite(path, std::streamoff(size - 4096 + 8), 64, '\x5a');
    CHECK(storeErrorOf([&] { openSqliteStore(path); }).empty());
    {
        // Another store still open (its marker locked) is no crash: the second start stays cheap.
        const auto first = openSqliteStore(path);
        CHECK(storeErrorOf([&] { openSqliteStore(path); }).empty());
    }
    leaveCrashedSession(path);
    CHECK_FALSE(storeErrorOf([&] { openSqliteStore(path); }).empty());

    // A sound file after a crash: checked at that start, which then forgets the crashed session.
    const std::string sound = databaseWithScreenings(3);
    leaveCrashedSession(sound);
    {
        const auto st = openSqliteStore(sound);
        CHECK(st->countScreenings() == 3);
        CHECK_FALSE(fs::exists(sound + ".sessions/4999999999-1.open"));
        // While it is open its own session is noted, and removed when it closes.
        CHECK(std::distance(fs::directory_iterator(sound + ".sessions"), fs::directory_iterator()) == 1);
    }
    CHECK(fs::is_empty(sound + ".sessions"));
}

TEST_CASE("migrating a version 8 database keeps its staff, flags and screenings and allows the radiologist role") {
    const std::string path = freshDatabasePath();
    {
        Database db(path);
        migrate(db, 8);
        db.exec("INSERT INTO staff (username, display_name, role, secret_hash, failed_attempts, created_at) "
                "VALUES ('nina', 'Nina Nurse', 'nurse', 'hash', 2, '2026-01-01T00:00:00Z')");
        db.exec("INSERT INTO screenings (form_url, form_version, form_sha256, rules_sha256, state, origin, created_at) "
                "VALUES ('u', '1.0.0', 'a', 'b', 'submitted', 'kiosk', '2026-01-01T00:00:00Z')");
        db.exec("INSERT INTO flags (screening_id, rule_id, category, severity, message, triggers_json) "
                "VALUES (1, 'implant-pacemaker', 'implant', 'stop', 'm', '[]')");
    }
    const auto store = openSqliteStore(path);
    const auto staff = store->staff();
    REQUIRE(staff.size() == 1);
    CHECK(staff[0].username == "nina");
    CHECK(staff[0].failedAttempts == 2);
    const auto d = store->screening(1).value();
    CHECK(d.contrastPlanned == "unknown");
    CHECK(d.flags.at(0).gate == "zone-iv");
    store->addStaff("rita", "Rita Radiologist", Role::Radiologist, "482913", kAdmin);
    CHECK(store->staff().size() == 2);
}

TEST_CASE("migrating a version 13 database puts in the queue exactly the decided screenings whose "
          "contrast part waits") {
    const std::string path = freshDatabasePath();
    {
        Database db(path);
        migrate(db, 13);
        // Ids 1-7: the contrast part waits (1, planned unknown; 2, planned yes; 3, a review flag);
        // signed already (4); not planned (5); only an info or a Zone IV flag (6, 7). 8 is
        // submitted.
        const char* const rows[][3] = {{"cleared", "unknown", "stop"},
                                       {"not_cleared", "yes", "stop"},
                                       {"cleared_with_conditions", "unknown", "review"},
                                       {"cleared", "unknown", "stop"},
                                       {"cleared", "no", "stop"},
                                       {"cleared", "unknown", "info"},
                                       {"cleared", "unknown", "zone-iv"},
                                       {"submitted", "no", "info"}};
        for (const auto& [state, planned, severity] : rows) {
            const bool zoneIv = std::string(severity) == "zone-iv";
            db.prepare("INSERT INTO screenings (form_url, form_version, form_sha256, rules_sha256, "
                       "state, origin, created_at, submitted_at, contrast_planned) VALUES ('u', "
                       "'1.0.0', 'a', 'b', ?, 'kiosk', '2026-01-01T00:00:00Z', "
                       "'2026-01-01T00:00:00Z', ?)")
                .bind(1, state)
                .bind(2, planned)
                .run();
            db.prepare("INSERT INTO flags (screening_id, rule_id, category, severity, message, "
                       "triggers_json, gate) VALUES (?, 'renal-egfr-low', 'renal', ?, 'm', '[]', "
                       "?)")
                .bind(1, db.lastInsertId())
                .bind(2, zoneIv ? "stop" : severity)
                .bind(3, zoneIv ? "zone-iv" : "contrast")
                .run();
        }
        db.exec("INSERT INTO contrast_decisions (screening_id, outcome, decided_by, decided_at) "
                "VALUES (4, 'cleared', 'rita', '2026-01-01T01:00:00Z')");
    }
    const auto store = openSqliteStore(path);
    std::vector<std::int64_t> queued;
    for (const auto& q : store->queue())
        queued.push_back(q.id);
    CHECK(queued == std::vector<std::int64_t>{1, 2, 3, 8});
}

TEST_CASE("migrating a version 14 database puts in the queue a decided screening an older program "
          "left out of it, and a deleted contrast decision or flag moves it in or out") {
    const std::string path = freshDatabasePath();
    {
        Database db(path);
        migrate(db, 14);
        // Decided by a program that did not keep contrast_waiting: the column says 0.
        db.exec("INSERT INTO screenings (form_url, form_version, form_sha256, rules_sha256, state, "
                "origin, created_at, submitted_at) VALUES ('u', '1.0.0', 'a', 'b', 'cleared', "
                "'kiosk', '2026-01-01T00:00:00Z', '2026-01-01T00:00:00Z')");
        db.exec("INSERT INTO flags (screening_id, rule_id, category, severity, message, "
                "triggers_json, gate) VALUES (1, 'renal-egfr-low', 'renal', 'stop', 'm', '[]', "
                "'contrast')");
    }
    const auto store = openSqliteStore(path);
    const auto queue = store->queue();
    REQUIRE(queue.size() == 1);
    CHECK(queue[0].id == 1);
    CHECK(queue[0].state == ScreeningState::Cleared);
    // SQLite has no role to refuse a DELETE: a contrast decision or a flag deleted behind the
    // store puts the screening back in the queue or takes it out.
    Database db(path);
    db.exec("INSERT INTO contrast_decisions (screening_id, outcome, decided_by, decided_at) "
            "VALUES (1, 'cleared', 'rita', '2026-01-01T01:00:00Z')");
    CHECK(store->queue().empty());
    db.exec("DELETE FROM contrast_decisions");
    CHECK(store->queue().size() == 1);
    db.exec("DELETE FROM flags");
    CHECK(store->queue().empty());
}
