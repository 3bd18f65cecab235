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

#include "screening/answers.h"
#include "screening/assessment.h"
#include "screening/response.h"
#include "store/audit.h"
#include "store/clock.h"
#include "store/sqlite.h"
#include "store/store.h"

#include "bench_table.h"

#include <nlohmann/json.hpp>

#include <sys/statfs.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <exception>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <optional>
#include <random>
#include <sstream>
#include <string>
#include <vector>

using namespace mrscreen;
using nlohmann::json;
using Clock = std::chrono::steady_clock;
namespace fs = std::filesystem;

namespace {

volatile std::size_t sink = 0; // every timed result feeds it, so nothing is optimised away

constexpr int kPending = 50; // 40 submitted + 10 reviewed: a busy day's queue

double msSince(Clock::time_point start) {
    return std::chrono::duration<double, std::milli>(Clock::now() - start).count();
}

double percentile(std::vector<double> v, double p) {
    std::sort(v.begin(), v.end());
    return v[std::min(v.size() - 1, std::size_t(p * double(v.size() - 1) + 0.5))];
}

using mrscreen::bench::fixed;
using mrscreen::bench::withCommas;

std::string readText(const fs::path& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in) throw std::runtime_error("cannot read " + path.string());
    std::ostringstream s;
    s << in.rdbuf();
    return s.str();
}

std::string fileSystemOf(const fs::path& dir) {
    struct statfs st {};
    if (::statfs(dir.c_str(), &st) != 0) return "unknown file system";
    switch (static_cast<unsigned long>(st.f_type)) {
    case 0xEF53: return "ext4";
    case 0x58465342: return "xfs";
    case 0x9123683E: return "btrfs";
    case 0x01021994: return "tmpfs (in memory: fsync is free, submit times understated)";
    case 0x794c7630: return "overlayfs";
    case 0x2FC12FC1: return "zfs";
    default: {
        char buf[40];
        std::snprintf(buf, sizeof buf, "file system 0x%lx", static_cast<unsigned long>(st.f_type));
        return buf;
    }
    }
}

using mrscreen::bench::printTable;
using mrscreen::bench::Row;

std::string latency(const std::vector<double>& ms) {
    return "median " + fixed(percentile(ms, 0.5), 2) + " ms, p99 " + fixed(percentile(ms, 0.99), 2) + " ms";
}

// One shipped example, as the kiosk would store it: compact response JSON and the engine's flags.
struct Template {
    std::string name;
    std::string prefix, suffix; // the response JSON around its "id" value
    store::NewScreening screening;
};

std::vector<Template> loadTemplates(const std::string& dir) {
    using namespace screening;
    const std::string qPath = dir + "/forms/mri-safety.questionnaire.json";
    const std::string rPath = dir + "/forms/mri-safety.rules.json";
    const Questionnaire form = loadQuestionnaire(readText(qPath), qPath);
    const RuleSet rules = loadRules(readText(rPath), rPath, form);
    const std::string formSha = store::sha256Hex(readText(qPath));
    const std::string rulesSha = store::sha256Hex(readText(rPath));
    std::vector<std::string> paths;
    for (const auto& e : fs::directory_iterator(dir + "/forms/examples"))
        if (e.path().extension() == ".json") paths.push_back(e.path().string());
    std::sort(paths.begin(), paths.end());
    if (paths.empty()) throw std::runtime_error(dir + "/forms/examples holds no *.json responses");
    std::vector<Template> out;
    for (const auto& p : paths) {
        const std::string text = readText(p);
        const Response response = readResponse(text, p);
        AssessmentInput input;
        input.language = form.supportsLanguage(response.language) ? response.language : form.language;
        input.screeningDate = screeningDateOf(response, "2026-11-20");
        input.creatinine = Creatinine{1.1, CreatinineUnit::MgPerDl, "2026-11-02"};
        const ScreeningAnswers answers(form, response);
        const Assessment assessment = assess(answers, &rules, input);

        Template t;
        t.name = fs::path(p).stem().string();
        json compact = json::parse(text);
        compact["id"] = "@ID@";
        const std::string dumped = compact.dump();
        const auto at = dumped.find("@ID@");
        t.prefix = dumped.substr(0, at);
        t.suffix = dumped.substr(at + 4);
        auto& s = t.screening;
        s.formUrl = form.url;
        s.formVersion = form.version;
        s.formSha256 = formSha;
        s.rulesSha256 = rulesSha;
        s.language = input.language;
        s.flags = assessment.flags;
        s.responseJson = t.prefix + "bench-" + t.name + t.suffix;
        out.push_back(std::move(t));
    }
    return out;
}

const char* const kFamily[] = {"Lindqvist", "Okafor", "Tanaka", "Moreau", "Kowalski", "Haddad", "Nguyen",
                               "Fischer",   "Silva",  "Murphy", "Novak",  "Ahmed",    "Rossi",  "Jensen"};
const char* const kGiven[] = {"Margaret", "Chidi", "Yuki", "Claire", "Piotr", "Rania", "Minh",
                              "Lukas",    "Ana",   "Sean", "Eva",    "Omar",  "Giulia", "Lars"};

std::string severityText(screening::Severity s) { return screening::severityName(s); }


// Fills the database with `count` screenings by direct SQL, `batch` per transaction; returns the
// number of audit events written.
std::int64_t populate(const std::string& path, int count, int batch, const std::vector<Template>& templates) {
    store::Database db(path);
    db.exec("PRAGMA busy_timeout = 10000");
    db.exec("PRAGMA foreign_keys = ON");
    auto patient = db.prepare("INSERT INTO patients (family_name, given_name, birth_date, sex, created_at) "
                              "VALUES (?, ?, ?, ?, ?)");
    auto screening = db.prepare(
        "INSERT INTO screenings (patient_id, form_url, form_version, form_sha256, rules_sha256, state, origin, "
        "language, created_at, submitted_at, reviewed_by, reviewed_at, decided_by, decided_at) "
        "VALUES (?, ?, ?, ?, ?, ?, 'kiosk', ?, ?, ?, ?, ?, ?, ?)");
    auto response = db.prepare("INSERT INTO responses (screening_id, version, json, sha256, created_at) "
                               "VALUES (?, 1, ?, ?, ?)");
    auto flag = db.prepare("INSERT INTO flags (screening_id, rule_id, category, severity, message, triggers_json, "
                           "status, status_by, status_at, note) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");
    auto decision = db.prepare("INSERT INTO decisions (screening_id, outcome, conditions, override_reason, "
                               "decided_by, decided_at) VALUES (?, ?, ?, ?, ?, ?)");
    auto audit = db.prepare("INSERT INTO audit (seq, at, actor, action, screening_id, detail_json, prev_hash, hash) "
                            "VALUES (?, ?, ?, ?, ?, ?, ?, ?)");
    auto head = db.prepare("INSERT INTO audit_head (id, seq, hash) VALUES (1, ?, ?) "
                           "ON CONFLICT (id) DO UPDATE SET seq = excluded.seq, hash = excluded.hash");

    std::int64_t seq = 0;
    std::string prevHash = store::kGenesisHash;
    {
        auto st = db.prepare("SELECT seq, hash FROM audit_head WHERE id = 1");
        if (st.step()) {
            seq = st.integer(0);
            prevHash = st.text(1);
        }
    }
    const std::int64_t firstSeq = seq;
    auto appendAudit = [&](const std::string& at, const std::string& actor, const std::string& action,
                           std::int64_t id, const json& detail) {
        store::AuditEvent e;
        e.seq = ++seq;
        e.at = at;
        e.actor = actor;
        e.action = action;
        e.screeningId = id;
        e.detailJson = detail.dump();
        e.prevHash = prevHash;
        e.hash = store::chainHash(prevHash, e);
        audit.bind(1, e.seq).bind(2, e.at).bind(3, e.actor).bind(4, e.action).bind(5, id);
        audit.bind(6, e.detailJson).bind(7, e.prevHash).bind(8, e.hash).run();
        prevHash = e.hash;
    };

    std::mt19937 random(1125);
    const std::string now = store::nowUtc();
    const char* const nurses[] = {"anurse", "bnurse", "cnurse"};
    const char* const mrsos[] = {"amrso", "bmrso"};
    std::optional<store::Transaction> tx;
    for (int i = 0; i < count; ++i) {
        if (i % batch == 0) tx.emplace(db);
        const Template& t = templates[std::size_t(i) % templates.size()];
        const auto& s = t.screening;
        const int fromEnd = count - i; // the newest are the ones still pending
        const bool pending = fromEnd <= kPending;
        const bool reviewed = !pending || fromEnd <= kPending / 5;
        // One every ~10 minutes, oldest first, up to an hour ago; review 20 min and decision 40 min later.
        const std::string submitted = store::addSeconds(now, -3600 - 600LL * fromEnd);
        const std::string reviewedAt = store::addSeconds(submitted, 1200);
        const std::string decidedAt = store::addSeconds(submitted, 2400);
        const std::string nurse = nurses[random() % 3];
        const std::string mrso = mrsos[random() % 2];
        const unsigned roll = unsigned(random() % 100);
        const std::string outcome = roll < 85 ? "cleared" : roll < 95 ? "cleared_with_conditions" : "not_cleared";
        const std::string state = pending ? (reviewed ? "reviewed" : "submitted") : outcome;

        patient.bind(1, kFamily[random() % 14]).bind(2, kGiven[random() % 14]);
        patient.bind(3, "19" + std::to_string(40 + random() % 60) + "-0" + std::to_string(1 + random() % 9) + "-1" +
                            std::to_string(random() % 10));
        patient.bind(4, random() % 2 ? "female" : "male").bind(5, submitted).run();
        screening.bind(1, db.lastInsertId()).bind(2, s.formUrl).bind(3, s.formVersion).bind(4, s.formSha256);
        screening.bind(5, s.rulesSha256).bind(6, state).bind(7, s.language).bind(8, submitted).bind(9, submitted);
        if (reviewed) screening.bind(10, nurse).bind(11, reviewedAt);
        if (!pending) screening.bind(12, mrso).bind(13, decidedAt);
        screening.run();
        const std::int64_t id = db.lastInsertId();
        const std::string text = t.prefix + "bench-" + std::to_string(i + 1) + t.suffix;
        response.bind(1, id).bind(2, text).bind(3, store::sha256Hex(text)).bind(4, submitted).run();
        appendAudit(submitted, "patient", "screening.submitted", id,
                    json{{"origin", "kiosk"}, {"flags", s.flags.size()}, {"form", s.formUrl + "|" + s.formVersion}});
        bool stopStands = false;
        for (const auto& f : s.flags) {
            const bool judged = reviewed && f.severity != screening::Severity::Info;
            const bool resolved = judged && random() % 4 == 0;
            stopStands = stopStands || (f.severity == screening::Severity::Stop && !resolved);
            flag.bind(1, id).bind(2, f.id).bind(3, f.category).bind(4, severityText(f.severity)).bind(5, f.message);
            flag.bind(6, screening::triggersToJson(f.triggers).dump()).bind(7, judged ? (resolved ? "resolved" : "verified") : "open");
            if (judged) flag.bind(8, nurse).bind(9, reviewedAt);
            flag.bind(10, judged ? "checked with the patient" : "").run();
            if (judged)
                appendAudit(reviewedAt, nurse, resolved ? "flag.resolved" : "flag.verified", id,
                            json{{"flag", f.id}, {"note", "checked with the patient"}});
        }
        if (reviewed) appendAudit(reviewedAt, nurse, "screening.reviewed", id, json{{"to", "reviewed"}});
        if (!pending) {
            const std::string conditions = outcome == "cleared_with_conditions" ? "Head coil only; 1.5 T" : "";
            const std::string reason = outcome != "not_cleared" && stopStands
                                           ? "Device confirmed MR Conditional; cardiology present"
                                           : "";
            decision.bind(1, id).bind(2, outcome).bind(3, conditions).bind(4, reason).bind(5, mrso).bind(6, decidedAt);
            decision.run();
            json detail = {{"to", outcome}};
            if (!conditions.empty()) detail["conditions"] = conditions;
            if (!reason.empty()) detail["reason"] = reason;
            appendAudit(decidedAt, mrso, "screening." + outcome, id, detail);
        }
        if ((i + 1) % batch == 0 || i + 1 == count) {
            head.bind(1, seq).bind(2, prevHash).run();
            tx->commit();
            tx.reset();
            db.exec("PRAGMA wal_checkpoint(TRUNCATE)");
        }
    }
    return seq - firstSeq;
}

struct Options {
    int screenings = 100000;
    int submits = 300;
    fs::path dir = "var";
    bool keep = false;
};

int usage(const std::string& arg) {
    std::cerr << "usage: mrscreen-bench-store [--screenings N] [--submits N] [--dir DIR] [--keep]\n"
                 "  --screenings N  screenings in the database before timing (default 100000, at least 100)\n"
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
        if (!::mkdtemp(pattern.data())) throw std::runtime_error("cannot create a directory in " + opt.dir.string());
        workDir = pattern;
    } catch (const std::exception& e) {
        std::cerr << "mrscreen-bench-store: " << e.what() << "\n";
        return 2;
    }
    const std::string path = (workDir / "mrscreen.db").string();
    double responseBytes = 0;
    for (const auto& t : templates) responseBytes += double(t.screening.responseJson.size());
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
        const std::int64_t events = populate(path, opt.screenings, kBatch, templates);
        const double buildMs = msSince(start);
        rows.push_back({"Build " + withCommas(opt.screenings) + " screenings (direct SQL, " +
                            withCommas(kBatch) + " per transaction)",
                        fixed(buildMs / 1000, 1) + " s, " + withCommas(double(events)) + " audit events", "-",
                        "info"});

        // 2. Opening it and reading, as the review station does. After a clean stop a start
        // checks the header only; after a crash (a session marker whose process is gone) it
        // reads every page once.
        start = Clock::now();
        auto db = store::openSqliteStore(path);
        rows.push_back({"Open the store after a clean stop (header check, migrations)", fixed(msSince(start), 1) + " ms",
                        "does not grow with N", "info"});
        db.reset();
        fs::create_directories(path + ".sessions");
        std::ofstream(path + ".sessions/4999999999-1.open") << "4999999999\n";
        start = Clock::now();
        db = store::openSqliteStore(path);
        rows.push_back({"Open the store after a crash (quick_check of every page)", fixed(msSince(start), 1) + " ms",
                        "-", "info"});

        std::size_t queued = 0;
        auto timeQueue = [&](int runs) {
            std::vector<double> ms;
            for (int i = 0; i < runs + 5; ++i) { // the first 5 warm up and are not counted
                const auto t0 = Clock::now();
                const auto q = db->queue();
                const double took = msSince(t0);
                queued = q.size();
                sink = sink + q.size() + std::size_t(q.empty() ? 0 : q.back().id);
                if (i >= 5) ms.push_back(took);
            }
            return ms;
        };
        const auto queueMs = timeQueue(200);
        const double queueP50 = percentile(queueMs, 0.5);
        rows.push_back({"queue() with " + std::to_string(queued) + " waiting (200 runs)", latency(queueMs),
                        "< 10 ms (median)", queueP50 < 10 ? "PASS" : "MISS"});
        if (queued != std::size_t(kPending)) {
            std::cerr << "mrscreen-bench-store: expected " << kPending << " screenings in the queue, got " << queued
                      << "\n";
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
        rows.push_back({"screening(id), random ids (1,000 runs)", latency(detailMs), "< 10 ms (median)",
                        detailP50 < 10 ? "PASS" : "MISS"});

        // 3. Submits: one fsynced transaction each, on the full database.
        const screening::Actor patient{"", screening::Role::Patient};
        std::vector<double> submitMs;
        for (int i = 0; i < opt.submits; ++i) {
            const Template& t = templates[std::size_t(i) % templates.size()];
            store::NewScreening s = t.screening;
            s.responseJson = t.prefix + "bench-submit-" + std::to_string(i + 1) + t.suffix;
            s.patient = {kFamily[i % 14], kGiven[(i / 14) % 14], "1970-01-15", "female"};
            const auto t0 = Clock::now();
            sink = sink + std::size_t(db->submit(s, patient));
            submitMs.push_back(msSince(t0));
        }
        const double submitP50 = percentile(submitMs, 0.5);
        rows.push_back({"submit() (" + std::to_string(opt.submits) + " runs, synchronous=FULL)", latency(submitMs),
                        "< 5 ms (median)", submitP50 < 5 ? "PASS" : "MISS"});
        const auto queueAfterMs = timeQueue(50);
        rows.push_back({"queue() with " + std::to_string(queued) + " waiting (50 runs)", latency(queueAfterMs), "-",
                        "info"});

        start = Clock::now();
        const auto audit = db->verifyAudit();
        rows.push_back({"verifyAudit() over the whole chain", fixed(msSince(start), 0) + " ms, " +
                                                                  withCommas(double(audit.rows)) + " events" +
                                                                  (audit.intact ? "" : ", BROKEN"),
                        "-", "info"});
        if (!audit.intact) {
            std::cerr << "mrscreen-bench-store: the audit chain does not verify: " << audit.problem << "\n";
            status = 2;
        }

        const std::int64_t total = db->countScreenings();
        db.reset(); // closing the last connection checkpoints the WAL into the file
        std::uintmax_t bytes = fs::file_size(path);
        if (fs::exists(path + "-wal")) bytes += fs::file_size(path + "-wal");
        rows.push_back({"Database bytes per screening", withCommas(double(bytes) / double(total)) + " B (" +
                                                            fixed(double(bytes) / 1048576, 0) + " MiB / " +
                                                            withCommas(double(total)) + "; response JSON avg " +
                                                            withCommas(responseBytes) + " B)",
                        "-", "info"});
    } catch (const std::exception& e) {
        std::cerr << "mrscreen-bench-store: " << e.what() << "\n";
        status = 2;
    }
    const double cpuShare = double(std::clock() - cpuStart) / CLOCKS_PER_SEC * 1000 / msSince(wallStart);

    std::cout << "mrscreen-bench-store: " << withCommas(opt.screenings) << " screenings from "
              << templates.size() << " example responses (" << withCommas(double(kPending))
              << " waiting), database in " << workDir.string() << " on " << fileSystemOf(workDir)
              << "; WAL, synchronous=FULL; 1 thread, got " << fixed(cpuShare * 100, 0) << "% of a core";
#ifndef NDEBUG
    std::cout << " [assertions on: not a Release build, numbers are not representative]";
#endif
    std::cout << "\n\n";
    if (rows.size() > 1) printTable(rows);

    if (!opt.keep) {
        std::error_code ec;
        fs::remove_all(workDir, ec);
    } else {
        std::cout << "\nkept " << path << "\n";
    }
    return status;
}
