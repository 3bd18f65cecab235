// The SQLite store: WAL, synchronous=FULL, foreign keys, a busy timeout; at open a cheap check, and
// quick_check of the whole file after an unclean shutdown.
// Screenings, their review and transitions; staff and records are in sqlite_store_staff.cpp.
#include "store/clock.h"
#include "store/migrations.h"
#include "store/sqlite_store_impl.h"

#include <algorithm>
#include <chrono>
#include <climits>
#include <filesystem>
#include <thread>

namespace mrscreen::store {

namespace detail {

// The flags a submission raised, as the audit event keeps them (the cross-check compares).
json flagList(const std::vector<screening::Flag>& flags) {
    json list = json::array();
    for (const auto& f : flags)
        list.push_back({{"flag", f.id},
                        {"severity", severityText(f.severity)},
                        {"gate", screening::gateName(f.gate)}});
    return list;
}

SqliteStore::SqliteStore(const std::string& path, const StoreOptions& options)
    : WorkflowStore(options), db_(path),
      recordsDir_(
          std::filesystem::absolute(!options.recordsDir.empty()
                                        ? std::filesystem::path(options.recordsDir)
                                        : std::filesystem::path(path).parent_path() / "records")
              .lexically_normal()
              .string()),
      sessions_(path) {
    db_.exec("PRAGMA busy_timeout = " + std::to_string(std::max(0, options.busyTimeoutMs)));
    checkHeader();
    if (sessions_.uncleanShutdown()) {
        checkIntegrity(); // a crash or power cut: read every page before trusting the file
        sessions_.clearStale();
    }
    setWal();
    db_.exec("PRAGMA synchronous = FULL");
    db_.exec("PRAGMA foreign_keys = ON");
    db_.onTransactionEnd([this](bool committed) { transactionEnded(committed); });
    migrate(db_, INT_MAX, [this](int version) {
        if (version == kStaffBaselineMigration)
            appendStaffBaseline();
    });
}

std::int64_t SqliteStore::insertSubmission(const NewScreening& s, const Actor& actor) {
    Transaction tx(db_);
    // A resend (the spool after an outage): read under the write lock, so nothing can store the
    // key in between; the unique index (0012) refuses a duplicate all the same. Nothing is written.
    if (!s.submissionKey.empty()) {
        auto st = db_.prepare("SELECT id FROM screenings WHERE submission_key = ?");
        if (st.bind(1, s.submissionKey).step())
            return st.integer(0);
    }
    const std::string now = nowUtc();
    keepFormTexts(s);
    const std::int64_t id = insertScreening(s, now, std::nullopt, "submitted");
    appendAudit(events::submitted(actor, id, s));
    tx.commit();
    return id;
}

std::vector<ScreeningSummary> SqliteStore::queue() {
    auto st = db_.prepare(summarySql() + kQueueWhere);
    std::vector<ScreeningSummary> out;
    while (st.step())
        out.push_back(readSummary(st));
    return out;
}

std::int64_t SqliteStore::countScreenings() {
    auto st = db_.prepare("SELECT COUNT(*) FROM screenings");
    st.step();
    return st.integer(0);
}

std::optional<ScreeningDetail> SqliteStore::screening(std::int64_t id) {
    auto st = db_.prepare(summarySql() + " WHERE s.id = ?");
    st.bind(1, id);
    if (!st.step())
        return std::nullopt;
    ScreeningDetail d;
    d.summary = readSummary(st);
    auto info = db_.prepare(
        "SELECT form_url, form_version, form_sha256, rules_sha256, language, amends_id, "
        "(SELECT id FROM screenings n WHERE n.amends_id = s.id), contrast_planned, "
        "contrast_planned_by, contrast_planned_at, ignored_answers_json "
        "FROM screenings s WHERE id = ?");
    info.bind(1, id).step();
    d.formUrl = info.text(0);
    d.formVersion = info.text(1);
    d.formSha256 = info.text(2);
    d.rulesSha256 = info.text(3);
    d.language = info.text(4);
    if (!info.isNull(5))
        d.amendsId = info.integer(5);
    if (!info.isNull(6))
        d.amendedById = info.integer(6);
    d.contrastPlanned = info.text(7);
    d.contrastPlannedBy = info.text(8);
    d.contrastPlannedAt = info.text(9);
    d.ignoredAnswersJson = info.text(10);
    auto resp = db_.prepare("SELECT version, json FROM responses WHERE screening_id = ? "
                            "ORDER BY version DESC LIMIT 1");
    if (resp.bind(1, id).step()) {
        d.responseVersion = int(resp.integer(0));
        d.responseJson = resp.text(1);
    }
    d.flags = readFlags(id);
    auto dec = db_.prepare("SELECT outcome, conditions, override_reason, decided_by, decided_at "
                           "FROM decisions WHERE screening_id = ? ORDER BY id DESC LIMIT 1");
    if (dec.bind(1, id).step())
        d.decision = Decision{dec.text(0), dec.text(1), dec.text(2), dec.text(3), dec.text(4)};
    auto cdec = db_.prepare(
        "SELECT outcome, conditions, reason, decided_by, decided_at FROM contrast_decisions "
        "WHERE screening_id = ? ORDER BY id DESC LIMIT 1");
    if (cdec.bind(1, id).step())
        d.contrastDecision =
            ContrastDecision{cdec.text(0), cdec.text(1), cdec.text(2), cdec.text(3), cdec.text(4)};
    auto hist =
        db_.prepare("SELECT seq, at, actor, action, screening_id, detail_json, prev_hash, hash "
                    "FROM audit WHERE screening_id = ? ORDER BY seq");
    hist.bind(1, id);
    while (hist.step())
        d.history.push_back(readAudit(hist));
    auto labs = db_.prepare(
        "SELECT kind, value, unit, COALESCE(taken_on, ''), entered_by, entered_at FROM labs "
        "WHERE screening_id = ? ORDER BY id");
    labs.bind(1, id);
    while (labs.step())
        d.labs.push_back(LabResult{labs.text(0), labs.real(1), labs.text(2), labs.text(3),
                                   labs.text(4), labs.text(5)});
    auto imp = db_.prepare(
        "SELECT id, description, manufacturer, model, location, COALESCE(implanted_on, ''), "
        "mr_status, conditions_json, check_result, entered_by, entered_at FROM implants "
        "WHERE screening_id = ? ORDER BY id");
    imp.bind(1, id);
    while (imp.step()) {
        ImplantRecord r;
        r.id = imp.integer(0);
        r.type = imp.text(1);
        r.manufacturer = imp.text(2);
        r.model = imp.text(3);
        r.location = imp.text(4);
        r.implantedOn = imp.text(5);
        r.mrStatus = screening::parseMrStatus(imp.text(6)).value_or(screening::MrStatus::Unknown);
        r.conditions = conditionsFromJson(imp.text(7));
        r.checkResult = imp.text(8);
        r.enteredBy = imp.text(9);
        r.enteredAt = imp.text(10);
        d.implants.push_back(std::move(r));
    }
    auto sig = db_.prepare(
        "SELECT purpose, signer_name, signer_role, strokes_json, signed_at FROM signatures "
        "WHERE screening_id = ? ORDER BY id");
    sig.bind(1, id);
    while (sig.step())
        d.signatures.push_back(StaffSignature{
            sig.text(0), sig.text(1), screening::parseRole(sig.text(2)).value_or(Role::Nurse),
            sig.text(3), sig.text(4)});
    d.procedure = linkedProcedure(id);
    return d;
}

void SqliteStore::insertLab(std::int64_t id, const ScreeningFacts& expected, const LabResult& lab,
                            const Actor& actor) {
    Transaction tx(db_);
    holdFacts(id, expected);
    const std::string now = nowUtc();
    db_.prepare(
           "INSERT INTO labs (screening_id, kind, value, unit, taken_on, entered_by, entered_at) "
           "VALUES (?, ?, ?, ?, ?, ?, ?)")
        .bind(1, id)
        .bind(2, lab.kind)
        .bind(3, lab.value)
        .bind(4, lab.unit)
        .bind(5, lab.takenOn)
        .bind(6, actor.username)
        .bind(7, now)
        .run();
    appendAudit(events::labAdded(actor, id, lab));
    tx.commit();
}

std::optional<std::int64_t> SqliteStore::writeImplant(std::int64_t id,
                                                      const ScreeningFacts& expected,
                                                      const ImplantRecord& implant,
                                                      const Actor& actor) {
    Transaction tx(db_);
    holdFacts(id, expected);
    const std::string now = nowUtc();
    const std::string conditions = conditionsToJson(implant.conditions);
    std::int64_t implantId = implant.id;
    if (implantId == 0) {
        db_.prepare("INSERT INTO implants (screening_id, description, manufacturer, model, "
                    "location, implanted_on, "
                    "mr_status, conditions_json, check_result, entered_by, entered_at) "
                    "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")
            .bind(1, id)
            .bind(2, implant.type)
            .bind(3, implant.manufacturer)
            .bind(4, implant.model)
            .bind(5, implant.location)
            .bind(6, implant.implantedOn)
            .bind(7, screening::mrStatusName(implant.mrStatus))
            .bind(8, conditions)
            .bind(9, implant.checkResult)
            .bind(10, actor.username)
            .bind(11, now)
            .run();
        implantId = db_.lastInsertId();
    } else {
        db_.prepare(
               "UPDATE implants SET description = ?, manufacturer = ?, model = ?, location = ?, "
               "implanted_on = ?, mr_status = ?, conditions_json = ?, check_result = ?, entered_by "
               "= ?, "
               "entered_at = ? WHERE id = ? AND screening_id = ?")
            .bind(1, implant.type)
            .bind(2, implant.manufacturer)
            .bind(3, implant.model)
            .bind(4, implant.location)
            .bind(5, implant.implantedOn)
            .bind(6, screening::mrStatusName(implant.mrStatus))
            .bind(7, conditions)
            .bind(8, implant.checkResult)
            .bind(9, actor.username)
            .bind(10, now)
            .bind(11, implantId)
            .bind(12, id)
            .run();
        if (db_.changes() == 0)
            return std::nullopt;
    }
    appendAudit(events::implantSaved(actor, id, implantId, implant, conditions));
    tx.commit();
    return implantId;
}

void SqliteStore::writeTransition(std::int64_t id, const ScreeningFacts& expected,
                                  const TransitionRequest& request, ScreeningState next,
                                  const std::optional<StaffSignature>& signature) {
    Transaction tx(db_);
    holdFacts(id, expected);
    const std::string now = nowUtc();
    const std::string who = actorName(request.actor);
    auto st = db_.prepare("UPDATE screenings SET state = ? WHERE id = ?");
    st.bind(1, screening::stateName(next)).bind(2, id).run();
    if (request.action == Action::Review) {
        db_.prepare("UPDATE screenings SET reviewed_by = ?, reviewed_at = ? WHERE id = ?")
            .bind(1, who)
            .bind(2, now)
            .bind(3, id)
            .run();
    } else if (screening::isDecided(next)) {
        db_.prepare("UPDATE screenings SET decided_by = ?, decided_at = ? WHERE id = ?")
            .bind(1, who)
            .bind(2, now)
            .bind(3, id)
            .run();
        db_.prepare("INSERT INTO decisions (screening_id, outcome, conditions, override_reason, "
                    "decided_by, "
                    "decided_at) VALUES (?, ?, ?, ?, ?, ?)")
            .bind(1, id)
            .bind(2, screening::stateName(next))
            .bind(3, request.conditions)
            .bind(4, request.overrideReason)
            .bind(5, who)
            .bind(6, now)
            .run();
    }
    appendAudit(events::transitioned(request, id, next));
    if (signature) {
        db_.prepare("INSERT INTO signatures (screening_id, signer_role, signer_name, strokes_json, "
                    "signed_at, purpose) "
                    "VALUES (?, ?, ?, ?, ?, ?)")
            .bind(1, id)
            .bind(2, screening::roleName(request.actor.role))
            .bind(3, signature->signerName)
            .bind(4, signature->strokesJson)
            .bind(5, nowUtc())
            .bind(6, signature->purpose)
            .run();
        appendAudit(events::signature(request.actor, id, signature->purpose, signature->signerName,
                                      signature->strokesJson));
    }
    tx.commit();
}

bool SqliteStore::writeFlagVerdict(std::int64_t id, const ScreeningFacts& expected,
                                   const std::string& ruleId, FlagVerdict verdict,
                                   const std::string& note, const Actor& actor,
                                   const std::string& correctedAnswer) {
    Transaction tx(db_);
    holdFacts(id, expected);
    auto st = db_.prepare("UPDATE flags SET status = ?, status_by = ?, status_at = ?, note = ?, "
                          "corrected_answer = ? WHERE screening_id = ? AND rule_id = ?");
    st.bind(1, screening::verdictName(verdict))
        .bind(2, actor.username)
        .bind(3, nowUtc())
        .bind(4, note);
    st.bind(5, correctedAnswer).bind(6, id).bind(7, ruleId).run();
    if (db_.changes() == 0)
        return false;
    appendAudit(events::flagVerdict(actor, id, ruleId, verdict, note, correctedAnswer));
    tx.commit();
    return true;
}

std::int64_t SqliteStore::writeAmendment(std::int64_t id, const ScreeningFacts& expected,
                                         const NewScreening& corrected, const Actor& actor) {
    Transaction tx(db_);
    holdFacts(id, expected);
    const std::string now = nowUtc();
    db_.prepare("UPDATE screenings SET state = 'amended' WHERE id = ?").bind(1, id).run();
    NewScreening s = corrected;
    s.origin = "amendment";
    keepFormTexts(s);
    const std::int64_t newId = insertScreening(s, now, id, "submitted");
    appendAudit(events::amended(actor, id, newId));
    appendAudit(events::amendmentSubmitted(actor, id, newId, s));
    if (const auto link = linkedProcedure(id)) { // the correction is for the same scheduled exam
        db_.prepare("INSERT INTO procedure_links SELECT ?, patient_id, issuer_of_patient_id, "
                    "accession_number, "
                    "procedure_code, procedure_coding_scheme, procedure_description, "
                    "study_instance_uid, "
                    "requested_procedure_id, station_ae_title, station_name, scheduled_start, "
                    "patient_name, "
                    "patient_birth_date, patient_sex, linked_by, linked_at FROM procedure_links "
                    "WHERE screening_id = ?")
            .bind(1, newId)
            .bind(2, id)
            .run();
        appendAudit(events::linkCarried(actor, id, newId, *link));
    }
    tx.commit();
    return newId;
}

void SqliteStore::setWal() {
    for (int attempt = 0;; ++attempt) {
        try {
            db_.exec("PRAGMA journal_mode = WAL");
            return;
        } catch (const StoreError&) {
            if (attempt >= 200)
                throw;
            std::this_thread::sleep_for(std::chrono::milliseconds(50));
        }
    }
}

void SqliteStore::refuseDamaged(const std::string& finding, StoreErrorKind kind) {
    throw StoreError(
        "the database " + db_.path() + " failed its integrity check (" + finding.substr(0, 200) +
            "). mrscreen will not run on a damaged database: stop the kiosk, keep this file "
            "for investigation, and restore the latest backup (see 'mrscreen backup' in "
            "README.md)",
        kind);
}

void SqliteStore::checkHeader() {
    try {
        auto st = db_.prepare("SELECT COUNT(*) FROM sqlite_master");
        st.step();
    } catch (const StoreError& e) {
        refuseDamaged(e.what(),
                      e.kind() == StoreErrorKind::Other ? StoreErrorKind::Corrupt : e.kind());
    }
}

void SqliteStore::checkIntegrity() {
    std::string result;
    StoreErrorKind kind = StoreErrorKind::Corrupt;
    try {
        auto st = db_.prepare("PRAGMA quick_check");
        st.step();
        result = st.text(0);
    } catch (const StoreError& e) {
        result = e.what();
        kind = e.kind() == StoreErrorKind::Other ? StoreErrorKind::Corrupt
                                                 : e.kind(); // locked is not damaged
    }
    if (result != "ok")
        refuseDamaged(result, kind);
}

std::int64_t SqliteStore::insertScreening(const NewScreening& s, const std::string& now,
                                          std::optional<std::int64_t> amends, const char* state) {
    db_.prepare("INSERT INTO patients (family_name, given_name, birth_date, sex, created_at) "
                "VALUES (?, ?, ?, ?, ?)")
        .bind(1, s.patient.familyName)
        .bind(2, s.patient.givenName)
        .bind(3, s.patient.birthDate)
        .bind(4, s.patient.sex)
        .bind(5, now)
        .run();
    const std::int64_t patient = db_.lastInsertId();
    auto st = db_.prepare(
        "INSERT INTO screenings (patient_id, form_url, form_version, form_sha256, rules_sha256, "
        "state, origin, language, amends_id, created_at, submitted_at, contrast_planned, "
        "ignored_answers_json, submission_key) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");
    st.bind(1, patient)
        .bind(2, s.formUrl)
        .bind(3, s.formVersion)
        .bind(4, s.formSha256)
        .bind(5, s.rulesSha256);
    st.bind(6, state).bind(7, s.origin).bind(8, s.language);
    if (amends)
        st.bind(9, *amends);
    else
        st.bindNull(9);
    st.bind(10, now).bind(11, now).bind(12, s.contrastPlanned);
    st.bind(13, s.ignoredAnswersJson.empty() ? std::string("[]") : s.ignoredAnswersJson);
    if (s.submissionKey.empty())
        st.bindNull(14);
    else
        st.bind(14, s.submissionKey);
    st.run();
    const std::int64_t id = db_.lastInsertId();
    db_.prepare("INSERT INTO responses (screening_id, version, json, sha256, created_at) VALUES "
                "(?, 1, ?, ?, ?)")
        .bind(1, id)
        .bind(2, s.responseJson)
        .bind(3, sha256Hex(s.responseJson))
        .bind(4, now)
        .run();
    for (const auto& f : s.flags)
        insertFlag(id, f);
    return id;
}

void SqliteStore::insertFlag(std::int64_t id, const screening::Flag& f) {
    auto flag = db_.prepare(
        "INSERT INTO flags (screening_id, rule_id, category, severity, message, triggers_json, "
        "gate) VALUES (?, ?, ?, ?, ?, ?, ?)");
    flag.bind(1, id)
        .bind(2, f.id)
        .bind(3, f.category)
        .bind(4, severityText(f.severity))
        .bind(5, f.message);
    flag.bind(6, screening::triggersToJson(f.triggers).dump())
        .bind(7, screening::gateName(f.gate))
        .run();
}

ScreeningState SqliteStore::stateOf(std::int64_t id) {
    auto st = db_.prepare("SELECT state FROM screenings WHERE id = ?");
    if (!st.bind(1, id).step())
        throw Refused("there is no screening " + std::to_string(id));
    return screening::parseState(st.text(0)).value_or(ScreeningState::Draft);
}

ScreeningFacts SqliteStore::facts(std::int64_t id) {
    ScreeningFacts f;
    f.state = stateOf(id);
    auto st = db_.prepare("SELECT COALESCE(reviewed_by, ''), contrast_planned, "
                          "EXISTS (SELECT 1 FROM contrast_decisions c WHERE c.screening_id = s.id) "
                          "FROM screenings s WHERE id = ?");
    st.bind(1, id).step();
    f.reviewedBy = st.text(0);
    f.contrastPlanned =
        screening::parseContrastPlan(st.text(1)).value_or(screening::ContrastPlan::Unknown);
    f.contrastDecided = st.integer(2) != 0;
    f.flags = flagStatuses(readFlags(id));
    return f;
}

std::optional<ScreeningFacts> SqliteStore::readFacts(std::int64_t id) {
    auto st = db_.prepare("SELECT 1 FROM screenings WHERE id = ?");
    if (!st.bind(1, id).step())
        return std::nullopt;
    return facts(id);
}

void SqliteStore::holdFacts(std::int64_t id, const ScreeningFacts& expected) {
    ScreeningFacts now = facts(id);
    if (sameFacts(now, expected))
        return;
    ChangedMeanwhile change{id, std::move(now), "", ""};
    auto newest =
        db_.prepare("SELECT actor, at FROM audit WHERE screening_id = ? ORDER BY seq DESC LIMIT 1");
    if (newest.bind(1, id).step()) {
        change.by = newest.text(0);
        change.at = newest.text(1);
    }
    throw FactsChanged(std::move(change));
}

std::string SqliteStore::conditionsToJson(const screening::MrConditions& c) {
    json j = json::object();
    if (!c.fieldStrengthsT.empty())
        j["fieldStrengthsT"] = c.fieldStrengthsT;
    if (c.maxSpatialGradientTPerM)
        j["maxSpatialGradientTPerM"] = *c.maxSpatialGradientTPerM;
    if (c.maxWholeBodySarWPerKg)
        j["maxWholeBodySarWPerKg"] = *c.maxWholeBodySarWPerKg;
    if (c.maxHeadSarWPerKg)
        j["maxHeadSarWPerKg"] = *c.maxHeadSarWPerKg;
    if (c.maxB1rmsMicroTesla)
        j["maxB1rmsMicroTesla"] = *c.maxB1rmsMicroTesla;
    if (c.operatingMode != screening::OperatingMode::Unknown)
        j["operatingMode"] = screening::operatingModeName(c.operatingMode);
    if (!c.other.empty())
        j["other"] = c.other;
    return j.dump();
}

screening::MrConditions SqliteStore::conditionsFromJson(const std::string& text) {
    screening::MrConditions c;
    const json j = json::parse(text, nullptr, false);
    if (!j.is_object())
        return c;
    auto number = [&](const char* key) -> std::optional<double> {
        if (j.contains(key) && j[key].is_number())
            return j[key].get<double>();
        return std::nullopt;
    };
    if (j.contains("fieldStrengthsT") && j["fieldStrengthsT"].is_array())
        for (const auto& t : j["fieldStrengthsT"])
            if (t.is_number())
                c.fieldStrengthsT.push_back(t.get<double>());
    c.maxSpatialGradientTPerM = number("maxSpatialGradientTPerM");
    c.maxWholeBodySarWPerKg = number("maxWholeBodySarWPerKg");
    c.maxHeadSarWPerKg = number("maxHeadSarWPerKg");
    c.maxB1rmsMicroTesla = number("maxB1rmsMicroTesla");
    c.operatingMode = screening::parseOperatingMode(j.value("operatingMode", ""))
                          .value_or(screening::OperatingMode::Unknown);
    c.other = j.value("other", "");
    return c;
}

std::vector<StoredFlag> SqliteStore::readFlags(std::int64_t id) {
    auto st = db_.prepare(
        "SELECT rule_id, category, severity, message, triggers_json, status, "
        "COALESCE(status_by, ''), COALESCE(status_at, ''), note, corrected_answer, gate FROM flags "
        "WHERE screening_id = ? ORDER BY CASE severity WHEN 'stop' THEN 0 "
        "WHEN 'review' THEN 1 ELSE 2 END, id");
    st.bind(1, id);
    std::vector<StoredFlag> out;
    while (st.step()) {
        StoredFlag f;
        f.ruleId = st.text(0);
        f.category = st.text(1);
        f.severity = parseSeverity(st.text(2));
        f.message = st.text(3);
        f.triggersJson = st.text(4);
        f.status = screening::parseVerdict(st.text(5)).value_or(FlagVerdict::Open);
        f.statusBy = st.text(6);
        f.statusAt = st.text(7);
        f.note = st.text(8);
        f.correctedAnswer = st.text(9);
        f.gate = st.text(10);
        out.push_back(std::move(f));
    }
    return out;
}

// Also a decided screening whose contrast part still waits (contrast_waiting, kept by the
// database's triggers: migrations 0015, PostgreSQL 0004): two index reads, however many
// screenings were decided before.
const char* const kQueueWhere =
    " WHERE s.state IN ('submitted', 'reviewed') OR s.contrast_waiting = 1 "
    "ORDER BY s.submitted_at, s.id";

std::string summarySql() {
    return "SELECT s.id, s.state, p.family_name, p.given_name, COALESCE(p.birth_date, ''), "
           "COALESCE(p.sex, ''), "
           "s.origin, COALESCE(s.submitted_at, ''), COALESCE(s.reviewed_by, ''), "
           "(SELECT COUNT(*) FROM flags f WHERE f.screening_id = s.id AND f.severity = 'stop'), "
           "(SELECT COUNT(*) FROM flags f WHERE f.screening_id = s.id AND f.severity = 'review'), "
           "(SELECT COUNT(*) FROM flags f WHERE f.screening_id = s.id AND f.severity = 'info'), "
           "(SELECT COUNT(*) FROM flags f WHERE f.screening_id = s.id AND f.severity != 'info' "
           "AND f.status = 'open') "
           "FROM screenings s LEFT JOIN patients p ON p.id = s.patient_id";
}

ScreeningSummary SqliteStore::readSummary(Statement& st) {
    ScreeningSummary s;
    s.id = st.integer(0);
    s.state = screening::parseState(st.text(1)).value_or(ScreeningState::Draft);
    s.patient = {st.text(2), st.text(3), st.text(4), st.text(5)};
    s.origin = st.text(6);
    s.submittedAt = st.text(7);
    s.reviewedBy = st.text(8);
    s.stopFlags = int(st.integer(9));
    s.reviewFlags = int(st.integer(10));
    s.infoFlags = int(st.integer(11));
    s.openFlags = int(st.integer(12));
    return s;
}

AuditEvent SqliteStore::readAudit(Statement& st) {
    AuditEvent e;
    e.seq = st.integer(0);
    e.at = st.text(1);
    e.actor = st.text(2);
    e.action = st.text(3);
    if (!st.isNull(4))
        e.screeningId = st.integer(4);
    e.detailJson = st.text(5);
    e.prevHash = st.text(6);
    e.hash = st.text(7);
    return e;
}

void SqliteStore::appendAudit(const NewAuditEvent& event) {
    const AuditEvent e = chainNext(auditHead(), event, nowUtc());
    auto st = db_.prepare(
        "INSERT INTO audit (seq, at, actor, action, screening_id, detail_json, prev_hash, hash) "
        "VALUES (?, ?, ?, ?, ?, ?, ?, ?)");
    st.bind(1, e.seq).bind(2, e.at).bind(3, e.actor).bind(4, e.action);
    if (e.screeningId)
        st.bind(5, *e.screeningId);
    else
        st.bindNull(5);
    st.bind(6, e.detailJson).bind(7, e.prevHash).bind(8, e.hash).run();
    db_.prepare("INSERT INTO audit_head (id, seq, hash) VALUES (1, ?, ?) "
                "ON CONFLICT (id) DO UPDATE SET seq = excluded.seq, hash = excluded.hash")
        .bind(1, e.seq)
        .bind(2, e.hash)
        .run();
    uncommittedHead_ = AuditHead{e.seq, e.hash};
}

} // namespace detail

std::unique_ptr<Store> openSqliteStore(const std::string& path, const StoreOptions& options) {
    return std::make_unique<detail::SqliteStore>(path, options);
}

} // namespace mrscreen::store
