#include "integration/dicom_peer.h"

#include <algorithm>
#include <array>
#include <cctype>
#include <cstdint>
#include <stdexcept>

namespace mrscreen::integration {

std::string DicomPeer::describe() const {
    return (calledAe.empty() ? std::string("the DICOM server") : calledAe) + " at " + host + ":" + std::to_string(port);
}

std::string uidFromSha256(const std::string& sha256Hex) {
    const bool hex = sha256Hex.size() >= 32 &&
                     std::all_of(sha256Hex.begin(), sha256Hex.begin() + 32,
                                 [](char c) { return std::isxdigit(static_cast<unsigned char>(c)) != 0; });
    if (!hex)
        throw std::invalid_argument("uidFromSha256 needs a SHA-256 hex digest, got '" + sha256Hex + "'");
    // The first 128 bits as a decimal number: repeated division of a big-endian base-256 number.
    std::array<std::uint8_t, 16> bytes{};
    for (std::size_t i = 0; i < 16; ++i)
        bytes[i] = std::uint8_t(std::stoul(sha256Hex.substr(2 * i, 2), nullptr, 16));
    std::string digits;
    while (std::any_of(bytes.begin(), bytes.end(), [](std::uint8_t b) { return b != 0; })) {
        unsigned remainder = 0;
        for (auto& b : bytes) {
            const unsigned value = remainder * 256 + b;
            b = std::uint8_t(value / 10);
            remainder = value % 10;
        }
        digits.push_back(char('0' + remainder));
    }
    std::string uid = "2.25.";
    if (digits.empty())
        uid.push_back('0');
    uid.append(digits.rbegin(), digits.rend());
    return uid;
}

} // namespace mrscreen::integration
