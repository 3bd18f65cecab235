// The audit events of every store write, decided once for every backend (audit_events.h).
#include "store/audit_events.h"

#include "store/sqlite_store_impl.h"

#include <algorithm>

namespace mrscreen::store::detail {

using nlohmann::json;

AuditEvent chainNext(const std::optional<AuditHead>& head, const NewAuditEvent& event,
                     const std::string& at) {
    AuditEvent e;
    e.seq = head ? head->seq + 1 : 1;
    e.prevHash = head ? head->hash : kGenesisHash;
    e.at = at;
    e.actor = event.actor;
    e.action = event.action;
    e.screeningId = event.screeningId;
    e.detailJson = event.detail.dump();
    e.hash = chainHash(e.prevHash, e);
    return e;
}

bool TrailCheck::add(const AuditEvent& e) {
    if (!chain_.add(e))
        return false;
    replay_.add(e);
    return true;
}

AuditCheck TrailCheck::finish(const std::optional<AuditHead>& head,
                              const std::function<AuditedRows()>& rows,
                              const std::function<std::int64_t()>& recordCount) {
    AuditCheck check =
        head ? chain_.finish(head->seq, head->hash) : chain_.finish(std::nullopt, "");
    if (!check.intact)
        return check;
    if (check.rows > 0)
        check.head = AuditHead{chain_.lastSeq(), chain_.lastHash()};
    const AuditedRows audited = rows();
    if (check.rows == 0) {
        const std::int64_t records = recordCount();
        if (!audited.screenings.empty() || !audited.staff.empty() || records > 0) {
            check.intact = false;
            check.kind = "empty";
            check.problem =
                "the audit trail is empty and its head is missing, but the database holds " +
                std::to_string(audited.screenings.size()) + " screening(s), " +
                std::to_string(audited.staff.size()) + " staff account(s) and " +
                std::to_string(records) + " record(s): the trail was deleted";
            return check;
        }
    }
    check.mismatches = replay_.compare(audited);
    if (!check.mismatches.empty()) {
        check.intact = false;
        check.kind = "rows";
        check.problem = check.mismatches.front();
    }
    return check;
}

namespace events {

NewAuditEvent submitted(const Actor& actor, std::int64_t id, const NewScreening& s) {
    return {actorName(actor),
            "screening.submitted",
            id,
            {{"origin", s.origin},
             {"flags", s.flags.size()},
             {"flagList", flagList(s.flags)},
             {"contrastPlanned", s.contrastPlanned},
             {"form", s.formUrl + "|" + s.formVersion}}};
}

NewAuditEvent amended(const Actor& actor, std::int64_t id, std::int64_t newId) {
    return {actorName(actor), "screening.amended", id, {{"replacedBy", newId}}};
}

NewAuditEvent amendmentSubmitted(const Actor& actor, std::int64_t id, std::int64_t newId,
                                 const NewScreening& s) {
    return {actorName(actor),
            "screening.submitted",
            newId,
            {{"origin", "amendment"},
             {"amends", id},
             {"flagList", flagList(s.flags)},
             {"contrastPlanned", s.contrastPlanned}}};
}

NewAuditEvent linkCarried(const Actor& actor, std::int64_t from, std::int64_t newId,
                          const ProcedureLink& link) {
    return {actorName(actor),
            "procedure.linked",
            newId,
            {{"accession", link.accessionNumber}, {"patientId", link.patientId}, {"from", from}}};
}

NewAuditEvent procedureLinked(const Actor& actor, std::int64_t id, const ProcedureLink& link,
                              const std::optional<ProcedureLink>& replaced) {
    json detail = linkToJson(link);
    if (replaced)
        detail["replaces"] = linkToJson(*replaced);
    return {actor.username, "procedure.linked", id, detail};
}

NewAuditEvent labAdded(const Actor& actor, std::int64_t id, const LabResult& lab) {
    return {
        actor.username,
        "lab.added",
        id,
        {{"kind", lab.kind}, {"value", lab.value}, {"unit", lab.unit}, {"takenOn", lab.takenOn}}};
}

NewAuditEvent implantSaved(const Actor& actor, std::int64_t id, std::int64_t implantId,
                           const ImplantRecord& implant, const std::string& conditionsJson) {
    return {actor.username,
            implant.id == 0 ? "implant.added" : "implant.changed",
            id,
            {{"implant", implantId},
             {"type", implant.type},
             {"mrStatus", screening::mrStatusName(implant.mrStatus)},
             {"conditions", json::parse(conditionsJson)},
             {"check", implant.checkResult}}};
}

NewAuditEvent transitioned(const TransitionRequest& request, std::int64_t id, ScreeningState next) {
    json detail = {{"to", screening::stateName(next)}};
    if (!request.conditions.empty())
        detail["conditions"] = request.conditions;
    if (!request.overrideReason.empty())
        detail["reason"] = request.overrideReason;
    return {actorName(request.actor), std::string("screening.") + screening::stateName(next), id,
            detail};
}

NewAuditEvent signature(const Actor& actor, std::int64_t id, const std::string& purpose,
                        const std::string& signerName, const std::string& strokesJson) {
    return {actorName(actor),
            "signature." + purpose,
            id,
            {{"signer", signerName}, {"strokesSha256", sha256Hex(strokesJson)}}};
}

NewAuditEvent flagVerdict(const Actor& actor, std::int64_t id, const std::string& ruleId,
                          FlagVerdict verdict, const std::string& note,
                          const std::string& correctedAnswer) {
    json detail{{"flag", ruleId}, {"note", note}};
    if (!correctedAnswer.empty())
        detail["correctedAnswer"] = correctedAnswer;
    return {actor.username, std::string("flag.") + screening::verdictName(verdict), id, detail};
}

NewAuditEvent contrastPlanned(const Actor& actor, std::int64_t id, const std::string& planned,
                              const screening::ScreeningFacts& before) {
    return {actor.username,
            "contrast.planned",
            id,
            {{"planned", planned}, {"was", screening::contrastPlanName(before.contrastPlanned)}}};
}

NewAuditEvent contrastDecided(const Actor& actor, std::int64_t id, const ContrastDecision& decision,
                              const screening::ScreeningFacts& before) {
    json detail{{"outcome", decision.outcome},
                {"contrastPlanned", screening::contrastPlanName(before.contrastPlanned)}};
    if (!decision.conditions.empty())
        detail["conditions"] = decision.conditions;
    if (!decision.reason.empty())
        detail["reason"] = decision.reason;
    return {actor.username, "contrast." + decision.outcome, id, detail};
}

NewAuditEvent staffAdded(const Actor& by, const std::string& username,
                         const std::string& displayName, Role role, const std::string& secretHash) {
    return {actorName(by),
            "staff.added",
            std::nullopt,
            {{"username", username},
             {"name", displayName},
             {"role", screening::roleName(role)},
             {"secretSha256", sha256Hex(secretHash)}}};
}

NewAuditEvent staffDisabled(const Actor& by, const std::string& username) {
    return {actorName(by), "staff.disabled", std::nullopt, {{"username", username}}};
}

NewAuditEvent secretReset(const Actor& by, const std::string& username,
                          const std::string& secretHash) {
    return {actorName(by),
            "staff.pin_reset",
            std::nullopt,
            {{"username", username}, {"secretSha256", sha256Hex(secretHash)}}};
}

NewAuditEvent staffBaseline(const std::string& username, const std::string& secretHash) {
    return {"system",
            "staff.baseline",
            std::nullopt,
            {{"username", username}, {"secretSha256", sha256Hex(secretHash)}}};
}

NewAuditEvent recordWritten(const Actor& actor, std::int64_t id, int version,
                            const std::string& sha256) {
    return {actorName(actor), "record.written", id, {{"version", version}, {"sha256", sha256}}};
}

NewAuditEvent recordPurged(const Actor& actor, std::int64_t id, int version) {
    return {actorName(actor), "record.purged", id, {{"version", version}}};
}

NewAuditEvent recordExported(const Actor& actor, std::int64_t id, const std::string& format,
                             const std::string& destination) {
    return {actorName(actor), "record.exported", id, {{"format", format}, {"to", destination}}};
}

NewAuditEvent outboxSent(const Actor& actor, const OutboxItem& item, const std::string& detail) {
    return {actorName(actor),
            "outbox.sent",
            item.screeningId,
            {{"item", item.id},
             {"version", item.recordVersion},
             {"destination", item.destination},
             {"sopInstanceUid", item.sopInstanceUid},
             {"detail", detail}}};
}

NewAuditEvent outboxFailed(const Actor& actor, const OutboxItem& item, const std::string& error,
                           const std::string& nextAttemptAtIso) {
    return {actorName(actor),
            "outbox.failed",
            item.screeningId,
            {{"item", item.id},
             {"version", item.recordVersion},
             {"destination", item.destination},
             {"attempt", item.attempts + 1},
             {"error", error},
             {"nextAttemptAt", nextAttemptAtIso}}};
}

NewAuditEvent outboxRetry(const Actor& actor, const OutboxItem& item) {
    return {
        actorName(actor),
        "outbox.retry",
        item.screeningId,
        {{"item", item.id}, {"version", item.recordVersion}, {"destination", item.destination}}};
}

} // namespace events

namespace {

int rank(Severity s) {
    return s == Severity::Stop ? 2 : s == Severity::Review ? 1 : 0;
}

} // namespace

FlagRefresh planFlagRefresh(const Actor& actor, std::int64_t id,
                            const std::vector<StoredFlag>& stored,
                            const std::vector<screening::Flag>& flags) {
    FlagRefresh plan;
    json raised = json::array(), reopened = json::array(), changed = json::array();
    for (const auto& f : flags) {
        const std::string triggers = screening::triggersToJson(f.triggers).dump();
        const auto old = std::find_if(stored.begin(), stored.end(),
                                      [&](const StoredFlag& s) { return s.ruleId == f.id; });
        if (old == stored.end()) {
            plan.added.push_back(f);
            raised.push_back({{"flag", f.id},
                              {"severity", severityText(f.severity)},
                              {"gate", screening::gateName(f.gate)},
                              {"triggers", json::parse(triggers)}});
            continue;
        }
        if (old->severity == f.severity && old->message == f.message &&
            old->triggersJson == triggers && old->gate == screening::gateName(f.gate) &&
            old->category == f.category)
            continue;
        // A flag that now asks more of staff than when its verdict was given needs a new verdict.
        const bool rose = rank(f.severity) > rank(old->severity) && f.severity != Severity::Info;
        const bool reopen = rose && old->status != FlagVerdict::Open;
        plan.changed.push_back({f, reopen});
        json entry{{"flag", f.id},
                   {"from", severityText(old->severity)},
                   {"to", severityText(f.severity)},
                   {"triggers", json::parse(triggers)}};
        if (reopen) {
            entry["previousVerdict"] = screening::verdictName(old->status);
            reopened.push_back(entry);
        } else {
            changed.push_back(entry);
        }
    }
    plan.event = {actorName(actor),
                  "flags.raised",
                  id,
                  {{"raised", raised}, {"reopened", reopened}, {"changed", changed}}};
    return plan;
}

} // namespace mrscreen::store::detail
