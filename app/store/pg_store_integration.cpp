// The PostgreSQL store's part for the hospital's systems: the scheduled exam a screening is linked
// to and the outbox of record versions on their way to PACS (sqlite_store_integration.cpp's
// statements; the JSON helpers are shared through sqlite_store_impl.h).
#include "store/clock.h"
#include "store/pg_store_impl.h"

namespace mrscreen::store::detail {

namespace {

const char* kOutboxColumns =
    "id, screening_id, record_version, destination, status, attempts, "
    "next_attempt_at, last_error, created_at, sent_at, sop_instance_uid, procedure_json "
    "FROM outbox";

OutboxItem readOutboxItem(const pg::Result& r, int row) {
    OutboxItem item;
    item.id = r.integer(row, 0);
    item.screeningId = r.integer(row, 1);
    item.recordVersion = int(r.integer(row, 2));
    item.destination = r.text(row, 3);
    item.status = r.text(row, 4);
    item.attempts = int(r.integer(row, 5));
    item.nextAttemptAt = r.text(row, 6);
    item.lastError = r.text(row, 7);
    item.createdAt = r.text(row, 8);
    item.sentAt = r.text(row, 9);
    item.sopInstanceUid = r.text(row, 10);
    item.procedure = linkFromJson(r.text(row, 11));
    return item;
}

} // namespace

void PostgresStore::writeProcedureLink(std::int64_t id, const ScreeningFacts& expected,
                                       const ProcedureLink& link, const Actor& actor) {
    pg::Transaction tx(db_);
    holdFacts(id, expected);
    const auto replaced = linkedProcedure(id);
    db_.exec(
        "INSERT INTO procedure_links (screening_id, patient_id, issuer_of_patient_id, "
        "accession_number, procedure_code, procedure_coding_scheme, procedure_description, "
        "study_instance_uid, requested_procedure_id, station_ae_title, station_name, "
        "scheduled_start, "
        "patient_name, patient_birth_date, patient_sex, linked_by, linked_at) "
        "VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17) "
        "ON CONFLICT (screening_id) DO UPDATE SET patient_id = EXCLUDED.patient_id, "
        "issuer_of_patient_id = EXCLUDED.issuer_of_patient_id, accession_number = "
        "EXCLUDED.accession_number, "
        "procedure_code = EXCLUDED.procedure_code, procedure_coding_scheme = "
        "EXCLUDED.procedure_coding_scheme, "
        "procedure_description = EXCLUDED.procedure_description, "
        "study_instance_uid = EXCLUDED.study_instance_uid, "
        "requested_procedure_id = EXCLUDED.requested_procedure_id, "
        "station_ae_title = EXCLUDED.station_ae_title, station_name = EXCLUDED.station_name, "
        "scheduled_start = EXCLUDED.scheduled_start, patient_name = EXCLUDED.patient_name, "
        "patient_birth_date = EXCLUDED.patient_birth_date, patient_sex = EXCLUDED.patient_sex, "
        "linked_by = EXCLUDED.linked_by, linked_at = EXCLUDED.linked_at",
        {id, link.patientId, link.issuerOfPatientId, link.accessionNumber, link.procedureCode,
         link.procedureCodingScheme, link.procedureDescription, link.studyInstanceUid,
         link.requestedProcedureId, link.stationAeTitle, link.stationName, link.scheduledStart,
         link.patientName, link.patientBirthDate, link.patientSex, actor.username, nowUtc()});
    appendAudit(events::procedureLinked(actor, id, link, replaced));
    tx.commit();
}

std::optional<ProcedureLink> PostgresStore::readProcedureLink(std::int64_t id) {
    return linkedProcedure(id);
}

std::optional<ProcedureLink> PostgresStore::linkedProcedure(std::int64_t id) {
    const auto r =
        db_.exec("SELECT patient_id, issuer_of_patient_id, accession_number, procedure_code, "
                 "procedure_coding_scheme, procedure_description, study_instance_uid, "
                 "requested_procedure_id, station_ae_title, station_name, scheduled_start, "
                 "patient_name, patient_birth_date, patient_sex, linked_by, linked_at "
                 "FROM procedure_links WHERE screening_id = $1",
                 {id});
    if (r.empty())
        return std::nullopt;
    return ProcedureLink{r.text(0, 0),  r.text(0, 1),  r.text(0, 2),  r.text(0, 3),
                         r.text(0, 4),  r.text(0, 5),  r.text(0, 6),  r.text(0, 7),
                         r.text(0, 8),  r.text(0, 9),  r.text(0, 10), r.text(0, 11),
                         r.text(0, 12), r.text(0, 13), r.text(0, 14), r.text(0, 15)};
}

void PostgresStore::queueOutbox(std::int64_t id, int version, const std::string& now) {
    if (options().outboxDestinations.empty())
        return;
    const auto link = linkedProcedure(id);
    const std::string snapshot = link ? fullLinkJson(*link).dump() : "";
    for (const auto& destination : options().outboxDestinations)
        db_.exec("INSERT INTO outbox (screening_id, record_version, destination, next_attempt_at, "
                 "created_at, "
                 "procedure_json) VALUES ($1, $2, $3, $4, $5, $6)",
                 {id, version, destination, now, now, snapshot});
}

std::vector<OutboxItem> PostgresStore::outbox(std::optional<std::int64_t> screeningId) {
    const std::string sql = std::string("SELECT ") + kOutboxColumns +
                            (screeningId ? " WHERE screening_id = $1" : "") + " ORDER BY id DESC";
    const auto r = screeningId ? db_.exec(sql, {*screeningId}) : db_.exec(sql);
    std::vector<OutboxItem> items;
    for (int i = 0; i < r.rows(); ++i)
        items.push_back(readOutboxItem(r, i));
    return items;
}

std::optional<OutboxItem> PostgresStore::nextDueOutboxItem(const std::string& nowIso) {
    const auto r = db_.exec(std::string("SELECT ") + kOutboxColumns +
                                " WHERE status = 'pending' AND next_attempt_at <= $1 ORDER BY "
                                "next_attempt_at, id LIMIT 1",
                            {nowIso});
    if (r.empty())
        return std::nullopt;
    return readOutboxItem(r, 0);
}

OutboxItem PostgresStore::outboxItem(std::int64_t itemId) {
    // Locked: the outbox sender of another station waits instead of sending the same item twice.
    const auto r =
        db_.exec(std::string("SELECT ") + kOutboxColumns + " WHERE id = $1 FOR UPDATE", {itemId});
    if (r.empty())
        throw Refused("there is no outbox item " + std::to_string(itemId) +
                      " (see `mrscreen outbox list`)");
    return readOutboxItem(r, 0);
}

std::string PostgresStore::claimOutboxItem(std::int64_t itemId, const std::string& sopInstanceUid) {
    pg::Transaction tx(db_);
    const auto item = outboxItem(itemId);
    if (!item.sopInstanceUid.empty())
        return item.sopInstanceUid;
    db_.exec("UPDATE outbox SET sop_instance_uid = $1 WHERE id = $2", {sopInstanceUid, itemId});
    tx.commit();
    return sopInstanceUid;
}

void PostgresStore::outboxSent(std::int64_t itemId, const std::string& detail, const Actor& actor) {
    pg::Transaction tx(db_);
    const auto item = outboxItem(itemId);
    if (item.status == "sent")
        throw Refused("outbox item " + std::to_string(itemId) + " was sent already, at " +
                      item.sentAt);
    db_.exec("UPDATE outbox SET status = 'sent', sent_at = $1, attempts = attempts + 1, last_error "
             "= '' WHERE id = $2",
             {nowUtc(), itemId});
    appendAudit(events::outboxSent(actor, item, detail));
    tx.commit();
}

void PostgresStore::outboxFailed(std::int64_t itemId, const std::string& error,
                                 const std::string& nextAttemptAtIso, const Actor& actor) {
    pg::Transaction tx(db_);
    const auto item = outboxItem(itemId);
    if (item.status == "sent")
        throw Refused("outbox item " + std::to_string(itemId) + " was sent already, at " +
                      item.sentAt);
    db_.exec("UPDATE outbox SET attempts = attempts + 1, last_error = $1, next_attempt_at = $2 "
             "WHERE id = $3",
             {error, nextAttemptAtIso, itemId});
    appendAudit(events::outboxFailed(actor, item, error, nextAttemptAtIso));
    tx.commit();
}

void PostgresStore::retryOutboxItem(std::int64_t itemId, const Actor& actor) {
    pg::Transaction tx(db_);
    const auto item = outboxItem(itemId);
    if (item.status == "sent")
        throw Refused("outbox item " + std::to_string(itemId) + " was sent already, at " +
                      item.sentAt + "; it is not sent twice");
    db_.exec("UPDATE outbox SET next_attempt_at = $1 WHERE id = $2", {nowUtc(), itemId});
    appendAudit(events::outboxRetry(actor, item));
    tx.commit();
}

} // namespace mrscreen::store::detail
