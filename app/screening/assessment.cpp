#include "screening/assessment.h"

#include <algorithm>
#include <set>

namespace mrscreen::screening {

std::string screeningDateOf(const Response& response, const std::string& fallback) {
    if (response.authored.size() >= 10 && isFullDate(response.authored.substr(0, 10)))
        return response.authored.substr(0, 10);
    return fallback;
}

std::string formMismatch(const Response& response, const Questionnaire& form) {
    if (response.questionnaire.empty() || form.url.empty()) return "";
    const auto bar = response.questionnaire.find('|');
    const std::string url = response.questionnaire.substr(0, bar);
    const std::string version = bar == std::string::npos ? "" : response.questionnaire.substr(bar + 1);
    if (url != form.url)
        return "it answers the form " + url + ", not " + form.url + "; give the form it was made with";
    if (!version.empty() && !form.version.empty() && version != form.version)
        return "it answers version " + version + " of the form, but this is version " + form.version +
               "; evaluate it with the form version it was made with";
    return "";
}

namespace {

std::string answerText(const Item& item, const Value& v, const std::string& language) {
    if (const AnswerOption* o = item.option(v)) return o->display.in(language);
    return v.toText();
}

// "'Question' was answered No" for each answer that keeps `item` (or an ancestor) from applying.
std::vector<Trigger> whatSkipped(const ScreeningAnswers& answers, int item, std::set<int>& seen) {
    std::vector<Trigger> out;
    const auto& form = answers.form();
    for (int i = item; i >= 0; i = form.items[std::size_t(i)].parent)
        for (const auto& ew : form.items[std::size_t(i)].enableWhen) {
            if (ew.questionIndex < 0 || !seen.insert(ew.questionIndex).second) continue;
            Trigger t;
            t.linkId = form.items[std::size_t(ew.questionIndex)].linkId;
            for (const Value* v : answers.answersOf(ew.questionIndex)) t.answers.push_back(v->toText());
            if (!t.answers.empty()) out.push_back(std::move(t));
        }
    return out;
}

std::string contradictionText(const ScreeningAnswers& answers, const std::vector<Trigger>& skipped,
                              const std::vector<Trigger>& ignored, const std::string& language,
                              const std::string& ruleMessage) {
    const bool es = language == "es";
    const auto& form = answers.form();
    auto said = [&](const Trigger& t) {
        const Item* item = form.find(t.linkId);
        std::string text = "\"" + (item ? item->text.in(language) : t.linkId) + "\" ";
        text += es ? "respondida " : "answered ";
        std::string list;
        for (const auto& a : t.answers) {
            std::string shown = a;
            if (item)
                for (const auto& o : item->options)
                    if (o.value.type == ValueType::Coding && o.value.coding.code == a) shown = o.display.in(language);
            list += (list.empty() ? "" : ", ") + shown;
        }
        return text + "\"" + list + "\"";
    };
    std::string s = es ? "Las respuestas se contradicen: " : "The answers contradict each other: ";
    for (std::size_t i = 0; i < skipped.size(); ++i) s += (i ? "; " : "") + said(skipped[i]);
    s += es ? ", lo que omite la pregunta; sin embargo " : ", which skips the question; yet ";
    for (std::size_t i = 0; i < ignored.size(); ++i) s += (i ? "; " : "") + said(ignored[i]);
    s += es ? ". Aclárelo con el paciente. " : ". Resolve it with the patient. ";
    return s + ruleMessage;
}

// Flags the answers of skipped questions would have raised, as contradictions.
std::vector<Flag> contradictions(const ScreeningAnswers& answers, const RuleSet& rules, const DerivedValues& derived,
                                 const std::vector<Flag>& raised, const std::string& language, ContrastPlan contrast) {
    std::vector<Flag> out;
    ScreeningAnswers every(answers.form(), answers.response());
    every.enableEverything();
    for (auto& f : applyRules(rules, every, derived, language, contrast)) {
        const bool already = std::any_of(raised.begin(), raised.end(), [&](const Flag& r) { return r.id == f.id; });
        if (already) continue;
        std::vector<Trigger> ignored, skipped;
        std::set<int> seen;
        for (const auto& t : f.triggers) {
            if (t.linkId.empty()) continue;
            const int item = answers.form().indexOf(t.linkId);
            bool disabledAnswer = false;
            for (int i : answers.instancesOf(item))
                disabledAnswer = disabledAnswer || (!answers.enabled(i) && !answers.instances()[std::size_t(i)].node->answers.empty());
            if (!disabledAnswer) continue;
            ignored.push_back(t);
            for (auto& s : whatSkipped(answers, item, seen)) skipped.push_back(std::move(s));
        }
        if (ignored.empty()) continue;
        Flag c;
        c.id = "answers-contradict-" + f.id;
        c.category = f.category;
        c.severity = f.severity;
        c.gate = f.gate;
        c.message = contradictionText(answers, skipped, ignored, language, f.message);
        c.triggers = skipped;
        c.triggers.insert(c.triggers.end(), ignored.begin(), ignored.end());
        out.push_back(std::move(c));
    }
    return out;
}

} // namespace

Assessment assess(const ScreeningAnswers& answers, const RuleSet* rules, const AssessmentInput& input) {
    Assessment a;
    a.enabledItems = answers.enabledItems();
    a.errors = validate(answers, input.language, input.screeningDate);
    a.ignoredAnswers = ignoredAnswers(answers);
    a.derived = computeDerived(answers, input.screeningDate, input.creatinine);
    if (!rules) return a;
    const std::string& staff = input.staffLanguage.empty() ? input.language : input.staffLanguage;
    a.flags = applyRules(*rules, answers, a.derived, staff, input.contrast);
    if (!a.ignoredAnswers.empty())
        for (auto& c : contradictions(answers, *rules, a.derived, a.flags, staff, input.contrast))
            a.flags.push_back(std::move(c));
    return a;
}

ContrastPlan contrastPlanOf(const Response& response) {
    for (const auto& e : response.extension) {
        if (!e.is_object() || e.value("url", "") != kContrastPlannedExtension) continue;
        const auto code = e.contains("valueCode") && e["valueCode"].is_string() ? e["valueCode"].get<std::string>() : "";
        if (auto plan = parseContrastPlan(code); plan && !code.empty()) return *plan;
        throw InputError("the response", {"its contrast-planned extension has valueCode '" + code +
                                          "'; use yes, no or unknown"});
    }
    return ContrastPlan::Unknown;
}

nlohmann::json ignoredAnswersToJson(const ScreeningAnswers& answers, const std::string& language) {
    nlohmann::json out = nlohmann::json::array();
    const auto& instances = answers.instances();
    for (std::size_t i = 0; i < instances.size(); ++i) {
        const auto& node = *instances[i].node;
        if (answers.enabled(int(i)) || node.answers.empty()) continue;
        const Item& item = answers.form().items[std::size_t(instances[i].item)];
        nlohmann::json shown = nlohmann::json::array();
        for (const auto& ans : node.answers) shown.push_back(answerText(item, ans.value, language));
        out.push_back({{"linkId", node.linkId}, {"question", item.text.in(language)}, {"answers", shown}});
    }
    return out;
}

} // namespace mrscreen::screening
