#include "store/atomic_file.h"

#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <filesystem>
#include <ctime>
#include <stdexcept>
#include <sys/file.h>
#include <unistd.h>

namespace mrscreen::store {

namespace fs = std::filesystem;

static std::runtime_error systemError(const std::string& what, const std::string& path) {
    return std::runtime_error(what + " " + path + ": " + std::strerror(errno) +
                              (errno == ENOSPC ? " (free disk space, then try again)" : ""));
}

void writeFileAtomically(const std::string& path, const std::string& bytes) {
    const fs::path target(path);
    const fs::path dir = target.has_parent_path() ? target.parent_path() : fs::path(".");
    std::error_code ec;
    fs::create_directories(dir, ec);
    if (fs::exists(target)) throw std::runtime_error("cannot write " + path + ": it exists, and records are never overwritten");
    std::string name = ".";
    name.append(target.filename().string()).append(".XXXXXX");
    std::string temp = (dir / name).string();
    const int fd = mkstemp(temp.data());
    if (fd < 0) throw systemError("cannot create a temporary file beside", path);
    std::size_t written = 0;
    while (written < bytes.size()) {
        const ssize_t n = ::write(fd, bytes.data() + written, bytes.size() - written);
        if (n < 0) {
            if (errno == EINTR) continue;
            const auto error = systemError("cannot write", path);
            ::close(fd);
            ::unlink(temp.c_str());
            throw error;
        }
        written += std::size_t(n);
    }
    if (::fsync(fd) != 0 || ::close(fd) != 0) {
        const auto error = systemError("cannot flush", path);
        ::unlink(temp.c_str());
        throw error;
    }
    // link() fails when the target exists, so a concurrent writer can never be overwritten.
    if (::link(temp.c_str(), path.c_str()) != 0) {
        const auto error = systemError("cannot put in place", path);
        ::unlink(temp.c_str());
        throw error;
    }
    ::unlink(temp.c_str());
    const int dirFd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY);
    if (dirFd >= 0) {
        ::fsync(dirFd);
        ::close(dirFd);
    }
}

DirectoryLock::DirectoryLock(const std::string& dir) {
    std::error_code ec;
    fs::create_directories(dir, ec);
    fd_ = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd_ < 0) throw systemError("cannot open the records directory", dir);
    while (::flock(fd_, LOCK_EX) != 0) {
        if (errno == EINTR) continue;
        const auto error = systemError("cannot lock the records directory", dir);
        ::close(fd_);
        throw error;
    }
}

DirectoryLock::~DirectoryLock() {
    if (fd_ >= 0) ::close(fd_); // closing releases the lock
}

std::string setAsideUnregistered(const std::string& path) {
    const fs::path target(path);
    const std::time_t now = std::time(nullptr);
    std::tm tm{};
    gmtime_r(&now, &tm);
    char stamp[32];
    std::strftime(stamp, sizeof stamp, "%Y%m%dT%H%M%SZ", &tm);
    const fs::path stem = target.parent_path() / target.stem();
    for (int n = 0; n < 100; ++n) {
        // Built by append: GCC 12 warns falsely (-Wrestrict) on the same as one + chain.
        std::string aside = stem.string();
        aside.append(".unregistered-").append(stamp);
        if (n) aside.append("-").append(std::to_string(n));
        aside.append(target.extension().string());
        // link() refuses an existing name: nothing is ever overwritten, not even an earlier one set aside.
        if (::link(path.c_str(), aside.c_str()) == 0) {
            if (::unlink(path.c_str()) != 0) throw systemError("cannot move aside the unregistered file", path);
            return aside;
        }
        if (errno != EEXIST) throw systemError("cannot move aside the unregistered file", path);
    }
    throw std::runtime_error("cannot move aside the unregistered file " + path + ": too many set aside already");
}

} // namespace mrscreen::store
