#include "screening/mr_conditional.h"

#include <cmath>
#include <sstream>

namespace mrscreen::screening {

const char* mrStatusName(MrStatus status) {
    switch (status) {
    case MrStatus::Safe: return "safe";
    case MrStatus::Conditional: return "conditional";
    case MrStatus::Unsafe: return "unsafe";
    case MrStatus::Unknown: break;
    }
    return "unknown";
}

std::optional<MrStatus> parseMrStatus(const std::string& text) {
    for (MrStatus s : {MrStatus::Unknown, MrStatus::Safe, MrStatus::Conditional, MrStatus::Unsafe})
        if (text == mrStatusName(s)) return s;
    return std::nullopt;
}

const char* operatingModeName(OperatingMode mode) {
    switch (mode) {
    case OperatingMode::Normal: return "normal";
    case OperatingMode::FirstLevel: return "first-level";
    case OperatingMode::Unknown: break;
    }
    return "";
}

std::optional<OperatingMode> parseOperatingMode(const std::string& text) {
    for (OperatingMode m : {OperatingMode::Unknown, OperatingMode::Normal, OperatingMode::FirstLevel})
        if (text == operatingModeName(m)) return m;
    return std::nullopt;
}

double gaussPerCmToTeslaPerM(double gaussPerCm) { return gaussPerCm / 100.0; }

const char* checkOutcomeName(CheckOutcome outcome) {
    switch (outcome) {
    case CheckOutcome::Pass: return "pass";
    case CheckOutcome::Fail: return "fail";
    case CheckOutcome::Unknown: break;
    }
    return "unknown";
}

namespace {

std::string number(double v) {
    std::ostringstream s;
    s << v;
    return s.str();
}

// A labelled upper limit against the planned value: unknown when the plan does not say.
ConditionCheck limit(const char* name, const std::optional<double>& label, const std::optional<double>& planned,
                     const char* unit) {
    ConditionCheck c;
    c.condition = name;
    const std::string lim = "label allows at most " + number(*label) + " " + unit;
    if (!planned) {
        c.outcome = CheckOutcome::Unknown;
        c.detail = lim + "; the planned value is not known";
    } else {
        c.outcome = *planned <= *label + 1e-9 ? CheckOutcome::Pass : CheckOutcome::Fail;
        c.detail = lim + "; planned " + number(*planned) + " " + unit;
    }
    return c;
}

} // namespace

MrCheck checkMrConditional(MrStatus status, const MrConditions& cond, const ScannerSetup& scanner) {
    MrCheck check;
    if (status == MrStatus::Safe) {
        check.overall = CheckOutcome::Pass;
        check.summary = "MR Safe: no conditions to check";
        return check;
    }
    if (status == MrStatus::Unsafe) {
        check.overall = CheckOutcome::Fail;
        check.summary = "MR Unsafe: must not enter Zone IV with this implant";
        return check;
    }
    if (status == MrStatus::Unknown) {
        check.overall = CheckOutcome::Unknown;
        check.summary = "MR status unknown: identify the implant and its labelling before the scan";
        return check;
    }
    // Field strength: the scanner's must be one the label lists.
    if (!cond.fieldStrengthsT.empty()) {
        ConditionCheck c;
        c.condition = "Static field strength";
        std::string allowed;
        bool match = false;
        for (double t : cond.fieldStrengthsT) {
            allowed += (allowed.empty() ? "" : ", ") + number(t) + " T";
            match = match || std::abs(t - scanner.fieldStrengthT) < 1e-6;
        }
        if (scanner.fieldStrengthT <= 0) {
            c.outcome = CheckOutcome::Unknown;
            c.detail = "label allows " + allowed + "; the scanner's field strength is not configured";
        } else {
            c.outcome = match ? CheckOutcome::Pass : CheckOutcome::Fail;
            c.detail = "label allows " + allowed + "; scanner is " + number(scanner.fieldStrengthT) + " T";
        }
        check.conditions.push_back(c);
    }
    if (cond.maxSpatialGradientTPerM)
        check.conditions.push_back(limit("Spatial field gradient", cond.maxSpatialGradientTPerM,
                                         scanner.spatialGradientTPerM, "T/m"));
    if (cond.operatingMode != OperatingMode::Unknown) {
        ConditionCheck c;
        c.condition = "Operating mode";
        const std::string allowed = cond.operatingMode == OperatingMode::Normal ? "Normal Operating Mode only"
                                                                                : "up to First Level Controlled Mode";
        if (scanner.sarMode == OperatingMode::Unknown) {
            c.outcome = CheckOutcome::Unknown;
            c.detail = "label allows " + allowed + "; the planned mode is not known";
        } else {
            const bool ok = scanner.sarMode == OperatingMode::Normal || cond.operatingMode == OperatingMode::FirstLevel;
            c.outcome = ok ? CheckOutcome::Pass : CheckOutcome::Fail;
            c.detail = "label allows " + allowed + "; planned " +
                       (scanner.sarMode == OperatingMode::Normal ? "Normal Operating Mode" : "First Level Controlled Mode");
        }
        check.conditions.push_back(c);
    }
    if (cond.maxWholeBodySarWPerKg)
        check.conditions.push_back(limit("Whole-body SAR", cond.maxWholeBodySarWPerKg, scanner.wholeBodySarWPerKg, "W/kg"));
    if (cond.maxHeadSarWPerKg)
        check.conditions.push_back(limit("Head SAR", cond.maxHeadSarWPerKg, scanner.headSarWPerKg, "W/kg"));
    if (cond.maxB1rmsMicroTesla)
        check.conditions.push_back(limit("B1+rms", cond.maxB1rmsMicroTesla, scanner.b1rmsMicroTesla, "uT"));
    if (!cond.other.empty())
        check.conditions.push_back({"Other conditions", CheckOutcome::Unknown, cond.other + " (confirm before the scan)"});
    if (check.conditions.empty()) {
        check.overall = CheckOutcome::Unknown;
        check.summary = "MR Conditional, but no conditions were entered: enter the label's conditions";
        return check;
    }
    int pass = 0, fail = 0, unknown = 0;
    for (const auto& c : check.conditions)
        (c.outcome == CheckOutcome::Pass ? pass : c.outcome == CheckOutcome::Fail ? fail : unknown)++;
    check.overall = fail ? CheckOutcome::Fail : unknown ? CheckOutcome::Unknown : CheckOutcome::Pass;
    check.summary = "MR Conditional on " + (scanner.name.empty() ? std::string("the scanner") : scanner.name) + ": " +
                    std::to_string(pass) + " pass, " + std::to_string(fail) + " fail, " + std::to_string(unknown) +
                    " unknown";
    return check;
}

} // namespace mrscreen::screening
