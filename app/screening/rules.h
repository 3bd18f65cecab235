// Site policy: a rules file (forms/<form>.rules.json) turns answers and derived values into the
// flags MR staff must act on. Each rule is a condition tree (all / any / not over answer and
// derived-value comparisons) with an id, category, severity and a staff message per language.
// Thresholds are named parameters so a site changes a number, not the logic.
#pragma once

#include "screening/derived.h"

#include <nlohmann/json.hpp>

#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace mrscreen::screening {

enum class Severity { Stop, Review, Info };
const char* severityName(Severity s);

struct Condition {
    enum class Kind { All, Any, Not, Answer, Derived, Answered };
    Kind kind = Kind::All;
    std::vector<Condition> children; // All, Any, Not (one child)
    int question = -1;               // Answer: form item index
    std::string name;                // Derived: value name; Answered: the code
    Operator op = Operator::Exists;
    Value value;                     // Answer / Derived comparison value
    std::string parameter;           // Derived: the parameter the value came from, if any
};

struct Rule {
    std::string id;
    std::string category;
    Severity severity = Severity::Review;
    Condition when;
    std::map<std::string, std::string> message; // language -> staff message
};

struct Parameter {
    double value = 0;
    std::string description;
};

struct RuleSet {
    std::string source;
    std::string questionnaire; // canonical URL of the form it applies to
    std::vector<std::string> languages;
    std::map<std::string, Parameter> parameters;
    std::vector<Rule> rules;
};

// Checks the file against the form: unknown linkIds, codes, derived values, parameters,
// operators, categories and missing messages are load errors naming the rule.
RuleSet loadRules(const std::string& jsonText, const std::string& source, const Questionnaire& form);

// What made a rule fire: a question and its answers, or a derived value.
struct Trigger {
    std::string linkId;               // empty for derived values
    std::vector<std::string> answers; // the answers that matched, as text (codes for codings)
    std::string derived;              // derived value name
    std::optional<double> value;      // the derived value, absent when it could not be computed
};

struct Flag {
    std::string id;
    std::string category;
    Severity severity = Severity::Review;
    std::string message; // in the requested language (the rules' first language if absent)
    std::vector<Trigger> triggers;
};

// The triggers as JSON: [{"linkId", "answers"}] or [{"derived", "value"}] (value null when absent).
nlohmann::json triggersToJson(const std::vector<Trigger>& triggers);

std::vector<Flag> applyRules(const RuleSet& rules, const ScreeningAnswers& answers,
                             const DerivedValues& derived, const std::string& language);

} // namespace mrscreen::screening
