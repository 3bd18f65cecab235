// The SQLite store: form versions kept by content, whether contrast is planned, flags raised again
// when staff add what a rule reads, and the signed contrast part of the decision.
#include "store/audit.h"
#include "store/clock.h"
#include "store/sqlite_store_impl.h"

#include <algorithm>

namespace mrscreen::store::detail {

namespace {

int rank(Severity s) {
    return s == Severity::Stop ? 2 : s == Severity::Review ? 1 : 0;
}

bool staffWhoPlanContrast(Role r) {
    return r == Role::Nurse || r == Role::Mrso || r == Role::Radiologist;
}

} // namespace

// [SECTION] form versions

void SqliteStore::keepFormDocument(const std::string& sha256, const std::string& kind,
                                   const std::string& text) {
    if (kind != "questionnaire" && kind != "rules")
        throw Refused("a form document is a 'questionnaire' or 'rules' file, not '" + kind + "'");
    const std::string actual = sha256Hex(text);
    if (actual != sha256)
        throw Refused("the " + kind + " text given for form version " + sha256.substr(0, 12) +
                      "… has sha256 " + actual.substr(0, 12) +
                      "…: it is another file, so it is not kept under that name");
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

void SqliteStore::setContrastPlanned(std::int64_t id, const std::string& planned,
                                     const Actor& actor) {
    if (!staffWhoPlanContrast(actor.role) || actor.username.empty())
        throw Refused(
            "only a signed-in nurse, MRSO or radiologist says whether contrast is planned");
    if (!screening::parseContrastPlan(planned))
        throw Refused(
            "contrast planned is 'yes', 'no' or 'unknown' (unknown counts as planned), not '" +
            planned + "'");
    Transaction tx(db_);
    const ScreeningFacts f = facts(id);
    if (f.state != ScreeningState::Submitted && f.state != ScreeningState::Reviewed)
        throw Refused(
            "screening " + std::to_string(id) + " is " + screening::stateName(f.state) +
            "; whether contrast is planned is set only while it is submitted or reviewed");
    if (f.contrastDecided)
        throw Refused("screening " + std::to_string(id) +
                      ": the contrast part of the decision is signed already; amend the screening "
                      "to change it");
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

void SqliteStore::refreshFlags(std::int64_t id, const std::vector<screening::Flag>& flags,
                               const Actor& actor) {
    Transaction tx(db_);
    const auto state = stateOf(id);
    if (state != ScreeningState::Submitted && state != ScreeningState::Reviewed)
        throw Refused("screening " + std::to_string(id) + " is " + screening::stateName(state) +
                      "; its flags are raised again only while it is submitted or reviewed");
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

void SqliteStore::decideContrast(std::int64_t id, const ContrastDecision& decision,
                                 const StaffSignature& signature, const Actor& actor) {
    if (signature.strokesJson.empty() || signature.signerName.empty())
        throw Refused("the contrast decision must be signed on the signature pad");
    if (signature.purpose != "contrast")
        throw Refused("the signature of the contrast decision has purpose 'contrast', not '" +
                      signature.purpose + "'");
    const auto outcome = screening::parseContrastOutcome(decision.outcome);
    if (!outcome)
        throw Refused("a contrast decision is cleared, cleared_with_conditions, not_cleared or "
                      "not_planned, not '" +
                      decision.outcome + "'");
    Transaction tx(db_);
    const ScreeningFacts f = facts(id);
    const auto refusal = screening::decideContrast(
        f, screening::ContrastRequest{*outcome, actor, decision.conditions, decision.reason},
        options_.policy);
    if (refusal)
        throw Refused("screening " + std::to_string(id) + ": " + *refusal);
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
