// A screening form: the FHIR R4 Questionnaire subset mrscreen supports, checked against FHIR's
// rules and its own. Anything outside it is refused listing every problem (identical ones once);
// presentation- or metadata-only extensions are skipped with a warning; none is ignored silently.
#pragma once

#include "screening/value.h"

#include <map>
#include <optional>
#include <stdexcept>
#include <string>
#include <unordered_map>
#include <vector>

namespace mrscreen::screening {

// A text in the form's base language with its translations (the FHIR translation extension).
struct LocalText {
    std::string base;
    std::map<std::string, std::string> translations; // language code -> text

    // The text in `language`, falling back to the base language.
    const std::string& in(const std::string& language) const;
};

enum class ItemType {
    Group, Display, Boolean, Decimal, Integer, Date, DateTime, Time, String, Text, Choice, OpenChoice
};
const char* fhirName(ItemType type); // "group", "open-choice", ...
bool isQuestion(ItemType type);      // everything but group and display

enum class Operator { Exists, Equal, NotEqual, Greater, Less, GreaterOrEqual, LessOrEqual };
const char* fhirName(Operator op);
std::optional<Operator> parseOperator(const std::string& text);

struct EnableWhen {
    std::string question;
    int questionIndex = -1; // into Questionnaire::items
    Operator op = Operator::Exists;
    Value answer;
};

struct AnswerOption {
    Value value;
    LocalText display; // for codings: the display and its translations; else the value as text
};

struct Item {
    std::string linkId;
    ItemType type = ItemType::Display;
    LocalText text;
    std::vector<Coding> codes; // e.g. LOINC 21112-8 marks the birth date
    bool required = false;
    bool repeats = false;
    bool readOnly = false;
    bool hidden = false;
    std::optional<int> maxLength;
    std::vector<AnswerOption> options;
    std::vector<EnableWhen> enableWhen;
    bool enableAll = true; // enableBehavior: all (true) or any (false)
    std::optional<Value> minValue;
    std::optional<Value> maxValue;
    std::optional<Coding> unit;
    std::string entryFormat;
    std::string itemControl; // a code from the HL7 item-control system or mrscreen's ("body-map")
    std::vector<int> children; // indices into Questionnaire::items
    int parent = -1;
    int subtreeEnd = 0; // items are stored in pre-order: descendants are (index, subtreeEnd)

    bool hasCode(const std::string& system, const std::string& code) const;
    const AnswerOption* option(const Value& v) const;
};

struct Questionnaire {
    std::string source; // file name used in messages
    std::string id, url, version, name, status;
    std::string language = "en";
    LocalText title;
    std::vector<std::string> languages; // base language first, then every translation language
    std::vector<Item> items;            // pre-order; roots listed in `roots`
    std::vector<int> roots;
    std::vector<std::string> warnings; // presentation-/metadata-only extensions skipped, with where
    std::unordered_map<std::string, int> byLinkId;
    std::unordered_map<std::string, std::vector<int>> byCode; // "system|code" -> items, in order

    const std::vector<int>& itemsWithCode(const std::string& system, const std::string& code) const;

    const Item* find(const std::string& linkId) const;
    int indexOf(const std::string& linkId) const; // -1 when absent
    bool isAncestor(int ancestor, int item) const {
        return ancestor < item && item < items[std::size_t(ancestor)].subtreeEnd;
    }
    bool supportsLanguage(const std::string& language) const;
};

// How deep items may nest in a form or a response; deeper documents are refused, not recursed into.
inline constexpr int kMaxNesting = 32;

// An InputError's message lists this many problems, then how many more there are.
inline constexpr std::size_t kMaxProblemsShown = 50;

// Thrown when a form, a rules file or a response cannot be used at all; what() lists the first
// kMaxProblemsShown problems, problems() every one.
class InputError : public std::runtime_error {
public:
    InputError(const std::string& source, std::vector<std::string> problems);
    const std::vector<std::string>& problems() const { return problems_; }

private:
    std::vector<std::string> problems_;
};

// Parses and checks a Questionnaire. `source` names the file in messages.
Questionnaire loadQuestionnaire(const std::string& jsonText, const std::string& source);

} // namespace mrscreen::screening
