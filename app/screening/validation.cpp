#include "screening/validation.h"

#include "screening/derived.h"

#include <charconv>
#include <map>

namespace mrscreen::screening {

namespace {

struct Wording {
    const char* en;
    const char* es;
};

const std::map<std::string, Wording>& wordings() {
    static const std::map<std::string, Wording> table = {
        {"required", {"This question needs an answer.", "Esta pregunta necesita una respuesta."}},
        {"required-group",
         {"Please answer at least one question in this section.",
          "Responda al menos una pregunta de esta sección."}},
        {"too-many-answers",
         {"Only one answer is allowed here.", "Aquí solo se permite una respuesta."}},
        {"wrong-type",
         {"This answer must be {expected}.", "Esta respuesta debe ser {expected_es}."}},
        {"invalid-value",
         {"This answer could not be read. Please answer it again.",
          "No se pudo leer esta respuesta. Vuelva a responderla, por favor."}},
        {"invalid-date",
         {"{value} is not a real date. Use year-month-day, for example 1980-04-23.",
          "{value} no es una fecha válida. Use año-mes-día, por ejemplo 1980-04-23."}},
        {"not-an-option",
         {"Choose one of the answers listed.", "Elija una de las respuestas de la lista."}},
        {"too-low", {"The value must be at least {limit}.", "El valor debe ser al menos {limit}."}},
        {"too-high",
         {"The value must be at most {limit}.", "El valor debe ser como máximo {limit}."}},
        {"too-long",
         {"Please use at most {limit} characters.", "Use como máximo {limit} caracteres."}},
        {"birth-date-in-future",
         {"A date of birth cannot be after today.",
          "La fecha de nacimiento no puede ser posterior a hoy."}},
        {"birth-date-incomplete",
         {"Please give the full date of birth: year, month and day.",
          "Indique la fecha de nacimiento completa: año, mes y día."}},
        {"unknown-item",
         {"This answer does not belong to any question on this form.",
          "Esta respuesta no corresponde a ninguna pregunta de este formulario."}},
        {"misplaced-item",
         {"This answer is in the wrong section of the form.",
          "Esta respuesta está en la sección equivocada del formulario."}},
        {"repeated-item",
         {"This section appears more than once but may only be filled in once.",
          "Esta sección aparece más de una vez, pero solo se puede llenar una vez."}},
        {"answer-on-display",
         {"This line is for reading only and takes no answer.",
          "Esta línea es solo para leer y no lleva respuesta."}},
    };
    return table;
}

const char* expectedEn(ItemType t) {
    switch (t) {
    case ItemType::Boolean: return "yes or no";
    case ItemType::Decimal: return "a number";
    case ItemType::Integer: return "a whole number";
    case ItemType::Date: return "a date";
    case ItemType::DateTime: return "a date and time";
    case ItemType::Time: return "a time of day";
    case ItemType::Choice: return "one of the answers listed";
    default: return "text";
    }
}

const char* expectedEs(ItemType t) {
    switch (t) {
    case ItemType::Boolean: return "sí o no";
    case ItemType::Decimal: return "un número";
    case ItemType::Integer: return "un número entero";
    case ItemType::Date: return "una fecha";
    case ItemType::DateTime: return "una fecha y hora";
    case ItemType::Time: return "una hora del día";
    case ItemType::Choice: return "una de las respuestas de la lista";
    default: return "texto";
    }
}

std::size_t utf8Length(const std::string& s) {
    std::size_t n = 0;
    for (unsigned char c : s)
        if ((c & 0xC0) != 0x80) ++n;
    return n;
}

// What maxLength counts: characters of a text answer; digits, sign and point of a number as
// written in its shortest exact form (R4 allows maxLength on integer and decimal items too).
std::size_t answerLength(const Value& v) {
    if (v.type == ValueType::String) return utf8Length(v.text);
    if (v.type == ValueType::Integer) return std::to_string(v.integer).size();
    if (v.type == ValueType::Decimal) {
        char buf[64];
        const auto written = std::to_chars(buf, buf + sizeof buf, v.decimal);
        return std::size_t(written.ptr - buf);
    }
    return 0;
}

bool typeFits(const Item& item, const Value& v) {
    switch (item.type) {
    case ItemType::Boolean: return v.type == ValueType::Boolean;
    case ItemType::Decimal: return v.isNumber();
    case ItemType::Integer: return v.type == ValueType::Integer;
    case ItemType::Date: return v.type == ValueType::Date;
    case ItemType::DateTime: return v.type == ValueType::DateTime || v.type == ValueType::Date;
    case ItemType::Time: return v.type == ValueType::Time;
    case ItemType::String:
    case ItemType::Text: return v.type == ValueType::String;
    case ItemType::Choice:
        return item.options.empty() ? v.type == ValueType::Coding
                                    : v.type == item.options.front().value.type;
    case ItemType::OpenChoice:
        return v.type == ValueType::String || item.options.empty() ||
               v.type == item.options.front().value.type;
    default: return false;
    }
}

class Validator {
public:
    Validator(const ScreeningAnswers& a, std::string lang, std::string today)
        : a_(a), q_(a.form()), lang_(std::move(lang)), today_(std::move(today)) {}

    std::vector<ValidationError> run() {
        for (const auto& p : a_.problems()) add(p.linkId, p.code);
        walk(q_.roots, -1);
        return std::move(errors_);
    }

private:
    const ScreeningAnswers& a_;
    const Questionnaire& q_;
    std::string lang_, today_;
    std::vector<ValidationError> errors_;

    void add(const std::string& linkId, const std::string& code,
             const std::vector<std::pair<std::string, std::string>>& args = {}) {
        errors_.push_back({linkId, code, validationMessage(code, lang_, args), ""});
    }

    // Whether an instance (or, for a group, anything under it) holds an answer.
    bool hasAnswer(int instance) const {
        const auto& inst = a_.instances()[std::size_t(instance)];
        for (int i = instance; i < inst.end; ++i) {
            if (!a_.enabled(i)) continue;
            for (const auto& ans : a_.instances()[std::size_t(i)].node->answers)
                if (ans.invalid.empty()) return true;
        }
        return false;
    }

    void walk(const std::vector<int>& children, int anchor) {
        for (int child : children) {
            const Item& item = q_.items[std::size_t(child)];
            bool present = false;
            for (int i : a_.instancesOf(child)) {
                if (a_.instances()[std::size_t(i)].parent != anchor || !a_.enabled(i)) continue;
                present = true;
                checkInstance(item, i);
                walk(item.children, i);
            }
            if (present || !a_.enabledUnder(child, anchor)) continue;
            if (item.required) add(item.linkId, item.type == ItemType::Group ? "required-group" : "required");
            // An unfilled section's own required questions still need answers.
            if (item.type == ItemType::Group && !item.repeats) walk(item.children, anchor);
        }
    }

    void checkInstance(const Item& item, int instance) {
        const auto& node = *a_.instances()[std::size_t(instance)].node;
        if (item.type == ItemType::Group) {
            if (item.required && !hasAnswer(instance)) add(item.linkId, "required-group");
            return;
        }
        if (item.type == ItemType::Display) {
            if (!node.answers.empty()) add(item.linkId, "answer-on-display");
            return;
        }
        int good = 0;
        for (const auto& ans : node.answers) good += ans.invalid.empty() ? checkAnswer(item, ans) : 0;
        for (const auto& ans : node.answers)
            if (!ans.invalid.empty()) {
                if (ans.rawType == "Date" || ans.rawType == "DateTime")
                    add(item.linkId, "invalid-date", {{"value", ans.value.text}});
                else
                {
                    add(item.linkId, "invalid-value");
                    errors_.back().detail = ans.invalid;
                }
            }
        if (node.answers.size() > 1 && !item.repeats) add(item.linkId, "too-many-answers");
        if (item.required && node.answers.empty() && good == 0) add(item.linkId, "required");
    }

    // Returns 1 when the answer is acceptable, after adding any error it has.
    int checkAnswer(const Item& item, const Answer& ans) {
        const Value& v = ans.value;
        if (!typeFits(item, v)) {
            add(item.linkId, "wrong-type", {{"expected", expectedEn(item.type)},
                                            {"expected_es", expectedEs(item.type)}});
            return 0;
        }
        if (!item.options.empty() && !item.option(v) &&
            !(item.type == ItemType::OpenChoice && v.type == ValueType::String)) {
            add(item.linkId, "not-an-option");
            return 0;
        }
        int ok = 1;
        if (item.minValue) {
            auto c = compareValues(v, *item.minValue);
            if (c && *c < 0) {
                add(item.linkId, "too-low", {{"limit", item.minValue->toText()}});
                ok = 0;
            }
        }
        if (item.maxValue) {
            auto c = compareValues(v, *item.maxValue);
            if (c && *c > 0) {
                add(item.linkId, "too-high", {{"limit", item.maxValue->toText()}});
                ok = 0;
            }
        }
        if (item.maxLength && answerLength(v) > std::size_t(*item.maxLength)) {
            add(item.linkId, "too-long", {{"limit", std::to_string(*item.maxLength)}});
            ok = 0;
        }
        if (isBirthDateItem(item) && v.type == ValueType::Date) {
            if (!isFullDate(v.text)) {
                add(item.linkId, "birth-date-incomplete");
                ok = 0;
            } else if (isFullDate(today_) && v.text > today_) {
                add(item.linkId, "birth-date-in-future");
                ok = 0;
            }
        }
        return ok;
    }
};

} // namespace

std::string validationMessage(const std::string& code, const std::string& language,
                              const std::vector<std::pair<std::string, std::string>>& args) {
    const auto& table = wordings();
    auto it = table.find(code);
    std::string text = it == table.end() ? code : (language == "es" ? it->second.es : it->second.en);
    for (const auto& [key, value] : args) {
        const std::string token = "{" + key + "}";
        for (auto pos = text.find(token); pos != std::string::npos; pos = text.find(token, pos + value.size()))
            text.replace(pos, token.size(), value);
    }
    return text;
}

std::vector<ValidationError> validate(const ScreeningAnswers& answers, const std::string& language,
                                      const std::string& today) {
    return Validator(answers, language, today).run();
}

std::vector<std::string> ignoredAnswers(const ScreeningAnswers& answers) {
    std::vector<std::string> out;
    const auto& instances = answers.instances();
    for (std::size_t i = 0; i < instances.size(); ++i) {
        if (answers.enabled(int(i))) continue;
        const auto& node = *instances[i].node;
        if (!node.answers.empty()) out.push_back(node.linkId);
    }
    return out;
}

} // namespace mrscreen::screening
