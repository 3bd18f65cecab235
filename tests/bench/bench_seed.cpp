#include "bench_seed.h"

#include "bench_table.h"

#include "screening/answers.h"
#include "screening/assessment.h"
#include "screening/response.h"
#include "store/audit.h"
#include "store/clock.h"
#include "store/sqlite.h"

#include <nlohmann/json.hpp>

#include <sys/statfs.h>

#include <algorithm>
#include <cstdio>
#include <fstream>
#include <optional>
#include <random>
#include <sstream>
#include <stdexcept>

namespace mrscreen::bench {

using nlohmann::json;
namespace fs = std::filesystem;

double msSince(Clock::time_point start) {
    return std::chrono::duration<double, std::milli>(Clock::now() - start).count();
}

double percentile(std::vector<double> v, double p) {
    if (v.empty())
        return 0;
    std::sort(v.begin(), v.end());
    return v[std::min(v.size() - 1, std::size_t(p * double(v.size() - 1) + 0.5))];
}

std::string readText(const fs::path& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in)
        throw std::runtime_error("cannot read " + path.string());
    std::ostringstream s;
    s << in.rdbuf();
    return s.str();
}

std::string fileSystemOf(const fs::path& dir) {
    struct statfs st {};
    if (::statfs(dir.c_str(), &st) != 0)
        return "unknown file system";
    switch (static_cast<unsigned long>(st.f_type)) {
    case 0xEF53:
        return "ext4";
    case 0x58465342:
        return "xfs";
    case 0x9123683E:
        return "btrfs";
    case 0x01021994:
        return "tmpfs (in memory: fsync is free, submit times understated)";
    case 0x794c7630:
        return "overlayfs";
    case 0x2FC12FC1:
        return "zfs";
    default: {
        char buf[40];
        std::snprintf(buf, sizeof buf, "file system 0x%lx", static_cast<unsigned long>(st.f_type));
        return buf;
    }
    }
}

std::string latency(const std::vector<double>& ms) {
    return "median " + fixed(percentile(ms, 0.5), 2) + " ms, p99 " +
           fixed(percentile(ms, 0.99), 2) + " ms";
}

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
        if (e.path().extension() == ".json")
            paths.push_back(e.path().string());
    std::sort(paths.begin(), paths.end());
    if (paths.empty())
        throw std::runtime_error(dir + "/forms/examples holds no *.json responses");
    std::vector<Template> out;
    for (const auto& p : paths) {
        const std::string text = readText(p);
        const Response response = readResponse(text, p);
        AssessmentInput input;
        input.language =
            form.supportsLanguage(response.language) ? response.language : form.language;
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

namespace {

const char* const kFamily[] = {"Lindqvist", "Okafor", "Tanaka",  "Moreau", "Kowalski",
                               "Haddad",    "Nguyen", "Fischer", "Silva",  "Murphy",
                               "Novak",     "Ahmed",  "Rossi",   "Jensen"};
const char* const kGiven[] = {"Margaret", "Chidi", "Yuki", "Claire", "Piotr", "Rania",  "Minh",
                              "Lukas",    "Ana",   "Sean", "Eva",    "Omar",  "Giulia", "Lars"};

const char* const kNurses[] = {"anurse", "bnurse", "cnurse"};
const char* const kSigners[] = {"amrso", "bmrso"};

// 85 % cleared, 10 % with conditions, 5 % not cleared, from a roll of 0..99.
std::string outcomeOf(unsigned roll) {
    return roll < 85 ? "cleared" : roll < 95 ? "cleared_with_conditions" : "not_cleared";
}

} // namespace

std::int64_t populateSqlite(const std::string& path, int count, int batch,
                            const std::vector<Template>& templates) {
    store::Database db(path);
    db.exec("PRAGMA busy_timeout = 10000");
    db.exec("PRAGMA foreign_keys = ON");
    auto patient =
        db.prepare("INSERT INTO patients (family_name, given_name, birth_date, sex, created_at) "
                   "VALUES (?, ?, ?, ?, ?)");
    // contrast_waiting (the queue's half for decided screenings) is 0: the flags below keep the
    // default gate, zone-iv, so no decided screening here waits for a contrast decision.
    auto screening = db.prepare(
        "INSERT INTO screenings (patient_id, form_url, form_version, form_sha256, rules_sha256, "
        "state, origin, "
        "language, created_at, submitted_at, reviewed_by, reviewed_at, decided_by, decided_at, "
        "contrast_waiting) "
        "VALUES (?, ?, ?, ?, ?, ?, 'kiosk', ?, ?, ?, ?, ?, ?, ?, 0)");
    auto response =
        db.prepare("INSERT INTO responses (screening_id, version, json, sha256, created_at) "
                   "VALUES (?, 1, ?, ?, ?)");
    auto flag = db.prepare(
        "INSERT INTO flags (screening_id, rule_id, category, severity, message, triggers_json, "
        "status, status_by, status_at, note) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");
    auto decision =
        db.prepare("INSERT INTO decisions (screening_id, outcome, conditions, override_reason, "
                   "decided_by, decided_at) VALUES (?, ?, ?, ?, ?, ?)");
    auto audit = db.prepare(
        "INSERT INTO audit (seq, at, actor, action, screening_id, detail_json, prev_hash, hash) "
        "VALUES (?, ?, ?, ?, ?, ?, ?, ?)");
    auto head =
        db.prepare("INSERT INTO audit_head (id, seq, hash) VALUES (1, ?, ?) "
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
    auto appendAudit = [&](const std::string& at, const std::string& actor,
                           const std::string& action, std::int64_t id, const json& detail) {
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
    std::optional<store::Transaction> tx;
    for (int i = 0; i < count; ++i) {
        if (i % batch == 0)
            tx.emplace(db);
        const Template& t = templates[std::size_t(i) % templates.size()];
        const auto& s = t.screening;
        const int fromEnd = count - i; // the newest are the ones still pending
        const bool pending = fromEnd <= kPending;
        const bool reviewed = !pending || fromEnd <= kPending / 5;
        // One every ~10 minutes, oldest first, up to an hour ago; review 20 min and decision 40 min
        // later.
        const std::string submitted = store::addSeconds(now, -3600 - 600LL * fromEnd);
        const std::string reviewedAt = store::addSeconds(submitted, 1200);
        const std::string decidedAt = store::addSeconds(submitted, 2400);
        const std::string nurse = kNurses[random() % 3];
        const std::string mrso = kSigners[random() % 2];
        const std::string outcome = outcomeOf(unsigned(random() % 100));
        const std::string state = pending ? (reviewed ? "reviewed" : "submitted") : outcome;

        patient.bind(1, kFamily[random() % 14]).bind(2, kGiven[random() % 14]);
        patient.bind(3, "19" + std::to_string(40 + random() % 60) + "-0" +
                            std::to_string(1 + random() % 9) + "-1" +
                            std::to_string(random() % 10));
        patient.bind(4, random() % 2 ? "female" : "male").bind(5, submitted).run();
        screening.bind(1, db.lastInsertId())
            .bind(2, s.formUrl)
            .bind(3, s.formVersion)
            .bind(4, s.formSha256);
        screening.bind(5, s.rulesSha256)
            .bind(6, state)
            .bind(7, s.language)
            .bind(8, submitted)
            .bind(9, submitted);
        if (reviewed)
            screening.bind(10, nurse).bind(11, reviewedAt);
        if (!pending)
            screening.bind(12, mrso).bind(13, decidedAt);
        screening.run();
        const std::int64_t id = db.lastInsertId();
        const std::string text = t.prefix + "bench-" + std::to_string(i + 1) + t.suffix;
        response.bind(1, id).bind(2, text).bind(3, store::sha256Hex(text)).bind(4, submitted).run();
        appendAudit(submitted, "patient", "screening.submitted", id,
                    json{{"origin", "kiosk"},
                         {"flags", s.flags.size()},
                         {"form", s.formUrl + "|" + s.formVersion}});
        bool stopStands = false;
        for (const auto& f : s.flags) {
            const bool judged = reviewed && f.severity != screening::Severity::Info;
            const bool resolved = judged && random() % 4 == 0;
            stopStands = stopStands || (f.severity == screening::Severity::Stop && !resolved);
            flag.bind(1, id)
                .bind(2, f.id)
                .bind(3, f.category)
                .bind(4, screening::severityName(f.severity))
                .bind(5, f.message);
            flag.bind(6, screening::triggersToJson(f.triggers).dump())
                .bind(7, judged ? (resolved ? "resolved" : "verified") : "open");
            if (judged)
                flag.bind(8, nurse).bind(9, reviewedAt);
            flag.bind(10, judged ? "checked with the patient" : "").run();
            if (judged)
                appendAudit(reviewedAt, nurse, resolved ? "flag.resolved" : "flag.verified", id,
                            json{{"flag", f.id}, {"note", "checked with the patient"}});
        }
        if (reviewed)
            appendAudit(reviewedAt, nurse, "screening.reviewed", id, json{{"to", "reviewed"}});
        if (!pending) {
            const std::string conditions =
                outcome == "cleared_with_conditions" ? "Head coil only; 1.5 T" : "";
            const std::string reason = outcome != "not_cleared" && stopStands
                                           ? "Device confirmed MR Conditional; cardiology present"
                                           : "";
            decision.bind(1, id)
                .bind(2, outcome)
                .bind(3, conditions)
                .bind(4, reason)
                .bind(5, mrso)
                .bind(6, decidedAt);
            decision.run();
            json detail = {{"to", outcome}};
            if (!conditions.empty())
                detail["conditions"] = conditions;
            if (!reason.empty())
                detail["reason"] = reason;
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

store::NewScreening benchScreening(const std::vector<Template>& templates, int i,
                                   const std::string& tag) {
    const Template& t = templates[std::size_t(i) % templates.size()];
    store::NewScreening s = t.screening;
    s.responseJson = t.prefix + "bench-" + tag + "-" + std::to_string(i + 1) + t.suffix;
    s.patient = {kFamily[i % 14], kGiven[(i / 14) % 14], "1970-01-15", i % 2 ? "male" : "female"};
    s.submissionKey = "bench-" + tag + "-" + std::to_string(i + 1); // the kiosk's spool key
    return s;
}

std::int64_t seedThroughStore(store::Store& store, const std::vector<Template>& templates,
                              int first, int n, int count) {
    using screening::Action;
    using screening::Role;
    const std::string strokes = R"({"strokes":[[[0.1,0.5],[0.4,0.3],[0.9,0.6]]]})";
    std::int64_t calls = 0;
    for (int i = first; i < first + n; ++i) {
        std::mt19937 random(1125u +
                            unsigned(i)); // each screening's own, whichever process seeds it
        const int fromEnd = count - i;
        const bool pending = fromEnd <= kPending;
        const bool reviewed = !pending || fromEnd <= kPending / 5;
        const std::int64_t id =
            store.submit(benchScreening(templates, i, "seed"), {"", Role::Patient});
        ++calls;
        if (!reviewed)
            continue;
        const screening::Actor nurse{kNurses[random() % 3], Role::Nurse};
        const screening::Actor signer{kSigners[random() % 2], Role::Mrso};
        bool stopStands = false, contrastFlag = false;
        for (const auto& f : templates[std::size_t(i) % templates.size()].screening.flags) {
            if (f.severity == screening::Severity::Info)
                continue;
            const bool resolved = random() % 4 == 0;
            stopStands = stopStands || (f.severity == screening::Severity::Stop && !resolved);
            contrastFlag = contrastFlag || f.gate == screening::Gate::Contrast;
            store.setFlagVerdict(id, f.id,
                                 resolved ? screening::FlagVerdict::Resolved
                                          : screening::FlagVerdict::Verified,
                                 "checked with the patient", nurse);
            ++calls;
        }
        store.transitionSigned(id, {Action::Review, nurse, "", ""},
                               {"review", nurse.username, Role::Nurse, strokes, ""});
        ++calls;
        if (pending)
            continue;
        const std::string outcome = outcomeOf(unsigned(random() % 100));
        const Action action = outcome == "cleared"                   ? Action::Clear
                              : outcome == "cleared_with_conditions" ? Action::ClearWithConditions
                                                                     : Action::NotClear;
        const std::string conditions =
            action == Action::ClearWithConditions ? "Head coil only; 1.5 T" : "";
        const std::string reason = action != Action::NotClear && stopStands
                                       ? "Device confirmed MR Conditional; cardiology present"
                                       : "";
        store.transitionSigned(id, {action, signer, reason, conditions},
                               {"decision", signer.username, Role::Mrso, strokes, ""});
        ++calls;
        if (!contrastFlag)
            continue; // else it waits for the contrast part, signed by the radiologist
        store.decideContrast(id,
                             {"cleared", "", "eGFR checked; benefit outweighs the risk", "", ""},
                             {"contrast", "Dr Rita Alves", Role::Radiologist, strokes, ""},
                             {"rita", Role::Radiologist});
        ++calls;
    }
    return calls;
}

} // namespace mrscreen::bench
