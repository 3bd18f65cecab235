// [SECTION] the patient's screens: Welcome, one page of questions, Review, Sign, Submitted, and
// the "Are you still there?" overlay. Each is a function of the KioskState.
#include "ui/layout.h"
#include "ui/read_aloud.h"
#include "ui/ui_context.h"

#include <algorithm>
#include <cmath>

namespace mrscreen::ui {

using namespace screening;

// Progress counted by sections ("Part 3 of 10"), not pages: the number of pages changes with every
// answer that opens or closes follow-ups (it jumped between 37, 68 and 71), while sections come and go
// only as a whole (the body map), so the total stays put. The bar fills within the part as well.

Progress progressOf(const KioskState& st) {
    Progress p;
    std::vector<int> sections;
    int pageInSection = 0, pagesInSection = 0, current = -1;
    const int here = currentPageIndex(st);
    const auto& pages = st.draft->pages();
    for (std::size_t i = 0; i < pages.size(); ++i) {
        if (pages[i].kind == PageKind::Signature) continue;
        if (sections.empty() || sections.back() != pages[i].section) sections.push_back(pages[i].section);
        if (int(i) == here) current = pages[i].section, p.part = int(sections.size());
    }
    for (std::size_t i = 0; i < pages.size(); ++i)
        if (pages[i].section == current && pages[i].kind != PageKind::Signature) {
            if (int(i) < here) ++pageInSection;
            ++pagesInSection;
        }
    p.parts = int(sections.size());
    if (p.parts > 0 && p.part > 0)
        p.fraction = (float(p.part - 1) + float(pageInSection) / float(std::max(1, pagesInSection))) / float(p.parts);
    return p;
}

namespace {

// Section title and progress along the top.
void header(Ui& ui, const std::string& title, const Progress& progress) {
    textWrapped(ui, title, ui.title(), ui.colors->text);
    if (progress.parts > 0) {
        const ImVec2 p = ImGui::GetCursorScreenPos();
        const float w = ImGui::GetContentRegionAvail().x;
        const std::string label =
            ui.t("progress", {{"done", std::to_string(progress.part)}, {"total", std::to_string(progress.parts)}});
        const float labelW = ImGui::CalcTextSize(label.c_str()).x;
        const float barW = w - labelW - ui.gap;
        const float barH = std::max(8.0f, ui.unit * 0.35f);
        const float y = p.y + (ImGui::GetFontSize() - barH) / 2;
        ImDrawList* dl = ImGui::GetWindowDrawList();
        dl->AddRectFilled(ImVec2(p.x, y), ImVec2(p.x + barW, y + barH), ui.colors->tileBorder, barH / 2);
        const float f = std::clamp(progress.fraction, 0.0f, 1.0f);
        dl->AddRectFilled(ImVec2(p.x, y), ImVec2(p.x + barW * f, y + barH), ui.colors->accent, barH / 2);
        dl->AddText(ImVec2(p.x + barW + ui.gap, p.y), ui.colors->muted, label.c_str());
        ImGui::Dummy(ImVec2(w, ImGui::GetFontSize()));
    }
}

std::string sectionTitle(Ui& ui, const Page& page) {
    if (page.section < 0) return "";
    return ui.form.items[std::size_t(page.section)].text.in(ui.st.language);
}

void pageBody(Ui& ui, const Page& page, bool signaturePage) {
    for (const Slot& slot : page.slots) questionWidget(ui, slot, signaturePage, page.checklist);
    if (page.checklist && !signaturePage) noToTheRest(ui, page);
}

} // namespace

namespace {

float navButtonWidth(Ui& ui, std::size_t count) {
    const float w = ui.display.x - ui.gap * 4;
    return std::min(ui.unit * 11, (w - ui.gap * float(count - 1)) / float(count));
}

// As tall as its longest label needs: "Clear signature" takes two lines with Larger text.
float navRowHeight(Ui& ui, const std::vector<NavButton>& buttons) {
    const float bw = navButtonWidth(ui, buttons.size());
    float rowH = ui.target;
    for (const auto& b : buttons) rowH = std::max(rowH, buttonHeight(ui, b.label, bw));
    return rowH;
}

} // namespace

void navBar(Ui& ui, const std::vector<NavButton>& buttons) {
    const float bw = navButtonWidth(ui, buttons.size());
    const float rowH = navRowHeight(ui, buttons);
    const float y = ui.display.y - rowH - ui.gap * 1.5f;
    std::function<void()> pending;
    for (std::size_t i = 0; i < buttons.size(); ++i) {
        float x;
        if (i == 0) x = ui.gap * 2;
        else if (i == buttons.size() - 1) x = ui.display.x - ui.gap * 2 - bw;
        else {
            // Middle buttons sit centred between the two ends.
            const float span = ui.display.x - ui.gap * 4 - bw * 2;
            const float mids = float(buttons.size() - 2);
            x = ui.gap * 2 + bw + (span - (bw * mids + ui.gap * (mids - 1))) / 2 + float(i - 1) * (bw + ui.gap);
        }
        ImGui::SetCursorScreenPos(ImVec2(x, y));
        if (touchButton(ui, buttons[i].id, buttons[i].label, ImVec2(bw, rowH), buttons[i].tone)) pending = buttons[i].action;
    }
    if (pending) pending(); // after drawing, so an action never interrupts the row it sits in
}

float navBarHeight(Ui& ui, const std::vector<NavButton>& buttons) { return navRowHeight(ui, buttons) + ui.gap * 3; }


NavButton startOverButton(Ui& ui) {
    return {"start-over", ui.t("start_over.button"), Tone::Quiet, [&ui] { ui.st.confirmStartOver = true; }};
}

// Keyboard along the bottom, with the field's question above it so the patient sees what they type.
void keyboardArea(Ui& ui) {
    const float h = keyboardHeight(ui);
    drawKeyboard(ui, ImVec2(0, ui.display.y - h), ui.display.x);
}


void welcomeScreen(Ui& ui) {
    beginScreen(ui, "welcome");
    const float w = ImGui::GetContentRegionAvail().x;
    textWrapped(ui, ui.t("welcome.title"), ui.title(), ui.colors->text);
    textWrapped(ui, ui.t("welcome.intro"), nullptr, ui.colors->text);
    ImGui::Dummy(ImVec2(1, ui.gap));
    const auto& langs = ui.form.languages;
    const float tileW = std::min(ui.unit * 10, (w - ui.gap * float(langs.size() - 1)) / float(langs.size()));
    const float half = std::min(ui.unit * 12, (w - ui.gap) / 2);
    const float startW = std::min(w, ui.unit * 14);
    const float startH = std::max(ui.target * 1.3f, buttonHeight(ui, ui.t("welcome.start"), startW));
    const float startY = ui.display.y - startH - ui.gap * 1.5f;
    if (ui.display.y > ui.display.x * 1.1f) {
        // In portrait the choices sit just above Start, in the lower part of the screen (reach from a
        // wheelchair), as far down as the words above them allow.
        const float tall = ImGui::CalcTextSize(ui.t("welcome.language").c_str(), nullptr, false, w).y + ui.gap +
                           ui.target + ui.gap * 3 +
                           std::max(buttonHeight(ui, ui.t("welcome.larger_text"), half),
                                    buttonHeight(ui, ui.t("welcome.high_contrast"), half)) +
                           (ui.services.speak ? ui.gap + buttonHeight(ui, ui.t("welcome.read_aloud"), half) : 0);
        const float y = ImGui::GetCursorScreenPos().y;
        const float push = startY - ui.gap * 2 - tall - y;
        if (push >= 1) ImGui::Dummy(ImVec2(1, push - ui.gap));
    }
    textWrapped(ui, ui.t("welcome.language"), nullptr, ui.colors->muted);
    for (std::size_t i = 0; i < langs.size(); ++i) {
        if (i) ImGui::SameLine(0, ui.gap);
        const std::string name = uiStrings().get(langs[i], "language.name");
        if (touchButton(ui, "lang:" + langs[i], name, ImVec2(tileW, ui.target), Tone::Tile, ui.st.language == langs[i]))
            ui.st.language = langs[i];
    }
    ImGui::Dummy(ImVec2(1, ui.gap));
    if (touchButton(ui, "larger-text", ui.t("welcome.larger_text"), ImVec2(half, 0), Tone::Tile, ui.st.largeText))
        ui.st.largeText = !ui.st.largeText;
    ImGui::SameLine(0, ui.gap);
    if (touchButton(ui, "high-contrast", ui.t("welcome.high_contrast"), ImVec2(half, 0), Tone::Tile, ui.st.highContrast))
        ui.st.highContrast = !ui.st.highContrast;
    readAloudSwitch(ui, half);
    ImGui::SetCursorScreenPos(ImVec2(ui.display.x - ui.gap * 2 - startW, startY));
    if (touchButton(ui, "start", ui.t("welcome.start"), ImVec2(startW, startH))) startQuestionnaire(ui);
    endScreen();
}

namespace {

// The chosen answer stays lit while a ring fills above Next: "Next in a moment".
void autoAdvanceHint(Ui& ui, float fraction, float navH) {
    const std::string label = ui.t("nav.auto_next");
    const ImVec2 size = ImGui::CalcTextSize(label.c_str());
    const float r = ImGui::GetFontSize() * 0.45f;
    const float right = ui.display.x - ui.gap * 2;
    const float y = ui.display.y - navH - size.y - ui.gap * 0.2f;
    const float x = right - size.x - r * 2 - ui.gap * 0.6f;
    ImDrawList* dl = ImGui::GetForegroundDrawList();
    dl->AddRectFilled(ImVec2(x - ui.gap * 0.5f, y - ui.gap * 0.3f), ImVec2(right, y + size.y + ui.gap * 0.3f),
                      ui.colors->background, ui.unit * 0.3f);
    const ImVec2 c(x + r, y + size.y / 2);
    dl->AddCircle(c, r, ui.colors->tileBorder, 24, 3.0f);
    const float a0 = -1.5707963f;
    dl->PathArcTo(c, r, a0, a0 + 6.2831853f * std::clamp(fraction, 0.02f, 1.0f), 24);
    dl->PathStroke(ui.colors->accent, 0, 4.0f);
    dl->AddText(ImVec2(x + r * 2 + ui.gap * 0.6f, y), ui.colors->text, label.c_str());
}

} // namespace

void questionScreen(Ui& ui) {
    // A single choice answered a moment ago moves on now (it may have left this screen).
    const float advancing = autoAdvance(ui);
    if (ui.st.screen != Screen::Question) return;
    const Page* page = currentPage(ui.st);
    if (!page) return startQuestionnaire(ui);
    beginScreen(ui, "question");
    // While typing, the keyboard needs the room: the section title and progress step aside.
    if (!ui.st.editing) header(ui, sectionTitle(ui, *page), progressOf(ui.st));
    if (!ui.st.notice.empty()) textWrapped(ui, ui.st.notice, nullptr, ui.colors->error);
    // The buttons first: the page gets what their row leaves (taller when a label wraps).
    const Page copyForNav = *page;
    std::vector<NavButton> buttons;
    buttons.push_back({"back", ui.t("nav.back"), Tone::Quiet, [&ui] { goBack(ui); }});
    buttons.push_back(startOverButton(ui));
    if (ui.st.readAloud.on)
        buttons.push_back({"read-again", ui.t("read_aloud.repeat"), Tone::Quiet, [&ui] { readAgain(ui); }});
    if (copyForNav.repeatGroup >= 0) {
        const std::string gk = groupKey(ui.form, copyForNav.repeatGroup, copyForNav.repeatSuffix);
        const int reps = ui.st.draft->repetitions(gk);
        if (reps > 1)
            buttons.push_back({"repeat-remove", ui.t("repeat.remove"), Tone::Quiet, [&ui, gk, copyForNav] {
                                   ui.st.draft->removeRepetition(gk, copyForNav.repetition);
                                   ui.st.draft->refresh();
                                   const int k = std::max(0, copyForNav.repetition - 1);
                                   openPage(ui, ui.form.items[std::size_t(copyForNav.repeatGroup)].linkId +
                                                    copyForNav.repeatSuffix + "@" + std::to_string(k));
                               }});
        if (copyForNav.repetition == reps - 1)
            buttons.push_back({"repeat-add", ui.t("repeat.add"), Tone::Quiet, [&ui, gk, copyForNav] {
                                   const int k = ui.st.draft->addRepetition(gk);
                                   ui.st.draft->refresh();
                                   openPage(ui, ui.form.items[std::size_t(copyForNav.repeatGroup)].linkId +
                                                    copyForNav.repeatSuffix + "@" + std::to_string(k));
                               }});
    }
    buttons.push_back({"next", ui.st.returnToReview ? ui.t("nav.to_review") : ui.t("nav.next"), Tone::Primary,
                       [&ui] { goNext(ui); }});
    const float bottom = ui.st.editing ? keyboardHeight(ui) : navBarHeight(ui, buttons);
    const float areaH = ui.display.y - ImGui::GetCursorScreenPos().y - bottom - ui.gap;
    beginDragScroll(ui, "page:" + page->key, ImVec2(0, std::max(areaH, ui.target)));
    if (page->repeatGroup >= 0) {
        const Item& g = ui.form.items[std::size_t(page->repeatGroup)];
        const std::string gk = groupKey(ui.form, page->repeatGroup, page->repeatSuffix);
        textWrapped(ui, g.text.in(ui.st.language) + "  (" +
                            ui.t("repeat.count", {{"n", std::to_string(page->repetition + 1)},
                                                  {"total", std::to_string(ui.st.draft->repetitions(gk))}}) + ")",
                    nullptr, ui.colors->muted);
    }
    // A short group on one page (an implant's details) says what it is about.
    if (const Item* group = ui.form.find(page->key.substr(0, page->key.find('@')));
        group && group->type == ItemType::Group && page->repeatGroup < 0 && !group->text.in(ui.st.language).empty())
        textWrapped(ui, group->text.in(ui.st.language), ui.title(), ui.colors->text);
    const Page copy = *page; // answering may re-plan the pages this frame
    pageBody(ui, copy, false);
    endDragScroll(ui);
    if (ui.st.editing) {
        keyboardArea(ui);
    } else {
        navBar(ui, buttons);
        if (advancing >= 0 && !ui.st.advancePage.empty()) autoAdvanceHint(ui, advancing, navBarHeight(ui, buttons));
    }
    endScreen();
}

void reviewScreen(Ui& ui) {
    beginScreen(ui, "review");
    textWrapped(ui, ui.t("review.title"), ui.title(), ui.colors->text);
    textWrapped(ui, ui.t("review.help"), nullptr, ui.colors->muted);
    const std::vector<NavButton> nav = {{"back", ui.t("nav.back"), Tone::Quiet, [&ui] { goBack(ui); }},
                                        startOverButton(ui),
                                        {"review-continue", ui.t("review.continue"), Tone::Primary, [&ui] {
                                             ui.st.returnToReview = false;
                                             for (const auto& p : ui.st.draft->pages())
                                                 if (p.kind == PageKind::Signature) return openPage(ui, p.key);
                                             ui.st.pageKey.clear();
                                             ui.go(Screen::Sign);
                                         }}};
    const float areaH = ui.display.y - ImGui::GetCursorScreenPos().y - navBarHeight(ui, nav) - ui.gap;
    beginDragScroll(ui, "review-list", ImVec2(0, areaH));
    Draft& d = *ui.st.draft;
    int lastSection = -1;
    std::string jump;
    const float w = ImGui::GetContentRegionAvail().x;
    for (const Page& page : d.pages()) {
        if (page.kind == PageKind::Signature) continue;
        if (page.section != lastSection) {
            lastSection = page.section;
            ImGui::Dummy(ImVec2(1, ui.gap * 0.5f));
            textWrapped(ui, sectionTitle(ui, page), ui.title(), ui.colors->text);
        }
        if (page.kind == PageKind::BodyMap) {
            const std::string gk = groupKey(ui.form, page.repeatGroup, page.repeatSuffix);
            const int marks = d.repetitions(gk);
            std::string summary = ui.t("review.marks") + ": " + std::to_string(marks);
            if (touchButton(ui, "review:" + page.key, summary, ImVec2(w, 0), Tone::Tile)) jump = page.key;
            continue;
        }
        for (const Slot& slot : page.slots) {
            const Item& item = ui.form.items[std::size_t(slot.item)];
            if (!isQuestion(item.type) || !d.enabled(slot)) continue;
            const std::string key = slot.key(ui.form);
            std::string answer = answerText(ui, item, key);
            if (answer.empty()) answer = "—";
            // Compact rows: the question at body size in the text colour (not small and grey), the
            // answer in bold under it, little padding, so more rows fit on a screen.
            const std::string question = item.text.in(ui.st.language);
            const float textW = w - ui.gap * 2;
            const float qh = ui.body()->CalcTextSizeA(ui.body()->FontSize, FLT_MAX, textW, question.c_str()).y;
            const float ah = ui.title()->CalcTextSizeA(ui.body()->FontSize, FLT_MAX, textW, answer.c_str()).y;
            const ImVec2 p = ImGui::GetCursorScreenPos();
            const float h = std::max(kMinTarget, qh + ah + ui.gap * 0.9f) + ui.gap * 0.3f;
            ImGui::PushID(key.c_str());
            if (ImGui::InvisibleButton("row", ImVec2(w, h)) &&
                ImGui::GetIO().MouseDragMaxDistanceSqr[0] < ui.unit * ui.unit * 0.36f)
                jump = page.key;
            ImGui::PopID();
            noteTarget(ui, "review:" + key, ImGui::GetItemRectMin(), ImGui::GetItemRectMax());
            ImDrawList* dl = ImGui::GetWindowDrawList();
            dl->AddRectFilled(p, ImVec2(p.x + w, p.y + h - ui.gap * 0.3f), ui.colors->tile, ui.unit * 0.3f);
            dl->AddText(ui.body(), ui.body()->FontSize, ImVec2(p.x + ui.gap, p.y + ui.gap * 0.3f), ui.colors->text,
                        question.c_str(), nullptr, textW);
            dl->AddText(ui.title(), ui.body()->FontSize, ImVec2(p.x + ui.gap, p.y + ui.gap * 0.3f + qh + 2),
                        ui.colors->text, answer.c_str(), nullptr, textW);
        }
    }
    endDragScroll(ui);
    navBar(ui, nav);
    if (!jump.empty()) {
        ui.st.returnToReview = true;
        openPage(ui, jump);
    }
    endScreen();
}

void signaturePad(Ui& ui, const std::string& id, ImVec2 size, std::vector<record::Stroke>& strokes, bool& drawing,
                  const std::string& prompt) {
    const ImVec2 p = ImGui::GetCursorScreenPos();
    ImGui::InvisibleButton(id.c_str(), size);
    noteTarget(ui, id, p, ImVec2(p.x + size.x, p.y + size.y));
    const ImGuiIO& io = ImGui::GetIO();
    if (ImGui::IsItemActive()) {
        const float x = std::clamp((io.MousePos.x - p.x) / size.x, 0.0f, 1.0f);
        const float y = std::clamp((io.MousePos.y - p.y) / size.y, 0.0f, 1.0f);
        if (!drawing) {
            strokes.push_back({});
            drawing = true;
            ui.st.notice.clear();
        }
        auto& stroke = strokes.back();
        if (stroke.empty() || std::hypot(stroke.back().x - x, (stroke.back().y - y) * size.y / size.x) > 0.004f)
            stroke.push_back({x, y});
    } else {
        drawing = false;
    }
    ImDrawList* dl = ImGui::GetWindowDrawList();
    dl->AddRectFilled(p, ImVec2(p.x + size.x, p.y + size.y), ui.st.highContrast ? IM_COL32(20, 20, 20, 255)
                                                                                : IM_COL32(255, 255, 255, 255),
                      ui.unit * 0.3f);
    dl->AddRect(p, ImVec2(p.x + size.x, p.y + size.y), ui.colors->tileBorder, ui.unit * 0.3f, 0, 2);
    const float baseline = p.y + size.y * 0.78f;
    dl->AddLine(ImVec2(p.x + ui.gap * 2, baseline), ImVec2(p.x + size.x - ui.gap * 2, baseline), ui.colors->tileBorder, 2);
    if (strokes.empty())
        centeredText(dl, ui.body(), ui.body()->FontSize, p, ImVec2(p.x + size.x, baseline), ui.colors->muted, prompt);
    const float thick = std::max(3.0f, ui.unit * 0.14f);
    for (const auto& stroke : strokes) {
        std::vector<ImVec2> pts;
        for (const auto& q : stroke) pts.push_back(ImVec2(p.x + q.x * size.x, p.y + q.y * size.y));
        if (pts.size() == 1) dl->AddCircleFilled(pts[0], thick / 2, ui.colors->ink);
        else dl->AddPolyline(pts.data(), int(pts.size()), ui.colors->ink, 0, thick);
    }
}

void submittedScreen(Ui& ui) {
    beginScreen(ui, "submitted");
    const float w = ui.display.x - ui.gap * 4;
    ImGui::SetCursorPosY(ui.display.y * 0.3f);
    textWrapped(ui, ui.t("submitted.title"), ui.title(), ui.colors->text, w);
    textWrapped(ui, ui.t("submitted.body"), ui.title(), ui.colors->text, w);
    // Staff (or the patient) may return to Welcome at once; nothing of the screening is shown there.
    const float bw = std::min(ui.unit * 10, w);
    ImGui::SetCursorScreenPos(ImVec2(ui.display.x - ui.gap * 2 - bw, ui.display.y - ui.target - ui.gap * 1.5f));
    if (touchButton(ui, "finish", ui.t("submitted.finish"), ImVec2(bw, ui.target), Tone::Quiet))
        ui.resetToWelcome("finished");
    endScreen();
}

void idleOverlay(Ui& ui, double secondsLeft) {
    // Opaque: the answers behind it stay hidden from whoever walks up next.
    modalPanel(ui, "idle", ui.colors->text, [&](float w) {
        textWrapped(ui, ui.t("idle.title"), ui.title(), ui.colors->text, w);
        textWrapped(ui, ui.t("idle.body", {{"seconds", std::to_string(int(std::ceil(secondsLeft)))}}), nullptr,
                    ui.colors->text, w);
        if (touchButton(ui, "still-here", ui.t("idle.continue"), ImVec2(w, 0))) ui.st.idleWarning = false;
    });
}

void startOverOverlay(Ui& ui) {
    modalPanel(ui, "start-over", ui.colors->text, [&](float w) {
        textWrapped(ui, ui.t("start_over.confirm"), ui.title(), ui.colors->text, w);
        const float bw = (w - ui.gap) / 2;
        if (touchButton(ui, "start-over-no", ui.t("choice.no"), ImVec2(bw, 0), Tone::Quiet))
            ui.st.confirmStartOver = false;
        ImGui::SameLine(0, ui.gap);
        if (touchButton(ui, "start-over-yes", ui.t("choice.yes"), ImVec2(bw, 0), Tone::Danger)) {
            // The same patient starts again: their language and display choices stay.
            const std::string language = ui.st.language;
            const bool largeText = ui.st.largeText, highContrast = ui.st.highContrast, readAloud = ui.st.readAloud.on;
            ui.resetToWelcome("start over");
            ui.st.readAloud.on = readAloud;
            ui.st.language = language;
            ui.st.largeText = largeText;
            ui.st.highContrast = highContrast;
        }
    });
}

} // namespace mrscreen::ui
