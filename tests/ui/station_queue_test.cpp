// A staff station's queue updates itself: a screening submitted through another store handle (another
// kiosk) appears once the store's change feed fires, with no tap and no time passing; and the queue
// screen lists the kiosks and stations using the store, marking one not heard from in words.
#include "kiosk_harness.h"
#include "kiosk_steps.h"
#include "test_support.h"

#include "cli/submission.h"
#include "screening/response.h"
#include "store/clock.h"
#include "store/store.h"
#include "ui/staff_work.h"

#include <catch2/catch.hpp>

#include <sstream>

using namespace mrscreen;
using mrscreen::test::KioskHarness;
using namespace mrscreen::test::steps;

namespace {

// A station (no patient screens) with Nina signed in, on the queue.
test::HarnessOptions stationOptions(int width = 1280, int height = 800) {
    test::HarnessOptions o;
    o.width = width;
    o.height = height;
    o.kiosk.station = true;
    return o;
}

void signInAtStation(KioskHarness& h) {
    h.store().addStaff("nina", "Nina Nurse", screening::Role::Nurse, "482913", kAdmin);
    REQUIRE(h.screen() == "staff-sign-in");
    typeInto(h, "staff:username", "nina");
    typeInto(h, "staff:pin", "482913");
    h.tap("staff-sign-in");
    REQUIRE(h.screen() == "staff-queue");
}

store::StationPresence presence(const std::string& name, const std::string& kind, std::int64_t backlog = 0) {
    store::StationPresence p;
    p.name = name;
    p.kind = kind;
    p.version = "0.1.0";
    p.spoolBacklog = backlog;
    return p;
}

} // namespace

TEST_CASE("a station shows a screening submitted through another store handle once the change feed fires, "
          "with no tap and no time passing") {
    KioskHarness h(stationOptions());
    signInAtStation(h);
    const double signedIn = h.now();
    const long before = h.kiosk().waitForStoreChange(-1, 0);
    // Another kiosk: its own connection to the same database.
    auto other = store::openSqliteStore(h.config().databasePath());
    const auto files = cli::loadFormFiles(h.config().form);
    const auto response =
        screening::readResponse(test::slurp(test::sourcePath("forms/examples/pacemaker.json")), "pacemaker.json");
    std::ostringstream err;
    const auto sub = cli::submitResponse(*other, h.config(), files, response, "kiosk", {"", screening::Role::Patient},
                                         "2026-11-25", err);
    REQUIRE(sub.id > 0);
    const std::string row = "queue:" + std::to_string(sub.id);
    // Each frame is a thirtieth of a second: only the feed can bring the row in. The sign-in's own
    // writes may fire the feed first, so wait for the next firing until the row is there.
    long seen = before;
    for (int i = 0; i < 5 && !h.has(row); ++i) {
        seen = h.kiosk().waitForStoreChange(seen, 30);
        h.frames(3);
    }
    CHECK(h.has(row));
    CHECK(h.now() - signedIn < 5); // inside the 5 s the queue used to wait between reads
}

TEST_CASE("the queue screen lists each kiosk and station with its kind, when it was last seen and its spool backlog") {
    KioskHarness h(stationOptions());
    h.store().stationSeen(presence("Kiosk 2", "kiosk", 3));
    h.store().stationSeen(presence("Control room", "station"));
    signInAtStation(h);
    h.frames(3);
    REQUIRE(h.state().work.stations.size() == 2);
    CHECK(h.state().shown.count("stations"));
    CHECK(h.state().shown.count("station:Kiosk 2"));
    CHECK(h.state().shown.count("station:Control room"));
    CHECK_FALSE(h.state().shown.count("station:Kiosk 2:missing"));
}

TEST_CASE("a kiosk not heard from for over three minutes is marked with a sign and words, not by colour alone") {
    test::HarnessOptions o = stationOptions();
    // The station's clock four hours after the kiosk was last seen.
    o.services = [](ui::KioskServices& s) {
        s.nowUtc = [] { return store::addSeconds(store::nowUtc(), 4 * 3600); };
    };
    KioskHarness h(o);
    h.store().stationSeen(presence("Kiosk 2", "kiosk"));
    signInAtStation(h);
    h.frames(3);
    CHECK(h.state().shown.count("station:Kiosk 2:missing"));
}

TEST_CASE("a presence line says the kind, version, how long ago and the backlog, in English and Spanish") {
    bool missing = true;
    const auto kiosk = presence("Kiosk 2", "kiosk", 3);
    CHECK(ui::staff::presenceLine("en", kiosk, 125, missing) ==
          "Kiosk 2  \xC2\xB7  Patient kiosk  \xC2\xB7  version 0.1.0  \xC2\xB7  last seen 2 min ago  \xC2\xB7  3 kept in "
          "its spool, not yet sent");
    CHECK_FALSE(missing);
    CHECK(ui::staff::presenceLine("en", presence("Control room", "station"), 20, missing) ==
          "Control room  \xC2\xB7  Staff station  \xC2\xB7  version 0.1.0  \xC2\xB7  last seen just now");
    CHECK(ui::staff::presenceLine("en", kiosk, 3 * 3600 + 5, missing) ==
          "\xE2\x96\xA0 Kiosk 2  \xC2\xB7  Patient kiosk  \xC2\xB7  version 0.1.0  \xC2\xB7  not seen for 3 h  \xC2\xB7  3 "
          "kept in its spool, not yet sent");
    CHECK(missing);
    CHECK(ui::staff::presenceLine("en", kiosk, 181, missing).find("not seen for 3 min") != std::string::npos);
    CHECK(missing);
    CHECK(ui::staff::presenceLine("en", kiosk, 180, missing).find("last seen 3 min ago") != std::string::npos);
    CHECK_FALSE(missing);
    CHECK(ui::staff::presenceLine("es", kiosk, 2 * 86400, missing).find("sin noticias desde hace 2 días") !=
          std::string::npos);
    CHECK(ui::staff::presenceLine("en", kiosk, std::nullopt, missing).find("last seen at a time that cannot be read") !=
          std::string::npos);
    CHECK(missing);
}
