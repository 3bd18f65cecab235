// Shared by the command-line tests: the real binary run as an operator runs it, scratch folders,
// and a certificate's SHA-256 fingerprint as the openssl command prints it (the reference the tests
// compare mrscreen's own fingerprints with; never computed by the code under test).
#pragma once

#include "test_support.h"

#include <catch2/catch.hpp>

#include <sys/wait.h>

#include <cstdio>
#include <filesystem>
#include <string>

namespace mrscreen::test {

// An empty folder MRSCREEN_TEST_OUTPUT/<area>/<name>.
inline std::filesystem::path freshOutputDir(const std::string& area, const std::string& name) {
    const auto dir = std::filesystem::path(MRSCREEN_TEST_OUTPUT) / area / name;
    std::filesystem::remove_all(dir);
    std::filesystem::create_directories(dir);
    return dir;
}

// `command` run by the shell, standard error with its output.
inline Run runShell(std::string command) {
    command.append(" 2>&1");
    FILE* pipe = popen(command.c_str(), "r");
    REQUIRE(pipe != nullptr);
    Run r;
    char buffer[4096];
    while (std::fgets(buffer, sizeof buffer, pipe)) r.out += buffer;
    const int status = pclose(pipe);
    r.code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    return r;
}

// The mrscreen binary with `args`, run in `cwd` (default: where the test runs).
inline Run runMrscreen(const std::string& args, const std::string& cwd = "") {
    std::string command = cwd.empty() ? std::string() : "cd '" + cwd + "' && ";
    command.append("'").append(MRSCREEN_BINARY).append("' ").append(args);
    return runShell(command);
}

inline std::string fingerprintOf(const std::string& certPath) {
    const Run r = runShell("openssl x509 -noout -fingerprint -sha256 -in '" + certPath + "'");
    REQUIRE(r.code == 0);
    // "sha256 Fingerprint=AB:CD:...\n" (the prefix's case differs between OpenSSL versions)
    const auto eq = r.out.find('=');
    REQUIRE(eq != std::string::npos);
    std::string text = r.out.substr(eq + 1);
    while (!text.empty() && (text.back() == '\n' || text.back() == '\r')) text.pop_back();
    return text;
}

} // namespace mrscreen::test
