// The MR Conditional check: an implant's labelled conditions against the scanner and scan the
// patient is booked for. Each condition comes out pass, fail or unknown; anything unknown or
// missing is not a pass, so an implant is cleared by this check only when every condition passes.
#pragma once

#include <optional>
#include <string>
#include <vector>

namespace mrscreen::screening {

enum class MrStatus { Unknown, Safe, Conditional, Unsafe };
const char* mrStatusName(MrStatus status); // "unknown", "safe", "conditional", "unsafe"
std::optional<MrStatus> parseMrStatus(const std::string& text);

enum class OperatingMode { Unknown, Normal, FirstLevel };
const char* operatingModeName(OperatingMode mode); // "", "normal", "first-level"
std::optional<OperatingMode> parseOperatingMode(const std::string& text);

// What the implant's MR Conditional labelling allows (unset: the label does not say).
struct MrConditions {
    std::vector<double> fieldStrengthsT;           // static field strengths allowed, e.g. {1.5, 3}
    std::optional<double> maxSpatialGradientTPerM; // maximum spatial field gradient, T/m
    std::optional<double> maxWholeBodySarWPerKg;   // whole-body averaged SAR limit, W/kg
    std::optional<double> maxHeadSarWPerKg;        // head SAR limit, W/kg
    std::optional<double> maxB1rmsMicroTesla;      // B1+rms limit, µT
    OperatingMode operatingMode = OperatingMode::Unknown; // the highest mode allowed
    std::string other; // further conditions as written on the label (always needs a person)
};

// 1 T/m = 100 G/cm: labels give either.
double gaussPerCmToTeslaPerM(double gaussPerCm);

// The scanner from the site config, and where the patient will be in it.
struct ScannerSetup {
    std::string name;                               // "MR1 Siemens Aera 1.5T"
    double fieldStrengthT = 0;                      // 1.5, 3
    std::optional<double> spatialGradientTPerM;     // max spatial field gradient where the implant will be
    OperatingMode sarMode = OperatingMode::Unknown; // the mode the planned scan runs in
    std::optional<double> wholeBodySarWPerKg;       // planned SAR, if known
    std::optional<double> headSarWPerKg;
    std::optional<double> b1rmsMicroTesla;
};

enum class CheckOutcome { Pass, Fail, Unknown };
const char* checkOutcomeName(CheckOutcome outcome); // "pass", "fail", "unknown"

struct ConditionCheck {
    std::string condition; // "Field strength", "Spatial field gradient", ...
    CheckOutcome outcome = CheckOutcome::Unknown;
    std::string detail;    // "label allows 1.5 T, 3 T; scanner is 1.5 T"
};

struct MrCheck {
    CheckOutcome overall = CheckOutcome::Unknown; // pass only when every condition passes
    std::vector<ConditionCheck> conditions;
    std::string summary; // one line for staff and the record
};

// Safe: pass. Unsafe: fail. Unknown status: unknown. Conditional: every labelled condition is
// checked against the scanner; a condition the label sets but the scanner setup does not say is
// unknown; a Conditional implant with no conditions entered is unknown; "other" text is unknown
// (a person must confirm it).
MrCheck checkMrConditional(MrStatus status, const MrConditions& conditions, const ScannerSetup& scanner);

} // namespace mrscreen::screening
