// A form (FHIR Questionnaire) loaded and checked, as `mrscreen evaluate --form` and the kiosk do.
#include "fuzz_support.h"

#include "screening/questionnaire.h"

using namespace mrscreen;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    try {
        const auto form = screening::loadQuestionnaire(fuzz::textOf(data, size), "fuzz-form.json");
        for (const auto& item : form.items) (void)form.indexOf(item.linkId);
    } catch (const screening::InputError&) {
    }
    return 0;
}
