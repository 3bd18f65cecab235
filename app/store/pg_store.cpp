// The PostgreSQL store: screenings, their review and transitions (staff and records are in
// pg_store_staff.cpp). The same statements as sqlite_store.cpp in PostgreSQL's dialect.
#include "store/clock.h"
#include "store/pg_store_impl.h"

namespace mrscreen::store {

namespace detail {

PostgresStore::PostgresStore(const PostgresConnection& where, const StoreOptions& options)
    : WorkflowStore(options), where_(where), db_(where) {
    db_.onTransactionEnd([this](bool committed) { transactionEnded(committed); });
    migratePostgres(db_);
}

std::int64_t PostgresStore::insertSubmission(const NewScreening& s, const Actor& actor) {
    if (const auto stored = submissionWithKey(s.submissionKey))
        return *stored; // a resend (the spool after an outage): nothing is written
    try {
        return insertNewSubmission(s, actor);
    } catch (const StoreError& e) {
        // Two stations sending one submission at once: the second INSERT waits for the first and
        // fails on the key's unique index; it gets the screening the first one stored.
        if (e.kind() == StoreErrorKind::Conflict)
            if (const auto stored = submissionWithKey(s.submissionKey))
                return *stored;
        throw;
    }
}

std::optional<std::int64_t> PostgresStore::submissionWithKey(const std::string& key) {
    if (key.empty())
        return std::nullopt;
    const auto r = db_.exec("SELECT id FROM screenings WHERE submission_key = $1", {key});
    if (r.empty())
        return std::nullopt;
    return r.integer(0, 0);
}

std::int64_t PostgresStore::insertNewSubmission(const NewScreening& s, const Actor& actor) {
    pg::Transaction tx(db_);
    const std::string now = nowUtc();
    keepFormTexts(s);
    const std::int64_t id = insertScreening(s, now, std::nullopt, "submitted");
    appendAudit(events::submitted(actor, id, s));
    tx.commit();
    return id;
}

std::vector<ScreeningSummary> PostgresStore::queue() {
    const auto r = db_.exec(summarySql() + kQueueWhere);
    std::vector<ScreeningSummary> out;
    for (int i = 0; i < r.rows(); ++i)
        out.push_back(readSummary(r, i));
    return out;
}

std::int64_t PostgresStore::countScreenings() {
    return db_.exec("SELECT COUNT(*) FROM screenings").integer(0, 0);
}

std::optional<ScreeningDetail> PostgresStore::screening(std::int64_t id) {
    // One snapshot for the whole page: a station writing meanwhile never shows half of a change.
    pg::Transaction read(db_);
    db_.exec("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY");
    const auto summary = db_.exec(summarySql() + " WHERE s.id = $1", {id});
    if (summary.empty())
        return std::nullopt;
    ScreeningDetail d;
    d.summary = readSummary(summary, 0);
    const auto info = db_.exec(
        "SELECT form_url, form_version, form_sha256, rules_sha256, language, amends_id, "
        "(SELECT id FROM screenings n WHERE n.amends_id = s.id LIMIT 1), contrast_planned, "
        "contrast_planned_by, contrast_planned_at, ignored_answers_json "
        "FROM screenings s WHERE id = $1",
        {id});
    d.formUrl = info.text(0, 0);
    d.formVersion = info.text(0, 1);
    d.formSha256 = info.text(0, 2);
    d.rulesSha256 = info.text(0, 3);
    d.language = info.text(0, 4);
    if (!info.isNull(0, 5))
        d.amendsId = info.integer(0, 5);
    if (!info.isNull(0, 6))
        d.amendedById = info.integer(0, 6);
    d.contrastPlanned = info.text(0, 7);
    d.contrastPlannedBy = info.text(0, 8);
    d.contrastPlannedAt = info.text(0, 9);
    d.ignoredAnswersJson = info.text(0, 10);
    const auto resp = db_.exec("SELECT version, json FROM responses WHERE screening_id = $1 "
                               "ORDER BY version DESC LIMIT 1",
                               {id});
    if (!resp.empty()) {
        d.responseVersion = int(resp.integer(0, 0));
        d.responseJson = resp.text(0, 1);
    }
    d.flags = readFlags(id);
    const auto dec = db_.exec("SELECT outcome, conditions, override_reason, decided_by, decided_at "
                              "FROM decisions WHERE screening_id = $1 ORDER BY id DESC LIMIT 1",
                              {id});
    if (!dec.empty())
        d.decision = Decision{dec.text(0, 0), dec.text(0, 1), dec.text(0, 2), dec.text(0, 3),
                              dec.text(0, 4)};
    const auto cdec = db_.exec(
        "SELECT outcome, conditions, reason, decided_by, decided_at FROM contrast_decisions "
        "WHERE screening_id = $1 ORDER BY id DESC LIMIT 1",
        {id});
    if (!cdec.empty())
        d.contrastDecision = ContrastDecision{cdec.text(0, 0), cdec.text(0, 1), cdec.text(0, 2),
                                              cdec.text(0, 3), cdec.text(0, 4)};
    const auto hist =
        db_.exec("SELECT seq, at, actor, action, screening_id, detail_json, prev_hash, hash "
                 "FROM audit WHERE screening_id = $1 ORDER BY seq",
                 {id});
    for (int i = 0; i < hist.rows(); ++i)
        d.history.push_back(readAudit(hist, i));
    const auto labs = db_.exec(
        "SELECT kind, value, unit, COALESCE(taken_on, ''), entered_by, entered_at FROM labs "
        "WHERE screening_id = $1 ORDER BY id",
        {id});
    for (int i = 0; i < labs.rows(); ++i)
        d.labs.push_back(LabResult{labs.text(i, 0), labs.real(i, 1), labs.text(i, 2),
                                   labs.text(i, 3), labs.text(i, 4), labs.text(i, 5)});
    const auto imp = db_.exec(
        "SELECT id, description, manufacturer, model, location, COALESCE(implanted_on, ''), "
        "mr_status, conditions_json, check_result, entered_by, entered_at FROM implants "
        "WHERE screening_id = $1 ORDER BY id",
        {id});
    for (int i = 0; i < imp.rows(); ++i) {
        ImplantRecord r;
        r.id = imp.integer(i, 0);
        r.type = imp.text(i, 1);
        r.manufacturer = imp.text(i, 2);
        r.model = imp.text(i, 3);
        r.location = imp.text(i, 4);
        r.implantedOn = imp.text(i, 5);
        r.mrStatus =
            screening::parseMrStatus(imp.text(i, 6)).value_or(screening::MrStatus::Unknown);
        r.conditions = SqliteStore::conditionsFromJson(imp.text(i, 7));
        r.checkResult = imp.text(i, 8);
        r.enteredBy = imp.text(i, 9);
        r.enteredAt = imp.text(i, 10);
        d.implants.push_back(std::move(r));
    }
    const auto sig = db_.exec(
        "SELECT purpose, signer_name, signer_role, strokes_json, signed_at FROM signatures "
        "WHERE screening_id = $1 ORDER BY id",
        {id});
    for (int i = 0; i < sig.rows(); ++i)
        d.signatures.push_back(
            StaffSignature{sig.text(i, 0), sig.text(i, 1),
                           screening::parseRole(sig.text(i, 2)).value_or(Role::Nurse),
                           sig.text(i, 3), sig.text(i, 4)});
    d.procedure = linkedProcedure(id);
    read.commit();
    return d;
}

void PostgresStore::insertLab(std::int64_t id, const ScreeningFacts& expected, const LabResult& lab,
                              const Actor& actor) {
    pg::Transaction tx(db_);
    holdFacts(id, expected);
    db_.exec("INSERT INTO labs (screening_id, kind, value, unit, taken_on, entered_by, entered_at) "
             "VALUES ($1, $2, $3, $4, $5, $6, $7)",
             {id, lab.kind, lab.value, lab.unit, lab.takenOn, actor.username, nowUtc()});
    appendAudit(events::labAdded(actor, id, lab));
    tx.commit();
}

std::optional<std::int64_t> PostgresStore::writeImplant(std::int64_t id,
                                                        const ScreeningFacts& expected,
                                                        const ImplantRecord& implant,
                                                        const Actor& actor) {
    pg::Transaction tx(db_);
    holdFacts(id, expected);
    const std::string now = nowUtc();
    const std::string conditions = SqliteStore::conditionsToJson(implant.conditions);
    std::int64_t implantId = implant.id;
    if (implantId == 0) {
        implantId =
            db_.exec("INSERT INTO implants (screening_id, description, manufacturer, model, "
                     "location, "
                     "implanted_on, mr_status, conditions_json, check_result, entered_by, "
                     "entered_at) "
                     "VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11) RETURNING id",
                     {id, implant.type, implant.manufacturer, implant.model, implant.location,
                      implant.implantedOn, screening::mrStatusName(implant.mrStatus), conditions,
                      implant.checkResult, actor.username, now})
                .integer(0, 0);
    } else {
        const auto changed = db_.exec(
            "UPDATE implants SET description = $1, manufacturer = $2, model = $3, location = $4, "
            "implanted_on = $5, mr_status = $6, conditions_json = $7, check_result = $8, "
            "entered_by = $9, "
            "entered_at = $10 WHERE id = $11 AND screening_id = $12",
            {implant.type, implant.manufacturer, implant.model, implant.location,
             implant.implantedOn, screening::mrStatusName(implant.mrStatus), conditions,
             implant.checkResult, actor.username, now, implantId, id});
        if (changed.changes() == 0)
            return std::nullopt;
    }
    appendAudit(events::implantSaved(actor, id, implantId, implant, conditions));
    tx.commit();
    return implantId;
}

void PostgresStore::writeTransition(std::int64_t id, const ScreeningFacts& expected,
                                    const TransitionRequest& request, ScreeningState next,
                                    const std::optional<StaffSignature>& signature) {
    pg::Transaction tx(db_);
    holdFacts(id, expected);
    const std::string now = nowUtc();
    const std::string who = actorName(request.actor);
    db_.exec("UPDATE screenings SET state = $1 WHERE id = $2", {screening::stateName(next), id});
    if (request.action == Action::Review) {
        db_.exec("UPDATE screenings SET reviewed_by = $1, reviewed_at = $2 WHERE id = $3",
                 {who, now, id});
    } else if (screening::isDecided(next)) {
        db_.exec("UPDATE screenings SET decided_by = $1, decided_at = $2 WHERE id = $3",
                 {who, now, id});
        db_.exec(
            "INSERT INTO decisions (screening_id, outcome, conditions, override_reason, "
            "decided_by, decided_at) "
            "VALUES ($1, $2, $3, $4, $5, $6)",
            {id, screening::stateName(next), request.conditions, request.overrideReason, who, now});
    }
    appendAudit(events::transitioned(request, id, next));
    if (signature) {
        db_.exec("INSERT INTO signatures (screening_id, signer_role, signer_name, strokes_json, "
                 "signed_at, purpose) "
                 "VALUES ($1, $2, $3, $4, $5, $6)",
                 {id, screening::roleName(request.actor.role), signature->signerName,
                  signature->strokesJson, nowUtc(), signature->purpose});
        appendAudit(events::signature(request.actor, id, signature->purpose, signature->signerName,
                                      signature->strokesJson));
    }
    tx.commit();
}

bool PostgresStore::writeFlagVerdict(std::int64_t id, const ScreeningFacts& expected,
                                     const std::string& ruleId, FlagVerdict verdict,
                                     const std::string& note, const Actor& actor,
                                     const std::string& correctedAnswer) {
    pg::Transaction tx(db_);
    holdFacts(id, expected);
    const auto changed =
        db_.exec("UPDATE flags SET status = $1, status_by = $2, status_at = $3, note = $4, "
                 "corrected_answer = $5 WHERE screening_id = $6 AND rule_id = $7",
                 {screening::verdictName(verdict), actor.username, nowUtc(), note, correctedAnswer,
                  id, ruleId});
    if (changed.changes() == 0)
        return false;
    appendAudit(events::flagVerdict(actor, id, ruleId, verdict, note, correctedAnswer));
    tx.commit();
    return true;
}

std::int64_t PostgresStore::writeAmendment(std::int64_t id, const ScreeningFacts& expected,
                                           const NewScreening& corrected, const Actor& actor) {
    pg::Transaction tx(db_);
    holdFacts(id, expected);
    const std::string now = nowUtc();
    db_.exec("UPDATE screenings SET state = 'amended' WHERE id = $1", {id});
    NewScreening s = corrected;
    s.origin = "amendment";
    keepFormTexts(s);
    const std::int64_t newId = insertScreening(s, now, id, "submitted");
    appendAudit(events::amended(actor, id, newId));
    appendAudit(events::amendmentSubmitted(actor, id, newId, s));
    if (const auto link = linkedProcedure(id)) { // the correction is for the same scheduled exam
        db_.exec(
            "INSERT INTO procedure_links SELECT $1, patient_id, issuer_of_patient_id, "
            "accession_number, "
            "procedure_code, procedure_coding_scheme, procedure_description, study_instance_uid, "
            "requested_procedure_id, station_ae_title, station_name, scheduled_start, "
            "patient_name, "
            "patient_birth_date, patient_sex, linked_by, linked_at FROM procedure_links WHERE "
            "screening_id = $2",
            {newId, id});
        appendAudit(events::linkCarried(actor, id, newId, *link));
    }
    tx.commit();
    return newId;
}

void PostgresStore::checkIntegrity() {
    // No quick_check on a server: read every row of every table, so a damaged page (XX001, XX002)
    // is found now and not in the middle of a patient's review.
    static const char* const tables[] = {"patients",
                                         "screenings",
                                         "responses",
                                         "flags",
                                         "labs",
                                         "implants",
                                         "decisions",
                                         "signatures",
                                         "records",
                                         "staff",
                                         "audit",
                                         "audit_head",
                                         "form_documents",
                                         "contrast_decisions",
                                         "procedure_links",
                                         "outbox",
                                         "stations"};
    for (const char* table : tables) {
        try {
            // Every column of every row as text: the heap and TOAST pages are read, not an index.
            db_.exec(std::string("SELECT SUM(length(t::text)) FROM ") + table + " AS t");
        } catch (const StoreError& e) {
            if (e.kind() != StoreErrorKind::Corrupt)
                throw;
            throw StoreError(std::string("the table ") + table + " on the PostgreSQL server " +
                                 db_.describe() + " is damaged (" + e.what() +
                                 "). Stop every station and restore the server's latest backup",
                             StoreErrorKind::Corrupt);
        }
    }
}

std::int64_t PostgresStore::insertScreening(const NewScreening& s, const std::string& now,
                                            std::optional<std::int64_t> amends, const char* state) {
    const std::int64_t patient =
        db_.exec(
               "INSERT INTO patients (family_name, given_name, birth_date, sex, created_at) "
               "VALUES ($1, $2, $3, $4, $5) RETURNING id",
               {s.patient.familyName, s.patient.givenName, s.patient.birthDate, s.patient.sex, now})
            .integer(0, 0);
    const std::int64_t id =
        db_.exec(
               "INSERT INTO screenings (patient_id, form_url, form_version, form_sha256, "
               "rules_sha256, state, origin, language, amends_id, created_at, submitted_at, "
               "contrast_planned, "
               "ignored_answers_json, submission_key) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, "
               "$10, $11, $12, $13, $14) RETURNING id",
               {patient, s.formUrl, s.formVersion, s.formSha256, s.rulesSha256, state, s.origin,
                s.language, amends, now, now, s.contrastPlanned,
                s.ignoredAnswersJson.empty() ? std::string("[]") : s.ignoredAnswersJson,
                s.submissionKey.empty() ? std::nullopt
                                        : std::optional<std::string>(s.submissionKey)})
            .integer(0, 0);
    db_.exec("INSERT INTO responses (screening_id, version, json, sha256, created_at) VALUES ($1, "
             "1, $2, $3, $4)",
             {id, s.responseJson, sha256Hex(s.responseJson), now});
    for (const auto& f : s.flags)
        insertFlag(id, f);
    return id;
}

void PostgresStore::insertFlag(std::int64_t id, const screening::Flag& f) {
    db_.exec("INSERT INTO flags (screening_id, rule_id, category, severity, message, "
             "triggers_json, gate) "
             "VALUES ($1, $2, $3, $4, $5, $6, $7)",
             {id, f.id, f.category, severityText(f.severity), f.message,
              screening::triggersToJson(f.triggers).dump(), screening::gateName(f.gate)});
}

ScreeningState PostgresStore::stateOf(std::int64_t id) {
    const auto r = db_.exec("SELECT state FROM screenings WHERE id = $1", {id});
    if (r.empty())
        throw Refused("there is no screening " + std::to_string(id));
    return screening::parseState(r.text(0, 0)).value_or(ScreeningState::Draft);
}

ScreeningFacts PostgresStore::facts(std::int64_t id) {
    ScreeningFacts f;
    f.state = stateOf(id);
    const auto r =
        db_.exec("SELECT COALESCE(reviewed_by, ''), contrast_planned, "
                 "EXISTS (SELECT 1 FROM contrast_decisions c WHERE c.screening_id = s.id) "
                 "FROM screenings s WHERE id = $1",
                 {id});
    f.reviewedBy = r.text(0, 0);
    f.contrastPlanned =
        screening::parseContrastPlan(r.text(0, 1)).value_or(screening::ContrastPlan::Unknown);
    f.contrastDecided = r.integer(0, 2) != 0;
    f.flags = flagStatuses(readFlags(id));
    return f;
}

std::optional<ScreeningFacts> PostgresStore::readFacts(std::int64_t id) {
    // One snapshot, so the policy never decides on half of another station's change.
    pg::Transaction read(db_);
    db_.exec("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY");
    if (db_.exec("SELECT 1 FROM screenings WHERE id = $1", {id}).empty())
        return std::nullopt;
    auto f = facts(id);
    read.commit();
    return f;
}

void PostgresStore::holdFacts(std::int64_t id, const ScreeningFacts& expected) {
    // The row lock makes a second writer of this screening wait for the first to commit; its reads
    // below (READ COMMITTED: a new snapshot per statement) then see what the first one wrote.
    db_.exec("SELECT 1 FROM screenings WHERE id = $1 FOR UPDATE", {id});
    ScreeningFacts now = facts(id);
    if (sameFacts(now, expected))
        return;
    ChangedMeanwhile change{id, std::move(now), "", ""};
    const auto newest = db_.exec(
        "SELECT actor, at FROM audit WHERE screening_id = $1 ORDER BY seq DESC LIMIT 1", {id});
    if (!newest.empty()) {
        change.by = newest.text(0, 0);
        change.at = newest.text(0, 1);
    }
    throw FactsChanged(std::move(change));
}

std::vector<StoredFlag> PostgresStore::readFlags(std::int64_t id) {
    const auto r = db_.exec(
        "SELECT rule_id, category, severity, message, triggers_json, status, "
        "COALESCE(status_by, ''), COALESCE(status_at, ''), note, corrected_answer, gate FROM flags "
        "WHERE screening_id = $1 ORDER BY CASE severity WHEN 'stop' THEN 0 "
        "WHEN 'review' THEN 1 ELSE 2 END, id",
        {id});
    std::vector<StoredFlag> out;
    for (int i = 0; i < r.rows(); ++i) {
        StoredFlag f;
        f.ruleId = r.text(i, 0);
        f.category = r.text(i, 1);
        f.severity = parseSeverity(r.text(i, 2));
        f.message = r.text(i, 3);
        f.triggersJson = r.text(i, 4);
        f.status = screening::parseVerdict(r.text(i, 5)).value_or(FlagVerdict::Open);
        f.statusBy = r.text(i, 6);
        f.statusAt = r.text(i, 7);
        f.note = r.text(i, 8);
        f.correctedAnswer = r.text(i, 9);
        f.gate = r.text(i, 10);
        out.push_back(std::move(f));
    }
    return out;
}

ScreeningSummary PostgresStore::readSummary(const pg::Result& r, int row) {
    ScreeningSummary s;
    s.id = r.integer(row, 0);
    s.state = screening::parseState(r.text(row, 1)).value_or(ScreeningState::Draft);
    s.patient = {r.text(row, 2), r.text(row, 3), r.text(row, 4), r.text(row, 5)};
    s.origin = r.text(row, 6);
    s.submittedAt = r.text(row, 7);
    s.reviewedBy = r.text(row, 8);
    s.stopFlags = int(r.integer(row, 9));
    s.reviewFlags = int(r.integer(row, 10));
    s.infoFlags = int(r.integer(row, 11));
    s.openFlags = int(r.integer(row, 12));
    return s;
}

AuditEvent PostgresStore::readAudit(const pg::Result& r, int row) {
    AuditEvent e;
    e.seq = r.integer(row, 0);
    e.at = r.text(row, 1);
    e.actor = r.text(row, 2);
    e.action = r.text(row, 3);
    if (!r.isNull(row, 4))
        e.screeningId = r.integer(row, 4);
    e.detailJson = r.text(row, 5);
    e.prevHash = r.text(row, 6);
    e.hash = r.text(row, 7);
    return e;
}

} // namespace detail

std::unique_ptr<Store> openPostgresStore(const PostgresConnection& connection,
                                         const StoreOptions& options) {
    return std::make_unique<detail::PostgresStore>(connection, options);
}

} // namespace mrscreen::store
