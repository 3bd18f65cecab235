// Values computed from the answers and labs, for the rules and for staff: age on the screening
// date, weight in kg, height in cm, BMI, and eGFR by the 2021 CKD-EPI creatinine equation.
// The form marks its inputs with standard LOINC codes, so any form that codes them gets them.
#pragma once

#include "screening/answers.h"

#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

namespace mrscreen::screening {

namespace loinc {
inline const std::string kSystem = "http://loinc.org";
inline const std::string kBirthDate = "21112-8";
inline const std::string kBodyWeight = "29463-7";
inline const std::string kBodyHeight = "8302-2";
inline const std::string kSex = "46098-0";
} // namespace loinc

bool isBirthDateItem(const Item& item);

enum class Sex { Female, Male };
enum class CreatinineUnit { MgPerDl, UmolPerL };

// Out-of-range or missing inputs: the message says which and what is accepted.
class DerivedValueError : public std::invalid_argument {
public:
    using std::invalid_argument::invalid_argument;
};

std::optional<CreatinineUnit> parseCreatinineUnit(const std::string& text); // "mg/dL", "umol/L", "µmol/L"
double creatinineMgPerDl(double value, CreatinineUnit unit);                 // checks the range

// 2021 CKD-EPI creatinine equation (race-free), adults 18..120 only; mL/min/1.73 m².
double ckdEpi2021(double creatinineMgDl, double ageYears, Sex sex);
// Bedside Schwartz equation for children: 0.413 x height (cm) / creatinine (mg/dL).
double bedsideSchwartz(double creatinineMgDl, double heightCm);

// Whole years from birth to the given day; both YYYY-MM-DD.
int ageInYears(const std::string& birthDate, const std::string& onDate);

struct Creatinine {
    double value = 0;
    CreatinineUnit unit = CreatinineUnit::MgPerDl;
    std::string date; // YYYY-MM-DD the sample was taken; empty when unknown
};

struct DerivedProblem {
    std::string value;   // which derived value: age, weight_kg, egfr, ...
    std::string message; // for staff, in English
};

struct DerivedValues {
    std::optional<double> age;
    std::optional<double> weight_kg;
    std::optional<double> height_cm;
    std::optional<double> bmi;
    std::optional<double> creatinine_mg_dl;
    std::optional<double> egfr;
    std::optional<double> lab_age_days;
    std::optional<double> creatinine_supplied; // 1 when a creatinine was given, plausible or not
    // How the eGFR was computed, for staff and the record ("CKD-EPI 2021, female", ...); empty
    // without an eGFR.
    std::string egfrMethod;
    std::vector<DerivedProblem> problems;

    std::optional<double> get(const std::string& name) const;
    static const std::vector<std::string>& names(); // every name rules may use
};

// The age for the eGFR is the age on the day the sample was drawn (when its date is known), so
// every screen and the record compute the same eGFR whatever day they are looked at.
DerivedValues computeDerived(const ScreeningAnswers& answers, const std::string& screeningDate,
                             const std::optional<Creatinine>& creatinine);

} // namespace mrscreen::screening
