// Derived values: age, weight, height, BMI and eGFR (2021 CKD-EPI creatinine), with their limits.
#include "test_support.h"

#include <catch2/catch.hpp>

using namespace mrscreen;
using namespace mrscreen::screening;
using nlohmann::json;
using Catch::Matchers::Contains;

TEST_CASE("eGFR matches the published CKD-EPI 2021 examples") {
    CHECK(ckdEpi2021(1.4, 60, Sex::Male) == Approx(57.5).margin(0.05));
    CHECK(ckdEpi2021(1.0, 50, Sex::Female) == Approx(68.6).margin(0.05));
}

TEST_CASE("creatinine in umol/L gives the same eGFR as the same value in mg/dL") {
    const double mg = creatinineMgPerDl(1.4 * 88.4, CreatinineUnit::UmolPerL);
    CHECK(mg == Approx(1.4));
    CHECK(ckdEpi2021(mg, 60, Sex::Male) == Approx(57.5).margin(0.05));
    CHECK(ckdEpi2021(creatinineMgPerDl(88.4, CreatinineUnit::UmolPerL), 50, Sex::Female) ==
          Approx(68.6).margin(0.05));
}

TEST_CASE("a creatinine below kappa uses the alpha exponent, and women get the 1.012 factor") {
    // Below kappa: 142 * (0.6/0.7)^-0.241 * 0.9938^40 * 1.012
    const double expected = 142 * std::pow(0.6 / 0.7, -0.241) * std::pow(0.9938, 40) * 1.012;
    CHECK(ckdEpi2021(0.6, 40, Sex::Female) == Approx(expected));
    // The male curve has its knee at 0.9 mg/dL, so the same low value reads higher for a man.
    CHECK(ckdEpi2021(0.6, 40, Sex::Male) == Approx(142 * std::pow(0.6 / 0.9, -0.302) * std::pow(0.9938, 40)));
}

TEST_CASE("eGFR refuses children, impossible ages and implausible creatinine instead of guessing") {
    CHECK_THROWS_WITH(ckdEpi2021(1.0, 17, Sex::Male), Contains("adults (18 or older)"));
    CHECK_THROWS_WITH(ckdEpi2021(1.0, 121, Sex::Male), Contains("outside 18-120"));
    CHECK_THROWS_WITH(creatinineMgPerDl(0.05, CreatinineUnit::MgPerDl), Contains("plausible range"));
    CHECK_THROWS_WITH(creatinineMgPerDl(45, CreatinineUnit::MgPerDl), Contains("check the value and its unit"));
    // 1.2 typed with the wrong unit: 1.2 umol/L is 0.014 mg/dL.
    CHECK_THROWS_WITH(creatinineMgPerDl(1.2, CreatinineUnit::UmolPerL), Contains("1.2 umol/L"));
    CHECK_THROWS_AS(creatinineMgPerDl(std::nan(""), CreatinineUnit::MgPerDl), DerivedValueError);
}

TEST_CASE("creatinine units are read as typed by lab staff") {
    CHECK(parseCreatinineUnit("mg/dL") == CreatinineUnit::MgPerDl);
    CHECK(parseCreatinineUnit("umol/L") == CreatinineUnit::UmolPerL);
    CHECK(parseCreatinineUnit("µmol/L") == CreatinineUnit::UmolPerL);
    CHECK_FALSE(parseCreatinineUnit("mmol/L"));
}

TEST_CASE("age counts whole years and turns on the birthday") {
    CHECK(ageInYears("1966-11-25", "2026-11-25") == 60);
    CHECK(ageInYears("1966-11-26", "2026-11-25") == 59);
    CHECK(ageInYears("2000-02-29", "2026-02-28") == 25);
    CHECK(ageInYears("2000-02-29", "2026-03-01") == 26);
}

namespace {

json unit(const std::string& code) {
    return {{"url", "http://hl7.org/fhir/StructureDefinition/questionnaire-unit"},
            {"valueCoding", {{"system", "http://unitsofmeasure.org"}, {"code", code}}}};
}

json loinc(const std::string& code) { return {{{"system", "http://loinc.org"}, {"code", code}}}; }

json form() {
    return {{"resourceType", "Questionnaire"},
            {"status", "active"},
            {"item",
             {{{"linkId", "dob"}, {"type", "date"}, {"code", loinc("21112-8")}},
              {{"linkId", "sex"},
               {"type", "choice"},
               {"code", loinc("46098-0")},
               {"answerOption",
                {{{"valueCoding", {{"system", "http://hl7.org/fhir/administrative-gender"}, {"code", "female"}}}},
                 {{"valueCoding", {{"system", "http://hl7.org/fhir/administrative-gender"}, {"code", "male"}}}},
                 {{"valueCoding", {{"system", "http://hl7.org/fhir/administrative-gender"}, {"code", "other"}}}}}}},
              {{"linkId", "weight-lb"}, {"type", "decimal"}, {"code", loinc("29463-7")}, {"extension", {unit("[lb_av]")}}},
              {{"linkId", "height-in"}, {"type", "decimal"}, {"code", loinc("8302-2")}, {"extension", {unit("[in_i]")}}},
              {{"linkId", "height-odd"}, {"type", "decimal"}, {"code", loinc("8302-2")}, {"extension", {unit("furlong")}}}}}};
}

struct Patient {
    std::string dob = "1966-05-01";
    std::string sex = "male";
    double pounds = 176.37;
    double inches = 70.87;
};

DerivedValues derive(const Patient& p, const std::optional<Creatinine>& creatinine,
                     const std::string& today = "2026-11-25", bool oddHeight = false) {
    static const Questionnaire q = test::formFromJson(form());
    json items = {{{"linkId", "dob"}, {"answer", {{{"valueDate", p.dob}}}}},
                  {{"linkId", "sex"}, {"answer", {{{"valueCoding", {{"code", p.sex}}}}}}},
                  {{"linkId", "weight-lb"}, {"answer", {{{"valueDecimal", p.pounds}}}}},
                  {{"linkId", oddHeight ? "height-odd" : "height-in"}, {"answer", {{{"valueDecimal", p.inches}}}}}};
    const Response r = test::responseFromJson({{"resourceType", "QuestionnaireResponse"}, {"status", "completed"}, {"item", items}});
    const ScreeningAnswers a(q, r);
    return computeDerived(a, today, creatinine);
}

} // namespace

TEST_CASE("weight in pounds and height in inches become kg, cm and BMI") {
    const auto d = derive({}, std::nullopt);
    REQUIRE(d.weight_kg);
    CHECK(*d.weight_kg == Approx(80.0).epsilon(0.001));
    REQUIRE(d.height_cm);
    CHECK(*d.height_cm == Approx(180.0).epsilon(0.001));
    REQUIRE(d.bmi);
    CHECK(*d.bmi == Approx(80.0 / (1.8 * 1.8)).epsilon(0.001));
    CHECK(d.age == 60);
    CHECK_FALSE(d.egfr); // no creatinine given
    CHECK(d.problems.empty());
}

TEST_CASE("a height in a unit the engine cannot convert is a problem, not a number") {
    const auto d = derive({}, std::nullopt, "2026-11-25", true);
    CHECK_FALSE(d.height_cm);
    CHECK_FALSE(d.bmi);
    REQUIRE(d.problems.size() == 1);
    CHECK_THAT(d.problems[0].message, Contains("height-odd") && Contains("furlong"));
}

TEST_CASE("eGFR and lab age come from the patient's answers and the creatinine result") {
    Patient p;
    p.dob = "1966-10-25"; // 60 on the day the sample was drawn and on the screening day
    const auto d = derive(p, Creatinine{1.4, CreatinineUnit::MgPerDl, "2026-11-01"});
    REQUIRE(d.egfr);
    CHECK(*d.egfr == Approx(57.5).margin(0.05));
    CHECK(d.lab_age_days == 24);
    CHECK(d.creatinine_mg_dl == Approx(1.4));
}

TEST_CASE("for a sex other than female or male the eGFR is the lower of both equations, and says so") {
    Patient p;
    p.sex = "other";
    p.dob = "1966-11-25"; // 60
    const auto d = derive(p, Creatinine{1.4, CreatinineUnit::MgPerDl, ""});
    REQUIRE(d.egfr);
    const double female = ckdEpi2021(1.4, 60, Sex::Female), male = ckdEpi2021(1.4, 60, Sex::Male);
    CHECK(*d.egfr == Approx(std::min(female, male)));
    CHECK(female != Approx(male));
    CHECK_THAT(d.egfrMethod, Contains("lower of the female and male"));
    CHECK(d.problems.empty());
}

TEST_CASE("a child's eGFR uses the bedside Schwartz equation with the height from the form") {
    Patient p;
    p.dob = "2017-03-01"; // 9
    p.inches = 50;        // 127 cm
    const auto d = derive(p, Creatinine{0.5, CreatinineUnit::MgPerDl, ""});
    REQUIRE(d.egfr);
    CHECK(*d.egfr == Approx(0.413 * 127.0 / 0.5));
    CHECK_THAT(d.egfrMethod, Contains("Schwartz"));
    CHECK(d.creatinine_supplied == 1);
}

TEST_CASE("a child with no usable height gets no eGFR and the reason, while the creatinine still counts as given") {
    Patient p;
    p.dob = "2017-03-01";
    const auto d = derive(p, Creatinine{0.5, CreatinineUnit::MgPerDl, ""}, "2026-11-25", true);
    CHECK_FALSE(d.egfr);
    CHECK(d.creatinine_supplied == 1);
    bool said = false;
    for (const auto& pr : d.problems) said = said || (pr.value == "egfr" && pr.message.find("height") != std::string::npos);
    CHECK(said);
}

TEST_CASE("the eGFR uses the age on the day the sample was drawn, whatever day it is looked at") {
    Patient p;
    p.dob = "1966-11-20"; // 59 on 2026-11-01, 60 on 2026-11-25
    const auto atReview = derive(p, Creatinine{1.4, CreatinineUnit::MgPerDl, "2026-11-01"}, "2026-11-25");
    const auto later = derive(p, Creatinine{1.4, CreatinineUnit::MgPerDl, "2026-11-01"}, "2027-03-01");
    REQUIRE(atReview.egfr);
    REQUIRE(later.egfr);
    CHECK(*atReview.egfr == Approx(ckdEpi2021(1.4, 59, Sex::Male)));
    CHECK(*later.egfr == Approx(*atReview.egfr));
    CHECK(atReview.age == 60); // the patient's age for the screening is still today's
}

TEST_CASE("no creatinine means no eGFR and no 'creatinine supplied'") {
    const auto d = derive({}, std::nullopt);
    CHECK_FALSE(d.creatinine_supplied);
    CHECK(d.egfrMethod.empty());
}

TEST_CASE("an implausible creatinine or a lab dated after the screening is reported") {
    const auto bad = derive({}, Creatinine{250, CreatinineUnit::MgPerDl, ""});
    CHECK_FALSE(bad.egfr);
    CHECK(bad.creatinine_supplied == 1); // a rule can still ask a person to look at it
    REQUIRE(bad.problems.size() == 1);
    CHECK_THAT(bad.problems[0].message, Contains("plausible range"));
    const auto future = derive({}, Creatinine{1.0, CreatinineUnit::MgPerDl, "2026-12-01"});
    CHECK_FALSE(future.lab_age_days);
    CHECK(future.egfr); // the value itself is still usable
    REQUIRE(future.problems.size() == 1);
    CHECK_THAT(future.problems[0].message, Contains("after the screening date"));
}
