// The PostgreSQL store: form versions kept by content, whether contrast is planned, flags raised
// again, and the signed contrast part of the decision. The same statements as
// sqlite_store_review.cpp.
#include "store/clock.h"
#include "store/pg_store_impl.h"

#include <algorithm>

namespace mrscreen::store::detail {

namespace {

int rank(Severity s) {
    return s == Severity::Stop ? 2 : s == Severity::Review ? 1 : 0;
}

} // namespace

// [SECTION] form versions

void PostgresStore::writeFormDocument(const std::string& sha256, const std::string& kind,
                                      const std::string& url, const std::string& version,
                                      const std::string& text) {
    db_.exec("INSERT INTO form_documents (sha256, kind, url, version, content, stored_at) "
             "VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (sha256) DO NOTHING",
             {sha256, kind, url, version, text, nowUtc()});
}

std::optional<std::string> PostgresStore::formDocument(const std::string& sha256) {
    const auto r = db_.exec("SELECT content FROM form_documents WHERE sha256 = $1", {sha256});
    if (r.empty())
        return std::nullopt;
    return r.text(0, 0);
}

void PostgresStore::keepFormTexts(const NewScreening& s) {
    if (!s.formJson.empty())
        keepFormDocument(s.formSha256, "questionnaire", s.formJson);
    if (!s.rulesJson.empty())
        keepFormDocument(s.rulesSha256, "rules", s.rulesJson);
}

// [SECTION] contrast planned and re-evaluated flags

void PostgresStore::writeContrastPlanned(std::int64_t id, const ScreeningFacts& expected,
                                         const std::string& planned, const Actor& actor) {
    pg::Transaction tx(db_);
    holdFacts(id, expected);
    const std::string was = screening::contrastPlanName(expected.contrastPlanned);
    db_.exec("UPDATE screenings SET contrast_planned = $1, contrast_planned_by = $2, "
             "contrast_planned_at = $3 "
             "WHERE id = $4",
             {planned, actor.username, nowUtc(), id});
    appendAudit(actor.username, "contrast.planned", id, json{{"planned", planned}, {"was", was}});
    tx.commit();
}

void PostgresStore::writeFlags(std::int64_t id, const ScreeningFacts& expected,
                               const std::vector<screening::Flag>& flags, const Actor& actor) {
    pg::Transaction tx(db_);
    holdFacts(id, expected);
    const auto stored = readFlags(id);
    json raised = json::array(), reopened = json::array(), changed = json::array();
    for (const auto& f : flags) {
        const std::string triggers = screening::triggersToJson(f.triggers).dump();
        const auto old = std::find_if(stored.begin(), stored.end(),
                                      [&](const StoredFlag& s) { return s.ruleId == f.id; });
        if (old == stored.end()) {
            insertFlag(id, f);
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
        db_.exec("UPDATE flags SET category = $1, severity = $2, message = $3, triggers_json = $4, "
                 "gate = $5 "
                 "WHERE screening_id = $6 AND rule_id = $7",
                 {f.category, severityText(f.severity), f.message, triggers,
                  screening::gateName(f.gate), id, f.id});
        json entry{{"flag", f.id},
                   {"from", severityText(old->severity)},
                   {"to", severityText(f.severity)},
                   {"triggers", json::parse(triggers)}};
        if (rose && old->status != FlagVerdict::Open) {
            db_.exec("UPDATE flags SET status = 'open', status_by = NULL, status_at = NULL "
                     "WHERE screening_id = $1 AND rule_id = $2",
                     {id, f.id});
            entry["previousVerdict"] = screening::verdictName(old->status);
            reopened.push_back(entry);
        } else {
            changed.push_back(entry);
        }
    }
    if (raised.empty() && reopened.empty() && changed.empty())
        return; // nothing new: no event
    appendAudit(actorName(actor), "flags.raised", id,
                json{{"raised", raised}, {"reopened", reopened}, {"changed", changed}});
    tx.commit();
}

// [SECTION] the contrast part of the decision

void PostgresStore::writeContrastDecision(std::int64_t id, const ScreeningFacts& expected,
                                          const ContrastDecision& decision,
                                          const StaffSignature& signature, const Actor& actor) {
    pg::Transaction tx(db_);
    holdFacts(id, expected);
    const std::string now = nowUtc();
    db_.exec("INSERT INTO contrast_decisions (screening_id, outcome, conditions, reason, "
             "decided_by, decided_at) "
             "VALUES ($1, $2, $3, $4, $5, $6)",
             {id, decision.outcome, decision.conditions, decision.reason, actor.username, now});
    db_.exec(
        "INSERT INTO signatures (screening_id, signer_role, signer_name, strokes_json, signed_at, "
        "purpose) "
        "VALUES ($1, $2, $3, $4, $5, 'contrast')",
        {id, screening::roleName(actor.role), signature.signerName, signature.strokesJson, now});
    json detail{{"outcome", decision.outcome},
                {"contrastPlanned", screening::contrastPlanName(expected.contrastPlanned)}};
    if (!decision.conditions.empty())
        detail["conditions"] = decision.conditions;
    if (!decision.reason.empty())
        detail["reason"] = decision.reason;
    appendAudit(actor.username, "contrast." + decision.outcome, id, detail);
    appendAudit(actor.username, "signature.contrast", id,
                json{{"signer", signature.signerName},
                     {"strokesSha256", sha256Hex(signature.strokesJson)}});
    tx.commit();
}

} // namespace mrscreen::store::detail
