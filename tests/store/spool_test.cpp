// The kiosk's spool over a real SQLite store: a store held by another connection's lock past the
// busy timeout answers Busy, the submission waits in the spool (a private file), and the forwarder
// delivers it exactly once when the lock is gone, also after a crash between delivery and removal.
// A spool that is damaged or cannot be written says so and keeps nothing half-written.
#include "store/spool.h"
#include "store/spool_forwarder.h"
#include "store/sqlite.h"
#include "store_fixture.h"

#include <catch2/catch.hpp>

#include <csignal>
#include <filesystem>
#include <fstream>
#include <sys/resource.h>
#include <sys/stat.h>

using namespace store_fixture;
using Catch::Matchers::Contains;

namespace {

namespace fs = std::filesystem;

StoreOptions shortBusyTimeout() {
    StoreOptions o;
    o.busyTimeoutMs = 100; // the lock below is held for as long as the test says
    return o;
}

// A real store, its spool beside it, and a second connection that can hold the write lock.
struct SpoolBench {
    std::string dbPath = scratchDatabasePath("spool");
    std::string spoolPath = (fs::path(dbPath).parent_path() / "spool.db").string();
    std::unique_ptr<Store> store = openSqliteStore(dbPath, shortBusyTimeout());
    std::shared_ptr<Spool> spool = std::make_shared<Spool>(spoolPath);
    std::unique_ptr<Database> locker;

    void lock() {
        locker = std::make_unique<Database>(dbPath);
        locker->exec("BEGIN EXCLUSIVE");
    }
    void unlock() {
        locker->exec("COMMIT");
        locker.reset();
    }
    std::unique_ptr<Store> openAnother() { return openSqliteStore(dbPath, shortBusyTimeout()); }
    std::int64_t submittedEvents() {
        std::int64_t n = 0;
        for (const auto& e : store->auditTrail()) n += e.action == "screening.submitted";
        return n;
    }
};

NewScreening keyedScreening(const std::string& familyName = "Okafor") {
    NewScreening s = sampleScreening({flag("pacemaker", Severity::Stop, "implant")}, familyName);
    s.submissionKey = newSubmissionKey();
    return s;
}

// The kind of StoreError `f` throws (Other when it throws none).
template <typename F> StoreError storeErrorFrom(F&& f) {
    try {
        f();
    } catch (const StoreError& e) {
        return e;
    }
    return StoreError("nothing was thrown");
}

unsigned permissionsOf(const std::string& path) {
    struct stat st{};
    REQUIRE(::stat(path.c_str(), &st) == 0);
    return st.st_mode & 0777;
}

// While alive, no file of this process may grow past `bytes` (a full disk, as SQLite sees it).
struct FileSizeLimit {
    rlimit before{};
    void (*handler)(int) = nullptr;
    explicit FileSizeLimit(rlim_t bytes) {
        handler = std::signal(SIGXFSZ, SIG_IGN);
        ::getrlimit(RLIMIT_FSIZE, &before);
        rlimit limit = before;
        limit.rlim_cur = bytes;
        REQUIRE(::setrlimit(RLIMIT_FSIZE, &limit) == 0);
    }
    ~FileSizeLimit() {
        ::setrlimit(RLIMIT_FSIZE, &before);
        std::signal(SIGXFSZ, handler);
    }
};

} // namespace

TEST_CASE("a store locked by another connection past the busy timeout answers Busy, which is worth retrying") {
    SpoolBench b;
    b.lock();
    const StoreError e = storeErrorFrom([&] { b.store->submit(keyedScreening(), kPatient); });
    CHECK(e.kind() == StoreErrorKind::Busy);
    CHECK(e.transient());
    b.unlock();
    CHECK(b.store->countScreenings() == 0);
}

TEST_CASE("a submission the locked store refused waits in the spool and is delivered exactly once when the lock "
          "is released") {
    SpoolBench b;
    const NewScreening s = keyedScreening();
    b.lock();
    const StoreError busy = storeErrorFrom([&] { b.store->submit(s, kPatient); });
    REQUIRE(busy.transient());
    b.spool->add(s, kPatient, busy.what());
    CHECK(b.spool->backlog().count == 1);
    CHECK_FALSE(b.spool->backlog().oldestSpooledAt.empty());

    int afterCalls = 0;
    std::int64_t deliveredId = 0;
    std::vector<std::string> log;
    std::mutex logMutex;
    SpoolForwarder forwarder(
        b.spool, [&] { return b.openAnother(); },
        [&](Store&, const SpooledSubmission& item, std::int64_t id) {
            CHECK(item.screening.submissionKey == s.submissionKey);
            ++afterCalls;
            deliveredId = id;
        },
        [&](const std::string& line) {
            std::lock_guard lock(logMutex);
            log.push_back(line);
        },
        ForwarderTiming{24 * 3600 * 1000, 24 * 3600 * 1000});
    forwarder.deliverNow(); // still locked: it stays, with the attempt and the error
    const auto waiting = b.spool->waiting();
    REQUIRE(waiting.size() == 1);
    CHECK(waiting.front().attempts >= 1);
    CHECK_THAT(waiting.front().lastError, Contains("locked"));
    CHECK(afterCalls == 0);

    b.unlock();
    forwarder.deliverNow();
    CHECK(b.spool->backlog().count == 0);
    CHECK(b.store->countScreenings() == 1);
    CHECK(b.submittedEvents() == 1);
    CHECK(afterCalls == 1);
    CHECK(b.store->screening(deliveredId)->summary.patient.familyName == "Okafor");
    CHECK(b.store->verifyAudit().intact);

    forwarder.deliverNow(); // nothing left: nothing sent again
    CHECK(b.store->countScreenings() == 1);
    CHECK(afterCalls == 1);
}

TEST_CASE("a crash after delivery and before removal sends the submission again, and the store keeps it once") {
    SpoolBench b;
    const NewScreening s = keyedScreening();
    b.spool->add(s, kPatient, "the database server did not answer");
    // Delivered, then the kiosk died before it removed the item.
    const auto item = b.spool->next();
    REQUIRE(item);
    const std::int64_t id = b.store->submit(item->screening, item->actor);
    b.spool.reset();

    auto reopened = std::make_shared<Spool>(b.spoolPath);
    REQUIRE(reopened->backlog().count == 1);
    std::vector<std::int64_t> after;
    const ForwardPass pass =
        forwardSpool(*reopened, *b.store, [&](Store&, const SpooledSubmission&, std::int64_t got) { after.push_back(got); });
    CHECK(pass.delivered == 1);
    CHECK(after == std::vector<std::int64_t>{id});
    CHECK(reopened->backlog().count == 0);
    CHECK(b.store->countScreenings() == 1);
    CHECK(b.submittedEvents() == 1);
}

TEST_CASE("the forwarder delivers the oldest first and stops at a busy store, keeping the rest in order") {
    SpoolBench b;
    b.spool->add(keyedScreening("First"), kPatient, "busy");
    b.spool->add(keyedScreening("Second"), kPatient, "busy");
    b.lock();
    const ForwardPass stopped = forwardSpool(*b.spool, *b.store, nullptr);
    CHECK(stopped.storeDown);
    CHECK(stopped.delivered == 0);
    const auto waiting = b.spool->waiting();
    REQUIRE(waiting.size() == 2);
    CHECK(waiting[0].attempts == 1);
    CHECK(waiting[1].attempts == 0); // not tried behind a store that does not answer
    b.unlock();
    const ForwardPass pass = forwardSpool(*b.spool, *b.store, nullptr);
    CHECK(pass.delivered == 2);
    const auto queue = b.store->queue();
    REQUIRE(queue.size() == 2);
    CHECK(queue[0].id < queue[1].id);
    CHECK(b.store->screening(queue[0].id)->summary.patient.familyName == "First");
}

TEST_CASE("the spool file is readable by the kiosk's user alone (0600) in a folder of its own (0700)") {
    SpoolBench b;
    b.spool->add(keyedScreening(), kPatient, "busy");
    CHECK(permissionsOf(b.spoolPath) == 0600);
    CHECK(permissionsOf(fs::path(b.spoolPath).parent_path().string()) == 0700);
}

TEST_CASE("a spooled submission comes back whole: answers, flags, patient, form texts and key") {
    SpoolBench b;
    NewScreening s = keyedScreening();
    s.formJson = R"({"resourceType":"Questionnaire","title":"Sécurité IRM"})";
    s.rulesJson = R"({"rules":[]})";
    s.contrastPlanned = "yes";
    s.ignoredAnswersJson = R"([{"linkId":"x"}])";
    s.flags.front().triggers.push_back(Trigger{"", {}, "egfr", 42.5});
    b.spool->add(s, kNurse, "busy");
    b.spool.reset();
    Spool again(b.spoolPath);
    const auto item = again.next();
    REQUIRE(item);
    CHECK(spooledScreeningJson(item->screening) == spooledScreeningJson(s));
    CHECK(item->actor.username == "nina");
    CHECK(item->actor.role == Role::Nurse);
    CHECK(item->lastError == "busy");
}

TEST_CASE("a submission spooled twice with the same key is kept once") {
    SpoolBench b;
    const NewScreening s = keyedScreening();
    const auto first = b.spool->add(s, kPatient, "busy");
    CHECK(b.spool->add(s, kPatient, "busy again") == first);
    CHECK(b.spool->backlog().count == 1);
}

TEST_CASE("a submission without a key gets one in the spool, so its delivery is still exactly once") {
    SpoolBench b;
    b.spool->add(sampleScreening(), kPatient, "busy");
    const auto item = b.spool->next();
    REQUIRE(item);
    CHECK(item->screening.submissionKey.size() == 36);
    forwardSpool(*b.spool, *b.store, nullptr);
    CHECK(b.store->submit(item->screening, kPatient) == 1); // the resend finds it
    CHECK(b.store->countScreenings() == 1);
}

TEST_CASE("submission keys are random UUIDs of version 4") {
    const std::string a = newSubmissionKey(), b = newSubmissionKey();
    CHECK(a != b);
    REQUIRE(a.size() == 36);
    CHECK(a[8] == '-');
    CHECK(a[14] == '4');
    CHECK(std::string("89ab").find(a[19]) != std::string::npos);
}

TEST_CASE("a damaged spool is refused at open with what it may hold and what to do") {
    const std::string dir = fs::path(scratchDatabasePath("spool")).parent_path().string();
    const std::string path = dir + "/spool.db";
    {
        std::ofstream junk(path, std::ios::binary);
        for (int i = 0; i < 512; ++i) junk << "this is not a database, it was overwritten ";
    }
    const std::string message = messageThrownBy<SpoolError>([&] { Spool spool(path); });
    CHECK_THAT(message, Contains(path));
    CHECK_THAT(message, Contains("damaged"));
    CHECK_THAT(message, Contains("not yet sent"));
    CHECK_THAT(message, Contains("move it aside"));
}

TEST_CASE("a spool that cannot be written (the disk is full) refuses the submission with a clear message and "
          "keeps nothing") {
    SpoolBench b;
    b.spool->add(keyedScreening("Earlier"), kPatient, "busy");
    std::string message;
    {
        FileSizeLimit full(512);
        message = messageThrownBy<SpoolError>([&] { b.spool->add(keyedScreening(), kPatient, "busy"); });
    }
    CHECK_THAT(message, Contains("could not be kept in the spool"));
    CHECK_THAT(message, Contains(b.spoolPath));
    CHECK((message.find("full") != std::string::npos || message.find("disk") != std::string::npos));
    CHECK(b.spool->backlog().count == 1);
    Spool again(b.spoolPath); // what was kept before is intact
    CHECK(again.backlog().count == 1);
}

TEST_CASE("a spool in a folder that cannot be made says which and what to check") {
    const std::string dir = fs::path(scratchDatabasePath("spool")).parent_path().string();
    { std::ofstream file(dir + "/not-a-folder"); }
    const std::string message = messageThrownBy<SpoolError>([&] { Spool spool(dir + "/not-a-folder/spool.db"); });
    CHECK_THAT(message, Contains("not-a-folder"));
    CHECK_THAT(message, Contains("this user may write it"));
}
