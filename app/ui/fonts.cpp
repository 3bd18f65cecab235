// [SECTION] fonts: the body size a screen needs, and an atlas of only the characters the kiosk can
// show (a smaller atlas is less memory in the renderer and a faster start).
#include "record/embedded_assets.h"
#include "ui/kiosk.h"

#include <fontconfig/fontconfig.h>
#include <imgui.h>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <cmath>
#include <list>
#include <stdexcept>

namespace mrscreen::ui {

namespace {

std::string fontFile(const char* pattern) {
    FcInit();
    FcPattern* pat = FcNameParse(reinterpret_cast<const FcChar8*>(pattern));
    FcConfigSubstitute(nullptr, pat, FcMatchPattern);
    FcDefaultSubstitute(pat);
    FcResult result;
    FcPattern* match = FcFontMatch(nullptr, pat, &result);
    std::string path;
    FcChar8* file = nullptr;
    FcChar8* family = nullptr;
    if (match && FcPatternGetString(match, FC_FILE, 0, &file) == FcResultMatch &&
        FcPatternGetString(match, FC_FAMILY, 0, &family) == FcResultMatch) {
        const std::string fam = reinterpret_cast<const char*>(family);
        const std::string f = reinterpret_cast<const char*>(file);
        // Only a TrueType face with the Latin letters the forms need will do.
        if ((fam.find("DejaVu Sans") != std::string::npos || fam.find("Noto Sans") != std::string::npos) &&
            f.size() > 4 && f.substr(f.size() - 4) == ".ttf")
            path = f;
    }
    if (match) FcPatternDestroy(match);
    FcPatternDestroy(pat);
    return path;
}

// A JSON document's text with its \u escapes decoded, so every character it shows is seen.
std::string jsonCharacters(std::string_view text) { return nlohmann::json::parse(text).dump(); }

// ImGui indexes a font's glyphs by code point, 6 bytes for every code point up to the highest one
// it has: U+FFFD alone makes that 64K entries, 384 KiB per font. U+FFFD is the font's fallback,
// which FindGlyph returns for every code point beyond the index, so the index can stop at the
// highest other glyph and still draw it (and an invalid UTF-8 byte) as itself.
void shrinkGlyphIndex(ImFont& font) {
    int highest = 0;
    for (const ImFontGlyph& glyph : font.Glyphs)
        if (glyph.Codepoint != font.FallbackChar) highest = std::max(highest, int(glyph.Codepoint));
    if (font.IndexLookup.Size <= highest + 1) return;
    // Copies of exactly the size kept: ImVector::resize would keep the old capacity.
    ImVector<ImWchar> lookup;
    ImVector<float> advance;
    lookup.reserve(highest + 1);
    advance.reserve(highest + 1);
    for (int c = 0; c <= highest; ++c) {
        lookup.push_back(font.IndexLookup[c]);
        advance.push_back(font.IndexAdvanceX[c]);
    }
    font.IndexLookup.swap(lookup);
    font.IndexAdvanceX.swap(advance);
}

} // namespace

// The symbols the screens' code draws itself: ✓ on a chosen tile, ■ before an error, the keyboard's
// ⇧ and ⌫, − and ≤ ≥ in MR Conditional limits, µ/μ in units, arrows, dashes and quotes in
// messages, ▲ ▼ on flags and lists, � for an unreadable name. tests/ui/glyphs_test.cpp finds every character
// the code holds and fails when one is missing here.
constexpr ImWchar kAlways[] = {
    0x0020, 0x007E, // ASCII
    0x00A0, 0x00FF, // Latin-1: names typed on the keyboard (its upper case too) or sent by a worklist
    0x0100, 0x017F, // Latin Extended-A: names a worklist sends (Ł, Š, ő) and older form versions
    0x03BC, 0x03BC, 0x2013, 0x2014, 0x2018, 0x201D, 0x2022, 0x2022, 0x2026, 0x2026, 0x2190, 0x2193,
    0x21E7, 0x21E7, 0x2212, 0x2212, 0x2264, 0x2265, 0x232B, 0x232B, 0x25A0, 0x25A0, 0x25B2, 0x25B2, 0x25BC, 0x25BC,
    0x2713, 0x2713, 0x2717, 0x2717, 0xFFFD, 0xFFFD, 0};

std::vector<ImWchar> atlasRanges(const std::string& shownText) {
    ImFontGlyphRangesBuilder builder;
    builder.AddRanges(kAlways);
    for (const char* asset : {"ui-strings.json", "keyboard.json", "body-map.json"})
        builder.AddText(jsonCharacters(record::embeddedAsset(asset)).c_str());
    builder.AddText(shownText.c_str());
    ImVector<ImWchar> ranges;
    builder.BuildRanges(&ranges);
    return std::vector<ImWchar>(ranges.begin(), ranges.end());
}

Fonts loadFonts(float pixelSize, const std::string& shownText) {
    std::string regular = fontFile("DejaVu Sans:style=Book");
    if (regular.empty()) regular = fontFile("Noto Sans:style=Regular");
    std::string bold = fontFile("DejaVu Sans:style=Bold");
    if (bold.empty()) bold = fontFile("Noto Sans:style=Bold");
    if (regular.empty())
        throw std::runtime_error("no DejaVu Sans or Noto Sans TrueType font was found through fontconfig; install "
                                 "the Debian package fonts-dejavu-core (kiosk-setup/mrscreen deps does)");
    if (bold.empty()) bold = regular;
    // The atlas reads its ranges when it is built, after this returns: they live as long as the
    // program (one small list per call, in practice one call).
    static std::list<std::vector<ImWchar>> keep;
    const ImWchar* ranges = keep.emplace_back(atlasRanges(shownText)).data();
    ImGuiIO& io = ImGui::GetIO();
    io.Fonts->Flags |= ImFontAtlasFlags_NoMouseCursors; // a touch kiosk draws no cursor
    // Only as tall as the glyphs need, not rounded up to a power of two (up to half of it empty).
    io.Fonts->Flags |= ImFontAtlasFlags_NoPowerOfTwoHeight;
    ImFontConfig config;
    config.OversampleH = 1; // at 20-60 px glyphs, oversampling buys nothing visible and doubles the atlas
    config.OversampleV = 1;
    Fonts f;
    for (int i = 0; i < 2; ++i) {
        const float size = std::round(pixelSize * kLargerText[i]);
        f.size[i] = size;
        f.body[i] = io.Fonts->AddFontFromFileTTF(regular.c_str(), size, &config, ranges);
        f.title[i] = io.Fonts->AddFontFromFileTTF(bold.c_str(), std::round(size * 1.35f), &config, ranges);
        if (!f.body[i] || !f.title[i]) throw std::runtime_error("could not load the font " + regular);
    }
    if (!io.Fonts->Build()) throw std::runtime_error("could not build the font atlas from " + regular);
    for (ImFont* font : io.Fonts->Fonts) shrinkGlyphIndex(*font);
    return f;
}

// A body size that fits the layout (about 27 lines down the short side, 40 ems across the long
// one), the same for both orientations of one screen; on a small, dense screen whose size is
// known, raised so body text is at least 4.5 mm tall, as far as the layout has room (22 lines).
float fontSizeFor(int displayWidth, int displayHeight, ScreenSize physical) {
    const float shortSide = float(std::min(displayWidth, displayHeight));
    const float longSide = float(std::max(displayWidth, displayHeight));
    float size = std::min(shortSide / 27.0f, longSide / 40.0f);
    float pxPerMm = 0;
    if (physical.widthMm > 0 && physical.heightMm > 0) {
        const float x = float(displayWidth) / physical.widthMm, y = float(displayHeight) / physical.heightMm;
        // Monitors without EDID report nonsense (0, 1 cm, or a size for the other orientation).
        if (x > 2 && x < 25 && y > 2 && y < 25 && std::max(x, y) < std::min(x, y) * 1.25f) pxPerMm = (x + y) / 2;
    }
    if (pxPerMm == 0 && physical.contentScale > 1.01f) pxPerMm = 96.0f * physical.contentScale / 25.4f;
    if (pxPerMm > 0) size = std::max(size, std::min(4.5f * pxPerMm, shortSide / 22.0f));
    return std::clamp(std::round(size), 18.0f, 48.0f);
}

} // namespace mrscreen::ui
