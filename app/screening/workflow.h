// The screening workflow: which state changes a screening may go through, who may make each one,
// and what must be true first. Pure: the store passes in what it read and applies the answer
// inside its transaction (with one audit event per transition).
#pragma once

#include "screening/rules.h"

#include <optional>
#include <string>
#include <vector>

namespace mrscreen::screening {

// Rules decide() enforces, checked in this order (the first that fails is the refusal):
// - Only these moves exist: draft -> submitted | abandoned; submitted -> reviewed;
//   reviewed -> cleared | cleared_with_conditions | not_cleared; decided -> amended.
// - Abandoned and amended are final; a decided screening changes only by amendment.
// - Submit: patient session (kiosk), or nurse/admin (a response completed elsewhere, imported).
// - Abandon: patient session (idle timeout) or nurse.
// - Review: nurse only.
// - Clear, clear with conditions, not clear: a role in WorkflowPolicy::signerRoles only.
// - Amend: nurse, MRSO or admin; the store writes a new version and never changes this one.
// - Every staff action needs the staff member's username (the audit names who did it).
// - Review is refused while any stop or review flag is Open; the refusal lists their ids.
// - With signerMustDifferFromReviewer, the signer is not reviewedBy (case-insensitive; a missing
//   reviewer is refused, since the rule cannot then be checked).
// - Clear with conditions needs conditions; clear and not clear refuse conditions (they would be
// lost).
// - Clearing while a stop flag is not Resolved needs an override reason: the signer takes
// responsibility.
// - Not clear needs no reason but accepts one.
// Blank text (only whitespace) counts as empty.

enum class ScreeningState {
    Draft,
    Submitted,
    Reviewed,
    Cleared,
    ClearedWithConditions,
    NotCleared,
    Abandoned,
    Amended
};
// "draft", "submitted", "reviewed", "cleared", "cleared_with_conditions", "not_cleared",
// "abandoned", "amended"
const char* stateName(ScreeningState state);
std::optional<ScreeningState> parseState(const std::string& text);
bool isDecided(ScreeningState state); // cleared, cleared_with_conditions or not_cleared
bool isFinal(ScreeningState state);   // abandoned or amended: no action leaves it

// patient = the kiosk's patient session; nurse = Level 2 reviewer; mrso = authorised signer;
// radiologist = signs the contrast part of the decision (with the MRSO by default).
enum class Role { Patient, Nurse, Mrso, Admin, Radiologist };
const char* roleName(Role role); // "patient", "nurse", "mrso", "admin", "radiologist"
std::optional<Role> parseRole(const std::string& text);

enum class Action { Submit, Abandon, Review, Clear, ClearWithConditions, NotClear, Amend };
// "submit", "abandon", "review", "clear", "clear_with_conditions", "not_clear", "amend"
const char* actionName(Action action);
std::optional<Action> parseAction(const std::string& text);

// The reviewer's verdict on one flag. Verified: confirmed with the patient, it still applies.
// Resolved: it does not apply after review (e.g. the implant was removed).
enum class FlagVerdict { Open, Verified, Resolved };
const char* verdictName(FlagVerdict verdict); // "open", "verified", "resolved"
std::optional<FlagVerdict> parseVerdict(const std::string& text);

struct FlagStatus {
    std::string flagId;
    Severity severity = Severity::Review;
    FlagVerdict verdict = FlagVerdict::Open;
    std::string note; // what the reviewer checked or was told
    Gate gate = Gate::ZoneIv;
};

// Site policy (DOMAIN.md: which role may clear is site policy, default MRSO).
struct WorkflowPolicy {
    std::vector<Role> signerRoles = {Role::Mrso};
    bool signerMustDifferFromReviewer = true;
    // Who signs the contrast part of the decision (site policy).
    std::vector<Role> contrastSignerRoles = {Role::Mrso, Role::Radiologist};
};

struct Actor {
    std::string username; // may be empty for the patient session
    Role role = Role::Patient;
};

// What the store knows about the screening before the transition.
struct ScreeningFacts {
    ScreeningState state = ScreeningState::Draft;
    std::string reviewedBy; // username of the nurse who reviewed it; empty before review
    std::vector<FlagStatus> flags;
    ContrastPlan contrastPlanned = ContrastPlan::Unknown;
    bool contrastDecided = false; // the contrast part is signed already
};

struct TransitionRequest {
    Action action = Action::Submit;
    Actor actor;
    std::string overrideReason; // clear despite a stop flag; or why not cleared
    std::string conditions;     // clear with conditions: what must be done before Zone IV
};

// Either the new state, or a refusal a nurse or MRSO can act on. When refused, next is the
// current state.
struct TransitionResult {
    bool allowed = false;
    ScreeningState next = ScreeningState::Draft;
    std::string refusal;
};

TransitionResult decide(const ScreeningFacts& facts, const TransitionRequest& request,
                        const WorkflowPolicy& policy);

// [SECTION] the contrast part of the decision
// Rules decideContrast() enforces, in order: the screening is reviewed or decided (not amended);
// the contrast part is not decided yet (a signed part is never replaced: amend instead); the role
// is in WorkflowPolicy::contrastSignerRoles; a username; not_planned only when contrast is
// planned "no"; cleared with conditions needs conditions, cleared and not_planned refuse them;
// clearing while a contrast stop flag is not Resolved needs a reason.
enum class ContrastOutcome { Cleared, ClearedWithConditions, NotCleared, NotPlanned };
// "cleared", "cleared_with_conditions", "not_cleared", "not_planned"
const char* contrastOutcomeName(ContrastOutcome outcome);
std::optional<ContrastOutcome> parseContrastOutcome(const std::string& text);

struct ContrastRequest {
    ContrastOutcome outcome = ContrastOutcome::NotCleared;
    Actor actor;
    std::string conditions; // e.g. "group II agent only", "premedication"
    std::string reason;     // why cleared over a contrast stop, or why not cleared
};

// Empty when allowed, else the refusal.
std::optional<std::string> decideContrast(const ScreeningFacts& facts, const ContrastRequest& request,
                                          const WorkflowPolicy& policy);

// The actions that exist from a state, whoever asks (empty for final states).
std::vector<Action> actionsFrom(ScreeningState state);

// The roles that may take an action under the policy.
std::vector<Role> rolesFor(Action action, const WorkflowPolicy& policy);

} // namespace mrscreen::screening
