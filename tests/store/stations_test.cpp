// Kiosks and stations, part of the store contract (store_backends.h): presence (one row per name,
// replaced, not audited, refused without a name or with an unknown kind), the heartbeat that writes
// it, and the change feed every backend hands out (store/change_feed.h): it fires on a write through
// another store handle, keeps a change nobody waited for, and ends a wait on wake().
#include "store/change_feed.h"
#include "store/clock.h"
#include "store/stations.h"
#include "store/store.h"
#include "store_backends.h"
#include "store_fixture.h"

#include <catch2/catch.hpp>

#include <chrono>
#include <condition_variable>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

using Catch::Matchers::Contains;
using namespace store_fixture;
using namespace std::chrono_literals;

namespace {

struct ScratchStore : store_fixture::ContractStoreBase {
    ScratchStore() : ContractStoreBase("store-stations") {}
};

StationPresence presence(const std::string& name, const std::string& kind = "kiosk", std::int64_t backlog = 0) {
    StationPresence p;
    p.name = name;
    p.kind = kind;
    p.version = "0.1.0";
    p.spoolBacklog = backlog;
    return p;
}

// Long enough that only a feed that never fires runs into it; a working one returns at once.
constexpr auto kNeverWithin = 30s;

} // namespace

TEST_CASE("a kiosk that says it is alive is listed with its kind, version, spool backlog and the time it was seen") {
    ScratchStore s;
    CHECK(s.store->stations().empty());
    const std::string before = mrscreen::store::nowUtc();
    s.store->stationSeen(presence("Kiosk 2", "kiosk", 3));
    s.store->stationSeen(presence("Control room", "station"));
    const auto listed = s.store->stations();
    REQUIRE(listed.size() == 2);
    CHECK(listed[0].name == "Control room"); // by name
    CHECK(listed[0].kind == "station");
    CHECK(listed[1].name == "Kiosk 2");
    CHECK(listed[1].kind == "kiosk");
    CHECK(listed[1].version == "0.1.0");
    CHECK(listed[1].spoolBacklog == 3);
    CHECK(listed[1].lastSeen.substr(0, 16) >= before.substr(0, 16));
    CHECK(listed[1].lastSeen.back() == 'Z'); // UTC
}

TEST_CASE("a station seen again keeps one row under its name, with its newest version, kind and backlog") {
    ScratchStore s;
    s.store->stationSeen(presence("Kiosk 1", "kiosk", 4));
    auto again = presence("Kiosk 1", "kiosk", 0);
    again.version = "0.2.0";
    s.store->stationSeen(again);
    const auto listed = s.store->stations();
    REQUIRE(listed.size() == 1);
    CHECK(listed[0].version == "0.2.0");
    CHECK(listed[0].spoolBacklog == 0);
    s.reopen();
    CHECK(s.store->stations().size() == 1);
}

TEST_CASE("saying it is alive is not a workflow event: the audit trail gains nothing and still verifies") {
    ScratchStore s;
    s.store->submit(sampleScreening(), kPatient);
    const auto rows = s.auditRows();
    for (int i = 0; i < 3; ++i)
        s.store->stationSeen(presence("Kiosk 1"));
    CHECK(s.auditRows() == rows);
    CHECK(s.store->verifyAudit().intact);
}

TEST_CASE("presence without a name, of an unknown kind or with a negative backlog is refused and stores nothing") {
    ScratchStore s;
    CHECK_THAT(refusalOf([&] { s.store->stationSeen(presence("")); }), Contains("[site] station_name"));
    CHECK_THAT(refusalOf([&] { s.store->stationSeen(presence("Kiosk 1", "printer")); }),
               Contains("\"kiosk\" or \"station\""));
    CHECK_THAT(refusalOf([&] { s.store->stationSeen(presence("Kiosk 1", "kiosk", -1)); }), Contains("negative"));
    CHECK(s.store->stations().empty());
}

TEST_CASE("the change feed fires when another store handle submits, and a change nobody waited for is kept") {
    ScratchStore s;
    auto feed = s.store->changes();
    auto other = s.backend->open();
    while (feed->wait(0ms)) {
    } // whatever opening the second handle did
    other->submit(sampleScreening(), kPatient);
    // Nobody was waiting when it was written: the next wait still says so, at once.
    CHECK(feed->wait(kNeverWithin));
    while (feed->wait(0ms)) {
    }
    other->stationSeen(presence("Kiosk 1"));
    CHECK(feed->wait(kNeverWithin));
}

TEST_CASE("with nothing written the change feed's wait times out as no change, reads included") {
    ScratchStore s;
    s.store->submit(sampleScreening(), kPatient);
    auto other = s.backend->open();
    auto feed = s.store->changes();
    while (feed->wait(0ms)) {
    }
    CHECK(other->queue().size() == 1);
    CHECK(other->stations().empty());
    CHECK_FALSE(feed->wait(300ms));
}

TEST_CASE("wake ends a change feed's wait from another thread as no change, also when it came first") {
    ScratchStore s;
    auto feed = s.store->changes();
    while (feed->wait(0ms)) {
    }
    feed->wake(); // before the wait: the wait still ends
    CHECK_FALSE(feed->wait(kNeverWithin));
    std::thread waker([&] {
        std::this_thread::sleep_for(50ms);
        feed->wake();
    });
    const auto started = std::chrono::steady_clock::now();
    CHECK_FALSE(feed->wait(kNeverWithin));
    waker.join();
    CHECK(std::chrono::steady_clock::now() - started < kNeverWithin); // it was the wake, not the timeout
}

TEST_CASE("a change watch calls back on a write by another handle and stops cleanly while waiting") {
    ScratchStore s;
    std::mutex m;
    int calls = 0;
    auto watch = std::make_unique<ChangeWatch>([&] { return s.store->changes(); },
                                               [&] {
                                                   std::lock_guard<std::mutex> lock(m);
                                                   ++calls;
                                               });
    const long before = watch->changes();
    auto other = s.backend->open();
    other->submit(sampleScreening(), kPatient);
    long seen = watch->waitForChange(before, kNeverWithin);
    CHECK(seen > before);
    {
        std::lock_guard<std::mutex> lock(m);
        CHECK(calls == seen);
    }
    watch.reset(); // joins a thread blocked in the feed's wait
}

TEST_CASE("a change watch without a feed says why and still calls back, every few seconds as the queue did") {
    ScratchStore s;
    std::vector<std::string> said;
    ChangeWatch watch([]() -> std::unique_ptr<ChangeFeed> { throw StoreError("out of inotify watches"); }, [] {},
                      [&](const std::string& line) { said.push_back(line); }, 10ms);
    CHECK(watch.waitForChange(0, kNeverWithin) > 0);
    REQUIRE(said.size() == 1);
    CHECK_THAT(said[0], Contains("out of inotify watches"));
}

TEST_CASE("the heartbeat says the kiosk is alive at once and at every beat, from a store connection of its own") {
    ScratchStore s;
    std::mutex m;
    std::condition_variable beat;
    int described = 0;
    {
        PresenceHeartbeat heartbeat([&] { return s.backend->open(); },
                                    [&] {
                                        std::lock_guard<std::mutex> lock(m);
                                        ++described;
                                        beat.notify_all();
                                        return presence("Kiosk 1", "kiosk", described);
                                    },
                                    5ms);
        std::unique_lock<std::mutex> lock(m);
        REQUIRE(beat.wait_for(lock, kNeverWithin, [&] { return described >= 3; }));
    }
    const auto listed = s.store->stations();
    REQUIRE(listed.size() == 1);
    CHECK(listed[0].name == "Kiosk 1");
    CHECK(listed[0].spoolBacklog >= 2); // a later beat replaced the first one's row
}

TEST_CASE("a heartbeat that cannot write says why once and tries again at the next beat") {
    ScratchStore s;
    std::mutex m;
    std::condition_variable beat;
    int opened = 0;
    std::vector<std::string> said;
    {
        PresenceHeartbeat heartbeat(
            [&]() -> std::unique_ptr<Store> {
                std::lock_guard<std::mutex> lock(m);
                ++opened;
                beat.notify_all();
                if (opened < 3) throw StoreError("the database server is unreachable", StoreErrorKind::Unreachable);
                return s.backend->open();
            },
            [] { return presence("Kiosk 1"); }, 5ms,
            [&](const std::string& line) {
                std::lock_guard<std::mutex> lock(m);
                said.push_back(line);
            });
        std::unique_lock<std::mutex> lock(m);
        REQUIRE(beat.wait_for(lock, kNeverWithin, [&] { return opened >= 3; }));
    } // the beat that opened the store finishes its write before the heartbeat stops
    REQUIRE(said.size() == 1);
    CHECK_THAT(said[0], Contains("the database server is unreachable"));
    CHECK(s.store->stations().size() == 1);
}
