#include "kiosk_harness.h"

#include "cli/kiosk_services.h"
#include "record/pdf_signature.h"
#include "store/errors.h"
#include "test_support.h"

#include <catch2/catch.hpp>

#include <atomic>
#include <cfloat>
#include <filesystem>
#include <unistd.h>

namespace mrscreen::test {

namespace {

std::string scratchDir() {
    static std::atomic<int> counter{0};
    const auto dir = std::filesystem::path(MRSCREEN_TEST_OUTPUT) / "ui" /
                     ("kiosk-" + std::to_string(getpid()) + "-" + std::to_string(counter++));
    std::filesystem::remove_all(dir);
    std::filesystem::create_directories(dir);
    return dir.string();
}

const ImVec2 kAway(-FLT_MAX, -FLT_MAX);

} // namespace

KioskHarness::KioskHarness(HarnessOptions options) : options_(options) {
    dir_ = scratchDir();
    config_.dataDir = dir_;
    config_.form = sourcePath("forms/mri-safety");
    config_.siteName = "Test MRI";
    config_.signerRoles = options_.signerRoles;
    files_ = std::make_unique<cli::FormFiles>(cli::loadFormFiles(config_.form));
    if (options_.busyTimeoutMs > 0) {
        store::StoreOptions storeOptions = config_.storeOptions();
        storeOptions.busyTimeoutMs = options_.busyTimeoutMs;
        store_ = store::openSqliteStore(config_.databasePath(), storeOptions);
    } else {
        store_ = cli::openStore(config_);
    }
    // The forwarder retries only when a test says (deliverNow) or a submission is stored, so what
    // a test sees never depends on how fast this machine is.
    if (options_.spool)
        spool_ = cli::openKioskSpool(
            config_, *files_,
            [this](const std::string& line) {
                std::lock_guard lock(spoolLogMutex_);
                spoolLog_.push_back(line);
            },
            {}, store::ForwarderTiming{24 * 3600 * 1000, 24 * 3600 * 1000});
    if (options_.signingKey) {
        std::filesystem::create_directories(std::filesystem::path(config_.signingKeyPath()).parent_path());
        record::writeSelfSignedIdentity(config_.signingKeyPath(), config_.signingCertPath(), "Test MRI", 30);
    }
    context_ = ImGui::CreateContext();
    ImGuiIO& io = ImGui::GetIO();
    io.IniFilename = nullptr;
    io.DisplaySize = ImVec2(float(options_.width), float(options_.height));
    const ui::Fonts fonts = ui::loadFonts(ui::fontSizeFor(options_.width, options_.height));
    for (int i = 0; i < 2; ++i) slop_[i] = fonts.size[i] * 0.6f; // as beginDragScroll reads a drag
    unsigned char* pixels = nullptr;
    int w = 0, h = 0;
    io.Fonts->GetTexDataAsRGBA32(&pixels, &w, &h); // builds the atlas; no texture is uploaded
    ui::KioskServices services = cli::kioskServices(*store_, config_, *files_,
                                                    [this](const std::string& line) { log_.push_back(line); }, errors_,
                                                    spool_.get());
    services.today = [] { return std::string("2026-11-25"); };
    if (options_.submitGate) {
        services.submit = [gate = options_.submitGate, submit = services.submit](const screening::Response& r,
                                                                                 const std::string& key) {
            gate->wait();
            return submit(r, key);
        };
    }
    if (!options_.failSubmit.empty())
        services.submit = [problem = options_.failSubmit](const screening::Response&,
                                                          const std::string&) -> ui::SubmitOutcome {
            throw store::StoreError(problem);
        };
    if (options_.services) options_.services(services);
    kiosk_ = std::make_unique<ui::Kiosk>(files_->form, files_->rules ? &*files_->rules : nullptr, services,
                                         options_.kiosk, fonts);
    frames(2);
}

KioskHarness::~KioskHarness() {
    kiosk_.reset();
    spool_.reset(); // its forwarder stops before the store and the files go
    ImGui::DestroyContext(context_);
}

bool KioskHarness::logged(const std::string& fragment) const {
    for (const auto& l : log_)
        if (l.find(fragment) != std::string::npos) return true;
    return false;
}

void KioskHarness::frameAt(ImVec2 mouse, bool down, double dt) {
    ImGuiIO& io = ImGui::GetIO();
    io.DisplaySize = ImVec2(float(options_.width), float(options_.height));
    io.DeltaTime = float(dt);
    io.MousePos = mouse;
    io.MouseDown[0] = down;
    now_ += dt;
    ImGui::NewFrame();
    kiosk_->frame(now_);
    ImGui::Render();
    // Store and record work runs in the background; a test sees its result on the next frame, as
    // a person would a moment later. A few rounds: a result may start more work.
    for (int round = 0; options_.settleBackground && round < 5 && kiosk_->backgroundPending(); ++round) {
        kiosk_->waitForBackground();
        ImGui::NewFrame();
        kiosk_->frame(now_);
        ImGui::Render();
    }
}

void KioskHarness::frames(int n, double dt) {
    for (int i = 0; i < n; ++i) frameAt(kAway, false, dt);
}

void KioskHarness::wait(double seconds) {
    // Several frames, as a real idle kiosk would draw on its timers.
    const int steps = 10;
    for (int i = 0; i < steps; ++i) frameAt(kAway, false, seconds / steps);
}

void KioskHarness::tapAt(float x, float y) {
    ++taps_;
    tapLog_.push_back(std::to_string(int(x)) + "," + std::to_string(int(y)));
    frameAt(ImVec2(x, y), false);
    frameAt(ImVec2(x, y), true);
    frameAt(ImVec2(x, y), false);
    frames(2); // the finger lifts away: no hover remains
}

void KioskHarness::hold(float x, float y, double seconds) {
    frameAt(ImVec2(x, y), false);
    const int steps = int(seconds * 10) + 1;
    for (int i = 0; i < steps; ++i) frameAt(ImVec2(x, y), true, 0.1);
    frameAt(ImVec2(x, y), false);
    frames(2);
}

void KioskHarness::drag(const std::vector<ImVec2>& points) {
    if (points.empty()) return;
    ++drags_;
    frameAt(points.front(), false);
    for (const auto& p : points) frameAt(p, true);
    frameAt(points.back(), false);
    frames(2);
}

void KioskHarness::scroll(const std::string& area, float dy) {
    const auto it = state().scrollAreas.find(area);
    REQUIRE(it != state().scrollAreas.end());
    const auto& a = it->second;
    // Start where no button sits would be ideal; the drag slop keeps buttons from firing anyway.
    // Start on empty content (a finger dragging on a signature pad draws instead), away from the
    // scroll bar on the right, which drags the other way.
    auto free = [&](float px, float py) {
        for (const auto& [name, t] : state().targets)
            if (px >= t.x0 && px <= t.x1 && py >= t.y0 && py <= t.y1) return false;
        return true;
    };
    float x = (a.x0 + a.x1) / 2, y0 = dy < 0 ? a.y1 - 10 : a.y0 + 10;
    bool found = false;
    for (float py = y0; !found && py > a.y0 && py < a.y1; py += dy < 0 ? -8.0f : 8.0f)
        for (const float px : {a.x0 + 4, (a.x0 + a.x1) / 2, a.x1 - 30})
            if (!found && free(px, py)) x = px, y0 = py, found = true;
    std::vector<ImVec2> pts;
    const int steps = 12;
    for (int i = 0; i <= steps; ++i) pts.push_back(ImVec2(x, y0 + dy * float(i) / float(steps)));
    drag(pts);
}

void KioskHarness::tap(const std::string& id) {
    frames(1); // look at the screen as it is now
    for (int attempt = 0; attempt < 40; ++attempt) {
        const auto it = state().targets.find(id);
        if (it == state().targets.end()) break;
        const ui::Target t = it->second;
        if (t.visible) {
            tapAt((t.x0 + t.x1) / 2, (t.y0 + t.y1) / 2);
            tapLog_.back() = id;
            return;
        }
        REQUIRE_FALSE(t.scrollArea.empty());
        const auto& area = state().scrollAreas.at(t.scrollArea);
        const float areaH = area.y1 - area.y0;
        // A drag scrolls only past the finger's slop (up to 36 px with Larger text on a big screen):
        // a target a few pixels out of view needs the slop more than the few pixels it lacks.
        const float slop = slop_[state().largeText ? 1 : 0] + 2;
        const float dy = t.y0 < area.y0 ? std::min(areaH * 0.6f, area.y0 - t.y0 + 4) + slop
                                        : -(std::min(areaH * 0.6f, t.y1 - area.y1 + 4) + slop);
        scroll(t.scrollArea, dy);
    }
    std::string shown;
    for (const auto& [name, t] : state().targets)
        shown += name + (t.visible ? "" : "(hidden y " + std::to_string(int(t.y0)) + "-" + std::to_string(int(t.y1)) + " in " + t.scrollArea + ")") + " ";
    for (const auto& [name, a] : state().scrollAreas)
        shown += "[area " + name + " y " + std::to_string(int(a.y0)) + "-" + std::to_string(int(a.y1)) + "] ";
    INFO("screen " << screen() << " page " << page() << "; targets: " << shown);
    FAIL("no touch target '" << id << "' on screen");
}

void KioskHarness::type(const std::string& text) {
    for (std::size_t i = 0; i < text.size();) {
        std::size_t len = 1;
        const auto c = static_cast<unsigned char>(text[i]);
        if (c >= 0xF0) len = 4;
        else if (c >= 0xE0) len = 3;
        else if (c >= 0xC0) len = 2;
        std::string ch = text.substr(i, len);
        i += len;
        if (ch == " ") {
            tap("key:space");
            continue;
        }
        // Upper case: shift, then the lower-case key.
        std::string lower = ch;
        bool upper = false;
        if (ch.size() == 1 && ch[0] >= 'A' && ch[0] <= 'Z') lower = std::string(1, char(ch[0] + 32)), upper = true;
        if (ch.size() == 2 && static_cast<unsigned char>(ch[0]) == 0xC3 && static_cast<unsigned char>(ch[1]) >= 0x80 &&
            static_cast<unsigned char>(ch[1]) <= 0x9E)
            lower = std::string{ch[0], static_cast<char>(static_cast<unsigned char>(ch[1]) + 0x20)}, upper = true;
        const std::string key = "key:" + lower;
        if (!has(key)) {
            for (const char* layer : {"key:layer:letters", "key:layer:accents", "key:layer:symbols"}) {
                if (has(layer)) tap(layer);
                if (has(key)) break;
            }
        }
        const bool shifted = state().editing && state().editing->shift;
        if (upper != shifted && has("key:shift")) tap("key:shift");
        tap(key);
    }
}

} // namespace mrscreen::test
