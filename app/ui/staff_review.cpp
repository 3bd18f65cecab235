// [SECTION] the nurse's review with the patient: flag verdicts, whether contrast is planned, labs
// with the eGFR (one computation with the record: store::assessStored), implants, every answer, and
// the countersignature. A lab or a contrast-planned change re-evaluates the rules, so the flags it
// raises are stored and wait for a verdict like any other.
#include "ui/staff_work.h"

#include "record/handwritten_signature.h"
#include "store/form_catalog.h"

#include <algorithm>
#include <functional>

namespace mrscreen::ui::staff {

using namespace screening;

namespace {

bool labTrigger(const Flag& f) {
    return std::any_of(f.triggers.begin(), f.triggers.end(), [](const Trigger& t) {
        return t.derived == "egfr" || t.derived == "creatinine_supplied" || t.derived == "creatinine_mg_dl" ||
               t.derived == "lab_age_days";
    });
}

std::string plannedText(const std::string& planned) {
    return planned == "yes" ? "Yes" : planned == "no" ? "No" : "Unknown (treated as planned)";
}

} // namespace

void labsSection(Ui& ui, const store::ScreeningDetail& d, bool editable) {
    StaffWork& w = ui.st.work;
    section(ui, "Labs: serum creatinine and eGFR");
    for (const auto& lab : d.labs)
        textWrapped(ui, "Creatinine " + fixed(lab.value, 2) + " " + lab.unit + ", drawn " +
                            (lab.takenOn.empty() ? std::string("(date not given)") : lab.takenOn) + ", entered by " + lab.enteredBy,
                    nullptr, ui.colors->text);
    if (d.labs.empty()) textWrapped(ui, "No creatinine result entered.", nullptr, ui.colors->muted);
    if (w.assessment && !d.labs.empty()) {
        const DerivedValues& dv = w.assessment->derived;
        // How old a creatinine may be is site policy: the rules file's egfr_max_age_days.
        std::optional<double> maxAge;
        if (w.form->rules && w.form->rules->parameters.count("egfr_max_age_days"))
            maxAge = w.form->rules->parameters.at("egfr_max_age_days").value;
        const bool stale = dv.lab_age_days && maxAge && *dv.lab_age_days > *maxAge;
        if (dv.egfr)
            textWrapped(ui, "eGFR " + fixed(*dv.egfr, 0) + " mL/min/1.73 m² (" + dv.egfrMethod + ")" +
                                (stale ? "  ·  STALE: " + fixed(*dv.lab_age_days, 0) + " days old, policy limit " +
                                             fixed(*maxAge, 0) + " days"
                                       : std::string()),
                        ui.title(), stale ? ui.colors->error : ui.colors->text);
        else
            textWrapped(ui, "No eGFR can be computed from this creatinine for this patient.", ui.title(), ui.colors->error);
        for (const auto& p : dv.problems)
            if (p.value == "egfr" || p.value == "creatinine" || p.value == "creatinine_mg_dl")
                textWrapped(ui, p.message, nullptr, ui.colors->error);
        for (const auto& f : w.assessment->flags)
            if (labTrigger(f) && f.severity != Severity::Info)
                textWrapped(ui, std::string("Raises ") + severityName(f.severity) + " (" + f.id + ", in the flags above): " + f.message,
                            nullptr, ui.colors->error);
    }
    if (!w.assessmentProblem.empty()) textWrapped(ui, w.assessmentProblem, nullptr, ui.colors->error);
    if (!editable) return;
    const float half = std::min(ImGui::GetContentRegionAvail().x / 2 - ui.gap, ui.unit * 12);
    field(ui, "Creatinine value", "creatinine", w.creatinine, true, half);
    for (const char* unit : {"mg/dL", "umol/L"}) {
        if (std::string(unit) == "umol/L") ImGui::SameLine(0, ui.gap);
        if (touchButton(ui, std::string("lab-unit:") + unit, std::string(unit) == "umol/L" ? "µmol/L" : unit,
                        ImVec2(half / 2, 0), Tone::Tile, w.creatinineUnit == unit))
            w.creatinineUnit = unit;
    }
    field(ui, "Date drawn (YYYY-MM-DD)", "lab-date", w.labDate, false, half);
    if (!touchButton(ui, "lab-save", "Save creatinine", ImVec2(half, 0))) return;
    const auto v = parseNumber(w.creatinine);
    if (!v) return refuse(ui, "Enter the creatinine as a number, for example 1.2.");
    if (!attempt(ui, "Creatinine saved.", [&] {
            storeOf(ui).addLab(w.id, store::LabResult{"creatinine", *v, w.creatinineUnit, w.labDate, "", ""},
                                      actorOf(ui.st));
        }))
        return;
    if (ui.services.log) ui.services.log("lab-saved value=" + w.creatinine + " unit=" + w.creatinineUnit);
    w.creatinine.clear();
    w.labDate.clear();
    // The rules read the eGFR: what it raises is stored now, and waits for a verdict.
    if (!reassess(ui)) return;
    say(ui, "Creatinine saved; the rules were re-evaluated.", true);
    if (ui.services.log && w.assessment) {
        std::string raised;
        for (const auto& f : w.assessment->flags)
            if (labTrigger(f)) raised += (raised.empty() ? "" : "; ") + std::string(severityName(f.severity)) + ": " + f.message;
        const auto& dv = w.assessment->derived;
        ui.services.log("egfr value=" + (dv.egfr ? fixed(*dv.egfr, 0) : std::string("none")) + " method=" + dv.egfrMethod +
                        " raises=" + raised);
    }
}

void contrastPlannedSection(Ui& ui, const store::ScreeningDetail& d, bool editable) {
    StaffWork& w = ui.st.work;
    section(ui, "Contrast planned: " + plannedText(d.contrastPlanned));
    if (!d.contrastPlannedBy.empty())
        textWrapped(ui, "Set by " + d.contrastPlannedBy + (d.contrastPlannedAt.empty() ? "" : " at " + d.contrastPlannedAt),
                    nullptr, ui.colors->muted);
    if (!editable) return;
    const float width = std::min(ImGui::GetContentRegionAvail().x, ui.unit * 27);
    const float tw = (width - ui.gap * 2) / 3;
    const std::pair<const char*, const char*> choices[] = {{"yes", "Yes"}, {"no", "No"}, {"unknown", "Unknown"}};
    bool first = true;
    for (const auto& [code, label] : choices) {
        if (!first) ImGui::SameLine(0, ui.gap);
        first = false;
        if (!touchButton(ui, std::string("contrast-planned:") + code, label, ImVec2(tw, 0), Tone::Tile,
                         d.contrastPlanned == code) ||
            d.contrastPlanned == code)
            continue;
        const std::string planned = code;
        if (attempt(ui, "Contrast planned: " + plannedText(planned) + ".", [&] {
                storeOf(ui).setContrastPlanned(w.id, planned, actorOf(ui.st));
            })) {
            if (ui.services.log) ui.services.log("contrast-planned screening=" + std::to_string(w.id) + " value=" + planned);
            if (reassess(ui)) say(ui, "Contrast planned: " + plannedText(planned) + "; the rules were re-evaluated.", true);
        }
        break; // the detail was reloaded
    }
}

void answersSection(Ui& ui, const Response& response) {
    StaffWork& w = ui.st.work;
    section(ui, "All answers");
    if (touchButton(ui, "answers-toggle", w.showAnswers ? "Hide the answers" : "Show every answer",
                    ImVec2(std::min(ImGui::GetContentRegionAvail().x, ui.unit * 12), 0), Tone::Quiet))
        w.showAnswers = !w.showAnswers;
    if (!w.showAnswers) return;
    std::function<void(const std::vector<ResponseItem>&)> walk = [&](const std::vector<ResponseItem>& items) {
        for (const auto& it : items) {
            const Item* item = w.form->form.find(it.linkId);
            for (const auto& a : it.answers) {
                textWrapped(ui, questionText(ui, it.linkId) + ":  " + staffOptionText(ui, item, a.value), nullptr,
                            ui.colors->text);
                walk(a.items);
            }
            walk(it.items);
        }
    };
    walk(response.items);
}

} // namespace mrscreen::ui::staff

namespace mrscreen::ui {

using namespace staff;

namespace {
void signReview(Ui& ui);
}

void staffReviewScreen(Ui& ui) {
    const bool nurse = ui.st.staff->role == Role::Nurse;
    const char* note = nurse ? "" : "Only a nurse (Level 2 MR personnel) reviews a screening with the patient.";
    workScreen(ui, "staff-review", "Review of screening", note, [&](const store::ScreeningDetail& d, const Response& response) {
        KioskState& st = ui.st;
        StaffWork& w = st.work;
        const bool editable = nurse && d.summary.state == ScreeningState::Submitted;
        procedureSection(ui, d);
        outboxSection(ui);
        flagsSection(ui, d, response, editable);
        ignoredAnswersSection(ui, d);
        contrastPlannedSection(ui, *w.detail, d.summary.state == ScreeningState::Submitted ||
                                                  d.summary.state == ScreeningState::Reviewed);
        labsSection(ui, *w.detail, editable);
        implantsSection(ui, *w.detail, editable);
        answersSection(ui, response);
        if (editable) {
            section(ui, "Countersign the review");
            int open = 0;
            for (const auto& f : w.detail->flags) open += !informational(*w.detail, f) && f.status == FlagVerdict::Open;
            if (open > 0) textWrapped(ui, countText(ui, "open", open), nullptr, ui.colors->error);
            if (touchButton(ui, "review-sign", "Sign the review", ImVec2(std::min(ImGui::GetContentRegionAvail().x, ui.unit * 12), 0))) {
                w.signing = "review";
                w.signature.clear();
            }
        }
    });
    signReview(ui);
    clearMessageAfterTap(ui);
}

namespace {

// The signing step of the review, over the review screen.
void signReview(Ui& ui) {
    StaffWork& w = ui.st.work;
    if (w.signing != "review" || !w.detail || !ui.st.staff) return;
    if (!signingStep(ui, "Countersign the review of screening " + std::to_string(w.id),
                     "I reviewed these answers with " + patientLine(w.detail->summary.patient) + ".", "staff-signature",
                     w.signature, w.drawing))
        return;
    KioskState& st = ui.st;
    const std::string strokes = record::strokesJson(w.signature);
    w.signing.clear();
    if (attempt(ui, "Review signed: the screening waits for the decision.", [&] {
            storeOf(ui).transitionSigned(w.id, TransitionRequest{Action::Review, actorOf(st), "", ""},
                                         store::StaffSignature{"review", signerName(st), st.staff->role, strokes, ""});
        })) {
        if (ui.services.log) ui.services.log("reviewed screening=" + std::to_string(w.id));
    }
    w.signature.clear();
}

} // namespace

} // namespace mrscreen::ui
