// A stop asked of the kiosk by its service manager: SIGTERM (systemd's stop, a shutdown), SIGINT
// (Ctrl+C in a terminal) or SIGHUP (the terminal went away). Without this the process dies on the
// spot, and the store's next start takes it for a crash and reads the whole database
// (store/open_sessions.h): seconds at tens of thousands of screenings. With it the window loop ends
// as a staff member's quit does, and the store closes cleanly.
//
// The handler only writes the signal's number to a pipe (async-signal-safe); a thread of its own
// waits on that pipe, so nothing polls and idle CPU stays at zero, and calls `onStop` there. One
// StopSignals at a time; once it is destroyed (the window closed, the process closing its store)
// these signals are ignored, so a second stop cannot cut the close short.
#pragma once

#include <functional>
#include <thread>

namespace mrscreen::ui {

class StopSignals {
public:
    // `onStop(signal)` runs on the watcher thread, once per signal received.
    explicit StopSignals(std::function<void(int)> onStop);
    ~StopSignals();
    StopSignals(const StopSignals&) = delete;
    StopSignals& operator=(const StopSignals&) = delete;

    // "TERM", "INT", "HUP" (for the log).
    static const char* name(int signal);

private:
    int pipe_[2] = {-1, -1};
    std::thread watcher_;
};

} // namespace mrscreen::ui
