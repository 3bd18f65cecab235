#include "store/spool_forwarder.h"

#include <algorithm>
#include <chrono>
#include <exception>

namespace mrscreen::store {

namespace {

std::string itemName(const SpooledSubmission& item) {
    return "spooled submission " + std::to_string(item.id) + " (since " + item.spooledAt + ")";
}

} // namespace

ForwardPass forwardSpool(Spool& spool, Store& store, const AfterDelivery& after) {
    ForwardPass pass;
    std::int64_t last = 0;
    while (const auto item = spool.next(last)) {
        last = item->id;
        std::int64_t id = 0;
        try {
            id = store.submit(item->screening, item->actor);
        } catch (const StoreError& e) {
            spool.noteFailure(item->id, e.what());
            pass.problems.push_back(itemName(*item) + " not delivered: " + e.what());
            if (e.transient()) {
                pass.storeDown = true;
                return pass; // the rest waits for the store, in order
            }
            ++pass.failed; // kept for IT; the others still go
            continue;
        } catch (const Refused& e) {
            spool.noteFailure(item->id, e.what());
            pass.problems.push_back(itemName(*item) + " refused by the store, kept in the spool: " + e.what());
            ++pass.failed;
            continue;
        }
        if (after) {
            try {
                after(store, *item, id);
            } catch (const StoreError& e) {
                if (e.transient()) { // stored, its record not yet: both again at the next pass
                    spool.noteFailure(item->id, e.what());
                    pass.problems.push_back(itemName(*item) + " is stored as screening " + std::to_string(id) +
                                            ", its record waits for the store: " + e.what());
                    pass.storeDown = true;
                    return pass;
                }
                pass.problems.push_back("screening " + std::to_string(id) + " is stored, but: " + e.what());
            } catch (const std::exception& e) {
                pass.problems.push_back("screening " + std::to_string(id) + " is stored, but: " + e.what());
            }
        }
        spool.remove(item->id);
        ++pass.delivered;
    }
    return pass;
}

SpoolForwarder::SpoolForwarder(std::shared_ptr<Spool> spool, OpenStore open, AfterDelivery after,
                               std::function<void(const std::string&)> log, ForwarderTiming timing)
    : spool_(std::move(spool)), open_(std::move(open)), after_(std::move(after)), log_(std::move(log)),
      timing_(timing) {
    thread_ = std::thread([this] { run(); });
}

SpoolForwarder::~SpoolForwarder() {
    {
        std::lock_guard lock(mutex_);
        stopping_ = true;
    }
    changed_.notify_all();
    thread_.join();
}

void SpoolForwarder::wake() {
    {
        std::lock_guard lock(mutex_);
        woken_ = true;
    }
    changed_.notify_all();
}

void SpoolForwarder::spooled() {
    {
        std::lock_guard lock(mutex_);
        spooled_ = true;
    }
    changed_.notify_all();
}

void SpoolForwarder::deliverNow() {
    std::unique_lock lock(mutex_);
    const std::uint64_t after = passesStarted_ + 1; // a pass already running may have missed new items
    woken_ = true;
    changed_.notify_all();
    changed_.wait(lock, [&] { return passesDone_ >= after || stopping_; });
}

ForwardPass SpoolForwarder::pass(std::unique_ptr<Store>& store, std::string& lastProblem) {
    ForwardPass pass;
    try {
        if (spool_->refresh().count == 0) return pass; // nothing to send: no store connection needed
        if (!store) store = open_();
        pass = forwardSpool(*spool_, *store, after_);
        // A server that went away may have broken this connection for good: a new one next time.
        if (pass.storeDown) store.reset();
    } catch (const StoreError& e) { // the store could not even be opened
        pass.storeDown = e.transient();
        pass.problems.push_back(std::string("the spool waits: ") + e.what());
        store.reset(); // opened again at the next pass
        try { // the oldest shows the attempt and why (`mrscreen spool list`)
            if (const auto oldest = spool_->next()) spool_->noteFailure(oldest->id, e.what());
        } catch (const std::exception&) {
        }
    } catch (const std::exception& e) { // SpoolError: the spool itself
        pass.problems.push_back(e.what());
        store.reset();
    }
    if (pass.delivered && log_)
        log_("spool: " + std::to_string(pass.delivered) + " submission(s) delivered, " +
             std::to_string(spool_->backlog().count) + " waiting");
    // Said once, not at every retry while the store stays down.
    const std::string problem = pass.problems.empty() ? "" : pass.problems.front();
    if (!problem.empty() && problem != lastProblem && log_) log_("spool: " + problem);
    lastProblem = problem;
    return pass;
}

void SpoolForwarder::run() {
    std::unique_ptr<Store> store;
    std::string lastProblem;
    int backoffMs = 0; // 0: not retrying (the spool is empty, or the store just answered)
    for (;;) {
        {
            std::lock_guard lock(mutex_);
            ++passesStarted_;
        }
        const ForwardPass done = pass(store, lastProblem);
        const bool waiting = spool_->backlog().count > 0;
        if (!waiting)
            backoffMs = 0;
        else if (done.storeDown)
            backoffMs = backoffMs ? std::min(backoffMs * 2, timing_.maxRetryMs) : timing_.firstRetryMs;
        else // only submissions the store refused for good remain: try them now and then
            backoffMs = timing_.maxRetryMs;
        std::unique_lock lock(mutex_);
        ++passesDone_;
        changed_.notify_all();
        auto event = [this] { return stopping_ || woken_; };
        if (backoffMs == 0 && !woken_) {
            changed_.wait(lock, [this] { return stopping_ || woken_ || spooled_; });
            if (!woken_ && spooled_) backoffMs = timing_.firstRetryMs; // the store just failed: wait a moment
        }
        if (backoffMs > 0 && !woken_) changed_.wait_for(lock, std::chrono::milliseconds(backoffMs), event);
        if (stopping_) return;
        if (woken_) backoffMs = 0; // the store answered: no reason to wait
        woken_ = false;
        spooled_ = false;
    }
}

} // namespace mrscreen::store
