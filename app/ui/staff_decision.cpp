// [SECTION] the decision, in two signed parts: Zone IV entry (the MR environment: cleared, cleared
// with conditions, not cleared; the MR Conditional check against the planned scanner) and contrast
// (the radiologist's: cleared, with conditions such as a group II agent only or premedication, not
// cleared, not planned). Each part has its own drawn signature; which roles may sign each is site
// policy, enforced by the store. A contrast flag never blocks Zone IV. A radiologist sees the
// contrast part only.
#include "ui/staff_work.h"

#include "record/handwritten_signature.h"

#include <algorithm>
#include <initializer_list>

namespace mrscreen::ui::staff {

using namespace screening;

namespace {

bool isRadiologist(const KioskState& st) { return st.staff->role == Role::Radiologist; }

std::string zoneIvOutcomeText(const std::string& outcome) {
    return outcome == "cleared"                   ? "Cleared"
           : outcome == "cleared_with_conditions" ? "Cleared with conditions"
           : outcome == "not_cleared"             ? "Not cleared"
                                                  : outcome;
}

std::string contrastOutcomeText(const std::string& outcome) {
    return outcome == "not_planned" ? "Not planned" : zoneIvOutcomeText(outcome);
}

// Renders, signs and files the record once the Zone IV part is decided (again after the contrast
// part), and shows page 1 of it. Signing and rendering run in the background ("Signing the record").
void fileRecord(Ui& ui, const std::string& what) {
    StaffWork& w = ui.st.work;
    if (!ui.services.produceRecord) return;
    const std::int64_t id = w.id;
    const Actor actor = actorOf(ui.st);
    const std::uint64_t session = ui.st.session;
    const KioskServices* services = &ui.services;
    ui.background->start("Signing the record of screening " + std::to_string(id), true,
                         [services, id, actor, session, what]() {
        std::optional<std::string> path;
        std::string problem;
        std::optional<PagePicture> preview;
        try {
            path = services->produceRecord(id, actor);
            if (path && services->renderPage) preview = services->renderPage(*path, problem);
        } catch (const std::exception& e) {
            problem = e.what();
        }
        return BackgroundWork::Finish([=](Ui& frame) {
            StaffWork& work = frame.st.work;
            if (frame.st.session != session || work.id != id) return;
            work.recordPath = path.value_or("");
            work.messageOk = path.has_value();
            work.message = path ? what + "; the signed record is " + *path
                             : what + ", but no signed record could be made (see the log): run 'mrscreen record " +
                                   std::to_string(id) + "'.";
            work.previewProblem = problem;
            if (frame.services.log && path) frame.services.log("record screening=" + std::to_string(id) + " path=" + *path);
            if (!preview) return;
            work.preview = preview;
            if (frame.services.uploadPicture) work.previewTexture = frame.services.uploadPicture(*work.preview);
            if (frame.services.log) frame.services.log("preview path=" + work.preview->path);
        });
    });
}

void recordPreview(Ui& ui) {
    StaffWork& w = ui.st.work;
    if (!w.recordPath.empty()) textWrapped(ui, "Signed record: " + w.recordPath, nullptr, ui.colors->text);
    if (!w.previewProblem.empty()) textWrapped(ui, w.previewProblem, nullptr, ui.colors->error);
    if (!w.preview) return;
    // Page 1 of the record, as filed.
    const float width = std::min(ImGui::GetContentRegionAvail().x, ui.unit * 24);
    const float height = width * float(w.preview->height) / float(w.preview->width);
    if (w.previewTexture) {
        const ImVec2 p = ImGui::GetCursorScreenPos();
        ImGui::Image(w.previewTexture, ImVec2(width, height));
        ImGui::GetWindowDrawList()->AddRect(p, ImVec2(p.x + width, p.y + height), ui.colors->tileBorder);
    } else {
        textWrapped(ui, "Page preview: " + w.preview->path, nullptr, ui.colors->muted);
    }
}

// A signature pad with the button that signs beside it; true on the frame the button is tapped.
bool signingRow(Ui& ui, const std::string& padId, std::vector<record::Stroke>& strokes, bool& drawing,
                const std::string& buttonId, const std::string& label, float width) {
    staffSignaturePad(ui, padId, strokes, drawing);
    ImGui::SameLine(0, ui.gap);
    return touchButton(ui, buttonId, label, ImVec2(std::min(width, ui.unit * 11), 0));
}

// The conditions chosen and written for one part of the decision, one a line; those left empty
// (not chosen) are left out.
std::string conditionLines(std::initializer_list<std::string> chosen) {
    std::string lines;
    for (const auto& c : chosen)
        if (!c.empty()) lines += (lines.empty() ? "" : "\n") + c;
    return lines;
}

void zoneIvPart(Ui& ui, const store::ScreeningDetail& d) {
    KioskState& st = ui.st;
    StaffWork& w = st.work;
    if (d.decision) {
        section(ui, "Zone IV: " + zoneIvOutcomeText(d.decision->outcome) + " by " + d.decision->decidedBy);
        if (!d.decision->conditions.empty()) textWrapped(ui, d.decision->conditions, nullptr, ui.colors->text);
        if (!d.decision->overrideReason.empty()) textWrapped(ui, "Reason: " + d.decision->overrideReason, nullptr, ui.colors->text);
        return;
    }
    if (d.summary.state != ScreeningState::Reviewed) return;
    section(ui, "Zone IV: may the patient enter the scanner room?");
    const ScannerSetup scanner = checkScanner(ui, d).setup; // the linked exam's, else the default
    const float width = ImGui::GetContentRegionAvail().x;
    const char* outcomes[] = {"Cleared", "Cleared with conditions", "Not cleared"};
    const float tw = (width - ui.gap * 2) / 3;
    for (int o = 1; o <= 3; ++o) {
        if (o > 1) ImGui::SameLine(0, ui.gap);
        if (touchButton(ui, "outcome:" + std::to_string(o), outcomes[o - 1], ImVec2(tw, 0), Tone::Tile, w.outcome == o))
            w.outcome = o;
    }
    // Only MR-environment hazards hold the Zone IV door: contrast flags are the contrast part's.
    int confirmedStops = 0;
    for (const auto& f : d.flags)
        confirmedStops += f.gate != "contrast" && f.severity == Severity::Stop && f.status == FlagVerdict::Verified;
    if (w.outcome == 2) {
        const float half = std::min(width / 2 - ui.gap, ui.unit * 14);
        if (touchButton(ui, "condition:normal-mode", "Normal Operating Mode only", ImVec2(half, 0), Tone::Tile, w.normalModeOnly))
            w.normalModeOnly = !w.normalModeOnly;
        ImGui::SameLine(0, ui.gap);
        const std::string fieldOnly = "Scanner " + fixed(scanner.fieldStrengthT, 1) + " T only";
        if (touchButton(ui, "condition:field-only", fieldOnly, ImVec2(half, 0), Tone::Tile, w.thisFieldOnly))
            w.thisFieldOnly = !w.thisFieldOnly;
        field(ui, "Maximum whole-body SAR (W/kg), optional", "max-sar", w.maxSar, true, half);
        field(ui, "Other conditions", "conditions", w.conditionsText, false, width);
    }
    if (w.outcome == 3 || (w.outcome != 0 && confirmedStops > 0))
        field(ui, w.outcome == 3 ? "Reason the patient is not cleared" : "Reason for clearing despite a confirmed stop flag",
              "reason", w.reason, false, width);
    if (!signingRow(ui, "staff-signature", w.signature, w.drawing, "decision-sign", "Sign the Zone IV decision", width))
        return;
    const auto sar = parseNumber(w.maxSar);
    const std::string conditions = conditionLines(
        {w.normalModeOnly ? "Normal Operating Mode only." : "",
         w.thisFieldOnly ? "Scan on " + scanner.name + " (" + fixed(scanner.fieldStrengthT, 1) + " T) only." : "",
         sar ? "Whole-body SAR at most " + fixed(*sar, 1) + " W/kg." : "", w.conditionsText});
    const Action action = w.outcome == 1 ? Action::Clear : w.outcome == 2 ? Action::ClearWithConditions : Action::NotClear;
    if (w.outcome == 0) return refuse(ui, "Choose Cleared, Cleared with conditions or Not cleared.");
    if (w.outcome == 2 && conditions.empty()) return refuse(ui, "Choose or write the conditions.");
    if (!w.maxSar.empty() && !parseNumber(w.maxSar)) return refuse(ui, "The SAR limit must be a number, for example 2.0.");
    if (!record::looksLikeSignature(w.signature))
        return refuse(ui, "Sign on the pad first: a tap or a short line is not a signature.");
    const std::string strokes = record::strokesJson(w.signature);
    const TransitionRequest request{action, actorOf(st), w.reason, w.outcome == 2 ? conditions : ""};
    if (!attempt(ui, "Zone IV decision signed.", [&] {
            storeOf(ui).transitionSigned(w.id, request,
                                                store::StaffSignature{"decision", signerName(st), st.staff->role, strokes, ""});
        }))
        return;
    if (ui.services.log) ui.services.log("decided screening=" + std::to_string(w.id) + " action=" + actionName(action));
    w.signature.clear();
    fileRecord(ui, "Zone IV decision signed");
}

void contrastPart(Ui& ui, const store::ScreeningDetail& d) {
    KioskState& st = ui.st;
    StaffWork& w = st.work;
    if (d.contrastDecision) {
        const store::ContrastDecision& c = *d.contrastDecision;
        section(ui, "Contrast: " + contrastOutcomeText(c.outcome) + " by " + c.decidedBy);
        if (!c.conditions.empty()) textWrapped(ui, "Conditions: " + c.conditions, nullptr, ui.colors->text);
        if (!c.reason.empty()) textWrapped(ui, "Reason: " + c.reason, nullptr, ui.colors->text);
        if (!c.decidedAt.empty()) textWrapped(ui, "Signed at " + c.decidedAt, nullptr, ui.colors->muted);
        return;
    }
    section(ui, "Contrast: may contrast be given?");
    const ScreeningState state = d.summary.state;
    if (state == ScreeningState::Submitted) {
        textWrapped(ui, "The contrast part can be signed once a nurse has reviewed the screening with the patient.", nullptr,
                    ui.colors->muted);
        return;
    }
    if (state == ScreeningState::Amended || state == ScreeningState::Abandoned || state == ScreeningState::Draft) return;
    contrastPlannedSection(ui, d, state == ScreeningState::Reviewed); // the store takes it before a decision only
    const store::ScreeningDetail& now = *w.detail; // the contrast-planned change reloads it
    const float width = ImGui::GetContentRegionAvail().x;
    const std::pair<const char*, const char*> outcomes[] = {{"cleared", "Cleared"},
                                                            {"cleared_with_conditions", "Cleared with conditions"},
                                                            {"not_cleared", "Not cleared"},
                                                            {"not_planned", "Not planned"}};
    const float tw = (width - ui.gap * 3) / 4;
    bool first = true;
    for (const auto& [code, label] : outcomes) {
        if (!first) ImGui::SameLine(0, ui.gap);
        first = false;
        if (touchButton(ui, std::string("contrast-outcome:") + code, label, ImVec2(tw, 0), Tone::Tile, w.contrastOutcome == code))
            w.contrastOutcome = code;
    }
    if (w.contrastOutcome == "cleared_with_conditions") {
        const float half = std::min(width / 2 - ui.gap, ui.unit * 14);
        if (touchButton(ui, "contrast-condition:group-ii", "Group II agent only", ImVec2(half, 0), Tone::Tile, w.groupTwoOnly))
            w.groupTwoOnly = !w.groupTwoOnly;
        ImGui::SameLine(0, ui.gap);
        if (touchButton(ui, "contrast-condition:premedication", "Premedication", ImVec2(half, 0), Tone::Tile, w.premedication))
            w.premedication = !w.premedication;
        field(ui, "Other conditions (agent, dose, hydration)", "contrast-conditions", w.contrastConditions, false, width);
    }
    int confirmedStops = 0;
    for (const auto& f : now.flags)
        confirmedStops += f.gate == "contrast" && !informational(now, f) && f.severity == Severity::Stop &&
                          f.status != FlagVerdict::Resolved;
    const bool clearing = w.contrastOutcome == "cleared" || w.contrastOutcome == "cleared_with_conditions";
    field(ui,
          w.contrastOutcome == "not_cleared" ? "Reason contrast is not cleared"
          : clearing && confirmedStops > 0   ? "Reason for clearing despite a contrast stop flag"
                                             : "Reason or note (optional)",
          "contrast-reason", w.contrastReason, false, width);
    if (!signingRow(ui, "contrast-signature", w.contrastSignature, w.contrastDrawing, "contrast-sign",
                    "Sign the contrast decision", width))
        return;
    const std::string conditions = conditionLines(
        {w.groupTwoOnly ? "Group II agent only." : "", w.premedication ? "Premedication." : "", w.contrastConditions});
    if (w.contrastOutcome.empty()) return refuse(ui, "Choose Cleared, Cleared with conditions, Not cleared or Not planned.");
    if (w.contrastOutcome == "cleared_with_conditions" && conditions.empty())
        return refuse(ui, "Choose or write the contrast conditions, for example Group II agent only.");
    if (w.contrastOutcome == "not_cleared" && w.contrastReason.empty())
        return refuse(ui, "Write why contrast is not cleared.");
    if (w.contrastOutcome == "not_planned" && now.contrastPlanned != "no")
        return refuse(ui, "Contrast is not marked as not planned: set Contrast planned to No first, or choose another outcome.");
    if (!record::looksLikeSignature(w.contrastSignature))
        return refuse(ui, "Sign on the contrast pad first: a tap or a short line is not a signature.");
    store::ContrastDecision decision;
    decision.outcome = w.contrastOutcome;
    decision.conditions = w.contrastOutcome == "cleared_with_conditions" ? conditions : "";
    decision.reason = w.contrastReason;
    const store::StaffSignature signature{"contrast", signerName(st), st.staff->role,
                                          record::strokesJson(w.contrastSignature), ""};
    if (!attempt(ui, "Contrast decision signed.",
                 [&] { storeOf(ui).decideContrast(w.id, decision, signature, actorOf(st)); }))
        return;
    if (ui.services.log)
        ui.services.log("contrast-decided screening=" + std::to_string(w.id) + " outcome=" + decision.outcome);
    w.contrastSignature.clear();
    // Once Zone IV is decided the record is final but for this part: file it again with both.
    if (w.detail && w.detail->decision) fileRecord(ui, "Contrast decision signed");
}

} // namespace

} // namespace mrscreen::ui::staff

namespace mrscreen::ui {

using namespace staff;

void staffDecisionScreen(Ui& ui) {
    workScreen(ui, "staff-decision", "Decision on screening", "", [&](const store::ScreeningDetail& d, const Response& response) {
        StaffWork& w = ui.st.work;
        const bool radiologist = isRadiologist(ui.st);
        if (!d.summary.reviewedBy.empty()) textWrapped(ui, "Reviewed by " + d.summary.reviewedBy, nullptr, ui.colors->muted);
        procedureSection(ui, d);
        outboxSection(ui);
        flagsSection(ui, d, response, false, radiologist);
        ignoredAnswersSection(ui, d);
        labsSection(ui, d, false);
        if (!radiologist) {
            const CheckScanner scanner = checkScanner(ui, d);
            section(ui, "Planned scanner: " + scannerText(scanner.setup));
            textWrapped(ui, "As " + scanner.origin + ".", nullptr, ui.colors->muted);
            implantsSection(ui, d, false);
        }
        answersSection(ui, response);
        if (!radiologist) zoneIvPart(ui, *w.detail);
        if (w.detail) contrastPart(ui, *w.detail);
        recordPreview(ui);
    });
}

} // namespace mrscreen::ui
