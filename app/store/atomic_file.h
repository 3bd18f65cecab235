// Writing a record so that a crash or power cut leaves either the old state or the whole new file:
// temporary file in the same directory, fsync, rename, then fsync of the directory. Never
// overwrites: a record file, once written, stays as it is. In app/store because the SQLite store
// writes its record files with it; the CLI writes exported copies with it too.
#pragma once

#include <string>

namespace mrscreen::store {

// Throws std::runtime_error naming the path and the system error (disk full, permissions, exists).
void writeFileAtomically(const std::string& path, const std::string& bytes);

// An exclusive flock(2) on a directory, held for its lifetime, so that one process at a time picks
// and files the next record version there (the kiosk and `mrscreen record` may run at once).
class DirectoryLock {
public:
    explicit DirectoryLock(const std::string& dir); // creates the directory; throws when it cannot
    ~DirectoryLock();
    DirectoryLock(const DirectoryLock&) = delete;
    DirectoryLock& operator=(const DirectoryLock&) = delete;

private:
    int fd_ = -1;
};

// A file at a record's path that the store never registered (a crash between writing and
// registering) is nobody's record: it is renamed beside itself to
// <name>.unregistered-<UTC time>.pdf (never over another file) and that path returned.
std::string setAsideUnregistered(const std::string& path);

} // namespace mrscreen::store
