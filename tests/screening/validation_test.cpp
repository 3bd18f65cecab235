// What a patient can get wrong on the form, and the message they see in their language.
#include "test_support.h"

#include <catch2/catch.hpp>

using namespace mrscreen;
using namespace mrscreen::screening;
using nlohmann::json;

namespace {

json translated(const std::string& es) {
    return {{"extension",
             {{{"url", "http://hl7.org/fhir/StructureDefinition/translation"},
               {"extension", {{{"url", "lang"}, {"valueCode", "es"}}, {{"url", "content"}, {"valueString", es}}}}}}}};
}

json item(const std::string& linkId, const std::string& type, json extra = json::object()) {
    json i = {{"linkId", linkId}, {"type", type}, {"text", linkId}, {"_text", translated(linkId + " (es)")}};
    i.update(extra);
    return i;
}

json limit(const std::string& which, const std::string& key, json value) {
    return {{"url", "http://hl7.org/fhir/StructureDefinition/" + which}, {key, value}};
}

json form() {
    json color = item("color", "choice",
                      {{"answerOption",
                        {{{"valueCoding", {{"code", "red"}, {"display", "Red"}, {"_display", translated("Rojo")}}}},
                         {{"valueCoding", {{"code", "blue"}, {"display", "Blue"}, {"_display", translated("Azul")}}}}}}});
    return {{"resourceType", "Questionnaire"},
            {"status", "active"},
            {"language", "en"},
            {"item",
             {item("name", "string", {{"required", true}, {"maxLength", 10}}),
              item("birth-date", "date",
                   {{"code", {{{"system", "http://loinc.org"}, {"code", "21112-8"}}}}, {"required", true}}),
              item("weight", "decimal",
                   {{"extension", {limit("minValue", "valueDecimal", 1), limit("maxValue", "valueDecimal", 400)}}}),
              item("doses", "integer", {{"extension", {limit("minValue", "valueInteger", 0)}}}),
              item("surgery", "date", {{"extension", {limit("maxValue", "valueDate", "2026-12-31")}}}),
              item("agree", "boolean", {{"required", true}}),
              color,
              item("about", "group", {{"required", true}, {"item", {item("hobby", "string"), item("pet", "string")}}}),
              item("note", "display")}}};
}

json answer(const std::string& linkId, const std::string& key, json value) {
    return {{"linkId", linkId}, {"answer", {{{key, value}}}}};
}

// A valid baseline; each test changes one thing.
json validItems() {
    return {answer("name", "valueString", "Ana"), answer("birth-date", "valueDate", "1980-04-23"),
            answer("agree", "valueBoolean", true),
            {{"linkId", "about"}, {"item", {answer("hobby", "valueString", "chess")}}}};
}

std::vector<ValidationError> check(const json& items, const std::string& lang = "en") {
    static const Questionnaire q = test::formFromJson(form());
    const Response r = test::responseFromJson(
        {{"resourceType", "QuestionnaireResponse"}, {"status", "completed"}, {"item", items}});
    const ScreeningAnswers a(q, r);
    return validate(a, lang, "2026-11-25");
}

json with(json items, const json& extra) {
    items.push_back(extra);
    return items;
}

json without(json items, const std::string& linkId) {
    json out = json::array();
    for (const auto& i : items)
        if (i["linkId"] != linkId) out.push_back(i);
    return out;
}

} // namespace

TEST_CASE("a complete response has no validation errors") { CHECK(check(validItems()).empty()); }

TEST_CASE("a missing required answer is reported on its linkId, in English and in Spanish") {
    auto en = check(without(validItems(), "name"));
    REQUIRE(en.size() == 1);
    CHECK(en[0].linkId == "name");
    CHECK(en[0].code == "required");
    CHECK(en[0].message == "This question needs an answer.");
    auto es = check(without(validItems(), "name"), "es");
    REQUIRE(es.size() == 1);
    CHECK(es[0].message == "Esta pregunta necesita una respuesta.");
}

TEST_CASE("a required section with no answers in it is reported once for the section") {
    auto errors = check(without(validItems(), "about"));
    REQUIRE(errors.size() == 1);
    CHECK(errors[0].linkId == "about");
    CHECK(errors[0].code == "required-group");
}

TEST_CASE("an answer of the wrong type names what was expected") {
    auto errors = check(with(validItems(), answer("weight", "valueString", "heavy")));
    REQUIRE(errors.size() == 1);
    CHECK(errors[0].linkId == "weight");
    CHECK(errors[0].code == "wrong-type");
    CHECK(errors[0].message == "This answer must be a number.");
    CHECK(check(with(validItems(), answer("weight", "valueString", "heavy")), "es")[0].message ==
          "Esta respuesta debe ser un número.");
}

TEST_CASE("numbers below minValue or above maxValue are refused with the limit") {
    auto low = check(with(validItems(), answer("weight", "valueDecimal", 0.5)));
    REQUIRE(low.size() == 1);
    CHECK(low[0].code == "too-low");
    CHECK(low[0].message == "The value must be at least 1.");
    auto high = check(with(validItems(), answer("weight", "valueDecimal", 401)));
    REQUIRE(high.size() == 1);
    CHECK(high[0].code == "too-high");
    CHECK(high[0].message == "The value must be at most 400.");
    CHECK(check(with(validItems(), answer("weight", "valueDecimal", 400))).empty());
    CHECK(check(with(validItems(), answer("doses", "valueInteger", -1)))[0].code == "too-low");
    CHECK(check(with(validItems(), answer("surgery", "valueDate", "2027-01-01")))[0].code == "too-high");
}

TEST_CASE("a decimal answer to an integer question is the wrong type") {
    auto errors = check(with(validItems(), answer("doses", "valueDecimal", 2.5)));
    REQUIRE(errors.size() == 1);
    CHECK(errors[0].code == "wrong-type");
}

TEST_CASE("text longer than maxLength is refused, counting characters rather than bytes") {
    auto errors = check(with(without(validItems(), "name"), answer("name", "valueString", "Bartholomew")));
    REQUIRE(errors.size() == 1);
    CHECK(errors[0].code == "too-long");
    CHECK(errors[0].message == "Please use at most 10 characters.");
    // Ten accented letters are twenty bytes but ten characters.
    CHECK(check(with(without(validItems(), "name"), answer("name", "valueString", "ÁéíóúÁéíóú"))).empty());
}

TEST_CASE("a date that does not exist is refused and the message shows what was typed") {
    auto errors = check(with(without(validItems(), "birth-date"), answer("birth-date", "valueDate", "1980-02-30")));
    REQUIRE(errors.size() == 1);
    CHECK(errors[0].linkId == "birth-date");
    CHECK(errors[0].code == "invalid-date");
    CHECK(errors[0].message == "1980-02-30 is not a real date. Use year-month-day, for example 1980-04-23.");
}

TEST_CASE("a birth date after the screening date is refused") {
    auto errors = check(with(without(validItems(), "birth-date"), answer("birth-date", "valueDate", "2026-11-26")));
    REQUIRE(errors.size() == 1);
    CHECK(errors[0].code == "birth-date-in-future");
    CHECK(check(with(without(validItems(), "birth-date"), answer("birth-date", "valueDate", "2026-11-25"))).empty());
}

TEST_CASE("a birth date with only a year is incomplete") {
    auto errors = check(with(without(validItems(), "birth-date"), answer("birth-date", "valueDate", "1980")));
    REQUIRE(errors.size() == 1);
    CHECK(errors[0].code == "birth-date-incomplete");
}

TEST_CASE("a coded answer that is not one of the options is refused") {
    auto errors = check(with(validItems(), answer("color", "valueCoding", {{"code", "green"}})));
    REQUIRE(errors.size() == 1);
    CHECK(errors[0].code == "not-an-option");
    CHECK(errors[0].message == "Choose one of the answers listed.");
    CHECK(check(with(validItems(), answer("color", "valueCoding", {{"code", "red"}}))).empty());
}

TEST_CASE("two answers to a question that does not repeat are refused") {
    json two = {{"linkId", "color"},
                {"answer", {{{"valueCoding", {{"code", "red"}}}}, {{"valueCoding", {{"code", "blue"}}}}}}};
    auto errors = check(with(validItems(), two));
    REQUIRE(errors.size() == 1);
    CHECK(errors[0].code == "too-many-answers");
}

TEST_CASE("an answer for a question the form does not have is reported, not dropped silently") {
    auto errors = check(with(validItems(), answer("shoe-size", "valueInteger", 42)));
    REQUIRE(errors.size() == 1);
    CHECK(errors[0].linkId == "shoe-size");
    CHECK(errors[0].code == "unknown-item");
}

TEST_CASE("an answer on a display item is refused") {
    auto errors = check(with(validItems(), answer("note", "valueString", "hello")));
    REQUIRE(errors.size() == 1);
    CHECK(errors[0].code == "answer-on-display");
}

TEST_CASE("an answer that cannot be read keeps the rest of the response intact") {
    const Questionnaire q = test::formFromJson(form());
    json items = with(validItems(), answer("weight", "valueDecimal", "seventy"));
    const Response r = test::responseFromJson(
        {{"resourceType", "QuestionnaireResponse"}, {"status", "completed"}, {"item", items}});
    const ScreeningAnswers a(q, r);
    auto errors = validate(a, "en", "2026-11-25");
    REQUIRE(errors.size() == 1);
    CHECK(errors[0].code == "invalid-value");
    // The patient gets a plain request; staff get the technical reason.
    CHECK(errors[0].message == "This answer could not be read. Please answer it again.");
    CHECK(errors[0].detail.find("valueDecimal must be a number") != std::string::npos);
    // Everything else the patient entered is still there.
    REQUIRE(a.answersOf("name").size() == 1);
    CHECK(a.answersOf("name")[0]->text == "Ana");
    CHECK(a.answersOf("weight").empty());
}

TEST_CASE("a document that is not a QuestionnaireResponse is refused as a whole, with the reason") {
    CHECK_THAT(test::inputErrorOf([] { readResponse("{not json", "r.json"); }),
               Catch::Contains("r.json: is not valid JSON"));
    CHECK_THAT(test::inputErrorOf([] { readResponse(R"({"resourceType":"Patient"})", "r.json"); }),
               Catch::Contains("is not a FHIR QuestionnaireResponse"));
    CHECK_THAT(test::inputErrorOf([] {
                   readResponse(R"({"resourceType":"QuestionnaireResponse","status":"done"})", "r.json");
               }),
               Catch::Contains("'status' must be one of"));
    CHECK_THAT(test::inputErrorOf([] {
                   readResponse(R"({"resourceType":"QuestionnaireResponse","status":"completed","authored":"yesterday"})",
                                "r.json");
               }),
               Catch::Contains("'authored' is not a FHIR dateTime"));
}
