// `mrscreen store copy`: moves a box's SQLite store onto the department's PostgreSQL server. Every
// row keeps its id and every audit event is copied verbatim (hashes and all), so records, audit
// details and FHIR references stay valid and the target verifies with the same verifier; the
// target must be new and empty, and is written in one transaction: a failure leaves it empty.
#pragma once

#include "store/audit.h"
#include "store/pg_store.h"

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

namespace mrscreen::store {

// The SQLite store to copy from; it is only ever opened read-only.
struct CopySource {
    std::string databasePath; // <data-dir>/mrscreen.db
    std::string recordsDir;   // <data-dir>/records: the signed PDFs
};

struct CopyReport {
    std::vector<std::pair<std::string, std::int64_t>> rows; // per table, in copy order
    std::int64_t screenings = 0, staff = 0, records = 0, purgedRecords = 0, auditEvents = 0;
    int migrationsApplied = 0;    // on the target, before copying
    AuditCheck sourceCheck;       // the source's trail (intact, or nothing was copied)
    AuditCheck targetCheck;       // the target's, after the copy event was appended
    AuditHead copiedHead;         // the source's head, found again on the target
    AuditHead headAfterCopyEvent; // the target's head after the event recording the copy
    double seconds = 0;
};

// Copies `source` into the database at `target` (as the schema's owner, who may migrate it and set
// its sequences). Refused (nothing written): a password in the url, a source trail that does not
// verify (saying where it breaks), a target holding any screening, staff member, record or audit
// event, a record whose file is missing or does not match its SHA-256. `actor` is who ran it, for
// the audit event that records the copy on the target.
CopyReport copyToPostgres(const CopySource& source, const PostgresConnection& target,
                          const std::string& actor);

} // namespace mrscreen::store
