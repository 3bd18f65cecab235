// mrscreen-bench: how fast the screening engine is on the shipped form (forms/mri-safety,
// questionnaire + rules) and the example responses (forms/examples/*.json). It measures
//   1. loading the form + rules from JSON text already in memory, and again including the file
//      reads: median and p95 over 200 runs; PASS when p95 < 5 ms;
//   2. responses assessed per second on one core: ScreeningAnswers + assess() (enabled items,
//      validation, derived values with a creatinine, flags) over the parsed examples round-robin,
//      for --seconds; PASS above 50,000/s;
//   3. the same including readResponse() of the JSON text each time, and also including writing
//      the completed response (responseToJson(...).dump()); for information, no target;
//   4. peak RSS (VmHWM from /proc/self/status) at the end.
// Plain std::chrono wall time, no benchmark library; the header says how much of a core the
// process got, so a run on a busy machine is recognisable. Run: kiosk-setup/mrscreen bench [--seconds N]
// (or build/tests/bench/mrscreen-bench). Exit 0, or 2 when a file cannot be loaded.

#include "cli/form_files.h"
#include "screening/assessment.h"
#include "screening/response.h"

#include "bench_table.h"

#include <algorithm>
#include <chrono>
#include <ctime>
#include <cstdio>
#include <cstdlib>
#include <exception>
#include <filesystem>
#include <fstream>
#include <functional>
#include <iostream>
#include <string>
#include <vector>

using namespace mrscreen::screening;
using mrscreen::cli::readFile;
using Clock = std::chrono::steady_clock;

namespace {

volatile std::size_t sink = 0; // every timed result feeds it, so nothing is optimised away

std::size_t digest(const Assessment& a) {
    return a.enabledItems.size() + a.errors.size() * 7 + a.flags.size() * 31 +
           a.ignoredAnswers.size() + (a.derived.egfr ? std::size_t(*a.derived.egfr) : 0);
}

struct Example {
    std::string path, text;
    Response response;
    AssessmentInput input;
};

double msSince(Clock::time_point start) {
    return std::chrono::duration<double, std::milli>(Clock::now() - start).count();
}

double percentile(std::vector<double> v, double p) {
    std::sort(v.begin(), v.end());
    return v[std::min(v.size() - 1, std::size_t(p * double(v.size() - 1) + 0.5))];
}

// Runs `once` (one response per call) round-robin for `seconds`; returns calls per second.
double perSecond(double seconds, const std::function<void(std::size_t)>& once) {
    std::size_t n = 0;
    const auto start = Clock::now();
    double elapsed = 0;
    do {
        for (int k = 0; k < 64; ++k, ++n) once(n);
        elapsed = msSince(start) / 1000;
    } while (elapsed < seconds);
    return double(n) / elapsed;
}

using mrscreen::bench::fixed;
using mrscreen::bench::withCommas;

long peakRssKb() {
    std::ifstream status("/proc/self/status");
    for (std::string line; std::getline(status, line);)
        if (line.rfind("VmHWM:", 0) == 0) return std::atol(line.c_str() + 6);
    return -1;
}

using mrscreen::bench::printTable;
using mrscreen::bench::Row;

} // namespace

int main(int argc, char** argv) {
    double seconds = 2;
    for (int i = 1; i < argc; ++i) {
        const std::string arg = argv[i];
        if (arg == "--seconds" && i + 1 < argc && std::atof(argv[i + 1]) > 0) {
            seconds = std::atof(argv[++i]);
        } else {
            std::cerr << "usage: mrscreen-bench [--seconds N]   (N > 0, default 2)\n";
            return arg == "--help" || arg == "-h" ? 0 : 2;
        }
    }

    const std::string dir = MRSCREEN_SOURCE_DIR;
    const std::string qPath = dir + "/forms/mri-safety.questionnaire.json";
    const std::string rPath = dir + "/forms/mri-safety.rules.json";
    const Creatinine creatinine{1.1, CreatinineUnit::MgPerDl, "2026-11-02"};

    std::string qText, rText;
    Questionnaire form;
    RuleSet rules;
    std::vector<Example> examples;
    try {
        qText = readFile(qPath);
        rText = readFile(rPath);
        form = loadQuestionnaire(qText, qPath);
        rules = loadRules(rText, rPath, form);
        std::vector<std::string> paths;
        for (const auto& e : std::filesystem::directory_iterator(dir + "/forms/examples"))
            if (e.path().extension() == ".json") paths.push_back(e.path().string());
        std::sort(paths.begin(), paths.end());
        if (paths.empty()) throw InputError(dir + "/forms/examples", {"holds no *.json responses"});
        for (const auto& p : paths) {
            Example ex{p, readFile(p), {}, {}};
            ex.response = readResponse(ex.text, p);
            const auto& lang = ex.response.language;
            ex.input.language = form.supportsLanguage(lang) ? lang : form.language;
            ex.input.screeningDate = screeningDateOf(ex.response, "2026-11-20");
            ex.input.creatinine = creatinine;
            examples.push_back(std::move(ex));
        }
    } catch (const std::exception& e) {
        std::cerr << "mrscreen-bench: " << e.what() << "\n";
        return 2;
    }
    const std::size_t n = examples.size();

    const auto wallStart = Clock::now();
    const std::clock_t cpuStart = std::clock();

    // 1. Loading the form and its rules.
    constexpr int kLoadRuns = 200;
    auto loadTimes = [&](bool readFiles) {
        std::vector<double> ms;
        for (int i = 0; i < kLoadRuns + 5; ++i) { // the first 5 warm up and are not counted
            const auto start = Clock::now();
            const Questionnaire f = loadQuestionnaire(readFiles ? readFile(qPath) : qText, qPath);
            const RuleSet r = loadRules(readFiles ? readFile(rPath) : rText, rPath, f);
            sink = sink + f.items.size() + r.rules.size();
            if (i >= 5) ms.push_back(msSince(start));
        }
        return ms;
    };
    auto loadRow = [&](const std::string& what, const std::vector<double>& ms) {
        const double p95 = percentile(ms, 0.95);
        return Row{what, "median " + fixed(percentile(ms, 0.5), 2) + " ms, p95 " + fixed(p95, 2) + " ms",
                   "< 5 ms (p95)", p95 < 5 ? "PASS" : "MISS"};
    };
    const auto loadMem = loadTimes(false);
    const auto loadFile = loadTimes(true);

    // 2. The engine alone, on responses already parsed.
    const double assessRate = perSecond(seconds, [&](std::size_t i) {
        const Example& ex = examples[i % n];
        const ScreeningAnswers answers(form, ex.response);
        sink = sink + digest(assess(answers, &rules, ex.input));
    });
    // 3. With the JSON parsing of each response, and with writing the completed response too.
    const double parseRate = perSecond(seconds, [&](std::size_t i) {
        const Example& ex = examples[i % n];
        const Response response = readResponse(ex.text, ex.path);
        const ScreeningAnswers answers(form, response);
        sink = sink + digest(assess(answers, &rules, ex.input));
    });
    const double writeRate = perSecond(seconds, [&](std::size_t i) {
        const Example& ex = examples[i % n];
        const Response response = readResponse(ex.text, ex.path);
        const ScreeningAnswers answers(form, response);
        sink = sink + digest(assess(answers, &rules, ex.input));
        sink = sink + responseToJson(response, &form, &answers).dump().size();
    });

    // 4. Peak memory, and how much of a core this process got (a busy machine lowers every rate).
    const long rss = peakRssKb();
    const double cpuShare = double(std::clock() - cpuStart) / CLOCKS_PER_SEC * 1000 / msSince(wallStart);

    std::cout << "mrscreen-bench: forms/mri-safety (" << form.items.size() << " items, "
              << rules.rules.size() << " rules), " << n << " example responses, " << fixed(seconds, 1)
              << " s per throughput row, 1 thread; got " << fixed(cpuShare * 100, 0) << "% of a core";
    if (cpuShare < 0.9) std::cout << " (machine busy: rates understated)";
#ifndef NDEBUG
    std::cout << " [assertions on: not a Release build, numbers are not representative]";
#endif
    std::cout << "\n\n";
    printTable({
        {"Measure", "Result", "Target", "Status"},
        loadRow("Load form + rules, JSON in memory (" + std::to_string(kLoadRuns) + " runs)", loadMem),
        loadRow("Load form + rules, incl. file reads (" + std::to_string(kLoadRuns) + " runs)", loadFile),
        {"Assess parsed response (ScreeningAnswers + assess)", withCommas(assessRate) + " /s",
         "> 50,000/s", assessRate > 50000 ? "PASS" : "MISS"},
        {"  + readResponse (JSON parse) each time", withCommas(parseRate) + " /s", "-", "info"},
        {"  + readResponse + responseToJson().dump()", withCommas(writeRate) + " /s", "-", "info"},
        {"Peak RSS (VmHWM)", rss < 0 ? "unknown" : fixed(double(rss) / 1024, 1) + " MiB", "-", "info"},
    });
    return 0;
}
