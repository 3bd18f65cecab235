// A patient's answers: FHIR R4 QuestionnaireResponse in and out. Reading keeps every answer as
// given, even one that is not a valid value (it becomes a validation error, never a lost answer);
// only a document that is not a QuestionnaireResponse at all is refused.
#pragma once

#include "screening/value.h"

#include <nlohmann/json.hpp>

#include <string>
#include <vector>

namespace mrscreen::screening {

struct Questionnaire;
struct ResponseItem;

struct Answer {
    Value value;
    std::string invalid; // why the given value could not be read; empty when `value` is good
    std::string rawType; // the value[x] suffix as given, for messages
    std::vector<ResponseItem> items; // items nested under this answer
};

struct ResponseItem {
    std::string linkId;
    std::string text;
    std::vector<Answer> answers;
    std::vector<ResponseItem> items;
};

struct Response {
    std::string id;
    std::string questionnaire; // canonical, possibly with |version
    std::string status = "in-progress";
    std::string authored;      // dateTime
    std::string language;
    nlohmann::json extension = nlohmann::json::array(); // e.g. the patient's signature
    std::vector<ResponseItem> items;
};

Response readResponse(const std::string& jsonText, const std::string& source);

class ScreeningAnswers;

// Writes the response as FHIR JSON. With `answers`, the output mirrors the form's hierarchy and
// drops disabled and unanswered items, as a completed response must; item text comes from the form.
nlohmann::json responseToJson(const Response& response, const Questionnaire* form = nullptr,
                              const ScreeningAnswers* answers = nullptr);

} // namespace mrscreen::screening
