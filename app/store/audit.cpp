#include "store/audit.h"

#include <nlohmann/json.hpp>
#include <openssl/evp.h>

#include <cstdio>

namespace mrscreen::store {

std::string sha256Hex(const std::string& data) {
    unsigned char digest[EVP_MAX_MD_SIZE];
    unsigned int length = 0;
    EVP_Digest(data.data(), data.size(), digest, &length, EVP_sha256(), nullptr);
    std::string hex;
    hex.reserve(length * 2);
    char buf[3];
    for (unsigned int i = 0; i < length; ++i) {
        std::snprintf(buf, sizeof buf, "%02x", digest[i]);
        hex += buf;
    }
    return hex;
}

std::string canonicalEvent(const AuditEvent& e) {
    nlohmann::json j = {{"seq", e.seq}, {"at", e.at}, {"actor", e.actor}, {"action", e.action}};
    j["screening"] = e.screeningId ? nlohmann::json(*e.screeningId) : nlohmann::json(nullptr);
    // The detail is re-serialised so that equal JSON hashes equally, whatever its spacing.
    j["detail"] = nlohmann::json::parse(e.detailJson, nullptr, false);
    return j.dump(); // nlohmann::json keeps object keys sorted
}

std::string chainHash(const std::string& prevHash, const AuditEvent& e) {
    return sha256Hex(prevHash + canonicalEvent(e));
}

AuditCheck verifyChain(const std::vector<AuditEvent>& events, std::optional<std::int64_t> headSeq,
                       const std::string& headHash) {
    AuditCheck check;
    std::string prev = kGenesisHash;
    std::int64_t expectedSeq = 1;
    auto fail = [&](std::int64_t seq, std::string problem) {
        check.intact = false;
        check.firstBadSeq = seq;
        check.problem = std::move(problem);
        check.kind = "chain";
        return check;
    };
    for (const auto& e : events) {
        ++check.rows;
        if (e.seq != expectedSeq)
            return fail(expectedSeq, "row " + std::to_string(expectedSeq) + " is missing (the next row is " +
                                         std::to_string(e.seq) + ")");
        if (e.prevHash != prev)
            return fail(e.seq, "row " + std::to_string(e.seq) +
                                   " does not follow the row before it (removed, reordered or altered)");
        if (chainHash(e.prevHash, e) != e.hash)
            return fail(e.seq, "row " + std::to_string(e.seq) + " was altered after it was written");
        prev = e.hash;
        ++expectedSeq;
    }
    if (headSeq && *headSeq != expectedSeq - 1)
        return fail(expectedSeq, "the newest " + std::to_string(*headSeq - (expectedSeq - 1)) +
                                     " row(s) were removed (the trail ended at row " +
                                     std::to_string(*headSeq) + ")");
    if (headSeq && headHash != prev)
        return fail(expectedSeq - 1, "row " + std::to_string(expectedSeq - 1) +
                                         " is not the newest link that was recorded");
    if (!headSeq && !events.empty())
        return fail(1, "the record of the newest audit link is missing");
    return check;
}

} // namespace mrscreen::store
