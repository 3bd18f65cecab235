#include "screening/assessment.h"

namespace mrscreen::screening {

std::string screeningDateOf(const Response& response, const std::string& fallback) {
    if (response.authored.size() >= 10 && isFullDate(response.authored.substr(0, 10)))
        return response.authored.substr(0, 10);
    return fallback;
}

Assessment assess(const ScreeningAnswers& answers, const RuleSet* rules, const AssessmentInput& input) {
    Assessment a;
    a.enabledItems = answers.enabledItems();
    a.errors = validate(answers, input.language, input.screeningDate);
    a.ignoredAnswers = ignoredAnswers(answers);
    a.derived = computeDerived(answers, input.screeningDate, input.creatinine);
    if (rules) a.flags = applyRules(*rules, answers, a.derived, input.language);
    return a;
}

} // namespace mrscreen::screening
