// The SQLite store's part for the hospital's systems: the scheduled exam a screening is linked to
// and the outbox of record versions on their way to PACS.
#include "store/clock.h"
#include "store/sqlite_store_impl.h"

namespace mrscreen::store::detail {

json linkToJson(const ProcedureLink& l) {
    return json{{"patientId", l.patientId},         {"accession", l.accessionNumber},
                {"procedureCode", l.procedureCode}, {"studyInstanceUid", l.studyInstanceUid},
                {"station", l.stationAeTitle},      {"scheduledStart", l.scheduledStart}};
}

namespace {

const char* kOutboxColumns =
    "id, screening_id, record_version, destination, status, attempts, "
    "next_attempt_at, last_error, created_at, sent_at, sop_instance_uid, procedure_json "
    "FROM outbox";

} // namespace

// Every field, for the snapshot an outbox item keeps.
json fullLinkJson(const ProcedureLink& l) {
    return json{{"patientId", l.patientId},
                {"issuer", l.issuerOfPatientId},
                {"accession", l.accessionNumber},
                {"code", l.procedureCode},
                {"scheme", l.procedureCodingScheme},
                {"description", l.procedureDescription},
                {"studyInstanceUid", l.studyInstanceUid},
                {"requestedProcedureId", l.requestedProcedureId},
                {"station", l.stationAeTitle},
                {"stationName", l.stationName},
                {"scheduledStart", l.scheduledStart},
                {"patientName", l.patientName},
                {"birthDate", l.patientBirthDate},
                {"sex", l.patientSex},
                {"linkedBy", l.linkedBy},
                {"linkedAt", l.linkedAt}};
}

std::optional<ProcedureLink> linkFromJson(const std::string& text) {
    if (text.empty())
        return std::nullopt;
    const json j = json::parse(text, nullptr, false);
    if (!j.is_object())
        return std::nullopt;
    const auto get = [&](const char* key) { return j.value(key, std::string()); };
    return ProcedureLink{
        get("patientId"), get("issuer"),      get("accession"),        get("code"),
        get("scheme"),    get("description"), get("studyInstanceUid"), get("requestedProcedureId"),
        get("station"),   get("stationName"), get("scheduledStart"),   get("patientName"),
        get("birthDate"), get("sex"),         get("linkedBy"),         get("linkedAt")};
}

namespace {

OutboxItem readOutboxItem(Statement& st) {
    OutboxItem item;
    item.id = st.integer(0);
    item.screeningId = st.integer(1);
    item.recordVersion = int(st.integer(2));
    item.destination = st.text(3);
    item.status = st.text(4);
    item.attempts = int(st.integer(5));
    item.nextAttemptAt = st.text(6);
    item.lastError = st.text(7);
    item.createdAt = st.text(8);
    item.sentAt = st.text(9);
    item.sopInstanceUid = st.text(10);
    item.procedure = linkFromJson(st.text(11));
    return item;
}

} // namespace

void SqliteStore::writeProcedureLink(std::int64_t id, const ScreeningFacts& expected,
                                     const ProcedureLink& link, const Actor& actor) {
    Transaction tx(db_);
    holdFacts(id, expected);
    const auto replaced = linkedProcedure(id);
    const std::string now = nowUtc();
    db_.prepare("INSERT OR REPLACE INTO procedure_links (screening_id, patient_id, "
                "issuer_of_patient_id, "
                "accession_number, procedure_code, procedure_coding_scheme, procedure_description, "
                "study_instance_uid, requested_procedure_id, station_ae_title, station_name, "
                "scheduled_start, "
                "patient_name, patient_birth_date, patient_sex, linked_by, linked_at) "
                "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")
        .bind(1, id)
        .bind(2, link.patientId)
        .bind(3, link.issuerOfPatientId)
        .bind(4, link.accessionNumber)
        .bind(5, link.procedureCode)
        .bind(6, link.procedureCodingScheme)
        .bind(7, link.procedureDescription)
        .bind(8, link.studyInstanceUid)
        .bind(9, link.requestedProcedureId)
        .bind(10, link.stationAeTitle)
        .bind(11, link.stationName)
        .bind(12, link.scheduledStart)
        .bind(13, link.patientName)
        .bind(14, link.patientBirthDate)
        .bind(15, link.patientSex)
        .bind(16, actor.username)
        .bind(17, now)
        .run();
    appendAudit(events::procedureLinked(actor, id, link, replaced));
    tx.commit();
}

std::optional<ProcedureLink> SqliteStore::readProcedureLink(std::int64_t id) {
    return linkedProcedure(id);
}

std::optional<ProcedureLink> SqliteStore::linkedProcedure(std::int64_t id) {
    auto st =
        db_.prepare("SELECT patient_id, issuer_of_patient_id, accession_number, procedure_code, "
                    "procedure_coding_scheme, procedure_description, study_instance_uid, "
                    "requested_procedure_id, station_ae_title, station_name, scheduled_start, "
                    "patient_name, patient_birth_date, patient_sex, linked_by, linked_at "
                    "FROM procedure_links WHERE screening_id = ?");
    if (!st.bind(1, id).step())
        return std::nullopt;
    return ProcedureLink{st.text(0),  st.text(1),  st.text(2),  st.text(3),
                         st.text(4),  st.text(5),  st.text(6),  st.text(7),
                         st.text(8),  st.text(9),  st.text(10), st.text(11),
                         st.text(12), st.text(13), st.text(14), st.text(15)};
}

void SqliteStore::queueOutbox(std::int64_t id, int version, const std::string& now) {
    if (options().outboxDestinations.empty())
        return;
    const auto link = linkedProcedure(id);
    const std::string snapshot = link ? fullLinkJson(*link).dump() : "";
    for (const auto& destination : options().outboxDestinations)
        db_.prepare("INSERT INTO outbox (screening_id, record_version, destination, "
                    "next_attempt_at, created_at, "
                    "procedure_json) VALUES (?, ?, ?, ?, ?, ?)")
            .bind(1, id)
            .bind(2, version)
            .bind(3, destination)
            .bind(4, now)
            .bind(5, now)
            .bind(6, snapshot)
            .run();
}

std::vector<OutboxItem> SqliteStore::outbox(std::optional<std::int64_t> screeningId) {
    auto st = db_.prepare(std::string("SELECT ") + kOutboxColumns +
                          (screeningId ? " WHERE screening_id = ?" : "") + " ORDER BY id DESC");
    if (screeningId)
        st.bind(1, *screeningId);
    std::vector<OutboxItem> items;
    while (st.step())
        items.push_back(readOutboxItem(st));
    return items;
}

std::optional<OutboxItem> SqliteStore::nextDueOutboxItem(const std::string& nowIso) {
    auto st = db_.prepare(
        std::string("SELECT ") + kOutboxColumns +
        " WHERE status = 'pending' AND next_attempt_at <= ? ORDER BY next_attempt_at, id LIMIT 1");
    if (!st.bind(1, nowIso).step())
        return std::nullopt;
    return readOutboxItem(st);
}

OutboxItem SqliteStore::outboxItem(std::int64_t itemId) {
    auto st = db_.prepare(std::string("SELECT ") + kOutboxColumns + " WHERE id = ?");
    if (!st.bind(1, itemId).step())
        throw Refused("there is no outbox item " + std::to_string(itemId) +
                      " (see `mrscreen outbox list`)");
    return readOutboxItem(st);
}

std::string SqliteStore::claimOutboxItem(std::int64_t itemId, const std::string& sopInstanceUid) {
    Transaction tx(db_);
    const auto item = outboxItem(itemId);
    if (!item.sopInstanceUid.empty())
        return item.sopInstanceUid;
    db_.prepare("UPDATE outbox SET sop_instance_uid = ? WHERE id = ?")
        .bind(1, sopInstanceUid)
        .bind(2, itemId)
        .run();
    tx.commit();
    return sopInstanceUid;
}

void SqliteStore::outboxSent(std::int64_t itemId, const std::string& detail, const Actor& actor) {
    Transaction tx(db_);
    const auto item = outboxItem(itemId);
    if (item.status == "sent")
        throw Refused("outbox item " + std::to_string(itemId) + " was sent already, at " +
                      item.sentAt);
    db_.prepare("UPDATE outbox SET status = 'sent', sent_at = ?, attempts = attempts + 1, "
                "last_error = '' "
                "WHERE id = ?")
        .bind(1, nowUtc())
        .bind(2, itemId)
        .run();
    appendAudit(events::outboxSent(actor, item, detail));
    tx.commit();
}

void SqliteStore::outboxFailed(std::int64_t itemId, const std::string& error,
                               const std::string& nextAttemptAtIso, const Actor& actor) {
    Transaction tx(db_);
    const auto item = outboxItem(itemId);
    if (item.status == "sent")
        throw Refused("outbox item " + std::to_string(itemId) + " was sent already, at " +
                      item.sentAt);
    db_.prepare("UPDATE outbox SET attempts = attempts + 1, last_error = ?, next_attempt_at = ? "
                "WHERE id = ?")
        .bind(1, error)
        .bind(2, nextAttemptAtIso)
        .bind(3, itemId)
        .run();
    appendAudit(events::outboxFailed(actor, item, error, nextAttemptAtIso));
    tx.commit();
}

void SqliteStore::retryOutboxItem(std::int64_t itemId, const Actor& actor) {
    Transaction tx(db_);
    const auto item = outboxItem(itemId);
    if (item.status == "sent")
        throw Refused("outbox item " + std::to_string(itemId) + " was sent already, at " +
                      item.sentAt + "; it is not sent twice");
    db_.prepare("UPDATE outbox SET next_attempt_at = ? WHERE id = ?")
        .bind(1, nowUtc())
        .bind(2, itemId)
        .run();
    appendAudit(events::outboxRetry(actor, item));
    tx.commit();
}

} // namespace mrscreen::store::detail
