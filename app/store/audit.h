// The tamper-evident audit trail: each event's hash is sha256(previous hash + the event's
// canonical JSON), so editing, deleting or reordering any row breaks the chain from that row on.
// The newest link is also kept in audit_head, so deleting the newest rows is detected too.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace mrscreen::store {

inline const std::string kGenesisHash(64, '0');

struct AuditEvent {
    std::int64_t seq = 0;
    std::string at;
    std::string actor;  // username, or "patient" / "system"
    std::string action; // "screening.submitted", "flag.verified", "staff.added", ...
    std::optional<std::int64_t> screeningId;
    std::string detailJson = "{}";
    std::string prevHash;
    std::string hash;
};

std::string sha256Hex(const std::string& data);

// The text that is hashed: the event's fields as JSON with sorted keys, no whitespace.
std::string canonicalEvent(const AuditEvent& e);
std::string chainHash(const std::string& prevHash, const AuditEvent& e);

// The newest link of the chain: what is anchored outside the database and carried by records.
struct AuditHead {
    std::int64_t seq = 0;
    std::string hash;
};

struct AuditCheck {
    bool intact = true;
    std::int64_t rows = 0;
    std::optional<std::int64_t> firstBadSeq; // the first row that was altered, removed or moved
    std::string problem;                      // what is wrong there, for the administrator
    // "chain" (a row altered, removed or moved), "empty" (the trail or its head is gone while the
    // database holds data), "rows" (a table disagrees with the events: `mismatches`), "anchors"
    // (an anchored head is no longer in the chain), "record" (a record's head is not in it).
    std::string kind;
    std::vector<std::string> mismatches; // every disagreement found, the first one in `problem`
    std::optional<AuditHead> head;       // the chain's newest link, when there is one
};

// Walks the chain in seq order; `headSeq`/`headHash` are the recorded newest link (absent for an
// empty trail).
AuditCheck verifyChain(const std::vector<AuditEvent>& events, std::optional<std::int64_t> headSeq,
                       const std::string& headHash);

// verifyChain one event at a time, for a trail read in batches (store copy walks 500,000 events
// without holding them): add() each in seq order while it returns true, then finish().
class ChainWalk {
public:
    bool add(const AuditEvent& e); // false once the chain is broken there
    AuditCheck finish(std::optional<std::int64_t> headSeq, const std::string& headHash);
    std::int64_t lastSeq() const { return expectedSeq_ - 1; }
    const std::string& lastHash() const { return prev_; }

private:
    bool fail(std::int64_t seq, std::string problem);
    AuditCheck check_;
    std::string prev_ = kGenesisHash;
    std::int64_t expectedSeq_ = 1;
};

} // namespace mrscreen::store
