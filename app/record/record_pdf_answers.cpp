// Every answered question in form order, in the patient's language with English beside it, and the
// body map drawn as a figure.
#include "record/record_pdf_layout.h"

#include "record/body_figure.h"

namespace mrscreen::record::layout {

namespace {

std::string yesNo(bool b, const std::string& lang) {
    if (lang == "es") return b ? "Sí" : "No";
    if (lang == "fr") return b ? "Oui" : "Non";
    if (lang == "de") return b ? "Ja" : "Nein";
    return b ? "Yes" : "No";
}

std::string answerText(const Item& item, const Answer& a, const std::string& lang) {
    if (!a.invalid.empty()) return "(unreadable answer: " + a.invalid + ")";
    const Value& v = a.value;
    switch (v.type) {
    case ValueType::Boolean: return yesNo(v.boolean, lang);
    case ValueType::Coding: {
        if (const AnswerOption* o = item.option(v)) return o->display.in(lang);
        return v.coding.display.empty() ? v.coding.code : v.coding.display;
    }
    case ValueType::Decimal:
    case ValueType::Integer:
        if (item.unit) {
            return quantityText(v.number(), item.unit->code, item.unit->display, lang);
        }
        return v.toText();
    default: return v.toText();
    }
}

Block questionBlock(const Ctx& x, const Item& item, const ResponseItem& node) {
    constexpr float gapW = 14;
    const float leftW = kContentW * 0.5f - gapW / 2;
    const float rightW = kContentW - leftW - gapW;
    const float rightX = kMargin + leftW + gapW;
    struct Line {
        std::string text;
        Style style;
    };
    std::vector<Line> left, right;
    const auto add = [&](std::vector<Line>& to, const std::string& text, const Style& st, float w) {
        for (auto& l : x.c.wrap(text, st, w)) to.push_back({std::move(l), st});
    };
    const std::string q = item.text.in(x.lang), qEn = item.text.in(x.base);
    add(left, q.empty() ? item.linkId : q, x.f.body, leftW);
    if (qEn != q && !qEn.empty()) add(left, qEn, x.f.english, leftW);
    for (const Answer& a : node.answers) {
        const std::string t = answerText(item, a, x.lang), tEn = answerText(item, a, x.base);
        add(right, t, t.size() > 80 ? x.f.body : x.f.bodyBold, rightW); // long free text reads better light
        if (tEn != t) add(right, tEn, x.f.english, rightW);
    }
    Block b;
    b.rows.push_back(gap(4));
    const std::size_t n = std::max(left.size(), right.size());
    for (std::size_t i = 0; i < n; ++i) {
        const Line* l = i < left.size() ? &left[i] : nullptr;
        const Line* r = i < right.size() ? &right[i] : nullptr;
        const float h = std::max(l ? l->style.leading() : 0.0f, r ? r->style.leading() : 0.0f);
        b.rows.push_back(Row{h, [l = l ? *l : Line{}, r = r ? *r : Line{}, rightX](Canvas& c, float top) {
                                 if (!l.text.empty()) c.text(kMargin, top, l.text, l.style);
                                 if (!r.text.empty()) c.text(rightX, top, r.text, r.style);
                             }});
    }
    b.rows.push_back(Row{4, [](Canvas& c, float top) {
                             c.hline(kMargin, kMargin + kContentW, top - 3.5f, kRule, 0.3f);
                         }});
    return b;
}

struct Mark {
    std::string region, view, side, note;             // codes; note as written
    std::string regionText, viewText, sideText;        // in the patient's language
    std::string regionEn, viewEn, sideEn;
};

// The view a mark is drawn on: the one the patient chose, unless the region is only on the other
// (an upper-back mark chosen on the front view still shows, on the back).
BodyView markView(const Mark& mk) {
    const BodyView chosen = mk.view == "back" ? BodyView::Back : BodyView::Front;
    const BodyView other = chosen == BodyView::Front ? BodyView::Back : BodyView::Front;
    const RegionArea* area = bodyFigure().region(mk.region);
    return area && !area->shownOn(chosen) && area->shownOn(other) ? other : chosen;
}

// The figure from assets/body-map.json, H points tall with its top at `top`; page y goes up.
void drawFigure(Canvas& c, float cx, float top, float H, const std::vector<Mark>& marks,
                BodyView view, const Style& label) {
    HPDF_Page page = c.page;
    const BodyFigure& figure = bodyFigure();
    HPDF_Page_SetRGBStroke(page, kGrey.r, kGrey.g, kGrey.b);
    HPDF_Page_SetLineWidth(page, 0.8f);
    HPDF_Page_SetLineJoin(page, HPDF_ROUND_JOIN);
    for (const auto& outline : figure.outlinesOf(view)) {
        HPDF_Page_MoveTo(page, cx + outline.front().x * H, top - outline.front().y * H);
        for (std::size_t i = 1; i < outline.size(); ++i)
            HPDF_Page_LineTo(page, cx + outline[i].x * H, top - outline[i].y * H);
        HPDF_Page_ClosePathStroke(page);
    }
    for (std::size_t m = 0; m < marks.size(); ++m) {
        const Mark& mk = marks[m];
        if (markView(mk) != view) continue;
        for (const FigurePoint spot : figure.spotsFor(view, mk.region, mk.side)) {
            const float px = cx + spot.x * H, py = top - spot.y * H;
            HPDF_Page_SetRGBFill(page, kStop.r, kStop.g, kStop.b);
            HPDF_Page_Circle(page, px, py, 3.4f);
            HPDF_Page_Fill(page);
            const std::string num = std::to_string(m + 1);
            const float lx = spot.x >= 0 ? px + 5 : px - 5 - c.width(num, label);
            c.text(lx, py + label.size / 2 + 0.5f, num, label);
        }
    }
}

void bodyMap(const Ctx& x, std::vector<Block>& out, const ScreeningAnswers& answers, int item, int parentInstance) {
    std::vector<Mark> marks;
    const auto& insts = answers.instances();
    for (int i : answers.instancesOf(item)) {
        if (insts[std::size_t(i)].parent != parentInstance || !answers.enabled(i)) continue;
        Mark mk;
        for (int k = i + 1; k < insts[std::size_t(i)].end; ++k) {
            const auto& child = insts[std::size_t(k)];
            if (!answers.enabled(k) || child.node->answers.empty()) continue;
            const Item& ci = x.form.items[std::size_t(child.item)];
            const Answer& a = child.node->answers.front();
            if (!a.invalid.empty()) continue;
            const std::string text = answerText(ci, a, x.lang), en = answerText(ci, a, x.base);
            const std::string system = a.value.type == ValueType::Coding ? a.value.coding.system : "";
            const auto endsWith = [&](const char* s) {
                const std::string suffix = s;
                return system.size() >= suffix.size() && system.compare(system.size() - suffix.size(), suffix.size(), suffix) == 0;
            };
            if (endsWith("body-region")) mk.region = a.value.coding.code, mk.regionText = text, mk.regionEn = en;
            else if (endsWith("body-view")) mk.view = a.value.coding.code, mk.viewText = text, mk.viewEn = en;
            else if (endsWith("body-side")) mk.side = a.value.coding.code, mk.sideText = text, mk.sideEn = en;
            else if (a.value.type == ValueType::String || a.value.type == ValueType::Coding) mk.note = text;
        }
        if (!mk.region.empty() || !mk.note.empty()) marks.push_back(mk);
    }
    const Item& it = x.form.items[std::size_t(item)];
    out.push_back(heading(x.c, x.f, it.text.in(x.lang).empty() ? "Body map" : it.text.in(x.lang),
                          it.text.in(x.base), 10));
    if (marks.empty()) {
        out.push_back(paragraph(x.c, x.f.body, "No marks."));
        return;
    }
    Block list;
    for (std::size_t m = 0; m < marks.size(); ++m) {
        const Mark& mk = marks[m];
        std::string line, en;
        for (const auto& [t, e] : {std::pair{mk.regionText, mk.regionEn}, std::pair{mk.viewText, mk.viewEn},
                                   std::pair{mk.sideText, mk.sideEn}}) {
            if (t.empty()) continue;
            line += (line.empty() ? "" : " · ") + t;
            en += (en.empty() ? "" : " · ") + e;
        }
        const bool differs = en != line;
        if (!mk.note.empty()) line += (line.empty() ? "" : " — ") + mk.note;
        // The list and the figure stay together: one block.
        Block b = paragraph(x.c, x.f.bodyBold, std::to_string(m + 1) + ".  " + line);
        if (differs) {
            Block e = paragraph(x.c, x.f.english, en, 14);
            for (auto& r : e.rows) b.rows.push_back(std::move(r));
        }
        for (auto& r : b.rows) list.rows.push_back(std::move(r));
    }
    constexpr float H = 180;
    const Style label{x.c.bold, 8, kStop};
    const Style caption = x.f.smallBold;
    const std::string front = "Front", backText = "Back";
    Block fig = std::move(list);
    fig.rows.push_back(Row{H + 26, [=](Canvas& c, float top) {
                               const float cx1 = kMargin + kContentW * 0.3f, cx2 = kMargin + kContentW * 0.7f;
                               drawFigure(c, cx1, top - 6, H, marks, BodyView::Front, label);
                               drawFigure(c, cx2, top - 6, H, marks, BodyView::Back, label);
                               c.text(cx1 - c.width(front, caption) / 2, top - H - 10, front, caption);
                               c.text(cx2 - c.width(backText, caption) / 2, top - H - 10, backText, caption);
                           }});
    out.push_back(std::move(fig));
}

} // namespace

void answerSections(const Ctx& x, std::vector<Block>& out, const ScreeningAnswers& answers) {
    const auto& insts = answers.instances();
    // Blocks per item, with headings only for groups that end up holding an answer.
    std::function<bool(int, int, int)> visit = [&](int item, int parentInstance, int depth) -> bool {
        const Item& it = x.form.items[std::size_t(item)];
        bool any = false;
        if (it.itemControl == "body-map") {
            bool has = false;
            for (int i : answers.instancesOf(item))
                if (insts[std::size_t(i)].parent == parentInstance && answers.enabled(i)) has = true;
            if (has) bodyMap(x, out, answers, item, parentInstance);
            return has;
        }
        int repetition = 0;
        for (int i : answers.instancesOf(item)) {
            const auto& inst = insts[std::size_t(i)];
            if (inst.parent != parentInstance || !answers.enabled(i)) continue;
            if (it.type == ItemType::Group) {
                const std::size_t mark = out.size();
                const std::string number = it.repeats ? " (" + std::to_string(++repetition) + ")" : "";
                const std::string t = it.text.in(x.lang);
                if (!t.empty())
                    out.push_back(heading(x.c, x.f, t + number,
                                          it.text.in(x.base).empty() ? "" : it.text.in(x.base) + number,
                                          depth == 0 ? 12 : 10));
                bool inside = false;
                for (int child : it.children) inside = visit(child, i, depth + 1) || inside;
                if (!inside) out.resize(mark);
                any = any || inside;
                continue;
            }
            if (isQuestion(it.type) && !inst.node->answers.empty()) {
                out.push_back(questionBlock(x, it, *inst.node));
                any = true;
            }
            for (int child : it.children) any = visit(child, i, depth + 1) || any;
        }
        return any;
    };
    for (int root : x.form.roots) visit(root, -1, 0);
}

} // namespace mrscreen::record::layout
