// One screening evaluated end to end: which items apply, what is wrong with the answers,
// the derived values, and the flags site policy raises. Pure: every input comes in as a value.
#pragma once

#include "screening/rules.h"
#include "screening/validation.h"

#include <nlohmann/json.hpp>

#include <optional>
#include <string>
#include <vector>

namespace mrscreen::screening {

struct AssessmentInput {
    std::string language = "en"; // the patient's: validation messages
    // The staff's: flag messages (a site setting). Empty: the patient's language.
    std::string staffLanguage;
    std::string screeningDate; // YYYY-MM-DD; the day ages and lab ages are counted to
    std::optional<Creatinine> creatinine;
    ContrastPlan contrast = ContrastPlan::Unknown;
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

// Flags are raised in the staff language. An answer to a question the patient's other answers
// skipped is ignored (FHIR), but when it would have raised a flag the assessment raises an
// `answers-contradict-<rule>` flag at that rule's severity naming both answers: one "No" must
// never silently discard a "Yes".
Assessment assess(const ScreeningAnswers& answers, const RuleSet* rules, const AssessmentInput& input);

// The response's contrast-planned extension (http://mrscreen.org/fhir/StructureDefinition/
// contrast-planned, valueCode yes | no | unknown), as an order or another system set it; Unknown
// without it. Throws InputError for any other code, so a typo never reads as "no".
inline const std::string kContrastPlannedExtension = "http://mrscreen.org/fhir/StructureDefinition/contrast-planned";
ContrastPlan contrastPlanOf(const Response& response);

// The answers given to questions that did not apply, for staff and the record:
// [{"linkId", "question", "answers": [...]}], texts in `language`.
nlohmann::json ignoredAnswersToJson(const ScreeningAnswers& answers, const std::string& language);

} // namespace mrscreen::screening
