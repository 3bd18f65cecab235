#include "record/record_pdf.h"

#include "record/handwritten_signature.h"
#include "record/record_pdf_layout.h"
#include "record/record_text.h"
#include "screening/response.h"
#include "store/audit.h"

#include <nlohmann/json.hpp>
#include <qrencode.h>

#include <memory>
#include <stdexcept>
#include <string>
#include <vector>

namespace mrscreen::record {

using namespace screening;
using namespace layout;
using nlohmann::json;

namespace {

// [SECTION] signatures

struct SignatureMark {
    std::string name, role, when;
    std::vector<Stroke> strokes;
};

// What a staff signature stands for on the record.
std::string staffSignatureRole(const store::StaffSignature& s) {
    if (s.purpose == "review")
        return "Reviewing nurse (Level 2)";
    return roleText(s.signerRole);
}

std::string staffSignatureWhen(const store::StaffSignature& s) {
    const std::string what = s.purpose == "review"     ? "Review signed"
                             : s.purpose == "decision" ? "Zone IV decision signed"
                             : s.purpose == "contrast" ? "Contrast decision signed"
                                                       : "Signed (" + s.purpose + ")";
    std::string text = what;
    if (!s.signedAt.empty()) {
        text += ' ';
        text += localTimeText(s.signedAt);
    }
    return text;
}

// A record is rendered only with the form and rules the screening was answered with.
void checkFormVersion(const RecordInput& in) {
    if (!in.detail || !in.form) throw std::invalid_argument("record PDF: the screening and its form are both needed");
    const store::ScreeningDetail& d = *in.detail;
    const store::FormVersion& v = *in.form;
    const auto refuse = [&](const std::string& what, const std::string& want, const std::string& got) {
        throw std::invalid_argument("record PDF: screening " + std::to_string(d.summary.id) + " was answered with " +
                                    what + " sha256 " + shortHash(want) + ", but the record was asked to render it with " +
                                    shortHash(got.empty() ? "(none)" : got) +
                                    "; mrscreen never renders a screening with another form.");
    };
    if (!d.formSha256.empty() && v.formSha256 != d.formSha256) refuse("the form", d.formSha256, v.formSha256);
    if (!d.rulesSha256.empty() && v.rulesSha256 != d.rulesSha256) refuse("the rules", d.rulesSha256, v.rulesSha256);
    if (d.formSha256.empty() && (v.form.url != d.formUrl || v.form.version != d.formVersion))
        refuse("form " + d.formUrl + "|" + d.formVersion, d.formVersion, v.form.url + "|" + v.form.version);
}

// The latest creatinine and its eGFR from the one assessment of a stored screening.
std::optional<RecordLabs> recordLabs(const RecordInput& in) {
    const store::ScreeningDetail& d = *in.detail;
    if (d.labs.empty()) return std::nullopt;
    const store::LabResult& lab = d.labs.back();
    const Assessment a = store::assessStored(*in.form, d, in.staffLanguage);
    RecordLabs l;
    l.creatinine = lab.value;
    l.creatinineUnit = lab.unit;
    l.egfr = a.derived.egfr;
    l.date = lab.takenOn;
    l.method = a.derived.egfrMethod;
    return l;
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
        patient.push_back({s.name, s.role, localTimeText(s.when), std::move(s.strokes)});
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

// "  (replaces version 1 of 2026-08-12 14:05 CEST)" on a later version; empty on the first.
std::string replacesText(const RecordInput& in) {
    if (!in.replaces) return "";
    std::string text = "  (replaces version ";
    text += std::to_string(in.replaces->version);
    if (!in.replaces->createdAt.empty()) {
        text += " of ";
        text += localTimeText(in.replaces->createdAt);
    }
    text += ')';
    return text;
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
                         replacesText(in) + "   ·   Page " + std::to_string(p + 1) + " of " + total,
                     f.bodyBold, textW),
               f.bodyBold);
        top -= f.bodyBold.leading();
        const std::string formLine = "Form " + d.formUrl + "  v" + d.formVersion + "  ·  sha256 " +
                                     shortHash(in.form->formSha256);
        c.text(kMargin, top, c.fit(formLine, f.small, textW), f.small);
        drawQr(c, qrText, kPageW - kMargin - qrSize, kHeaderTop + 2, qrSize);
        c.hline(kMargin, kPageW - kMargin, kHeaderTop - kHeaderH - 4, kAccent, 1.0f);
        // Footer: the full content hash, so a printout can be checked against the QR code.
        c.hline(kMargin, kPageW - kMargin, c.bottom - 12, kRule, 0.5f);
        const std::string pageText = "Page " + std::to_string(p + 1) + " of " + total;
        c.text(kMargin, c.bottom - 16, c.fit("Content sha256 " + hash, f.small, kContentW - 70), f.small);
        c.text(kPageW - kMargin - c.width(pageText, line), c.bottom - 16, pageText, line);
    }
}

} // namespace

// [SECTION] public API

std::optional<Paper> parsePaper(const std::string& text) {
    std::string lower;
    for (char ch : text) lower += char(std::tolower(static_cast<unsigned char>(ch)));
    if (lower == "a4") return Paper::A4;
    if (lower == "letter" || lower == "us-letter") return Paper::Letter;
    return std::nullopt;
}

std::string recordQrText(std::int64_t recordId, int version, const std::string& hash) {
    return "mrscreen:record:" + std::to_string(recordId) + ":v" + std::to_string(version) + ":sha256:" + hash;
}

std::string recordContentText(const RecordInput& in) {
    checkFormVersion(in);
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
        if (f.gate != "zone-iv")
            flag["gate"] = f.gate;
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
                        {"sha256", in.form->formSha256}}},
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
    if (const auto labs = recordLabs(in))
        j["labs"] = {{"creatinine", labs->creatinine}, {"unit", labs->creatinineUnit},
                     {"egfr", labs->egfr ? json(*labs->egfr) : json(nullptr)}, {"date", labs->date},
                     {"equation", labs->method}};
    if (d.contrastPlanned != "unknown" || !d.contrastPlannedBy.empty())
        j["contrastPlanned"] = {{"value", d.contrastPlanned}, {"by", d.contrastPlannedBy}, {"at", d.contrastPlannedAt}};
    if (d.contrastDecision)
        j["contrastDecision"] = {{"outcome", d.contrastDecision->outcome}, {"conditions", d.contrastDecision->conditions},
                                 {"reason", d.contrastDecision->reason}, {"by", d.contrastDecision->decidedBy},
                                 {"at", d.contrastDecision->decidedAt}};
    if (d.ignoredAnswersJson != "[]" && !d.ignoredAnswersJson.empty())
        j["ignoredAnswers"] = d.ignoredAnswersJson;
    if (in.auditHead) j["auditHead"] = {{"seq", in.auditHead->seq}, {"sha256", in.auditHead->hash}};
    return j.dump(); // object keys sorted, no whitespace
}

std::string recordContentHash(const RecordInput& in) { return store::sha256Hex(recordContentText(in)); }

std::string renderRecordPdf(const RecordInput& in) {
    checkFormVersion(in);
    const store::ScreeningDetail& d = *in.detail;
    const Questionnaire& form = in.form->form;
    const std::string hash = in.contentHash.empty() ? recordContentHash(in) : in.contentHash;
    const Response response = readResponse(d.responseJson, "screening " + std::to_string(d.summary.id) + " response");
    const ScreeningAnswers answers(form, response);

    Canvas c(in.paper);
    const std::string title = "MRI safety screening record " + std::to_string(in.recordId) + " v" +
                              std::to_string(in.version);
    HPDF_SetInfoAttr(c.doc(), HPDF_INFO_TITLE, title.c_str());
    HPDF_SetInfoAttr(c.doc(), HPDF_INFO_CREATOR, "mrscreen");
    // The QR code's text, also in the (uncompressed, signed) Info dictionary for `mrscreen verify`.
    HPDF_SetInfoAttr(c.doc(), HPDF_INFO_SUBJECT, recordQrText(in.recordId, in.version, hash).c_str());
    if (in.auditHead) HPDF_SetInfoAttr(c.doc(), HPDF_INFO_KEYWORDS, auditHeadKeywords(*in.auditHead).c_str());
    const std::string lang = form.supportsLanguage(d.language) ? d.language : form.language;
    const Ctx x{c, stylesFor(c), in, d, form, lang, form.language, recordLabs(in)};

    std::vector<Block> blocks;
    if (in.replaces) {
        // A signed record is never rewritten: the newer version says what it replaces, and the
        // store's listing (mrscreen show, the staff preview) marks the older one superseded.
        Style notice = x.f.bodyBold;
        notice.color = kAccent;
        blocks.push_back(paragraph(c, notice,
                                   "This is version " + std::to_string(in.version) + " of this record. It replaces version " +
                                       std::to_string(in.replaces->version) +
                                       (in.replaces->createdAt.empty() ? "" : " of " + localTimeText(in.replaces->createdAt)) +
                                       ", which is superseded: read this version."));
    }
    identity(x, blocks, answers);
    flagSummary(x, blocks);
    decision(x, blocks);
    labs(x, blocks);
    implants(x, blocks);
    ignoredAnswers(x, blocks);
    std::string answersTitle = "Answers";
    if (lang != form.language) {
        answersTitle += " (in ";
        answersTitle += languageName(lang);
        answersTitle += ", the patient's language; English in grey)";
    }
    blocks.push_back(heading(c, x.f, answersTitle, "", 13));
    answerSections(x, blocks, answers);
    signatures(x, blocks, response);
    if (in.auditHead) {
        blocks.push_back(heading(c, x.f, "Audit trail at signing", "", 10));
        blocks.push_back(paragraph(c, x.f.small,
                                   "When this record was signed, the site's audit trail ended at row " +
                                       std::to_string(in.auditHead->seq) + ", sha256 " + in.auditHead->hash +
                                       ". 'mrscreen audit verify --record' checks that this history is unchanged."));
    }

    c.newPage();
    place(c, blocks);
    headers(c, x.f, in, d, hash);
    return c.save();
}

} // namespace mrscreen::record
