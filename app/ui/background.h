// Store and record work off the frame thread. One worker runs jobs in the order they were started;
// the frame thread's own (short) store calls wait for it first (storeOf in ui_context.h), so the
// store is never used by two threads at once. A job returns what the frame thread applies
// to the screens once it is done, and the frame polls for those every frame. While a job that the
// screen waits for is running, the kiosk shows what it is doing and takes no input, never a frozen
// window. A network database makes every store call slow; this keeps the window responsive.
#pragma once

#include <condition_variable>
#include <deque>
#include <functional>
#include <mutex>
#include <string>
#include <thread>

namespace mrscreen::ui {

struct Ui;

class BackgroundWork {
public:
    // Runs on the frame thread with that frame's context, after the job is done.
    using Finish = std::function<void(Ui&)>;
    // Runs on the worker; must not touch the kiosk's state, only what it captured by value.
    using Job = std::function<Finish()>;

    BackgroundWork();
    // Finishes every job already started (a submission is never dropped on quit), then stops.
    ~BackgroundWork();
    BackgroundWork(const BackgroundWork&) = delete;
    BackgroundWork& operator=(const BackgroundWork&) = delete;

    // Queues `job`. `what` is shown while it runs ("Saving your answers"); `blocking`: the screen
    // waits for it (no input meanwhile); otherwise it runs unseen (a queue refresh).
    void start(const std::string& what, bool blocking, Job job);
    // Applies the results of finished jobs, in order; returns how many. Frame thread only.
    int poll(Ui& ui);
    // Jobs started whose results are not yet applied.
    bool pending() const;
    // A job the screen waits for is pending; what it is doing.
    bool blocking() const;
    std::string blockingWhat() const;
    // Waits until every started job has run (its result still to be applied by poll). For tests
    // and shutdown.
    void waitUntilRun() const;

private:
    struct Entry {
        std::string what;
        bool blocking = false;
        Job job;
        Finish finish;
    };
    mutable std::mutex mutex_;
    mutable std::condition_variable changed_;
    std::deque<Entry> waiting_; // started, not yet run
    std::deque<Entry> done_;    // run, result not yet applied
    int running_ = 0;
    bool runningBlocks_ = false;
    std::string runningWhat_;
    bool stopping_ = false;
    std::thread worker_;
    void work();
};

} // namespace mrscreen::ui
