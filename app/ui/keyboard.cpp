// [SECTION] the on-screen keyboard and number pad (the kiosk has no physical keyboard). Layers
// come from assets/keyboard.json; keys type into st.editing and every key press is committed at
// once, so nothing typed is lost if the patient walks away mid-word.
#include "record/embedded_assets.h"
#include "ui/layout.h"
#include "ui/ui_context.h"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cctype>
#include <charconv>
#include <cmath>

namespace mrscreen::ui {

using namespace screening;

namespace {

using Layers = std::map<std::string, std::vector<std::vector<std::string>>>;

const Layers& layers() {
    static const Layers l = [] {
        Layers out;
        const auto doc = nlohmann::json::parse(record::embeddedAsset("keyboard.json"));
        for (const auto& [name, rows] : doc.at("layers").items())
            out[name] = rows.get<std::vector<std::vector<std::string>>>();
        return out;
    }();
    return l;
}

// Upper case of the letters the layouts carry (ASCII and Latin-1 lower case: à..þ).
std::string upper(const std::string& key) {
    if (key.size() == 1 && key[0] >= 'a' && key[0] <= 'z') return std::string(1, char(key[0] - 32));
    if (key.size() == 2 && static_cast<unsigned char>(key[0]) == 0xC3) {
        const auto c = static_cast<unsigned char>(key[1]);
        if (c >= 0xA0 && c <= 0xBE && c != 0xB7) return std::string{key[0], static_cast<char>(c - 0x20)};
    }
    return key;
}

std::string decimalSeparator(const Ui& ui) { return ui.t("number.decimal_separator"); }

void eraseLastCharacter(std::string& s) {
    if (s.empty()) return;
    std::size_t i = s.size() - 1;
    while (i > 0 && (static_cast<unsigned char>(s[i]) & 0xC0) == 0x80) --i; // whole UTF-8 character
    s.erase(i);
}

std::size_t characters(const std::string& s) {
    std::size_t n = 0;
    for (const char c : s) n += (static_cast<unsigned char>(c) & 0xC0) != 0x80;
    return n;
}

// Writes the buffer into the answer (or staff field) it belongs to.
void commit(Ui& ui) {
    KioskState& st = ui.st;
    if (!st.editing) return;
    const Editing& e = *st.editing;
    if (e.key == "staff:username") return void(st.staffUsername = e.buffer);
    if (e.key == "staff:pin") return void(st.staffPin = e.buffer);
    if (e.key.rfind("work:", 0) == 0) {
        if (std::string* field = workField(st.work, e.key.substr(5))) *field = e.buffer;
        return;
    }
    Draft& d = *st.draft;
    std::string key = e.key;
    const auto colon = key.find(':');
    const std::string part = colon == std::string::npos ? "" : key.substr(colon + 1);
    if (colon != std::string::npos) key = key.substr(0, colon);
    const auto at = key.find('@');
    const Item* item = ui.form.find(key.substr(0, at));
    if (!item) return;
    if (!datePartOf(e.key).empty()) return commitDatePart(ui, e.key, e.buffer);
    if (part == "feet" || part == "inches") {
        st.numberText[e.key] = e.buffer;
        const auto feet = parseNumber(st.numberText[key + ":feet"]);
        const auto inches = parseNumber(st.numberText[key + ":inches"]);
        if (feet || inches) d.setAnswer(key, Value::ofDecimal(feet.value_or(0) * 12 + inches.value_or(0)));
        else d.clearAnswer(key);
    } else if (e.numeric) {
        st.numberText[key] = e.buffer;
        const auto v = parseNumber(e.buffer);
        if (!v) d.clearAnswer(key);
        else if (item->type == ItemType::Integer && std::floor(*v) == *v) d.setAnswer(key, Value::ofInteger(std::int64_t(*v)));
        else if (item->type == ItemType::Integer) d.clearAnswer(key);
        else d.setAnswer(key, Value::ofDecimal(*v));
        if (v && !(item->type == ItemType::Integer && std::floor(*v) != *v)) st.numberText.erase(key);
        if (v && (e.buffer.back() == '.' || e.buffer.back() == ',')) st.numberText[key] = e.buffer; // keep "72," while typing
    } else if (e.buffer.empty()) {
        d.clearAnswer(key);
    } else if (item->type == ItemType::Time) {
        d.setAnswer(key, Value::ofTime(e.buffer));
    } else if (item->type == ItemType::DateTime) {
        d.setAnswer(key, Value::ofDateTime(e.buffer));
    } else {
        d.setAnswer(key, Value::ofString(e.buffer)); // open-choice "other" text lands here too
    }
    answerChanged(ui, key);
}

// The field being typed is the last question of its page and every other one there is answered:
// the keyboard's Done key is "Next" and moves the page on (one tap fewer on every typed page).
bool doneMovesOn(Ui& ui) {
    const Editing& e = *ui.st.editing;
    if (ui.st.screen != Screen::Question) return false;
    const Page* page = currentPage(ui.st);
    if (!page || page->kind != PageKind::Questions) return false;
    const std::string field = e.key.substr(0, e.key.find(':'));
    const Slot* last = nullptr;
    for (const Slot& slot : page->slots)
        if (isQuestion(ui.form.items[std::size_t(slot.item)].type) && ui.st.draft->enabled(slot)) last = &slot;
    if (!last || last->key(ui.form) != field) return false;
    // feet: the inches come next; a date moves on from any of its boxes once it is whole
    if (e.key != field && e.key != field + ":inches" && datePartOf(e.key).empty()) return false;
    for (const Slot& slot : page->slots) {
        const Item& item = ui.form.items[std::size_t(slot.item)];
        if (&slot != last && isQuestion(item.type) && ui.st.draft->enabled(slot) && item.required &&
            !ui.st.draft->answered(slot.key(ui.form)))
            return false;
    }
    return true;
}

void press(Ui& ui, const std::string& k) {
    Editing& e = *ui.st.editing;
    const std::string datePart = datePartOf(e.key);
    if (k == "{done}") {
        const bool next = doneMovesOn(ui) && (!e.buffer.empty() || (!datePart.empty() && ui.st.draft->answered(
                                                                          e.key.substr(0, e.key.rfind(':')))));
        if (datePart.empty() || !e.buffer.empty()) commit(ui); // an untouched date box keeps its value
        ui.st.editing.reset();
        if (next) goNext(ui);
        return;
    }
    if (k == "{delete}") eraseLastCharacter(e.buffer);
    else if (k == "{shift}") return void(e.shift = !e.shift);
    else if (k.rfind("{layer:", 0) == 0) return void(e.layer = k.substr(7, k.size() - 8));
    else {
        const std::string ch = k == "{space}" ? " " : k == "{decimal}" ? decimalSeparator(ui) : e.shift ? upper(k) : k;
        if (e.numeric && (ch == "." || ch == ",") && e.buffer.find_first_of(".,") != std::string::npos) return;
        if (!datePart.empty()) {
            // Digits only, as many as the part can have; a whole part moves on to the next box.
            if (ch.size() != 1 || !std::isdigit(static_cast<unsigned char>(ch[0])) || datePartComplete(datePart, e.buffer))
                return;
            e.buffer += ch;
            commit(ui);
            if (!datePartComplete(datePart, e.buffer)) return;
            const auto order = dateOrder(ui);
            const auto at = std::find(order.begin(), order.end(), datePart);
            // The last box typed, the date whole and nothing else on the page: it moves on after the
            // same visible pause as a single choice (Back brings it back to be changed).
            const std::string dateKey = e.key.substr(0, e.key.rfind(':'));
            // The pad stays open through the pause: closing it at once would put Start over and Back
            // where the pad's keys were, under a finger about to tap Done.
            if (at + 1 == order.end() && dateWhole(ui, dateKey) && nothingElseToAnswer(ui, dateKey)) {
                scheduleAdvance(ui);
                ui.st.advanceKeepsPad = true;
                return;
            }
            if (at + 1 != order.end()) startEditing(ui, e.key.substr(0, e.key.rfind(':') + 1) + *(at + 1), "", true);
            return;
        }
        std::size_t limit = e.numeric ? 12 : 500;
        if (e.key.rfind("staff:", 0) != 0 && e.key.rfind("work:", 0) != 0) {
            const Item* item = ui.form.find(e.key.substr(0, std::min(e.key.find('@'), e.key.find(':'))));
            if (item && item->maxLength) limit = std::size_t(*item->maxLength);
        }
        if (characters(e.buffer) >= limit) return; // the form's maxLength: refuse, never truncate
        e.buffer += ch;
        e.shift = false;
    }
    commit(ui);
}

std::string keyLabel(Ui& ui, const std::string& k, bool shift) {
    if (k == "{space}") return ui.t("keyboard.space");
    if (k == "{done}") return ui.t(ui.st.editing && !ui.st.editing->buffer.empty() && doneMovesOn(ui) ? "nav.next" : "keyboard.done");
    if (k == "{decimal}") return decimalSeparator(ui);
    if (k == "{delete}") return "\xE2\x8C\xAB"; // ⌫ is not in every font: drawn as text below if missing
    if (k == "{shift}") return "\xE2\x87\xA7";  // ⇧
    if (k == "{layer:symbols}") return "123";
    if (k == "{layer:letters}") return "abc";
    if (k == "{layer:accents}") return "áéñ";
    if (k == "{layer:numbers}") return "123";
    return shift ? upper(k) : k;
}

bool oneCharacter(const std::string& utf8) {
    return std::count_if(utf8.begin(), utf8.end(), [](char c) { return (c & 0xC0) != 0x80; }) == 1;
}

float keyWeight(const std::string& k, bool numeric) {
    if (numeric) return 1; // the number pad is a grid, like a phone's
    if (k == "{space}") return 4;
    if (k == "{done}") return 2;
    if (k == "{delete}") return 1.5f;
    if (k.front() == '{') return 1.5f;
    return 1;
}

std::string keyId(const std::string& k) {
    if (k == "{decimal}") return "key:."; // whichever separator it types
    if (k.size() > 2 && k.front() == '{') return "key:" + k.substr(1, k.size() - 2);
    return "key:" + k;
}

} // namespace

std::optional<double> parseNumber(const std::string& typed) {
    std::string s = typed;
    std::replace(s.begin(), s.end(), ',', '.'); // a decimal comma (Spanish) is a decimal point
    double v = 0;
    const auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
    if (s.empty() || ec != std::errc() || end != s.data() + s.size()) return std::nullopt;
    return v;
}

void startEditing(Ui& ui, const std::string& key, const std::string& current, bool numeric) {
    Editing e;
    e.key = key;
    e.buffer = current;
    e.numeric = numeric;
    // Dates are typed as digits and dashes: open on the layer that has both.
    const bool date = key.size() > 4 && key.compare(key.size() - 4, 4, "date") == 0;
    e.layer = numeric ? "numbers" : date ? "symbols" : "letters";
    e.shift = !numeric && current.empty() && key.rfind("staff:", 0) != 0 && key.rfind("work:", 0) != 0; // a name starts with a capital
    ui.st.editing = e;
}

float keyboardHeight(Ui& ui) {
    if (!ui.st.editing) return 0;
    const auto& rows = layers().at(ui.st.editing->layer);
    return float(rows.size()) * (ui.target + ui.gap * 0.6f) + ui.gap;
}

void drawKeyboard(Ui& ui, ImVec2 origin, float width) {
    if (!ui.st.editing) return;
    const Editing e = *ui.st.editing; // a key press may change the layer mid-frame
    const auto& rows = layers().at(e.layer);
    ImGui::PushClipRect(ImVec2(0, 0), ui.display, false); // edge to edge, past the window padding
    ImDrawList* dl = ImGui::GetWindowDrawList();
    const float h = keyboardHeight(ui);
    dl->AddRectFilled(origin, ImVec2(origin.x + width, origin.y + h), ui.colors->keyboard);
    origin.x += ui.gap, width -= ui.gap * 2;
    float y = origin.y + ui.gap * 0.6f;
    const float padW = e.numeric ? std::min(width, ui.target * 4 * 1.8f) : width;
    const float x0 = origin.x + (width - padW) / 2;
    auto unitWidth = [&](const std::vector<std::string>& row) {
        float weights = 0;
        for (const auto& k : row) weights += keyWeight(k, e.numeric);
        return (padW - ui.gap * 0.6f * float(row.size() + 1)) / std::max(weights, e.numeric ? 1.0f : 10.0f);
    };
    // One label size for every key: the largest at which each one-character label fits its key.
    // Shrinking key by key made W and M smaller than E and T on a narrow (portrait) keyboard.
    const float inset = ui.gap * 0.4f;
    float scale = 1.0f;
    for (const auto& row : rows)
        for (const auto& k : row) {
            const std::string label = keyLabel(ui, k, e.shift);
            const float textW = ImGui::CalcTextSize(label.c_str()).x;
            if (!oneCharacter(label) || textW <= 0) continue; // words (space, Done, 123) shrink on their own
            scale = std::min(scale, (keyWeight(k, e.numeric) * unitWidth(row) - inset * 2) / textW);
        }
    ImGui::SetWindowFontScale(std::clamp(scale, 0.6f, 1.0f));
    for (const auto& row : rows) {
        const float unitW = unitWidth(row);
        float rowW = 0;
        for (const auto& k : row) rowW += keyWeight(k, e.numeric) * unitW;
        rowW += ui.gap * 0.6f * float(row.size() - 1);
        float x = x0 + (padW - rowW) / 2;
        for (const auto& k : row) {
            const float w = keyWeight(k, e.numeric) * unitW;
            if (k == "{decimal}" && !datePartOf(e.key).empty()) { // a date has no decimals: no dead key, a gap
                x += w + ui.gap * 0.6f;
                continue;
            }
            ImGui::SetCursorScreenPos(ImVec2(x, y));
            const bool active = (k == "{shift}" && e.shift);
            const Tone tone = k == "{done}" || active ? Tone::Primary : Tone::Tile;
            const std::string label = keyLabel(ui, k, e.shift);
            if (touchButton(ui, keyId(k), label, ImVec2(w, ui.target), tone, false, oneCharacter(label) ? inset : ui.gap * 0.6f)) press(ui, k);
            x += w + ui.gap * 0.6f;
        }
        y += ui.target + ui.gap * 0.6f;
    }
    ImGui::SetWindowFontScale(1.0f);
    // Beside a number pad, where there is room, what is being typed: on a short screen with Larger
    // text the pad leaves so little above it that the question and the box's name scroll away.
    const float margin = x0 - origin.x - ui.gap;
    const std::string prompt = e.numeric ? editingPrompt(ui, e.key) : "";
    if (!prompt.empty() && margin >= ui.unit * 5) {
        const ImVec2 at(origin.x, origin.y + ui.gap * 0.6f);
        ImGui::SetCursorScreenPos(at);
        textWrapped(ui, prompt, nullptr, ui.colors->text, margin);
        ImGui::SetCursorScreenPos(ImVec2(at.x, ImGui::GetCursorScreenPos().y));
        textWrapped(ui, e.buffer.empty() ? std::string(" ") : e.buffer, ui.title(), ui.colors->text, margin);
        noteShown(ui, "keyboard-prompt", at, ImVec2(at.x + margin, ImGui::GetCursorScreenPos().y));
    }
    ImGui::PopClipRect();
    ImGui::SetCursorScreenPos(ImVec2(origin.x, origin.y + h));
}

std::string editingPrompt(Ui& ui, const std::string& key) {
    if (!ui.st.draft || key.rfind("staff:", 0) == 0 || key.rfind("work:", 0) == 0) return "";
    const screening::Item* item = ui.st.draft->form().find(key.substr(0, key.find_first_of(":@")));
    if (!item) return "";
    std::string prompt = item->text.in(ui.st.language);
    const std::string part = datePartOf(key);
    if (!part.empty()) prompt += " \xC2\xB7 " + ui.t("date." + part); // "Date of birth · Day"
    return prompt;
}

} // namespace mrscreen::ui
