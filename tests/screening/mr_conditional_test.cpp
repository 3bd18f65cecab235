// The MR Conditional check: each labelled condition against the planned scanner.
#include "screening/mr_conditional.h"

#include <catch2/catch.hpp>

using namespace mrscreen::screening;

namespace {

// A 1.5 T scanner with everything about the planned scan known.
ScannerSetup knownScanner() {
    ScannerSetup s;
    s.name = "MR1 Siemens Aera 1.5T";
    s.fieldStrengthT = 1.5;
    s.spatialGradientTPerM = 12.0;
    s.sarMode = OperatingMode::Normal;
    s.wholeBodySarWPerKg = 1.5;
    s.headSarWPerKg = 2.0;
    s.b1rmsMicroTesla = 2.8;
    return s;
}

// The check of the one condition named `name`; fails the test when there is not exactly one.
ConditionCheck only(const MrCheck& check, const std::string& name) {
    const ConditionCheck* found = nullptr;
    int count = 0;
    for (const auto& c : check.conditions)
        if (c.condition == name)
            found = &c, ++count;
    INFO("condition: " << name);
    REQUIRE(count == 1);
    return *found;
}

MrCheck conditional(const MrConditions& c, const ScannerSetup& s = knownScanner()) {
    return checkMrConditional(MrStatus::Conditional, c, s);
}

} // namespace

// [SECTION] status

TEST_CASE("a conditional implant whose every condition is met by the scanner passes") {
    MrConditions c;
    c.fieldStrengthsT = {1.5, 3};
    c.maxSpatialGradientTPerM = 20;
    c.operatingMode = OperatingMode::Normal;
    ScannerSetup s{"MR1", 1.5, 12.0, OperatingMode::Normal, {}, {}, {}};
    const auto check = checkMrConditional(MrStatus::Conditional, c, s);
    CHECK(check.overall == CheckOutcome::Pass);
    REQUIRE(check.conditions.size() == 3);
}

TEST_CASE("an MR Safe implant passes without conditions to check") {
    const auto check = checkMrConditional(MrStatus::Safe, {}, knownScanner());
    CHECK(check.overall == CheckOutcome::Pass);
    CHECK(check.conditions.empty());
    CHECK(check.summary.find("MR Safe") != std::string::npos);
}

TEST_CASE("an MR Unsafe implant fails whatever the label and the scanner say") {
    MrConditions c;
    c.fieldStrengthsT = {1.5};
    const auto check = checkMrConditional(MrStatus::Unsafe, c, knownScanner());
    CHECK(check.overall == CheckOutcome::Fail);
    CHECK(check.summary.find("MR Unsafe") != std::string::npos);
    CHECK(check.summary.find("Zone IV") != std::string::npos);
}

TEST_CASE("an implant of unknown MR status is unknown, even with conditions entered") {
    MrConditions c;
    c.fieldStrengthsT = {1.5};
    const auto check = checkMrConditional(MrStatus::Unknown, c, knownScanner());
    CHECK(check.overall == CheckOutcome::Unknown);
    CHECK(check.summary.find("unknown") != std::string::npos);
}

TEST_CASE("a conditional implant with no conditions entered is unknown and asks for the label's "
          "conditions") {
    const auto check = conditional({});
    CHECK(check.overall == CheckOutcome::Unknown);
    CHECK(check.conditions.empty());
    CHECK(check.summary.find("no conditions were entered") != std::string::npos);
}

// [SECTION] static field

TEST_CASE("a 3 T scanner fails a label that allows 1.5 T only") {
    MrConditions c;
    c.fieldStrengthsT = {1.5};
    ScannerSetup s = knownScanner();
    s.fieldStrengthT = 3;
    const auto check = conditional(c, s);
    CHECK(check.overall == CheckOutcome::Fail);
    const auto field = only(check, "Static field strength");
    CHECK(field.outcome == CheckOutcome::Fail);
    CHECK(field.detail == "label allows 1.5 T; scanner is 3 T");
}

TEST_CASE(
    "a scanner whose field strength is one of those listed passes the static field condition") {
    MrConditions c;
    c.fieldStrengthsT = {1.5, 3};
    ScannerSetup s = knownScanner();
    s.fieldStrengthT = 3;
    const auto field = only(conditional(c, s), "Static field strength");
    CHECK(field.outcome == CheckOutcome::Pass);
    CHECK(field.detail == "label allows 1.5 T, 3 T; scanner is 3 T");
}

TEST_CASE("a scanner whose field strength is not configured leaves the static field unknown") {
    MrConditions c;
    c.fieldStrengthsT = {1.5, 3};
    ScannerSetup s = knownScanner();
    s.fieldStrengthT = 0;
    const auto check = conditional(c, s);
    CHECK(check.overall == CheckOutcome::Unknown);
    const auto field = only(check, "Static field strength");
    CHECK(field.outcome == CheckOutcome::Unknown);
    CHECK(field.detail.find("not configured") != std::string::npos);
}

// [SECTION] spatial field gradient

TEST_CASE("a spatial field gradient over the labelled limit fails") {
    MrConditions c;
    c.maxSpatialGradientTPerM = 10;
    ScannerSetup s = knownScanner();
    s.spatialGradientTPerM = 12;
    const auto g = only(conditional(c, s), "Spatial field gradient");
    CHECK(g.outcome == CheckOutcome::Fail);
    CHECK(g.detail == "label allows at most 10 T/m; planned 12 T/m");
}

TEST_CASE("a spatial field gradient exactly at the labelled limit passes") {
    MrConditions c;
    c.maxSpatialGradientTPerM = 12;
    ScannerSetup s = knownScanner();
    s.spatialGradientTPerM = 12;
    const auto check = conditional(c, s);
    CHECK(only(check, "Spatial field gradient").outcome == CheckOutcome::Pass);
    CHECK(check.overall == CheckOutcome::Pass);
}

TEST_CASE("a spatial field gradient the site has not measured is unknown") {
    MrConditions c;
    c.maxSpatialGradientTPerM = 20;
    ScannerSetup s = knownScanner();
    s.spatialGradientTPerM.reset();
    const auto check = conditional(c, s);
    const auto g = only(check, "Spatial field gradient");
    CHECK(g.outcome == CheckOutcome::Unknown);
    CHECK(g.detail == "label allows at most 20 T/m; the planned value is not known");
    CHECK(check.overall == CheckOutcome::Unknown);
}

TEST_CASE("gauss per centimetre convert to tesla per metre at 100 G/cm to 1 T/m") {
    CHECK(gaussPerCmToTeslaPerM(720) == Approx(7.2));
    CHECK(gaussPerCmToTeslaPerM(2000) == Approx(20));
    CHECK(gaussPerCmToTeslaPerM(100) == Approx(1));
    CHECK(gaussPerCmToTeslaPerM(0) == 0);
}

TEST_CASE("a label of 2000 G/cm passes a scanner at 7.2 T/m and fails one at 25 T/m") {
    MrConditions c;
    c.maxSpatialGradientTPerM = gaussPerCmToTeslaPerM(2000);
    ScannerSetup s = knownScanner();
    s.spatialGradientTPerM = gaussPerCmToTeslaPerM(720);
    CHECK(only(conditional(c, s), "Spatial field gradient").outcome == CheckOutcome::Pass);
    s.spatialGradientTPerM = 25;
    CHECK(only(conditional(c, s), "Spatial field gradient").outcome == CheckOutcome::Fail);
    s.spatialGradientTPerM = 20;
    CHECK(only(conditional(c, s), "Spatial field gradient").outcome == CheckOutcome::Pass);
}

// [SECTION] operating mode

TEST_CASE("a label for Normal Operating Mode only fails a scan in First Level Controlled Mode") {
    MrConditions c;
    c.operatingMode = OperatingMode::Normal;
    ScannerSetup s = knownScanner();
    s.sarMode = OperatingMode::FirstLevel;
    const auto m = only(conditional(c, s), "Operating mode");
    CHECK(m.outcome == CheckOutcome::Fail);
    CHECK(m.detail ==
          "label allows Normal Operating Mode only; planned First Level Controlled Mode");
}

TEST_CASE("a label for Normal Operating Mode only passes a scan in Normal Operating Mode") {
    MrConditions c;
    c.operatingMode = OperatingMode::Normal;
    ScannerSetup s = knownScanner();
    s.sarMode = OperatingMode::Normal;
    CHECK(only(conditional(c, s), "Operating mode").outcome == CheckOutcome::Pass);
}

TEST_CASE("a label up to First Level Controlled Mode passes a scan in either mode") {
    MrConditions c;
    c.operatingMode = OperatingMode::FirstLevel;
    ScannerSetup s = knownScanner();
    s.sarMode = OperatingMode::Normal;
    CHECK(only(conditional(c, s), "Operating mode").outcome == CheckOutcome::Pass);
    s.sarMode = OperatingMode::FirstLevel;
    const auto m = only(conditional(c, s), "Operating mode");
    CHECK(m.outcome == CheckOutcome::Pass);
    CHECK(m.detail ==
          "label allows up to First Level Controlled Mode; planned First Level Controlled Mode");
}

TEST_CASE("an operating mode condition is unknown when the planned mode is not known") {
    MrConditions c;
    c.operatingMode = OperatingMode::Normal;
    ScannerSetup s = knownScanner();
    s.sarMode = OperatingMode::Unknown;
    const auto check = conditional(c, s);
    const auto m = only(check, "Operating mode");
    CHECK(m.outcome == CheckOutcome::Unknown);
    CHECK(m.detail.find("the planned mode is not known") != std::string::npos);
    CHECK(check.overall == CheckOutcome::Unknown);
}

TEST_CASE("a label that does not state an operating mode adds no operating mode condition") {
    MrConditions c;
    c.fieldStrengthsT = {1.5};
    const auto check = conditional(c);
    for (const auto& cc : check.conditions)
        CHECK(cc.condition != "Operating mode");
}

// [SECTION] RF limits

TEST_CASE(
    "a planned whole-body SAR over the label's limit fails, at it passes, and unknown is unknown") {
    MrConditions c;
    c.maxWholeBodySarWPerKg = 2.0;
    ScannerSetup s = knownScanner();
    s.wholeBodySarWPerKg = 2.5;
    const auto over = only(conditional(c, s), "Whole-body SAR");
    CHECK(over.outcome == CheckOutcome::Fail);
    CHECK(over.detail == "label allows at most 2 W/kg; planned 2.5 W/kg");
    s.wholeBodySarWPerKg = 2.0;
    CHECK(only(conditional(c, s), "Whole-body SAR").outcome == CheckOutcome::Pass);
    s.wholeBodySarWPerKg.reset();
    const auto unknown = only(conditional(c, s), "Whole-body SAR");
    CHECK(unknown.outcome == CheckOutcome::Unknown);
    CHECK(unknown.detail.find("not known") != std::string::npos);
}

TEST_CASE("a planned head SAR over the label's limit fails, at it passes, and unknown is unknown") {
    MrConditions c;
    c.maxHeadSarWPerKg = 3.2;
    ScannerSetup s = knownScanner();
    s.headSarWPerKg = 3.3;
    const auto over = only(conditional(c, s), "Head SAR");
    CHECK(over.outcome == CheckOutcome::Fail);
    CHECK(over.detail == "label allows at most 3.2 W/kg; planned 3.3 W/kg");
    s.headSarWPerKg = 3.2;
    CHECK(only(conditional(c, s), "Head SAR").outcome == CheckOutcome::Pass);
    s.headSarWPerKg.reset();
    CHECK(only(conditional(c, s), "Head SAR").outcome == CheckOutcome::Unknown);
}

TEST_CASE("a planned B1+rms over the label's limit fails, at it passes, and unknown is unknown") {
    MrConditions c;
    c.maxB1rmsMicroTesla = 2.8;
    ScannerSetup s = knownScanner();
    s.b1rmsMicroTesla = 3.0;
    const auto over = only(conditional(c, s), "B1+rms");
    CHECK(over.outcome == CheckOutcome::Fail);
    CHECK(over.detail.find("planned 3") != std::string::npos);
    s.b1rmsMicroTesla = 2.8;
    CHECK(only(conditional(c, s), "B1+rms").outcome == CheckOutcome::Pass);
    s.b1rmsMicroTesla.reset();
    CHECK(only(conditional(c, s), "B1+rms").outcome == CheckOutcome::Unknown);
}

TEST_CASE("a value a hair over the limit through rounding still passes, and a real excess fails") {
    MrConditions c;
    c.maxWholeBodySarWPerKg = 0.3;
    ScannerSetup s = knownScanner();
    s.wholeBodySarWPerKg = 0.1 + 0.2; // 0.30000000000000004
    CHECK(only(conditional(c, s), "Whole-body SAR").outcome == CheckOutcome::Pass);
    s.wholeBodySarWPerKg = 0.31;
    CHECK(only(conditional(c, s), "Whole-body SAR").outcome == CheckOutcome::Fail);
}

// [SECTION] other conditions and the overall result

TEST_CASE("other label text always leaves the overall result unknown for a person to confirm") {
    MrConditions c;
    c.fieldStrengthsT = {1.5};
    c.maxSpatialGradientTPerM = 20;
    c.other = "Device must be programmed to MRI mode before the scan";
    const auto check = conditional(c);
    CHECK(only(check, "Static field strength").outcome == CheckOutcome::Pass);
    CHECK(only(check, "Spatial field gradient").outcome == CheckOutcome::Pass);
    const auto other = only(check, "Other conditions");
    CHECK(other.outcome == CheckOutcome::Unknown);
    CHECK(other.detail.find("Device must be programmed to MRI mode before the scan") !=
          std::string::npos);
    CHECK(check.overall == CheckOutcome::Unknown);
}

TEST_CASE("other label text on its own is a condition to confirm, not a label without conditions") {
    MrConditions c;
    c.other = "Wait 6 weeks after implantation";
    const auto check = conditional(c);
    REQUIRE(check.conditions.size() == 1);
    CHECK(check.overall == CheckOutcome::Unknown);
    CHECK(check.summary.find("0 pass, 0 fail, 1 unknown") != std::string::npos);
}

TEST_CASE("one failing condition makes the overall result fail even when others are unknown") {
    MrConditions c;
    c.fieldStrengthsT = {1.5};
    c.maxSpatialGradientTPerM = 20;
    c.maxWholeBodySarWPerKg = 2;
    c.other = "Landmark above the knees only";
    ScannerSetup s = knownScanner();
    s.fieldStrengthT = 3;
    s.spatialGradientTPerM.reset();
    s.wholeBodySarWPerKg.reset();
    const auto check = conditional(c, s);
    CHECK(check.overall == CheckOutcome::Fail);
    CHECK(check.summary.find("0 pass, 1 fail, 3 unknown") != std::string::npos);
}

TEST_CASE("every labelled condition is checked once, in the order staff read a label") {
    MrConditions c;
    c.fieldStrengthsT = {1.5, 3};
    c.maxSpatialGradientTPerM = 20;
    c.operatingMode = OperatingMode::Normal;
    c.maxWholeBodySarWPerKg = 2;
    c.maxHeadSarWPerKg = 3.2;
    c.maxB1rmsMicroTesla = 3.0;
    const auto check = conditional(c);
    std::vector<std::string> names;
    for (const auto& cc : check.conditions)
        names.push_back(cc.condition);
    CHECK(names == std::vector<std::string>{"Static field strength", "Spatial field gradient",
                                            "Operating mode", "Whole-body SAR", "Head SAR",
                                            "B1+rms"});
    CHECK(check.overall == CheckOutcome::Pass);
}

TEST_CASE("the summary names the scanner and counts the passes, failures and unknowns") {
    MrConditions c;
    c.fieldStrengthsT = {1.5};
    c.maxSpatialGradientTPerM = 10;
    c.maxHeadSarWPerKg = 3.2;
    ScannerSetup s = knownScanner();
    s.headSarWPerKg.reset();
    const auto check = conditional(c, s);
    CHECK(check.summary == "MR Conditional on MR1 Siemens Aera 1.5T: 1 pass, 1 fail, 1 unknown");
    s.name.clear();
    CHECK(conditional(c, s).summary == "MR Conditional on the scanner: 1 pass, 1 fail, 1 unknown");
}

// [SECTION] names

TEST_CASE("MR status names round-trip and unknown text is refused") {
    for (MrStatus s :
         {MrStatus::Unknown, MrStatus::Safe, MrStatus::Conditional, MrStatus::Unsafe}) {
        const auto parsed = parseMrStatus(mrStatusName(s));
        REQUIRE(parsed);
        CHECK(*parsed == s);
    }
    CHECK(std::string(mrStatusName(MrStatus::Conditional)) == "conditional");
    CHECK_FALSE(parseMrStatus("MR Conditional"));
    CHECK_FALSE(parseMrStatus("Safe"));
    CHECK_FALSE(parseMrStatus(""));
    CHECK_FALSE(parseMrStatus("maybe"));
}

TEST_CASE("operating mode names round-trip and unknown text is refused") {
    for (OperatingMode m :
         {OperatingMode::Unknown, OperatingMode::Normal, OperatingMode::FirstLevel}) {
        const auto parsed = parseOperatingMode(operatingModeName(m));
        REQUIRE(parsed);
        CHECK(*parsed == m);
    }
    CHECK(std::string(operatingModeName(OperatingMode::FirstLevel)) == "first-level");
    CHECK_FALSE(parseOperatingMode("first level"));
    CHECK_FALSE(parseOperatingMode("Normal"));
    CHECK_FALSE(parseOperatingMode("second-level"));
}

TEST_CASE("check outcome names are pass, fail and unknown") {
    CHECK(std::string(checkOutcomeName(CheckOutcome::Pass)) == "pass");
    CHECK(std::string(checkOutcomeName(CheckOutcome::Fail)) == "fail");
    CHECK(std::string(checkOutcomeName(CheckOutcome::Unknown)) == "unknown");
}
