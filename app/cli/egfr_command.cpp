#include "cli/commands.h"

#include "screening/derived.h"

#include <nlohmann/json.hpp>

#include <cmath>
#include <iomanip>
#include <ostream>

namespace mrscreen::cli {

using namespace screening;

// KDIGO GFR categories.
static const char* gfrCategory(double egfr) {
    if (egfr >= 90) return "G1";
    if (egfr >= 60) return "G2";
    if (egfr >= 45) return "G3a";
    if (egfr >= 30) return "G3b";
    if (egfr >= 15) return "G4";
    return "G5";
}

int runEgfr(const EgfrOptions& o, std::ostream& out, std::ostream& err) {
    const auto unit = parseCreatinineUnit(o.unit);
    if (!unit) {
        err << "mrscreen egfr: unit '" << o.unit << "' is not mg/dL or umol/L\n";
        return 2;
    }
    Sex sex;
    if (o.sex == "female")
        sex = Sex::Female;
    else if (o.sex == "male")
        sex = Sex::Male;
    else {
        err << "mrscreen egfr: sex '" << o.sex
            << "' must be female or male (the CKD-EPI 2021 equation has coefficients for these "
               "only)\n";
        return 2;
    }
    try {
        const double mg = creatinineMgPerDl(o.creatinine, *unit);
        const double egfr = ckdEpi2021(mg, o.age, sex);
        const double rounded = std::round(egfr * 10) / 10;
        if (o.json) {
            nlohmann::json j = {{"egfr", rounded},
                                {"unit", "mL/min/1.73m2"},
                                {"category", gfrCategory(egfr)},
                                {"creatinine_mg_dl", std::round(mg * 1000) / 1000},
                                {"age", o.age},
                                {"sex", o.sex},
                                {"equation", "CKD-EPI 2021 creatinine (race-free)"}};
            out << j.dump(2) << "\n";
        } else {
            out << "eGFR " << std::fixed << std::setprecision(1) << rounded
                << " mL/min/1.73m2 (KDIGO " << gfrCategory(egfr) << ")\n"
                << "  CKD-EPI 2021 creatinine equation; creatinine " << std::setprecision(2) << mg
                << " mg/dL, age " << std::setprecision(0) << o.age << ", " << o.sex << "\n";
        }
        return 0;
    } catch (const DerivedValueError& e) {
        err << "mrscreen egfr: " << e.what() << "\n";
        return 2;
    }
}

} // namespace mrscreen::cli
