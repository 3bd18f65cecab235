#include "screening/value.h"

#include <cctype>
#include <cstdio>
#include <regex>

namespace mrscreen::screening {

const char* fhirSuffix(ValueType type) {
    switch (type) {
    case ValueType::Boolean: return "Boolean";
    case ValueType::Decimal: return "Decimal";
    case ValueType::Integer: return "Integer";
    case ValueType::Date: return "Date";
    case ValueType::DateTime: return "DateTime";
    case ValueType::Time: return "Time";
    case ValueType::String: return "String";
    case ValueType::Coding: return "Coding";
    }
    return "?";
}

Value Value::ofBoolean(bool b) {
    Value v;
    v.type = ValueType::Boolean;
    v.boolean = b;
    return v;
}
Value Value::ofDecimal(double d) {
    Value v;
    v.type = ValueType::Decimal;
    v.decimal = d;
    return v;
}
Value Value::ofInteger(std::int64_t i) {
    Value v;
    v.type = ValueType::Integer;
    v.integer = i;
    return v;
}
static Value textValue(ValueType type, std::string s) {
    Value v;
    v.type = type;
    v.text = std::move(s);
    return v;
}
Value Value::ofDate(std::string iso) { return textValue(ValueType::Date, std::move(iso)); }
Value Value::ofDateTime(std::string iso) { return textValue(ValueType::DateTime, std::move(iso)); }
Value Value::ofTime(std::string iso) { return textValue(ValueType::Time, std::move(iso)); }
Value Value::ofString(std::string s) { return textValue(ValueType::String, std::move(s)); }
Value Value::ofCoding(Coding c) {
    Value v;
    v.type = ValueType::Coding;
    v.coding = std::move(c);
    return v;
}

std::string Value::toText() const {
    switch (type) {
    case ValueType::Boolean: return boolean ? "true" : "false";
    case ValueType::Integer: return std::to_string(integer);
    case ValueType::Decimal: {
        char buf[64];
        std::snprintf(buf, sizeof buf, "%g", decimal);
        return buf;
    }
    case ValueType::Coding: return coding.code;
    default: return text;
    }
}

// [SECTION] calendar

static bool isLeap(int y) { return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0; }

static int daysInMonth(int y, int m) {
    static const int days[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    return m == 2 && isLeap(y) ? 29 : days[m - 1];
}

std::optional<std::int64_t> daysFromCivil(const std::string& iso) {
    int y = 0, m = 0, d = 0;
    if (iso.size() != 10 || std::sscanf(iso.c_str(), "%4d-%2d-%2d", &y, &m, &d) != 3) return {};
    if (iso[4] != '-' || iso[7] != '-') return {};
    for (int i : {0, 1, 2, 3, 5, 6, 8, 9})
        if (!std::isdigit(static_cast<unsigned char>(iso[std::size_t(i)]))) return {};
    if (y < 1 || m < 1 || m > 12 || d < 1 || d > daysInMonth(y, m)) return {};
    // Howard Hinnant's days_from_civil algorithm.
    y -= m <= 2;
    const int era = (y >= 0 ? y : y - 399) / 400;
    const unsigned yoe = unsigned(y - era * 400);
    const unsigned doy = unsigned((153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1);
    const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return std::int64_t(era) * 146097 + std::int64_t(doe) - 719468;
}

bool isFullDate(const std::string& s) { return daysFromCivil(s).has_value(); }

bool isFhirDate(const std::string& s) {
    static const std::regex shape(R"(^\d{4}(-\d{2}(-\d{2})?)?$)");
    if (!std::regex_match(s, shape)) return false;
    if (s.size() == 10) return isFullDate(s);
    if (s.size() == 7) {
        int m = std::stoi(s.substr(5, 2));
        return m >= 1 && m <= 12;
    }
    return true;
}

bool isFhirTime(const std::string& s) {
    static const std::regex shape(R"(^([01]\d|2[0-3]):[0-5]\d:([0-5]\d|60)(\.\d{1,9})?$)");
    return std::regex_match(s, shape);
}

bool isFhirDateTime(const std::string& s) {
    if (s.size() <= 10) return isFhirDate(s);
    static const std::regex shape(
        R"(^(\d{4}-\d{2}-\d{2})T([01]\d|2[0-3]):[0-5]\d:([0-5]\d|60)(\.\d{1,9})?(Z|[+-]((0\d|1[0-3]):[0-5]\d|14:00))$)");
    std::smatch m;
    return std::regex_match(s, m, shape) && isFullDate(m[1].str());
}

// Seconds since the epoch in UTC for a dateTime with a time and zone; nullopt otherwise.
static std::optional<std::int64_t> epochSeconds(const std::string& s) {
    if (s.size() < 20 || !isFhirDateTime(s)) return {};
    const auto days = daysFromCivil(s.substr(0, 10));
    const int hh = std::stoi(s.substr(11, 2)), mm = std::stoi(s.substr(14, 2)),
              ss = std::stoi(s.substr(17, 2));
    std::int64_t t = *days * 86400 + hh * 3600 + mm * 60 + ss;
    const auto zone = s.find_first_of("Z+-", 19);
    if (zone != std::string::npos && s[zone] != 'Z') {
        const int zh = std::stoi(s.substr(zone + 1, 2)), zm = std::stoi(s.substr(zone + 4, 2));
        const int offset = zh * 3600 + zm * 60;
        t += s[zone] == '+' ? -offset : offset;
    }
    return t;
}

static int sign(int c) { return (c > 0) - (c < 0); }

// Dates of different precision order only where their common prefix differs.
static std::optional<int> comparePartial(const std::string& a, const std::string& b) {
    const std::size_t common = std::min(a.size(), b.size());
    const int c = a.compare(0, common, b, 0, common);
    if (c != 0) return sign(c);
    if (a.size() == b.size()) return 0;
    return std::nullopt;
}

std::optional<int> compareValues(const Value& a, const Value& b) {
    if (a.isNumber() && b.isNumber()) {
        const double x = a.number(), y = b.number();
        return (x > y) - (x < y);
    }
    const bool dateLike = (a.type == ValueType::Date || a.type == ValueType::DateTime) &&
                          (b.type == ValueType::Date || b.type == ValueType::DateTime);
    if (dateLike) {
        const auto ea = epochSeconds(a.text), eb = epochSeconds(b.text);
        if (ea && eb) return (*ea > *eb) - (*ea < *eb);
        const auto day = comparePartial(a.text.substr(0, 10), b.text.substr(0, 10));
        if (!day || *day != 0) return day;
        // Same day, but one carries a time the other lacks: undecidable.
        if (a.text.size() != b.text.size()) return std::nullopt;
        return sign(a.text.compare(b.text));
    }
    if (a.type != b.type) return std::nullopt;
    switch (a.type) {
    case ValueType::Time:
    case ValueType::String: return sign(a.text.compare(b.text));
    case ValueType::Boolean:
        if (a.boolean == b.boolean) return 0;
        return std::nullopt;
    default: return std::nullopt;
    }
}

bool valuesEqual(const Value& a, const Value& b) {
    if (a.type == ValueType::Coding && b.type == ValueType::Coding) {
        if (a.coding.code != b.coding.code) return false;
        return a.coding.system.empty() || b.coding.system.empty() ||
               a.coding.system == b.coding.system;
    }
    if (a.type == ValueType::Coding || b.type == ValueType::Coding) return false;
    const auto c = compareValues(a, b);
    return c && *c == 0;
}

} // namespace mrscreen::screening
