// The hash-chained audit trail: verifyChain() on events built in memory, and the store's trail
// after real operations, then tampered with the way someone holding the sqlite3 shell and the
// file could: editing, deleting, reordering and re-hashing rows. Each must be caught, naming the
// first row that no longer fits.
#include "store/audit.h"
#include "store/store.h"
#include "store_fixture.h"

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>
#include <sqlite3.h>
#include <unistd.h>

#include <filesystem>
#include <memory>
#include <string>
#include <vector>

using namespace mrscreen::store;
using Catch::Matchers::Contains;
using mrscreen::screening::Action;
using mrscreen::screening::Flag;
using store_fixture::kAdmin;
using store_fixture::kMrso;
using store_fixture::kNurse;
using store_fixture::kPatient;

namespace fs = std::filesystem;

namespace {

// [SECTION] events in memory

AuditEvent event(std::int64_t seq, const std::string& action,
                 std::optional<std::int64_t> screeningId, const std::string& detailJson) {
    AuditEvent e;
    e.seq = seq;
    e.at = "2026-11-25T14:01:" + std::to_string(10 + seq) + ".123Z";
    e.actor = seq % 2 ? "patient" : "nina";
    e.action = action;
    e.screeningId = screeningId;
    e.detailJson = detailJson;
    return e;
}

// `n` correctly linked events, starting from the genesis hash.
std::vector<AuditEvent> chainOf(int n) {
    std::vector<AuditEvent> events;
    std::string prev = kGenesisHash;
    for (int i = 1; i <= n; ++i) {
        auto e = event(i, i % 3 ? "screening.submitted" : "staff.added",
                       i % 3 ? std::optional<std::int64_t>(i) : std::nullopt,
                       nlohmann::json{{"n", i}, {"note", "event " + std::to_string(i)}}.dump());
        e.prevHash = prev;
        e.hash = chainHash(prev, e);
        prev = e.hash;
        events.push_back(e);
    }
    return events;
}

AuditCheck verifyWithHead(const std::vector<AuditEvent>& events) {
    return verifyChain(events, events.empty() ? std::optional<std::int64_t>() : events.back().seq,
                       events.empty() ? "" : events.back().hash);
}

void checkBrokenAt(const AuditCheck& check, std::int64_t seq, const std::string& problem) {
    INFO("problem: " << check.problem);
    CHECK_FALSE(check.intact);
    REQUIRE(check.firstBadSeq);
    CHECK(*check.firstBadSeq == seq);
    CHECK_THAT(check.problem, Contains(problem));
}

// [SECTION] a store on disk and a shell on its file

std::string freshDatabasePath() { return store_fixture::scratchDatabasePath("store", "audit-"); }

Flag flag(const std::string& id, Severity severity) {
    Flag f;
    f.id = id;
    f.category = "implant";
    f.severity = severity;
    f.message = "Check " + id;
    return f;
}

// The shared sample, its response without items.
NewScreening sampleScreening(std::vector<Flag> flags = {}) {
    NewScreening s = store_fixture::sampleScreening(std::move(flags));
    s.responseJson = R"({"resourceType":"QuestionnaireResponse","status":"completed"})";
    return s;
}

TransitionRequest request(Action action, const Actor& actor, const std::string& reason = "") {
    return TransitionRequest{action, actor, reason, ""};
}

// What someone with the sqlite3 shell and write access to the database file can do.
class SqliteShell {
public:
    explicit SqliteShell(const std::string& path) {
        if (sqlite3_open(path.c_str(), &db_) != SQLITE_OK)
            FAIL("cannot open " << path);
    }
    ~SqliteShell() { sqlite3_close(db_); }
    SqliteShell(const SqliteShell&) = delete;
    SqliteShell& operator=(const SqliteShell&) = delete;

    void exec(const std::string& sql) {
        char* error = nullptr;
        const int rc = sqlite3_exec(db_, sql.c_str(), nullptr, nullptr, &error);
        const std::string message = error ? error : "";
        sqlite3_free(error);
        INFO(sql << ": " << message);
        REQUIRE(rc == SQLITE_OK);
    }

    std::int64_t integer(const std::string& sql) {
        sqlite3_stmt* st = nullptr;
        REQUIRE(sqlite3_prepare_v2(db_, sql.c_str(), -1, &st, nullptr) == SQLITE_OK);
        REQUIRE(sqlite3_step(st) == SQLITE_ROW);
        const std::int64_t value = sqlite3_column_int64(st, 0);
        sqlite3_finalize(st);
        return value;
    }

    AuditEvent row(std::int64_t seq) {
        sqlite3_stmt* st = nullptr;
        REQUIRE(sqlite3_prepare_v2(
                    db_,
                    "SELECT seq, at, actor, action, screening_id, detail_json, prev_hash, hash "
                    "FROM audit WHERE seq = ?",
                    -1, &st, nullptr) == SQLITE_OK);
        sqlite3_bind_int64(st, 1, seq);
        REQUIRE(sqlite3_step(st) == SQLITE_ROW);
        AuditEvent e;
        e.seq = sqlite3_column_int64(st, 0);
        e.at = text(st, 1);
        e.actor = text(st, 2);
        e.action = text(st, 3);
        if (sqlite3_column_type(st, 4) != SQLITE_NULL)
            e.screeningId = sqlite3_column_int64(st, 4);
        e.detailJson = text(st, 5);
        e.prevHash = text(st, 6);
        e.hash = text(st, 7);
        sqlite3_finalize(st);
        return e;
    }

    // Writes every column of `e` over the row with seq `at`.
    void overwriteRow(std::int64_t at, const AuditEvent& e) {
        sqlite3_stmt* st = nullptr;
        REQUIRE(sqlite3_prepare_v2(
                    db_,
                    "UPDATE audit SET seq = ?, at = ?, actor = ?, action = ?, screening_id = ?, "
                    "detail_json = ?, prev_hash = ?, hash = ? WHERE seq = ?",
                    -1, &st, nullptr) == SQLITE_OK);
        sqlite3_bind_int64(st, 1, e.seq);
        bindText(st, 2, e.at);
        bindText(st, 3, e.actor);
        bindText(st, 4, e.action);
        if (e.screeningId)
            sqlite3_bind_int64(st, 5, *e.screeningId);
        else
            sqlite3_bind_null(st, 5);
        bindText(st, 6, e.detailJson);
        bindText(st, 7, e.prevHash);
        bindText(st, 8, e.hash);
        sqlite3_bind_int64(st, 9, at);
        REQUIRE(sqlite3_step(st) == SQLITE_DONE);
        sqlite3_finalize(st);
        REQUIRE(sqlite3_changes(db_) == 1);
    }

private:
    sqlite3* db_ = nullptr;

    static std::string text(sqlite3_stmt* st, int column) {
        const auto* p = sqlite3_column_text(st, column);
        return p ? reinterpret_cast<const char*>(p) : "";
    }
    static void bindText(sqlite3_stmt* st, int index, const std::string& value) {
        sqlite3_bind_text(st, index, value.c_str(), int(value.size()), SQLITE_TRANSIENT);
    }
};

// A store whose trail holds kTrailRows events from ordinary work (no staff hashing needed).
constexpr std::int64_t kTrailRows = 9; // an amendment writes two: the original's and the correction's

struct TrailOnDisk {
    std::string path = freshDatabasePath();
    std::unique_ptr<Store> store = openSqliteStore(path);

    TrailOnDisk() {
        const auto a =
            store->submit(sampleScreening({flag("pacemaker", Severity::Stop)}), kPatient); // 1
        const auto b = store->submit(sampleScreening(), kPatient);                         // 2
        store->setFlagVerdict(a, "pacemaker", FlagVerdict::Verified, "Card seen", kNurse); // 3
        store->transition(a, request(Action::Review, kNurse));                             // 4
        store->transition(b, request(Action::Review, kNurse));                             // 5
        store->transition(a, request(Action::Clear, kMrso, "Cardiology present"));         // 6
        store->transition(b, request(Action::NotClear, kMrso));                            // 7
        store->amend(b, sampleScreening(), kNurse);                                        // 8
        REQUIRE(store->verifyAudit().rows == kTrailRows);
        store.reset(); // the kiosk is stopped while the file is edited
    }

    AuditCheck verify() {
        store = openSqliteStore(path);
        return store->verifyAudit();
    }
};

} // namespace

// [SECTION] hashing

TEST_CASE("sha256Hex gives the published SHA-256 test vectors in lower-case hex") {
    CHECK(sha256Hex("abc") == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    CHECK(sha256Hex("") == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
}

TEST_CASE("the canonical event is its fields as JSON with sorted keys and no whitespace") {
    auto e = event(1, "screening.submitted", 7, R"({"origin": "kiosk",  "flags": 2})");
    CHECK(canonicalEvent(e) ==
          R"({"action":"screening.submitted","actor":"patient","at":"2026-11-25T14:01:11.123Z",)"
          R"("detail":{"flags":2,"origin":"kiosk"},"screening":7,"seq":1})");
    e.screeningId.reset();
    CHECK_THAT(canonicalEvent(e), Contains(R"("screening":null)"));
}

TEST_CASE("equal detail JSON hashes equally whatever its spacing or key order, and other detail "
          "does not") {
    const auto compact = event(4, "flag.verified", 2, R"({"flag":"pacemaker","note":"Card seen"})");
    const auto spaced =
        event(4, "flag.verified", 2, "{ \"note\" : \"Card seen\",\n  \"flag\" : \"pacemaker\" }");
    const auto changed =
        event(4, "flag.verified", 2, R"({"flag":"pacemaker","note":"Nothing found"})");
    const auto notJson = event(4, "flag.verified", 2, "Card seen");
    CHECK(chainHash(kGenesisHash, compact) == chainHash(kGenesisHash, spaced));
    CHECK(chainHash(kGenesisHash, compact) != chainHash(kGenesisHash, changed));
    CHECK(chainHash(kGenesisHash, compact) != chainHash(kGenesisHash, notJson));
}

TEST_CASE("an event's hash depends on the previous hash and on every field") {
    const auto base = event(3, "screening.reviewed", 5, R"({"to":"reviewed"})");
    const auto hash = chainHash(kGenesisHash, base);
    CHECK(hash == sha256Hex(kGenesisHash + canonicalEvent(base)));
    CHECK(chainHash(std::string(64, '1'), base) != hash);
    auto e = base;
    e.seq = 4;
    CHECK(chainHash(kGenesisHash, e) != hash);
    e = base;
    e.at = "2026-11-25T14:01:13.124Z";
    CHECK(chainHash(kGenesisHash, e) != hash);
    e = base;
    e.actor = "omar";
    CHECK(chainHash(kGenesisHash, e) != hash);
    e = base;
    e.action = "screening.cleared";
    CHECK(chainHash(kGenesisHash, e) != hash);
    e = base;
    e.screeningId = 6;
    CHECK(chainHash(kGenesisHash, e) != hash);
    e.screeningId.reset();
    CHECK(chainHash(kGenesisHash, e) != hash);
}

// [SECTION] verifyChain on events in memory

TEST_CASE("verifyChain accepts an empty trail with no recorded head") {
    const auto check = verifyChain({}, std::nullopt, "");
    CHECK(check.intact);
    CHECK(check.rows == 0);
    CHECK_FALSE(check.firstBadSeq);
    CHECK(check.problem.empty());
}

TEST_CASE("verifyChain accepts a correctly linked chain whose head is its newest event") {
    const auto events = chainOf(6);
    CHECK(events.front().prevHash == kGenesisHash);
    const auto check = verifyWithHead(events);
    CHECK(check.intact);
    CHECK(check.rows == 6);
    CHECK_FALSE(check.firstBadSeq);
}

TEST_CASE("verifyChain names an altered event and stops at the first of several") {
    auto events = chainOf(6);
    events[3].detailJson = R"({"n":4,"note":"rewritten"})";
    checkBrokenAt(verifyWithHead(events), 4, "row 4 was altered after it was written");
    events[1].actor = "someone-else";
    checkBrokenAt(verifyWithHead(events), 2, "row 2 was altered after it was written");
}

TEST_CASE("a chain walked one event at a time, as store copy reads it in batches, refuses every "
          "event after the first break and reports that break, not a later one") {
    auto events = chainOf(6);
    events[2].detailJson = R"({"n":3,"note":"rewritten"})";
    events[4].actor = "someone-else";
    ChainWalk walk;
    CHECK(walk.add(events[0]));
    CHECK(walk.add(events[1]));
    CHECK_FALSE(walk.add(events[2]));
    CHECK_FALSE(walk.add(events[3])); // a correct event after the break does not mend it
    CHECK_FALSE(walk.add(events[4]));
    CHECK(walk.lastSeq() == 2);
    CHECK(walk.lastHash() == events[1].hash);
    const auto check = walk.finish(6, events.back().hash);
    checkBrokenAt(check, 3, "row 3 was altered after it was written");
    CHECK(check.rows == 3);

    ChainWalk whole;
    for (const auto& e : chainOf(6))
        REQUIRE(whole.add(e));
    checkBrokenAt(whole.finish(7, events.back().hash), 7,
                  "the newest 1 row(s) were removed (the trail ended at row 7)");
}

TEST_CASE("verifyChain names a missing event in the middle or at the start") {
    auto events = chainOf(6);
    auto middle = events;
    middle.erase(middle.begin() + 2);
    checkBrokenAt(verifyWithHead(middle), 3, "row 3 is missing (the next row is 4)");
    auto first = events;
    first.erase(first.begin());
    checkBrokenAt(verifyWithHead(first), 1, "row 1 is missing");
}

TEST_CASE("verifyChain detects two events swapped, renumbered or not") {
    auto events = chainOf(6);
    auto swapped = events;
    std::swap(swapped[2], swapped[3]);
    checkBrokenAt(verifyWithHead(swapped), 3, "row 3 is missing");
    std::swap(swapped[2].seq, swapped[3].seq);
    checkBrokenAt(verifyWithHead(swapped), 3, "row 3 does not follow the row before it");
}

TEST_CASE("verifyChain catches a re-hashed event at the event after it") {
    auto events = chainOf(6);
    events[2].actor = "someone-else";
    events[2].hash = chainHash(events[2].prevHash, events[2]);
    checkBrokenAt(verifyWithHead(events), 4, "row 4 does not follow the row before it");
}

TEST_CASE("verifyChain compares the trail's end with the recorded head") {
    const auto events = chainOf(5);
    SECTION("newest events removed") {
        const std::vector<AuditEvent> kept(events.begin(), events.begin() + 3);
        checkBrokenAt(verifyChain(kept, 5, events.back().hash), 4,
                      "the newest 2 row(s) were removed (the trail ended at row 5)");
    }
    SECTION("every event removed") {
        checkBrokenAt(verifyChain({}, 5, events.back().hash), 1,
                      "the newest 5 row(s) were removed");
    }
    SECTION("the newest event replaced by a re-hashed one") {
        auto replaced = events;
        replaced.back().detailJson = R"({"n":5,"note":"rewritten"})";
        replaced.back().hash = chainHash(replaced.back().prevHash, replaced.back());
        checkBrokenAt(verifyChain(replaced, 5, events.back().hash), 5,
                      "row 5 is not the newest link that was recorded");
    }
    SECTION("the head record removed") {
        checkBrokenAt(verifyChain(events, std::nullopt, ""), 1,
                      "the record of the newest audit link is missing");
    }
}

// [SECTION] the store's trail

TEST_CASE("a fresh audit trail verifies") {
    auto store = openSqliteStore(freshDatabasePath());
    const auto check = store->verifyAudit();
    CHECK(check.intact);
    CHECK(check.rows == 0);
    CHECK_FALSE(check.firstBadSeq);
}

TEST_CASE(
    "the audit trail verifies after a series of real store operations, also after reopening") {
    const std::string path = freshDatabasePath();
    auto store = openSqliteStore(path);
    store->addStaff("nina", "Nina Berg", Role::Nurse, "482913", kAdmin);
    const auto a = store->submit(
        sampleScreening({flag("pacemaker", Severity::Stop), flag("tattoo", Severity::Info)}),
        kPatient);
    const auto b = store->submit(sampleScreening({flag("pregnancy", Severity::Review)}), kNurse);
    store->setFlagVerdict(a, "pacemaker", FlagVerdict::Verified, "Card seen", kNurse);
    store->setFlagVerdict(b, "pregnancy", FlagVerdict::Resolved, "Negative test", kNurse);
    store->transition(a, request(Action::Review, kNurse));
    store->transition(b, request(Action::Review, kNurse));
    CHECK_THROWS_AS(store->transition(a, request(Action::Clear, kMrso)), Refused); // not audited
    store->transition(a, request(Action::Clear, kMrso, "Cardiology present"));
    store->transition(b, request(Action::NotClear, kMrso));
    store->amend(a, sampleScreening(), kMrso);
    store->signIn("nina", "000000");
    store->signIn("nobody", "000000");
    store->disableStaff("nina", kAdmin);

    auto check = store->verifyAudit();
    INFO(check.problem);
    CHECK(check.intact);
    CHECK(check.rows == 14); // the amendment writes two events

    store.reset();
    store = openSqliteStore(path);
    store->submit(sampleScreening(), kPatient);
    check = store->verifyAudit();
    CHECK(check.intact);
    CHECK(check.rows == 15);

    SqliteShell shell(path);
    CHECK(shell.integer("SELECT COUNT(*) FROM audit") == 15);
    CHECK(shell.integer("SELECT seq FROM audit_head") == 15);
    CHECK(shell.integer("SELECT COUNT(*) FROM audit a JOIN audit b ON b.seq = a.seq + 1 "
                        "WHERE b.prev_hash = a.hash") == 14);
    CHECK(shell.row(1).prevHash == kGenesisHash);
}

TEST_CASE("editing an audit row in the database file is detected and names that row") {
    TrailOnDisk trail;
    {
        SqliteShell shell(trail.path);
        SECTION("its detail") {
            shell.exec(
                R"(UPDATE audit SET detail_json = '{"flag":"pacemaker","note":"No implant found"}' WHERE seq = 3)");
        }
        SECTION("its detail, to text that is not JSON") {
            shell.exec("UPDATE audit SET detail_json = 'Card seen' WHERE seq = 3");
        }
        SECTION("its actor") {
            shell.exec("UPDATE audit SET actor = 'ned' WHERE seq = 3");
        }
        SECTION("its action") {
            shell.exec("UPDATE audit SET action = 'flag.resolved' WHERE seq = 3");
        }
        SECTION("its time") {
            shell.exec("UPDATE audit SET at = '2020-01-01T00:00:00.000Z' WHERE seq = 3");
        }
        SECTION("the screening it belongs to") {
            shell.exec("UPDATE audit SET screening_id = 2 WHERE seq = 3");
        }
        SECTION("its own hash") {
            shell.exec("UPDATE audit SET hash = '" + std::string(64, 'f') + "' WHERE seq = 3");
        }
    }
    checkBrokenAt(trail.verify(), 3, "row 3 was altered after it was written");
}

TEST_CASE("an audit row edited to point at a different previous hash is detected at that row") {
    TrailOnDisk trail;
    SqliteShell(trail.path)
        .exec("UPDATE audit SET prev_hash = '" + kGenesisHash + "' WHERE seq = 5");
    checkBrokenAt(trail.verify(), 5, "row 5 does not follow the row before it");
}

TEST_CASE("deleting an audit row from the middle of the trail is detected and names it") {
    TrailOnDisk trail;
    SqliteShell(trail.path).exec("DELETE FROM audit WHERE seq = 4");
    checkBrokenAt(trail.verify(), 4, "row 4 is missing (the next row is 5)");
}

TEST_CASE("deleting the first audit row is detected and names it") {
    TrailOnDisk trail;
    SqliteShell(trail.path).exec("DELETE FROM audit WHERE seq = 1");
    checkBrokenAt(trail.verify(), 1, "row 1 is missing");
}

TEST_CASE("deleting the newest audit rows is detected through the recorded head") {
    TrailOnDisk trail;
    SECTION("the newest row") {
        SqliteShell(trail.path).exec("DELETE FROM audit WHERE seq = " + std::to_string(kTrailRows));
        checkBrokenAt(trail.verify(), kTrailRows, "the newest 1 row(s) were removed");
    }
    SECTION("the newest three rows") {
        SqliteShell(trail.path)
            .exec("DELETE FROM audit WHERE seq > " + std::to_string(kTrailRows - 3));
        checkBrokenAt(trail.verify(), kTrailRows - 2, "the newest 3 row(s) were removed");
    }
    SECTION("every row") {
        SqliteShell(trail.path).exec("DELETE FROM audit");
        checkBrokenAt(trail.verify(), 1, "row(s) were removed");
    }
    SECTION("the head record") {
        SqliteShell(trail.path).exec("DELETE FROM audit_head");
        checkBrokenAt(trail.verify(), 1, "the record of the newest audit link is missing");
    }
}

TEST_CASE("events the store writes after a deletion do not hide it") {
    TrailOnDisk trail;
    SqliteShell(trail.path).exec("DELETE FROM audit WHERE seq = " + std::to_string(kTrailRows));
    auto store = openSqliteStore(trail.path);
    store->submit(sampleScreening(), kPatient);
    store->submit(sampleScreening(), kPatient);
    checkBrokenAt(store->verifyAudit(), kTrailRows,
                  "row " + std::to_string(kTrailRows) + " is missing");
}

TEST_CASE("swapping the contents of two audit rows is detected at the first of them") {
    TrailOnDisk trail;
    {
        SqliteShell shell(trail.path);
        SECTION("contents moved, sequence numbers kept") {
            auto third = shell.row(3);
            auto fourth = shell.row(4);
            std::swap(third.seq, fourth.seq);
            shell.overwriteRow(3, fourth);
            shell.overwriteRow(4, third);
        }
        SECTION("sequence numbers swapped, so the rows read in the other order") {
            shell.exec("UPDATE audit SET seq = -3 WHERE seq = 3");
            shell.exec("UPDATE audit SET seq = 3 WHERE seq = 4");
            shell.exec("UPDATE audit SET seq = 4 WHERE seq = -3");
        }
    }
    checkBrokenAt(trail.verify(), 3, "row 3 does not follow the row before it");
}

TEST_CASE("re-hashing a tampered audit row still breaks the chain at the next row") {
    TrailOnDisk trail;
    {
        SqliteShell shell(trail.path);
        auto row = shell.row(3);
        row.detailJson = R"({"flag":"pacemaker","note":"No implant found"})";
        row.hash = chainHash(row.prevHash, row);
        shell.overwriteRow(3, row);
    }
    checkBrokenAt(trail.verify(), 4, "row 4 does not follow the row before it");
}

TEST_CASE("re-hashing the newest audit row is detected against the recorded head") {
    TrailOnDisk trail;
    {
        SqliteShell shell(trail.path);
        auto row = shell.row(kTrailRows);
        row.actor = "ned";
        row.hash = chainHash(row.prevHash, row);
        shell.overwriteRow(kTrailRows, row);
    }
    checkBrokenAt(trail.verify(), kTrailRows,
                  "row " + std::to_string(kTrailRows) +
                      " is not the newest link that was recorded");
}
