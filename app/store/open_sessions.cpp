#include "store/open_sessions.h"

#include "store/errors.h"

#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <string>
#include <vector>

namespace mrscreen::store {

namespace fs = std::filesystem;

namespace {

// A marker is live while its process holds the lock on it: the kernel lets go of the lock when the
// process dies, however it dies, and a reused pid does not matter. True when it could be taken (a
// stale marker, now held here until closed).
bool lockIsFree(const fs::path& marker) {
    const int fd = ::open(marker.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) return false; // gone meanwhile, or not ours to read: not evidence of a crash
    const bool free = ::flock(fd, LOCK_EX | LOCK_NB) == 0;
    ::close(fd);
    return free;
}

bool isMarker(const fs::path& p) { return p.extension() == ".open"; }

} // namespace

OpenSessions::OpenSessions(const std::string& databasePath) {
    if (databasePath.empty() || databasePath[0] == ':' || databasePath.rfind("file:", 0) == 0) return;
    dir_ = databasePath + ".sessions";
    std::error_code ec;
    fs::create_directories(dir_, ec);
    if (ec)
        throw StoreError("cannot write " + dir_ + ", where mrscreen notes that the database is open: " + ec.message() +
                             ". Check that this user may write the data directory",
                         StoreErrorKind::Unreachable);
    for (const auto& entry : fs::directory_iterator(dir_, ec))
        if (isMarker(entry.path()) && lockIsFree(entry.path())) unclean_ = true;
    // One marker per open store (a process may open the same database twice), locked while open.
    static std::atomic<int> opened{0};
    marker_ = (fs::path(dir_) / (std::to_string(::getpid()) + "-" + std::to_string(++opened) + ".open")).string();
    fd_ = ::open(marker_.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0600);
    if (fd_ < 0 || ::flock(fd_, LOCK_EX | LOCK_NB) != 0)
        throw StoreError("cannot write the session note " + marker_ + ": " + std::strerror(errno) +
                             ". Check that this user may write the data directory",
                         StoreErrorKind::Unreachable);
}

OpenSessions::~OpenSessions() {
    if (marker_.empty()) return;
    std::error_code ec;
    fs::remove(marker_, ec);
    if (fd_ >= 0) ::close(fd_);
}

void OpenSessions::clearStale() {
    if (dir_.empty()) return;
    std::error_code ec;
    std::vector<fs::path> stale;
    for (const auto& entry : fs::directory_iterator(dir_, ec))
        if (isMarker(entry.path()) && entry.path() != fs::path(marker_) && lockIsFree(entry.path()))
            stale.push_back(entry.path());
    for (const auto& p : stale) fs::remove(p, ec);
    unclean_ = false;
}

} // namespace mrscreen::store
