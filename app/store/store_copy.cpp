// `mrscreen store copy` (store_copy.h): a snapshot of the SQLite source (the online backup API over
// a read-only connection, in a private folder), verified with the SQLite store's own checks (its
// trail stepped through, not loaded);
// then every table in batches of rows (one multi-row INSERT each, so memory stays flat however
// large the box) into the PostgreSQL target in one transaction holding the audit lock, the target's
// chain walked again inside it batch by batch, one event recording the copy, and commit.
#include "store/store_copy.h"

#include "store/clock.h"
#include "store/pg_store_impl.h"
#include "store/sqlite_store_impl.h"

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <map>
#include <sstream>
#include <string>
#include <utility>
#include <vector>

namespace mrscreen::store {

namespace {

namespace fs = std::filesystem;
using detail::json;

// [SECTION] the mapping: every table a department needs, in an order the foreign keys accept. The
// columns are the same on both sides (db/postgresql/0001 follows db/migrations). Not copied:
// schema_migrations (each side has its own) and stations (presence on the old box; the kiosks
// report to the server on their next heartbeat).
struct CopiedTable {
    const char* name;
    const char* columns;
    bool identity;               // an id GENERATED ALWAYS: kept, then the sequence moved past it
    const char* realColumn = ""; // read as a double, not as SQLite's 15-digit text
    const char* onConflict = ""; // content-addressed rows a station may have kept already
};

const CopiedTable kRecords{"records",
                           "id, screening_id, version, pdf_path, sha256, created_at, "
                           "content_sha256, purged_at",
                           true};

const std::vector<CopiedTable>& copiedTables() {
    static const std::vector<CopiedTable> tables{
        {"patients", "id, family_name, given_name, birth_date, sex, created_at", true},
        {"screenings",
         "id, patient_id, form_url, form_version, form_sha256, rules_sha256, state, origin, "
         "language, amends_id, created_at, submitted_at, reviewed_by, reviewed_at, decided_by, "
         "decided_at, contrast_planned, contrast_planned_by, contrast_planned_at, "
         "ignored_answers_json, submission_key, contrast_waiting",
         true},
        {"responses", "id, screening_id, version, json, sha256, created_at", true},
        {"flags",
         "id, screening_id, rule_id, category, severity, message, triggers_json, status, "
         "status_by, status_at, note, corrected_answer, gate",
         true},
        {"labs", "id, screening_id, kind, value, unit, taken_on, entered_by, entered_at", true,
         "value"},
        {"implants",
         "id, screening_id, description, manufacturer, model, location, implanted_on, mr_status, "
         "conditions_json, check_result, entered_by, entered_at",
         true},
        {"decisions",
         "id, screening_id, outcome, conditions, override_reason, decided_by, decided_at", true},
        {"contrast_decisions",
         "id, screening_id, outcome, conditions, reason, decided_by, decided_at", true},
        {"signatures",
         "id, screening_id, signer_role, signer_name, strokes_json, signed_at, purpose", true},
        kRecords,
        {"staff",
         "id, username, display_name, role, secret_hash, failed_attempts, locked_until, disabled, "
         "created_at",
         true},
        {"form_documents", "sha256, kind, url, version, content, stored_at", false, "",
         " ON CONFLICT (sha256) DO NOTHING"},
        {"procedure_links",
         "screening_id, patient_id, issuer_of_patient_id, accession_number, procedure_code, "
         "procedure_coding_scheme, procedure_description, study_instance_uid, "
         "requested_procedure_id, station_ae_title, station_name, scheduled_start, patient_name, "
         "patient_birth_date, patient_sex, linked_by, linked_at",
         false},
        {"outbox",
         "id, screening_id, record_version, destination, status, attempts, next_attempt_at, "
         "last_error, created_at, sent_at, sop_instance_uid, procedure_json",
         true},
        {"audit", "seq, at, actor, action, screening_id, detail_json, prev_hash, hash", false},
        {"audit_head", "id, seq, hash", false},
    };
    return tables;
}

std::vector<std::string> columnsOf(const CopiedTable& t) {
    std::vector<std::string> out;
    std::stringstream list(t.columns);
    for (std::string c; std::getline(list, c, ',');)
        out.push_back(c.substr(c.find_first_not_of(' ')));
    return out;
}

// [SECTION] the source: a snapshot in a private folder, so the source file is only ever read

class PrivateFolder {
public:
    PrivateFolder() {
        std::string pattern = (fs::temp_directory_path() / "mrscreen-copy-XXXXXX").string();
        if (!::mkdtemp(pattern.data()))
            throw StoreError(
                "cannot make a private temporary folder in " + fs::temp_directory_path().string() +
                    ": check that it exists and has free space (set TMPDIR to another folder)",
                StoreErrorKind::Full);
        path_ = pattern;
    }
    ~PrivateFolder() {
        std::error_code ignored;
        fs::remove_all(path_, ignored);
    }
    PrivateFolder(const PrivateFolder&) = delete;
    PrivateFolder& operator=(const PrivateFolder&) = delete;
    fs::path path() const { return path_; }

private:
    fs::path path_;
};

void snapshot(const CopySource& source, const std::string& to) {
    std::error_code ec;
    if (!fs::is_regular_file(source.databasePath, ec))
        throw StoreError(
            "there is no SQLite database at " + source.databasePath +
                ": name the box's data directory with --from DIR (the folder holding mrscreen.db)",
            StoreErrorKind::Unreachable);
    Database from(source.databasePath, Database::ReadOnly{});
    Database copy(to);
    copyDatabase(from, copy);
}

std::string where(const AuditCheck& check) {
    return check.firstBadSeq ? "at event " + std::to_string(*check.firstBadSeq) + ": " : "";
}

// The bytes of an unpurged record, checked against the SHA-256 filed with them.
std::string recordBytes(const CopySource& source, const Statement& row) {
    const std::string subject = "the record of screening " + row.text(1) + ", version " +
                                row.text(2) + " (" + row.text(3) + ")";
    fs::path file(row.text(3));
    std::error_code ec;
    if (!file.is_absolute() || !fs::is_regular_file(file, ec))
        file = fs::path(source.recordsDir) / file.filename();
    std::ifstream in(file, std::ios::binary);
    if (!in)
        throw StoreError(
            subject + " is missing from " + source.recordsDir +
                ": restore it from the box's backup, then copy again. Nothing was copied",
            StoreErrorKind::Corrupt);
    std::string bytes(std::istreambuf_iterator<char>(in), {});
    if (sha256Hex(bytes) != row.text(4))
        throw StoreError(
            subject + " does not match the SHA-256 filed with it (" + row.text(4) +
                "): it changed after filing. Keep it as evidence, restore the filed copy from a "
                "backup, then copy again. Nothing was copied",
            StoreErrorKind::Corrupt);
    return bytes;
}

// [SECTION] the target

// Every copied table but the content-addressed ones (form texts a station may have kept already)
// and audit_head (it follows audit): a row in any of them may clash with a copied id.
std::vector<std::pair<std::string, std::int64_t>> countTarget(pg::Connection& db) {
    std::vector<std::pair<std::string, std::int64_t>> counts;
    for (const auto& table : copiedTables()) {
        const std::string name = table.name;
        if (*table.onConflict || name == "audit_head")
            continue;
        counts.emplace_back(name, db.exec("SELECT COUNT(*) FROM " + name).integer(0, 0));
    }
    return counts;
}

void refuseUnlessEmpty(pg::Connection& db) {
    std::map<std::string, std::int64_t> n;
    std::string others;
    for (const auto& [table, rows] : countTarget(db)) {
        n[table] = rows;
        if (rows > 0 && table != "screenings" && table != "staff" && table != "records" &&
            table != "audit")
            others.append(others.empty() ? ", and " : ", ")
                .append(std::to_string(rows))
                .append(rows == 1 ? " row in " : " rows in ")
                .append(table);
    }
    if (std::all_of(n.begin(), n.end(), [](const auto& t) { return t.second == 0; }))
        return;
    throw Refused("the target " + db.describe() + " already holds " +
                  std::to_string(n["screenings"]) + " screenings, " + std::to_string(n["staff"]) +
                  " staff members, " + std::to_string(n["records"]) + " records and " +
                  std::to_string(n["audit"]) + " audit events" + others +
                  "; copy only into a new, empty database (nothing was written to it)");
}

// Rows per INSERT: PostgreSQL takes at most 65,535 parameters a statement; records carry their
// PDF bytes, so only a few of them are held at once.
constexpr std::size_t kMaxParameters = 60000;
constexpr std::size_t kRowsPerInsert = 1000;
constexpr std::size_t kRecordsPerInsert = 8;

std::int64_t copyTable(Database& from, pg::Connection& to, const CopiedTable& table,
                       const CopySource& source, std::int64_t& purged) {
    const auto columns = columnsOf(table);
    const bool isRecords = std::string(table.name) == kRecords.name;
    const std::size_t width = columns.size() + (isRecords ? 1 : 0);
    const std::size_t batch =
        isRecords ? kRecordsPerInsert : std::min(kRowsPerInsert, kMaxParameters / width);
    const std::string insert = std::string("INSERT INTO ") + table.name + " (" + table.columns +
                               (isRecords ? ", pdf" : "") + ")" +
                               (table.identity ? " OVERRIDING SYSTEM VALUE" : "") + " VALUES ";
    std::vector<pg::Param> values;
    std::size_t pending = 0;
    auto flush = [&] {
        if (pending == 0)
            return;
        std::string sql = insert;
        for (std::size_t row = 0, n = 0; row < pending; ++row) {
            sql += row > 0 ? ", (" : "(";
            for (std::size_t i = 0; i < width; ++i)
                sql += (i > 0 ? ", $" : "$") + std::to_string(++n);
            sql += ")";
        }
        to.exec(sql + table.onConflict, values);
        values.clear();
        pending = 0;
    };
    auto rows = from.prepare(std::string("SELECT ") + table.columns + " FROM " + table.name +
                             " ORDER BY 1");
    std::int64_t copied = 0;
    while (rows.step()) {
        for (std::size_t i = 0; i < columns.size(); ++i) {
            if (columns[i] == table.realColumn && !rows.isNull(int(i)))
                values.emplace_back(rows.real(int(i)));
            else if (isRecords && i == 3)
                values.emplace_back(""); // the bytes are in the row on a server (pg_store_records)
            else
                values.emplace_back(rows.optionalText(int(i)));
        }
        if (isRecords) {
            const bool deleted = !rows.isNull(7); // purged under the retention policy: no bytes
            values.push_back(deleted ? pg::Param(std::nullopt)
                                     : pg::Param::bytes(recordBytes(source, rows)));
            purged += deleted ? 1 : 0;
        }
        ++copied;
        if (++pending == batch)
            flush();
    }
    flush();
    if (table.identity)
        to.exec(std::string("SELECT setval(pg_get_serial_sequence('") + table.name +
                "', 'id'), MAX(id)) FROM " + table.name + " HAVING MAX(id) IS NOT NULL");
    return copied;
}

// The target's trail as written inside the transaction, walked with the same verifier, a batch of
// events at a time (a department's trail has millions).
AuditCheck checkCopiedTrail(pg::Connection& db) {
    constexpr int kEventsPerRead = 10000;
    ChainWalk walk;
    for (bool more = true; more;) {
        const auto r = db.exec(
            "SELECT seq, at, actor, action, screening_id, detail_json, prev_hash, hash FROM audit "
            "WHERE seq > $1 ORDER BY seq LIMIT " +
                std::to_string(kEventsPerRead),
            {walk.lastSeq()});
        for (int i = 0; i < r.rows() && more; ++i) {
            AuditEvent e{r.integer(i, 0), r.text(i, 1), r.text(i, 2), r.text(i, 3),
                         std::nullopt,    r.text(i, 5), r.text(i, 6), r.text(i, 7)};
            if (!r.isNull(i, 4))
                e.screeningId = r.integer(i, 4);
            more = walk.add(e);
        }
        more = more && r.rows() == kEventsPerRead;
    }
    const auto head = db.exec("SELECT seq, hash FROM audit_head WHERE id = 1");
    AuditCheck check = head.empty() ? walk.finish(std::nullopt, "")
                                    : walk.finish(head.integer(0, 0), head.text(0, 1));
    if (check.rows > 0)
        check.head = AuditHead{walk.lastSeq(), walk.lastHash()};
    return check;
}

AuditHead appendCopyEvent(pg::Connection& db, const AuditHead& head, const std::string& actor,
                          const json& detail) {
    AuditEvent e;
    e.seq = head.seq + 1;
    e.prevHash = head.seq == 0 ? kGenesisHash : head.hash;
    e.at = nowUtc();
    e.actor = actor;
    e.action = "store.copied";
    e.detailJson = detail.dump();
    e.hash = chainHash(e.prevHash, e);
    db.exec(
        "INSERT INTO audit (seq, at, actor, action, screening_id, detail_json, prev_hash, hash) "
        "VALUES ($1, $2, $3, $4, NULL, $5, $6, $7)",
        {e.seq, e.at, e.actor, e.action, e.detailJson, e.prevHash, e.hash});
    db.exec("INSERT INTO audit_head (id, seq, hash) VALUES (1, $1, $2) "
            "ON CONFLICT (id) DO UPDATE SET seq = EXCLUDED.seq, hash = EXCLUDED.hash",
            {e.seq, e.hash});
    return {e.seq, e.hash};
}

void refuseUnlessOwner(pg::Connection& db) {
    if (db.exec(
              "SELECT has_sequence_privilege(pg_get_serial_sequence('screenings', 'id'), 'UPDATE')")
            .text(0, 0) == "t")
        return;
    throw Refused(
        "the role " + db.user() +
        " may not set the target's id sequences: run store copy as the "
        "schema's owner (postgresql://mrscreen_owner@host/mrscreen), as store migrate is run");
}

// The SQLite store's own verifier on the snapshot; refused (nothing copied) when it fails.
void verifySource(const CopySource& source, const std::string& copy, CopyReport& report) {
    // The chain, a trail gone while data remains, the rows against the events; an older schema
    // is upgraded in the snapshot, never in the source.
    StoreOptions options;
    options.recordsDir = (fs::path(copy).parent_path() / "records").string();
    detail::SqliteStore store(copy, options);
    report.sourceCheck = store.verifyAudit(); // the trail stepped through, not held
    if (!report.sourceCheck.intact)
        throw Refused(
            "the audit trail of " + source.databasePath + " does not verify " +
            where(report.sourceCheck) + report.sourceCheck.problem +
            ". Nothing was copied: a broken trail must not become the department's. Keep this "
            "database as evidence and run `mrscreen audit verify` on the box");
    report.auditEvents = report.sourceCheck.rows; // every event, walked by the verifier
    report.copiedHead = report.sourceCheck.head.value_or(AuditHead{0, kGenesisHash});
}

} // namespace

CopyReport copyToPostgres(const CopySource& source, const PostgresConnection& target,
                          const std::string& actor) {
    const auto started = std::chrono::steady_clock::now();
    if (pg::redactedUrl(target.url) != target.url)
        throw Refused(
            "the target url contains a password: take it out (anyone could read it in `ps` or the "
            "shell's history) and put it in a file of mode 0600 named by --password-file, or in "
            "~/.pgpass");
    CopyReport report;
    const PrivateFolder scratch;
    const std::string copy = (scratch.path() / "mrscreen.db").string();
    snapshot(source, copy);
    verifySource(source, copy, report);

    {
        pg::Connection db(target);
        if (detail::postgresSchemaVersion(db) > 0)
            refuseUnlessEmpty(db); // before migrating it: left as it was
    }
    report.migrationsApplied = migratePostgresStore(target);
    pg::Connection db(target);
    refuseUnlessOwner(db);
    Database from(copy, Database::ReadOnly{});
    pg::Transaction tx(db);
    // The lock every audit append takes: no station writes until this commits.
    db.exec("SELECT pg_advisory_xact_lock($1)", {detail::kAuditLock});
    refuseUnlessEmpty(db);
    for (const auto& table : copiedTables()) {
        const std::int64_t n = copyTable(from, db, table, source, report.purgedRecords);
        report.rows.emplace_back(table.name, n);
        if (std::string(table.name) == "screenings")
            report.screenings = n;
        if (std::string(table.name) == "staff")
            report.staff = n;
        if (std::string(table.name) == "records")
            report.records = n;
    }
    const AuditCheck copied = checkCopiedTrail(db);
    const AuditHead copiedHead = copied.head.value_or(AuditHead{0, kGenesisHash});
    if (!copied.intact || std::int64_t(copied.rows) != report.auditEvents ||
        copiedHead.seq != report.copiedHead.seq || copiedHead.hash != report.copiedHead.hash)
        throw StoreError("the audit trail on the target does not verify after copying (" +
                             where(copied) + copied.problem + "; " + std::to_string(copied.rows) +
                             " of " + std::to_string(report.auditEvents) + " events, head " +
                             copiedHead.hash +
                             "): the server changed the text (check that its encoding is UTF8). "
                             "Nothing was copied",
                         StoreErrorKind::Other);
    const json detail{{"from", source.databasePath},
                      {"screenings", report.screenings},
                      {"staff", report.staff},
                      {"records", report.records},
                      {"purgedRecords", report.purgedRecords},
                      {"auditEvents", report.auditEvents},
                      {"sourceHead", report.copiedHead.hash}};
    report.headAfterCopyEvent = appendCopyEvent(db, copiedHead, actor, detail);
    tx.commit();

    // The target's own checks, as stations run them.
    report.targetCheck = detail::PostgresStore(target, {}).verifyAudit();
    report.seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
    return report;
}

} // namespace mrscreen::store
