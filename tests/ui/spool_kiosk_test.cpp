// A kiosk that never loses a submission (issue 13), headless over a real SQLite store: a database
// held by another connection's lock past the busy timeout sends the submission to the kiosk's
// spool, the patient sees the normal thank-you, staff see the backlog on the queue, and the
// forwarder delivers it, with its signed record, exactly once when the lock is gone. A spool that
// cannot be written is the one case where the patient is asked to get staff, answers kept.
#include "kiosk_harness.h"
#include "kiosk_steps.h"
#include "staff_steps.h"
#include "test_support.h"

#include "store/sqlite.h"
#include "ui/spool_backlog.h"

#include <catch2/catch.hpp>

#include <csignal>
#include <cstdlib>
#include <ctime>
#include <memory>
#include <sstream>
#include <string>
#include <sys/resource.h>
#include <sys/stat.h>

using namespace mrscreen;
using mrscreen::test::KioskHarness;
using namespace mrscreen::test::steps;

namespace {

test::HarnessOptions withSpool() {
    test::HarnessOptions o;
    o.spool = true;
    o.busyTimeoutMs = 100; // the lock below is held as long as the test says
    return o;
}

// Another connection holding the database's write lock (BEGIN EXCLUSIVE) until released.
struct HeldLock {
    std::unique_ptr<store::Database> db;
    explicit HeldLock(const std::string& path) : db(std::make_unique<store::Database>(path)) {
        db->exec("BEGIN EXCLUSIVE");
    }
    void release() {
        if (!db) return;
        db->exec("COMMIT");
        db.reset();
    }
    ~HeldLock() { release(); }
};

std::int64_t submittedEvents(store::Store& s) {
    std::int64_t n = 0;
    for (const auto& e : s.auditTrail()) n += e.action == "screening.submitted";
    return n;
}

unsigned permissionsOf(const std::string& path) {
    struct stat st{};
    REQUIRE(::stat(path.c_str(), &st) == 0);
    return st.st_mode & 0777;
}

} // namespace

TEST_CASE("a submission the busy database cannot take goes to the spool, the patient is thanked, and it is "
          "delivered once with its signed record") {
    KioskHarness h(withSpool());
    REQUIRE(h.spool());
    REQUIRE(h.spool()->spool);
    addStaff(h);
    walkToSubmit(h);
    HeldLock lock(h.config().databasePath());
    h.tap("submit");
    CHECK(h.screen() == "submitted");
    CHECK(h.state().notice.empty());
    CHECK(h.logged("submitted spooled"));
    CHECK_FALSE(h.kiosk().draft().hasAnswers()); // the next patient sees nothing of this one
    CHECK(h.store().countScreenings() == 0);
    CHECK(h.spool()->spool->backlog().count == 1);
    CHECK(permissionsOf(cli::spoolPath(h.config())) == 0600);

    // Staff see that this kiosk still holds a submission the database has not had.
    lock.release();
    h.tap("finish");
    signIn(h, "nina", "111111");
    REQUIRE(h.screen() == "staff-queue");
    h.frames(2);
    CHECK(h.state().shown.count("spool-backlog") == 1);

    h.spool()->forwarder->deliverNow();
    CHECK(h.spool()->spool->backlog().count == 0);
    REQUIRE(h.store().countScreenings() == 1);
    CHECK(submittedEvents(h.store()) == 1);
    CHECK(h.store().latestRecord(1)); // what Submit does after storing, done when it was delivered
    CHECK(h.store().verifyAudit().intact);
    h.frames(2);
    CHECK(h.state().shown.count("spool-backlog") == 0);

    h.spool()->forwarder->deliverNow(); // nothing is sent twice
    CHECK(h.store().countScreenings() == 1);
}

TEST_CASE("a spool that cannot be written asks the patient to get staff and keeps every answer to try again") {
    KioskHarness h(withSpool());
    walkToSubmit(h);
    const auto strokes = h.state().signature.size();
    {
        HeldLock lock(h.config().databasePath());
        // No file of this process may grow: the spool's write fails as on a full disk.
        const auto handler = std::signal(SIGXFSZ, SIG_IGN);
        rlimit before{};
        ::getrlimit(RLIMIT_FSIZE, &before);
        rlimit full = before;
        full.rlim_cur = 512;
        REQUIRE(::setrlimit(RLIMIT_FSIZE, &full) == 0);
        h.tap("submit");
        ::setrlimit(RLIMIT_FSIZE, &before);
        std::signal(SIGXFSZ, handler);
    }
    CHECK(h.screen() == "sign");
    CHECK(h.state().notice.find("could not be saved") != std::string::npos);
    CHECK(h.logged("could not be kept in the spool"));
    CHECK(h.state().signature.size() == strokes);
    CHECK(h.kiosk().draft().answered("family-name"));
    CHECK(h.spool()->spool->backlog().count == 0);
    CHECK(h.store().countScreenings() == 0);

    // Staff try again once the disk has room: the same submission, stored once.
    h.tap("submit");
    CHECK(h.screen() == "submitted");
    CHECK(h.store().countScreenings() == 1);
}

TEST_CASE("a retried submission with the draft's key is stored once") {
    KioskHarness h;
    const std::string key = h.kiosk().draft().submissionKey;
    REQUIRE(key.size() == 36);
    const auto response =
        screening::readResponse(test::slurp(test::sourcePath("forms/examples/no-risk.json")), "no-risk.json");
    const cli::FormFiles files = cli::loadFormFiles(h.config().form);
    std::ostringstream errors;
    const ui::KioskServices services = cli::kioskServices(h.store(), h.config(), files, nullptr, errors);
    const ui::SubmitOutcome first = services.submit(response, key);
    const ui::SubmitOutcome again = services.submit(response, key);
    REQUIRE(first.saved);
    CHECK(again.id == first.id);
    CHECK(h.store().countScreenings() == 1);
    CHECK(submittedEvents(h.store()) == 1);
}

TEST_CASE("each patient's draft gets a key of its own") {
    KioskHarness h;
    const std::string first = h.kiosk().draft().submissionKey;
    walkToSubmit(h);
    h.tap("submit");
    REQUIRE(h.screen() == "submitted");
    CHECK(h.kiosk().draft().submissionKey != first);
    CHECK(h.kiosk().draft().submissionKey.size() == 36);
}

TEST_CASE("the backlog's oldest submission reads as the local clock time, with its date when not today") {
    ::setenv("TZ", "UTC", 1);
    ::tzset();
    CHECK(ui::localClockTime("2026-11-25T14:05:09Z", "2026-11-25") == "14:05");
    CHECK(ui::localClockTime("2026-11-24T23:59:00Z", "2026-11-25") == "2026-11-24 23:59");
    ::setenv("TZ", "America/Chicago", 1);
    ::tzset();
    CHECK(ui::localClockTime("2026-11-25T14:05:09Z", "2026-11-25") == "08:05");
}
