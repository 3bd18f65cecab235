// Shared by the tests: paths to the repository's data, loading forms from strings, and writing
// produced QuestionnaireResponses where the FHIR schema check reads them.
#pragma once

#include "screening/assessment.h"

#include <nlohmann/json.hpp>

#include <initializer_list>
#include <sstream>
#include <string>
#include <vector>

namespace mrscreen::test {

std::string sourcePath(const std::string& relative); // inside the repository
std::string dataPath(const std::string& relative);   // inside tests/data
std::string slurp(const std::string& path);
// Flips one bit of the byte in the middle of a file (a record changed after it was filed).
void flipMiddleByte(const std::string& path);

screening::Questionnaire formFromJson(const nlohmann::json& form, const std::string& source = "test-form.json");
screening::Response responseFromJson(const nlohmann::json& response);

// The shipped MRI safety form and its rules, loaded once.
const screening::Questionnaire& mriForm();
const screening::RuleSet& mriRules();

// Saves a response the engine produced, for the FHIR R4 schema test (tests/fhir-schema).
void keepForSchemaCheck(const std::string& name, const nlohmann::json& response);

// The message of the InputError `f` throws, or "" when it throws none.
template <typename F>
std::string inputErrorOf(F&& f) {
    try {
        f();
    } catch (const screening::InputError& e) {
        return e.what();
    }
    return "";
}

// What a command printed and returned.
struct Run {
    int code = -1;
    std::string out, err;
};

// Runs f(out, err) -> exit code, capturing both streams.
template <typename F>
Run capture(F&& f) {
    std::ostringstream out, err;
    Run r;
    r.code = f(out, err);
    r.out = out.str();
    r.err = err.str();
    return r;
}

// The problems listed by the InputError `f` throws; empty when it throws none.
template <typename F>
std::vector<std::string> problemsOf(F&& f) {
    try {
        f();
    } catch (const screening::InputError& e) {
        return e.problems();
    }
    return {};
}

// Checks a load error: it starts with "<file>: " and mentions every part given.
void checkMessage(const std::string& message, const std::string& file,
                  std::initializer_list<std::string> parts);

} // namespace mrscreen::test
