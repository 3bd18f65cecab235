// The PostgreSQL store's records: each signed PDF is kept in its `records` row (pdf BYTEA) beside
// the SHA-256 it was filed with, so any station shows any record and a server backup holds them.
// workflow_records.cpp checks the bytes on every read; this file only keeps them.
#include "store/clock.h"
#include "store/pg_store_impl.h"

namespace mrscreen::store::detail {

namespace {

// A records row as StoredRecord (columns 0-5).
constexpr const char* kRecordColumns =
    "SELECT version, pdf_path, sha256, created_at, content_sha256, COALESCE(purged_at, '')";
constexpr const char* kWhere = "the database";

StoredRecord readRecord(const pg::Result& r) {
    return StoredRecord{int(r.integer(0, 0)), r.text(0, 1), r.text(0, 2),
                        r.text(0, 3),         r.text(0, 4), r.text(0, 5)};
}

StoreError filedAlready(std::int64_t id, int version) {
    return StoreError("version " + std::to_string(version) + " of the record of screening " +
                          std::to_string(id) +
                          " is filed already (another station or process filed it first); make "
                          "the next version",
                      StoreErrorKind::Conflict);
}

} // namespace

int PostgresStore::nextRecordVersion(std::int64_t id) {
    return int(
        db_.exec("SELECT COALESCE(MAX(version), 0) + 1 FROM records WHERE screening_id = $1", {id})
            .integer(0, 0));
}

FiledRecord PostgresStore::writeRecord(std::int64_t id, int version, const std::string& pdf,
                                       const std::string& sha256, const std::string& contentSha256,
                                       const Actor& actor) {
    pg::Transaction tx(db_);
    stateOf(id); // refuses an unknown screening
    if (record(id, version))
        throw filedAlready(id, version);
    const std::string now = nowUtc();
    try {
        // pdf_path stays empty: the bytes are in the row, not in a file.
        db_.exec("INSERT INTO records (screening_id, version, pdf_path, sha256, created_at, "
                 "content_sha256, pdf) VALUES ($1, $2, '', $3, $4, $5, $6)",
                 {id, version, sha256, now, contentSha256, pg::Param::bytes(pdf)});
    } catch (const StoreError& e) {
        // Another station filed this version between the check and the INSERT (the unique index).
        if (e.kind() == StoreErrorKind::Conflict)
            throw filedAlready(id, version);
        throw;
    }
    queueOutbox(id, version, now);
    appendAudit(events::recordWritten(actor, id, version, sha256));
    tx.commit();
    FiledRecord filed;
    filed.record = StoredRecord{version, "", sha256, now, contentSha256, ""};
    return filed;
}

std::optional<WorkflowStore::KeptRecord> PostgresStore::readRecordBytes(std::int64_t id,
                                                                        int version) {
    const auto r = db_.exec(std::string(kRecordColumns) +
                                ", pdf FROM records WHERE screening_id = $1 AND version = $2",
                            {id, version});
    if (r.empty())
        return std::nullopt;
    KeptRecord kept{readRecord(r), std::nullopt, kWhere};
    if (!r.isNull(0, 6))
        kept.bytes = r.bytes(0, 6);
    return kept;
}

void PostgresStore::deleteRecordBytes(std::int64_t id, int version, const Actor& actor) {
    pg::Transaction tx(db_);
    const auto changed =
        db_.exec("UPDATE records SET pdf = NULL, purged_at = $1 WHERE screening_id = $2 AND "
                 "version = $3 AND purged_at IS NULL",
                 {nowUtc(), id, version});
    if (changed.changes() == 0)
        throw Refused("screening " + std::to_string(id) + " has no unpurged record version " +
                      std::to_string(version));
    appendAudit(events::recordPurged(actor, id, version));
    tx.commit();
}

std::optional<StoredRecord> PostgresStore::latestRecord(std::int64_t id) {
    const auto r =
        db_.exec(std::string(kRecordColumns) +
                     " FROM records WHERE screening_id = $1 ORDER BY version DESC LIMIT 1",
                 {id});
    if (r.empty())
        return std::nullopt;
    return readRecord(r);
}

std::optional<StoredRecord> PostgresStore::record(std::int64_t id, int version) {
    const auto r = db_.exec(std::string(kRecordColumns) +
                                " FROM records WHERE screening_id = $1 AND version = $2",
                            {id, version});
    if (r.empty())
        return std::nullopt;
    return readRecord(r);
}

std::vector<PurgeCandidate> PostgresStore::purgeCandidates(const std::string& beforeIso) {
    const auto r = db_.exec(
        "SELECT r.screening_id, r.version, r.pdf_path, r.sha256, r.created_at FROM records r "
        "WHERE r.purged_at IS NULL AND r.created_at < $1 AND EXISTS (SELECT 1 FROM audit a "
        "WHERE a.screening_id = r.screening_id AND a.action = 'record.exported' "
        "AND a.at >= r.created_at) AND NOT EXISTS (SELECT 1 FROM outbox o WHERE o.screening_id = "
        "r.screening_id "
        "AND o.record_version = r.version AND o.status = 'pending') ORDER BY r.screening_id, "
        "r.version",
        {beforeIso});
    std::vector<PurgeCandidate> out;
    for (int i = 0; i < r.rows(); ++i)
        out.push_back(PurgeCandidate{r.integer(i, 0), int(r.integer(i, 1)), r.text(i, 2),
                                     r.text(i, 3), r.text(i, 4)});
    return out;
}

} // namespace mrscreen::store::detail
