#include "store/open_sessions.h"

#include "store/errors.h"

#include <signal.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <filesystem>
#include <fstream>
#include <limits>
#include <vector>

namespace mrscreen::store {

namespace fs = std::filesystem;

namespace {

bool processAlive(long pid) {
    if (pid <= 0 || pid > long(std::numeric_limits<pid_t>::max())) return false; // no such process

    return ::kill(pid_t(pid), 0) == 0 || errno == EPERM;
}

// The pid a marker's name ("<pid>.<n>") holds; 0 for any other file.
long pidOf(const fs::path& marker) {
    std::string name = marker.filename().string();
    name = name.substr(0, name.find('.'));
    if (name.empty() || name.size() > 10 || name.find_first_not_of("0123456789") != std::string::npos) return 0;
    return std::stol(name);
}

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
    const long self = long(::getpid());
    for (const auto& entry : fs::directory_iterator(dir_, ec)) {
        const long pid = pidOf(entry.path());
        if (pid != 0 && pid != self && !processAlive(pid)) unclean_ = true;
    }
    // One marker per open store: a process may open the same database twice.
    static std::atomic<int> opened{0};
    marker_ = (fs::path(dir_) / (std::to_string(self) + "." + std::to_string(++opened))).string();
    std::ofstream(marker_) << self << "\n";
}

OpenSessions::~OpenSessions() {
    if (marker_.empty()) return;
    std::error_code ec;
    fs::remove(marker_, ec);
}

void OpenSessions::clearStale() {
    if (dir_.empty()) return;
    std::error_code ec;
    std::vector<fs::path> stale;
    for (const auto& entry : fs::directory_iterator(dir_, ec)) {
        const long pid = pidOf(entry.path());
        if (pid != 0 && pid != long(::getpid()) && !processAlive(pid)) stale.push_back(entry.path());
    }
    for (const auto& p : stale) fs::remove(p, ec);
    unclean_ = false;
}

} // namespace mrscreen::store
