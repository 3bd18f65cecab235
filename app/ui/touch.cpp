// [SECTION] strings, colours, fonts and the touch widgets every screen is made of.
#include "record/embedded_assets.h"
#include "ui/layout.h"
#include "ui/ui_context.h"

#include <imgui_internal.h>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <cmath>
#include <stdexcept>

namespace mrscreen::ui {

using nlohmann::json;

// [SECTION] strings

Strings::Strings() {
    const json doc = json::parse(record::embeddedAsset("ui-strings.json"));
    for (const auto& [language, table] : doc.at("languages").items())
        for (const auto& [key, text] : table.items()) byLanguage_[language][key] = text.get<std::string>();
    // Every language must say everything English says: a missing word would show a raw key.
    const auto& en = byLanguage_.at("en");
    for (const auto& [language, table] : byLanguage_)
        for (const auto& [key, text] : en)
            if (!table.count(key))
                throw std::runtime_error("assets/ui-strings.json: language '" + language + "' lacks '" + key + "'");
}

std::vector<std::string> Strings::languages() const {
    std::vector<std::string> out;
    for (const auto& [language, table] : byLanguage_) out.push_back(language);
    return out;
}

std::string Strings::get(const std::string& language, const std::string& key,
                         std::initializer_list<std::pair<const char*, std::string>> args) const {
    auto table = byLanguage_.find(language);
    if (table == byLanguage_.end()) table = byLanguage_.find("en");
    const auto it = table->second.find(key);
    std::string text = it == table->second.end() ? key : it->second;
    for (const auto& [name, value] : args) {
        const std::string placeholder = std::string("{") + name + "}";
        for (auto pos = text.find(placeholder); pos != std::string::npos; pos = text.find(placeholder, pos + value.size()))
            text.replace(pos, placeholder.size(), value);
    }
    return text;
}

const Strings& uiStrings() {
    static const Strings strings;
    return strings;
}

// [SECTION] colours

const Palette& palette(bool highContrast) {
    // Borders of tiles, buttons and keys at least 3:1 against the screen, the tile and the keyboard
    // (WCAG 1.4.11); muted and error text at least 7:1 (tests/ui/contrast_test.cpp checks both).
    static const Palette normal{
        IM_COL32(246, 247, 249, 255), IM_COL32(23, 28, 38, 255),   IM_COL32(66, 72, 86, 255),
        IM_COL32(26, 86, 160, 255),   IM_COL32(255, 255, 255, 255), IM_COL32(255, 255, 255, 255),
        IM_COL32(112, 120, 134, 255), IM_COL32(26, 86, 160, 255),   IM_COL32(255, 255, 255, 255),
        IM_COL32(176, 40, 40, 255),   IM_COL32(255, 255, 255, 255), IM_COL32(145, 20, 20, 255),
        IM_COL32(240, 160, 0, 255),   IM_COL32(10, 30, 90, 255),    IM_COL32(222, 226, 232, 255)};
    static const Palette contrast{
        IM_COL32(0, 0, 0, 255),       IM_COL32(255, 255, 255, 255), IM_COL32(235, 235, 235, 255),
        IM_COL32(255, 221, 0, 255),   IM_COL32(0, 0, 0, 255),       IM_COL32(0, 0, 0, 255),
        IM_COL32(255, 255, 255, 255), IM_COL32(255, 255, 255, 255), IM_COL32(0, 0, 0, 255),
        IM_COL32(255, 120, 120, 255), IM_COL32(0, 0, 0, 255),       IM_COL32(255, 140, 140, 255),
        IM_COL32(0, 200, 255, 255),   IM_COL32(255, 255, 255, 255), IM_COL32(30, 30, 30, 255)};
    return highContrast ? contrast : normal;
}

// [SECTION] widgets

void beginScreen(Ui& ui, const char* id) {
    ImGui::SetNextWindowPos(ImVec2(0, 0));
    ImGui::SetNextWindowSize(ui.display);
    ImGui::PushStyleColor(ImGuiCol_WindowBg, ImGui::ColorConvertU32ToFloat4(ui.colors->background));
    ImGui::PushStyleColor(ImGuiCol_Text, ImGui::ColorConvertU32ToFloat4(ui.colors->text));
    ImGui::PushStyleVar(ImGuiStyleVar_WindowPadding, ImVec2(ui.gap * 2, ui.gap * 1.5f));
    ImGui::PushStyleVar(ImGuiStyleVar_ItemSpacing, ImVec2(ui.gap, ui.gap));
    ImGui::PushStyleVar(ImGuiStyleVar_WindowBorderSize, 0.0f);
    ImGui::Begin(id, nullptr,
                 ImGuiWindowFlags_NoDecoration | ImGuiWindowFlags_NoMove | ImGuiWindowFlags_NoSavedSettings |
                     ImGuiWindowFlags_NoBringToFrontOnFocus | ImGuiWindowFlags_NoScrollWithMouse);
    ImGui::PushFont(ui.body());
}

void endScreen() {
    ImGui::PopFont();
    ImGui::End();
    ImGui::PopStyleVar(3);
    ImGui::PopStyleColor(2);
}

void noteTarget(Ui& ui, const std::string& id, ImVec2 min, ImVec2 max) {
    ImRect clip = ImGui::GetCurrentWindow()->ClipRect;
    clip.Expand(1.0f); // layout lands on fractions of a pixel
    Target t;
    t.x0 = min.x, t.y0 = min.y, t.x1 = max.x, t.y1 = max.y;
    t.visible = clip.Contains(ImRect(min, max)) ||
                (max.y - min.y > clip.GetHeight() && clip.Overlaps(ImRect(min, max))); // taller than its area
    t.scrollArea = ui.scrollStack.empty() ? std::string() : ui.scrollStack.back();
    ui.st.targets[id] = t;
}

void noteShown(Ui& ui, const std::string& id, ImVec2 min, ImVec2 max) {
    Target t;
    t.x0 = min.x, t.y0 = min.y, t.x1 = max.x, t.y1 = max.y;
    t.visible = true;
    ui.st.shown[id] = t;
}

namespace {

std::vector<std::string> wrapLines(ImFont* font, float size, const std::string& text, float width) {
    std::vector<std::string> lines;
    const char* s = text.c_str();
    const char* end = s + text.size();
    while (s < end) {
        const char* nl = std::find(s, end, '\n');
        const char* brk = font->CalcWordWrapPositionA(size / font->FontSize, s, nl, width);
        if (brk == s) brk = s + 1;
        lines.emplace_back(s, brk);
        s = brk;
        while (s < end && (*s == ' ' || *s == '\n')) ++s;
    }
    if (lines.empty()) lines.emplace_back();
    return lines;
}

} // namespace

ImRect centeredText(ImDrawList* dl, ImFont* font, float size, ImVec2 min, ImVec2 max, ImU32 color,
                    const std::string& text) {
    const auto lines = wrapLines(font, size, text, max.x - min.x);
    const float lineH = size * 1.15f;
    // The block from the first line's top to the last line's bottom, centred (no spacing after the last).
    float y = (min.y + max.y) / 2 - (lineH * float(lines.size() - 1) + size) / 2;
    ImRect drawn((min.x + max.x) / 2, y, (min.x + max.x) / 2, y);
    for (const auto& line : lines) {
        const float w = font->CalcTextSizeA(size, FLT_MAX, 0, line.c_str()).x;
        const float x = std::round((min.x + max.x - w) / 2);
        dl->AddText(font, size, ImVec2(x, std::round(y)), color, line.c_str());
        drawn.Add(ImRect(x, y, x + w, y + size));
        y += lineH;
    }
    return drawn;
}

namespace {

// The widest word of a label at a text size.
float widestWord(const std::string& label, float size) {
    float widest = 0;
    for (std::size_t start = 0; start < label.size();) {
        std::size_t end = label.find_first_of(" \n", start);
        if (end == std::string::npos) end = label.size();
        widest = std::max(widest, ImGui::GetFont()->CalcTextSizeA(size, FLT_MAX, 0, label.c_str() + start,
                                                                   label.c_str() + end).x);
        start = end + 1;
    }
    return widest;
}

// The label's size in a button whose text is `width` wide: the body size, smaller (down to 0.6 of it)
// when one word would not fit on a line ("respuestas", or "signature" in a quarter of a portrait
// screen with Larger text), so words never break.
float labelSize(const std::string& label, float width) {
    const float size = ImGui::GetFontSize();
    const float widest = widestWord(label, size);
    return widest > width && widest > 0 ? std::max(size * 0.6f, std::floor(size * width / widest)) : size;
}

} // namespace

float buttonHeight(Ui& ui, const std::string& label, float width) {
    const float size = labelSize(label, width - ui.gap * 2);
    const auto lines = wrapLines(ImGui::GetFont(), size, label, width - ui.gap * 2);
    return std::max(ui.target, float(lines.size()) * size * 1.15f + ui.gap * 1.6f);
}

bool touchButton(Ui& ui, const std::string& id, const std::string& label, ImVec2 size, Tone tone, bool selected,
                 float inset) {
    if (inset < 0) inset = ui.gap;
    if (size.x <= 0) size.x = ImGui::GetContentRegionAvail().x;
    if (size.y <= 0) size.y = buttonHeight(ui, label, size.x);
    size.y = std::max(size.y, ui.target);
    ImGui::PushID(id.c_str());
    const bool released = ImGui::InvisibleButton("##b", size);
    ImGui::PopID();
    const ImVec2 min = ImGui::GetItemRectMin(), max = ImGui::GetItemRectMax();
    noteTarget(ui, id, min, max);
    const Palette& c = *ui.colors;
    const bool pressed = ImGui::IsItemActive();
    ImU32 fill = c.accent, ink = c.accentText, border = 0;
    switch (tone) {
    case Tone::Primary: break;
    case Tone::Danger: fill = c.danger, ink = c.dangerText; break;
    case Tone::Quiet: fill = c.background, ink = c.text, border = c.tileBorder; break;
    case Tone::Tile: fill = c.tile, ink = c.text, border = c.tileBorder; break;
    }
    if (selected) fill = c.selected, ink = c.selectedText, border = c.selected;
    ImDrawList* dl = ImGui::GetWindowDrawList();
    const float rounding = ui.unit * 0.35f;
    dl->AddRectFilled(min, max, fill, rounding);
    if (border) dl->AddRect(min, max, border, rounding, 0, ui.st.highContrast ? 3.0f : 2.0f);
    if (pressed) dl->AddRect(min, max, c.focus, rounding, 0, 4.0f); // feedback while the finger is down
    const std::string text = selected ? std::string("\xE2\x9C\x93 ") + label : label; // ✓ marks the choice
    const float textWidth = max.x - min.x - inset * 2, labelPx = labelSize(text, textWidth);
    const ImRect drawn = centeredText(dl, ImGui::GetFont(), labelPx, ImVec2(min.x + inset, min.y),
                                      ImVec2(max.x - inset, max.y), ink, text);
    if (!text.empty()) noteShown(ui, id + ":label", drawn.Min, drawn.Max);
    if (widestWord(text, labelPx) > textWidth + 0.5f) noteShown(ui, id + ":word-broken", drawn.Min, drawn.Max); // for the tests
    // A drag that began on the button scrolls; only a tap counts.
    const float slop = ui.unit * 0.6f;
    return released && ImGui::GetIO().MouseDragMaxDistanceSqr[0] < slop * slop;
}

void answersWithinReach(Ui& ui) {
    if (ui.display.y <= ui.display.x * 1.1f) return;
    ImGuiWindow* window = ImGui::GetCurrentWindow();
    // Layout positions, not screen ones: the same push whatever the page's scroll.
    const float reach = ui.display.y / 3 - window->Pos.y;
    const float y = ImGui::GetCursorPosY();
    if (y >= reach) return;
    // Last frame's spare room (its push included) caps the push, so answers never go below the fold.
    const ImGuiID key = ImGui::GetID("##reach");
    ImGuiStorage* storage = ImGui::GetStateStorage();
    const float lastPush = storage->GetFloat(key, 0);
    const float spare = window->ContentSize.y > 0 ? window->InnerRect.GetHeight() - window->ContentSize.y -
                                                        window->WindowPadding.y * 2 + lastPush
                                                  : 0;
    const float push = std::clamp(std::min(reach - y, spare), 0.0f, reach - y);
    storage->SetFloat(key, push);
    if (push >= 1) ImGui::Dummy(ImVec2(1, push - ImGui::GetStyle().ItemSpacing.y));
}

namespace {

// The strip a "More below" badge takes under a scrolling area: a line of text and its margins.
float moreBadgeHeight(Ui& ui) { return ImGui::GetFontSize() + ui.gap; }

} // namespace

void beginDragScroll(Ui& ui, const std::string& id, ImVec2 size) {
    ImGui::PushStyleColor(ImGuiCol_ChildBg, IM_COL32(0, 0, 0, 0));
    ImGui::PushStyleColor(ImGuiCol_ScrollbarBg, IM_COL32(0, 0, 0, 0));
    ImGui::PushStyleColor(ImGuiCol_ScrollbarGrab, ImGui::ColorConvertU32ToFloat4(ui.colors->tileBorder));
    ImGui::PushStyleVar(ImGuiStyleVar_ScrollbarSize, std::max(10.0f, ui.unit * 0.4f));
    // When its content overflowed last frame, the area ends a badge's height short: "More below" goes
    // in that strip, inside the room it was given, never over the buttons under it.
    if (size.y > 0 && ImGui::GetStateStorage()->GetBool(ImGui::GetID((id + "#more").c_str())))
        size.y = std::max(ui.target, size.y - moreBadgeHeight(ui));
    ImGui::BeginChild(id.c_str(), size, false, ImGuiWindowFlags_NoScrollWithMouse);
    const ImVec2 min = ImGui::GetWindowPos();
    Target area;
    area.x0 = min.x, area.y0 = min.y, area.x1 = min.x + ImGui::GetWindowWidth(), area.y1 = min.y + ImGui::GetWindowHeight();
    area.visible = true;
    ui.st.scrollAreas[id] = area;
    ui.scrollStack.push_back(id);
    const ImGuiIO& io = ImGui::GetIO();
    const float slop = ui.unit * 0.6f;
    // Never while a finger is signing: the pad would scroll away under it.
    if (!ui.st.drawing && !ui.st.work.drawing && ImGui::IsMouseDown(0) && io.MouseDragMaxDistanceSqr[0] >= slop * slop &&
        ImGui::IsWindowHovered(ImGuiHoveredFlags_AllowWhenBlockedByActiveItem) &&
        !ImGui::GetCurrentContext()->MovingWindow)
        ImGui::SetScrollY(std::clamp(ImGui::GetScrollY() - io.MouseDelta.y, 0.0f, ImGui::GetScrollMaxY()));
}

void endDragScroll(Ui& ui) {
    // More answers below the fold must not go unseen: say so just under the scrolling area, in
    // the middle of the navigation row (Back and Next sit at its ends).
    const float maxY = ImGui::GetScrollMaxY();
    const bool more = maxY > 1 && ImGui::GetScrollY() < maxY - 1;
    const ImVec2 pos = ImGui::GetWindowPos(), size = ImGui::GetWindowSize();
    ImGui::EndChild();
    bool* overflowed = ImGui::GetStateStorage()->GetBoolRef(ImGui::GetID((ui.scrollStack.back() + "#more").c_str()));
    if (*overflowed != (maxY > 1)) ui.st.relayout = true; // the area changes its height next frame
    *overflowed = maxY > 1;
    if (more) {
        const std::string label = ui.t("scroll.more");
        const ImVec2 text = ImGui::CalcTextSize(label.c_str());
        const ImVec2 min(pos.x + (size.x - text.x) / 2 - ui.gap, pos.y + size.y + ui.gap * 0.2f);
        const ImVec2 max(min.x + text.x + ui.gap * 2, min.y + text.y + ui.gap * 0.6f);
        ImDrawList* dl = ImGui::GetWindowDrawList();
        dl->AddRectFilled(min, max, ui.colors->accent, ui.unit * 0.3f);
        dl->AddText(ImVec2(min.x + ui.gap, min.y + ui.gap * 0.3f), ui.colors->accentText, label.c_str());
        noteShown(ui, "more-below:" + ui.scrollStack.back(), min, max);
    }
    ImGui::PopStyleVar();
    ImGui::PopStyleColor(3);
    ui.scrollStack.pop_back();
}

void modalPanel(Ui& ui, const char* id, ImU32 shade, const std::function<void(float width)>& content) {
    ImGui::SetNextWindowPos(ImVec2(0, 0));
    ImGui::SetNextWindowSize(ui.display);
    ImVec4 layer = ImGui::ColorConvertU32ToFloat4(shade);
    layer.w = 1.0f; // never see-through
    ImGui::PushStyleColor(ImGuiCol_WindowBg, layer);
    ImGui::PushStyleVar(ImGuiStyleVar_WindowBorderSize, 0.0f);
    ImGui::Begin(id, nullptr, ImGuiWindowFlags_NoDecoration | ImGuiWindowFlags_NoMove |
                                  ImGuiWindowFlags_NoSavedSettings | ImGuiWindowFlags_NoScrollWithMouse);
    ImGui::PushFont(ui.body());
    ImGui::PushStyleVar(ImGuiStyleVar_ItemSpacing, ImVec2(ui.gap, ui.gap));
    const float w = std::min(ui.display.x - ui.gap * 4, ui.unit * 24);
    ImDrawList* dl = ImGui::GetWindowDrawList();
    dl->ChannelsSplit(2); // the panel behind is drawn once its content has been measured
    dl->ChannelsSetCurrent(1);
    // A quarter down the screen, or higher when last frame's panel would not fit below that (the
    // signing step with Larger text on a landscape screen), so its buttons are never off the screen.
    const ImGuiID heightKey = ImGui::GetID("##panel-height");
    const float lastHeight = ImGui::GetStateStorage()->GetFloat(heightKey, 0);
    const ImVec2 p((ui.display.x - w) / 2, std::max(0.0f, std::min(ui.display.y * 0.25f, ui.display.y - lastHeight - ui.gap)));
    ImGui::SetCursorScreenPos(ImVec2(p.x + ui.gap * 2, p.y + ui.gap * 2));
    ImGui::BeginGroup();
    content(w - ui.gap * 4);
    ImGui::EndGroup();
    dl->ChannelsSetCurrent(0);
    const float bottom = ImGui::GetItemRectMax().y + ui.gap * 2;
    ImGui::GetStateStorage()->SetFloat(heightKey, bottom - p.y);
    dl->AddRectFilled(p, ImVec2(p.x + w, bottom), ui.colors->background, ui.unit * 0.5f);
    dl->ChannelsMerge();
    ImGui::PopStyleVar();
    ImGui::PopFont();
    ImGui::End();
    ImGui::PopStyleVar();
    ImGui::PopStyleColor();
}

void busyOverlay(Ui& ui, const std::string& what) {
    modalPanel(ui, "busy", ui.colors->text, [&](float w) {
        // A turning arc beside the words: the kiosk is working, not frozen.
        const float r = ui.unit * 0.8f;
        const ImVec2 at = ImGui::GetCursorScreenPos();
        ImDrawList* dl = ImGui::GetWindowDrawList();
        const float start = float(std::fmod(ui.now * 4.0, 2.0 * 3.14159265));
        dl->PathArcTo(ImVec2(at.x + r, at.y + r), r, start, start + 4.2f, 24);
        dl->PathStroke(ui.colors->accent, 0, ui.unit * 0.25f);
        ImGui::Dummy(ImVec2(r * 2, r * 2));
        ImGui::SameLine(0, ui.gap * 2);
        textWrapped(ui, what, ui.title(), ui.colors->text, w - r * 2 - ui.gap * 2);
        noteTarget(ui, "busy", at, ImVec2(at.x + w, at.y + r * 2));
    });
}

void textWrapped(Ui& ui, const std::string& text, ImFont* font, ImU32 color, float width) {
    (void)ui;
    if (font) ImGui::PushFont(font);
    const float wrap = width > 0 ? ImGui::GetCursorPosX() + width : 0.0f;
    ImGui::PushTextWrapPos(wrap);
    ImGui::PushStyleColor(ImGuiCol_Text, ImGui::ColorConvertU32ToFloat4(color));
    ImGui::TextUnformatted(text.c_str(), text.c_str() + text.size());
    ImGui::PopStyleColor();
    ImGui::PopTextWrapPos();
    if (font) ImGui::PopFont();
}

} // namespace mrscreen::ui
