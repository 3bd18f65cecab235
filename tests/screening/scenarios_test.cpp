// Clinical scenarios: patients described the way a technologist would describe them ("a woman of
// 75 with a pacemaker", "a boy of 9 whose mother fills in the form"), turned into answers by a
// small builder that starts from the no-risk example, then screened with the shipped form 2.1.0
// and its default policy. Each scenario names the flags that must be raised (with their
// severity as staff see them) and the flags that must not.
#include "mri_responses.h"
#include "test_support.h"

#include <catch2/catch.hpp>

#include <algorithm>
#include <cmath>
#include <initializer_list>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <utility>
#include <vector>

using namespace mrscreen;
using screening::ContrastPlan;
using screening::Creatinine;
using screening::CreatinineUnit;
using screening::Severity;
using nlohmann::json;
using Catch::Matchers::Contains;

namespace {

const std::string kScreeningDay = "2026-11-20"; // the day the no-risk example was authored

// The sex recorded on the form.
enum class Sex { Female, Male, Other };

// What a patient answers to a Yes / No / Not sure question (and the pregnancy questions).
enum class Answer { Yes, No, NotSure, DoesNotApply };

enum class Device {
    // Stop level: asked of every patient on the two checklist pages.
    Pacemaker, Icd, PacingLeads, AneurysmClip, CarotidClamp, Neurostimulator, CochlearImplant, DrugPump,
    BoneGrowthStimulator, CapsuleCamera, BreastExpander,
    // Review level: the checklist behind "apart from the devices above".
    ExternalInsulinPump, GlucoseMonitor, MagneticImplant, HeartValve, Coil, Filter, Stent, Shunt, Port,
    EyeProsthesis, PenileProsthesis, ArtificialLimb, JointReplacement, BoneHardware, Iud, RadiationSeeds,
    Electrodes, OtherMetal
};

// Other things a patient reports.
enum class Fact {
    PreviousMri, MetalWork, KidneyDisease, Dialysis, KidneyTransplant, SingleKidney, AcuteKidneyInjury,
    Diabetes, BloodPressurePills, Metformin, LiverDisease, GadoliniumBefore, Asthma, Allergies,
    OtherContrastReaction, Claustrophobia, Sedation, MedicationPatch, Tattoo, HearingAid, Dentures, HairPiece,
    HairClips, SurgeryBefore
};

enum class EyeCheck { Imaging, EyeDoctorOnly, NeverChecked, NotSure };

enum class Place { Eye, Face, Neck, Spine, NearBigVessel, Chest, Belly, Arm, Leg, Elsewhere, NotSure };

enum class Region { Head, Eye, Ear, Neck, Chest, Spine, Belly, Pelvis, Arm, Leg, Elsewhere, NotSure };

std::string linkIdOf(Device d) {
    static const std::map<Device, std::string> ids = {
        {Device::Pacemaker, "implant-pacemaker"}, {Device::Icd, "implant-icd"},
        {Device::PacingLeads, "implant-pacing-leads"}, {Device::AneurysmClip, "implant-aneurysm-clip"},
        {Device::CarotidClamp, "implant-carotid-clamp"}, {Device::Neurostimulator, "implant-neurostimulator"},
        {Device::CochlearImplant, "implant-cochlear"}, {Device::DrugPump, "implant-drug-pump"},
        {Device::BoneGrowthStimulator, "implant-bone-growth-stimulator"},
        {Device::CapsuleCamera, "implant-capsule-camera"}, {Device::BreastExpander, "implant-breast-expander"},
        {Device::ExternalInsulinPump, "implant-external-insulin-pump"},
        {Device::GlucoseMonitor, "implant-glucose-monitor"}, {Device::MagneticImplant, "implant-magnetic"},
        {Device::HeartValve, "implant-heart-valve"}, {Device::Coil, "implant-coil"},
        {Device::Filter, "implant-filter"}, {Device::Stent, "implant-stent"}, {Device::Shunt, "implant-shunt"},
        {Device::Port, "implant-access-port"}, {Device::EyeProsthesis, "implant-eye-prosthesis"},
        {Device::PenileProsthesis, "implant-penile-prosthesis"}, {Device::ArtificialLimb, "implant-artificial-limb"},
        {Device::JointReplacement, "implant-joint-replacement"}, {Device::BoneHardware, "implant-hardware"},
        {Device::Iud, "implant-iud"}, {Device::RadiationSeeds, "implant-radiation-seeds"},
        {Device::Electrodes, "implant-electrodes"}, {Device::OtherMetal, "implant-other"}};
    return ids.at(d);
}

bool stopLevel(Device d) { return d <= Device::BreastExpander; }

std::string linkIdOf(Fact f) {
    static const std::map<Fact, std::string> ids = {
        {Fact::PreviousMri, "previous-mri"}, {Fact::MetalWork, "metal-work"},
        {Fact::KidneyDisease, "kidney-disease"}, {Fact::Dialysis, "dialysis"},
        {Fact::KidneyTransplant, "kidney-transplant"}, {Fact::SingleKidney, "single-kidney"},
        {Fact::AcuteKidneyInjury, "acute-kidney-injury"}, {Fact::Diabetes, "diabetes"},
        {Fact::BloodPressurePills, "hypertension-medication"}, {Fact::Metformin, "metformin"},
        {Fact::LiverDisease, "liver-disease"}, {Fact::GadoliniumBefore, "gadolinium-prior"},
        {Fact::Asthma, "asthma"}, {Fact::Allergies, "allergies"},
        {Fact::OtherContrastReaction, "contrast-other-reaction"}, {Fact::Claustrophobia, "claustrophobia"},
        {Fact::Sedation, "sedation-request"}, {Fact::MedicationPatch, "med-patch"}, {Fact::Tattoo, "tattoo"},
        {Fact::HearingAid, "hearing-aid"}, {Fact::Dentures, "dentures"}, {Fact::HairPiece, "hair-piece"},
        {Fact::HairClips, "hair-clips-jewelry"}, {Fact::SurgeryBefore, "surgery-any"}};
    return ids.at(f);
}

std::string codeOf(Answer a) {
    switch (a) {
    case Answer::Yes: return "yes";
    case Answer::No: return "no";
    case Answer::NotSure: return "unsure";
    case Answer::DoesNotApply: return "not-applicable";
    }
    return "";
}

std::string codeOf(EyeCheck c) {
    switch (c) {
    case EyeCheck::Imaging: return "imaging";
    case EyeCheck::EyeDoctorOnly: return "exam";
    case EyeCheck::NeverChecked: return "none";
    case EyeCheck::NotSure: return "unsure";
    }
    return "";
}

std::string codeOf(Place p) {
    static const std::map<Place, std::string> codes = {
        {Place::Eye, "eye"},     {Place::Face, "face"},   {Place::Neck, "neck"},   {Place::Spine, "spine"},
        {Place::NearBigVessel, "vessel"}, {Place::Chest, "chest"}, {Place::Belly, "abdomen"}, {Place::Arm, "arm"},
        {Place::Leg, "leg"},     {Place::Elsewhere, "other"}, {Place::NotSure, "unsure"}};
    return codes.at(p);
}

std::string codeOf(Region r) {
    static const std::map<Region, std::string> codes = {
        {Region::Head, "head"},   {Region::Eye, "eye"},     {Region::Ear, "ear"},         {Region::Neck, "neck"},
        {Region::Chest, "chest"}, {Region::Spine, "spine"}, {Region::Belly, "abdomen"},   {Region::Pelvis, "pelvis"},
        {Region::Arm, "arm"},     {Region::Leg, "leg"},     {Region::Elsewhere, "other"}, {Region::NotSure, "unsure"}};
    return codes.at(r);
}

using test::coded;
using test::formItem;

// A patient, built from a description into a QuestionnaireResponse for form 2.1.0. Starts from
// the no-risk example (every question answered No) and changes only what the description says.
class Patient : public test::MriResponse<Patient> {
public:
    static Patient adult(Sex sex, int age) {
        Patient p(json::parse(test::slurp(test::sourcePath("forms/examples/no-risk.json"))));
        p.setSex(sex).setAge(age);
        return p;
    }

    // A child, filled in by a parent (the legal representative).
    static Patient child(Sex sex, int age, double heightCm, double weightKg) {
        Patient p = adult(sex, age);
        p.set("height-cm", {{"valueDecimal", heightCm}}).set("weight-kg", {{"valueDecimal", weightKg}});
        p.filledInBy("Rosa Delgado", "Mother");
        return p;
    }

    Patient& filledInBy(const std::string& name, const std::string& relationship) {
        set("completed-by", coded("completed-by", "representative"));
        set("representative-name", {{"valueString", name}});
        return set("representative-relationship", {{"valueString", relationship}});
    }

    Patient& weighsKg(double kg) { return set("weight-kg", {{"valueDecimal", kg}}); }

    Patient& weighsPounds(double lb) {
        remove("weight-kg");
        set("weight-unit", coded("weight-unit", "[lb_av]"));
        return set("weight-lb", {{"valueDecimal", lb}});
    }

    // A device the patient knows about (Yes), or is not sure about, as the kiosk asks it.
    Patient& has(Device d) { return device(d, Answer::Yes); }
    Patient& notSureAbout(Device d) { return device(d, Answer::NotSure); }

    // "Apart from the devices above" answered Yes or Not sure with nothing marked in the list.
    Patient& saysOtherImplantButMarksNothing(Answer a = Answer::Yes) {
        set("has-implants", coded("has-implants", codeOf(a)));
        completeChecklist();
        return *this;
    }

    // An imported response: a review-level device answered although has-implants is No, the way
    // another system might send it. The kiosk could never produce this.
    Patient& importedWith(Device d, Answer a) { return set(linkIdOf(d), coded(linkIdOf(d), codeOf(a))); }

    Patient& says(Fact f, Answer a) {
        const std::string id = linkIdOf(f);
        set(id, coded(id, codeOf(a)));
        if (f == Fact::PreviousMri && a != Answer::No) defaultIfMissing("previous-mri-problem", "no");
        if (f == Fact::GadoliniumBefore && a != Answer::No) defaultIfMissing("gadolinium-reaction", "no");
        return *this;
    }

    Patient& reactedToGadolinium(const std::string& severity) {
        says(Fact::GadoliniumBefore, Answer::Yes);
        set("gadolinium-reaction", coded("gadolinium-reaction", "yes"));
        return set("gadolinium-reaction-severity", coded("gadolinium-reaction-severity", severity));
    }

    // A metal injury to the eye (Yes, or Not sure) and how the eye was checked since.
    Patient& metalInEye(EyeCheck check, Answer injury = Answer::Yes) {
        set("eye-metal-injury", coded("eye-metal-injury", codeOf(injury)));
        return set("eye-metal-clearance", coded("eye-metal-clearance", codeOf(check)));
    }

    Patient& shot(std::initializer_list<Place> places, Answer injury = Answer::Yes) {
        set("bullet-injury", coded("bullet-injury", codeOf(injury)));
        json answers = json::array();
        for (Place p : places) answers.push_back(coded("bullet-location", codeOf(p)));
        node("bullet-location", true)->operator[]("answer") = answers;
        return *this;
    }

    // One more surgery on the list: what it was, where, and whether something was left in.
    Patient& hadSurgery(const std::string& what, std::initializer_list<Region> where, Answer leftIn = Answer::No) {
        set("surgery-any", coded("surgery-any", "yes"));
        json regions = json::array();
        for (Region r : where) regions.push_back(coded("surgery-region", codeOf(r)));
        const json entry = {{"linkId", "surgery-entry"},
                            {"item", json::array({{{"linkId", "surgery-type"}, {"answer", {{{"valueString", what}}}}},
                                                  {{"linkId", "surgery-region"}, {"answer", regions}},
                                                  {{"linkId", "surgery-implant"},
                                                   {"answer", {coded("surgery-implant", codeOf(leftIn))}}}})}};
        for (auto& section : doc_["item"])
            if (section["linkId"] == "surgery") section["item"].push_back(entry);
        return *this;
    }

    Patient& pregnant(Answer a) { return set("pregnancy-possible", coded("pregnancy-possible", codeOf(a))); }
    Patient& breastfeeding(Answer a) { return set("breastfeeding", coded("breastfeeding", codeOf(a))); }

    // Piercings: has them (Yes or Not sure), and whether the jewelry comes out.
    Patient& pierced(Answer removable, Answer piercing = Answer::Yes) {
        set("piercing", coded("piercing", codeOf(piercing)));
        return set("piercing-removable", coded("piercing-removable", codeOf(removable)));
    }

    Patient& withoutBirthDate() { return remove("birth-date"); }

    const json& response() const { return doc_; }

private:
    explicit Patient(json doc) : MriResponse(std::move(doc)) {}

    Patient& setSex(Sex sex) {
        static const std::map<Sex, std::string> codes = {
            {Sex::Female, "female"}, {Sex::Male, "male"}, {Sex::Other, "other"}};
        sex_ = sex;
        return set("sex", coded("sex", codes.at(sex)));
    }

    // Born on 15 March, so the age on the screening day (20 November 2026) is `age`. Patients who
    // could be pregnant answer No to both pregnancy questions; others say they do not apply.
    Patient& setAge(int age) {
        set("birth-date", {{"valueDate", std::to_string(2026 - age) + "-03-15"}});
        const bool couldBe = sex_ != Sex::Male && age >= 12 && age <= 55;
        const Answer a = couldBe ? Answer::No : Answer::DoesNotApply;
        pregnant(a);
        return breastfeeding(a);
    }

    Patient& device(Device d, Answer a) {
        if (!stopLevel(d) && codeOfAnswer("has-implants") != "yes") {
            set("has-implants", coded("has-implants", "yes"));
            completeChecklist();
        }
        set(linkIdOf(d), coded(linkIdOf(d), codeOf(a)));
        return *this;
    }

    void completeChecklist() {
        const auto& form = test::mriForm();
        for (int child : formItem("implant-checklist").children) {
            const auto& item = form.items[std::size_t(child)];
            if (item.type == screening::ItemType::Choice) defaultIfMissing(item.linkId, "no");
        }
    }

    void defaultIfMissing(const std::string& linkId, const std::string& code) {
        const json* n = node(linkId, false);
        if (!n || !n->contains("answer")) set(linkId, coded(linkId, code));
    }

    std::string codeOfAnswer(const std::string& linkId) {
        const json* n = node(linkId, false);
        if (!n || !n->contains("answer") || (*n)["answer"].empty()) return "";
        return (*n)["answer"][0]["valueCoding"].value("code", "");
    }

    Sex sex_ = Sex::Male;
};

// The exam the patient is booked for: whether contrast is planned, a lab creatinine, the site's
// policy.
struct Visit {
    ContrastPlan contrast = ContrastPlan::Unknown;
    std::optional<Creatinine> creatinine;
    std::optional<std::pair<std::string, double>> site; // a parameter this site changed
};

Visit withContrast() { return {ContrastPlan::Yes, std::nullopt, std::nullopt}; }
Visit withoutContrast() { return {ContrastPlan::No, std::nullopt, std::nullopt}; }
Visit withCreatinine(double mgPerDl, ContrastPlan plan = ContrastPlan::Yes) {
    return {plan, Creatinine{mgPerDl, CreatinineUnit::MgPerDl, "2026-11-13"}, std::nullopt};
}

screening::RuleSet siteRules(const std::string& parameter, double value) {
    json doc = json::parse(test::slurp(test::sourcePath("forms/mri-safety.rules.json")));
    doc["parameters"][parameter]["value"] = value;
    return screening::loadRules(doc.dump(), "site-rules.json", test::mriForm());
}

struct Outcome {
    std::unique_ptr<screening::Response> response;
    std::unique_ptr<screening::ScreeningAnswers> answers;
    screening::Assessment result;

    const screening::Flag* flag(const std::string& id) const {
        for (const auto& f : result.flags)
            if (f.id == id) return &f;
        return nullptr;
    }
    std::string ids() const {
        std::string out;
        for (const auto& f : result.flags) out += (out.empty() ? "" : ", ") + f.id + " (" + severityName(f.severity) + ")";
        return out.empty() ? "(none)" : out;
    }
    std::string errors() const {
        std::string out;
        for (const auto& e : result.errors) out += e.linkId + ": " + e.code + "; ";
        return out;
    }
};

Outcome screen(const Patient& p, const Visit& visit = {}) {
    Outcome o;
    o.response = std::make_unique<screening::Response>(test::responseFromJson(p.response()));
    o.answers = std::make_unique<screening::ScreeningAnswers>(test::mriForm(), *o.response);
    screening::AssessmentInput input;
    input.screeningDate = kScreeningDay;
    input.creatinine = visit.creatinine;
    input.contrast = visit.contrast;
    if (visit.site) {
        const screening::RuleSet rules = siteRules(visit.site->first, visit.site->second);
        o.result = screening::assess(*o.answers, &rules, input);
    } else {
        o.result = screening::assess(*o.answers, &test::mriRules(), input);
    }
    return o;
}

using Must = std::initializer_list<std::pair<const char*, Severity>>;
using MustNot = std::initializer_list<const char*>;

// The response is complete, each flag of `must` is raised at that severity, none of `mustNot` is.
void expect(const Outcome& o, Must must, MustNot mustNot, bool complete = true) {
    INFO("flags raised: " << o.ids());
    INFO("validation errors: " << o.errors());
    if (complete) CHECK(o.result.valid());
    for (const auto& [id, severity] : must) {
        INFO("must raise " << id << " (" << severityName(severity) << ")");
        const screening::Flag* f = o.flag(id);
        REQUIRE(f);
        CHECK(f->severity == severity);
        CHECK_FALSE(f->message.empty());
    }
    for (const char* id : mustNot) {
        INFO("must not raise " << id);
        CHECK_FALSE(o.flag(id));
    }
}

// Exactly these flags and no others.
void expectOnly(const Outcome& o, Must must) {
    expect(o, must, {});
    std::set<std::string> wanted, raised;
    for (const auto& m : must) wanted.insert(m.first);
    for (const auto& f : o.result.flags) raised.insert(f.id);
    INFO("flags raised: " << o.ids());
    CHECK(raised == wanted);
}

constexpr Severity Stop = Severity::Stop;
constexpr Severity Review = Severity::Review;
constexpr Severity Info = Severity::Info;

} // namespace

// ---------------------------------------------------------------------------------------------
// Devices: every patient answers the stop-level items; one "No" cannot answer them all.

TEST_CASE("a woman of 75 with a pacemaker and nothing else is held at the Zone IV door") {
    const auto o = screen(Patient::adult(Sex::Female, 75).has(Device::Pacemaker));
    expect(o, {{"implant-pacemaker", Stop}, {"renal-egfr-needed", Review}},
           {"implant-not-identified", "unsure-answers", "pregnancy-not-applicable-check"});
    CHECK(o.flag("implant-pacemaker")->gate == screening::Gate::ZoneIv);
    CHECK(o.flag("renal-egfr-needed")->gate == screening::Gate::Contrast);
}

TEST_CASE("a man of 50 who is not sure whether he has a defibrillator is held like one who has it") {
    expectOnly(screen(Patient::adult(Sex::Male, 50).notSureAbout(Device::Icd)), {{"implant-icd", Stop}});
}

TEST_CASE("a woman of 52 with a carotid artery clamp is held for the authorised signer") {
    expectOnly(screen(Patient::adult(Sex::Female, 52).has(Device::CarotidClamp)), {{"implant-carotid-clamp", Stop}});
}

TEST_CASE("a woman of 41 with a breast tissue expander is held even though she has no other implant") {
    expectOnly(screen(Patient::adult(Sex::Female, 41).has(Device::BreastExpander)), {{"implant-breast-expander", Stop}});
}

TEST_CASE("a man of 30 not sure whether his capsule camera has passed is held") {
    expectOnly(screen(Patient::adult(Sex::Male, 30).notSureAbout(Device::CapsuleCamera)),
               {{"implant-capsule-camera", Stop}});
}

TEST_CASE("a woman of 45 with a knee replacement gets a device review and nothing about unmarked implants") {
    expect(screen(Patient::adult(Sex::Female, 45).has(Device::JointReplacement)),
           {{"implant-joint-replacement", Review}}, {"implant-not-identified", "implant-hardware", "unsure-answers"});
}

TEST_CASE("a woman of 66 with an insulin pump and a glucose sensor gets a review for each and needs an eGFR") {
    expectOnly(screen(Patient::adult(Sex::Female, 66).has(Device::ExternalInsulinPump).has(Device::GlucoseMonitor)
                          .says(Fact::Diabetes, Answer::Yes)),
               {{"implant-external-insulin-pump", Review}, {"implant-glucose-monitor", Review},
                {"renal-egfr-needed", Review}});
}

TEST_CASE("a man of 40 who says he has another implant but marks nothing is asked to identify it") {
    expectOnly(screen(Patient::adult(Sex::Male, 40).saysOtherImplantButMarksNothing()),
               {{"implant-not-identified", Review}});
}

TEST_CASE("a man of 58 not sure whether he has any other implant raises the identify-it review, not the catch-all") {
    expect(screen(Patient::adult(Sex::Male, 58).saysOtherImplantButMarksNothing(Answer::NotSure)),
           {{"implant-not-identified", Review}}, {"unsure-answers"});
}

TEST_CASE("a patient not sure about a heart valve gets the heart valve review with its own message") {
    const auto o = screen(Patient::adult(Sex::Male, 63).notSureAbout(Device::HeartValve)
                              .says(Fact::BloodPressurePills, Answer::Yes));
    expect(o, {{"implant-heart-valve", Review}, {"renal-egfr-needed", Review}}, {"unsure-answers"});
    CHECK_THAT(o.flag("implant-heart-valve")->message, Contains("Heart valve") && Contains("not ruled out"));
}

// ---------------------------------------------------------------------------------------------
// Contradictory imports: has-implants No, yet a device behind it.

TEST_CASE("an import that says no other implants but marks a stent raises a contradiction at review") {
    const auto o = screen(Patient::adult(Sex::Male, 60).importedWith(Device::Stent, Answer::Yes));
    expect(o, {{"answers-contradict-implant-stent", Review}, {"renal-egfr-needed", Review}}, {"implant-stent"});
    CHECK(o.flag("answers-contradict-implant-stent")->category == "implant");
    CHECK_THAT(o.flag("answers-contradict-implant-stent")->message, Contains("contradict"));
}

TEST_CASE("an import that says no other implants but is not sure about a coil raises a contradiction") {
    expect(screen(Patient::adult(Sex::Female, 49).importedWith(Device::Coil, Answer::NotSure)),
           {{"answers-contradict-implant-coil", Review}}, {"implant-coil", "unsure-answers"});
}

TEST_CASE("an import that marks a stent No behind has-implants No raises nothing") {
    expectOnly(screen(Patient::adult(Sex::Male, 35).importedWith(Device::Stent, Answer::No)), {});
}

TEST_CASE("the contradictory-import example raises the stent contradiction and keeps the ignored answer") {
    screening::Response response =
        test::responseFromJson(json::parse(test::slurp(test::sourcePath("forms/examples/contradictory-import.json"))));
    screening::ScreeningAnswers answers(test::mriForm(), response);
    screening::AssessmentInput input;
    input.screeningDate = kScreeningDay;
    const auto a = screening::assess(answers, &test::mriRules(), input);
    REQUIRE(a.flags.size() == 1);
    CHECK(a.flags[0].id == "answers-contradict-implant-stent");
    const json ignored = screening::ignoredAnswersToJson(answers, "en");
    CHECK_THAT(ignored.dump(), Contains("implant-stent") && Contains("Yes"));
}

// ---------------------------------------------------------------------------------------------
// Children, filled in by a parent.

TEST_CASE("a girl of 7 with kidney disease, her mother filling in, gets a bedside Schwartz eGFR from her creatinine") {
    const auto child = Patient::child(Sex::Female, 7, 121, 23).says(Fact::KidneyDisease, Answer::Yes);
    const auto o = screen(child, withCreatinine(0.5));
    CHECK(o.result.derived.egfr.value_or(0) == Approx(0.413 * 121 / 0.5));
    CHECK_THAT(o.result.derived.egfrMethod, Contains("Schwartz"));
    expect(o, {}, {"renal-egfr-low", "renal-egfr-reduced", "renal-egfr-not-computable", "renal-egfr-needed",
                   "pregnancy-not-applicable-check"});
}

TEST_CASE("a girl of 7 whose creatinine gives a Schwartz eGFR under 30 is held for contrast") {
    const auto o = screen(Patient::child(Sex::Female, 7, 121, 23).says(Fact::KidneyDisease, Answer::Yes),
                          withCreatinine(1.8));
    CHECK(o.result.derived.egfr.value_or(0) == Approx(0.413 * 121 / 1.8));
    expect(o, {{"renal-egfr-low", Stop}}, {"renal-egfr-not-computable", "renal-egfr-reduced"});
    CHECK(o.flag("renal-egfr-low")->gate == screening::Gate::Contrast);
}

TEST_CASE("a boy of 9 with a shunt nobody is sure of, after head surgery as a baby, gets every review") {
    const auto o = screen(Patient::child(Sex::Male, 9, 132, 29)
                              .filledInBy("Carmen Alvarez", "Mother")
                              .hadSurgery("Head surgery as a baby", {Region::Head}, Answer::NotSure)
                              .notSureAbout(Device::Shunt));
    expectOnly(o, {{"implant-shunt", Review}, {"surgery-implant", Review}, {"surgery-region-review", Review}});
}

TEST_CASE("a boy of 10 with a cochlear implant is held, and nobody asks him about pregnancy again") {
    expectOnly(screen(Patient::child(Sex::Male, 10, 140, 33).has(Device::CochlearImplant)),
               {{"implant-cochlear", Stop}});
}

TEST_CASE("a girl of 14 whose father says pregnancy does not apply is asked again during the verbal review") {
    const auto o = screen(Patient::child(Sex::Female, 14, 160, 50).filledInBy("Tomás Ruiz", "Father")
                              .pregnant(Answer::DoesNotApply).breastfeeding(Answer::DoesNotApply));
    expectOnly(o, {{"pregnancy-not-applicable-check", Info}});
}

TEST_CASE("a girl of 11 whose mother says pregnancy does not apply raises nothing") {
    expectOnly(screen(Patient::child(Sex::Female, 11, 145, 38)), {});
}

// ---------------------------------------------------------------------------------------------
// Eyes.

TEST_CASE("a welder of 52 with metal in the eye never checked is held twice, for the eye and the work") {
    expectOnly(screen(Patient::adult(Sex::Male, 52).metalInEye(EyeCheck::NeverChecked).says(Fact::MetalWork, Answer::Yes)),
               {{"eye-metal-not-cleared", Stop}, {"metal-work", Stop}});
}

TEST_CASE("a man of 35 whose metal eye injury only an eye doctor examined gets a foreign-body review, not a stop") {
    expectOnly(screen(Patient::adult(Sex::Male, 35).metalInEye(EyeCheck::EyeDoctorOnly)),
               {{"eye-metal-exam-only", Review}});
}

TEST_CASE("at a site that accepts an eye doctor's examination the same man raises nothing") {
    Visit visit;
    visit.site = std::make_pair(std::string("eye_exam_clears"), 1.0);
    expectOnly(screen(Patient::adult(Sex::Male, 35).metalInEye(EyeCheck::EyeDoctorOnly), visit), {});
}

TEST_CASE("a man of 44 whose eyes were scanned since the injury gets a note to find the report") {
    expectOnly(screen(Patient::adult(Sex::Male, 44).metalInEye(EyeCheck::Imaging)), {{"eye-metal-imaging-report", Info}});
}

TEST_CASE("a woman of 29 not sure whether metal got into her eye nor how it was checked is held") {
    expect(screen(Patient::adult(Sex::Female, 29).metalInEye(EyeCheck::NotSure, Answer::NotSure)),
           {{"eye-metal-not-cleared", Stop}}, {"unsure-answers", "eye-metal-exam-only"});
}

// ---------------------------------------------------------------------------------------------
// Bullets and shrapnel.

TEST_CASE("a man of 31 with a bullet near his spine is held") {
    expectOnly(screen(Patient::adult(Sex::Male, 31).shot({Place::Spine})), {{"bullet-near-critical", Stop}});
}

TEST_CASE("a man of 45 with pellets in his face and arm is held for the face") {
    expectOnly(screen(Patient::adult(Sex::Male, 45).shot({Place::Arm, Place::Face})), {{"bullet-near-critical", Stop}});
}

TEST_CASE("a man of 27 with shrapnel in his leg gets a review, not a stop") {
    expectOnly(screen(Patient::adult(Sex::Male, 27).shot({Place::Leg})), {{"bullet-shrapnel", Review}});
}

TEST_CASE("a veteran of 58 not sure where the fragments are gets a foreign-body review") {
    expectOnly(screen(Patient::adult(Sex::Male, 58).shot({Place::NotSure}, Answer::NotSure)),
               {{"bullet-location-unknown", Review}});
}

TEST_CASE("the bullet-spine example is held for the bullet near the spine") {
    screening::Response response =
        test::responseFromJson(json::parse(test::slurp(test::sourcePath("forms/examples/bullet-spine.json"))));
    screening::ScreeningAnswers answers(test::mriForm(), response);
    screening::AssessmentInput input;
    input.screeningDate = kScreeningDay;
    const auto a = screening::assess(answers, &test::mriRules(), input);
    REQUIRE(a.flags.size() == 1);
    CHECK(a.flags[0].id == "bullet-near-critical");
    CHECK(a.flags[0].severity == Stop);
}

// ---------------------------------------------------------------------------------------------
// Surgery.

TEST_CASE("a woman of 55 after thyroid surgery is asked what was done in her neck") {
    expectOnly(screen(Patient::adult(Sex::Female, 55).hadSurgery("Thyroid removed", {Region::Neck})),
               {{"surgery-region-review", Review}});
}

TEST_CASE("a man of 48 whose appendix was taken out raises nothing") {
    expectOnly(screen(Patient::adult(Sex::Male, 48).hadSurgery("Appendix removed", {Region::Belly})), {});
}

TEST_CASE("a woman of 62 with rods left in her back after spine surgery gets the surgery, region and hardware reviews") {
    expectOnly(screen(Patient::adult(Sex::Female, 62).hadSurgery("Spinal fusion", {Region::Spine}, Answer::Yes)
                          .has(Device::BoneHardware)),
               {{"surgery-implant", Review}, {"surgery-region-review", Review}, {"implant-hardware", Review},
                {"renal-egfr-needed", Review}});
}

TEST_CASE("a man of 70 who does not remember where an old operation was gets the region review") {
    expectOnly(screen(Patient::adult(Sex::Male, 70).hadSurgery("An operation in the 1980s", {Region::NotSure})),
               {{"surgery-region-review", Review}, {"renal-egfr-needed", Review}});
}

// ---------------------------------------------------------------------------------------------
// Pregnancy, for every sex of child-bearing age.

TEST_CASE("a woman of 29 who may be pregnant, booked with contrast, gets the pregnancy and gadolinium reviews") {
    expectOnly(screen(Patient::adult(Sex::Female, 29).pregnant(Answer::Yes), withContrast()),
               {{"pregnancy-possible", Review}, {"pregnancy-gadolinium", Review}});
}

TEST_CASE("the same woman booked without contrast keeps the pregnancy review and the gadolinium one becomes a note") {
    expectOnly(screen(Patient::adult(Sex::Female, 29).pregnant(Answer::Yes), withoutContrast()),
               {{"pregnancy-possible", Review}, {"pregnancy-gadolinium", Info}});
}

TEST_CASE("a woman of 34 who says pregnancy does not apply is asked again during the verbal review") {
    expectOnly(screen(Patient::adult(Sex::Female, 34).pregnant(Answer::DoesNotApply)),
               {{"pregnancy-not-applicable-check", Info}});
}

TEST_CASE("a patient of 30 whose sex is recorded as other and who says pregnancy does not apply is asked again") {
    expectOnly(screen(Patient::adult(Sex::Other, 30).pregnant(Answer::DoesNotApply).breastfeeding(Answer::DoesNotApply)),
               {{"pregnancy-not-applicable-check", Info}});
}

TEST_CASE("a patient of 25 whose sex is recorded as other and who is not sure about pregnancy gets the pregnancy reviews") {
    expect(screen(Patient::adult(Sex::Other, 25).pregnant(Answer::NotSure)),
           {{"pregnancy-possible", Review}, {"pregnancy-gadolinium", Review}}, {"unsure-answers"});
}

TEST_CASE("a man of 30 for whom pregnancy does not apply raises nothing") {
    expectOnly(screen(Patient::adult(Sex::Male, 30)), {});
}

TEST_CASE("a man of 33 who answers that he may be pregnant gets the pregnancy review like anyone else") {
    expect(screen(Patient::adult(Sex::Male, 33).pregnant(Answer::Yes)), {{"pregnancy-possible", Review}}, {});
}

TEST_CASE("a woman of 58 for whom pregnancy does not apply is not asked again") {
    expect(screen(Patient::adult(Sex::Female, 58).pregnant(Answer::DoesNotApply).breastfeeding(Answer::DoesNotApply)),
           {}, {"pregnancy-not-applicable-check", "renal-egfr-needed"});
}

TEST_CASE("a breastfeeding woman of 31 gets a contrast note, which stays a note without contrast") {
    expectOnly(screen(Patient::adult(Sex::Female, 31).breastfeeding(Answer::Yes), withContrast()),
               {{"breastfeeding", Info}});
    expectOnly(screen(Patient::adult(Sex::Female, 31).breastfeeding(Answer::Yes), withoutContrast()),
               {{"breastfeeding", Info}});
}

// ---------------------------------------------------------------------------------------------
// Weight.

TEST_CASE("a man of 40 weighing 450 kg can finish the form and is held at the table limit") {
    expectOnly(screen(Patient::adult(Sex::Male, 40).weighsKg(450)), {{"weight-over-table-limit", Stop}});
}

TEST_CASE("a man of 56 weighing 465 lb is held at the table limit") {
    expectOnly(screen(Patient::adult(Sex::Male, 56).weighsPounds(465)), {{"weight-over-table-limit", Stop}});
}

TEST_CASE("a woman of 30 weighing 199 kg raises nothing") {
    expectOnly(screen(Patient::adult(Sex::Female, 30).weighsKg(199)), {});
}

// ---------------------------------------------------------------------------------------------
// Patches and piercings.

TEST_CASE("a woman of 70 with a pain patch gets a review so someone removes it with the prescriber's input") {
    const auto o = screen(Patient::adult(Sex::Female, 70).says(Fact::MedicationPatch, Answer::Yes));
    expectOnly(o, {{"med-patch", Review}, {"renal-egfr-needed", Review}});
    CHECK_THAT(o.flag("med-patch")->message, Contains("opioid") && Contains("prescriber"));
}

TEST_CASE("a man of 61 not sure whether he wears a patch still gets the patch review") {
    expect(screen(Patient::adult(Sex::Male, 61).says(Fact::MedicationPatch, Answer::NotSure)),
           {{"med-patch", Review}}, {"unsure-answers"});
}

TEST_CASE("a woman of 22 whose piercings come out gets a note to remove them") {
    expectOnly(screen(Patient::adult(Sex::Female, 22).pierced(Answer::Yes)), {{"piercing", Info}});
}

TEST_CASE("a man of 25 with a piercing that cannot come out gets a review") {
    expectOnly(screen(Patient::adult(Sex::Male, 25).pierced(Answer::No)), {{"piercing-not-removable", Review}});
}

TEST_CASE("a woman of 19 not sure whether her piercing comes out gets the piercing review") {
    expect(screen(Patient::adult(Sex::Female, 19).pierced(Answer::NotSure)), {{"piercing-not-removable", Review}},
           {"piercing", "unsure-answers"});
}

// ---------------------------------------------------------------------------------------------
// Kidneys and contrast: a decision of its own.

TEST_CASE("a man of 67 on dialysis booked for a knee MRI without contrast is not held at the Zone IV door") {
    const auto o = screen(Patient::adult(Sex::Male, 67).says(Fact::Dialysis, Answer::Yes)
                              .says(Fact::KidneyDisease, Answer::Yes), withoutContrast());
    expectOnly(o, {{"renal-dialysis-or-aki", Info}, {"renal-egfr-needed", Info}});
    for (const auto& f : o.result.flags) CHECK(f.gate == screening::Gate::Contrast);
}

TEST_CASE("the same man booked with contrast is held for the contrast decision") {
    expectOnly(screen(Patient::adult(Sex::Male, 67).says(Fact::Dialysis, Answer::Yes).says(Fact::KidneyDisease, Answer::Yes),
                      withContrast()),
               {{"renal-dialysis-or-aki", Stop}, {"renal-egfr-needed", Review}});
}

TEST_CASE("when nobody has said whether contrast is planned the contrast flags stay as raised") {
    expect(screen(Patient::adult(Sex::Male, 67).says(Fact::Dialysis, Answer::Yes)), {{"renal-dialysis-or-aki", Stop}}, {});
}

TEST_CASE("a man of 55 with diabetes and a normal creatinine last week needs nothing more") {
    expectOnly(screen(Patient::adult(Sex::Male, 55).says(Fact::Diabetes, Answer::Yes), withCreatinine(1.0)), {});
}

TEST_CASE("a patient of 50 whose sex is other gets the lower of the two CKD-EPI values from a creatinine") {
    const auto o = screen(Patient::adult(Sex::Other, 50).says(Fact::Metformin, Answer::Yes), withCreatinine(1.6));
    const double female = screening::ckdEpi2021(1.6, 50, screening::Sex::Female);
    const double male = screening::ckdEpi2021(1.6, 50, screening::Sex::Male);
    CHECK(o.result.derived.egfr.value_or(0) == Approx(std::min(female, male)));
    CHECK_THAT(o.result.derived.egfrMethod, Contains("lower"));
    expect(o, {{"renal-egfr-reduced", Review}}, {"renal-egfr-not-computable", "renal-egfr-needed", "renal-egfr-low"});
}

TEST_CASE("a creatinine typed as 55 mg/dL, from which no eGFR can be computed, still raises a renal review") {
    const auto o = screen(Patient::adult(Sex::Female, 47), withCreatinine(55));
    CHECK_FALSE(o.result.derived.egfr);
    expectOnly(o, {{"renal-egfr-not-computable", Review}});
}

TEST_CASE("a creatinine for a patient with no date of birth raises the renal review, and the form is incomplete") {
    const auto o = screen(Patient::adult(Sex::Male, 47).withoutBirthDate(), withCreatinine(1.0));
    expect(o, {{"renal-egfr-not-computable", Review}}, {"renal-egfr-low"}, false);
}

TEST_CASE("a woman of 38 with asthma and allergies is flagged for the radiologist when contrast is planned") {
    expectOnly(screen(Patient::adult(Sex::Female, 38).says(Fact::Asthma, Answer::Yes).says(Fact::Allergies, Answer::Yes),
                      withContrast()),
               {{"contrast-asthma", Review}, {"contrast-allergies", Review}});
}

TEST_CASE("the same woman booked without contrast gets those as notes only") {
    expectOnly(screen(Patient::adult(Sex::Female, 38).says(Fact::Asthma, Answer::Yes).says(Fact::Allergies, Answer::Yes),
                      withoutContrast()),
               {{"contrast-asthma", Info}, {"contrast-allergies", Info}});
}

TEST_CASE("a man of 46 who once reacted to CT dye is flagged for premedication or another agent") {
    const auto o = screen(Patient::adult(Sex::Male, 46).says(Fact::OtherContrastReaction, Answer::Yes), withContrast());
    expectOnly(o, {{"contrast-other-reaction", Review}});
    CHECK_THAT(o.flag("contrast-other-reaction")->message, Contains("premedication"));
}

TEST_CASE("a woman of 38 with a severe gadolinium reaction booked without contrast is not held at the door") {
    const auto o = screen(Patient::adult(Sex::Female, 38).reactedToGadolinium("severe"), withoutContrast());
    expectOnly(o, {{"gadolinium-reaction-severe", Info}, {"gadolinium-reaction", Info}});
}

TEST_CASE("the same woman booked with contrast is held for the contrast decision") {
    expectOnly(screen(Patient::adult(Sex::Female, 38).reactedToGadolinium("severe"), withContrast()),
               {{"gadolinium-reaction-severe", Stop}, {"gadolinium-reaction", Review}});
}

// ---------------------------------------------------------------------------------------------
// Patients who answer Not sure.

TEST_CASE("a man of 36 not sure about tattoos and hearing aids gets the catch-all review naming both") {
    const auto o = screen(Patient::adult(Sex::Male, 36).says(Fact::Tattoo, Answer::NotSure)
                              .says(Fact::HearingAid, Answer::NotSure));
    expectOnly(o, {{"unsure-answers", Review}});
    CHECK(o.flag("unsure-answers")->triggers.size() == 2);
}

TEST_CASE("a woman of 44 not sure whether she wants sedation gets the sedation review, not the catch-all") {
    expectOnly(screen(Patient::adult(Sex::Female, 44).says(Fact::Sedation, Answer::NotSure)),
               {{"sedation-request", Review}});
}

TEST_CASE("a man of 39 not sure whether he ever had surgery gets the catch-all review") {
    expectOnly(screen(Patient::adult(Sex::Male, 39).says(Fact::SurgeryBefore, Answer::NotSure)),
               {{"unsure-answers", Review}});
}

TEST_CASE("a woman of 57 not sure about metal work and dialysis is held for both and asked for an eGFR") {
    expectOnly(screen(Patient::adult(Sex::Female, 57).says(Fact::MetalWork, Answer::NotSure)
                          .says(Fact::Dialysis, Answer::NotSure), withContrast()),
               {{"metal-work", Stop}, {"renal-dialysis-or-aki", Stop}, {"renal-egfr-needed", Review}});
}

TEST_CASE("a patient who answered every stop-level device Not sure is held for each one") {
    Patient p = Patient::adult(Sex::Female, 50);
    for (Device d : {Device::Pacemaker, Device::Icd, Device::PacingLeads, Device::AneurysmClip, Device::CarotidClamp,
                     Device::Neurostimulator, Device::CochlearImplant, Device::DrugPump, Device::BoneGrowthStimulator,
                     Device::CapsuleCamera, Device::BreastExpander})
        p.notSureAbout(d);
    const auto o = screen(p);
    int stops = 0;
    for (const auto& f : o.result.flags) stops += f.severity == Stop ? 1 : 0;
    CHECK(stops == 11);
    expect(o, {{"implant-pacemaker", Stop}, {"implant-breast-expander", Stop}}, {"unsure-answers"});
}
