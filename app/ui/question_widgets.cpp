// [SECTION] one question with its input: choice tiles, Yes/No, text and number fields that open
// the on-screen keyboard or number pad, feet-and-inches, and dates (date_entry.cpp).
#include "screening/validation.h"
#include "ui/ui_context.h"

#include <algorithm>
#include <charconv>
#include <cfloat>
#include <cmath>
#include <cstdio>
#include <sstream>

namespace mrscreen::ui {

using namespace screening;

namespace {

std::string optionId(const std::string& key, const Value& v) {
    return "option:" + key + ":" + (v.type == ValueType::Coding ? v.coding.code : v.toText());
}

std::string trimmedNumber(double v) {
    std::ostringstream s;
    s << v;
    return s.str();
}

std::vector<std::pair<Value, std::string>> choicesOf(Ui& ui, const Item& item) {
    std::vector<std::pair<Value, std::string>> choices;
    if (item.type == ItemType::Boolean) {
        choices.emplace_back(Value::ofBoolean(true), ui.t("choice.yes"));
        choices.emplace_back(Value::ofBoolean(false), ui.t("choice.no"));
    } else {
        for (const auto& o : item.options) choices.emplace_back(o.value, o.display.in(ui.st.language));
    }
    return choices;
}

// A choice that brings a number box in under it ("kilograms": your weight in kilograms) opens the
// number pad on that box when it is empty: typing the number is the next thing to do.
void openRevealedBox(Ui& ui, const Item& choice, const std::string& key) {
    const Page* page = currentPage(ui.st);
    if (ui.st.screen != Screen::Question || !page || !ui.st.draft->answered(key)) return;
    if (ui.st.readAloud.on) return; // the pad would cover "Read again"; the patient taps the box
    const std::string suffix = key.substr(choice.linkId.size());
    for (const Slot& slot : page->slots) {
        const Item& item = ui.form.items[std::size_t(slot.item)];
        const bool revealed = std::any_of(item.enableWhen.begin(), item.enableWhen.end(),
                                          [&](const EnableWhen& w) { return w.question == choice.linkId; });
        if (!revealed || slot.suffix != suffix || !ui.st.draft->enabled(slot)) continue;
        if (item.type != ItemType::Decimal && item.type != ItemType::Integer) return;
        const std::string box = slot.key(ui.form);
        if (ui.st.draft->answered(box)) return;
        const bool feet = item.unit && item.unit->code == "[in_i]";
        return startEditing(ui, feet ? box + ":feet" : box, "", true);
    }
}

void choiceTile(Ui& ui, const Item& item, const std::string& key, const Value& value, const std::string& label,
                ImVec2 size) {
    Draft& d = *ui.st.draft;
    bool selected = false;
    for (const auto& a : d.answers(key)) selected = selected || valuesEqual(a, value);
    if (touchButton(ui, optionId(key, value), label, size, Tone::Tile, selected)) {
        if (item.repeats) d.toggleAnswer(key, value);
        else if (selected && !item.required) d.clearAnswer(key);
        else d.setAnswer(key, value);
        answerChanged(ui, key);
        if (!item.repeats) openRevealedBox(ui, item, key);
    }
}

// Lays out tiles in as many columns as fit (at most 3), each row as tall as its tallest label.
void choiceTiles(Ui& ui, const Item& item, const std::string& key) {
    const auto choices = choicesOf(ui, item);
    const float width = ImGui::GetContentRegionAvail().x;
    float longest = 0;
    for (const auto& [v, label] : choices) longest = std::max(longest, ImGui::CalcTextSize(label.c_str()).x);
    int columns = choices.size() <= 3 ? int(choices.size()) : 2;
    while (columns > 1 && (width - ui.gap * float(columns - 1)) / float(columns) < longest * 0.55f + ui.gap * 3)
        --columns;
    if (width > ui.unit * 30 && choices.size() > 4) columns = 3;
    columns = std::max(columns, 1);
    const float tileW = (width - ui.gap * float(columns - 1)) / float(columns);
    for (std::size_t i = 0; i < choices.size(); i += std::size_t(columns)) {
        float rowH = ui.target * 1.1f;
        for (std::size_t j = i; j < std::min(choices.size(), i + std::size_t(columns)); ++j)
            rowH = std::max(rowH, buttonHeight(ui, "\xE2\x9C\x93 " + choices[j].second, tileW));
        for (std::size_t j = i; j < std::min(choices.size(), i + std::size_t(columns)); ++j) {
            if (j > i) ImGui::SameLine(0, ui.gap);
            choiceTile(ui, item, key, choices[j].first, choices[j].second, ImVec2(tileW, rowH));
        }
    }
}

// One row of a checklist page: the question, and its few answers side by side. On a wide screen
// the answers sit to the right of the question; on a narrow one, under it.
void checklistRow(Ui& ui, const Item& item, const std::string& key, const std::string& text) {
    const auto choices = choicesOf(ui, item);
    const float width = ImGui::GetContentRegionAvail().x;
    const float n = float(choices.size());
    // Tiles as wide as their longest answer needs (with its check mark), the rest for the question.
    float longest = 0;
    for (const auto& c : choices) longest = std::max(longest, ImGui::CalcTextSize(("\xE2\x9C\x93 " + c.second).c_str()).x);
    const float snug = std::max(ui.target * 1.8f, longest + ui.gap * 3);
    const bool wide = width > ui.unit * 28 && snug * n + ui.gap * n <= width * 0.5f;
    const float tilesW = wide ? snug * n + ui.gap * (n - 1) : width;
    const float textW = wide ? width - tilesW - ui.gap * 2 : width;
    const float tileW = (tilesW - ui.gap * (n - 1)) / n;
    float tileH = ui.target;
    for (const auto& c : choices) tileH = std::max(tileH, buttonHeight(ui, "\xE2\x9C\x93 " + c.second, tileW));
    const ImVec2 start = ImGui::GetCursorScreenPos();
    textWrapped(ui, text, nullptr, ui.colors->text, textW);
    if (const auto err = ui.st.pageErrors.find(key); err != ui.st.pageErrors.end())
        textWrapped(ui, "\xE2\x96\xA0 " + err->second, ui.title(), ui.colors->error, textW);
    const float textBottom = ImGui::GetCursorScreenPos().y;
    if (wide) ImGui::SetCursorScreenPos(ImVec2(start.x + width - tilesW, start.y));
    for (std::size_t i = 0; i < choices.size(); ++i) {
        if (i) ImGui::SameLine(0, ui.gap);
        choiceTile(ui, item, key, choices[i].first, choices[i].second, ImVec2(tileW, tileH));
    }
    const float bottom = std::max(textBottom, ImGui::GetCursorScreenPos().y);
    ImGui::SetCursorScreenPos(ImVec2(start.x, bottom));
    ImGui::GetWindowDrawList()->AddLine(ImVec2(start.x, bottom + ui.gap * 0.4f),
                                        ImVec2(start.x + width, bottom + ui.gap * 0.4f), ui.colors->tileBorder, 1.0f);
    ImGui::Dummy(ImVec2(1, ui.gap * 0.8f - ImGui::GetStyle().ItemSpacing.y));
}

// A box showing what was typed; tapping it opens the keyboard for it.
void fieldBox(Ui& ui, const std::string& id, const std::string& editKey, const std::string& shown,
              const std::string& placeholder, bool numeric, float width) {
    const bool focused = ui.st.editing && ui.st.editing->key == editKey;
    std::string label = shown.empty() ? placeholder : shown;
    if (focused) label = ui.st.editing->buffer + "|";
    const float h = std::max(ui.target, buttonHeight(ui, label, width));
    if (touchButton(ui, id, label, ImVec2(width, h), Tone::Tile, false))
        startEditing(ui, editKey, shown, numeric);
    if (focused) {
        ImGui::GetWindowDrawList()->AddRect(ImGui::GetItemRectMin(), ImGui::GetItemRectMax(), ui.colors->focus,
                                            ui.unit * 0.35f, 0, 4.0f);
        // The keyboard took the lower part of the screen: keep what is being typed in sight.
        if (!ImGui::IsRectVisible(ImGui::GetItemRectMin(), ImGui::GetItemRectMax())) ImGui::SetScrollHereY(0.5f);
    }
}

void textField(Ui& ui, const Item& item, const std::string& key) {
    const auto& a = ui.st.draft->answers(key);
    const std::string value = a.empty() ? "" : a.front().toText();
    (void)item;
    fieldBox(ui, "field:" + key, key, value, ui.t("field.tap_to_type"), false, ImGui::GetContentRegionAvail().x);
}

void numberField(Ui& ui, const Item& item, const std::string& key) {
    const float width = std::min(ImGui::GetContentRegionAvail().x, ui.unit * 14);
    if (item.unit && item.unit->code == "[in_i]") {
        // Feet and inches, stored as inches.
        for (const char* part : {"feet", "inches"}) {
            const std::string partKey = key + ":" + part;
            const std::string shown = ui.st.numberText.count(partKey) ? ui.st.numberText[partKey] : "";
            // No "0" hint: an empty box never looks like an answer.
            fieldBox(ui, "field:" + partKey, partKey, shown, "", true, width * 0.45f);
            ImGui::SameLine(0, ui.gap);
            ImGui::AlignTextToFramePadding();
            ImGui::SetCursorPosY(ImGui::GetCursorPosY() + (ui.target - ImGui::GetFontSize()) / 2);
            ImGui::TextUnformatted(ui.t(std::string("number.") + part).c_str());
        }
        return;
    }
    std::string shown;
    if (const auto t = ui.st.numberText.find(key); t != ui.st.numberText.end()) shown = t->second;
    else if (const auto& a = ui.st.draft->answers(key); !a.empty()) shown = trimmedNumber(a.front().number());
    if (ui.t("number.decimal_separator") == ",") std::replace(shown.begin(), shown.end(), '.', ',');
    fieldBox(ui, "field:" + key, key, shown, ui.t("field.tap_to_enter"), true, width);
    std::string unit;
    if (item.unit) unit = item.unit->code == "[lb_av]" ? "lb" : item.unit->display.empty() ? item.unit->code : item.unit->display;
    if (!unit.empty()) {
        ImGui::SameLine(0, ui.gap);
        ImGui::SetCursorPosY(ImGui::GetCursorPosY() + (ui.target - ImGui::GetFontSize()) / 2);
        ImGui::TextUnformatted(unit.c_str());
    }
}

} // namespace

namespace {

// Scrolls the page so a question just drawn from `top` down to the cursor is in view whole: its
// text, its message and every answer, a fifth of the way down when there is room. A question taller
// than the page ends at the page's bottom: its message and answers show, the start of its text is a
// drag away. Placing only the question's first line left a long question's answers below the fold,
// under the message that asks for them.
void showWhole(float top) {
    const float height = ImGui::GetCursorScreenPos().y - top;
    const float visible = ImGui::GetWindowHeight();
    const float above = std::min(visible * 0.2f, visible - height);
    ImGui::SetScrollFromPosY(top - ImGui::GetWindowPos().y - above, 0.0f);
}

void questionBody(Ui& ui, const Item& item, const std::string& key, bool onSignaturePage, bool asRow);

} // namespace

void questionWidget(Ui& ui, const Slot& slot, bool onSignaturePage, bool asRow) {
    if (!ui.st.draft->enabled(slot)) return;
    const std::string key = slot.key(ui.form);
    const bool bringIntoView = key == ui.st.scrollToKey; // the first question still needing an answer
    const float top = ImGui::GetCursorScreenPos().y;
    questionBody(ui, ui.form.items[std::size_t(slot.item)], key, onSignaturePage, asRow);
    if (!bringIntoView) return;
    showWhole(top);
    ui.st.scrollToKey.clear();
}

namespace {

void questionBody(Ui& ui, const Item& item, const std::string& key, bool onSignaturePage, bool asRow) {
    Draft& d = *ui.st.draft;
    const std::string text = item.text.in(ui.st.language);
    // Yes / No / Not sure fits beside a question; longer answers keep their own tiles.
    bool shortChoice = (item.type == ItemType::Choice && !item.repeats && item.options.size() <= 4) ||
                       item.type == ItemType::Boolean;
    for (const auto& o : item.options) shortChoice = shortChoice && o.display.in(ui.st.language).size() <= 18;
    if (asRow && shortChoice && !onSignaturePage) {
        ImGui::PushID(key.c_str());
        checklistRow(ui, item, key, text + (item.required ? "" : "  " + ui.t("field.optional")));
        ImGui::PopID();
        return;
    }
    if (item.type == ItemType::Display) {
        textWrapped(ui, text, nullptr, ui.colors->text);
        return;
    }
    if (item.type == ItemType::Group) {
        if (!text.empty()) textWrapped(ui, text, ui.title(), ui.colors->text);
        return;
    }
    ImGui::PushID(key.c_str());
    const bool confirmTile = onSignaturePage && item.type == ItemType::Boolean;
    if (!confirmTile) {
        std::string heading = text;
        if (!item.required) heading += "  " + ui.t("field.optional");
        textWrapped(ui, heading, ui.title(), ui.colors->text);
    }
    if (const auto err = ui.st.pageErrors.find(key); err != ui.st.pageErrors.end())
        textWrapped(ui, "\xE2\x96\xA0 " + err->second, ui.title(), ui.colors->error);
    if (!onSignaturePage) answersWithinReach(ui);
    switch (item.type) {
    case ItemType::Boolean:
        if (confirmTile) {
            const auto& a = d.answers(key);
            const bool on = !a.empty() && a.front().boolean;
            if (touchButton(ui, "confirm:" + key, text, ImVec2(0, 0), Tone::Tile, on)) {
                if (on) d.clearAnswer(key);
                else d.setAnswer(key, Value::ofBoolean(true));
                answerChanged(ui, key);
            }
        } else
            choiceTiles(ui, item, key);
        break;
    case ItemType::Choice: choiceTiles(ui, item, key); break;
    case ItemType::OpenChoice:
        choiceTiles(ui, item, key);
        textField(ui, item, key + ":other");
        break;
    case ItemType::String:
    case ItemType::Text:
    case ItemType::Time:
    case ItemType::DateTime: textField(ui, item, key); break;
    case ItemType::Decimal:
    case ItemType::Integer: numberField(ui, item, key); break;
    case ItemType::Date: dateField(ui, item, key); break;
    default: break;
    }
    ImGui::PopID();
    ImGui::Dummy(ImVec2(1, ui.gap));
}

} // namespace

void noToTheRest(Ui& ui, const Page& page) {
    Draft& d = *ui.st.draft;
    std::vector<std::pair<std::string, Value>> rest;
    for (const Slot& slot : page.slots) {
        const Item& item = ui.form.items[std::size_t(slot.item)];
        if (!isQuestion(item.type) || !d.enabled(slot)) continue;
        const std::string key = slot.key(ui.form);
        const bool answered = d.answered(key);
        const bool single = (item.type == ItemType::Choice && !item.repeats) || item.type == ItemType::Boolean;
        if (!single) continue;
        if (!answered && stopLevel(ui, slot.item)) return; // asked one by one, never answered in bulk
        if (answered) continue;
        if (item.type == ItemType::Boolean) rest.emplace_back(key, Value::ofBoolean(false));
        else
            for (const auto& o : item.options)
                if (o.value.type == ValueType::Coding && o.value.coding.code == "no") rest.emplace_back(key, o.value);
    }
    if (rest.size() < 2) return;
    const float w = ImGui::GetContentRegionAvail().x;
    const std::string label = ui.t("checklist.no_to_rest", {{"n", std::to_string(rest.size())}});
    if (touchButton(ui, "no-to-rest", label, ImVec2(w, buttonHeight(ui, label, w)), Tone::Tile)) {
        for (auto& [key, value] : rest) d.setAnswer(key, value);
        d.refresh();
        ui.st.pageErrors.clear();
        ui.st.notice.clear();
        if (const Page* now = currentPage(ui.st); now && pageProblems(ui, *now).empty()) scheduleAdvance(ui);
    }
}

} // namespace mrscreen::ui
