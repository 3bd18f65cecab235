// mrscreen-bench-store: how fast the SQLite store is with a year or two of screenings in it.
//   1. builds a database of --screenings N (default 100,000) screenings from the shipped example
//      responses (forms/examples/*.json, compact, with the flags the engine raises on them): all
//      but 50 decided (reviewed, flags verified, cleared / with conditions / not cleared, with
//      their audit events, hash-chained), 40 submitted and 10 reviewed waiting in the queue. The
//      store creates the schema; the rows go in by direct batched SQL (prepared INSERTs through
//      store/sqlite.h, 10,000 screenings per transaction), since the store commits one screening
//      per transaction by design;
//   2. opens it with openSqliteStore (WAL, synchronous=FULL; after a clean stop and after a crash,
//      when it runs quick_check) and times queue() and
//      screening(id) on random ids: median and p99; PASS when each median < 10 ms (the issue sets
//      the queue's; a screening's page opens from the queue, so it gets the same);
//   3. times --submits store->submit() calls (each one fsynced transaction): median and p99;
//      PASS when the median < 5 ms;
//   4. verifyAudit() over the whole chain (the built one plus the timed submits), for information;
//   5. database bytes per screening (file + WAL after the run, over every screening, its
//      patient, response, flags, decision and audit rows).
// The database goes in a fresh directory under --dir (default ./var) on the disk there, never
// in memory, and is removed at the end unless --keep. The header names the file system: on a
// tmpfs fsync costs nothing and submit times are not representative.
// Run: kiosk-setup/mrscreen bench [--screenings N] (or build/tests/bench/mrscreen-bench-store).
// Exit 0, or 2 on a usage, input or database error.

#include "store/store.h"

#include "bench_seed.h"
#include "bench_table.h"

#include <chrono>
#include <cstdlib>
#include <ctime>
#include <exception>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <random>
#include <string>
#include <vector>

using namespace mrscreen;
namespace fs = std::filesystem;

namespace {

volatile std::size_t sink = 0; // every timed result feeds it, so nothing is optimised away

using namespace mrscreen::bench;

struct Options {
    int screenings = 100000;
    int submits = 300;
    fs::path dir = "var";
    bool keep = false;
};

int usage(const std::string& arg) {
    std::cerr << "usage: mrscreen-bench-store [--screenings N] [--submits N] [--dir DIR] [--keep]\n"
                 "  --screenings N  screenings in the database before timing (default 100000, at "
                 "least 100)\n"
                 "  --submits N     timed submits (default 300)\n"
                 "  --dir DIR       where the database is made, on a real disk (default ./var)\n"
                 "  --keep          leave the database there afterwards\n";
    return arg == "--help" || arg == "-h" ? 0 : 2;
}

} // namespace

int main(int argc, char** argv) {
    Options opt;
    for (int i = 1; i < argc; ++i) {
        const std::string arg = argv[i];
        const bool hasValue = i + 1 < argc;
        if (arg == "--screenings" && hasValue && std::atoi(argv[i + 1]) >= 100) {
            opt.screenings = std::atoi(argv[++i]);
        } else if (arg == "--submits" && hasValue && std::atoi(argv[i + 1]) > 0) {
            opt.submits = std::atoi(argv[++i]);
        } else if (arg == "--dir" && hasValue) {
            opt.dir = argv[++i];
        } else if (arg == "--keep") {
            opt.keep = true;
        } else {
            return usage(arg);
        }
    }

    std::vector<Template> templates;
    fs::path workDir;
    try {
        templates = loadTemplates(MRSCREEN_SOURCE_DIR);
        fs::create_directories(opt.dir);
        std::string pattern = (opt.dir / "bench-store-XXXXXX").string();
        if (!::mkdtemp(pattern.data()))
            throw std::runtime_error("cannot create a directory in " + opt.dir.string());
        workDir = pattern;
    } catch (const std::exception& e) {
        std::cerr << "mrscreen-bench-store: " << e.what() << "\n";
        return 2;
    }
    const std::string path = (workDir / "mrscreen.db").string();
    double responseBytes = 0;
    for (const auto& t : templates)
        responseBytes += double(t.screening.responseJson.size());
    responseBytes /= double(templates.size());

    const auto wallStart = Clock::now();
    const std::clock_t cpuStart = std::clock();
    std::vector<Row> rows = {{"Measure", "Result", "Target", "Status"}};
    int status = 0;
    try {
        // 1. The schema by the store, the rows by direct batched SQL.
        { const auto created = store::openSqliteStore(path); }
        constexpr int kBatch = 10000;
        auto start = Clock::now();
        const std::int64_t events = populateSqlite(path, opt.screenings, kBatch, templates);
        const double buildMs = msSince(start);
        rows.push_back(
            {"Build " + withCommas(opt.screenings) + " screenings (direct SQL, " +
                 withCommas(kBatch) + " per transaction)",
             fixed(buildMs / 1000, 1) + " s, " + withCommas(double(events)) + " audit events", "-",
             "info"});

        // 2. Opening it and reading, as the review station does. After a clean stop a start
        // checks the header only; after a crash (a session marker whose process is gone) it
        // reads every page once.
        start = Clock::now();
        auto db = store::openSqliteStore(path);
        rows.push_back({"Open the store after a clean stop (header check, migrations)",
                        fixed(msSince(start), 1) + " ms", "does not grow with N", "info"});
        db.reset();
        fs::create_directories(path + ".sessions");
        std::ofstream(path + ".sessions/4999999999-1.open") << "4999999999\n";
        start = Clock::now();
        db = store::openSqliteStore(path);
        rows.push_back({"Open the store after a crash (quick_check of every page)",
                        fixed(msSince(start), 1) + " ms", "-", "info"});

        std::size_t queued = 0;
        auto timeQueue = [&](int runs) {
            std::vector<double> ms;
            for (int i = 0; i < runs + 5; ++i) { // the first 5 warm up and are not counted
                const auto t0 = Clock::now();
                const auto q = db->queue();
                const double took = msSince(t0);
                queued = q.size();
                sink = sink + q.size() + std::size_t(q.empty() ? 0 : q.back().id);
                if (i >= 5)
                    ms.push_back(took);
            }
            return ms;
        };
        const auto queueMs = timeQueue(200);
        const double queueP50 = percentile(queueMs, 0.5);
        rows.push_back({"queue() with " + std::to_string(queued) + " waiting (200 runs)",
                        latency(queueMs), "< 10 ms (median)", queueP50 < 10 ? "PASS" : "MISS"});
        if (queued != std::size_t(kPending)) {
            std::cerr << "mrscreen-bench-store: expected " << kPending
                      << " screenings in the queue, got " << queued << "\n";
            status = 2;
        }

        std::mt19937 random(7);
        std::uniform_int_distribution<std::int64_t> anyId(1, opt.screenings);
        std::vector<double> detailMs;
        for (int i = 0; i < 1000; ++i) {
            const std::int64_t id = anyId(random);
            const auto t0 = Clock::now();
            const auto d = db->screening(id);
            detailMs.push_back(msSince(t0));
            sink = sink + (d ? d->responseJson.size() + d->history.size() + d->flags.size() : 0);
        }
        const double detailP50 = percentile(detailMs, 0.5);
        rows.push_back({"screening(id), random ids (1,000 runs)", latency(detailMs),
                        "< 10 ms (median)", detailP50 < 10 ? "PASS" : "MISS"});

        // 3. Submits: one fsynced transaction each, on the full database.
        const screening::Actor patient{"", screening::Role::Patient};
        std::vector<double> submitMs;
        for (int i = 0; i < opt.submits; ++i) {
            store::NewScreening s = benchScreening(templates, i, "submit");
            s.submissionKey.clear(); // as before: no key
            const auto t0 = Clock::now();
            sink = sink + std::size_t(db->submit(s, patient));
            submitMs.push_back(msSince(t0));
        }
        const double submitP50 = percentile(submitMs, 0.5);
        rows.push_back({"submit() (" + std::to_string(opt.submits) + " runs, synchronous=FULL)",
                        latency(submitMs), "< 5 ms (median)", submitP50 < 5 ? "PASS" : "MISS"});
        const auto queueAfterMs = timeQueue(50);
        rows.push_back({"queue() with " + std::to_string(queued) + " waiting (50 runs)",
                        latency(queueAfterMs), "-", "info"});

        start = Clock::now();
        const auto audit = db->verifyAudit();
        rows.push_back({"verifyAudit() over the whole chain",
                        fixed(msSince(start), 0) + " ms, " + withCommas(double(audit.rows)) +
                            " events" + (audit.intact ? "" : ", BROKEN"),
                        "-", "info"});
        if (!audit.intact) {
            std::cerr << "mrscreen-bench-store: the audit chain does not verify: " << audit.problem
                      << "\n";
            status = 2;
        }

        const std::int64_t total = db->countScreenings();
        db.reset(); // closing the last connection checkpoints the WAL into the file
        std::uintmax_t bytes = fs::file_size(path);
        if (fs::exists(path + "-wal"))
            bytes += fs::file_size(path + "-wal");
        rows.push_back({"Database bytes per screening",
                        withCommas(double(bytes) / double(total)) + " B (" +
                            fixed(double(bytes) / 1048576, 0) + " MiB / " +
                            withCommas(double(total)) + "; response JSON avg " +
                            withCommas(responseBytes) + " B)",
                        "-", "info"});
    } catch (const std::exception& e) {
        std::cerr << "mrscreen-bench-store: " << e.what() << "\n";
        status = 2;
    }
    const double cpuShare =
        double(std::clock() - cpuStart) / CLOCKS_PER_SEC * 1000 / msSince(wallStart);

    std::cout << "mrscreen-bench-store: " << withCommas(opt.screenings) << " screenings from "
              << templates.size() << " example responses (" << withCommas(double(kPending))
              << " waiting), database in " << workDir.string() << " on " << fileSystemOf(workDir)
              << "; WAL, synchronous=FULL; 1 thread, got " << fixed(cpuShare * 100, 0)
              << "% of a core";
#ifndef NDEBUG
    std::cout << " [assertions on: not a Release build, numbers are not representative]";
#endif
    std::cout << "\n\n";
    if (rows.size() > 1)
        printTable(rows);

    if (!opt.keep) {
        std::error_code ec;
        fs::remove_all(workDir, ec);
    } else {
        std::cout << "\nkept " << path << "\n";
    }
    return status;
}
