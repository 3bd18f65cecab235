#include "ui/background.h"

#include "ui/ui_context.h"

#include <exception>
#include <utility>

namespace mrscreen::ui {

BackgroundWork::BackgroundWork() : worker_([this] { work(); }) {}

BackgroundWork::~BackgroundWork() {
    {
        std::lock_guard<std::mutex> lock(mutex_);
        stopping_ = true;
    }
    changed_.notify_all();
    worker_.join();
}

void BackgroundWork::start(const std::string& what, bool blocking, Job job) {
    {
        std::lock_guard<std::mutex> lock(mutex_);
        waiting_.push_back(Entry{what, blocking, std::move(job), nullptr});
    }
    changed_.notify_all();
}

void BackgroundWork::work() {
    std::unique_lock<std::mutex> lock(mutex_);
    for (;;) {
        changed_.wait(lock, [this] { return stopping_ || !waiting_.empty(); });
        if (waiting_.empty()) return; // stopping, and every job started has run
        Entry entry = std::move(waiting_.front());
        waiting_.pop_front();
        running_ = 1;
        runningBlocks_ = entry.blocking;
        runningWhat_ = entry.what;
        lock.unlock();
        try {
            entry.finish = entry.job();
        } catch (const std::exception& e) {
            // A job reports its own failures in its result; this is the last line of defence, so a
            // throw never takes the kiosk down with it.
            const std::string problem = entry.what + " failed: " + e.what();
            entry.finish = [problem](Ui& ui) {
                if (ui.services.log) ui.services.log("background-failed " + problem);
            };
        }
        entry.job = nullptr;
        lock.lock();
        running_ = 0;
        runningBlocks_ = false;
        done_.push_back(std::move(entry));
        changed_.notify_all();
    }
}

int BackgroundWork::poll(Ui& ui) {
    std::deque<Entry> finished;
    {
        std::lock_guard<std::mutex> lock(mutex_);
        finished.swap(done_);
    }
    for (auto& entry : finished)
        if (entry.finish) entry.finish(ui);
    return int(finished.size());
}

bool BackgroundWork::pending() const {
    std::lock_guard<std::mutex> lock(mutex_);
    return running_ || !waiting_.empty() || !done_.empty();
}

bool BackgroundWork::blocking() const {
    std::lock_guard<std::mutex> lock(mutex_);
    if (runningBlocks_) return true;
    for (const auto& e : waiting_)
        if (e.blocking) return true;
    for (const auto& e : done_)
        if (e.blocking) return true;
    return false;
}

std::string BackgroundWork::blockingWhat() const {
    std::lock_guard<std::mutex> lock(mutex_);
    if (runningBlocks_) return runningWhat_;
    for (const auto& e : waiting_)
        if (e.blocking) return e.what;
    for (const auto& e : done_)
        if (e.blocking) return e.what;
    return "";
}

void BackgroundWork::waitUntilRun() const {
    std::unique_lock<std::mutex> lock(mutex_);
    changed_.wait(lock, [this] { return !running_ && waiting_.empty(); });
}

store::Store& storeOf(Ui& ui) {
    if (ui.background) ui.background->waitUntilRun();
    return *ui.services.store;
}

} // namespace mrscreen::ui
