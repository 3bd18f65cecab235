#include "screening/answers.h"

#include <algorithm>

namespace mrscreen::screening {

ScreeningAnswers::ScreeningAnswers(const Questionnaire& form, const Response& response)
    : form_(&form), response_(&response), byItem_(form.items.size()) {
    bind(response.items, -1, -1);
    state_.assign(instances_.size(), -1);
}

void ScreeningAnswers::bind(const std::vector<ResponseItem>& nodes, int parentItem,
                            int parentInstance) {
    for (std::size_t n = 0; n < nodes.size(); ++n) {
        const ResponseItem& node = nodes[n];
        const int item = form_->indexOf(node.linkId);
        if (item < 0) {
            problems_.push_back({node.linkId, "unknown-item"});
            continue;
        }
        const Item& def = form_->items[std::size_t(item)];
        if (def.parent != parentItem) {
            problems_.push_back({node.linkId, "misplaced-item"});
            continue;
        }
        // Only a repeating group occurs more than once among its siblings; a repeating question
        // carries its answers in one item.
        if (!(def.repeats && def.type == ItemType::Group)) {
            bool again = false;
            for (std::size_t m = 0; m < n && !again; ++m) again = nodes[m].linkId == node.linkId;
            if (again) problems_.push_back({node.linkId, "repeated-item"});
        }
        const int index = int(instances_.size());
        instances_.push_back({item, parentInstance, 0, &node});
        byItem_[std::size_t(item)].push_back(index);
        if (def.type == ItemType::Group) {
            bind(node.items, item, index);
        } else {
            // Items nested under a question belong under its answers; accept both places so a
            // response from a looser tool is still read, and read the same way.
            bind(node.items, item, index);
            for (const auto& a : node.answers) bind(a.items, item, index);
        }
        instances_[std::size_t(index)].end = int(instances_.size());
    }
}

bool enableWhenHolds(const EnableWhen& ew, const std::vector<const Value*>& answers) {
    return holdsOver(ew, [&](auto&& visit) {
        for (const Value* v : answers)
            if (visit(*v)) return true;
        return false;
    });
}

bool ScreeningAnswers::conditionsHold(const Item& item, int scope) const {
    if (item.enableWhen.empty()) return true;
    for (const auto& ew : item.enableWhen) {
        // The answers that count are those in the nearest repetition the item and the question
        // share; with none shared, every occurrence in the response.
        int s = scope;
        while (s >= 0 && !form_->isAncestor(instances_[std::size_t(s)].item, ew.questionIndex))
            s = instances_[std::size_t(s)].parent;
        const int first = s, last = s >= 0 ? instances_[std::size_t(s)].end : int(instances_.size());
        const bool holds = holdsOver(ew, [&](auto&& visit) {
            for (int i : byItem_[std::size_t(ew.questionIndex)]) {
                if ((first >= 0 && i <= first) || i >= last || !enabled(i)) continue;
                for (const auto& a : instances_[std::size_t(i)].node->answers)
                    if (a.invalid.empty() && visit(a.value)) return true;
            }
            return false;
        });
        if (item.enableAll && !holds) return false;
        if (!item.enableAll && holds) return true;
    }
    return item.enableAll;
}

bool ScreeningAnswers::enabledUnder(int item, int anchor) const {
    const Item& def = form_->items[std::size_t(item)];
    if (def.parent >= 0 && (anchor < 0 || instances_[std::size_t(anchor)].item != def.parent)) {
        if (!enabledUnder(def.parent, anchor)) return false;
    } else if (anchor >= 0 && !enabled(anchor)) {
        return false;
    }
    return conditionsHold(def, anchor);
}

bool ScreeningAnswers::enabled(int instance) const {
    auto& s = state_[std::size_t(instance)];
    if (s == 0 || s == 1) return s == 1;
    if (s == 2) return false; // a loop; the loader refuses forms that could make one
    s = 2;
    const Instance& inst = instances_[std::size_t(instance)];
    const bool result = enabledUnder(inst.item, inst.parent);
    s = result ? 1 : 0;
    return result;
}

bool ScreeningAnswers::isEnabledNode(const ResponseItem* node) const {
    if (byNode_.empty()) // built on first use: only writing a response needs it
        for (std::size_t i = 0; i < instances_.size(); ++i) byNode_[instances_[i].node] = int(i);
    auto it = byNode_.find(node);
    return it != byNode_.end() && enabled(it->second);
}

std::vector<const Value*> ScreeningAnswers::answersOf(int item) const {
    std::vector<const Value*> out;
    for (int i : byItem_[std::size_t(item)]) {
        if (!enabled(i)) continue;
        for (const auto& a : instances_[std::size_t(i)].node->answers)
            if (a.invalid.empty()) out.push_back(&a.value);
    }
    return out;
}

std::vector<const Value*> ScreeningAnswers::answersOf(const std::string& linkId) const {
    const int item = form_->indexOf(linkId);
    return item < 0 ? std::vector<const Value*>{} : answersOf(item);
}

void ScreeningAnswers::collectEnabled(const std::vector<int>& children, int anchor,
                                      std::vector<char>& seen) const {
    for (int child : children) {
        bool any = false;
        for (int i : byItem_[std::size_t(child)]) {
            const Instance& inst = instances_[std::size_t(i)];
            if (inst.parent != anchor || !enabled(i)) continue;
            any = true;
            seen[std::size_t(child)] = 1;
            collectEnabled(form_->items[std::size_t(child)].children, i, seen);
        }
        if (any || !enabledUnder(child, anchor)) continue;
        seen[std::size_t(child)] = 1;
        // Without an occurrence, a group's items still apply (their answers are simply missing);
        // a question's nested items wait for its answer.
        if (form_->items[std::size_t(child)].type == ItemType::Group)
            collectEnabled(form_->items[std::size_t(child)].children, anchor, seen);
    }
}

std::vector<int> ScreeningAnswers::enabledItems() const {
    std::vector<char> seen(form_->items.size(), 0);
    collectEnabled(form_->roots, -1, seen);
    std::vector<int> out;
    for (std::size_t i = 0; i < seen.size(); ++i)
        if (seen[i]) out.push_back(int(i));
    return out;
}

} // namespace mrscreen::screening
