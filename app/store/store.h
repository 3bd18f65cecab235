// Persistence for screenings, flags, staff and the audit trail, behind one interface so the UI and
// the CLI never see SQL and a PostgreSQL store can be added without touching them. Every change is
// one transaction that also appends its audit event; a refused change stores nothing.
#pragma once

#include "screening/workflow.h"
#include "store/audit.h"
#include "store/errors.h"

#include <cstdint>
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
struct StoredRecord {
    int version = 0;
    std::string path;
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

    // A completed response becomes a submitted screening with its flags. Returns its id.
    virtual std::int64_t submit(const NewScreening& screening, const Actor& actor) = 0;
    // Screenings waiting for review or a decision, oldest first.
    virtual std::vector<ScreeningSummary> queue() = 0;
    virtual std::optional<ScreeningDetail> screening(std::int64_t id) = 0;
    virtual std::int64_t countScreenings() = 0;

    // The reviewer's verdict on one flag (nurse only, while the screening is submitted).
    virtual void setFlagVerdict(std::int64_t id, const std::string& ruleId, FlagVerdict verdict,
                                const std::string& note, const Actor& actor) = 0;
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

    virtual AuditCheck verifyAudit() = 0;

    // Records: the caller writes the PDF (atomically) first, then registers it here, so a row
    // never names a file that is not complete on disk.
    virtual int nextRecordVersion(std::int64_t id) = 0;
    virtual void addRecord(std::int64_t id, int version, const std::string& path, const std::string& sha256,
                           const Actor& actor) = 0;
    virtual std::optional<StoredRecord> latestRecord(std::int64_t id) = 0;
    // Every copy that leaves the store is audited: what (pdf, fhir), where to, by whom.
    virtual void noteExport(std::int64_t id, const std::string& what, const std::string& destination,
                            const Actor& actor) = 0;

    // A consistent copy of the whole database at `path` (SQLite's online backup, safe while the
    // kiosk runs), checked with quick_check before this returns.
    virtual void backupTo(const std::string& path) = 0;
};

// Opens (creating and migrating when needed) the SQLite store at `path`; refuses a damaged file
// with how to restore it.
std::unique_ptr<Store> openSqliteStore(const std::string& path, const StoreOptions& options = {});

} // namespace mrscreen::store
