// A certificate's SHA-256 fingerprint as the openssl command prints it: the reference the tests
// compare mrscreen's own fingerprints with (never computed by the code under test).
#pragma once

#include <catch2/catch.hpp>

#include <cstdio>
#include <string>

namespace mrscreen::test {

inline std::string fingerprintOf(const std::string& certPath) {
    const std::string command = "openssl x509 -noout -fingerprint -sha256 -in '" + certPath + "'";
    FILE* pipe = popen(command.c_str(), "r");
    REQUIRE(pipe != nullptr);
    std::string text;
    char buffer[256];
    while (std::fgets(buffer, sizeof buffer, pipe)) text += buffer;
    REQUIRE(pclose(pipe) == 0);
    // "sha256 Fingerprint=AB:CD:...\n" (the prefix's case differs between OpenSSL versions)
    const auto eq = text.find('=');
    REQUIRE(eq != std::string::npos);
    text = text.substr(eq + 1);
    while (!text.empty() && (text.back() == '\n' || text.back() == '\r')) text.pop_back();
    return text;
}

} // namespace mrscreen::test
