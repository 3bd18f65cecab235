// [SECTION] the kiosk: one frame, the idle and privacy timers, the hidden staff gesture, and the
// state log that tests and the window test read.
#include "ui/kiosk.h"

#include "screening/derived.h"
#include "store/change_feed.h"
#include "ui/read_aloud.h"
#include "ui/ui_context.h"

#include <algorithm>

namespace mrscreen::ui {

using namespace screening;

const char* screenName(Screen screen) {
    switch (screen) {
    case Screen::Welcome: return "welcome";
    case Screen::Question: return "question";
    case Screen::BodyMap: return "body-map";
    case Screen::Review: return "review";
    case Screen::Sign: return "sign";
    case Screen::Submitted: return "submitted";
    case Screen::StaffSignIn: return "staff-sign-in";
    case Screen::StaffMenu: return "staff-queue";
    case Screen::StaffReview: return "staff-review";
    case Screen::StaffDecision: return "staff-decision";
    }
    return "?";
}

namespace {

bool patientScreen(Screen s) {
    return s != Screen::StaffSignIn && s != Screen::StaffMenu && s != Screen::StaffReview && s != Screen::StaffDecision;
}
bool answering(Screen s) {
    return s == Screen::Question || s == Screen::BodyMap || s == Screen::Review || s == Screen::Sign;
}

} // namespace

Kiosk::Kiosk(const Questionnaire& form, const RuleSet* rules, KioskServices services, KioskOptions options, Fonts fonts)
    : form_(form), rules_(rules), services_(std::move(services)), options_(options), fonts_(fonts),
      background_(std::make_unique<BackgroundWork>()) {
    state_.language = form.language;
    state_.draft = std::make_unique<Draft>(form);
    if (!services_.today) services_.today = [] { return std::string("2026-01-01"); };
    if (!services_.nowUtc) services_.nowUtc = [] { return std::string("2026-01-01T00:00:00Z"); };
    state_.screen = homeScreen();
}

Screen Kiosk::homeScreen() const { return options_.station ? Screen::StaffSignIn : Screen::Welcome; }

// A station showing an empty sign-in form: nothing to time out.
bool Kiosk::stationAtRest() const {
    return options_.station && state_.screen == Screen::StaffSignIn && !state_.staff && !state_.editing &&
           state_.staffUsername.empty() && state_.staffPin.empty() && state_.staffMessage.empty();
}

Kiosk::~Kiosk() = default;

// The feed's thread marks the queue stale; it wakes the window only while the queue is on screen,
// so a patient kiosk draws nothing when another kiosk submits.
void Kiosk::watchStore() {
    if (watch_ || !services_.store) return;
    store::Store* store = services_.store;
    watch_ = std::make_unique<store::ChangeWatch>(
        [store] { return store->changes(); },
        [this] {
            storeChanged_ = true;
            if (queueOnScreen_ && waker_) waker_();
        },
        [this](const std::string& problem) {
            std::lock_guard<std::mutex> lock(watchProblemMutex_);
            watchProblem_ = problem;
        });
}

long Kiosk::waitForStoreChange(long seen, double seconds) const {
    if (!watch_) return 0;
    return watch_->waitForChange(seen, std::chrono::milliseconds(long(seconds * 1000)));
}

void Kiosk::go(Screen screen) {
    if (screen != state_.screen) {
        state_.editing.reset();
        state_.confirmStartOver = false;
        state_.readingStatement = false;
    }
    state_.screen = screen;
}

void Kiosk::resetToWelcome(const std::string& why) {
    // Nothing of this patient may remain for the next one.
    ++state_.session;
    state_.draft->clear();
    state_.draft->language = form_.language;
    state_.signature.clear();
    state_.drawing = false;
    state_.numberText.clear();
    state_.dateParts.clear();
    state_.pageErrors.clear();
    state_.notice.clear();
    state_.editing.reset();
    state_.pageKey.clear();
    state_.returnToReview = false;
    state_.idleWarning = false;
    state_.confirmStartOver = false;
    state_.readingStatement = false;
    state_.staff.reset();
    state_.staffUsername.clear();
    state_.staffPin.clear();
    state_.staffMessage.clear();
    state_.work = StaffWork{};
    state_.language = form_.language;
    state_.largeText = false;
    state_.highContrast = false;
    state_.readAloud.on = false; // the next frame stops any speech
    state_.screen = homeScreen();
    if (services_.log) services_.log("reset reason=" + why);
}

void Kiosk::trackInput(double now) {
    const ImGuiIO& io = ImGui::GetIO();
    bool input = io.MouseDown[0] || io.MouseReleased[0];
    if (ImGui::IsMousePosValid() && (io.MouseDelta.x != 0 || io.MouseDelta.y != 0)) input = true;
    if (input || state_.lastInput == 0) {
        state_.lastInput = now;
        state_.idleWarning = false;
        if (patientScreen(state_.screen)) state_.patientLastInput = now;
    }
}

bool Kiosk::holdsPatientAnswers() const { return state_.draft->hasAnswers() || !state_.signature.empty(); }

// Staff screens opened over a patient's unfinished answers keep the patient's timers.
double Kiosk::staffIdleLimit() const {
    const double staff = options_.staffIdleSeconds;
    if (!holdsPatientAnswers()) return staff;
    return std::min(staff, double(options_.idleWarningSeconds + options_.idleResetSeconds));
}

// Whatever a patient left on a patient screen, Welcome included (after Back), is discarded on the
// idle timers: the next patient must never see it.
bool Kiosk::patientTimersRun() const {
    if (answering(state_.screen)) return true;
    if (state_.screen != Screen::Welcome) return false;
    return holdsPatientAnswers() || state_.language != form_.language || state_.largeText || state_.highContrast ||
           state_.readAloud.on;
}

void Kiosk::logState() {
    const std::string page = state_.pageKey + "#" + std::to_string(state_.work.id);
    if (state_.screen == lastLogged_ && page == lastLoggedPage_) return;
    lastLogged_ = state_.screen;
    lastLoggedPage_ = page;
    // The frame that changed the screen or page (an answer moving on by itself, a timer, a tap)
    // drew the old one, or part of it: the new one is drawn at once, before the window sleeps
    // until the next touch or timer. Without this, a page that moved on in the last frame of a
    // burst stayed blank on screen for as long as the idle timer (seen under load).
    state_.relayout = true;
    if (!services_.log) return;
    std::string line = std::string("screen=") + screenName(state_.screen) + " language=" + state_.language;
    if (state_.screen == Screen::Question || state_.screen == Screen::BodyMap || state_.screen == Screen::Sign)
        line += " page=" + state_.pageKey;
    if (state_.screen == Screen::StaffReview || state_.screen == Screen::StaffDecision)
        line += " screening=" + std::to_string(state_.work.id);
    services_.log(line);
}

bool Kiosk::backgroundPending() const { return background_->pending(); }

void Kiosk::waitForBackground() const { background_->waitUntilRun(); }

double Kiosk::nextDeadline(double now) const {
    if (background_->pending()) return 0.05; // draw again soon to show the result
    if (!state_.advancePage.empty()) return 0.03; // a chosen answer moves on by itself: animate its pause
    if (state_.relayout) return 0.01;             // a scrolling area made room for "More below": show it
    const double idle = now - state_.lastInput;
    if (state_.cornerPressStart >= 0) return std::max(0.05, options_.staffHoldSeconds - (now - state_.cornerPressStart));
    if (patientTimersRun()) {
        const double warn = options_.idleWarningSeconds;
        if (idle < warn) return warn - idle;
        // The countdown ticks each second; never negative, which would mean "no timer" and let
        // a patient's answers sit on screen until the next touch.
        return std::max(0.0, std::min(1.0, warn + options_.idleResetSeconds - idle));
    }
    if (state_.screen == Screen::Submitted) return std::max(0.0, options_.submittedSeconds - idle);
    if (stationAtRest()) return -1;
    if (!patientScreen(state_.screen)) {
        double left = staffIdleLimit() - idle;
        // A staff confirmation leaves the screen after a few seconds, touched or not.
        if (state_.work.messageOk && state_.work.messageAt >= 0)
            left = std::min(left, kConfirmationSeconds - (now - state_.work.messageAt));
        if (!state_.staff && holdsPatientAnswers())
            left = std::min(left, options_.idleWarningSeconds + options_.idleResetSeconds -
                                      (now - state_.patientLastInput));
        return std::max(0.0, left);
    }
    return -1;
}

void Kiosk::startForPatient(const store::PatientIdentity& patient, const std::string& language) {
    resetToWelcome("new screening for a known patient");
    state_.language = form_.supportsLanguage(language) ? language : form_.language;
    Draft& d = *state_.draft;
    auto fill = [&](const std::string& code, const std::string& text) {
        if (text.empty()) return;
        for (int i : form_.itemsWithCode(loinc::kSystem, code)) {
            const Item& it = form_.items[std::size_t(i)];
            if (it.type == ItemType::Date) d.setAnswer(it.linkId, Value::ofDate(text));
            else if (it.type == ItemType::Choice || it.type == ItemType::OpenChoice) {
                for (const auto& o : it.options)
                    if (o.value.type == ValueType::Coding && o.value.coding.code == text) d.setAnswer(it.linkId, o.value);
            } else
                d.setAnswer(it.linkId, Value::ofString(text));
        }
    };
    fill("45394-4", patient.familyName);
    fill("45392-8", patient.givenName);
    fill(loinc::kBirthDate, patient.birthDate);
    fill(loinc::kSex, patient.sex);
    d.language = state_.language;
    d.refresh();
}

Assessment Kiosk::assessNow() const {
    AssessmentInput in;
    in.language = state_.language;
    in.screeningDate = services_.today();
    return assess(state_.draft->bound(), rules_, in);
}

void Kiosk::frame(double now) {
    trackInput(now);
    state_.targets.clear();
    state_.scrollAreas.clear();
    state_.shown.clear();
    state_.relayout = false;
    Ui ui(state_, form_, options_, services_, fonts_);
    ui.now = now;
    ui.display = ImGui::GetIO().DisplaySize;
    ui.unit = fonts_.size[state_.largeText ? 1 : 0];
    ui.target = std::max(kMinTarget, ui.unit * 2.2f);
    ui.gap = std::max(8.0f, std::round(ui.unit * 0.45f));
    ui.colors = &palette(state_.highContrast);
    ui.rules = rules_;
    ui.background = background_.get();
    ui.go = [this](Screen s) { go(s); };
    ui.resetToWelcome = [this](const std::string& why) { resetToWelcome(why); };
    ui.quit = &quit_;
    background_->poll(ui);
    watchStore();
    if (storeChanged_.exchange(false)) state_.work.queueStale = true;
    queueOnScreen_ = state_.screen == Screen::StaffMenu;
    {
        std::lock_guard<std::mutex> lock(watchProblemMutex_);
        if (!watchProblem_.empty() && services_.log) services_.log(watchProblem_);
        watchProblem_.clear();
    }
    // While the screen waits for the store or the record, nothing moves it elsewhere: no timer, no
    // gesture (the work's result belongs to this screen).
    const bool waiting = background_->blocking();

    // The hidden staff gesture: hold the top-left corner.
    const ImGuiIO& io = ImGui::GetIO();
    const float corner = ui.target * 1.2f;
    if (!waiting && options_.staffGesture && !options_.station && patientScreen(state_.screen) && io.MouseDown[0] && io.MousePos.x >= 0 && io.MousePos.x < corner &&
        io.MousePos.y >= 0 && io.MousePos.y < corner) {
        if (state_.cornerPressStart < 0) state_.cornerPressStart = now;
        else if (now - state_.cornerPressStart >= options_.staffHoldSeconds) {
            state_.cornerPressStart = -1;
            state_.beforeStaff = state_.screen;
            state_.staffMessage.clear();
            go(Screen::StaffSignIn);
            if (services_.log) services_.log("staff-gesture");
        }
    } else {
        state_.cornerPressStart = -1;
    }

    switch (state_.screen) {
    case Screen::Welcome: welcomeScreen(ui); break;
    case Screen::Question: questionScreen(ui); break;
    case Screen::BodyMap: bodyMapScreen(ui); break;
    case Screen::Review: reviewScreen(ui); break;
    case Screen::Sign: signScreen(ui); break;
    case Screen::Submitted: submittedScreen(ui); break;
    case Screen::StaffSignIn: staffSignInScreen(ui); break;
    case Screen::StaffMenu: staffMenuScreen(ui); break;
    case Screen::StaffReview: staffReviewScreen(ui); break;
    case Screen::StaffDecision: staffDecisionScreen(ui); break;
    }

    if (state_.confirmStartOver && answering(state_.screen)) startOverOverlay(ui);
    if (background_->blocking()) {
        busyOverlay(ui, background_->blockingWhat());
        state_.lastInput = now; // the idle clock starts once the work is done
        logState();
        return;
    }

    const double idle = now - state_.lastInput;
    if (patientTimersRun()) {
        if (idle >= options_.idleWarningSeconds + options_.idleResetSeconds) {
            resetToWelcome("idle");
        } else if (idle >= options_.idleWarningSeconds) {
            if (!state_.idleWarning && services_.log) services_.log("idle-warning");
            state_.idleWarning = true;
            idleOverlay(ui, options_.idleWarningSeconds + options_.idleResetSeconds - idle);
        }
    } else if (state_.screen == Screen::Submitted && idle >= options_.submittedSeconds) {
        resetToWelcome("submitted screen timed out");
    } else if (!patientScreen(state_.screen) && !state_.staff && holdsPatientAnswers() &&
               now - state_.patientLastInput >= options_.idleWarningSeconds + options_.idleResetSeconds) {
        // Taps on the sign-in keyboard by whoever holds the corner never keep a patient's answers.
        resetToWelcome("idle");
    } else if (!patientScreen(state_.screen) && !stationAtRest() && idle >= staffIdleLimit()) {
        if (state_.staff && services_.log) services_.log("staff-signed-out user=" + state_.staff->username + " idle");
        resetToWelcome(holdsPatientAnswers() ? "idle" : "staff idle");
    }
    readAloudFrame(ui);
    logState();
}

} // namespace mrscreen::ui
