// The workflow's refusals, checked once for every backend (workflow_policy.h says why a base class).
// Every message here is the one staff see; tests compare them word for word.
#include "store/workflow_policy.h"

#include "store/audit.h"
#include "store/clock.h"
#include "store/staff_secret.h"

#include <algorithm>

namespace mrscreen::store {

using nlohmann::json;
using screening::Action;
using screening::FlagStatus;
using screening::ScreeningFacts;

namespace {

// How many times a change is decided again after another writer got there first, before the
// caller is told to reload.
constexpr int kGuardedAttempts = 5;

bool signedInNurse(const Actor& a) { return a.role == Role::Nurse && !a.username.empty(); }

bool staffWhoPlanContrast(Role r) { return r == Role::Nurse || r == Role::Mrso || r == Role::Radiologist; }

bool staffWhoLink(Role r) {
    return r == Role::Nurse || r == Role::Mrso || r == Role::Radiologist || r == Role::Admin;
}

void requireAdmin(const Actor& by, const std::string& what) {
    if (by.role != Role::Admin)
        throw Refused("only an administrator may " + what);
}

void requireState(std::int64_t id, const ScreeningFacts& f, ScreeningState wanted, const std::string& what) {
    if (f.state != wanted)
        throw Refused("screening " + std::to_string(id) + " is " + screening::stateName(f.state) + "; " + what +
                      " only while it is " + screening::stateName(wanted));
}

void refuseSubmitAndAmend(const TransitionRequest& request) {
    if (request.action == Action::Submit || request.action == Action::Amend)
        throw Refused(std::string("use ") + (request.action == Action::Submit ? "submit" : "amend") +
                      " for this change");
}

const std::string& dummyHash() {
    static const std::string hash = hashSecret("not-a-real-secret");
    return hash;
}

std::string lockedMessage(const std::string& until) {
    return "Too many wrong PINs: this account is locked until " + until.substr(11, 5) +
           " UTC. An administrator can reset the PIN.";
}

} // namespace

FactsChanged::FactsChanged(ChangedMeanwhile change)
    : std::runtime_error("screening " + std::to_string(change.screeningId) + " was changed by " + change.by +
                         " at " + change.at),
      change_(std::move(change)) {}

bool sameFacts(const ScreeningFacts& a, const ScreeningFacts& b) {
    const auto sameFlag = [](const FlagStatus& x, const FlagStatus& y) {
        return x.flagId == y.flagId && x.severity == y.severity && x.verdict == y.verdict && x.note == y.note &&
               x.gate == y.gate;
    };
    return a.state == b.state && a.reviewedBy == b.reviewedBy && a.contrastPlanned == b.contrastPlanned &&
           a.contrastDecided == b.contrastDecided &&
           std::equal(a.flags.begin(), a.flags.end(), b.flags.begin(), b.flags.end(), sameFlag);
}

bool sameAccount(const StaffAccount& a, const StaffAccount& b) {
    return a.member.disabled == b.member.disabled && a.member.failedAttempts == b.member.failedAttempts &&
           a.member.lockedUntil == b.member.lockedUntil && a.secretHash == b.secretHash;
}

std::vector<FlagStatus> flagStatuses(const std::vector<StoredFlag>& stored) {
    std::vector<FlagStatus> out;
    for (const auto& flag : stored)
        out.push_back(FlagStatus{flag.ruleId, flag.severity, flag.status, flag.note,
                                 screening::parseGate(flag.gate).value_or(screening::Gate::ZoneIv)});
    return out;
}

ScreeningFacts WorkflowStore::requireFacts(std::int64_t id) {
    auto f = readFacts(id);
    if (!f)
        throw Refused("there is no screening " + std::to_string(id));
    return std::move(*f);
}

template <typename Write> auto WorkflowStore::guarded(std::int64_t id, Write&& write) {
    for (int attempt = 1;; ++attempt) {
        const ScreeningFacts facts = requireFacts(id);
        try {
            return write(facts);
        } catch (const FactsChanged& changed) {
            if (attempt >= kGuardedAttempts) {
                std::string message = "screening " + std::to_string(id) +
                                      " kept changing while this change was being saved (last by ";
                message += changed.change().by;
                message += " at " + changed.change().at + "); reload it and try again";
                throw StoreError(message, StoreErrorKind::Conflict);
            }
        }
    }
}

// [SECTION] submission and amendment

void WorkflowStore::checkFormTexts(const NewScreening& s) {
    // The same checks keepFormDocument makes, before anything of the submission is stored.
    const auto check = [](const std::string& sha256, const std::string& kind, const std::string& text) {
        const std::string actual = sha256Hex(text);
        if (actual != sha256)
            throw Refused("the " + kind + " text given for form version " + sha256.substr(0, 12) +
                          "… has sha256 " + actual.substr(0, 12) +
                          "…: it is another file, so it is not kept under that name");
    };
    if (!s.formJson.empty())
        check(s.formSha256, "questionnaire", s.formJson);
    if (!s.rulesJson.empty())
        check(s.rulesSha256, "rules", s.rulesJson);
}

void WorkflowStore::checkContrastPlanned(const std::string& planned) {
    if (!screening::parseContrastPlan(planned))
        throw Refused("contrast planned is 'yes', 'no' or 'unknown', not '" + planned + "'");
}

std::int64_t WorkflowStore::submit(const NewScreening& s, const Actor& actor) {
    const auto decision =
        screening::decide({ScreeningState::Draft, "", {}}, {Action::Submit, actor, "", ""}, options_.policy);
    if (!decision.allowed)
        throw Refused(decision.refusal);
    checkFormTexts(s);
    checkContrastPlanned(s.contrastPlanned);
    return insertSubmission(s, actor);
}

std::int64_t WorkflowStore::amend(std::int64_t id, const NewScreening& corrected, const Actor& actor) {
    return guarded(id, [&](const ScreeningFacts& f) {
        const auto result = screening::decide(f, {Action::Amend, actor, "", ""}, options_.policy);
        if (!result.allowed)
            throw Refused("screening " + std::to_string(id) + ": " + result.refusal);
        checkFormTexts(corrected);
        checkContrastPlanned(corrected.contrastPlanned);
        return writeAmendment(id, f, corrected, actor);
    });
}

void WorkflowStore::keepFormDocument(const std::string& sha256, const std::string& kind, const std::string& text) {
    if (kind != "questionnaire" && kind != "rules")
        throw Refused("a form document is a 'questionnaire' or 'rules' file, not '" + kind + "'");
    const std::string actual = sha256Hex(text);
    if (actual != sha256)
        throw Refused("the " + kind + " text given for form version " + sha256.substr(0, 12) + "… has sha256 " +
                      actual.substr(0, 12) + "…: it is another file, so it is not kept under that name");
    // The form's identity, for people reading the table; the sha256 is what counts.
    const json j = json::parse(text, nullptr, false);
    std::string url, version;
    if (j.is_object()) {
        const char* urlKey = kind == "rules" ? "questionnaire" : "url";
        if (j.contains(urlKey) && j[urlKey].is_string())
            url = j[urlKey].get<std::string>();
        if (j.contains("version") && j["version"].is_string())
            version = j["version"].get<std::string>();
    }
    writeFormDocument(sha256, kind, url, version, text);
}

// [SECTION] review: labs, implants, flag verdicts

void WorkflowStore::addLab(std::int64_t id, const LabResult& lab, const Actor& actor) {
    if (!signedInNurse(actor))
        throw Refused("only a signed-in nurse (Level 2 reviewer) enters labs");
    if (lab.kind != "creatinine")
        throw Refused("the only lab the kiosk takes is serum creatinine");
    if (lab.unit != "mg/dL" && lab.unit != "umol/L")
        throw Refused("creatinine is entered in mg/dL or umol/L");
    if (!(lab.value > 0))
        throw Refused("a creatinine value must be a positive number");
    if (!lab.takenOn.empty() && !screening::isFullDate(lab.takenOn))
        throw Refused("the date the sample was drawn must be a real date (YYYY-MM-DD)");
    guarded(id, [&](const ScreeningFacts& f) {
        requireState(id, f, ScreeningState::Submitted, "labs are entered");
        insertLab(id, f, lab, actor);
    });
}

std::int64_t WorkflowStore::saveImplant(std::int64_t id, const ImplantRecord& implant, const Actor& actor) {
    if (!signedInNurse(actor))
        throw Refused("only a signed-in nurse (Level 2 reviewer) records implants");
    if (implant.type.empty())
        throw Refused("say what the implant is (for example 'pacemaker')");
    if (!implant.implantedOn.empty() && !screening::isFhirDate(implant.implantedOn))
        throw Refused("the implant date must be a year, year-month or full date (2019, 2019-04, 2019-04-23)");
    for (double t : implant.conditions.fieldStrengthsT)
        if (!(t > 0 && t <= 11.7))
            throw Refused("a field strength must be between 0 and 11.7 T");
    return guarded(id, [&](const ScreeningFacts& f) {
        requireState(id, f, ScreeningState::Submitted, "implants are recorded");
        const auto saved = writeImplant(id, f, implant, actor);
        if (!saved)
            throw Refused("screening " + std::to_string(id) + " has no implant " + std::to_string(implant.id));
        return *saved;
    });
}

void WorkflowStore::setFlagVerdict(std::int64_t id, const std::string& ruleId, FlagVerdict verdict,
                                   const std::string& note, const Actor& actor, const std::string& correctedAnswer) {
    if (!signedInNurse(actor))
        throw Refused("only a signed-in nurse (Level 2 reviewer) records verdicts on flags");
    if (verdict == FlagVerdict::Open)
        throw Refused("a verdict must be verified or resolved");
    guarded(id, [&](const ScreeningFacts& f) {
        if (f.state != ScreeningState::Submitted) {
            // A contrast flag raised again after review (contrast planned changed) still gets its
            // verdict, until the contrast part is signed.
            const auto flag =
                std::find_if(f.flags.begin(), f.flags.end(), [&](const FlagStatus& x) { return x.flagId == ruleId; });
            const bool contrastAfterReview = f.state == ScreeningState::Reviewed && !f.contrastDecided &&
                                             flag != f.flags.end() && flag->gate == screening::Gate::Contrast;
            if (!contrastAfterReview)
                throw Refused("screening " + std::to_string(id) + " is " + screening::stateName(f.state) +
                              "; flags are reviewed only while it is submitted (contrast flags also while it is "
                              "reviewed and the contrast part is not signed)");
        }
        if (!writeFlagVerdict(id, f, ruleId, verdict, note, actor, correctedAnswer))
            throw Refused("screening " + std::to_string(id) + " has no flag '" + ruleId + "'");
    });
}

void WorkflowStore::refreshFlags(std::int64_t id, const std::vector<screening::Flag>& flags, const Actor& actor) {
    guarded(id, [&](const ScreeningFacts& f) {
        if (f.state != ScreeningState::Submitted && f.state != ScreeningState::Reviewed)
            throw Refused("screening " + std::to_string(id) + " is " + screening::stateName(f.state) +
                          "; its flags are raised again only while it is submitted or reviewed");
        writeFlags(id, f, flags, actor);
    });
}

// [SECTION] review and decision

ScreeningState WorkflowStore::transition(std::int64_t id, const TransitionRequest& request) {
    refuseSubmitAndAmend(request);
    return guarded(id, [&](const ScreeningFacts& f) {
        const auto result = screening::decide(f, request, options_.policy);
        if (!result.allowed)
            throw Refused("screening " + std::to_string(id) + ": " + result.refusal);
        writeTransition(id, f, request, result.next, std::nullopt);
        return result.next;
    });
}

ScreeningState WorkflowStore::transitionSigned(std::int64_t id, const TransitionRequest& request,
                                               const StaffSignature& signature) {
    if (signature.strokesJson.empty() || signature.signerName.empty())
        throw Refused("a review or a decision must be signed on the signature pad");
    if (signature.purpose != "review" && signature.purpose != "decision")
        throw Refused("a staff signature is for a review or a decision");
    refuseSubmitAndAmend(request);
    return guarded(id, [&](const ScreeningFacts& f) {
        const auto result = screening::decide(f, request, options_.policy);
        if (!result.allowed)
            throw Refused("screening " + std::to_string(id) + ": " + result.refusal);
        writeTransition(id, f, request, result.next, signature);
        return result.next;
    });
}

// [SECTION] contrast

void WorkflowStore::setContrastPlanned(std::int64_t id, const std::string& planned, const Actor& actor) {
    if (!staffWhoPlanContrast(actor.role) || actor.username.empty())
        throw Refused("only a signed-in nurse, MRSO or radiologist says whether contrast is planned");
    if (!screening::parseContrastPlan(planned))
        throw Refused("contrast planned is 'yes', 'no' or 'unknown' (unknown counts as planned), not '" + planned +
                      "'");
    guarded(id, [&](const ScreeningFacts& f) {
        if (f.state != ScreeningState::Submitted && f.state != ScreeningState::Reviewed)
            throw Refused("screening " + std::to_string(id) + " is " + screening::stateName(f.state) +
                          "; whether contrast is planned is set only while it is submitted or reviewed");
        if (f.contrastDecided)
            throw Refused("screening " + std::to_string(id) +
                          ": the contrast part of the decision is signed already; amend the screening "
                          "to change it");
        writeContrastPlanned(id, f, planned, actor);
    });
}

void WorkflowStore::decideContrast(std::int64_t id, const ContrastDecision& decision, const StaffSignature& signature,
                                   const Actor& actor) {
    if (signature.strokesJson.empty() || signature.signerName.empty())
        throw Refused("the contrast decision must be signed on the signature pad");
    if (signature.purpose != "contrast")
        throw Refused("the signature of the contrast decision has purpose 'contrast', not '" + signature.purpose +
                      "'");
    const auto outcome = screening::parseContrastOutcome(decision.outcome);
    if (!outcome)
        throw Refused("a contrast decision is cleared, cleared_with_conditions, not_cleared or not_planned, not '" +
                      decision.outcome + "'");
    guarded(id, [&](const ScreeningFacts& f) {
        const auto refusal = screening::decideContrast(
            f, screening::ContrastRequest{*outcome, actor, decision.conditions, decision.reason}, options_.policy);
        if (refusal)
            throw Refused("screening " + std::to_string(id) + ": " + *refusal);
        writeContrastDecision(id, f, decision, signature, actor);
    });
}

// [SECTION] the scheduled exam

void WorkflowStore::linkProcedure(std::int64_t id, const ProcedureLink& link, const Actor& actor) {
    if (!staffWhoLink(actor.role) || actor.username.empty())
        throw Refused("only a signed-in nurse, MRSO or radiologist (or the administrator, from the command line) "
                      "links a screening to a scheduled exam");
    if (link.patientId.empty() && link.accessionNumber.empty())
        throw Refused("the scheduled exam has neither a patient ID nor an accession number; it cannot be "
                      "linked (check the worklist entry)");
    guarded(id, [&](const ScreeningFacts& f) {
        if (f.state == ScreeningState::Amended || f.state == ScreeningState::Abandoned ||
            f.state == ScreeningState::Draft)
            throw Refused("screening " + std::to_string(id) + " is " + screening::stateName(f.state) +
                          "; only a submitted, reviewed or decided screening is linked to a scheduled exam");
        if (const auto old = readProcedureLink(id))
            if (old->accessionNumber == link.accessionNumber && old->patientId == link.patientId &&
                old->studyInstanceUid == link.studyInstanceUid)
                throw Refused("screening " + std::to_string(id) + " is already linked to accession " +
                              link.accessionNumber);
        writeProcedureLink(id, f, link, actor);
    });
}

// [SECTION] staff and sign-in

void WorkflowStore::addStaff(const std::string& username, const std::string& displayName, Role role,
                             const std::string& secret, const Actor& by) {
    requireAdmin(by, "add staff");
    if (role == Role::Patient)
        throw Refused("staff roles are nurse, mrso and admin");
    if (username.empty() || username.find_first_of(" \t\n") != std::string::npos)
        throw Refused("a username must be one word, like 'jsmith'");
    if (displayName.empty())
        throw Refused("give the staff member's name as it should appear on records");
    const std::string hash = hashSecret(secret);
    if (!insertStaff(username, displayName, role, hash, by))
        throw Refused("the username '" + username + "' is taken");
}

void WorkflowStore::disableStaff(const std::string& username, const Actor& by) {
    requireAdmin(by, "disable staff");
    if (!writeStaffDisabled(username, by))
        throw Refused("there is no staff member '" + username + "'");
}

void WorkflowStore::resetSecret(const std::string& username, const std::string& secret, const Actor& by) {
    requireAdmin(by, "reset a PIN");
    const std::string hash = hashSecret(secret);
    if (!writeStaffSecret(username, hash, by))
        throw Refused("there is no staff member '" + username + "'");
}

SignIn WorkflowStore::signIn(const std::string& username, const std::string& secret) {
    for (int attempt = 1;; ++attempt) {
        const auto account = readStaffAccount(username);
        // Hash even for an unknown name, so timing does not reveal which usernames exist.
        const bool match = account ? verifySecret(account->secretHash, secret)
                                   : (verifySecret(dummyHash(), secret), false);
        const std::string now = nowUtc();
        SignInWrite w;
        w.username = username;
        w.expected = account;
        w.auditActor = username;
        w.auditAction = "staff.sign_in_failed";
        SignIn outcome;
        if (!account) {
            // What was typed may be a PIN in the wrong field: the permanent trail keeps only a digest.
            w.auditActor = "unknown:" + sha256Hex(username).substr(0, 12);
            w.auditDetail = json{{"reason", "unknown user"}};
            outcome = {SignInOutcome::UnknownUser, std::nullopt, "Wrong username or PIN."};
        } else if (account->member.disabled) {
            w.auditDetail = json{{"reason", "disabled"}};
            outcome = {SignInOutcome::Disabled, std::nullopt,
                       "This account is disabled. Ask an administrator to enable a new account."};
        } else if (!account->member.lockedUntil.empty() && account->member.lockedUntil > now) {
            w.auditDetail = json{{"reason", "locked"}};
            outcome = {SignInOutcome::Locked, std::nullopt, lockedMessage(account->member.lockedUntil)};
        } else if (!match) {
            const int attempts = account->member.failedAttempts + 1;
            const bool lock = attempts >= options_.lockoutAttempts;
            const std::string until = lock ? addSeconds(now, options_.lockoutSeconds) : "";
            w.setCounters = true;
            w.failedAttempts = lock ? 0 : attempts;
            w.lockedUntil = until;
            w.auditAction = lock ? "staff.locked" : "staff.sign_in_failed";
            w.auditDetail = json{{"reason", "wrong secret"}, {"attempts", attempts}};
            // The same words as for an unknown username, so the screen does not reveal which exist.
            outcome = lock ? SignIn{SignInOutcome::Locked, std::nullopt, lockedMessage(until)}
                           : SignIn{SignInOutcome::WrongSecret, std::nullopt, "Wrong username or PIN."};
        } else {
            w.setCounters = true;
            w.auditAction = "staff.signed_in";
            StaffMember member = account->member;
            member.failedAttempts = 0;
            member.lockedUntil.clear();
            outcome = {SignInOutcome::SignedIn, member, "Signed in as " + member.displayName + "."};
        }
        if (writeSignIn(w))
            return outcome;
        if (attempt >= kGuardedAttempts)
            throw StoreError("the account '" + username +
                                 "' kept changing while signing in (another station is using it); try again",
                             StoreErrorKind::Conflict);
    }
}

} // namespace mrscreen::store
