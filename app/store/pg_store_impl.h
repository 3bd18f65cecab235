// The PostgreSQL store's class, shared by its source files like sqlite_store_impl.h: the storage
// primitives of WorkflowStore (the checks are in workflow_policy.h) and the rest of Store, with
// the same SQL as the SQLite store where the dialects agree. Split by concern: screenings and
// review in pg_store.cpp, staff and records in pg_store_staff.cpp, form versions and contrast in
// pg_store_review.cpp, the audit chain in pg_store_audit.cpp, the exam link and the outbox in
// pg_store_integration.cpp, migrations in pg_migrations.cpp. Internal to app/store.
//
// Concurrency (many stations on one server, READ COMMITTED): a guarded write locks the screening's
// row (SELECT ... FOR UPDATE) before it re-reads the facts, so two writers of one screening take
// turns and the second sees the first's change (FactsChanged). Audit appends take one transaction-
// scoped advisory lock, so the chain never forks.
#pragma once

#include "store/migrations.h"
#include "store/pg.h"
#include "store/pg_store.h"
#include "store/sqlite_store_impl.h"
#include "store/workflow_policy.h"

#include <nlohmann/json.hpp>

namespace mrscreen::store::detail {

// The advisory lock keys (any fixed 64-bit numbers, "mrscreen" in ASCII and one more).
inline constexpr std::int64_t kMigrationLock = 0x6d72736372656e01;
inline constexpr std::int64_t kAuditLock = 0x6d72736372656e02;

const std::vector<Migration>& postgresMigrations(); // db/postgresql/NNNN_*.sql, in version order
const std::string& postgresGrants();                // db/postgresql/grants.sql

// The change feed (change_feed.h) on a connection of its own to `where` (pg_change_feed.cpp).
std::unique_ptr<ChangeFeed> postgresChangeFeed(const PostgresConnection& where);

// The database's schema version (0: none yet).
int postgresSchemaVersion(pg::Connection& db);
// Brings the schema to the newest version, in one transaction under kMigrationLock, so stations
// starting together apply each migration once. A role that may not change the schema gets a
// StoreError saying so and what to run. Returns how many migrations were applied.
int migratePostgres(pg::Connection& db);

class PostgresStore : public WorkflowStore {
public:
    PostgresStore(const PostgresConnection& where, const StoreOptions& options);
    std::vector<ScreeningSummary> queue() override;
    std::int64_t countScreenings() override;
    std::optional<ScreeningDetail> screening(std::int64_t id) override;
    // [SECTION] kiosks and stations: presence and the change feed (pg_store_stations.cpp)
    std::unique_ptr<ChangeFeed> changes() override;
    void stationSeen(const StationPresence& presence) override;
    std::vector<StationPresence> stations() override;
    std::vector<StaffMember> staff() override;
    AuditCheck verifyAudit() override;
    std::vector<AuditEvent> auditTrail() override;
    std::optional<AuditHead> auditHead() override;
    int nextRecordVersion(std::int64_t id) override;
    std::optional<StoredRecord> latestRecord(std::int64_t id) override;
    std::optional<StoredRecord> record(std::int64_t id, int version) override;
    std::vector<PurgeCandidate> purgeCandidates(const std::string& beforeIso) override;
    void noteExport(std::int64_t id, const std::string& what, const std::string& destination,
                    const Actor& actor) override;
    void backupTo(const std::string& path) override;
    std::optional<std::string> formDocument(const std::string& sha256) override;
    void checkIntegrity() override;

    std::vector<OutboxItem> outbox(std::optional<std::int64_t> screeningId) override;
    std::optional<OutboxItem> nextDueOutboxItem(const std::string& nowIso) override;
    std::string claimOutboxItem(std::int64_t itemId, const std::string& sopInstanceUid) override;
    void outboxSent(std::int64_t itemId, const std::string& detail, const Actor& actor) override;
    void outboxFailed(std::int64_t itemId, const std::string& error,
                      const std::string& nextAttemptAtIso, const Actor& actor) override;
    void retryOutboxItem(std::int64_t itemId, const Actor& actor) override;

protected:
    // [SECTION] the storage primitives of WorkflowStore (workflow_policy.h), SQL only
    std::optional<ScreeningFacts> readFacts(std::int64_t id) override;
    std::int64_t insertSubmission(const NewScreening& s, const Actor& actor) override;
    void insertLab(std::int64_t id, const ScreeningFacts& expected, const LabResult& lab,
                   const Actor& actor) override;
    std::optional<std::int64_t> writeImplant(std::int64_t id, const ScreeningFacts& expected,
                                             const ImplantRecord& implant,
                                             const Actor& actor) override;
    void writeTransition(std::int64_t id, const ScreeningFacts& expected,
                         const TransitionRequest& request, ScreeningState next,
                         const std::optional<StaffSignature>& signature) override;
    bool writeFlagVerdict(std::int64_t id, const ScreeningFacts& expected,
                          const std::string& ruleId, FlagVerdict verdict, const std::string& note,
                          const Actor& actor, const std::string& correctedAnswer) override;
    std::int64_t writeAmendment(std::int64_t id, const ScreeningFacts& expected,
                                const NewScreening& corrected, const Actor& actor) override;
    std::optional<StaffAccount> readStaffAccount(const std::string& username) override;
    bool insertStaff(const std::string& username, const std::string& displayName, Role role,
                     const std::string& secretHash, const Actor& by) override;
    bool writeStaffDisabled(const std::string& username, const Actor& by) override;
    bool writeStaffSecret(const std::string& username, const std::string& secretHash,
                          const Actor& by) override;
    bool writeSignIn(const SignInWrite& attempt) override;
    void writeFormDocument(const std::string& sha256, const std::string& kind,
                           const std::string& url, const std::string& version,
                           const std::string& text) override;
    void writeContrastPlanned(std::int64_t id, const ScreeningFacts& expected,
                              const std::string& planned, const Actor& actor) override;
    void writeFlags(std::int64_t id, const ScreeningFacts& expected,
                    const std::vector<screening::Flag>& flags, const Actor& actor) override;
    void writeContrastDecision(std::int64_t id, const ScreeningFacts& expected,
                               const ContrastDecision& decision, const StaffSignature& signature,
                               const Actor& actor) override;
    std::optional<ProcedureLink> readProcedureLink(std::int64_t id) override;
    void writeProcedureLink(std::int64_t id, const ScreeningFacts& expected,
                            const ProcedureLink& link, const Actor& actor) override;
    FiledRecord writeRecord(std::int64_t id, int version, const std::string& pdf,
                            const std::string& sha256, const std::string& contentSha256,
                            const Actor& actor) override;
    std::optional<KeptRecord> readRecordBytes(std::int64_t id, int version) override;
    void deleteRecordBytes(std::int64_t id, int version, const Actor& actor) override;

private:
    PostgresConnection where_; // for the change feed's own connection
    pg::Connection db_;
    // The head appended by the open transaction; sent to options().anchorHead once it commits.
    std::optional<AuditHead> uncommittedHead_;

    // The screening stored with this submission key (none for an empty key).
    std::optional<std::int64_t> submissionWithKey(const std::string& key);
    std::int64_t insertNewSubmission(const NewScreening& s, const Actor& actor);
    std::int64_t insertScreening(const NewScreening& s, const std::string& now,
                                 std::optional<std::int64_t> amends, const char* state);
    void insertFlag(std::int64_t id, const screening::Flag& f);
    // Writes a re-evaluation's flags and its event; false (nothing written) when it changes none.
    bool writeFlagRefresh(std::int64_t id, const FlagRefresh& plan);
    ScreeningState stateOf(std::int64_t id);
    ScreeningFacts facts(std::int64_t id);
    // Inside the caller's transaction: locks the screening's row, then the facts are still
    // `expected`, or FactsChanged naming the newest audit event's actor and time.
    void holdFacts(std::int64_t id, const ScreeningFacts& expected);
    std::vector<StoredFlag> readFlags(std::int64_t id);
    static ScreeningSummary readSummary(const pg::Result& r, int row);
    static StaffMember readStaff(const pg::Result& r, int row);
    std::optional<StaffMember> findStaff(const std::string& username);
    static AuditEvent readAudit(const pg::Result& r, int row);
    void keepFormTexts(const NewScreening& s);
    std::optional<ProcedureLink> linkedProcedure(std::int64_t id);
    void queueOutbox(std::int64_t id, int version, const std::string& now);
    OutboxItem outboxItem(std::int64_t itemId);

    // [SECTION] the audit chain (pg_store_audit.cpp)
    AuditedRows auditedRows();
    void transactionEnded(bool committed);
    // Appends one event to the chain inside the caller's transaction, holding kAuditLock until it
    // commits: the same hash input as the SQLite store (audit.h), so one verifier serves both.
    void appendAudit(const NewAuditEvent& event);
};

} // namespace mrscreen::store::detail
