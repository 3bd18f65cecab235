// The touchscreen kiosk: every screen a patient (and, behind a hidden gesture and a PIN, staff)
// sees, as functions of one KioskState. Kiosk::frame() draws one Dear ImGui frame; the caller owns
// the ImGui context and its NewFrame/Render, so the same code runs in the GLFW window and in
// headless tests fed with mouse events.
#pragma once

#include "screening/assessment.h"
#include "screening/mr_conditional.h"
#include "screening/questionnaire.h"
#include "record/handwritten_signature.h"
#include "screening/rules.h"
#include "store/form_catalog.h"
#include "store/spool.h"
#include "store/store.h"
#include "ui/draft.h"

#include <atomic>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

struct ImFont;
namespace mrscreen::ui {
class BackgroundWork;
}
namespace mrscreen::store {
class ChangeWatch;
}
typedef void* ImTextureID;

namespace mrscreen::ui {

// Everything a site can tune about the kiosk screens (filled from [kiosk] in the config file).
struct KioskOptions {
    int idleWarningSeconds = 90; // no touch on a patient screen: "Are you still there?"
    int idleResetSeconds = 30;   // then, without an answer: discard the answers, back to Welcome
    int submittedSeconds = 120;  // the thank-you screen returns to Welcome after this long untouched
    int staffIdleSeconds = 120;  // a signed-in staff member is signed out after this long untouched
    float staffHoldSeconds = 3;  // long press in the top-left corner opens staff sign-in
    bool staffGesture = true;    // [kiosk] staff_on_kiosk: false keeps the queue off a Zone II kiosk
    // A staff station (`mrscreen station`): staff sign-in, queue, review and decision only; never
    // a patient screen. Signing out (or the staff idle timer) returns to sign-in.
    bool station = false;
};

struct SubmitOutcome {
    bool saved = false;
    bool spooled = false; // saved in the kiosk's spool (the store did not answer); id is 0 until sent
    std::int64_t id = 0;
    std::string recordPath; // empty when no signed PDF was made (e.g. no site key yet)
    std::string problem;    // for staff and the log when not saved
};

// A rendered page: RGB pixels, row by row.
struct PagePicture {
    int width = 0, height = 0;
    std::vector<unsigned char> rgb;
    std::string path; // where it was rendered
    int page = 1;     // which page of the document it shows (1-based)
    int pages = 1;    // how many pages the document has
};

// What the kiosk needs from the rest of the program, passed in so tests can watch it.
struct KioskServices {
    // Saves a completed response as a submitted screening and produces its record; `submissionKey`
    // (the draft's) makes a retry harmless. A store that does not answer: kept in the spool.
    std::function<SubmitOutcome(const screening::Response&, const std::string& submissionKey)> submit;
    // Submissions waiting in this kiosk's spool (store/spool.h), for the staff queue. Cheap (no
    // I/O). Empty function: this kiosk has no spool.
    std::function<store::SpoolBacklog()> spoolBacklog;
    store::Store* store = nullptr;                    // staff sign-in
    std::function<std::string()> nowUtc;              // "2026-11-25T10:00:00Z"
    std::function<std::string()> today;              // local "2026-11-25"
    std::function<void(const std::string&)> log;      // one line per state change
    // Renders, signs and files a new record version after a decision; returns its path, or
    // nullopt (with the reason in the log) when no record could be made.
    std::function<std::optional<std::string>(std::int64_t id, const screening::Actor&)> produceRecord;
    screening::ScannerSetup scanner; // the planned scanner, for the MR Conditional check
    // Renders one page (1-based) of record `version` of screening `id`, read through the store
    // (Store::recordPdf, checked against its SHA-256), as a picture for the on-screen preview, with
    // the document's page count; nullopt with the reason in `problem` when it cannot.
    std::function<std::optional<PagePicture>(std::int64_t id, int version, int page, std::string& problem)>
        renderPage;
    // Turns a picture into a texture the renderer can draw (set by the window; absent headless).
    std::function<ImTextureID(const PagePicture&)> uploadPicture;
    // The form and rules a screening was answered with (throws with the reason when missing).
    std::function<std::shared_ptr<const store::FormVersion>(const store::ScreeningDetail&)> formFor;
    // Re-evaluates the rules after staff add a lab or set contrast-planned, storing new flags.
    std::function<void(std::int64_t id, const screening::Actor&)> reassess;
    std::string staffLanguage = "en"; // flag messages and question texts on the staff screens
    // The scheduled exams (DICOM Modality Worklist) that may be this patient's, for staff to link
    // at review. Runs on the background worker (it waits on the network); throws
    // integration::DicomError / std::exception with a message for staff. Empty function: no
    // worklist is configured.
    std::function<std::vector<store::ProcedureLink>(const store::PatientIdentity&)> findScheduledExams;
    // The scanner a screening's MR Conditional check uses: its linked exam's scanner (by AE title,
    // from [[scanner]]), else `scanner`. Empty function: always `scanner`.
    std::function<screening::ScannerSetup(const store::ScreeningDetail&)> scannerFor;
    // Links a screening to the exam staff picked and applies the site's contrast mapping of
    // procedure codes (cli::linkScheduledExam); returns what was done, for the staff message.
    // Throws store::Refused. Empty function: store->linkProcedure alone.
    std::function<std::string(std::int64_t id, const store::ProcedureLink&, const screening::Actor&)> linkExam;
    // Read aloud: says `text` in `lang` ("en", "es") without waiting for it, cutting off what is
    // being said; an empty text only stops. Empty function: this kiosk cannot speak (no switch).
    std::function<void(const std::string& text, const std::string& lang)> speak;
    // Read aloud is off again (switched off, or the kiosk is ready for the next patient): lets go of
    // the speech thread and the audio device until the next speak. Empty function: nothing to let go.
    std::function<void()> releaseSpeech;
};

enum class Screen { Welcome, Question, BodyMap, Review, Sign, Submitted, StaffSignIn, StaffMenu, StaffReview, StaffDecision };
const char* screenName(Screen screen);

// Where a touch target was drawn this frame, so tests can tap it like a finger would.
struct Target {
    float x0 = 0, y0 = 0, x1 = 0, y1 = 0;
    bool visible = false; // wholly inside its clip rectangle
    std::string scrollArea; // id of the drag-scroll area it sits in, empty if none
};

// The on-screen keyboard's target: which answer (or staff field) the keys type into.
struct Editing {
    std::string key;       // answer key, or "staff:username" / "staff:pin" / "mark-note@k"
    std::string buffer;    // what is shown and typed
    bool numeric = false;  // number pad instead of letters
    std::string layer = "letters";
    bool shift = false;
    std::string feetKey;   // ft/in entry: which half is being typed ("feet" or "inches")
};

// How long a staff confirmation ("Verdict saved.") stays on screen untouched.
inline constexpr double kConfirmationSeconds = 6;

// What a staff member is working on: one screening from the queue, and the fields they fill in.
struct StaffWork {
    std::int64_t id = 0;
    std::optional<store::ScreeningDetail> detail; // reloaded after every change
    // The form it was answered with (KioskServices::formFor), or why it cannot be shown.
    std::shared_ptr<const store::FormVersion> form;
    std::string formProblem;
    // store::assessStored over the latest lab and contrast-planned: the eGFR the record shows too.
    std::optional<screening::Assessment> assessment;
    std::string assessmentProblem;
    std::string search;
    std::string message;      // the store's refusal or a confirmation, shown at the top
    bool messageOk = false;   // a confirmation, not a problem
    // A message belongs to the action that caused it: the next tap, another screen, or (for a
    // confirmation) a few seconds clear it (staff::staffHeader).
    double messageAt = -1;    // kiosk time it was first shown; -1: not yet shown
    Screen messageScreen = Screen::StaffMenu;
    // The signing step open over the work ("review", "decision", "contrast"; empty: none): the pad
    // sits outside any scrolling area, so a drag on it draws and never scrolls.
    std::string signing;
    bool confirmClose = false; // "Close the kiosk program?" is open
    bool showAnswers = false;
    // A verdict being recorded on one flag.
    std::string flagId;
    int verdict = 0; // 1 confirmed, 2 corrected with the patient, 3 not applicable
    std::string note, corrected;
    // Lab entry.
    std::string creatinine, creatinineUnit = "mg/dL", labDate;
    // Implant entry.
    bool implantOpen = false;
    store::ImplantRecord implant;
    std::string fieldStrengths, gradient, gradientUnit = "T/m", wholeBodySar, headSar, b1rms;
    // Decision.
    int outcome = 0; // 1 cleared, 2 cleared with conditions, 3 not cleared
    bool normalModeOnly = false, thisFieldOnly = false;
    std::string maxSar, conditionsText, reason;
    std::vector<record::Stroke> signature;
    bool drawing = false;
    // The contrast part of the decision.
    std::string contrastOutcome; // cleared | cleared_with_conditions | not_cleared | not_planned
    bool groupTwoOnly = false, premedication = false;
    std::string contrastConditions, contrastReason;
    std::vector<record::Stroke> contrastSignature;
    bool contrastDrawing = false;
    std::string recordPath;
    // Linking to a scheduled exam (staff_procedure.cpp). The worklist's candidates name other
    // patients: they live here only, so leaving the screening or signing out drops them.
    std::vector<store::ProcedureLink> examCandidates;
    int examChosen = -1;      // the candidate tapped; -1: none
    bool examChoosing = false; // the candidates (or why there are none) are shown
    std::string examProblem;  // the worklist's failure, or that nothing matched
    // The screening's records on their way to PACS (Store::outbox), read in the background.
    std::vector<store::OutboxItem> outbox;
    std::string outboxProblem;
    double outboxReadAt = -1; // kiosk time of the last read; -1: never
    bool outboxReading = false;
    // The queue as last read in the background (it refreshes itself every few seconds).
    std::vector<store::ScreeningSummary> queue;
    double queueReadAt = -1; // kiosk time of the last read; -1: never
    bool queueReading = false;
    bool queueStale = false; // the store changed since the queue was read (store::ChangeFeed)
    std::vector<store::StationPresence> stations; // the kiosks and stations, read with the queue
    // The signed record, page by page: the page shown and each page's texture once uploaded.
    std::optional<PagePicture> preview;
    ImTextureID previewTexture = nullptr;
    std::map<int, ImTextureID> previewTextures;
    std::string previewProblem;
    int recordVersion = 0;
};

// Read aloud (ui/read_aloud.cpp): the patient's switch, and what was last said.
struct ReadAloud {
    bool on = false;
    std::string spokenScreen;   // screen|page|language last read
    std::string spokenProblems; // the page's problems when last read
    bool spokenIdle = false;    // "Are you still there?" was said
};

struct KioskState {
    Screen screen = Screen::Welcome;
    std::string language;
    bool largeText = false;
    bool highContrast = false;
    ReadAloud readAloud;

    std::unique_ptr<Draft> draft;
    std::string pageKey;        // the current questionnaire page
    bool returnToReview = false; // editing from Review: Next goes back there
    std::map<std::string, std::string> pageErrors; // answer key -> message, shown by the question
    std::string scrollToKey;    // the first question with a problem: scrolled into view once
    // A single-choice answer on a page of its own moves on by itself after a short, visible pause
    // (patient_flow.cpp: autoAdvance); Back returns to the page and the answer can be changed.
    std::string advancePage; // the page that will move on; empty: none pending
    bool advanceKeepsPad = false; // a whole date's pad stays open through the pause: nothing moves under the finger
    double advanceFrom = 0, advanceAt = 0; // kiosk times: when the answer was given, when it moves on
    std::string notice;         // a message for the whole page (e.g. refused signature)
    std::optional<Editing> editing;
    std::map<std::string, std::string> numberText; // number fields as typed ("72.")
    std::map<std::string, int> dateParts;          // date steppers while being set

    std::vector<record::Stroke> signature;
    bool drawing = false;

    // Idle and privacy.
    double lastInput = 0;
    double patientLastInput = 0; // the last touch on a patient screen: staff sign-in taps do not count
    bool idleWarning = false;
    bool confirmStartOver = false; // "Discard your answers and start over?" is open
    double cornerPressStart = -1;

    // Staff.
    std::string staffUsername, staffPin, staffMessage;
    std::optional<store::StaffMember> staff;
    Screen beforeStaff = Screen::Welcome;
    StaffWork work;

    // Last submission.
    std::optional<SubmitOutcome> submitted;

    // Counts resets to Welcome: a background result for an earlier patient or staff session is
    // dropped, never shown to the next.
    std::uint64_t session = 0;

    // Touch targets drawn in the last frame, by id ("start", "next", "option:yes", "key:a", ...).
    std::map<std::string, Target> targets;
    std::map<std::string, Target> scrollAreas;
    // Drawn in the last frame but not touch targets: the page's message ("notice"), "More below"
    // badges ("more-below:<area>"); tests check what they cover.
    std::map<std::string, Target> shown;
    bool readingStatement = false; // the Sign page's statement is open whole ("Read it all")
    bool relayout = false; // this frame's layout differs from the next one's: draw again at once
};

struct Fonts {
    ImFont* body[2] = {nullptr, nullptr};  // normal, larger text
    ImFont* title[2] = {nullptr, nullptr};
    float size[2] = {0, 0};                // pixel size of body[i]
};

// Body text size: normal, and with "Larger text" on Welcome.
inline constexpr float kLargerText[2] = {1.0f, 1.5f};

// Adds the kiosk's fonts (DejaVu Sans or Noto Sans, found through fontconfig) to the current
// ImGui context's atlas at `pixelSize`; throws with what to install when none is found. The atlas
// holds ASCII, Latin-1, the symbols the screens draw, every character of the kiosk's strings,
// keyboard and body map, and those of `shownText` (UTF-8: the form's and rules' texts). Builds the
// atlas (one byte per pixel, only as tall as it needs) with glyph indexes no longer than they need.
Fonts loadFonts(float pixelSize, const std::string& shownText = "");
// Those characters as ImGui glyph ranges (pairs of first, last; 0 at the end).
std::vector<unsigned short> atlasRanges(const std::string& shownText);

// A screen's physical size as the monitor reports it (0 when unknown) and its content scale.
struct ScreenSize {
    float widthMm = 0, heightMm = 0;
    float contentScale = 1;
};
// The body font size for a display: the same in portrait and landscape, raised on a small dense
// screen whose physical size is known, never too small to read.
float fontSizeFor(int displayWidth, int displayHeight, ScreenSize physical = {});

class Kiosk {
public:
    Kiosk(const screening::Questionnaire& form, const screening::RuleSet* rules, KioskServices services,
          KioskOptions options, Fonts fonts);
    ~Kiosk();

    // Draws one frame at time `now` (seconds, monotonic). Call between ImGui::NewFrame and Render.
    void frame(double now);

    KioskState& state() { return state_; }
    const KioskState& state() const { return state_; }
    const Draft& draft() const { return *state_.draft; }
    bool quitRequested() const { return quit_; }
    // Seconds until the kiosk must draw again even without input (idle timers), or a negative
    // number when it can sleep until the next event.
    double nextDeadline(double now) const;

    // The window's way of turning a picture into a texture (record previews).
    void setPictureUploader(std::function<ImTextureID(const PagePicture&)> upload) {
        services_.uploadPicture = std::move(upload);
    }

    // Starts a screening for a known patient (staff side): identity answers filled in.
    void startForPatient(const store::PatientIdentity& patient, const std::string& language);

    // The assessment of the current answers (what submission will check).
    screening::Assessment assessNow() const;

    // Store and record work in flight (a submission, a queue refresh, a record being signed).
    bool backgroundPending() const;
    // Waits until that work has run; the next frame applies it. For tests.
    void waitForBackground() const;

    // The window's way of waking its frame loop from another thread (glfwPostEmptyEvent), so a
    // change to the store redraws the queue while it is on screen. Set before the first frame.
    void setWaker(std::function<void()> wake) { waker_ = std::move(wake); }
    // How many times the store's change feed has fired, after waiting up to `seconds` for it to
    // pass `seen` (the feed starts with the first frame). For tests and benchmarks.
    long waitForStoreChange(long seen, double seconds) const;

private:
    struct Impl;
    const screening::Questionnaire& form_;
    const screening::RuleSet* rules_;
    KioskServices services_;
    KioskOptions options_;
    Fonts fonts_;
    KioskState state_;
    std::unique_ptr<BackgroundWork> background_;
    std::function<void()> waker_;
    std::atomic<bool> storeChanged_{false}, queueOnScreen_{false};
    std::mutex watchProblemMutex_;
    std::string watchProblem_; // said by the feed's thread, logged by the next frame
    bool quit_ = false;
    Screen lastLogged_ = Screen::StaffMenu;
    std::string lastLoggedPage_;

    // The store's change feed, from the first frame: it marks the queue stale and, while the queue
    // is on screen, wakes the window. Declared last: stopped before anything it calls goes.
    std::unique_ptr<store::ChangeWatch> watch_;

    void go(Screen screen);
    void resetToWelcome(const std::string& why);
    void trackInput(double now);
    bool holdsPatientAnswers() const;
    bool patientTimersRun() const;
    bool stationAtRest() const;
    Screen homeScreen() const;
    double staffIdleLimit() const;
    void logState();
    void watchStore();
};

} // namespace mrscreen::ui
