// A QuestionnaireResponse read against the shipped form and assessed, as `mrscreen evaluate` and
// `import` do: reading, form check, contrast plan, answers, validation, derived values, rules, and
// the response written back as FHIR JSON.
#include "fuzz_support.h"

#include "screening/answers.h"
#include "screening/assessment.h"
#include "screening/response.h"

using namespace mrscreen;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const auto& shipped = fuzz::shippedForm();
    try {
        const auto response = screening::readResponse(fuzz::textOf(data, size), "fuzz-response.json");
        if (!screening::formMismatch(response, shipped.form).empty()) return 0;
        screening::AssessmentInput in;
        if (shipped.form.supportsLanguage(response.language)) in.language = response.language;
        in.screeningDate = screening::screeningDateOf(response, "2026-01-15");
        in.contrast = screening::contrastPlanOf(response);
        const screening::ScreeningAnswers answers(shipped.form, response);
        const auto assessment = screening::assess(answers, &*shipped.rules, in);
        for (const auto& flag : assessment.flags) (void)screening::triggersToJson(flag.triggers).dump();
        (void)screening::responseToJson(response, &shipped.form, &answers).dump();
        (void)screening::ignoredAnswersToJson(answers, in.language).dump();
    } catch (const screening::InputError&) {
        // refused with a message: what bad input should get
    }
    return 0;
}
