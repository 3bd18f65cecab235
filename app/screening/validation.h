// Checks a bound response the way the kiosk must before a patient may sign: required answers,
// answer types, listed options, ranges, lengths, real dates, birth dates not in the future.
// Errors come back per linkId, worded for the patient in their language.
#pragma once

#include "screening/answers.h"

#include <string>
#include <vector>

namespace mrscreen::screening {

struct ValidationError {
    std::string linkId;
    std::string code;    // required, wrong-type, not-an-option, too-low, too-high, too-long, ...
    std::string message; // in the requested language, for the patient
    std::string detail;  // for staff: the technical reason, when there is one (English)
};

// `today` is the screening date (YYYY-MM-DD): birth dates after it are errors.
std::vector<ValidationError> validate(const ScreeningAnswers& answers, const std::string& language,
                                      const std::string& today);

// The patient-facing sentence for an error code, with {placeholders} filled from `args`.
std::string validationMessage(const std::string& code, const std::string& language,
                              const std::vector<std::pair<std::string, std::string>>& args = {});

// Answers to questions that do not apply; they are kept in the response but never counted.
std::vector<std::string> ignoredAnswers(const ScreeningAnswers& answers);

} // namespace mrscreen::screening
