// Reading input documents: nesting is refused while the text is parsed, before any code walks it,
// and the loaders' own recursion (items, rule conditions) is bounded; a file with thousands of
// problems gives a message of readable size.
#include "test_support.h"

#include "screening/fhir_json.h"
#include "screening/questionnaire.h"
#include "screening/response.h"
#include "screening/rules.h"

#include <catch2/catch.hpp>

using namespace mrscreen;
using namespace mrscreen::screening;
using Catch::Matchers::Contains;

namespace {

// `depth` arrays inside one another around `inner`.
std::string nested(int depth, const std::string& inner = "") {
    return std::string(std::size_t(depth), '[') + inner + std::string(std::size_t(depth), ']');
}

const int kDeep = 100000;

} // namespace

TEST_CASE("a document nested 100,000 levels deep is refused while it is parsed, naming the file") {
    const std::string message = test::inputErrorOf([] { fhirjson::parseDocument(nested(kDeep), "deep.json"); });
    CHECK_THAT(message, Contains("deep.json") && Contains("nested more than 64 levels deep"));
}

TEST_CASE("a document nested 64 levels deep is read, and one level more is refused") {
    CHECK(fhirjson::parseDocument(nested(64, "1"), "ok.json").is_array());
    CHECK_THAT(test::inputErrorOf([] { fhirjson::parseDocument(nested(65, "1"), "deep.json"); }),
               Contains("nested more than 64"));
    CHECK_THAT(test::inputErrorOf([] {
                   std::string objects;
                   for (int i = 0; i < 65; ++i) objects += "{\"a\":";
                   objects.append("1").append(65, '}');
                   fhirjson::parseDocument(objects, "objects.json");
               }),
               Contains("nested more than 64"));
}

TEST_CASE("text that is not JSON is reported as a JSON syntax error with its line and column, not its text") {
    const std::string message =
        test::inputErrorOf([] { fhirjson::parseDocument("{\"a\": [1, 2,\n \"Zyxwvutsson\" 3", "broken.json"); });
    CHECK_THAT(message, Contains("broken.json: is not valid JSON"));
    CHECK_THAT(message, Contains("line 2, column"));
    CHECK(message.find("Zyxwvut") == std::string::npos);
}

TEST_CASE("a response with an answer nested 100,000 levels deep is refused, not recursed into") {
    const std::string text = R"({"resourceType":"QuestionnaireResponse","status":"completed","item":[{"linkId":"x",)"
                             R"("answer":[{"valueString":)" + nested(kDeep) + "}]}]}";
    CHECK_THAT(test::inputErrorOf([&] { readResponse(text, "deep-response.json"); }),
               Contains("deep-response.json") && Contains("nested more than 64"));
}

TEST_CASE("a form nested 100,000 levels deep is refused, not recursed into") {
    const std::string text = R"({"resourceType":"Questionnaire","status":"active","item":[{"linkId":"x",)"
                             R"("type":"string","extension":)" + nested(kDeep) + "}]}";
    CHECK_THAT(test::inputErrorOf([&] { loadQuestionnaire(text, "deep.questionnaire.json"); }),
               Contains("deep.questionnaire.json") && Contains("nested more than 64"));
}

TEST_CASE("a rules file nested 100,000 levels deep is refused, not recursed into") {
    const std::string text = R"({"mrscreenRules":1,"rules":[{"id":"r","when":)" + nested(kDeep) + "}]}";
    CHECK_THAT(test::inputErrorOf([&] { loadRules(text, "deep.rules.json", test::mriForm()); }),
               Contains("deep.rules.json") && Contains("nested more than 64"));
}

TEST_CASE("a chain of 40 nots in a rule is refused with a message, never followed to its end") {
    std::string when = R"({"answered":"unsure"})";
    for (int i = 0; i < 40; ++i) when = R"({"not":)" + when + "}";
    const std::string text = R"({"mrscreenRules":1,"rules":[{"id":"r","when":)" + when + "}]}";
    CHECK_THAT(test::inputErrorOf([&] { loadRules(text, "nots.rules.json", test::mriForm()); }),
               Contains("rule 'r': conditions are nested more than 32 levels deep"));
}

TEST_CASE("a form with thousands of problems lists the first 50 and says how many more there are") {
    nlohmann::json items = nlohmann::json::array();
    for (int i = 0; i < 5000; ++i) items.push_back({{"linkId", std::to_string(i)}, {"type", "attachment"}, {"text", "x"}});
    const nlohmann::json form = {{"resourceType", "Questionnaire"}, {"status", "active"}, {"item", items}};
    try {
        loadQuestionnaire(form.dump(), "many.questionnaire.json");
        FAIL("the form was accepted");
    } catch (const InputError& e) {
        const std::string message = e.what();
        const std::size_t all = e.problems().size();
        REQUIRE(all > 50);
        std::size_t listed = 0;
        for (auto pos = message.find("\n  - "); pos != std::string::npos; pos = message.find("\n  - ", pos + 1))
            ++listed;
        CHECK(listed == 50);
        CHECK_THAT(message, Contains("\n  ... and " + std::to_string(all - 50) + " more"));
        CHECK(message.size() < 20000);
    }
}
