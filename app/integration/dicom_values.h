// DICOM value representations as mrscreen writes them elsewhere (DA "19510812" <-> "1951-08-12",
// TM "143000" -> "14:30"), and reading a text attribute from a dataset. Internal to
// app/integration.
#pragma once

#include <dcmtk/config/osconfig.h>
#include <dcmtk/dcmdata/dcitem.h>

#include <string>

namespace mrscreen::integration {

// "19510812" -> "1951-08-12"; anything else comes back trimmed, unchanged.
std::string isoDateFromDa(const std::string& da);
// "1951-08-12" (or "19510812") -> "19510812"; "" when it is not such a date.
std::string daFromIsoDate(const std::string& iso);
// "143000.000", "1430", "14:30:00" -> "14:30"; "14" -> "14:00"; "" when it is not a time.
std::string hhmmFromTm(const std::string& tm);

// Text values in UTF-8, as mrscreen keeps them, from the character set the dataset declares.
// Without a declared set the values are kept as they came (many servers send UTF-8 without
// saying so), and so are they when DCMTK cannot convert the set.
void convertToUtf8(DcmItem& dataset);

// The attribute's whole value (all values, backslash-separated) without padding; "" when absent.
std::string textOf(DcmItem& item, const DcmTagKey& tag);
// Its first value only ("AA32" of "AA32\AA33").
std::string firstValueOf(DcmItem& item, const DcmTagKey& tag);

} // namespace mrscreen::integration
