// The default site policy (forms/mri-safety.rules.json) over the shipped form: every rule firing
// for a minimal change to a no-risk screening and not firing for its near miss, "Not sure" never
// read as No (a stop-level question answered Not sure is held like a Yes, and Not sure opens the same
// follow-ups as Yes), a surgery history that cannot skip its details, thresholds as site parameters,
// Spanish staff messages in Spanish MR terms, and the shipped examples raising the flags
// forms/README.md lists for them.
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

const Item& formItem(const std::string& linkId) {
    const Item* item = test::mriForm().find(linkId);
    if (!item) FAIL("the form has no item '" << linkId << "'");
    return *item;
}

// The answer option of a choice question with this code, as a FHIR answer (system included).
json coded(const std::string& linkId, const std::string& code) {
    for (const auto& o : formItem(linkId).options)
        if (o.value.type == ValueType::Coding && o.value.coding.code == code)
            return {{"valueCoding",
                     {{"system", o.value.coding.system}, {"code", code}, {"display", o.display.base}}}};
    FAIL("'" << linkId << "' has no answer option '" << code << "'");
    return {};
}

// Yes / No / Not sure questions of the form, in form order.
std::vector<std::string> yesNoUnsureQuestions() {
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

// The implant checklist questions (implant-pacemaker ... implant-other).
std::vector<std::string> checklistQuestions() {
    const auto& form = test::mriForm();
    std::vector<std::string> out;
    for (int child : formItem("implant-checklist").children) {
        const Item& item = form.items[std::size_t(child)];
        if (item.type == ItemType::Choice) out.push_back(item.linkId);
    }
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
    {"implant-neurostimulator", "implant-neurostimulator"},
    {"implant-bone-growth-stimulator", "implant-bone-growth-stimulator"},
    {"implant-cochlear", "implant-cochlear"},
    {"implant-drug-pump", "implant-drug-pump"},
    {"implant-capsule-camera", "implant-capsule-camera"},
    {"implant-breast-expander", "implant-breast-expander"},
    {"metal-work", "metal-work"},
    {"renal-dialysis-or-aki", "dialysis"}, // and acute-kidney-injury
};

// The stop flags a Not sure on this question must raise (besides unsure-answers and the renal
// review a kidney question always asks for).
Ids stopsForUnsure(const std::string& linkId) {
    Ids out;
    for (const auto& [rule, question] : kStopOnYesOrUnsure)
        if (question == linkId) out.insert(rule);
    if (linkId == "acute-kidney-injury") out.insert("renal-dialysis-or-aki");
    return out;
}

// A QuestionnaireResponse being edited: answers are set by linkId anywhere in the nested items,
// and a question that is not there yet is added inside its groups, in form order.
class Screening {
public:
    explicit Screening(json doc) : doc_(std::move(doc)) {}

    static Screening example(const std::string& name) {
        return Screening(json::parse(test::slurp(test::sourcePath("forms/examples/" + name + ".json"))));
    }
    static Screening noRisk() { return example("no-risk"); }

    const json& doc() const { return doc_; }

    // Replaces the answers of `linkId` with this one, adding the item where the form has it.
    Screening& set(const std::string& linkId, const json& answer) {
        node(linkId, true)->operator[]("answer") = json::array({answer});
        return *this;
    }

    Screening& remove(const std::string& linkId) {
        if (json* n = node(linkId, false)) n->erase("answer");
        return *this;
    }

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
    json doc_;

    // The response item for `linkId` (the first repetition of any repeating group on the way).
    json* node(const std::string& linkId, bool create) {
        const auto& form = test::mriForm();
        std::vector<int> chain;
        for (int i = form.indexOf(linkId); i >= 0; i = form.items[std::size_t(i)].parent)
            chain.insert(chain.begin(), i);
        if (chain.empty()) FAIL("the form has no item '" << linkId << "'");
        json* list = &doc_["item"];
        json* found = nullptr;
        for (int index : chain) {
            const std::string& id = form.items[std::size_t(index)].linkId;
            auto it = std::find_if(list->begin(), list->end(),
                                   [&](const json& n) { return n.value("linkId", "") == id; });
            if (it == list->end()) {
                if (!create) return nullptr;
                auto later = std::find_if(list->begin(), list->end(), [&](const json& n) {
                    return form.indexOf(n.value("linkId", "")) > index;
                });
                it = list->insert(later, json{{"linkId", id}});
            }
            found = &*it;
            if (form.items[std::size_t(index)].type == ItemType::Group) {
                if (!found->contains("item")) (*found)["item"] = json::array();
                list = &(*found)["item"];
            }
        }
        return found;
    }

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
        if (under("pregnancy") && codeOf("sex") == "male") set("sex", coded("sex", "female"));
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
        if (linkId == "eye-metal-cleared" && codeOf("eye-metal-injury") != "unsure")
            answerIfNot("eye-metal-injury", "yes");
        completeFollowUps();
    }

    // Required questions a gate answer brings up, answered the harmless way.
    void completeFollowUps() {
        const std::string implants = codeOf("has-implants");
        if (implants == "yes" || implants == "unsure")
            for (const auto& q : checklistQuestions()) defaultIfMissing(q, coded(q, "no"));
        if (codeOf("sex") != "male") {
            defaultIfMissing("pregnancy-possible", coded("pregnancy-possible", "no"));
            defaultIfMissing("breastfeeding", coded("breastfeeding", "no"));
        }
        if (codeOf("surgery-any") == "yes") {
            defaultIfMissing("surgery-type", {{"valueString", "Appendix removed"}});
            defaultIfMissing("surgery-implant", coded("surgery-implant", "no"));
        }
        if (yesOrUnsure("previous-mri"))
            defaultIfMissing("previous-mri-problem", coded("previous-mri-problem", "no"));
        const std::string eye = codeOf("eye-metal-injury");
        if (eye == "yes" || eye == "unsure")
            defaultIfMissing("eye-metal-cleared", coded("eye-metal-cleared", "yes"));
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
                    const std::string& language = "en", const RuleSet& rules = test::mriRules()) {
    Evaluation e;
    e.response = std::make_unique<Response>(test::responseFromJson(doc));
    e.answers = std::make_unique<ScreeningAnswers>(test::mriForm(), *e.response);
    AssessmentInput input;
    input.language = language;
    input.screeningDate = kScreeningDay;
    input.creatinine = lab;
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

RuleSet rulesWith(const std::string& parameter, double value) {
    json doc = json::parse(test::slurp(test::sourcePath("forms/mri-safety.rules.json")));
    REQUIRE(doc["parameters"].contains(parameter));
    doc["parameters"][parameter]["value"] = value;
    return loadRules(doc.dump(), "site-rules.json", test::mriForm());
}

// ---------------------------------------------------------------------------------------------
// One row per rule of the default policy: the smallest change to the no-risk screening that
// must raise it, and the nearest change that must not. Each scenario lists every flag it raises.

struct Scenario {
    std::string what;
    std::function<void(Screening&)> edit;
    Ids flags; // exactly the flags raised
    std::optional<Creatinine> lab = std::nullopt;
};

struct RuleCase {
    std::string id;
    Severity severity;
    std::string category;
    std::string trigger;       // the linkId or derived value the flag must name
    std::string triggerAnswer; // the answer that trigger must show ("" for derived values)
    Scenario fires;
    Scenario misses;
};

Scenario answering(const std::string& linkId, const std::string& code, Ids flags) {
    return {"'" + linkId + "' answered " + code,
            [=](Screening& s) { s.answer(linkId, code); }, std::move(flags)};
}

// A rule that fires on Yes to one question: No is the near miss.
RuleCase onYes(const std::string& id, const std::string& linkId, Severity severity,
               const std::string& category, Ids whenNo = {}) {
    return {id, severity, category, linkId, "yes", answering(linkId, "yes", {id}),
            answering(linkId, "no", std::move(whenNo))};
}

// A checklist implant: Yes fires; No leaves a Yes to has-implants with nothing marked.
RuleCase implant(const std::string& id, Severity severity, const std::string& category) {
    return onYes(id, id, severity, category, {"implant-not-identified"});
}

const std::vector<RuleCase>& implantCases() {
    static const std::vector<RuleCase> cases = {
        implant("implant-pacemaker", Severity::Stop, "implant"),
        implant("implant-icd", Severity::Stop, "implant"),
        implant("implant-pacing-leads", Severity::Stop, "implant"),
        implant("implant-aneurysm-clip", Severity::Stop, "implant"),
        implant("implant-neurostimulator", Severity::Stop, "implant"),
        implant("implant-bone-growth-stimulator", Severity::Stop, "implant"),
        implant("implant-cochlear", Severity::Stop, "implant"),
        implant("implant-drug-pump", Severity::Stop, "implant"),
        implant("implant-capsule-camera", Severity::Stop, "implant"),
        implant("implant-breast-expander", Severity::Stop, "implant"),
        implant("implant-carotid-clamp", Severity::Review, "implant"),
        implant("implant-external-insulin-pump", Severity::Review, "device"),
        implant("implant-glucose-monitor", Severity::Review, "device"),
        implant("implant-magnetic", Severity::Review, "implant"),
        implant("implant-heart-valve", Severity::Review, "implant"),
        implant("implant-coil", Severity::Review, "implant"),
        implant("implant-filter", Severity::Review, "implant"),
        implant("implant-stent", Severity::Review, "implant"),
        implant("implant-shunt", Severity::Review, "implant"),
        implant("implant-access-port", Severity::Review, "implant"),
        implant("implant-eye-prosthesis", Severity::Review, "implant"),
        implant("implant-penile-prosthesis", Severity::Review, "implant"),
        implant("implant-artificial-limb", Severity::Review, "device"),
        implant("implant-joint-replacement", Severity::Review, "implant"),
        implant("implant-hardware", Severity::Review, "implant"),
        implant("implant-iud", Severity::Review, "implant"),
        implant("implant-radiation-seeds", Severity::Review, "implant"),
        implant("implant-electrodes", Severity::Review, "device"),
        implant("implant-other", Severity::Review, "implant"),
    };
    return cases;
}

const std::vector<RuleCase>& yesAnswerCases() {
    static const std::vector<RuleCase> cases = {
        onYes("surgery-implant", "surgery-implant", Severity::Review, "implant"),
        onYes("metal-work", "metal-work", Severity::Stop, "foreign-body"),
        onYes("bullet-shrapnel", "bullet-injury", Severity::Review, "foreign-body"),
        onYes("gadolinium-reaction", "gadolinium-reaction", Severity::Review, "gadolinium"),
        onYes("pregnancy-possible", "pregnancy-possible", Severity::Review, "pregnancy"),
        onYes("breastfeeding", "breastfeeding", Severity::Info, "pregnancy"),
        onYes("claustrophobia", "claustrophobia", Severity::Info, "comfort"),
        onYes("sedation-request", "sedation-request", Severity::Review, "comfort"),
        onYes("med-patch", "med-patch", Severity::Info, "device"),
        onYes("hearing-aid", "hearing-aid", Severity::Info, "device"),
        onYes("dentures", "dentures", Severity::Info, "device"),
        onYes("piercing", "piercing", Severity::Info, "device"),
        onYes("hair-piece", "hair-piece", Severity::Info, "device"),
        onYes("hair-clips-jewelry", "hair-clips-jewelry", Severity::Info, "device"),
        onYes("tattoo", "tattoo", Severity::Info, "other"),
        onYes("previous-mri-problem", "previous-mri-problem", Severity::Review, "other"),
    };
    return cases;
}

const std::vector<RuleCase>& specialCases() {
    static const std::vector<RuleCase> cases = {
        {"implant-not-identified", Severity::Review, "implant", "has-implants", "yes",
         {"has-implants Yes with every checklist item No",
          [](Screening& s) { s.answer("has-implants", "yes"); }, {"implant-not-identified"}},
         {"has-implants Yes with one checklist item Not sure",
          [](Screening& s) { s.answer("has-implants", "yes").answer("implant-other", "unsure"); },
          {"unsure-answers"}}},
        {"eye-metal-not-cleared", Severity::Stop, "foreign-body", "eye-metal-injury", "yes",
         {"a metal eye injury not cleared by an eye exam",
          [](Screening& s) { s.answer("eye-metal-injury", "yes").answer("eye-metal-cleared", "no"); },
          {"eye-metal-not-cleared"}},
         {"a metal eye injury cleared by an eye exam",
          [](Screening& s) { s.answer("eye-metal-injury", "yes").answer("eye-metal-cleared", "yes"); },
          {}}},
        {"renal-egfr-needed", Severity::Review, "renal", "diabetes", "yes",
         answering("diabetes", "yes", {"renal-egfr-needed"}),
         {"diabetes with a normal creatinine taken a week ago",
          [](Screening& s) { s.answer("diabetes", "yes"); }, {}, normalLab("2026-11-13")}},
        {"renal-dialysis-or-aki", Severity::Stop, "renal", "acute-kidney-injury", "yes",
         answering("acute-kidney-injury", "yes", {"renal-dialysis-or-aki", "renal-egfr-needed"}),
         answering("acute-kidney-injury", "no", {})},
        {"renal-egfr-low", Severity::Stop, "renal", "egfr", "",
         {"a lab giving eGFR 29.9", [](Screening&) {}, {"renal-egfr-low"}, labWithEgfr(29.9)},
         {"a lab giving eGFR exactly 30", [](Screening&) {}, {"renal-egfr-reduced"}, labWithEgfr(30)}},
        {"renal-egfr-reduced", Severity::Review, "renal", "egfr", "",
         {"a lab giving eGFR 44.9", [](Screening&) {}, {"renal-egfr-reduced"}, labWithEgfr(44.9)},
         {"a lab giving eGFR exactly 45", [](Screening&) {}, {}, labWithEgfr(45)}},
        {"gadolinium-reaction-severe", Severity::Stop, "gadolinium", "gadolinium-reaction-severity", "severe",
         answering("gadolinium-reaction-severity", "severe", {"gadolinium-reaction", "gadolinium-reaction-severe"}),
         answering("gadolinium-reaction-severity", "moderate", {"gadolinium-reaction"})},
        {"gadolinium-many-doses", Severity::Info, "gadolinium", "gadolinium-doses", "10",
         {"10 prior gadolinium doses", [](Screening& s) { s.number("gadolinium-doses", 10); },
          {"gadolinium-many-doses"}},
         {"9 prior gadolinium doses", [](Screening& s) { s.number("gadolinium-doses", 9); }, {}}},
        {"weight-over-table-limit", Severity::Stop, "other", "weight_kg", "",
         {"200.5 kg", [](Screening& s) { s.number("weight-kg", 200.5); }, {"weight-over-table-limit"}},
         {"exactly 200 kg", [](Screening& s) { s.number("weight-kg", 200); }, {}}},
        {"unsure-answers", Severity::Review, "other", "tattoo", "unsure",
         answering("tattoo", "unsure", {"unsure-answers"}),
         {"Not sure on a question hidden by the answer before it (previous-mri No)",
          [](Screening& s) { s.set("previous-mri-problem", coded("previous-mri-problem", "unsure")); }, {}}},
        {"attestation-not-confirmed", Severity::Review, "other", "attest", "false",
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
    const Evaluation e = evaluate(s, scenario.lab);
    INFO("rule " << c.id << ", scenario: " << scenario.what);
    INFO("flags raised: " << join(e.ids()));
    CHECK(e.result.errors.empty());
    INFO("validation errors: " << e.errors());
    CHECK(e.ids() == scenario.flags);
    const Flag* f = e.flag(c.id);
    if (!fires) {
        CHECK(f == nullptr);
        return;
    }
    REQUIRE(f != nullptr);
    CHECK(severityName(f->severity) == std::string(severityName(c.severity)));
    CHECK(f->category == c.category);
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
    CHECK(e.result.derived.age == 42);
    CHECK_FALSE(e.result.derived.egfr);
    test::keepForSchemaCheck("policy-no-risk", e.written());
}

TEST_CASE("every rule of the default policy has a firing and a near-miss case in this file") {
    Ids tested;
    for (const auto& c : allRuleCases()) {
        INFO("rule " << c.id);
        CHECK(tested.insert(c.id).second); // no rule twice
    }
    Ids policy;
    for (const auto& rule : test::mriRules().rules) policy.insert(rule.id);
    CHECK(policy.size() == 56);
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

TEST_CASE("the implant rules cover exactly the checklist, and implant-not-identified knows every item") {
    const auto checklist = checklistQuestions();
    Ids ruled, items(checklist.begin(), checklist.end());
    for (const auto& c : implantCases()) ruled.insert(c.trigger);
    CHECK(ruled == items);
    // A Yes or a Not sure on any one item means the patient identified something.
    const auto item = GENERATE_COPY(from_range(checklist));
    for (const std::string code : {"yes", "unsure"}) {
        Screening s = Screening::noRisk();
        s.answer("has-implants", "yes").answer(item, code);
        INFO(item << " answered " << code);
        CHECK_FALSE(evaluate(s).flag("implant-not-identified"));
    }
}

TEST_CASE("a pacemaker answer raises a stop flag in category implant") {
    Screening s = Screening::noRisk();
    s.answer("implant-pacemaker", "yes").text("implant-pacemaker-device", "Dual-chamber pacemaker");
    const Evaluation e = evaluate(s);
    CHECK(e.result.valid());
    REQUIRE(e.ids() == Ids{"implant-pacemaker"});
    const Flag& f = e.result.flags.front();
    CHECK(f.severity == Severity::Stop);
    CHECK(f.category == "implant");
    CHECK_THAT(f.message, Contains("Pacemaker reported") && Contains("authorised signer"));
    REQUIRE(f.triggers.size() == 1);
    CHECK(f.triggers[0].linkId == "implant-pacemaker");
    CHECK(f.triggers[0].answers == std::vector<std::string>{"yes"});
    test::keepForSchemaCheck("policy-pacemaker-yes", e.written());
}

TEST_CASE("a pacemaker answer under has-implants No is not counted and raises no flag") {
    // The checklist is hidden by No; its stale answers are reported as ignored, never as flags.
    Screening s = Screening::noRisk();
    s.set("implant-pacemaker", coded("implant-pacemaker", "yes"));
    const Evaluation e = evaluate(s);
    CHECK(e.result.flags.empty());
    CHECK(std::find(e.result.ignoredAnswers.begin(), e.result.ignoredAnswers.end(), "implant-pacemaker") !=
          e.result.ignoredAnswers.end());
}

TEST_CASE("a surgery that left something in the body counts in any repetition of the surgery list") {
    Screening s = Screening::example("pacemaker");
    const Evaluation e = evaluate(s);
    REQUIRE(e.flag("surgery-implant"));
    const Trigger* t = triggerOf(*e.flag("surgery-implant"), "surgery-implant");
    REQUIRE(t);
    CHECK(t->answers == std::vector<std::string>{"yes"});
}

// ---------------------------------------------------------------------------------------------
// Not sure is never treated as No.

TEST_CASE("every Yes / No / Not sure question answered Not sure raises the unsure-answers review naming it") {
    const auto questions = yesNoUnsureQuestions();
    CHECK(questions.size() >= 60);
    const auto linkId = GENERATE_COPY(from_range(questions));
    Screening s = Screening::noRisk();
    s.answer(linkId, "unsure");
    const Evaluation e = evaluate(s);
    INFO(linkId << " answered Not sure; flags: " << join(e.ids()));
    INFO("validation errors: " << e.errors());
    CHECK(e.result.valid());
    CHECK(e.enabled(linkId));
    const Flag* f = e.flag("unsure-answers");
    REQUIRE(f);
    CHECK(f->severity == Severity::Review);
    const Trigger* t = triggerOf(*f, linkId);
    REQUIRE(t);
    CHECK(t->answers == std::vector<std::string>{"unsure"});
    CHECK(f->triggers.size() == 1);
}

TEST_CASE("an implant answered Not sure shows its details, keeps them and counts as identified") {
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
    Ids expected = stopsForUnsure(item);
    expected.insert("unsure-answers");
    CHECK(e.ids() == expected);
    const Flag* f = e.flag("unsure-answers");
    REQUIRE(f);
    CHECK(triggerOf(*f, item));
    CHECK((has == "yes") == (triggerOf(*f, "has-implants") == nullptr));
    // The details go out with the completed response.
    CHECK_THAT(e.written().dump(), Contains(item + "-device") && Contains("Something from a surgery"));
    if (item == "implant-pacemaker" && has == "unsure") test::keepForSchemaCheck("policy-implant-unsure", e.written());
}

TEST_CASE("has-implants Not sure shows the whole checklist and the body map") {
    Screening s = Screening::noRisk();
    s.answer("has-implants", "unsure");
    const Evaluation e = evaluate(s);
    CHECK(e.enabled("implant-checklist"));
    CHECK(e.enabled("body-map"));
    for (const auto& q : checklistQuestions()) CHECK(e.enabled(q));
    CHECK(e.ids() == Ids{"unsure-answers"});
}

TEST_CASE("a renal risk factor answered Not sure still asks for a recent eGFR") {
    const auto linkId = GENERATE_COPY(from_range(kRenalRiskQuestions));
    Screening s = Screening::noRisk();
    s.answer(linkId, "unsure");
    const Evaluation e = evaluate(s);
    INFO(linkId << " Not sure; flags: " << join(e.ids()));
    Ids expected = stopsForUnsure(linkId);
    expected.insert({"renal-egfr-needed", "unsure-answers"});
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

TEST_CASE("a possible pregnancy answered Not sure raises the pregnancy review") {
    Screening s = Screening::noRisk();
    s.answer("pregnancy-possible", "unsure");
    const Evaluation e = evaluate(s);
    CHECK(e.ids() == Ids{"pregnancy-possible", "unsure-answers"});
    const Flag* f = e.flag("pregnancy-possible");
    REQUIRE(f);
    CHECK(hasAnswer(*triggerOf(*f, "pregnancy-possible"), "unsure"));
}

TEST_CASE("a metal eye injury answered Not sure, with the eye exam Not sure, is a stop") {
    Screening s = Screening::noRisk();
    s.answer("eye-metal-injury", "unsure").answer("eye-metal-cleared", "unsure");
    const Evaluation e = evaluate(s);
    CHECK(e.ids() == Ids{"eye-metal-not-cleared", "unsure-answers"});
    const Flag* f = e.flag("eye-metal-not-cleared");
    REQUIRE(f);
    CHECK(f->severity == Severity::Stop);
    CHECK(hasAnswer(*triggerOf(*f, "eye-metal-injury"), "unsure"));
    CHECK(hasAnswer(*triggerOf(*f, "eye-metal-cleared"), "unsure"));
    CHECK(e.enabled("body-map"));
    test::keepForSchemaCheck("policy-eye-metal-unsure", e.written());
}

TEST_CASE("a metal eye injury with the exam question left unanswered is not cleared") {
    Screening s = Screening::noRisk();
    s.answer("eye-metal-injury", "yes").remove("eye-metal-cleared");
    const Evaluation e = evaluate(s);
    CHECK(e.flag("eye-metal-not-cleared"));
    CHECK_FALSE(e.result.valid()); // and the kiosk would not let it be signed
}

// ---------------------------------------------------------------------------------------------
// A stop-level question answered Not sure is held for the authorised signer, like a Yes.

namespace {

// Where a stop rule tests a Yes / No / Not sure question for "yes" without also accepting
// "unsure" in the same `any` list.
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

TEST_CASE("no stop rule tests a Yes / No / Not sure question for Yes without also accepting Not sure") {
    const auto questions = yesNoUnsureQuestions();
    const Ids yesNoUnsure(questions.begin(), questions.end());
    const json doc = json::parse(test::slurp(test::sourcePath("forms/mri-safety.rules.json")));
    int stops = 0;
    for (const auto& rule : doc["rules"]) {
        if (rule["severity"] != "stop") continue;
        ++stops;
        std::vector<std::string> bad;
        yesWithoutUnsure(rule["when"], yesNoUnsure, nullptr, bad);
        INFO("rule " << rule["id"].get<std::string>() << " tests for Yes only: " << join(Ids(bad.begin(), bad.end())));
        CHECK(bad.empty());
    }
    CHECK(stops == 16);
}

TEST_CASE("every stop rule that a Yes raises is raised by Not sure too, naming the Not sure answer") {
    // Found from the answers, not from the rules file: each question answered Yes on the no-risk
    // screening, and every stop flag that raises must come back for Not sure.
    std::map<std::string, std::string> found; // rule -> the question raising it
    for (const auto& linkId : yesNoUnsureQuestions()) {
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
            CHECK(u.flag("unsure-answers")); // the generic review is still there as well
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
    s.answer("has-implants", "unsure").answer("implant-pacemaker", "unsure");
    const Evaluation e = evaluate(s);
    CHECK(e.result.valid());
    CHECK(e.ids() == Ids{"implant-pacemaker", "unsure-answers"});
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

TEST_CASE("metal work answered Not sure needs orbit screening like a Yes") {
    Screening s = Screening::noRisk();
    s.answer("metal-work", "unsure");
    const Evaluation e = evaluate(s);
    CHECK(e.ids() == Ids{"metal-work", "unsure-answers"});
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
        CHECK(e.ids() == Ids{"renal-dialysis-or-aki", "renal-egfr-needed", "unsure-answers"});
        REQUIRE(e.flag("renal-dialysis-or-aki"));
        CHECK(e.flag("renal-dialysis-or-aki")->severity == Severity::Stop);
        CHECK(hasAnswer(*triggerOf(*e.flag("renal-dialysis-or-aki"), q), "unsure"));
        CHECK_THAT(e.flag("renal-dialysis-or-aki")->message, Contains("Treat as at risk for NSF"));
    }
}

// ---------------------------------------------------------------------------------------------
// A surgery history cannot skip "was something left in your body".

TEST_CASE("surgery-entry is a required repeating group and body-mark a repeating group that is not required") {
    CHECK(formItem("surgery-entry").required);
    CHECK(formItem("surgery-entry").repeats);
    CHECK(formItem("surgery-implant").required);
    CHECK_FALSE(formItem("body-mark").required);
    CHECK(formItem("body-mark").repeats);
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

TEST_CASE("with surgery-any Yes one listed surgery must say whether something was left in the body") {
    Screening s = Screening::noRisk();
    s.set("surgery-any", coded("surgery-any", "yes")).set("surgery-type", {{"valueString", "Gallbladder removed"}});
    const Evaluation missing = evaluate(s);
    INFO("validation errors: " << missing.errors());
    CHECK_FALSE(missing.result.valid());
    CHECK_THAT(missing.errors(), Contains("surgery-implant: required") && !Contains("surgery-entry"));

    s.set("surgery-implant", coded("surgery-implant", "unsure"));
    const Evaluation complete = evaluate(s);
    CHECK(complete.result.valid());
    CHECK(complete.ids() == Ids{"unsure-answers"});
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
// Not sure opens the same follow-ups as Yes.

TEST_CASE("a Not sure answer opens the same follow-up questions as Yes, and No keeps them closed") {
    struct FollowUp {
        std::string gate, item;
        bool required;
    };
    const std::vector<FollowUp> followUps = {
        {"previous-mri", "previous-mri-problem", true},
        {"previous-mri-problem", "previous-mri-problem-details", false},
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
        if (formItem(f.item).type == ItemType::Text) s.text(f.item, "Something I half remember");
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
    CHECK(e.ids() == Ids{"gadolinium-reaction", "gadolinium-reaction-severe", "unsure-answers"});
    const Flag* f = e.flag("gadolinium-reaction-severe");
    REQUIRE(f);
    CHECK(f->severity == Severity::Stop);
    REQUIRE(triggerOf(*f, "gadolinium-reaction-severity"));
    CHECK(triggerOf(*f, "gadolinium-reaction-severity")->answers == std::vector<std::string>{"unsure"});
    CHECK_THAT(f->message, Contains("SEVERE or of unknown severity"));
    const Evaluation es = evaluate(s.doc(), std::nullopt, "es");
    CHECK_THAT(es.flag("gadolinium-reaction-severe")->message, Contains("gravedad desconocida") && Contains("En espera:"));
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
    CHECK(e.ids() == Ids{"gadolinium-reaction-severe", "unsure-answers"});
    CHECK(e.flag("unsure-answers")->triggers.size() == 3);
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
        if (en.find("MR Conditional") != std::string::npos) CHECK_THAT(es, Contains("condicional") && Contains("para RM"));
        if (en.find("MR Unsafe") != std::string::npos) CHECK_THAT(es, Contains("no segur") && Contains("para RM"));
        if (en.find("MR status") != std::string::npos) CHECK_THAT(es, Contains("estado de seguridad en RM"));
    }
}

TEST_CASE("the implant question names the implants patients forget, in English and Spanish") {
    const LocalText& text = formItem("has-implants").text;
    for (const char* word : {"pacemaker", "stent", "joint", "IUD", "port", "pump", "clips", "hearing implant", "metal"})
        CHECK_THAT(text.base, Contains(word));
    for (const char* word : {"marcapasos", "stent", "articulación", "DIU", "puerto", "bomba", "clips",
                             "implante para oír", "metal"})
        CHECK_THAT(text.in("es"), Contains(word));
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
    CHECK(listed.size() == 9);
    CHECK(listed == files);
}

TEST_CASE("each example raises exactly the flags forms/README.md says it should") {
    const auto rows = readmeExamples();
    REQUIRE_FALSE(rows.empty());
    const auto r = GENERATE_COPY(from_range(rows));
    const json doc = json::parse(test::slurp(test::sourcePath("forms/examples/" + r.file)));
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
    test::keepForSchemaCheck("policy-example-" + r.file.substr(0, r.file.size() - 5), e.written());
}

TEST_CASE("the possible-pregnancy example evaluated in Spanish gives Spanish staff messages") {
    const json doc = json::parse(test::slurp(test::sourcePath("forms/examples/possible-pregnancy.json")));
    const Evaluation es = evaluate(doc, std::nullopt, "es");
    const Evaluation en = evaluate(doc, std::nullopt, "en");
    REQUIRE(es.ids() == Ids{"pregnancy-possible", "unsure-answers", "piercing"});
    for (const auto& f : es.result.flags) {
        const auto rule = std::find_if(test::mriRules().rules.begin(), test::mriRules().rules.end(),
                                       [&](const Rule& r) { return r.id == f.id; });
        REQUIRE(rule != test::mriRules().rules.end());
        INFO(f.id);
        CHECK(f.message == rule->message.at("es"));
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
    // egfr_max_age_days is "the oldest creatinine accepted": a lab whose date is unknown (the
    // evaluate command accepts --creatinine without --creatinine-date) cannot be shown to be
    // recent, yet renal-egfr-needed only fires when lab_age_days exists and is too large.
    Screening s = Screening::noRisk();
    s.answer("diabetes", "yes");
    const Evaluation undated = evaluate(s, normalLab(""));
    CHECK_FALSE(undated.result.derived.lab_age_days);
    CHECK(undated.flag("renal-egfr-needed"));
}

TEST_CASE("a creatinine dated after the screening day is not taken as a recent eGFR") {
    // The date is reported as a derived-value problem, but the eGFR still silences
    // renal-egfr-needed as if the lab were current.
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
