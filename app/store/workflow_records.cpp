// The record calls every backend shares (workflow_policy.h): the refusals, and the SHA-256 check of
// a record's bytes on every read, so no backend can give out a record that was changed after it
// was filed. The backends keep the bytes (files for SQLite, the row for a database server).
#include "store/workflow_policy.h"

#include "store/audit.h"

namespace mrscreen::store {

namespace {

std::string recordName(std::int64_t id, int version) {
    return "the signed record of screening " + std::to_string(id) + ", version " + std::to_string(version);
}

} // namespace

FiledRecord WorkflowStore::addRecordPdf(std::int64_t id, int version, const std::string& pdf, const Actor& actor,
                                        const std::string& contentSha256) {
    requireFacts(id); // refuses an unknown screening
    if (version < 1) throw Refused("record versions start at 1, not " + std::to_string(version));
    if (pdf.empty()) throw Refused(recordName(id, version) + " is empty; nothing was filed");
    return writeRecord(id, version, pdf, sha256Hex(pdf), contentSha256, actor);
}

std::string WorkflowStore::recordPdf(std::int64_t id, int version) {
    auto kept = readRecordBytes(id, version);
    if (!kept) throw Refused("screening " + std::to_string(id) + " has no record version " + std::to_string(version));
    const StoredRecord& row = kept->row;
    if (!row.purgedAt.empty()) {
        std::string message = recordName(id, version) + " was purged: deleted under the retention policy on ";
        message.append(row.purgedAt.substr(0, 10))
            .append(", after it was exported. The exported copy is the record now (its SHA-256 is ")
            .append(row.sha256)
            .append(")");
        throw Refused(message);
    }
    if (!kept->bytes) {
        std::string message = recordName(id, version) + " is missing: " + kept->where;
        message.append(" is not there. It was filed on ")
            .append(row.createdAt.substr(0, 10))
            .append(" with SHA-256 ")
            .append(row.sha256)
            .append("; restore it from a backup (the backup's copy must have that SHA-256), and find out who "
                    "moved or deleted it");
        throw RecordUnreadable(message, true, kept->where);
    }
    if (sha256Hex(*kept->bytes) != row.sha256) {
        std::string message = recordName(id, version) + " was changed after it was filed: " + kept->where;
        message.append(" no longer matches the SHA-256 filed with it (")
            .append(row.sha256)
            .append("), so it is not given out. Keep it as evidence, report it to the MR safety officer, and "
                    "restore the record from a backup");
        throw RecordUnreadable(message, false, kept->where);
    }
    return std::move(*kept->bytes);
}

void WorkflowStore::purgeRecord(std::int64_t id, int version, const Actor& actor) {
    recordPdf(id, version); // missing or changed bytes are evidence: never deleted
    deleteRecordBytes(id, version, actor);
}

} // namespace mrscreen::store
