#include "screening/assessment.h"

namespace mrscreen::screening {

std::string screeningDateOf(const Response& response, const std::string& fallback) {
    if (response.authored.size() >= 10 && isFullDate(response.authored.substr(0, 10)))
        return response.authored.substr(0, 10);
    return fallback;
}

std::string formMismatch(const Response& response, const Questionnaire& form) {
    if (response.questionnaire.empty() || form.url.empty()) return "";
    const auto bar = response.questionnaire.find('|');
    const std::string url = response.questionnaire.substr(0, bar);
    const std::string version = bar == std::string::npos ? "" : response.questionnaire.substr(bar + 1);
    if (url != form.url)
        return "it answers the form " + url + ", not " + form.url + "; give the form it was made with";
    if (!version.empty() && !form.version.empty() && version != form.version)
        return "it answers version " + version + " of the form, but this is version " + form.version +
               "; evaluate it with the form version it was made with";
    return "";
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
