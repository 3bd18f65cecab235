// Persistence for screenings, flags, staff and the audit trail, behind one interface so the UI and
// the CLI never see SQL and a PostgreSQL store can be added without touching them. Every change is
// one transaction that also appends its audit event; a refused change stores nothing.
#pragma once

#include "screening/mr_conditional.h"
#include "screening/workflow.h"
#include "store/audit.h"
#include "store/change_feed.h"
#include "store/errors.h"
#include "store/stations.h"

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace mrscreen::store {

using screening::Actor;
using screening::FlagVerdict;
using screening::Role;
using screening::ScreeningState;
using screening::Severity;
using screening::TransitionRequest;

struct StoreOptions {
    screening::WorkflowPolicy policy;
    int lockoutAttempts = 5;      // wrong PINs in a row before the account locks
    int lockoutSeconds = 15 * 60; // how long it stays locked
    // Called with the chain's new head after each commit that appended audit events (the syslog
    // anchor, audit_anchor.h); must return at once. Empty: the head is not sent anywhere.
    std::function<void(const AuditHead&)> anchorHead;
    // Where every new record version is sent (e.g. {"pacs"}): addRecord queues one outbox item per
    // destination in its own transaction. Empty: records stay in the store.
    std::vector<std::string> outboxDestinations;
    // Where the SQLite store keeps the signed record PDFs (<data_dir>/records). Empty: a "records"
    // folder beside the database file. A database server keeps them in the database instead.
    std::string recordsDir;
    // How long a write waits for another writer's lock before it fails as Busy (StoreErrorKind).
    // A kiosk with a spool can keep it short: a busy store sends the submission to the spool.
    int busyTimeoutMs = 10000;
};

struct PatientIdentity {
    std::string familyName;
    std::string givenName;
    std::string birthDate;
    std::string sex;
};

struct NewScreening {
    std::string formUrl;
    std::string formVersion;
    std::string formSha256;
    std::string rulesSha256;
    std::string language = "en";
    std::string origin = "kiosk"; // kiosk or import
    std::string responseJson;     // the completed QuestionnaireResponse
    std::vector<screening::Flag> flags;
    PatientIdentity patient;
    std::string formJson;  // the questionnaire file's exact text (sha256 = formSha256)
    std::string rulesJson; // the rules file's exact text (sha256 = rulesSha256), empty without rules
    std::string contrastPlanned = "unknown";   // yes | no | unknown
    std::string ignoredAnswersJson = "[]";     // screening::ignoredAnswersToJson()
    // Idempotency (the kiosk's spool): a random UUID v4 made when the patient starts the form. A
    // submission whose key is already stored writes nothing and returns that screening's id, so a
    // resent submission is stored once. Empty: no key (imports, amendments); always stored.
    std::string submissionKey;
};

// A lab result entered by the reviewing nurse (serum creatinine for the eGFR).
struct LabResult {
    std::string kind = "creatinine";
    double value = 0;
    std::string unit;    // "mg/dL" or "umol/L"
    std::string takenOn; // YYYY-MM-DD the sample was drawn
    std::string enteredBy;
    std::string enteredAt;
};

// An implant as identified during review, with its MR status and labelled conditions, and the
// result of checking them against the planned scanner when it was last saved.
struct ImplantRecord {
    std::int64_t id = 0; // 0: new
    std::string type;    // what it is ("pacemaker", "aneurysm clip")
    std::string manufacturer;
    std::string model;
    std::string location;    // where in the body
    std::string implantedOn; // YYYY, YYYY-MM or YYYY-MM-DD
    screening::MrStatus mrStatus = screening::MrStatus::Unknown;
    screening::MrConditions conditions;
    std::string checkResult; // the MR Conditional check's summary against the site's scanner
    std::string enteredBy;
    std::string enteredAt;
};

// A staff signature drawn on the kiosk: the nurse's countersignature of the review, the
// signer's on the decision. Strokes are the JSON of handwritten_signature ({"strokes": ...}).
struct StaffSignature {
    std::string purpose; // "review", "decision" or "contrast"
    std::string signerName;
    Role signerRole = Role::Nurse;
    std::string strokesJson;
    std::string signedAt;
};

struct StoredFlag {
    std::string ruleId;
    std::string category;
    Severity severity = Severity::Review;
    std::string message;
    std::string triggersJson;
    FlagVerdict status = FlagVerdict::Open;
    std::string statusBy;
    std::string statusAt;
    std::string note;
    std::string correctedAnswer; // set when the answer was corrected with the patient
    std::string gate = "zone-iv"; // what it holds back: "zone-iv" or "contrast"
};

struct ScreeningSummary {
    std::int64_t id = 0;
    ScreeningState state = ScreeningState::Draft;
    PatientIdentity patient;
    std::string origin;
    std::string submittedAt;
    std::string reviewedBy;
    int stopFlags = 0;
    int reviewFlags = 0;
    int infoFlags = 0;
    int openFlags = 0; // stop and review flags still without a verdict
};

struct Decision {
    std::string outcome;
    std::string conditions;
    std::string overrideReason;
    std::string decidedBy;
    std::string decidedAt;
};

// The contrast part of the decision (the Zone IV part is Decision), signed on its own.
struct ContrastDecision {
    std::string outcome;    // cleared | cleared_with_conditions | not_cleared | not_planned
    std::string conditions; // e.g. "group II agent only", "premedication"
    std::string reason;     // override reason / why not cleared
    std::string decidedBy, decidedAt;
};

// The scheduled exam a screening is linked to, as the DICOM Modality Worklist gave it. Staff link
// it at review; the record, the FHIR export and the PACS copy then carry its identifiers.
struct ProcedureLink {
    std::string patientId;            // the hospital's patient ID (MRN), (0010,0020)
    std::string issuerOfPatientId;    // (0010,0021), may be empty
    std::string accessionNumber;      // (0008,0050)
    std::string procedureCode;        // Requested Procedure Code Sequence: code value
    std::string procedureCodingScheme; //  ... and its coding scheme designator
    std::string procedureDescription; // (0032,1060) Requested Procedure Description
    std::string studyInstanceUid;     // (0020,000D)
    std::string requestedProcedureId; // (0040,1001)
    std::string stationAeTitle;       // Scheduled Station AE Title (0040,0001): which scanner
    std::string stationName;          // Scheduled Station Name (0040,0010)
    std::string scheduledStart;       // "2026-11-30T14:30" (local, as scheduled)
    std::string patientName;          // as the worklist spells it, DICOM PN ("DOE^JANE")
    std::string patientBirthDate;     // YYYY-MM-DD
    std::string patientSex;           // M, F, O or empty
    std::string linkedBy, linkedAt;   // set by the store
};

// One record version on its way to an outside system (PACS), kept in the store so a restart
// never loses or repeats it: the row is written in the record's own transaction.
struct OutboxItem {
    std::int64_t id = 0;
    std::int64_t screeningId = 0;
    int recordVersion = 0;
    std::string destination;    // "pacs"
    std::string status;         // pending | sent
    int attempts = 0;
    std::string nextAttemptAt;  // UTC ISO; due when <= now
    std::string lastError;      // the last failure, for staff
    std::string createdAt, sentAt;
    std::string sopInstanceUid; // fixed at the first attempt, so a resend is the same instance
    std::optional<ProcedureLink> procedure; // the exam as linked when the record was filed
};

struct ScreeningDetail {
    ScreeningSummary summary;
    std::string formUrl;
    std::string formVersion;
    std::string formSha256;
    std::string rulesSha256;
    std::string language;
    std::optional<std::int64_t> amendsId;    // the screening this one corrects
    std::optional<std::int64_t> amendedById; // the correction that replaced this one
    int responseVersion = 0;
    std::string responseJson;
    std::vector<StoredFlag> flags;
    std::optional<Decision> decision;
    std::vector<AuditEvent> history;
    std::vector<LabResult> labs; // oldest first
    std::vector<ImplantRecord> implants;
    std::vector<StaffSignature> signatures;
    std::string contrastPlanned = "unknown", contrastPlannedBy, contrastPlannedAt;
    std::string ignoredAnswersJson = "[]"; // answers to questions that did not apply
    std::optional<ContrastDecision> contrastDecision;
    std::optional<ProcedureLink> procedure; // the scheduled exam it is linked to
};

struct StaffMember {
    std::string username;
    std::string displayName;
    Role role = Role::Nurse;
    bool disabled = false;
    int failedAttempts = 0;
    std::string lockedUntil; // empty when not locked
    std::string createdAt;
};

// One signed PDF of a screening; a screening gets a new version at submission and at its decision.
// Its bytes are the store's: read them with Store::recordPdf, never through `path`.
struct StoredRecord {
    int version = 0;
    std::string path; // where the SQLite store keeps the file (for show and messages); empty elsewhere
    std::string sha256;
    std::string createdAt;
    std::string contentSha256; // the content hash its QR code carries
    std::string purgedAt;      // set when the file was deleted under the retention policy
};

// What addRecordPdf filed.
struct FiledRecord {
    StoredRecord record;
    // Set when a file that was never registered lay at the new record's name (an earlier attempt
    // stopped between writing and registering it): where it was moved, for whoever looks into it.
    std::string setAside;
};

// A record file that retention may delete: written before the cut-off and exported since.
struct PurgeCandidate {
    std::int64_t id = 0;
    int version = 0;
    std::string path; // as StoredRecord::path: for messages only
    std::string sha256;
    std::string createdAt;
};

enum class SignInOutcome { SignedIn, WrongSecret, Locked, Disabled, UnknownUser };

struct SignIn {
    SignInOutcome outcome = SignInOutcome::UnknownUser;
    std::optional<StaffMember> member; // set when signed in
    std::string message;               // for the person at the screen
};

class Store {
public:
    virtual ~Store() = default;

    // A completed response becomes a submitted screening with its flags. Returns its id; with a
    // submissionKey already stored (a resend), writes nothing and returns the stored screening's id.
    virtual std::int64_t submit(const NewScreening& screening, const Actor& actor) = 0;
    // Screenings waiting for review or a decision, oldest first.
    virtual std::vector<ScreeningSummary> queue() = 0;
    virtual std::optional<ScreeningDetail> screening(std::int64_t id) = 0;
    virtual std::int64_t countScreenings() = 0;
    // [stations] Word that the store may have changed (any process or station wrote), so the queue
    // refreshes when it does instead of on a timer; the contract is in store/change_feed.h. Each
    // call makes a new feed, independent of this connection: it may be called, and the feed used,
    // while another thread uses the store.
    virtual std::unique_ptr<ChangeFeed> changes() = 0;
    // [stations] A kiosk or station says it is alive (store/stations.h): its row, by name, is
    // replaced and stamped with the store's time. Not audited. Refused: no name, an unknown kind.
    virtual void stationSeen(const StationPresence& presence) = 0;
    // [stations] Every kiosk and station that has said so, by name.
    virtual std::vector<StationPresence> stations() = 0;

    // The reviewer's verdict on one flag (nurse only, while the screening is submitted).
    // `correctedAnswer`: what the patient's answer really is, when it was corrected with them.
    virtual void setFlagVerdict(std::int64_t id, const std::string& ruleId, FlagVerdict verdict,
                                const std::string& note, const Actor& actor,
                                const std::string& correctedAnswer = "") = 0;
    // Labs and implants are entered by the reviewing nurse while the screening is submitted.
    virtual void addLab(std::int64_t id, const LabResult& lab, const Actor& actor) = 0;
    // Inserts (id 0) or updates an implant of the screening; returns its id.
    virtual std::int64_t saveImplant(std::int64_t id, const ImplantRecord& implant, const Actor& actor) = 0;
    // Review (countersigned by the nurse) or a decision (signed by the signer) together with the
    // drawn signature, in one transaction: the state never changes without its signature.
    virtual ScreeningState transitionSigned(std::int64_t id, const TransitionRequest& request,
                                            const StaffSignature& signature) = 0;
    // Review, decide or abandon; throws Refused with the workflow's reason.
    virtual ScreeningState transition(std::int64_t id, const TransitionRequest& request) = 0;
    // A correction after a decision: the original becomes amended (unchanged otherwise) and a new
    // submitted screening, linked to it, carries the corrected response. Returns the new id.
    virtual std::int64_t amend(std::int64_t id, const NewScreening& corrected, const Actor& actor) = 0;

    virtual void addStaff(const std::string& username, const std::string& displayName, Role role,
                          const std::string& secret, const Actor& by) = 0;
    virtual std::vector<StaffMember> staff() = 0;
    virtual void disableStaff(const std::string& username, const Actor& by) = 0;
    virtual void resetSecret(const std::string& username, const std::string& secret, const Actor& by) = 0;
    virtual SignIn signIn(const std::string& username, const std::string& secret) = 0;

    // The chain's links, and then whether the rows that matter (screening states, decisions, flag
    // verdicts, staff accounts) agree with the events that set them; an empty trail or a missing
    // head while the database holds screenings, staff or records is a failure.
    virtual AuditCheck verifyAudit() = 0;
    // Every audit event in order (to check anchored heads and records' heads against), and the
    // newest link (nullopt for an empty trail).
    virtual std::vector<AuditEvent> auditTrail() = 0;
    virtual std::optional<AuditHead> auditHead() = 0;

    // Records: the store owns each signed PDF's bytes, so any station shows and exports any record.
    // The SQLite store keeps them as files in its records folder (StoreOptions::recordsDir), a
    // database server in the record's row. Callers pick the version (nextRecordVersion, under
    // their own lock: the version is printed in the PDF), then hand the bytes to addRecordPdf.
    virtual int nextRecordVersion(std::int64_t id) = 0;
    // Files a signed PDF as record `version` of screening `id`: the bytes are kept (SQLite: written
    // atomically to records/screening-<id>-v<version>.pdf, mode 0600, before the row, and removed
    // again when the row cannot be written), with its SHA-256, its outbox items and its audit event,
    // so a row never names bytes that are not complete. A file left at that name by an interrupted
    // earlier attempt (never registered) is moved aside first, never overwritten or trusted.
    // Refuses an unknown screening (Refused) and a version already filed (StoreError Conflict).
    virtual FiledRecord addRecordPdf(std::int64_t id, int version, const std::string& pdf, const Actor& actor,
                                     const std::string& contentSha256 = "") = 0;
    // The bytes of a record version, checked against the SHA-256 filed with them on every read.
    // Refused: no such record, or its bytes were deleted under the retention policy (saying when).
    // RecordUnreadable (StoreError Corrupt): missing or changed bytes, naming the screening, the
    // version and how to restore them; such bytes are never given out.
    virtual std::string recordPdf(std::int64_t id, int version) = 0;
    virtual std::optional<StoredRecord> record(std::int64_t id, int version) = 0;
    // Records written before `beforeIso` and exported (PDF or FHIR) after they were written, not
    // yet purged.
    virtual std::vector<PurgeCandidate> purgeCandidates(const std::string& beforeIso) = 0;
    // Deletes a record's bytes under the retention policy (the file, or the database's copy) and
    // marks it purged, with its audit event. The bytes are checked first, as recordPdf does: missing
    // or changed bytes are evidence and are neither deleted nor marked (RecordUnreadable). Refused
    // when there is no such record or it is purged already; StoreError when the file cannot be
    // deleted (nothing is marked).
    virtual void purgeRecord(std::int64_t id, int version, const Actor& actor) = 0;
    virtual std::optional<StoredRecord> latestRecord(std::int64_t id) = 0;
    // Every copy that leaves the store is audited: what (pdf, fhir), where to, by whom.
    virtual void noteExport(std::int64_t id, const std::string& what, const std::string& destination,
                            const Actor& actor) = 0;

    // Form versions, content-addressed (form_documents table). Idempotent; refuses text whose
    // sha256 differs. `kind`: "questionnaire" or "rules".
    virtual void keepFormDocument(const std::string& sha256, const std::string& kind, const std::string& text) = 0;
    virtual std::optional<std::string> formDocument(const std::string& sha256) = 0;
    // Staff say whether contrast is planned ("yes", "no", "unknown"; nurse, mrso, radiologist;
    // while submitted or reviewed); audited.
    virtual void setContrastPlanned(std::int64_t id, const std::string& planned, const Actor& actor) = 0;
    // Re-evaluation after staff add a lab or change contrast-planned: upserts flags by rule id (new
    // ones open, audited "flags-raised"; an existing flag whose severity rises to review/stop goes
    // back to open; flags that no longer fire are kept for a verdict). One transaction with its
    // audit event.
    virtual void refreshFlags(std::int64_t id, const std::vector<screening::Flag>& flags, const Actor& actor) = 0;
    // The contrast part of the decision, with its drawn signature (purpose "contrast"). Role from
    // WorkflowPolicy::contrastSignerRoles; allowed once the screening is reviewed (or decided), once;
    // clearing with an unresolved contrast stop flag needs a reason; not_planned needs
    // contrastPlanned == "no".
    virtual void decideContrast(std::int64_t id, const ContrastDecision& decision, const StaffSignature& signature,
                                const Actor& actor) = 0;

    // Links a screening to a scheduled exam (nurse, mrso, radiologist, admin; not once it is amended or
    // abandoned). Linking again replaces the link; both are audited. The next record version
    // carries the identifiers; a signed record is never rewritten.
    virtual void linkProcedure(std::int64_t id, const ProcedureLink& link, const Actor& actor) = 0;

    // The outbox (OutboxItem). `outbox`: newest first, for one screening when id is set.
    virtual std::vector<OutboxItem> outbox(std::optional<std::int64_t> screeningId = std::nullopt) = 0;
    // The oldest pending item due at `nowIso`, if any.
    virtual std::optional<OutboxItem> nextDueOutboxItem(const std::string& nowIso) = 0;
    // Before sending: the SOP Instance UID the item is sent as (kept if already set).
    virtual std::string claimOutboxItem(std::int64_t itemId, const std::string& sopInstanceUid) = 0;
    // After a send: sent (audited "outbox.sent"), or failed with the error and when to try again
    // (audited "outbox.failed").
    virtual void outboxSent(std::int64_t itemId, const std::string& detail, const Actor& actor) = 0;
    virtual void outboxFailed(std::int64_t itemId, const std::string& error, const std::string& nextAttemptAtIso,
                              const Actor& actor) = 0;
    // Staff ask for a pending item to be tried now (audited "outbox.retry"); refused for a sent one.
    virtual void retryOutboxItem(std::int64_t itemId, const Actor& actor) = 0;

    // A consistent copy of the whole database at `path` (SQLite's online backup, safe while the
    // kiosk runs), checked with quick_check before this returns.
    virtual void backupTo(const std::string& path) = 0;
    // Reads the whole database and checks it (quick_check); throws StoreError (corrupt) naming the
    // damage and how to restore. Runs at open only after an unclean shutdown (store/open_sessions.h),
    // in `mrscreen check` and in the nightly backup, so start-up does not grow with the data.
    virtual void checkIntegrity() = 0;
};

// Opens (creating and migrating when needed) the SQLite store at `path`; refuses a damaged file
// with how to restore it (the header always; every page after an unclean shutdown).
std::unique_ptr<Store> openSqliteStore(const std::string& path, const StoreOptions& options = {});

} // namespace mrscreen::store
