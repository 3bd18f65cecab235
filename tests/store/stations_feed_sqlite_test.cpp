// The SQLite change feed across processes (store/change_feed.h): another process that writes to
// the database wakes a waiting feed; one that only opens and reads it does not, and the wait times
// out. The other process is a fork that acts when told through a pipe.
#include "store/change_feed.h"
#include "store/store.h"
#include "store_fixture.h"

#include <catch2/catch.hpp>

#include <sys/wait.h>
#include <unistd.h>

#include <chrono>

using namespace store_fixture;
using namespace std::chrono_literals;

namespace {

constexpr auto kNeverWithin = 30s; // only a feed that never fires runs into it

// A child process on the same database that does one step per byte it reads from the parent and
// answers each with a byte once it is done: 'o' opens the store, 'r' reads the queue, 's' submits.
class OtherProcess {
public:
    explicit OtherProcess(const std::string& path) {
        REQUIRE(::pipe(toChild_) == 0);
        REQUIRE(::pipe(toParent_) == 0);
        pid_ = ::fork();
        REQUIRE(pid_ >= 0);
        if (pid_ == 0) {
            ::close(toChild_[1]);
            ::close(toParent_[0]);
            int status = 0;
            try {
                std::unique_ptr<Store> store;
                char step = 0;
                while (::read(toChild_[0], &step, 1) == 1) {
                    if (step == 'o') store = openSqliteStore(path);
                    if (step == 'r') store->queue();
                    if (step == 's') store->submit(sampleScreening(), kPatient);
                    if (::write(toParent_[1], &step, 1) != 1) break;
                }
            } catch (...) {
                status = 1;
            }
            ::_exit(status);
        }
        ::close(toChild_[0]);
        ::close(toParent_[1]);
    }
    ~OtherProcess() {
        ::close(toChild_[1]); // ends the child's loop
        int status = 0;
        ::waitpid(pid_, &status, 0);
        ::close(toParent_[0]);
    }
    // Asks for one step and waits until it is done.
    bool step(char what) {
        char done = 0;
        return ::write(toChild_[1], &what, 1) == 1 && ::read(toParent_[0], &done, 1) == 1 && done == what;
    }

private:
    int toChild_[2] = {-1, -1}, toParent_[2] = {-1, -1};
    pid_t pid_ = -1;
};

} // namespace

TEST_CASE("a waiting SQLite change feed wakes when another process submits, and times out when it only reads") {
    const std::string path = scratchDatabasePath("store-stations-feed");
    auto store = openSqliteStore(path);
    store->submit(sampleScreening(), kPatient);
    auto feed = store->changes();
    OtherProcess other(path);
    REQUIRE(other.step('o'));
    while (feed->wait(0ms)) {
    } // whatever opening the database did (its -wal may be made anew)
    REQUIRE(other.step('r'));
    CHECK_FALSE(feed->wait(300ms)); // a read is not a change
    REQUIRE(other.step('s'));
    CHECK(feed->wait(kNeverWithin));
    CHECK(store->queue().size() == 2);
}

TEST_CASE("a SQLite change feed does not fire for other files in the data directory") {
    const std::string path = scratchDatabasePath("store-stations-feed");
    auto store = openSqliteStore(path);
    auto feed = store->changes();
    while (feed->wait(0ms)) {
    }
    const std::string record = path + ".records-note";
    {
        FILE* f = std::fopen(record.c_str(), "w");
        REQUIRE(f);
        std::fputs("a record file written beside the database", f);
        std::fclose(f);
    }
    CHECK_FALSE(feed->wait(300ms));
}
