// Store and record work runs off the frame thread: the window keeps drawing while a submission is
// saved or a record signed, the patient sees what is happening and cannot submit twice, and the
// staff queue refreshes by itself. BackgroundWork itself: order, results applied only on the frame
// thread, failures contained, nothing dropped at shutdown.
#include "kiosk_harness.h"
#include "kiosk_steps.h"
#include "test_support.h"

#include "cli/submission.h"
#include "screening/response.h"
#include "store/store.h"
#include "ui/background.h"
#include "ui/ui_context.h"

#include <catch2/catch.hpp>

#include <atomic>
#include <future>
#include <thread>

using namespace mrscreen;
using mrscreen::test::KioskHarness;
using namespace mrscreen::test::steps;

namespace {

// A Ui over empty state, enough to apply results to.
struct Frame {
    ui::KioskState state;
    screening::Questionnaire form;
    ui::KioskOptions options;
    ui::KioskServices services;
    ui::Fonts fonts;
    std::vector<std::string> log;
    ui::Ui ui{state, form, options, services, fonts};
    Frame() {
        services.log = [this](const std::string& line) { log.push_back(line); };
    }
};

// Opens a gate when the test leaves, also when it fails half way, so no job waits forever.
struct Gate {
    std::promise<void> promise;
    std::shared_ptr<std::shared_future<void>> future =
        std::make_shared<std::shared_future<void>>(promise.get_future().share());
    bool open = false;
    void release() {
        if (!open) promise.set_value();
        open = true;
    }
    ~Gate() { release(); }
};

} // namespace

TEST_CASE("background jobs run in order off the frame thread and their results apply only when polled") {
    Frame f;
    std::vector<int> applied;
    std::atomic<bool> offThread{true};
    const auto frameThread = std::this_thread::get_id();
    {
        ui::BackgroundWork work;
        for (int i = 1; i <= 3; ++i)
            work.start("job " + std::to_string(i), i == 2, [i, &offThread, frameThread]() {
                if (std::this_thread::get_id() == frameThread) offThread = false;
                return ui::BackgroundWork::Finish([i](ui::Ui& ui) { ui.st.work.id = i; });
            });
        work.waitUntilRun();
        CHECK(work.pending());   // run, but nothing applied yet
        CHECK(work.blocking());  // job 2's result still waits for the frame
        CHECK(work.blockingWhat() == "job 2");
        CHECK(f.state.work.id == 0);
        work.start("record", false, [&applied]() {
            return ui::BackgroundWork::Finish([&applied](ui::Ui&) { applied.push_back(4); });
        });
        work.waitUntilRun();
        CHECK(work.poll(f.ui) == 4);
        CHECK(f.state.work.id == 3); // applied in the order started
        CHECK(applied == std::vector<int>{4});
        CHECK_FALSE(work.pending());
        CHECK_FALSE(work.blocking());
    }
    CHECK(offThread);
}

TEST_CASE("a background job that throws is logged and the kiosk carries on") {
    Frame f;
    ui::BackgroundWork work;
    work.start("Reading the queue", false, []() -> ui::BackgroundWork::Finish {
        throw std::runtime_error("the database server is unreachable");
    });
    work.waitUntilRun();
    CHECK(work.poll(f.ui) == 1);
    REQUIRE(f.log.size() == 1);
    CHECK(f.log[0] == "background-failed Reading the queue failed: the database server is unreachable");
}

TEST_CASE("closing the kiosk finishes every job already started, so no submission is dropped") {
    std::atomic<int> ran{0};
    {
        ui::BackgroundWork work;
        for (int i = 0; i < 5; ++i)
            work.start("save", true, [&ran]() {
                std::this_thread::sleep_for(std::chrono::milliseconds(20));
                ++ran;
                return ui::BackgroundWork::Finish();
            });
    }
    CHECK(ran == 5);
}

TEST_CASE("while the answers are being saved the patient sees it and a second tap on Submit saves nothing more") {
    Gate gate;
    test::HarnessOptions o;
    o.submitGate = gate.future;
    o.settleBackground = false;
    KioskHarness h(o);
    walkToSubmit(h);
    h.tap("submit");
    h.frames(5);
    // The window still draws (frames run), shows what it is doing, and the answers are not yet
    // gone: the save has not finished.
    CHECK(h.has("busy"));
    CHECK(h.screen() == "sign");
    CHECK(h.kiosk().draft().answered("family-name"));
    CHECK_FALSE(h.logged("submitted id="));
    h.tap("submit"); // the overlay takes the tap
    // Nobody touching the screen for longer than the idle timers while it saves resets nothing.
    h.wait(200);
    CHECK(h.screen() == "sign");
    gate.release();
    h.kiosk().waitForBackground();
    h.frames(2);
    CHECK(h.screen() == "submitted");
    CHECK_FALSE(h.has("busy"));
    CHECK(h.store().countScreenings() == 1);
    CHECK_FALSE(h.kiosk().draft().hasAnswers());
}

TEST_CASE("the staff queue shows a screening submitted at another kiosk by itself, without a tap") {
    KioskHarness h;
    h.store().addStaff("nina", "Nina Nurse", screening::Role::Nurse, "482913", {"test", screening::Role::Admin});
    signIn(h, "nina", "482913");
    REQUIRE(h.screen() == "staff-queue");
    CHECK_FALSE(h.has("queue:1"));
    long seen = h.kiosk().waitForStoreChange(-1, 0);
    // Another kiosk saves a screening into the same store.
    const auto files = cli::loadFormFiles(h.config().form);
    const auto response =
        screening::readResponse(test::slurp(test::sourcePath("forms/examples/pacemaker.json")), "pacemaker.json");
    std::ostringstream err;
    const auto sub = cli::submitResponse(h.store(), h.config(), files, response, "import",
                                         {"test", screening::Role::Admin}, "2026-11-25", err);
    REQUIRE(sub.id > 0);
    // The store's change feed brings it in (store/change_feed.h; ui_station_queue tests it more).
    for (int i = 0; i < 5 && !h.has("queue:" + std::to_string(sub.id)); ++i) {
        seen = h.kiosk().waitForStoreChange(seen, 30);
        h.frames(3);
    }
    CHECK(h.has("queue:" + std::to_string(sub.id)));
}
