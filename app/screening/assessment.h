// One screening evaluated end to end: which items apply, what is wrong with the answers,
// the derived values, and the flags site policy raises. Pure: every input comes in as a value.
#pragma once

#include "screening/rules.h"
#include "screening/validation.h"

#include <optional>
#include <string>
#include <vector>

namespace mrscreen::screening {

struct AssessmentInput {
    std::string language = "en";
    std::string screeningDate; // YYYY-MM-DD; the day ages and lab ages are counted to
    std::optional<Creatinine> creatinine;
};

struct Assessment {
    std::vector<int> enabledItems; // form item indices
    std::vector<ValidationError> errors;
    std::vector<std::string> ignoredAnswers; // linkIds answered but not applicable
    DerivedValues derived;
    std::vector<Flag> flags;

    bool valid() const { return errors.empty(); }
};

// The screening date of a response: the day it was authored, else `fallback`.
std::string screeningDateOf(const Response& response, const std::string& fallback);

// Why the response cannot be read against this form: it names another form, or another version
// of it (its linkIds may mean something else there). Empty when it fits or names no form.
std::string formMismatch(const Response& response, const Questionnaire& form);

Assessment assess(const ScreeningAnswers& answers, const RuleSet* rules, const AssessmentInput& input);

} // namespace mrscreen::screening
