// Finding and reading a form and its rules on disk: a stem ("forms/mri-safety") names
// <stem>.questionnaire.json and, when present, <stem>.rules.json; a .json path names a
// questionnaire file alone (any FHIR questionnaire can be evaluated; it just raises no flags).
#pragma once

#include "screening/questionnaire.h"
#include "screening/rules.h"

#include <optional>
#include <string>
#include <vector>

namespace mrscreen::cli {

struct FormFiles {
    std::string questionnairePath;
    std::string rulesPath; // empty when the form has no rules file
    std::string questionnaireText; // the files' exact text, as kept with each screening
    std::string rulesText;
    screening::Questionnaire form;
    std::optional<screening::RuleSet> rules;
};

// Reads a whole file; throws InputError naming the file when it cannot be read.
std::string readFile(const std::string& path);

FormFiles loadFormFiles(const std::string& pathOrStem);

// The questionnaire and rules file paths a stem or path names (whether or not they exist).
std::vector<std::string> formFilePaths(const std::string& pathOrStem);

} // namespace mrscreen::cli
