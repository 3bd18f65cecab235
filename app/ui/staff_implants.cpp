// [SECTION] implants identified at the review: what they are, their MR status and labelled
// conditions, checked against the planned scanner (the linked exam's, else the default).
#include "ui/staff_work.h"

#include <initializer_list>
#include <sstream>

namespace mrscreen::ui::staff {

using namespace screening;

namespace {

std::string conditionsText(const MrConditions& c) {
    std::string s;
    auto add = [&](const std::string& part) { s += (s.empty() ? "" : "; ") + part; };
    if (!c.fieldStrengthsT.empty()) {
        std::string f;
        for (double t : c.fieldStrengthsT) f += (f.empty() ? "" : ", ") + fixed(t, 1) + " T";
        add(f);
    }
    if (c.maxSpatialGradientTPerM) add("spatial gradient ≤ " + fixed(*c.maxSpatialGradientTPerM, 1) + " T/m");
    if (c.maxWholeBodySarWPerKg) add("whole-body SAR ≤ " + fixed(*c.maxWholeBodySarWPerKg, 1) + " W/kg");
    if (c.maxHeadSarWPerKg) add("head SAR ≤ " + fixed(*c.maxHeadSarWPerKg, 1) + " W/kg");
    if (c.maxB1rmsMicroTesla) add("B1+rms ≤ " + fixed(*c.maxB1rmsMicroTesla, 1) + " µT");
    if (c.operatingMode != OperatingMode::Unknown)
        add(c.operatingMode == OperatingMode::Normal ? "Normal Operating Mode" : "First Level Controlled Mode");
    if (!c.other.empty()) add(c.other);
    return s.empty() ? "none entered" : s;
}

void implantCheck(Ui& ui, const store::ImplantRecord& r, const ScannerSetup& scanner) {
    const MrCheck check = checkMrConditional(r.mrStatus, r.conditions, scanner);
    const ImU32 col = check.overall == CheckOutcome::Pass ? ui.colors->text : ui.colors->error;
    textWrapped(ui, "Check: " + check.summary, ui.title(), col);
    for (const auto& c : check.conditions) {
        const char* mark = c.outcome == CheckOutcome::Pass ? "PASS" : c.outcome == CheckOutcome::Fail ? "FAIL" : "UNKNOWN";
        textWrapped(ui, std::string(mark) + "  " + c.condition + ": " + c.detail, nullptr,
                    c.outcome == CheckOutcome::Pass ? ui.colors->text : ui.colors->error);
    }
}

// Closes the implant form once the implant is saved; the labelled conditions typed into it go with
// it (the gradient unit stays as chosen).
void closeImplantForm(StaffWork& w) {
    w.implantOpen = false;
    for (std::string* typed : {&w.fieldStrengths, &w.gradient, &w.wholeBodySar, &w.headSar, &w.b1rms}) typed->clear();
}

} // namespace

void implantsSection(Ui& ui, const store::ScreeningDetail& d, bool editable) {
    StaffWork& w = ui.st.work;
    section(ui, "Implants");
    // The linked exam's scanner when it has one of its own, else the site's default.
    const CheckScanner scanner = checkScanner(ui, d);
    textWrapped(ui, "MR Conditional check against " + scannerText(scanner.setup) + " (" + scanner.origin + ")", nullptr,
                ui.colors->muted);
    for (const auto& r : d.implants) {
        textWrapped(ui, r.type + (r.manufacturer.empty() ? "" : ", " + r.manufacturer) + (r.model.empty() ? "" : " " + r.model) +
                            (r.location.empty() ? "" : "  ·  " + r.location) +
                            (r.implantedOn.empty() ? "" : "  ·  implanted " + r.implantedOn),
                    ui.title(), ui.colors->text);
        textWrapped(ui, std::string("MR status: ") + mrStatusName(r.mrStatus) + "  ·  conditions: " + conditionsText(r.conditions),
                    nullptr, ui.colors->text);
        implantCheck(ui, r, scanner.setup);
    }
    if (d.implants.empty()) textWrapped(ui, "No implant recorded.", nullptr, ui.colors->muted);
    if (!editable) return;
    const float width = ImGui::GetContentRegionAvail().x;
    if (!w.implantOpen) {
        if (touchButton(ui, "implant-add", "Add an implant", ImVec2(std::min(width, ui.unit * 12), 0), Tone::Quiet)) {
            w.implantOpen = true;
            w.implant = store::ImplantRecord{};
        }
        return;
    }
    const float half = std::min(width / 2 - ui.gap, ui.unit * 16);
    field(ui, "What it is", "implant-type", w.implant.type, false, half * 2);
    field(ui, "Manufacturer", "implant-manufacturer", w.implant.manufacturer, false, half);
    field(ui, "Model", "implant-model", w.implant.model, false, half);
    field(ui, "Where in the body", "implant-location", w.implant.location, false, half);
    field(ui, "Date implanted (YYYY, YYYY-MM or YYYY-MM-DD)", "implant-date", w.implant.implantedOn, false, half);
    textWrapped(ui, "MR status", nullptr, ui.colors->muted);
    const MrStatus statuses[] = {MrStatus::Safe, MrStatus::Conditional, MrStatus::Unsafe, MrStatus::Unknown};
    const char* names[] = {"MR Safe", "MR Conditional", "MR Unsafe", "Unknown"};
    const float qw = (width - ui.gap * 3) / 4;
    for (int i = 0; i < 4; ++i) {
        if (i) ImGui::SameLine(0, ui.gap);
        if (touchButton(ui, std::string("implant-status:") + mrStatusName(statuses[i]), names[i], ImVec2(qw, 0), Tone::Tile,
                        w.implant.mrStatus == statuses[i]))
            w.implant.mrStatus = statuses[i];
    }
    if (w.implant.mrStatus == MrStatus::Conditional) {
        field(ui, "Field strengths allowed, tesla (e.g. 1.5, 3)", "field-strengths", w.fieldStrengths, false, half);
        field(ui, "Maximum spatial field gradient", "gradient", w.gradient, true, half);
        for (const char* unit : {"T/m", "G/cm"}) {
            if (std::string(unit) == "G/cm") ImGui::SameLine(0, ui.gap);
            if (touchButton(ui, std::string("gradient-unit:") + unit, unit, ImVec2(half / 2, 0), Tone::Tile,
                            w.gradientUnit == unit))
                w.gradientUnit = unit;
        }
        field(ui, "Whole-body SAR limit (W/kg)", "wb-sar", w.wholeBodySar, true, half);
        field(ui, "Head SAR limit (W/kg)", "head-sar", w.headSar, true, half);
        field(ui, "B1+rms limit (µT)", "b1rms", w.b1rms, true, half);
        textWrapped(ui, "Operating mode allowed", nullptr, ui.colors->muted);
        const OperatingMode modes[] = {OperatingMode::Normal, OperatingMode::FirstLevel, OperatingMode::Unknown};
        const char* modeNames[] = {"Normal only", "First Level", "Not stated"};
        for (int i = 0; i < 3; ++i) {
            if (i) ImGui::SameLine(0, ui.gap);
            if (touchButton(ui, std::string("implant-mode:") + std::to_string(i), modeNames[i], ImVec2(qw, 0), Tone::Tile,
                            w.implant.conditions.operatingMode == modes[i]))
                w.implant.conditions.operatingMode = modes[i];
        }
        field(ui, "Other conditions (as on the label)", "implant-other", w.implant.conditions.other, false, half * 2);
    }
    if (touchButton(ui, "implant-save", "Save implant", ImVec2(half, 0))) {
        store::ImplantRecord r = w.implant;
        std::string problem;
        r.conditions.fieldStrengthsT.clear();
        std::stringstream list(w.fieldStrengths);
        for (std::string part; std::getline(list, part, ',');) {
            part.erase(0, part.find_first_not_of(' '));
            part.erase(part.find_last_not_of(" T") + 1);
            if (part.empty()) continue;
            if (const auto t = parseNumber(part)) r.conditions.fieldStrengthsT.push_back(*t);
            else problem = "Field strengths: write numbers in tesla separated by commas, e.g. 1.5, 3.";
        }
        auto opt = [&](const std::string& text, const char* what) -> std::optional<double> {
            if (text.empty()) return std::nullopt;
            const auto v = parseNumber(text);
            if (!v || *v <= 0) problem = std::string(what) + " must be a positive number.";
            return v;
        };
        const auto g = opt(w.gradient, "The spatial gradient");
        r.conditions.maxSpatialGradientTPerM = g ? std::optional<double>(w.gradientUnit == "G/cm" ? gaussPerCmToTeslaPerM(*g) : *g)
                                                 : std::nullopt;
        r.conditions.maxWholeBodySarWPerKg = opt(w.wholeBodySar, "The whole-body SAR");
        r.conditions.maxHeadSarWPerKg = opt(w.headSar, "The head SAR");
        r.conditions.maxB1rmsMicroTesla = opt(w.b1rms, "B1+rms");
        if (r.mrStatus != MrStatus::Conditional) r.conditions = MrConditions{};
        r.checkResult = checkMrConditional(r.mrStatus, r.conditions, scanner.setup).summary;
        if (!problem.empty()) refuse(ui, problem);
        else if (attempt(ui, "Implant saved.", [&] { storeOf(ui).saveImplant(w.id, r, actorOf(ui.st)); })) {
            if (ui.services.log) ui.services.log("implant-saved type=" + r.type + " status=" + mrStatusName(r.mrStatus));
            closeImplantForm(w);
        }
    }
}

} // namespace mrscreen::ui::staff
