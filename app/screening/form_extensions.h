// How the form loader treats an extension it does not read: skipped with a warning when it only
// changes how the form looks (presentation) or only describes the form (metadata), refused
// otherwise, with a reason a form author can act on.
#pragma once

#include <string>

namespace mrscreen::screening {

// Changes how an item looks, never what an answer means.
bool isPresentationOnly(const std::string& url);

// Describes the form as a publication (maturity, standards status, version ordering) or what a
// system may do with answers afterwards (who fills it in, which resources to extract): nothing
// about what a patient is asked or what an answer means.
bool isMetadataOnly(const std::string& url);

// Why an extension that could change meaning is refused: FHIRPath, scores, counts, constraints,
// or, for one mrscreen knows nothing about, that it could change what answers mean.
std::string whyUnsupported(const std::string& url);

} // namespace mrscreen::screening
