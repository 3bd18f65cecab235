// The subcommands. Each takes parsed options, writes to the given streams and returns the
// process exit code, so tests can run them without a shell.
#pragma once

#include <iosfwd>
#include <optional>
#include <string>
#include <vector>

namespace mrscreen::cli {

struct EvaluateOptions {
    std::string form;     // stem or questionnaire file
    std::string response; // QuestionnaireResponse JSON file
    std::vector<std::string> creatinine; // "1.4 mg/dL", or {"1.4", "mg/dL"}
    std::string creatinineDate;
    std::string date; // screening date override; default: the response's authored day, else today
    std::string language;
    bool json = false;
};

// Exit 0: valid response; 1: validation errors; 2: unreadable or invalid input files.
int runEvaluate(const EvaluateOptions& options, std::ostream& out, std::ostream& err);

struct EgfrOptions {
    double creatinine = 0;
    std::string unit;
    double age = 0;
    std::string sex;
    bool json = false;
};

// Exit 0 with the eGFR; 2 when an input is out of range or unknown (the message says which).
int runEgfr(const EgfrOptions& options, std::ostream& out, std::ostream& err);

std::string todayIso(); // local date, YYYY-MM-DD

} // namespace mrscreen::cli
