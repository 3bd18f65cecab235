#include "screening/rules.h"

#include "screening/fhir_json.h"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <set>

namespace mrscreen::screening {

using nlohmann::json;

const char* severityName(Severity s) {
    switch (s) {
    case Severity::Stop: return "stop";
    case Severity::Review: return "review";
    case Severity::Info: return "info";
    }
    return "?";
}

const char* gateName(Gate g) { return g == Gate::Contrast ? "contrast" : "zone-iv"; }

std::optional<Gate> parseGate(const std::string& text) {
    if (text == "zone-iv") return Gate::ZoneIv;
    if (text == "contrast") return Gate::Contrast;
    return std::nullopt;
}

const char* contrastPlanName(ContrastPlan p) {
    switch (p) {
    case ContrastPlan::Yes: return "yes";
    case ContrastPlan::No: return "no";
    case ContrastPlan::Unknown: return "unknown";
    }
    return "unknown";
}

std::optional<ContrastPlan> parseContrastPlan(const std::string& text) {
    if (text == "yes") return ContrastPlan::Yes;
    if (text == "no") return ContrastPlan::No;
    if (text == "unknown" || text.empty()) return ContrastPlan::Unknown;
    return std::nullopt;
}

namespace {

const std::set<std::string> kCategories = {"implant",   "foreign-body", "renal",   "gadolinium",
                                           "pregnancy", "device",       "comfort", "other"};

// Calls onText(literal) and onName(name) for the parts of "text {name} text".
template <typename OnText, typename OnName>
void scanPlaceholders(const std::string& text, OnText&& onText, OnName&& onName) {
    std::size_t pos = 0;
    while (pos < text.size()) {
        const auto open = text.find('{', pos);
        const auto close = open == std::string::npos ? open : text.find('}', open);
        if (close == std::string::npos) {
            onText(text.substr(pos));
            return;
        }
        onText(text.substr(pos, open - pos));
        onName(text.substr(open + 1, close - open - 1));
        pos = close + 1;
    }
}

class RulesLoader {
public:
    RulesLoader(std::string source, const Questionnaire& form) : form_(form) {
        set_.source = std::move(source);
    }

    RuleSet load(const std::string& text) {
        json doc;
        try {
            doc = fhirjson::parseDocument(text, set_.source);
        } catch (const json::parse_error& e) {
            throw InputError(set_.source, {std::string("is not valid JSON: ") + e.what()});
        }
        if (!doc.is_object() || doc.value("mrscreenRules", 0) != 1)
            throw InputError(set_.source, {"is not an mrscreen rules file (it must start with "
                                           "\"mrscreenRules\": 1)"});
        static const std::set<std::string> known = {"mrscreenRules", "questionnaire", "languages",
                                                    "parameters", "rules", "description"};
        for (const auto& [key, v] : doc.items())
            if (!known.count(key)) problem("", "unknown element '" + key + "'");
        set_.questionnaire = textField(doc, "questionnaire", "");
        if (!set_.questionnaire.empty() && !form_.url.empty()) {
            // "url" or "url|version"; a version, when given, must be the form's.
            const auto bar = set_.questionnaire.find('|');
            const std::string url = set_.questionnaire.substr(0, bar);
            const std::string version = bar == std::string::npos ? "" : set_.questionnaire.substr(bar + 1);
            if (url != form_.url || (!version.empty() && version != form_.version))
                problem("", "is written for the form " + set_.questionnaire + " but the form is " +
                                form_.url + (form_.version.empty() ? "" : "|" + form_.version));
        }
        for (const auto& l : fhirjson::arrayAt(doc, "languages"))
            if (l.is_string()) set_.languages.push_back(l.get<std::string>());
        if (set_.languages.empty()) problem("", "'languages' must list the message languages");
        readParameters(doc.contains("parameters") ? doc["parameters"] : json::object());
        if (!doc.contains("rules") || !doc["rules"].is_array())
            problem("", "'rules' must be an array");
        else
            for (const auto& r : doc["rules"]) readRule(r);
        markCovered();
        if (!problems_.empty()) throw InputError(set_.source, problems_);
        return std::move(set_);
    }

private:
    const Questionnaire& form_;
    RuleSet set_;
    std::vector<std::string> problems_;
    std::set<std::string> ids_;

    void problem(const std::string& rule, const std::string& what) {
        problems_.push_back(rule.empty() ? what : "rule '" + rule + "': " + what);
    }

    void readParameters(const json& params) {
        if (!params.is_object()) {
            problem("", "'parameters' must be an object of name: {\"value\": number}");
            return;
        }
        for (const auto& [name, p] : params.items()) {
            Parameter param;
            if (p.is_number())
                param.value = p.get<double>();
            else if (p.is_object() && p.contains("value") && p["value"].is_number()) {
                param.value = p["value"].get<double>();
                param.description = p.value("description", "");
            } else {
                problem("", "parameter '" + name + "' needs a numeric \"value\"");
                continue;
            }
            set_.parameters[name] = param;
        }
    }

    void readRule(const json& r) {
        Rule rule;
        rule.id = r.is_object() ? textField(r, "id", "") : "";
        if (rule.id.empty()) {
            problem("", "a rule has no id");
            return;
        }
        if (!ids_.insert(rule.id).second) problem(rule.id, "the id is used by more than one rule");
        static const std::set<std::string> known = {"id", "category", "severity", "gates", "when",
                                                    "message", "description"};
        for (const auto& [key, v] : r.items())
            if (!known.count(key)) problem(rule.id, "unknown element '" + key + "'");
        rule.category = textField(r, "category", rule.id);
        if (!kCategories.count(rule.category))
            problem(rule.id, "category '" + rule.category + "' is not one of implant, "
                             "foreign-body, renal, gadolinium, pregnancy, device, comfort, other");
        const std::string severity = textField(r, "severity", rule.id);
        if (severity == "stop")
            rule.severity = Severity::Stop;
        else if (severity == "review")
            rule.severity = Severity::Review;
        else if (severity == "info")
            rule.severity = Severity::Info;
        else
            problem(rule.id, "severity '" + severity + "' is not one of stop, review, info");
        if (r.contains("gates")) {
            const std::string gate = textField(r, "gates", rule.id);
            if (auto g = parseGate(gate)) rule.gate = *g;
            else problem(rule.id, "gates '" + gate + "' is not one of zone-iv, contrast");
        }
        if (!r.contains("when"))
            problem(rule.id, "'when' (the condition) is missing");
        else
            rule.when = readCondition(r["when"], rule.id);
        const json& messages = fhirjson::objectAt(r, "message");
        for (const auto& lang : set_.languages) {
            if (!messages.contains(lang) || !messages[lang].is_string() ||
                messages[lang].get<std::string>().empty()) {
                problem(rule.id, "message has no '" + lang + "' text");
                continue;
            }
            rule.message[lang] = messages[lang].get<std::string>();
            checkPlaceholders(rule.id, rule.message[lang]);
        }
        set_.rules.push_back(std::move(rule));
    }

    void checkPlaceholders(const std::string& id, const std::string& text) {
        const auto& derived = DerivedValues::names();
        scanPlaceholders(text, [](const std::string&) {}, [&](const std::string& name) {
            if (std::find(derived.begin(), derived.end(), name) == derived.end() &&
                !set_.parameters.count(name))
                problem(id, "message placeholder {" + name + "} is neither a derived value nor a "
                            "parameter");
        });
    }

    // A field that must be text when present; anything else is a problem, not a crash.
    std::string textField(const json& obj, const char* key, const std::string& rule) {
        std::string error, text = fhirjson::textAt(obj, key, error);
        if (!error.empty()) problem(rule, error);
        return text;
    }

    Operator readOperator(const json& node, const std::string& id) {
        const std::string op = textField(node, "operator", id);
        if (auto parsed = parseOperator(op)) return *parsed;
        problem(id, "operator '" + op + "' is not one of exists, =, !=, >, <, >=, <=");
        return Operator::Exists;
    }

    int depth_ = 0; // of readCondition: `not` chains and all/any lists nest without end otherwise

    Condition readCondition(const json& node, const std::string& id) {
        Condition c;
        struct Depth {
            int& d;
            ~Depth() { --d; }
        } depth{++depth_};
        if (depth_ > kMaxNesting) {
            problem(id, "conditions are nested more than " + std::to_string(kMaxNesting) + " levels deep");
            return c;
        }
        if (!node.is_object()) {
            problem(id, "a condition must be an object");
            return c;
        }
        int kinds = 0;
        for (const char* k : {"all", "any", "not", "question", "derived", "answered", "setting"})
            kinds += node.contains(k) ? 1 : 0;
        if (kinds != 1) {
            problem(id, "a condition needs exactly one of all, any, not, question, derived, "
                        "answered, setting: " + node.dump());
            return c;
        }
        // A misspelt key must not be skipped: it could invert what the rule means.
        static const std::set<std::string> leafKeys = {"question", "derived", "operator",
                                                       "answer", "value", "parameter"};
        for (const auto& [key, v] : node.items()) {
            (void)v;
            const bool known = node.contains("question") || node.contains("derived")
                                   ? leafKeys.count(key) > 0
                               : node.contains("setting")
                                   ? key == "setting" || key == "operator" || key == "value"
                               : node.contains("answered")
                                   ? key == "answered" || key == "uncovered"
                                   : key == "all" || key == "any" || key == "not";
            if (!known && key != "description") problem(id, "unknown element '" + key + "' in a condition");
        }
        if (node.contains("all") || node.contains("any")) {
            const bool all = node.contains("all");
            c.kind = all ? Condition::Kind::All : Condition::Kind::Any;
            const json& list = node[all ? "all" : "any"];
            if (!list.is_array() || list.empty())
                problem(id, std::string("'") + (all ? "all" : "any") + "' needs a non-empty list");
            else
                for (const auto& child : list) c.children.push_back(readCondition(child, id));
        } else if (node.contains("not")) {
            c.kind = Condition::Kind::Not;
            c.children.push_back(readCondition(node["not"], id));
        } else if (node.contains("answered")) {
            c.kind = Condition::Kind::Answered;
            c.name = node["answered"].is_string() ? node["answered"].get<std::string>() : "";
            if (c.name.empty()) problem(id, "'answered' needs an answer code such as \"unsure\"");
            if (node.contains("uncovered")) {
                if (!node["uncovered"].is_boolean()) problem(id, "'uncovered' must be true or false");
                else c.uncovered = node["uncovered"].get<bool>();
            }
        } else if (node.contains("setting")) {
            readSettingLeaf(node, id, c);
        } else if (node.contains("question")) {
            readAnswerLeaf(node, id, c);
        } else {
            readDerivedLeaf(node, id, c);
        }
        return c;
    }

    void readAnswerLeaf(const json& node, const std::string& id, Condition& c) {
        c.kind = Condition::Kind::Answer;
        const std::string linkId = node["question"].is_string() ? node["question"].get<std::string>() : "";
        c.question = form_.indexOf(linkId);
        if (c.question < 0) {
            problem(id, "refers to unknown linkId '" + linkId + "'");
            return;
        }
        const Item& q = form_.items[std::size_t(c.question)];
        if (!isQuestion(q.type)) {
            problem(id, "'" + linkId + "' is a " + fhirName(q.type) + " item and has no answers");
            return;
        }
        c.op = readOperator(node, id);
        if (node.contains("parameter") && !node.contains("answer")) {
            // A site threshold compared with a numeric answer, e.g. prior doses >= 10.
            c.parameter = node["parameter"].is_string() ? node["parameter"].get<std::string>() : "";
            auto it = set_.parameters.find(c.parameter);
            if (q.type != ItemType::Decimal && q.type != ItemType::Integer)
                problem(id, "a parameter can only be compared with a number question, and '" +
                                linkId + "' is " + fhirName(q.type));
            else if (it == set_.parameters.end())
                problem(id, "unknown parameter '" + c.parameter + "'");
            else if (c.op == Operator::Exists)
                problem(id, "'exists' on '" + linkId + "' needs answer true or false");
            else
                c.value = Value::ofDecimal(it->second.value);
            return;
        }
        if (!node.contains("answer")) {
            problem(id, "the condition on '" + linkId + "' has no 'answer' (or 'parameter')");
            return;
        }
        const json& a = node["answer"];
        if (c.op == Operator::Exists) {
            if (!a.is_boolean())
                problem(id, "'exists' on '" + linkId + "' needs answer true or false");
            else
                c.value = Value::ofBoolean(a.get<bool>());
            return;
        }
        auto bad = [&](const std::string& want) {
            problem(id, "answer " + a.dump() + " for '" + linkId + "' (a " + fhirName(q.type) +
                            " question) must be " + want);
        };
        switch (q.type) {
        case ItemType::Boolean:
            if (!a.is_boolean()) return bad("true or false");
            c.value = Value::ofBoolean(a.get<bool>());
            break;
        case ItemType::Decimal:
        case ItemType::Integer:
            if (!a.is_number()) return bad("a number");
            c.value = q.type == ItemType::Integer && a.is_number_integer()
                          ? Value::ofInteger(a.get<std::int64_t>())
                          : Value::ofDecimal(a.get<double>());
            break;
        case ItemType::Date:
            if (!a.is_string() || !isFhirDate(a.get<std::string>())) return bad("a date YYYY-MM-DD");
            c.value = Value::ofDate(a.get<std::string>());
            break;
        case ItemType::DateTime:
            if (!a.is_string() || !isFhirDateTime(a.get<std::string>()))
                return bad("a dateTime YYYY-MM-DDThh:mm:ss+zz:zz");
            c.value = Value::ofDateTime(a.get<std::string>());
            break;
        case ItemType::Time:
            if (!a.is_string() || !isFhirTime(a.get<std::string>())) return bad("a time hh:mm:ss");
            c.value = Value::ofTime(a.get<std::string>());
            break;
        case ItemType::Choice:
        case ItemType::OpenChoice: {
            if (!a.is_string()) return bad("an answer code (a string)");
            const std::string code = a.get<std::string>();
            const AnswerOption* found = nullptr;
            for (const auto& o : q.options)
                if (o.value.type == ValueType::Coding && o.value.coding.code == code) found = &o;
            if (found)
                c.value = found->value;
            else if (q.type == ItemType::OpenChoice || (!q.options.empty() &&
                                                        q.options.front().value.type == ValueType::String))
                c.value = Value::ofString(code);
            else
                return bad("one of its answer codes");
            break;
        }
        default:
            if (!a.is_string()) return bad("a string");
            c.value = Value::ofString(a.get<std::string>());
            break;
        }
        if (c.op != Operator::Equal && c.op != Operator::NotEqual &&
            (c.value.type == ValueType::Coding || c.value.type == ValueType::Boolean))
            problem(id, std::string("operator '") + fhirName(c.op) + "' cannot order the answers of '" +
                            linkId + "'; use = or !=");
    }

    // A site parameter compared with a number: lets a site switch a rule on or off
    // ({"setting": "eye_exam_clears", "operator": "=", "value": 0}).
    void readSettingLeaf(const json& node, const std::string& id, Condition& c) {
        c.kind = Condition::Kind::Setting;
        c.parameter = node["setting"].is_string() ? node["setting"].get<std::string>() : "";
        if (!set_.parameters.count(c.parameter)) problem(id, "unknown parameter '" + c.parameter + "'");
        c.op = readOperator(node, id);
        if (c.op == Operator::Exists) problem(id, "a setting is always there; compare it with =, !=, <, >, <= or >=");
        if (!node.contains("value") || !node["value"].is_number())
            problem(id, "the setting '" + c.parameter + "' must be compared with a number 'value'");
        else
            c.value = Value::ofDecimal(node["value"].get<double>());
    }

    // Which items each rule tests for an answer code, for 'answered ... uncovered' catch-alls.
    static void answerLeaves(const Condition& c, const std::string& code, std::set<int>& out) {
        if (c.kind == Condition::Kind::Answer && c.value.type == ValueType::Coding && c.value.coding.code == code)
            out.insert(c.question);
        for (const auto& child : c.children) answerLeaves(child, code, out);
    }
    static void uncoveredLeaves(Condition& c, std::vector<Condition*>& out) {
        if (c.kind == Condition::Kind::Answered && c.uncovered) out.push_back(&c);
        for (auto& child : c.children) uncoveredLeaves(child, out);
    }
    void markCovered() {
        for (auto& rule : set_.rules) {
            std::vector<Condition*> leaves;
            uncoveredLeaves(rule.when, leaves);
            for (Condition* leaf : leaves) {
                std::set<int> covered;
                for (const auto& other : set_.rules)
                    if (&other != &rule) answerLeaves(other.when, leaf->name, covered);
                leaf->covered.assign(covered.begin(), covered.end());
            }
        }
    }

    void readDerivedLeaf(const json& node, const std::string& id, Condition& c) {
        c.kind = Condition::Kind::Derived;
        c.name = node["derived"].is_string() ? node["derived"].get<std::string>() : "";
        const auto& names = DerivedValues::names();
        if (std::find(names.begin(), names.end(), c.name) == names.end()) {
            std::string list;
            for (const auto& n : names) list += (list.empty() ? "" : ", ") + n;
            problem(id, "unknown derived value '" + c.name + "' (known: " + list + ")");
            return;
        }
        c.op = readOperator(node, id);
        if (node.contains("parameter")) {
            c.parameter = node["parameter"].is_string() ? node["parameter"].get<std::string>() : "";
            auto it = set_.parameters.find(c.parameter);
            if (it == set_.parameters.end()) {
                problem(id, "unknown parameter '" + c.parameter + "'");
                return;
            }
            c.value = Value::ofDecimal(it->second.value);
        } else if (node.contains("value")) {
            const json& v = node["value"];
            if (c.op == Operator::Exists) {
                if (!v.is_boolean()) problem(id, "'exists' on '" + c.name + "' needs value true or false");
                else c.value = Value::ofBoolean(v.get<bool>());
            } else if (!v.is_number()) {
                problem(id, "the value compared with '" + c.name + "' must be a number");
            } else {
                c.value = Value::ofDecimal(v.get<double>());
            }
        } else {
            problem(id, "the condition on '" + c.name + "' needs a 'value' or a 'parameter'");
        }
        if (c.op == Operator::Exists && !node.contains("value"))
            problem(id, "'exists' on '" + c.name + "' needs value true or false");
    }
};

class RuleEvaluator {
public:
    RuleEvaluator(const ScreeningAnswers& a, const DerivedValues& d, const RuleSet& rules)
        : a_(a), d_(d), rules_(rules) {}

    // Collects triggers only where they explain a true result (not under 'not').
    bool holds(const Condition& c, std::vector<Trigger>* triggers) {
        switch (c.kind) {
        case Condition::Kind::All: {
            std::vector<Trigger> local;
            for (const auto& child : c.children)
                if (!holds(child, triggers ? &local : nullptr)) return false;
            if (triggers) triggers->insert(triggers->end(), local.begin(), local.end());
            return true;
        }
        case Condition::Kind::Any: {
            bool any = false;
            for (const auto& child : c.children) any = holds(child, triggers) || any;
            return any;
        }
        case Condition::Kind::Not: return !holds(c.children.front(), nullptr);
        case Condition::Kind::Answer: return answerHolds(c, triggers);
        case Condition::Kind::Derived: return derivedHolds(c, triggers);
        case Condition::Kind::Answered: return answeredHolds(c, triggers);
        case Condition::Kind::Setting: return settingHolds(c);
        }
        return false;
    }

private:
    const ScreeningAnswers& a_;
    const DerivedValues& d_;
    const RuleSet& rules_;

    bool settingHolds(const Condition& c) const {
        const auto it = rules_.parameters.find(c.parameter);
        if (it == rules_.parameters.end()) return false;
        EnableWhen ew{"", -1, c.op, c.value};
        const Value v = Value::ofDecimal(it->second.value);
        return enableWhenHolds(ew, {&v});
    }

    bool answerHolds(const Condition& c, std::vector<Trigger>* triggers) {
        EnableWhen ew{"", c.question, c.op, c.value};
        const bool holds = holdsOver(ew, [&](auto&& visit) { return a_.anyAnswer(c.question, visit); });
        if (!holds) return false;
        if (triggers) {
            const auto answers = a_.answersOf(c.question);
            Trigger t;
            t.linkId = a_.form().items[std::size_t(c.question)].linkId;
            for (const Value* v : answers) {
                const bool matching = c.op == Operator::Equal ? valuesEqual(*v, c.value)
                                      : c.op == Operator::Exists || c.op == Operator::NotEqual
                                          ? true
                                          : enableWhenHolds(ew, {v});
                if (matching) t.answers.push_back(v->toText());
            }
            triggers->push_back(std::move(t));
        }
        return true;
    }

    bool derivedHolds(const Condition& c, std::vector<Trigger>* triggers) {
        const auto value = d_.get(c.name);
        bool result = false;
        if (c.op == Operator::Exists)
            result = value.has_value() == c.value.boolean;
        else if (value) {
            EnableWhen ew{"", -1, c.op, c.value};
            const Value v = Value::ofDecimal(*value);
            result = enableWhenHolds(ew, {&v});
        }
        if (result && triggers) {
            Trigger t;
            t.derived = c.name;
            t.value = value;
            triggers->push_back(t);
        }
        return result;
    }

    bool answeredHolds(const Condition& c, std::vector<Trigger>* triggers) {
        bool any = false;
        const auto& instances = a_.instances();
        for (std::size_t i = 0; i < instances.size(); ++i) {
            bool here = false;
            for (const auto& ans : instances[i].node->answers)
                here = here || (ans.invalid.empty() && ans.value.type == ValueType::Coding &&
                                ans.value.coding.code == c.name);
            if (!here || !a_.enabled(int(i))) continue;
            if (c.uncovered && std::binary_search(c.covered.begin(), c.covered.end(), instances[i].item)) continue;
            any = true;
            if (!triggers) break;
            const std::string& linkId = instances[i].node->linkId;
            const bool seen = std::any_of(triggers->begin(), triggers->end(),
                                          [&](const Trigger& t) { return t.linkId == linkId; });
            if (!seen) triggers->push_back({linkId, {c.name}, "", std::nullopt});
        }
        return any;
    }
};

// Whole years and days as integers; other values to two decimals with trailing zeros dropped, so
// a value just over a threshold never prints as the threshold itself (200.03 kg, not 200.0 kg).
std::string formatNumber(double v, const std::string& name) {
    char buf[32];
    if (name == "age" || name == "lab_age_days") {
        std::snprintf(buf, sizeof buf, "%.0f", std::floor(v));
        return buf;
    }
    std::snprintf(buf, sizeof buf, "%.2f", v);
    std::string s = buf;
    while (s.back() == '0') s.pop_back();
    if (s.back() == '.') s.pop_back();
    return s;
}

std::string fillMessage(const std::string& text, const RuleSet& rules, const DerivedValues& d) {
    std::string out;
    scanPlaceholders(text, [&](const std::string& literal) { out += literal; },
                     [&](const std::string& name) {
                         if (auto p = rules.parameters.find(name); p != rules.parameters.end())
                             out += formatNumber(p->second.value, name);
                         else if (auto v = d.get(name))
                             out += formatNumber(*v, name);
                         else
                             out += "(unknown)";
                     });
    return out;
}

} // namespace

RuleSet loadRules(const std::string& jsonText, const std::string& source, const Questionnaire& form) {
    try {
        return RulesLoader(source, form).load(jsonText);
    } catch (const json::exception& e) {
        throw InputError(source, {std::string("has a value of the wrong JSON type: ") + e.what()});
    }
}

json triggersToJson(const std::vector<Trigger>& triggers) {
    json out = json::array();
    for (const auto& t : triggers) {
        if (!t.linkId.empty())
            out.push_back({{"linkId", t.linkId}, {"answers", t.answers}});
        else
            out.push_back({{"derived", t.derived}, {"value", t.value ? json(*t.value) : json(nullptr)}});
    }
    return out;
}

std::vector<Flag> applyRules(const RuleSet& rules, const ScreeningAnswers& answers,
                             const DerivedValues& derived, const std::string& language, ContrastPlan contrast) {
    std::vector<Flag> flags;
    RuleEvaluator eval(answers, derived, rules);
    for (const auto& rule : rules.rules) {
        Flag f;
        std::vector<Trigger> triggers;
        if (!eval.holds(rule.when, &triggers)) continue;
        // One trigger per question or derived value, even when several leaves test it.
        for (auto& t : triggers) {
            auto same = std::find_if(f.triggers.begin(), f.triggers.end(), [&](const Trigger& x) {
                return x.linkId == t.linkId && x.derived == t.derived;
            });
            if (same == f.triggers.end()) f.triggers.push_back(std::move(t));
        }
        f.id = rule.id;
        f.category = rule.category;
        f.severity = rule.severity;
        f.gate = rule.gate;
        // A contrast risk is information only when the exam uses no contrast.
        if (rule.gate == Gate::Contrast && contrast == ContrastPlan::No) f.severity = Severity::Info;
        auto msg = rule.message.find(language);
        if (msg == rule.message.end()) msg = rule.message.find(rules.languages.front());
        if (msg != rule.message.end()) f.message = fillMessage(msg->second, rules, derived);
        flags.push_back(std::move(f));
    }
    return flags;
}

} // namespace mrscreen::screening
