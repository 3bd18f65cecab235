// Which items apply: FHIR R4 enableWhen with every operator, enableBehavior, nested and repeating
// groups, and answers of disabled questions counting as no answer.
#include "test_support.h"

#include <catch2/catch.hpp>

using namespace mrscreen;
using namespace mrscreen::screening;
using nlohmann::json;

namespace {

const std::string kYesNo = "http://mrscreen.org/fhir/CodeSystem/answer";

json yesNoUnsure(const std::string& linkId) {
    return {{"linkId", linkId},
            {"type", "choice"},
            {"text", linkId},
            {"answerOption",
             {{{"valueCoding", {{"system", kYesNo}, {"code", "yes"}, {"display", "Yes"}}}},
              {{"valueCoding", {{"system", kYesNo}, {"code", "no"}, {"display", "No"}}}},
              {{"valueCoding", {{"system", kYesNo}, {"code", "unsure"}, {"display", "Not sure"}}}}}}};
}

json when(const std::string& question, const std::string& op, const std::string& key, json answer) {
    return {{"question", question}, {"operator", op}, {key, answer}};
}

json coded(const std::string& code) { return {{"system", kYesNo}, {"code", code}}; }

json shown(const std::string& linkId, json conditions, const std::string& behavior = "") {
    json item = {{"linkId", linkId}, {"type", "string"}, {"text", linkId}, {"enableWhen", conditions}};
    if (!behavior.empty()) item["enableBehavior"] = behavior;
    return item;
}

// A form with one controlling question of each kind and one dependent item per operator.
json operatorForm() {
    json items = json::array();
    items.push_back(yesNoUnsure("implant"));
    items.push_back({{"linkId", "weight"}, {"type", "decimal"}, {"text", "weight"}});
    items.push_back({{"linkId", "doses"}, {"type", "integer"}, {"text", "doses"}});
    items.push_back({{"linkId", "surgery-date"}, {"type", "date"}, {"text", "date"}});
    items.push_back({{"linkId", "pregnant"}, {"type", "boolean"}, {"text", "pregnant"}});
    items.push_back(shown("implant-exists", {when("implant", "exists", "answerBoolean", true)}));
    items.push_back(shown("implant-missing", {when("implant", "exists", "answerBoolean", false)}));
    items.push_back(shown("implant-yes", {when("implant", "=", "answerCoding", coded("yes"))}));
    items.push_back(shown("implant-not-no", {when("implant", "!=", "answerCoding", coded("no"))}));
    items.push_back(shown("heavy", {when("weight", ">", "answerDecimal", 150.0)}));
    items.push_back(shown("light", {when("weight", "<", "answerDecimal", 40.0)}));
    items.push_back(shown("many-doses", {when("doses", ">=", "answerInteger", 10)}));
    items.push_back(shown("few-doses", {when("doses", "<=", "answerInteger", 2)}));
    items.push_back(shown("recent-surgery", {when("surgery-date", ">=", "answerDate", "2026-05-01")}));
    items.push_back(shown("pregnant-yes", {when("pregnant", "=", "answerBoolean", true)}));
    items.push_back(shown("any-risk",
                          {when("implant", "=", "answerCoding", coded("yes")),
                           when("pregnant", "=", "answerBoolean", true)},
                          "any"));
    items.push_back(shown("both-risks",
                          {when("implant", "=", "answerCoding", coded("yes")),
                           when("pregnant", "=", "answerBoolean", true)},
                          "all"));
    return {{"resourceType", "Questionnaire"}, {"status", "active"}, {"item", items}};
}

json answer(const std::string& linkId, const std::string& key, json value) {
    return {{"linkId", linkId}, {"answer", {{{key, value}}}}};
}

json response(json items) {
    return {{"resourceType", "QuestionnaireResponse"}, {"status", "completed"}, {"item", items}};
}

bool isEnabled(const ScreeningAnswers& a, const std::string& linkId) {
    for (int i : a.enabledItems())
        if (a.form().items[std::size_t(i)].linkId == linkId) return true;
    return false;
}

struct Bound {
    Questionnaire form;
    Response resp;
    std::unique_ptr<ScreeningAnswers> answers;
    bool operator()(const std::string& linkId) const { return isEnabled(*answers, linkId); }
};

// Items as a vector: a braced list of one json would otherwise become that object, not an array.
Bound bindTo(const json& form, const std::vector<json>& items) {
    Bound b{test::formFromJson(form), test::responseFromJson(response(json(items))), nullptr};
    b.answers = std::make_unique<ScreeningAnswers>(b.form, b.resp);
    return b;
}

} // namespace

TEST_CASE("with no answers, exists-false and != items apply and every other operator does not") {
    auto on = bindTo(operatorForm(), {});
    CHECK(on("implant-missing"));
    CHECK(on("implant-not-no")); // "no answer equals 'no'" holds when there is no answer
    for (const char* id : {"implant-exists", "implant-yes", "heavy", "light", "many-doses",
                           "few-doses", "recent-surgery", "pregnant-yes", "any-risk", "both-risks"})
        CHECK_FALSE(on(id));
}

TEST_CASE("exists, = and != follow a coded answer") {
    SECTION("yes") {
        auto on = bindTo(operatorForm(), {answer("implant", "valueCoding", coded("yes"))});
        CHECK(on("implant-exists"));
        CHECK_FALSE(on("implant-missing"));
        CHECK(on("implant-yes"));
        CHECK(on("implant-not-no"));
    }
    SECTION("no") {
        auto on = bindTo(operatorForm(), {answer("implant", "valueCoding", coded("no"))});
        CHECK(on("implant-exists"));
        CHECK_FALSE(on("implant-yes"));
        CHECK_FALSE(on("implant-not-no"));
    }
    SECTION("not sure is not treated as no") {
        auto on = bindTo(operatorForm(), {answer("implant", "valueCoding", coded("unsure"))});
        CHECK_FALSE(on("implant-yes"));
        CHECK(on("implant-not-no"));
    }
}

TEST_CASE("ordering operators compare decimals, integers and dates at their boundaries") {
    CHECK(bindTo(operatorForm(), {answer("weight", "valueDecimal", 150.5)})("heavy"));
    CHECK_FALSE(bindTo(operatorForm(), {answer("weight", "valueDecimal", 150.0)})("heavy"));
    CHECK(bindTo(operatorForm(), {answer("weight", "valueDecimal", 39.9)})("light"));
    CHECK_FALSE(bindTo(operatorForm(), {answer("weight", "valueDecimal", 40)})("light"));
    CHECK(bindTo(operatorForm(), {answer("doses", "valueInteger", 10)})("many-doses"));
    CHECK_FALSE(bindTo(operatorForm(), {answer("doses", "valueInteger", 9)})("many-doses"));
    CHECK(bindTo(operatorForm(), {answer("doses", "valueInteger", 2)})("few-doses"));
    CHECK_FALSE(bindTo(operatorForm(), {answer("doses", "valueInteger", 3)})("few-doses"));
    CHECK(bindTo(operatorForm(), {answer("surgery-date", "valueDate", "2026-05-01")})("recent-surgery"));
    CHECK_FALSE(bindTo(operatorForm(), {answer("surgery-date", "valueDate", "2026-04-30")})("recent-surgery"));
}

TEST_CASE("enableBehavior any needs one condition and all needs every condition") {
    auto one = bindTo(operatorForm(), {answer("pregnant", "valueBoolean", true)});
    CHECK(one("pregnant-yes"));
    CHECK(one("any-risk"));
    CHECK_FALSE(one("both-risks"));
    auto both = bindTo(operatorForm(), {answer("implant", "valueCoding", coded("yes")),
                                      answer("pregnant", "valueBoolean", true)});
    CHECK(both("any-risk"));
    CHECK(both("both-risks"));
}

namespace {

// has-implants -> implant group (with a pacemaker question and its details group) -> details.
json nestedForm() {
    json details = {{"linkId", "pacemaker-details"},
                    {"type", "group"},
                    {"text", "details"},
                    {"enableWhen", {when("pacemaker", "=", "answerCoding", coded("yes"))}},
                    {"item", {{{"linkId", "pacemaker-model"}, {"type", "string"}, {"text", "model"}, {"required", true}}}}};
    json pacemaker = yesNoUnsure("pacemaker");
    pacemaker["required"] = true;
    json group = {{"linkId", "implants"},
                  {"type", "group"},
                  {"text", "implants"},
                  {"enableWhen", {when("has-implants", "!=", "answerCoding", coded("no"))}},
                  {"item", {pacemaker, details}}};
    // Outside the group, a question that reads the pacemaker answer.
    json later = shown("pacemaker-card", {when("pacemaker", "=", "answerCoding", coded("yes"))});
    return {{"resourceType", "Questionnaire"}, {"status", "active"},
            {"item", {yesNoUnsure("has-implants"), group, later}}};
}

json implantsGroup(const std::string& pacemaker) {
    return {{"linkId", "implants"},
            {"item",
             {answer("pacemaker", "valueCoding", coded(pacemaker)),
              {{"linkId", "pacemaker-details"}, {"item", {answer("pacemaker-model", "valueString", "Azure XT")}}}}}};
}

} // namespace

TEST_CASE("a patient with no implants never sees implant details, and their old answers do not count") {
    // The patient first said yes and answered the details, then changed has-implants to no.
    auto on = bindTo(nestedForm(), {answer("has-implants", "valueCoding", coded("no")), implantsGroup("yes")});
    CHECK_FALSE(on("implants"));
    CHECK_FALSE(on("pacemaker"));
    CHECK_FALSE(on("pacemaker-details"));
    CHECK_FALSE(on("pacemaker-model"));
    // The pacemaker answer lies in a disabled group, so it counts as no answer elsewhere too.
    CHECK_FALSE(on("pacemaker-card"));
    CHECK(on.answers->answersOf("pacemaker").empty());
    CHECK(ignoredAnswers(*on.answers) == std::vector<std::string>{"pacemaker", "pacemaker-model"});
    // The completed response drops what does not apply, so nothing stale is signed.
    const json out = responseToJson(on.resp, &on.form, on.answers.get());
    REQUIRE(out["item"].size() == 1);
    CHECK(out["item"][0]["linkId"] == "has-implants");
    test::keepForSchemaCheck("enable-when-no-implants", out);
}

TEST_CASE("items in an enabled group apply and their answers count outside the group") {
    auto on = bindTo(nestedForm(), {answer("has-implants", "valueCoding", coded("yes")), implantsGroup("yes")});
    CHECK(on("implants"));
    CHECK(on("pacemaker-details"));
    CHECK(on("pacemaker-model"));
    CHECK(on("pacemaker-card"));
    const json out = responseToJson(on.resp, &on.form, on.answers.get());
    CHECK(out["item"].size() == 2);
    CHECK(out["item"][1]["item"][1]["item"][0]["answer"][0]["valueString"] == "Azure XT");
    test::keepForSchemaCheck("enable-when-pacemaker", out);
}

TEST_CASE("an unanswered group still applies, so its required questions are reported missing") {
    auto on = bindTo(nestedForm(), {answer("has-implants", "valueCoding", coded("unsure"))});
    CHECK(on("implants"));
    CHECK(on("pacemaker"));
    CHECK_FALSE(on("pacemaker-details"));
    const auto errors = validate(*on.answers, "en", "2026-11-25");
    REQUIRE(errors.size() == 1);
    CHECK(errors[0].linkId == "pacemaker");
    CHECK(errors[0].code == "required");
}

namespace {

// A repeating "implant" group: each repetition's details depend on its own type answer.
json repeatingForm() {
    json type = {{"linkId", "device-type"},
                 {"type", "choice"},
                 {"text", "type"},
                 {"answerOption",
                  {{{"valueCoding", {{"code", "active"}, {"display", "Active"}}}},
                   {{"valueCoding", {{"code", "passive"}, {"display", "Passive"}}}}}}};
    json programming = {{"linkId", "mri-mode"},
                        {"type", "boolean"},
                        {"text", "MRI mode?"},
                        {"required", true},
                        {"enableWhen", {{{"question", "device-type"}, {"operator", "="}, {"answerCoding", {{"code", "active"}}}}}}};
    json group = {{"linkId", "device"}, {"type", "group"}, {"repeats", true}, {"text", "device"}, {"item", {type, programming}}};
    json summary = {{"linkId", "active-summary"},
                    {"type", "string"},
                    {"text", "summary"},
                    {"enableWhen", {{{"question", "device-type"}, {"operator", "="}, {"answerCoding", {{"code", "active"}}}}}}};
    return {{"resourceType", "Questionnaire"}, {"status", "active"}, {"item", {group, summary}}};
}

json device(const std::string& type, std::optional<bool> mriMode = std::nullopt) {
    json items = {answer("device-type", "valueCoding", {{"code", type}})};
    if (mriMode) items.push_back(answer("mri-mode", "valueBoolean", *mriMode));
    return {{"linkId", "device"}, {"item", items}};
}

} // namespace

TEST_CASE("inside a repeating group, enableWhen reads the answer of its own repetition") {
    auto on = bindTo(repeatingForm(), {device("passive"), device("active", true)});
    const auto& instances = on.answers->instances();
    const auto& mriModes = on.answers->instancesOf(on.form.indexOf("mri-mode"));
    REQUIRE(mriModes.size() == 1);
    CHECK(on.answers->enabled(mriModes[0]));
    // The first (passive) repetition does not ask about MRI mode; the second one does.
    const auto& groups = on.answers->instancesOf(on.form.indexOf("device"));
    REQUIRE(groups.size() == 2);
    CHECK_FALSE(on.answers->enabledUnder(on.form.indexOf("mri-mode"), groups[0]));
    CHECK(on.answers->enabledUnder(on.form.indexOf("mri-mode"), groups[1]));
    CHECK(instances[std::size_t(mriModes[0])].parent == groups[1]);
    // Outside the group, any repetition's answer counts.
    CHECK(on("active-summary"));
    CHECK(validate(*on.answers, "en", "2026-11-25").empty());
    test::keepForSchemaCheck("enable-when-repeating-group", responseToJson(on.resp, &on.form, on.answers.get()));
}

TEST_CASE("a required question in one repetition is reported for that repetition only") {
    auto on = bindTo(repeatingForm(), {device("active", false), device("active")});
    const auto errors = validate(*on.answers, "en", "2026-11-25");
    REQUIRE(errors.size() == 1);
    CHECK(errors[0].linkId == "mri-mode");
    CHECK(errors[0].code == "required");
}

TEST_CASE("a non-repeating group that appears twice is a validation error, not a crash") {
    auto on = bindTo(nestedForm(), {answer("has-implants", "valueCoding", coded("yes")),
                                  implantsGroup("no"), implantsGroup("no")});
    const auto errors = validate(*on.answers, "en", "2026-11-25");
    REQUIRE_FALSE(errors.empty());
    CHECK(errors[0].code == "repeated-item");
    CHECK(errors[0].linkId == "implants");
}
