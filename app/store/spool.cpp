#include "store/spool.h"

#include "store/clock.h"
#include "store/sqlite.h"

#include <nlohmann/json.hpp>
#include <openssl/rand.h>

#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <filesystem>
#include <sys/stat.h>
#include <unistd.h>

namespace mrscreen::store {

using nlohmann::json;

namespace {

constexpr const char* kSchema = "CREATE TABLE IF NOT EXISTS spooled_submissions ("
                                "id INTEGER PRIMARY KEY AUTOINCREMENT, "
                                "submission_key TEXT NOT NULL UNIQUE, "
                                "screening_json TEXT NOT NULL, "
                                "actor_name TEXT NOT NULL, "
                                "actor_role TEXT NOT NULL, "
                                "spooled_at TEXT NOT NULL, "
                                "attempts INTEGER NOT NULL DEFAULT 0, "
                                "last_error TEXT NOT NULL DEFAULT '')";

std::string cannotUse(const std::string& path, const StoreError& e) {
    std::string m = "the spool " + path;
    if (e.kind() == StoreErrorKind::Corrupt) {
        m += " is damaged (";
        m += e.what();
        m += "). It may hold submissions not yet sent: stop the kiosk, give a copy of the file to IT, "
             "then move it aside (the kiosk starts a new one). Until then a submission the database "
             "cannot take is not kept";
    } else {
        m += " cannot be used (";
        m += e.what();
        m += "). Until this is fixed a submission the database cannot take is not kept: free disk "
             "space or let the kiosk's user write its data directory, then start the kiosk again";
    }
    return m;
}

// Created by us with 0600 before SQLite opens it, so it is never readable by others, not even
// for a moment (SQLite's journal takes the file's mode).
void createPrivately(const std::string& path) {
    namespace fs = std::filesystem;
    const fs::path parent = fs::path(path).parent_path();
    std::error_code ec;
    if (!parent.empty()) {
        fs::create_directories(parent, ec);
        if (!ec) fs::permissions(parent, fs::perms::owner_all, ec);
        if (ec)
            throw SpoolError("the spool's folder " + parent.string() + " cannot be made private: " + ec.message() +
                             ". Check that the data directory exists and that this user may write it");
    }
    const int fd = ::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0600);
    if (fd < 0 || ::fchmod(fd, 0600) != 0) {
        const std::string why = std::strerror(errno);
        if (fd >= 0) ::close(fd);
        throw SpoolError("the spool " + path + " cannot be created or written: " + why +
                         ". Check that the data directory exists and that this user may write it");
    }
    ::close(fd);
}

json flagJson(const screening::Flag& f) {
    json triggers = json::array();
    for (const auto& t : f.triggers)
        triggers.push_back({{"linkId", t.linkId},
                            {"answers", t.answers},
                            {"derived", t.derived},
                            {"value", t.value ? json(*t.value) : json(nullptr)}});
    return {{"id", f.id},
            {"category", f.category},
            {"severity", screening::severityName(f.severity)},
            {"gate", screening::gateName(f.gate)},
            {"message", f.message},
            {"triggers", triggers}};
}

screening::Flag flagFrom(const json& j) {
    screening::Flag f;
    f.id = j.at("id").get<std::string>();
    f.category = j.at("category").get<std::string>();
    const std::string severity = j.at("severity").get<std::string>();
    f.severity = severity == "stop"   ? screening::Severity::Stop
                 : severity == "info" ? screening::Severity::Info
                                      : screening::Severity::Review;
    f.gate = screening::parseGate(j.at("gate").get<std::string>()).value_or(screening::Gate::ZoneIv);
    f.message = j.at("message").get<std::string>();
    for (const auto& t : j.at("triggers")) {
        screening::Trigger trigger;
        trigger.linkId = t.at("linkId").get<std::string>();
        trigger.answers = t.at("answers").get<std::vector<std::string>>();
        trigger.derived = t.at("derived").get<std::string>();
        if (!t.at("value").is_null()) trigger.value = t.at("value").get<double>();
        f.triggers.push_back(std::move(trigger));
    }
    return f;
}

SpooledSubmission readItem(Statement& st, bool withScreening) {
    SpooledSubmission item;
    item.id = st.integer(0);
    if (withScreening) item.screening = spooledScreeningFromJson(st.text(1));
    item.screening.submissionKey = st.text(2);
    item.actor.username = st.text(3);
    item.actor.role = screening::parseRole(st.text(4)).value_or(screening::Role::Patient);
    item.spooledAt = st.text(5);
    item.attempts = int(st.integer(6));
    item.lastError = st.text(7);
    return item;
}

} // namespace

std::string newSubmissionKey() {
    unsigned char b[16];
    if (RAND_bytes(b, sizeof b) != 1) throw std::runtime_error("the system's random source failed (OpenSSL RAND_bytes)");
    b[6] = (b[6] & 0x0f) | 0x40; // version 4
    b[8] = (b[8] & 0x3f) | 0x80; // RFC 4122 variant
    static const char* hex = "0123456789abcdef";
    std::string key;
    for (int i = 0; i < 16; ++i) {
        if (i == 4 || i == 6 || i == 8 || i == 10) key += '-';
        key += hex[b[i] >> 4];
        key += hex[b[i] & 0x0f];
    }
    return key;
}

std::string spooledScreeningJson(const NewScreening& s) {
    json flags = json::array();
    for (const auto& f : s.flags) flags.push_back(flagJson(f));
    return json{{"formUrl", s.formUrl},
                {"formVersion", s.formVersion},
                {"formSha256", s.formSha256},
                {"rulesSha256", s.rulesSha256},
                {"language", s.language},
                {"origin", s.origin},
                {"responseJson", s.responseJson},
                {"flags", flags},
                {"patient",
                 {{"familyName", s.patient.familyName},
                  {"givenName", s.patient.givenName},
                  {"birthDate", s.patient.birthDate},
                  {"sex", s.patient.sex}}},
                {"formJson", s.formJson},
                {"rulesJson", s.rulesJson},
                {"contrastPlanned", s.contrastPlanned},
                {"ignoredAnswersJson", s.ignoredAnswersJson},
                {"submissionKey", s.submissionKey}}
        .dump();
}

NewScreening spooledScreeningFromJson(const std::string& text) {
    try {
        const json j = json::parse(text);
        NewScreening s;
        s.formUrl = j.at("formUrl").get<std::string>();
        s.formVersion = j.at("formVersion").get<std::string>();
        s.formSha256 = j.at("formSha256").get<std::string>();
        s.rulesSha256 = j.at("rulesSha256").get<std::string>();
        s.language = j.at("language").get<std::string>();
        s.origin = j.at("origin").get<std::string>();
        s.responseJson = j.at("responseJson").get<std::string>();
        for (const auto& f : j.at("flags")) s.flags.push_back(flagFrom(f));
        const json& p = j.at("patient");
        s.patient = {p.at("familyName").get<std::string>(), p.at("givenName").get<std::string>(),
                     p.at("birthDate").get<std::string>(), p.at("sex").get<std::string>()};
        s.formJson = j.at("formJson").get<std::string>();
        s.rulesJson = j.at("rulesJson").get<std::string>();
        s.contrastPlanned = j.at("contrastPlanned").get<std::string>();
        s.ignoredAnswersJson = j.at("ignoredAnswersJson").get<std::string>();
        s.submissionKey = j.at("submissionKey").get<std::string>();
        return s;
    } catch (const json::exception& e) {
        throw SpoolError(std::string("a spooled submission cannot be read back (") + e.what() +
                         "): the spool is damaged; give a copy of it to IT");
    }
}

Spool::Spool(const std::string& path) : path_(path) {
    createPrivately(path);
    try {
        db_ = std::make_unique<Database>(path);
        db_->exec("PRAGMA busy_timeout = 5000");
        db_->exec("PRAGMA synchronous = FULL");
        // The spool is small: reading all of it at open is cheap, and a damaged file is found
        // here, before a patient's submission depends on it.
        auto check = db_->prepare("PRAGMA quick_check");
        const std::string verdict = check.step() ? check.text(0) : "";
        if (verdict != "ok") throw StoreError("quick_check: " + verdict, StoreErrorKind::Corrupt);
        db_->exec(kSchema);
        readBacklog();
    } catch (const StoreError& e) {
        throw SpoolError(cannotUse(path, e));
    }
}

Spool::~Spool() = default;

std::int64_t Spool::add(NewScreening screening, const Actor& actor, const std::string& error) {
    if (screening.submissionKey.empty()) screening.submissionKey = newSubmissionKey();
    std::lock_guard lock(mutex_);
    try {
        Transaction tx(*db_);
        auto known = db_->prepare("SELECT id FROM spooled_submissions WHERE submission_key = ?");
        if (known.bind(1, screening.submissionKey).step()) return known.integer(0); // kept once
        db_->prepare("INSERT INTO spooled_submissions (submission_key, screening_json, actor_name, actor_role, "
                     "spooled_at, last_error) VALUES (?, ?, ?, ?, ?, ?)")
            .bind(1, screening.submissionKey)
            .bind(2, spooledScreeningJson(screening))
            .bind(3, actor.username)
            .bind(4, screening::roleName(actor.role))
            .bind(5, nowUtc())
            .bind(6, error)
            .run();
        const std::int64_t id = db_->lastInsertId();
        tx.commit();
        readBacklog();
        return id;
    } catch (const StoreError& e) {
        std::string m = "the submission could not be kept in the spool " + path_ + ": ";
        m += e.what();
        throw SpoolError(m);
    }
}

std::optional<SpooledSubmission> Spool::next(std::int64_t afterId) {
    std::lock_guard lock(mutex_);
    try {
        auto st = db_->prepare("SELECT id, screening_json, submission_key, actor_name, actor_role, spooled_at, "
                               "attempts, last_error FROM spooled_submissions WHERE id > ? ORDER BY id LIMIT 1");
        if (!st.bind(1, afterId).step()) return std::nullopt;
        return readItem(st, true);
    } catch (const StoreError& e) {
        throw SpoolError(cannotUse(path_, e));
    }
}

std::vector<SpooledSubmission> Spool::waiting() {
    std::lock_guard lock(mutex_);
    try {
        auto st = db_->prepare("SELECT id, '', submission_key, actor_name, actor_role, spooled_at, attempts, "
                               "last_error FROM spooled_submissions ORDER BY id");
        std::vector<SpooledSubmission> out;
        while (st.step()) out.push_back(readItem(st, false));
        return out;
    } catch (const StoreError& e) {
        throw SpoolError(cannotUse(path_, e));
    }
}

void Spool::remove(std::int64_t id) {
    std::lock_guard lock(mutex_);
    try {
        db_->prepare("DELETE FROM spooled_submissions WHERE id = ?").bind(1, id).run();
        readBacklog();
    } catch (const StoreError& e) {
        throw SpoolError(cannotUse(path_, e));
    }
}

void Spool::noteFailure(std::int64_t id, const std::string& error) {
    std::lock_guard lock(mutex_);
    try {
        db_->prepare("UPDATE spooled_submissions SET attempts = attempts + 1, last_error = ? WHERE id = ?")
            .bind(1, error)
            .bind(2, id)
            .run();
    } catch (const StoreError& e) {
        throw SpoolError(cannotUse(path_, e));
    }
}

SpoolBacklog Spool::backlog() const {
    std::lock_guard lock(mutex_);
    return backlog_;
}

SpoolBacklog Spool::refresh() {
    std::lock_guard lock(mutex_);
    try {
        readBacklog();
    } catch (const StoreError& e) {
        throw SpoolError(cannotUse(path_, e));
    }
    return backlog_;
}

void Spool::readBacklog() {
    auto st = db_->prepare("SELECT COUNT(*), COALESCE(MIN(spooled_at), '') FROM spooled_submissions");
    st.step();
    backlog_.count = int(st.integer(0));
    backlog_.oldestSpooledAt = st.text(1);
}

} // namespace mrscreen::store
