// Staff PINs and passwords: stored only as libsodium Argon2id hashes (crypto_pwhash_str), checked
// in constant time. A secret never appears in argv, logs or the audit trail.
#pragma once

#include <string>

namespace mrscreen::store {

inline constexpr std::size_t kMinSecretLength = 6;

// Throws StoreError when the secret is too short or hashing fails (out of memory).
std::string hashSecret(const std::string& secret);
bool verifySecret(const std::string& storedHash, const std::string& secret);

} // namespace mrscreen::store
