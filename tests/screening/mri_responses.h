// Answers to the shipped MRI safety form as FHIR QuestionnaireResponse JSON, for the tests that
// build responses by hand (policy, scenarios): the form's item for a linkId, a coded answer as the
// form offers it, and a response edited by linkId, each answer placed where the form has it.
#pragma once

#include "test_support.h"

#include <catch2/catch.hpp>

#include <algorithm>
#include <cstddef>
#include <string>
#include <utility>
#include <vector>

namespace mrscreen::test {

// The item of the shipped form with this linkId; the test fails where the form has none.
inline const screening::Item& formItem(const std::string& linkId) {
    const screening::Item* item = mriForm().find(linkId);
    if (!item) FAIL("the form has no item '" << linkId << "'");
    return *item;
}

// The answer option of a choice question with this code, as a FHIR answer (system included).
inline nlohmann::json coded(const std::string& linkId, const std::string& code) {
    for (const auto& o : formItem(linkId).options)
        if (o.value.type == screening::ValueType::Coding && o.value.coding.code == code)
            return {{"valueCoding", {{"system", o.value.coding.system}, {"code", code}, {"display", o.display.base}}}};
    FAIL("'" << linkId << "' has no answer option '" << code << "'");
    return {};
}

// The item of `response` for `linkId` (the first repetition of any repeating group on the way).
// When asked to create it, a missing item is added inside its groups in form order; otherwise a
// missing item is nullptr.
inline nlohmann::json* responseItem(nlohmann::json& response, const std::string& linkId, bool create) {
    const auto& form = mriForm();
    std::vector<int> chain;
    for (int i = form.indexOf(linkId); i >= 0; i = form.items[std::size_t(i)].parent) chain.insert(chain.begin(), i);
    if (chain.empty()) FAIL("the form has no item '" << linkId << "'");
    nlohmann::json* list = &response["item"];
    nlohmann::json* found = nullptr;
    for (int index : chain) {
        const std::string& id = form.items[std::size_t(index)].linkId;
        auto it = std::find_if(list->begin(), list->end(),
                               [&](const nlohmann::json& n) { return n.value("linkId", "") == id; });
        if (it == list->end()) {
            if (!create) return nullptr;
            auto later = std::find_if(list->begin(), list->end(), [&](const nlohmann::json& n) {
                return form.indexOf(n.value("linkId", "")) > index;
            });
            it = list->insert(later, nlohmann::json{{"linkId", id}});
        }
        found = &*it;
        if (form.items[std::size_t(index)].type == screening::ItemType::Group) {
            if (!found->contains("item")) (*found)["item"] = nlohmann::json::array();
            list = &(*found)["item"];
        }
    }
    return found;
}

// A response to the shipped form, edited by linkId. `Self` is the builder that derives from it,
// so that its edits chain.
template <typename Self>
class MriResponse {
public:
    // Replaces the answers of `linkId` with this one, adding the item where the form has it.
    Self& set(const std::string& linkId, const nlohmann::json& answer) {
        node(linkId, true)->operator[]("answer") = nlohmann::json::array({answer});
        return static_cast<Self&>(*this);
    }

    // Leaves `linkId` unanswered (its item stays).
    Self& remove(const std::string& linkId) {
        if (nlohmann::json* n = node(linkId, false)) n->erase("answer");
        return static_cast<Self&>(*this);
    }

protected:
    explicit MriResponse(nlohmann::json doc) : doc_(std::move(doc)) {}

    nlohmann::json* node(const std::string& linkId, bool create) { return responseItem(doc_, linkId, create); }

    nlohmann::json doc_;
};

} // namespace mrscreen::test
