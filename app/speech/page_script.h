// What the kiosk says for a page: its heading, each question the page shows with its choices
// ("Yes. No. Not sure."), the problems shown on it, all in the patient's language; built from the
// same Questionnaire and Page the screen draws. Pure text: no engine, no ImGui.
#pragma once

#include "screening/questionnaire.h"
#include "ui/draft.h"

#include <functional>
#include <map>
#include <string>
#include <vector>

namespace mrscreen::speech {

// Sentences to be spoken, joined with the pauses punctuation gives.
class Script {
public:
    // Adds a sentence: trimmed, without the screen's marks ("■ ", "(optional)" brackets), ending
    // in a full stop unless it already ends in punctuation. Empty text adds nothing.
    Script& say(const std::string& sentence);
    const std::string& text() const { return text_; }
    bool empty() const { return text_.empty(); }

private:
    std::string text_;
};

struct PageScriptInput {
    const screening::Questionnaire* form = nullptr;
    const ui::Page* page = nullptr;
    std::string language;
    // Whether a slot is shown now (Draft::enabled); every slot when empty.
    std::function<bool(const ui::Slot&)> enabled;
    // The kiosk's own words (assets/ui-strings.json) in `language`: "choice.yes", "field.optional".
    std::function<std::string(const std::string& key)> phrase;
    std::string heading;                          // the section title above the page
    std::map<std::string, std::string> errors;   // answer key -> message shown under the question
    std::string notice;                           // a message for the whole page
    bool signaturePage = false;                   // "I confirm ..." tiles are spoken as statements
};

Script pageScript(const PageScriptInput& input);

// The problems on a page as spoken when they appear: each question with its message, then the notice.
Script problemsScript(const PageScriptInput& input);

} // namespace mrscreen::speech
