// answerValueSet pointing at a ValueSet the form contains: its codes become the question's answer
// options when it lists them (compose.include[].concept or expansion.contains); a ValueSet only a
// terminology server could expand is refused, saying what it would need.
#include "test_support.h"

#include <catch2/catch.hpp>

#include <string>
#include <vector>

using namespace mrscreen::screening;
using mrscreen::test::formFromJson;
using nlohmann::json;

namespace {

const std::string kSystem = "http://example.org/CodeSystem/colour";

json listed(const std::string& code, const std::string& display, const std::string& es = "") {
    json c = {{"code", code}, {"display", display}};
    if (!es.empty()) c["designation"] = json::array({{{"language", "es"}, {"value", es}}});
    return c;
}

json listedValueSet(const std::string& id, json concepts) {
    return {{"resourceType", "ValueSet"},
            {"id", id},
            {"status", "active"},
            {"compose", {{"include", json::array({{{"system", kSystem}, {"concept", std::move(concepts)}}})}}}};
}

json choice(const std::string& linkId, const std::string& valueSet, const std::string& type = "choice") {
    return {{"linkId", linkId}, {"type", type}, {"text", "Question " + linkId}, {"answerValueSet", valueSet}};
}

json formWith(json items, json contained) {
    return {{"resourceType", "Questionnaire"},
            {"status", "active"},
            {"contained", std::move(contained)},
            {"item", std::move(items)}};
}

std::vector<std::string> problemsOf(const json& form) {
    return mrscreen::test::problemsOf([&] { formFromJson(form, "vs-form.json"); });
}

std::vector<std::string> codesOf(const Item& item) {
    std::vector<std::string> out;
    for (const auto& o : item.options) out.push_back(o.value.coding.system + "|" + o.value.coding.code);
    return out;
}

} // namespace

TEST_CASE("a choice whose answerValueSet names a contained ValueSet listing its codes offers exactly those codes, "
          "with their displays and translations") {
    json colours = listedValueSet("colours", json::array({listed("red", "Red", "Rojo"), listed("blue", "Blue", "Azul")}));
    json item = choice("c", "#colours");
    item["_text"] = {{"extension", json::array({{{"url", "http://hl7.org/fhir/StructureDefinition/translation"},
                                                  {"extension", json::array({{{"url", "lang"}, {"valueCode", "es"}},
                                                                             {{"url", "content"},
                                                                              {"valueString", "Pregunta c"}}})}}})}};
    const auto q = formFromJson(formWith(json::array({item}), json::array({colours})));
    const Item& c = *q.find("c");
    CHECK(codesOf(c) == std::vector<std::string>{kSystem + "|red", kSystem + "|blue"});
    CHECK(c.options[0].display.base == "Red");
    CHECK(c.options[1].display.in("es") == "Azul");
    CHECK(q.supportsLanguage("es"));
    CHECK(q.warnings.empty());
}

TEST_CASE("a contained ValueSet's expansion gives the options, nested entries included and abstract ones left "
          "out") {
    json vs = {{"resourceType", "ValueSet"},
               {"id", "sizes"},
               {"status", "active"},
               {"expansion",
                {{"timestamp", "2026-01-01T00:00:00Z"},
                 {"contains", json::array({{{"system", kSystem}, {"code", "small"}, {"display", "Small"}},
                                           {{"abstract", true},
                                            {"display", "Larger"},
                                            {"contains", json::array({{{"system", kSystem}, {"code", "large"}}})}}})}}}};
    const auto q = formFromJson(formWith(json::array({choice("s", "#sizes", "open-choice")}), json::array({vs})));
    const Item& s = *q.find("s");
    CHECK(codesOf(s) == std::vector<std::string>{kSystem + "|small", kSystem + "|large"});
    CHECK(s.options[1].display.base == "large"); // no display: the code stands in
}

TEST_CASE("a response answered with a contained ValueSet's code validates, and a code outside it is not an "
          "option") {
    const auto q = formFromJson(formWith(json::array({choice("c", "#colours")}),
                                         json::array({listedValueSet("colours", json::array({listed("red", "Red")}))})));
    const auto errorsFor = [&](const std::string& code) {
        json r = {{"resourceType", "QuestionnaireResponse"},
                  {"status", "completed"},
                  {"item", json::array({{{"linkId", "c"},
                                         {"answer", json::array({{{"valueCoding", {{"system", kSystem}, {"code", code}}}}})}}})}};
        const auto response = mrscreen::test::responseFromJson(r);
        std::vector<std::string> codes;
        for (const auto& e : validate(ScreeningAnswers(q, response), "en", "2026-05-01")) codes.push_back(e.code);
        return codes;
    };
    CHECK(errorsFor("red").empty());
    CHECK(errorsFor("green") == std::vector<std::string>{"not-an-option"});
}

TEST_CASE("a contained ValueSet that only a terminology server could expand is refused once, saying what it "
          "would need, and the questions using it add nothing") {
    json whole = {{"resourceType", "ValueSet"},
                  {"id", "whole"},
                  {"compose", {{"include", json::array({{{"system", kSystem}}})}}}};
    json imported = {{"resourceType", "ValueSet"},
                     {"id", "imported"},
                     {"compose", {{"include", json::array({{{"valueSet", {"http://example.org/ValueSet/x"}}}})}}}};
    json filtered = {{"resourceType", "ValueSet"},
                     {"id", "filtered"},
                     {"compose",
                      {{"include", json::array({{{"system", kSystem},
                                                 {"filter", json::array({{{"property", "concept"},
                                                                          {"op", "is-a"},
                                                                          {"value", "red"}}})}}})}}}};
    const auto problems = problemsOf(formWith(
        json::array({choice("a", "#whole"), choice("b", "#whole"), choice("c", "#imported"), choice("d", "#filtered")}),
        json::array({whole, imported, filtered})));
    INFO(Catch::Detail::stringify(problems));
    REQUIRE(problems.size() == 3);
    CHECK(problems[0] == "contained ValueSet 'whole': includes all of code system " + kSystem +
                             " without listing its codes, which needs a terminology server; list them with concept");
    CHECK(problems[1] == "contained ValueSet 'imported': includes ValueSet [\"http://example.org/ValueSet/x\"], which "
                         "needs a terminology server; list the codes with concept");
    CHECK(problems[2] == "contained ValueSet 'filtered': filters code system " + kSystem +
                             ", which needs a terminology server; list the codes with concept");
}

TEST_CASE("an external answerValueSet stays refused as needing a terminology server, and '#id' that names no "
          "contained ValueSet is refused") {
    const auto problems = problemsOf(formWith(
        json::array({choice("a", "http://example.org/ValueSet/yes-no"), choice("b", "#missing")}),
        json::array({listedValueSet("colours", json::array({listed("red", "Red")}))})));
    REQUIRE(problems.size() == 2);
    CHECK(problems[0] == "item 'a': answerValueSet needs a terminology server to expand "
                         "'http://example.org/ValueSet/yes-no', which a kiosk does not have; list the answers with "
                         "answerOption or in a contained ValueSet");
    CHECK(problems[1] == "item 'b': answerValueSet '#missing' names no contained ValueSet");
}

TEST_CASE("answerValueSet on a question that is not a choice, or beside answerOption, is refused") {
    json both = choice("b", "#colours");
    both["answerOption"] = json::array({{{"valueCoding", {{"system", kSystem}, {"code", "red"}}}}});
    const auto problems = problemsOf(
        formWith(json::array({choice("s", "#colours", "string"), both}),
                 json::array({listedValueSet("colours", json::array({listed("red", "Red")}))})));
    REQUIRE(problems.size() == 2);
    CHECK(problems[0] == "item 's': answerValueSet is allowed only on choice and open-choice items, not on a string item");
    CHECK(problems[1] == "item 'b': has both answerOption and answerValueSet; FHIR allows one or the other");
}

TEST_CASE("a contained ValueSet's concept with a score, a repeated code or no codes at all is refused, naming "
          "the ValueSet") {
    json scored = listed("red", "Red");
    scored["extension"] = json::array({{{"url", "http://hl7.org/fhir/StructureDefinition/ordinalValue"}, {"valueDecimal", 1}}});
    const auto problems = problemsOf(formWith(
        json::array({choice("a", "#scored"), choice("b", "#twice"), choice("c", "#empty")}),
        json::array({listedValueSet("scored", json::array({scored})),
                     listedValueSet("twice", json::array({listed("red", "Red"), listed("red", "Rot")})),
                     listedValueSet("empty", json::array())})));
    REQUIRE(problems.size() == 3);
    CHECK(problems[0] == "contained ValueSet 'scored': code 'red': extension "
                         "http://hl7.org/fhir/StructureDefinition/ordinalValue is not supported: gives answers scores "
                         "for calculations, which mrscreen does not perform");
    CHECK(problems[1] == "contained ValueSet 'twice': code 'red' is listed twice");
    CHECK(problems[2] == "contained ValueSet 'empty': lists no codes");
}
