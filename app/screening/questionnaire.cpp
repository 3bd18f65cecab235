#include "screening/questionnaire.h"

#include "screening/contained_value_sets.h"
#include "screening/fhir_json.h"
#include "screening/form_extensions.h"

#include <algorithm>
#include <functional>
#include <set>

namespace mrscreen::screening {

using nlohmann::json;

// [SECTION] small types

const std::string& LocalText::in(const std::string& language) const {
    auto it = translations.find(language);
    return it == translations.end() ? base : it->second;
}

const char* fhirName(ItemType type) {
    switch (type) {
    case ItemType::Group: return "group";
    case ItemType::Display: return "display";
    case ItemType::Boolean: return "boolean";
    case ItemType::Decimal: return "decimal";
    case ItemType::Integer: return "integer";
    case ItemType::Date: return "date";
    case ItemType::DateTime: return "dateTime";
    case ItemType::Time: return "time";
    case ItemType::String: return "string";
    case ItemType::Text: return "text";
    case ItemType::Choice: return "choice";
    case ItemType::OpenChoice: return "open-choice";
    }
    return "?";
}

bool isQuestion(ItemType type) { return type != ItemType::Group && type != ItemType::Display; }

const char* fhirName(Operator op) {
    switch (op) {
    case Operator::Exists: return "exists";
    case Operator::Equal: return "=";
    case Operator::NotEqual: return "!=";
    case Operator::Greater: return ">";
    case Operator::Less: return "<";
    case Operator::GreaterOrEqual: return ">=";
    case Operator::LessOrEqual: return "<=";
    }
    return "?";
}

std::optional<Operator> parseOperator(const std::string& text) {
    static const std::pair<const char*, Operator> table[] = {
        {"exists", Operator::Exists}, {"=", Operator::Equal},           {"!=", Operator::NotEqual},
        {">", Operator::Greater},     {"<", Operator::Less},            {">=", Operator::GreaterOrEqual},
        {"<=", Operator::LessOrEqual}};
    for (const auto& [name, op] : table)
        if (text == name) return op;
    return std::nullopt;
}

bool Item::hasCode(const std::string& system, const std::string& code) const {
    return std::any_of(codes.begin(), codes.end(),
                       [&](const Coding& c) { return c.system == system && c.code == code; });
}

const AnswerOption* Item::option(const Value& v) const {
    for (const auto& o : options)
        if (valuesEqual(o.value, v)) return &o;
    return nullptr;
}

const Item* Questionnaire::find(const std::string& linkId) const {
    const int i = indexOf(linkId);
    return i < 0 ? nullptr : &items[std::size_t(i)];
}

int Questionnaire::indexOf(const std::string& linkId) const {
    auto it = byLinkId.find(linkId);
    return it == byLinkId.end() ? -1 : it->second;
}

const std::vector<int>& Questionnaire::itemsWithCode(const std::string& system,
                                                      const std::string& code) const {
    static const std::vector<int> none;
    auto it = byCode.find(system + "|" + code);
    return it == byCode.end() ? none : it->second;
}

bool Questionnaire::supportsLanguage(const std::string& lang) const {
    return std::find(languages.begin(), languages.end(), lang) != languages.end();
}

static std::string joinProblems(const std::string& source, const std::vector<std::string>& problems) {
    std::string out = source + ": ";
    if (problems.size() == 1) return out + problems.front();
    out += std::to_string(problems.size()) + " problems:";
    // A broken file can have thousands: the first ones say what is wrong, the count how badly.
    const std::size_t shown = std::min(problems.size(), kMaxProblemsShown);
    for (std::size_t i = 0; i < shown; ++i) out += "\n  - " + problems[i];
    if (shown < problems.size()) out += "\n  ... and " + std::to_string(problems.size() - shown) + " more";
    return out;
}

InputError::InputError(const std::string& source, std::vector<std::string> problems)
    : std::runtime_error(joinProblems(source, problems)), problems_(std::move(problems)) {}

// [SECTION] extension lists

namespace {

const std::string kHl7 = "http://hl7.org/fhir/StructureDefinition/";
const std::string kTranslation = kHl7 + "translation";
const std::string kMinValue = kHl7 + "minValue";
const std::string kMaxValue = kHl7 + "maxValue";
const std::string kUnit = kHl7 + "questionnaire-unit";
const std::string kEntryFormat = kHl7 + "entryFormat";
const std::string kItemControl = kHl7 + "questionnaire-itemControl";
const std::string kHidden = kHl7 + "questionnaire-hidden";
const std::string kItemControlSystem = "http://hl7.org/fhir/questionnaire-item-control";
const std::string kMrscreenItemControlSystem = "http://mrscreen.org/fhir/CodeSystem/item-control";

const std::set<std::string> kSupportedTypes = {"group", "display", "boolean", "decimal", "integer",
                                               "date", "dateTime", "time", "string", "text",
                                               "choice", "open-choice"};

ItemType toItemType(const std::string& s) {
    static const std::pair<const char*, ItemType> table[] = {
        {"group", ItemType::Group},       {"display", ItemType::Display},
        {"boolean", ItemType::Boolean},   {"decimal", ItemType::Decimal},
        {"integer", ItemType::Integer},   {"date", ItemType::Date},
        {"dateTime", ItemType::DateTime}, {"time", ItemType::Time},
        {"string", ItemType::String},     {"text", ItemType::Text},
        {"choice", ItemType::Choice},     {"open-choice", ItemType::OpenChoice}};
    for (const auto& [name, type] : table)
        if (s == name) return type;
    return ItemType::Display;
}

// The value[x] type a question of this type answers with.
std::optional<ValueType> answerTypeOf(ItemType t) {
    switch (t) {
    case ItemType::Boolean: return ValueType::Boolean;
    case ItemType::Decimal: return ValueType::Decimal;
    case ItemType::Integer: return ValueType::Integer;
    case ItemType::Date: return ValueType::Date;
    case ItemType::DateTime: return ValueType::DateTime;
    case ItemType::Time: return ValueType::Time;
    case ItemType::String:
    case ItemType::Text: return ValueType::String;
    default: return std::nullopt; // choice: depends on the options
    }
}

// Identical lines (one extension repeated on one item, say) are listed once, where the first one
// was, with how many more there were: "... (and 7 more like it)".
std::vector<std::string> collapseRepeats(const std::vector<std::string>& lines) {
    std::map<std::string, std::size_t> count;
    std::vector<std::string> firsts;
    for (const auto& line : lines)
        if (count[line]++ == 0) firsts.push_back(line);
    std::vector<std::string> out;
    for (const auto& line : firsts) {
        const std::size_t more = count[line] - 1;
        out.push_back(more == 0 ? line : line + " (and " + std::to_string(more) + " more like it)");
    }
    return out;
}

class Loader {
public:
    explicit Loader(std::string source) { q_.source = std::move(source); }

    Questionnaire load(const std::string& text) {
        json doc;
        try {
            doc = fhirjson::parseDocument(text, q_.source);
        } catch (const json::parse_error& e) {
            throw InputError(q_.source, {std::string("is not valid JSON: ") + e.what()});
        }
        if (!doc.is_object() || doc.value("resourceType", "") != "Questionnaire")
            throw InputError(q_.source, {"is not a FHIR Questionnaire (resourceType must be "
                                         "\"Questionnaire\")"});
        readTop(doc);
        if (doc.contains("item")) {
            if (!doc["item"].is_array())
                problem("", "'item' must be an array");
            else
                for (const auto& child : doc["item"]) q_.roots.push_back(readItem(child, -1));
        }
        if (q_.roots.empty()) problem("", "the form has no items");
        // Every check runs, so one refusal lists every problem the author must fix.
        resolveEnableWhen();
        findLoops();
        checkTranslations();
        if (!problems_.empty()) throw InputError(q_.source, collapseRepeats(problems_));
        q_.warnings = collapseRepeats(q_.warnings);
        return std::move(q_);
    }

private:
    Questionnaire q_;
    std::vector<std::string> problems_;
    std::set<std::string> translationLanguages_;
    // Raw enableWhen entries, checked once every linkId is known.
    std::vector<std::pair<int, json>> pendingEnableWhen_;
    std::map<std::string, ContainedValueSet> valueSets_; // answerValueSet "#id"
    // Items whose type mrscreen does not support: already refused, so checks that depend on the
    // type (read as display) say nothing more about them.
    std::set<int> unsupportedType_;

    void problem(const std::string& linkId, const std::string& what) {
        problems_.push_back(linkId.empty() ? what : "item '" + linkId + "': " + what);
    }
    void warn(const std::string& linkId, const std::string& what) {
        q_.warnings.push_back(q_.source + ": " + (linkId.empty() ? "" : "item '" + linkId + "': ") +
                              what);
    }

    // An extension the loader does not read: skipped with a warning when it only changes how the
    // form looks or only describes it, refused with the reason otherwise. `on`: " on <where>".
    void otherExtension(const std::string& linkId, const std::string& url, const std::string& on) {
        if (isPresentationOnly(url))
            warn(linkId, "skipped presentation-only extension " + url + on);
        else if (isMetadataOnly(url))
            warn(linkId, "skipped metadata-only extension " + url + on);
        else
            problem(linkId, "extension " + url + on + " is not supported: " + whyUnsupported(url));
    }

    void readTop(const json& doc) {
        static const std::set<std::string> metadata = {
            "resourceType", "id", "meta", "language", "text", "extension", "modifierExtension",
            "url", "identifier", "version", "name", "title", "derivedFrom", "status",
            "experimental", "subjectType", "date", "publisher", "contact", "description",
            "useContext", "jurisdiction", "purpose", "copyright", "approvalDate", "lastReviewDate",
            "effectivePeriod", "code", "item", "contained", "implicitRules"};
        for (const auto& [key, value] : doc.items()) {
            if (key.size() > 1 && key[0] == '_') {
                if (!metadata.count(key.substr(1)))
                    problem("", "unknown element '" + key + "'");
                else if (key != "_title")
                    checkPrimitiveExtensions("", key, value);
                continue;
            }
            if (!metadata.count(key)) problem("", "unknown element '" + key + "'");
        }
        if (doc.contains("implicitRules"))
            problem("", "'implicitRules' changes how the form must be read; mrscreen refuses it");
        if (doc.contains("contained")) {
            std::vector<std::string> warnings;
            valueSets_ = readContainedValueSets(doc["contained"], problems_, warnings);
            for (const auto& w : warnings) warn("", w);
        }
        checkModifierExtensions("", doc);
        for (const auto& ext : fhirjson::arrayAt(doc, "extension")) otherExtension("", ext.value("url", ""), "");
        q_.id = textField(doc, "id", "");
        q_.url = textField(doc, "url", "");
        q_.version = textField(doc, "version", "");
        q_.name = textField(doc, "name", "");
        q_.status = textField(doc, "status", "");
        static const std::set<std::string> statuses = {"draft", "active", "retired", "unknown"};
        if (q_.status.empty())
            problem("", "'status' is required (draft, active, retired, unknown)");
        else if (!statuses.count(q_.status))
            problem("", "'status' is '" + q_.status + "'; it must be draft, active, retired or unknown");
        if (doc.contains("language")) q_.language = textField(doc, "language", "");
        q_.title = readLocalText(doc, "title", "");
    }

    static std::string str(const json& obj, const char* key) {
        auto it = obj.find(key);
        return it != obj.end() && it->is_string() ? it->get<std::string>() : std::string();
    }

    // A field that must be text when present; anything else is a problem, not a crash.
    std::string textField(const json& obj, const char* key, const std::string& linkId) {
        std::string error, text = fhirjson::textAt(obj, key, error);
        if (!error.empty()) problem(linkId, error);
        return text;
    }

    bool boolField(const json& obj, const char* key, const std::string& linkId) {
        auto it = obj.find(key);
        if (it == obj.end()) return false;
        if (!it->is_boolean()) {
            problem(linkId, std::string("'") + key + "' must be true or false, not " + it->dump());
            return false;
        }
        return it->get<bool>();
    }

    void checkModifierExtensions(const std::string& linkId, const json& obj) {
        auto it = obj.find("modifierExtension");
        if (it == obj.end()) return;
        for (const auto& ext : *it)
            problem(linkId, "unknown modifierExtension " + ext.value("url", std::string("(no url)")) +
                                ": FHIR requires a reader to refuse a resource it cannot "
                                "understand");
    }

    // Extensions on a primitive's "_x" companion: translations are read elsewhere; presentation
    // extensions are skipped with a warning; anything else is refused.
    void checkPrimitiveExtensions(const std::string& linkId, const std::string& key, const json& obj) {
        if (!obj.is_object()) return;
        checkModifierExtensions(linkId, obj);
        auto it = obj.find("extension");
        if (it == obj.end()) return;
        for (const auto& ext : *it) {
            const std::string url = ext.value("url", "");
            if (url != kTranslation) otherExtension(linkId, url, " on " + key);
        }
    }

    LocalText readLocalText(const json& obj, const std::string& key, const std::string& linkId) {
        LocalText t;
        t.base = str(obj, key.c_str());
        auto it = obj.find("_" + key);
        if (it == obj.end()) return t;
        checkPrimitiveExtensions(linkId, "_" + key, *it);
        for (const auto& ext : fhirjson::arrayAt(*it, "extension")) {
            if (ext.value("url", "") != kTranslation) continue;
            std::string lang, content;
            for (const auto& part : fhirjson::arrayAt(ext, "extension")) {
                if (part.value("url", "") == "lang") lang = str(part, "valueCode");
                if (part.value("url", "") == "content") content = str(part, "valueString");
            }
            if (lang.empty() || content.empty()) {
                problem(linkId, "a translation of '" + key + "' needs both 'lang' and 'content'");
                continue;
            }
            t.translations[lang] = content;
            translationLanguages_.insert(lang);
        }
        return t;
    }

    int readItem(const json& node, int parent, int depth = 0) {
        const int index = int(q_.items.size());
        if (depth >= kMaxNesting) {
            problem(q_.items[std::size_t(parent)].linkId,
                    "items are nested more than " + std::to_string(kMaxNesting) + " levels deep");
            q_.items.emplace_back();
            q_.items.back().subtreeEnd = index + 1;
            q_.items.back().parent = parent;
            return index;
        }
        q_.items.emplace_back();
        std::string linkId = node.is_object() ? textField(node, "linkId", "") : std::string();
        if (!node.is_object() || linkId.empty()) {
            problem("", "an item has no linkId" +
                            (parent >= 0 ? " (under '" + q_.items[std::size_t(parent)].linkId + "')"
                                         : std::string()));
            q_.items[std::size_t(index)].subtreeEnd = index + 1;
            return index;
        }
        if (!q_.byLinkId.emplace(linkId, index).second)
            problem(linkId, "linkId is used by more than one item");

        Item item;
        item.linkId = linkId;
        item.parent = parent;
        static const std::set<std::string> known = {
            "id", "linkId", "definition", "code", "prefix", "text", "type", "enableWhen",
            "enableBehavior", "required", "repeats", "readOnly", "maxLength", "answerOption",
            "item", "extension", "modifierExtension", "_text", "_prefix", "answerValueSet",
            "initial"};
        for (const auto& [key, value] : node.items())
            if (!known.count(key)) problem(linkId, "unknown element '" + key + "'");
        checkModifierExtensions(linkId, node);
        if (node.contains("initial"))
            problem(linkId, "'initial' answers are not supported: a safety form must not answer "
                            "for the patient");

        const std::string type = textField(node, "type", linkId);
        if (type.empty())
            problem(linkId, "'type' is missing");
        else if (!kSupportedTypes.count(type))
            problem(linkId, "type '" + type + "' is outside mrscreen's supported subset (group, "
                            "display, boolean, decimal, integer, date, dateTime, time, string, "
                            "text, choice, open-choice)");
        item.type = toItemType(type);
        const bool typeKnown = kSupportedTypes.count(type) > 0;
        if (!typeKnown) unsupportedType_.insert(index);
        item.text = readLocalText(node, "text", linkId);
        if (node.contains("_prefix")) checkPrimitiveExtensions(linkId, "_prefix", node["_prefix"]);
        for (const auto& c : fhirjson::arrayAt(node, "code")) {
            item.codes.push_back({str(c, "system"), str(c, "code"), str(c, "display")});
            q_.byCode[item.codes.back().system + "|" + item.codes.back().code].push_back(index);
        }
        item.required = boolField(node, "required", linkId);
        item.repeats = boolField(node, "repeats", linkId);
        item.readOnly = boolField(node, "readOnly", linkId);
        if (node.contains("maxLength")) {
            if (!node["maxLength"].is_number_integer() || node["maxLength"].get<int>() < 1)
                problem(linkId, "maxLength must be a positive integer");
            else if (typeKnown && item.type != ItemType::String && item.type != ItemType::Text &&
                     item.type != ItemType::OpenChoice && item.type != ItemType::Integer &&
                     item.type != ItemType::Decimal)
                problem(linkId, "maxLength applies only to string, text, open-choice, integer and "
                                "decimal items");
            else if (typeKnown) // an unsupported type is refused already
                item.maxLength = node["maxLength"].get<int>();
        }
        if (typeKnown && item.type == ItemType::Display && (item.required || item.repeats))
            problem(linkId, "a display item cannot be required or repeat");

        readExtensions(node, item, typeKnown);
        if (typeKnown) {
            readOptions(node, item);
            readAnswerValueSet(node, item);
        }

        const std::string behavior = textField(node, "enableBehavior", linkId);
        if (behavior == "any")
            item.enableAll = false;
        else if (!behavior.empty() && behavior != "all")
            problem(linkId, "enableBehavior must be 'all' or 'any', not '" + behavior + "'");
        if (node.contains("enableWhen")) {
            const auto& list = node["enableWhen"];
            if (!list.is_array() || list.empty())
                problem(linkId, "enableWhen must be a non-empty array");
            else {
                if (list.size() > 1 && behavior.empty())
                    problem(linkId, "enableBehavior ('all' or 'any') is required when there is "
                                    "more than one enableWhen");
                for (const auto& ew : list) pendingEnableWhen_.emplace_back(index, ew);
            }
        }

        q_.items[std::size_t(index)] = std::move(item);
        const bool hasChildren = node.contains("item") && !node["item"].empty();
        if (q_.items[std::size_t(index)].type == ItemType::Group && !hasChildren)
            problem(linkId, "a group must contain items");
        if (typeKnown && q_.items[std::size_t(index)].type == ItemType::Display && hasChildren)
            problem(linkId, "a display item cannot contain items");
        if (hasChildren)
            for (const auto& child : node["item"]) {
                const int c = readItem(child, index, depth + 1);
                q_.items[std::size_t(index)].children.push_back(c);
            }
        q_.items[std::size_t(index)].subtreeEnd = int(q_.items.size());
        return index;
    }

    // Reads value[x] of `node` ("value" or "answer" prefix) as the given kind of FHIR value.
    std::optional<Value> readTypedValue(const json& node, const std::string& prefix,
                                        const std::string& linkId, const std::string& what) {
        std::optional<Value> found;
        for (const auto& [key, v] : node.items()) {
            if (key.rfind(prefix, 0) != 0 || key.size() == prefix.size()) continue;
            if (found) {
                problem(linkId, what + " has more than one " + prefix + "[x]");
                return std::nullopt;
            }
            std::string err;
            found = fhirjson::parseValue(prefix, key.substr(prefix.size()), v, err, true); // the author's value
            if (!found) {
                problem(linkId, what + ": " + err);
                return std::nullopt;
            }
        }
        if (!found) problem(linkId, what + " has no " + prefix + "[x]");
        return found;
    }

    // answerValueSet "#id": the codes of a contained ValueSet become the answer options. Anything
    // else names a ValueSet only a terminology server can expand.
    void readAnswerValueSet(const json& node, Item& item) {
        if (!node.contains("answerValueSet")) return;
        const std::string ref = textField(node, "answerValueSet", item.linkId);
        if (ref.empty() || ref[0] != '#') {
            problem(item.linkId, "answerValueSet needs a terminology server to expand '" + ref +
                                     "', which a kiosk does not have; list the answers with answerOption "
                                     "or in a contained ValueSet");
            return;
        }
        if (item.type != ItemType::Choice && item.type != ItemType::OpenChoice) {
            problem(item.linkId, std::string("answerValueSet is allowed only on choice and open-choice "
                                             "items, not on a ") + fhirName(item.type) + " item");
            return;
        }
        if (node.contains("answerOption")) {
            problem(item.linkId, "has both answerOption and answerValueSet; FHIR allows one or the other");
            return;
        }
        const auto vs = valueSets_.find(ref.substr(1));
        if (vs == valueSets_.end()) {
            problem(item.linkId, "answerValueSet '" + ref + "' names no contained ValueSet");
            return;
        }
        if (!vs->second.usable) return; // its own problems are listed once, under its id
        for (const auto& code : vs->second.codes) {
            AnswerOption o;
            o.value = Value::ofCoding(code.coding);
            o.display.base = code.coding.display.empty() ? code.coding.code : code.coding.display;
            for (const auto& [lang, text] : code.translations) {
                if (lang == q_.language) continue;
                o.display.translations[lang] = text;
                translationLanguages_.insert(lang);
            }
            item.options.push_back(std::move(o));
        }
    }

    void readOptions(const json& node, Item& item) {
        if (!node.contains("answerOption")) {
            if (item.type == ItemType::Choice && !node.contains("answerValueSet"))
                problem(item.linkId, "a choice item needs answerOption");
            return;
        }
        static const std::set<ItemType> allowed = {ItemType::Choice, ItemType::OpenChoice,
                                                   ItemType::Integer, ItemType::Date,
                                                   ItemType::Time, ItemType::String};
        if (!allowed.count(item.type)) {
            problem(item.linkId, std::string("answerOption is not allowed on a ") +
                                     fhirName(item.type) + " item");
            return;
        }
        for (const auto& opt : node["answerOption"]) {
            for (const auto& [key, v] : opt.items()) {
                (void)v;
                if (key == "initialSelected")
                    problem(item.linkId, "initialSelected is not supported: a safety form must "
                                         "not answer for the patient");
                else if (key == "modifierExtension")
                    checkModifierExtensions(item.linkId, opt);
                else if (key == "extension") {
                    for (const auto& ext : opt["extension"])
                        otherExtension(item.linkId, ext.value("url", ""), " on an answerOption");
                } else if (key.rfind("value", 0) != 0)
                    problem(item.linkId, "unknown element '" + key + "' in answerOption");
            }
            auto value = readTypedValue(opt, "value", item.linkId, "an answerOption");
            if (!value) continue;
            const auto expected = answerTypeOf(item.type);
            if (expected && *expected != value->type) {
                problem(item.linkId, std::string("answerOption value") + fhirSuffix(value->type) +
                                         " does not fit an item of type " + fhirName(item.type));
                continue;
            }
            AnswerOption o;
            o.value = *value;
            if (value->type == ValueType::Coding) {
                if (value->coding.code.empty())
                    problem(item.linkId, "an answerOption coding has no code");
                o.display = readLocalText(opt["valueCoding"], "display", item.linkId);
                if (o.display.base.empty()) o.display.base = value->coding.code;
            } else {
                o.display.base = value->toText();
            }
            if (item.option(o.value))
                problem(item.linkId, "answerOption '" + value->toText() + "' is listed twice");
            item.options.push_back(std::move(o));
        }
    }

    // `typeKnown` false: the item's type is refused, so extensions that depend on it are not
    // checked against it; unknown extensions are still named.
    void readExtensions(const json& node, Item& item, bool typeKnown) {
        for (const auto& ext : fhirjson::arrayAt(node, "extension")) {
            const std::string url = ext.value("url", "");
            if (!typeKnown && (url == kMinValue || url == kMaxValue || url == kUnit)) {
                continue;
            } else if (url == kMinValue || url == kMaxValue) {
                readLimit(ext, item, url == kMinValue);
            } else if (url == kUnit) {
                if (item.type != ItemType::Decimal && item.type != ItemType::Integer)
                    problem(item.linkId, "questionnaire-unit applies only to decimal and integer "
                                         "items");
                else if (!ext.contains("valueCoding"))
                    problem(item.linkId, "questionnaire-unit needs a valueCoding");
                else
                    item.unit = Coding{str(ext["valueCoding"], "system"),
                                       str(ext["valueCoding"], "code"),
                                       str(ext["valueCoding"], "display")};
            } else if (url == kEntryFormat) {
                item.entryFormat = textField(ext, "valueString", item.linkId);
            } else if (url == kHidden) {
                item.hidden = boolField(ext, "valueBoolean", item.linkId);
            } else if (url == kItemControl) {
                readItemControl(ext, item);
            } else {
                otherExtension(item.linkId, url, "");
            }
        }
    }

    void readLimit(const json& ext, Item& item, bool isMin) {
        const char* name = isMin ? "minValue" : "maxValue";
        const auto expected = answerTypeOf(item.type);
        if (!expected || *expected == ValueType::Boolean || *expected == ValueType::String) {
            problem(item.linkId, std::string(name) + " does not apply to a " +
                                     fhirName(item.type) + " item");
            return;
        }
        auto v = readTypedValue(ext, "value", item.linkId, name);
        if (!v) return;
        const bool fits = v->type == *expected ||
                          (*expected == ValueType::Decimal && v->type == ValueType::Integer);
        if (!fits) {
            problem(item.linkId, std::string(name) + " is value" + fhirSuffix(v->type) +
                                     " but the item is " + fhirName(item.type));
            return;
        }
        (isMin ? item.minValue : item.maxValue) = *v;
        if (item.minValue && item.maxValue) {
            auto c = compareValues(*item.minValue, *item.maxValue);
            if (c && *c > 0) problem(item.linkId, "minValue is greater than maxValue");
        }
    }

    void readItemControl(const json& ext, Item& item) {
        static const std::set<std::string> hl7Codes = {
            "group", "list", "table", "htable", "gtable", "atable", "header", "footer",
            "inline", "prompt", "unit", "lower", "upper", "flyover", "help", "legal",
            "autocomplete", "drop-down", "check-box", "lookup", "radio-button", "slider",
            "spinner", "text-box", "page"};
        const json& coding = fhirjson::arrayAt(fhirjson::objectAt(ext, "valueCodeableConcept"), "coding");
        for (const auto& c : coding) {
            const std::string system = str(c, "system"), code = str(c, "code");
            if ((system == kItemControlSystem && hl7Codes.count(code)) ||
                (system == kMrscreenItemControlSystem &&
                 (code == "body-map" || code == "signature" || code == "checklist"))) {
                item.itemControl = code;
                return;
            }
        }
        // The control is presentation only: an unknown one falls back to the default widget.
        warn(item.linkId, "unknown itemControl; the default control is used");
    }

    void resolveEnableWhen() {
        for (auto& [index, node] : pendingEnableWhen_) {
            Item& item = q_.items[std::size_t(index)];
            if (!node.is_object()) {
                problem(item.linkId, "an enableWhen entry must be an object");
                continue;
            }
            checkModifierExtensions(item.linkId, node);
            std::string answerKey;
            for (const auto& [key, v] : node.items()) {
                (void)v;
                if (key.rfind("answer", 0) == 0 && key.size() > 6)
                    answerKey = key;
                else if (key == "extension")
                    for (const auto& ext : node["extension"])
                        problem(item.linkId, "extension " + ext.value("url", std::string("(no url)")) +
                                                 " on an enableWhen is not supported: " +
                                                 whyUnsupported(ext.value("url", std::string())));
                else if (key != "question" && key != "operator" && key != "id" && key != "modifierExtension")
                    problem(item.linkId, "unknown element '" + key + "' in enableWhen");
            }
            const std::string question = textField(node, "question", item.linkId);
            const int target = q_.indexOf(question);
            if (target < 0) {
                problem(item.linkId, "enableWhen refers to unknown linkId '" + question + "'");
                continue;
            }
            if (target == index) {
                problem(item.linkId, "enableWhen refers to the item itself");
                continue;
            }
            const Item& source = q_.items[std::size_t(target)];
            if (unsupportedType_.count(target)) continue; // its type is refused already
            if (!isQuestion(source.type)) {
                problem(item.linkId, "enableWhen refers to '" + question + "', a " +
                                         fhirName(source.type) + " item that has no answers");
                continue;
            }
            const auto op = parseOperator(str(node, "operator"));
            if (!op) {
                problem(item.linkId, "enableWhen operator '" + str(node, "operator") +
                                         "' is not one of exists, =, !=, >, <, >=, <=");
                continue;
            }
            const std::string what = "enableWhen on '" + question + "'";
            // Name a type mismatch before looking at the value: "a date question needs answerDate".
            if (*op != Operator::Exists && !answerKey.empty()) {
                const auto expected = expectedAnswerKey(source);
                if (!expected.empty() && answerKey != "answer" + expected &&
                    !(expected == "Decimal" && answerKey == "answerInteger") &&
                    !(source.type == ItemType::OpenChoice && answerKey == "answerString")) {
                    problem(item.linkId, what + " (a " + std::string(fhirName(source.type)) +
                                             " question) uses " + answerKey + " " +
                                             node[answerKey].dump() +
                                             ", which does not match the question's type: it "
                                             "needs answer" + expected);
                    continue;
                }
            }
            auto answer = readTypedValue(node, "answer", item.linkId, what);
            if (!answer) continue;
            if (*op == Operator::Exists) {
                if (answer->type != ValueType::Boolean)
                    problem(item.linkId, what + ": operator 'exists' needs answerBoolean");
            } else if (!answerFits(source, *answer)) {
                problem(item.linkId, what + " (a " + std::string(fhirName(source.type)) +
                                         " question) uses answer" + fhirSuffix(answer->type) +
                                         ", which does not match the question's type");
                continue;
            } else if (*op != Operator::Equal && *op != Operator::NotEqual &&
                       (answer->type == ValueType::Coding || answer->type == ValueType::Boolean)) {
                problem(item.linkId, what + ": operator '" + fhirName(*op) +
                                         "' cannot order " + fhirSuffix(answer->type) +
                                         " answers; use = or !=");
                continue;
            } else if (answer->type == ValueType::Coding && !source.options.empty() &&
                       !source.option(*answer) && source.type == ItemType::Choice) {
                problem(item.linkId, what + ": code '" + answer->coding.code +
                                         "' is not one of that question's answer options");
                continue;
            }
            item.enableWhen.push_back({question, target, *op, *answer});
        }
    }

    // "Date" for a date question, "Coding" for a choice over codings; "" when anything may fit.
    static std::string expectedAnswerKey(const Item& question) {
        if (const auto t = answerTypeOf(question.type)) return fhirSuffix(*t);
        if (!question.options.empty()) return fhirSuffix(question.options.front().value.type);
        return question.type == ItemType::Choice ? "Coding" : "";
    }

    static bool answerFits(const Item& question, const Value& answer) {
        if (const auto expected = answerTypeOf(question.type)) {
            if (*expected == answer.type) return true;
            return *expected == ValueType::Decimal && answer.type == ValueType::Integer;
        }
        // choice / open-choice: the options decide; open-choice also takes free text.
        if (question.type == ItemType::OpenChoice && answer.type == ValueType::String) return true;
        if (question.options.empty()) return answer.type == ValueType::Coding;
        return question.options.front().value.type == answer.type;
    }

    // Enabling an item depends on its parent and on each question its enableWhen reads (answers
    // of a disabled question do not count). A loop there has no answer, so it is refused.
    void findLoops() {
        const std::size_t n = q_.items.size();
        std::vector<int> state(n, 0); // 0 new, 1 on the path, 2 done
        std::vector<int> path;
        std::function<bool(int)> visit = [&](int i) -> bool {
            state[std::size_t(i)] = 1;
            path.push_back(i);
            std::vector<int> deps;
            const Item& item = q_.items[std::size_t(i)];
            if (item.parent >= 0) deps.push_back(item.parent);
            for (const auto& ew : item.enableWhen) deps.push_back(ew.questionIndex);
            for (int d : deps) {
                if (state[std::size_t(d)] == 1) {
                    std::string loop;
                    auto from = std::find(path.begin(), path.end(), d);
                    for (auto it = from; it != path.end(); ++it)
                        loop += q_.items[std::size_t(*it)].linkId + " -> ";
                    problem(item.linkId, "enableWhen makes a loop: " + loop +
                                             q_.items[std::size_t(d)].linkId);
                    return true;
                }
                if (state[std::size_t(d)] == 0 && visit(d)) return true;
            }
            path.pop_back();
            state[std::size_t(i)] = 2;
            return false;
        };
        for (std::size_t i = 0; i < n; ++i)
            if (state[i] == 0 && visit(int(i))) return;
    }

    void checkTranslations() {
        q_.languages = {q_.language};
        for (const auto& lang : translationLanguages_)
            if (lang != q_.language) q_.languages.push_back(lang);
        auto check = [&](const LocalText& t, const std::string& linkId, const std::string& what) {
            if (t.base.empty()) return;
            for (std::size_t i = 1; i < q_.languages.size(); ++i)
                if (!t.translations.count(q_.languages[i]))
                    problem(linkId, what + " has no '" + q_.languages[i] +
                                        "' translation, and the form is offered in '" +
                                        q_.languages[i] + "'");
        };
        check(q_.title, "", "the title");
        for (const auto& item : q_.items) {
            check(item.text, item.linkId, "text");
            for (const auto& o : item.options)
                if (o.value.type == ValueType::Coding)
                    check(o.display, item.linkId, "answer option '" + o.value.coding.code + "'");
        }
    }
};

} // namespace

Questionnaire loadQuestionnaire(const std::string& jsonText, const std::string& source) {
    try {
        return Loader(source).load(jsonText);
    } catch (const json::exception& e) {
        // A value of the wrong JSON type somewhere the checks above do not look.
        throw InputError(source, {std::string("has a value of the wrong JSON type: ") + e.what()});
    }
}

} // namespace mrscreen::screening
