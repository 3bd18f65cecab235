// The record's summary parts: the patient, the flags by gate with their review, both parts of the
// decision, the labs with how the eGFR was computed, and the answers to questions that did not apply.
#include "record/record_pdf_layout.h"

#include "screening/derived.h"

#include <nlohmann/json.hpp>

#include <optional>

namespace mrscreen::record::layout {

using nlohmann::json;

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
    out.push_back(labelled(x.c, x.f, "Patient's language", languageName(x.lang)));
    std::string state = stateText(x.d.summary.state);
    if (x.d.amendsId) state += " (corrects screening " + std::to_string(*x.d.amendsId) + ")";
    if (x.d.amendedById) state += " (replaced by screening " + std::to_string(*x.d.amendedById) + ")";
    out.push_back(labelled(x.c, x.f, "Screening state", state));
    std::string submitted = x.when(x.d.summary.submittedAt);
    if (!x.d.summary.origin.empty()) {
        submitted += ", ";
        submitted += originText(x.d.summary.origin);
    }
    out.push_back(labelled(x.c, x.f, "Submitted", submitted));
    scheduledExam(x, out);
}

// The scheduled exam from the worklist: the identifiers PACS and the hospital's records file it by.
void scheduledExam(const Ctx& x, std::vector<Block>& out) {
    const auto& p = x.d.procedure;
    if (!p) {
        out.push_back(labelled(x.c, x.f, "Scheduled exam", "not linked to a scheduled exam"));
        return;
    }
    std::string patientId = p->patientId;
    if (!p->issuerOfPatientId.empty()) patientId += " (" + p->issuerOfPatientId + ")";
    out.push_back(labelled(x.c, x.f, "Patient ID (MRN)", patientId));
    out.push_back(labelled(x.c, x.f, "Accession number", p->accessionNumber));
    std::string procedure = p->procedureDescription;
    if (!p->procedureCode.empty()) {
        if (!procedure.empty()) procedure += ' ';
        procedure += "(code ";
        procedure += p->procedureCode;
        if (!p->procedureCodingScheme.empty()) {
            procedure += " in ";
            procedure += p->procedureCodingScheme;
        }
        procedure += ')';
    }
    out.push_back(labelled(x.c, x.f, "Requested procedure", procedure));
    std::string scheduled = x.when(p->scheduledStart);
    if (!p->stationAeTitle.empty()) scheduled += " on " + p->stationAeTitle;
    if (!p->stationName.empty()) scheduled += " (" + p->stationName + ")";
    out.push_back(labelled(x.c, x.f, "Scheduled", scheduled));
    out.push_back(labelled(x.c, x.f, "Study Instance UID", p->studyInstanceUid));
    out.push_back(labelled(x.c, x.f, "Linked by", x.byAt(p->linkedBy, p->linkedAt)));
}

namespace {

Color severityColor(Severity s) {
    return s == Severity::Stop ? kStop : s == Severity::Review ? kReview : kInfo;
}

std::string gateText(const std::string& gate) { return gate == "contrast" ? "Contrast" : "Zone IV"; }

// A contrast flag while contrast is not planned is information, whatever its stored severity.
bool informational(const store::ScreeningDetail& d, const store::StoredFlag& f) {
    return f.severity == Severity::Info || (f.gate == "contrast" && d.contrastPlanned == "no");
}

void flagCard(const Ctx& x, const store::StoredFlag* fl, std::vector<Block>& out) {
    constexpr float chipW = 52, pad = 5;
    const float textX = kMargin + chipW + 10, textW = kContentW - chipW - 10 - pad;
    const bool asInfo = informational(x.d, *fl);
    std::string titleText = categoryText(fl->category) + "  ·  " + gateText(fl->gate) + "  ·  rule " + fl->ruleId;
    if (asInfo && fl->severity != Severity::Info) titleText += "  ·  information: contrast is not planned";
    const auto title = x.c.wrap(titleText, x.f.bodyBold, textW);
    const auto message = x.c.wrap(fl->message, x.f.body, textW);
    // Information is not a problem to resolve: it carries no "open" and nothing in red. A stop or
    // review flag without a verdict says it awaits review.
    std::string verdict;
    if (fl->status != FlagVerdict::Open) {
        verdict = verdictText(fl->status);
        verdict += " by ";
        verdict += x.byAt(fl->statusBy, fl->statusAt);
    } else if (!asInfo) {
        verdict = "Awaiting review";
    }
    const auto verdictLines = verdict.empty() ? std::vector<std::string>{} : x.c.wrap(verdict, x.f.smallBold, textW);
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
    const Color sc = severityColor(asInfo ? Severity::Info : fl->severity);
    std::string chip = severityName(asInfo ? Severity::Info : fl->severity);
    std::transform(chip.begin(), chip.end(), chip.begin(), [](unsigned char ch) { return char(std::toupper(ch)); });
    const bool open = fl->status == FlagVerdict::Open && !asInfo;
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

std::string number(double v, int decimals) {
    char buf[64];
    std::snprintf(buf, sizeof buf, "%.*f", decimals, v);
    return buf;
}

} // namespace

std::string contrastPlannedText(const std::string& planned) {
    return planned == "yes" ? "Yes" : planned == "no" ? "No" : "Unknown (treated as planned)";
}

std::string outcomeText(const std::string& outcome) {
    return outcome == "cleared"                   ? "Cleared"
           : outcome == "cleared_with_conditions" ? "Cleared with conditions"
           : outcome == "not_cleared"             ? "Not cleared"
           : outcome == "not_planned"             ? "Not planned"
                                                  : outcome;
}

void flagSummary(const Ctx& x, std::vector<Block>& out) {
    out.push_back(heading(x.c, x.f, "Flags (" + std::to_string(x.d.flags.size()) + ")", ""));
    if (x.d.flags.empty()) {
        out.push_back(paragraph(x.c, x.f.body, "No flags were raised by the site's rules."));
        return;
    }
    // Zone IV (MR environment) first, then contrast (the radiologist's); within each, by severity
    // as it applies.
    for (const std::string gate : {"zone-iv", "contrast"}) {
        std::vector<const store::StoredFlag*> sorted;
        for (const auto& fl : x.d.flags)
            if ((fl.gate == "contrast") == (gate == "contrast")) sorted.push_back(&fl);
        if (sorted.empty()) continue;
        std::stable_sort(sorted.begin(), sorted.end(), [&](auto* a, auto* b) {
            return (informational(x.d, *a) ? Severity::Info : a->severity) <
                   (informational(x.d, *b) ? Severity::Info : b->severity);
        });
        std::string title = gate == "contrast" ? "Contrast flags (" : "Zone IV flags (";
        title += std::to_string(sorted.size()) + ")";
        if (gate == "contrast") title += "  ·  contrast planned: " + contrastPlannedText(x.d.contrastPlanned);
        out.push_back(heading(x.c, x.f, title, "", 10));
        for (const store::StoredFlag* fl : sorted) flagCard(x, fl, out);
    }
}

namespace {

// What the record calls the lines of one part of the decision.
struct PartLabels {
    const char* outcome;
    const char* conditions;
    const char* reason;
    const char* decidedBy;
    const char* decidedAt;
    const char* awaited;
};

constexpr PartLabels kZoneIvLabels{"Zone IV outcome", "Conditions", "Override reason",
                                   "Decided by",      "Decided at", "Awaiting review/decision"};
constexpr PartLabels kContrastLabels{"Contrast outcome",    "Contrast conditions", "Contrast override reason",
                                     "Contrast decided by", "Contrast decided at", "Contrast decision awaited"};

// The reason beside an outcome is what it is: why not cleared, or why the flags were overridden.
std::string reasonLabel(const PartLabels& label, const std::string& outcome) {
    if (outcome == "not_cleared") return "Reason not cleared"; // under its part's heading
    if (outcome == "not_planned") return "Reason";
    return label.reason;
}

// One signed part of the decision, Zone IV or contrast. `outcome` is the stored code.
struct SignedPart {
    std::string outcome, outcomeText, conditions, reason, decidedBy, decidedAt;
};

Color outcomeColor(const std::string& outcome) {
    return outcome == "cleared" || outcome == "not_planned" ? kGood
           : outcome == "cleared_with_conditions"            ? kReview
           : outcome == "not_cleared"                        ? kStop
                                                             : kInk;
}

// One part of the decision in `big` type: the outcome in its colour, the conditions and the reason
// when there are any, who signed it and when; until it is signed, that it is awaited.
void decisionPart(const Ctx& x, std::vector<Block>& out, const Style& big, const PartLabels& label,
                  const std::optional<SignedPart>& part) {
    Style st = big;
    st.color = part ? outcomeColor(part->outcome) : kReview;
    if (!part) {
        out.push_back(paragraph(x.c, st, label.awaited));
        return;
    }
    out.push_back(labelled(x.c, x.f, label.outcome, part->outcomeText, &st));
    if (!part->conditions.empty()) out.push_back(labelled(x.c, x.f, label.conditions, part->conditions));
    if (!part->reason.empty())
        out.push_back(labelled(x.c, x.f, reasonLabel(label, part->outcome), part->reason));
    out.push_back(labelled(x.c, x.f, label.decidedBy, x.who(part->decidedBy)));
    out.push_back(labelled(x.c, x.f, label.decidedAt, x.when(part->decidedAt)));
}

} // namespace

void decision(const Ctx& x, std::vector<Block>& out) {
    out.push_back(heading(x.c, x.f, "Decision", ""));
    Style big = x.f.bodyBold;
    big.size = 11;
    if (!x.d.summary.reviewedBy.empty())
        out.push_back(labelled(x.c, x.f, "Reviewed by", x.who(x.d.summary.reviewedBy)));

    out.push_back(heading(x.c, x.f, "Zone IV (MR environment)", "", 10));
    std::optional<SignedPart> zoneIv;
    if (const auto& dec = x.d.decision)
        zoneIv = SignedPart{dec->outcome, dec->outcome == "cleared" ? "Cleared for MRI" : outcomeText(dec->outcome),
                            dec->conditions, dec->overrideReason, dec->decidedBy, dec->decidedAt};
    decisionPart(x, out, big, kZoneIvLabels, zoneIv);
    if (!zoneIv) out.push_back(labelled(x.c, x.f, "Current state", stateText(x.d.summary.state)));

    out.push_back(heading(x.c, x.f, "Contrast", "", 10));
    std::string planned = contrastPlannedText(x.d.contrastPlanned);
    if (!x.d.contrastPlannedBy.empty())
        planned += "  (set by " + x.byAt(x.d.contrastPlannedBy, x.d.contrastPlannedAt) + ")";
    out.push_back(labelled(x.c, x.f, "Contrast planned", planned));
    std::optional<SignedPart> contrast;
    if (const auto& dec = x.d.contrastDecision)
        contrast = SignedPart{dec->outcome, outcomeText(dec->outcome), dec->conditions,
                              dec->reason,  dec->decidedBy,             dec->decidedAt};
    decisionPart(x, out, big, kContrastLabels, contrast);
}

void labs(const Ctx& x, std::vector<Block>& out) {
    out.push_back(heading(x.c, x.f, "Labs", ""));
    if (!x.labs) {
        out.push_back(paragraph(x.c, x.f.body, "No creatinine result on record."));
        return;
    }
    const RecordLabs& l = *x.labs;
    out.push_back(labelled(x.c, x.f, "Creatinine",
                           number(l.creatinine, 2) + " " + l.creatinineUnit +
                               (l.date.empty() ? "" : " (sample taken " + l.date + ")")));
    out.push_back(labelled(x.c, x.f, "eGFR",
                           l.egfr ? number(*l.egfr, 0) + " mL/min/1.73 m²  (" + l.method + ")"
                                  : "not computed from this creatinine for this patient"));
}

void ignoredAnswers(const Ctx& x, std::vector<Block>& out) {
    const json ignored = json::parse(x.d.ignoredAnswersJson, nullptr, false);
    if (!ignored.is_array() || ignored.empty()) return;
    out.push_back(heading(x.c, x.f, "Answers to questions that did not apply", ""));
    out.push_back(paragraph(x.c, x.f.small,
                            "The patient's other answers skipped these questions. The answers were kept, not used; a "
                            "flag named answers-contradict-… shows where one would have raised a flag."));
    for (const auto& entry : ignored) {
        const std::string linkId = entry.value("linkId", "");
        std::string question;
        if (const Item* item = x.form.find(linkId)) question = item->text.in(x.lang);
        if (question.empty() && entry.contains("question") && entry["question"].is_string())
            question = entry["question"].get<std::string>();
        std::string answers;
        for (const auto& a : entry.value("answers", json::array()))
            answers += (answers.empty() ? "" : "; ") + (a.is_string() ? a.get<std::string>() : a.dump());
        out.push_back(labelled(x.c, x.f, question.empty() ? linkId : question, answers));
    }
}

} // namespace mrscreen::record::layout
