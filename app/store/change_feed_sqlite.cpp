// The SQLite change feed (inotify on the database's directory, an eventfd for wake) and
// ChangeWatch, the thread that runs a feed.
#include "store/change_feed.h"

#include "store/errors.h"
#include "store/sqlite.h"

#include <poll.h>
#include <sys/eventfd.h>
#include <sys/inotify.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <exception>
#include <filesystem>

namespace mrscreen::store {

namespace {

// A file descriptor closed with its owner.
class Descriptor {
public:
    explicit Descriptor(int fd) : fd_(fd) {}
    ~Descriptor() {
        if (fd_ >= 0) ::close(fd_);
    }
    Descriptor(const Descriptor&) = delete;
    Descriptor& operator=(const Descriptor&) = delete;
    int get() const { return fd_; }

private:
    int fd_;
};

class SqliteChangeFeed final : public ChangeFeed {
public:
    explicit SqliteChangeFeed(const std::string& databasePath)
        : inotify_(::inotify_init1(IN_NONBLOCK | IN_CLOEXEC)), wake_(::eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC)),
          db_(databasePath) {
        version_ = dataVersion();
        namespace fs = std::filesystem;
        const fs::path path = fs::absolute(databasePath);
        file_ = path.filename().string();
        if (inotify_.get() < 0 || wake_.get() < 0)
            throw StoreError(std::string("cannot watch the database for changes: ") + std::strerror(errno) +
                             "; raise fs.inotify.max_user_instances (sysctl) and restart mrscreen");
        // The directory, not the files: the -wal comes and goes with the connections, and a watch on
        // a file that is removed ends with it.
        const std::string dir = path.parent_path().string();
        if (::inotify_add_watch(inotify_.get(), dir.c_str(), IN_MODIFY | IN_CLOSE_WRITE | IN_CREATE | IN_MOVED_TO) < 0)
            throw StoreError("cannot watch " + dir + " for changes to the database: " + std::strerror(errno) +
                             (errno == ENOSPC ? "; raise fs.inotify.max_user_watches (sysctl) and restart mrscreen"
                                              : ""));
    }

    bool wait(std::chrono::milliseconds timeout) override {
        if (settling_) { // the commits that follow the one just reported
            const Settled settled = settle();
            if (settled == Settled::Woken) return false;
            if (settled == Settled::Committed) return true;
        }
        const auto until = std::chrono::steady_clock::now() + timeout;
        for (;;) {
            const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(until - std::chrono::steady_clock::now());
            pollfd fds[2] = {{inotify_.get(), POLLIN, 0}, {wake_.get(), POLLIN, 0}};
            const int n = ::poll(fds, 2, int(std::max<std::int64_t>(0, left.count())));
            if (n < 0 && errno != EINTR)
                throw StoreError(std::string("watching the database for changes failed: ") + std::strerror(errno));
            if (fds[1].revents & POLLIN) return !consumeWake();
            if ((fds[0].revents & POLLIN) && drainEvents()) {
                // A write with no commit seen behind it (a checkpoint, a connection opening, a
                // commit slower than the window) still answers "may have changed": a false alarm
                // costs a read, a missed change would cost the queue.
                return settle() != Settled::Woken;
            }
            if (n == 0 || std::chrono::steady_clock::now() >= until) return false;
        }
    }

    void wake() override {
        const std::uint64_t one = 1;
        [[maybe_unused]] const auto put = ::write(wake_.get(), &one, sizeof one);
    }

private:
    Descriptor inotify_, wake_;
    std::string file_;
    // A connection of the feed's own, only for PRAGMA data_version: it moves once another
    // connection's commit is visible to readers.
    Database db_;
    std::int64_t version_ = 0;

    std::int64_t dataVersion() {
        auto st = db_.prepare("PRAGMA data_version");
        st.step();
        return st.integer(0);
    }

    enum class Settled { Committed, Quiet, Woken };
    bool settling_ = false; // a commit was reported and writes may still be completing

    // The event comes with the writer's write(), before its commit is visible (its fsync and the
    // WAL index follow), and one write may stand for several commits (a process's transactions in
    // a row). So after an event, and after each commit reported, watch PRAGMA data_version on the
    // feed's own connection: checked at once, then after 5, 10 ... 640 ms (1.3 s in all; the
    // window starts again with every new write event). Committed as soon as it moves; Quiet when
    // the window passes without a move; Woken on wake(). Only ever after a write: idle, it waits.
    Settled settle() {
        static constexpr int kDelays[] = {0, 5, 10, 20, 40, 80, 160, 320, 640};
        settling_ = true;
        for (std::size_t step = 0; step < std::size(kDelays); ++step) {
            if (kDelays[step] > 0) {
                pollfd wake = {wake_.get(), POLLIN, 0};
                if (::poll(&wake, 1, kDelays[step]) > 0 && consumeWake()) return Settled::Woken;
            }
            if (drainEvents()) step = 0; // more writes: the window starts again
            const std::int64_t now = dataVersion();
            if (now != version_) {
                version_ = now;
                return Settled::Committed;
            }
        }
        settling_ = false;
        return Settled::Quiet;
    }

    bool consumeWake() {
        std::uint64_t count = 0;
        return ::read(wake_.get(), &count, sizeof count) == sizeof count;
    }

    // Reads every queued event; true when one was about the database, its -wal or its -journal
    // (records, logs and the -shm, which SQLite changes through mmap, are not).
    bool drainEvents() {
        alignas(inotify_event) char buffer[8192];
        bool database = false;
        for (;;) {
            const ssize_t got = ::read(inotify_.get(), buffer, sizeof buffer);
            if (got <= 0) break;
            for (ssize_t at = 0; at < got;) {
                const auto* event = reinterpret_cast<const inotify_event*>(buffer + at);
                if (event->mask & IN_Q_OVERFLOW) database = true; // events were lost: assume a change
                if (event->len > 0) {
                    const std::string name = event->name;
                    if (name == file_ || name == file_ + "-wal" || name == file_ + "-journal") database = true;
                }
                at += ssize_t(sizeof(inotify_event) + event->len);
            }
        }
        return database;
    }
};

} // namespace

std::unique_ptr<ChangeFeed> sqliteChangeFeed(const std::string& databasePath) {
    return std::make_unique<SqliteChangeFeed>(databasePath);
}

ChangeWatch::ChangeWatch(std::function<std::unique_ptr<ChangeFeed>()> makeFeed, std::function<void()> changed,
                         std::function<void(const std::string&)> log, std::chrono::milliseconds fallbackEvery)
    : changed_(std::move(changed)), log_(std::move(log)), fallbackEvery_(fallbackEvery) {
    std::string problem;
    try {
        feed_ = makeFeed();
    } catch (const std::exception& e) {
        problem = e.what();
    }
    if (!problem.empty() && log_)
        log_("change-feed unavailable, the queue is read every " + std::to_string(fallbackEvery_.count() / 1000) +
             " s instead: " + problem);
    thread_ = std::thread([this] { run(); });
}

ChangeWatch::~ChangeWatch() {
    {
        std::lock_guard<std::mutex> lock(mutex_);
        stopping_ = true;
        if (feed_) feed_->wake();
    }
    fired_.notify_all();
    thread_.join();
}

void ChangeWatch::run() {
    for (;;) {
        ChangeFeed* feed = nullptr;
        {
            std::unique_lock<std::mutex> lock(mutex_);
            if (stopping_) return;
            feed = feed_.get();
            if (!feed) {
                // No feed: poll, the old way, rather than never refresh.
                if (fired_.wait_for(lock, fallbackEvery_, [this] { return stopping_; })) return;
            }
        }
        if (!feed) {
            fire();
            continue;
        }
        bool changed = false;
        try {
            changed = feed->wait(std::chrono::hours(1));
        } catch (const std::exception& e) {
            if (log_) log_(std::string("change-feed failed, the queue is read every few seconds instead: ") + e.what());
            std::lock_guard<std::mutex> lock(mutex_);
            feed_.reset();
            continue;
        }
        if (changed) fire();
    }
}

void ChangeWatch::fire() {
    if (changed_) changed_();
    {
        std::lock_guard<std::mutex> lock(mutex_);
        ++count_;
    }
    fired_.notify_all();
}

long ChangeWatch::waitForChange(long seen, std::chrono::milliseconds timeout) const {
    std::unique_lock<std::mutex> lock(mutex_);
    fired_.wait_for(lock, timeout, [this, seen] { return count_ > seen; });
    return count_;
}

long ChangeWatch::changes() const {
    std::lock_guard<std::mutex> lock(mutex_);
    return count_;
}

} // namespace mrscreen::store
