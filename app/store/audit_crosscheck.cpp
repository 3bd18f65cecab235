#include "store/audit_crosscheck.h"

#include "screening/workflow.h"

#include <nlohmann/json.hpp>

#include <map>
#include <set>
#include <utility>

namespace mrscreen::store {

using nlohmann::json;

namespace {

// What the trail last said about one value, and in which event.
struct Said {
    std::string value;
    std::int64_t seq = 0;
    bool known() const { return seq != 0; }
};

struct DecisionEvent {
    AuditedRows::Decision said;
    std::int64_t seq = 0;
};

struct FlagEvents {
    Said status{"open", 0}, severity;
    std::string by, note, correctedAnswer;
    std::int64_t raised = 0;
};

struct StaffEvents {
    std::int64_t added = 0;
    Said name, role, disabled, secretSha256;
};

std::string text(const json& detail, const char* key) {
    return detail.is_object() && detail.contains(key) && detail[key].is_string()
               ? detail[key].get<std::string>()
               : "";
}

bool startsWith(const std::string& s, const std::string& prefix) {
    return s.rfind(prefix, 0) == 0;
}

std::string event(std::int64_t seq) {
    return "(event " + std::to_string(seq) + ")";
}

} // namespace

// Everything the trail says, replayed in order.
struct Replay {
    std::map<std::int64_t, Said> state, contrastPlanned;
    std::map<std::int64_t, std::vector<DecisionEvent>> decisions, contrastDecisions;
    std::map<std::pair<std::int64_t, std::string>, FlagEvents> flags;
    std::set<std::int64_t> flagsListed; // screenings whose submission listed every flag it raised
    std::map<std::string, StaffEvents> staff;

    void raise(std::int64_t id, const json& list, const char* severityKey, std::int64_t seq,
               bool reopen) {
        if (!list.is_array())
            return;
        for (const auto& f : list) {
            auto& flag = flags[{id, text(f, "flag")}];
            if (!flag.raised)
                flag.raised = seq;
            flag.severity = {text(f, severityKey), seq};
            if (reopen)
                flag.status = {"open", seq};
        }
    }

    void screeningEvent(const AuditEvent& e, std::int64_t id, const json& d) {
        const std::string to = e.action.substr(std::string("screening.").size());
        const auto parsed = screening::parseState(to);
        if (!parsed)
            return;
        state[id] = {to, e.seq};
        if (screening::isDecided(*parsed))
            decisions[id].push_back(
                {{id, to, text(d, "conditions"), text(d, "reason"), e.actor}, e.seq});
        if (*parsed != screening::ScreeningState::Submitted)
            return;
        if (d.contains("contrastPlanned"))
            contrastPlanned[id] = {text(d, "contrastPlanned"), e.seq};
        if (d.contains("flagList")) {
            flagsListed.insert(id);
            raise(id, d["flagList"], "severity", e.seq, true);
        }
    }

    void staffEvent(const AuditEvent& e, const json& d) {
        const std::string user = text(d, "username");
        if (user.empty())
            return;
        auto& s = staff[user];
        if (e.action == "staff.added") {
            s.added = e.seq;
            s.name = {text(d, "name"), e.seq};
            s.disabled = {"enabled", e.seq};
        }
        if (d.contains("role"))
            s.role = {text(d, "role"), e.seq};
        if (e.action == "staff.disabled")
            s.disabled = {"disabled", e.seq};
        if (d.contains("secretSha256"))
            s.secretSha256 = {text(d, "secretSha256"), e.seq};
    }

    void apply(const AuditEvent& e) {
        const json d = json::parse(e.detailJson, nullptr, false);
        const std::int64_t id = e.screeningId.value_or(0);
        if (startsWith(e.action, "screening.")) {
            screeningEvent(e, id, d);
        } else if (e.action == "contrast.planned") {
            contrastPlanned[id] = {text(d, "planned"), e.seq};
        } else if (startsWith(e.action, "contrast.")) {
            const std::string outcome = e.action.substr(std::string("contrast.").size());
            if (screening::parseContrastOutcome(outcome))
                contrastDecisions[id].push_back(
                    {{id, outcome, text(d, "conditions"), text(d, "reason"), e.actor}, e.seq});
        } else if (e.action == "flag.verified" || e.action == "flag.resolved") {
            auto& flag = flags[{id, text(d, "flag")}];
            flag.status = {e.action.substr(5), e.seq};
            flag.by = e.actor;
            flag.note = text(d, "note");
            flag.correctedAnswer = text(d, "correctedAnswer");
        } else if (e.action == "flags.raised" && d.is_object()) {
            raise(id, d.value("raised", json()), "severity", e.seq, true);
            raise(id, d.value("reopened", json()), "to", e.seq, true);
            raise(id, d.value("changed", json()), "to", e.seq, false);
        } else if (startsWith(e.action, "staff.")) {
            staffEvent(e, d);
        }
    }
};

namespace {

void compareStaff(const Replay& r, const AuditedRows& rows, std::vector<std::string>& out) {
    std::set<std::string> present;
    for (const auto& s : rows.staff) {
        present.insert(s.username);
        const std::string who = "staff '" + s.username + "': ";
        const auto it = r.staff.find(s.username);
        if (it == r.staff.end() || !it->second.added) {
            out.push_back(who + "the account is in the database but no audit event added it");
            continue;
        }
        const StaffEvents& e = it->second;
        if (e.role.known() && e.role.value != s.role)
            out.push_back(who + "role is " + s.role +
                          " in the database but the audit trail last set it to " + e.role.value +
                          " " + event(e.role.seq));
        if (e.disabled.value == "disabled" && !s.disabled)
            out.push_back(
                who + "the account is enabled in the database but the audit trail disabled it " +
                event(e.disabled.seq));
        if (e.disabled.value == "enabled" && s.disabled)
            out.push_back(who +
                          "the account is disabled in the database but no audit event disabled it");
        if (e.name.known() && !e.name.value.empty() && e.name.value != s.name)
            out.push_back(who + "name is '" + s.name +
                          "' in the database but the audit trail recorded '" + e.name.value + "' " +
                          event(e.name.seq));
        if (e.secretSha256.known() && e.secretSha256.value != sha256Hex(s.secretHash))
            out.push_back(
                who + "the PIN hash in the database is not the one the audit trail last recorded " +
                event(e.secretSha256.seq) + ": it was replaced or copied outside mrscreen");
    }
    for (const auto& [user, e] : r.staff)
        if (e.added && !present.count(user))
            out.push_back("staff '" + user + "': the account was added " + event(e.added) +
                          " but is not in the database");
}

void compareDecisions(const std::string& part,
                      const std::map<std::int64_t, std::vector<DecisionEvent>>& said,
                      const std::vector<AuditedRows::Decision>& rows,
                      std::vector<std::string>& out) {
    std::map<std::int64_t, std::vector<const AuditedRows::Decision*>> byScreening;
    for (const auto& d : rows)
        byScreening[d.screeningId].push_back(&d);
    for (const auto& [id, events] : said)
        byScreening[id];
    for (const auto& [id, list] : byScreening) {
        const std::string where = "screening " + std::to_string(id) + ": ";
        const auto it = said.find(id);
        const std::size_t n = it == said.end() ? 0 : it->second.size();
        for (std::size_t i = 0; i < list.size() && i < n; ++i) {
            const auto& row = *list[i];
            const auto& e = it->second[i];
            auto differs = [&](const char* what, const std::string& db, const std::string& trail) {
                if (db != trail)
                    out.push_back(where + part + " decision " + what + " is '" + db +
                                  "' in the database but the audit trail recorded '" + trail +
                                  "' " + event(e.seq));
            };
            differs("outcome", row.outcome, e.said.outcome);
            differs("conditions", row.conditions, e.said.conditions);
            differs("reason", row.reason, e.said.reason);
            differs("signer", row.by, e.said.by);
        }
        if (list.size() != n)
            out.push_back(where + std::to_string(list.size()) + " " + part +
                          " decision(s) in the database but " + std::to_string(n) +
                          " in the audit trail");
    }
}

void compareScreenings(const Replay& r, const AuditedRows& rows, std::vector<std::string>& out) {
    std::set<std::int64_t> present;
    for (const auto& s : rows.screenings) {
        present.insert(s.id);
        const std::string where = "screening " + std::to_string(s.id) + ": ";
        const auto state = r.state.find(s.id);
        if (state == r.state.end()) {
            out.push_back(where + "it is in the database but no audit event submitted it");
            continue;
        }
        if (state->second.value != s.state)
            out.push_back(where + "state is " + s.state +
                          " in the database but the audit trail last set it to " +
                          state->second.value + " " + event(state->second.seq));
        const auto planned = r.contrastPlanned.find(s.id);
        if (planned != r.contrastPlanned.end() && planned->second.value != s.contrastPlanned)
            out.push_back(where + "contrast planned is " + s.contrastPlanned +
                          " in the database but the audit trail last set it to " +
                          planned->second.value + " " + event(planned->second.seq));
    }
    for (const auto& [id, said] : r.state)
        if (!present.count(id))
            out.push_back("screening " + std::to_string(id) + ": the audit trail has it " +
                          event(said.seq) + " but it is not in the database");
}

void compareFlags(const Replay& r, const AuditedRows& rows, std::vector<std::string>& out) {
    std::set<std::pair<std::int64_t, std::string>> present;
    for (const auto& f : rows.flags) {
        present.insert({f.screeningId, f.ruleId});
        const std::string where =
            "screening " + std::to_string(f.screeningId) + ", flag '" + f.ruleId + "': ";
        const auto it = r.flags.find({f.screeningId, f.ruleId});
        if (it == r.flags.end()) {
            if (r.flagsListed.count(f.screeningId))
                out.push_back(where + "it is in the database but no audit event raised it");
            else if (f.status != "open")
                out.push_back(where + "verdict is " + f.status +
                              " in the database but the audit trail has no verdict for it");
            continue;
        }
        const FlagEvents& e = it->second;
        if (e.status.value != f.status)
            out.push_back(
                where + "verdict is " + f.status + " in the database but the audit trail " +
                (e.status.known() ? "last set it to " + e.status.value + " " + event(e.status.seq)
                                  : std::string("has no verdict for it")));
        else if (f.status != "open" &&
                 (e.by != f.statusBy || e.note != f.note || e.correctedAnswer != f.correctedAnswer))
            out.push_back(where + "the " + f.status +
                          " verdict's reviewer, note or corrected answer differs from " +
                          "the one the audit trail recorded " + event(e.status.seq));
        if (e.severity.known() && e.severity.value != f.severity)
            out.push_back(where + "severity is " + f.severity +
                          " in the database but the audit trail last set it to " +
                          e.severity.value + " " + event(e.severity.seq));
    }
    for (const auto& [key, e] : r.flags)
        if (e.raised && !present.count(key))
            out.push_back("screening " + std::to_string(key.first) + ", flag '" + key.second +
                          "': raised " + event(e.raised) + " but it is not in the database");
}

} // namespace

TrailReplay::TrailReplay() : replay_(std::make_unique<Replay>()) {}
TrailReplay::~TrailReplay() = default;

void TrailReplay::add(const AuditEvent& e) {
    replay_->apply(e);
}

std::vector<std::string> TrailReplay::compare(const AuditedRows& rows) const {
    const Replay& r = *replay_;
    std::vector<std::string> out;
    compareStaff(r, rows, out);
    compareScreenings(r, rows, out);
    compareDecisions("Zone IV", r.decisions, rows.decisions, out);
    compareDecisions("contrast", r.contrastDecisions, rows.contrastDecisions, out);
    compareFlags(r, rows, out);
    return out;
}

std::vector<std::string> crossCheck(const std::vector<AuditEvent>& events,
                                    const AuditedRows& rows) {
    TrailReplay replay;
    for (const auto& e : events)
        replay.add(e);
    return replay.compare(rows);
}

} // namespace mrscreen::store
