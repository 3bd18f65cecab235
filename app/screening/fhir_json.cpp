#include "screening/fhir_json.h"

#include "screening/questionnaire.h"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <cstdint>

namespace mrscreen::screening::fhirjson {

using nlohmann::json;

// The deepest nesting of objects and arrays in JSON text, counted outside strings; it stops
// counting once past `limit`. One linear pass that skips each string with memchr, far cheaper
// than a parser callback on every value.
static int nestingDepth(const std::string& text, int limit) {
    const char* p = text.data();
    const std::size_t n = text.size();
    int depth = 0, deepest = 0;
    for (std::size_t i = 0; i < n; ++i) {
        const char c = p[i];
        if (c == '"') {
            // The closing quote is the first one not escaped by an odd run of backslashes.
            std::size_t from = i + 1;
            for (;;) {
                const void* q = std::memchr(p + from, '"', n - from);
                if (!q) return deepest; // unterminated: the parser says so
                const std::size_t k = std::size_t(static_cast<const char*>(q) - p);
                std::size_t slashes = 0;
                while (k - slashes > i + 1 && p[k - slashes - 1] == '\\') ++slashes;
                from = k + 1;
                if (slashes % 2 == 0) break;
            }
            i = from - 1;
        } else if (c == '{' || c == '[') {
            deepest = std::max(deepest, ++depth);
            if (deepest > limit) return deepest;
        } else if (c == '}' || c == ']') {
            --depth;
        }
    }
    return deepest;
}

// Where and what the syntax error is, never the text there: nlohmann's message ends with the
// token it "last read", which in a response is a patient's name or answer.
static std::string syntaxErrorOf(const json::parse_error& e, const std::string& text) {
    std::string what = e.what();
    if (const auto last = what.find("; last read:"); last != std::string::npos) {
        // What the parser expected instead comes last, and is a token kind ('}', end of input).
        const auto expected = what.rfind("; expected ");
        const bool keep = expected != std::string::npos && expected > last && what.size() - expected < 40;
        what = what.substr(0, last) + (keep ? what.substr(expected) : std::string());
    }
    const auto dash = what.find(" - ");
    std::string reason = dash == std::string::npos ? "syntax error" : what.substr(dash + 3);
    const std::size_t at = std::min<std::size_t>(e.byte == 0 ? 0 : e.byte - 1, text.size());
    std::size_t line = 1, column = 1;
    for (std::size_t i = 0; i < at; ++i) {
        if (text[i] == '\n') {
            ++line;
            column = 1;
        } else {
            ++column;
        }
    }
    return reason + " at line " + std::to_string(line) + ", column " + std::to_string(column) + " (byte " +
           std::to_string(e.byte) + ")";
}

json parseDocument(const std::string& text, const std::string& source) {
    // The parser itself does not recurse; refusing deep text before it is read keeps every later
    // walk, copy and dump of the document shallow.
    if (nestingDepth(text, kMaxJsonDepth) > kMaxJsonDepth)
        throw InputError(source, {"is nested more than " + std::to_string(kMaxJsonDepth) +
                                  " levels deep (objects within arrays within objects...), deeper than any form, "
                                  "response or rules file; it was not read"});
    try {
        return json::parse(text);
    } catch (const json::parse_error& e) {
        throw InputError(source, {"is not valid JSON: " + syntaxErrorOf(e, text)});
    }
}

// A value's JSON type for an error message: the value itself may be a patient's answer.
static std::string typeOf(const json& v) {
    if (v.is_string()) return "text";
    if (v.is_boolean()) return "true or false";
    if (v.is_number()) return "a number";
    if (v.is_null()) return "null";
    return std::string("an ") + v.type_name();
}

std::optional<Value> parseValue(const std::string& prefix, const std::string& suffix, const json& v,
                                std::string& error, bool quoteValue) {
    const std::string element = prefix + suffix;
    // What the message calls a value it refuses: the value itself only where it is no patient's.
    auto kindOf = [&](const json& value) { return quoteValue ? value.dump() : typeOf(value); };
    auto named = [&](const char* what) {
        if (!quoteValue) return element + " " + what;
        // By append: GCC 12 warns falsely (-Wrestrict) on "'" + std::string here.
        std::string out = "'";
        out.append(v.get<std::string>()).append("' ").append(what);
        return out;
    };
    auto needString = [&](const char* what) {
        if (v.is_string()) return true;
        error = element + " must be a " + what + " text, not " + kindOf(v);
        return false;
    };
    if (suffix == "Boolean") {
        if (v.is_boolean()) return Value::ofBoolean(v.get<bool>());
        error = element + " must be true or false, not " + kindOf(v);
    } else if (suffix == "Decimal") {
        if (v.is_number() && std::isfinite(v.get<double>())) return Value::ofDecimal(v.get<double>());
        error = element + " must be a number, not " + kindOf(v);
    } else if (suffix == "Integer") {
        // FHIR integers are 32-bit; anything larger is a typing slip, never a count.
        if (v.is_number_integer() && !v.is_number_unsigned() && v.get<std::int64_t>() >= INT32_MIN &&
            v.get<std::int64_t>() <= INT32_MAX)
            return Value::ofInteger(v.get<std::int64_t>());
        if (v.is_number_unsigned() && v.get<std::uint64_t>() <= std::uint64_t(INT32_MAX))
            return Value::ofInteger(std::int64_t(v.get<std::uint64_t>()));
        error = element + " must be a whole number from -2147483648 to 2147483647, not " +
                (v.is_number() && !quoteValue ? std::string("a number outside that range or with a fraction")
                                              : kindOf(v));
    } else if (suffix == "Date") {
        if (needString("date")) {
            if (isFhirDate(v.get<std::string>())) return Value::ofDate(v.get<std::string>());
            error = named("is not a date (YYYY, YYYY-MM or YYYY-MM-DD)");
        }
    } else if (suffix == "DateTime") {
        if (needString("dateTime")) {
            if (isFhirDateTime(v.get<std::string>())) return Value::ofDateTime(v.get<std::string>());
            error = named("is not a dateTime (YYYY-MM-DDThh:mm:ss+zz:zz)");
        }
    } else if (suffix == "Time") {
        if (needString("time")) {
            if (isFhirTime(v.get<std::string>())) return Value::ofTime(v.get<std::string>());
            error = named("is not a time (hh:mm:ss)");
        }
    } else if (suffix == "String") {
        if (needString("string")) return Value::ofString(v.get<std::string>());
    } else if (suffix == "Coding") {
        if (v.is_object() && v.contains("code") && v["code"].is_string()) {
            Coding c;
            c.code = v["code"].get<std::string>();
            if (v.contains("system") && v["system"].is_string()) c.system = v["system"].get<std::string>();
            if (v.contains("display") && v["display"].is_string())
                c.display = v["display"].get<std::string>();
            return Value::ofCoding(std::move(c));
        }
        error = element + " must be an object with a 'code'";
    } else {
        error = element + " is a type mrscreen does not support";
    }
    return std::nullopt;
}

std::string textAt(const json& obj, const char* key, std::string& error) {
    auto it = obj.find(key);
    if (it == obj.end()) return {};
    if (it->is_string()) return it->get<std::string>();
    error = std::string("'") + key + "' must be text, not " + it->dump();
    return {};
}

const json& arrayAt(const json& obj, const char* key) {
    static const json empty = json::array();
    if (!obj.is_object()) return empty;
    auto it = obj.find(key);
    return it != obj.end() && it->is_array() ? *it : empty;
}

const json& objectAt(const json& obj, const char* key) {
    static const json empty = json::object();
    if (!obj.is_object()) return empty;
    auto it = obj.find(key);
    return it != obj.end() && it->is_object() ? *it : empty;
}

json codingToJson(const Coding& c) {
    json j = json::object();
    if (!c.system.empty()) j["system"] = c.system;
    j["code"] = c.code;
    if (!c.display.empty()) j["display"] = c.display;
    return j;
}

void writeValue(const Value& value, const std::string& prefix, json& out) {
    const std::string key = prefix + fhirSuffix(value.type);
    switch (value.type) {
    case ValueType::Boolean: out[key] = value.boolean; break;
    case ValueType::Decimal: out[key] = value.decimal; break;
    case ValueType::Integer: out[key] = value.integer; break;
    case ValueType::Coding: out[key] = codingToJson(value.coding); break;
    default: out[key] = value.text; break;
    }
}

} // namespace mrscreen::screening::fhirjson
