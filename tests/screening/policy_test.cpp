// The default site policy (forms/mri-safety.rules.json, form 2.0.0) over the shipped form: every
// rule firing for a minimal change to a no-risk screening and not firing for its near miss, the
// stop-level devices asked of every patient, "Not sure" never read as No (a stop-level question
// answered Not sure is held like a Yes, a review-level one raises its own flag, and Not sure opens
// the same follow-ups as Yes), contradictions between a gateway and the answers behind it, contrast
// flags that become information when no contrast is planned, a surgery history that cannot skip
// its details, thresholds and switches as site parameters, Spanish staff messages in Spanish MR
// terms, and the shipped examples raising the flags forms/README.md lists for them.
#include "mri_responses.h"
#include "test_support.h"

#include <catch2/catch.hpp>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <regex>
#include <set>
#include <sstream>

using namespace mrscreen;
using namespace mrscreen::screening;
using nlohmann::json;
using Catch::Matchers::Contains;

namespace {

const std::string kScreeningDay = "2026-11-20"; // the day every example was authored

using Ids = std::set<std::string>;

std::string join(const Ids& ids) {
    std::string out;
    for (const auto& id : ids) out += (out.empty() ? "" : ", ") + id;
    return out.empty() ? "(none)" : out;
}

using test::coded;
using test::formItem;

// Questions of the form offering a "Not sure" answer (code unsure), in form order.
std::vector<std::string> unsureQuestions() {
    std::vector<std::string> out;
    for (const auto& item : test::mriForm().items) {
        if (item.type != ItemType::Choice) continue;
        const bool unsure = std::any_of(item.options.begin(), item.options.end(), [](const AnswerOption& o) {
            return o.value.type == ValueType::Coding && o.value.coding.code == "unsure";
        });
        if (unsure) out.push_back(item.linkId);
    }
    return out;
}

// The choice questions directly inside a group, in form order.
std::vector<std::string> questionsIn(const std::string& group) {
    const auto& form = test::mriForm();
    std::vector<std::string> out;
    for (int child : formItem(group).children) {
        const Item& item = form.items[std::size_t(child)];
        if (item.type == ItemType::Choice) out.push_back(item.linkId);
    }
    return out;
}

// The review-level implant checklist behind has-implants (implant-external-insulin-pump ... implant-other).
std::vector<std::string> checklistQuestions() { return questionsIn("implant-checklist"); }

// The stop-level devices every patient answers, on the two checklist pages.
std::vector<std::string> deviceQuestions() {
    auto out = questionsIn("implant-devices-heart");
    const auto other = questionsIn("implant-devices-other");
    out.insert(out.end(), other.begin(), other.end());
    return out;
}

const std::vector<std::string> kRenalRiskQuestions = {
    "kidney-disease", "dialysis",  "kidney-transplant",       "single-kidney", "kidney-surgery-cancer",
    "acute-kidney-injury", "diabetes", "hypertension-medication", "metformin", "liver-disease"};

// The stop rules on a Yes / No / Not sure question: each fires for Yes or Not sure (forms/README.md,
// "Rules conventions"), keyed by rule id, with the question that raises it alone.
const std::map<std::string, std::string> kStopOnYesOrUnsure = {
    {"implant-pacemaker", "implant-pacemaker"},
    {"implant-icd", "implant-icd"},
    {"implant-pacing-leads", "implant-pacing-leads"},
    {"implant-aneurysm-clip", "implant-aneurysm-clip"},
    {"implant-carotid-clamp", "implant-carotid-clamp"},
    {"implant-neurostimulator", "implant-neurostimulator"},
    {"implant-bone-growth-stimulator", "implant-bone-growth-stimulator"},
    {"implant-cochlear", "implant-cochlear"},
    {"implant-drug-pump", "implant-drug-pump"},
    {"implant-capsule-camera", "implant-capsule-camera"},
    {"implant-breast-expander", "implant-breast-expander"},
    {"metal-work", "metal-work"},
    {"renal-dialysis-or-aki", "dialysis"}, // and acute-kidney-injury
};

// The stop flags a Not sure on this question must raise (besides its review flags).
Ids stopsForUnsure(const std::string& linkId) {
    Ids out;
    for (const auto& [rule, question] : kStopOnYesOrUnsure)
        if (question == linkId) out.insert(rule);
    if (linkId == "acute-kidney-injury") out.insert("renal-dialysis-or-aki");
    return out;
}

// The review-level checklist item's own rule has the item's linkId as its id.
std::string ruleOf(const std::string& linkId) { return linkId; }

// A screening's QuestionnaireResponse being edited: answers are set by linkId anywhere in the
// nested items (test::MriResponse adds a missing question inside its groups, in form order).
class Screening : public test::MriResponse<Screening> {
public:
    explicit Screening(json doc) : MriResponse(std::move(doc)) {}

    static Screening example(const std::string& name) {
        return Screening(json::parse(test::slurp(test::sourcePath("forms/examples/" + name + ".json"))));
    }
    static Screening noRisk() { return example("no-risk"); }

    const json& doc() const { return doc_; }

    bool answered(const std::string& linkId) const {
        const json* n = const_cast<Screening*>(this)->node(linkId, false);
        return n && n->contains("answer") && !(*n)["answer"].empty();
    }

    std::string codeOf(const std::string& linkId) const {
        if (!answered(linkId)) return "";
        const json* n = const_cast<Screening*>(this)->node(linkId, false);
        const json& a = (*n)["answer"][0];
        return a.contains("valueCoding") ? a["valueCoding"].value("code", "") : "";
    }

    // A coded answer (yes / no / unsure, or another option code) as a patient would give it on
    // the kiosk: first whatever makes the question apply, then the required follow-ups of the
    // answer with harmless defaults, so the response stays complete.
    Screening& answer(const std::string& linkId, const std::string& code) {
        openGatesFor(linkId);
        set(linkId, coded(linkId, code));
        completeFollowUps();
        return *this;
    }

    // Several codes of a repeating choice question (surgery-region, bullet-location).
    Screening& choose(const std::string& linkId, const std::vector<std::string>& codes) {
        openGatesFor(linkId);
        json answers = json::array();
        for (const auto& c : codes) answers.push_back(coded(linkId, c));
        node(linkId, true)->operator[]("answer") = answers;
        completeFollowUps();
        return *this;
    }

    Screening& number(const std::string& linkId, double value) {
        openGatesFor(linkId);
        return set(linkId, formItem(linkId).type == ItemType::Integer
                               ? json{{"valueInteger", std::llround(value)}}
                               : json{{"valueDecimal", value}});
    }

    Screening& text(const std::string& linkId, const std::string& value) {
        openGatesFor(linkId);
        return set(linkId, {{"valueString", value}});
    }

private:
    void answerIfNot(const std::string& linkId, const std::string& code) {
        if (codeOf(linkId) != code) set(linkId, coded(linkId, code));
    }

    bool yesOrUnsure(const std::string& linkId) const {
        const std::string code = codeOf(linkId);
        return code == "yes" || code == "unsure";
    }

    // A gate answered Yes unless it already opens its follow-ups (Yes or Not sure).
    void openGate(const std::string& linkId) {
        if (!yesOrUnsure(linkId)) set(linkId, coded(linkId, "yes"));
    }

    void defaultIfMissing(const std::string& linkId, const json& answer) {
        if (!answered(linkId)) set(linkId, answer);
    }

    void openGatesFor(const std::string& linkId) {
        const auto& form = test::mriForm();
        const int index = form.indexOf(linkId);
        auto under = [&](const std::string& group) { return form.isAncestor(form.indexOf(group), index); };
        if (under("implant-checklist") && codeOf("has-implants") == "no") answerIfNot("has-implants", "yes");
        if (under("surgery-entry")) answerIfNot("surgery-any", "yes");
        if (linkId == "previous-mri-problem") openGate("previous-mri");
        if (linkId == "previous-mri-problem-details") {
            openGate("previous-mri");
            openGate("previous-mri-problem");
        }
        if (linkId == "gadolinium-doses") answerIfNot("gadolinium-prior", "yes");
        if (linkId == "gadolinium-reaction") openGate("gadolinium-prior");
        if (linkId == "gadolinium-reaction-severity" || linkId == "gadolinium-reaction-details") {
            openGate("gadolinium-prior");
            openGate("gadolinium-reaction");
        }
        if (linkId == "allergies-list") openGate("allergies");
        if (linkId == "eye-metal-clearance") openGate("eye-metal-injury");
        if (linkId == "bullet-location" || linkId == "bullet-location-details") openGate("bullet-injury");
        if (linkId == "piercing-removable") openGate("piercing");
        completeFollowUps();
    }

    // Required questions a gate answer brings up, answered the harmless way.
    void completeFollowUps() {
        if (yesOrUnsure("has-implants"))
            for (const auto& q : checklistQuestions()) defaultIfMissing(q, coded(q, "no"));
        if (codeOf("surgery-any") == "yes") {
            defaultIfMissing("surgery-type", {{"valueString", "Appendix removed"}});
            defaultIfMissing("surgery-region", coded("surgery-region", "abdomen"));
            defaultIfMissing("surgery-implant", coded("surgery-implant", "no"));
        }
        if (yesOrUnsure("previous-mri"))
            defaultIfMissing("previous-mri-problem", coded("previous-mri-problem", "no"));
        if (yesOrUnsure("eye-metal-injury"))
            defaultIfMissing("eye-metal-clearance", coded("eye-metal-clearance", "imaging"));
        if (yesOrUnsure("bullet-injury")) defaultIfMissing("bullet-location", coded("bullet-location", "arm"));
        if (yesOrUnsure("piercing")) defaultIfMissing("piercing-removable", coded("piercing-removable", "yes"));
        if (yesOrUnsure("gadolinium-prior"))
            defaultIfMissing("gadolinium-reaction", coded("gadolinium-reaction", "no"));
        if (yesOrUnsure("gadolinium-reaction"))
            defaultIfMissing("gadolinium-reaction-severity", coded("gadolinium-reaction-severity", "mild"));
    }
};

// A response evaluated like the kiosk does it on submit.
struct Evaluation {
    std::unique_ptr<Response> response;
    std::unique_ptr<ScreeningAnswers> answers;
    Assessment result;

    const Flag* flag(const std::string& id) const {
        for (const auto& f : result.flags)
            if (f.id == id) return &f;
        return nullptr;
    }
    Ids ids() const {
        Ids out;
        for (const auto& f : result.flags) out.insert(f.id);
        return out;
    }
    bool enabled(const std::string& linkId) const {
        const int index = test::mriForm().indexOf(linkId);
        return std::find(result.enabledItems.begin(), result.enabledItems.end(), index) !=
               result.enabledItems.end();
    }
    std::string errors() const {
        std::string out;
        for (const auto& e : result.errors) out += e.linkId + ": " + e.code + "; ";
        return out;
    }
    json written() const { return responseToJson(*response, &test::mriForm(), answers.get()); }
};

Evaluation evaluate(const json& doc, const std::optional<Creatinine>& lab = std::nullopt,
                    const std::string& language = "en", const RuleSet& rules = test::mriRules(),
                    ContrastPlan contrast = ContrastPlan::Unknown) {
    Evaluation e;
    e.response = std::make_unique<Response>(test::responseFromJson(doc));
    e.answers = std::make_unique<ScreeningAnswers>(test::mriForm(), *e.response);
    AssessmentInput input;
    input.language = language;
    input.screeningDate = kScreeningDay;
    input.creatinine = lab;
    input.contrast = contrast;
    e.result = assess(*e.answers, &rules, input);
    return e;
}

Evaluation evaluate(const Screening& s, const std::optional<Creatinine>& lab = std::nullopt) {
    return evaluate(s.doc(), lab);
}

// The trigger of `flag` naming this linkId or derived value, if any.
const Trigger* triggerOf(const Flag& flag, const std::string& name) {
    for (const auto& t : flag.triggers)
        if (t.linkId == name || t.derived == name) return &t;
    return nullptr;
}

bool hasAnswer(const Trigger& t, const std::string& answer) {
    return std::find(t.answers.begin(), t.answers.end(), answer) != t.answers.end();
}

// The creatinine (mg/dL) at which CKD-EPI 2021 gives `target` for this patient: the equation
// solved for a creatinine above kappa, then stepped down to the last double still giving at least
// `target`, so "exactly 30" is 30 and not 29.999999999.
double creatinineFor(double target, double age, Sex sex) {
    const bool female = sex == Sex::Female;
    const double kappa = female ? 0.7 : 0.9;
    const double factor = 142.0 * std::pow(0.9938, age) * (female ? 1.012 : 1.0);
    double scr = kappa * std::pow(factor / target, 1.0 / 1.2);
    while (ckdEpi2021(scr, age, sex) < target) scr = std::nextafter(scr, 0.0);
    return scr;
}

// A lab for the no-risk patient (man, 42 on the screening day) giving this eGFR, taken a week ago.
Creatinine labWithEgfr(double egfr, const std::string& date = "2026-11-13") {
    return Creatinine{creatinineFor(egfr, 42, Sex::Male), CreatinineUnit::MgPerDl, date};
}

Creatinine normalLab(const std::string& date) { return Creatinine{1.0, CreatinineUnit::MgPerDl, date}; }

// A creatinine no eGFR can be computed from: 55 "mg/dL" is a value in umol/L with the wrong unit.
Creatinine implausibleLab() { return Creatinine{55.0, CreatinineUnit::MgPerDl, "2026-11-13"}; }

RuleSet rulesWith(const std::string& parameter, double value) {
    json doc = json::parse(test::slurp(test::sourcePath("forms/mri-safety.rules.json")));
    REQUIRE(doc["parameters"].contains(parameter));
    doc["parameters"][parameter]["value"] = value;
    return loadRules(doc.dump(), "site-rules.json", test::mriForm());
}

const Rule& policyRule(const std::string& id) {
    for (const auto& r : test::mriRules().rules)
        if (r.id == id) return r;
    FAIL("the policy has no rule '" << id << "'");
    throw std::logic_error("unreachable");
}

// ---------------------------------------------------------------------------------------------
// One row per rule of the default policy: the smallest change to the no-risk screening that
// must raise it, and the nearest change that must not. Each scenario lists every flag it raises.

struct Scenario {
    std::string what;
    std::function<void(Screening&)> edit;
    Ids flags; // exactly the flags raised
    std::optional<Creatinine> lab = std::nullopt;
    std::optional<std::pair<std::string, double>> site = std::nullopt; // a parameter the site changed
};

struct RuleCase {
    std::string id;
    Severity severity;
    std::string category;
    Gate gate;
    std::string trigger;       // the linkId or derived value the flag must name
    std::string triggerAnswer; // the answer that trigger must show ("" for derived values)
    Scenario fires;
    Scenario misses;
};

Scenario answering(const std::string& linkId, const std::string& code, Ids flags) {
    return {"'" + linkId + "' answered " + code,
            [=](Screening& s) { s.answer(linkId, code); }, std::move(flags)};
}

Scenario choosing(const std::string& linkId, const std::vector<std::string>& codes, Ids flags) {
    std::string what;
    for (const auto& c : codes) what += (what.empty() ? "" : " and ") + c;
    return {"'" + linkId + "' answered " + what, [=](Screening& s) { s.choose(linkId, codes); }, std::move(flags)};
}

// A rule that fires on Yes to one question: No is the near miss.
RuleCase onYes(const std::string& id, const std::string& linkId, Severity severity, const std::string& category,
               Gate gate = Gate::ZoneIv, Ids whenNo = {}) {
    return {id, severity, category, gate, linkId, "yes", answering(linkId, "yes", {id}),
            answering(linkId, "no", std::move(whenNo))};
}

// A stop-level device every patient answers: Yes fires, No raises nothing.
RuleCase device(const std::string& id) { return onYes(id, id, Severity::Stop, "implant"); }

// A review-level checklist implant: Yes fires; No leaves a Yes to has-implants with nothing marked.
RuleCase implant(const std::string& id, const std::string& category) {
    return onYes(id, id, Severity::Review, category, Gate::ZoneIv, {"implant-not-identified"});
}

const std::vector<RuleCase>& implantCases() {
    static const std::vector<RuleCase> cases = {
        device("implant-pacemaker"),
        device("implant-icd"),
        device("implant-pacing-leads"),
        device("implant-aneurysm-clip"),
        device("implant-carotid-clamp"),
        device("implant-neurostimulator"),
        device("implant-cochlear"),
        device("implant-drug-pump"),
        device("implant-bone-growth-stimulator"),
        device("implant-capsule-camera"),
        device("implant-breast-expander"),
        implant("implant-external-insulin-pump", "device"),
        implant("implant-glucose-monitor", "device"),
        implant("implant-magnetic", "implant"),
        implant("implant-heart-valve", "implant"),
        implant("implant-coil", "implant"),
        implant("implant-filter", "implant"),
        implant("implant-stent", "implant"),
        implant("implant-shunt", "implant"),
        implant("implant-access-port", "implant"),
        implant("implant-eye-prosthesis", "implant"),
        implant("implant-penile-prosthesis", "implant"),
        implant("implant-artificial-limb", "device"),
        implant("implant-joint-replacement", "implant"),
        implant("implant-hardware", "implant"),
        implant("implant-iud", "implant"),
        implant("implant-radiation-seeds", "implant"),
        implant("implant-electrodes", "device"),
        implant("implant-other", "implant"),
    };
    return cases;
}

const std::vector<RuleCase>& yesAnswerCases() {
    static const std::vector<RuleCase> cases = {
        onYes("surgery-implant", "surgery-implant", Severity::Review, "implant"),
        onYes("metal-work", "metal-work", Severity::Stop, "foreign-body"),
        onYes("gadolinium-reaction", "gadolinium-reaction", Severity::Review, "gadolinium", Gate::Contrast),
        onYes("contrast-other-reaction", "contrast-other-reaction", Severity::Review, "gadolinium", Gate::Contrast),
        onYes("contrast-asthma", "asthma", Severity::Review, "gadolinium", Gate::Contrast),
        onYes("contrast-allergies", "allergies", Severity::Review, "gadolinium", Gate::Contrast),
        onYes("breastfeeding", "breastfeeding", Severity::Info, "pregnancy", Gate::Contrast),
        onYes("claustrophobia", "claustrophobia", Severity::Info, "comfort"),
        onYes("sedation-request", "sedation-request", Severity::Review, "comfort"),
        onYes("med-patch", "med-patch", Severity::Review, "device"),
        onYes("hearing-aid", "hearing-aid", Severity::Info, "device"),
        onYes("dentures", "dentures", Severity::Info, "device"),
        onYes("piercing", "piercing", Severity::Info, "device"), // removable (the default follow-up)
        onYes("hair-piece", "hair-piece", Severity::Info, "device"),
        onYes("hair-clips-jewelry", "hair-clips-jewelry", Severity::Info, "device"),
        onYes("tattoo", "tattoo", Severity::Info, "other"),
        onYes("previous-mri-problem", "previous-mri-problem", Severity::Review, "other"),
    };
    return cases;
}

// A woman of 34 for the pregnancy rules (the no-risk patient is a man of 42).
void woman34(Screening& s) {
    s.set("sex", coded("sex", "female")).set("birth-date", {{"valueDate", "1992-06-01"}});
    s.set("pregnancy-possible", coded("pregnancy-possible", "no")).set("breastfeeding", coded("breastfeeding", "no"));
}

const std::vector<RuleCase>& specialCases() {
    static const std::vector<RuleCase> cases = {
        {"implant-not-identified", Severity::Review, "implant", Gate::ZoneIv, "has-implants", "yes",
         {"has-implants Yes with every checklist item No",
          [](Screening& s) { s.answer("has-implants", "yes"); }, {"implant-not-identified"}},
         {"has-implants Yes with one checklist item Not sure",
          [](Screening& s) { s.answer("has-implants", "yes").answer("implant-other", "unsure"); },
          {"implant-other"}}},
        {"surgery-region-review", Severity::Review, "implant", Gate::ZoneIv, "surgery-region", "neck",
         choosing("surgery-region", {"leg", "neck"}, {"surgery-region-review"}),
         choosing("surgery-region", {"leg", "abdomen"}, {})},
        {"eye-metal-not-cleared", Severity::Stop, "foreign-body", Gate::ZoneIv, "eye-metal-clearance", "none",
         {"a metal eye injury never checked",
          [](Screening& s) { s.answer("eye-metal-injury", "yes").answer("eye-metal-clearance", "none"); },
          {"eye-metal-not-cleared"}},
         {"a metal eye injury imaged since",
          [](Screening& s) { s.answer("eye-metal-injury", "yes").answer("eye-metal-clearance", "imaging"); },
          {"eye-metal-imaging-report"}}},
        {"eye-metal-exam-only", Severity::Review, "foreign-body", Gate::ZoneIv, "eye-metal-clearance", "exam",
         {"a metal eye injury checked by an eye doctor without imaging",
          [](Screening& s) { s.answer("eye-metal-injury", "yes").answer("eye-metal-clearance", "exam"); },
          {"eye-metal-exam-only"}},
         {"the same at a site whose eye_exam_clears is 1",
          [](Screening& s) { s.answer("eye-metal-injury", "yes").answer("eye-metal-clearance", "exam"); },
          {}, std::nullopt, std::make_pair(std::string("eye_exam_clears"), 1.0)}},
        {"eye-metal-imaging-report", Severity::Info, "foreign-body", Gate::ZoneIv, "eye-metal-clearance", "imaging",
         {"a metal eye injury imaged since",
          [](Screening& s) { s.answer("eye-metal-injury", "yes").answer("eye-metal-clearance", "imaging"); },
          {"eye-metal-imaging-report"}},
         {"a metal eye injury checked by an eye doctor without imaging",
          [](Screening& s) { s.answer("eye-metal-injury", "yes").answer("eye-metal-clearance", "exam"); },
          {"eye-metal-exam-only"}}},
        {"bullet-near-critical", Severity::Stop, "foreign-body", Gate::ZoneIv, "bullet-location", "spine",
         choosing("bullet-location", {"leg", "spine"}, {"bullet-near-critical"}),
         choosing("bullet-location", {"leg", "chest"}, {"bullet-shrapnel"})},
        {"bullet-location-unknown", Severity::Review, "foreign-body", Gate::ZoneIv, "bullet-location", "unsure",
         choosing("bullet-location", {"unsure"}, {"bullet-location-unknown"}),
         choosing("bullet-location", {"abdomen"}, {"bullet-shrapnel"})},
        {"bullet-shrapnel", Severity::Review, "foreign-body", Gate::ZoneIv, "bullet-injury", "yes",
         choosing("bullet-location", {"arm"}, {"bullet-shrapnel"}),
         choosing("bullet-location", {"face"}, {"bullet-near-critical"})},
        {"renal-egfr-needed", Severity::Review, "renal", Gate::Contrast, "diabetes", "yes",
         answering("diabetes", "yes", {"renal-egfr-needed"}),
         {"diabetes with a normal creatinine taken a week ago",
          [](Screening& s) { s.answer("diabetes", "yes"); }, {}, normalLab("2026-11-13")}},
        {"renal-dialysis-or-aki", Severity::Stop, "renal", Gate::Contrast, "acute-kidney-injury", "yes",
         answering("acute-kidney-injury", "yes", {"renal-dialysis-or-aki", "renal-egfr-needed"}),
         answering("acute-kidney-injury", "no", {})},
        {"renal-egfr-low", Severity::Stop, "renal", Gate::Contrast, "egfr", "",
         {"a lab giving eGFR 29.9", [](Screening&) {}, {"renal-egfr-low"}, labWithEgfr(29.9)},
         {"a lab giving eGFR exactly 30", [](Screening&) {}, {"renal-egfr-reduced"}, labWithEgfr(30)}},
        {"renal-egfr-reduced", Severity::Review, "renal", Gate::Contrast, "egfr", "",
         {"a lab giving eGFR 44.9", [](Screening&) {}, {"renal-egfr-reduced"}, labWithEgfr(44.9)},
         {"a lab giving eGFR exactly 45", [](Screening&) {}, {}, labWithEgfr(45)}},
        {"renal-egfr-not-computable", Severity::Review, "renal", Gate::Contrast, "creatinine_supplied", "",
         {"a creatinine of 55 mg/dL, outside the plausible range", [](Screening&) {},
          {"renal-egfr-not-computable"}, implausibleLab()},
         {"a plausible creatinine", [](Screening&) {}, {}, normalLab("2026-11-13")}},
        {"gadolinium-reaction-severe", Severity::Stop, "gadolinium", Gate::Contrast, "gadolinium-reaction-severity", "severe",
         answering("gadolinium-reaction-severity", "severe", {"gadolinium-reaction", "gadolinium-reaction-severe"}),
         answering("gadolinium-reaction-severity", "moderate", {"gadolinium-reaction"})},
        {"gadolinium-many-doses", Severity::Info, "gadolinium", Gate::Contrast, "gadolinium-doses", "10",
         {"10 prior gadolinium doses", [](Screening& s) { s.number("gadolinium-doses", 10); },
          {"gadolinium-many-doses"}},
         {"9 prior gadolinium doses", [](Screening& s) { s.number("gadolinium-doses", 9); }, {}}},
        {"pregnancy-possible", Severity::Review, "pregnancy", Gate::ZoneIv, "pregnancy-possible", "yes",
         {"a woman of 34 who may be pregnant",
          [](Screening& s) { woman34(s); s.answer("pregnancy-possible", "yes"); },
          {"pregnancy-possible", "pregnancy-gadolinium"}},
         {"a woman of 34 who is not pregnant",
          [](Screening& s) { woman34(s); s.answer("pregnancy-possible", "no"); }, {}}},
        {"pregnancy-gadolinium", Severity::Review, "pregnancy", Gate::Contrast, "pregnancy-possible", "unsure",
         {"a woman of 34 not sure whether she is pregnant",
          [](Screening& s) { woman34(s); s.answer("pregnancy-possible", "unsure"); },
          {"pregnancy-possible", "pregnancy-gadolinium"}},
         {"a woman of 34 who is not pregnant",
          [](Screening& s) { woman34(s); s.answer("pregnancy-possible", "no"); }, {}}},
        {"pregnancy-not-applicable-check", Severity::Info, "pregnancy", Gate::ZoneIv, "pregnancy-possible",
         "not-applicable",
         {"a woman of 34 who says pregnancy does not apply",
          [](Screening& s) { woman34(s); s.answer("pregnancy-possible", "not-applicable"); },
          {"pregnancy-not-applicable-check"}},
         {"a woman of 56 who says pregnancy does not apply",
          [](Screening& s) {
              woman34(s);
              s.set("birth-date", {{"valueDate", "1970-01-15"}});
              s.answer("pregnancy-possible", "not-applicable");
          },
          {}}},
        {"piercing-not-removable", Severity::Review, "device", Gate::ZoneIv, "piercing-removable", "no",
         answering("piercing-removable", "no", {"piercing-not-removable"}),
         answering("piercing-removable", "yes", {"piercing"})},
        {"weight-over-table-limit", Severity::Stop, "other", Gate::ZoneIv, "weight_kg", "",
         {"200.5 kg", [](Screening& s) { s.number("weight-kg", 200.5); }, {"weight-over-table-limit"}},
         {"exactly 200 kg", [](Screening& s) { s.number("weight-kg", 200); }, {}}},
        {"unsure-answers", Severity::Review, "other", Gate::ZoneIv, "tattoo", "unsure",
         answering("tattoo", "unsure", {"unsure-answers"}),
         {"Not sure on a question with a flag of its own (sedation-request)",
          [](Screening& s) { s.answer("sedation-request", "unsure"); }, {"sedation-request"}}},
        {"attestation-not-confirmed", Severity::Review, "other", Gate::ZoneIv, "attest", "false",
         {"attest false", [](Screening& s) { s.set("attest", {{"valueBoolean", false}}); },
          {"attestation-not-confirmed"}},
         {"attest true", [](Screening& s) { s.set("attest", {{"valueBoolean", true}}); }, {}}},
    };
    return cases;
}

std::vector<RuleCase> allRuleCases() {
    std::vector<RuleCase> all;
    for (const auto* table : {&implantCases(), &yesAnswerCases(), &specialCases()})
        all.insert(all.end(), table->begin(), table->end());
    return all;
}

void checkScenario(const RuleCase& c, const Scenario& scenario, bool fires) {
    Screening s = Screening::noRisk();
    scenario.edit(s);
    const RuleSet site = scenario.site ? rulesWith(scenario.site->first, scenario.site->second) : test::mriRules();
    const Evaluation e = evaluate(s.doc(), scenario.lab, "en", site);
    INFO("rule " << c.id << ", scenario: " << scenario.what);
    INFO("flags raised: " << join(e.ids()));
    INFO("validation errors: " << e.errors());
    CHECK(e.result.errors.empty());
    CHECK(e.ids() == scenario.flags);
    const Flag* f = e.flag(c.id);
    if (!fires) {
        CHECK(f == nullptr);
        return;
    }
    REQUIRE(f != nullptr);
    CHECK(severityName(f->severity) == std::string(severityName(c.severity)));
    CHECK(f->category == c.category);
    CHECK(gateName(f->gate) == std::string(gateName(c.gate)));
    CHECK_FALSE(f->message.empty());
    CHECK_THAT(f->message, !Contains("(unknown)") && !Contains("{"));
    const Trigger* t = triggerOf(*f, c.trigger);
    INFO("trigger expected: " << c.trigger);
    REQUIRE(t != nullptr);
    if (!c.triggerAnswer.empty()) CHECK(hasAnswer(*t, c.triggerAnswer));
    if (t->linkId.empty()) CHECK(t->value.has_value());
    test::keepForSchemaCheck("policy-fires-" + c.id, e.written());
}

} // namespace

// ---------------------------------------------------------------------------------------------

TEST_CASE("the no-risk example is complete and raises no flags at all") {
    const Evaluation e = evaluate(Screening::noRisk());
    INFO("validation errors: " << e.errors());
    CHECK(e.result.valid());
    CHECK(e.result.flags.empty());
    CHECK(e.result.ignoredAnswers.empty());
    CHECK(e.result.derived.age == 42);
    CHECK_FALSE(e.result.derived.egfr);
    test::keepForSchemaCheck("policy-no-risk", e.written());
}

TEST_CASE("the rules are written for version 2.0.0 of the form") {
    CHECK(test::mriForm().version == "2.0.0");
    CHECK(test::mriRules().questionnaire == "http://mrscreen.org/fhir/Questionnaire/mri-safety|2.0.0");
}

TEST_CASE("every rule of the default policy has a firing and a near-miss case in this file") {
    Ids tested;
    for (const auto& c : allRuleCases()) {
        INFO("rule " << c.id);
        CHECK(tested.insert(c.id).second); // no rule twice
    }
    Ids policy;
    for (const auto& rule : test::mriRules().rules) policy.insert(rule.id);
    CHECK(policy.size() == 68);
    Ids untested, unknown;
    std::set_difference(policy.begin(), policy.end(), tested.begin(), tested.end(),
                        std::inserter(untested, untested.end()));
    std::set_difference(tested.begin(), tested.end(), policy.begin(), policy.end(),
                        std::inserter(unknown, unknown.end()));
    INFO("rules with no test: " << join(untested));
    INFO("tested rules not in the policy: " << join(unknown));
    CHECK(untested.empty());
    CHECK(unknown.empty());
}

TEST_CASE("every rule of the default policy fires for its minimal change and not for its near miss") {
    const auto cases = allRuleCases();
    const auto i = GENERATE_COPY(range(std::size_t(0), cases.size()));
    const RuleCase& c = cases[i];
    DYNAMIC_SECTION(c.id << " fires for " << c.fires.what) { checkScenario(c, c.fires, true); }
    DYNAMIC_SECTION(c.id << " does not fire for " << c.misses.what) { checkScenario(c, c.misses, false); }
}

// ---------------------------------------------------------------------------------------------
// Stop-level devices: asked of every patient, on two checklist pages.

namespace {

// The itemControl coding of a form item as the file writes it (system, code).
std::pair<std::string, std::string> rawItemControl(const std::string& linkId) {
    const json form = json::parse(test::slurp(test::sourcePath("forms/mri-safety.questionnaire.json")));
    std::function<const json*(const json&)> find = [&](const json& items) -> const json* {
        for (const auto& it : items) {
            if (it.value("linkId", "") == linkId) return &it;
            if (it.contains("item"))
                if (const json* found = find(it["item"])) return found;
        }
        return nullptr;
    };
    const json* item = find(form["item"]);
    if (!item || !item->contains("extension")) return {};
    for (const auto& ext : (*item)["extension"])
        if (ext.value("url", "") == "http://hl7.org/fhir/StructureDefinition/questionnaire-itemControl") {
            const json& c = ext["valueCodeableConcept"]["coding"][0];
            return {c.value("system", ""), c.value("code", "")};
        }
    return {};
}

} // namespace

TEST_CASE("the stop-level devices are asked of every patient on two checklist pages before has-implants") {
    const auto& form = test::mriForm();
    for (const std::string group : {"implant-devices-heart", "implant-devices-other"}) {
        INFO(group);
        const Item& g = formItem(group);
        CHECK(g.type == ItemType::Group);
        CHECK(g.itemControl == "checklist");
        CHECK(rawItemControl(group) ==
              std::make_pair(std::string("http://mrscreen.org/fhir/CodeSystem/item-control"), std::string("checklist")));
        CHECK(g.enableWhen.empty());
        CHECK_FALSE(g.text.base.empty());
        CHECK_FALSE(g.text.in("es").empty());
        CHECK(form.items[std::size_t(g.parent)].linkId == "implants");
        CHECK(form.indexOf(group) < form.indexOf("has-implants"));
        for (const auto& q : questionsIn(group)) {
            INFO(q);
            CHECK(formItem(q).required);
            CHECK(formItem(q).enableWhen.empty());
            const Item& details = formItem(q + "-details");
            CHECK(form.items[std::size_t(details.parent)].linkId == group);
        }
    }
    CHECK(questionsIn("implant-devices-heart") ==
          std::vector<std::string>{"implant-pacemaker", "implant-icd", "implant-pacing-leads",
                                   "implant-aneurysm-clip", "implant-carotid-clamp"});
    CHECK(questionsIn("implant-devices-other") ==
          std::vector<std::string>{"implant-neurostimulator", "implant-cochlear", "implant-drug-pump",
                                   "implant-bone-growth-stimulator", "implant-capsule-camera",
                                   "implant-breast-expander"});
}

TEST_CASE("the short questions of removable items, pregnancy, kidneys, contrast risks and comfort are checklist pages") {
    const std::map<std::string, std::vector<std::string>> pages = {
        {"removable-items", {"med-patch", "tattoo", "piercing", "piercing-removable", "hearing-aid", "dentures",
                             "hair-piece", "hair-clips-jewelry"}},
        {"pregnancy-questions", {"pregnancy-possible", "breastfeeding"}},
        {"kidney-conditions", {"kidney-disease", "dialysis", "kidney-transplant", "single-kidney",
                               "kidney-surgery-cancer", "acute-kidney-injury"}},
        {"health-conditions", {"diabetes", "hypertension-medication", "metformin", "liver-disease"}},
        {"contrast-risks", {"contrast-other-reaction", "asthma", "allergies"}},
        {"comfort-questions", {"claustrophobia", "sedation-request"}},
    };
    for (const auto& [group, questions] : pages) {
        INFO(group);
        CHECK(formItem(group).itemControl == "checklist");
        CHECK(formItem(group).enableWhen.empty());
        CHECK_FALSE(formItem(group).text.in("es").empty());
        CHECK(questionsIn(group) == questions);
    }
}

TEST_CASE("a patient who answers has-implants No still answers every stop-level device") {
    Screening s = Screening::noRisk();
    REQUIRE(s.codeOf("has-implants") == "no");
    const Evaluation e = evaluate(s);
    for (const auto& q : deviceQuestions()) {
        INFO(q);
        CHECK(e.enabled(q));
        s.remove(q);
    }
    CHECK_FALSE(e.enabled("implant-checklist"));
    const Evaluation missing = evaluate(s);
    for (const auto& q : deviceQuestions()) CHECK_THAT(missing.errors(), Contains(q + ": required"));
}

TEST_CASE("every stop-level device is a stop in category implant for Yes and for Not sure, whatever has-implants says") {
    const auto q = GENERATE_COPY(from_range(deviceQuestions()));
    for (const std::string code : {"yes", "unsure"}) {
        Screening s = Screening::noRisk();
        s.answer(q, code);
        const Evaluation e = evaluate(s);
        INFO(q << " answered " << code << "; flags: " << join(e.ids()));
        CHECK(e.result.valid());
        CHECK(e.ids() == Ids{q});
        CHECK(e.flag(q)->severity == Severity::Stop);
        CHECK(e.flag(q)->gate == Gate::ZoneIv);
        CHECK(e.enabled(q + "-details"));
        CHECK(e.enabled("body-map"));
    }
    Screening no = Screening::noRisk();
    CHECK_FALSE(evaluate(no).enabled(q + "-details"));
}

TEST_CASE("the implant rules cover every device and the checklist, and implant-not-identified knows every checklist item") {
    const auto checklist = checklistQuestions();
    const auto devices = deviceQuestions();
    Ids ruled, items(checklist.begin(), checklist.end());
    items.insert(devices.begin(), devices.end());
    for (const auto& c : implantCases()) ruled.insert(c.trigger);
    CHECK(ruled == items);
    CHECK(checklist.size() == 18);
    CHECK(devices.size() == 11);
    // A Yes or a Not sure on any one checklist item means the patient identified something.
    const auto item = GENERATE_COPY(from_range(checklist));
    for (const std::string code : {"yes", "unsure"}) {
        Screening s = Screening::noRisk();
        s.answer("has-implants", "yes").answer(item, code);
        INFO(item << " answered " << code);
        CHECK_FALSE(evaluate(s).flag("implant-not-identified"));
    }
}

TEST_CASE("a stop-level device does not count as the other implant has-implants Yes asks about") {
    Screening s = Screening::noRisk();
    s.answer("implant-pacemaker", "yes").answer("has-implants", "yes");
    CHECK(evaluate(s).ids() == Ids{"implant-pacemaker", "implant-not-identified"});
}

TEST_CASE("the implant question asks about anything apart from the devices above, naming what patients forget") {
    const LocalText& text = formItem("has-implants").text;
    CHECK(text.base.rfind("Apart from the devices above", 0) == 0);
    CHECK(text.in("es").rfind("Además de los aparatos de arriba", 0) == 0);
    for (const char* word : {"stent", "hip or knee", "IUD", "port", "pump", "clips", "metal"})
        CHECK_THAT(text.base, Contains(word));
    for (const char* word : {"stent", "cadera o rodilla", "DIU", "puerto", "bomba", "clips", "metal"})
        CHECK_THAT(text.in("es"), Contains(word));
}

// ---------------------------------------------------------------------------------------------
// Contradictions: an answer behind a gateway that skipped it is never silently dropped.

TEST_CASE("a stent imported under has-implants No raises answers-contradict-implant-stent naming both answers") {
    Screening s = Screening::noRisk();
    s.set("implant-stent", coded("implant-stent", "yes"));
    const Evaluation e = evaluate(s);
    INFO("flags: " << join(e.ids()));
    CHECK(e.ids() == Ids{"answers-contradict-implant-stent"});
    const Flag* f = e.flag("answers-contradict-implant-stent");
    REQUIRE(f);
    CHECK(f->severity == Severity::Review);
    CHECK(f->category == "implant");
    REQUIRE(triggerOf(*f, "has-implants"));
    CHECK(hasAnswer(*triggerOf(*f, "has-implants"), "no"));
    REQUIRE(triggerOf(*f, "implant-stent"));
    CHECK(hasAnswer(*triggerOf(*f, "implant-stent"), "yes"));
    CHECK_THAT(f->message, Contains("contradict") && Contains("Stent reported"));
    CHECK(std::find(e.result.ignoredAnswers.begin(), e.result.ignoredAnswers.end(), "implant-stent") !=
          e.result.ignoredAnswers.end());
}

TEST_CASE("a No imported under has-implants No is ignored without any flag") {
    Screening s = Screening::noRisk();
    s.set("implant-stent", coded("implant-stent", "no"));
    const Evaluation e = evaluate(s);
    CHECK(e.result.flags.empty());
}

// ---------------------------------------------------------------------------------------------
// Not sure is never treated as No, and never loses the item's own flag.

namespace {

// The questions whose Not sure only the unsure-answers review catches (no rule of their own).
const Ids kCatchAllQuestions = {"previous-mri", "surgery-any",        "tattoo",        "hearing-aid",
                                "dentures",     "hair-piece",         "hair-clips-jewelry", "breastfeeding",
                                "gadolinium-prior", "claustrophobia"};

} // namespace

TEST_CASE("every question answered Not sure raises its own flag, or the unsure-answers review when it has none") {
    const auto questions = unsureQuestions();
    CHECK(questions.size() >= 60);
    const auto linkId = GENERATE_COPY(from_range(questions));
    Screening s = Screening::noRisk();
    if (linkId == "pregnancy-possible" || linkId == "breastfeeding") woman34(s);
    s.answer(linkId, "unsure");
    const Evaluation e = evaluate(s);
    INFO(linkId << " answered Not sure; flags: " << join(e.ids()));
    INFO("validation errors: " << e.errors());
    CHECK(e.result.valid());
    CHECK(e.enabled(linkId));
    Ids own;
    for (const auto& f : e.result.flags) {
        const Trigger* t = f.id == "unsure-answers" ? nullptr : triggerOf(f, linkId);
        if (t && hasAnswer(*t, "unsure")) own.insert(f.id);
    }
    const Flag* catchAll = e.flag("unsure-answers");
    if (kCatchAllQuestions.count(linkId)) {
        CHECK(own.empty());
        REQUIRE(catchAll);
        CHECK(catchAll->severity == Severity::Review);
        REQUIRE(triggerOf(*catchAll, linkId));
        CHECK(triggerOf(*catchAll, linkId)->answers == std::vector<std::string>{"unsure"});
        CHECK(catchAll->triggers.size() == 1);
    } else {
        CHECK_FALSE(own.empty());
        CHECK_FALSE(catchAll);
    }
    // Not sure is never weaker than Yes: every flag a Yes raises through this question comes back
    // for Not sure at the same severity or a stronger one (Stop < Review < Info in the enum).
    // A Yes to a metal eye injury imaged since is a note; so is a Not sure.
    const auto& opts = formItem(linkId).options;
    if (std::none_of(opts.begin(), opts.end(), [](const AnswerOption& o) { return o.value.coding.code == "yes"; }))
        return;
    Screening yes = Screening::noRisk();
    if (linkId == "pregnancy-possible" || linkId == "breastfeeding") woman34(yes);
    yes.answer(linkId, "yes");
    for (const auto& f : evaluate(yes).result.flags) {
        if (!triggerOf(f, linkId)) continue;
        INFO("Yes raises " << f.id);
        const Flag* held = e.flag(f.id);
        if (kCatchAllQuestions.count(linkId)) {
            CHECK(catchAll->severity <= f.severity);
            continue;
        }
        // The same flag, or another of the question's own flags taking its place (a piercing
        // nobody is sure of is a review, not the removal note).
        const bool asStrong = (held && held->severity <= f.severity) ||
                              std::any_of(own.begin(), own.end(), [&](const std::string& id) {
                                  return e.flag(id)->severity <= f.severity;
                              });
        CHECK(asStrong);
    }
}

TEST_CASE("a review-level implant answered Not sure raises its own flag with its details shown") {
    const auto item = GENERATE_COPY(from_range(checklistQuestions()));
    const std::string has = GENERATE(as<std::string>{}, "yes", "unsure");
    Screening s = Screening::noRisk();
    s.answer("has-implants", has).answer(item, "unsure");
    s.text(item + "-device", "Something from a surgery years ago").text(item + "-location", "Chest");
    const Evaluation e = evaluate(s);
    INFO(item << " Not sure with has-implants " << has << "; flags: " << join(e.ids()));
    CHECK(e.result.valid());
    CHECK(e.enabled(item + "-details"));
    CHECK(e.enabled(item + "-device"));
    CHECK(e.result.ignoredAnswers.empty());
    CHECK(e.ids() == Ids{ruleOf(item)});
    const Flag* f = e.flag(ruleOf(item));
    REQUIRE(f);
    CHECK(f->severity == Severity::Review);
    CHECK(hasAnswer(*triggerOf(*f, item), "unsure"));
    CHECK_THAT(f->message, Contains("not ruled out"));
    CHECK_THAT(e.written().dump(), Contains(item + "-device") && Contains("Something from a surgery"));
    if (item == "implant-stent" && has == "unsure") test::keepForSchemaCheck("policy-implant-unsure", e.written());
}

TEST_CASE("has-implants Not sure shows the whole checklist and the body map, and nothing marked is a review") {
    Screening s = Screening::noRisk();
    s.answer("has-implants", "unsure");
    const Evaluation e = evaluate(s);
    CHECK(e.enabled("implant-checklist"));
    CHECK(e.enabled("body-map"));
    for (const auto& q : checklistQuestions()) CHECK(e.enabled(q));
    CHECK(e.ids() == Ids{"implant-not-identified"});
    CHECK(hasAnswer(*triggerOf(*e.flag("implant-not-identified"), "has-implants"), "unsure"));
}

TEST_CASE("a renal risk factor answered Not sure still asks for a recent eGFR") {
    const auto linkId = GENERATE_COPY(from_range(kRenalRiskQuestions));
    Screening s = Screening::noRisk();
    s.answer(linkId, "unsure");
    const Evaluation e = evaluate(s);
    INFO(linkId << " Not sure; flags: " << join(e.ids()));
    Ids expected = stopsForUnsure(linkId);
    expected.insert("renal-egfr-needed");
    CHECK(e.ids() == expected);
    const Flag* f = e.flag("renal-egfr-needed");
    REQUIRE(f);
    const Trigger* t = triggerOf(*f, linkId);
    REQUIRE(t);
    CHECK(t->answers == std::vector<std::string>{"unsure"});
    CHECK(triggerOf(*f, "egfr"));
}

TEST_CASE("a renal risk factor answered Yes asks for a recent eGFR and No does not") {
    const auto linkId = GENERATE_COPY(from_range(kRenalRiskQuestions));
    Screening yes = Screening::noRisk();
    yes.answer(linkId, "yes");
    const Evaluation e = evaluate(yes);
    INFO(linkId << " Yes; flags: " << join(e.ids()));
    REQUIRE(e.flag("renal-egfr-needed"));
    CHECK(e.flag("renal-egfr-needed")->message ==
          "Renal risk factor present (age 60 or over, or a kidney, diabetes, blood pressure, metformin or "
          "liver answer). A recent eGFR (within 42 days) is needed before gadolinium.");
    CHECK(triggerOf(*e.flag("renal-egfr-needed"), linkId));
    Screening no = Screening::noRisk();
    no.answer(linkId, "no");
    CHECK_FALSE(evaluate(no).flag("renal-egfr-needed"));
}

TEST_CASE("a metal eye injury answered Not sure, with the clearance Not sure, is a stop") {
    Screening s = Screening::noRisk();
    s.answer("eye-metal-injury", "unsure").answer("eye-metal-clearance", "unsure");
    const Evaluation e = evaluate(s);
    CHECK(e.ids() == Ids{"eye-metal-not-cleared"});
    const Flag* f = e.flag("eye-metal-not-cleared");
    REQUIRE(f);
    CHECK(f->severity == Severity::Stop);
    CHECK(hasAnswer(*triggerOf(*f, "eye-metal-injury"), "unsure"));
    CHECK(hasAnswer(*triggerOf(*f, "eye-metal-clearance"), "unsure"));
    CHECK(e.enabled("body-map"));
    test::keepForSchemaCheck("policy-eye-metal-unsure", e.written());
}

TEST_CASE("a metal eye injury with the clearance question left unanswered is not cleared") {
    Screening s = Screening::noRisk();
    s.answer("eye-metal-injury", "yes").remove("eye-metal-clearance");
    const Evaluation e = evaluate(s);
    CHECK(e.ids() == Ids{"eye-metal-not-cleared"});
    CHECK_FALSE(e.result.valid()); // and the kiosk would not let it be signed
}

TEST_CASE("the eye clearance offers imaging, an eye exam, never checked and Not sure in English and Spanish") {
    const Item& item = formItem("eye-metal-clearance");
    std::vector<std::string> codes;
    for (const auto& o : item.options) {
        codes.push_back(o.value.coding.code);
        CHECK(o.value.coding.system == "http://mrscreen.org/fhir/CodeSystem/eye-clearance");
        CHECK_FALSE(o.display.in("es").empty());
        CHECK(o.display.in("es") != o.display.base);
    }
    CHECK(codes == std::vector<std::string>{"imaging", "exam", "none", "unsure"});
    CHECK(item.required);
    CHECK_FALSE(test::mriForm().find("eye-metal-cleared"));
}

// ---------------------------------------------------------------------------------------------
// A stop-level question answered Not sure is held for the authorised signer, like a Yes; a
// review-level one raises its own review.

namespace {

// Where a rule tests a Yes / No / Not sure question for "yes" without also accepting "unsure"
// in the same `any` list.
void yesWithoutUnsure(const json& cond, const Ids& yesNoUnsure, const json* siblings,
                      std::vector<std::string>& out) {
    if (cond.contains("all") || cond.contains("any")) {
        const json& list = cond.contains("all") ? cond["all"] : cond["any"];
        for (const auto& child : list) yesWithoutUnsure(child, yesNoUnsure, cond.contains("any") ? &list : nullptr, out);
        return;
    }
    if (cond.contains("not")) return yesWithoutUnsure(cond["not"], yesNoUnsure, nullptr, out);
    if (!cond.contains("question") || cond.value("operator", "") != "=" || cond.value("answer", json()) != "yes")
        return;
    const std::string q = cond["question"];
    if (!yesNoUnsure.count(q)) return;
    const json unsure = {{"question", q}, {"operator", "="}, {"answer", "unsure"}};
    const bool paired = siblings && std::any_of(siblings->begin(), siblings->end(),
                                                [&](const json& c) { return c == unsure; });
    if (!paired) out.push_back(q);
}

} // namespace

TEST_CASE("no stop or review rule tests a Yes / No / Not sure question for Yes without also accepting Not sure") {
    const auto questions = unsureQuestions();
    const Ids yesNoUnsure(questions.begin(), questions.end());
    const json doc = json::parse(test::slurp(test::sourcePath("forms/mri-safety.rules.json")));
    int stops = 0, reviews = 0;
    for (const auto& rule : doc["rules"]) {
        if (rule["severity"] == "info") continue;
        ++(rule["severity"] == "stop" ? stops : reviews);
        std::vector<std::string> bad;
        yesWithoutUnsure(rule["when"], yesNoUnsure, nullptr, bad);
        INFO("rule " << rule["id"].get<std::string>() << " tests for Yes only: " << join(Ids(bad.begin(), bad.end())));
        CHECK(bad.empty());
    }
    CHECK(stops == 18);
    CHECK(reviews == 39);
}

TEST_CASE("every stop rule that a Yes raises is raised by Not sure too, naming the Not sure answer") {
    // Found from the answers, not from the rules file: each question answered Yes on the no-risk
    // screening, and every stop flag that raises must come back for Not sure.
    std::map<std::string, std::string> found; // rule -> the question raising it
    for (const auto& linkId : unsureQuestions()) {
        const auto& opts = formItem(linkId).options;
        if (std::none_of(opts.begin(), opts.end(), [](const AnswerOption& o) { return o.value.coding.code == "yes"; }))
            continue;
        Screening yes = Screening::noRisk();
        yes.answer(linkId, "yes");
        Screening unsure = Screening::noRisk();
        unsure.answer(linkId, "unsure");
        const Evaluation y = evaluate(yes), u = evaluate(unsure);
        for (const auto& f : y.result.flags) {
            if (f.severity != Severity::Stop || !triggerOf(f, linkId)) continue;
            found.emplace(f.id, linkId);
            INFO(linkId << " answered Not sure; flags: " << join(u.ids()));
            CHECK(u.result.valid());
            const Flag* held = u.flag(f.id);
            REQUIRE(held);
            CHECK(held->severity == Severity::Stop);
            REQUIRE(triggerOf(*held, linkId));
            CHECK(triggerOf(*held, linkId)->answers == std::vector<std::string>{"unsure"});
            CHECK_FALSE(u.flag("unsure-answers")); // the item's own flag, not the generic review
        }
    }
    std::map<std::string, std::string> expected = kStopOnYesOrUnsure;
    CHECK(found.size() == expected.size());
    for (const auto& [rule, question] : expected) {
        INFO("rule " << rule);
        CHECK(found.count(rule));
    }
}

TEST_CASE("a stop flag raised by Not sure says the item is reported or not ruled out, in English and Spanish") {
    const auto entry = GENERATE_COPY(from_range(kStopOnYesOrUnsure));
    for (const std::string code : {"yes", "unsure"}) {
        Screening s = Screening::noRisk();
        s.answer(entry.second, code);
        const Evaluation en = evaluate(s.doc(), std::nullopt, "en");
        const Evaluation es = evaluate(s.doc(), std::nullopt, "es");
        INFO(entry.first << " via " << entry.second << " answered " << code);
        REQUIRE(en.flag(entry.first));
        REQUIRE(es.flag(entry.first));
        CHECK_THAT(en.flag(entry.first)->message, Contains("reported or not ruled out"));
        CHECK_THAT(es.flag(entry.first)->message, Contains(" o no descartad"));
    }
}

TEST_CASE("a pacemaker answered Not sure is a stop flag that only the authorised signer can clear") {
    Screening s = Screening::noRisk();
    s.answer("implant-pacemaker", "unsure");
    const Evaluation e = evaluate(s);
    CHECK(e.result.valid());
    CHECK(e.ids() == Ids{"implant-pacemaker"});
    const Flag* f = e.flag("implant-pacemaker");
    REQUIRE(f);
    CHECK(f->severity == Severity::Stop);
    CHECK(f->message.rfind("Pacemaker reported or not ruled out.", 0) == 0);
    CHECK_THAT(f->message, Contains("Hold: the authorised signer must clear this before Zone IV."));
    const Evaluation es = evaluate(s.doc(), std::nullopt, "es");
    REQUIRE(es.flag("implant-pacemaker"));
    CHECK(es.flag("implant-pacemaker")->message.rfind("Marcapasos declarado o no descartado.", 0) == 0);
    CHECK_THAT(es.flag("implant-pacemaker")->message,
               Contains("En espera: el firmante autorizado debe aprobarlo antes de la Zona IV."));
    test::keepForSchemaCheck("policy-pacemaker-unsure", e.written());
}

TEST_CASE("a carotid artery clamp, reported or not ruled out, is held for the authorised signer") {
    for (const std::string code : {"yes", "unsure"}) {
        Screening s = Screening::noRisk();
        s.answer("implant-carotid-clamp", code);
        const Evaluation e = evaluate(s);
        INFO(code);
        REQUIRE(e.ids() == Ids{"implant-carotid-clamp"});
        CHECK(e.flag("implant-carotid-clamp")->severity == Severity::Stop);
        CHECK_THAT(e.flag("implant-carotid-clamp")->message, Contains("MR Unsafe") && Contains("Hold:"));
    }
}

TEST_CASE("metal work answered Not sure needs orbit screening like a Yes") {
    Screening s = Screening::noRisk();
    s.answer("metal-work", "unsure");
    const Evaluation e = evaluate(s);
    CHECK(e.ids() == Ids{"metal-work"});
    REQUIRE(e.flag("metal-work"));
    CHECK(e.flag("metal-work")->severity == Severity::Stop);
    CHECK_THAT(e.flag("metal-work")->message, Contains("Orbit screening"));
}

TEST_CASE("dialysis or an acute kidney injury answered Not sure is treated as an NSF risk") {
    for (const std::string q : {"dialysis", "acute-kidney-injury"}) {
        Screening s = Screening::noRisk();
        s.answer(q, "unsure");
        const Evaluation e = evaluate(s);
        INFO(q << " Not sure; flags: " << join(e.ids()));
        CHECK(e.ids() == Ids{"renal-dialysis-or-aki", "renal-egfr-needed"});
        REQUIRE(e.flag("renal-dialysis-or-aki"));
        CHECK(e.flag("renal-dialysis-or-aki")->severity == Severity::Stop);
        CHECK(hasAnswer(*triggerOf(*e.flag("renal-dialysis-or-aki"), q), "unsure"));
        CHECK_THAT(e.flag("renal-dialysis-or-aki")->message, Contains("Treat as at risk for NSF"));
    }
}

// ---------------------------------------------------------------------------------------------
// A surgery history cannot skip "where" and "was something left in your body".

TEST_CASE("surgery-entry is a required repeating group and body-mark a repeating group that is not required") {
    CHECK(formItem("surgery-entry").required);
    CHECK(formItem("surgery-entry").repeats);
    CHECK(formItem("surgery-implant").required);
    CHECK(formItem("surgery-region").required);
    CHECK(formItem("surgery-region").repeats);
    CHECK_FALSE(formItem("body-mark").required);
    CHECK(formItem("body-mark").repeats);
}

TEST_CASE("the surgery region offers twelve places including Not sure, in English and Spanish") {
    std::vector<std::string> codes;
    for (const auto& o : formItem("surgery-region").options) {
        codes.push_back(o.value.coding.code);
        CHECK(o.display.in("es") != o.display.base);
    }
    CHECK(codes == std::vector<std::string>{"head", "eye", "ear", "neck", "chest", "spine", "abdomen", "pelvis",
                                            "arm", "leg", "other", "unsure"});
}

TEST_CASE("surgery of the head, eye, ear, neck, chest or spine, or in an unknown place, asks what was left in") {
    for (const std::string region : {"head", "eye", "ear", "neck", "chest", "spine", "unsure"}) {
        Screening s = Screening::noRisk();
        s.choose("surgery-region", {region});
        const Evaluation e = evaluate(s);
        INFO(region << "; flags: " << join(e.ids()));
        CHECK(e.result.valid());
        REQUIRE(e.ids() == Ids{"surgery-region-review"});
        CHECK(hasAnswer(*triggerOf(*e.flag("surgery-region-review"), "surgery-region"), region));
        CHECK_THAT(e.flag("surgery-region-review")->message, Contains("confirm what was done") &&
                                                                 Contains("anything was left in"));
    }
    for (const std::string region : {"abdomen", "pelvis", "arm", "leg", "other"}) {
        Screening s = Screening::noRisk();
        s.choose("surgery-region", {region});
        INFO(region);
        CHECK(evaluate(s).result.flags.empty());
    }
}

TEST_CASE("a neck surgery listed second raises the region review like a first one") {
    Screening s = Screening::noRisk();
    s.choose("surgery-region", {"leg"});
    json doc = s.doc();
    for (auto& section : doc["item"])
        if (section["linkId"] == "surgery")
            section["item"].push_back({{"linkId", "surgery-entry"},
                                       {"item", json::array({{{"linkId", "surgery-type"}, {"answer", {{{"valueString", "Thyroid removed"}}}}},
                                                             {{"linkId", "surgery-region"}, {"answer", {coded("surgery-region", "neck")}}},
                                                             {{"linkId", "surgery-implant"}, {"answer", {coded("surgery-implant", "no")}}}})}});
    const Evaluation e = evaluate(doc);
    INFO("validation errors: " << e.errors());
    CHECK(e.result.valid());
    CHECK(e.ids() == Ids{"surgery-region-review"});
}

TEST_CASE("with surgery-any Yes a response that lists no surgery is not valid and names surgery-entry") {
    Screening s = Screening::noRisk();
    s.set("surgery-any", coded("surgery-any", "yes"));
    const Evaluation e = evaluate(s);
    INFO("validation errors: " << e.errors());
    CHECK(e.enabled("surgery-entry"));
    CHECK_FALSE(e.result.valid());
    REQUIRE(e.result.errors.size() == 1);
    CHECK(e.result.errors[0].linkId == "surgery-entry");
    CHECK(e.result.errors[0].code == "required-group");
}

TEST_CASE("with surgery-any Yes a surgery listed with no answers is not valid either") {
    Screening s = Screening::noRisk();
    s.set("surgery-any", coded("surgery-any", "yes"));
    json doc = s.doc();
    for (auto& section : doc["item"])
        if (section["linkId"] == "surgery") section["item"].push_back({{"linkId", "surgery-entry"}});
    const Evaluation e = evaluate(doc);
    INFO("validation errors: " << e.errors());
    CHECK_FALSE(e.result.valid());
    CHECK_THAT(e.errors(), Contains("surgery-entry: required-group"));
}

TEST_CASE("with surgery-any Yes one listed surgery must say where it was and whether something was left in the body") {
    Screening s = Screening::noRisk();
    s.set("surgery-any", coded("surgery-any", "yes")).set("surgery-type", {{"valueString", "Gallbladder removed"}});
    const Evaluation missing = evaluate(s);
    INFO("validation errors: " << missing.errors());
    CHECK_FALSE(missing.result.valid());
    CHECK_THAT(missing.errors(), Contains("surgery-implant: required") && Contains("surgery-region: required") &&
                                     !Contains("surgery-entry"));

    s.set("surgery-implant", coded("surgery-implant", "unsure")).set("surgery-region", coded("surgery-region", "abdomen"));
    const Evaluation complete = evaluate(s);
    CHECK(complete.result.valid());
    CHECK(complete.ids() == Ids{"surgery-implant"});
    test::keepForSchemaCheck("policy-surgery-implant-unsure", complete.written());
}

TEST_CASE("with surgery-any No or Not sure no surgery needs to be listed") {
    for (const std::string code : {"no", "unsure"}) {
        Screening s = Screening::noRisk();
        s.answer("surgery-any", code);
        const Evaluation e = evaluate(s);
        INFO("surgery-any " << code << "; errors: " << e.errors());
        CHECK(e.result.valid());
        CHECK_FALSE(e.enabled("surgery-entry"));
    }
}

TEST_CASE("the body map may be left empty because a patient may not know where the metal is") {
    Screening s = Screening::noRisk();
    s.answer("has-implants", "yes").answer("implant-hardware", "yes");
    const Evaluation e = evaluate(s);
    INFO("validation errors: " << e.errors());
    CHECK(e.enabled("body-map"));
    CHECK(e.result.valid());
    CHECK(e.ids() == Ids{"implant-hardware"});
}

// ---------------------------------------------------------------------------------------------
// Bullets: a structured place.

TEST_CASE("a bullet near the eye, face, neck, spine or a large vessel is a stop, Yes or Not sure") {
    for (const std::string place : {"eye", "face", "neck", "spine", "vessel"})
        for (const std::string injury : {"yes", "unsure"}) {
            Screening s = Screening::noRisk();
            s.answer("bullet-injury", injury).choose("bullet-location", {place});
            const Evaluation e = evaluate(s);
            INFO(place << ", injury " << injury << "; flags: " << join(e.ids()));
            CHECK(e.result.valid());
            REQUIRE(e.ids() == Ids{"bullet-near-critical"});
            CHECK(e.flag("bullet-near-critical")->severity == Severity::Stop);
            CHECK(hasAnswer(*triggerOf(*e.flag("bullet-near-critical"), "bullet-location"), place));
        }
}

TEST_CASE("a bullet elsewhere is a review, and one whose place is unknown a foreign-body review") {
    for (const std::string place : {"chest", "abdomen", "arm", "leg", "other"}) {
        Screening s = Screening::noRisk();
        s.choose("bullet-location", {place});
        INFO(place);
        CHECK(evaluate(s).ids() == Ids{"bullet-shrapnel"});
    }
    Screening unknown = Screening::noRisk();
    unknown.choose("bullet-location", {"arm", "unsure"});
    CHECK(evaluate(unknown).ids() == Ids{"bullet-location-unknown"});
    Screening critical = Screening::noRisk();
    critical.choose("bullet-location", {"unsure", "neck"});
    CHECK(evaluate(critical).ids() == Ids{"bullet-near-critical"});
}

TEST_CASE("an imported bullet injury with no place given is a foreign-body review, and the response is incomplete") {
    Screening s = Screening::noRisk();
    s.answer("bullet-injury", "yes").remove("bullet-location");
    const Evaluation e = evaluate(s);
    CHECK(e.ids() == Ids{"bullet-location-unknown"});
    CHECK_THAT(e.errors(), Contains("bullet-location: required"));
}

TEST_CASE("the bullet place is a repeating choice with optional details, shown for Yes and Not sure only") {
    const Item& item = formItem("bullet-location");
    CHECK(item.type == ItemType::Choice);
    CHECK(item.repeats);
    CHECK(item.required);
    CHECK_FALSE(formItem("bullet-location-details").required);
    for (const std::string code : {"yes", "unsure"}) {
        Screening s = Screening::noRisk();
        s.answer("bullet-injury", code).text("bullet-location-details", "Left thigh, 2011");
        const Evaluation e = evaluate(s);
        CHECK(e.enabled("bullet-location"));
        CHECK(e.enabled("bullet-location-details"));
        CHECK_THAT(e.written().dump(), Contains("Left thigh, 2011"));
    }
    CHECK_FALSE(evaluate(Screening::noRisk()).enabled("bullet-location"));
}

// ---------------------------------------------------------------------------------------------
// Not sure opens the same follow-ups as Yes.

TEST_CASE("a Not sure answer opens the same follow-up questions as Yes, and No keeps them closed") {
    struct FollowUp {
        std::string gate, item;
        bool required;
    };
    const std::vector<FollowUp> followUps = {
        {"previous-mri", "previous-mri-problem", true},
        {"previous-mri-problem", "previous-mri-problem-details", false},
        {"eye-metal-injury", "eye-metal-clearance", true},
        {"bullet-injury", "bullet-location", true},
        {"bullet-injury", "bullet-location-details", false},
        {"piercing", "piercing-removable", true},
        {"gadolinium-prior", "gadolinium-reaction", true},
        {"gadolinium-reaction", "gadolinium-reaction-severity", true},
        {"gadolinium-reaction", "gadolinium-reaction-details", false},
        {"allergies", "allergies-list", false},
    };
    const auto f = GENERATE_COPY(from_range(followUps));
    INFO(f.gate << " -> " << f.item);
    CHECK(formItem(f.item).required == f.required);
    for (const std::string code : {"yes", "unsure"}) {
        Screening s = Screening::noRisk();
        s.answer(f.gate, code);
        const ItemType type = formItem(f.item).type;
        if (type == ItemType::Text || type == ItemType::String) s.text(f.item, "Something I half remember");
        INFO(f.gate << " answered " << code);
        REQUIRE(s.codeOf(f.gate) == code);
        const Evaluation e = evaluate(s);
        INFO("validation errors: " << e.errors());
        CHECK(e.enabled(f.item));
        CHECK(e.result.valid());
        CHECK(e.result.ignoredAnswers.empty());
        if (f.required) {
            s.remove(f.item);
            const Evaluation missing = evaluate(s);
            CHECK_THAT(missing.errors(), Contains(f.item + ": required"));
        } else {
            CHECK_THAT(e.written().dump(), Contains("Something I half remember"));
        }
    }
    Screening no = Screening::noRisk();
    no.answer(f.gate, "no");
    CHECK_FALSE(evaluate(no).enabled(f.item));
}

TEST_CASE("the reaction severity offers Not sure in English and Spanish") {
    const Item& item = formItem("gadolinium-reaction-severity");
    const auto unsure = std::find_if(item.options.begin(), item.options.end(),
                                     [](const AnswerOption& o) { return o.value.coding.code == "unsure"; });
    REQUIRE(unsure != item.options.end());
    CHECK(unsure->value.coding.system == "http://mrscreen.org/fhir/CodeSystem/reaction-severity");
    CHECK(unsure->display.base == "Not sure");
    CHECK(unsure->display.in("es") == "No estoy seguro/a");
}

TEST_CASE("a gadolinium reaction of unknown severity is a stop, like a severe one, and a mild one is not") {
    Screening s = Screening::noRisk();
    s.answer("gadolinium-reaction-severity", "unsure");
    const Evaluation e = evaluate(s);
    INFO("validation errors: " << e.errors());
    CHECK(e.result.valid());
    CHECK(e.ids() == Ids{"gadolinium-reaction", "gadolinium-reaction-severe"});
    const Flag* f = e.flag("gadolinium-reaction-severe");
    REQUIRE(f);
    CHECK(f->severity == Severity::Stop);
    CHECK(f->gate == Gate::Contrast);
    REQUIRE(triggerOf(*f, "gadolinium-reaction-severity"));
    CHECK(triggerOf(*f, "gadolinium-reaction-severity")->answers == std::vector<std::string>{"unsure"});
    CHECK_THAT(f->message, Contains("SEVERE or of unknown severity") && Contains("Hold the contrast"));
    const Evaluation es = evaluate(s.doc(), std::nullopt, "es");
    CHECK_THAT(es.flag("gadolinium-reaction-severe")->message, Contains("gravedad desconocida") && Contains("en espera:"));
    test::keepForSchemaCheck("policy-reaction-severity-unsure", e.written());

    Screening mild = Screening::noRisk();
    mild.answer("gadolinium-reaction-severity", "mild");
    CHECK(evaluate(mild).ids() == Ids{"gadolinium-reaction"});
}

TEST_CASE("a patient not sure whether there was a reaction, nor how bad, is held for the authorised signer") {
    Screening s = Screening::noRisk();
    s.answer("gadolinium-prior", "unsure").answer("gadolinium-reaction", "unsure")
        .answer("gadolinium-reaction-severity", "unsure");
    REQUIRE(s.codeOf("gadolinium-prior") == "unsure");
    const Evaluation e = evaluate(s);
    INFO("validation errors: " << e.errors());
    CHECK(e.result.valid());
    CHECK(e.enabled("gadolinium-reaction-severity"));
    CHECK(e.ids() == Ids{"gadolinium-reaction", "gadolinium-reaction-severe", "unsure-answers"});
    CHECK(e.flag("unsure-answers")->triggers.size() == 1); // gadolinium-prior: no rule of its own
    CHECK(triggerOf(*e.flag("unsure-answers"), "gadolinium-prior"));
}

// ---------------------------------------------------------------------------------------------
// Contrast is a decision of its own.

TEST_CASE("every renal and gadolinium rule gates contrast, and every zone-iv rule is about the MR environment") {
    const Ids contrastOutsideRenal = {"pregnancy-gadolinium", "breastfeeding"};
    for (const auto& rule : test::mriRules().rules) {
        INFO(rule.id);
        const bool contrastCategory = rule.category == "renal" || rule.category == "gadolinium";
        CHECK((rule.gate == Gate::Contrast) == (contrastCategory || contrastOutsideRenal.count(rule.id) > 0));
    }
}

TEST_CASE("with no contrast planned every contrast flag is information and the zone-iv flags keep their severity") {
    const json doc = json::parse(test::slurp(test::sourcePath("forms/examples/renal-dialysis.json")));
    const Evaluation unknown = evaluate(doc);
    const Evaluation no = evaluate(doc, std::nullopt, "en", test::mriRules(), ContrastPlan::No);
    const Evaluation yes = evaluate(doc, std::nullopt, "en", test::mriRules(), ContrastPlan::Yes);
    CHECK(no.ids() == unknown.ids());
    REQUIRE(no.flag("renal-dialysis-or-aki"));
    CHECK(unknown.flag("renal-dialysis-or-aki")->severity == Severity::Stop);
    CHECK(yes.flag("renal-dialysis-or-aki")->severity == Severity::Stop);
    for (const auto& f : no.result.flags) {
        INFO(f.id);
        if (f.gate == Gate::Contrast)
            CHECK(f.severity == Severity::Info);
        else
            CHECK(f.severity == unknown.flag(f.id)->severity);
    }
}

TEST_CASE("asthma, allergies and a reaction to another contrast dye are flagged for the radiologist, Yes or Not sure") {
    for (const std::string q : {"asthma", "allergies", "contrast-other-reaction"})
        for (const std::string code : {"yes", "unsure"}) {
            Screening s = Screening::noRisk();
            s.answer(q, code);
            const Evaluation e = evaluate(s);
            const std::string id = q == "contrast-other-reaction" ? q : "contrast-" + q;
            INFO(q << " " << code << "; flags: " << join(e.ids()));
            REQUIRE(e.ids() == Ids{id});
            CHECK(e.flag(id)->gate == Gate::Contrast);
            CHECK(e.flag(id)->severity == Severity::Review);
            CHECK_THAT(e.flag(id)->message, Contains("premedication or another agent"));
            const Evaluation planned = evaluate(s.doc(), std::nullopt, "en", test::mriRules(), ContrastPlan::No);
            CHECK(planned.flag(id)->severity == Severity::Info);
        }
}

TEST_CASE("the question about another contrast dye names iodine dye for CT in English and Spanish") {
    const Item& item = formItem("contrast-other-reaction");
    CHECK(item.required);
    CHECK_THAT(item.text.base, Contains("iodine") && Contains("CT"));
    CHECK_THAT(item.text.in("es"), Contains("yodado") && Contains("TC"));
}

TEST_CASE("a creatinine that gives no eGFR is a renal review, and a computable one is not") {
    const Evaluation implausible = evaluate(Screening::noRisk(), implausibleLab());
    CHECK_FALSE(implausible.result.derived.egfr);
    CHECK(implausible.ids() == Ids{"renal-egfr-not-computable"});
    Screening noBirthDate = Screening::noRisk();
    noBirthDate.remove("birth-date");
    const Evaluation noAge = evaluate(noBirthDate, normalLab("2026-11-13"));
    CHECK(noAge.flag("renal-egfr-not-computable"));
    CHECK(evaluate(Screening::noRisk(), normalLab("2026-11-13")).result.flags.empty());
    CHECK(evaluate(Screening::noRisk()).result.flags.empty()); // no creatinine: nothing to read
}

// ---------------------------------------------------------------------------------------------
// Pregnancy: asked of everyone, with "does not apply to me".

TEST_CASE("the pregnancy questions are shown to every patient and offer Does not apply to me") {
    CHECK(formItem("pregnancy").enableWhen.empty());
    for (const std::string q : {"pregnancy-possible", "breastfeeding"}) {
        const auto& opts = formItem(q).options;
        REQUIRE(opts.size() == 4);
        CHECK(opts.back().value.coding.code == "not-applicable");
        CHECK(opts.back().display.base == "Does not apply to me");
        CHECK(opts.back().display.in("es") == "No se aplica a mi caso");
    }
    for (const std::string sex : {"male", "female", "other", "unknown"}) {
        Screening s = Screening::noRisk();
        s.set("sex", coded("sex", sex));
        INFO(sex);
        CHECK(evaluate(s).enabled("pregnancy-possible"));
    }
}

TEST_CASE("a patient of child-bearing age who is not recorded male and says pregnancy does not apply is asked again") {
    for (const std::string sex : {"female", "other", "unknown"}) {
        Screening s = Screening::noRisk();
        s.set("sex", coded("sex", sex));
        const Evaluation e = evaluate(s);
        INFO(sex << "; flags: " << join(e.ids()));
        REQUIRE(e.ids() == Ids{"pregnancy-not-applicable-check"});
        CHECK(e.flag("pregnancy-not-applicable-check")->severity == Severity::Info);
        CHECK_THAT(e.flag("pregnancy-not-applicable-check")->message, Contains("12 to 55") &&
                                                                       Contains("verbal review"));
    }
    CHECK(evaluate(Screening::noRisk()).result.flags.empty()); // male
}

TEST_CASE("the child-bearing age range is 12 to 55 by default and a site parameter") {
    auto withBirth = [](const std::string& date) {
        Screening s = Screening::noRisk();
        s.set("sex", coded("sex", "female")).set("birth-date", {{"valueDate", date}});
        return s;
    };
    CHECK(evaluate(withBirth("2014-11-20")).ids() == Ids{"pregnancy-not-applicable-check"}); // 12 today
    CHECK(evaluate(withBirth("2014-11-21")).result.flags.empty());                            // 11
    CHECK(evaluate(withBirth("1971-11-21")).ids() == Ids{"pregnancy-not-applicable-check"}); // 55
    CHECK(evaluate(withBirth("1970-11-20")).result.flags.empty());                            // 56
    const RuleSet site = rulesWith("childbearing_age_max", 50);
    CHECK(evaluate(withBirth("1971-11-21").doc(), std::nullopt, "en", site).result.flags.empty());
}

TEST_CASE("a possible pregnancy is a zone-iv review and, with contrast, a gadolinium review") {
    Screening s = Screening::noRisk();
    woman34(s);
    s.answer("pregnancy-possible", "unsure");
    const Evaluation e = evaluate(s);
    CHECK(e.ids() == Ids{"pregnancy-possible", "pregnancy-gadolinium"});
    CHECK(e.flag("pregnancy-possible")->gate == Gate::ZoneIv);
    CHECK(e.flag("pregnancy-gadolinium")->gate == Gate::Contrast);
    CHECK_THAT(e.flag("pregnancy-possible")->message, Contains("Normal Operating Mode"));
    const Evaluation noContrast = evaluate(s.doc(), std::nullopt, "en", test::mriRules(), ContrastPlan::No);
    CHECK(noContrast.flag("pregnancy-possible")->severity == Severity::Review);
    CHECK(noContrast.flag("pregnancy-gadolinium")->severity == Severity::Info);
}

// ---------------------------------------------------------------------------------------------
// Patches and piercings: someone must act.

TEST_CASE("a medication patch is a review naming removal and the prescriber for nitroglycerin or opioid patches") {
    for (const std::string code : {"yes", "unsure"}) {
        Screening s = Screening::noRisk();
        s.answer("med-patch", code);
        const Evaluation e = evaluate(s);
        REQUIRE(e.ids() == Ids{"med-patch"});
        CHECK(e.flag("med-patch")->severity == Severity::Review);
        CHECK_THAT(e.flag("med-patch")->message, Contains("nitroglycerin") && Contains("opioid") &&
                                                     Contains("prescriber") && Contains("Zone IV"));
    }
}

TEST_CASE("a piercing that comes out is information and one that does not, or may not, is a review") {
    Screening out = Screening::noRisk();
    out.answer("piercing", "yes").answer("piercing-removable", "yes");
    CHECK(evaluate(out).ids() == Ids{"piercing"});
    for (const std::string code : {"no", "unsure"}) {
        Screening kept = Screening::noRisk();
        kept.answer("piercing", "yes").answer("piercing-removable", code);
        INFO(code);
        CHECK(evaluate(kept).ids() == Ids{"piercing-not-removable"});
    }
    Screening unsure = Screening::noRisk();
    unsure.answer("piercing", "unsure").answer("piercing-removable", "yes");
    CHECK(evaluate(unsure).ids() == Ids{"piercing-not-removable"});
}

// ---------------------------------------------------------------------------------------------
// Wording.

TEST_CASE("Spanish staff messages use Spanish MR terms and En espera for a hold") {
    const std::regex englishMr(R"(\bMR\b)");
    for (const auto& rule : test::mriRules().rules) {
        const std::string& en = rule.message.at("en");
        const std::string& es = rule.message.at("es");
        INFO(rule.id << ": " << es);
        CHECK_FALSE(std::regex_search(es, englishMr));
        CHECK_THAT(es, !Contains("Retener") && !Contains("Insegur") && !Contains("estado RM") &&
                           !Contains("RM Condicional"));
        if (en.find("Hold:") != std::string::npos) CHECK_THAT(es, Contains("En espera:"));
        if (en.find("Hold the contrast:") != std::string::npos) CHECK_THAT(es, Contains("Contraste en espera:"));
        if (en.find("MR Conditional") != std::string::npos) CHECK_THAT(es, Contains("condicional") && Contains("para RM"));
        if (en.find("MR Unsafe") != std::string::npos) CHECK_THAT(es, Contains("no segur") && Contains("para RM"));
        if (en.find("MR status") != std::string::npos) CHECK_THAT(es, Contains("estado de seguridad en RM"));
    }
}

TEST_CASE("every zone-iv stop says Hold for the authorised signer and every contrast stop holds the contrast") {
    for (const auto& rule : test::mriRules().rules) {
        if (rule.severity != Severity::Stop) continue;
        INFO(rule.id);
        if (rule.gate == Gate::ZoneIv) {
            if (rule.id != "weight-over-table-limit")
                CHECK_THAT(rule.message.at("en"), Contains("Hold: the authorised signer must clear this before Zone IV."));
        } else {
            CHECK_THAT(rule.message.at("en"), !Contains("Zone IV"));
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Thresholds, at and just past each limit.

TEST_CASE("a weight exactly at the table limit raises no flag and half a kilo more a stop naming the weight") {
    Screening at = Screening::noRisk();
    at.number("weight-kg", 200);
    CHECK(evaluate(at).result.flags.empty());

    Screening over = Screening::noRisk();
    over.number("weight-kg", 200.5);
    const Evaluation e = evaluate(over);
    REQUIRE(e.ids() == Ids{"weight-over-table-limit"});
    const Flag& f = e.result.flags.front();
    CHECK(f.severity == Severity::Stop);
    CHECK(f.message.rfind("Weight 200.5 kg is over the scanner table limit of 200 kg.", 0) == 0);
    const Trigger* t = triggerOf(f, "weight_kg");
    REQUIRE(t);
    CHECK(t->value.value_or(0) == Approx(200.5));
    test::keepForSchemaCheck("policy-weight-200-5-kg", e.written());
}

TEST_CASE("a weight in pounds is converted to kilograms before the table limit applies") {
    Screening under = Screening::noRisk();
    under.answer("weight-unit", "[lb_av]").remove("weight-kg").number("weight-lb", 440); // 199.6 kg
    const Evaluation u = evaluate(under);
    CHECK(u.result.valid());
    CHECK(u.result.flags.empty());
    CHECK(*u.result.derived.weight_kg == Approx(199.58).margin(0.01));

    Screening over = Screening::noRisk();
    over.answer("weight-unit", "[lb_av]").number("weight-lb", 442); // 200.5 kg; weight-kg now hidden
    const Evaluation o = evaluate(over);
    CHECK(o.ids() == Ids{"weight-over-table-limit"});
    CHECK(*o.result.derived.weight_kg == Approx(200.49).margin(0.01));
}

TEST_CASE("eGFR exactly 30 is a review and 29.9 a stop, with the value in the message") {
    const Evaluation at = evaluate(Screening::noRisk(), labWithEgfr(30));
    CHECK(*at.result.derived.egfr == Approx(30.0).epsilon(1e-12));
    CHECK(at.ids() == Ids{"renal-egfr-reduced"});
    REQUIRE(at.flag("renal-egfr-reduced"));
    CHECK(at.flag("renal-egfr-reduced")->message.rfind("eGFR 30 mL/min/1.73m2 is between 30 and 45.", 0) == 0);

    const Evaluation below = evaluate(Screening::noRisk(), labWithEgfr(29.9));
    CHECK(*below.result.derived.egfr == Approx(29.9));
    CHECK(below.ids() == Ids{"renal-egfr-low"});
    REQUIRE(below.flag("renal-egfr-low"));
    const Flag& f = *below.flag("renal-egfr-low");
    CHECK(f.severity == Severity::Stop);
    CHECK(f.message.rfind("eGFR 29.9 mL/min/1.73m2 is below 30.", 0) == 0);
    REQUIRE(triggerOf(f, "egfr"));
    CHECK(triggerOf(f, "egfr")->value.value_or(0) == Approx(29.9));
}

TEST_CASE("eGFR exactly 45 raises no renal flag and 44.9 a radiologist review") {
    CHECK(evaluate(Screening::noRisk(), labWithEgfr(45)).result.flags.empty());
    const Evaluation e = evaluate(Screening::noRisk(), labWithEgfr(44.9));
    CHECK(e.ids() == Ids{"renal-egfr-reduced"});
    CHECK(e.flag("renal-egfr-reduced")->severity == Severity::Review);
}

TEST_CASE("a creatinine in umol/L gives the same renal flags as in mg/dL") {
    Creatinine lab = labWithEgfr(29.9);
    lab.value *= 88.4;
    lab.unit = CreatinineUnit::UmolPerL;
    const Evaluation e = evaluate(Screening::noRisk(), lab);
    CHECK(*e.result.derived.egfr == Approx(29.9));
    CHECK(e.ids() == Ids{"renal-egfr-low"});
}

TEST_CASE("a creatinine exactly egfr_max_age_days old is recent enough and one day older is not") {
    Screening s = Screening::noRisk();
    s.answer("diabetes", "yes");
    const Evaluation at = evaluate(s, normalLab("2026-10-09")); // 42 days before 2026-11-20
    CHECK(at.result.derived.lab_age_days == 42);
    CHECK(at.result.flags.empty());

    const Evaluation older = evaluate(s, normalLab("2026-10-08"));
    CHECK(older.result.derived.lab_age_days == 43);
    REQUIRE(older.ids() == Ids{"renal-egfr-needed"});
    const Trigger* t = triggerOf(*older.flag("renal-egfr-needed"), "lab_age_days");
    REQUIRE(t);
    CHECK(t->value == 43);
    CHECK(triggerOf(*older.flag("renal-egfr-needed"), "diabetes"));
}

TEST_CASE("an old creatinine does not matter without a renal risk factor") {
    CHECK(evaluate(Screening::noRisk(), normalLab("2025-01-02")).result.flags.empty());
}

TEST_CASE("age 60 on the screening day is a renal risk factor and 59 is not") {
    Screening sixty = Screening::noRisk();
    sixty.set("birth-date", {{"valueDate", "1966-11-20"}});
    const Evaluation e = evaluate(sixty);
    CHECK(e.result.derived.age == 60);
    REQUIRE(e.ids() == Ids{"renal-egfr-needed"});
    const Trigger* t = triggerOf(*e.flag("renal-egfr-needed"), "age");
    REQUIRE(t);
    CHECK(t->value == 60);

    Screening fiftyNine = Screening::noRisk();
    fiftyNine.set("birth-date", {{"valueDate", "1966-11-21"}});
    const Evaluation y = evaluate(fiftyNine);
    CHECK(y.result.derived.age == 59);
    CHECK(y.result.flags.empty());

    // With a recent lab, age 60 needs nothing more.
    CHECK(evaluate(sixty, normalLab("2026-11-19")).result.flags.empty());
}

TEST_CASE("10 prior gadolinium doses add an information note and 9 do not") {
    Screening ten = Screening::noRisk();
    ten.number("gadolinium-doses", 10);
    const Evaluation e = evaluate(ten);
    REQUIRE(e.ids() == Ids{"gadolinium-many-doses"});
    CHECK(e.result.flags.front().severity == Severity::Info);
    CHECK(e.result.flags.front().message.rfind("Patient reports 10 or more prior gadolinium doses.", 0) == 0);
    Screening nine = Screening::noRisk();
    nine.number("gadolinium-doses", 9);
    CHECK(evaluate(nine).result.flags.empty());
}

TEST_CASE("an unanswered or unconfirmed attestation raises a review") {
    Screening unanswered = Screening::noRisk();
    unanswered.remove("attest");
    CHECK(evaluate(unanswered).ids() == Ids{"attestation-not-confirmed"});
    Screening no = Screening::noRisk();
    no.set("attest", {{"valueBoolean", false}});
    CHECK(evaluate(no).ids() == Ids{"attestation-not-confirmed"});
}

// ---------------------------------------------------------------------------------------------
// Thresholds are site policy: a parameter changes, the rules stay.

TEST_CASE("a site that lowers table_weight_limit_kg to 150 gets a stop flag for a 160 kg patient") {
    Screening s = Screening::noRisk();
    s.number("weight-kg", 160);
    CHECK(evaluate(s).result.flags.empty()); // under the default 200 kg

    const RuleSet site = rulesWith("table_weight_limit_kg", 150);
    CHECK(site.rules.size() == test::mriRules().rules.size());
    const Evaluation e = evaluate(s.doc(), std::nullopt, "en", site);
    REQUIRE(e.ids() == Ids{"weight-over-table-limit"});
    CHECK(e.result.flags.front().message.rfind("Weight 160 kg is over the scanner table limit of 150 kg.", 0) == 0);
    s.number("weight-kg", 150);
    CHECK(evaluate(s.doc(), std::nullopt, "en", site).result.flags.empty());
    test::keepForSchemaCheck("policy-weight-160-kg", e.written());
}

TEST_CASE("an inpatient site with egfr_max_age_days 2 asks again for a three-day-old creatinine") {
    Screening s = Screening::noRisk();
    s.answer("metformin", "yes");
    const Creatinine lab = normalLab("2026-11-17");
    CHECK(evaluate(s, lab).result.flags.empty());
    const RuleSet site = rulesWith("egfr_max_age_days", 2);
    const Evaluation e = evaluate(s.doc(), lab, "en", site);
    REQUIRE(e.ids() == Ids{"renal-egfr-needed"});
    CHECK_THAT(e.result.flags.front().message, Contains("(within 2 days)"));
    CHECK(evaluate(s.doc(), normalLab("2026-11-18"), "en", site).result.flags.empty());
}

TEST_CASE("a site's renal, eGFR and gadolinium thresholds move the flags with them") {
    Screening sixtyTwo = Screening::noRisk();
    sixtyTwo.set("birth-date", {{"valueDate", "1964-05-01"}});
    CHECK(evaluate(sixtyTwo).ids() == Ids{"renal-egfr-needed"});
    CHECK(evaluate(sixtyTwo.doc(), std::nullopt, "en", rulesWith("renal_risk_age", 65)).result.flags.empty());

    const Evaluation low = evaluate(Screening::noRisk().doc(), labWithEgfr(34), "en", rulesWith("egfr_contraindicated", 35));
    CHECK(low.ids() == Ids{"renal-egfr-low"});
    CHECK_THAT(low.result.flags.front().message, Contains("is below 35."));

    const Evaluation caution = evaluate(Screening::noRisk().doc(), labWithEgfr(55), "en", rulesWith("egfr_caution", 60));
    CHECK(caution.ids() == Ids{"renal-egfr-reduced"});

    Screening five = Screening::noRisk();
    five.number("gadolinium-doses", 5);
    CHECK(evaluate(five).result.flags.empty());
    const Evaluation doses = evaluate(five.doc(), std::nullopt, "en", rulesWith("gadolinium_many_doses", 5));
    CHECK(doses.ids() == Ids{"gadolinium-many-doses"});
    CHECK_THAT(doses.result.flags.front().message, Contains("reports 5 or more"));
}


TEST_CASE("a patient of 450 kg can be entered and gets the table-limit stop, and the form stops at 650 kg") {
    Screening heavy = Screening::noRisk();
    heavy.number("weight-kg", 450);
    const Evaluation e = evaluate(heavy);
    INFO("validation errors: " << e.errors());
    CHECK(e.result.valid());
    CHECK(e.ids() == Ids{"weight-over-table-limit"});
    CHECK(formItem("weight-kg").maxValue->decimal == 650);
    CHECK(formItem("weight-lb").maxValue->decimal == 1433);
    heavy.number("weight-kg", 650);
    CHECK(evaluate(heavy).result.valid());
    heavy.number("weight-kg", 651);
    CHECK_FALSE(evaluate(heavy).result.valid());
    Screening pounds = Screening::noRisk();
    pounds.answer("weight-unit", "[lb_av]").remove("weight-kg").number("weight-lb", 1000);
    const Evaluation lb = evaluate(pounds);
    CHECK(lb.result.valid());
    CHECK(lb.ids() == Ids{"weight-over-table-limit"});
}

TEST_CASE("a site that accepts an eye doctor's examination as clearance gets no review for it, and imaging still asks for the report") {
    Screening exam = Screening::noRisk();
    exam.answer("eye-metal-injury", "yes").answer("eye-metal-clearance", "exam");
    CHECK(evaluate(exam).ids() == Ids{"eye-metal-exam-only"});
    const RuleSet site = rulesWith("eye_exam_clears", 1);
    CHECK(evaluate(exam.doc(), std::nullopt, "en", site).result.flags.empty());
    Screening never = Screening::noRisk();
    never.answer("eye-metal-injury", "yes").answer("eye-metal-clearance", "none");
    CHECK(evaluate(never.doc(), std::nullopt, "en", site).ids() == Ids{"eye-metal-not-cleared"});
}

// ---------------------------------------------------------------------------------------------
// The shipped examples.

namespace {

struct ExampleRow {
    std::string file;
    std::vector<std::string> flags; // as written: "implant-pacemaker (stop)"
};

// The table "Examples and the flags they raise" of forms/README.md.
std::vector<ExampleRow> readmeExamples() {
    std::istringstream in(test::slurp(test::sourcePath("forms/README.md")));
    static const std::regex row(R"(^\| `([a-z0-9-]+\.json)` \|[^|]*\| ([^|]*) \|\s*$)");
    std::vector<ExampleRow> rows;
    bool inSection = false;
    for (std::string line; std::getline(in, line);) {
        if (line.rfind("## ", 0) == 0) inSection = line.find("Examples and the flags") != std::string::npos;
        std::smatch m;
        if (!inSection || !std::regex_match(line, m, row)) continue;
        ExampleRow r{m[1].str(), {}};
        std::istringstream flags(m[2].str());
        for (std::string flag; std::getline(flags, flag, ',');) {
            flag.erase(0, flag.find_first_not_of(' '));
            flag.erase(flag.find_last_not_of(' ') + 1);
            if (flag != "none") r.flags.push_back(flag);
        }
        rows.push_back(r);
    }
    return rows;
}

} // namespace

TEST_CASE("forms/README.md lists the flags of every example in forms/examples") {
    Ids listed, files;
    for (const auto& r : readmeExamples()) listed.insert(r.file);
    for (const auto& entry : std::filesystem::directory_iterator(test::sourcePath("forms/examples")))
        if (entry.path().extension() == ".json") files.insert(entry.path().filename().string());
    CHECK(listed.size() == 12);
    CHECK(listed == files);
}

TEST_CASE("each example answers form 2.0.0 and raises exactly the flags forms/README.md says it should") {
    const auto rows = readmeExamples();
    REQUIRE_FALSE(rows.empty());
    const auto r = GENERATE_COPY(from_range(rows));
    const json doc = json::parse(test::slurp(test::sourcePath("forms/examples/" + r.file)));
    CHECK(doc["questionnaire"] == "http://mrscreen.org/fhir/Questionnaire/mri-safety|2.0.0");
    const Evaluation e = evaluate(doc, std::nullopt, doc.value("language", "en"));
    INFO(r.file << " raised: " << join(e.ids()));
    INFO("validation errors: " << e.errors());
    CHECK(e.result.valid());
    Ids expected, stops;
    for (const auto& flag : r.flags) {
        const auto space = flag.find(' ');
        expected.insert(flag.substr(0, space));
        if (space != std::string::npos) {
            CHECK(flag.substr(space) == " (stop)");
            stops.insert(flag.substr(0, space));
        }
    }
    CHECK(e.ids() == expected);
    Ids raisedStops;
    for (const auto& f : e.result.flags)
        if (f.severity == Severity::Stop) raisedStops.insert(f.id);
    CHECK(raisedStops == stops); // "(stop)" marks every stop flag and only those
    // Every example answers every stop-level device.
    for (const auto& q : deviceQuestions()) {
        INFO(q);
        CHECK(e.answers->answersOf(test::mriForm().indexOf(q)).size() == 1);
    }
    test::keepForSchemaCheck("policy-example-" + r.file.substr(0, r.file.size() - 5), e.written());
}

TEST_CASE("the possible-pregnancy example evaluated in Spanish gives Spanish staff messages") {
    const json doc = json::parse(test::slurp(test::sourcePath("forms/examples/possible-pregnancy.json")));
    const Evaluation es = evaluate(doc, std::nullopt, "es");
    const Evaluation en = evaluate(doc, std::nullopt, "en");
    REQUIRE(es.ids() == Ids{"pregnancy-possible", "pregnancy-gadolinium", "unsure-answers", "piercing"});
    for (const auto& f : es.result.flags) {
        INFO(f.id);
        CHECK(f.message == policyRule(f.id).message.at("es"));
        CHECK(f.message != en.flag(f.id)->message);
    }
    CHECK_THAT(es.flag("pregnancy-possible")->message, Contains("podría estar embarazada"));
    CHECK_THAT(es.flag("unsure-answers")->message, Contains("No estoy seguro/a"));
    CHECK_THAT(es.flag("piercing")->message, Contains("Perforaciones corporales"));
    CHECK_THAT(en.flag("pregnancy-possible")->message, Contains("may be pregnant"));
}

TEST_CASE("Spanish staff messages fill in the numbers like the English ones") {
    Screening s = Screening::noRisk();
    s.number("weight-kg", 210);
    const Evaluation e = evaluate(s.doc(), std::nullopt, "es");
    REQUIRE(e.ids() == Ids{"weight-over-table-limit"});
    CHECK(e.result.flags.front().message.rfind("Peso de 210 kg, mayor que el límite de la mesa del equipo (200 kg).", 0) == 0);
}

TEST_CASE("a language the policy has no messages in falls back to English") {
    const json doc = json::parse(test::slurp(test::sourcePath("forms/examples/possible-pregnancy.json")));
    const Evaluation fr = evaluate(doc, std::nullopt, "fr");
    REQUIRE(fr.flag("pregnancy-possible"));
    CHECK_THAT(fr.flag("pregnancy-possible")->message, Contains("may be pregnant"));
}

// ---------------------------------------------------------------------------------------------
// Labs that cannot be shown to be recent, and values printed next to their limits.

TEST_CASE("a creatinine with no sample date is not taken as a recent eGFR for a patient with a renal risk factor") {
    Screening s = Screening::noRisk();
    s.answer("diabetes", "yes");
    const Evaluation undated = evaluate(s, normalLab(""));
    CHECK_FALSE(undated.result.derived.lab_age_days);
    CHECK(undated.flag("renal-egfr-needed"));
}

TEST_CASE("a creatinine dated after the screening day is not taken as a recent eGFR") {
    Screening s = Screening::noRisk();
    s.answer("diabetes", "yes");
    const Evaluation future = evaluate(s, normalLab("2027-11-19"));
    CHECK_FALSE(future.result.derived.problems.empty());
    CHECK(future.flag("renal-egfr-needed"));
}

TEST_CASE("a staff message never shows a value that reads as inside the limit it is flagged for") {
    // Rounded to one decimal, 441 lb (200.03 kg) would read "200.0 kg is over the limit of
    // 200 kg" and an eGFR of 29.96 would read "30.0 ... is below 30".
    Screening s = Screening::noRisk();
    s.answer("weight-unit", "[lb_av]").number("weight-lb", 441);
    const Evaluation heavy = evaluate(s);
    REQUIRE(heavy.flag("weight-over-table-limit"));
    CHECK_THAT(heavy.flag("weight-over-table-limit")->message, !Contains("Weight 200.0 kg") && Contains("200.03"));

    const Evaluation low = evaluate(Screening::noRisk(), labWithEgfr(29.96));
    REQUIRE(low.flag("renal-egfr-low"));
    CHECK_THAT(low.flag("renal-egfr-low")->message, !Contains("eGFR 30.0") && Contains("29.96"));
}
