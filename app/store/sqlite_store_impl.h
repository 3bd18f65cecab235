// The SQLite store's class, shared by its source files: the storage primitives of WorkflowStore
// (workflow_policy.h holds the checks) and the rest of Store (split by concern: screenings and
// review in sqlite_store.cpp, staff and records in sqlite_store_staff.cpp, form versions and the
// contrast decision in sqlite_store_review.cpp). Internal to app/store: everyone else uses store.h.
#pragma once

#include "store/audit_crosscheck.h"
#include "store/audit_events.h"
#include "store/open_sessions.h"
#include "store/sqlite.h"
#include "store/store.h"
#include "store/workflow_policy.h"

#include <nlohmann/json.hpp>

namespace mrscreen::store::detail {

using nlohmann::json;
using screening::Action;
using screening::FlagStatus;
using screening::ScreeningFacts;

inline const char* severityText(Severity s) {
    return screening::severityName(s);
}

inline Severity parseSeverity(const std::string& s) {
    if (s == "stop")
        return Severity::Stop;
    if (s == "info")
        return Severity::Info;
    return Severity::Review;
}

inline std::string actorName(const Actor& a) {
    return a.username.empty() ? screening::roleName(a.role) : a.username;
}

// The JSON both backends write, so their audit details and outbox snapshots are the same text:
// the flags a submission raised; a linked exam in an audit event, and every field of it (the
// snapshot an outbox item keeps); an implant's MR conditions (SqliteStore::conditionsToJson).
json flagList(const std::vector<screening::Flag>& flags);
json linkToJson(const ProcedureLink& l);
json fullLinkJson(const ProcedureLink& l);
std::optional<ProcedureLink> linkFromJson(const std::string& text);

// SQL both dialects read alike (one text, so the backends cannot drift): a screening's queue row,
// which screenings the queue shows (a WHERE clause), and a staff account's row.
std::string summarySql();
extern const char* const kQueueWhere;
std::string staffSql();

// The migration whose transaction also appends the staff baseline (sqlite_store_audit.cpp).
extern const int kStaffBaselineMigration;

// Not final: the policy tests derive from it to let another station act between read and write.
class SqliteStore : public WorkflowStore {
public:
    SqliteStore(const std::string& path, const StoreOptions& options);
    std::vector<ScreeningSummary> queue() override;
    std::int64_t countScreenings() override;
    std::optional<ScreeningDetail> screening(std::int64_t id) override;
    // [SECTION] kiosks and stations: presence and the change feed (stations_sqlite.cpp)
    std::unique_ptr<ChangeFeed> changes() override;
    void stationSeen(const StationPresence& presence) override;
    std::vector<StationPresence> stations() override;
    std::vector<StaffMember> staff() override;
    AuditCheck verifyAudit() override;
    std::vector<AuditEvent> auditTrail() override;
    std::optional<AuditHead> auditHead() override;
    // [SECTION] records (sqlite_store_records.cpp): files in recordsDir_, rows in `records`
    int nextRecordVersion(std::int64_t id) override;
    std::optional<StoredRecord> latestRecord(std::int64_t id) override;
    std::optional<StoredRecord> record(std::int64_t id, int version) override;
    std::vector<PurgeCandidate> purgeCandidates(const std::string& beforeIso) override;
    void noteExport(std::int64_t id, const std::string& what, const std::string& destination,
                    const Actor& actor) override;
    void backupTo(const std::string& path) override;

    std::optional<std::string> formDocument(const std::string& sha256) override;

    void checkIntegrity() override;

    // An implant's MR conditions as stored (also by the PostgreSQL store).
    static std::string conditionsToJson(const screening::MrConditions& c);
    static screening::MrConditions conditionsFromJson(const std::string& text);

    // [SECTION] the scheduled exam and the outbox (sqlite_store_integration.cpp)
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
    Database db_;
    std::string recordsDir_; // StoreOptions::recordsDir, or "records" beside the database
    OpenSessions sessions_;
    // The head appended by the open transaction; sent to options_.anchorHead once it commits.
    std::optional<AuditHead> uncommittedHead_;

    // Switching to WAL needs a moment alone with the file; a second process opening a new database
    // at the same time gets "locked" without the busy handler, so wait for it here.
    void setWal();
    // Reads the header and the schema: a file that is not a database, or whose first pages are
    // gone, is refused at once. The whole file is read only by checkIntegrity.
    void checkHeader();
    [[noreturn]] void refuseDamaged(const std::string& finding, StoreErrorKind kind);
    std::int64_t insertScreening(const NewScreening& s, const std::string& now,
                                 std::optional<std::int64_t> amends, const char* state);
    ScreeningState stateOf(std::int64_t id);
    ScreeningFacts facts(std::int64_t id);
    // Inside the caller's transaction: the facts are still `expected`, or FactsChanged naming the
    // newest audit event's actor and time.
    void holdFacts(std::int64_t id, const ScreeningFacts& expected);
    std::vector<StoredFlag> readFlags(std::int64_t id);
    static ScreeningSummary readSummary(Statement& st);
    static StaffMember readStaff(Statement& st);
    std::optional<StaffMember> findStaff(const std::string& username);
    static AuditEvent readAudit(Statement& st);

    // Stores the form and rules texts a screening names (checked against their sha256 by the
    // policy).
    void keepFormTexts(const NewScreening& s);
    void insertFlag(std::int64_t id, const screening::Flag& f);
    // Writes a re-evaluation's flags and its event; false (nothing written) when it changes none.
    bool writeFlagRefresh(std::int64_t id, const FlagRefresh& plan);
    std::optional<ProcedureLink> linkedProcedure(std::int64_t id);
    // One outbox item per configured destination for a new record version, in the caller's
    // transaction.
    void queueOutbox(std::int64_t id, int version, const std::string& now);
    OutboxItem outboxItem(std::int64_t itemId);
    // Where a record row's file is: its stored path, or for a relative one (filed by older versions
    // from another working directory) the file of that name in recordsDir_.
    std::string recordFile(const std::string& storedPath) const;
    static StoredRecord readRecordRow(Statement& st);

    // [SECTION] the audit check and its anchor (sqlite_store_audit.cpp)
    AuditedRows auditedRows();
    void transactionEnded(bool committed);
    // One "staff.baseline" event per account with the sha256 of its stored PIN hash, inside the
    // migration that starts recording it (0010), so a hash replaced later is caught.
    void appendStaffBaseline();

    // Appends one event to the chain (audit_events.h decides its text); must run inside the
    // caller's transaction.
    void appendAudit(const NewAuditEvent& event);
};

} // namespace mrscreen::store::detail
