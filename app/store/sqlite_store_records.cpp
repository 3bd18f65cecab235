// The SQLite store's records: each signed PDF is a file in the records folder
// (records/screening-<id>-v<version>.pdf, mode 0600, written atomically and never overwritten),
// named by the `records` row that carries its SHA-256. workflow_records.cpp checks the bytes.
#include "store/atomic_file.h"
#include "store/clock.h"
#include "store/sqlite_store_impl.h"

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iterator>

namespace mrscreen::store::detail {

namespace fs = std::filesystem;

namespace {

constexpr const char* kRecordColumns = "SELECT version, pdf_path, sha256, created_at, "
                                       "content_sha256, COALESCE(purged_at, '') FROM records";

// The whole file, or nullopt when there is no regular file there.
std::optional<std::string> readWhole(const std::string& path) {
    std::error_code ec;
    if (!fs::is_regular_file(path, ec))
        return std::nullopt;
    std::ifstream in(path, std::ios::binary);
    if (!in)
        throw StoreError("cannot read the record file " + path + ": " + std::strerror(errno) +
                             ". Check that the kiosk's user owns the records folder",
                         StoreErrorKind::Unreachable);
    return std::string(std::istreambuf_iterator<char>(in), {});
}

} // namespace

std::string SqliteStore::recordFile(const std::string& storedPath) const {
    const fs::path filed(storedPath);
    return filed.is_absolute() ? storedPath : (fs::path(recordsDir_) / filed.filename()).string();
}

StoredRecord SqliteStore::readRecordRow(Statement& st) {
    return StoredRecord{int(st.integer(0)), st.text(1), st.text(2),
                        st.text(3),         st.text(4), st.text(5)};
}

int SqliteStore::nextRecordVersion(std::int64_t id) {
    auto st =
        db_.prepare("SELECT COALESCE(MAX(version), 0) + 1 FROM records WHERE screening_id = ?");
    st.bind(1, id).step();
    return int(st.integer(0));
}

FiledRecord SqliteStore::writeRecord(std::int64_t id, int version, const std::string& pdf,
                                     const std::string& sha256, const std::string& contentSha256,
                                     const Actor& actor) {
    Transaction tx(
        db_);    // BEGIN IMMEDIATE: no other writer picks this version while the file is written
    stateOf(id); // refuses an unknown screening
    if (record(id, version))
        throw StoreError("version " + std::to_string(version) + " of the record of screening " +
                             std::to_string(id) +
                             " is filed already (another station or process filed it first); make "
                             "the next version",
                         StoreErrorKind::Conflict);
    FiledRecord filed;
    const std::string path = (fs::path(recordsDir_) / ("screening-" + std::to_string(id) + "-v" +
                                                       std::to_string(version) + ".pdf"))
                                 .string();
    // No row names this file, so whatever lies there was never registered: nobody's record, never
    // trusted, never overwritten, kept aside for whoever looks into the interruption.
    if (std::error_code ec; fs::exists(path, ec))
        filed.setAside = setAsideUnregistered(path);
    try {
        writeFileAtomically(path, pdf);
    } catch (const std::exception& e) {
        throw StoreError(std::string(e.what()) + "; screening " + std::to_string(id) +
                             " has no record version " + std::to_string(version) + " yet",
                         std::strstr(e.what(), "free disk space") ? StoreErrorKind::Full
                                                                  : StoreErrorKind::Other);
    }
    try {
        const std::string now = nowUtc();
        db_.prepare("INSERT INTO records (screening_id, version, pdf_path, sha256, created_at, "
                    "content_sha256) "
                    "VALUES (?, ?, ?, ?, ?, ?)")
            .bind(1, id)
            .bind(2, version)
            .bind(3, path)
            .bind(4, sha256)
            .bind(5, now)
            .bind(6, contentSha256)
            .run();
        queueOutbox(id, version, now);
        appendAudit(events::recordWritten(actor, id, version, sha256));
        tx.commit();
        filed.record = StoredRecord{version, path, sha256, now, contentSha256, ""};
    } catch (...) {
        // Unregistered, the file would block this version number for good: take it back.
        std::error_code ignored;
        fs::remove(path, ignored);
        throw;
    }
    return filed;
}

std::optional<WorkflowStore::KeptRecord> SqliteStore::readRecordBytes(std::int64_t id,
                                                                      int version) {
    auto row = record(id, version);
    if (!row)
        return std::nullopt;
    KeptRecord kept{*row, std::nullopt, row->path};
    if (row->purgedAt.empty())
        kept.bytes = readWhole(row->path);
    return kept;
}

void SqliteStore::deleteRecordBytes(std::int64_t id, int version, const Actor& actor) {
    const auto row = record(id, version);
    if (!row)
        throw Refused("screening " + std::to_string(id) + " has no record version " +
                      std::to_string(version));
    std::error_code ec;
    if (!fs::remove(row->path, ec) || ec)
        throw StoreError(
            "could not delete " + row->path + ": " +
                (ec ? ec.message() : std::string("it was gone before it could be deleted")) +
                "; the record of screening " + std::to_string(id) + ", version " +
                std::to_string(version) + " is not marked purged",
            StoreErrorKind::Other);
    Transaction tx(db_);
    db_.prepare("UPDATE records SET purged_at = ? WHERE screening_id = ? AND version = ? AND "
                "purged_at IS NULL")
        .bind(1, nowUtc())
        .bind(2, id)
        .bind(3, version)
        .run();
    if (db_.changes() == 0)
        throw Refused("screening " + std::to_string(id) + " has no unpurged record version " +
                      std::to_string(version));
    appendAudit(events::recordPurged(actor, id, version));
    tx.commit();
}

std::optional<StoredRecord> SqliteStore::latestRecord(std::int64_t id) {
    auto st = db_.prepare(std::string(kRecordColumns) +
                          " WHERE screening_id = ? ORDER BY version DESC LIMIT 1");
    if (!st.bind(1, id).step())
        return std::nullopt;
    StoredRecord r = readRecordRow(st);
    r.path = recordFile(r.path);
    return r;
}

std::optional<StoredRecord> SqliteStore::record(std::int64_t id, int version) {
    auto st = db_.prepare(std::string(kRecordColumns) + " WHERE screening_id = ? AND version = ?");
    if (!st.bind(1, id).bind(2, version).step())
        return std::nullopt;
    StoredRecord r = readRecordRow(st);
    r.path = recordFile(r.path);
    return r;
}

std::vector<PurgeCandidate> SqliteStore::purgeCandidates(const std::string& beforeIso) {
    auto st = db_.prepare(
        "SELECT r.screening_id, r.version, r.pdf_path, r.sha256, r.created_at FROM records r "
        "WHERE r.purged_at IS NULL AND r.created_at < ? AND EXISTS (SELECT 1 FROM audit a "
        "WHERE a.screening_id = r.screening_id AND a.action = 'record.exported' "
        "AND a.at >= r.created_at) AND NOT EXISTS (SELECT 1 FROM outbox o WHERE o.screening_id = "
        "r.screening_id "
        "AND o.record_version = r.version AND o.status = 'pending') ORDER BY r.screening_id, "
        "r.version");
    st.bind(1, beforeIso);
    std::vector<PurgeCandidate> out;
    while (st.step())
        out.push_back(PurgeCandidate{st.integer(0), int(st.integer(1)), recordFile(st.text(2)),
                                     st.text(3), st.text(4)});
    return out;
}

} // namespace mrscreen::store::detail
