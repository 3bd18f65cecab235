// Answer values: the FHIR date / dateTime / time format checks, comparisons across kinds and
// precisions, and the civil-day arithmetic the derived values build on.
#include "screening/value.h"

#include <catch2/catch.hpp>

#include <optional>
#include <string>

using namespace mrscreen::screening;

namespace {

Coding coding(std::string system, std::string code) { return Coding{std::move(system), std::move(code), ""}; }

} // namespace

// [SECTION] date

TEST_CASE("a full date must be a real calendar day", "[value][date]") {
    CHECK(isFhirDate("2024-01-31"));
    CHECK(isFhirDate("2024-04-30"));
    CHECK(isFhirDate("2024-12-31"));
    CHECK_FALSE(isFhirDate("2024-04-31"));
    CHECK_FALSE(isFhirDate("2024-06-31"));
    CHECK_FALSE(isFhirDate("2024-01-32"));
    CHECK_FALSE(isFhirDate("2024-01-00"));
    CHECK_FALSE(isFhirDate("2024-13-01"));
    CHECK_FALSE(isFhirDate("2024-00-10"));
}

TEST_CASE("29 February is a date only in leap years", "[value][date]") {
    CHECK(isFhirDate("2024-02-29"));
    CHECK_FALSE(isFhirDate("2023-02-29"));
    CHECK(isFhirDate("2000-02-29"));      // divisible by 400
    CHECK_FALSE(isFhirDate("1900-02-29")); // divisible by 100 but not 400
    CHECK_FALSE(isFhirDate("2024-02-30"));
    CHECK(isFullDate("2024-02-29"));
    CHECK_FALSE(isFullDate("2023-02-29"));
}

TEST_CASE("a date may be partial: a year, or a year and month", "[value][date]") {
    CHECK(isFhirDate("2022"));
    CHECK(isFhirDate("2022-09"));
    CHECK(isFhirDate("2022-12"));
    CHECK_FALSE(isFhirDate("2022-13"));
    CHECK_FALSE(isFhirDate("2022-00"));
    // A partial date is a date but not a full date.
    CHECK_FALSE(isFullDate("2022"));
    CHECK_FALSE(isFullDate("2022-09"));
}

TEST_CASE("a date is refused when its shape is not YYYY, YYYY-MM or YYYY-MM-DD", "[value][date]") {
    for (const char* bad : {"", "22", "20224", "2022-9", "2022-09-1", "2022/09/01", "2022-09-01T10:00:00Z",
                            "2022-09-01 ", " 2022-09-01", "abcd", "2022-9-01", "+2022-09-01", "20220901"}) {
        INFO("'" << bad << "'");
        CHECK_FALSE(isFhirDate(bad));
        CHECK_FALSE(isFullDate(bad));
    }
}

TEST_CASE("year 0000 is not a FHIR date at any precision", "[value][date]") {
    // Guards a fixed defect. It was: isFhirDate() checks the year only for full dates (through daysFromCivil), so
    // "0000" and "0000-05" pass although FHIR's date pattern starts at year 0001.
    CHECK_FALSE(isFhirDate("0000-01-01"));
    CHECK_FALSE(isFhirDate("0000"));
    CHECK_FALSE(isFhirDate("0000-05"));
}

// [SECTION] dateTime

TEST_CASE("a dateTime with a time carries seconds and a time zone", "[value][dateTime]") {
    CHECK(isFhirDateTime("2024-02-29T10:30:00Z"));
    CHECK(isFhirDateTime("2024-02-29T10:30:00+01:00"));
    CHECK(isFhirDateTime("2024-02-29T10:30:00-05:30"));
    CHECK(isFhirDateTime("2024-02-29T23:59:59.123+14:00"));
    CHECK(isFhirDateTime("2024-02-29T00:00:00.123456789-12:00"));
    // No zone, no seconds, or a zone out of range.
    CHECK_FALSE(isFhirDateTime("2024-02-29T10:30:00"));
    CHECK_FALSE(isFhirDateTime("2024-02-29T10:30Z"));
    CHECK_FALSE(isFhirDateTime("2024-02-29T10:30:00+14:30"));
    CHECK_FALSE(isFhirDateTime("2024-02-29T10:30:00+15:00"));
    CHECK_FALSE(isFhirDateTime("2024-02-29T10:30:00+0100"));
    CHECK_FALSE(isFhirDateTime("2024-02-29T10:30:00z"));
    // Out-of-range clock values.
    CHECK_FALSE(isFhirDateTime("2024-02-29T24:00:00Z"));
    CHECK_FALSE(isFhirDateTime("2024-02-29T10:60:00Z"));
    CHECK_FALSE(isFhirDateTime("2024-02-29 10:30:00Z"));
}

TEST_CASE("a dateTime's day must be a real calendar day", "[value][dateTime]") {
    CHECK(isFhirDateTime("2024-02-29T12:00:00Z"));
    CHECK_FALSE(isFhirDateTime("2023-02-29T12:00:00Z"));
    CHECK_FALSE(isFhirDateTime("2024-04-31T12:00:00Z"));
}

TEST_CASE("a dateTime may be just a date, full or partial", "[value][dateTime]") {
    CHECK(isFhirDateTime("2024"));
    CHECK(isFhirDateTime("2024-02"));
    CHECK(isFhirDateTime("2024-02-29"));
    CHECK_FALSE(isFhirDateTime("2023-02-29"));
    CHECK_FALSE(isFhirDateTime("2024-13"));
    CHECK_FALSE(isFhirDateTime(""));
}

// [SECTION] time

TEST_CASE("a time is hh:mm:ss on a 24-hour clock, with optional fractions and no zone", "[value][time]") {
    CHECK(isFhirTime("00:00:00"));
    CHECK(isFhirTime("23:59:59"));
    CHECK(isFhirTime("12:30:00.5"));
    CHECK(isFhirTime("12:30:00.123456789"));
    CHECK_FALSE(isFhirTime("24:00:00"));
    CHECK_FALSE(isFhirTime("12:60:00"));
    CHECK_FALSE(isFhirTime("12:30"));
    CHECK_FALSE(isFhirTime("9:30:00"));
    CHECK_FALSE(isFhirTime("12:30:00Z"));
    CHECK_FALSE(isFhirTime("12:30:00+01:00"));
    CHECK_FALSE(isFhirTime("12:30:00."));
    CHECK_FALSE(isFhirTime(""));
}

// [SECTION] compareValues

TEST_CASE("numbers compare by value across integer and decimal", "[value][compare]") {
    CHECK(compareValues(Value::ofInteger(3), Value::ofDecimal(3.0)) == 0);
    CHECK(compareValues(Value::ofDecimal(3.0), Value::ofInteger(3)) == 0);
    CHECK(compareValues(Value::ofInteger(3), Value::ofDecimal(3.5)) == -1);
    CHECK(compareValues(Value::ofDecimal(2.5), Value::ofInteger(2)) == 1);
    CHECK(compareValues(Value::ofInteger(-4), Value::ofInteger(7)) == -1);
    CHECK(compareValues(Value::ofDecimal(72.5), Value::ofDecimal(72.5)) == 0);
    CHECK(valuesEqual(Value::ofInteger(10), Value::ofDecimal(10.0)));
    CHECK_FALSE(valuesEqual(Value::ofInteger(10), Value::ofDecimal(10.01)));
}

TEST_CASE("a number and a non-number cannot be ordered", "[value][compare]") {
    CHECK_FALSE(compareValues(Value::ofInteger(3), Value::ofString("3")).has_value());
    CHECK_FALSE(compareValues(Value::ofDecimal(1), Value::ofBoolean(true)).has_value());
    CHECK_FALSE(valuesEqual(Value::ofInteger(3), Value::ofString("3")));
}

TEST_CASE("full dates compare by day", "[value][compare][date]") {
    CHECK(compareValues(Value::ofDate("2024-02-29"), Value::ofDate("2024-03-01")) == -1);
    CHECK(compareValues(Value::ofDate("2024-03-01"), Value::ofDate("2024-02-29")) == 1);
    CHECK(compareValues(Value::ofDate("2024-03-01"), Value::ofDate("2024-03-01")) == 0);
    CHECK(compareValues(Value::ofDate("1999-12-31"), Value::ofDate("2000-01-01")) == -1);
}

TEST_CASE("partial dates compare only where their precision decides the answer", "[value][compare][date]") {
    // Different at the shared precision: ordered.
    CHECK(compareValues(Value::ofDate("2021"), Value::ofDate("2022-09")) == -1);
    CHECK(compareValues(Value::ofDate("2022-10"), Value::ofDate("2022-09-30")) == 1);
    CHECK(compareValues(Value::ofDate("2022-08-31"), Value::ofDate("2022-09")) == -1);
    // The same at the shared precision: indeterminate, not equal.
    CHECK_FALSE(compareValues(Value::ofDate("2022"), Value::ofDate("2022-09")).has_value());
    CHECK_FALSE(compareValues(Value::ofDate("2022-09"), Value::ofDate("2022-09-15")).has_value());
    CHECK_FALSE(valuesEqual(Value::ofDate("2022"), Value::ofDate("2022-09")));
    // Same precision, same text: equal.
    CHECK(compareValues(Value::ofDate("2022-09"), Value::ofDate("2022-09")) == 0);
    CHECK(compareValues(Value::ofDate("2022"), Value::ofDate("2022")) == 0);
}

TEST_CASE("dateTimes compare as instants across time zones", "[value][compare][dateTime]") {
    const auto at = [](const char* s) { return Value::ofDateTime(s); };
    CHECK(compareValues(at("2024-01-01T10:00:00+02:00"), at("2024-01-01T08:00:00Z")) == 0);
    CHECK(valuesEqual(at("2024-01-01T10:00:00+02:00"), at("2024-01-01T08:00:00Z")));
    // Textually earlier, but later as an instant: 23:30 at -05:00 is 04:30Z the next day.
    CHECK(compareValues(at("2024-01-01T23:30:00-05:00"), at("2024-01-02T01:00:00Z")) == 1);
    CHECK(compareValues(at("2024-01-02T01:00:00Z"), at("2024-01-01T23:30:00-05:00")) == -1);
    // Half-hour zones and crossing a leap day.
    CHECK(compareValues(at("2024-03-01T00:15:00+05:30"), at("2024-02-29T18:45:00Z")) == 0);
    CHECK(compareValues(at("2024-02-29T23:00:00-14:00"), at("2024-03-01T12:59:59Z")) == 1);
}

TEST_CASE("a dateTime with a time against one without is undecided on the same day", "[value][compare][dateTime]") {
    CHECK_FALSE(compareValues(Value::ofDateTime("2024-03-01T10:00:00Z"), Value::ofDateTime("2024-03-01")).has_value());
    CHECK_FALSE(compareValues(Value::ofDate("2024-03-01"), Value::ofDateTime("2024-03-01T10:00:00Z")).has_value());
    // On different days the day decides.
    CHECK(compareValues(Value::ofDateTime("2024-03-02T10:00:00Z"), Value::ofDate("2024-03-01")) == 1);
    CHECK(compareValues(Value::ofDate("2024-02-28"), Value::ofDateTime("2024-03-01T10:00:00Z")) == -1);
}

TEST_CASE("dateTimes that differ only in fractions of a second are not equal", "[value][compare][dateTime]") {
    // Guards a fixed defect. It was: epochSeconds() in value.cpp drops the fraction, so these compare as 0.
    CHECK(compareValues(Value::ofDateTime("2024-01-01T10:00:00.500Z"), Value::ofDateTime("2024-01-01T10:00:00Z")) == 1);
    CHECK_FALSE(valuesEqual(Value::ofDateTime("2024-01-01T10:00:00.500Z"), Value::ofDateTime("2024-01-01T10:00:00Z")));
}

TEST_CASE("times compare on the clock", "[value][compare][time]") {
    CHECK(compareValues(Value::ofTime("09:30:00"), Value::ofTime("10:00:00")) == -1);
    CHECK(compareValues(Value::ofTime("23:00:00"), Value::ofTime("08:00:00")) == 1);
    CHECK(compareValues(Value::ofTime("12:00:00"), Value::ofTime("12:00:00")) == 0);
    CHECK_FALSE(compareValues(Value::ofTime("12:00:00"), Value::ofDate("2024-01-01")).has_value());
}

TEST_CASE("strings compare exactly and in code-point order", "[value][compare][string]") {
    CHECK(compareValues(Value::ofString("apple"), Value::ofString("banana")) == -1);
    CHECK(compareValues(Value::ofString("b"), Value::ofString("a")) == 1);
    CHECK(compareValues(Value::ofString("same"), Value::ofString("same")) == 0);
    CHECK(valuesEqual(Value::ofString("same"), Value::ofString("same")));
    CHECK_FALSE(valuesEqual(Value::ofString("Same"), Value::ofString("same")));
    CHECK_FALSE(valuesEqual(Value::ofString("same "), Value::ofString("same")));
    // A string is not a date even when it reads like one.
    CHECK_FALSE(compareValues(Value::ofString("2024-01-01"), Value::ofDate("2024-01-01")).has_value());
}

TEST_CASE("booleans are equal or not, never ordered", "[value][compare][boolean]") {
    CHECK(compareValues(Value::ofBoolean(true), Value::ofBoolean(true)) == 0);
    CHECK_FALSE(compareValues(Value::ofBoolean(true), Value::ofBoolean(false)).has_value());
    CHECK(valuesEqual(Value::ofBoolean(false), Value::ofBoolean(false)));
    CHECK_FALSE(valuesEqual(Value::ofBoolean(true), Value::ofBoolean(false)));
}

TEST_CASE("codings are equal only when code and system match, and are never ordered", "[value][compare][coding]") {
    const std::string answers = "http://mrscreen.org/fhir/CodeSystem/answer";
    const std::string other = "http://example.org/other";
    const Value yes = Value::ofCoding(coding(answers, "yes"));
    CHECK(valuesEqual(yes, Value::ofCoding(coding(answers, "yes"))));
    CHECK_FALSE(valuesEqual(yes, Value::ofCoding(coding(answers, "no"))));
    CHECK_FALSE(valuesEqual(yes, Value::ofCoding(coding(other, "yes"))));
    // The display does not matter.
    Value yesShown = Value::ofCoding(Coding{answers, "yes", "Yes"});
    CHECK(valuesEqual(yes, yesShown));
    // Codings are never ordered, not even with themselves.
    CHECK_FALSE(compareValues(yes, Value::ofCoding(coding(answers, "yes"))).has_value());
    // A coding never equals the string of its code.
    CHECK_FALSE(valuesEqual(yes, Value::ofString("yes")));
    CHECK_FALSE(valuesEqual(Value::ofString("yes"), yes));
}

TEST_CASE("a coding without a system matches on its code alone, as documented", "[value][compare][coding]") {
    const Value withSystem = Value::ofCoding(coding("http://mrscreen.org/fhir/CodeSystem/answer", "yes"));
    const Value bare = Value::ofCoding(coding("", "yes"));
    CHECK(valuesEqual(withSystem, bare));
    CHECK(valuesEqual(bare, withSystem));
    CHECK_FALSE(valuesEqual(bare, Value::ofCoding(coding("", "no"))));
}

TEST_CASE("a value turns into text for messages", "[value]") {
    CHECK(Value::ofInteger(42).toText() == "42");
    CHECK(Value::ofDecimal(72.5).toText() == "72.5");
    CHECK(Value::ofDate("2020-01-31").toText() == "2020-01-31");
    CHECK(Value::ofString("text").toText() == "text");
    CHECK(Value::ofCoding(Coding{"s", "yes", "Yes"}).toText() == "yes");
    CHECK(std::string(fhirSuffix(ValueType::DateTime)) == "DateTime");
    CHECK(std::string(fhirSuffix(ValueType::Coding)) == "Coding");
}

// [SECTION] daysFromCivil

TEST_CASE("daysFromCivil counts days from 1970-01-01", "[value][days]") {
    CHECK(daysFromCivil("1970-01-01") == 0);
    CHECK(daysFromCivil("1970-01-02") == 1);
    CHECK(daysFromCivil("1969-12-31") == -1);
    CHECK(daysFromCivil("2000-03-01") == 11017);
    CHECK(daysFromCivil("2024-02-29") == 19782);
    CHECK(daysFromCivil("2024-03-01") == 19783);
    CHECK(daysFromCivil("0001-01-01") == -719162);
    CHECK(daysFromCivil("9999-12-31") == 2932896);
}

TEST_CASE("daysFromCivil counts leap days in the differences it gives", "[value][days]") {
    CHECK(*daysFromCivil("2024-03-01") - *daysFromCivil("2024-02-28") == 2);
    CHECK(*daysFromCivil("2023-03-01") - *daysFromCivil("2023-02-28") == 1);
    CHECK(*daysFromCivil("2025-01-01") - *daysFromCivil("2024-01-01") == 366);
    CHECK(*daysFromCivil("2024-01-01") - *daysFromCivil("2023-01-01") == 365);
    CHECK(*daysFromCivil("2001-01-01") - *daysFromCivil("2000-01-01") == 366);
    CHECK(*daysFromCivil("1901-01-01") - *daysFromCivil("1900-01-01") == 365);
}

TEST_CASE("daysFromCivil refuses anything but a real YYYY-MM-DD day", "[value][days]") {
    for (const char* bad : {"2023-02-29", "2024-02-30", "2024-13-01", "2024-00-01", "2024-01-00", "0000-01-01",
                            "2024", "2024-02", "2024-2-29", "2024/02/29", "2024-02-29T00:00:00Z", "24-02-2024",
                            "+024-02-29", "2024-0a-29", ""}) {
        INFO("'" << bad << "'");
        CHECK_FALSE(daysFromCivil(bad).has_value());
    }
}
