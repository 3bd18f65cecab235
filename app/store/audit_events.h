// The audit events of every store write, decided in one place: each event's actor, action and
// detail, how it is chained onto the trail's head, and how a whole trail is judged. A backend only
// stores what it is handed, so the SQLite and PostgreSQL trails are the same text, hashed the same
// way and checked by the same verifier. Internal to app/store.
#pragma once

#include "store/audit.h"
#include "store/audit_crosscheck.h"
#include "store/store.h"

#include <nlohmann/json.hpp>

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

namespace mrscreen::store::detail {

// An event on its way into the trail: the backend adds seq, time and hashes (chainNext).
struct NewAuditEvent {
    std::string actor;
    std::string action;
    std::optional<std::int64_t> screeningId;
    nlohmann::json detail = nlohmann::json::object();
};

// The next link of the chain after `head` (nullopt: the trail is empty), stamped `at`.
AuditEvent chainNext(const std::optional<AuditHead>& head, const NewAuditEvent& event,
                     const std::string& at);

// A whole trail judged one event at a time, as a store reads it (a department's half a million
// events are never held at once): add() each in seq order while it returns true, then finish():
// the chain against its head, then (when the trail is empty) whether rows exist that the trail
// should speak for, then the rows against the events (crossCheck). `rows` and `recordCount` are
// read only when the chain is intact.
class TrailCheck {
public:
    bool add(const AuditEvent& e);
    AuditCheck finish(const std::optional<AuditHead>& head,
                      const std::function<AuditedRows()>& rows,
                      const std::function<std::int64_t()>& recordCount);

private:
    ChainWalk chain_;
    TrailReplay replay_;
};

namespace events {

NewAuditEvent submitted(const Actor& actor, std::int64_t id, const NewScreening& s);
// The original screening replaced by its correction `newId`, and the correction's own submission.
NewAuditEvent amended(const Actor& actor, std::int64_t id, std::int64_t newId);
NewAuditEvent amendmentSubmitted(const Actor& actor, std::int64_t id, std::int64_t newId,
                                 const NewScreening& s);
// The scheduled exam of screening `from` carried over to its correction `newId`.
NewAuditEvent linkCarried(const Actor& actor, std::int64_t from, std::int64_t newId,
                          const ProcedureLink& link);
NewAuditEvent procedureLinked(const Actor& actor, std::int64_t id, const ProcedureLink& link,
                              const std::optional<ProcedureLink>& replaced);
NewAuditEvent labAdded(const Actor& actor, std::int64_t id, const LabResult& lab);
// `conditionsJson`: the implant's MR conditions as stored (SqliteStore::conditionsToJson).
NewAuditEvent implantSaved(const Actor& actor, std::int64_t id, std::int64_t implantId,
                           const ImplantRecord& implant, const std::string& conditionsJson);
NewAuditEvent transitioned(const TransitionRequest& request, std::int64_t id, ScreeningState next);
NewAuditEvent signature(const Actor& actor, std::int64_t id, const std::string& purpose,
                        const std::string& signerName, const std::string& strokesJson);
NewAuditEvent flagVerdict(const Actor& actor, std::int64_t id, const std::string& ruleId,
                          FlagVerdict verdict, const std::string& note,
                          const std::string& correctedAnswer);
NewAuditEvent contrastPlanned(const Actor& actor, std::int64_t id, const std::string& planned,
                              const screening::ScreeningFacts& before);
NewAuditEvent contrastDecided(const Actor& actor, std::int64_t id, const ContrastDecision& decision,
                              const screening::ScreeningFacts& before);
NewAuditEvent staffAdded(const Actor& by, const std::string& username,
                         const std::string& displayName, Role role, const std::string& secretHash);
NewAuditEvent staffDisabled(const Actor& by, const std::string& username);
NewAuditEvent secretReset(const Actor& by, const std::string& username,
                          const std::string& secretHash);
// An account made before the trail recorded PIN hashes: its hash at the upgrade is the baseline.
NewAuditEvent staffBaseline(const std::string& username, const std::string& secretHash);
NewAuditEvent recordWritten(const Actor& actor, std::int64_t id, int version,
                            const std::string& sha256);
NewAuditEvent recordPurged(const Actor& actor, std::int64_t id, int version);
NewAuditEvent recordExported(const Actor& actor, std::int64_t id, const std::string& format,
                             const std::string& destination);
NewAuditEvent outboxSent(const Actor& actor, const OutboxItem& item, const std::string& detail);
NewAuditEvent outboxFailed(const Actor& actor, const OutboxItem& item, const std::string& error,
                           const std::string& nextAttemptAtIso);
NewAuditEvent outboxRetry(const Actor& actor, const OutboxItem& item);

} // namespace events

// What re-evaluating a screening changes in its stored flags: flags new to it, flags whose
// severity, wording, triggers, gate or category changed (reopened when the flag now asks more of
// staff than when its verdict was given), and the "flags.raised" event saying so. Empty when
// nothing changed: the backend then writes nothing.
struct FlagRefresh {
    struct Change {
        screening::Flag flag;
        bool reopen = false; // its verdict no longer holds: back to open
    };
    std::vector<screening::Flag> added;
    std::vector<Change> changed;
    NewAuditEvent event;
    bool empty() const { return added.empty() && changed.empty(); }
};
FlagRefresh planFlagRefresh(const Actor& actor, std::int64_t id,
                            const std::vector<StoredFlag>& stored,
                            const std::vector<screening::Flag>& flags);

} // namespace mrscreen::store::detail
