// The SQLite store: form versions kept by content, whether contrast is planned, flags raised again
// when staff add what a rule reads, and the signed contrast part of the decision (the checks are
// in workflow_policy.cpp).
#include "store/audit.h"
#include "store/clock.h"
#include "store/sqlite_store_impl.h"

#include <algorithm>

namespace mrscreen::store::detail {

// [SECTION] form versions

void SqliteStore::writeFormDocument(const std::string& sha256, const std::string& kind,
                                    const std::string& url, const std::string& version,
                                    const std::string& text) {
    db_.prepare(
           "INSERT OR IGNORE INTO form_documents (sha256, kind, url, version, content, stored_at) "
           "VALUES (?, ?, ?, ?, ?, ?)")
        .bind(1, sha256)
        .bind(2, kind)
        .bind(3, url)
        .bind(4, version)
        .bind(5, text)
        .bind(6, nowUtc())
        .run();
}

std::optional<std::string> SqliteStore::formDocument(const std::string& sha256) {
    auto st = db_.prepare("SELECT content FROM form_documents WHERE sha256 = ?");
    if (!st.bind(1, sha256).step())
        return std::nullopt;
    return st.text(0);
}

void SqliteStore::keepFormTexts(const NewScreening& s) {
    if (!s.formJson.empty())
        keepFormDocument(s.formSha256, "questionnaire", s.formJson);
    if (!s.rulesJson.empty())
        keepFormDocument(s.rulesSha256, "rules", s.rulesJson);
}

// [SECTION] contrast planned and re-evaluated flags

void SqliteStore::writeContrastPlanned(std::int64_t id, const ScreeningFacts& expected,
                                       const std::string& planned, const Actor& actor) {
    Transaction tx(db_);
    holdFacts(id, expected);
    const std::string now = nowUtc();
    db_.prepare("UPDATE screenings SET contrast_planned = ?, contrast_planned_by = ?, "
                "contrast_planned_at = ? "
                "WHERE id = ?")
        .bind(1, planned)
        .bind(2, actor.username)
        .bind(3, now)
        .bind(4, id)
        .run();
    appendAudit(events::contrastPlanned(actor, id, planned, expected));
    tx.commit();
}

void SqliteStore::writeFlags(std::int64_t id, const ScreeningFacts& expected,
                             const std::vector<screening::Flag>& flags, const Actor& actor) {
    Transaction tx(db_);
    holdFacts(id, expected);
    if (writeFlagRefresh(id, planFlagRefresh(actor, id, readFlags(id), flags)))
        tx.commit();
}

bool SqliteStore::writeFlagRefresh(std::int64_t id, const FlagRefresh& plan) {
    if (plan.empty())
        return false; // nothing new: no event
    for (const auto& f : plan.added)
        insertFlag(id, f);
    for (const auto& [f, reopen] : plan.changed) {
        const std::string triggers = screening::triggersToJson(f.triggers).dump();
        auto st = db_.prepare(
            "UPDATE flags SET category = ?, severity = ?, message = ?, triggers_json = ?, gate = ? "
            "WHERE screening_id = ? AND rule_id = ?");
        st.bind(1, f.category)
            .bind(2, severityText(f.severity))
            .bind(3, f.message)
            .bind(4, triggers);
        st.bind(5, screening::gateName(f.gate)).bind(6, id).bind(7, f.id).run();
        if (reopen)
            db_.prepare("UPDATE flags SET status = 'open', status_by = NULL, status_at = NULL "
                        "WHERE screening_id = ? AND rule_id = ?")
                .bind(1, id)
                .bind(2, f.id)
                .run();
    }
    appendAudit(plan.event);
    return true;
}

// [SECTION] the contrast part of the decision

void SqliteStore::writeContrastDecision(std::int64_t id, const ScreeningFacts& expected,
                                        const ContrastDecision& decision,
                                        const StaffSignature& signature, const Actor& actor) {
    Transaction tx(db_);
    holdFacts(id, expected);
    const std::string now = nowUtc();
    db_.prepare("INSERT INTO contrast_decisions (screening_id, outcome, conditions, reason, "
                "decided_by, decided_at) "
                "VALUES (?, ?, ?, ?, ?, ?)")
        .bind(1, id)
        .bind(2, decision.outcome)
        .bind(3, decision.conditions)
        .bind(4, decision.reason)
        .bind(5, actor.username)
        .bind(6, now)
        .run();
    db_.prepare("INSERT INTO signatures (screening_id, signer_role, signer_name, strokes_json, "
                "signed_at, purpose) "
                "VALUES (?, ?, ?, ?, ?, 'contrast')")
        .bind(1, id)
        .bind(2, screening::roleName(actor.role))
        .bind(3, signature.signerName)
        .bind(4, signature.strokesJson)
        .bind(5, now)
        .run();
    appendAudit(events::contrastDecided(actor, id, decision, expected));
    appendAudit(
        events::signature(actor, id, "contrast", signature.signerName, signature.strokesJson));
    tx.commit();
}

} // namespace mrscreen::store::detail
