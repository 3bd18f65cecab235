#include "cli/command_support.h"

#include <cstdlib>

namespace mrscreen::cli {

namespace {

// Text a patient typed, made safe for the operator's terminal: control characters (an escape
// sequence, a carriage return that overwrites the line, a bell) each become '?'. Text output only.
// Zero-width characters, line and paragraph separators and bidirectional overrides and isolates
// (U+200B-200F, U+2028-202E, U+2066-2069), by the last two bytes of their UTF-8 (E2 80 xx, E2 81 xx).
bool invisibleFormat(unsigned char b1, unsigned char b2) {
    return (b1 == 0x80 && ((b2 >= 0x8B && b2 <= 0x8F) || (b2 >= 0xA8 && b2 <= 0xAE))) ||
           (b1 == 0x81 && b2 >= 0xA6 && b2 <= 0xA9);
}

} // namespace

std::string printable(const std::string& text) {
    std::string out;
    out.reserve(text.size());
    for (std::size_t i = 0; i < text.size(); ++i) {
        const auto c = static_cast<unsigned char>(text[i]);
        const unsigned char next = i + 1 < text.size() ? static_cast<unsigned char>(text[i + 1]) : 0;
        if (c < 0x20 || c == 0x7F) {
            out += '?';
        } else if (c == 0xC2 && next >= 0x80 && next <= 0x9F) { // C1 controls, U+0080-U+009F
            out += '?';
            ++i;
        } else if (c == 0xE2 && i + 2 < text.size() && invisibleFormat(next, static_cast<unsigned char>(text[i + 2]))) {
            out += '?'; // text that reorders or hides what follows it on the terminal
            i += 2;
        } else {
            out += char(c);
        }
    }
    return out;
}

// Pads to `width` characters (not bytes: "Hernández" is 9 wide), cutting what does not fit.
std::string padded(const std::string& text, std::size_t width) {
    const std::string s = printable(text);
    std::size_t chars = 0, cut = s.size();
    for (std::size_t i = 0; i < s.size(); ++i) {
        if ((static_cast<unsigned char>(s[i]) & 0xC0) == 0x80) continue;
        if (chars == width - 1 && cut == s.size()) cut = i;
        ++chars;
    }
    if (chars >= width) return s.substr(0, cut) + " ";
    return s + std::string(width - chars, ' ');
}

std::string patientName(const store::PatientIdentity& p) {
    if (p.familyName.empty() && p.givenName.empty()) return "(no name)";
    return printable(p.familyName + ", " + p.givenName);
}

screening::Actor operatorActor() {
    const char* user = std::getenv("USER");
    return {std::string("cli:") + (user && *user ? user : "operator"), screening::Role::Admin};
}

} // namespace mrscreen::cli
