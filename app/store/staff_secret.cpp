#include "store/staff_secret.h"

#include "store/errors.h"

#include <sodium.h>

namespace mrscreen::store {

static void initSodium() {
    static const bool ready = sodium_init() >= 0;
    if (!ready) throw StoreError("libsodium could not start; the system's random source may be unavailable");
}

std::string hashSecret(const std::string& secret) {
    initSodium();
    if (secret.size() < kMinSecretLength)
        throw Refused("the PIN or password must have at least " + std::to_string(kMinSecretLength) +
                      " characters");
    char out[crypto_pwhash_STRBYTES];
    // Interactive limits: about 0.1 s and 64 MiB, acceptable on a Raspberry-Pi-class kiosk.
    if (crypto_pwhash_str(out, secret.data(), secret.size(), crypto_pwhash_OPSLIMIT_INTERACTIVE,
                          crypto_pwhash_MEMLIMIT_INTERACTIVE) != 0)
        throw StoreError("hashing the PIN failed: not enough memory");
    return out;
}

bool verifySecret(const std::string& storedHash, const std::string& secret) {
    initSodium();
    return crypto_pwhash_str_verify(storedHash.c_str(), secret.data(), secret.size()) == 0;
}

} // namespace mrscreen::store
