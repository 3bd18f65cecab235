// Drives the real kiosk headlessly: an ImGui context with the kiosk's fonts but no renderer, a
// scratch data directory with a real SQLite store and site signing key, and a finger made of
// mouse events fed frame by frame. Targets are found by the ids the widgets record each frame, so
// a test taps "option:implant-pacemaker@:yes" the way a patient would tap the tile.
#pragma once

#include "cli/config.h"
#include "cli/form_files.h"
#include "cli/kiosk_services.h"
#include "ui/kiosk.h"

#include <imgui.h>

#include <functional>
#include <future>
#include <memory>
#include <mutex>
#include <sstream>
#include <string>
#include <vector>

namespace mrscreen::test {

struct HarnessOptions {
    int width = 1280, height = 800;
    bool signingKey = true;
    std::string failSubmit; // when set, saving throws this (a full disk, a lost database)
    // When set, saving waits for it (a slow database) before it saves.
    std::shared_ptr<std::shared_future<void>> submitGate;
    // Each frame waits for the store and record work it started, so the next frame shows the
    // result; off, a test sees the screen while the work is still running.
    bool settleBackground = true;
    std::vector<std::string> signerRoles = {"mrso"}; // [policy] signer_roles
    // Changes the kiosk's services before it starts (a worklist, the linked exam's scanner).
    std::function<void(ui::KioskServices&)> services;
    ui::KioskOptions kiosk;
    // The kiosk's spool (<data dir>/spool.db) and its forwarder, as `mrscreen` runs them.
    bool spool = false;
    // How long the kiosk's store waits for another connection's lock before Busy; 0: as configured.
    int busyTimeoutMs = 0;
};

class KioskHarness {
public:
    explicit KioskHarness(HarnessOptions options = {});
    ~KioskHarness();

    ui::Kiosk& kiosk() { return *kiosk_; }
    ui::KioskState& state() { return kiosk_->state(); }
    store::Store& store() { return *store_; }
    const cli::KioskConfig& config() const { return config_; }
    // The spool and its forwarder (HarnessOptions::spool), or nullptr.
    cli::KioskSpool* spool() { return spool_.get(); }
    // What the forwarder reported, from its thread.
    std::vector<std::string> spoolLog() const {
        std::lock_guard lock(spoolLogMutex_);
        return spoolLog_;
    }
    const std::vector<std::string>& log() const { return log_; }
    bool logged(const std::string& fragment) const;
    std::string lastLog() const { return log_.empty() ? "" : log_.back(); }
    double now() const { return now_; }

    // Runs frames with the finger where it is; `dt` seconds each.
    void frames(int n = 1, double dt = 1.0 / 30);
    // Lets time pass with nobody touching the screen (one frame at the end).
    void wait(double seconds);

    bool has(const std::string& id) const { return state().targets.count(id) > 0; }
    // Taps a target, dragging its scroll area first if it is out of view. Fails the test if it is
    // not on screen.
    void tap(const std::string& id);
    void tapAt(float x, float y);
    // Presses at (x, y), holds for `seconds`, releases.
    void hold(float x, float y, double seconds);
    // Drags the finger through the points (one frame each), pressing at the first.
    void drag(const std::vector<ImVec2>& points);
    // Types with the on-screen keyboard: switches layers and shift as a person would.
    void type(const std::string& utf8);
    // Scrolls a drag-scroll area by dragging the finger `dy` pixels (negative: content moves up).
    void scroll(const std::string& area, float dy);

    // Taps (presses and releases in place) and drags (scrolls, strokes) so far: what a patient does.
    int taps() const { return taps_; }
    // What each tap touched, in order: the target's id, or "x,y" for a tap by position.
    const std::vector<std::string>& tapLog() const { return tapLog_; }
    int drags() const { return drags_; }

    std::string screen() const { return ui::screenName(state().screen); }
    std::string page() const { return state().pageKey; }

private:
    HarnessOptions options_;
    std::string dir_;
    cli::KioskConfig config_;
    std::unique_ptr<cli::FormFiles> files_;
    std::unique_ptr<store::Store> store_;
    mutable std::mutex spoolLogMutex_;
    std::vector<std::string> spoolLog_;
    std::unique_ptr<cli::KioskSpool> spool_;
    std::ostringstream errors_;
    std::vector<std::string> log_;
    ImGuiContext* context_ = nullptr;
    std::unique_ptr<ui::Kiosk> kiosk_;
    double now_ = 1;
    int taps_ = 0, drags_ = 0;
    std::vector<std::string> tapLog_;
    float slop_[2] = {0, 0}; // how far a finger moves before a drag scrolls: normal, larger text
    const ui::KioskState& state() const { return kiosk_->state(); }
    void frameAt(ImVec2 mouse, bool down, double dt = 1.0 / 30);
};

} // namespace mrscreen::test
