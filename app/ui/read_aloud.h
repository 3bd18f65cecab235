// Read aloud on the kiosk (ADA 2010 Standards 707.5): what each screen says, and when it says it.
// The kiosk only hands text to KioskServices::speak; the Speaker (app/speech) plays it on its own
// thread, so nothing here waits for audio.
#pragma once

#include "screening/questionnaire.h"
#include "ui/draft.h"

#include <map>
#include <string>

namespace mrscreen::ui {

struct Ui;

// What a question page says: its section title, notice, questions, choices and problems, in
// `language`. The same text `mrscreen speak` writes to a WAV file. `onlyEnabled` false: every
// question of the page, whether or not an answer has opened it yet.
std::string pageSpeech(const screening::Questionnaire& form, const Draft& draft, const Page& page,
                       const std::string& language, const std::map<std::string, std::string>& errors = {},
                       const std::string& notice = "", bool onlyEnabled = true);

// The "Read aloud" tile on Welcome (shown when the kiosk can speak), `width` wide.
void readAloudSwitch(Ui& ui, float width);
// Says the current screen again (the "Read again" button).
void readAgain(Ui& ui);
// Once a frame, after the screen is drawn: reads a screen when it opens, problems when they
// appear and the idle warning when it shows; stops speaking when read aloud is turned off.
void readAloudFrame(Ui& ui);

} // namespace mrscreen::ui
