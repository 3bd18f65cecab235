#include "screening/derived.h"

#include <cmath>
#include <algorithm>
#include <cstdio>

namespace mrscreen::screening {

bool isBirthDateItem(const Item& item) {
    return item.type == ItemType::Date && item.hasCode(loinc::kSystem, loinc::kBirthDate);
}

std::optional<CreatinineUnit> parseCreatinineUnit(const std::string& text) {
    if (text == "mg/dL" || text == "mg/dl") return CreatinineUnit::MgPerDl;
    if (text == "umol/L" || text == "umol/l" || text == "µmol/L" || text == "μmol/L")
        return CreatinineUnit::UmolPerL;
    return std::nullopt;
}

static std::string fmt(double v) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "%g", v);
    return buf;
}

double creatinineMgPerDl(double value, CreatinineUnit unit) {
    // Serum creatinine outside these bounds is a typing or unit mistake, not a patient value.
    const double mg = unit == CreatinineUnit::UmolPerL ? value / 88.4 : value;
    if (!std::isfinite(value) || mg < 0.1 || mg > 40.0) {
        throw DerivedValueError(
            "creatinine " + fmt(value) + (unit == CreatinineUnit::UmolPerL ? " umol/L" : " mg/dL") +
            " is outside the plausible range 0.1-40 mg/dL (8.84-3536 umol/L); check the value "
            "and its unit");
    }
    return mg;
}

double ckdEpi2021(double scr, double age, Sex sex) {
    if (!std::isfinite(age) || age < 18)
        throw DerivedValueError("eGFR by CKD-EPI 2021 is for adults (18 or older); the patient is " +
                                fmt(age) + ". Use a paediatric equation");
    if (age > 120) throw DerivedValueError("age " + fmt(age) + " is outside 18-120 years");
    if (!std::isfinite(scr) || scr < 0.1 || scr > 40.0)
        throw DerivedValueError("creatinine " + fmt(scr) + " mg/dL is outside 0.1-40 mg/dL");
    const bool female = sex == Sex::Female;
    const double kappa = female ? 0.7 : 0.9;
    const double alpha = female ? -0.241 : -0.302;
    const double ratio = scr / kappa;
    double egfr = 142.0 * std::pow(std::min(ratio, 1.0), alpha) *
                  std::pow(std::max(ratio, 1.0), -1.200) * std::pow(0.9938, age);
    if (female) egfr *= 1.012;
    return egfr;
}

double bedsideSchwartz(double scr, double heightCm) {
    if (!std::isfinite(scr) || scr < 0.1 || scr > 40.0)
        throw DerivedValueError("creatinine " + fmt(scr) + " mg/dL is outside 0.1-40 mg/dL");
    if (!std::isfinite(heightCm) || heightCm < 30 || heightCm > 275)
        throw DerivedValueError("the bedside Schwartz equation needs the child's height (30-275 cm)");
    return 0.413 * heightCm / scr;
}

int ageInYears(const std::string& birth, const std::string& on) {
    const auto b = daysFromCivil(birth), d = daysFromCivil(on);
    if (!b || !d) throw DerivedValueError("age needs two full dates (YYYY-MM-DD)");
    int years = std::stoi(on.substr(0, 4)) - std::stoi(birth.substr(0, 4));
    if (on.substr(5) < birth.substr(5)) --years; // birthday not reached yet this year
    return years;
}

std::optional<double> DerivedValues::get(const std::string& name) const {
    if (name == "age") return age;
    if (name == "weight_kg") return weight_kg;
    if (name == "height_cm") return height_cm;
    if (name == "bmi") return bmi;
    if (name == "creatinine_mg_dl") return creatinine_mg_dl;
    if (name == "egfr") return egfr;
    if (name == "lab_age_days") return lab_age_days;
    if (name == "creatinine_supplied") return creatinine_supplied;
    return std::nullopt;
}

const std::vector<std::string>& DerivedValues::names() {
    static const std::vector<std::string> all = {"age", "weight_kg", "height_cm", "bmi",
                                                 "creatinine_mg_dl", "egfr", "lab_age_days",
                                                 "creatinine_supplied"};
    return all;
}

namespace {

// The first enabled, valid answer on an item carrying the LOINC code, with the item.
std::pair<const Value*, const Item*> codedAnswer(const ScreeningAnswers& a, const std::string& code) {
    const auto& q = a.form();
    for (int i : q.itemsWithCode(loinc::kSystem, code)) {
        const Value* found = nullptr;
        a.anyAnswer(i, [&](const Value& v) {
            found = &v;
            return true;
        });
        if (found) return {found, &q.items[std::size_t(i)]};
    }
    return {nullptr, nullptr};
}

std::optional<double> unitFactor(const std::optional<Coding>& unit, bool weight) {
    if (!unit) return std::nullopt;
    const std::string& c = unit->code;
    if (weight) {
        if (c == "kg") return 1.0;
        if (c == "g") return 0.001;
        if (c == "[lb_av]" || c == "lb") return 0.45359237;
    } else {
        if (c == "cm") return 1.0;
        if (c == "m") return 100.0;
        if (c == "[in_i]" || c == "in") return 2.54;
        if (c == "[ft_i]") return 30.48;
    }
    return std::nullopt;
}

std::optional<double> measured(const ScreeningAnswers& a, const std::string& code, bool weight,
                               const char* name, std::vector<DerivedProblem>& problems) {
    auto [value, item] = codedAnswer(a, code);
    if (!value || !value->isNumber()) return std::nullopt;
    const auto factor = unitFactor(item->unit, weight);
    if (!factor) {
        problems.push_back({name, "item '" + item->linkId + "' has no unit mrscreen can convert (" +
                                      (item->unit ? item->unit->code : std::string("none")) + ")"});
        return std::nullopt;
    }
    return value->number() * *factor;
}

} // namespace

DerivedValues computeDerived(const ScreeningAnswers& a, const std::string& screeningDate,
                             const std::optional<Creatinine>& creatinine) {
    DerivedValues d;
    if (auto [birth, item] = codedAnswer(a, loinc::kBirthDate); birth && isFullDate(birth->text)) {
        if (!isFullDate(screeningDate))
            d.problems.push_back({"age", "no screening date to compute the age on"});
        else if (birth->text > screeningDate)
            d.problems.push_back({"age", "the date of birth " + birth->text +
                                             " is after the screening date " + screeningDate});
        else
            d.age = ageInYears(birth->text, screeningDate);
    }
    d.weight_kg = measured(a, loinc::kBodyWeight, true, "weight_kg", d.problems);
    d.height_cm = measured(a, loinc::kBodyHeight, false, "height_cm", d.problems);
    // A body outside these bounds is a typing or unit slip; it must not become a BMI or pass a
    // weight limit unnoticed.
    if (d.weight_kg && (*d.weight_kg < 0.5 || *d.weight_kg > 700)) {
        d.problems.push_back({"weight_kg", "weight " + fmt(*d.weight_kg) +
                                               " kg is outside 0.5-700 kg; weigh the patient and correct it"});
        d.weight_kg.reset();
    }
    if (d.height_cm && (*d.height_cm < 30 || *d.height_cm > 275)) {
        d.problems.push_back({"height_cm", "height " + fmt(*d.height_cm) +
                                               " cm is outside 30-275 cm; measure the patient and correct it"});
        d.height_cm.reset();
    }
    if (d.age && *d.age > 130) {
        d.problems.push_back({"age", "an age of " + fmt(*d.age) + " years is not plausible; check the date of birth"});
        d.age.reset();
    }
    if (d.weight_kg && d.height_cm && *d.height_cm > 0)
        d.bmi = *d.weight_kg / std::pow(*d.height_cm / 100.0, 2);

    if (!creatinine) return d;
    d.creatinine_supplied = 1;
    try {
        d.creatinine_mg_dl = creatinineMgPerDl(creatinine->value, creatinine->unit);
    } catch (const DerivedValueError& e) {
        d.problems.push_back({"egfr", e.what()});
        return d;
    }
    const auto lab = creatinine->date.empty() ? std::nullopt : daysFromCivil(creatinine->date);
    if (!creatinine->date.empty()) {
        const auto today = daysFromCivil(screeningDate);
        if (!lab)
            d.problems.push_back({"lab_age_days", "creatinine date '" + creatinine->date +
                                                      "' is not a date (YYYY-MM-DD)"});
        else if (today && *lab > *today)
            d.problems.push_back({"lab_age_days", "creatinine date " + creatinine->date +
                                                      " is after the screening date"});
        else if (today)
            d.lab_age_days = double(*today - *lab);
    }
    // The age on the day the sample was drawn: the eGFR describes that day's kidneys.
    std::optional<double> age = d.age;
    if (auto [birth, item] = codedAnswer(a, loinc::kBirthDate);
        age && lab && birth && isFullDate(birth->text) && birth->text <= creatinine->date)
        age = ageInYears(birth->text, creatinine->date);
    auto [sexAnswer, sexItem] = codedAnswer(a, loinc::kSex);
    std::optional<Sex> sex;
    if (sexAnswer && sexAnswer->type == ValueType::Coding) {
        if (sexAnswer->coding.code == "female") sex = Sex::Female;
        if (sexAnswer->coding.code == "male") sex = Sex::Male;
    }
    try {
        if (!age) {
            d.problems.push_back({"egfr", "eGFR needs the patient's age (date of birth)"});
        } else if (*age < 18) {
            if (!d.height_cm)
                d.problems.push_back({"egfr", "a child's eGFR (bedside Schwartz) needs the height; measure "
                                              "the child and calculate it by hand"});
            else {
                d.egfr = bedsideSchwartz(*d.creatinine_mg_dl, *d.height_cm);
                d.egfrMethod = "bedside Schwartz (under 18: 0.413 x height cm / creatinine mg/dL)";
            }
        } else if (sex) {
            d.egfr = ckdEpi2021(*d.creatinine_mg_dl, *age, *sex);
            d.egfrMethod = std::string("CKD-EPI 2021, ") + (*sex == Sex::Female ? "female" : "male");
        } else {
            // Sex other or unknown: the lower of the two, the cautious choice.
            d.egfr = std::min(ckdEpi2021(*d.creatinine_mg_dl, *age, Sex::Female),
                              ckdEpi2021(*d.creatinine_mg_dl, *age, Sex::Male));
            d.egfrMethod = "CKD-EPI 2021, lower of the female and male values (sex is not female or male)";
        }
    } catch (const DerivedValueError& e) {
        d.problems.push_back({"egfr", e.what()});
    }
    return d;
}

} // namespace mrscreen::screening
