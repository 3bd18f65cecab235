// Internal to app/record: the page canvas (libharu with embedded DejaVu fonts), blocks that are
// measured first and then placed so page breaks fall between them, and the record's parts, each a
// function that appends its blocks. record_pdf.cpp puts them together.
#pragma once

#include "record/record_pdf.h"
#include "record/record_text.h"
#include "screening/answers.h"

#include <hpdf.h>
#include <hpdf_doc.h>

#include <algorithm>
#include <cstdio>
#include <functional>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

namespace mrscreen::record::layout {

using namespace screening;

// [SECTION] fonts and text (record_pdf_layout.cpp)

struct FontFiles {
    std::string regular;
    std::string bold;
};
// DejaVu Sans regular and bold through fontconfig; throws with the package to install.
const FontFiles& fontFiles();
// Valid UTF-8 with control characters (other than newline) as spaces; invalid bytes become U+FFFD.
std::string cleanText(const std::string& s);
std::size_t utf8Length(unsigned char lead);
std::string shortHash(const std::string& hash);

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

constexpr float kPageW = 595.276f, kPageH = 841.89f; // A4, the coordinates everything is laid out in
constexpr float kLetterW = 612, kLetterH = 792;
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
    explicit Canvas(Paper paper = Paper::A4) : paper_(paper) {
        // Everything is laid out on A4 coordinates; on US Letter (wider, shorter) each page's
        // coordinates are shifted to centre the A4 content width and keep the top margin, and the
        // content ends higher up.
        if (paper_ == Paper::Letter) {
            dx_ = (kLetterW - kPageW) / 2;
            dy_ = kLetterH - kPageH;
        }
        bottom = kContentBottom - dy_;
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
    float bottom = kContentBottom; // where the content ends on this paper (A4 coordinates)

    void check(const std::string& what) const {
        if (!error_) return;
        char code[64];
        std::snprintf(code, sizeof code, "libharu error 0x%04X (detail %u)", unsigned(error_), unsigned(detail_));
        throw std::runtime_error("record PDF: " + std::string(code) + " while " + what +
                                 "; check the libharu installation (libhpdf) and the fonts (fonts-dejavu-core)");
    }

    void newPage() {
        page = HPDF_AddPage(doc_);
        HPDF_Page_SetSize(page, paper_ == Paper::Letter ? HPDF_PAGE_SIZE_LETTER : HPDF_PAGE_SIZE_A4,
                          HPDF_PAGE_PORTRAIT);
        if (dx_ != 0 || dy_ != 0) HPDF_Page_Concat(page, 1, 0, 0, 1, dx_, dy_);
        check("adding a page");
        pages.push_back(page);
        y = kContentTop;
    }
    bool pageEmpty() const { return y >= kContentTop - 0.5f; }
    float remaining() const { return y - bottom; }

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
    Paper paper_ = Paper::A4;
    float dx_ = 0, dy_ = 0; // the shift from A4 coordinates to the page's
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

void place(Canvas& c, const std::vector<Block>& blocks);
inline Row gap(float h) { return Row{h, {}}; }

struct Fonts {
    Style body, bodyBold, small, smallBold, english, heading, headingEnglish, title;
};
Fonts stylesFor(const Canvas& c);
// A section title with a rule under it; `english` beside it in grey when it differs.
Block heading(const Canvas& c, const Fonts& f, const std::string& text, const std::string& english,
              float size = 12);
// "Label   value" with the value wrapped in its column.
Block labelled(const Canvas& c, const Fonts& f, const std::string& label, const std::string& value,
               const Style* valueStyle = nullptr);
Block paragraph(const Canvas& c, const Style& st, const std::string& text, float indent = 0);

// [SECTION] the record's parts

// The latest creatinine with the eGFR as store::assessStored computes it (the staff screens show
// the same), and how it was computed.
struct RecordLabs {
    double creatinine = 0;
    std::string creatinineUnit = "mg/dL";
    std::optional<double> egfr; // mL/min/1.73 m²; unset when none can be computed
    std::string date;           // YYYY-MM-DD the sample was taken
    std::string method;         // DerivedValues::egfrMethod
};

struct Ctx {
    Canvas& c;
    Fonts f;
    const RecordInput& in;
    const store::ScreeningDetail& d;
    const Questionnaire& form; // the one the screening was answered with
    std::string lang;
    std::string base; // the form's own language (English)
    std::optional<RecordLabs> labs;
    // A username as the person's name and role; a stored UTC time in local time.
    std::string who(const std::string& actor) const { return personText(actor, in.staff); }
    static std::string when(const std::string& iso) { return localTimeText(iso); }
    // "Nina Berg, Nurse (nina), 2026-08-12 14:05 CEST", with what is missing left out.
    std::string byAt(const std::string& actor, const std::string& iso) const {
        std::string text = actor.empty() ? std::string("(not recorded)") : who(actor);
        if (!iso.empty()) {
            text += ", ";
            text += when(iso);
        }
        return text;
    }
};

// "Yes", "No", "Unknown (treated as planned)".
std::string contrastPlannedText(const std::string& planned);
// "Cleared", "Cleared with conditions", "Not cleared", "Not planned".
std::string outcomeText(const std::string& outcome);

// record_pdf_sections.cpp
void identity(const Ctx& x, std::vector<Block>& out, const ScreeningAnswers& answers);
void scheduledExam(const Ctx& x, std::vector<Block>& out);
void flagSummary(const Ctx& x, std::vector<Block>& out);
// Both signed parts: Zone IV and contrast (with whether contrast is planned).
void decision(const Ctx& x, std::vector<Block>& out);
void labs(const Ctx& x, std::vector<Block>& out);
// The answers given to questions that did not apply (ScreeningDetail::ignoredAnswersJson).
void ignoredAnswers(const Ctx& x, std::vector<Block>& out);
// record_pdf_implants.cpp
void implants(const Ctx& x, std::vector<Block>& out);
// record_pdf_answers.cpp: every answered question in form order, with the body map.
void answerSections(const Ctx& x, std::vector<Block>& out, const ScreeningAnswers& answers);

} // namespace mrscreen::record::layout
