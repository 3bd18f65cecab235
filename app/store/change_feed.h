// Word that the store may have changed, pushed rather than polled, so a staff queue refreshes
// within a second of a submission at any kiosk and an idle station uses no CPU. A store hands out
// feeds (Store::changes()); ChangeWatch runs one on a thread of its own and calls back on a change.
//
// What a backend's feed must do (the contract the SQLite feed and the PostgreSQL one both keep):
// - wait(timeout) blocks without polling until a write by ANY process or station may have
//   committed since the feed was made or since the previous wait returned true, until `timeout`
//   passes, or until wake() is called. It returns true for "may have changed", false for a
//   timeout or a wake(). A false alarm is allowed (the reader re-reads); a missed change is not.
//   Changes that arrive while nobody waits are kept: the next wait returns true at once.
// - wake() may be called from any thread, any number of times, also before or during a wait; it
//   makes the current (or next) wait return false at once.
// - The feed never touches the store's own connection (the store is used by one thread at a time,
//   ui/background.h): it watches files (SQLite) or holds a connection of its own (PostgreSQL:
//   LISTEN mrscreen_changes, select() on PQsocket and the wake pipe, PQconsumeInput/PQnotifies).
// - When the feed loses what it watches (the server restarts), it re-establishes it and returns
//   true, since anything written meanwhile was missed; it throws StoreError only when it cannot go
//   on at all, and the caller then falls back to polling.
#pragma once

#include <chrono>
#include <condition_variable>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <thread>

namespace mrscreen::store {

class ChangeFeed {
public:
    virtual ~ChangeFeed() = default;
    // True when the store may have changed; false after `timeout` or wake().
    virtual bool wait(std::chrono::milliseconds timeout) = 0;
    // Ends a wait from another thread (for shutdown).
    virtual void wake() = 0;
};

// The SQLite file's feed: inotify on the directory holding `databasePath`, reporting writes to the
// file, its -wal and its -journal by any process on this machine (a commit writes the -wal; a
// checkpoint or a rollback-journal commit writes the file); after such a write it waits, briefly,
// until PRAGMA data_version on a connection of its own shows the commit is visible (the write comes
// before the commit completes). Throws StoreError when inotify is not
// available (out of watches: fs.inotify.max_user_watches). Not for a database on a network file
// system: inotify sees only this machine's writes.
std::unique_ptr<ChangeFeed> sqliteChangeFeed(const std::string& databasePath);

// Runs a feed on a thread of its own and calls `changed` (on that thread) each time it fires. The
// feed is made before the constructor returns, so every change after it is seen. When the feed
// cannot be made or fails, it says why through `log` (on either thread) and calls `changed` every
// `fallbackEvery` instead, so the queue still refreshes, only later.
class ChangeWatch {
public:
    ChangeWatch(std::function<std::unique_ptr<ChangeFeed>()> makeFeed, std::function<void()> changed,
                std::function<void(const std::string&)> log = nullptr,
                std::chrono::milliseconds fallbackEvery = std::chrono::seconds(5));
    // Stops the thread (wakes the feed and joins).
    ~ChangeWatch();
    ChangeWatch(const ChangeWatch&) = delete;
    ChangeWatch& operator=(const ChangeWatch&) = delete;

    // How many times `changed` has been called. Waits until it exceeds `seen` or `timeout` passes;
    // returns the count. For tests and benchmarks: "the feed has fired since".
    long waitForChange(long seen, std::chrono::milliseconds timeout) const;
    long changes() const;

private:
    std::function<void()> changed_;
    std::function<void(const std::string&)> log_;
    std::chrono::milliseconds fallbackEvery_;
    mutable std::mutex mutex_;
    mutable std::condition_variable fired_;
    std::unique_ptr<ChangeFeed> feed_; // null: polling fallback
    long count_ = 0;
    bool stopping_ = false;
    std::thread thread_;
    void run();
    void fire();
};

} // namespace mrscreen::store
