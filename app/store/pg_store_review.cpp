// The PostgreSQL store: form versions kept by content, whether contrast is planned, flags raised
// again, and the signed contrast part of the decision. The same statements as
// sqlite_store_review.cpp.
#include "store/clock.h"
#include "store/pg_store_impl.h"

#include <algorithm>

namespace mrscreen::store::detail {

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
    db_.exec("UPDATE screenings SET contrast_planned = $1, contrast_planned_by = $2, "
             "contrast_planned_at = $3 "
             "WHERE id = $4",
             {planned, actor.username, nowUtc(), id});
    appendAudit(events::contrastPlanned(actor, id, planned, expected));
    tx.commit();
}

void PostgresStore::writeFlags(std::int64_t id, const ScreeningFacts& expected,
                               const std::vector<screening::Flag>& flags, const Actor& actor) {
    pg::Transaction tx(db_);
    holdFacts(id, expected);
    if (writeFlagRefresh(id, planFlagRefresh(actor, id, readFlags(id), flags)))
        tx.commit();
}

bool PostgresStore::writeFlagRefresh(std::int64_t id, const FlagRefresh& plan) {
    if (plan.empty())
        return false; // nothing new: no event
    for (const auto& f : plan.added)
        insertFlag(id, f);
    for (const auto& [f, reopen] : plan.changed) {
        db_.exec("UPDATE flags SET category = $1, severity = $2, message = $3, triggers_json = $4, "
                 "gate = $5 "
                 "WHERE screening_id = $6 AND rule_id = $7",
                 {f.category, severityText(f.severity), f.message,
                  screening::triggersToJson(f.triggers).dump(), screening::gateName(f.gate), id,
                  f.id});
        if (reopen)
            db_.exec("UPDATE flags SET status = 'open', status_by = NULL, status_at = NULL "
                     "WHERE screening_id = $1 AND rule_id = $2",
                     {id, f.id});
    }
    appendAudit(plan.event);
    return true;
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
    appendAudit(events::contrastDecided(actor, id, decision, expected));
    appendAudit(
        events::signature(actor, id, "contrast", signature.signerName, signature.strokesJson));
    tx.commit();
}

} // namespace mrscreen::store::detail
