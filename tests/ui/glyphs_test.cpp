// Every character the kiosk can show is in its font atlas: a missing glyph is drawn as "?", which
// turned "spatial gradient ≤ 2.0 T/m" on the staff screens into "spatial gradient ? 2.0 T/m". The
// texts come from the screens' code, the store's and the engine's messages, the kiosk's strings and
// every form and rules file (all languages, archived versions too).
#include "test_support.h"

#include "ui/kiosk.h"

#include <catch2/catch.hpp>
#include <imgui.h>

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

std::map<char32_t, std::string> charactersShown() {
    std::map<char32_t, std::string> seen;
    const fs::path root = MRSCREEN_SOURCE_DIR;
    for (const char* dir : {"app/ui", "app/screening", "app/store", "assets", "forms", "forms/archive"})
        for (const auto& entry : fs::directory_iterator(root / dir)) {
            const auto ext = entry.path().extension();
            if (ext == ".cpp" || ext == ".h" || ext == ".json")
                nonAsciiIn(test::slurp(entry.path().string()), entry.path().lexically_relative(root).string(), seen);
        }
    nonAsciiIn(test::slurp((root / "app/cli/kiosk_services.cpp").string()), "app/cli/kiosk_services.cpp", seen);
    return seen;
}

} // namespace

TEST_CASE("every character the screens, messages, strings and forms hold has a glyph in both fonts") {
    ImGuiContext* context = ImGui::CreateContext();
    const ui::Fonts fonts = ui::loadFonts(24);
    unsigned char* pixels = nullptr;
    int w = 0, h = 0;
    ImGui::GetIO().Fonts->GetTexDataAsRGBA32(&pixels, &w, &h);
    const auto shown = charactersShown();
    CHECK(shown.count(U'≤') == 1); // the scan reads what it should
    CHECK(shown.count(U'ñ') == 1);
    for (const auto& [c, where] : shown) {
        INFO("U+" << std::hex << std::uppercase << std::uint32_t(c) << " first seen in " << where);
        for (ImFont* font : {fonts.body[0], fonts.title[0], fonts.body[1], fonts.title[1]})
            CHECK(font->FindGlyphNoFallback(ImWchar(c)) != nullptr);
    }
    ImGui::DestroyContext(context);
}
