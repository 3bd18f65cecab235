// Delivers the kiosk's spool (spool.h) to the store, oldest first, from a thread of its own with
// its own store connection, never the frame thread. While the store does not answer it backs off
// (2 s doubling to 60 s); a successful store call elsewhere wakes it at once. A submission leaves
// the spool only after the store acknowledged it (and what follows a stored submission, its
// signed record, was done), so a crash in between resends it and its key makes that harmless.
#pragma once

#include "store/spool.h"
#include "store/store.h"

#include <condition_variable>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace mrscreen::store {

// What the kiosk does after a stored submission (its signed record), for one delivered from the
// spool: `id` is the stored screening. Runs again for the same screening after a crash between
// delivery and removal, so it must notice work already done. A transient StoreError keeps the
// submission in the spool (tried again later); any other failure is reported and the delivery
// stands (as at the kiosk: a record that cannot be made does not undo the screening).
using AfterDelivery = std::function<void(Store& store, const SpooledSubmission& item, std::int64_t id)>;

struct ForwardPass {
    int delivered = 0;
    int failed = 0;         // refused for good by the store (kept, with the error, for IT)
    bool storeDown = false; // stopped at a busy or unreachable store; the rest waits
    std::vector<std::string> problems;
};

// Delivers every spooled submission once, oldest first, stopping at a transient store error.
// Throws SpoolError when the spool itself cannot be read or changed.
ForwardPass forwardSpool(Spool& spool, Store& store, const AfterDelivery& after);

struct ForwarderTiming {
    int firstRetryMs = 2000; // after a failed pass; doubles each time
    int maxRetryMs = 60000;
};

class SpoolForwarder {
public:
    using OpenStore = std::function<std::unique_ptr<Store>()>;
    // `log` is called from the forwarder's thread. Starts with a pass (a spool left from before a
    // restart is delivered at once).
    SpoolForwarder(std::shared_ptr<Spool> spool, OpenStore open, AfterDelivery after,
                   std::function<void(const std::string&)> log, ForwarderTiming timing = {});
    ~SpoolForwarder(); // finishes the pass in progress, then stops
    SpoolForwarder(const SpoolForwarder&) = delete;
    SpoolForwarder& operator=(const SpoolForwarder&) = delete;

    // The store answered (a submission was stored): try now, back-off reset.
    void wake();
    // A submission was spooled: start retrying (after the first back-off), if not already.
    void spooled();
    // Wakes the forwarder and waits until a pass started after this call has finished. For tests
    // and `mrscreen spool send`.
    void deliverNow();
    const Spool& spool() const { return *spool_; }

private:
    std::shared_ptr<Spool> spool_;
    OpenStore open_;
    AfterDelivery after_;
    std::function<void(const std::string&)> log_;
    ForwarderTiming timing_;
    std::mutex mutex_;
    std::condition_variable changed_;
    bool stopping_ = false, woken_ = false, spooled_ = false;
    std::uint64_t passesStarted_ = 0, passesDone_ = 0;
    std::thread thread_;
    void run();
    ForwardPass pass(std::unique_ptr<Store>& store, std::string& lastProblem);
};

} // namespace mrscreen::store
