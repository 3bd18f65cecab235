#include "record/handwritten_signature.h"

#include <openssl/evp.h>

#include <algorithm>
#include <cmath>

namespace mrscreen::record {

using nlohmann::json;

std::string base64Encode(std::string_view bytes) {
    std::string out(4 * ((bytes.size() + 2) / 3) + 1, '\0');
    const int n = EVP_EncodeBlock(reinterpret_cast<unsigned char*>(out.data()),
                                  reinterpret_cast<const unsigned char*>(bytes.data()), int(bytes.size()));
    out.resize(std::size_t(n));
    return out;
}

std::string base64Decode(std::string_view in) {
    std::string out;
    unsigned buffer = 0;
    int bits = 0;
    for (const char ch : in) {
        int v = -1;
        if (ch >= 'A' && ch <= 'Z') v = ch - 'A';
        else if (ch >= 'a' && ch <= 'z') v = ch - 'a' + 26;
        else if (ch >= '0' && ch <= '9') v = ch - '0' + 52;
        else if (ch == '+' || ch == '-') v = 62;
        else if (ch == '/' || ch == '_') v = 63;
        if (v < 0) continue;
        buffer = (buffer << 6) | unsigned(v);
        bits += 6;
        if (bits >= 8) {
            bits -= 8;
            out += static_cast<char>((buffer >> bits) & 0xFF);
        }
    }
    return out;
}

std::string strokesJson(const std::vector<Stroke>& strokes) {
    json list = json::array();
    for (const auto& stroke : strokes) {
        json points = json::array();
        // Three decimals of a pad width is finer than a finger; it keeps the response small.
        for (const auto& p : stroke)
            points.push_back(json::array({std::round(p.x * 1000.0f) / 1000.0f, std::round(p.y * 1000.0f) / 1000.0f}));
        list.push_back(std::move(points));
    }
    return json{{"strokes", list}}.dump();
}

json signatureExtension(const HandwrittenSignature& s) {
    json who = json::object();
    who["display"] = s.name;
    json type = json::object();
    type["system"] = kSignatureTypeSystem;
    type["code"] = s.roleCode.empty() ? std::string(kAuthorSignature) : s.roleCode;
    type["display"] = s.role.empty() ? std::string("Author's Signature") : s.role;
    json value = json::object();
    value["type"] = json::array({type});
    value["when"] = s.when;
    value["who"] = who;
    value["sigFormat"] = "application/json";
    value["data"] = base64Encode(strokesJson(s.strokes));
    return json{{"url", kSignatureExtensionUrl}, {"valueSignature", value}};
}

namespace {

std::vector<Stroke> parseStrokes(const json& j) {
    std::vector<Stroke> strokes;
    const json& list = j.is_object() && j.contains("strokes") ? j["strokes"] : j;
    if (!list.is_array()) return strokes;
    for (const auto& s : list) {
        const json& pts = s.is_object() && s.contains("points") ? s["points"] : s;
        if (!pts.is_array()) continue;
        Stroke stroke;
        for (const auto& p : pts) {
            if (p.is_array() && p.size() >= 2 && p[0].is_number() && p[1].is_number())
                stroke.push_back({p[0].get<float>(), p[1].get<float>()});
            else if (p.is_object() && p.contains("x") && p.contains("y") && p["x"].is_number() && p["y"].is_number())
                stroke.push_back({p["x"].get<float>(), p["y"].get<float>()});
        }
        if (!stroke.empty()) strokes.push_back(std::move(stroke));
    }
    return strokes;
}

} // namespace

std::vector<HandwrittenSignature> signaturesIn(const json& extensions) {
    std::vector<HandwrittenSignature> out;
    if (!extensions.is_array()) return out;
    for (const auto& ext : extensions) {
        if (!ext.is_object() || ext.value("url", "").find("questionnaireresponse-signature") == std::string::npos)
            continue;
        const json sig = ext.value("valueSignature", json::object());
        if (!sig.is_object()) continue;
        HandwrittenSignature m;
        m.when = sig.value("when", "");
        if (sig.contains("who") && sig["who"].is_object())
            m.name = sig["who"].value("display", sig["who"].value("reference", ""));
        if (sig.contains("type") && sig["type"].is_array() && !sig["type"].empty() && sig["type"][0].is_object()) {
            m.roleCode = sig["type"][0].value("code", "");
            m.role = sig["type"][0].value("display", m.roleCode);
        }
        if (sig.contains("data") && sig["data"].is_string()) {
            const json strokes = json::parse(base64Decode(sig["data"].get<std::string>()), nullptr, false);
            if (!strokes.is_discarded()) m.strokes = parseStrokes(strokes);
        }
        if (!m.strokes.empty()) out.push_back(std::move(m));
    }
    return out;
}

std::vector<Stroke> parseStrokesJson(const std::string& text) {
    const json j = json::parse(text, nullptr, false);
    return j.is_discarded() ? std::vector<Stroke>{} : parseStrokes(j);
}

float strokeLength(const std::vector<Stroke>& strokes) {
    float length = 0;
    for (const auto& s : strokes)
        for (std::size_t i = 1; i < s.size(); ++i) length += std::hypot(s[i].x - s[i - 1].x, s[i].y - s[i - 1].y);
    return length;
}

bool looksLikeSignature(const std::vector<Stroke>& strokes) {
    float minX = 1, maxX = 0, minY = 1, maxY = 0;
    std::size_t points = 0;
    for (const auto& s : strokes)
        for (const auto& p : s) {
            minX = std::min(minX, p.x), maxX = std::max(maxX, p.x);
            minY = std::min(minY, p.y), maxY = std::max(maxY, p.y);
            ++points;
        }
    // A tap, a dot or one short dash is not a signature: ask for a stroke at least half the pad
    // long that spans a fifth of its width and is not a flat line.
    return points >= 8 && strokeLength(strokes) >= 0.5f && maxX - minX >= 0.2f && maxY - minY >= 0.05f;
}

} // namespace mrscreen::record
