#include "ui/draft.h"

#include "store/spool.h"

#include <algorithm>
#include <charconv>

namespace mrscreen::ui {

using namespace screening;

namespace {

const std::vector<Value> kNoAnswers;

// "implant-date@0@2" -> ("implant-date", "@0@2"). linkIds with '@' are not supported by the kiosk.
std::pair<std::string, std::string> splitKey(const std::string& key) {
    const auto at = key.find('@');
    if (at == std::string::npos) return {key, ""};
    return {key.substr(0, at), key.substr(at)};
}

bool shortChoice(const Item& it) {
    if (!it.children.empty()) return false;
    if (it.type == ItemType::Boolean) return true;
    if (it.type != ItemType::Choice || it.repeats || it.options.empty() || it.options.size() > 4) return false;
    for (const auto& o : it.options)
        if (o.display.in("en").size() > 18) return false;
    return true;
}

bool checklistGroup(const Item& it) {
    return it.type == ItemType::Group && !it.repeats && it.itemControl == "checklist";
}

} // namespace

std::string groupKey(const Questionnaire& form, int item, const std::string& suffix) {
    return form.items[std::size_t(item)].linkId + suffix;
}

Draft::Draft(const Questionnaire& form) : submissionKey(store::newSubmissionKey()), form_(&form) { refresh(); }

const std::vector<Value>& Draft::answers(const std::string& key) const {
    const auto it = answers_.find(key);
    return it == answers_.end() ? kNoAnswers : it->second;
}

void Draft::setAnswer(const std::string& key, Value value) { answers_[key] = {std::move(value)}; }

void Draft::toggleAnswer(const std::string& key, const Value& value) {
    auto& list = answers_[key];
    for (auto it = list.begin(); it != list.end(); ++it)
        if (valuesEqual(*it, value)) {
            list.erase(it);
            if (list.empty()) answers_.erase(key);
            return;
        }
    list.push_back(value);
}

void Draft::clearAnswer(const std::string& key) { answers_.erase(key); }

int Draft::repetitions(const std::string& key) const {
    const auto it = repetitions_.find(key);
    return it == repetitions_.end() ? 0 : it->second;
}

int Draft::addRepetition(const std::string& key) { return repetitions_[key]++; }

void Draft::removeRepetition(const std::string& key, int k) {
    const auto [groupLinkId, groupSuffix] = splitKey(key);
    const int group = form_->indexOf(groupLinkId);
    if (group < 0 || k < 0 || k >= repetitions(key)) return;
    const std::string prefix = groupSuffix + "@";
    // Moves every key inside repetition j > k down to j - 1, and drops repetition k.
    auto renumber = [&](auto& map) {
        std::remove_reference_t<decltype(map)> moved;
        for (auto& [entryKey, v] : map) {
            const auto [linkId, suffix] = splitKey(entryKey);
            const int item = form_->indexOf(linkId);
            if (item < 0 || !form_->isAncestor(group, item) || suffix.rfind(prefix, 0) != 0) {
                moved.emplace(entryKey, std::move(v));
                continue;
            }
            const std::string rest = suffix.substr(prefix.size());
            int j = 0;
            const auto [end, ec] = std::from_chars(rest.data(), rest.data() + rest.size(), j);
            if (ec != std::errc()) continue;
            if (j == k) continue;
            const int nj = j > k ? j - 1 : j;
            moved.emplace(linkId + prefix + std::to_string(nj) + std::string(end, rest.data() + rest.size()),
                          std::move(v));
        }
        map = std::move(moved);
    };
    renumber(answers_);
    renumber(repetitions_);
    if (--repetitions_[key] <= 0) repetitions_.erase(key);
}

std::vector<ResponseItem> Draft::build(const std::vector<int>& items, const std::string& suffix,
                                       const std::string& status) const {
    std::vector<ResponseItem> out;
    for (int c : items) {
        const Item& it = form_->items[std::size_t(c)];
        if (it.type == ItemType::Display) continue;
        if (it.type == ItemType::Group) {
            if (it.repeats) {
                const int reps = repetitions(it.linkId + suffix);
                for (int k = 0; k < reps; ++k) {
                    ResponseItem node;
                    node.linkId = it.linkId;
                    node.text = it.text.in(language);
                    node.items = build(it.children, suffix + "@" + std::to_string(k), status);
                    out.push_back(std::move(node));
                }
            } else {
                ResponseItem node;
                node.linkId = it.linkId;
                node.text = it.text.in(language);
                node.items = build(it.children, suffix, status);
                out.push_back(std::move(node));
            }
            continue;
        }
        const auto& given = answers(it.linkId + suffix);
        if (given.empty()) continue;
        ResponseItem node;
        node.linkId = it.linkId;
        node.text = it.text.in(language);
        for (const auto& v : given) {
            Answer a;
            a.value = v;
            a.rawType = fhirSuffix(v.type);
            node.answers.push_back(std::move(a));
        }
        if (!it.children.empty()) node.answers.front().items = build(it.children, suffix, status);
        out.push_back(std::move(node));
    }
    return out;
}

Response Draft::toResponse(const std::string& status, const std::string& authored) const {
    Response r;
    r.questionnaire = form_->url + (form_->version.empty() ? "" : "|" + form_->version);
    r.status = status;
    r.authored = authored;
    r.language = language;
    r.extension = extension;
    r.items = build(form_->roots, "", status);
    return r;
}

void Draft::indexInstances() {
    instanceOfKey_.clear();
    const auto& insts = bound_->instances();
    std::vector<std::string> childSuffix(insts.size());
    std::map<std::pair<int, int>, int> seen; // (parent instance, item) -> repetitions so far
    for (std::size_t i = 0; i < insts.size(); ++i) {
        const auto& in = insts[i];
        const std::string& suffix = in.parent < 0 ? std::string() : childSuffix[std::size_t(in.parent)];
        const Item& it = form_->items[std::size_t(in.item)];
        if (it.type == ItemType::Group && it.repeats) {
            const int k = seen[{in.parent, in.item}]++;
            childSuffix[i] = suffix + "@" + std::to_string(k);
            instanceOfKey_[it.linkId + childSuffix[i]] = int(i);
        } else {
            childSuffix[i] = suffix;
            instanceOfKey_[it.linkId + suffix] = int(i);
        }
    }
}

int Draft::anchorFor(int item, const std::string& suffix) const {
    const int parent = form_->items[std::size_t(item)].parent;
    if (parent < 0) return -1;
    const auto it = instanceOfKey_.find(form_->items[std::size_t(parent)].linkId + suffix);
    return it == instanceOfKey_.end() ? -2 : it->second;
}

bool Draft::enabled(const Slot& slot) const {
    const Item& it = form_->items[std::size_t(slot.item)];
    if (it.hidden) return false;
    if (!(it.type == ItemType::Group && it.repeats)) {
        const auto found = instanceOfKey_.find(it.linkId + slot.suffix);
        if (found != instanceOfKey_.end()) return bound_->enabled(found->second);
    }
    const int anchor = anchorFor(slot.item, slot.suffix);
    if (anchor == -2) return false; // its parent question is unanswered, or its repetition is gone
    return bound_->enabledUnder(slot.item, anchor);
}

bool Draft::groupEnabled(int item, const std::string& suffix) const { return enabled(Slot{item, suffix}); }

void Draft::refresh() {
    // A required repeating group that applies starts with one repetition to fill in.
    for (int pass = 0; pass < 4; ++pass) {
        response_ = std::make_unique<Response>(toResponse());
        bound_ = std::make_unique<ScreeningAnswers>(*form_, *response_);
        indexInstances();
        bool grew = false;
        for (int i = 0; i < int(form_->items.size()); ++i) {
            const Item& it = form_->items[std::size_t(i)];
            if (it.type != ItemType::Group || !it.repeats || it.itemControl == "body-map") continue;
            // Repeating groups nested in repeating groups get theirs when their page is planned.
            if (it.parent >= 0) {
                bool nested = false;
                for (int p = it.parent; p >= 0; p = form_->items[std::size_t(p)].parent)
                    nested = nested || (form_->items[std::size_t(p)].repeats);
                if (nested) continue;
            }
            if (repetitions(it.linkId) == 0 && enabled(Slot{i, ""})) {
                repetitions_[it.linkId] = 1;
                grew = true;
            }
        }
        if (!grew) break;
    }
    pages_.clear();
    for (int root : form_->roots) {
        std::vector<Slot> pending;
        plan({root}, "", root, pages_, pending);
    }
}

void Draft::plan(const std::vector<int>& items, const std::string& suffix, int section, std::vector<Page>& out,
                 std::vector<Slot>& pending) const {
    auto push = [&](Page page) {
        page.section = section;
        // A page is known by its first question, not by the help text shown above it.
        if (page.key.empty() && !page.slots.empty()) page.key = page.slots.front().key(*form_);
        page.slots.insert(page.slots.begin(), pending.begin(), pending.end());
        pending.clear();
        out.push_back(std::move(page));
    };
    for (std::size_t n = 0; n < items.size(); ++n) {
        const int c = items[n];
        const Item& it = form_->items[std::size_t(c)];
        const Slot slot{c, suffix};
        // Short Yes / No / Not sure questions and checklist groups next to each other, with the
        // follow-ups they open, are one page of rows: one screen instead of one each.
        if (const std::size_t end = runEnd(items, n); end > n + 1) {
            Page p;
            p.checklist = true;
            p.key = it.linkId + suffix;
            std::vector<int> groups;
            for (std::size_t m = n; m < end; ++m) {
                const Item& member = form_->items[std::size_t(items[m])];
                if (!checklistGroup(member)) {
                    p.slots.push_back(Slot{items[m], suffix});
                    continue;
                }
                for (int child : member.children) {
                    if (form_->items[std::size_t(child)].type == ItemType::Group) groups.push_back(child);
                    else p.slots.push_back(Slot{child, suffix});
                }
            }
            push(std::move(p));
            plan(groups, suffix, section, out, pending);
            n = end - 1;
            continue;
        }
        if (!enabled(slot)) continue;
        if (it.type == ItemType::Display) {
            pending.push_back(slot);
            continue;
        }
        if (it.type == ItemType::Group) {
            if (it.repeats) {
                if (it.itemControl == "body-map") {
                    Page p;
                    p.kind = PageKind::BodyMap;
                    p.repeatGroup = c;
                    p.repeatSuffix = suffix;
                    p.key = it.linkId + suffix;
                    push(std::move(p));
                    continue;
                }
                const int reps = repetitions(it.linkId + suffix);
                for (int k = 0; k < reps; ++k) {
                    Page p;
                    p.repeatGroup = c;
                    p.repeatSuffix = suffix;
                    p.repetition = k;
                    const std::string inner = suffix + "@" + std::to_string(k);
                    p.key = it.linkId + inner;
                    for (int child = c + 1; child < it.subtreeEnd; ++child) p.slots.push_back(Slot{child, inner});
                    push(std::move(p));
                }
                continue;
            }
            if (it.itemControl == "checklist") {
                // Its questions as rows on one page (follow-ups appear among them as they apply);
                // its groups (a device's details) follow as pages of their own.
                Page p;
                p.checklist = true;
                p.key = it.linkId + suffix;
                std::vector<int> groups;
                for (int child : it.children) {
                    if (form_->items[std::size_t(child)].type == ItemType::Group) groups.push_back(child);
                    else p.slots.push_back(Slot{child, suffix});
                }
                if (!p.slots.empty()) push(std::move(p));
                plan(groups, suffix, section, out, pending);
                continue;
            }
            if (it.itemControl == "signature") {
                Page p;
                p.kind = PageKind::Signature;
                p.key = it.linkId + suffix;
                for (int child = c + 1; child < it.subtreeEnd; ++child) p.slots.push_back(Slot{child, suffix});
                push(std::move(p));
                continue;
            }
            bool flat = it.parent >= 0 && it.children.size() <= 5;
            for (int child : it.children) flat = flat && form_->items[std::size_t(child)].type != ItemType::Group;
            if (flat) {
                Page p;
                p.key = it.linkId + suffix;
                for (int child : it.children) p.slots.push_back(Slot{child, suffix});
                push(std::move(p));
                continue;
            }
            plan(it.children, suffix, section, out, pending);
            if (!pending.empty() && !out.empty() && out.back().section == section) {
                // Closing text of a section: shown under its last page.
                out.back().slots.insert(out.back().slots.end(), pending.begin(), pending.end());
                pending.clear();
            }
            continue;
        }
        Page p;
        p.slots.push_back(slot);
        // Questions nested under this question's answer share its page.
        for (int child = c + 1; child < it.subtreeEnd; ++child) p.slots.push_back(Slot{child, suffix});
        push(std::move(p));
    }
}

std::size_t Draft::runEnd(const std::vector<int>& items, std::size_t start) const {
    // A run starts at a short question or a checklist group; it takes the next ones of either kind,
    // and any question (no group) whose enableWhen only asks about questions already in the run.
    std::vector<int> members;
    std::size_t end = start;
    int rows = 0;
    for (; end < items.size(); ++end) {
        const Item& it = form_->items[std::size_t(items[end])];
        if (it.hidden) break;
        bool joins = false;
        if (checklistGroup(it) && it.enableWhen.empty()) {
            joins = true;
            for (int child : it.children) rows += form_->items[std::size_t(child)].type != ItemType::Group;
        } else if (shortChoice(it) && it.enableWhen.empty()) {
            joins = true;
            ++rows;
        } else if (end > start && !it.enableWhen.empty() && it.children.empty() && it.type != ItemType::Group &&
                   it.type != ItemType::Display) {
            joins = true;
            for (const auto& e : it.enableWhen)
                joins = joins && std::find(members.begin(), members.end(), e.questionIndex) != members.end();
        }
        if (!joins) break;
        members.push_back(items[end]);
        if (checklistGroup(it))
            for (int child : it.children) members.push_back(child);
    }
    return rows >= 2 ? end : start;
}

void Draft::clear() {
    answers_.clear();
    repetitions_.clear();
    extension = nlohmann::json::array();
    submissionKey = store::newSubmissionKey(); // the next patient's
    refresh();
}

} // namespace mrscreen::ui
