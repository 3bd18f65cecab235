#include "integration/dicom_values.h"

#include <dcmtk/dcmdata/dcdeftag.h>

#include <algorithm>
#include <cctype>

namespace mrscreen::integration {

namespace {

bool allDigits(const std::string& text) {
    return !text.empty() && std::all_of(text.begin(), text.end(), [](char c) {
        return std::isdigit(static_cast<unsigned char>(c)) != 0;
    });
}

std::string trimmed(const std::string& text) {
    const auto first = text.find_first_not_of(" \t\r\n");
    if (first == std::string::npos)
        return "";
    const auto last = text.find_last_not_of(" \t\r\n");
    return text.substr(first, last - first + 1);
}

bool plausibleDate(const std::string& yyyymmdd) {
    const int month = std::stoi(yyyymmdd.substr(4, 2));
    const int day = std::stoi(yyyymmdd.substr(6, 2));
    return month >= 1 && month <= 12 && day >= 1 && day <= 31;
}

} // namespace

std::string isoDateFromDa(const std::string& da) {
    std::string value = trimmed(da);
    // ACR-NEMA style "1951.08.12" is still seen from old systems.
    if (value.size() == 10 && value[4] == '.' && value[7] == '.')
        value = value.substr(0, 4) + value.substr(5, 2) + value.substr(8, 2);
    if (value.size() == 8 && allDigits(value) && plausibleDate(value))
        return value.substr(0, 4) + "-" + value.substr(4, 2) + "-" + value.substr(6, 2);
    return trimmed(da);
}

std::string daFromIsoDate(const std::string& iso) {
    const std::string value = trimmed(iso);
    std::string digits;
    if (value.size() == 10 && value[4] == '-' && value[7] == '-')
        digits = value.substr(0, 4) + value.substr(5, 2) + value.substr(8, 2);
    else if (value.size() == 8)
        digits = value;
    if (digits.size() != 8 || !allDigits(digits) || !plausibleDate(digits))
        return "";
    return digits;
}

std::string hhmmFromTm(const std::string& tm) {
    std::string value = trimmed(tm);
    value.erase(std::remove(value.begin(), value.end(), ':'), value.end());
    value = value.substr(0, value.find('.'));
    if (!allDigits(value) || value.size() < 2)
        return "";
    const std::string hours = value.substr(0, 2);
    const std::string minutes = value.size() >= 4 ? value.substr(2, 2) : "00";
    if (!allDigits(minutes) || std::stoi(hours) > 23 || std::stoi(minutes) > 59)
        return "";
    return hours + ":" + minutes;
}

void convertToUtf8(DcmItem& dataset) {
    const std::string characterSet = textOf(dataset, DCM_SpecificCharacterSet);
    if (!characterSet.empty() && characterSet != "ISO_IR 192")
        dataset.convertToUTF8();
}

std::string textOf(DcmItem& item, const DcmTagKey& tag) {
    OFString value;
    if (item.findAndGetOFStringArray(tag, value).bad())
        return "";
    return trimmed(value.c_str());
}

std::string firstValueOf(DcmItem& item, const DcmTagKey& tag) {
    OFString value;
    if (item.findAndGetOFString(tag, value, 0).bad())
        return "";
    return trimmed(value.c_str());
}

} // namespace mrscreen::integration
