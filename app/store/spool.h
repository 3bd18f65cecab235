// The kiosk's spool: completed, signed submissions the store could not take (busy, unreachable),
// kept in a SQLite file of their own (<data_dir>/spool.db, mode 0600, its folder 0700) until the
// forwarder (spool_forwarder.h) has delivered them. Each keeps its submission key, so a resend
// after a crash between delivery and removal is stored once (NewScreening::submissionKey).
#pragma once

#include "store/store.h"

#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

namespace mrscreen::store {

class Database;

// A random UUID v4 ("6f1c2d3e-4b5a-4c6d-8e7f-901a2b3c4d5e"): a submission's key.
std::string newSubmissionKey();

struct SpooledSubmission {
    std::int64_t id = 0; // its place in the spool (oldest first)
    NewScreening screening;
    Actor actor;
    std::string spooledAt; // UTC ISO
    int attempts = 0;      // deliveries tried since it was spooled
    std::string lastError; // why the store did not take it, the last time
};

// What staff see: how many submissions wait on this kiosk, and since when.
struct SpoolBacklog {
    int count = 0;
    std::string oldestSpooledAt; // UTC ISO; empty when nothing waits
};

// The spool cannot keep a submission (disk full, damaged, not writable); the message says which
// file and what to do. Nothing was kept by the call that threw it.
class SpoolError : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

// Safe to share between threads (the kiosk's background worker adds, the forwarder delivers, the
// staff screen reads the backlog): every call holds the spool's lock.
class Spool {
public:
    // Opens the spool at `path`, creating it (0600; its folder 0700) when missing, and checks it.
    // Throws SpoolError for a damaged file or one that cannot be written.
    explicit Spool(const std::string& path);
    ~Spool();
    Spool(const Spool&) = delete;
    Spool& operator=(const Spool&) = delete;

    const std::string& path() const { return path_; }

    // Keeps a submission the store did not take, durably (on disk when this returns), with why.
    // A submission without a key gets one here; one whose key is already spooled is kept once.
    // Returns its id. Throws SpoolError (disk full, damaged, not writable).
    std::int64_t add(NewScreening screening, const Actor& actor, const std::string& error);
    // The oldest spooled submission after `afterId` (0: the oldest of all).
    std::optional<SpooledSubmission> next(std::int64_t afterId = 0);
    // Every submission waiting, oldest first, without the form texts and answers (for listing).
    std::vector<SpooledSubmission> waiting();
    // After the store acknowledged it: removes it.
    void remove(std::int64_t id);
    // A delivery that failed: counts the attempt and keeps the error.
    void noteFailure(std::int64_t id, const std::string& error);
    // Read from memory (kept current by every change here and by refresh()), so the staff
    // screen may ask every frame.
    SpoolBacklog backlog() const;
    // Reads the backlog from the file again (another process, `mrscreen spool send`, changed it).
    SpoolBacklog refresh();

private:
    std::string path_;
    mutable std::mutex mutex_;
    std::unique_ptr<Database> db_;
    SpoolBacklog backlog_;
    void readBacklog(); // holds mutex_
};

// The whole screening as the spool keeps it (JSON), and back.
std::string spooledScreeningJson(const NewScreening& screening);
NewScreening spooledScreeningFromJson(const std::string& json);

} // namespace mrscreen::store
