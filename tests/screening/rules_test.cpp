// Site rules against the shipped MRI form: what a rules file loads into, every way one is
// refused, and how rules are evaluated over hand-made responses and derived values.
#include "test_support.h"

#include <catch2/catch.hpp>

#include <algorithm>
#include <initializer_list>
#include <memory>
#include <string>
#include <vector>

using namespace mrscreen::screening;
using mrscreen::test::formFromJson;
using mrscreen::test::inputErrorOf;
using mrscreen::test::mriForm;
using mrscreen::test::responseFromJson;
using nlohmann::json;

namespace {

const std::string kFormUrl = "http://mrscreen.org/fhir/Questionnaire/mri-safety";
const std::string kAnswerSystem = "http://mrscreen.org/fhir/CodeSystem/answer";
const std::string kFile = "site.rules.json";

// [SECTION] rules files

json parameters() {
    return json{{"egfr_contraindicated", {{"value", 30}, {"description", "eGFR below which gadolinium is contraindicated"}}},
                {"egfr_caution", {{"value", 45}}},
                {"gadolinium_many_doses", 10},
                {"half_dose", {{"value", 2.5}}}};
}

json rulesFile(json rules) {
    return json{{"mrscreenRules", 1},
                {"questionnaire", kFormUrl},
                {"languages", {"en", "es"}},
                {"parameters", parameters()},
                {"rules", std::move(rules)}};
}

json rule(const std::string& id, json when, const std::string& en = "English message",
          const std::string& es = "Mensaje en español") {
    return json{{"id", id},
                {"category", "other"},
                {"severity", "review"},
                {"when", std::move(when)},
                {"message", {{"en", en}, {"es", es}}}};
}

json answerIs(const std::string& linkId, const std::string& op, json answer) {
    return json{{"question", linkId}, {"operator", op}, {"answer", std::move(answer)}};
}
json yesTo(const std::string& linkId) { return answerIs(linkId, "=", "yes"); }

RuleSet load(const json& file) { return loadRules(file.dump(), kFile, mriForm()); }

std::string rulesError(const json& file) {
    return inputErrorOf([&] { load(file); });
}
std::string ruleError(json when) { return rulesError(rulesFile(json::array({rule("r1", std::move(when))}))); }

std::vector<std::string> problemsOf(const json& file) {
    return mrscreen::test::problemsOf([&] { load(file); });
}

void checkMessage(const std::string& message, std::initializer_list<std::string> parts) {
    mrscreen::test::checkMessage(message, kFile, parts);
}

// [SECTION] responses on the shipped form

json coded(const std::string& linkId, const std::string& code, const std::string& system = kAnswerSystem) {
    return json{{"linkId", linkId}, {"answer", json::array({{{"valueCoding", {{"system", system}, {"code", code}}}}})}};
}
json yes(const std::string& linkId) { return coded(linkId, "yes"); }
json no(const std::string& linkId) { return coded(linkId, "no"); }
json unsure(const std::string& linkId) { return coded(linkId, "unsure"); }
json valued(const std::string& linkId, const std::string& key, json value) {
    return json{{"linkId", linkId}, {"answer", json::array({{{key, std::move(value)}}})}};
}
json grp(const std::string& linkId, json items) { return json{{"linkId", linkId}, {"item", std::move(items)}}; }

// The answers as given, each moved to its place in the shipped form (its groups made as needed),
// so a test names the questions and not the form's current layout.
void flattenAnswers(const json& items, std::vector<json>& out) {
    for (const auto& it : items) {
        const Item* def = mriForm().find(it.value("linkId", ""));
        if (def && def->type == ItemType::Group && !def->repeats && it.contains("item"))
            flattenAnswers(it["item"], out);
        else
            out.push_back(it);
    }
}

json response(json items) {
    std::vector<json> leaves;
    flattenAnswers(items, leaves);
    json tree = json::array();
    for (auto& leaf : leaves) {
        std::vector<const Item*> groups;
        if (const Item* def = mriForm().find(leaf.value("linkId", "")))
            for (int p = def->parent; p >= 0; p = mriForm().items[std::size_t(p)].parent)
                groups.insert(groups.begin(), &mriForm().items[std::size_t(p)]);
        json* level = &tree;
        for (const Item* g : groups) {
            json* found = nullptr;
            for (auto& node : *level)
                if (node.value("linkId", "") == g->linkId) found = &node;
            if (!found) {
                level->push_back({{"linkId", g->linkId}, {"item", json::array()}});
                found = &level->back();
            }
            level = &(*found)["item"];
        }
        level->push_back(std::move(leaf));
    }
    return json{{"resourceType", "QuestionnaireResponse"},
                {"questionnaire", kFormUrl + "|2.1.0"},
                {"status", "completed"},
                {"item", std::move(tree)}};
}

std::vector<Flag> run(const RuleSet& rules, const json& resp, const DerivedValues& derived = {},
                      const std::string& language = "en") {
    const Response r = responseFromJson(resp);
    const ScreeningAnswers answers(mriForm(), r);
    REQUIRE(answers.problems().empty());
    return applyRules(rules, answers, derived, language);
}

std::vector<std::string> ids(const std::vector<Flag>& flags) {
    std::vector<std::string> out;
    for (const auto& f : flags) out.push_back(f.id);
    return out;
}

const Flag* flag(const std::vector<Flag>& flags, const std::string& id) {
    auto it = std::find_if(flags.begin(), flags.end(), [&](const Flag& f) { return f.id == id; });
    return it == flags.end() ? nullptr : &*it;
}

} // namespace

// [SECTION] loading

TEST_CASE("the shipped rules load against the shipped form", "[rules]") {
    const auto& rules = mrscreen::test::mriRules();
    CHECK(rules.questionnaire == kFormUrl + "|" + mriForm().version);
    CHECK(rules.languages == std::vector<std::string>{"en", "es"});
    CHECK_FALSE(rules.rules.empty());
    CHECK(rules.parameters.count("egfr_contraindicated") == 1);
}

TEST_CASE("a rules file loads with its parameters, rules and messages", "[rules]") {
    json r2 = rule("low-egfr", {{"derived", "egfr"}, {"operator", "<"}, {"parameter", "egfr_contraindicated"}},
                   "eGFR {egfr}", "TFGe {egfr}");
    r2["category"] = "renal";
    r2["severity"] = "stop";
    r2["description"] = "Low kidney function";
    json r3 = rule("doses", {{"question", "gadolinium-doses"}, {"operator", ">="}, {"parameter", "gadolinium_many_doses"}});
    r3["severity"] = "info";
    json file = rulesFile(json::array(
        {rule("kidney", {{"all", json::array({{{"any", json::array({yesTo("dialysis"), yesTo("kidney-disease")})}},
                                              {{"not", yesTo("claustrophobia")}}})}}),
         r2, r3}));
    file["description"] = "Test site rules";
    const RuleSet set = loadRules(file.dump(), "site.json", mriForm());

    CHECK(set.source == "site.json");
    CHECK(set.questionnaire == kFormUrl);
    CHECK(set.languages == std::vector<std::string>{"en", "es"});
    REQUIRE(set.parameters.size() == 4);
    CHECK(set.parameters.at("egfr_contraindicated").value == Approx(30));
    CHECK(set.parameters.at("egfr_contraindicated").description == "eGFR below which gadolinium is contraindicated");
    CHECK(set.parameters.at("gadolinium_many_doses").value == Approx(10)); // a bare number
    CHECK(set.parameters.at("half_dose").value == Approx(2.5));

    REQUIRE(set.rules.size() == 3);
    const Rule& kidney = set.rules[0];
    CHECK(kidney.id == "kidney");
    CHECK(kidney.category == "other");
    CHECK(kidney.severity == Severity::Review);
    CHECK(kidney.message.at("en") == "English message");
    CHECK(kidney.message.at("es") == "Mensaje en español");
    REQUIRE(kidney.when.kind == Condition::Kind::All);
    REQUIRE(kidney.when.children.size() == 2);
    const Condition& any = kidney.when.children[0];
    REQUIRE(any.kind == Condition::Kind::Any);
    REQUIRE(any.children.size() == 2);
    CHECK(any.children[0].kind == Condition::Kind::Answer);
    CHECK(any.children[0].question == mriForm().indexOf("dialysis"));
    CHECK(any.children[0].op == Operator::Equal);
    CHECK(any.children[0].value.type == ValueType::Coding);
    CHECK(any.children[0].value.coding.code == "yes");
    CHECK(any.children[0].value.coding.system == kAnswerSystem); // the form's option, system included
    const Condition& neg = kidney.when.children[1];
    REQUIRE(neg.kind == Condition::Kind::Not);
    REQUIRE(neg.children.size() == 1);
    CHECK(neg.children[0].question == mriForm().indexOf("claustrophobia"));

    const Rule& low = set.rules[1];
    CHECK(low.severity == Severity::Stop);
    CHECK(low.category == "renal");
    CHECK(low.when.kind == Condition::Kind::Derived);
    CHECK(low.when.name == "egfr");
    CHECK(low.when.op == Operator::Less);
    CHECK(low.when.parameter == "egfr_contraindicated");
    CHECK(low.when.value.number() == Approx(30));

    const Rule& doses = set.rules[2];
    CHECK(doses.severity == Severity::Info);
    CHECK(doses.when.kind == Condition::Kind::Answer);
    CHECK(doses.when.parameter == "gadolinium_many_doses");
    CHECK(doses.when.value.number() == Approx(10));
    CHECK(std::string(severityName(Severity::Stop)) == "stop");
    CHECK(std::string(severityName(Severity::Info)) == "info");
}

TEST_CASE("a rule answer on a number question keeps integers and decimals apart", "[rules]") {
    const auto set = load(rulesFile(json::array({rule("n", answerIs("gadolinium-doses", ">", 3)),
                                                 rule("w", answerIs("weight-kg", ">", 150.5))})));
    CHECK(set.rules[0].when.value.type == ValueType::Integer);
    CHECK(set.rules[0].when.value.integer == 3);
    CHECK(set.rules[1].when.value.type == ValueType::Decimal);
    CHECK(set.rules[1].when.value.decimal == Approx(150.5));
}

// [SECTION] refused rules files

TEST_CASE("a rules file that is not JSON is refused, naming the file", "[rules][errors]") {
    checkMessage(inputErrorOf([] { loadRules("{\"mrscreenRules\": 1,", kFile, mriForm()); }), {"is not valid JSON"});
}

TEST_CASE("a rules file without \"mrscreenRules\": 1 is refused", "[rules][errors]") {
    json file = rulesFile(json::array({rule("r1", yesTo("dialysis"))}));
    file.erase("mrscreenRules");
    checkMessage(rulesError(file), {"is not an mrscreen rules file", "\"mrscreenRules\": 1"});
    file["mrscreenRules"] = 2;
    checkMessage(rulesError(file), {"is not an mrscreen rules file"});
    checkMessage(inputErrorOf([] { loadRules("[]", kFile, mriForm()); }), {"is not an mrscreen rules file"});
}

TEST_CASE("a rules file written for another form is refused, naming both forms", "[rules][errors]") {
    json file = rulesFile(json::array({rule("r1", yesTo("dialysis"))}));
    file["questionnaire"] = "http://example.org/Questionnaire/ct-safety";
    checkMessage(rulesError(file),
                 {"is written for the form http://example.org/Questionnaire/ct-safety but the form is " + kFormUrl});
}

TEST_CASE("a rules file without languages is refused", "[rules][errors]") {
    json file = rulesFile(json::array({rule("r1", yesTo("dialysis"))}));
    file["languages"] = json::array();
    checkMessage(rulesError(file), {"'languages' must list the message languages"});
    file.erase("languages");
    checkMessage(rulesError(file), {"'languages' must list the message languages"});
}

TEST_CASE("an unknown top-level element in a rules file is refused", "[rules][errors]") {
    json file = rulesFile(json::array({rule("r1", yesTo("dialysis"))}));
    file["thresholds"] = json::object();
    checkMessage(rulesError(file), {"unknown element 'thresholds'"});
}

TEST_CASE("a rules file without a rules array is refused", "[rules][errors]") {
    json file = rulesFile(json::array());
    file.erase("rules");
    checkMessage(rulesError(file), {"'rules' must be an array"});
}

TEST_CASE("a parameter without a numeric value is refused, naming it", "[rules][errors]") {
    json file = rulesFile(json::array({rule("r1", yesTo("dialysis"))}));
    file["parameters"]["table_limit"] = {{"value", "200 kg"}};
    checkMessage(rulesError(file), {"parameter 'table_limit' needs a numeric \"value\""});
}

TEST_CASE("a rule without an id is refused", "[rules][errors]") {
    json r = rule("", yesTo("dialysis"));
    r.erase("id");
    checkMessage(rulesError(rulesFile(json::array({r}))), {"a rule has no id"});
}

TEST_CASE("two rules with the same id are refused, naming the id", "[rules][errors]") {
    checkMessage(rulesError(rulesFile(json::array({rule("twice", yesTo("dialysis")), rule("twice", yesTo("asthma"))}))),
                 {"rule 'twice': the id is used by more than one rule"});
}

TEST_CASE("a misspelt element in a rule is refused, naming the rule and the element", "[rules][errors]") {
    json r = rule("typo", yesTo("dialysis"));
    r.erase("severity");
    r["severty"] = "stop";
    const json file = rulesFile(json::array({r}));
    checkMessage(rulesError(file), {"rule 'typo': unknown element 'severty'",
                                    "rule 'typo': severity '' is not one of stop, review, info"});
    CHECK(problemsOf(file).size() == 2);
}

TEST_CASE("a rule with an unknown category is refused, listing the categories", "[rules][errors]") {
    json r = rule("cat", yesTo("dialysis"));
    r["category"] = "kidney";
    checkMessage(rulesError(rulesFile(json::array({r}))),
                 {"rule 'cat': category 'kidney' is not one of implant, foreign-body, renal, gadolinium, pregnancy, "
                  "device, comfort, other"});
}

TEST_CASE("a rule with an unknown severity is refused", "[rules][errors]") {
    json r = rule("sev", yesTo("dialysis"));
    r["severity"] = "urgent";
    checkMessage(rulesError(rulesFile(json::array({r}))), {"rule 'sev': severity 'urgent' is not one of stop, review, info"});
}

TEST_CASE("a rule without a condition is refused", "[rules][errors]") {
    json r = rule("nowhen", yesTo("dialysis"));
    r.erase("when");
    checkMessage(rulesError(rulesFile(json::array({r}))), {"rule 'nowhen': 'when' (the condition) is missing"});
}

TEST_CASE("a condition with two kinds at once is refused", "[rules][errors]") {
    json when = yesTo("dialysis");
    when["derived"] = "egfr";
    checkMessage(ruleError(when),
                 {"rule 'r1': a condition needs exactly one of all, any, not, question, derived, answered"});
    checkMessage(ruleError(json{{"operator", "="}}), {"rule 'r1': a condition needs exactly one of"});
    checkMessage(ruleError(json::array({yesTo("dialysis")})), {"rule 'r1': a condition must be an object"});
}

TEST_CASE("an empty all or any is refused", "[rules][errors]") {
    checkMessage(ruleError(json{{"all", json::array()}}), {"rule 'r1': 'all' needs a non-empty list"});
    checkMessage(ruleError(json{{"any", json::array()}}), {"rule 'r1': 'any' needs a non-empty list"});
}

TEST_CASE("a problem deep in a condition tree names the rule", "[rules][errors]") {
    checkMessage(ruleError(json{{"all", json::array({yesTo("dialysis"), {{"not", {{"any", json::array({yesTo("nope")})}}}}})}}),
                 {"rule 'r1': refers to unknown linkId 'nope'"});
}

TEST_CASE("a condition on an unknown linkId is refused, naming it", "[rules][errors]") {
    checkMessage(ruleError(yesTo("dialysis-status")), {"rule 'r1': refers to unknown linkId 'dialysis-status'"});
}

TEST_CASE("a condition on a group is refused because a group has no answers", "[rules][errors]") {
    checkMessage(ruleError(answerIs("kidney-contrast", "exists", true)),
                 {"rule 'r1': 'kidney-contrast' is a group item and has no answers"});
    checkMessage(ruleError(answerIs("kidney-contrast-help", "exists", true)),
                 {"rule 'r1': 'kidney-contrast-help' is a display item"});
}

TEST_CASE("a choice answer code that is not among the question's options is refused", "[rules][errors]") {
    checkMessage(ruleError(answerIs("dialysis", "=", "maybe")),
                 {"rule 'r1': answer \"maybe\" for 'dialysis' (a choice question) must be one of its answer codes"});
    checkMessage(ruleError(answerIs("dialysis", "=", true)),
                 {"rule 'r1': answer true for 'dialysis' (a choice question) must be an answer code (a string)"});
}

TEST_CASE("an answer of the wrong JSON type for a decimal question is refused", "[rules][errors]") {
    checkMessage(ruleError(answerIs("weight-kg", ">", "150")),
                 {"rule 'r1': answer \"150\" for 'weight-kg' (a decimal question) must be a number"});
    checkMessage(ruleError(answerIs("attest", "=", "true")), {"'attest' (a boolean question) must be true or false"});
    checkMessage(ruleError(answerIs("birth-date", "<", "2023-02-29")), {"'birth-date' (a date question) must be a date"});
}

TEST_CASE("a condition without an answer is refused", "[rules][errors]") {
    checkMessage(ruleError(json{{"question", "dialysis"}, {"operator", "="}}),
                 {"rule 'r1': the condition on 'dialysis' has no 'answer' (or 'parameter')"});
    checkMessage(ruleError(answerIs("dialysis", "exists", "yes")), {"'exists' on 'dialysis' needs answer true or false"});
}

TEST_CASE("an unknown operator in a condition is refused", "[rules][errors]") {
    checkMessage(ruleError(answerIs("dialysis", "==", "yes")),
                 {"rule 'r1': operator '==' is not one of exists, =, !=, >, <, >=, <="});
}

TEST_CASE("an ordering operator on a choice question is refused", "[rules][errors]") {
    checkMessage(ruleError(answerIs("dialysis", ">", "yes")),
                 {"rule 'r1': operator '>' cannot order the answers of 'dialysis'; use = or !="});
    checkMessage(ruleError(answerIs("attest", "<", true)), {"operator '<' cannot order the answers of 'attest'"});
}

TEST_CASE("a condition on an unknown derived value is refused, listing the known ones", "[rules][errors]") {
    checkMessage(ruleError(json{{"derived", "gfr"}, {"operator", "<"}, {"value", 30}}),
                 {"rule 'r1': unknown derived value 'gfr'",
                  "(known: age, weight_kg, height_cm, bmi, creatinine_mg_dl, egfr, lab_age_days, creatinine_supplied)"});
}

TEST_CASE("a derived condition needs a numeric value or a parameter", "[rules][errors]") {
    checkMessage(ruleError(json{{"derived", "egfr"}, {"operator", "<"}}),
                 {"rule 'r1': the condition on 'egfr' needs a 'value' or a 'parameter'"});
    checkMessage(ruleError(json{{"derived", "egfr"}, {"operator", "<"}, {"value", "30"}}),
                 {"the value compared with 'egfr' must be a number"});
    checkMessage(ruleError(json{{"derived", "egfr"}, {"operator", "exists"}, {"value", 1}}),
                 {"'exists' on 'egfr' needs value true or false"});
}

TEST_CASE("a condition on an unknown parameter is refused, naming it", "[rules][errors]") {
    checkMessage(ruleError(json{{"derived", "egfr"}, {"operator", "<"}, {"parameter", "egfr_limit"}}),
                 {"rule 'r1': unknown parameter 'egfr_limit'"});
    checkMessage(ruleError(json{{"question", "gadolinium-doses"}, {"operator", ">"}, {"parameter", "many"}}),
                 {"rule 'r1': unknown parameter 'many'"});
}

TEST_CASE("a parameter compared with a choice question is refused", "[rules][errors]") {
    checkMessage(ruleError(json{{"question", "dialysis"}, {"operator", ">="}, {"parameter", "egfr_caution"}}),
                 {"rule 'r1': a parameter can only be compared with a number question, and 'dialysis' is choice"});
}

TEST_CASE("a rule without a message in one of the languages is refused, naming the language", "[rules][errors]") {
    json r = rule("quiet", yesTo("dialysis"));
    r["message"].erase("es");
    checkMessage(rulesError(rulesFile(json::array({r}))), {"rule 'quiet': message has no 'es' text"});
    r["message"]["es"] = "";
    checkMessage(rulesError(rulesFile(json::array({r}))), {"rule 'quiet': message has no 'es' text"});
}

TEST_CASE("a message placeholder that is neither a derived value nor a parameter is refused", "[rules][errors]") {
    checkMessage(rulesError(rulesFile(json::array({rule("ph", yesTo("dialysis"), "eGFR {eGFR} below {egfr_caution}")}))),
                 {"rule 'ph': message placeholder {eGFR} is neither a derived value nor a parameter"});
}

TEST_CASE("an 'answered' condition without a code is refused", "[rules][errors]") {
    checkMessage(ruleError(json{{"answered", ""}}), {"rule 'r1': 'answered' needs an answer code such as \"unsure\""});
}

TEST_CASE("problems in several rules are all listed", "[rules][errors]") {
    json bad1 = rule("one", yesTo("nope"));
    json bad2 = rule("two", answerIs("dialysis", "=", "maybe"));
    bad2["category"] = "kidney";
    const json file = rulesFile(json::array({bad1, rule("fine", yesTo("dialysis")), bad2}));
    const auto problems = problemsOf(file);
    CHECK(problems.size() == 3);
    checkMessage(rulesError(file), {"3 problems:", "rule 'one': refers to unknown linkId 'nope'",
                                    "rule 'two': category 'kidney'", "rule 'two': answer \"maybe\""});
}

TEST_CASE("an unknown element inside a condition is refused like one in a rule", "[rules][errors]") {
    // Guards a fixed defect. It was: readCondition() never checks the keys of a condition object, so a misspelt or
    // invented key (here "negate") is silently ignored and the rule fires on the opposite answers.
    json when = yesTo("dialysis");
    when["negate"] = true;
    checkMessage(ruleError(when), {"rule 'r1'", "unknown element 'negate'"});
}

TEST_CASE("a rules field of the wrong JSON type is refused as an InputError", "[rules][errors]") {
    // Guards a fixed defect. It was: RulesLoader reads strings with json::value(key), which throws
    // nlohmann::json::type_error (not InputError) for an id, category, severity or operator that
    // is not a string.
    json r = rule("r1", yesTo("dialysis"));
    r["id"] = 7;
    CHECK_THROWS_AS(load(rulesFile(json::array({r}))), InputError);
    json s = rule("r2", answerIs("dialysis", "=", "yes"));
    s["when"]["operator"] = 1;
    CHECK_THROWS_AS(load(rulesFile(json::array({s}))), InputError);
}

// [SECTION] evaluation: condition trees

namespace {

RuleSet treeRules() {
    return load(rulesFile(json::array(
        {rule("tree", {{"all", json::array({{{"any", json::array({yesTo("dialysis"), yesTo("kidney-disease")})}},
                                            {{"not", yesTo("claustrophobia")}}})}}),
         rule("not-alone", {{"not", yesTo("claustrophobia")}})})));
}

} // namespace

TEST_CASE("an all/any/not tree fires when any branch holds and the negated one does not", "[rules][eval]") {
    const auto rules = treeRules();
    SECTION("dialysis yes, no claustrophobia") {
        const auto flags = run(rules, response({grp("kidney-contrast", {yes("dialysis"), no("kidney-disease")}),
                                                grp("comfort", {no("claustrophobia")})}));
        CHECK(ids(flags) == std::vector<std::string>{"tree", "not-alone"});
        const Flag& tree = *flag(flags, "tree");
        REQUIRE(tree.triggers.size() == 1); // the negated branch explains nothing
        CHECK(tree.triggers[0].linkId == "dialysis");
        CHECK(tree.triggers[0].answers == std::vector<std::string>{"yes"});
        CHECK(flag(flags, "not-alone")->triggers.empty());
    }
    SECTION("both branches of the any hold: both are triggers") {
        const auto flags = run(rules, response({grp("kidney-contrast", {yes("dialysis"), yes("kidney-disease")})}));
        const Flag* tree = flag(flags, "tree");
        REQUIRE(tree);
        REQUIRE(tree->triggers.size() == 2);
        CHECK(tree->triggers[0].linkId == "dialysis");
        CHECK(tree->triggers[1].linkId == "kidney-disease");
    }
    SECTION("no branch of the any holds") {
        const auto flags = run(rules, response({grp("kidney-contrast", {no("dialysis"), unsure("kidney-disease")})}));
        CHECK(ids(flags) == std::vector<std::string>{"not-alone"});
    }
    SECTION("the negated condition holds") {
        const auto flags = run(rules, response({grp("kidney-contrast", {yes("dialysis")}),
                                                grp("comfort", {yes("claustrophobia")})}));
        CHECK(flags.empty());
    }
    SECTION("nothing answered") {
        const auto flags = run(rules, response(json::array()));
        CHECK(ids(flags) == std::vector<std::string>{"not-alone"});
    }
}

TEST_CASE("a flag carries its rule's id, category and severity", "[rules][eval]") {
    json r = rule("pace", yesTo("implant-pacemaker"));
    r["category"] = "implant";
    r["severity"] = "stop";
    const auto rules = load(rulesFile(json::array({r})));
    const auto flags =
        run(rules, response({grp("implants", {yes("has-implants"), grp("implant-checklist", {yes("implant-pacemaker")})})}));
    REQUIRE(flags.size() == 1);
    CHECK(flags[0].id == "pace");
    CHECK(flags[0].category == "implant");
    CHECK(flags[0].severity == Severity::Stop);
    CHECK(flags[0].message == "English message");
}

TEST_CASE("answers of a question that is not enabled do not fire rules", "[rules][eval]") {
    // implant-checklist applies only when has-implants != no (applyRules alone; assess() then
    // raises the contradiction, see the contradictions section).
    const auto rules = load(rulesFile(json::array({rule("stent", yesTo("implant-stent"))})));
    const auto flags =
        run(rules, response({grp("implants", {no("has-implants"), grp("implant-checklist", {yes("implant-stent")})})}));
    CHECK(flags.empty());
}

TEST_CASE("a question tested by several leaves gives one trigger", "[rules][eval]") {
    const auto rules = load(rulesFile(json::array(
        {rule("twice", {{"all", json::array({yesTo("dialysis"), answerIs("dialysis", "!=", "no")})}})})));
    const auto flags = run(rules, response({grp("kidney-contrast", {yes("dialysis")})}));
    REQUIRE(flags.size() == 1);
    REQUIRE(flags[0].triggers.size() == 1);
    CHECK(flags[0].triggers[0].linkId == "dialysis");
}

// [SECTION] evaluation: numbers, parameters and derived values

TEST_CASE("a number question compared with a parameter fires at the threshold and lists the answer", "[rules][eval]") {
    const auto rules = load(rulesFile(json::array(
        {rule("doses", {{"question", "gadolinium-doses"}, {"operator", ">="}, {"parameter", "gadolinium_many_doses"}},
              "{gadolinium_many_doses} or more doses", "{gadolinium_many_doses} o más dosis")})));
    const auto at = [&](int doses, const char* prior = "yes") {
        return run(rules, response({grp("kidney-contrast", {coded("gadolinium-prior", prior),
                                                            valued("gadolinium-doses", "valueInteger", doses)})}));
    };
    const auto ten = at(10);
    REQUIRE(ten.size() == 1);
    CHECK(ten[0].message == "10 or more doses");
    REQUIRE(ten[0].triggers.size() == 1);
    CHECK(ten[0].triggers[0].linkId == "gadolinium-doses");
    CHECK(ten[0].triggers[0].answers == std::vector<std::string>{"10"});
    CHECK(at(9).empty());
    CHECK(at(12, "no").empty()); // the doses question does not apply
}

TEST_CASE("derived-value leaves compare with a value or a parameter", "[rules][eval][derived]") {
    const auto rules = load(rulesFile(json::array(
        {rule("low", {{"derived", "egfr"}, {"operator", "<"}, {"parameter", "egfr_contraindicated"}}),
         rule("reduced", {{"all", json::array({{{"derived", "egfr"}, {"operator", ">="}, {"value", 30}},
                                               {{"derived", "egfr"}, {"operator", "<"}, {"parameter", "egfr_caution"}}})}}),
         rule("heavy", {{"derived", "weight_kg"}, {"operator", ">"}, {"value", 150}})})));
    const json empty = response(json::array());
    DerivedValues d;

    d.egfr = 27.36;
    auto flags = run(rules, empty, d);
    CHECK(ids(flags) == std::vector<std::string>{"low"});
    REQUIRE(flags[0].triggers.size() == 1);
    CHECK(flags[0].triggers[0].linkId.empty());
    CHECK(flags[0].triggers[0].derived == "egfr");
    CHECK(flags[0].triggers[0].value == Approx(27.36));

    d.egfr = 30;
    CHECK(ids(run(rules, empty, d)) == std::vector<std::string>{"reduced"});
    d.egfr = 44.9;
    flags = run(rules, empty, d);
    REQUIRE(ids(flags) == std::vector<std::string>{"reduced"});
    REQUIRE(flags[0].triggers.size() == 1); // one trigger for egfr, though two leaves test it
    CHECK(flags[0].triggers[0].derived == "egfr");
    d.egfr = 45;
    CHECK(run(rules, empty, d).empty());

    d.weight_kg = 150.5;
    CHECK(ids(run(rules, empty, d)) == std::vector<std::string>{"heavy"});
}

TEST_CASE("an absent derived value never satisfies a comparison", "[rules][eval][derived]") {
    const auto rules = load(rulesFile(json::array(
        {rule("low", {{"derived", "egfr"}, {"operator", "<"}, {"value", 30}}),
         rule("not-low", {{"derived", "egfr"}, {"operator", ">="}, {"value", 30}}),
         rule("not-thirty", {{"derived", "egfr"}, {"operator", "!="}, {"value", 30}})})));
    CHECK(run(rules, response(json::array()), DerivedValues{}).empty());
}

TEST_CASE("exists on a derived value tells whether it could be computed", "[rules][eval][derived]") {
    const auto rules = load(rulesFile(json::array(
        {rule("no-egfr", {{"derived", "egfr"}, {"operator", "exists"}, {"value", false}}),
         rule("has-egfr", {{"derived", "egfr"}, {"operator", "exists"}, {"value", true}})})));
    const json empty = response(json::array());
    DerivedValues d;
    auto flags = run(rules, empty, d);
    REQUIRE(ids(flags) == std::vector<std::string>{"no-egfr"});
    REQUIRE(flags[0].triggers.size() == 1);
    CHECK(flags[0].triggers[0].derived == "egfr");
    d.egfr = 80;
    flags = run(rules, empty, d);
    REQUIRE(ids(flags) == std::vector<std::string>{"has-egfr"});
    CHECK(flags[0].triggers[0].value == Approx(80));
}

TEST_CASE("a derived leaf and an answer leaf combine in one rule", "[rules][eval][derived]") {
    const auto rules = load(rulesFile(json::array(
        {rule("renal", {{"all", json::array({{{"any", json::array({yesTo("dialysis"),
                                                                   {{"derived", "age"}, {"operator", ">="}, {"value", 60}}})}},
                                             {{"derived", "egfr"}, {"operator", "exists"}, {"value", false}}})}})})));
    DerivedValues d;
    d.age = 71;
    const auto flags = run(rules, response({grp("kidney-contrast", {yes("dialysis")})}), d);
    REQUIRE(flags.size() == 1);
    REQUIRE(flags[0].triggers.size() == 3);
    CHECK(flags[0].triggers[0].linkId == "dialysis");
    CHECK(flags[0].triggers[1].derived == "age");
    CHECK(flags[0].triggers[1].value == Approx(71));
    CHECK(flags[0].triggers[2].derived == "egfr");
    d.egfr = 50;
    CHECK(run(rules, response({grp("kidney-contrast", {yes("dialysis")})}), d).empty());
}

// [SECTION] evaluation: answered

TEST_CASE("an 'answered: unsure' leaf fires for every enabled question answered unsure, listing them", "[rules][eval]") {
    const auto rules = load(rulesFile(json::array({rule("unsure", {{"answered", "unsure"}})})));
    SECTION("two unsure answers") {
        const auto flags = run(rules, response({grp("kidney-contrast", {unsure("dialysis"), yes("kidney-disease")}),
                                                grp("comfort", {unsure("claustrophobia")})}));
        REQUIRE(flags.size() == 1);
        REQUIRE(flags[0].triggers.size() == 2);
        CHECK(flags[0].triggers[0].linkId == "dialysis");
        CHECK(flags[0].triggers[0].answers == std::vector<std::string>{"unsure"});
        CHECK(flags[0].triggers[1].linkId == "claustrophobia");
        CHECK(flags[0].triggers[1].answers == std::vector<std::string>{"unsure"});
    }
    SECTION("no unsure answer") {
        CHECK(run(rules, response({grp("kidney-contrast", {yes("dialysis"), no("kidney-disease")})})).empty());
    }
    SECTION("an unsure answer to a question that does not apply") {
        // previous-mri-problem applies only when previous-mri = yes.
        CHECK(run(rules, response({grp("exam", {no("previous-mri"), unsure("previous-mri-problem")})})).empty());
    }
}

// [SECTION] evaluation: triggers

TEST_CASE("triggers list only the answers that match, for repeated answers", "[rules][eval]") {
    const auto rules = load(rulesFile(json::array({rule("knee", answerIs("body-mark-region", "=", "knee"))})));
    // Use the system the form gives the region codes.
    const Item* region = mriForm().find("body-mark-region");
    REQUIRE(region);
    REQUIRE_FALSE(region->options.empty());
    const std::string system = region->options[0].value.coding.system;
    auto mark = [&](const std::string& code) { return grp("body-mark", {coded("body-mark-region", code, system)}); };
    const auto flags = run(rules, response({grp("implants", {yes("has-implants")}),
                                            grp("body-map", {mark("head"), mark("knee"), mark("chest")})}));
    REQUIRE(flags.size() == 1);
    REQUIRE(flags[0].triggers.size() == 1);
    CHECK(flags[0].triggers[0].linkId == "body-mark-region");
    CHECK(flags[0].triggers[0].answers == std::vector<std::string>{"knee"});
}

TEST_CASE("a != leaf lists the answers the question has, and fires when it has none", "[rules][eval]") {
    const auto rules = load(rulesFile(json::array({rule("attest", answerIs("attest", "!=", true))})));
    auto flags = run(rules, response({grp("attestation", {valued("attest", "valueBoolean", false)})}));
    REQUIRE(flags.size() == 1);
    REQUIRE(flags[0].triggers.size() == 1);
    CHECK(flags[0].triggers[0].linkId == "attest");
    CHECK(flags[0].triggers[0].answers == std::vector<std::string>{"false"});

    flags = run(rules, response(json::array()));
    REQUIRE(flags.size() == 1);
    REQUIRE(flags[0].triggers.size() == 1);
    CHECK(flags[0].triggers[0].answers.empty());

    CHECK(run(rules, response({grp("attestation", {valued("attest", "valueBoolean", true)})})).empty());
}

// [SECTION] messages

TEST_CASE("message placeholders are filled with derived values and parameters", "[rules][eval][messages]") {
    // Ages and day counts in whole units (never rounded up); other numbers to at most two
    // decimals, trailing zeros dropped.
    const auto rules = load(rulesFile(json::array({rule(
        "low", {{"derived", "egfr"}, {"operator", "<"}, {"parameter", "egfr_contraindicated"}},
        "eGFR {egfr} is below {egfr_contraindicated} (age {age}, weight {weight_kg} kg, BMI {bmi}, half {half_dose}, "
        "lab {lab_age_days} days, creatinine {creatinine_mg_dl})",
        "TFGe {egfr} menor que {egfr_contraindicated}")})));
    DerivedValues d;
    d.egfr = 27.364;
    d.age = 64.9;
    d.weight_kg = 80;
    d.bmi = 24.567;
    d.lab_age_days = 3;
    d.creatinine_mg_dl = 2.25;
    const auto flags = run(rules, response(json::array()), d);
    REQUIRE(flags.size() == 1);
    CHECK(flags[0].message == "eGFR 27.36 is below 30 (age 64, weight 80 kg, BMI 24.57, half 2.5, lab 3 days, "
                              "creatinine 2.25)");
}

TEST_CASE("a value just over a threshold never prints as the threshold itself", "[rules][eval][messages]") {
    json file = rulesFile(json::array({rule("heavy", {{"derived", "weight_kg"}, {"operator", ">"}, {"parameter", "table_limit"}},
                                            "{weight_kg} kg is over {table_limit} kg", "{weight_kg} kg supera {table_limit} kg")}));
    file["parameters"]["table_limit"] = 200;
    DerivedValues d;
    d.weight_kg = 200.03;
    const auto flags = run(load(file), response(json::array()), d);
    REQUIRE(flags.size() == 1);
    CHECK(flags[0].message == "200.03 kg is over 200 kg");
}

TEST_CASE("a placeholder for a derived value that could not be computed reads (unknown)", "[rules][eval][messages]") {
    const auto rules = load(rulesFile(json::array({rule("x", yesTo("dialysis"), "eGFR {egfr}", "TFGe {egfr}")})));
    const auto flags = run(rules, response({grp("kidney-contrast", {yes("dialysis")})}));
    REQUIRE(flags.size() == 1);
    CHECK(flags[0].message == "eGFR (unknown)");
}

TEST_CASE("messages are given in Spanish when the language is es", "[rules][eval][messages]") {
    const auto rules = load(rulesFile(json::array({rule(
        "low", {{"derived", "egfr"}, {"operator", "<"}, {"parameter", "egfr_contraindicated"}},
        "eGFR {egfr} is below {egfr_contraindicated}", "TFGe {egfr} menor que {egfr_contraindicated}")})));
    DerivedValues d;
    d.egfr = 12.1;
    const auto flags = run(rules, response(json::array()), d, "es");
    REQUIRE(flags.size() == 1);
    CHECK(flags[0].message == "TFGe 12.1 menor que 30");
}

TEST_CASE("messages fall back to the rules' first language for an unknown language", "[rules][eval][messages]") {
    SECTION("English first") {
        const auto rules = load(rulesFile(json::array({rule("x", yesTo("dialysis"), "Dialysis", "Diálisis")})));
        const auto flags = run(rules, response({grp("kidney-contrast", {yes("dialysis")})}), {}, "fr");
        REQUIRE(flags.size() == 1);
        CHECK(flags[0].message == "Dialysis");
    }
    SECTION("Spanish first") {
        json file = rulesFile(json::array({rule("x", yesTo("dialysis"), "Dialysis", "Diálisis")}));
        file["languages"] = {"es", "en"};
        const auto flags = run(load(file), response({grp("kidney-contrast", {yes("dialysis")})}), {}, "fr");
        REQUIRE(flags.size() == 1);
        CHECK(flags[0].message == "Diálisis");
    }
}

// [SECTION] other forms

TEST_CASE("a rule on a time question fires when the answer matches", "[rules][eval]") {
    // Guards a fixed defect. It was: RulesLoader::readAnswerLeaf() has no case for time and dateTime questions; the
    // default branch stores the answer as a String value, which never equals (or orders against)
    // a valueTime / valueDateTime answer, so such rules load but can never fire.
    const auto form = formFromJson(json{
        {"resourceType", "Questionnaire"},
        {"url", "http://example.org/Questionnaire/times"},
        {"status", "active"},
        {"item", json::array({{{"linkId", "last-meal"}, {"type", "time"}, {"text", "Last meal"}},
                              {{"linkId", "arrived"}, {"type", "dateTime"}, {"text", "Arrived"}}})}});
    json file{{"mrscreenRules", 1},
              {"questionnaire", "http://example.org/Questionnaire/times"},
              {"languages", {"en"}},
              {"rules", json::array({json{{"id", "late-meal"},
                                          {"category", "other"},
                                          {"severity", "info"},
                                          {"when", {{"question", "last-meal"}, {"operator", ">="}, {"answer", "10:00:00"}}},
                                          {"message", {{"en", "Late meal"}}}},
                                     json{{"id", "arrived"},
                                          {"category", "other"},
                                          {"severity", "info"},
                                          {"when", {{"question", "arrived"}, {"operator", "="}, {"answer", "2024-01-01T10:00:00Z"}}},
                                          {"message", {{"en", "Arrived"}}}}})}};
    const auto rules = loadRules(file.dump(), kFile, form);
    const Response r = responseFromJson(json{
        {"resourceType", "QuestionnaireResponse"},
        {"status", "completed"},
        {"item", json::array({{{"linkId", "last-meal"}, {"answer", json::array({{{"valueTime", "11:30:00"}}})}},
                              {{"linkId", "arrived"},
                               {"answer", json::array({{{"valueDateTime", "2024-01-01T11:00:00+01:00"}}})}}})}});
    const ScreeningAnswers answers(form, r);
    const auto flags = applyRules(rules, answers, DerivedValues{}, "en");
    CHECK(ids(flags) == std::vector<std::string>{"late-meal", "arrived"});
    // And an answer that is not a time should be refused at load.
    file["rules"][0]["when"]["answer"] = "half past ten";
    CHECK_THROWS_AS(loadRules(file.dump(), kFile, form), InputError);
}

// [SECTION] gates, site settings, catch-alls and contradictions, on a small form of their own

namespace {

json yesNoUnsure(const std::string& linkId, const std::string& text) {
    json options = json::array();
    for (const char* code : {"yes", "no", "unsure"})
        options.push_back({{"valueCoding", {{"system", kAnswerSystem}, {"code", code}, {"display", code}}}});
    return {{"linkId", linkId}, {"type", "choice"}, {"text", text}, {"answerOption", options}};
}

// A gateway ("any device?") that skips two devices, and two questions asked of everyone.
const Questionnaire& deviceForm() {
    static const Questionnaire q = mrscreen::test::formFromJson(
        {{"resourceType", "Questionnaire"},
         {"url", "http://example.org/devices"},
         {"version", "1"},
         {"status", "active"},
         {"item",
          {yesNoUnsure("has-device", "Any device?"),
           {{"linkId", "devices"},
            {"type", "group"},
            {"text", "Devices"},
            {"enableWhen", {{{"question", "has-device"}, {"operator", "!="}, {"answerCoding", {{"system", kAnswerSystem}, {"code", "no"}}}}}},
            {"item", {yesNoUnsure("pump", "A pump?"), yesNoUnsure("stent", "A stent?")}}},
           yesNoUnsure("dialysis", "Dialysis?"),
           yesNoUnsure("tattoo", "Tattoo?")}}});
    return q;
}

json deviceRules(json rules, json params = json::object()) {
    return {{"mrscreenRules", 1}, {"questionnaire", "http://example.org/devices"}, {"languages", {"en", "es"}},
            {"parameters", params}, {"rules", std::move(rules)}};
}

json deviceRule(const std::string& id, const std::string& severity, json when, const std::string& gate = "") {
    json r = {{"id", id}, {"category", "implant"}, {"severity", severity}, {"when", std::move(when)},
              {"message", {{"en", id + " message"}, {"es", "mensaje " + id}}}};
    if (!gate.empty()) r["gates"] = gate;
    return r;
}

json anyOf(const std::string& linkId, std::initializer_list<const char*> codes) {
    json list = json::array();
    for (const char* c : codes) list.push_back(answerIs(linkId, "=", c));
    return {{"any", list}};
}

const RuleSet& deviceRuleSet() {
    static const RuleSet rules = loadRules(
        deviceRules(json::array({deviceRule("pump", "stop", anyOf("pump", {"yes", "unsure"})),
                                 deviceRule("stent", "review", anyOf("stent", {"yes", "unsure"})),
                                 deviceRule("dialysis", "stop", anyOf("dialysis", {"yes", "unsure"}), "contrast"),
                                 deviceRule("tattoo", "info", yesTo("tattoo")),
                                 deviceRule("unsure-answers", "review", {{"answered", "unsure"}, {"uncovered", true}})}))
            .dump(),
        "devices.rules.json", deviceForm());
    return rules;
}

Assessment assessDevices(json items, ContrastPlan contrast = ContrastPlan::Unknown, const std::string& staff = "en") {
    static std::vector<std::unique_ptr<Response>> keep; // the assessment's triggers point at nothing, but be safe
    keep.push_back(std::make_unique<Response>(responseFromJson(
        {{"resourceType", "QuestionnaireResponse"}, {"status", "completed"}, {"item", std::move(items)}})));
    const ScreeningAnswers answers(deviceForm(), *keep.back());
    AssessmentInput in;
    in.language = "en";
    in.staffLanguage = staff;
    in.screeningDate = "2026-11-30";
    in.contrast = contrast;
    return assess(answers, &deviceRuleSet(), in);
}

json devicesGroup(json items) { return grp("devices", std::move(items)); }

} // namespace

TEST_CASE("a rule says what it gates, zone IV unless it says contrast, and a misspelt gate is refused", "[rules][gates]") {
    const auto& rules = deviceRuleSet();
    CHECK(rules.rules[0].gate == Gate::ZoneIv);
    CHECK(rules.rules[2].gate == Gate::Contrast);
    const auto message = inputErrorOf([] {
        loadRules(deviceRules(json::array({deviceRule("x", "stop", yesTo("pump"), "contrst")})).dump(), "bad.json",
                  deviceForm());
    });
    CHECK_THAT(message, Catch::Matchers::Contains("rule 'x'") && Catch::Matchers::Contains("zone-iv, contrast"));
}

TEST_CASE("a contrast flag is information for a non-contrast exam and keeps its severity when contrast is planned or unknown", "[rules][gates]") {
    const json items = {no("has-device"), yes("dialysis"), no("tattoo")};
    for (auto plan : {ContrastPlan::Unknown, ContrastPlan::Yes}) {
        const auto a = assessDevices(items, plan);
        const Flag* f = flag(a.flags, "dialysis");
        REQUIRE(f);
        CHECK(f->severity == Severity::Stop);
        CHECK(f->gate == Gate::Contrast);
    }
    const auto noContrast = assessDevices(items, ContrastPlan::No);
    const Flag* f = flag(noContrast.flags, "dialysis");
    REQUIRE(f);
    CHECK(f->severity == Severity::Info);
}

TEST_CASE("a zone IV flag keeps its severity whether or not contrast is planned", "[rules][gates]") {
    const auto a = assessDevices({yes("has-device"), devicesGroup({yes("pump"), no("stent")}), no("dialysis"), no("tattoo")},
                                 ContrastPlan::No);
    const Flag* f = flag(a.flags, "pump");
    REQUIRE(f);
    CHECK(f->severity == Severity::Stop);
    CHECK(f->gate == Gate::ZoneIv);
}

TEST_CASE("a site setting switches a rule on or off", "[rules][settings]") {
    auto with = [](double value) {
        return loadRules(deviceRules(json::array({deviceRule("strict-tattoo", "review",
                                                             {{"all", {yesTo("tattoo"),
                                                                       {{"setting", "strict"}, {"operator", "="}, {"value", 1}}}}})}),
                                     {{"strict", {{"value", value}}}})
                             .dump(),
                         "s.json", deviceForm());
    };
    const Response r = responseFromJson({{"resourceType", "QuestionnaireResponse"}, {"status", "completed"},
                                         {"item", {no("has-device"), no("dialysis"), yes("tattoo")}}});
    const ScreeningAnswers answers(deviceForm(), r);
    CHECK(ids(applyRules(with(1), answers, {}, "en")) == std::vector<std::string>{"strict-tattoo"});
    CHECK(applyRules(with(0), answers, {}, "en").empty());
    const auto unknown = inputErrorOf([] {
        loadRules(deviceRules(json::array({deviceRule("x", "review", {{"setting", "nope"}, {"operator", "="}, {"value", 1}})})).dump(),
                  "u.json", deviceForm());
    });
    CHECK_THAT(unknown, Catch::Matchers::Contains("unknown parameter 'nope'"));
}

TEST_CASE("Not sure on a question with its own rule raises that rule, not the catch-all", "[rules][unsure]") {
    const auto a = assessDevices({yes("has-device"), devicesGroup({no("pump"), unsure("stent")}), no("dialysis"), unsure("tattoo")});
    const Flag* stent = flag(a.flags, "stent");
    REQUIRE(stent);
    CHECK(stent->severity == Severity::Review);
    CHECK(stent->message == "stent message");
    // The catch-all keeps the Not sure on the tattoo question, whose rule only tests Yes.
    const Flag* rest = flag(a.flags, "unsure-answers");
    REQUIRE(rest);
    REQUIRE(rest->triggers.size() == 1);
    CHECK(rest->triggers[0].linkId == "tattoo");
}

TEST_CASE("a Yes to a device the gateway's No skipped raises a contradiction at that device's severity", "[rules][contradictions]") {
    const auto a = assessDevices({no("has-device"), devicesGroup({yes("pump"), no("stent")}), no("dialysis"), no("tattoo")});
    CHECK(a.valid()); // FHIR ignores the skipped answer; the screening must not
    const Flag* f = flag(a.flags, "answers-contradict-pump");
    REQUIRE(f);
    CHECK(f->severity == Severity::Stop);
    CHECK(f->category == "implant");
    REQUIRE(f->triggers.size() == 2);
    CHECK(f->triggers[0].linkId == "has-device");
    CHECK(f->triggers[0].answers == std::vector<std::string>{"no"});
    CHECK(f->triggers[1].linkId == "pump");
    CHECK(f->triggers[1].answers == std::vector<std::string>{"yes"});
    CHECK_THAT(f->message, Catch::Matchers::Contains("Any device?") && Catch::Matchers::Contains("A pump?") &&
                               Catch::Matchers::Contains("pump message"));
    CHECK_FALSE(flag(a.flags, "pump"));
    CHECK_FALSE(flag(a.flags, "answers-contradict-stent")); // its skipped answer was No
}

TEST_CASE("a contradiction is raised in the staff language and at review level for a review device", "[rules][contradictions]") {
    const auto a = assessDevices({no("has-device"), devicesGroup({unsure("stent")}), no("dialysis"), no("tattoo")},
                                 ContrastPlan::Unknown, "es");
    const Flag* f = flag(a.flags, "answers-contradict-stent");
    REQUIRE(f);
    CHECK(f->severity == Severity::Review);
    CHECK_THAT(f->message, Catch::Matchers::Contains("contradicen") && Catch::Matchers::Contains("mensaje stent"));
}

TEST_CASE("answers that agree raise no contradiction, and the skipped answers are kept for staff", "[rules][contradictions]") {
    const auto agreeing = assessDevices({yes("has-device"), devicesGroup({yes("pump"), no("stent")}), no("dialysis"), no("tattoo")});
    CHECK(flag(agreeing.flags, "pump"));
    for (const auto& f : agreeing.flags) CHECK(f.id.rfind("answers-contradict", 0) != 0);

    const Response r = responseFromJson({{"resourceType", "QuestionnaireResponse"}, {"status", "completed"},
                                         {"item", {no("has-device"), devicesGroup({no("pump"), yes("stent")}), no("dialysis"), no("tattoo")}}});
    const ScreeningAnswers answers(deviceForm(), r);
    const json kept = ignoredAnswersToJson(answers, "en");
    REQUIRE(kept.size() == 2);
    CHECK(kept[1]["linkId"] == "stent");
    CHECK(kept[1]["question"] == "A stent?");
    CHECK(kept[1]["answers"] == json::array({"yes"}));
}

TEST_CASE("flag messages follow the staff language while validation follows the patient's", "[rules][language]") {
    const auto a = assessDevices({yes("has-device"), devicesGroup({yes("pump"), no("stent")}), no("dialysis"), no("tattoo")},
                                 ContrastPlan::Unknown, "es");
    const Flag* f = flag(a.flags, "pump");
    REQUIRE(f);
    CHECK(f->message == "mensaje pump");
}
