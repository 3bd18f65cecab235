// The rows that decide what happens to a patient or who may act (screening states, both parts of
// the decision, flag verdicts, staff accounts), compared with the audit events that set them: a raw
// UPDATE that leaves the chain intact is still caught. Pure: the store reads the rows, this
// compares.
#pragma once

#include "store/audit.h"

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

namespace mrscreen::store {

struct AuditedRows {
    struct Screening {
        std::int64_t id = 0;
        std::string state;
        std::string contrastPlanned;
    };
    struct Decision {
        std::int64_t screeningId = 0;
        std::string outcome, conditions, reason, by;
    };
    struct Flag {
        std::int64_t screeningId = 0;
        std::string ruleId, severity, status, statusBy, note, correctedAnswer;
    };
    struct Staff {
        std::string username, name, role;
        bool disabled = false;
        std::string secretHash; // the stored Argon2id string; the trail keeps its sha256
    };
    std::vector<Screening> screenings;
    std::vector<Decision> decisions;         // the Zone IV part, in the order they were made
    std::vector<Decision> contrastDecisions; // the contrast part, in the order they were made
    std::vector<Flag> flags;
    std::vector<Staff> staff;
};

// Every disagreement, staff first, then screenings by id; each names the row, what the database
// says and the event that said otherwise ("staff 'nina': role is mrso in the database but the
// audit trail last set it to nurse (event 42)"). `events` must be an intact chain.
std::vector<std::string> crossCheck(const std::vector<AuditEvent>& events, const AuditedRows& rows);

struct Replay; // what the trail said, event by event (audit_crosscheck.cpp)

// crossCheck one event at a time, for a trail read in batches: add() every event of an intact
// chain in seq order, then compare(). It keeps what the events said, not the events.
class TrailReplay {
public:
    TrailReplay();
    ~TrailReplay(); // not copied: it owns what it has replayed
    void add(const AuditEvent& e);
    std::vector<std::string> compare(const AuditedRows& rows) const;

private:
    std::unique_ptr<Replay> replay_;
};

} // namespace mrscreen::store
