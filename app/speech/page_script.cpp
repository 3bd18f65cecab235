// [SECTION] a page as sentences, in the order the screen shows them.
#include "speech/page_script.h"

#include <cctype>

namespace mrscreen::speech {

using namespace screening;

namespace {

const std::string kSquare = "\xE2\x96\xA0"; // ■ marks errors on screen

std::string trimmed(std::string s) {
    if (s.rfind(kSquare, 0) == 0) s.erase(0, kSquare.size());
    const auto first = s.find_first_not_of(" \t\n");
    if (first == std::string::npos) return "";
    const auto last = s.find_last_not_of(" \t\n");
    return s.substr(first, last - first + 1);
}

// "(optional)" -> "optional": a bracket is read out oddly by some voices.
std::string unbracketed(const std::string& s) {
    std::string out;
    for (char c : s)
        if (c != '(' && c != ')') out += c;
    return trimmed(out);
}

// "seguro/a" -> "seguro o segura": a slash is read out as "barra"; both forms are what it means.
std::string genderForms(std::string s) {
    for (std::size_t at = s.find("o/a"); at != std::string::npos; at = s.find("o/a", at)) {
        std::size_t start = at;
        while (start > 0 && (std::isalpha(static_cast<unsigned char>(s[start - 1])) ||
                             static_cast<unsigned char>(s[start - 1]) >= 0x80))
            --start;
        const std::string stem = s.substr(start, at - start);
        const std::string both = stem + "o o " + stem + "a";
        s.replace(start, at + 3 - start, both);
        at = start + both.size();
    }
    return s;
}

bool enabled(const PageScriptInput& in, const ui::Slot& slot) { return !in.enabled || in.enabled(slot); }

void question(Script& script, const PageScriptInput& in, const ui::Slot& slot, bool withChoices) {
    const Item& item = in.form->items[std::size_t(slot.item)];
    const std::string text = item.text.in(in.language);
    if (item.type == ItemType::Display || item.type == ItemType::Group) {
        script.say(text);
        return;
    }
    script.say(text);
    const bool confirmTile = in.signaturePage && item.type == ItemType::Boolean;
    const std::string optional = unbracketed(in.phrase("field.optional"));
    if (!item.required && !confirmTile && text.find(optional) == std::string::npos) script.say(optional);
    if (const auto e = in.errors.find(slot.key(*in.form)); e != in.errors.end()) script.say(e->second);
    if (!withChoices || confirmTile) return;
    if (item.type == ItemType::Boolean) {
        script.say(in.phrase("choice.yes"));
        script.say(in.phrase("choice.no"));
    } else if (item.type == ItemType::Choice || item.type == ItemType::OpenChoice) {
        for (const auto& o : item.options) script.say(o.display.in(in.language));
    }
}

} // namespace

Script& Script::say(const std::string& sentence) {
    std::string s = genderForms(trimmed(sentence));
    if (s.empty()) return *this;
    const char last = s.back();
    // "¿Sigue ahí?" and "Yes." keep their own ending; a bare "No" gets a full stop (a pause).
    if (last != '.' && last != '?' && last != '!' && last != ':' && last != ';') s += '.';
    if (!text_.empty()) text_ += ' ';
    text_ += s;
    return *this;
}

namespace {

// The body map: its title, its help, and the marks' fields left to the figure (as on screen).
Script bodyMapScript(const PageScriptInput& in) {
    const ui::Page& page = *in.page;
    Script script;
    script.say(in.heading.empty() && page.repeatGroup >= 0
                   ? in.form->items[std::size_t(page.repeatGroup)].text.in(in.language)
                   : in.heading);
    script.say(in.notice);
    bool helped = false;
    for (const ui::Slot& slot : page.slots)
        if (in.form->items[std::size_t(slot.item)].type == ItemType::Display) {
            script.say(in.form->items[std::size_t(slot.item)].text.in(in.language));
            helped = true;
        }
    if (!helped) script.say(in.phrase("bodymap.help"));
    return script;
}

} // namespace

Script pageScript(const PageScriptInput& in) {
    if (in.page->kind == ui::PageKind::BodyMap) return bodyMapScript(in);
    Script script;
    script.say(in.heading);
    script.say(in.notice);
    const ui::Page& page = *in.page;
    if (page.repeatGroup >= 0) script.say(in.form->items[std::size_t(page.repeatGroup)].text.in(in.language));
    // A short group on one page (an implant's details) says what it is about, as the screen does.
    if (const Item* group = in.form->find(page.key.substr(0, page.key.find('@')));
        group && group->type == ItemType::Group && page.repeatGroup < 0)
        script.say(group->text.in(in.language));
    for (const ui::Slot& slot : page.slots)
        if (enabled(in, slot)) question(script, in, slot, true);
    return script;
}

Script problemsScript(const PageScriptInput& in) {
    Script script;
    for (const ui::Slot& slot : in.page->slots) {
        if (!enabled(in, slot)) continue;
        const auto e = in.errors.find(slot.key(*in.form));
        if (e == in.errors.end()) continue;
        script.say(in.form->items[std::size_t(slot.item)].text.in(in.language));
        script.say(e->second);
    }
    script.say(in.notice);
    return script;
}

} // namespace mrscreen::speech
