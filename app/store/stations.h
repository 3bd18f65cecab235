// Which kiosks and staff stations are connected to a store, and when each was last seen: every
// running kiosk or station says so at start and every minute after (PresenceHeartbeat), and staff
// read the list on the queue screen. One row per name, replaced each time; not audited (it is not
// a workflow event).
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <thread>

namespace mrscreen::store {

class Store;

struct StationPresence {
    std::string name;    // [site] station_name, else the host name
    std::string kind;    // "kiosk" or "station"
    std::string version; // the program's version
    std::int64_t spoolBacklog = 0; // submissions kept in the kiosk's spool, not yet on the server
    std::string lastSeen;          // UTC ISO, set by the store when written
};

// "kiosk" and "station" are the only kinds; anything else is refused by stationSeen.
bool validStationKind(const std::string& kind);
// Refuses (Refused, saying what to fix) presence without a name, of another kind, or with a
// negative backlog; every store checks it before writing.
void checkPresence(const StationPresence& presence);

// How long a kiosk may go unheard before the list marks it ("not seen for 4 min").
inline constexpr int kStationMissingSeconds = 3 * 60;

// The host name, or "this computer" when it cannot be read.
std::string hostName();

// Tells the store this program is alive: at once, then every `every`, from a thread of its own with
// its own store connection (`open`), never the frame thread. A write that fails is said once through
// `log` and tried again at the next beat; the kiosk goes on either way.
class PresenceHeartbeat {
public:
    // `describe` is called for each beat (the spool's backlog changes between beats).
    PresenceHeartbeat(std::function<std::unique_ptr<Store>()> open, std::function<StationPresence()> describe,
                      std::chrono::milliseconds every = std::chrono::seconds(60),
                      std::function<void(const std::string&)> log = nullptr);
    ~PresenceHeartbeat();
    PresenceHeartbeat(const PresenceHeartbeat&) = delete;
    PresenceHeartbeat& operator=(const PresenceHeartbeat&) = delete;

private:
    std::function<std::unique_ptr<Store>()> open_;
    std::function<StationPresence()> describe_;
    std::chrono::milliseconds every_;
    std::function<void(const std::string&)> log_;
    std::mutex mutex_;
    std::condition_variable stop_;
    bool stopping_ = false;
    std::thread thread_;
    void run();
};

} // namespace mrscreen::store
