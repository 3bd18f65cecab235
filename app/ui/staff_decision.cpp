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

void showPage(Ui& ui, PagePicture picture) {
    StaffWork& w = ui.st.work;
    auto cached = w.previewTextures.find(picture.page);
    if (cached != w.previewTextures.end()) w.previewTexture = cached->second;
    else if (ui.services.uploadPicture) w.previewTexture = w.previewTextures[picture.page] = ui.services.uploadPicture(picture);
    if (ui.services.log)
        ui.services.log("preview path=" + picture.path + " page=" + std::to_string(picture.page) + " of " +
                        std::to_string(picture.pages));
    picture.rgb = {}; // the texture has it; the picture keeps its size and page
    w.preview = std::move(picture);
}

// Renders page `page` of the signed record in the background and shows it.
void turnToPage(Ui& ui, int page) {
    StaffWork& w = ui.st.work;
    if (!ui.services.renderPage || w.recordVersion < 1) return;
    const std::int64_t id = w.id;
    const std::uint64_t session = ui.st.session;
    const KioskServices* services = &ui.services;
    const int version = w.recordVersion;
    ui.background->start("Showing page " + std::to_string(page) + " of the record", true, [=]() {
        std::string problem;
        std::optional<PagePicture> picture;
        try {
            picture = services->renderPage(id, version, page, problem);
        } catch (const std::exception& e) {
            problem = e.what();
        }
        return BackgroundWork::Finish([=](Ui& frame) {
            StaffWork& work = frame.st.work;
            if (frame.st.session != session || work.id != id) return;
            work.previewProblem = problem;
            if (picture) showPage(frame, *picture);
        });
    });
}

// Renders, signs and files the record once the Zone IV part is decided (again after the contrast
// part), and shows its first page. Signing and rendering run in the background ("Signing the record").
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
        int version = 0;
        try {
            path = services->produceRecord(id, actor);
            if (path && services->store)
                if (const auto rec = services->store->latestRecord(id)) version = rec->version;
            if (version > 0 && services->renderPage) preview = services->renderPage(id, version, 1, problem);
        } catch (const std::exception& e) {
            problem = e.what();
        }
        return BackgroundWork::Finish([=](Ui& frame) {
            StaffWork& work = frame.st.work;
            if (frame.st.session != session || work.id != id) return;
            work.recordPath = path.value_or("");
            work.recordVersion = version;
            say(frame, path ? what + "; the signed record" + (version > 0 ? " (version " + std::to_string(version) + ")" : "") +
                                      " is filed."
                                : what + ", but no signed record could be made (see the log): run 'mrscreen record " +
                                      std::to_string(id) + "'.",
                path.has_value());
            work.previewProblem = problem;
            work.previewTextures.clear(); // a new version: its pages are new pictures
            if (frame.services.log && path) frame.services.log("record screening=" + std::to_string(id) + " path=" + *path);
            if (preview) showPage(frame, *preview);
        });
    });
}

// The signed record page by page, readable on the screen: Previous / Next page, "Page 2 of 3".
void recordPreview(Ui& ui) {
    StaffWork& w = ui.st.work;
    if (w.recordPath.empty() && w.previewProblem.empty()) return;
    section(ui, staffText(ui, "staff.preview.title"));
    if (!w.previewProblem.empty()) textWrapped(ui, w.previewProblem, nullptr, ui.colors->error);
    if (!w.preview) return;
    const PagePicture& p = *w.preview;
    const float width = ImGui::GetContentRegionAvail().x;
    const float bw = std::min(ui.unit * 9, (width - ui.gap * 2) / 3);
    const std::string label = staffText(ui, "staff.preview.page", {{"page", std::to_string(p.page)}, {"pages", std::to_string(p.pages)}});
    if (touchButton(ui, "preview-previous", staffText(ui, "staff.preview.previous"), ImVec2(bw, ui.target), Tone::Quiet) &&
        p.page > 1)
        turnToPage(ui, p.page - 1);
    ImGui::SameLine(0, ui.gap);
    const ImVec2 at = ImGui::GetCursorScreenPos();
    const float lw = std::max(ImGui::CalcTextSize(label.c_str()).x, width - bw * 2 - ui.gap * 2);
    centeredText(ImGui::GetWindowDrawList(), ui.body(), ImGui::GetFontSize(), at, ImVec2(at.x + lw, at.y + ui.target),
                 ui.colors->text, label);
    noteTarget(ui, "preview-page", at, ImVec2(at.x + lw, at.y + ui.target));
    ImGui::Dummy(ImVec2(lw, ui.target));
    ImGui::SameLine(0, ui.gap);
    if (touchButton(ui, "preview-next", staffText(ui, "staff.preview.next"), ImVec2(bw, ui.target), Tone::Quiet) &&
        p.page < p.pages)
        turnToPage(ui, p.page + 1);
    // The page at the width of the column: an A4 page at about 60 dpi reads at 1:1 or larger.
    const float height = width * float(p.height) / float(p.width);
    if (w.previewTexture) {
        const ImVec2 top = ImGui::GetCursorScreenPos();
        ImGui::Image(w.previewTexture, ImVec2(width, height));
        ImGui::GetWindowDrawList()->AddRect(top, ImVec2(top.x + width, top.y + height), ui.colors->tileBorder);
    }
}

// The conditions chosen and written for one part of the decision, one a line; those left empty
// (not chosen) are left out.
std::string conditionLines(std::initializer_list<std::string> chosen) {
    std::string lines;
    for (const auto& c : chosen)
        if (!c.empty()) lines += (lines.empty() ? "" : "\n") + c;
    return lines;
}

// The Zone IV conditions chosen and written, one a line.
std::string zoneIvConditions(Ui& ui, const store::ScreeningDetail& d) {
    const StaffWork& w = ui.st.work;
    const ScannerSetup scanner = checkScanner(ui, d).setup;
    const auto sar = parseNumber(w.maxSar);
    return conditionLines({w.normalModeOnly ? "Normal Operating Mode only." : "",
                           w.thisFieldOnly ? "Scan on " + scanner.name + " (" + fixed(scanner.fieldStrengthT, 1) + " T) only." : "",
                           sar ? "Whole-body SAR at most " + fixed(*sar, 1) + " W/kg." : "", w.conditionsText});
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
    if (!touchButton(ui, "decision-sign", "Sign the Zone IV decision", ImVec2(std::min(width, ui.unit * 12), 0))) return;
    // What is chosen is checked before the pad opens: a refusal is fixed here, not after signing.
    if (w.outcome == 0) return refuse(ui, "Choose Cleared, Cleared with conditions or Not cleared.");
    if (w.outcome == 2 && zoneIvConditions(ui, d).empty()) return refuse(ui, "Choose or write the conditions.");
    if (!w.maxSar.empty() && !parseNumber(w.maxSar)) return refuse(ui, "The SAR limit must be a number, for example 2.0.");
    w.signature.clear();
    w.signing = "decision";
}

// The signing step of the Zone IV part, over the decision screen.
void signZoneIv(Ui& ui, const store::ScreeningDetail& d) {
    KioskState& st = ui.st;
    StaffWork& w = st.work;
    const std::string conditions = zoneIvConditions(ui, d);
    const char* outcomes[] = {"Cleared", "Cleared with conditions", "Not cleared"};
    std::string summary = std::string("Zone IV: ") + outcomes[std::clamp(w.outcome, 1, 3) - 1] + ".";
    if (w.outcome == 2) summary += "\n" + conditions;
    if (!w.reason.empty()) summary += "\nReason: " + w.reason;
    if (!signingStep(ui, "Sign the Zone IV decision for " + patientLine(w.detail->summary.patient), summary, "staff-signature",
                     w.signature, w.drawing))
        return;
    const Action action = w.outcome == 1 ? Action::Clear : w.outcome == 2 ? Action::ClearWithConditions : Action::NotClear;
    const std::string strokes = record::strokesJson(w.signature);
    const TransitionRequest request{action, actorOf(st), w.reason, w.outcome == 2 ? conditions : ""};
    w.signing.clear();
    w.signature.clear();
    if (!attempt(ui, "Zone IV decision signed.", [&] {
            storeOf(ui).transitionSigned(w.id, request,
                                         store::StaffSignature{"decision", signerName(st), st.staff->role, strokes, ""});
        }))
        return;
    if (ui.services.log) ui.services.log("decided screening=" + std::to_string(w.id) + " action=" + actionName(action));
    fileRecord(ui, "Zone IV decision signed");
}

std::string contrastConditions(const StaffWork& w) {
    return conditionLines(
        {w.groupTwoOnly ? "Group II agent only." : "", w.premedication ? "Premedication." : "", w.contrastConditions});
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
    if (!touchButton(ui, "contrast-sign", "Sign the contrast decision", ImVec2(std::min(width, ui.unit * 12), 0))) return;
    const std::string conditions = contrastConditions(w);
    if (w.contrastOutcome.empty()) return refuse(ui, "Choose Cleared, Cleared with conditions, Not cleared or Not planned.");
    if (w.contrastOutcome == "cleared_with_conditions" && conditions.empty())
        return refuse(ui, "Choose or write the contrast conditions, for example Group II agent only.");
    if (w.contrastOutcome == "not_cleared" && w.contrastReason.empty())
        return refuse(ui, "Write why contrast is not cleared.");
    if (w.contrastOutcome == "not_planned" && now.contrastPlanned != "no")
        return refuse(ui, "Contrast is not marked as not planned: set Contrast planned to No first, or choose another outcome.");
    w.contrastSignature.clear();
    w.signing = "contrast";
}

// The signing step of the contrast part, over the decision screen.
void signContrast(Ui& ui) {
    KioskState& st = ui.st;
    StaffWork& w = st.work;
    const std::string conditions = contrastConditions(w);
    std::string summary = "Contrast: " + contrastOutcomeText(w.contrastOutcome) + ".";
    if (w.contrastOutcome == "cleared_with_conditions") summary += "\n" + conditions;
    if (!w.contrastReason.empty()) summary += "\nReason: " + w.contrastReason;
    if (!signingStep(ui, "Sign the contrast decision for " + patientLine(w.detail->summary.patient), summary, "contrast-signature",
                     w.contrastSignature, w.contrastDrawing))
        return;
    store::ContrastDecision decision;
    decision.outcome = w.contrastOutcome;
    decision.conditions = w.contrastOutcome == "cleared_with_conditions" ? conditions : "";
    decision.reason = w.contrastReason;
    const store::StaffSignature signature{"contrast", signerName(st), st.staff->role,
                                          record::strokesJson(w.contrastSignature), ""};
    w.signing.clear();
    w.contrastSignature.clear();
    if (!attempt(ui, "Contrast decision signed.",
                 [&] { storeOf(ui).decideContrast(w.id, decision, signature, actorOf(st)); }))
        return;
    if (ui.services.log)
        ui.services.log("contrast-decided screening=" + std::to_string(w.id) + " outcome=" + decision.outcome);
    // Once Zone IV is decided the record is final but for this part: file it again with both.
    if (w.detail && w.detail->decision) fileRecord(ui, "Contrast decision signed");
}

} // namespace

} // namespace mrscreen::ui::staff

namespace mrscreen::ui {

using namespace staff;

void staffDecisionScreen(Ui& ui) {
    // The decision is where the signer lands (top left), the flags beside it on a wide screen; on a
    // narrow one a summary of the flags comes first, the decision under it, the flags in full after.
    const bool wide = twoColumns(ui);
    const bool radiologist = isRadiologist(ui.st);
    const WorkBody flags = [&](const store::ScreeningDetail& d, const Response& response) {
        flagsSection(ui, d, response, false, radiologist);
        ignoredAnswersSection(ui, d);
    };
    const WorkBody decision = [&](const store::ScreeningDetail& d, const Response& response) {
        StaffWork& w = ui.st.work;
        if (!d.summary.reviewedBy.empty()) textWrapped(ui, "Reviewed by " + d.summary.reviewedBy, nullptr, ui.colors->muted);
        if (!wide) flagsSummary(ui, d, radiologist);
        if (!radiologist) zoneIvPart(ui, *w.detail);
        if (w.detail) contrastPart(ui, *w.detail);
        recordPreview(ui);
        if (!wide && w.detail) flags(*w.detail, response);
        procedureSection(ui, *w.detail);
        outboxSection(ui);
        labsSection(ui, *w.detail, false);
        if (!radiologist) {
            const CheckScanner scanner = checkScanner(ui, *w.detail);
            section(ui, "Planned scanner: " + scannerText(scanner.setup));
            textWrapped(ui, "As " + scanner.origin + ".", nullptr, ui.colors->muted);
            implantsSection(ui, *w.detail, false);
        }
        answersSection(ui, response);
    };
    workScreen(ui, "staff-decision", "Decision on screening", "", decision, wide ? flags : WorkBody());
    StaffWork& w = ui.st.work;
    if (w.detail && ui.st.staff) {
        if (w.signing == "decision") signZoneIv(ui, *w.detail);
        else if (w.signing == "contrast") signContrast(ui);
    }
    clearMessageAfterTap(ui);
}

} // namespace mrscreen::ui
