// [SECTION] read aloud: the Welcome switch, "Read again", and the once-a-frame check of what the
// screen shows against what was last said.
#include "ui/read_aloud.h"

#include "speech/page_script.h"
#include "ui/ui_context.h"

#include <cmath>

namespace mrscreen::ui {

namespace {

speech::PageScriptInput scriptInput(const screening::Questionnaire& form, const Draft& draft, const Page& page,
                                    const std::string& language) {
    speech::PageScriptInput in;
    in.form = &form;
    in.page = &page;
    in.language = language;
    in.enabled = [&draft](const Slot& slot) { return draft.enabled(slot); };
    in.phrase = [language](const std::string& key) { return uiStrings().get(language, key); };
    if (page.section >= 0) in.heading = form.items[std::size_t(page.section)].text.in(language);
    in.signaturePage = page.kind == PageKind::Signature;
    return in;
}

bool canSpeak(const Ui& ui) { return ui.st.readAloud.on && ui.services.speak; }

void speak(Ui& ui, const std::string& text) {
    if (ui.services.speak) ui.services.speak(text, ui.st.language);
}

// Everything the current screen says; empty for a screen that says nothing (staff screens).
std::string screenSpeech(Ui& ui) {
    const KioskState& st = ui.st;
    speech::Script script;
    switch (st.screen) {
    case Screen::Welcome:
        script.say(ui.t("read_aloud.on")).say(ui.t("welcome.title")).say(ui.t("welcome.intro"));
        return script.text();
    case Screen::Question:
    case Screen::BodyMap:
        if (const Page* page = currentPage(st))
            return pageSpeech(ui.form, *st.draft, *page, st.language, st.pageErrors, st.notice);
        return "";
    case Screen::Review: return script.say(ui.t("review.title")).say(ui.t("review.help")).text();
    case Screen::Sign: {
        script.say(ui.t("sign.title"));
        std::string text = script.text();
        if (const Page* page = currentPage(st)) {
            auto in = scriptInput(ui.form, *st.draft, *page, st.language);
            in.heading.clear();
            in.errors = st.pageErrors;
            in.notice = st.notice;
            text += " " + speech::pageScript(in).text();
        } else if (!st.notice.empty()) {
            text += " " + speech::Script().say(st.notice).text();
        }
        return text;
    }
    case Screen::Submitted: return script.say(ui.t("submitted.title")).say(ui.t("submitted.body")).text();
    default: return "";
    }
}

std::string problemsKey(const KioskState& st) {
    std::string key = st.notice;
    for (const auto& [k, message] : st.pageErrors) key += "\n" + k + "=" + message;
    return key;
}

std::string problemsSpeech(Ui& ui) {
    const KioskState& st = ui.st;
    if (const Page* page = currentPage(st)) {
        auto in = scriptInput(ui.form, *st.draft, *page, st.language);
        in.errors = st.pageErrors;
        in.notice = st.notice;
        return speech::problemsScript(in).text();
    }
    return speech::Script().say(st.notice).text();
}

} // namespace

std::string pageSpeech(const screening::Questionnaire& form, const Draft& draft, const Page& page,
                       const std::string& language, const std::map<std::string, std::string>& errors,
                       const std::string& notice, bool onlyEnabled) {
    auto in = scriptInput(form, draft, page, language);
    if (!onlyEnabled) in.enabled = nullptr;
    in.errors = errors;
    in.notice = notice;
    return speech::pageScript(in).text();
}

void readAloudSwitch(Ui& ui, float width) {
    if (!ui.services.speak) return; // this kiosk cannot speak: no switch that does nothing
    // The tile's ✓ and its words show the state, as Larger text does; not colour alone.
    if (touchButton(ui, "read-aloud", ui.t("welcome.read_aloud"), ImVec2(width, 0), Tone::Tile, ui.st.readAloud.on))
        ui.st.readAloud.on = !ui.st.readAloud.on;
}

void readAgain(Ui& ui) {
    if (!canSpeak(ui)) return;
    speak(ui, screenSpeech(ui));
    if (ui.services.log) ui.services.log("read-aloud again");
}

void readAloudFrame(Ui& ui) {
    ReadAloud& r = ui.st.readAloud;
    if (!ui.services.speak) return;
    if (!r.on) {
        if (!r.spokenScreen.empty()) { // turned off (or the next patient): silence at once
            speak(ui, "");
            if (ui.services.releaseSpeech) ui.services.releaseSpeech();
        }
        r = ReadAloud{};
        return;
    }
    const std::string screenKey =
        std::string(screenName(ui.st.screen)) + "|" + ui.st.pageKey + "|" + ui.st.language;
    const std::string problems = problemsKey(ui.st);
    if (screenKey != r.spokenScreen) {
        r.spokenScreen = screenKey;
        r.spokenProblems = problems; // a page that opens with problems says them with its questions
        r.spokenIdle = false;
        speak(ui, screenSpeech(ui));
    } else if (problems != r.spokenProblems) {
        r.spokenProblems = problems;
        if (!problems.empty()) speak(ui, problemsSpeech(ui));
    }
    if (ui.st.idleWarning && !r.spokenIdle) {
        r.spokenIdle = true;
        const double left = ui.options.idleWarningSeconds + ui.options.idleResetSeconds - (ui.now - ui.st.lastInput);
        speak(ui, speech::Script()
                      .say(ui.t("idle.title"))
                      .say(ui.t("idle.body", {{"seconds", std::to_string(int(std::ceil(std::max(0.0, left))))}}))
                      .say(ui.t("idle.continue"))
                      .text());
    } else if (!ui.st.idleWarning && r.spokenIdle) {
        r.spokenIdle = false;
        speak(ui, ""); // "I am still here": the warning is over
    }
}

} // namespace mrscreen::ui
