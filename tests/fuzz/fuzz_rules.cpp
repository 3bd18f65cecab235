// A rules file loaded against the shipped form, then applied to an empty response so every
// loaded rule is evaluated once (unanswered questions, missing derived values).
#include "fuzz_support.h"

#include "screening/answers.h"
#include "screening/assessment.h"
#include "screening/rules.h"

using namespace mrscreen;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const auto& shipped = fuzz::shippedForm();
    static const screening::Response empty;
    static const screening::ScreeningAnswers answers(shipped.form, empty);
    try {
        const auto rules = screening::loadRules(fuzz::textOf(data, size), "fuzz-rules.json", shipped.form);
        screening::AssessmentInput in;
        in.screeningDate = "2026-01-15";
        (void)screening::assess(answers, &rules, in);
    } catch (const screening::InputError&) {
    }
    return 0;
}
