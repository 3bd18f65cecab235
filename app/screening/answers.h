// A response bound to its form: every answered item found in the form, and which items are
// enabled, by FHIR's rules: enableWhen with all seven operators and enableBehavior, answers of
// disabled questions count as no answer, an item is disabled when its parent is, and inside a
// repeating group an enableWhen reads the answers of its own repetition.
#pragma once

#include "screening/questionnaire.h"
#include "screening/response.h"

#include <cstdint>
#include <string>
#include <unordered_map>
#include <vector>

namespace mrscreen::screening {

// Something in the response that does not fit the form (an unknown linkId, a misplaced item).
struct BindingProblem {
    std::string linkId;
    std::string code; // "unknown-item", "misplaced-item", "repeated-item"
};

class ScreeningAnswers {
public:
    // One occurrence of a form item in the response (a repeating group has one per repetition).
    struct Instance {
        int item = -1;
        int parent = -1;               // instance of the parent item, -1 at the top
        int end = 0;                   // instances in (index, end) are descendants
        const ResponseItem* node = nullptr;
    };

    ScreeningAnswers(const Questionnaire& form, const Response& response);

    const Questionnaire& form() const { return *form_; }
    const Response& response() const { return *response_; }
    const std::vector<Instance>& instances() const { return instances_; }
    const std::vector<BindingProblem>& problems() const { return problems_; }

    bool enabled(int instance) const;
    // Treats every item as applying, whatever its enableWhen: what the answers would raise had no
    // question been skipped (finds answers that contradict the question that skipped them).
    void enableEverything() { state_.assign(instances_.size(), 1); }
    // Whether `item` applies at a place with no instance of it, under `anchor`, the nearest
    // existing instance among its ancestors (-1: none).
    bool enabledUnder(int item, int anchor) const;
    bool isEnabledNode(const ResponseItem* node) const;

    // Valid answers of every enabled occurrence of the item.
    std::vector<const Value*> answersOf(int item) const;
    // Calls visit(const Value&) on those answers until it returns true; returns whether it did.
    template <typename Visit>
    bool anyAnswer(int item, Visit&& visit) const {
        for (int i : byItem_[std::size_t(item)]) {
            if (!enabled(i)) continue;
            for (const auto& a : instances_[std::size_t(i)].node->answers)
                if (a.invalid.empty() && visit(a.value)) return true;
        }
        return false;
    }
    std::vector<const Value*> answersOf(const std::string& linkId) const;
    // Instances of `item` (enabled or not), in response order.
    const std::vector<int>& instancesOf(int item) const { return byItem_[std::size_t(item)]; }
    // Every item that applies somewhere in this response (enabled and reachable).
    std::vector<int> enabledItems() const;

private:
    const Questionnaire* form_;
    const Response* response_;
    std::vector<Instance> instances_;
    std::vector<std::vector<int>> byItem_;
    std::vector<BindingProblem> problems_;
    mutable std::unordered_map<const ResponseItem*, int> byNode_;
    mutable std::vector<std::int8_t> state_; // -1 unknown, 0 disabled, 1 enabled, 2 computing

    void bind(const std::vector<ResponseItem>& nodes, int parentItem, int parentInstance);
    bool conditionsHold(const Item& item, int scope) const;
    void collectEnabled(const std::vector<int>& children, int anchor, std::vector<char>& seen) const;
};

// The enableWhen test over the answers a question has. `forEach(visit)` calls visit(const Value&)
// on each answer until visit returns true, and returns whether it did.
template <typename ForEach>
bool holdsOver(const EnableWhen& ew, ForEach&& forEach) {
    switch (ew.op) {
    case Operator::Exists: return forEach([](const Value&) { return true; }) == ew.answer.boolean;
    case Operator::Equal: return forEach([&](const Value& v) { return valuesEqual(v, ew.answer); });
    case Operator::NotEqual: return !forEach([&](const Value& v) { return valuesEqual(v, ew.answer); });
    default: break;
    }
    return forEach([&](const Value& v) {
        const auto c = compareValues(v, ew.answer);
        if (!c) return false;
        switch (ew.op) {
        case Operator::Greater: return *c > 0;
        case Operator::Less: return *c < 0;
        case Operator::GreaterOrEqual: return *c >= 0;
        case Operator::LessOrEqual: return *c <= 0;
        default: return false;
        }
    });
}

bool enableWhenHolds(const EnableWhen& condition, const std::vector<const Value*>& answers);

} // namespace mrscreen::screening
