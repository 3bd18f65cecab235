// mrscreen-bench-department: the processes of tests/bench/bench_department.sh, one step each, on a
// PostgreSQL server (--url, as mrscreen_app) or a SQLite file (--sqlite, the single box):
//   seed     writes its part (--part I/K) of --screenings N through the Store (bench_seed.h:
//            submit, verdicts, signed review and decision; the newest 50 left waiting), or, for
//            SQLite, all N by direct batched SQL as mrscreen-bench-store does; prints the seconds;
//   kiosk    times --submits N store->submit() calls, as a kiosk stores a finished form (with its
//            spool key), one ms value a line in --out;
//   station  watches the store's change feed (Store::changes(): LISTEN/NOTIFY, or inotify on the
//            SQLite file) as the staff queue screen does, and on each change times queue() (line
//            "ms waiting" in --out-dir/queue-NAME.ms); each screening it has not seen before that
//            came after it started gives "now - submitted_at" (stamped in the committing
//            transaction) in latency-NAME.ms. It stops after --expect new ones or --seconds;
//   explain  writes EXPLAIN (ANALYZE, BUFFERS) of the queue statement Store::queue() runs (the
//            same text: summarySql() and kQueueWhere) on the server to --out FILE, so the results
//            show which indexes it uses at this size;
//   table    reads those files (and window.ms, the script's timings of the real station window;
//            seed.txt, store-copy.txt, explain-queue.txt, first-frame.txt, screenings.txt) from
//            --pg DIR and
//            --sqlite-dir DIR and prints one markdown table, PostgreSQL beside SQLite.
// Exit 0, or 2 on a usage or store error (with the store's message).

#include "bench_seed.h"
#include "bench_table.h"

#include "store/change_feed.h"
#include "store/pg.h"
#include "store/pg_store.h"
#include "store/sqlite_store_impl.h"

#include <algorithm>
#include <chrono>
#include <ctime>
#include <exception>
#include <filesystem>
#include <fstream>
#include <iomanip>
#include <iostream>
#include <set>
#include <sstream>
#include <string>
#include <vector>

using namespace mrscreen;
using namespace mrscreen::bench;
namespace fs = std::filesystem;

namespace {

struct Options {
    std::string step, url, sqlite, out, outDir, name = "station", pgDir, sqliteDir;
    int screenings = 100000, part = 0, parts = 1, submits = 300, expect = 0, seconds = 600;
};

int usage(const std::string& problem) {
    if (!problem.empty())
        std::cerr << "mrscreen-bench-department: " << problem << "\n";
    std::cerr << "usage: mrscreen-bench-department seed    (--url URL | --sqlite FILE) "
                 "[--screenings N] [--part I/K]\n"
                 "       mrscreen-bench-department kiosk   (--url URL | --sqlite FILE) [--submits "
                 "N] --out FILE\n"
                 "       mrscreen-bench-department station (--url URL | --sqlite FILE) --expect N "
                 "--out-dir DIR\n"
                 "                                         [--name NAME] [--seconds CAP]\n"
                 "       mrscreen-bench-department explain --url URL --out FILE\n"
                 "       mrscreen-bench-department table   --pg DIR --sqlite-dir DIR\n"
                 "(tests/bench/bench_department.sh runs them; see there)\n";
    return problem.empty() ? 0 : 2;
}

std::unique_ptr<store::Store> openStore(const Options& o, const std::string& who) {
    if (!o.url.empty())
        return store::openPostgresStore({o.url, "", "mrscreen bench " + who});
    return store::openSqliteStore(o.sqlite);
}

// "2026-11-25T14:01:09.123Z" -> ms since the epoch.
double epochMs(const std::string& iso) {
    std::tm tm{};
    std::istringstream in(iso);
    in >> std::get_time(&tm, "%Y-%m-%dT%H:%M:%S");
    double ms = double(::timegm(&tm)) * 1000;
    if (iso.size() > 20 && iso[19] == '.') {
        std::string fraction = "0";
        fraction += iso.substr(19, iso.size() - 20); // "0.123"
        ms += std::stod(fraction) * 1000;
    }
    return ms;
}

double nowEpochMs() {
    return std::chrono::duration<double, std::milli>(
               std::chrono::system_clock::now().time_since_epoch())
        .count();
}

int seed(const Options& o) {
    const auto templates = loadTemplates(MRSCREEN_SOURCE_DIR);
    const auto start = Clock::now();
    if (o.url.empty()) {
        { const auto created = store::openSqliteStore(o.sqlite); } // the schema, by the store
        populateSqlite(o.sqlite, o.screenings, 10000, templates);
    } else {
        const int first = int(std::int64_t(o.screenings) * o.part / o.parts);
        const int last = int(std::int64_t(o.screenings) * (o.part + 1) / o.parts);
        const auto db = openStore(o, "seed");
        const std::int64_t calls =
            seedThroughStore(*db, templates, first, last - first, o.screenings);
        std::cerr << "seeded screenings " << first + 1 << ".." << last << " with " << calls
                  << " store calls\n";
    }
    std::cout << fixed(msSince(start) / 1000, 1) << "\n";
    return 0;
}

int explainQueue(const Options& o) {
    store::pg::Connection db({o.url, "", "mrscreen bench explain"});
    const auto plan = db.exec("EXPLAIN (ANALYZE, BUFFERS) " + store::detail::summarySql() +
                              store::detail::kQueueWhere);
    std::ofstream out(o.out);
    for (int i = 0; i < plan.rows(); ++i)
        out << plan.text(i, 0) << "\n";
    return out ? 0 : 2;
}

int kiosk(const Options& o) {
    const auto templates = loadTemplates(MRSCREEN_SOURCE_DIR);
    const auto db = openStore(o, o.name);
    std::ofstream out(o.out);
    const std::string tag = o.name + "-" + std::to_string(::getpid());
    for (int i = 0; i < o.submits; ++i) {
        const store::NewScreening s = benchScreening(templates, i, tag);
        const auto t0 = Clock::now();
        db->submit(s, {"", screening::Role::Patient});
        out << fixed(msSince(t0), 3) << "\n" << std::flush;
    }
    return 0;
}

int station(const Options& o) {
    const auto db = openStore(o, o.name);
    std::set<std::int64_t> seen; // waiting before the start: not new
    for (const auto& s : db->queue())
        seen.insert(s.id);
    const std::size_t before = seen.size();
    store::ChangeWatch watch(
        [&db] { return db->changes(); }, [] {},
        [](const std::string& line) { std::cerr << "change feed: " << line << "\n"; });
    std::ofstream queueOut(fs::path(o.outDir) / ("queue-" + o.name + ".ms"));
    std::ofstream latencyOut(fs::path(o.outDir) / ("latency-" + o.name + ".ms"));
    std::ofstream(fs::path(o.outDir) / ("ready-" + o.name)) << "ready\n"; // the kiosks may start
    long fired = 0;
    const auto deadline = Clock::now() + std::chrono::seconds(o.seconds);
    while (int(seen.size() - before) < o.expect && Clock::now() < deadline) {
        const long now = watch.waitForChange(fired, std::chrono::milliseconds(500));
        if (now == fired)
            continue;
        fired = now;
        const auto t0 = Clock::now();
        const auto queue = db->queue(); // what the staff queue screen reads on a change
        const double ms = msSince(t0);
        const double at = nowEpochMs();
        queueOut << fixed(ms, 3) << " " << queue.size() << "\n";
        for (const auto& s : queue)
            if (seen.insert(s.id).second)
                latencyOut << fixed(at - epochMs(s.submittedAt), 1) << "\n";
    }
    if (int(seen.size() - before) < o.expect)
        std::cerr << o.name << ": saw " << seen.size() - before << " of " << o.expect
                  << " new submissions within " << o.seconds << " s\n";
    return 0;
}

// [SECTION] the table

struct Samples {
    std::vector<double> values;
    std::vector<double> second; // the second column, where there is one (queue: screenings waiting)
};

Samples readSamples(const fs::path& dir, const std::string& prefix) {
    Samples s;
    if (!fs::is_directory(dir))
        return s;
    for (const auto& e : fs::directory_iterator(dir)) {
        const std::string name = e.path().filename().string();
        if (name.rfind(prefix, 0) != 0 || e.path().extension() != ".ms")
            continue;
        std::ifstream in(e.path());
        for (std::string line; std::getline(in, line);) {
            std::istringstream fields(line);
            double v = 0, w = 0;
            if (!(fields >> v))
                continue;
            s.values.push_back(v);
            if (fields >> w)
                s.second.push_back(w);
        }
    }
    return s;
}

std::string firstLine(const fs::path& file, const std::string& otherwise = "-") {
    std::ifstream in(file);
    std::string line;
    return std::getline(in, line) && !line.empty() ? line : otherwise;
}

std::string p50p99(const Samples& s, const std::string& unit = "ms") {
    if (s.values.empty())
        return "not measured";
    return fixed(percentile(s.values, 0.5), 1) + " / " + fixed(percentile(s.values, 0.99), 1) +
           " " + unit + " (" + withCommas(double(s.values.size())) + ")";
}

std::string waiting(const Samples& s) {
    if (s.second.empty())
        return "-";
    const auto [lo, hi] = std::minmax_element(s.second.begin(), s.second.end());
    return withCommas(*lo) + " to " + withCommas(*hi);
}

// explain-queue.txt in a few words: the execution time and the indexes the plan reads.
std::string planSummary(const fs::path& dir) {
    std::ifstream in(dir / "explain-queue.txt");
    std::string time = "-";
    std::set<std::string> indexes;
    bool sequential = false;
    for (std::string line; std::getline(in, line);) {
        for (const char* marker : {"Index Scan using ", "Index Only Scan using ", "Index Scan on "})
            if (const auto at = line.find(marker); at != std::string::npos) {
                const auto from = at + std::string(marker).size();
                indexes.insert(line.substr(from, line.find(' ', from) - from));
            }
        sequential = sequential || line.find("Seq Scan") != std::string::npos;
        if (const auto at = line.find("Execution Time: "); at != std::string::npos)
            time = line.substr(at + 16);
    }
    if (time == "-")
        return "-";
    std::string names;
    for (const auto& i : indexes)
        names += (names.empty() ? "" : ", ") + i;
    return time + "; indexes " + (names.empty() ? "none" : names) +
           (sequential ? "; a sequential scan" : "; no sequential scan");
}

int table(const Options& o) {
    const fs::path pg = o.pgDir, lite = o.sqliteDir;
    auto both = [&](const std::string& what, auto&& f) { return Row{what, f(pg), f(lite)}; };
    std::vector<Row> rows = {{"Measure", "PostgreSQL 15, one local server: 3 kiosks, 2 stations",
                              "SQLite single box: 1 kiosk, 1 station"}};
    rows.push_back(both("Screenings before the run", [](const fs::path& d) {
        return withCommas(std::stod(firstLine(d / "screenings.txt", "0")));
    }));
    rows.push_back(both("Seeding them (wall clock)",
                        [](const fs::path& d) { return firstLine(d / "seed.txt"); }));
    rows.push_back(
        both("Of which `mrscreen store copy` from the SQLite seed (wall clock, peak RSS)",
             [](const fs::path& d) { return firstLine(d / "store-copy.txt"); }));
    rows.push_back(both("submit() p50 / p99 (submits)",
                        [](const fs::path& d) { return p50p99(readSamples(d, "submit-")); }));
    rows.push_back(both("Station queue() on each change p50 / p99 (queries)",
                        [](const fs::path& d) { return p50p99(readSamples(d, "queue-")); }));
    rows.push_back(both("The queue statement before the run, EXPLAIN ANALYZE (explain-queue.txt)",
                        [](const fs::path& d) { return planSummary(d); }));
    rows.push_back(both("Screenings waiting in the queue meanwhile",
                        [](const fs::path& d) { return waiting(readSamples(d, "queue-")); }));
    rows.push_back(
        both("New submission to station p50 / p99 (change feed, submitted_at to queue row)",
             [](const fs::path& d) { return p50p99(readSamples(d, "latency-")); }));
    rows.push_back(
        both("New submission to the `mrscreen station` window p50 / p99 (imports; its row drawn)",
             [](const fs::path& d) { return p50p99(readSamples(d, "window")); }));
    rows.push_back(both("`mrscreen station` start to first frame, median (starts)",
                        [](const fs::path& d) { return firstLine(d / "first-frame.txt"); }));
    printTable(rows);
    return 0;
}

} // namespace

int main(int argc, char** argv) {
    Options o;
    if (argc < 2)
        return usage("name a step: seed, kiosk, station, explain or table");
    o.step = argv[1];
    if (o.step == "-h" || o.step == "--help")
        return usage("");
    for (int i = 2; i < argc; ++i) {
        const std::string arg = argv[i];
        if (i + 1 >= argc)
            return usage(arg + " needs a value");
        const std::string value = argv[++i];
        try {
            if (arg == "--url")
                o.url = value;
            else if (arg == "--sqlite")
                o.sqlite = value;
            else if (arg == "--screenings")
                o.screenings = std::stoi(value);
            else if (arg == "--part") {
                o.part = std::stoi(value.substr(0, value.find('/')));
                o.parts = std::stoi(value.substr(value.find('/') + 1));
            } else if (arg == "--submits")
                o.submits = std::stoi(value);
            else if (arg == "--out")
                o.out = value;
            else if (arg == "--out-dir")
                o.outDir = value;
            else if (arg == "--name")
                o.name = value;
            else if (arg == "--expect")
                o.expect = std::stoi(value);
            else if (arg == "--seconds")
                o.seconds = std::stoi(value);
            else if (arg == "--pg")
                o.pgDir = value;
            else if (arg == "--sqlite-dir")
                o.sqliteDir = value;
            else
                return usage("unknown option " + arg);
        } catch (const std::exception&) {
            return usage(arg + " takes a number, not '" + value + "'");
        }
    }
    if (o.step == "table") {
        if (o.pgDir.empty() || o.sqliteDir.empty())
            return usage("table needs --pg and --sqlite-dir");
        return table(o);
    }
    if (o.url.empty() == o.sqlite.empty())
        return usage(o.step + " needs --url or --sqlite (one of them)");
    if (o.screenings < kPending * 2 || o.parts < 1 || o.part < 0 || o.part >= o.parts ||
        o.submits < 1)
        return usage(
            "--screenings must be at least 100, --part I/K with 0 <= I < K, --submits at least 1");
    if ((o.step == "kiosk" || o.step == "explain") && o.out.empty())
        return usage(o.step + " needs --out FILE (its results go there)");
    if (o.step == "explain" && o.url.empty())
        return usage("explain needs --url (a PostgreSQL server)");
    if (o.step == "station" && (o.outDir.empty() || o.expect < 1))
        return usage(
            "station needs --out-dir DIR and --expect N (the new submissions to wait for)");
    try {
        if (o.step == "seed")
            return seed(o);
        if (o.step == "kiosk")
            return kiosk(o);
        if (o.step == "station")
            return station(o);
        if (o.step == "explain")
            return explainQueue(o);
    } catch (const std::exception& e) {
        std::cerr << "mrscreen-bench-department " << o.step << ": " << e.what() << "\n";
        return 2;
    }
    return usage("unknown step '" + o.step + "': seed, kiosk, station, explain or table");
}
