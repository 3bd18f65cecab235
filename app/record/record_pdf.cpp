#include "record/record_pdf.h"

#include "record/body_figure.h"
#include "record/handwritten_signature.h"
#include "screening/answers.h"
#include "screening/mr_conditional.h"
#include "screening/response.h"
#include "store/audit.h"

#include <fontconfig/fontconfig.h>
#include <hpdf.h>
#include <hpdf_doc.h>
#include <nlohmann/json.hpp>
#include <qrencode.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <functional>
#include <memory>
#include <stdexcept>
#include <string>
#include <vector>

namespace mrscreen::record {

using namespace screening;
using nlohmann::json;

namespace {

// [SECTION] fonts through fontconfig

struct FontFiles {
    std::string regular;
    std::string bold;
};

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

const FontFiles& fontFiles() {
    static const FontFiles files{findDejaVu(false), findDejaVu(true)};
    return files;
}

// [SECTION] text helpers

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

// [SECTION] drawing on libharu pages

struct Color {
    float r, g, b;
};
constexpr Color kInk{0.10f, 0.10f, 0.12f};
constexpr Color kGrey{0.42f, 0.42f, 0.45f};
constexpr Color kRule{0.78f, 0.79f, 0.82f};
constexpr Color kShade{0.95f, 0.96f, 0.97f};
constexpr Color kAccent{0.10f, 0.25f, 0.45f};
constexpr Color kStop{0.74f, 0.11f, 0.11f};
constexpr Color kReview{0.82f, 0.47f, 0.02f};
constexpr Color kInfo{0.18f, 0.42f, 0.68f};
constexpr Color kGood{0.11f, 0.50f, 0.23f};
constexpr Color kWhite{1, 1, 1};

constexpr float kPageW = 595.276f, kPageH = 841.89f;
constexpr float kMargin = 40;
constexpr float kContentW = kPageW - 2 * kMargin;
constexpr float kHeaderTop = kPageH - 34;
constexpr float kHeaderH = 66;
constexpr float kContentTop = kHeaderTop - kHeaderH - 14;
constexpr float kContentBottom = 46;

struct Style {
    HPDF_Font font = nullptr;
    float size = 9;
    Color color = kInk;
    float leading() const { return size * 1.3f; }
};

class Canvas {
public:
    Canvas() {
        doc_ = HPDF_New(&Canvas::onError, this);
        if (!doc_) throw std::runtime_error("record PDF: libharu could not start (out of memory)");
        HPDF_SetCompressionMode(doc_, HPDF_COMP_ALL);
        HPDF_UseUTFEncodings(doc_);
        HPDF_SetCurrentEncoder(doc_, "UTF-8");
        check("setting up UTF-8 text");
        const FontFiles& files = fontFiles();
        regular = loadFont(files.regular);
        bold = loadFont(files.bold);
    }
    ~Canvas() { HPDF_Free(doc_); }
    Canvas(const Canvas&) = delete;
    Canvas& operator=(const Canvas&) = delete;

    HPDF_Doc doc() const { return doc_; }
    HPDF_Font regular = nullptr;
    HPDF_Font bold = nullptr;
    std::vector<HPDF_Page> pages;
    HPDF_Page page = nullptr;
    float y = kContentTop; // top of the next thing drawn

    void check(const std::string& what) const {
        if (!error_) return;
        char code[64];
        std::snprintf(code, sizeof code, "libharu error 0x%04X (detail %u)", unsigned(error_), unsigned(detail_));
        throw std::runtime_error("record PDF: " + std::string(code) + " while " + what +
                                 "; check the libharu installation (libhpdf) and the fonts (fonts-dejavu-core)");
    }

    void newPage() {
        page = HPDF_AddPage(doc_);
        HPDF_Page_SetSize(page, HPDF_PAGE_SIZE_A4, HPDF_PAGE_PORTRAIT);
        check("adding a page");
        pages.push_back(page);
        y = kContentTop;
    }
    bool pageEmpty() const { return y >= kContentTop - 0.5f; }
    float remaining() const { return y - kContentBottom; }

    float width(const std::string& s, const Style& st) const {
        if (s.empty()) return 0;
        const HPDF_TextWidth w =
            HPDF_Font_TextWidth(st.font, reinterpret_cast<const HPDF_BYTE*>(s.data()), HPDF_UINT(s.size()));
        return float(w.width) * st.size / 1000.0f;
    }

    // Lines of at most `maxWidth`: breaks at spaces, and inside words only when one word is wider.
    std::vector<std::string> wrap(const std::string& raw, const Style& st, float maxWidth) const {
        std::vector<std::string> lines;
        const std::string text = cleanText(raw);
        std::size_t start = 0;
        while (start <= text.size()) {
            const std::size_t nl = std::min(text.find('\n', start), text.size());
            const std::string para = text.substr(start, nl - start);
            start = nl + 1;
            std::string line;
            std::size_t p = 0;
            while (p < para.size()) {
                const std::size_t e = std::min(para.find(' ', p), para.size());
                std::string word = para.substr(p, e - p);
                p = e + 1;
                if (word.empty()) continue;
                const std::string candidate = line.empty() ? word : line + " " + word;
                if (width(candidate, st) <= maxWidth) {
                    line = candidate;
                    continue;
                }
                if (!line.empty()) lines.push_back(line);
                line.clear();
                while (width(word, st) > maxWidth) {
                    std::size_t cut = 0;
                    float w = 0;
                    while (cut < word.size()) {
                        const std::size_t n = utf8Length(static_cast<unsigned char>(word[cut]));
                        const float cw = width(word.substr(cut, n), st);
                        if (w + cw > maxWidth && cut > 0) break;
                        w += cw;
                        cut += n;
                    }
                    lines.push_back(word.substr(0, cut));
                    word.erase(0, cut);
                }
                line = word;
            }
            lines.push_back(line);
            if (nl == text.size()) break;
        }
        while (lines.size() > 1 && lines.back().empty()) lines.pop_back();
        return lines;
    }

    // Cuts `s` to fit `maxWidth`, ending in an ellipsis when cut.
    std::string fit(const std::string& raw, const Style& st, float maxWidth) const {
        std::string s = cleanText(raw);
        if (width(s, st) <= maxWidth) return s;
        while (!s.empty() && width(s + "…", st) > maxWidth) {
            std::size_t back = s.size() - 1;
            while (back > 0 && (static_cast<unsigned char>(s[back]) & 0xC0) == 0x80) --back;
            s.erase(back);
        }
        return s + "…";
    }

    // One line whose top is at `top`.
    void text(float x, float top, const std::string& s, const Style& st) const {
        if (s.empty()) return;
        HPDF_Page_BeginText(page);
        HPDF_Page_SetFontAndSize(page, st.font, st.size);
        HPDF_Page_SetRGBFill(page, st.color.r, st.color.g, st.color.b);
        HPDF_Page_TextOut(page, x, top - st.size, s.c_str());
        HPDF_Page_EndText(page);
    }
    void lines(float x, float top, const std::vector<std::string>& ls, const Style& st) const {
        for (const auto& l : ls) {
            text(x, top, l, st);
            top -= st.leading();
        }
    }
    void fillRect(float x, float top, float w, float h, Color c) const {
        HPDF_Page_SetRGBFill(page, c.r, c.g, c.b);
        HPDF_Page_Rectangle(page, x, top - h, w, h);
        HPDF_Page_Fill(page);
    }
    void strokeRect(float x, float top, float w, float h, Color c, float lineWidth = 0.6f) const {
        HPDF_Page_SetRGBStroke(page, c.r, c.g, c.b);
        HPDF_Page_SetLineWidth(page, lineWidth);
        HPDF_Page_Rectangle(page, x, top - h, w, h);
        HPDF_Page_Stroke(page);
    }
    void hline(float x0, float x1, float atY, Color c, float lineWidth = 0.5f) const {
        HPDF_Page_SetRGBStroke(page, c.r, c.g, c.b);
        HPDF_Page_SetLineWidth(page, lineWidth);
        HPDF_Page_MoveTo(page, x0, atY);
        HPDF_Page_LineTo(page, x1, atY);
        HPDF_Page_Stroke(page);
    }

    std::string save() const {
        check("building the document");
        if (HPDF_SaveToStream(doc_) != HPDF_OK) check("writing the document");
        check("writing the document");
        std::string out(HPDF_GetStreamSize(doc_), '\0');
        HPDF_UINT32 size = HPDF_UINT32(out.size());
        HPDF_ReadFromStream(doc_, reinterpret_cast<HPDF_BYTE*>(out.data()), &size);
        out.resize(size);
        check("reading back the document");
        return out;
    }

private:
    HPDF_Doc doc_ = nullptr;
    HPDF_STATUS error_ = 0;
    HPDF_STATUS detail_ = 0;

    static void onError(HPDF_STATUS error, HPDF_STATUS detail, void* self) {
        auto* c = static_cast<Canvas*>(self);
        if (c->error_ == 0) {
            c->error_ = error;
            c->detail_ = detail;
        }
    }

    HPDF_Font loadFont(const std::string& path) {
        const char* name = HPDF_LoadTTFontFromFile(doc_, path.c_str(), HPDF_TRUE);
        check("loading the font " + path);
        HPDF_Font font = HPDF_GetFont(doc_, name, "UTF-8");
        check("loading the font " + path);
        replaceToUnicode(font);
        return font;
    }

    // libharu 2.3.0 gives UTF-8 fonts a ToUnicode CMap made of cidrange operators, which readers
    // refuse ("Invalid 'begincidrange' operator in ToUnicode CMap"). Its codes are the Unicode
    // code points themselves, so the right map is the identity, as bfranges (one per high byte).
    void replaceToUnicode(HPDF_Font font) {
        std::string cmap = "/CIDInit /ProcSet findresource begin\n12 dict begin\nbegincmap\n"
                           "/CIDSystemInfo << /Registry (Adobe) /Ordering (UCS) /Supplement 0 >> def\n"
                           "/CMapName /Adobe-Identity-UCS def\n/CMapType 2 def\n"
                           "1 begincodespacerange\n<0000> <FFFF>\nendcodespacerange\n";
        std::vector<unsigned> highs;
        for (unsigned h = 0; h < 256; ++h)
            if (h < 0xD8 || h > 0xDF) highs.push_back(h); // no surrogates
        for (std::size_t i = 0; i < highs.size(); i += 100) {
            const std::size_t n = std::min<std::size_t>(100, highs.size() - i);
            cmap += std::to_string(n) + " beginbfrange\n";
            for (std::size_t k = i; k < i + n; ++k) {
                char line[32];
                std::snprintf(line, sizeof line, "<%02X00> <%02XFF> <%02X00>\n", highs[k], highs[k], highs[k]);
                cmap += line;
            }
            cmap += "endbfrange\n";
        }
        cmap += "endcmap\nCMapName currentdict /CMap defineresource pop\nend\nend\n";
        HPDF_Dict stream = HPDF_DictStream_New(doc_->mmgr, doc_->xref);
        check("adding the font's text map");
        stream->filter = HPDF_STREAM_FILTER_FLATE_DECODE;
        HPDF_Stream_Write(stream->stream, reinterpret_cast<const HPDF_BYTE*>(cmap.data()), HPDF_UINT(cmap.size()));
        HPDF_Dict_Add(font, "ToUnicode", stream);
        check("adding the font's text map");
    }
};

// [SECTION] blocks: measured first, then placed so page breaks fall between them

struct Row {
    float height = 0;
    std::function<void(Canvas&, float top)> draw; // empty: spacing
};

struct Block {
    std::vector<Row> rows;
    bool keepWithNext = false; // a heading stays on the page of what follows it
    float height() const {
        float h = 0;
        for (const auto& r : rows) h += r.height;
        return h;
    }
};

void place(Canvas& c, const std::vector<Block>& blocks) {
    const float body = kContentTop - kContentBottom;
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

Row gap(float h) { return Row{h, {}}; }

struct Fonts {
    Style body, bodyBold, small, smallBold, english, heading, headingEnglish, title;
};

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

// A section title with a rule under it; `english` beside it in grey when it differs.
Block heading(const Canvas& c, const Fonts& f, const std::string& text, const std::string& english,
              float size = 12) {
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

// "Label   value" with the value wrapped in its column.
Block labelled(const Canvas& c, const Fonts& f, const std::string& label, const std::string& value,
               const Style* valueStyle = nullptr) {
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

Block paragraph(const Canvas& c, const Style& st, const std::string& text, float indent = 0) {
    const auto ls = c.wrap(text, st, kContentW - indent);
    Block b;
    b.rows.push_back(Row{float(ls.size()) * st.leading() + 2,
                         [=, &c](Canvas&, float top) { c.lines(kMargin + indent, top, ls, st); }});
    return b;
}

// [SECTION] answers as text

std::string yesNo(bool b, const std::string& lang) {
    if (lang == "es") return b ? "Sí" : "No";
    if (lang == "fr") return b ? "Oui" : "Non";
    if (lang == "de") return b ? "Ja" : "Nein";
    return b ? "Yes" : "No";
}

std::string answerText(const Item& item, const Answer& a, const std::string& lang) {
    if (!a.invalid.empty()) return "(unreadable answer: " + a.invalid + ")";
    const Value& v = a.value;
    switch (v.type) {
    case ValueType::Boolean: return yesNo(v.boolean, lang);
    case ValueType::Coding: {
        if (const AnswerOption* o = item.option(v)) return o->display.in(lang);
        return v.coding.display.empty() ? v.coding.code : v.coding.display;
    }
    case ValueType::Decimal:
    case ValueType::Integer:
        if (item.unit) return v.toText() + " " + (item.unit->display.empty() ? item.unit->code : item.unit->display);
        return v.toText();
    default: return v.toText();
    }
}

// [SECTION] the record's parts

struct Ctx {
    Canvas& c;
    Fonts f;
    const RecordInput& in;
    const store::ScreeningDetail& d;
    const Questionnaire& form;
    std::string lang;
    std::string base; // the form's own language (English)
};

Block questionBlock(const Ctx& x, const Item& item, const ResponseItem& node) {
    constexpr float gapW = 14;
    const float leftW = kContentW * 0.5f - gapW / 2;
    const float rightW = kContentW - leftW - gapW;
    const float rightX = kMargin + leftW + gapW;
    struct Line {
        std::string text;
        Style style;
    };
    std::vector<Line> left, right;
    const auto add = [&](std::vector<Line>& to, const std::string& text, const Style& st, float w) {
        for (auto& l : x.c.wrap(text, st, w)) to.push_back({std::move(l), st});
    };
    const std::string q = item.text.in(x.lang), qEn = item.text.in(x.base);
    add(left, q.empty() ? item.linkId : q, x.f.body, leftW);
    if (qEn != q && !qEn.empty()) add(left, qEn, x.f.english, leftW);
    for (const Answer& a : node.answers) {
        const std::string t = answerText(item, a, x.lang), tEn = answerText(item, a, x.base);
        add(right, t, t.size() > 80 ? x.f.body : x.f.bodyBold, rightW); // long free text reads better light
        if (tEn != t) add(right, tEn, x.f.english, rightW);
    }
    Block b;
    b.rows.push_back(gap(4));
    const std::size_t n = std::max(left.size(), right.size());
    for (std::size_t i = 0; i < n; ++i) {
        const Line* l = i < left.size() ? &left[i] : nullptr;
        const Line* r = i < right.size() ? &right[i] : nullptr;
        const float h = std::max(l ? l->style.leading() : 0.0f, r ? r->style.leading() : 0.0f);
        b.rows.push_back(Row{h, [l = l ? *l : Line{}, r = r ? *r : Line{}, rightX](Canvas& c, float top) {
                                 if (!l.text.empty()) c.text(kMargin, top, l.text, l.style);
                                 if (!r.text.empty()) c.text(rightX, top, r.text, r.style);
                             }});
    }
    b.rows.push_back(Row{4, [](Canvas& c, float top) {
                             c.hline(kMargin, kMargin + kContentW, top - 3.5f, kRule, 0.3f);
                         }});
    return b;
}

void identity(const Ctx& x, std::vector<Block>& out, const ScreeningAnswers& answers) {
    const auto& p = x.d.summary.patient;
    out.push_back(heading(x.c, x.f, "Patient", ""));
    std::string name = p.familyName + (p.familyName.empty() || p.givenName.empty() ? "" : ", ") + p.givenName;
    Style big = x.f.bodyBold;
    big.size = 11;
    out.push_back(labelled(x.c, x.f, "Name", name.empty() ? "(no name given)" : name, &big));
    out.push_back(labelled(x.c, x.f, "Birth date", p.birthDate));
    std::string sex = p.sex;
    for (int i : x.form.itemsWithCode(loinc::kSystem, loinc::kSex))
        for (const auto& o : x.form.items[std::size_t(i)].options)
            if (o.value.type == ValueType::Coding && o.value.coding.code == p.sex) sex = o.display.in(x.base);
    out.push_back(labelled(x.c, x.f, "Sex", sex));
    std::string reason;
    if (const int i = x.form.indexOf("exam-reason"); i >= 0)
        for (const Value* v : answers.answersOf(i)) reason += (reason.empty() ? "" : "; ") + v->toText();
    out.push_back(labelled(x.c, x.f, "Exam reason", reason));
    out.push_back(labelled(x.c, x.f, "Patient's language", x.lang));
    std::string state = stateName(x.d.summary.state);
    if (x.d.amendsId) state += " (corrects screening " + std::to_string(*x.d.amendsId) + ")";
    if (x.d.amendedById) state += " (replaced by screening " + std::to_string(*x.d.amendedById) + ")";
    out.push_back(labelled(x.c, x.f, "Screening state", state));
    out.push_back(labelled(x.c, x.f, "Submitted",
                           x.d.summary.submittedAt + (x.d.summary.origin.empty() ? "" : " (" + x.d.summary.origin + ")")));
}

Color severityColor(Severity s) {
    return s == Severity::Stop ? kStop : s == Severity::Review ? kReview : kInfo;
}

void flagSummary(const Ctx& x, std::vector<Block>& out) {
    out.push_back(heading(x.c, x.f, "Flags (" + std::to_string(x.d.flags.size()) + ")", ""));
    if (x.d.flags.empty()) {
        out.push_back(paragraph(x.c, x.f.body, "No flags were raised by the site's rules."));
        return;
    }
    std::vector<const store::StoredFlag*> sorted;
    for (const auto& fl : x.d.flags) sorted.push_back(&fl);
    std::stable_sort(sorted.begin(), sorted.end(), [](auto* a, auto* b) { return a->severity < b->severity; });
    constexpr float chipW = 52, pad = 5;
    const float textX = kMargin + chipW + 10, textW = kContentW - chipW - 10 - pad;
    for (const store::StoredFlag* fl : sorted) {
        const auto title = x.c.wrap(fl->ruleId + "  ·  " + fl->category, x.f.bodyBold, textW);
        const auto message = x.c.wrap(fl->message, x.f.body, textW);
        std::string verdict = std::string("Review: ") + verdictName(fl->status);
        if (fl->status != FlagVerdict::Open)
            verdict += " by " + (fl->statusBy.empty() ? std::string("(unknown)") : fl->statusBy) +
                       (fl->statusAt.empty() ? "" : " at " + fl->statusAt);
        const auto verdictLines = x.c.wrap(verdict, x.f.smallBold, textW);
        const Style correctedStyle{x.c.bold, 8, kAccent};
        const auto corrected = fl->correctedAnswer.empty()
                                   ? std::vector<std::string>{}
                                   : x.c.wrap("Corrected with the patient: " + fl->correctedAnswer,
                                              correctedStyle, textW);
        const auto note = fl->note.empty() ? std::vector<std::string>{}
                                           : x.c.wrap("Note: " + fl->note, x.f.small, textW);
        const float h = pad * 2 + float(title.size()) * x.f.bodyBold.leading() +
                        float(message.size()) * x.f.body.leading() +
                        float(verdictLines.size()) * x.f.smallBold.leading() +
                        float(corrected.size()) * correctedStyle.leading() +
                        float(note.size()) * x.f.small.leading();
        const Color sc = severityColor(fl->severity);
        std::string chip = severityName(fl->severity);
        std::transform(chip.begin(), chip.end(), chip.begin(), [](unsigned char ch) { return char(std::toupper(ch)); });
        const bool open = fl->status == FlagVerdict::Open;
        Block b;
        b.rows.push_back(Row{h, [=, f = x.f](Canvas& c, float top) {
                                 c.fillRect(kMargin, top, kContentW, h, kShade);
                                 c.fillRect(kMargin, top, 3, h, sc);
                                 const Style cs{c.bold, 7, kWhite};
                                 c.fillRect(kMargin + 8, top - pad, chipW - 6, 12, sc);
                                 c.text(kMargin + 8 + (chipW - 6 - c.width(chip, cs)) / 2, top - pad - 2.2f, chip, cs);
                                 float t = top - pad;
                                 c.lines(textX, t, title, f.bodyBold);
                                 t -= float(title.size()) * f.bodyBold.leading();
                                 c.lines(textX, t, message, f.body);
                                 t -= float(message.size()) * f.body.leading();
                                 Style vs = f.smallBold;
                                 if (open) vs.color = kStop;
                                 c.lines(textX, t, verdictLines, vs);
                                 t -= float(verdictLines.size()) * vs.leading();
                                 c.lines(textX, t, corrected, correctedStyle);
                                 t -= float(corrected.size()) * correctedStyle.leading();
                                 c.lines(textX, t, note, f.small);
                             }});
        b.rows.push_back(gap(4));
        out.push_back(std::move(b));
    }
}

void decision(const Ctx& x, std::vector<Block>& out) {
    out.push_back(heading(x.c, x.f, "Decision", ""));
    if (!x.d.decision) {
        Style st = x.f.bodyBold;
        st.size = 11;
        st.color = kReview;
        out.push_back(paragraph(x.c, st, "Awaiting review/decision"));
        out.push_back(labelled(x.c, x.f, "Current state", stateName(x.d.summary.state)));
        if (!x.d.summary.reviewedBy.empty()) out.push_back(labelled(x.c, x.f, "Reviewed by", x.d.summary.reviewedBy));
        return;
    }
    const store::Decision& dec = *x.d.decision;
    Style st = x.f.bodyBold;
    st.size = 11;
    std::string outcome = dec.outcome;
    if (dec.outcome == "cleared") outcome = "Cleared for MRI", st.color = kGood;
    else if (dec.outcome == "cleared_with_conditions") outcome = "Cleared with conditions", st.color = kReview;
    else if (dec.outcome == "not_cleared") outcome = "Not cleared", st.color = kStop;
    out.push_back(labelled(x.c, x.f, "Outcome", outcome, &st));
    if (!dec.conditions.empty()) out.push_back(labelled(x.c, x.f, "Conditions", dec.conditions));
    if (!dec.overrideReason.empty()) out.push_back(labelled(x.c, x.f, "Override reason", dec.overrideReason));
    if (!x.d.summary.reviewedBy.empty()) out.push_back(labelled(x.c, x.f, "Reviewed by", x.d.summary.reviewedBy));
    out.push_back(labelled(x.c, x.f, "Decided by", dec.decidedBy));
    out.push_back(labelled(x.c, x.f, "Decided at", dec.decidedAt));
}

std::string number(double v, int decimals) {
    char buf[64];
    std::snprintf(buf, sizeof buf, "%.*f", decimals, v);
    return buf;
}

void labs(const Ctx& x, std::vector<Block>& out) {
    out.push_back(heading(x.c, x.f, "Labs", ""));
    if (!x.in.labs) {
        out.push_back(paragraph(x.c, x.f.body, "No creatinine result on record."));
        return;
    }
    const RecordLabs& l = *x.in.labs;
    out.push_back(labelled(x.c, x.f, "Creatinine",
                           number(l.creatinine, 2) + " " + l.creatinineUnit +
                               (l.date.empty() ? "" : " (sample taken " + l.date + ")")));
    out.push_back(labelled(x.c, x.f, "eGFR", number(l.egfr, 0) + " mL/min/1.73 m²  (" + l.equation + ")"));
}

// [SECTION] implants and their MR Conditional check

const char* mrStatusTitle(MrStatus status) {
    switch (status) {
    case MrStatus::Safe:
        return "MR Safe";
    case MrStatus::Conditional:
        return "MR Conditional";
    case MrStatus::Unsafe:
        return "MR Unsafe";
    case MrStatus::Unknown:
        break;
    }
    return "Unknown";
}

Color mrStatusColor(MrStatus status) {
    return status == MrStatus::Safe          ? kGood
           : status == MrStatus::Conditional ? kReview
           : status == MrStatus::Unsafe      ? kStop
                                             : kGrey;
}

const char* outcomeChip(CheckOutcome outcome) {
    return outcome == CheckOutcome::Pass   ? "PASS"
           : outcome == CheckOutcome::Fail ? "FAIL"
                                           : "UNKNOWN";
}

Color outcomeColor(CheckOutcome outcome) {
    return outcome == CheckOutcome::Pass ? kGood : outcome == CheckOutcome::Fail ? kStop : kReview;
}

const char* modeTitle(OperatingMode mode) {
    return mode == OperatingMode::Normal       ? "Normal Operating Mode"
           : mode == OperatingMode::FirstLevel ? "First Level Controlled Mode"
                                               : "not known";
}

// A labelled or planned value as written on a label: 1.5, 3, 0.45 (no trailing zeros).
std::string quantity(double v) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "%g", v);
    return buf;
}

// The label's conditions, one a line, as staff read them off the implant card.
std::string labelledConditions(const MrConditions& c) {
    std::string out;
    const auto add = [&](const std::string& line) { out += (out.empty() ? "" : "\n") + line; };
    if (!c.fieldStrengthsT.empty()) {
        std::string fields;
        for (double t : c.fieldStrengthsT)
            fields += (fields.empty() ? "" : ", ") + quantity(t) + " T";
        add("Static field strength: " + fields + " only");
    }
    if (c.maxSpatialGradientTPerM)
        add("Maximum spatial field gradient: " + quantity(*c.maxSpatialGradientTPerM) + " T/m (" +
            quantity(*c.maxSpatialGradientTPerM * 100) + " G/cm)");
    if (c.operatingMode == OperatingMode::Normal)
        add("Operating mode: Normal Operating Mode only");
    if (c.operatingMode == OperatingMode::FirstLevel)
        add("Operating mode: up to First Level Controlled Mode");
    if (c.maxWholeBodySarWPerKg)
        add("Whole-body SAR: at most " + quantity(*c.maxWholeBodySarWPerKg) + " W/kg");
    if (c.maxHeadSarWPerKg)
        add("Head SAR: at most " + quantity(*c.maxHeadSarWPerKg) + " W/kg");
    if (c.maxB1rmsMicroTesla)
        add("B1+rms: at most " + quantity(*c.maxB1rmsMicroTesla) + " µT");
    if (!c.other.empty())
        add("Other: " + c.other);
    return out;
}

std::string scannerName(const ScannerSetup& s) {
    return s.name.empty() ? "(scanner not named)" : s.name;
}

// The planned scanner and scan as the check saw them; what the site config leaves out says so.
std::string scannerText(const ScannerSetup& s) {
    const auto known = [](const std::optional<double>& v, const char* unit) {
        return v ? quantity(*v) + " " + unit : std::string("not known");
    };
    return scannerName(s) + "\nStatic field " +
           (s.fieldStrengthT > 0 ? quantity(s.fieldStrengthT) + " T"
                                 : std::string("not configured")) +
           "  ·  spatial field gradient at the implant " + known(s.spatialGradientTPerM, "T/m") +
           "\nPlanned operating mode: " + modeTitle(s.sarMode) + "\nPlanned SAR: whole-body " +
           known(s.wholeBodySarWPerKg, "W/kg") + "  ·  head " + known(s.headSarWPerKg, "W/kg") +
           "  ·  B1+rms " + known(s.b1rmsMicroTesla, "µT");
}

// An implant as a shaded card with its MR status colour down the left edge. Every line is a row
// that paints its own part of the card, so a card taller than a page breaks between lines.
class ImplantCard {
public:
    ImplantCard(const Ctx& x, Color bar) : x_(x), bar_(bar) { row(kPad); }

    // The implant's name, wrapped, with its MR status as a chip on the right of the first line.
    void title(const std::string& text, const std::string& chip, Color chipColor) {
        const Style ts{x_.c.bold, 10.5f, kInk};
        const Style cs{x_.c.bold, 7, kWhite};
        const float chipW = x_.c.width(chip, cs) + 12;
        const auto lines = x_.c.wrap(text, ts, kRight - chipW - 8 - kLabelX);
        for (std::size_t i = 0; i < lines.size(); ++i)
            row(ts.leading() + (i + 1 == lines.size() ? 4 : 0),
                [=, line = lines[i]](Canvas& c, float top) {
                    c.text(kLabelX, top, line, ts);
                    if (i > 0)
                        return;
                    c.fillRect(kRight - chipW, top, chipW, 12, chipColor);
                    c.text(kRight - chipW + 6, top - 2.2f, chip, cs);
                });
    }

    // "Label   value", the value wrapped in its column.
    void field(const std::string& label, const std::string& value, const Style& vs) {
        const Style ls = x_.f.smallBold;
        const auto labelLines = x_.c.wrap(label, ls, kLabelW - 6);
        const auto valueLines = x_.c.wrap(value.empty() ? "—" : value, vs, kValueW);
        const std::size_t n = std::max(labelLines.size(), valueLines.size());
        for (std::size_t i = 0; i < n; ++i) {
            const std::string l = i < labelLines.size() ? labelLines[i] : "";
            const std::string v = i < valueLines.size() ? valueLines[i] : "";
            const float h =
                (i < valueLines.size() ? vs.leading() : ls.leading()) + (i + 1 == n ? 2 : 0);
            row(h, [=](Canvas& c, float top) {
                c.text(kLabelX, top - 1.5f, l, ls);
                c.text(kValueX, top, v, vs);
            });
        }
    }

    // A PASS / FAIL / UNKNOWN chip at the end of the label column, then `lead` in bold and `rest`
    // after it, wrapped in the value column.
    void check(CheckOutcome outcome, const std::string& lead, const std::string& rest) {
        constexpr float chipW = 46, chipH = 10.5f;
        const Style body = x_.f.body, bold = x_.f.bodyBold;
        const Style cs{x_.c.bold, 6.5f, kWhite};
        const std::string chip = outcomeChip(outcome);
        const Color color = outcomeColor(outcome);
        const std::string text = lead.empty() ? rest : lead + " " + rest;
        // The lead is bold: when that pushes the first line past the column, wrap all in the wider
        // face.
        auto lines = x_.c.wrap(text, body, kValueW);
        if (!lead.empty() && lines[0].rfind(lead, 0) == 0 &&
            x_.c.width(lead, bold) + x_.c.width(lines[0].substr(lead.size()), body) > kValueW)
            lines = x_.c.wrap(text, bold, kValueW);
        const float chipX = kValueX - chipW - 8;
        for (std::size_t i = 0; i < lines.size(); ++i) {
            const float h = (i == 0 ? std::max(body.leading(), chipH + 1) : body.leading()) +
                            (i + 1 == lines.size() ? 2.5f : 0);
            const bool boldLead = i == 0 && !lead.empty() && lines[0].rfind(lead, 0) == 0;
            row(h, [=, line = lines[i]](Canvas& c, float top) {
                if (boldLead) {
                    c.text(kValueX, top, lead, bold);
                    c.text(kValueX + c.width(lead, bold), top, line.substr(lead.size()), body);
                } else {
                    c.text(kValueX, top, line, body);
                }
                if (i > 0)
                    return;
                c.fillRect(chipX, top + 0.5f, chipW, chipH, color);
                c.text(chipX + (chipW - c.width(chip, cs)) / 2, top - 1.6f, chip, cs);
            });
        }
    }

    void space(float h) { row(h); }

    Block done() {
        row(kPad - 2);
        Block b = std::move(block_);
        b.rows.push_back(gap(6));
        return b;
    }

private:
    static constexpr float kPad = 6;
    static constexpr float kLabelX = kMargin + 10;
    static constexpr float kLabelW = 108; // values line up with labelled() outside the card
    static constexpr float kValueX = kLabelX + kLabelW;
    static constexpr float kRight = kMargin + kContentW - 8;
    static constexpr float kValueW = kRight - kValueX;

    const Ctx& x_;
    Color bar_;
    Block block_;

    // One line of the card, with its shading and bar.
    void row(float h, std::function<void(Canvas&, float)> draw = {}) {
        block_.rows.push_back(Row{h, [h, bar = bar_, draw = std::move(draw)](Canvas& c, float top) {
                                      c.fillRect(kMargin, top, kContentW, h, kShade);
                                      c.fillRect(kMargin, top, 3, h, bar);
                                      if (draw)
                                          draw(c, top);
                                  }});
    }
};

void implants(const Ctx& x, std::vector<Block>& out) {
    out.push_back(heading(x.c, x.f, "Implants (" + std::to_string(x.d.implants.size()) + ")", ""));
    if (x.in.scanner) {
        out.push_back(labelled(x.c, x.f, "Planned scanner", scannerText(*x.in.scanner)));
        out.back().keepWithNext = true; // the scanner the checks name stays with the first of them
    }
    if (x.d.implants.empty()) {
        out.push_back(paragraph(x.c, x.f.body, "No implants were recorded at the review."));
        return;
    }
    int number = 0;
    for (const store::ImplantRecord& im : x.d.implants) {
        const Color statusColor = mrStatusColor(im.mrStatus);
        ImplantCard card(x, statusColor);
        card.title(std::to_string(++number) + ".  " +
                       (im.type.empty() ? "(type not recorded)" : im.type),
                   mrStatusTitle(im.mrStatus), statusColor);
        card.field("Manufacturer", im.manufacturer, x.f.body);
        card.field("Model", im.model, x.f.body);
        card.field("Location", im.location, x.f.body);
        card.field("Date implanted", im.implantedOn, x.f.body);
        Style statusStyle = x.f.bodyBold;
        statusStyle.color = statusColor;
        card.field("MR status", mrStatusTitle(im.mrStatus), statusStyle);
        const std::string conditions = labelledConditions(im.conditions);
        if (im.mrStatus == MrStatus::Conditional || !conditions.empty())
            card.field("Labelled conditions", conditions.empty() ? "None entered" : conditions,
                       x.f.body);
        if (x.in.scanner) {
            const MrCheck check = checkMrConditional(im.mrStatus, im.conditions, *x.in.scanner);
            card.field("Checked against", scannerName(*x.in.scanner), x.f.bodyBold);
            for (const ConditionCheck& cc : check.conditions)
                card.check(cc.outcome, cc.condition + ":", cc.detail);
            card.space(3);
            card.check(check.overall, "Overall:", check.summary);
            // A check saved at entry that reads differently (another scanner or plan) stays
            // visible.
            if (!im.checkResult.empty() && im.checkResult != check.summary)
                card.field("Check when entered", im.checkResult, x.f.small);
        } else {
            card.field("Check result",
                       im.checkResult.empty() ? "Not checked against a scanner"
                                              : im.checkResult + " (as saved with the implant)",
                       x.f.body);
        }
        card.field("Entered",
                   (im.enteredBy.empty() ? std::string("(unknown)") : im.enteredBy) +
                       (im.enteredAt.empty() ? "" : " at " + im.enteredAt),
                   x.f.body);
        out.push_back(card.done());
    }
}

// [SECTION] body map

struct Mark {
    std::string region, view, side, note;             // codes; note as written
    std::string regionText, viewText, sideText;        // in the patient's language
    std::string regionEn, viewEn, sideEn;
};

// The view a mark is drawn on: the one the patient chose, unless the region is only on the other
// (an upper-back mark chosen on the front view still shows, on the back).
BodyView markView(const Mark& mk) {
    const BodyView chosen = mk.view == "back" ? BodyView::Back : BodyView::Front;
    const BodyView other = chosen == BodyView::Front ? BodyView::Back : BodyView::Front;
    const RegionArea* area = bodyFigure().region(mk.region);
    return area && !area->shownOn(chosen) && area->shownOn(other) ? other : chosen;
}

// The figure from assets/body-map.json, H points tall with its top at `top`; page y goes up.
void drawFigure(Canvas& c, float cx, float top, float H, const std::vector<Mark>& marks,
                BodyView view, const Style& label) {
    HPDF_Page page = c.page;
    const BodyFigure& figure = bodyFigure();
    HPDF_Page_SetRGBStroke(page, kGrey.r, kGrey.g, kGrey.b);
    HPDF_Page_SetLineWidth(page, 0.8f);
    HPDF_Page_SetLineJoin(page, HPDF_ROUND_JOIN);
    for (const auto& outline : figure.outlinesOf(view)) {
        HPDF_Page_MoveTo(page, cx + outline.front().x * H, top - outline.front().y * H);
        for (std::size_t i = 1; i < outline.size(); ++i)
            HPDF_Page_LineTo(page, cx + outline[i].x * H, top - outline[i].y * H);
        HPDF_Page_ClosePathStroke(page);
    }
    for (std::size_t m = 0; m < marks.size(); ++m) {
        const Mark& mk = marks[m];
        if (markView(mk) != view) continue;
        for (const FigurePoint spot : figure.spotsFor(view, mk.region, mk.side)) {
            const float px = cx + spot.x * H, py = top - spot.y * H;
            HPDF_Page_SetRGBFill(page, kStop.r, kStop.g, kStop.b);
            HPDF_Page_Circle(page, px, py, 3.4f);
            HPDF_Page_Fill(page);
            const std::string num = std::to_string(m + 1);
            const float lx = spot.x >= 0 ? px + 5 : px - 5 - c.width(num, label);
            c.text(lx, py + label.size / 2 + 0.5f, num, label);
        }
    }
}

void bodyMap(const Ctx& x, std::vector<Block>& out, const ScreeningAnswers& answers, int item, int parentInstance) {
    std::vector<Mark> marks;
    const auto& insts = answers.instances();
    for (int i : answers.instancesOf(item)) {
        if (insts[std::size_t(i)].parent != parentInstance || !answers.enabled(i)) continue;
        Mark mk;
        for (int k = i + 1; k < insts[std::size_t(i)].end; ++k) {
            const auto& child = insts[std::size_t(k)];
            if (!answers.enabled(k) || child.node->answers.empty()) continue;
            const Item& ci = x.form.items[std::size_t(child.item)];
            const Answer& a = child.node->answers.front();
            if (!a.invalid.empty()) continue;
            const std::string text = answerText(ci, a, x.lang), en = answerText(ci, a, x.base);
            const std::string system = a.value.type == ValueType::Coding ? a.value.coding.system : "";
            const auto endsWith = [&](const char* s) {
                const std::string suffix = s;
                return system.size() >= suffix.size() && system.compare(system.size() - suffix.size(), suffix.size(), suffix) == 0;
            };
            if (endsWith("body-region")) mk.region = a.value.coding.code, mk.regionText = text, mk.regionEn = en;
            else if (endsWith("body-view")) mk.view = a.value.coding.code, mk.viewText = text, mk.viewEn = en;
            else if (endsWith("body-side")) mk.side = a.value.coding.code, mk.sideText = text, mk.sideEn = en;
            else if (a.value.type == ValueType::String || a.value.type == ValueType::Coding) mk.note = text;
        }
        if (!mk.region.empty() || !mk.note.empty()) marks.push_back(mk);
    }
    const Item& it = x.form.items[std::size_t(item)];
    out.push_back(heading(x.c, x.f, it.text.in(x.lang).empty() ? "Body map" : it.text.in(x.lang),
                          it.text.in(x.base), 10));
    if (marks.empty()) {
        out.push_back(paragraph(x.c, x.f.body, "No marks."));
        return;
    }
    Block list;
    for (std::size_t m = 0; m < marks.size(); ++m) {
        const Mark& mk = marks[m];
        std::string line, en;
        for (const auto& [t, e] : {std::pair{mk.regionText, mk.regionEn}, std::pair{mk.viewText, mk.viewEn},
                                   std::pair{mk.sideText, mk.sideEn}}) {
            if (t.empty()) continue;
            line += (line.empty() ? "" : " · ") + t;
            en += (en.empty() ? "" : " · ") + e;
        }
        const bool differs = en != line;
        if (!mk.note.empty()) line += (line.empty() ? "" : " — ") + mk.note;
        // The list and the figure stay together: one block.
        Block b = paragraph(x.c, x.f.bodyBold, std::to_string(m + 1) + ".  " + line);
        if (differs) {
            Block e = paragraph(x.c, x.f.english, en, 14);
            for (auto& r : e.rows) b.rows.push_back(std::move(r));
        }
        for (auto& r : b.rows) list.rows.push_back(std::move(r));
    }
    constexpr float H = 180;
    const Style label{x.c.bold, 8, kStop};
    const Style caption = x.f.smallBold;
    const std::string front = "Front", backText = "Back";
    Block fig = std::move(list);
    fig.rows.push_back(Row{H + 26, [=](Canvas& c, float top) {
                               const float cx1 = kMargin + kContentW * 0.3f, cx2 = kMargin + kContentW * 0.7f;
                               drawFigure(c, cx1, top - 6, H, marks, BodyView::Front, label);
                               drawFigure(c, cx2, top - 6, H, marks, BodyView::Back, label);
                               c.text(cx1 - c.width(front, caption) / 2, top - H - 10, front, caption);
                               c.text(cx2 - c.width(backText, caption) / 2, top - H - 10, backText, caption);
                           }});
    out.push_back(std::move(fig));
}

// [SECTION] answers in form order

void answerSections(const Ctx& x, std::vector<Block>& out, const ScreeningAnswers& answers) {
    const auto& insts = answers.instances();
    // Blocks per item, with headings only for groups that end up holding an answer.
    std::function<bool(int, int, int)> visit = [&](int item, int parentInstance, int depth) -> bool {
        const Item& it = x.form.items[std::size_t(item)];
        bool any = false;
        if (it.itemControl == "body-map") {
            bool has = false;
            for (int i : answers.instancesOf(item))
                if (insts[std::size_t(i)].parent == parentInstance && answers.enabled(i)) has = true;
            if (has) bodyMap(x, out, answers, item, parentInstance);
            return has;
        }
        int repetition = 0;
        for (int i : answers.instancesOf(item)) {
            const auto& inst = insts[std::size_t(i)];
            if (inst.parent != parentInstance || !answers.enabled(i)) continue;
            if (it.type == ItemType::Group) {
                const std::size_t mark = out.size();
                const std::string number = it.repeats ? " (" + std::to_string(++repetition) + ")" : "";
                const std::string t = it.text.in(x.lang);
                if (!t.empty())
                    out.push_back(heading(x.c, x.f, t + number,
                                          it.text.in(x.base).empty() ? "" : it.text.in(x.base) + number,
                                          depth == 0 ? 12 : 10));
                bool inside = false;
                for (int child : it.children) inside = visit(child, i, depth + 1) || inside;
                if (!inside) out.resize(mark);
                any = any || inside;
                continue;
            }
            if (isQuestion(it.type) && !inst.node->answers.empty()) {
                out.push_back(questionBlock(x, it, *inst.node));
                any = true;
            }
            for (int child : it.children) any = visit(child, i, depth + 1) || any;
        }
        return any;
    };
    for (int root : x.form.roots) visit(root, -1, 0);
}

// [SECTION] signatures

struct SignatureMark {
    std::string name, role, when;
    std::vector<Stroke> strokes;
};

// What a staff signature stands for on the record.
std::string staffSignatureRole(const store::StaffSignature& s) {
    if (s.purpose == "review")
        return "Reviewing nurse (Level 2)";
    switch (s.signerRole) {
    case Role::Mrso:
        return "MR safety officer";
    case Role::Nurse:
        return "Nurse";
    case Role::Admin:
        return "Administrator";
    case Role::Patient:
        return "Patient";
    }
    return roleName(s.signerRole);
}

std::string staffSignatureWhen(const store::StaffSignature& s) {
    const std::string what = s.purpose == "review"     ? "Review signed"
                             : s.purpose == "decision" ? "Decision signed"
                                                       : "Signed (" + s.purpose + ")";
    return what + (s.signedAt.empty() ? "" : " " + s.signedAt);
}

// Signatures two to a row: each drawn as vectors in its box, with name, role and time under it.
void signatureGrid(const Ctx& x, std::vector<Block>& out, const std::vector<SignatureMark>& marks) {
    constexpr float boxW = 240, boxH = 70, gapW = kContentW - 2 * boxW;
    const Fonts f = x.f;
    const float h = boxH + 6 + f.bodyBold.leading() + 2 * f.small.leading() + 10;
    for (std::size_t i = 0; i < marks.size(); i += 2) {
        std::vector<SignatureMark> pair(marks.begin() + std::ptrdiff_t(i),
                                        marks.begin() +
                                            std::ptrdiff_t(std::min(i + 2, marks.size())));
        Block b;
        b.rows.push_back(Row{
            h, [=](Canvas& c, float top) {
                for (std::size_t k = 0; k < pair.size(); ++k) {
                    const SignatureMark& s = pair[k];
                    const float left = kMargin + float(k) * (boxW + gapW);
                    c.strokeRect(left, top, boxW, boxH, kRule);
                    HPDF_Page page = c.page;
                    HPDF_Page_SetRGBStroke(page, 0.05f, 0.1f, 0.35f);
                    HPDF_Page_SetLineWidth(page, 1.2f);
                    HPDF_Page_SetLineCap(page, HPDF_ROUND_END);
                    HPDF_Page_SetLineJoin(page, HPDF_ROUND_JOIN);
                    const auto px = [&](float u) {
                        return left + 4 + std::clamp(u, 0.0f, 1.0f) * (boxW - 8);
                    };
                    const auto py = [&](float v) {
                        return top - 4 - std::clamp(v, 0.0f, 1.0f) * (boxH - 8);
                    };
                    for (const Stroke& stroke : s.strokes) {
                        HPDF_Page_MoveTo(page, px(stroke[0].x), py(stroke[0].y));
                        if (stroke.size() == 1)
                            HPDF_Page_LineTo(page, px(stroke[0].x) + 0.3f, py(stroke[0].y));
                        for (std::size_t p = 1; p < stroke.size(); ++p)
                            HPDF_Page_LineTo(page, px(stroke[p].x), py(stroke[p].y));
                        HPDF_Page_Stroke(page);
                    }
                    if (s.strokes.empty()) {
                        const std::string none = "(the drawn signature could not be read)";
                        c.text(left + (boxW - c.width(none, f.small)) / 2, top - boxH / 2 + 4, none,
                               f.small);
                    }
                    float t = top - boxH - 6;
                    c.text(left, t,
                           c.fit(s.name.empty() ? "(name not given)" : s.name, f.bodyBold, boxW),
                           f.bodyBold);
                    t -= f.bodyBold.leading();
                    Style role = f.small;
                    role.color = kInk;
                    c.text(left, t, c.fit(s.role, role, boxW), role);
                    t -= f.small.leading();
                    c.text(left, t, c.fit(s.when, f.small, boxW), f.small);
                }
            }});
        out.push_back(std::move(b));
    }
}

void signatures(const Ctx& x, std::vector<Block>& out, const Response& r) {
    out.push_back(heading(x.c, x.f, "Signatures", ""));
    std::vector<SignatureMark> patient;
    for (auto& s : signaturesIn(r.extension))
        patient.push_back({s.name, s.role, s.when, std::move(s.strokes)});
    if (patient.empty())
        out.push_back(
            paragraph(x.c, x.f.body, "No handwritten signature is attached to the response."));
    signatureGrid(x, out, patient);
    if (x.d.signatures.empty())
        return;
    out.push_back(heading(x.c, x.f, "Staff signatures", "", 10));
    std::vector<SignatureMark> staff;
    for (const store::StaffSignature& s : x.d.signatures)
        staff.push_back({s.signerName, staffSignatureRole(s), staffSignatureWhen(s),
                         parseStrokesJson(s.strokesJson)});
    signatureGrid(x, out, staff);
}

// [SECTION] header, footer and QR code on every page

void drawQr(Canvas& c, const std::string& text, float x, float top, float size) {
    std::unique_ptr<QRcode, decltype(&QRcode_free)> qr(
        QRcode_encodeString(text.c_str(), 0, QR_ECLEVEL_M, QR_MODE_8, 1), QRcode_free);
    if (!qr) throw std::runtime_error("record PDF: could not make the QR code for " + text);
    const int n = qr->width;
    const float m = size / float(n);
    HPDF_Page_SetRGBFill(c.page, 0, 0, 0);
    for (int row = 0; row < n; ++row) {
        int col = 0;
        while (col < n) {
            if (!(qr->data[row * n + col] & 1)) {
                ++col;
                continue;
            }
            const int start = col;
            while (col < n && (qr->data[row * n + col] & 1)) ++col;
            HPDF_Page_Rectangle(c.page, x + float(start) * m, top - float(row + 1) * m, float(col - start) * m, m);
        }
    }
    HPDF_Page_Fill(c.page);
}

void headers(Canvas& c, const Fonts& f, const RecordInput& in, const store::ScreeningDetail& d,
             const std::string& hash) {
    const std::string qrText = recordQrText(in.recordId, in.version, hash);
    constexpr float qrSize = kHeaderH - 4;
    const float textW = kContentW - qrSize - 14;
    const std::string total = std::to_string(c.pages.size());
    const Style site{c.bold, 9.5f, kAccent};
    const Style title = f.title;
    const Style line = f.body;
    for (std::size_t p = 0; p < c.pages.size(); ++p) {
        c.page = c.pages[p];
        float top = kHeaderTop;
        c.text(kMargin, top, c.fit(in.siteName.empty() ? "(site not configured)" : in.siteName, site, textW), site);
        top -= site.leading();
        c.text(kMargin, top, "MRI safety screening record", title);
        top -= title.leading() + 1;
        c.text(kMargin, top,
               c.fit("Record " + std::to_string(in.recordId) + "   ·   version " + std::to_string(in.version) +
                         "   ·   Page " + std::to_string(p + 1) + " of " + total,
                     f.bodyBold, textW),
               f.bodyBold);
        top -= f.bodyBold.leading();
        const std::string formLine = "Form " + d.formUrl + "  v" + d.formVersion + "  ·  sha256 " +
                                     shortHash(in.formSha256.empty() ? d.formSha256 : in.formSha256);
        c.text(kMargin, top, c.fit(formLine, f.small, textW), f.small);
        drawQr(c, qrText, kPageW - kMargin - qrSize, kHeaderTop + 2, qrSize);
        c.hline(kMargin, kPageW - kMargin, kHeaderTop - kHeaderH - 4, kAccent, 1.0f);
        // Footer: the full content hash, so a printout can be checked against the QR code.
        c.hline(kMargin, kPageW - kMargin, kContentBottom - 12, kRule, 0.5f);
        const std::string pageText = "Page " + std::to_string(p + 1) + " of " + total;
        c.text(kMargin, kContentBottom - 16, c.fit("Content sha256 " + hash, f.small, kContentW - 70), f.small);
        c.text(kPageW - kMargin - c.width(pageText, line), kContentBottom - 16, pageText, line);
    }
}

} // namespace

// [SECTION] public API

std::string recordQrText(std::int64_t recordId, int version, const std::string& hash) {
    return "mrscreen:record:" + std::to_string(recordId) + ":v" + std::to_string(version) + ":sha256:" + hash;
}

std::string recordContentText(const RecordInput& in) {
    if (!in.detail) throw std::invalid_argument("record PDF: no screening given");
    const store::ScreeningDetail& d = *in.detail;
    json flags = json::array();
    for (const auto& f : d.flags) {
        json flag = {{"id", f.ruleId},
                     {"category", f.category},
                     {"severity", severityName(f.severity)},
                     {"message", f.message},
                     {"triggers", f.triggersJson},
                     {"verdict", verdictName(f.status)},
                     {"by", f.statusBy},
                     {"at", f.statusAt},
                     {"note", f.note}};
        if (!f.correctedAnswer.empty())
            flag["correctedAnswer"] = f.correctedAnswer;
        flags.push_back(std::move(flag));
    }
    json j = {{"site", in.siteName},
              {"record", in.recordId},
              {"version", in.version},
              {"screening", d.summary.id},
              {"state", stateName(d.summary.state)},
              {"submittedAt", d.summary.submittedAt},
              {"origin", d.summary.origin},
              {"reviewedBy", d.summary.reviewedBy},
              {"form", {{"url", d.formUrl}, {"version", d.formVersion},
                        {"sha256", in.formSha256.empty() ? d.formSha256 : in.formSha256}}},
              {"rulesSha256", d.rulesSha256},
              {"language", d.language},
              {"patient", {{"family", d.summary.patient.familyName}, {"given", d.summary.patient.givenName},
                           {"birthDate", d.summary.patient.birthDate}, {"sex", d.summary.patient.sex}}},
              {"flags", flags},
              {"responseVersion", d.responseVersion},
              {"response", d.responseJson}};
    if (d.amendsId) j["amends"] = *d.amendsId;
    if (d.decision)
        j["decision"] = {{"outcome", d.decision->outcome}, {"conditions", d.decision->conditions},
                         {"overrideReason", d.decision->overrideReason}, {"by", d.decision->decidedBy},
                         {"at", d.decision->decidedAt}};
    // Parts newer than the first records are added only when present, so a record without them
    // keeps the hash it always had.
    const auto optionalNumber = [](const std::optional<double>& v) {
        return v ? json(*v) : json(nullptr);
    };
    if (!d.implants.empty()) {
        json list = json::array();
        for (const auto& im : d.implants) {
            const MrConditions& c = im.conditions;
            list.push_back(
                {{"type", im.type},
                 {"manufacturer", im.manufacturer},
                 {"model", im.model},
                 {"location", im.location},
                 {"implantedOn", im.implantedOn},
                 {"mrStatus", mrStatusName(im.mrStatus)},
                 {"conditions",
                  {{"fieldStrengthsT", c.fieldStrengthsT},
                   {"maxSpatialGradientTPerM", optionalNumber(c.maxSpatialGradientTPerM)},
                   {"maxWholeBodySarWPerKg", optionalNumber(c.maxWholeBodySarWPerKg)},
                   {"maxHeadSarWPerKg", optionalNumber(c.maxHeadSarWPerKg)},
                   {"maxB1rmsMicroTesla", optionalNumber(c.maxB1rmsMicroTesla)},
                   {"operatingMode", operatingModeName(c.operatingMode)},
                   {"other", c.other}}},
                 {"checkResult", im.checkResult},
                 {"by", im.enteredBy},
                 {"at", im.enteredAt}});
        }
        j["implants"] = list;
    }
    if (!d.signatures.empty()) {
        json list = json::array();
        for (const auto& s : d.signatures)
            list.push_back({{"purpose", s.purpose},
                            {"name", s.signerName},
                            {"role", roleName(s.signerRole)},
                            {"strokes", s.strokesJson},
                            {"at", s.signedAt}});
        j["staffSignatures"] = list;
    }
    if (in.scanner) {
        const ScannerSetup& s = *in.scanner;
        j["scanner"] = {{"name", s.name},
                        {"fieldStrengthT", s.fieldStrengthT},
                        {"spatialGradientTPerM", optionalNumber(s.spatialGradientTPerM)},
                        {"sarMode", operatingModeName(s.sarMode)},
                        {"wholeBodySarWPerKg", optionalNumber(s.wholeBodySarWPerKg)},
                        {"headSarWPerKg", optionalNumber(s.headSarWPerKg)},
                        {"b1rmsMicroTesla", optionalNumber(s.b1rmsMicroTesla)}};
    }
    if (in.labs)
        j["labs"] = {{"creatinine", in.labs->creatinine}, {"unit", in.labs->creatinineUnit}, {"egfr", in.labs->egfr},
                     {"date", in.labs->date}, {"equation", in.labs->equation}};
    return j.dump(); // object keys sorted, no whitespace
}

std::string recordContentHash(const RecordInput& in) { return store::sha256Hex(recordContentText(in)); }

std::string renderRecordPdf(const RecordInput& in) {
    if (!in.detail || !in.form) throw std::invalid_argument("record PDF: the screening and its form are both needed");
    const store::ScreeningDetail& d = *in.detail;
    const Questionnaire& form = *in.form;
    const std::string hash = in.contentHash.empty() ? recordContentHash(in) : in.contentHash;
    const Response response = readResponse(d.responseJson, "screening " + std::to_string(d.summary.id) + " response");
    const ScreeningAnswers answers(form, response);

    Canvas c;
    const std::string title = "MRI safety screening record " + std::to_string(in.recordId) + " v" +
                              std::to_string(in.version);
    HPDF_SetInfoAttr(c.doc(), HPDF_INFO_TITLE, title.c_str());
    HPDF_SetInfoAttr(c.doc(), HPDF_INFO_CREATOR, "mrscreen");
    // The QR code's text, also in the (uncompressed, signed) Info dictionary for `mrscreen verify`.
    HPDF_SetInfoAttr(c.doc(), HPDF_INFO_SUBJECT, recordQrText(in.recordId, in.version, hash).c_str());
    const std::string lang = form.supportsLanguage(d.language) ? d.language : form.language;
    const Ctx x{c, stylesFor(c), in, d, form, lang, form.language};

    std::vector<Block> blocks;
    identity(x, blocks, answers);
    flagSummary(x, blocks);
    decision(x, blocks);
    labs(x, blocks);
    implants(x, blocks);
    std::string answersTitle = "Answers";
    if (lang != form.language) answersTitle += " (patient's language: " + lang + ", English in grey)";
    blocks.push_back(heading(c, x.f, answersTitle, "", 13));
    answerSections(x, blocks, answers);
    signatures(x, blocks, response);

    c.newPage();
    place(c, blocks);
    headers(c, x.f, in, d, hash);
    return c.save();
}

} // namespace mrscreen::record
