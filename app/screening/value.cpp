#include "screening/value.h"

#include <cctype>
#include <cstdio>

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

// [SECTION] calendar and FHIR primitive formats (hand-written: these run for every answer)

static bool isLeap(int y) { return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0; }

static int daysInMonth(int y, int m) {
    static const int days[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    return m == 2 && isLeap(y) ? 29 : days[m - 1];
}

// Reads `n` digits at `pos`; -1 when any is not a digit.
static int digits(const std::string& s, std::size_t pos, std::size_t n) {
    if (pos + n > s.size()) return -1;
    int v = 0;
    for (std::size_t i = pos; i < pos + n; ++i) {
        if (s[i] < '0' || s[i] > '9') return -1;
        v = v * 10 + (s[i] - '0');
    }
    return v;
}

std::optional<std::int64_t> daysFromCivil(const std::string& iso) {
    if (iso.size() != 10 || iso[4] != '-' || iso[7] != '-') return {};
    int y = digits(iso, 0, 4), m = digits(iso, 5, 2);
    const int d = digits(iso, 8, 2);
    if (y < 1 || m < 1 || m > 12 || d < 1 || d > daysInMonth(y, m)) return {};
    // Howard Hinnant's days_from_civil algorithm.
    y -= m <= 2;
    const int era = y / 400;
    const unsigned yoe = unsigned(y - era * 400);
    const unsigned doy = unsigned((153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1);
    const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return std::int64_t(era) * 146097 + std::int64_t(doe) - 719468;
}

bool isFullDate(const std::string& s) { return daysFromCivil(s).has_value(); }

bool isFhirDate(const std::string& s) {
    if (s.size() == 10) return isFullDate(s);
    if (digits(s, 0, 4) < 1) return false; // FHIR has no year 0000
    if (s.size() == 4) return true;
    if (s.size() != 7 || s[4] != '-') return false;
    const int m = digits(s, 5, 2);
    return m >= 1 && m <= 12;
}

// Seconds since midnight of "hh:mm:ss[.fff]" starting at `pos`, with `end` set past it.
static std::optional<double> clockSeconds(const std::string& s, std::size_t pos, std::size_t& end) {
    const int hh = digits(s, pos, 2), mm = digits(s, pos + 3, 2), ss = digits(s, pos + 6, 2);
    if (hh < 0 || hh > 23 || mm < 0 || mm > 59 || ss < 0 || ss > 60) return {};
    if (s[pos + 2] != ':' || s[pos + 5] != ':') return {};
    double t = hh * 3600.0 + mm * 60.0 + ss;
    end = pos + 8;
    if (end < s.size() && s[end] == '.') {
        double scale = 0.1;
        std::size_t i = end + 1;
        for (; i < s.size() && s[i] >= '0' && s[i] <= '9'; ++i, scale /= 10) t += (s[i] - '0') * scale;
        if (i == end + 1 || i - end - 1 > 9) return {};
        end = i;
    }
    return t;
}

bool isFhirTime(const std::string& s) {
    std::size_t end = 0;
    return s.size() >= 8 && clockSeconds(s, 0, end) && end == s.size();
}

// UTC offset in seconds of "Z", "+hh:mm" or "-hh:mm" at `pos` (the whole rest of the text).
static std::optional<int> zoneOffset(const std::string& s, std::size_t pos) {
    if (pos + 1 == s.size() && s[pos] == 'Z') return 0;
    if (pos + 6 != s.size() || (s[pos] != '+' && s[pos] != '-') || s[pos + 3] != ':') return {};
    const int zh = digits(s, pos + 1, 2), zm = digits(s, pos + 4, 2);
    if (zh < 0 || zh > 14 || zm < 0 || zm > 59 || (zh == 14 && zm != 0)) return {};
    return (s[pos] == '+' ? 1 : -1) * (zh * 3600 + zm * 60);
}

// Seconds since the epoch in UTC for a dateTime with a time and zone; nullopt otherwise.
static std::optional<double> epochSeconds(const std::string& s) {
    if (s.size() < 20 || s[10] != 'T') return {};
    const auto days = daysFromCivil(s.substr(0, 10));
    std::size_t end = 0;
    const auto clock = clockSeconds(s, 11, end);
    if (!days || !clock) return {};
    const auto zone = zoneOffset(s, end);
    if (!zone) return {};
    return double(*days) * 86400.0 + *clock - *zone;
}

bool isFhirDateTime(const std::string& s) {
    if (s.size() <= 10) return isFhirDate(s);
    return epochSeconds(s).has_value();
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
    case ValueType::Time: {
        // On the clock, so 13:30:00.000 equals 13:30:00.
        std::size_t endA = 0, endB = 0;
        const auto ta = clockSeconds(a.text, 0, endA), tb = clockSeconds(b.text, 0, endB);
        if (!ta || !tb) return sign(a.text.compare(b.text));
        return (*ta > *tb) - (*ta < *tb);
    }
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
