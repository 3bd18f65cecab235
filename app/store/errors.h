// The two ways a store call fails: StoreError (the database itself: damaged, full, locked,
// unreadable) and Refused (the workflow or site policy does not allow the change). Either way
// nothing was changed.
#pragma once

#include <stdexcept>
#include <string>
#include <utility>

namespace mrscreen::store {

// What went wrong with the database, so a station or a spool can decide what to do: wait and retry
// (busy, unreachable), stop and call IT (full, corrupt), or reload and show who acted (conflict).
enum class StoreErrorKind {
    Other,       // anything else: the message says what
    Busy,        // another writer holds the lock past the timeout
    Full,        // no space left on the disk or over a size limit; nothing was written
    Corrupt,     // the file is damaged or not a database
    Unreachable, // the database cannot be opened (missing directory, permissions, server down)
    Conflict,    // another station changed the same rows first (a unique key already taken, or the
                 // screening kept changing under a change: workflow_policy.h)
};

const char* storeErrorKindName(StoreErrorKind kind);

class StoreError : public std::runtime_error {
public:
    explicit StoreError(const std::string& message, StoreErrorKind kind = StoreErrorKind::Other)
        : std::runtime_error(message), kind_(kind) {}
    StoreErrorKind kind() const { return kind_; }
    // Worth trying again in a moment without changing anything.
    bool transient() const { return kind_ == StoreErrorKind::Busy || kind_ == StoreErrorKind::Unreachable; }

private:
    StoreErrorKind kind_;
};

class Refused : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

// A signed record whose bytes the store cannot give out (Corrupt): missing where the backend keeps
// them, or changed since they were filed (their SHA-256 differs). The message names the screening,
// the version and what to do; `where` says where the bytes were kept (a file, or the database).
class RecordUnreadable : public StoreError {
public:
    RecordUnreadable(const std::string& message, bool missing, std::string where)
        : StoreError(message, StoreErrorKind::Corrupt), missing_(missing), where_(std::move(where)) {}
    bool missing() const { return missing_; } // false: there, but not the bytes that were filed
    const std::string& where() const { return where_; }

private:
    bool missing_;
    std::string where_;
};

} // namespace mrscreen::store
