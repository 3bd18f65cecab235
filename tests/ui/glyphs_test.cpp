// Every character the kiosk can show is in its font atlas: a missing glyph is drawn as "?", which
// turned "spatial gradient ≤ 2.0 T/m" on the staff screens into "spatial gradient ? 2.0 T/m". The
// atlas holds only what the kiosk shows, so the texts come from where the kiosk's are: the screens'
// code (escaped UTF-8 like "\xE2\x9C\x93" too), the store's and the engine's messages, the kiosk's
// strings, keyboard and body map, and every form and rules file (all languages, archived too).
#include "test_support.h"

#include "ui/kiosk.h"

#include <catch2/catch.hpp>
#include <imgui.h>
#include <nlohmann/json.hpp>

#include <cctype>
#include <cfloat>
#include <filesystem>
#include <map>
#include <set>
#include <string>

using namespace mrscreen;
namespace fs = std::filesystem;

namespace {

// The code points above ASCII in a UTF-8 text, each with where it was first seen.
void nonAsciiIn(const std::string& text, const std::string& where, std::map<char32_t, std::string>& seen) {
    for (std::size_t i = 0; i < text.size();) {
        const unsigned char b = static_cast<unsigned char>(text[i]);
        int length = b < 0x80 ? 1 : (b >> 5) == 0x6 ? 2 : (b >> 4) == 0xE ? 3 : (b >> 3) == 0x1E ? 4 : 1;
        if (i + std::size_t(length) > text.size()) length = 1;
        char32_t c = length == 1 ? b : b & (0xFF >> (length + 1));
        for (int k = 1; k < length; ++k) c = (c << 6) | (static_cast<unsigned char>(text[i + std::size_t(k)]) & 0x3F);
        if (c > 0x7E) seen.emplace(c, where);
        i += std::size_t(length);
    }
}

// Source code writes some characters as escaped bytes ("\xE2\x96\xA0"): decoded, they are text.
std::string escapedBytes(const std::string& code) {
    std::string out;
    for (std::size_t i = 0; i + 3 < code.size(); ++i)
        if (code[i] == '\\' && code[i + 1] == 'x' && std::isxdigit(static_cast<unsigned char>(code[i + 2])) &&
            std::isxdigit(static_cast<unsigned char>(code[i + 3]))) {
            out += static_cast<char>(std::stoi(code.substr(i + 2, 2), nullptr, 16));
            i += 3;
        } else if (!out.empty() && out.back() != ' ') {
            out += ' ';
        }
    return out;
}

// A JSON file's text with its \u escapes decoded.
std::string jsonText(const fs::path& file) { return nlohmann::json::parse(test::slurp(file.string())).dump(); }

const fs::path root = MRSCREEN_SOURCE_DIR;

std::map<char32_t, std::string> charactersShown() {
    std::map<char32_t, std::string> seen;
    auto code = [&](const fs::path& file) {
        const std::string text = test::slurp(file.string());
        const std::string where = file.lexically_relative(root).string();
        nonAsciiIn(text, where, seen);
        nonAsciiIn(escapedBytes(text), where, seen);
    };
    for (const char* dir : {"app/ui", "app/screening", "app/store"})
        for (const auto& entry : fs::directory_iterator(root / dir))
            if (entry.path().extension() == ".cpp" || entry.path().extension() == ".h") code(entry.path());
    code(root / "app/cli/kiosk_services.cpp");
    for (const char* dir : {"assets", "forms", "forms/archive"})
        for (const auto& entry : fs::directory_iterator(root / dir))
            if (entry.path().extension() == ".json")
                nonAsciiIn(jsonText(entry.path()), entry.path().lexically_relative(root).string(), seen);
    // The keyboard's shift types the upper case of its Latin-1 letters.
    std::map<char32_t, std::string> keys;
    nonAsciiIn(jsonText(root / "assets/keyboard.json"), "", keys);
    for (const auto& [c, where] : keys)
        if (c >= 0xE0 && c <= 0xFE && c != 0xF7) seen.emplace(c - 0x20, "assets/keyboard.json (shifted)");
    return seen;
}

// What the kiosk gives the atlas beyond its own words: the form's and rules' texts.
std::string formText() {
    return jsonText(root / "forms/mri-safety.questionnaire.json") + jsonText(root / "forms/mri-safety.rules.json");
}

} // namespace

TEST_CASE("every character the screens, messages, strings, keyboard, body map and forms hold has a glyph in "
          "every font") {
    ImGuiContext* context = ImGui::CreateContext();
    const ui::Fonts fonts = ui::loadFonts(24, formText());
    unsigned char* pixels = nullptr;
    int w = 0, h = 0;
    ImGui::GetIO().Fonts->GetTexDataAsAlpha8(&pixels, &w, &h);
    const auto shown = charactersShown();
    CHECK(shown.count(U'≤') == 1); // the scan reads what it should
    CHECK(shown.count(U'ñ') == 1);
    CHECK(shown.count(U'✓') == 1); // written as escaped bytes in the code
    CHECK(shown.count(U'Ü') == 1); // the keyboard's shifted ü
    for (const auto& [c, where] : shown) {
        INFO("U+" << std::hex << std::uppercase << std::uint32_t(c) << " first seen in " << where);
        for (ImFont* font : {fonts.body[0], fonts.title[0], fonts.body[1], fonts.title[1]})
            CHECK(font->FindGlyph(ImWchar(c))->Codepoint == c); // not the fallback glyph
    }
    ImGui::DestroyContext(context);
}

TEST_CASE("the atlas holds only the characters the kiosk can show, and any character of the form it is given") {
    const auto has = [](const std::vector<unsigned short>& ranges, char32_t c) {
        for (std::size_t i = 0; i + 1 < ranges.size(); i += 2)
            if (c >= ranges[i] && c <= ranges[i + 1]) return true;
        return false;
    };
    const auto plain = ui::atlasRanges("");
    CHECK(has(plain, U'a'));
    CHECK(has(plain, U'ñ'));
    CHECK(has(plain, U'≤'));
    CHECK(has(plain, U'Ł')); // Latin Extended-A: names a worklist sends
    CHECK_FALSE(has(plain, U'Ω'));
    const auto withForm = ui::atlasRanges("Łódź, Ω");
    CHECK(has(withForm, U'Ł'));
    CHECK(has(withForm, U'ź'));
    CHECK(has(withForm, U'Ω'));
}

TEST_CASE("the replacement character and an invalid UTF-8 byte are drawn as �, though the glyph index stops far "
          "below U+FFFD") {
    ImGuiContext* context = ImGui::CreateContext();
    const ui::Fonts fonts = ui::loadFonts(24, formText());
    for (ImFont* font : {fonts.body[0], fonts.title[0], fonts.body[1], fonts.title[1]}) {
        INFO("font of " << font->FontSize << " px");
        CHECK(font->FallbackChar == 0xFFFD);
        const ImFontGlyph* replacement = font->FindGlyph(0xFFFD);
        CHECK(replacement->Codepoint == 0xFFFD);
        // 6 bytes a code point: an index to U+FFFD would be 384 KiB a font, this one a fifth of it.
        CHECK(font->IndexLookup.Size < 0x3000);
        CHECK(font->IndexAdvanceX.Size == font->IndexLookup.Size);
        const float width = replacement->AdvanceX;
        CHECK(font->CalcTextSizeA(font->FontSize, FLT_MAX, 0, "\xEF\xBF\xBD").x == Approx(width));
        CHECK(font->CalcTextSizeA(font->FontSize, FLT_MAX, 0, "\xFF").x == Approx(width)); // invalid byte
        CHECK(font->FindGlyph(U'≤')->Codepoint == U'≤'); // glyphs below the end of the index are found
    }
    ImGui::DestroyContext(context);
}
