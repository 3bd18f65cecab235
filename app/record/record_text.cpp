#include "record/record_text.h"

#include <cctype>
#include <cmath>
#include <cstdio>
#include <ctime>

namespace mrscreen::record {

using screening::FlagVerdict;
using screening::Role;
using screening::ScreeningState;

std::string roleText(Role role) {
    switch (role) {
    case Role::Mrso:
        return "MR safety officer";
    case Role::Radiologist:
        return "Radiologist";
    case Role::Nurse:
        return "Nurse";
    case Role::Admin:
        return "Administrator";
    case Role::Patient:
        return "Patient";
    }
    return screening::roleName(role);
}

std::string personText(const std::string& actor, const std::vector<store::StaffMember>& staff) {
    if (actor.empty())
        return actor;
    if (actor.rfind("cli:", 0) == 0) {
        std::string who = actor.substr(4);
        who += " at the command line";
        return who;
    }
    for (const store::StaffMember& m : staff) {
        if (m.username != actor)
            continue;
        std::string text = m.displayName.empty() ? m.username : m.displayName;
        // "Ned Park, RN" already holds a comma: the role then follows a dash.
        text += text.find(',') == std::string::npos ? ", " : " — ";
        text += roleText(m.role);
        if (!m.displayName.empty() && m.displayName != m.username) {
            text += " (";
            text += m.username;
            text += ')';
        }
        return text;
    }
    return actor;
}

std::string localTimeText(const std::string& iso) {
    int year = 0, month = 0, day = 0, hour = 0, minute = 0, consumed = 0;
    if (std::sscanf(iso.c_str(), "%4d-%2d-%2dT%2d:%2d%n", &year, &month, &day, &hour, &minute,
                    &consumed) != 5)
        return iso;
    std::string rest = iso.substr(std::size_t(consumed));
    // Seconds and their fraction are dropped: the record reads to the minute.
    std::size_t p = 0;
    if (p < rest.size() && rest[p] == ':') {
        ++p;
        while (p < rest.size() &&
               (std::isdigit(static_cast<unsigned char>(rest[p])) || rest[p] == '.'))
            ++p;
    }
    rest.erase(0, p);
    char buf[64];
    if (rest.empty()) { // local already, as the worklist schedules
        std::snprintf(buf, sizeof buf, "%04d-%02d-%02d %02d:%02d", year, month, day, hour, minute);
        return buf;
    }
    if (rest != "Z")
        return iso;
    std::tm utc{};
    utc.tm_year = year - 1900;
    utc.tm_mon = month - 1;
    utc.tm_mday = day;
    utc.tm_hour = hour;
    utc.tm_min = minute;
    const std::time_t t = timegm(&utc);
    std::tm local{};
    if (t == std::time_t(-1) || !localtime_r(&t, &local))
        return iso;
    if (std::strftime(buf, sizeof buf, "%Y-%m-%d %H:%M %Z", &local) == 0)
        return iso;
    return buf;
}

std::string languageName(const std::string& code) {
    static const std::pair<const char*, const char*> kNames[] = {
        {"en", "English"}, {"es", "Spanish"},    {"fr", "French"},     {"de", "German"},
        {"it", "Italian"}, {"pt", "Portuguese"}, {"nl", "Dutch"},      {"pl", "Polish"},
        {"ar", "Arabic"},  {"zh", "Chinese"},    {"vi", "Vietnamese"}, {"ru", "Russian"},
        {"tr", "Turkish"}, {"uk", "Ukrainian"},  {"ko", "Korean"}};
    const std::string base = code.substr(0, code.find('-'));
    for (const auto& [c, name] : kNames)
        if (base == c)
            return name;
    return code;
}

std::string stateText(ScreeningState state) {
    switch (state) {
    case ScreeningState::Draft:
        return "Draft (not submitted)";
    case ScreeningState::Submitted:
        return "Submitted, awaiting review";
    case ScreeningState::Reviewed:
        return "Reviewed, awaiting decision";
    case ScreeningState::Cleared:
        return "Cleared";
    case ScreeningState::ClearedWithConditions:
        return "Cleared with conditions";
    case ScreeningState::NotCleared:
        return "Not cleared";
    case ScreeningState::Abandoned:
        return "Abandoned";
    case ScreeningState::Amended:
        return "Replaced by a correction";
    }
    return screening::stateName(state);
}

std::string verdictText(FlagVerdict verdict) {
    switch (verdict) {
    case FlagVerdict::Open:
        return "Open";
    case FlagVerdict::Verified:
        return "Verified";
    case FlagVerdict::Resolved:
        return "Resolved";
    }
    return screening::verdictName(verdict);
}

std::string originText(const std::string& origin) {
    if (origin == "kiosk")
        return "at the kiosk";
    if (origin == "import")
        return "imported";
    if (origin == "amendment")
        return "as a correction";
    return origin;
}

std::string categoryText(const std::string& category) {
    std::string out = category;
    for (char& ch : out)
        if (ch == '-' || ch == '_')
            ch = ' ';
    if (!out.empty())
        out[0] = char(std::toupper(static_cast<unsigned char>(out[0])));
    return out;
}

namespace {

std::string rounded(double v) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.0f", std::round(v));
    return buf;
}

std::string decimal(double v) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.1f", v);
    std::string s = buf;
    if (s.size() > 2 && s.compare(s.size() - 2, 2, ".0") == 0)
        s.resize(s.size() - 2);
    return s;
}

std::string feetAndInches(double inches, const std::string& lang) {
    long total = std::lround(inches);
    std::string text = std::to_string(total / 12);
    text += lang == "es" ? " pies " : " ft ";
    text += std::to_string(total % 12);
    text += lang == "es" ? " pulg" : " in";
    return text;
}

} // namespace

std::string quantityText(double value, const std::string& ucum, const std::string& display,
                         const std::string& lang) {
    constexpr double kCmPerInch = 2.54, kKgPerPound = 0.45359237;
    const std::string lb = lang == "es" ? " libras" : " lb";
    std::string text;
    if (ucum == "[in_i]") {
        text = feetAndInches(value, lang);
        text += " (";
        text += rounded(value * kCmPerInch);
        text += " cm)";
    } else if (ucum == "cm") {
        text = decimal(value);
        text += " cm (";
        text += feetAndInches(value / kCmPerInch, lang);
        text += ')';
    } else if (ucum == "[lb_av]") {
        text = decimal(value);
        text += lb;
        text += " (";
        text += rounded(value * kKgPerPound);
        text += " kg)";
    } else if (ucum == "kg") {
        text = decimal(value);
        text += " kg (";
        text += rounded(value / kKgPerPound);
        text += lb;
        text += ')';
    } else {
        std::string unit = display;
        if (unit.empty())
            for (char ch : ucum)
                if (ch != '[' && ch != ']')
                    unit += ch == '_' ? ' ' : ch;
        text = decimal(value);
        if (!unit.empty()) {
            text += ' ';
            text += unit;
        }
    }
    return text;
}

std::string supersededText(int newestVersion) {
    std::string text = "superseded by version ";
    text += std::to_string(newestVersion);
    return text;
}

} // namespace mrscreen::record
