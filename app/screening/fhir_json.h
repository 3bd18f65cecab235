// FHIR JSON for answer values: value[x] / answer[x] in, value[x] out. Shared by the form loader,
// the response reader and writer, and the rules loader so all three accept exactly the same text.
#pragma once

#include "screening/value.h"

#include <nlohmann/json.hpp>

#include <optional>
#include <string>

namespace mrscreen::screening::fhirjson {

// The deepest nesting of objects and arrays any input document may have: far beyond any form,
// response or rules file, far short of what would exhaust the stack of code that walks it.
inline constexpr int kMaxJsonDepth = 64;

// Parses an input document, refusing one nested deeper than kMaxJsonDepth while it is read. Text
// that is not JSON is an InputError naming `source`, the line, column and kind of error, and never
// the text there (in a response, that text may be a patient's name or answer).
nlohmann::json parseDocument(const std::string& text, const std::string& source);

// `prefix` is "value" or "answer", `suffix` the type ("Boolean", "Coding", ...). On failure
// returns nullopt and sets `error` to a sentence naming the element and the problem: the value's
// JSON type, never the value (in a response it is a patient's answer). `quoteValue`: for a form,
// whose values are its author's, the message quotes the value.
std::optional<Value> parseValue(const std::string& prefix, const std::string& suffix,
                                const nlohmann::json& v, std::string& error, bool quoteValue = false);

// Writes the value as "<prefix><Type>": {...} into `out`.
void writeValue(const Value& value, const std::string& prefix, nlohmann::json& out);

nlohmann::json codingToJson(const Coding& c);

// The text under `key`: "" when absent; when present but not text, "" and `error` says so.
std::string textAt(const nlohmann::json& obj, const char* key, std::string& error);

// The array (or object) under `key`, or an empty one: a reference, never a copy, because forms
// are large and these run for every item.
const nlohmann::json& arrayAt(const nlohmann::json& obj, const char* key);
const nlohmann::json& objectAt(const nlohmann::json& obj, const char* key);

} // namespace mrscreen::screening::fhirjson
