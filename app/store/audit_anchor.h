// Anchors of the audit chain outside the data directory: the line each new head is logged as
// ("mrscreen-audit-head seq=12 sha256=… site=\"MRI department\""), reading those lines back from an
// export of the system log (journalctl, an rsyslog file), and checking them, or the head a signed
// record carries, against the trail. Whoever rewrites the database cannot rewrite the log.
#pragma once

#include "store/audit.h"

#include <string>
#include <vector>

namespace mrscreen::store {

inline constexpr const char* kAnchorMarker = "mrscreen-audit-head";

// The message of one anchor; control characters in the site name become '?', quotes are escaped.
std::string anchorMessage(const std::string& site, const AuditHead& head);

struct AnchoredHead {
    AuditHead head;
    std::string site;
    std::string source; // where it was read, for messages: "anchors.log line 12", "record x.pdf"
};

// Every anchor in `text` (the marker anywhere in a line, as journalctl, rsyslog and
// `journalctl -o json` print it), `source` naming the file.
std::vector<AnchoredHead> readAnchors(const std::string& text, const std::string& source);

// Whether each head of `site` is still in `events` (an intact chain, seq 1..n): the first, by
// sequence number, that is not (rewritten history) or lies beyond the trail's end (cut short) is
// the failure (kind "anchors"). No head of `site` at all is a failure too: nothing was vouched for.
// `problem` says on success how many were checked and the newest.
AuditCheck checkAnchors(const std::vector<AuditEvent>& events,
                        const std::vector<AnchoredHead>& anchors, const std::string& site);

} // namespace mrscreen::store
