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
    ChainWalk walk;
    for (const auto& e : events)
        if (!walk.add(e))
            break;
    return walk.finish(headSeq, headHash);
}

bool ChainWalk::fail(std::int64_t seq, std::string problem) {
    check_.intact = false;
    check_.firstBadSeq = seq;
    check_.problem = std::move(problem);
    check_.kind = "chain";
    return false;
}

bool ChainWalk::add(const AuditEvent& e) {
    if (!check_.intact)
        return false;
    ++check_.rows;
    if (e.seq != expectedSeq_)
        return fail(expectedSeq_, "row " + std::to_string(expectedSeq_) +
                                      " is missing (the next row is " + std::to_string(e.seq) +
                                      ")");
    if (e.prevHash != prev_)
        return fail(e.seq,
                    "row " + std::to_string(e.seq) +
                        " does not follow the row before it (removed, reordered or altered)");
    if (chainHash(e.prevHash, e) != e.hash)
        return fail(e.seq, "row " + std::to_string(e.seq) + " was altered after it was written");
    prev_ = e.hash;
    ++expectedSeq_;
    return true;
}

AuditCheck ChainWalk::finish(std::optional<std::int64_t> headSeq, const std::string& headHash) {
    if (!check_.intact)
        return check_;
    if (headSeq && *headSeq != expectedSeq_ - 1)
        fail(expectedSeq_, "the newest " + std::to_string(*headSeq - (expectedSeq_ - 1)) +
                               " row(s) were removed (the trail ended at row " +
                               std::to_string(*headSeq) + ")");
    else if (headSeq && headHash != prev_)
        fail(expectedSeq_ - 1, "row " + std::to_string(expectedSeq_ - 1) +
                                   " is not the newest link that was recorded");
    else if (!headSeq && check_.rows > 0)
        fail(1, "the record of the newest audit link is missing");
    return check_;
}

} // namespace mrscreen::store
