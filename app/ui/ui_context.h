// Internal to app/ui: the drawing context every screen function receives, and the touch widgets
// they are built from. Everything is sized from the body font, so larger text and small screens
// reflow instead of clipping; every touch target is at least kMinTarget pixels high.
#pragma once

#include "ui/background.h"
#include "ui/kiosk.h"

#include <imgui.h>
#include <imgui_internal.h> // ImRect

#include <functional>
#include <initializer_list>
#include <string>
#include <utility>
#include <vector>

namespace mrscreen::ui {

inline constexpr float kMinTarget = 64; // px: the smallest thing a finger is asked to hit

// The kiosk's own words (assets/ui-strings.json) in the patient's language.
class Strings {
public:
    Strings();
    std::vector<std::string> languages() const; // those the asset has
    std::string get(const std::string& language, const std::string& key,
                    std::initializer_list<std::pair<const char*, std::string>> args = {}) const;

private:
    std::map<std::string, std::map<std::string, std::string>> byLanguage_;
};
const Strings& uiStrings();

struct Palette {
    ImU32 background, text, muted, accent, accentText, tile, tileBorder, selected, selectedText, danger, dangerText,
        error, focus, ink;
    ImU32 keyboard; // behind the keys of the on-screen keyboard
};
const Palette& palette(bool highContrast);

enum class Tone { Primary, Tile, Quiet, Danger };

struct Ui {
    Ui(KioskState& s, const screening::Questionnaire& f, const KioskOptions& o, KioskServices& sv, const Fonts& fo)
        : st(s), form(f), options(o), services(sv), fonts(fo) {}
    KioskState& st;
    const screening::Questionnaire& form;
    const KioskOptions& options;
    KioskServices& services;
    const Fonts& fonts;
    double now = 0;
    ImVec2 display;
    float unit = 24;     // body font size in px
    float target = 64;   // touch target height
    float gap = 12;      // spacing between targets
    const Palette* colors = nullptr;
    std::vector<std::string> scrollStack;
    const screening::RuleSet* rules = nullptr;
    BackgroundWork* background = nullptr;
    std::function<void(Screen)> go;
    std::function<void(const std::string&)> resetToWelcome;
    bool* quit = nullptr;

    std::string t(const std::string& key, std::initializer_list<std::pair<const char*, std::string>> args = {}) const {
        return uiStrings().get(st.language, key, args);
    }
    ImFont* body() const { return fonts.body[st.largeText ? 1 : 0]; }
    ImFont* title() const { return fonts.title[st.largeText ? 1 : 0]; }
};

// A full-screen window for one screen.
void beginScreen(Ui& ui, const char* id);
void endScreen();

// A button that fires on release when the finger did not drag (so scrolling never taps). `inset`:
// room between label and edge, ui.gap when negative (a keyboard's keys use less, for bigger letters).
bool touchButton(Ui& ui, const std::string& id, const std::string& label, ImVec2 size, Tone tone = Tone::Primary,
                 bool selected = false, float inset = -1);
// Height a button of `width` needs for `label`, at least the touch target.
float buttonHeight(Ui& ui, const std::string& label, float width);
// Records an item's rectangle as a touch target (for tests and the state log).
void noteTarget(Ui& ui, const std::string& id, ImVec2 min, ImVec2 max);

// Call between a question and its answers: in portrait, moves the answers (and so everything after
// them) down to the lower two thirds of the screen, within reach from a wheelchair, as far as the
// page still fits without scrolling. Does nothing in landscape.
void answersWithinReach(Ui& ui);

// A child region that scrolls when dragged with a finger.
void beginDragScroll(Ui& ui, const std::string& id, ImVec2 size);
void endDragScroll(Ui& ui);

void textWrapped(Ui& ui, const std::string& text, ImFont* font, ImU32 color, float width = 0);
// Draws `text` wrapped and centred in the box; returns the rectangle the lines take (which may be
// larger than the box when they do not fit: touchButton notes it as "<id>:label" for the tests).
ImRect centeredText(ImDrawList* dl, ImFont* font, float size, ImVec2 min, ImVec2 max, ImU32 color,
                    const std::string& text);

// The on-screen keyboard or number pad for st.editing, in the given rectangle; returns its height.
float keyboardHeight(Ui& ui);
void drawKeyboard(Ui& ui, ImVec2 origin, float width);
// The staff work field a keyboard key "work:<name>" types into; nullptr for an unknown name.
std::string* workField(StaffWork& work, const std::string& name);
// A number as typed on the pad ("72.5", or "72,5" with a decimal comma); nullopt for anything else, "" and
// "." included.
std::optional<double> parseNumber(const std::string& text);
// Starts typing into `key` (text or number) with the current value.
void startEditing(Ui& ui, const std::string& key, const std::string& current, bool numeric);

// [SECTION] dates typed on the number pad (date_entry.cpp)
// The day, month and year boxes in the patient's order ("day", "month", "year"; from "date.order").
std::vector<std::string> dateOrder(Ui& ui);
// "day", "month" or "year" for the keyboard key of a date box ("birth-date:day"), else "".
std::string datePartOf(const std::string& editKey);
// What the patient is typing into, for the number pad's side: the question, and for a date the
// box ("Date of birth · Day"); empty for staff fields and keys not on the form.
std::string editingPrompt(Ui& ui, const std::string& key);
// Whether a typed part is all there can be ("12", "4" for a day, "1951"): the pad moves to the next box.
bool datePartComplete(const std::string& part, const std::string& typed);
// Stores a typed part and sets the answer when the parts make a valid date (clears it otherwise).
void commitDatePart(Ui& ui, const std::string& editKey, const std::string& typed);
// Whether the date being typed at `key` is a whole, valid day, month and year (the answer is set).
bool dateWhole(Ui& ui, const std::string& key);
// What is wrong with the date being typed for `key` ("February has no day 30..."), or "".
std::string dateProblem(Ui& ui, const screening::Item& item, const std::string& key);
// The date question: boxes that open the number pad, + and − as an aid, "I don't know the day".
void dateField(Ui& ui, const screening::Item& item, const std::string& key);

// Screens.
void welcomeScreen(Ui& ui);
void questionScreen(Ui& ui);
void bodyMapScreen(Ui& ui);
void reviewScreen(Ui& ui);
void signScreen(Ui& ui);
void submittedScreen(Ui& ui);
void staffSignInScreen(Ui& ui);
void staffMenuScreen(Ui& ui); // the queue
void staffReviewScreen(Ui& ui);
void staffDecisionScreen(Ui& ui);
// A finger signature pad over `strokes`; `drawing` tracks a stroke in progress.
void signaturePad(Ui& ui, const std::string& id, ImVec2 size, std::vector<record::Stroke>& strokes, bool& drawing,
                  const std::string& prompt);
// Opens a screening for staff work (reloads it from the store).
void openStaffWork(Ui& ui, std::int64_t id);
void idleOverlay(Ui& ui, double secondsLeft);
void startOverOverlay(Ui& ui); // "Discard your answers and start over?" Yes / No
// A panel in the middle of an opaque full-screen layer of `shade`, over whatever screen is below;
// `content` draws into it, given the width it has.
void modalPanel(Ui& ui, const char* id, ImU32 shade, const std::function<void(float width)>& content);
// The store for a call on the frame thread, once the background work started so far has run: the
// frame thread and the worker never use it at the same time (a transaction is one connection's).
store::Store& storeOf(Ui& ui);
// What the kiosk is doing while the screen waits for it ("Saving your answers…"); takes no input.
void busyOverlay(Ui& ui, const std::string& what);

} // namespace mrscreen::ui

namespace mrscreen::ui {

// [SECTION] moving through the questionnaire (patient_flow.cpp)
const Page* currentPage(const KioskState& st);
int currentPageIndex(const KioskState& st);
// Opens a page; a page whose only question is a required box still empty opens the keyboard or
// number pad on it (the first date box in the patient's order), unless Read aloud is on.
void openPage(Ui& ui, const std::string& key);
// Whether every other question on the current page has an answer (the one at `key` is the last).
bool nothingElseToAnswer(Ui& ui, const std::string& key);
void startQuestionnaire(Ui& ui);
bool goNext(Ui& ui);
void goBack(Ui& ui);
void goToReview(Ui& ui);
// Problems with the answers on one page, by answer key, in the patient's language.
std::map<std::string, std::string> pageProblems(Ui& ui, const Page& page);
// The first page (in order) that still has a problem, or nullptr.
const Page* firstIncompletePage(Ui& ui);
// Changes an answer and recomputes what follows from it; a single-choice answer alone on its page,
// or the last row answered on a checklist page (and without a problem), schedules the move on.
void answerChanged(Ui& ui, const std::string& key);
// Whether a Stop rule reads this form item's answer: such a question is always answered on its own.
bool stopLevel(Ui& ui, int item);
// Moves the current page on after the visible pause (autoAdvance), unless the patient acts first.
void scheduleAdvance(Ui& ui);
// How long the chosen answer stays on screen before the page moves on by itself.
inline constexpr double kAutoAdvanceSeconds = 0.6;
// Moves on when a scheduled auto-advance is due (called every frame of the question screen);
// returns the fraction of the pause gone by (0..1), or a negative number when none is pending.
float autoAdvance(Ui& ui);
// Checks the Sign page and starts saving in the background; submissionDone applies the outcome.
void submitScreening(Ui& ui);
void submissionDone(Ui& ui, const SubmitOutcome& outcome);
// The answer as the patient sees it ("Yes", "72.5 kg", "2019-04").
std::string answerText(Ui& ui, const screening::Item& item, const std::string& key);
// A date as the patient entered it: "12 August 1951", "12 de agosto de 1951", "August 1951", "1951".
std::string dateAsEntered(Ui& ui, const std::string& iso);
// A number in the item's unit, in the patient's words ("72,5 kg", "5 ft 4 in").
std::string numberWithUnit(Ui& ui, const screening::Item& item, double value);

// Where the patient is, by parts (sections) of the form: "Part 3 of 10" (screens_patient.cpp).
struct Progress {
    int part = 0, parts = 0; // 1-based part of the current page; 0 when not on a page
    float fraction = 0;      // of the whole form, pages within the part included
};
Progress progressOf(const KioskState& st);

// One question with its input (question_widgets.cpp); `asRow`: a short choice as one row of a
// checklist page.
void questionWidget(Ui& ui, const Slot& slot, bool onSignaturePage = false, bool asRow = false);
// Under a checklist page: one tile that answers No to every row not answered yet, offered once each
// stop-level row on the page has its own answer; the page then moves on by itself.
void noToTheRest(Ui& ui, const Page& page);

} // namespace mrscreen::ui
