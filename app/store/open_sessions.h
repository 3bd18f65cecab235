// Which processes have a database open, so a start can tell a clean stop from a crash without
// reading the whole file: each store that opens the database leaves a marker (<pid>-<n>.open) in
// <database>.sessions/, holds an flock on it while open and removes it when it closes. A marker
// nobody holds the lock on was left by a process that stopped without closing (a crash, a power
// cut, SIGKILL: the kernel drops the lock however a process dies): then, and only then, the start
// runs the full integrity check; otherwise a cheap check keeps start-up time flat as the
// database grows. The nightly backup checks the whole file as well.
#pragma once

#include <string>

namespace mrscreen::store {

class OpenSessions {
public:
    // Records this process's session for the database at `databasePath` (nothing for an in-memory
    // database). Throws StoreError when the marker folder cannot be written.
    explicit OpenSessions(const std::string& databasePath);
    ~OpenSessions(); // removes this process's marker
    OpenSessions(const OpenSessions&) = delete;
    OpenSessions& operator=(const OpenSessions&) = delete;

    // A process that had the database open stopped without closing it.
    bool uncleanShutdown() const { return unclean_; }
    // Forgets the markers of processes that are gone, once the whole file has been checked.
    void clearStale();

private:
    std::string dir_;
    std::string marker_;
    int fd_ = -1; // the marker, locked while the store is open
    bool unclean_ = false;
};

} // namespace mrscreen::store
