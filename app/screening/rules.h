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

// What a flag holds back: entry to the magnet room (MR-environment hazards), or the contrast agent
// (renal and gadolinium risks, the radiologist's decision). A contrast flag never blocks Zone IV.
enum class Gate { ZoneIv, Contrast };
const char* gateName(Gate g); // "zone-iv", "contrast"
std::optional<Gate> parseGate(const std::string& text);

// Whether the exam uses contrast. Unknown counts as planned: contrast flags then stay as raised.
enum class ContrastPlan { Unknown, Yes, No };
const char* contrastPlanName(ContrastPlan p); // "unknown", "yes", "no"
std::optional<ContrastPlan> parseContrastPlan(const std::string& text);

struct Condition {
    enum class Kind { All, Any, Not, Answer, Derived, Answered, Setting };
    Kind kind = Kind::All;
    std::vector<Condition> children; // All, Any, Not (one child)
    int question = -1;               // Answer: form item index
    std::string name;                // Derived: value name; Answered: the code
    Operator op = Operator::Exists;
    Value value;                     // Answer / Derived comparison value
    std::string parameter;           // Derived: the parameter the value came from, if any; Setting: its name
    // Answered: only questions no other rule tests for this answer code (a catch-all that never
    // repeats a question's own flag).
    bool uncovered = false;
    std::vector<int> covered;        // Answered + uncovered: the form items other rules test
};

struct Rule {
    std::string id;
    std::string category;
    Severity severity = Severity::Review;
    Gate gate = Gate::ZoneIv;
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
    Severity severity = Severity::Review; // as it applies: a contrast flag is info for a non-contrast exam
    Gate gate = Gate::ZoneIv;
    std::string message; // in the requested language (the rules' first language if absent)
    std::vector<Trigger> triggers;
};

// The triggers as JSON: [{"linkId", "answers"}] or [{"derived", "value"}] (value null when absent).
nlohmann::json triggersToJson(const std::vector<Trigger>& triggers);

// `language` is the staff language of the messages. Contrast flags become info when contrast is
// not planned (ContrastPlan::No); Unknown counts as planned.
std::vector<Flag> applyRules(const RuleSet& rules, const ScreeningAnswers& answers,
                             const DerivedValues& derived, const std::string& language,
                             ContrastPlan contrast = ContrastPlan::Unknown);

} // namespace mrscreen::screening
