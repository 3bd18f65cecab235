// The record's summary parts: the patient, the flags with their review, the decision, the labs.
#include "record/record_pdf_layout.h"

#include "screening/derived.h"

namespace mrscreen::record::layout {

void identity(const Ctx& x, std::vector<Block>& out, const ScreeningAnswers& answers) {
    const auto& p = x.d.summary.patient;
    out.push_back(heading(x.c, x.f, "Patient", ""));
    std::string name = p.familyName + (p.familyName.empty() || p.givenName.empty() ? "" : ", ") + p.givenName;
    Style big = x.f.bodyBold;
    big.size = 11;
    out.push_back(labelled(x.c, x.f, "Name", name.empty() ? "(no name given)" : name, &big));
    out.push_back(labelled(x.c, x.f, "Birth date", p.birthDate));
    std::string sex = p.sex;
    for (int i : x.form.itemsWithCode(loinc::kSystem, loinc::kSex))
        for (const auto& o : x.form.items[std::size_t(i)].options)
            if (o.value.type == ValueType::Coding && o.value.coding.code == p.sex) sex = o.display.in(x.base);
    out.push_back(labelled(x.c, x.f, "Sex", sex));
    std::string reason;
    if (const int i = x.form.indexOf("exam-reason"); i >= 0)
        for (const Value* v : answers.answersOf(i)) reason += (reason.empty() ? "" : "; ") + v->toText();
    out.push_back(labelled(x.c, x.f, "Exam reason", reason));
    out.push_back(labelled(x.c, x.f, "Patient's language", x.lang));
    std::string state = stateName(x.d.summary.state);
    if (x.d.amendsId) state += " (corrects screening " + std::to_string(*x.d.amendsId) + ")";
    if (x.d.amendedById) state += " (replaced by screening " + std::to_string(*x.d.amendedById) + ")";
    out.push_back(labelled(x.c, x.f, "Screening state", state));
    out.push_back(labelled(x.c, x.f, "Submitted",
                           x.d.summary.submittedAt + (x.d.summary.origin.empty() ? "" : " (" + x.d.summary.origin + ")")));
}

namespace {

Color severityColor(Severity s) {
    return s == Severity::Stop ? kStop : s == Severity::Review ? kReview : kInfo;
}

} // namespace

void flagSummary(const Ctx& x, std::vector<Block>& out) {
    out.push_back(heading(x.c, x.f, "Flags (" + std::to_string(x.d.flags.size()) + ")", ""));
    if (x.d.flags.empty()) {
        out.push_back(paragraph(x.c, x.f.body, "No flags were raised by the site's rules."));
        return;
    }
    std::vector<const store::StoredFlag*> sorted;
    for (const auto& fl : x.d.flags) sorted.push_back(&fl);
    std::stable_sort(sorted.begin(), sorted.end(), [](auto* a, auto* b) { return a->severity < b->severity; });
    constexpr float chipW = 52, pad = 5;
    const float textX = kMargin + chipW + 10, textW = kContentW - chipW - 10 - pad;
    for (const store::StoredFlag* fl : sorted) {
        const auto title = x.c.wrap(fl->ruleId + "  ·  " + fl->category, x.f.bodyBold, textW);
        const auto message = x.c.wrap(fl->message, x.f.body, textW);
        std::string verdict = std::string("Review: ") + verdictName(fl->status);
        if (fl->status != FlagVerdict::Open)
            verdict += " by " + (fl->statusBy.empty() ? std::string("(unknown)") : fl->statusBy) +
                       (fl->statusAt.empty() ? "" : " at " + fl->statusAt);
        const auto verdictLines = x.c.wrap(verdict, x.f.smallBold, textW);
        const Style correctedStyle{x.c.bold, 8, kAccent};
        const auto corrected = fl->correctedAnswer.empty()
                                   ? std::vector<std::string>{}
                                   : x.c.wrap("Corrected with the patient: " + fl->correctedAnswer,
                                              correctedStyle, textW);
        const auto note = fl->note.empty() ? std::vector<std::string>{}
                                           : x.c.wrap("Note: " + fl->note, x.f.small, textW);
        const float h = pad * 2 + float(title.size()) * x.f.bodyBold.leading() +
                        float(message.size()) * x.f.body.leading() +
                        float(verdictLines.size()) * x.f.smallBold.leading() +
                        float(corrected.size()) * correctedStyle.leading() +
                        float(note.size()) * x.f.small.leading();
        const Color sc = severityColor(fl->severity);
        std::string chip = severityName(fl->severity);
        std::transform(chip.begin(), chip.end(), chip.begin(), [](unsigned char ch) { return char(std::toupper(ch)); });
        const bool open = fl->status == FlagVerdict::Open;
        Block b;
        b.rows.push_back(Row{h, [=, f = x.f](Canvas& c, float top) {
                                 c.fillRect(kMargin, top, kContentW, h, kShade);
                                 c.fillRect(kMargin, top, 3, h, sc);
                                 const Style cs{c.bold, 7, kWhite};
                                 c.fillRect(kMargin + 8, top - pad, chipW - 6, 12, sc);
                                 c.text(kMargin + 8 + (chipW - 6 - c.width(chip, cs)) / 2, top - pad - 2.2f, chip, cs);
                                 float t = top - pad;
                                 c.lines(textX, t, title, f.bodyBold);
                                 t -= float(title.size()) * f.bodyBold.leading();
                                 c.lines(textX, t, message, f.body);
                                 t -= float(message.size()) * f.body.leading();
                                 Style vs = f.smallBold;
                                 if (open) vs.color = kStop;
                                 c.lines(textX, t, verdictLines, vs);
                                 t -= float(verdictLines.size()) * vs.leading();
                                 c.lines(textX, t, corrected, correctedStyle);
                                 t -= float(corrected.size()) * correctedStyle.leading();
                                 c.lines(textX, t, note, f.small);
                             }});
        b.rows.push_back(gap(4));
        out.push_back(std::move(b));
    }
}

void decision(const Ctx& x, std::vector<Block>& out) {
    out.push_back(heading(x.c, x.f, "Decision", ""));
    if (!x.d.decision) {
        Style st = x.f.bodyBold;
        st.size = 11;
        st.color = kReview;
        out.push_back(paragraph(x.c, st, "Awaiting review/decision"));
        out.push_back(labelled(x.c, x.f, "Current state", stateName(x.d.summary.state)));
        if (!x.d.summary.reviewedBy.empty()) out.push_back(labelled(x.c, x.f, "Reviewed by", x.d.summary.reviewedBy));
        return;
    }
    const store::Decision& dec = *x.d.decision;
    Style st = x.f.bodyBold;
    st.size = 11;
    std::string outcome = dec.outcome;
    if (dec.outcome == "cleared") outcome = "Cleared for MRI", st.color = kGood;
    else if (dec.outcome == "cleared_with_conditions") outcome = "Cleared with conditions", st.color = kReview;
    else if (dec.outcome == "not_cleared") outcome = "Not cleared", st.color = kStop;
    out.push_back(labelled(x.c, x.f, "Outcome", outcome, &st));
    if (!dec.conditions.empty()) out.push_back(labelled(x.c, x.f, "Conditions", dec.conditions));
    if (!dec.overrideReason.empty()) out.push_back(labelled(x.c, x.f, "Override reason", dec.overrideReason));
    if (!x.d.summary.reviewedBy.empty()) out.push_back(labelled(x.c, x.f, "Reviewed by", x.d.summary.reviewedBy));
    out.push_back(labelled(x.c, x.f, "Decided by", dec.decidedBy));
    out.push_back(labelled(x.c, x.f, "Decided at", dec.decidedAt));
}

namespace {

std::string number(double v, int decimals) {
    char buf[64];
    std::snprintf(buf, sizeof buf, "%.*f", decimals, v);
    return buf;
}

} // namespace

void labs(const Ctx& x, std::vector<Block>& out) {
    out.push_back(heading(x.c, x.f, "Labs", ""));
    if (!x.in.labs) {
        out.push_back(paragraph(x.c, x.f.body, "No creatinine result on record."));
        return;
    }
    const RecordLabs& l = *x.in.labs;
    out.push_back(labelled(x.c, x.f, "Creatinine",
                           number(l.creatinine, 2) + " " + l.creatinineUnit +
                               (l.date.empty() ? "" : " (sample taken " + l.date + ")")));
    out.push_back(labelled(x.c, x.f, "eGFR", number(l.egfr, 0) + " mL/min/1.73 m²  (" + l.equation + ")"));
}

} // namespace mrscreen::record::layout
