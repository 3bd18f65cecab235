// The default site policy as test cases: a no-risk screening builder, the minimal change and
// near miss of every rule, and the helpers that evaluate them; shared by policy_test.cpp and
// policy_paths_test.cpp.
#pragma once

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

namespace policy {


inline const std::string kScreeningDay = "2026-11-20"; // the day every example was authored

using Ids = std::set<std::string>;

inline std::string join(const Ids& ids) {
    std::string out;
    for (const auto& id : ids) out += (out.empty() ? "" : ", ") + id;
    return out.empty() ? "(none)" : out;
}

using test::coded;
using test::formItem;

// Questions of the form offering a "Not sure" answer (code unsure), in form order.
inline std::vector<std::string> unsureQuestions() {
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
inline std::vector<std::string> questionsIn(const std::string& group) {
    const auto& form = test::mriForm();
    std::vector<std::string> out;
    for (int child : formItem(group).children) {
        const Item& item = form.items[std::size_t(child)];
        if (item.type == ItemType::Choice) out.push_back(item.linkId);
    }
    return out;
}

// The review-level implant checklist behind has-implants (implant-external-insulin-pump ... implant-other).
inline std::vector<std::string> checklistQuestions() { return questionsIn("implant-checklist"); }

// The stop-level devices every patient answers, on the two checklist pages.
inline std::vector<std::string> deviceQuestions() {
    auto out = questionsIn("implant-devices-heart");
    const auto other = questionsIn("implant-devices-other");
    out.insert(out.end(), other.begin(), other.end());
    return out;
}

inline const std::vector<std::string> kRenalRiskQuestions = {
    "kidney-disease", "dialysis",  "kidney-transplant",       "single-kidney", "kidney-surgery-cancer",
    "acute-kidney-injury", "diabetes", "hypertension-medication", "metformin", "liver-disease"};

// The stop rules on a Yes / No / Not sure question: each fires for Yes or Not sure (forms/README.md,
// "Rules conventions"), keyed by rule id, with the question that raises it alone.
inline const std::map<std::string, std::string> kStopOnYesOrUnsure = {
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
inline Ids stopsForUnsure(const std::string& linkId) {
    Ids out;
    for (const auto& [rule, question] : kStopOnYesOrUnsure)
        if (question == linkId) out.insert(rule);
    if (linkId == "acute-kidney-injury") out.insert("renal-dialysis-or-aki");
    return out;
}

// The review-level checklist item's own rule has the item's linkId as its id.
inline std::string ruleOf(const std::string& linkId) { return linkId; }

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

inline Evaluation evaluate(const json& doc, const std::optional<Creatinine>& lab = std::nullopt,
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

inline Evaluation evaluate(const Screening& s, const std::optional<Creatinine>& lab = std::nullopt) {
    return evaluate(s.doc(), lab);
}

// The trigger of `flag` naming this linkId or derived value, if any.
inline const Trigger* triggerOf(const Flag& flag, const std::string& name) {
    for (const auto& t : flag.triggers)
        if (t.linkId == name || t.derived == name) return &t;
    return nullptr;
}

inline bool hasAnswer(const Trigger& t, const std::string& answer) {
    return std::find(t.answers.begin(), t.answers.end(), answer) != t.answers.end();
}

// The creatinine (mg/dL) at which CKD-EPI 2021 gives `target` for this patient: the equation
// solved for a creatinine above kappa, then stepped down to the last double still giving at least
// `target`, so "exactly 30" is 30 and not 29.999999999.
inline double creatinineFor(double target, double age, Sex sex) {
    const bool female = sex == Sex::Female;
    const double kappa = female ? 0.7 : 0.9;
    const double factor = 142.0 * std::pow(0.9938, age) * (female ? 1.012 : 1.0);
    double scr = kappa * std::pow(factor / target, 1.0 / 1.2);
    while (ckdEpi2021(scr, age, sex) < target) scr = std::nextafter(scr, 0.0);
    return scr;
}

// A lab for the no-risk patient (man, 42 on the screening day) giving this eGFR, taken a week ago.
inline Creatinine labWithEgfr(double egfr, const std::string& date = "2026-11-13") {
    return Creatinine{creatinineFor(egfr, 42, Sex::Male), CreatinineUnit::MgPerDl, date};
}

Creatinine normalLab(const std::string& date) { return Creatinine{1.0, CreatinineUnit::MgPerDl, date}; }

// A creatinine no eGFR can be computed from: 55 "mg/dL" is a value in umol/L with the wrong unit.
Creatinine implausibleLab() { return Creatinine{55.0, CreatinineUnit::MgPerDl, "2026-11-13"}; }

inline RuleSet rulesWith(const std::string& parameter, double value) {
    json doc = json::parse(test::slurp(test::sourcePath("forms/mri-safety.rules.json")));
    REQUIRE(doc["parameters"].contains(parameter));
    doc["parameters"][parameter]["value"] = value;
    return loadRules(doc.dump(), "site-rules.json", test::mriForm());
}

inline const Rule& policyRule(const std::string& id) {
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

inline Scenario answering(const std::string& linkId, const std::string& code, Ids flags) {
    return {"'" + linkId + "' answered " + code,
            [=](Screening& s) { s.answer(linkId, code); }, std::move(flags)};
}

inline Scenario choosing(const std::string& linkId, const std::vector<std::string>& codes, Ids flags) {
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
inline RuleCase implant(const std::string& id, const std::string& category) {
    return onYes(id, id, Severity::Review, category, Gate::ZoneIv, {"implant-not-identified"});
}

inline const std::vector<RuleCase>& implantCases() {
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

inline const std::vector<RuleCase>& yesAnswerCases() {
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
inline void woman34(Screening& s) {
    s.set("sex", coded("sex", "female")).set("birth-date", {{"valueDate", "1992-06-01"}});
    s.set("pregnancy-possible", coded("pregnancy-possible", "no")).set("breastfeeding", coded("breastfeeding", "no"));
}

inline const std::vector<RuleCase>& specialCases() {
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

inline std::vector<RuleCase> allRuleCases() {
    std::vector<RuleCase> all;
    for (const auto* table : {&implantCases(), &yesAnswerCases(), &specialCases()})
        all.insert(all.end(), table->begin(), table->end());
    return all;
}

inline void checkScenario(const RuleCase& c, const Scenario& scenario, bool fires) {
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


} // namespace policy

using namespace policy;
