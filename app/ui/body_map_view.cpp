// [SECTION] the body map: front and back figures (assets/body-map.json); a tap places a mark in the
// region under the finger, a tap on a mark removes it, and each mark may carry a typed note.
// Marks are repetitions of the form's body-map group, so they reach the response like any answer.
#include "record/body_figure.h"
#include "ui/ui_context.h"

#include <algorithm>
#include <cmath>

namespace mrscreen::ui {

using namespace screening;
using record::BodyView;
using record::FigurePoint;

namespace {

// Which child of the body-map group holds what: found by the codes its options carry.
struct MarkItems {
    int region = -1, view = -1, side = -1, note = -1;
};

MarkItems markItems(const Questionnaire& form, int group) {
    MarkItems m;
    for (int c : form.items[std::size_t(group)].children) {
        const Item& it = form.items[std::size_t(c)];
        bool front = false, left = false, region = false;
        for (const auto& o : it.options) {
            const std::string& code = o.value.coding.code;
            front = front || code == "front";
            left = left || code == "left";
            region = region || record::bodyFigure().region(code) != nullptr;
        }
        if (region) m.region = c;
        else if (front) m.view = c;
        else if (left) m.side = c;
        else if (it.type == ItemType::String || it.type == ItemType::Text) m.note = c;
    }
    return m;
}

std::string codeOf(const Draft& d, const Questionnaire& form, int item, const std::string& suffix) {
    if (item < 0) return "";
    const auto& a = d.answers(form.items[std::size_t(item)].linkId + suffix);
    return a.empty() ? "" : a.front().coding.code;
}

void setCode(Draft& d, const Questionnaire& form, int item, const std::string& suffix, const std::string& code) {
    if (item < 0) return;
    const Item& it = form.items[std::size_t(item)];
    for (const auto& o : it.options)
        if (o.value.coding.code == code) return d.setAnswer(it.linkId + suffix, o.value);
}

std::string optionText(Ui& ui, int item, const std::string& code) {
    if (item < 0) return code;
    for (const auto& o : ui.form.items[std::size_t(item)].options)
        if (o.value.coding.code == code) return o.display.in(ui.st.language);
    return code;
}

struct Figure {
    BodyView view;
    ImVec2 origin; // top of the head, on the midline
    float height;
};

void drawFigure(Ui& ui, const Figure& f) {
    ImDrawList* dl = ImGui::GetWindowDrawList();
    const auto& fig = record::bodyFigure();
    const float thick = std::max(2.0f, ui.unit * 0.1f);
    for (const auto& outline : fig.outlinesOf(f.view)) {
        std::vector<ImVec2> pts;
        for (const auto& p : outline) pts.push_back(ImVec2(f.origin.x + p.x * f.height, f.origin.y + p.y * f.height));
        dl->AddPolyline(pts.data(), int(pts.size()), ui.colors->muted, ImDrawFlags_Closed, thick);
    }
}

} // namespace

void bodyMapScreen(Ui& ui) {
    const Page* page = currentPage(ui.st);
    if (!page || page->kind != PageKind::BodyMap) return startQuestionnaire(ui);
    const Page copy = *page;
    Draft& d = *ui.st.draft;
    const MarkItems mi = markItems(ui.form, copy.repeatGroup);
    const std::string gk = groupKey(ui.form, copy.repeatGroup, copy.repeatSuffix);
    beginScreen(ui, "body-map");
    const Item& group = ui.form.items[std::size_t(copy.repeatGroup)];
    const int section = copy.section;
    const std::string title =
        section >= 0 ? ui.form.items[std::size_t(section)].text.in(ui.st.language) : group.text.in(ui.st.language);
    std::string help;
    for (const Slot& s : copy.slots)
        if (ui.form.items[std::size_t(s.item)].type == ItemType::Display)
            help += (help.empty() ? "" : "\n") + ui.form.items[std::size_t(s.item)].text.in(ui.st.language);
    if (help.empty()) help = ui.t("bodymap.help");
    // On a wide screen the figures take the whole height on the left; the title, the help with the
    // list of marks and the buttons share the column on the right. On a narrow one the figures sit
    // under the title, the list under them. Either way Larger text makes the figures no smaller:
    // the text grows into the room beside or under them.
    const bool wide = ui.display.x > ui.display.y * 1.2f;
    const float pad = ui.gap * 1.5f;
    const float normalGap = std::max(8.0f, std::round(ui.fonts.size[0] * 0.45f)); // margins as with normal text
    const float figuresW = wide ? ui.display.x * 0.55f : ui.display.x - normalGap * 4;
    const float listX = wide ? ui.gap * 3 + figuresW : ui.gap * 2;
    const float listW = ui.display.x - listX - ui.gap * 2;
    if (wide) ImGui::SetCursorScreenPos(ImVec2(listX, pad));
    textWrapped(ui, title, ui.title(), ui.colors->text, wide ? listW : 0);
    const float afterTitle = ImGui::GetCursorScreenPos().y;
    // Back, Start over and Next: along the bottom, or under the list on a wide screen.
    const std::string nextLabel = ui.st.returnToReview ? ui.t("nav.to_review") : ui.t("nav.next");
    const float navX = wide ? listX : ui.gap * 2, navW = wide ? listW : ui.display.x - ui.gap * 4;
    const float bw = wide ? (navW - ui.gap * 2) / 3 : std::min(ui.unit * 11, (navW - ui.gap) / 2);
    float navRowH = ui.target;
    for (const std::string& label : {ui.t("nav.back"), ui.t("start_over.button"), nextLabel})
        navRowH = std::max(navRowH, buttonHeight(ui, label, bw));

    const float top = wide ? normalGap * 1.5f : ImGui::GetCursorScreenPos().y + ui.gap;
    const float navH = navRowH + ui.gap * 3;
    const float bottom = ui.display.y - (ui.st.editing ? keyboardHeight(ui) + ui.gap : wide ? normalGap * 1.5f : navH + ui.gap);
    const auto& fig = record::bodyFigure();
    // "Seen from the front" / "Seen from behind" over each figure on one line, at most at normal body
    // size (they are captions; the figures need the room), smaller when it must.
    const float labelW = figuresW / 2 - ui.gap;
    float labelSize = ui.fonts.size[0];
    for (const char* key : {"bodymap.front", "bodymap.back"})
        labelSize = std::min(labelSize, ImGui::GetFontSize() * labelW / ImGui::CalcTextSize(ui.t(key).c_str()).x);
    labelSize = std::max(std::floor(labelSize), ui.fonts.size[0] * 0.8f);
    const float labelH = std::ceil(labelSize * 1.15f) + normalGap * 0.5f;
    const float across = (figuresW / 2 - normalGap * 2) / (2 * fig.halfWidth);
    float H;
    if (wide) {
        H = std::min(bottom - top - labelH, across);
    } else {
        // The list under the figures keeps 30% of the room with normal text; with Larger text it gives
        // up what the figures would lose (it scrolls), down to a row and a half.
        const float normalTarget = std::max(kMinTarget, ui.fonts.size[0] * 2.2f);
        const float normalTop = normalGap * 1.5f + ui.fonts.title[0]->FontSize * 1.0f + normalGap * 2;
        const float normalBottom = ui.display.y - (normalTarget + normalGap * 3) - normalGap;
        const float normalList = std::max(normalTarget * 1.5f, (normalBottom - normalTop) * 0.3f);
        const float normalH = std::min(normalBottom - normalTop - labelH - normalList, across);
        const float list = std::max(ui.target * 1.5f, (bottom - top) * 0.3f);
        H = std::min(bottom - top - labelH - list, across);
        if (!ui.st.editing) H = std::max(H, std::min(normalH, bottom - top - labelH - ui.target * 1.5f));
    }
    H = std::max(H, ui.unit * 4);
    const float figW = 2 * fig.halfWidth * H;
    const float figuresX = normalGap * 2;
    Figure figures[2] = {{BodyView::Front, ImVec2(figuresX + figuresW * 0.25f, top + labelH), H},
                         {BodyView::Back, ImVec2(figuresX + figuresW * 0.75f, top + labelH), H}};
    ImDrawList* dl = ImGui::GetWindowDrawList();
    const int marks = d.repetitions(gk);
    std::optional<int> removeMark;
    for (const Figure& f : figures) {
        const std::string label = ui.t(f.view == BodyView::Front ? "bodymap.front" : "bodymap.back");
        centeredText(dl, ImGui::GetFont(), labelSize, ImVec2(f.origin.x - labelW / 2, top),
                     ImVec2(f.origin.x + labelW / 2, top + labelH - ui.gap * 0.5f), ui.colors->muted, label);
        drawFigure(ui, f);
        const ImVec2 min(f.origin.x - figW / 2, f.origin.y), max(f.origin.x + figW / 2, f.origin.y + H);
        ImGui::SetCursorScreenPos(min);
        const std::string id = f.view == BodyView::Front ? "figure:front" : "figure:back";
        const bool tapped = ImGui::InvisibleButton(id.c_str(), ImVec2(max.x - min.x, max.y - min.y)) &&
                            ImGui::GetIO().MouseDragMaxDistanceSqr[0] < ui.unit * ui.unit * 0.36f;
        noteTarget(ui, id, min, max);
        const ImVec2 m = ImGui::GetIO().MousePos;
        const float markR = std::max(ui.unit * 0.45f, 24.5f); // a mark is a target: at least 48 px across
        bool onMark = false;
        for (int k = 0; k < marks; ++k) {
            const std::string suffix = copy.repeatSuffix + "@" + std::to_string(k);
            const std::string view = codeOf(d, ui.form, mi.view, suffix);
            if ((view == "back") != (f.view == BodyView::Back)) continue;
            for (const FigurePoint& s : fig.spotsFor(f.view, codeOf(d, ui.form, mi.region, suffix),
                                                     codeOf(d, ui.form, mi.side, suffix))) {
                const ImVec2 c(f.origin.x + s.x * H, f.origin.y + s.y * H);
                dl->AddCircleFilled(c, markR, ui.colors->error);
                const std::string n = std::to_string(k + 1);
                dl->AddText(ImVec2(c.x + markR + 2, c.y - ImGui::GetFontSize() / 2), ui.colors->text, n.c_str());
                noteTarget(ui, "mark:" + std::to_string(k), ImVec2(c.x - markR, c.y - markR), ImVec2(c.x + markR, c.y + markR));
                if (tapped && std::hypot(m.x - c.x, m.y - c.y) <= markR * 1.6f) {
                    removeMark = k;
                    onMark = true;
                }
            }
        }
        if (tapped && !onMark) {
            const auto hit = fig.regionAt(f.view, FigurePoint{(m.x - f.origin.x) / H, (m.y - f.origin.y) / H});
            if (hit) {
                const int k = d.addRepetition(gk);
                const std::string suffix = copy.repeatSuffix + "@" + std::to_string(k);
                setCode(d, ui.form, mi.region, suffix, hit->region);
                setCode(d, ui.form, mi.view, suffix, f.view == BodyView::Front ? "front" : "back");
                setCode(d, ui.form, mi.side, suffix, hit->side);
                answerChanged(ui, gk);
                if (ui.services.log) ui.services.log("mark-added region=" + hit->region + " side=" + hit->side);
            }
        }
    }

    // The marks as a list: what and where, a note, and a remove button.
    const float listY = wide ? afterTitle : top + labelH + H + ui.gap;
    const float listBottom = ui.display.y - (ui.st.editing ? keyboardHeight(ui) : navH) - ui.gap;
    ImGui::SetCursorScreenPos(ImVec2(listX, listY));
    beginDragScroll(ui, "marks", ImVec2(listW, std::max(ui.target, listBottom - listY)));
    textWrapped(ui, help, nullptr, ui.colors->text);
    if (marks == 0) textWrapped(ui, ui.t("bodymap.none"), nullptr, ui.colors->muted);
    for (int k = 0; k < marks; ++k) {
        const std::string suffix = copy.repeatSuffix + "@" + std::to_string(k);
        std::string what = std::to_string(k + 1) + ". " + optionText(ui, mi.region, codeOf(d, ui.form, mi.region, suffix));
        const std::string side = codeOf(d, ui.form, mi.side, suffix);
        if (!side.empty()) what += ", " + optionText(ui, mi.side, side);
        what += " (" + optionText(ui, mi.view, codeOf(d, ui.form, mi.view, suffix)) + ")";
        textWrapped(ui, what, ui.title(), ui.colors->text);
        const float w = ImGui::GetContentRegionAvail().x;
        if (mi.note >= 0) {
            const std::string noteKey = ui.form.items[std::size_t(mi.note)].linkId + suffix;
            const auto& a = d.answers(noteKey);
            const bool focused = ui.st.editing && ui.st.editing->key == noteKey;
            std::string shown = focused ? ui.st.editing->buffer + "|" : a.empty() ? ui.t("bodymap.note") : a.front().text;
            if (touchButton(ui, "field:" + noteKey, shown, ImVec2(w, 0), Tone::Tile))
                startEditing(ui, noteKey, a.empty() ? "" : a.front().text, false);
        }
        if (touchButton(ui, "mark-remove:" + std::to_string(k), ui.t("bodymap.remove"), ImVec2(std::min(w, ui.unit * 8), 0),
                        Tone::Quiet))
            removeMark = k;
    }
    endDragScroll(ui);
    if (removeMark) {
        d.removeRepetition(gk, *removeMark);
        ui.st.editing.reset();
        answerChanged(ui, gk);
        if (ui.services.log) ui.services.log("mark-removed index=" + std::to_string(*removeMark));
    }

    if (ui.st.editing) {
        drawKeyboard(ui, ImVec2(0, ui.display.y - keyboardHeight(ui)), ui.display.x);
    } else {
        const float y = ui.display.y - navRowH - ui.gap * 1.5f;
        ImGui::SetCursorScreenPos(ImVec2(navX, y));
        if (touchButton(ui, "back", ui.t("nav.back"), ImVec2(bw, navRowH), Tone::Quiet)) goBack(ui);
        // Start over, between Back and Next as on the question pages.
        const float middle = wide ? bw : std::min(bw, navW - ui.gap * 4 - bw * 2);
        if (middle >= ui.target * 1.5f) {
            ImGui::SetCursorScreenPos(ImVec2(navX + (navW - middle) / 2, y));
            if (touchButton(ui, "start-over", ui.t("start_over.button"), ImVec2(middle, navRowH), Tone::Quiet))
                ui.st.confirmStartOver = true;
        }
        ImGui::SetCursorScreenPos(ImVec2(navX + navW - bw, y));
        if (touchButton(ui, "next", nextLabel, ImVec2(bw, navRowH)))
            goNext(ui);
    }
    endScreen();
}

} // namespace mrscreen::ui
