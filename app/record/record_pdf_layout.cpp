#include "record/record_pdf_layout.h"

#include <fontconfig/fontconfig.h>

#include <memory>

namespace mrscreen::record::layout {

namespace {

std::string findDejaVu(bool bold) {
    const auto fail = [&](const std::string& why) {
        return std::runtime_error("record PDF: DejaVu Sans " + std::string(bold ? "Bold" : "") + " " + why +
                                  ": install fonts-dejavu-core (apt-get install fonts-dejavu-core) and run fc-cache");
    };
    if (!FcInit()) throw fail("cannot be looked up (fontconfig failed to initialise)");
    std::unique_ptr<FcPattern, decltype(&FcPatternDestroy)> pattern(FcPatternCreate(), FcPatternDestroy);
    FcPatternAddString(pattern.get(), FC_FAMILY, reinterpret_cast<const FcChar8*>("DejaVu Sans"));
    FcPatternAddInteger(pattern.get(), FC_WEIGHT, bold ? FC_WEIGHT_BOLD : FC_WEIGHT_REGULAR);
    FcPatternAddInteger(pattern.get(), FC_SLANT, FC_SLANT_ROMAN);
    FcPatternAddInteger(pattern.get(), FC_WIDTH, FC_WIDTH_NORMAL);
    FcConfigSubstitute(nullptr, pattern.get(), FcMatchPattern);
    FcDefaultSubstitute(pattern.get());
    FcResult result = FcResultNoMatch;
    std::unique_ptr<FcPattern, decltype(&FcPatternDestroy)> match(FcFontMatch(nullptr, pattern.get(), &result),
                                                                  FcPatternDestroy);
    if (!match) throw fail("was not found");
    FcChar8* family = nullptr;
    FcChar8* file = nullptr;
    int weight = 0;
    if (FcPatternGetString(match.get(), FC_FAMILY, 0, &family) != FcResultMatch ||
        FcPatternGetString(match.get(), FC_FILE, 0, &file) != FcResultMatch)
        throw fail("was not found");
    FcPatternGetInteger(match.get(), FC_WEIGHT, 0, &weight);
    const std::string familyName = reinterpret_cast<const char*>(family);
    const std::string path = reinterpret_cast<const char*>(file);
    // fontconfig always answers with some font; only the real family and weight will do.
    if (familyName != "DejaVu Sans" || (bold ? weight < FC_WEIGHT_BOLD : weight >= FC_WEIGHT_BOLD))
        throw fail("was not found (fontconfig offers " + familyName + " at " + path + ")");
    if (path.size() < 4 || path.compare(path.size() - 4, 4, ".ttf") != 0)
        throw fail("is not a TrueType file (" + path + ")");
    return path;
}

} // namespace

const FontFiles& fontFiles() {
    static const FontFiles files{findDejaVu(false), findDejaVu(true)};
    return files;
}

// Valid UTF-8 with control characters (other than newline) as spaces; invalid bytes become U+FFFD.
std::string cleanText(const std::string& s) {
    std::string out;
    out.reserve(s.size());
    std::size_t i = 0;
    while (i < s.size()) {
        const auto c = static_cast<unsigned char>(s[i]);
        std::size_t n = c < 0x80 ? 1 : (c >> 5) == 0x6 ? 2 : (c >> 4) == 0xE ? 3 : (c >> 3) == 0x1E ? 4 : 0;
        bool ok = n > 0 && i + n <= s.size();
        for (std::size_t k = 1; ok && k < n; ++k)
            ok = (static_cast<unsigned char>(s[i + k]) & 0xC0) == 0x80;
        if (!ok) {
            out += "\xEF\xBF\xBD";
            ++i;
            continue;
        }
        if (n == 1 && c < 0x20 && c != '\n')
            out += ' ';
        else if (c != '\r')
            out.append(s, i, n);
        i += n;
    }
    return out;
}

std::size_t utf8Length(unsigned char lead) {
    return lead < 0x80 ? 1 : (lead >> 5) == 0x6 ? 2 : (lead >> 4) == 0xE ? 3 : 4;
}

std::string shortHash(const std::string& hash) { return hash.size() > 16 ? hash.substr(0, 16) + "…" : hash; }

void place(Canvas& c, const std::vector<Block>& blocks) {
    const float body = kContentTop - c.bottom;
    for (std::size_t i = 0; i < blocks.size(); ++i) {
        const Block& b = blocks[i];
        // A run of headings stays with the first block that follows them. A block taller than a
        // page breaks between its rows anyway, so it needs room only for a start, not a fresh page
        // (which would strand the headings above it on a page of their own).
        std::size_t k = i;
        float need = 0;
        for (; blocks[k].keepWithNext && k + 1 < blocks.size(); ++k)
            need += blocks[k].height();
        need += blocks[k].height() <= body ? blocks[k].height() : body / 4;
        need = std::min(need, body);
        if (need > c.remaining() && !c.pageEmpty()) c.newPage();
        // Rows break across pages only in a block taller than a whole page.
        for (const Row& r : b.rows) {
            if (r.height > c.remaining() && !c.pageEmpty()) c.newPage();
            if (r.draw) r.draw(c, c.y);
            c.y -= r.height;
        }
    }
}

Fonts stylesFor(const Canvas& c) {
    Fonts f;
    f.body = {c.regular, 9, kInk};
    f.bodyBold = {c.bold, 9, kInk};
    f.small = {c.regular, 7.5f, kGrey};
    f.smallBold = {c.bold, 7.5f, kGrey};
    f.english = {c.regular, 8, kGrey};
    f.heading = {c.bold, 12, kAccent};
    f.headingEnglish = {c.regular, 9.5f, kGrey};
    f.title = {c.bold, 15, kInk};
    return f;
}


Block heading(const Canvas& c, const Fonts& f, const std::string& text, const std::string& english, float size) {
    Style hs = f.heading;
    hs.size = size;
    const std::string main = c.fit(text, hs, kContentW);
    std::string second;
    if (!english.empty() && english != text) second = english;
    const float mainW = c.width(main, hs);
    const bool beside = !second.empty() && mainW + 10 + c.width(second, f.headingEnglish) <= kContentW;
    const float h = hs.leading() + (second.empty() || beside ? 0 : f.headingEnglish.leading()) + 3;
    Block b;
    b.keepWithNext = true;
    b.rows.push_back(gap(size >= 12 ? 10 : 6));
    b.rows.push_back(Row{h, [=, &c](Canvas&, float top) {
                             c.text(kMargin, top, main, hs);
                             if (beside)
                                 c.text(kMargin + mainW + 10, top - (hs.size - f.headingEnglish.size), second,
                                        f.headingEnglish);
                             else if (!second.empty())
                                 c.text(kMargin, top - hs.leading(), c.fit(second, f.headingEnglish, kContentW),
                                        f.headingEnglish);
                             if (size >= 12) c.hline(kMargin, kMargin + kContentW, top - h + 1, kRule, 0.8f);
                         }});
    b.rows.push_back(gap(4));
    return b;
}


Block labelled(const Canvas& c, const Fonts& f, const std::string& label, const std::string& value,
               const Style* valueStyle) {
    constexpr float labelW = 118;
    const Style vs = valueStyle ? *valueStyle : f.body;
    const auto ls = c.wrap(label, f.smallBold, labelW - 6);
    const auto vl = c.wrap(value.empty() ? "—" : value, vs, kContentW - labelW);
    const float h = std::max(float(ls.size()) * f.smallBold.leading() + 1.5f, float(vl.size()) * vs.leading()) + 2;
    Block b;
    b.rows.push_back(Row{h, [=, &c](Canvas&, float top) {
                             c.lines(kMargin, top - 1.5f, ls, f.smallBold);
                             c.lines(kMargin + labelW, top, vl, vs);
                         }});
    return b;
}

Block paragraph(const Canvas& c, const Style& st, const std::string& text, float indent) {
    const auto ls = c.wrap(text, st, kContentW - indent);
    Block b;
    b.rows.push_back(Row{float(ls.size()) * st.leading() + 2,
                         [=, &c](Canvas&, float top) { c.lines(kMargin + indent, top, ls, st); }});
    return b;
}

} // namespace mrscreen::record::layout
