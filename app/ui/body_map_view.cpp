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
    textWrapped(ui, section >= 0 ? ui.form.items[std::size_t(section)].text.in(ui.st.language) : group.text.in(ui.st.language),
                ui.title(), ui.colors->text);
    std::string help;
    for (const Slot& s : copy.slots)
        if (ui.form.items[std::size_t(s.item)].type == ItemType::Display)
            help += (help.empty() ? "" : "\n") + ui.form.items[std::size_t(s.item)].text.in(ui.st.language);
    if (help.empty()) help = ui.t("bodymap.help");
    // The help opens the list of marks (beside the figures on a wide screen, under them on a narrow
    // one), so the figures keep their height when larger text makes the help longer.
    const bool wide = ui.display.x > ui.display.y * 1.2f;

    const float top = ImGui::GetCursorScreenPos().y + ui.gap;
    const float bottom = ui.display.y - (ui.st.editing ? keyboardHeight(ui) : ui.target + ui.gap * 3) - ui.gap;
    const auto& fig = record::bodyFigure();
    const float figuresW = wide ? ui.display.x * 0.55f : ui.display.x - ui.gap * 4;
    // "Seen from the front" / "Seen from behind" over each figure on one line, smaller when it must.
    const float labelW = figuresW / 2 - ui.gap;
    float labelSize = ImGui::GetFontSize();
    for (const char* key : {"bodymap.front", "bodymap.back"})
        labelSize = std::min(labelSize, ImGui::GetFontSize() * labelW / ImGui::CalcTextSize(ui.t(key).c_str()).x);
    labelSize = std::max(std::floor(labelSize), ui.fonts.size[0] * 0.8f);
    const float labelH = std::ceil(labelSize * 1.15f) + ui.gap * 0.5f;
    const float listH = wide ? 0 : std::max(ui.target * 1.5f, (bottom - top) * 0.3f);
    float H = std::min(bottom - top - labelH - listH, (figuresW / 2 - ui.gap * 2) / (2 * fig.halfWidth));
    H = std::max(H, ui.unit * 4);
    const float figW = 2 * fig.halfWidth * H;
    Figure figures[2] = {{BodyView::Front, ImVec2(ui.gap * 2 + figuresW * 0.25f, top + labelH), H},
                         {BodyView::Back, ImVec2(ui.gap * 2 + figuresW * 0.75f, top + labelH), H}};
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
    const float listX = wide ? ui.gap * 3 + figuresW : ui.gap * 2;
    const float listY = wide ? top : top + labelH + H + ui.gap;
    const float listW = ui.display.x - listX - ui.gap * 2;
    ImGui::SetCursorScreenPos(ImVec2(listX, listY));
    beginDragScroll(ui, "marks", ImVec2(listW, std::max(ui.target, bottom - listY)));
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
        const float bw = std::min(ui.unit * 11, (ui.display.x - ui.gap * 5) / 2);
        const float y = ui.display.y - ui.target - ui.gap * 1.5f;
        ImGui::SetCursorScreenPos(ImVec2(ui.gap * 2, y));
        if (touchButton(ui, "back", ui.t("nav.back"), ImVec2(bw, ui.target), Tone::Quiet)) goBack(ui);
        // Start over, between Back and Next as on the question pages.
        const float middle = std::min(bw, ui.display.x - ui.gap * 8 - bw * 2);
        if (middle >= ui.target * 1.5f) {
            ImGui::SetCursorScreenPos(ImVec2((ui.display.x - middle) / 2, y));
            if (touchButton(ui, "start-over", ui.t("start_over.button"), ImVec2(middle, ui.target), Tone::Quiet))
                ui.st.confirmStartOver = true;
        }
        ImGui::SetCursorScreenPos(ImVec2(ui.display.x - ui.gap * 2 - bw, y));
        if (touchButton(ui, "next", ui.st.returnToReview ? ui.t("nav.to_review") : ui.t("nav.next"),
                        ImVec2(bw, ui.target)))
            goNext(ui);
    }
    endScreen();
}

} // namespace mrscreen::ui
