#include "store/audit_anchor.h"

#include <algorithm>
#include <sstream>

namespace mrscreen::store {

std::string anchorMessage(const std::string& site, const AuditHead& head) {
    std::string quoted;
    for (const char c : site) {
        const auto u = static_cast<unsigned char>(c);
        if (u < 0x20 || u == 0x7F)
            quoted += '?';
        else if (c == '"' || c == '\\')
            quoted.append(1, '\\').append(1, c);
        else
            quoted += c;
    }
    return std::string(kAnchorMarker) + " seq=" + std::to_string(head.seq) +
           " sha256=" + head.hash + " site=\"" + quoted + "\"";
}

namespace {

// The value after `key=` in `line` from `from` on: digits/hex up to a space, or a quoted string
// (plain, or inside JSON where its quotes are escaped).
std::string field(const std::string& line, std::size_t from, const std::string& key) {
    const auto at = line.find(" " + key + "=", from);
    if (at == std::string::npos)
        return "";
    std::size_t i = at + key.size() + 2;
    if (line.compare(i, 2, "\\\"") == 0) { // in JSON: site=\"MRI department\"
        const auto end = line.find("\\\"", i + 2);
        return end == std::string::npos ? "" : line.substr(i + 2, end - i - 2);
    }
    if (i < line.size() && line[i] == '"') {
        std::string out;
        for (++i; i < line.size() && line[i] != '"'; ++i) {
            if (line[i] == '\\' && i + 1 < line.size())
                ++i;
            out += line[i];
        }
        return out;
    }
    const auto end = line.find_first_not_of("0123456789abcdef", i);
    return line.substr(i, end == std::string::npos ? std::string::npos : end - i);
}

} // namespace

std::vector<AnchoredHead> readAnchors(const std::string& text, const std::string& source) {
    std::vector<AnchoredHead> out;
    std::istringstream in(text);
    std::string line;
    for (int number = 1; std::getline(in, line); ++number) {
        const auto at = line.find(kAnchorMarker);
        if (at == std::string::npos)
            continue;
        const std::string seq = field(line, at, "seq"), hash = field(line, at, "sha256");
        if (seq.empty() || seq.size() > 15 || hash.size() != 64)
            continue;
        out.push_back({{std::stoll(seq), hash},
                       field(line, at, "site"),
                       source + " line " + std::to_string(number)});
    }
    return out;
}

AuditCheck checkAnchors(const std::vector<AuditEvent>& events,
                        const std::vector<AnchoredHead>& anchors, const std::string& site) {
    AuditCheck check;
    check.kind = "anchors";
    check.rows = std::int64_t(events.size());
    std::vector<const AnchoredHead*> ours;
    for (const auto& a : anchors)
        if (a.site == site)
            ours.push_back(&a);
    std::stable_sort(ours.begin(), ours.end(), [](const AnchoredHead* a, const AnchoredHead* b) {
        return a->head.seq < b->head.seq;
    });
    if (ours.empty()) {
        check.intact = false;
        check.problem = "no audit head of site '" + site + "' was found (" +
                        std::to_string(anchors.size()) + " of other sites): look for '" +
                        kAnchorMarker + "' in the system log export";
        return check;
    }
    for (const AnchoredHead* a : ours) {
        const std::int64_t seq = a->head.seq;
        const std::string anchored = "the head anchored at row " + std::to_string(seq) +
                                     " (sha256 " + a->head.hash.substr(0, 16) + "…, " + a->source +
                                     ")";
        check.firstBadSeq = seq;
        if (seq < 1 || seq > check.rows) {
            check.intact = false;
            check.problem = anchored + " is beyond the end of the trail (its newest row is " +
                            std::to_string(check.rows) +
                            "): the trail was cut short or rebuilt after it was anchored";
            return check;
        }
        const AuditEvent& e = events[std::size_t(seq - 1)];
        if (e.seq != seq || e.hash != a->head.hash) {
            check.intact = false;
            check.problem = anchored + " is no longer in the trail: row " + std::to_string(seq) +
                            " now has sha256 " + e.hash.substr(0, 16) +
                            "…; the history up to that row was rewritten after it was anchored";
            return check;
        }
    }
    check.firstBadSeq.reset();
    const std::int64_t newest = ours.back()->head.seq;
    check.head = ours.back()->head;
    check.problem = std::to_string(ours.size()) + " anchored head(s) of site '" + site +
                    "' are in the trail, the newest at row " + std::to_string(newest) + " (" +
                    ours.back()->source + ")";
    if (newest < check.rows)
        check.problem += "; rows " + std::to_string(newest + 1) + "-" + std::to_string(check.rows) +
                         " are newer than this export";
    return check;
}

} // namespace mrscreen::store
