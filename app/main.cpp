// mrscreen: the composition root. Parses the command line and hands over to a subcommand.
#include "cli/commands.h"

#include <CLI/CLI.hpp>

#include <iostream>

int main(int argc, char** argv) {
    using namespace mrscreen::cli;
    CLI::App app{"mrscreen: MRI safety screening kiosk"};
    app.require_subcommand(1);

    EvaluateOptions ev;
    auto* evaluate = app.add_subcommand(
        "evaluate", "Evaluate a QuestionnaireResponse: enabled items, validation errors, derived values, flags");
    evaluate->add_option("--form", ev.form, "Form stem (forms/mri-safety) or questionnaire .json file")->required();
    evaluate->add_option("--response", ev.response, "QuestionnaireResponse JSON file")->required();
    evaluate->add_option("--creatinine", ev.creatinine, "Serum creatinine: VALUE mg/dL|umol/L")->expected(1, 2);
    evaluate->add_option("--creatinine-date", ev.creatinineDate, "Day the creatinine was taken (YYYY-MM-DD)");
    evaluate->add_option("--date", ev.date, "Screening date (default: the response's authored day, else today)");
    evaluate->add_option("--lang", ev.language, "Language of messages (default: the response's language)");
    evaluate->add_flag("--json", ev.json, "Print JSON (documented in README.md)");

    EgfrOptions eg;
    auto* egfr = app.add_subcommand("egfr", "eGFR by the 2021 CKD-EPI creatinine equation (adults)");
    egfr->add_option("--creatinine", eg.creatinine, "Serum creatinine value")->required();
    egfr->add_option("--unit", eg.unit, "mg/dL or umol/L")->required();
    egfr->add_option("--age", eg.age, "Age in years (18 or older)")->required();
    egfr->add_option("--sex", eg.sex, "female or male")->required();
    egfr->add_flag("--json", eg.json, "Print JSON");

    try {
        app.parse(argc, argv);
    } catch (const CLI::ParseError& e) {
        const int code = app.exit(e);
        return code == 0 ? 0 : 2;
    }
    if (evaluate->parsed()) return runEvaluate(ev, std::cout, std::cerr);
    if (egfr->parsed()) return runEgfr(eg, std::cout, std::cerr);
    return 2;
}
