#include "store/stations.h"

#include "store/store.h"

#include <unistd.h>

#include <climits>
#include <exception>

namespace mrscreen::store {

bool validStationKind(const std::string& kind) { return kind == "kiosk" || kind == "station"; }

void checkPresence(const StationPresence& presence) {
    if (presence.name.empty()) throw Refused("a kiosk or station needs a name to be listed: set [site] station_name");
    if (!validStationKind(presence.kind))
        throw Refused("'" + presence.kind + "' is not a kind of station: it is \"kiosk\" or \"station\"");
    if (presence.spoolBacklog < 0) throw Refused("a spool backlog cannot be negative");
}

std::string hostName() {
    char name[HOST_NAME_MAX + 1] = {};
    if (::gethostname(name, sizeof name - 1) != 0 || name[0] == '\0') return "this computer";
    return name;
}

PresenceHeartbeat::PresenceHeartbeat(std::function<std::unique_ptr<Store>()> open,
                                     std::function<StationPresence()> describe, std::chrono::milliseconds every,
                                     std::function<void(const std::string&)> log)
    : open_(std::move(open)), describe_(std::move(describe)), every_(every), log_(std::move(log)),
      thread_([this] { run(); }) {}

PresenceHeartbeat::~PresenceHeartbeat() {
    {
        std::lock_guard<std::mutex> lock(mutex_);
        stopping_ = true;
    }
    stop_.notify_all();
    thread_.join();
}

void PresenceHeartbeat::run() {
    std::unique_ptr<Store> store;
    std::string lastProblem; // said once, until a beat succeeds again
    for (;;) {
        try {
            if (!store) store = open_();
            store->stationSeen(describe_());
            lastProblem.clear();
        } catch (const std::exception& e) {
            store.reset(); // a new connection at the next beat (the server may be back)
            if (e.what() != lastProblem && log_)
                log_(std::string("presence not written, staff stations will show this one as not seen: ") + e.what());
            lastProblem = e.what();
        }
        std::unique_lock<std::mutex> lock(mutex_);
        if (stop_.wait_for(lock, every_, [this] { return stopping_; })) return;
    }
}

} // namespace mrscreen::store
