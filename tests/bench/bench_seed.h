// What the store benchmarks share: the shipped example responses as ready-to-store screenings, a
// year or two of screenings made from them (by direct SQL into a SQLite file, or through any
// Store as kiosks and staff would write them), and the timing helpers their tables print.
#pragma once

#include "store/store.h"

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

namespace mrscreen::bench {

using Clock = std::chrono::steady_clock;

// Every database a benchmark builds has this many screenings waiting (the newest): 40 submitted
// and 10 reviewed, a busy day's queue; all the others are decided.
constexpr int kPending = 50;

double msSince(Clock::time_point start);
// The value at fraction p (0.5: the median) of the samples; 0 when there are none.
double percentile(std::vector<double> samples, double p);
// "median 1.23 ms, p99 4.56 ms"
std::string latency(const std::vector<double>& ms);
std::string readText(const std::filesystem::path& path);
// The file system `dir` is on, in words ("ext4", "tmpfs (in memory: ...)").
std::string fileSystemOf(const std::filesystem::path& dir);

// One shipped example, as the kiosk would store it: compact response JSON and the engine's flags.
struct Template {
    std::string name;
    std::string prefix, suffix; // the response JSON around its "id" value
    store::NewScreening screening;
};

// forms/examples/*.json under `sourceDir`, assessed with the shipped form and rules.
std::vector<Template> loadTemplates(const std::string& sourceDir);

// Screening number `i` (0-based, oldest first) of `count` as a kiosk submits it, with a patient
// and a submission key of its own.
store::NewScreening benchScreening(const std::vector<Template>& templates, int i,
                                   const std::string& tag);

// Fills the SQLite database at `path` (made by openSqliteStore) with `count` screenings by direct
// SQL, `batch` per transaction, the newest kPending still waiting; returns the audit events
// written. Fast (the store commits one screening per transaction by design), for one box.
std::int64_t populateSqlite(const std::string& path, int count, int batch,
                            const std::vector<Template>& templates);

// Writes screenings [first, first + n) of `count` through the store, as the kiosk and the staff
// screens do: submit, then (unless among the newest kPending) each stop and review flag verified
// or resolved, the nurse's signed review and the signer's signed decision (and the radiologist's
// contrast part where a flag holds contrast back). The mix of outcomes is populateSqlite's.
// Returns the store calls made.
std::int64_t seedThroughStore(store::Store& store, const std::vector<Template>& templates,
                              int first, int n, int count);

} // namespace mrscreen::bench
