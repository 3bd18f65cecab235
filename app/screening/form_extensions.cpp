#include "screening/form_extensions.h"

#include <set>

namespace mrscreen::screening {

namespace {

const std::string kHl7 = "http://hl7.org/fhir/StructureDefinition/";
const std::string kSdc = "http://hl7.org/fhir/uv/sdc/StructureDefinition/";

bool contains(const std::string& url, const char* part) {
    return url.find(part) != std::string::npos;
}

} // namespace

bool isPresentationOnly(const std::string& url) {
    static const std::set<std::string> urls = {
        kHl7 + "rendering-style",
        kHl7 + "rendering-xhtml",
        kHl7 + "rendering-markdown",
        kHl7 + "questionnaire-displayCategory",
        kHl7 + "questionnaire-choiceOrientation",
        kHl7 + "questionnaire-optionPrefix",
        kHl7 + "questionnaire-supportLink",
        kSdc + "sdc-questionnaire-collapsible",
        kSdc + "sdc-questionnaire-shortText",
    };
    return urls.count(url) > 0;
}

bool isMetadataOnly(const std::string& url) {
    static const std::set<std::string> urls = {
        kHl7 + "structuredefinition-standards-status",
        kHl7 + "structuredefinition-fmm",
        kHl7 + "artifact-versionAlgorithm",
        kSdc + "sdc-questionnaire-performerType",
        kSdc + "sdc-questionnaire-itemExtractionContext",
    };
    return urls.count(url) > 0;
}

std::string whyUnsupported(const std::string& url) {
    if (contains(url, "calculatedExpression"))
        return "computes answers with FHIRPath, which mrscreen does not evaluate";
    if (contains(url, "enableWhenExpression"))
        return "decides visibility with FHIRPath, which mrscreen does not evaluate; use enableWhen";
    if (contains(url, "initialExpression"))
        return "fills in answers with FHIRPath, which mrscreen does not evaluate (and a safety "
               "form "
               "must not answer for the patient)";
    if (contains(url, "variable"))
        return "defines FHIRPath variables, which mrscreen does not evaluate";
    if (contains(url, "targetConstraint") || contains(url, "questionnaire-constraint"))
        return "checks answers with a FHIRPath constraint, which mrscreen does not evaluate";
    if (contains(url, "Expression"))
        return "evaluates a FHIRPath or query expression, which mrscreen does not do";
    if (contains(url, "ordinalValue"))
        return "gives answers scores for calculations, which mrscreen does not perform";
    if (contains(url, "minOccurs") || contains(url, "maxOccurs"))
        return "constrains how many answers are allowed, which mrscreen does not enforce";
    if (contains(url, "minLength"))
        return "requires a minimum answer length, which mrscreen does not enforce";
    if (contains(url, "rendering-styleSensitive"))
        return "says its styling is part of its meaning, and mrscreen does not render styles";
    if (contains(url, "observationLinkPeriod"))
        return "fills in answers from earlier Observations, which a safety form must not do";
    return "could change what answers mean, so it cannot be skipped";
}

} // namespace mrscreen::screening
