// [SECTION] Which scheduled exams may be a patient's, and DICOM person names as people read them.
#include "integration/dicom_values.h"
#include "integration/worklist.h"

#include <cctype>
#include <cstdint>

namespace mrscreen::integration {

namespace {

// Base letters for U+00C0..U+00FF and U+0100..U+017F: '*' is a letter written as two ("ae",
// "th", "ss", "ij", "oe"), '_' a sign that is not a letter.
constexpr char latin1Letters[] = "aaaaaa*ceeeeiiiidnooooo_ouuuuy**"
                                 "aaaaaa*ceeeeiiiidnooooo_ouuuuy*y";
constexpr char latinExtendedALetters[] =
    "aaaaaaccccccccddddeeeeeeeeeegggggggghhhhiiiiiiiiii**jjkkkllllllllll"
    "nnnnnnnnnoooooo**rrrrrrssssssssttttttuuuuuuuuuuuuwwyyyzzzzzzs";
static_assert(sizeof latin1Letters == 64 + 1);
static_assert(sizeof latinExtendedALetters == 128 + 1);

// The next code point of UTF-8 text at `i` (advancing it); an invalid byte stands for itself.
char32_t nextCodePoint(const std::string& text, std::size_t& i) {
    const auto byte = [&](std::size_t at) { return static_cast<unsigned char>(text[at]); };
    const unsigned char lead = byte(i);
    std::size_t length = lead < 0x80           ? 1
                         : (lead >> 5) == 0x6  ? 2
                         : (lead >> 4) == 0xE  ? 3
                         : (lead >> 3) == 0x1E ? 4
                                               : 0;
    if (length == 0 || i + length > text.size()) {
        ++i;
        return lead;
    }
    char32_t code = length == 1 ? lead : static_cast<char32_t>(lead & (0x7F >> length));
    for (std::size_t k = 1; k < length; ++k) {
        if ((byte(i + k) & 0xC0) != 0x80) {
            ++i;
            return lead;
        }
        code = (code << 6) | (byte(i + k) & 0x3F);
    }
    i += length;
    return code;
}

std::string twoLetters(char32_t code) {
    switch (code) {
    case 0xC6:
    case 0xE6:
        return "ae";
    case 0xDE:
    case 0xFE:
        return "th";
    case 0xDF:
        return "ss";
    case 0x132:
    case 0x133:
        return "ij";
    case 0x152:
    case 0x153:
        return "oe";
    default:
        return "";
    }
}

// A name reduced to what identifies it: lower case, accents removed (Latin letters), and no
// spaces, hyphens, apostrophes or other punctuation. Letters of other scripts are kept as written.
std::string foldName(const std::string& name) {
    std::string folded;
    for (std::size_t i = 0; i < name.size();) {
        const std::size_t start = i;
        const char32_t code = nextCodePoint(name, i);
        if (code < 0x80) {
            if (std::isalnum(static_cast<int>(code)))
                folded.push_back(static_cast<char>(std::tolower(static_cast<int>(code))));
        } else if (code >= 0xC0 && code <= 0x17F) {
            const char letter =
                code <= 0xFF ? latin1Letters[code - 0xC0] : latinExtendedALetters[code - 0x100];
            if (letter == '*')
                folded += twoLetters(code);
            else if (letter != '_')
                folded.push_back(letter);
        } else if ((code >= 0x300 && code <= 0x36F) || (code >= 0x2000 && code <= 0x206F) ||
                   code == 0xA0) {
            // combining accents, general punctuation (’ ‐ –), no-break space: not part of a name
        } else if (code >= 0x80 && code < 0xC0) {
            // Latin-1 signs
        } else {
            folded.append(name, start, i - start);
        }
    }
    return folded;
}

std::string firstWord(const std::string& name) {
    const auto first = name.find_first_not_of(' ');
    if (first == std::string::npos)
        return "";
    return name.substr(first, name.find(' ', first) - first);
}

bool givenNamesMatch(const std::string& scheduled, const std::string& typed) {
    if (foldName(scheduled) == foldName(typed))
        return true;
    // "JANE MARIE" on the worklist, "Jane" typed at the kiosk.
    const std::string scheduledFirst = foldName(firstWord(scheduled));
    return !scheduledFirst.empty() && scheduledFirst == foldName(firstWord(typed));
}

// The components of a PN's alphabetic group: family, given, middle, prefix, suffix.
std::vector<std::string> nameComponents(const std::string& dicomName) {
    const std::string alphabetic = dicomName.substr(0, dicomName.find('='));
    std::vector<std::string> parts;
    std::size_t start = 0;
    while (parts.size() < 5) {
        const auto caret = alphabetic.find('^', start);
        std::string part = alphabetic.substr(start, caret == std::string::npos ? std::string::npos
                                                                               : caret - start);
        const auto first = part.find_first_not_of(' ');
        const auto last = part.find_last_not_of(' ');
        parts.push_back(first == std::string::npos ? "" : part.substr(first, last - first + 1));
        if (caret == std::string::npos)
            break;
        start = caret + 1;
    }
    parts.resize(5);
    return parts;
}

bool hasLowercase(const std::string& text) {
    for (std::size_t i = 0; i < text.size();) {
        const char32_t code = nextCodePoint(text, i);
        if ((code >= 'a' && code <= 'z') || (code >= 0xDF && code <= 0xFF && code != 0xF7))
            return true;
    }
    return false;
}

// "O'BRIEN-SMITH" -> "O'Brien-Smith"; a name already in mixed case ("McDonald") is left alone.
std::string titleCase(const std::string& component) {
    if (hasLowercase(component))
        return component;
    std::string result;
    bool wordStart = true;
    for (std::size_t i = 0; i < component.size();) {
        const std::size_t start = i;
        const char32_t code = nextCodePoint(component, i);
        if (code < 0x80) {
            const int c = static_cast<int>(code);
            result.push_back(static_cast<char>(wordStart ? std::toupper(c) : std::tolower(c)));
            wordStart = !std::isalnum(c);
        } else if (code >= 0xC0 && code <= 0xDE && code != 0xD7 && !wordStart && i - start == 2) {
            // Latin-1 capitals (two bytes, C3 80..9E) to their small letters (C3 A0..BE).
            result.push_back(component[start]);
            result.push_back(static_cast<char>(component[start + 1] + 0x20));
        } else {
            result.append(component, start, i - start);
            wordStart = false;
        }
    }
    return result;
}

} // namespace

std::vector<store::ProcedureLink> matchPatient(const std::vector<store::ProcedureLink>& scheduled,
                                               const store::PatientIdentity& patient) {
    std::vector<store::ProcedureLink> matches;
    const std::string birthDate = daFromIsoDate(patient.birthDate);
    const std::string family = foldName(patient.familyName);
    if (birthDate.empty() || family.empty())
        return matches;
    for (const auto& link : scheduled) {
        if (daFromIsoDate(link.patientBirthDate) != birthDate)
            continue;
        const auto parts = nameComponents(link.patientName);
        if (foldName(parts[0]) != family)
            continue;
        if (!foldName(parts[1]).empty() && !givenNamesMatch(parts[1], patient.givenName))
            continue;
        matches.push_back(link);
    }
    return matches;
}

std::string personNameForPeople(const std::string& dicomName) {
    const auto parts = nameComponents(dicomName);
    auto join = [](std::string& text, const char* separator, const std::string& more) {
        if (!text.empty() && !more.empty())
            text += separator;
        text += more;
    };
    std::string given;
    for (const auto* part : {&parts[3], &parts[1], &parts[2]}) // prefix, given, middle
        join(given, " ", titleCase(*part));
    std::string name = titleCase(parts[0]);
    join(name, ", ", given);
    join(name, ", ", titleCase(parts[4]));
    return name;
}

} // namespace mrscreen::integration
