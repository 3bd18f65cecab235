// Loading a form: what a valid form turns into, and every way a form is refused, each message
// naming the file, the item and the problem.
#include "test_support.h"

#include <catch2/catch.hpp>

#include <initializer_list>
#include <string>
#include <vector>

using namespace mrscreen::screening;
using mrscreen::test::formFromJson;
using mrscreen::test::inputErrorOf;
using nlohmann::json;

namespace {

const std::string kHl7 = "http://hl7.org/fhir/StructureDefinition/";
const std::string kAnswerSystem = "http://mrscreen.org/fhir/CodeSystem/answer";
const std::string kFile = "bad-form.json";

// A minimal valid form around the given items.
json formWith(json items) {
    return json{{"resourceType", "Questionnaire"},
                {"url", "http://example.org/Questionnaire/small"},
                {"status", "active"},
                {"item", std::move(items)}};
}

json item(const std::string& linkId, const std::string& type, const std::string& text = "") {
    json j{{"linkId", linkId}, {"type", type}};
    if (!text.empty()) j["text"] = text;
    return j;
}

json group(const std::string& linkId, json children) {
    json j = item(linkId, "group", "Group " + linkId);
    j["item"] = std::move(children);
    return j;
}

json translations(const std::string& es) {
    return json{{"extension",
                 json::array({{{"url", kHl7 + "translation"},
                               {"extension", json::array({{{"url", "lang"}, {"valueCode", "es"}},
                                                          {{"url", "content"}, {"valueString", es}}})}}})}};
}

json codingOption(const std::string& code, const std::string& display, const std::string& es = "") {
    json c{{"system", kAnswerSystem}, {"code", code}, {"display", display}};
    if (!es.empty()) c["_display"] = translations(es);
    return json{{"valueCoding", c}};
}

json yesNo(const std::string& linkId) {
    json j = item(linkId, "choice", "Question " + linkId + "?");
    j["answerOption"] = json::array({codingOption("yes", "Yes"), codingOption("no", "No")});
    return j;
}

json answerCoding(const std::string& code) { return json{{"system", kAnswerSystem}, {"code", code}}; }

json enableWhen(const std::string& question, const std::string& op, const std::string& answerKey, json answer) {
    return json{{"question", question}, {"operator", op}, {answerKey, std::move(answer)}};
}

json extension(const std::string& url, const std::string& valueKey, json value) {
    return json{{"url", url}, {valueKey, std::move(value)}};
}

std::string loadError(const json& form) {
    return inputErrorOf([&] { formFromJson(form, kFile); });
}

std::vector<std::string> problemsOf(const json& form) {
    return mrscreen::test::problemsOf([&] { formFromJson(form, kFile); });
}

// The message starts with the file name and mentions every part given.
void checkMessage(const std::string& message, std::initializer_list<std::string> parts) {
    mrscreen::test::checkMessage(message, kFile, parts);
}

} // namespace

// [SECTION] a valid form

namespace {

json validForm() {
    json b = item("b", "boolean", "Do you agree?");
    b["_text"] = translations("¿Está de acuerdo?");

    json c = item("c", "choice", "Pick one");
    c["_text"] = translations("Elija uno");
    c["answerOption"] = json::array({codingOption("yes", "Yes", "Sí"), codingOption("no", "No", "No")});
    c["enableWhen"] = json::array({enableWhen("b", "=", "answerBoolean", true)});

    json w = item("w", "decimal", "Weight");
    w["_text"] = translations("Peso");
    w["extension"] = json::array(
        {extension(kHl7 + "questionnaire-unit", "valueCoding",
                   {{"system", "http://unitsofmeasure.org"}, {"code", "kg"}, {"display", "kg"}}),
         extension(kHl7 + "minValue", "valueDecimal", 0.5), extension(kHl7 + "maxValue", "valueDecimal", 300.0)});
    w["enableWhen"] = json::array({enableWhen("c", "=", "answerCoding", answerCoding("yes")),
                                   enableWhen("b", "exists", "answerBoolean", true)});
    w["enableBehavior"] = "any";
    w["required"] = true;

    json n = item("n", "integer", "How many?");
    n["_text"] = translations("¿Cuántos?");
    n["extension"] = json::array({extension(kHl7 + "minValue", "valueInteger", 0),
                                  extension(kHl7 + "maxValue", "valueInteger", 100)});
    n["enableWhen"] = json::array({enableWhen("w", ">=", "answerDecimal", 40.5)});

    json s = item("s", "string", "Name");
    s["_text"] = translations("Nombre");
    s["maxLength"] = 20;
    s["repeats"] = true;

    json inner = group("inner", json::array({s}));
    inner["_text"] = translations("Interior");
    json outer = group("outer", json::array({b, c, w, inner, n}));
    outer["_text"] = translations("Exterior");

    json d = item("d", "display", "Thank you");
    d["_text"] = translations("Gracias");

    json form = formWith(json::array({outer, d}));
    form["title"] = "Small form";
    form["_title"] = translations("Formulario pequeño");
    form["language"] = "en";
    form["version"] = "2.1.0";
    form["name"] = "SmallForm";
    form["id"] = "small";
    return form;
}

} // namespace

TEST_CASE("a valid small form loads with its metadata, title and languages", "[questionnaire]") {
    const auto q = formFromJson(validForm(), "small.json");
    CHECK(q.source == "small.json");
    CHECK(q.id == "small");
    CHECK(q.url == "http://example.org/Questionnaire/small");
    CHECK(q.version == "2.1.0");
    CHECK(q.name == "SmallForm");
    CHECK(q.status == "active");
    CHECK(q.language == "en");
    CHECK(q.languages == std::vector<std::string>{"en", "es"});
    CHECK(q.supportsLanguage("es"));
    CHECK_FALSE(q.supportsLanguage("fr"));
    CHECK(q.title.base == "Small form");
    CHECK(q.title.in("es") == "Formulario pequeño");
    CHECK(q.warnings.empty());
}

TEST_CASE("a valid form keeps item texts with their translations, falling back to the base language", "[questionnaire]") {
    const auto q = formFromJson(validForm());
    const Item* b = q.find("b");
    REQUIRE(b);
    CHECK(b->type == ItemType::Boolean);
    CHECK(b->text.base == "Do you agree?");
    CHECK(b->text.in("es") == "¿Está de acuerdo?");
    CHECK(b->text.in("en") == "Do you agree?");
    CHECK(b->text.in("fr") == "Do you agree?");
    CHECK(q.find("d")->text.in("es") == "Gracias");
    CHECK(q.find("d")->type == ItemType::Display);
}

TEST_CASE("a valid form keeps answer options with translated displays", "[questionnaire]") {
    const auto q = formFromJson(validForm());
    const Item* c = q.find("c");
    REQUIRE(c);
    CHECK(c->type == ItemType::Choice);
    REQUIRE(c->options.size() == 2);
    CHECK(c->options[0].value.type == ValueType::Coding);
    CHECK(c->options[0].value.coding.code == "yes");
    CHECK(c->options[0].value.coding.system == kAnswerSystem);
    CHECK(c->options[0].display.base == "Yes");
    CHECK(c->options[0].display.in("es") == "Sí");
    const AnswerOption* no = c->option(Value::ofCoding(Coding{kAnswerSystem, "no", ""}));
    REQUIRE(no);
    CHECK(no->display.base == "No");
    CHECK(c->option(Value::ofCoding(Coding{kAnswerSystem, "maybe", ""})) == nullptr);
}

TEST_CASE("a valid form keeps units, limits, maxLength and flags", "[questionnaire]") {
    const auto q = formFromJson(validForm());
    const Item* w = q.find("w");
    REQUIRE(w);
    REQUIRE(w->unit);
    CHECK(w->unit->code == "kg");
    CHECK(w->unit->system == "http://unitsofmeasure.org");
    REQUIRE(w->minValue);
    REQUIRE(w->maxValue);
    CHECK(w->minValue->type == ValueType::Decimal);
    CHECK(w->minValue->decimal == Approx(0.5));
    CHECK(w->maxValue->decimal == Approx(300.0));
    CHECK(w->required);
    CHECK_FALSE(w->repeats);

    const Item* n = q.find("n");
    REQUIRE(n);
    REQUIRE(n->minValue);
    CHECK(n->minValue->type == ValueType::Integer);
    CHECK(n->minValue->integer == 0);
    CHECK(n->maxValue->integer == 100);
    CHECK_FALSE(n->unit);

    const Item* s = q.find("s");
    REQUIRE(s);
    CHECK(s->maxLength == 20);
    CHECK(s->repeats);
    CHECK_FALSE(s->required);
}

TEST_CASE("a valid form resolves each enableWhen to its question, operator and answer", "[questionnaire]") {
    const auto q = formFromJson(validForm());
    const Item* c = q.find("c");
    REQUIRE(c->enableWhen.size() == 1);
    CHECK(c->enableWhen[0].question == "b");
    CHECK(c->enableWhen[0].questionIndex == q.indexOf("b"));
    CHECK(c->enableWhen[0].op == Operator::Equal);
    CHECK(c->enableWhen[0].answer.type == ValueType::Boolean);
    CHECK(c->enableWhen[0].answer.boolean);
    CHECK(c->enableAll);

    const Item* w = q.find("w");
    REQUIRE(w->enableWhen.size() == 2);
    CHECK_FALSE(w->enableAll);
    CHECK(w->enableWhen[0].questionIndex == q.indexOf("c"));
    CHECK(w->enableWhen[0].answer.coding.code == "yes");
    CHECK(w->enableWhen[1].op == Operator::Exists);

    const Item* n = q.find("n");
    REQUIRE(n->enableWhen.size() == 1);
    CHECK(n->enableWhen[0].op == Operator::GreaterOrEqual);
    CHECK(n->enableWhen[0].answer.decimal == Approx(40.5));
}

TEST_CASE("a valid form stores its items in pre-order with parents, children and subtrees", "[questionnaire]") {
    const auto q = formFromJson(validForm());
    std::vector<std::string> order;
    for (const auto& i : q.items) order.push_back(i.linkId);
    CHECK(order == std::vector<std::string>{"outer", "b", "c", "w", "inner", "s", "n", "d"});
    CHECK(q.roots == std::vector<int>{0, 7});
    CHECK(q.items[0].children == std::vector<int>{1, 2, 3, 4, 6});
    CHECK(q.items[4].children == std::vector<int>{5});
    CHECK(q.items[0].parent == -1);
    CHECK(q.items[5].parent == 4);
    CHECK(q.items[4].parent == 0);
    CHECK(q.items[0].subtreeEnd == 7);
    CHECK(q.items[4].subtreeEnd == 6);
    CHECK(q.items[7].subtreeEnd == 8);
    for (std::size_t i = 0; i < q.items.size(); ++i) CHECK(q.indexOf(q.items[i].linkId) == int(i));
    CHECK(q.indexOf("absent") == -1);
    CHECK(q.find("absent") == nullptr);
}

TEST_CASE("isAncestor holds exactly for items inside a subtree", "[questionnaire]") {
    const auto q = formFromJson(validForm());
    const int outer = q.indexOf("outer"), inner = q.indexOf("inner"), s = q.indexOf("s"), b = q.indexOf("b"),
              n = q.indexOf("n"), d = q.indexOf("d");
    CHECK(q.isAncestor(outer, b));
    CHECK(q.isAncestor(outer, s)); // a grandchild
    CHECK(q.isAncestor(outer, n));
    CHECK(q.isAncestor(inner, s));
    CHECK_FALSE(q.isAncestor(outer, outer)); // not its own ancestor
    CHECK_FALSE(q.isAncestor(s, inner));
    CHECK_FALSE(q.isAncestor(inner, n)); // a later sibling of inner
    CHECK_FALSE(q.isAncestor(b, inner)); // siblings
    CHECK_FALSE(q.isAncestor(outer, d)); // another root
}

TEST_CASE("the shipped MRI form loads without warnings, in English and Spanish", "[questionnaire]") {
    const auto& q = mrscreen::test::mriForm();
    CHECK(q.url == "http://mrscreen.org/fhir/Questionnaire/mri-safety");
    CHECK(q.languages == std::vector<std::string>{"en", "es"});
    CHECK(q.warnings.empty());
    REQUIRE(q.find("dialysis"));
    CHECK(q.find("dialysis")->options.size() == 3);
}

// [SECTION] refused documents

TEST_CASE("a form that is not JSON is refused, naming the file", "[questionnaire][errors]") {
    const auto msg = inputErrorOf([] { loadQuestionnaire("{\"resourceType\": \"Questionnaire\",", kFile); });
    checkMessage(msg, {"is not valid JSON"});
}

TEST_CASE("a document that is not a Questionnaire is refused, naming the expected resourceType", "[questionnaire][errors]") {
    json form = formWith(json::array({item("a", "boolean")}));
    form["resourceType"] = "QuestionnaireResponse";
    checkMessage(loadError(form), {"is not a FHIR Questionnaire", "resourceType must be \"Questionnaire\""});
    checkMessage(inputErrorOf([] { loadQuestionnaire("[1, 2]", kFile); }), {"is not a FHIR Questionnaire"});
    json noType = formWith(json::array({item("a", "boolean")}));
    noType.erase("resourceType");
    checkMessage(loadError(noType), {"is not a FHIR Questionnaire"});
}

TEST_CASE("a form without a status is refused, listing the allowed statuses", "[questionnaire][errors]") {
    json form = formWith(json::array({item("a", "boolean")}));
    form.erase("status");
    checkMessage(loadError(form), {"'status' is required", "draft, active, retired, unknown"});
}

TEST_CASE("a form whose status is not a FHIR publication status is refused", "[questionnaire][errors]") {
    // Guards a fixed defect. It was: readTop() only checks that 'status' is present, not that it is a valid code.
    json form = formWith(json::array({item("a", "boolean")}));
    form["status"] = "finished";
    checkMessage(loadError(form), {"status", "finished"});
}

TEST_CASE("a form without items is refused", "[questionnaire][errors]") {
    json form = formWith(json::array());
    checkMessage(loadError(form), {"the form has no items"});
    form.erase("item");
    checkMessage(loadError(form), {"the form has no items"});
}

TEST_CASE("two items with the same linkId are refused, naming the linkId", "[questionnaire][errors]") {
    const auto form = formWith(json::array({item("a", "boolean"), group("g", json::array({item("a", "string")}))}));
    checkMessage(loadError(form), {"item 'a'", "linkId is used by more than one item"});
}

TEST_CASE("an item without a linkId is refused, naming the group it is in", "[questionnaire][errors]") {
    const auto form = formWith(json::array({group("g", json::array({json{{"type", "boolean"}, {"text", "?"}}}))}));
    checkMessage(loadError(form), {"an item has no linkId", "(under 'g')"});
    const auto top = formWith(json::array({json{{"type", "boolean"}}}));
    checkMessage(loadError(top), {"an item has no linkId"});
}

TEST_CASE("an item of a type outside the supported subset is refused, listing the supported types", "[questionnaire][errors]") {
    const auto form = formWith(json::array({item("dose", "quantity")}));
    checkMessage(loadError(form), {"item 'dose'", "type 'quantity' is outside mrscreen's supported subset",
                                   "open-choice"});
}

TEST_CASE("an item without a type is refused", "[questionnaire][errors]") {
    const auto form = formWith(json::array({json{{"linkId", "a"}, {"text", "?"}}}));
    checkMessage(loadError(form), {"item 'a'", "'type' is missing"});
}

TEST_CASE("an unknown element on an item is refused, naming the element", "[questionnaire][errors]") {
    json a = item("a", "boolean");
    a["colour"] = "red";
    checkMessage(loadError(formWith(json::array({a}))), {"item 'a'", "unknown element 'colour'"});
}

TEST_CASE("an unknown element at the top of the form is refused", "[questionnaire][errors]") {
    json form = formWith(json::array({item("a", "boolean")}));
    form["subtitle"] = "x";
    checkMessage(loadError(form), {"unknown element 'subtitle'"});
}

TEST_CASE("answerValueSet is refused because a kiosk has no terminology server", "[questionnaire][errors]") {
    json c = item("c", "choice");
    c["answerValueSet"] = "http://example.org/ValueSet/colours";
    const auto form = formWith(json::array({c}));
    checkMessage(loadError(form), {"item 'c'", "answerValueSet needs a terminology server", "answerOption"});
    // Only that problem: the choice is not also told it lacks answerOption.
    CHECK(problemsOf(form).size() == 1);
}

TEST_CASE("an initial answer is refused because a safety form must not answer for the patient", "[questionnaire][errors]") {
    json a = item("a", "boolean");
    a["initial"] = json::array({{{"valueBoolean", false}}});
    checkMessage(loadError(formWith(json::array({a}))), {"item 'a'", "'initial' answers are not supported"});
}

TEST_CASE("initialSelected on an answer option is refused", "[questionnaire][errors]") {
    json c = yesNo("c");
    c["answerOption"][0]["initialSelected"] = true;
    checkMessage(loadError(formWith(json::array({c}))), {"item 'c'", "initialSelected is not supported"});
}

// [SECTION] enableWhen

TEST_CASE("a form whose enableWhen refers to an unknown linkId is refused, naming both linkIds", "[questionnaire][errors][enableWhen]") {
    json b = item("b", "string");
    b["enableWhen"] = json::array({enableWhen("nope", "exists", "answerBoolean", true)});
    checkMessage(loadError(formWith(json::array({item("a", "boolean"), b}))),
                 {"item 'b'", "enableWhen refers to unknown linkId 'nope'"});
}

TEST_CASE("an enableWhen on the item itself is refused", "[questionnaire][errors][enableWhen]") {
    json a = item("a", "boolean");
    a["enableWhen"] = json::array({enableWhen("a", "=", "answerBoolean", true)});
    checkMessage(loadError(formWith(json::array({a}))), {"item 'a'", "enableWhen refers to the item itself"});
}

TEST_CASE("an enableWhen on a display item is refused because a display has no answers", "[questionnaire][errors][enableWhen]") {
    json b = item("b", "boolean");
    b["enableWhen"] = json::array({enableWhen("note", "exists", "answerBoolean", true)});
    checkMessage(loadError(formWith(json::array({item("note", "display", "Read this"), b}))),
                 {"item 'b'", "enableWhen refers to 'note', a display item that has no answers"});
}

TEST_CASE("an enableWhen on a group is refused because a group has no answers", "[questionnaire][errors][enableWhen]") {
    json b = item("b", "boolean");
    b["enableWhen"] = json::array({enableWhen("g", "exists", "answerBoolean", true)});
    checkMessage(loadError(formWith(json::array({group("g", json::array({item("x", "string")})), b}))),
                 {"item 'b'", "'g', a group item"});
}

TEST_CASE("an enableWhen with an unknown operator is refused, listing the operators", "[questionnaire][errors][enableWhen]") {
    json b = item("b", "string");
    b["enableWhen"] = json::array({enableWhen("a", "~=", "answerBoolean", true)});
    checkMessage(loadError(formWith(json::array({item("a", "boolean"), b}))),
                 {"item 'b'", "enableWhen operator '~=' is not one of exists, =, !=, >, <, >=, <="});
}

TEST_CASE("an enableWhen answer of the wrong type for its question is refused, naming both types", "[questionnaire][errors][enableWhen]") {
    json b = item("b", "string");
    b["enableWhen"] = json::array({enableWhen("a", "=", "answerString", "yes")});
    checkMessage(loadError(formWith(json::array({item("a", "boolean"), b}))),
                 {"item 'b'", "enableWhen on 'a' (a boolean question) uses answerString",
                  "does not match the question's type"});
}

TEST_CASE("an enableWhen answer that is not a valid value is refused with the reason", "[questionnaire][errors][enableWhen]") {
    json b = item("b", "string");
    b["enableWhen"] = json::array({enableWhen("a", ">", "answerDate", "2023-02-29")});
    checkMessage(loadError(formWith(json::array({item("a", "date"), b}))),
                 {"item 'b'", "enableWhen on 'a'", "'2023-02-29' is not a date"});
}

TEST_CASE("an integer enableWhen answer on a decimal question is accepted", "[questionnaire][enableWhen]") {
    json b = item("b", "string");
    b["enableWhen"] = json::array({enableWhen("w", ">", "answerInteger", 100)});
    const auto q = formFromJson(formWith(json::array({item("w", "decimal"), b})));
    REQUIRE(q.find("b")->enableWhen.size() == 1);
    CHECK(q.find("b")->enableWhen[0].answer.type == ValueType::Integer);
}

TEST_CASE("an ordering operator on a coding answer is refused", "[questionnaire][errors][enableWhen]") {
    json b = item("b", "string");
    b["enableWhen"] = json::array({enableWhen("c", ">", "answerCoding", answerCoding("yes"))});
    checkMessage(loadError(formWith(json::array({yesNo("c"), b}))),
                 {"item 'b'", "enableWhen on 'c'", "operator '>' cannot order Coding answers; use = or !="});
}

TEST_CASE("an ordering operator on a boolean answer is refused", "[questionnaire][errors][enableWhen]") {
    json b = item("b", "string");
    b["enableWhen"] = json::array({enableWhen("a", "<=", "answerBoolean", true)});
    checkMessage(loadError(formWith(json::array({item("a", "boolean"), b}))),
                 {"item 'b'", "operator '<=' cannot order Boolean answers"});
}

TEST_CASE("an enableWhen coding that is not among the question's options is refused", "[questionnaire][errors][enableWhen]") {
    json b = item("b", "string");
    b["enableWhen"] = json::array({enableWhen("c", "=", "answerCoding", answerCoding("maybe"))});
    checkMessage(loadError(formWith(json::array({yesNo("c"), b}))),
                 {"item 'b'", "enableWhen on 'c'", "code 'maybe' is not one of that question's answer options"});
}

TEST_CASE("an enableWhen coding with the right code but another system is refused", "[questionnaire][errors][enableWhen]") {
    json b = item("b", "string");
    b["enableWhen"] = json::array(
        {enableWhen("c", "=", "answerCoding", json{{"system", "http://example.org/other"}, {"code", "yes"}})});
    checkMessage(loadError(formWith(json::array({yesNo("c"), b}))), {"item 'b'", "code 'yes' is not one of"});
}

TEST_CASE("operator 'exists' without answerBoolean is refused", "[questionnaire][errors][enableWhen]") {
    SECTION("with another kind of answer") {
        json b = item("b", "string");
        b["enableWhen"] = json::array({enableWhen("c", "exists", "answerCoding", answerCoding("yes"))});
        checkMessage(loadError(formWith(json::array({yesNo("c"), b}))),
                     {"item 'b'", "enableWhen on 'c'", "operator 'exists' needs answerBoolean"});
    }
    SECTION("with no answer at all") {
        json b = item("b", "string");
        b["enableWhen"] = json::array({json{{"question", "c"}, {"operator", "exists"}}});
        checkMessage(loadError(formWith(json::array({yesNo("c"), b}))),
                     {"item 'b'", "enableWhen on 'c' has no answer[x]"});
    }
}

TEST_CASE("two enableWhen without enableBehavior are refused", "[questionnaire][errors][enableWhen]") {
    json b = item("b", "string");
    b["enableWhen"] = json::array(
        {enableWhen("a", "=", "answerBoolean", true), enableWhen("c", "=", "answerCoding", answerCoding("no"))});
    checkMessage(loadError(formWith(json::array({item("a", "boolean"), yesNo("c"), b}))),
                 {"item 'b'", "enableBehavior ('all' or 'any') is required when there is more than one enableWhen"});
}

TEST_CASE("an enableBehavior other than all or any is refused", "[questionnaire][errors][enableWhen]") {
    json b = item("b", "string");
    b["enableWhen"] = json::array({enableWhen("a", "=", "answerBoolean", true)});
    b["enableBehavior"] = "some";
    checkMessage(loadError(formWith(json::array({item("a", "boolean"), b}))),
                 {"item 'b'", "enableBehavior must be 'all' or 'any', not 'some'"});
}

TEST_CASE("an empty enableWhen list is refused", "[questionnaire][errors][enableWhen]") {
    json b = item("b", "string");
    b["enableWhen"] = json::array();
    checkMessage(loadError(formWith(json::array({b}))), {"item 'b'", "enableWhen must be a non-empty array"});
}

TEST_CASE("two questions enabling each other are refused as a loop, naming the path", "[questionnaire][errors][enableWhen]") {
    json a = item("a", "boolean");
    a["enableWhen"] = json::array({enableWhen("b", "=", "answerBoolean", true)});
    json b = item("b", "boolean");
    b["enableWhen"] = json::array({enableWhen("a", "=", "answerBoolean", true)});
    const auto msg = loadError(formWith(json::array({a, b})));
    checkMessage(msg, {"enableWhen makes a loop"});
    const bool path = msg.find("a -> b -> a") != std::string::npos || msg.find("b -> a -> b") != std::string::npos;
    INFO(msg);
    CHECK(path);
}

TEST_CASE("a group that depends on its own child is refused as a loop", "[questionnaire][errors][enableWhen]") {
    json g = group("g", json::array({item("inside", "boolean")}));
    g["enableWhen"] = json::array({enableWhen("inside", "=", "answerBoolean", true)});
    const auto msg = loadError(formWith(json::array({g})));
    checkMessage(msg, {"enableWhen makes a loop", "g -> inside -> g"});
}

TEST_CASE("a longer enableWhen loop through three questions is refused", "[questionnaire][errors][enableWhen]") {
    json a = item("a", "boolean"), b = item("b", "boolean"), c = item("c", "boolean");
    a["enableWhen"] = json::array({enableWhen("c", "=", "answerBoolean", true)});
    b["enableWhen"] = json::array({enableWhen("a", "=", "answerBoolean", true)});
    c["enableWhen"] = json::array({enableWhen("b", "=", "answerBoolean", true)});
    checkMessage(loadError(formWith(json::array({a, b, c}))), {"enableWhen makes a loop", "a -> c -> b -> a"});
}

TEST_CASE("a chain of enableWhen without a loop is accepted", "[questionnaire][enableWhen]") {
    json b = item("b", "boolean"), c = item("c", "boolean");
    b["enableWhen"] = json::array({enableWhen("a", "=", "answerBoolean", true)});
    c["enableWhen"] = json::array({enableWhen("b", "=", "answerBoolean", true)});
    json g = group("g", json::array({c}));
    g["enableWhen"] = json::array({enableWhen("a", "exists", "answerBoolean", true)});
    CHECK_NOTHROW(formFromJson(formWith(json::array({item("a", "boolean"), b, g}))));
}

TEST_CASE("an unknown modifierExtension on an enableWhen is refused", "[questionnaire][errors][enableWhen]") {
    // Guards a fixed defect. It was: resolveEnableWhen() never looks at the keys of an enableWhen entry, so a
    // modifierExtension there (which FHIR says must not be ignored) is silently dropped.
    json ew = enableWhen("a", "=", "answerBoolean", true);
    ew["modifierExtension"] = json::array({{{"url", "http://example.org/negate"}, {"valueBoolean", true}}});
    json b = item("b", "string");
    b["enableWhen"] = json::array({ew});
    checkMessage(loadError(formWith(json::array({item("a", "boolean"), b}))),
                 {"item 'b'", "modifierExtension", "http://example.org/negate"});
}

// [SECTION] item structure

TEST_CASE("a group without items is refused", "[questionnaire][errors]") {
    checkMessage(loadError(formWith(json::array({group("g", json::array())}))), {"item 'g'", "a group must contain items"});
    checkMessage(loadError(formWith(json::array({item("g", "group")}))), {"item 'g'", "a group must contain items"});
}

TEST_CASE("a display item with items is refused", "[questionnaire][errors]") {
    json d = item("d", "display", "Note");
    d["item"] = json::array({item("x", "boolean")});
    checkMessage(loadError(formWith(json::array({d}))), {"item 'd'", "a display item cannot contain items"});
}

TEST_CASE("a required display item is refused", "[questionnaire][errors]") {
    json d = item("d", "display", "Note");
    d["required"] = true;
    checkMessage(loadError(formWith(json::array({d}))), {"item 'd'", "a display item cannot be required or repeat"});
}

TEST_CASE("maxLength on a boolean item is refused", "[questionnaire][errors]") {
    json a = item("a", "boolean");
    a["maxLength"] = 10;
    checkMessage(loadError(formWith(json::array({a}))),
                 {"item 'a'", "maxLength applies only to string, text, open-choice, integer and decimal items"});
}

TEST_CASE("maxLength on integer and decimal items loads, as R4 allows, and limits the digits of an answer",
          "[questionnaire]") {
    json n = item("n", "integer", "How many?");
    n["maxLength"] = 3;
    json w = item("w", "decimal", "Weight");
    w["maxLength"] = 5;
    const auto q = formFromJson(formWith(json::array({n, w})));
    CHECK(q.find("n")->maxLength == 3);
    CHECK(q.find("w")->maxLength == 5);
    const auto errorsFor = [&](json answers) {
        json r = {{"resourceType", "QuestionnaireResponse"}, {"status", "completed"}, {"item", std::move(answers)}};
        const auto response = mrscreen::test::responseFromJson(r);
        std::vector<std::string> codes;
        for (const auto& e : validate(ScreeningAnswers(q, response), "en", "2026-05-01"))
            codes.push_back(e.linkId + ":" + e.code);
        return codes;
    };
    CHECK(errorsFor(json::array({{{"linkId", "n"}, {"answer", json::array({{{"valueInteger", 999}}})}},
                                 {{"linkId", "w"}, {"answer", json::array({{{"valueDecimal", 72.25}}})}}}))
              .empty());
    CHECK(errorsFor(json::array({{{"linkId", "n"}, {"answer", json::array({{{"valueInteger", 1000}}})}},
                                 {{"linkId", "w"}, {"answer", json::array({{{"valueDecimal", 72.125}}})}}})) ==
          std::vector<std::string>{"n:too-long", "w:too-long"});
}

TEST_CASE("a maxLength that is not a positive integer is refused", "[questionnaire][errors]") {
    json s = item("s", "string");
    s["maxLength"] = 0;
    checkMessage(loadError(formWith(json::array({s}))), {"item 's'", "maxLength must be a positive integer"});
}

TEST_CASE("answerOption on a boolean item is refused", "[questionnaire][errors]") {
    json a = item("a", "boolean");
    a["answerOption"] = json::array({{{"valueBoolean", true}}});
    checkMessage(loadError(formWith(json::array({a}))), {"item 'a'", "answerOption is not allowed on a boolean item"});
}

TEST_CASE("a choice item without answer options is refused", "[questionnaire][errors]") {
    checkMessage(loadError(formWith(json::array({item("c", "choice", "Pick")}))),
                 {"item 'c'", "a choice item needs answerOption"});
}

TEST_CASE("an answer option whose value type does not fit an integer item is refused", "[questionnaire][errors]") {
    json n = item("n", "integer");
    n["answerOption"] = json::array({{{"valueInteger", 1}}, {{"valueString", "two"}}});
    checkMessage(loadError(formWith(json::array({n}))), {"item 'n'", "answerOption valueString does not fit", "of type integer"});
}

TEST_CASE("an answer option listed twice is refused, naming the option", "[questionnaire][errors]") {
    json c = yesNo("c");
    c["answerOption"].push_back(codingOption("yes", "Yes again"));
    checkMessage(loadError(formWith(json::array({c}))), {"item 'c'", "answerOption 'yes' is listed twice"});
}

TEST_CASE("an answer option without a value is refused", "[questionnaire][errors]") {
    json c = yesNo("c");
    c["answerOption"].push_back(json{{"extension", json::array()}});
    checkMessage(loadError(formWith(json::array({c}))), {"item 'c'", "an answerOption has no value[x]"});
}

TEST_CASE("minValue greater than maxValue is refused", "[questionnaire][errors]") {
    json n = item("n", "integer");
    n["extension"] = json::array(
        {extension(kHl7 + "minValue", "valueInteger", 10), extension(kHl7 + "maxValue", "valueInteger", 5)});
    checkMessage(loadError(formWith(json::array({n}))), {"item 'n'", "minValue is greater than maxValue"});
    // Listed in either order.
    json m = item("m", "date");
    m["extension"] = json::array({extension(kHl7 + "maxValue", "valueDate", "2020-01-01"),
                                  extension(kHl7 + "minValue", "valueDate", "2021-01-01")});
    checkMessage(loadError(formWith(json::array({m}))), {"item 'm'", "minValue is greater than maxValue"});
}

TEST_CASE("a minValue of the wrong type for the item is refused, naming both types", "[questionnaire][errors]") {
    json n = item("n", "integer");
    n["extension"] = json::array({extension(kHl7 + "minValue", "valueDecimal", 0.5)});
    checkMessage(loadError(formWith(json::array({n}))), {"item 'n'", "minValue is valueDecimal but the item is integer"});
    json d = item("d", "date");
    d["extension"] = json::array({extension(kHl7 + "minValue", "valueString", "yesterday")});
    checkMessage(loadError(formWith(json::array({d}))), {"item 'd'", "minValue is valueString but the item is date"});
}

TEST_CASE("an integer minValue on a decimal item is accepted", "[questionnaire]") {
    json w = item("w", "decimal");
    w["extension"] = json::array({extension(kHl7 + "minValue", "valueInteger", 1)});
    const auto q = formFromJson(formWith(json::array({w})));
    REQUIRE(q.find("w")->minValue);
    CHECK(q.find("w")->minValue->number() == Approx(1.0));
}

TEST_CASE("a minValue on a boolean or string item is refused", "[questionnaire][errors]") {
    json a = item("a", "boolean");
    a["extension"] = json::array({extension(kHl7 + "minValue", "valueBoolean", false)});
    checkMessage(loadError(formWith(json::array({a}))), {"item 'a'", "minValue does not apply to a boolean item"});
    json s = item("s", "string");
    s["extension"] = json::array({extension(kHl7 + "maxValue", "valueString", "zzz")});
    checkMessage(loadError(formWith(json::array({s}))), {"item 's'", "maxValue does not apply to a string item"});
}

TEST_CASE("a unit on a string item is refused", "[questionnaire][errors]") {
    json s = item("s", "string");
    s["extension"] = json::array({extension(kHl7 + "questionnaire-unit", "valueCoding", {{"code", "kg"}})});
    checkMessage(loadError(formWith(json::array({s}))),
                 {"item 's'", "questionnaire-unit applies only to decimal and integer items"});
}

// [SECTION] extensions

TEST_CASE("a calculatedExpression extension is refused because mrscreen does not evaluate FHIRPath", "[questionnaire][errors][extension]") {
    json w = item("w", "decimal");
    const std::string url = "http://hl7.org/fhir/uv/sdc/StructureDefinition/sdc-questionnaire-calculatedExpression";
    w["extension"] = json::array({extension(url, "valueExpression", {{"language", "text/fhirpath"}, {"expression", "1 + 1"}})});
    checkMessage(loadError(formWith(json::array({w}))), {"item 'w'", "extension " + url + " is not supported", "FHIRPath"});
}

TEST_CASE("an unknown extension on an item is refused as possibly changing meaning", "[questionnaire][errors][extension]") {
    json w = item("w", "decimal");
    w["extension"] = json::array({extension("http://example.org/scoring", "valueInteger", 3)});
    checkMessage(loadError(formWith(json::array({w}))),
                 {"item 'w'", "http://example.org/scoring", "could change what answers mean"});
}

TEST_CASE("an unknown extension at the top of the form is refused", "[questionnaire][errors][extension]") {
    json form = formWith(json::array({item("a", "boolean")}));
    form["extension"] = json::array({extension("http://hl7.org/fhir/uv/sdc/StructureDefinition/sdc-questionnaire-variable",
                                               "valueExpression", {{"name", "x"}})});
    checkMessage(loadError(form), {"sdc-questionnaire-variable is not supported", "FHIRPath variables"});
}

TEST_CASE("an unknown modifierExtension on an item is refused", "[questionnaire][errors][extension]") {
    json a = item("a", "boolean");
    a["modifierExtension"] = json::array({{{"url", "http://example.org/invert"}, {"valueBoolean", true}}});
    checkMessage(loadError(formWith(json::array({a}))),
                 {"item 'a'", "unknown modifierExtension http://example.org/invert",
                  "FHIR requires a reader to refuse a resource it cannot understand"});
}

TEST_CASE("an unknown modifierExtension at the top of the form is refused", "[questionnaire][errors][extension]") {
    json form = formWith(json::array({item("a", "boolean")}));
    form["modifierExtension"] = json::array({{{"url", "http://example.org/trial-only"}, {"valueBoolean", true}}});
    const auto msg = loadError(form);
    checkMessage(msg, {"unknown modifierExtension http://example.org/trial-only"});
    CHECK(msg.find("item '") == std::string::npos);
}

TEST_CASE("implicitRules is refused", "[questionnaire][errors]") {
    json form = formWith(json::array({item("a", "boolean")}));
    form["implicitRules"] = "http://example.org/rules";
    checkMessage(loadError(form), {"'implicitRules' changes how the form must be read"});
}

TEST_CASE("a contained resource other than a ValueSet is refused, naming its type and id", "[questionnaire][errors]") {
    json form = formWith(json::array({item("a", "boolean")}));
    form["contained"] = json::array({{{"resourceType", "Library"}, {"id", "logic"}}});
    checkMessage(loadError(form), {"contained Library 'logic' is not supported",
                                   "only contained ValueSets that list their codes"});
}

TEST_CASE("metadata-only extensions load with a warning, on the form and on an item", "[questionnaire][extension]") {
    const std::string sdc = "http://hl7.org/fhir/uv/sdc/StructureDefinition/";
    json g = group("g", json::array({item("a", "boolean", "Plain")}));
    g["extension"] = json::array({extension(sdc + "sdc-questionnaire-itemExtractionContext", "valueCode", "Patient")});
    json form = formWith(json::array({g}));
    form["extension"] = json::array(
        {extension(kHl7 + "structuredefinition-standards-status", "valueCode", "trial-use"),
         extension(kHl7 + "structuredefinition-fmm", "valueInteger", 2),
         extension(kHl7 + "artifact-versionAlgorithm", "valueCoding", {{"code", "semver"}}),
         extension(sdc + "sdc-questionnaire-performerType", "valueCode", "Patient")});
    const auto q = formFromJson(form, "meta.json");
    REQUIRE(q.warnings.size() == 5);
    CHECK(q.warnings[0] == "meta.json: skipped metadata-only extension " + kHl7 + "structuredefinition-standards-status");
    CHECK(q.warnings[3] == "meta.json: skipped metadata-only extension " + sdc + "sdc-questionnaire-performerType");
    CHECK(q.warnings[4] == "meta.json: item 'g': skipped metadata-only extension " + sdc +
                               "sdc-questionnaire-itemExtractionContext");
}

TEST_CASE("FHIRPath extensions stay refused, each with its precise reason", "[questionnaire][errors][extension]") {
    const std::string sdc = "http://hl7.org/fhir/uv/sdc/StructureDefinition/";
    json a = item("a", "integer", "Total");
    a["extension"] = json::array({extension(sdc + "sdc-questionnaire-calculatedExpression", "valueExpression",
                                            {{"language", "text/fhirpath"}, {"expression", "1 + 1"}})});
    json b = item("b", "string", "Why?");
    b["extension"] = json::array({extension(sdc + "sdc-questionnaire-enableWhenExpression", "valueExpression",
                                            {{"language", "text/fhirpath"}, {"expression", "true"}}),
                                  extension(kHl7 + "targetConstraint", "extension", json::array())});
    json form = formWith(json::array({a, b}));
    form["extension"] = json::array({extension(kHl7 + "variable", "valueExpression",
                                               {{"name", "x"}, {"language", "text/fhirpath"}, {"expression", "1"}})});
    const auto problems = problemsOf(form);
    REQUIRE(problems.size() == 4);
    CHECK(problems[0] == "extension " + kHl7 + "variable is not supported: defines FHIRPath variables, which "
                                               "mrscreen does not evaluate");
    CHECK(problems[1].find("item 'a': extension " + sdc + "sdc-questionnaire-calculatedExpression is not "
                           "supported: computes answers with FHIRPath") == 0);
    CHECK(problems[2].find("decides visibility with FHIRPath, which mrscreen does not evaluate; use enableWhen") !=
          std::string::npos);
    CHECK(problems[3].find("checks answers with a FHIRPath constraint") != std::string::npos);
}

TEST_CASE("an item of an unsupported type is refused for its type alone, with no follow-on messages as if it "
          "were a display item", "[questionnaire][errors]") {
    json quantity = item("q", "quantity", "Age at onset");
    quantity["required"] = true;
    quantity["maxLength"] = 3;
    quantity["extension"] = json::array({extension(kHl7 + "minValue", "valueInteger", 0)});
    quantity["item"] = json::array({item("q-note", "string", "Note")});
    json later = item("later", "string", "Then?");
    later["enableWhen"] = json::array({enableWhen("q", "exists", "answerBoolean", true)});
    const auto problems = problemsOf(formWith(json::array({quantity, later})));
    INFO(Catch::Detail::stringify(problems));
    REQUIRE(problems.size() == 1);
    CHECK(problems[0].find("item 'q': type 'quantity' is outside mrscreen's supported subset") == 0);
}

TEST_CASE("identical problems are listed once with how many more there were", "[questionnaire][errors]") {
    json a = item("a", "string", "Upload");
    for (int i = 0; i < 8; ++i) a["extension"].push_back(extension(kHl7 + "mimeType", "valueCode", "image/png"));
    const auto problems = problemsOf(formWith(json::array({a, item("b", "boolean")})));
    REQUIRE(problems.size() == 1);
    CHECK(problems[0] == "item 'a': extension " + kHl7 + "mimeType is not supported: could change what answers "
                                                        "mean, so it cannot be skipped (and 7 more like it)");
}

TEST_CASE("presentation-only extensions load with a warning naming the item and the extension", "[questionnaire][extension]") {
    json a = item("a", "boolean", "Plain");
    a["_text"] = json{{"extension", json::array({extension(kHl7 + "rendering-xhtml", "valueString", "<b>Plain</b>")})}};
    json d = item("d", "display", "Help");
    d["extension"] = json::array({extension(kHl7 + "questionnaire-displayCategory", "valueCodeableConcept",
                                            {{"coding", json::array({{{"code", "instructions"}}})}})});
    const auto q = formFromJson(formWith(json::array({a, d})), "pretty.json");
    REQUIRE(q.warnings.size() == 2);
    const auto has = [&](const std::string& part) {
        for (const auto& w : q.warnings)
            if (w.find(part) != std::string::npos) return true;
        return false;
    };
    CHECK(has("pretty.json: item 'a': skipped presentation-only extension " + kHl7 + "rendering-xhtml on _text"));
    CHECK(has("pretty.json: item 'd': skipped presentation-only extension " + kHl7 + "questionnaire-displayCategory"));
    CHECK(q.find("a")->text.base == "Plain");
}

TEST_CASE("an unknown itemControl code is a warning, not an error, and the default control is used", "[questionnaire][extension]") {
    json c = yesNo("c");
    c["extension"] = json::array(
        {extension(kHl7 + "questionnaire-itemControl", "valueCodeableConcept",
                   {{"coding", json::array({{{"system", "http://hl7.org/fhir/questionnaire-item-control"},
                                             {"code", "wheel-of-fortune"}}})}})});
    json r = yesNo("r");
    r["extension"] = json::array(
        {extension(kHl7 + "questionnaire-itemControl", "valueCodeableConcept",
                   {{"coding", json::array({{{"system", "http://hl7.org/fhir/questionnaire-item-control"},
                                             {"code", "radio-button"}}})}})});
    const auto q = formFromJson(formWith(json::array({c, r})), "controls.json");
    REQUIRE(q.warnings.size() == 1);
    CHECK(q.warnings[0].find("controls.json: item 'c': unknown itemControl") != std::string::npos);
    CHECK(q.find("c")->itemControl.empty());
    CHECK(q.find("r")->itemControl == "radio-button");
}

// [SECTION] translations

namespace {

json spanishForm() {
    json a = item("a", "boolean", "First?");
    a["_text"] = translations("¿Primero?");
    json c = yesNo("c");
    c["_text"] = translations("¿Pregunta c?");
    c["answerOption"] = json::array({codingOption("yes", "Yes", "Sí"), codingOption("no", "No", "No")});
    return formWith(json::array({a, c}));
}

} // namespace

TEST_CASE("a form in Spanish elsewhere is refused when an item text has no Spanish translation", "[questionnaire][errors][translation]") {
    json form = spanishForm();
    CHECK_NOTHROW(formFromJson(form));
    form["item"][0].erase("_text");
    checkMessage(loadError(form), {"item 'a'", "text has no 'es' translation", "the form is offered in 'es'"});
}

TEST_CASE("a form in Spanish elsewhere is refused when an option display has no Spanish translation", "[questionnaire][errors][translation]") {
    json form = spanishForm();
    form["item"][1]["answerOption"][1]["valueCoding"].erase("_display");
    checkMessage(loadError(form), {"item 'c'", "answer option 'no' has no 'es' translation"});
}

TEST_CASE("a form in Spanish elsewhere is refused when its title has no Spanish translation", "[questionnaire][errors][translation]") {
    json form = spanishForm();
    form["title"] = "Untranslated title";
    checkMessage(loadError(form), {"the title has no 'es' translation"});
}

TEST_CASE("a translation without both lang and content is refused", "[questionnaire][errors][translation]") {
    json form = spanishForm();
    form["item"][0]["_text"]["extension"][0]["extension"] = json::array({{{"url", "lang"}, {"valueCode", "es"}}});
    checkMessage(loadError(form), {"item 'a'", "a translation of 'text' needs both 'lang' and 'content'"});
}

// [SECTION] several problems

TEST_CASE("a form with several problems is refused with every problem listed", "[questionnaire][errors]") {
    json a = item("a", "boolean");
    a["colour"] = "red";
    json d = item("d", "display", "Note");
    d["required"] = true;
    json c = item("c", "choice");
    json form = formWith(json::array({a, d, c, item("a", "string")}));
    form.erase("status");
    const auto problems = problemsOf(form);
    CHECK(problems.size() == 5);
    const auto msg = loadError(form);
    checkMessage(msg, {"5 problems:", "'status' is required", "item 'a': unknown element 'colour'",
                       "item 'd': a display item cannot be required", "item 'c': a choice item needs answerOption",
                       "item 'a': linkId is used by more than one item"});
    // One problem per line.
    CHECK(msg.find("\n  - ") != std::string::npos);
}

TEST_CASE("a malformed field value is refused as an InputError naming the item", "[questionnaire][errors]") {
    // Guards a fixed defect. It was: readItem() reads flags with json::value("required", false), which throws
    // nlohmann::json::type_error (not InputError) when the JSON value is not a boolean.
    json a = item("a", "boolean");
    a["required"] = "yes";
    const auto form = formWith(json::array({a}));
    CHECK_THROWS_AS(formFromJson(form), InputError);
    checkMessage(inputErrorOf([&] {
                     try {
                         formFromJson(form, kFile);
                     } catch (const json::exception&) {
                     }
                 }),
                 {"item 'a'", "required"});
}
