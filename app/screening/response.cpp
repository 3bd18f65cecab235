#include "screening/response.h"

#include "screening/answers.h"
#include "screening/fhir_json.h"
#include "screening/questionnaire.h"

#include <set>

namespace mrscreen::screening {

using nlohmann::json;

namespace {

class ResponseReader {
public:
    explicit ResponseReader(std::string source) : source_(std::move(source)) {}

    Response read(const std::string& text) {
        const json doc = fhirjson::parseDocument(text, source_); // its errors name positions, never text
        if (!doc.is_object() || doc.value("resourceType", "") != "QuestionnaireResponse")
            throw InputError(source_, {"is not a FHIR QuestionnaireResponse (resourceType must "
                                       "be \"QuestionnaireResponse\")"});
        if (doc.contains("modifierExtension"))
            problems_.push_back("has a modifierExtension, which FHIR requires a reader to refuse");
        Response r;
        r.id = str(doc, "id");
        r.questionnaire = str(doc, "questionnaire");
        r.status = str(doc, "status");
        static const std::set<std::string> statuses = {"in-progress", "completed", "amended",
                                                       "entered-in-error", "stopped"};
        if (!statuses.count(r.status))
            problems_.push_back("'status' must be one of in-progress, completed, amended, "
                                "entered-in-error, stopped (found '" + r.status + "')");
        r.authored = str(doc, "authored");
        if (!r.authored.empty() && !isFhirDateTime(r.authored))
            problems_.push_back("'authored' is not a FHIR dateTime: '" + r.authored + "'");
        r.language = str(doc, "language");
        if (doc.contains("extension") && doc["extension"].is_array()) r.extension = doc["extension"];
        if (doc.contains("item")) r.items = readItems(doc["item"], "item");
        if (!problems_.empty()) throw InputError(source_, problems_);
        return r;
    }

private:
    std::string source_;
    std::vector<std::string> problems_;

    static std::string str(const json& obj, const char* key) {
        auto it = obj.find(key);
        return it != obj.end() && it->is_string() ? it->get<std::string>() : std::string();
    }

    int depth_ = 0;

    // Forms nest a few levels; a document nested deeper than any form is refused, not recursed into.
    std::vector<ResponseItem> readNested(const json& list, const std::string& where) {
        if (depth_ >= kMaxNesting) {
            problems_.push_back("'" + where + "' is nested more than " + std::to_string(kMaxNesting) +
                                " levels deep, deeper than any form allows");
            return {};
        }
        ++depth_;
        auto items = readItems(list, where);
        --depth_;
        return items;
    }

    std::vector<ResponseItem> readItems(const json& list, const std::string& where) {
        std::vector<ResponseItem> out;
        if (!list.is_array()) {
            problems_.push_back("'" + where + "' must be an array");
            return out;
        }
        for (const auto& node : list) {
            ResponseItem item;
            item.linkId = node.is_object() ? str(node, "linkId") : std::string();
            if (item.linkId.empty()) {
                problems_.push_back("an entry in '" + where + "' has no linkId");
                continue;
            }
            if (node.contains("modifierExtension"))
                problems_.push_back("item '" + item.linkId + "' has a modifierExtension, which "
                                    "FHIR requires a reader to refuse");
            item.text = str(node, "text");
            if (node.contains("answer")) {
                if (!node["answer"].is_array()) {
                    problems_.push_back("item '" + item.linkId + "': 'answer' must be an array");
                    continue;
                }
                for (const auto& a : node["answer"]) item.answers.push_back(readAnswer(a, item.linkId));
            }
            if (node.contains("item")) item.items = readNested(node["item"], item.linkId + ".item");
            out.push_back(std::move(item));
        }
        return out;
    }

    Answer readAnswer(const json& node, const std::string& linkId) {
        Answer a;
        int values = 0;
        for (const auto& [key, v] : node.items()) {
            if (key.rfind("value", 0) != 0 || key.size() == 5) continue;
            ++values;
            a.rawType = key.substr(5);
            std::string error;
            if (auto value = fhirjson::parseValue("value", a.rawType, v, error))
                a.value = *value;
            else {
                a.invalid = error;
                a.value = Value::ofString(v.is_string() ? v.get<std::string>() : v.dump());
            }
        }
        if (values != 1) a.invalid = values == 0 ? "the answer has no value" : "the answer has more than one value";
        if (node.contains("item")) a.items = readNested(node["item"], linkId + ".answer.item");
        return a;
    }
};

json itemsToJson(const std::vector<ResponseItem>& items, const Questionnaire* form,
                 const ScreeningAnswers* answers);

json itemToJson(const ResponseItem& item, const Questionnaire* form, const ScreeningAnswers* answers) {
    json j = json::object();
    j["linkId"] = item.linkId;
    const Item* def = form ? form->find(item.linkId) : nullptr;
    if (def && !def->text.base.empty())
        j["text"] = def->text.base;
    else if (!item.text.empty())
        j["text"] = item.text;
    json answerList = json::array();
    for (const auto& a : item.answers) {
        if (answers && !a.invalid.empty()) continue; // an unreadable value is never exported
        json aj = json::object();
        fhirjson::writeValue(a.value, "value", aj);
        json nested = itemsToJson(a.items, form, answers);
        if (!nested.empty()) aj["item"] = nested;
        answerList.push_back(std::move(aj));
    }
    if (!answerList.empty()) j["answer"] = answerList;
    json nested = itemsToJson(item.items, form, answers);
    if (!nested.empty()) j["item"] = nested;
    return j;
}

json itemsToJson(const std::vector<ResponseItem>& items, const Questionnaire* form,
                 const ScreeningAnswers* answers) {
    json out = json::array();
    for (const auto& item : items) {
        if (answers && !answers->isEnabledNode(&item)) continue;
        json j = itemToJson(item, form, answers);
        // A completed response carries no empty items: groups without answers are dropped.
        if (answers && !j.contains("answer") && !j.contains("item")) continue;
        out.push_back(std::move(j));
    }
    return out;
}

} // namespace

Response readResponse(const std::string& jsonText, const std::string& source) {
    try {
        return ResponseReader(source).read(jsonText);
    } catch (const json::exception& e) {
        throw InputError(source, {std::string("has a value of the wrong JSON type: ") + e.what()});
    }
}

json responseToJson(const Response& r, const Questionnaire* form, const ScreeningAnswers* answers) {
    json j = json::object();
    j["resourceType"] = "QuestionnaireResponse";
    if (!r.id.empty()) j["id"] = r.id;
    if (!r.language.empty()) j["language"] = r.language;
    if (!r.extension.empty()) j["extension"] = r.extension;
    if (!r.questionnaire.empty())
        j["questionnaire"] = r.questionnaire;
    else if (form && !form->url.empty())
        j["questionnaire"] = form->url + (form->version.empty() ? "" : "|" + form->version);
    j["status"] = r.status.empty() ? "in-progress" : r.status;
    if (!r.authored.empty()) j["authored"] = r.authored;
    json items = itemsToJson(r.items, form, answers);
    if (!items.empty()) j["item"] = items;
    return j;
}

} // namespace mrscreen::screening
