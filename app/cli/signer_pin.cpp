#include "cli/signer_pin.h"

#include "cli/config.h"
#include "cli/form_files.h"

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <filesystem>
#include <optional>
#include <regex>
#include <sstream>
#include <sys/stat.h>
#include <unistd.h>
#include <vector>

namespace mrscreen::cli {

namespace {

namespace fs = std::filesystem;

std::vector<std::string> linesOf(const std::string& text) {
    std::vector<std::string> lines;
    std::istringstream in(text);
    for (std::string line; std::getline(in, line);)
        lines.push_back(line);
    return lines;
}

// The value after '=' is whole on this line: a string, or an array closed on it.
bool valueOnOneLine(const std::string& line) {
    const auto eq = line.find('=');
    const auto start = line.find_first_not_of(" \t", eq + 1);
    if (start == std::string::npos)
        return false;
    if (line[start] == '"')
        return true;
    return line[start] == '[' && line.find(']', start) != std::string::npos;
}

std::string pinsLine(const std::vector<std::string>& pins) {
    if (pins.size() == 1)
        return signerPinLine(pins.front());
    std::string line = "signer_sha256 = [";
    for (std::size_t i = 0; i < pins.size(); ++i)
        line += (i ? ", \"" : "\"") + pins[i] + "\"";
    return line + "]";
}

PinResult notWritable(std::string why) {
    return PinResult{PinOutcome::NotWritable, std::move(why)};
}

} // namespace

std::string signerPinLine(const std::string& fingerprint) {
    return "signer_sha256 = \"" + fingerprint + "\"";
}

PinResult pinSignerInConfig(const std::string& configPath, const std::string& fingerprint) {
    const KioskConfig current =
        loadConfig(configPath); // a file that is not valid config is never edited
    std::vector<std::string> pins = current.signerSha256;
    if (std::find(pins.begin(), pins.end(), fingerprint) != pins.end())
        return PinResult{PinOutcome::AlreadyPinned, ""};
    if (::access(configPath.c_str(), W_OK) != 0)
        return notWritable(configPath + ": " + std::strerror(errno));
    pins.push_back(fingerprint);

    std::vector<std::string> lines = linesOf(readFile(configPath));
    static const std::regex header(R"(^\s*\[\s*([A-Za-z0-9_.-]+)\s*\]\s*(#.*)?$)");
    static const std::regex entry(R"(^\s*signer_sha256\s*=)");
    const std::string comment =
        "# Site certificate(s) `mrscreen verify` trusts (SHA-256, pinned by mrscreen keygen)";
    std::optional<std::size_t> site, siteEnd, existing;
    for (std::size_t i = 0; i < lines.size(); ++i) {
        std::smatch m;
        if (std::regex_match(lines[i], m, header)) {
            if (site && !siteEnd)
                siteEnd = i;
            if (m[1] == "site")
                site = i;
        } else if (site && !siteEnd && std::regex_search(lines[i], entry)) {
            existing = i;
        }
    }
    if (existing) {
        if (!valueOnOneLine(lines[*existing]))
            return notWritable("its [site] signer_sha256 spans several lines; mrscreen edits only "
                               "a one-line entry");
        lines[*existing] = pinsLine(pins);
    } else if (site) {
        std::size_t at = siteEnd.value_or(lines.size());
        while (at > *site + 1 && lines[at - 1].find_first_not_of(" \t") == std::string::npos)
            --at;
        lines.insert(lines.begin() + std::ptrdiff_t(at), {comment, pinsLine(pins)});
    } else {
        lines.insert(lines.end(), {"", "[site]", comment, pinsLine(pins)});
    }
    std::string text;
    for (const auto& line : lines)
        text += line + "\n";

    // A checked copy beside the file, with its mode and owner, renamed over it.
    struct stat original {};
    if (::stat(configPath.c_str(), &original) != 0)
        return notWritable(configPath + ": " + std::strerror(errno));
    const fs::path target(configPath);
    std::string temp =
        (target.has_parent_path() ? target.parent_path() / "" : fs::path()).string() + "." +
        target.filename().string() + ".pin.XXXXXX";
    const int fd = ::mkstemp(temp.data());
    if (fd < 0)
        return notWritable("cannot create a file beside " + configPath + ": " +
                           std::strerror(errno));
    bool ok = ::fchmod(fd, original.st_mode & 07777) == 0;
    if (::fchown(fd, original.st_uid, original.st_gid) != 0 && errno != EPERM)
        ok = false;
    for (std::size_t done = 0; ok && done < text.size();) {
        const ssize_t n = ::write(fd, text.data() + done, text.size() - done);
        if (n < 0 && errno == EINTR)
            continue;
        ok = n > 0;
        done += ok ? std::size_t(n) : 0;
    }
    ok = ::fsync(fd) == 0 && ok;
    ok = ::close(fd) == 0 && ok;
    if (!ok) {
        const std::string why = std::strerror(errno);
        ::unlink(temp.c_str());
        return notWritable("cannot write beside " + configPath + ": " + why);
    }
    try {
        const KioskConfig written = loadConfig(temp);
        if (written.signerSha256 != pins)
            throw std::runtime_error("the pins read back differ");
    } catch (const std::exception& e) {
        ::unlink(temp.c_str());
        throw std::runtime_error(
            "mrscreen could not add the pin to " + configPath + " (" + e.what() +
            "); the file is unchanged. Add the line by hand: " + signerPinLine(fingerprint));
    }
    if (::rename(temp.c_str(), configPath.c_str()) != 0) {
        const std::string why = std::strerror(errno);
        ::unlink(temp.c_str());
        return notWritable("cannot replace " + configPath + ": " + why);
    }
    return PinResult{PinOutcome::Written, ""};
}

} // namespace mrscreen::cli
