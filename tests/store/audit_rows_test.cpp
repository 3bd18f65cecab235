// The audit trail against the tables it speaks for, attacked the way someone with the sqlite3
// shell and the database file would: the whole trail deleted, a decision, a state, a flag verdict,
// a role or a PIN hash changed without an event. Each is caught, naming the row and the event.
// Also the staff baseline of migration 0010 and the head each commit hands to the anchor.
#include "store/audit.h"
#include "store/audit_crosscheck.h"
#include "store/migrations.h"
#include "store/store.h"
#include "store_fixture.h"

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include <string>
#include <vector>

using namespace mrscreen::store;
using Catch::Matchers::Contains;
using mrscreen::screening::Action;
using store_fixture::flag;
using store_fixture::kAdmin;
using store_fixture::kMrso;
using store_fixture::kNurse;
using store_fixture::kPatient;
using store_fixture::kPin;
using store_fixture::request;
using store_fixture::sampleScreening;

namespace {

struct Scratch : store_fixture::ScratchStoreBase {
    explicit Scratch(const StoreOptions& options = {})
        : ScratchStoreBase(store_fixture::scratchDatabasePath("store", "audit-rows-"), options) {}

    // Raw SQL on the file, with the store closed, as an attacker would.
    void tamper(const std::string& sql) {
        store.reset();
        {
            Database db(path);
            db.exec(sql);
        }
        store = openSqliteStore(path);
    }

    AuditCheck verify() { return store->verifyAudit(); }

    std::int64_t seqOf(const std::string& action) {
        return count("SELECT MAX(seq) FROM audit WHERE action = '" + action + "'");
    }
};

// Screening 1: a stop flag verified, reviewed and not cleared by the MRSO; staff nina and omar.
struct DecidedScreening : Scratch {
    std::int64_t id = 0;
    DecidedScreening() {
        store->addStaff("nina", "Nina Berg", Role::Nurse, kPin, kAdmin);
        store->addStaff("omar", "Omar Haddad", Role::Mrso, "739104", kAdmin);
        id = store->submit(sampleScreening({flag("pacemaker", Severity::Stop, "implant"),
                                            flag("tattoo", Severity::Review, "skin")}),
                           kPatient);
        store->setFlagVerdict(id, "pacemaker", FlagVerdict::Verified, "Card seen", kNurse);
        store->setFlagVerdict(id, "tattoo", FlagVerdict::Resolved, "Old, small", kNurse);
        store->transition(id, request(Action::Review, kNurse));
        store->transition(id, request(Action::NotClear, kMrso, "", ""));
        const auto check = verify();
        INFO(check.problem);
        REQUIRE(check.intact);
    }
};

void checkMismatch(const AuditCheck& check, const std::string& problem) {
    INFO("problem: " << check.problem);
    CHECK_FALSE(check.intact);
    CHECK(check.kind == "rows");
    CHECK_THAT(check.problem, Contains(problem));
}

} // namespace

// [SECTION] the trail removed

TEST_CASE("deleting the whole audit trail and its head while screenings exist fails verification") {
    DecidedScreening s;
    s.tamper("DELETE FROM audit; DELETE FROM audit_head;");
    const auto check = s.verify();
    CHECK_FALSE(check.intact);
    CHECK(check.kind == "empty");
    CHECK_THAT(
        check.problem,
        Contains("the audit trail is empty and its head is missing, but the database holds 1 "
                 "screening(s), 2 staff account(s)"));
}

TEST_CASE(
    "deleting the audit trail of a database that holds only staff accounts fails verification") {
    Scratch s;
    s.store->addStaff("nina", "Nina Berg", Role::Nurse, kPin, kAdmin);
    s.tamper("DELETE FROM audit; DELETE FROM audit_head;");
    CHECK(s.verify().kind == "empty");
}

TEST_CASE("a new empty database still verifies, with no head") {
    Scratch s;
    const auto check = s.verify();
    CHECK(check.intact);
    CHECK_FALSE(check.head);
}

// [SECTION] rows changed without an event

TEST_CASE(
    "a decision changed from not cleared to cleared by raw SQL names the event that recorded it") {
    DecidedScreening s;
    const auto event = s.seqOf("screening.not_cleared");
    s.tamper("UPDATE decisions SET outcome = 'cleared'; UPDATE screenings SET state = 'cleared'");
    const auto check = s.verify();
    checkMismatch(
        check, "screening 1: state is cleared in the database but the audit trail last set it to "
               "not_cleared (event " +
                   std::to_string(event) + ")");
    CHECK(check.mismatches.size() == 2);
    CHECK_THAT(check.mismatches.at(1),
               Contains("Zone IV decision outcome is 'cleared' in the database but the audit "
                        "trail recorded 'not_cleared'"));
}

TEST_CASE("a decision row added by raw SQL is caught by the count of decisions") {
    DecidedScreening s;
    s.tamper("INSERT INTO decisions (screening_id, outcome, decided_by, decided_at) "
             "VALUES (1, 'cleared', 'omar', '2026-01-01T00:00:00Z')");
    checkMismatch(s.verify(),
                  "screening 1: 2 Zone IV decision(s) in the database but 1 in the audit trail");
}

TEST_CASE("the contrast part of the decision changed by raw SQL is caught") {
    Scratch s;
    const auto id = s.store->submit(sampleScreening(), kPatient);
    s.store->transition(id, request(Action::Review, kNurse));
    const StaffSignature signature{"contrast", "Omar Haddad", Role::Mrso,
                                   R"({"strokes":[[[0.1,0.1],[0.9,0.9]]]})", ""};
    s.store->decideContrast(id, ContrastDecision{"not_cleared", "", "eGFR 25", "omar", ""},
                            signature, kMrso);
    REQUIRE(s.verify().intact);
    s.tamper("UPDATE contrast_decisions SET outcome = 'cleared', reason = ''");
    const auto check = s.verify();
    checkMismatch(
        check,
        "screening 1: contrast decision outcome is 'cleared' in the database but the audit trail "
        "recorded 'not_cleared' (event " +
            std::to_string(s.seqOf("contrast.not_cleared")) + ")");
    CHECK(check.mismatches.size() == 2); // and its reason
}

TEST_CASE("a screening state changed by raw SQL without an event is caught") {
    DecidedScreening s;
    s.tamper("UPDATE screenings SET state = 'reviewed'");
    checkMismatch(
        s.verify(),
        "screening 1: state is reviewed in the database but the audit trail last set it to "
        "not_cleared");
}

TEST_CASE("a flag verdict changed by raw SQL without an event is caught, naming the flag") {
    Scratch s;
    const auto id =
        s.store->submit(sampleScreening({flag("pacemaker", Severity::Stop, "implant")}), kPatient);
    SECTION("an open flag marked resolved") {
        s.tamper("UPDATE flags SET status = 'resolved', status_by = 'nina', note = 'fine'");
        checkMismatch(
            s.verify(),
            "screening " + std::to_string(id) +
                ", flag 'pacemaker': verdict is resolved in the database but the audit trail "
                "last set it to open");
    }
    SECTION("a stop flag lowered to information") {
        s.tamper("UPDATE flags SET severity = 'info'");
        checkMismatch(s.verify(),
                      "flag 'pacemaker': severity is info in the database but the audit trail last "
                      "set it to stop");
    }
    SECTION("a flag deleted") {
        s.tamper("DELETE FROM flags");
        checkMismatch(s.verify(),
                      "flag 'pacemaker': raised (event 1) but it is not in the database");
    }
}

TEST_CASE("a verified flag's note rewritten by raw SQL is caught") {
    DecidedScreening s;
    s.tamper("UPDATE flags SET note = 'No implant found' WHERE rule_id = 'pacemaker'");
    checkMismatch(
        s.verify(),
        "flag 'pacemaker': the verified verdict's reviewer, note or corrected answer differs");
}

TEST_CASE("a staff role changed by raw SQL names the account, both roles and the event") {
    DecidedScreening s;
    s.tamper("UPDATE staff SET role = 'mrso' WHERE username = 'nina'");
    checkMismatch(
        s.verify(),
        "staff 'nina': role is mrso in the database but the audit trail last set it to nurse "
        "(event 1)");
}

TEST_CASE(
    "another staff member's PIN hash copied by raw SQL is caught, though the PIN then works") {
    DecidedScreening s;
    s.tamper(
        "UPDATE staff SET secret_hash = (SELECT secret_hash FROM staff WHERE username = 'omar') "
        "WHERE username = 'nina'");
    CHECK(s.store->signIn("nina", "739104").outcome ==
          SignInOutcome::SignedIn); // the attack works...
    checkMismatch(
        s.verify(),
        "staff 'nina': the PIN hash in the database is not the one the audit trail last "
        "recorded (event 1): it was replaced or copied outside mrscreen"); // ...and is seen
}

TEST_CASE("a PIN reset through the store is audited with its hash, so the account still verifies") {
    DecidedScreening s;
    s.store->resetSecret("nina", "550117", kAdmin);
    CHECK(s.verify().intact);
    s.tamper(
        "UPDATE staff SET secret_hash = (SELECT secret_hash FROM staff WHERE username = 'omar') "
        "WHERE username = 'nina'");
    checkMismatch(s.verify(), "(event " + std::to_string(s.seqOf("staff.pin_reset")) + ")");
}

TEST_CASE(
    "a disabled account enabled, an account inserted and one deleted by raw SQL are each caught") {
    DecidedScreening s;
    SECTION("enabled again") {
        s.store->disableStaff("nina", kAdmin);
        s.tamper("UPDATE staff SET disabled = 0 WHERE username = 'nina'");
        checkMismatch(s.verify(),
                      "staff 'nina': the account is enabled in the database but the audit trail "
                      "disabled it");
    }
    SECTION("inserted") {
        s.tamper("INSERT INTO staff (username, display_name, role, secret_hash, created_at) "
                 "SELECT 'eve', 'Eve', 'mrso', secret_hash, created_at FROM staff WHERE username = "
                 "'omar'");
        checkMismatch(s.verify(),
                      "staff 'eve': the account is in the database but no audit event added it");
    }
    SECTION("deleted") {
        s.tamper("DELETE FROM staff WHERE username = 'omar'");
        checkMismatch(s.verify(),
                      "staff 'omar': the account was added (event 2) but is not in the database");
    }
}

TEST_CASE("every mismatch is listed, and the ordinary workflow with amendments and contrast leaves "
          "none") {
    DecidedScreening s;
    const auto corrected = s.store->amend(
        s.id, sampleScreening({flag("pacemaker", Severity::Stop, "implant")}), kNurse);
    s.store->setContrastPlanned(corrected, "no", kNurse);
    CHECK(s.verify().intact);
    s.tamper("UPDATE staff SET role = 'admin'; UPDATE screenings SET contrast_planned = 'yes'");
    const auto check = s.verify();
    CHECK(check.mismatches.size() == 4); // two roles, and contrast planned on both screenings
    CHECK_THAT(check.mismatches.back(),
               Contains("contrast planned is yes in the database but the audit trail last "
                        "set it to no"));
}

// [SECTION] the staff baseline of migration 0010

TEST_CASE("upgrading a database records each existing account's PIN hash once, so a later copy is "
          "caught") {
    const std::string path = store_fixture::scratchDatabasePath("store", "audit-rows-baseline-");
    {
        Database db(path);
        migrate(db, 9);
        db.exec("INSERT INTO staff (username, display_name, role, secret_hash, created_at) VALUES "
                "('nina', 'Nina Berg', 'nurse', 'hash-of-nina', '2026-01-01T00:00:00Z'), "
                "('omar', 'Omar Haddad', 'mrso', 'hash-of-omar', '2026-01-01T00:00:00Z')");
        // The events an older mrscreen wrote: no hash of the secret.
        std::string prev = kGenesisHash;
        for (const auto& [seq, user, role] :
             {std::tuple{1, "nina", "nurse"}, std::tuple{2, "omar", "mrso"}}) {
            AuditEvent e{seq,          "2026-01-01T00:00:0" + std::to_string(seq) + ".000Z",
                         "cli:root",   "staff.added",
                         std::nullopt, nlohmann::json{{"username", user}, {"role", role}}.dump(),
                         prev,         ""};
            e.hash = chainHash(prev, e);
            db.prepare("INSERT INTO audit VALUES (?, ?, ?, ?, NULL, ?, ?, ?)")
                .bind(1, e.seq)
                .bind(2, e.at)
                .bind(3, e.actor)
                .bind(4, e.action)
                .bind(5, e.detailJson)
                .bind(6, e.prevHash)
                .bind(7, e.hash)
                .run();
            db.prepare("INSERT OR REPLACE INTO audit_head VALUES (1, ?, ?)")
                .bind(1, e.seq)
                .bind(2, e.hash)
                .run();
            prev = e.hash;
        }
    }
    std::vector<AuditHead> anchored;
    StoreOptions options;
    options.anchorHead = [&](const AuditHead& h) { anchored.push_back(h); };
    auto store = openSqliteStore(path, options);
    auto check = store->verifyAudit();
    INFO(check.problem);
    CHECK(check.intact);
    CHECK(check.rows == 4);
    const auto trail = store->auditTrail();
    CHECK(trail[2].action == "staff.baseline");
    CHECK(trail[2].actor == "system");
    CHECK_THAT(trail[2].detailJson, Contains(sha256Hex("hash-of-nina")));
    REQUIRE(anchored.size() == 1); // the migration's commit sent its head out
    CHECK(anchored[0].seq == 4);
    store.reset();
    store = openSqliteStore(path); // opened again: no second baseline
    CHECK(store->verifyAudit().rows == 4);
    store.reset();
    Database(path).exec("UPDATE staff SET secret_hash = 'hash-of-omar' WHERE username = 'nina'");
    store = openSqliteStore(path);
    check = store->verifyAudit();
    CHECK_THAT(check.problem,
               Contains("staff 'nina': the PIN hash in the database is not the one the audit trail "
                        "last recorded (event 3)"));
}

// [SECTION] the head handed to the anchor

TEST_CASE(
    "each commit that appends events hands the new head to the anchor, and refused changes hand none") {
    std::vector<AuditHead> anchored;
    StoreOptions options;
    options.anchorHead = [&](const AuditHead& h) { anchored.push_back(h); };
    Scratch s(options);
    const auto id =
        s.store->submit(sampleScreening({flag("pacemaker", Severity::Stop, "implant")}), kPatient);
    REQUIRE(anchored.size() == 1);
    CHECK(anchored[0].seq == 1);
    CHECK(anchored[0].hash == s.store->auditHead()->hash);
    CHECK_THROWS_AS(s.store->transition(id, request(Action::Clear, kMrso)), Refused);
    CHECK_THROWS_AS(s.store->setFlagVerdict(id, "no-such-flag", FlagVerdict::Verified, "", kNurse),
                    Refused);
    CHECK_THROWS_AS(s.store->amend(id, sampleScreening(), kMrso), Refused); // not decided yet
    CHECK(anchored.size() == 1);
    s.store->setFlagVerdict(id, "pacemaker", FlagVerdict::Verified, "Card seen", kNurse);
    s.store->transition(id, request(Action::Review, kNurse));
    s.store->transition(id, request(Action::NotClear, kMrso));
    s.store->amend(id, sampleScreening(), kMrso); // two events, one commit: one head, the newest
    REQUIRE(anchored.size() == 5);
    CHECK(anchored.back().seq == 6);
    CHECK(anchored.back().hash == s.store->auditHead()->hash);
}
