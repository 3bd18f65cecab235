// The workflow's refusals, shared by every store backend: who may enter labs and implants, review,
// decide, plan and sign contrast, link an exam, manage staff; the sign-in lockout; and the state a
// screening must be in for each change. A backend implements only the storage primitives below.
//
// Why a base class and not a decorator: a decorator wraps a whole Store, so the bare backend would
// still expose unchecked public calls, and the decorator could reach "checked in the same
// transaction" only through an interface that has no transactions. Here the public calls are
// `final` (a backend cannot override a check away) and storage is reachable only through protected
// primitives. A check that must be atomic with its write is a compare-and-set: the policy reads the
// facts, decides, and hands the facts it decided on to the write; the backend re-reads them inside
// its transaction and, when they changed, writes nothing and throws FactsChanged (who acted and
// when). The policy then decides again on the new facts, so the refusal is the same one a
// serialised writer gets, word for word.
#pragma once

#include "store/store.h"

#include <nlohmann/json.hpp>

#include <cstdint>
#include <optional>
#include <stdexcept>
#include <string>

namespace mrscreen::store {

// A screening changed between the policy's read and the guarded write; nothing was written.
struct ChangedMeanwhile {
    std::int64_t screeningId = 0;
    screening::ScreeningFacts now; // the facts as the write found them
    std::string by;                // who made the newest change (the newest audit event's actor)
    std::string at;                // when (UTC ISO)
};

class FactsChanged : public std::runtime_error {
public:
    explicit FactsChanged(ChangedMeanwhile change);
    const ChangedMeanwhile& change() const { return change_; }

private:
    ChangedMeanwhile change_;
};

// Whether two reads of a screening's facts agree (state, reviewer, flags, contrast).
bool sameFacts(const screening::ScreeningFacts& a, const screening::ScreeningFacts& b);

// A staff account with what sign-in needs; the hash never leaves the store.
struct StaffAccount {
    StaffMember member;
    std::string secretHash;
};

// Whether an account is still as a sign-in attempt saw it (disabled, counters, lock, PIN hash).
bool sameAccount(const StaffAccount& a, const StaffAccount& b);

// A screening's stored flags as the policy decides on them.
std::vector<screening::FlagStatus> flagStatuses(const std::vector<StoredFlag>& stored);

// What a sign-in attempt stores: the counters (when they change) and its audit event.
struct SignInWrite {
    std::string username;                  // as typed (the account's, when it exists)
    std::optional<StaffAccount> expected;  // the account as the policy saw it; nullopt: unknown
    bool setCounters = false;              // store failedAttempts and lockedUntil
    int failedAttempts = 0;
    std::string lockedUntil;               // empty: not locked
    std::string auditActor, auditAction;
    nlohmann::json auditDetail = nlohmann::json::object();
};

class WorkflowStore : public Store {
public:
    explicit WorkflowStore(const StoreOptions& options) : options_(options) {}

    std::int64_t submit(const NewScreening& screening, const Actor& actor) final;
    void setFlagVerdict(std::int64_t id, const std::string& ruleId, FlagVerdict verdict,
                        const std::string& note, const Actor& actor,
                        const std::string& correctedAnswer = "") final;
    void addLab(std::int64_t id, const LabResult& lab, const Actor& actor) final;
    std::int64_t saveImplant(std::int64_t id, const ImplantRecord& implant, const Actor& actor) final;
    ScreeningState transitionSigned(std::int64_t id, const TransitionRequest& request,
                                    const StaffSignature& signature) final;
    ScreeningState transition(std::int64_t id, const TransitionRequest& request) final;
    std::int64_t amend(std::int64_t id, const NewScreening& corrected, const Actor& actor) final;
    void addStaff(const std::string& username, const std::string& displayName, Role role,
                  const std::string& secret, const Actor& by) final;
    void disableStaff(const std::string& username, const Actor& by) final;
    void resetSecret(const std::string& username, const std::string& secret, const Actor& by) final;
    SignIn signIn(const std::string& username, const std::string& secret) final;
    void keepFormDocument(const std::string& sha256, const std::string& kind, const std::string& text) final;
    void setContrastPlanned(std::int64_t id, const std::string& planned, const Actor& actor) final;
    void refreshFlags(std::int64_t id, const std::vector<screening::Flag>& flags, const Actor& actor) final;
    void decideContrast(std::int64_t id, const ContrastDecision& decision, const StaffSignature& signature,
                        const Actor& actor) final;
    void linkProcedure(std::int64_t id, const ProcedureLink& link, const Actor& actor) final;
    // Records (workflow_records.cpp): the SHA-256 check of every read and the refusals are here, so
    // a backend only keeps bytes and cannot give out bytes that were changed.
    FiledRecord addRecordPdf(std::int64_t id, int version, const std::string& pdf, const Actor& actor,
                             const std::string& contentSha256 = "") final;
    std::string recordPdf(std::int64_t id, int version) final;
    void purgeRecord(std::int64_t id, int version, const Actor& actor) final;

protected:
    const StoreOptions& options() const { return options_; }

    // [SECTION] storage primitives: no refusals of the workflow, only what is stored. Every
    // `expected` is the facts the policy decided on; the write re-reads them in its transaction
    // and throws FactsChanged when they differ. Each write appends its audit event(s) in the same
    // transaction.
    virtual std::optional<screening::ScreeningFacts> readFacts(std::int64_t id) = 0;
    // The submission (form texts already checked) as a new submitted screening; returns its id.
    // A submissionKey already stored: nothing is written (no audit event), the stored id returned;
    // the key's unique index settles two writers racing with the same key.
    virtual std::int64_t insertSubmission(const NewScreening& s, const Actor& actor) = 0;
    virtual void insertLab(std::int64_t id, const screening::ScreeningFacts& expected, const LabResult& lab,
                           const Actor& actor) = 0;
    // Inserts (id 0) or updates the implant; nullopt when the screening has no implant of that id.
    virtual std::optional<std::int64_t> writeImplant(std::int64_t id, const screening::ScreeningFacts& expected,
                                                     const ImplantRecord& implant, const Actor& actor) = 0;
    // The new state with its reviewer or decision row, and the signature when one is given.
    virtual void writeTransition(std::int64_t id, const screening::ScreeningFacts& expected,
                                 const TransitionRequest& request, ScreeningState next,
                                 const std::optional<StaffSignature>& signature) = 0;
    // false when the screening has no flag `ruleId`.
    virtual bool writeFlagVerdict(std::int64_t id, const screening::ScreeningFacts& expected,
                                  const std::string& ruleId, FlagVerdict verdict, const std::string& note,
                                  const Actor& actor, const std::string& correctedAnswer) = 0;
    // The original becomes amended and the correction a new submitted screening; returns its id.
    virtual std::int64_t writeAmendment(std::int64_t id, const screening::ScreeningFacts& expected,
                                        const NewScreening& corrected, const Actor& actor) = 0;
    virtual std::optional<StaffAccount> readStaffAccount(const std::string& username) = 0;
    // false when the username is taken.
    virtual bool insertStaff(const std::string& username, const std::string& displayName, Role role,
                             const std::string& secretHash, const Actor& by) = 0;
    // false when there is no such account.
    virtual bool writeStaffDisabled(const std::string& username, const Actor& by) = 0;
    virtual bool writeStaffSecret(const std::string& username, const std::string& secretHash, const Actor& by) = 0;
    // false (nothing written) when the account is no longer as `attempt.expected` saw it.
    virtual bool writeSignIn(const SignInWrite& attempt) = 0;
    // Idempotent: a text already kept under its sha256 is not stored again.
    virtual void writeFormDocument(const std::string& sha256, const std::string& kind, const std::string& url,
                                   const std::string& version, const std::string& text) = 0;
    virtual void writeContrastPlanned(std::int64_t id, const screening::ScreeningFacts& expected,
                                      const std::string& planned, const Actor& actor) = 0;
    virtual void writeFlags(std::int64_t id, const screening::ScreeningFacts& expected,
                            const std::vector<screening::Flag>& flags, const Actor& actor) = 0;
    virtual void writeContrastDecision(std::int64_t id, const screening::ScreeningFacts& expected,
                                       const ContrastDecision& decision, const StaffSignature& signature,
                                       const Actor& actor) = 0;
    virtual std::optional<ProcedureLink> readProcedureLink(std::int64_t id) = 0;
    virtual void writeProcedureLink(std::int64_t id, const screening::ScreeningFacts& expected,
                                    const ProcedureLink& link, const Actor& actor) = 0;

    // [SECTION] record bytes (the backend keeps them; this layer checks them)
    // Keeps `pdf` as record `version` of screening `id` and writes its row (`sha256` is the bytes'),
    // its outbox items (options().outboxDestinations) and "record.written" in one transaction:
    // either all of it or nothing, bytes included. Throws StoreError Conflict when the version is
    // filed already (checked inside the transaction, before any bytes are touched).
    virtual FiledRecord writeRecord(std::int64_t id, int version, const std::string& pdf, const std::string& sha256,
                                    const std::string& contentSha256, const Actor& actor) = 0;
    // A record's row and its bytes exactly as kept, unchecked: nullopt when there is no such row;
    // `bytes` nullopt when they are gone (missing file, purged). `where`: for messages.
    struct KeptRecord {
        StoredRecord row;
        std::optional<std::string> bytes;
        std::string where; // "/var/lib/mrscreen/records/screening-4-v1.pdf", "the database"
    };
    virtual std::optional<KeptRecord> readRecordBytes(std::int64_t id, int version) = 0;
    // Deletes the bytes of a record this layer has just read intact, then sets purged_at and
    // appends "record.purged". StoreError when the bytes cannot be deleted (nothing marked); Refused
    // when another process purged it first.
    virtual void deleteRecordBytes(std::int64_t id, int version, const Actor& actor) = 0;

private:
    StoreOptions options_;

    screening::ScreeningFacts requireFacts(std::int64_t id);
    // Reads the facts, runs `write(facts)` (which checks and then writes with them as expected),
    // and starts again when another writer changed them first; a few losses in a row are a Conflict.
    template <typename Write> auto guarded(std::int64_t id, Write&& write);
    void checkFormTexts(const NewScreening& s);
    void checkContrastPlanned(const std::string& planned);
};

} // namespace mrscreen::store
