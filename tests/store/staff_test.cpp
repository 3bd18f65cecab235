// Staff accounts, part of the store contract (store_backends.h): adding (PIN never stored or audited), the username, name and
// role rules, who may change accounts, disabling, PIN resets, sign-in, lockout and its timing, and
// the same words for an unknown username as for a wrong PIN. Each test has its own database.
#include "store/store.h"
#include "store_backends.h"
#include "store_fixture.h"

#include <catch2/catch.hpp>

#include <chrono>
#include <memory>
#include <string>
#include <thread>

using Catch::Matchers::Contains;
using Catch::Matchers::StartsWith;
using namespace store_fixture;

namespace {

// A fresh store of the backend under test.
struct ScratchStore : store_fixture::ContractStoreBase {
    explicit ScratchStore(const StoreOptions& options = {}) : ContractStoreBase("store-staff", options) {}
};

// Options that lock an account after `attempts` wrong PINs, for `seconds`.
StoreOptions lockout(int attempts, int seconds) {
    StoreOptions options;
    options.lockoutAttempts = attempts;
    options.lockoutSeconds = seconds;
    return options;
}

} // namespace

// [SECTION] staff accounts

TEST_CASE("adding a staff member stores them and audits it without the PIN") {
    ScratchStore s;
    s.store->addStaff("nina", "Nina Berg, RN", Role::Nurse, kPin, kAdmin);
    const auto staff = s.store->staff();
    REQUIRE(staff.size() == 1);
    CHECK(staff[0].username == "nina");
    CHECK(staff[0].displayName == "Nina Berg, RN");
    CHECK(staff[0].role == Role::Nurse);
    CHECK_FALSE(staff[0].disabled);
    CHECK(staff[0].failedAttempts == 0);
    CHECK(staff[0].lockedUntil.empty());
    CHECK_FALSE(staff[0].createdAt.empty());

    CHECK(s.auditRows() == 1);
    CHECK(s.newestAuditAction() == "staff.added");
    CHECK(s.auditEvents("", "nina", "ada") == 1);
    CHECK(s.auditEvents("", kPin) == 0);
    CHECK(s.backend->staffSecretHash("nina").rfind("$argon2id$", 0) == 0);
    CHECK(s.backend->staffSecretHash("nina").find(kPin) == std::string::npos);
}

TEST_CASE("a username that is already taken is refused") {
    ScratchStore s;
    s.store->addStaff("omar", "Omar Haddad", Role::Mrso, kPin, kAdmin);
    CHECK_THAT(
        refusalOf([&] { s.store->addStaff("omar", "Omar Other", Role::Nurse, "731904", kAdmin); }),
        Contains("the username 'omar' is taken"));
    const auto staff = s.store->staff();
    REQUIRE(staff.size() == 1);
    CHECK(staff[0].displayName == "Omar Haddad");
    CHECK(s.auditRows() == 1);
}

TEST_CASE("a PIN shorter than six characters is refused and nothing is stored") {
    ScratchStore s;
    std::string message;
    try {
        s.store->addStaff("ned", "Ned Park", Role::Nurse, "12345", kAdmin);
    } catch (const std::runtime_error& e) { // Refused or StoreError: see the [!mayfail] test below
        message = e.what();
    }
    CHECK_THAT(message, Contains("at least 6 characters"));
    CHECK(s.store->staff().empty());
    CHECK(s.auditRows() == 0);
}

// Known bug: hashSecret throws StoreError for a short PIN, which store/errors.h reserves for a
// broken database; the CLI then exits 2 instead of 1 as for every other refusal.
TEST_CASE("a PIN shorter than six characters is a refusal, not a database error") {
    ScratchStore s;
    CHECK_THROWS_AS(s.store->addStaff("ned", "Ned Park", Role::Nurse, "12345", kAdmin), Refused);
}

TEST_CASE("a staff member needs a one-word username, a name and a staff role") {
    ScratchStore s;
    CHECK_THAT(
        refusalOf([&] { s.store->addStaff("jo smith", "Jo Smith", Role::Nurse, kPin, kAdmin); }),
        Contains("one word"));
    CHECK_THAT(refusalOf([&] { s.store->addStaff("", "Jo Smith", Role::Nurse, kPin, kAdmin); }),
               Contains("one word"));
    CHECK_THAT(refusalOf([&] { s.store->addStaff("jsmith", "", Role::Nurse, kPin, kAdmin); }),
               Contains("give the staff member's name"));
    CHECK_THAT(
        refusalOf([&] { s.store->addStaff("jsmith", "Jo Smith", Role::Patient, kPin, kAdmin); }),
        Contains("staff roles are nurse, mrso and admin"));
    CHECK(s.store->staff().empty());
    CHECK(s.auditRows() == 0);
}

TEST_CASE("only an administrator may add, disable or reset staff") {
    ScratchStore s;
    for (const auto& actor : {kNurse, kMrso, kPatient}) {
        CHECK_THAT(
            refusalOf([&] { s.store->addStaff("ned", "Ned Park", Role::Nurse, kPin, actor); }),
            Contains("only an administrator may add staff"));
        CHECK_THAT(refusalOf([&] { s.store->disableStaff("ned", actor); }),
                   Contains("only an administrator may disable staff"));
        CHECK_THAT(refusalOf([&] { s.store->resetSecret("ned", kPin, actor); }),
                   Contains("only an administrator may reset a PIN"));
    }
    CHECK(s.store->staff().empty());
    CHECK(s.auditRows() == 0);
}

TEST_CASE("the staff list shows every member with role and status, ordered by username") {
    ScratchStore s;
    s.store->addStaff("omar", "Omar Haddad", Role::Mrso, kPin, kAdmin);
    s.store->addStaff("ada", "Ada Admin", Role::Admin, kPin, kAdmin);
    s.store->addStaff("nina", "Nina Berg", Role::Nurse, kPin, kAdmin);
    s.store->disableStaff("omar", kAdmin);
    CHECK(s.newestAuditAction() == "staff.disabled");
    CHECK_THAT(refusalOf([&] { s.store->disableStaff("nobody", kAdmin); }),
               Contains("no staff member 'nobody'"));

    const auto staff = s.store->staff();
    REQUIRE(staff.size() == 3);
    CHECK(staff[0].username == "ada");
    CHECK(staff[0].role == Role::Admin);
    CHECK(staff[1].username == "nina");
    CHECK(staff[1].role == Role::Nurse);
    CHECK_FALSE(staff[1].disabled);
    CHECK(staff[2].username == "omar");
    CHECK(staff[2].role == Role::Mrso);
    CHECK(staff[2].disabled);
    CHECK(s.auditRows() == 4);
}

TEST_CASE("a disabled account cannot sign in, even with the right PIN") {
    ScratchStore s;
    s.store->addStaff("ned", "Ned Park", Role::Nurse, kPin, kAdmin);
    s.store->disableStaff("ned", kAdmin);
    const auto result = s.store->signIn("ned", kPin);
    CHECK(result.outcome == SignInOutcome::Disabled);
    CHECK_FALSE(result.member);
    CHECK_THAT(result.message, Contains("disabled"));
    CHECK(s.newestAuditAction() == "staff.sign_in_failed");
}

TEST_CASE("after a PIN reset the old PIN fails and the new one signs in") {
    ScratchStore s;
    s.store->addStaff("nina", "Nina Berg", Role::Nurse, kPin, kAdmin);
    s.store->resetSecret("nina", "905172", kAdmin);
    CHECK(s.newestAuditAction() == "staff.pin_reset");
    CHECK(s.auditEvents("", "905172") == 0);
    CHECK_THAT(refusalOf([&] { s.store->resetSecret("nobody", "905172", kAdmin); }),
               Contains("no staff member"));

    CHECK(s.store->signIn("nina", kPin).outcome == SignInOutcome::WrongSecret);
    const auto result = s.store->signIn("nina", "905172");
    CHECK(result.outcome == SignInOutcome::SignedIn);
    REQUIRE(result.member);
    CHECK(result.member->username == "nina");
    CHECK(result.member->role == Role::Nurse);
    CHECK(result.member->failedAttempts == 0);
    CHECK(result.message == "Signed in as Nina Berg.");
    CHECK(s.newestAuditAction() == "staff.signed_in");
}

TEST_CASE("five wrong PINs lock the account and the right PIN is refused while it is locked") {
    ScratchStore s(lockout(5, 600));
    s.store->addStaff("omar", "Omar Haddad", Role::Mrso, kPin, kAdmin);

    for (int attempt = 1; attempt <= 4; ++attempt) {
        INFO("wrong attempt " << attempt);
        const auto wrong = s.store->signIn("omar", "000000");
        CHECK(wrong.outcome == SignInOutcome::WrongSecret);
        CHECK(wrong.message == "Wrong username or PIN."); // never says whether the name exists
    }
    CHECK(s.store->staff()[0].failedAttempts == 4);
    const auto fifth = s.store->signIn("omar", "000000");
    CHECK(fifth.outcome == SignInOutcome::Locked);
    CHECK_THAT(fifth.message, Contains("locked until") && Contains("UTC"));
    CHECK(s.newestAuditAction() == "staff.locked");
    CHECK_FALSE(s.store->staff()[0].lockedUntil.empty());

    const auto right = s.store->signIn("omar", kPin);
    CHECK(right.outcome == SignInOutcome::Locked);
    CHECK_FALSE(right.member);
    CHECK_THAT(right.message, Contains("locked until"));
    CHECK(s.auditEvents("staff.signed_in") == 0);

    // An administrator's reset opens it again.
    s.store->resetSecret("omar", kPin, kAdmin);
    CHECK(s.store->signIn("omar", kPin).outcome == SignInOutcome::SignedIn);
}

TEST_CASE("a locked account opens again once the lockout time has passed") {
    ScratchStore s(lockout(5, 1));
    s.store->addStaff("omar", "Omar Haddad", Role::Mrso, kPin, kAdmin);
    for (int attempt = 1; attempt <= 4; ++attempt)
        s.store->signIn("omar", "000000");
    REQUIRE(s.store->signIn("omar", "000000").outcome == SignInOutcome::Locked);

    std::this_thread::sleep_for(std::chrono::milliseconds(1100));
    const auto result = s.store->signIn("omar", kPin);
    CHECK(result.outcome == SignInOutcome::SignedIn);
    const auto member = s.store->staff()[0];
    CHECK(member.failedAttempts == 0);
    CHECK(member.lockedUntil.empty());
}

TEST_CASE(
    "the number of wrong PINs before a lockout is configurable and a right PIN resets the count") {
    StoreOptions options;
    options.lockoutAttempts = 3;
    ScratchStore s(options);
    s.store->addStaff("nina", "Nina Berg", Role::Nurse, kPin, kAdmin);
    CHECK(s.store->signIn("nina", "000000").outcome == SignInOutcome::WrongSecret);
    CHECK(s.store->signIn("nina", "000000").outcome == SignInOutcome::WrongSecret);
    CHECK(s.store->signIn("nina", kPin).outcome == SignInOutcome::SignedIn);
    CHECK(s.store->staff()[0].failedAttempts == 0);
    CHECK(s.store->signIn("nina", "000000").outcome == SignInOutcome::WrongSecret);
    CHECK(s.store->signIn("nina", "000000").outcome == SignInOutcome::WrongSecret);
    CHECK(s.store->signIn("nina", "000000").outcome == SignInOutcome::Locked);
}

TEST_CASE("an unknown username is refused with the words a wrong PIN gets") {
    ScratchStore s;
    s.store->addStaff("nina", "Nina Berg", Role::Nurse, kPin, kAdmin);
    const auto unknown = s.store->signIn("nobody", kPin);
    const auto wrong = s.store->signIn("nina", "000000");
    CHECK(unknown.outcome == SignInOutcome::UnknownUser);
    CHECK(wrong.outcome == SignInOutcome::WrongSecret);
    CHECK_FALSE(unknown.member);
    CHECK_THAT(unknown.message, StartsWith("Wrong username or PIN."));
    CHECK_THAT(wrong.message, StartsWith("Wrong username or PIN."));
    CHECK(s.auditEvents("staff.sign_in_failed") == 2);
}

// Known bug: a wrong PIN adds "N attempt(s) left before the account locks", which an unknown name
// never gets, so the message tells anyone at the kiosk which usernames exist.
TEST_CASE("an unknown username gets exactly the same message as a wrong PIN") {
    ScratchStore s;
    s.store->addStaff("nina", "Nina Berg", Role::Nurse, kPin, kAdmin);
    const auto unknown = s.store->signIn("nobody", kPin);
    const auto wrong = s.store->signIn("nina", "000000");
    CHECK(unknown.message == wrong.message);
}

// Known bug: the lockout message divides the seconds by 60, so a lockout under a minute reads
// "locked for 0 minutes".
TEST_CASE("a lockout shorter than a minute is not announced as lasting 0 minutes") {
    ScratchStore s(lockout(1, 30));
    s.store->addStaff("nina", "Nina Berg", Role::Nurse, kPin, kAdmin);
    const auto locked = s.store->signIn("nina", "000000");
    REQUIRE(locked.outcome == SignInOutcome::Locked);
    CHECK_THAT(locked.message, !Contains("0 minutes"));
}
