// Answer values as FHIR carries them (valueBoolean, valueDecimal, ..., valueCoding) and the
// comparisons enableWhen and the rules need. Dates, dateTimes and times keep their FHIR text form;
// partial dates ("2022", "2022-09") compare only where the precision allows an answer.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

namespace mrscreen::screening {

enum class ValueType { Boolean, Decimal, Integer, Date, DateTime, Time, String, Coding };

const char* fhirSuffix(ValueType type); // "Boolean", "Decimal", ... as in valueBoolean / answerBoolean

struct Coding {
    std::string system;
    std::string code;
    std::string display;
};

struct Value {
    ValueType type = ValueType::String;
    bool boolean = false;
    double decimal = 0;
    std::int64_t integer = 0;
    std::string text; // date, dateTime, time and string values
    Coding coding;

    static Value ofBoolean(bool b);
    static Value ofDecimal(double d);
    static Value ofInteger(std::int64_t i);
    static Value ofDate(std::string iso);
    static Value ofDateTime(std::string iso);
    static Value ofTime(std::string iso);
    static Value ofString(std::string s);
    static Value ofCoding(Coding c);

    bool isNumber() const { return type == ValueType::Decimal || type == ValueType::Integer; }
    double number() const { return type == ValueType::Integer ? double(integer) : decimal; }
    std::string toText() const; // for tables and messages: "yes", "72.5", "2020-01-31"
};

// -1, 0, 1, or nullopt when the two cannot be ordered (different kinds, or dates whose
// precision leaves the answer open: "2022" against "2022-09").
std::optional<int> compareValues(const Value& a, const Value& b);
// Codings are equal when the codes match and, where both name a system, the systems match.
bool valuesEqual(const Value& a, const Value& b);

// Format checks for FHIR primitive text (date: YYYY, YYYY-MM or YYYY-MM-DD, a real calendar day).
bool isFhirDate(const std::string& s);
bool isFullDate(const std::string& s); // YYYY-MM-DD only
bool isFhirDateTime(const std::string& s);
bool isFhirTime(const std::string& s);

// Days since 1970-01-01 of a full date; nullopt when it is not a real YYYY-MM-DD day.
std::optional<std::int64_t> daysFromCivil(const std::string& isoDate);

} // namespace mrscreen::screening
