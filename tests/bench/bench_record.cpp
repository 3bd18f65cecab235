// mrscreen-bench-record: the time to render and sign one complete record, and its size.
// Imports each shipped example response (forms/examples/*.json) into a scratch store under
// ./var, creates a throwaway site key, then renders (libharu) and signs (CMS, incremental update)
// each record --runs times. Targets from the records issue: under 50 ms and under 400 KB.
// Run: kiosk-setup/mrscreen bench (or build/tests/bench/mrscreen-bench-record [--runs N]).
#include "cli/commands.h"
#include "cli/config.h"
#include "cli/form_files.h"
#include "record/pdf_signature.h"
#include "record/record_pdf.h"

#include "bench_table.h"

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <iostream>
#include <sstream>
#include <unistd.h>

namespace fs = std::filesystem;
using namespace mrscreen;

int main(int argc, char** argv) {
    int runs = 20;
    if (argc == 3 && std::string(argv[1]) == "--runs" && std::atoi(argv[2]) > 0) runs = std::atoi(argv[2]);
    else if (argc != 1) {
        std::cerr << "usage: mrscreen-bench-record [--runs N]\n";
        return 2;
    }
    try {
        std::string name = "bench-record-";
        name += std::to_string(::getpid());
        const fs::path dir = fs::path("var") / name;
        fs::create_directories(dir);
        cli::StoreContext ctx;
        ctx.dataDir = dir.string();
        std::ostringstream sink, errors;
        if (cli::runKeygen(ctx, "Benchmark", 2, sink, errors) != 0) throw std::runtime_error(errors.str());
        const std::string src = MRSCREEN_SOURCE_DIR;
        const auto form = cli::loadFormFiles(src + "/forms/mri-safety");
        std::vector<std::int64_t> ids;
        for (const auto& entry : fs::directory_iterator(src + "/forms/examples")) {
            cli::ImportOptions o;
            o.form = src + "/forms/mri-safety";
            o.response = entry.path().string();
            if (cli::runImport(ctx, o, sink, errors) == 0) ids.push_back(std::int64_t(ids.size() + 1));
        }
        cli::KioskConfig config;
        config.dataDir = ctx.dataDir;
        const auto store = cli::openStore(config);
        auto catalog = cli::formCatalog(*store, config);
        const auto identity = record::loadSigningIdentity(config.signingKeyPath(), config.signingCertPath());
        std::vector<double> ms;
        std::size_t largest = 0;
        for (int run = 0; run < runs; ++run)
            for (const auto id : ids) {
                const auto detail = store->screening(id);
                record::RecordInput in;
                in.siteName = "Benchmark";
                in.recordId = id;
                in.detail = &*detail;
                const auto version = catalog.forScreening(*detail);
                in.form = version.get();
                record::SignatureInfo info;
                info.name = "Benchmark";
                info.reason = "benchmark";
                const auto start = std::chrono::steady_clock::now();
                const std::string pdf = record::signPdf(record::renderRecordPdf(in), identity, info);
                ms.push_back(std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count());
                largest = std::max(largest, pdf.size());
            }
        std::sort(ms.begin(), ms.end());
        auto at = [&](double q) { return ms[std::size_t(q * double(ms.size() - 1))]; };
        char timing[96], size[64];
        std::snprintf(timing, sizeof timing, "median %.1f ms, p95 %.1f ms", at(0.5), at(0.95));
        std::snprintf(size, sizeof size, "%.0f KB largest", double(largest) / 1024.0);
        std::cout << "mrscreen-bench-record: " << ids.size() << " example records x " << runs << " runs\n\n";
        bench::printTable({{"Measure", "Result", "Target", "Status"},
                           {"Render + sign one record", timing, "< 50 ms (median)", at(0.5) < 50 ? "PASS" : "MISS"},
                           {"Signed record size", size, "< 400 KB", largest < 400 * 1024 ? "PASS" : "MISS"}});
        fs::remove_all(dir);
        return 0;
    } catch (const std::exception& e) {
        std::cerr << "mrscreen-bench-record: " << e.what() << "\n";
        return 2;
    }
}
