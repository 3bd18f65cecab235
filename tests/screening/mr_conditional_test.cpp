// The MR Conditional check: each labelled condition against the planned scanner.
#include "screening/mr_conditional.h"

#include <catch2/catch.hpp>

using namespace mrscreen::screening;

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
