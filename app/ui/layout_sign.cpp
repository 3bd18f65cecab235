// [SECTION] the Sign page: every control it needs (who fills the form, I confirm, the signature
// pad, Clear, Submit) in one arrangement that never scrolls, at every screen size and with Larger
// text. Landscape: three columns (the statement with I confirm | who fills the form | the pad);
// portrait: the same stacked, the controls low (reach from a wheelchair). The statement is the only
// part that gives up room: shortened, with "Read it all" showing it whole.
#include "ui/layout.h"
#include "ui/ui_context.h"

#include <algorithm>
#include <cfloat>
#include <cmath>

namespace mrscreen::ui {

using namespace screening;

namespace {

const char* const kMissing =
    "\xE2\x96\xA0 ";                       // ■: still needs an answer (not shown by colour alone)
const char* const kTick = "\xE2\x9C\x93 "; // ✓ on a chosen tile (touchButton adds it)

// The Sign page's questions, sorted by the part of the page they go to.
struct SignParts {
    std::string statement;      // the display items: what the patient confirms
    std::vector<Slot> confirms; // yes-only tiles ("I confirm the statement above")
    std::vector<Slot>
        questions; // who fills the form, and what that opens (a representative's name)
};

SignParts signParts(Ui& ui, const Page& page) {
    SignParts p;
    for (const Slot& slot : page.slots) {
        const Item& item = ui.form.items[std::size_t(slot.item)];
        if (!ui.st.draft->enabled(slot))
            continue;
        if (item.type == ItemType::Display)
            p.statement += (p.statement.empty() ? "" : "\n") + item.text.in(ui.st.language);
        else if (item.type == ItemType::Boolean)
            p.confirms.push_back(slot);
        else if (isQuestion(item.type))
            p.questions.push_back(slot);
    }
    return p;
}

float textHeight(ImFont* font, float size, const std::string& text, float width) {
    return font->CalcTextSizeA(size, FLT_MAX, width, text.c_str()).y;
}

bool missing(Ui& ui, const std::string& key) {
    return ui.st.pageErrors.count(key) > 0;
}

// Headings are bold at body size: the Sign page has no room for title-size questions.
std::string headingOf(Ui& ui, const Item& item, const std::string& key) {
    std::string text = item.text.in(ui.st.language);
    if (!item.required)
        text += "  " + ui.t("field.optional");
    return missing(ui, key) ? kMissing + text : text;
}

// A tap on a choice tile, as on any question page.
void choose(Ui& ui, const Item& item, const std::string& key, const Value& value, bool selected) {
    Draft& d = *ui.st.draft;
    if (item.repeats)
        d.toggleAnswer(key, value);
    else if (selected && !item.required)
        d.clearAnswer(key);
    else
        d.setAnswer(key, value);
    answerChanged(ui, key);
}

// The widest single word of `text` in the current font: a tile narrower than it would break the
// word.
float widestWord(const std::string& text) {
    float widest = 0;
    std::size_t start = 0;
    while (start < text.size()) {
        std::size_t end = text.find_first_of(" \n", start);
        if (end == std::string::npos)
            end = text.size();
        widest = std::max(widest, ImGui::CalcTextSize(text.c_str() + start, text.c_str() + end).x);
        start = end + 1;
    }
    return widest;
}

// The least width a column's tiles may have without breaking a word ("representative").
float tileLeast(Ui& ui, const std::vector<std::string>& labels) {
    float widest = 0;
    for (const auto& label : labels)
        widest = std::max(widest, widestWord(kTick + label));
    return widest + ui.gap * 3;
}

// One question of the middle part at `at`, `w` wide; only measures when `draw` is false. Returns
// its height. Choice tiles go two to a row when that is shorter than one under the other.
float signQuestion(Ui& ui, const Slot& slot, ImVec2 at, float w, bool draw) {
    const Item& item = ui.form.items[std::size_t(slot.item)];
    const std::string key = slot.key(ui.form);
    const std::string heading = headingOf(ui, item, key);
    ImFont* bold = ui.title();
    const float size = ui.unit;
    float y = at.y;
    const float headingH = textHeight(bold, size, heading, w);
    if (draw)
        ImGui::GetWindowDrawList()->AddText(bold, size, at,
                                            missing(ui, key) ? ui.colors->error : ui.colors->text,
                                            heading.c_str(), nullptr, w);
    y += headingH + ui.gap * 0.5f;
    if (item.type == ItemType::Choice || item.type == ItemType::OpenChoice) {
        const auto& opts = item.options;
        const float halfW = (w - ui.gap) / 2;
        float stacked = 0, paired = 0;
        for (std::size_t i = 0; i < opts.size(); ++i) {
            const std::string label = kTick + opts[i].display.in(ui.st.language);
            stacked += buttonHeight(ui, label, w) + (i ? ui.gap : 0);
            if (i % 2 == 0) {
                float rowH = buttonHeight(ui, label, halfW);
                if (i + 1 < opts.size())
                    rowH = std::max(
                        rowH,
                        buttonHeight(ui, kTick + opts[i + 1].display.in(ui.st.language), halfW));
                paired += rowH + (i ? ui.gap : 0);
            }
        }
        std::vector<std::string> labels;
        for (const auto& o : opts)
            labels.push_back(o.display.in(ui.st.language));
        const bool pairs = opts.size() > 1 && paired < stacked && halfW >= tileLeast(ui, labels);
        const auto& answers = ui.st.draft->answers(key);
        float rowY = y, rowH = 0;
        for (std::size_t i = 0; i < opts.size(); ++i) {
            const std::string label = opts[i].display.in(ui.st.language);
            const bool second = pairs && i % 2 == 1;
            if (!second && i)
                rowY += rowH + ui.gap;
            if (!second) {
                rowH = buttonHeight(ui, kTick + label, pairs ? halfW : w);
                if (pairs && i + 1 < opts.size())
                    rowH = std::max(
                        rowH,
                        buttonHeight(ui, kTick + opts[i + 1].display.in(ui.st.language), halfW));
            }
            if (!draw)
                continue;
            bool selected = false;
            for (const auto& a : answers)
                selected = selected || valuesEqual(a, opts[i].value);
            ImGui::SetCursorScreenPos(ImVec2(second ? at.x + halfW + ui.gap : at.x, rowY));
            const std::string id =
                "option:" + key + ":" +
                (opts[i].value.type == ValueType::Coding ? opts[i].value.coding.code
                                                         : opts[i].value.toText());
            if (touchButton(ui, id, label, ImVec2(pairs ? halfW : w, rowH), Tone::Tile, selected))
                choose(ui, item, key, opts[i].value, selected);
        }
        y = rowY + rowH;
    } else {
        // A text answer (a representative's name): a box that opens the keyboard.
        const auto& a = ui.st.draft->answers(key);
        const std::string value = a.empty() ? "" : a.front().toText();
        const std::string shown = value.empty() ? ui.t("field.tap_to_type") : value;
        const float h = buttonHeight(ui, shown, w);
        if (draw) {
            ImGui::SetCursorScreenPos(ImVec2(at.x, y));
            if (touchButton(ui, "field:" + key, shown, ImVec2(w, h), Tone::Tile))
                startEditing(ui, key, value, false);
        }
        y += h;
    }
    return y - at.y;
}

// A question answered by typing (a representative's name) rather than with a tile.
bool typed(Ui& ui, const Slot& slot) {
    const ItemType type = ui.form.items[std::size_t(slot.item)].type;
    return type != ItemType::Choice && type != ItemType::OpenChoice && type != ItemType::Boolean;
}

// Height of the questions part; the columns are sized so the tiles fit (typed answers may scroll).
float questionsHeight(Ui& ui, const SignParts& parts, float w) {
    float h = 0;
    for (std::size_t i = 0; i < parts.questions.size() && !typed(ui, parts.questions[i]); ++i)
        h += signQuestion(ui, parts.questions[i], ImVec2(0, 0), w, false) + (i ? ui.gap * 1.5f : 0);
    return h;
}

std::vector<Slot> tileQuestions(Ui& ui, const SignParts& parts) {
    std::vector<Slot> out;
    for (const Slot& slot : parts.questions)
        if (!typed(ui, slot))
            out.push_back(slot);
    return out;
}

float typedHeight(Ui& ui, const SignParts& parts, float w) {
    float h = 0;
    for (const Slot& slot : parts.questions)
        if (typed(ui, slot))
            h += signQuestion(ui, slot, ImVec2(0, 0), w, false) + ui.gap * 1.5f;
    return h;
}

// The typed answers (a representative's name and relationship) in `room` under `at`: they scroll,
// with "More below" at the foot of the room, when Larger text makes them too tall for it.
void typedAnswers(Ui& ui, const SignParts& parts, ImVec2 at, float w, float room) {
    const float needed = typedHeight(ui, parts, w);
    if (needed <= 0)
        return;
    const bool scrolls = needed - ui.gap * 1.5f > room + 1;
    if (scrolls) {
        ImGui::SetCursorScreenPos(at);
        beginDragScroll(ui, "sign-questions",
                        ImVec2(w, std::max(ui.target, room))); // "More below" fits inside
        at = ImGui::GetCursorScreenPos();
        w -= ImGui::GetStyle().ScrollbarSize + 2;
    }
    float y = at.y;
    for (const Slot& slot : parts.questions)
        if (typed(ui, slot))
            y += signQuestion(ui, slot, ImVec2(at.x, y), w, true) + ui.gap * 1.5f;
    if (scrolls) {
        ImGui::SetCursorScreenPos(at);
        ImGui::Dummy(ImVec2(w, y - at.y - ui.gap * 1.5f));
        endDragScroll(ui);
    }
}

std::string confirmLabel(Ui& ui, const Slot& slot) {
    const std::string key = slot.key(ui.form);
    const std::string text = ui.form.items[std::size_t(slot.item)].text.in(ui.st.language);
    return missing(ui, key) ? kMissing + text : text;
}

float confirmsHeight(Ui& ui, const SignParts& parts, float w) {
    float h = 0;
    for (std::size_t i = 0; i < parts.confirms.size(); ++i)
        h += buttonHeight(ui, kTick + confirmLabel(ui, parts.confirms[i]), w) + (i ? ui.gap : 0);
    return h;
}

// "I confirm ..." tiles from `at` down; a missing one is marked ■ and framed in the error colour.
void drawConfirms(Ui& ui, const SignParts& parts, ImVec2 at, float w) {
    Draft& d = *ui.st.draft;
    float y = at.y;
    for (const Slot& slot : parts.confirms) {
        const std::string key = slot.key(ui.form);
        const std::string label = confirmLabel(ui, slot);
        const float h = buttonHeight(ui, kTick + label, w);
        const auto& a = d.answers(key);
        const bool on = !a.empty() && a.front().boolean;
        ImGui::SetCursorScreenPos(ImVec2(at.x, y));
        if (touchButton(ui, "confirm:" + key, label, ImVec2(w, h), Tone::Tile, on)) {
            if (on)
                d.clearAnswer(key);
            else
                d.setAnswer(key, Value::ofBoolean(true));
            answerChanged(ui, key);
        }
        if (missing(ui, key))
            ImGui::GetWindowDrawList()->AddRect(ImVec2(at.x, y), ImVec2(at.x + w, y + h),
                                                ui.colors->error, ui.unit * 0.35f, 0, 4.0f);
        y += h + ui.gap;
    }
}

// The statement in `h` of height: whole when it fits, else its first lines and "Read it all".
void drawStatement(Ui& ui, const std::string& statement, ImVec2 at, float w, float h) {
    if (statement.empty())
        return;
    ImFont* font = ui.body();
    const float size = ui.unit;
    ImDrawList* dl = ImGui::GetWindowDrawList();
    if (textHeight(font, size, statement, w) <= h + 1) {
        dl->AddText(font, size, at, ui.colors->text, statement.c_str(), nullptr, w);
        return;
    }
    const std::string label = ui.t("sign.read_all");
    const float buttonW = std::min(w, ImGui::CalcTextSize(label.c_str()).x + ui.gap * 4);
    const float buttonH = buttonHeight(ui, label, buttonW);
    const float lineH = size; // ImGui lines are one font size apart
    const float lines = std::floor(std::max(0.0f, h - buttonH - ui.gap * 0.5f) / lineH);
    if (lines >= 1) {
        dl->PushClipRect(at, ImVec2(at.x + w, at.y + lines * lineH), true);
        dl->AddText(font, size, at, ui.colors->text, statement.c_str(), nullptr, w);
        dl->PopClipRect();
    }
    ImGui::SetCursorScreenPos(
        ImVec2(at.x, at.y + lines * lineH + (lines >= 1 ? ui.gap * 0.5f : 0)));
    if (touchButton(ui, "read-statement", label, ImVec2(buttonW, buttonH), Tone::Quiet))
        ui.st.readingStatement = true;
}

float statementHeight(Ui& ui, const std::string& statement, float w) {
    return statement.empty() ? 0 : textHeight(ui.body(), ui.unit, statement, w);
}

// The least a statement may shrink to: the "Read it all" button.
float statementLeast(Ui& ui, const std::string& statement, float w) {
    if (statement.empty())
        return 0;
    const std::string label = ui.t("sign.read_all");
    return std::min(
        statementHeight(ui, statement, w),
        buttonHeight(ui, label, std::min(w, ImGui::CalcTextSize(label.c_str()).x + ui.gap * 4)));
}

// The page's message across the top, where the title was: after a refused Submit it names what is
// missing, which is always below it.
// `readAll`: "Read it all" goes at the right of the title (portrait, when a representative's name
// fields need the statement's room).
float signHeader(Ui& ui, bool readAll) {
    const ImVec2 at = ImGui::GetCursorScreenPos();
    const float w = ui.display.x - ui.gap * 4;
    if (ui.st.notice.empty()) {
        textWrapped(ui, ui.t("sign.title"), ui.title(), ui.colors->text);
        float bottom = ImGui::GetCursorScreenPos().y;
        if (readAll) {
            const std::string label = ui.t("sign.read_all");
            const float bw = ImGui::CalcTextSize(label.c_str()).x + ui.gap * 4;
            const float bh = buttonHeight(ui, label, bw);
            ImGui::SetCursorScreenPos(ImVec2(at.x + w - bw, at.y));
            if (touchButton(ui, "read-statement", label, ImVec2(bw, bh), Tone::Quiet))
                ui.st.readingStatement = true;
            bottom = std::max(bottom, at.y + bh + ui.gap);
        }
        return bottom;
    }
    const std::string text = kMissing + ui.st.notice;
    const float h = textHeight(ui.title(), ui.unit, text, w);
    ImGui::GetWindowDrawList()->AddText(ui.title(), ui.unit, at, ui.colors->error, text.c_str(),
                                        nullptr, w);
    noteShown(ui, "notice", at, ImVec2(at.x + w, at.y + h));
    return at.y + h + ui.gap;
}

// Column widths for landscape: the pad keeps at least 30% of the row; the middle part takes the
// least width at which its questions fit the height; the statement what it needs to show whole.
struct Columns {
    float statement, questions, pad;
};

Columns landscapeColumns(Ui& ui, const SignParts& parts, float width, float height) {
    const float sep = ui.gap * 2;
    const float room = width - sep * 2;
    std::vector<std::string> tiles, confirms;
    for (const Slot& slot : tileQuestions(ui, parts))
        for (const auto& o : ui.form.items[std::size_t(slot.item)].options)
            tiles.push_back(o.display.in(ui.st.language));
    for (const Slot& slot : parts.confirms)
        confirms.push_back(kMissing + confirmLabel(ui, slot));
    const float questionsLeast = tileLeast(ui, tiles);
    const float confirmLeast = tileLeast(ui, confirms);
    Columns c{0, std::max(room * 0.40f, questionsLeast), 0};
    for (float f = 0.24f; f < 0.40f; f += 0.02f)
        if (room * f >= questionsLeast && questionsHeight(ui, parts, room * f) <= height) {
            c.questions = room * f;
            break;
        }
    const float most = room * 0.70f - c.questions;
    c.statement = most;
    for (float f = 0.24f; room * f < most; f += 0.02f)
        if (room * f >= confirmLeast && statementHeight(ui, parts.statement, room * f) + ui.gap +
                                                confirmsHeight(ui, parts, room * f) <=
                                            height) {
            c.statement = room * f;
            break;
        }
    c.statement = std::max(c.statement, confirmLeast);
    c.pad = room - c.questions - c.statement;
    return c;
}

void statementOverlay(Ui& ui, const std::string& statement) {
    modalPanel(ui, "statement", ui.colors->text, [&](float w) {
        textWrapped(ui, statement, nullptr, ui.colors->text, w);
        if (touchButton(ui, "statement-close", ui.t("sign.close"), ImVec2(w, 0), Tone::Primary))
            ui.st.readingStatement = false;
    });
}

} // namespace

void signScreen(Ui& ui) {
    beginScreen(ui, "sign");
    const Page* page = currentPage(ui.st);
    const Page copy = page ? *page : Page{};
    ui.st.scrollToKey.clear(); // every control is in view: nothing to scroll to
    if (ui.st.editing) {
        // Typing a representative's name: the questions above the keyboard, the field in view.
        textWrapped(ui, ui.t("sign.title"), ui.title(), ui.colors->text);
        const float areaH =
            ui.display.y - ImGui::GetCursorScreenPos().y - keyboardHeight(ui) - ui.gap;
        beginDragScroll(ui, "sign-questions", ImVec2(0, std::max(areaH, ui.target)));
        for (const Slot& slot : copy.slots)
            questionWidget(ui, slot, true);
        endDragScroll(ui);
        keyboardArea(ui);
        endScreen();
        return;
    }
    const SignParts parts = signParts(ui, copy);
    const std::vector<NavButton> nav = {
        {"back", ui.t("nav.back"), Tone::Quiet, [&ui] { goBack(ui); }},
        startOverButton(ui),
        {"sign-clear", ui.t("sign.clear"), Tone::Quiet,
         [&ui] {
             ui.st.signature.clear();
             ui.st.notice.clear();
         }},
        {"submit", ui.t("sign.submit"), Tone::Primary, [&ui] { submitScreening(ui); }}};
    const bool landscape = ui.display.x > ui.display.y * 1.1f;
    // In portrait a representative's name fields take the statement's room: it opens from the title
    // row.
    bool statementInHeader = false;
    if (!landscape && ui.st.notice.empty() && !parts.statement.empty())
        for (const Slot& slot : parts.questions)
            statementInHeader = statementInHeader || typed(ui, slot);
    const float top = signHeader(ui, statementInHeader);
    const float bottom = ui.display.y - navBarHeight(ui, nav) + ui.gap * 0.5f;
    const float left = ui.gap * 2, width = ui.display.x - ui.gap * 4, height = bottom - top;
    // Big enough to sign with a finger: a wide pad (portrait, the whole width) may be lower.
    const float padLeast = landscape ? std::max(kMinTarget * 2.5f, ui.target * 1.6f)
                                     : std::max(140.0f, ui.target * 1.4f);
    ImVec2 padAt, padSize;
    if (landscape) {
        const Columns c = landscapeColumns(ui, parts, width, height);
        const float sep = ui.gap * 2;
        const float qx = left + c.statement + sep;
        float y = top;
        for (const Slot& slot : tileQuestions(ui, parts))
            y += signQuestion(ui, slot, ImVec2(qx, y), c.questions, true) + ui.gap * 1.5f;
        // Typed answers (a representative's name) go under who fills the form; when Larger text
        // leaves too little room there, between the shortened statement and I confirm, where there
        // is more.
        const float confirmsH = confirmsHeight(ui, parts, c.statement);
        const float least = statementLeast(ui, parts.statement, c.statement);
        const float typedB = typedHeight(ui, parts, c.questions) - ui.gap * 1.5f;
        const float roomA = height - confirmsH - least - ui.gap * 2;
        const bool typedInA = typedB > bottom - y + 1 && roomA > bottom - y;
        if (!typedInA)
            typedAnswers(ui, parts, ImVec2(qx, y), c.questions, bottom - y);
        const float typedA =
            typedInA ? std::min(roomA, typedHeight(ui, parts, c.statement) - ui.gap * 1.5f) : 0;
        const float statementH = std::min(
            statementHeight(ui, parts.statement, c.statement),
            std::max(least, height - confirmsH - ui.gap - (typedInA ? typedA + ui.gap : 0)));
        drawStatement(ui, parts.statement, ImVec2(left, top), c.statement, statementH);
        float ay = top + statementH + (statementH > 0 ? ui.gap : 0);
        if (typedInA) {
            typedAnswers(ui, parts, ImVec2(left, ay), c.statement, typedA);
            ay += typedA + ui.gap;
        }
        drawConfirms(ui, parts, ImVec2(left, ay), c.statement);
        padAt = ImVec2(left + c.statement + c.questions + sep * 2, top);
        padSize = ImVec2(c.pad, height);
    } else {
        // Stacked: the statement under the title in whatever room is left, I confirm, who fills the
        // form, typed answers, the pad over the buttons; as low as they go (reach from a
        // wheelchair).
        const float questionsH = questionsHeight(ui, parts, width);
        const float confirmsH = confirmsHeight(ui, parts, width);
        const float typedH = typedHeight(ui, parts, width);
        const std::string statement = statementInHeader ? std::string() : parts.statement;
        const float least = statementLeast(ui, statement, width);
        const float fixed = questionsH + confirmsH + ui.gap * 2;
        // The pad gives up room so that I confirm, at the top of the controls, is within reach (the
        // lower two thirds of the screen), down to what a finger needs to sign.
        const float reach = bottom - ui.display.y / 3 - fixed;
        float padH = std::clamp(std::min({height * 0.24f, height - fixed - least, reach}), padLeast,
                                ui.unit * 9);
        // Typed answers take what the statement can spare, at least one whole field (the pad gives
        // up room for it); they scroll when that is not enough.
        float typedLeast = 0;
        for (const Slot& slot : parts.questions)
            if (typed(ui, slot))
                typedLeast =
                    std::max(typedLeast, signQuestion(ui, slot, ImVec2(0, 0), width, false) +
                                             ui.gap * 1.5f + ImGui::GetFontSize() + ui.gap * 1.2f);
        typedLeast = std::min(typedLeast, typedH);
        const float spare = height - fixed - padH - least - ui.gap * 2.5f;
        if (spare < typedLeast)
            padH = std::max(padLeast, padH - (typedLeast - spare));
        const float typedRoom =
            std::clamp(height - fixed - padH - least - ui.gap * 2.5f, 0.0f, typedH);
        const float typedPart = typedRoom > 0 ? typedRoom + ui.gap * 1.5f : 0;
        const float statementH =
            std::min(statementHeight(ui, statement, width),
                     std::max(least, height - fixed - padH - typedPart - ui.gap));
        float y = bottom - padH;
        padAt = ImVec2(left, y);
        padSize = ImVec2(width, padH);
        y -= ui.gap + typedPart + questionsH;
        float qy = y;
        for (const Slot& slot : tileQuestions(ui, parts))
            qy += signQuestion(ui, slot, ImVec2(left, qy), width, true) + ui.gap * 1.5f;
        typedAnswers(ui, parts, ImVec2(left, qy), width, typedRoom);
        y -= ui.gap + confirmsH;
        drawConfirms(ui, parts, ImVec2(left, y), width);
        y -= statementH + (statementH > 0 ? ui.gap : 0);
        drawStatement(ui, statement, ImVec2(left, std::max(top, y)), width, statementH);
    }
    ImGui::SetCursorScreenPos(padAt);
    signaturePad(ui, "signature-pad", padSize, ui.st.signature, ui.st.drawing, ui.t("sign.pad"));
    navBar(ui, nav);
    endScreen();
    if (ui.st.readingStatement)
        statementOverlay(ui, parts.statement);
}

} // namespace mrscreen::ui
