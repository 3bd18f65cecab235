// The PostgreSQL change feed (change_feed.h): a connection of its own that LISTENs on
// mrscreen_changes (the audit and stations triggers NOTIFY at commit, db/postgresql), waiting with
// poll() on its socket and an eventfd for wake(). A lost connection is opened again, and the wait
// that sees it back says "may have changed", since whatever was written meanwhile was not heard.
#include "store/pg_store_impl.h"

#include <libpq-fe.h>
#include <poll.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

namespace mrscreen::store::detail {

namespace {

using Clock = std::chrono::steady_clock;

// How long to wait between attempts to reach a server that went away.
constexpr std::chrono::milliseconds kRetryEvery{500};

class PostgresChangeFeed final : public ChangeFeed {
public:
    explicit PostgresChangeFeed(const PostgresConnection& where)
        : where_(where), wake_(::eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC)) {
        if (wake_ < 0)
            throw StoreError(std::string("cannot make the change feed's wake-up: ") +
                             std::strerror(errno));
        listen(); // from here on no commit is missed
    }
    ~PostgresChangeFeed() override { ::close(wake_); }
    PostgresChangeFeed(const PostgresChangeFeed&) = delete;
    PostgresChangeFeed& operator=(const PostgresChangeFeed&) = delete;

    bool wait(std::chrono::milliseconds timeout) override {
        const auto until = Clock::now() + timeout;
        if (consumeWake())
            return false;
        for (;;) {
            if (!db_) { // lost: reach the server again, then report what may have been missed
                if (reconnect())
                    return true;
            } else if (heard()) {
                return true;
            }
            const auto left =
                std::chrono::duration_cast<std::chrono::milliseconds>(until - Clock::now());
            if (left.count() <= 0)
                return false;
            pollfd fds[2] = {{wake_, POLLIN, 0}, {db_ ? PQsocket(db_->handle()) : -1, POLLIN, 0}};
            const auto wait = db_ ? left : std::min(left, kRetryEvery);
            const int n = ::poll(fds, db_ ? 2 : 1, int(wait.count()));
            if (n < 0 && errno != EINTR)
                throw StoreError(
                    std::string("waiting for the PostgreSQL server's changes failed: ") +
                    std::strerror(errno));
            if ((fds[0].revents & POLLIN) && consumeWake())
                return false;
        }
    }

    void wake() override {
        const std::uint64_t one = 1;
        [[maybe_unused]] const auto put = ::write(wake_, &one, sizeof one);
    }

private:
    PostgresConnection where_;
    int wake_;
    std::unique_ptr<pg::Connection> db_; // null while the server cannot be reached

    void listen() {
        db_ = std::make_unique<pg::Connection>(where_);
        db_->exec("LISTEN mrscreen_changes");
    }

    bool reconnect() {
        try {
            listen();
            return true;
        } catch (const StoreError&) {
            db_.reset(); // still away: try again at the next retry
            return false;
        }
    }

    // Reads what the server sent: true when a notification arrived. A connection found broken is
    // dropped, and reported as a change (what was written meanwhile was not heard).
    bool heard() {
        pg_conn* conn = db_->handle();
        if (PQconsumeInput(conn) == 0 || PQstatus(conn) == CONNECTION_BAD) {
            db_.reset();
            reconnect(); // when it fails, the next waits keep trying
            return true;
        }
        bool any = false;
        while (PGnotify* note = PQnotifies(conn)) {
            PQfreemem(note);
            any = true;
        }
        return any;
    }

    bool consumeWake() {
        std::uint64_t count = 0;
        return ::read(wake_, &count, sizeof count) == sizeof count;
    }
};

} // namespace

std::unique_ptr<ChangeFeed> postgresChangeFeed(const PostgresConnection& where) {
    return std::make_unique<PostgresChangeFeed>(where);
}

} // namespace mrscreen::store::detail
