// A handwritten signature as the kiosk captures it: finger strokes in a unit square (x right,
// y down), carried in a QuestionnaireResponse as the FHIR questionnaireresponse-signature
// extension (valueSignature.data: base64 of {"strokes": [[[x, y], ...], ...]}).
#pragma once

#include <nlohmann/json.hpp>

#include <string>
#include <string_view>
#include <vector>

namespace mrscreen::record {

struct StrokePoint {
    float x = 0, y = 0;
};
using Stroke = std::vector<StrokePoint>;

struct HandwrittenSignature {
    std::string name;     // who signed, as written on the record
    std::string roleCode; // ASTM E1762 signature type code
    std::string role;     // its display, e.g. "Author's Signature"
    std::string when;     // FHIR instant
    std::vector<Stroke> strokes;
};

inline constexpr const char* kSignatureExtensionUrl =
    "http://hl7.org/fhir/StructureDefinition/questionnaireresponse-signature";
inline constexpr const char* kSignatureTypeSystem = "urn:iso-astm:E1762-95:2013";
inline constexpr const char* kAuthorSignature = "1.2.840.10065.1.12.1.1";

std::string base64Encode(std::string_view bytes);
std::string base64Decode(std::string_view text); // skips characters outside the alphabet

// {"strokes": [[[x, y], ...], ...]} with three decimals: the form every signature is kept in.
std::string strokesJson(const std::vector<Stroke>& strokes);

// The extension object for a response's "extension" array.
nlohmann::json signatureExtension(const HandwrittenSignature& signature);
// Every signature extension with at least one stroke, in order; malformed ones are skipped.
std::vector<HandwrittenSignature> signaturesIn(const nlohmann::json& extensions);
// The strokes of a signature stored as JSON text ({"strokes": [[[x, y], ...], ...]}, as a staff
// signature is kept); empty when the text cannot be read.
std::vector<Stroke> parseStrokesJson(const std::string& text);

// Total length of the strokes in pad widths, and whether they look like a real signature rather
// than a tap or a dash: long enough and spread over enough of the pad.
float strokeLength(const std::vector<Stroke>& strokes);
bool looksLikeSignature(const std::vector<Stroke>& strokes);

} // namespace mrscreen::record
