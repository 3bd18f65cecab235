// The SQLite store: form versions kept by content, whether contrast is planned, flags raised again
// when staff add what a rule reads, and the signed contrast part of the decision (the checks are
// in workflow_policy.cpp).
#include "store/audit.h"
#include "store/clock.h"
#include "store/sqlite_store_impl.h"

#include <algorithm>

namespace mrscreen::store::detail {

namespace {

int rank(Severity s) {
    return s == Severity::Stop ? 2 : s == Severity::Review ? 1 : 0;
}

} // namespace

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
    const ScreeningFacts& f = expected;
    const std::string was = screening::contrastPlanName(f.contrastPlanned);
    const std::string now = nowUtc();
    db_.prepare("UPDATE screenings SET contrast_planned = ?, contrast_planned_by = ?, "
                "contrast_planned_at = ? "
                "WHERE id = ?")
        .bind(1, planned)
        .bind(2, actor.username)
        .bind(3, now)
        .bind(4, id)
        .run();
    appendAudit(actor.username, "contrast.planned", id, json{{"planned", planned}, {"was", was}});
    tx.commit();
}

void SqliteStore::writeFlags(std::int64_t id, const ScreeningFacts& expected,
                             const std::vector<screening::Flag>& flags, const Actor& actor) {
    Transaction tx(db_);
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
        auto st = db_.prepare(
            "UPDATE flags SET category = ?, severity = ?, message = ?, triggers_json = ?, gate = ? "
            "WHERE screening_id = ? AND rule_id = ?");
        st.bind(1, f.category)
            .bind(2, severityText(f.severity))
            .bind(3, f.message)
            .bind(4, triggers);
        st.bind(5, screening::gateName(f.gate)).bind(6, id).bind(7, f.id).run();
        json entry{{"flag", f.id},
                   {"from", severityText(old->severity)},
                   {"to", severityText(f.severity)},
                   {"triggers", json::parse(triggers)}};
        if (rose && old->status != FlagVerdict::Open) {
            db_.prepare("UPDATE flags SET status = 'open', status_by = NULL, status_at = NULL "
                        "WHERE screening_id = ? AND rule_id = ?")
                .bind(1, id)
                .bind(2, f.id)
                .run();
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

void SqliteStore::writeContrastDecision(std::int64_t id, const ScreeningFacts& expected,
                                        const ContrastDecision& decision,
                                        const StaffSignature& signature, const Actor& actor) {
    Transaction tx(db_);
    holdFacts(id, expected);
    const ScreeningFacts& f = expected;
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
    json detail{{"outcome", decision.outcome},
                {"contrastPlanned", screening::contrastPlanName(f.contrastPlanned)}};
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
