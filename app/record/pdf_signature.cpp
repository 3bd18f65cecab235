#include "record/pdf_signature.h"

#include "record/certificate_validity.h"

#include <openssl/asn1.h>
#include <openssl/bio.h>
#include <openssl/bn.h>
#include <openssl/cms.h>
#include <openssl/err.h>
#include <openssl/ess.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <ctime>
#include <fcntl.h>
#include <filesystem>
#include <fstream>
#include <map>
#include <optional>
#include <set>
#include <sstream>
#include <sys/stat.h>
#include <unistd.h>

namespace mrscreen::record {

void PrivateKeyFree::operator()(EVP_PKEY* key) const {
    EVP_PKEY_free(key);
}
void CertificateFree::operator()(X509* cert) const {
    X509_free(cert);
}

namespace {

namespace fs = std::filesystem;

// [SECTION] OpenSSL handles and errors

template <typename T, void (*Free)(T*)> struct Freer {
    void operator()(T* p) const { Free(p); }
};
template <typename T, void (*Free)(T*)> using Owned = std::unique_ptr<T, Freer<T, Free>>;

void freeBio(BIO* bio) {
    BIO_free(bio);
}
void freeCerts(STACK_OF(X509) * certs) {
    sk_X509_free(certs);
}
using BioPtr = Owned<BIO, freeBio>;
using CmsPtr = Owned<CMS_ContentInfo, CMS_ContentInfo_free>;
using CertStackPtr = Owned<STACK_OF(X509), freeCerts>;
using CertPtr = Owned<X509, X509_free>;
using KeyPtr = Owned<EVP_PKEY, EVP_PKEY_free>;
using BignumPtr = Owned<BIGNUM, BN_free>;
using TimePtr = Owned<ASN1_TIME, ASN1_TIME_free>;
using ExtensionPtr = Owned<X509_EXTENSION, X509_EXTENSION_free>;

// The OpenSSL error queue as one line, emptied so it cannot leak into a later message.
std::string takeOpenSslErrors() {
    std::string text;
    while (const unsigned long code = ERR_get_error()) {
        char buffer[256];
        ERR_error_string_n(code, buffer, sizeof buffer);
        if (!text.empty())
            text += "; ";
        text += buffer;
    }
    return text.empty() ? "no detail from OpenSSL" : text;
}

BioPtr memoryBio(const std::string& bytes) {
    BioPtr bio(BIO_new_mem_buf(bytes.data(), static_cast<int>(bytes.size())));
    if (!bio)
        throw SignatureError("out of memory creating an OpenSSL buffer");
    return bio;
}

std::string bioContents(BIO* bio) {
    char* data = nullptr;
    const long size = BIO_get_mem_data(bio, &data);
    return std::string(data, static_cast<std::size_t>(size));
}

std::string readWholeFile(const std::string& path, const std::string& what) {
    std::error_code ec;
    if (!fs::exists(path, ec))
        throw SignatureError(
            what + " " + path +
            " does not exist (run `mrscreen keygen` or fix the path in the config)");
    std::ifstream in(path, std::ios::binary);
    if (!in)
        throw SignatureError("cannot read " + what + " " + path + ": " + std::strerror(errno));
    std::ostringstream out;
    out << in.rdbuf();
    return out.str();
}

std::string subjectOf(const X509* cert) {
    BioPtr bio(BIO_new(BIO_s_mem()));
    X509_NAME_print_ex(bio.get(), X509_get_subject_name(cert), 0, XN_FLAG_RFC2253);
    return bioContents(bio.get());
}

// `t` in UTC, written with a strftime format.
std::string formatUtc(std::time_t t, const char* format) {
    std::tm tm{};
    gmtime_r(&t, &tm);
    char buffer[32];
    std::strftime(buffer, sizeof buffer, format, &tm);
    return buffer;
}

std::string isoUtc(std::time_t t) { return formatUtc(t, "%Y-%m-%dT%H:%M:%SZ"); }

// [SECTION] PDF lexing: just enough to read a trailer and copy dictionaries

bool isWhite(char c) {
    return c == ' ' || c == '\n' || c == '\r' || c == '\t' || c == '\f' || c == '\0';
}
bool isDelimiter(char c) {
    return std::strchr("()<>[]{}/%", c) != nullptr && c != '\0';
}
bool isRegular(char c) {
    return !isWhite(c) && !isDelimiter(c);
}
bool isDigit(char c) {
    return c >= '0' && c <= '9';
}

std::size_t skipWhite(const std::string& s, std::size_t pos) {
    while (pos < s.size()) {
        if (isWhite(s[pos])) {
            ++pos;
        } else if (s[pos] == '%') {
            while (pos < s.size() && s[pos] != '\n' && s[pos] != '\r')
                ++pos;
        } else {
            break;
        }
    }
    return pos;
}

std::size_t skipRegular(const std::string& s, std::size_t pos) {
    while (pos < s.size() && isRegular(s[pos]))
        ++pos;
    return pos;
}

std::optional<long long> integerAt(const std::string& s, std::size_t& pos) {
    std::size_t end = pos;
    if (end < s.size() && (s[end] == '+' || s[end] == '-'))
        ++end;
    const std::size_t digits = end;
    while (end < s.size() && isDigit(s[end]))
        ++end;
    if (end == digits || end - digits > 15 || (end < s.size() && isRegular(s[end])))
        return std::nullopt;
    const long long value = std::stoll(s.substr(pos, end - pos));
    pos = end;
    return value;
}

class PdfSyntaxError : public SignatureError {
public:
    using SignatureError::SignatureError;
};

// Returns the position just past the PDF object starting at `pos` (after white space).
std::size_t skipObject(const std::string& s, std::size_t pos, int depth = 0) {
    if (depth > 64)
        throw PdfSyntaxError("objects nested too deeply");
    pos = skipWhite(s, pos);
    if (pos >= s.size())
        throw PdfSyntaxError("unexpected end of file inside an object");
    const char c = s[pos];
    if (c == '/')
        return skipRegular(s, pos + 1);
    if (c == '(') {
        int parens = 0;
        for (; pos < s.size(); ++pos) {
            if (s[pos] == '\\') {
                ++pos;
            } else if (s[pos] == '(') {
                ++parens;
            } else if (s[pos] == ')' && --parens == 0) {
                return pos + 1;
            }
        }
        throw PdfSyntaxError("unterminated string");
    }
    if (s.compare(pos, 2, "<<") == 0) {
        pos += 2;
        while (true) {
            pos = skipWhite(s, pos);
            if (s.compare(pos, 2, ">>") == 0)
                return pos + 2;
            pos = skipObject(s, pos, depth + 1);
        }
    }
    if (c == '<') {
        const std::size_t end = s.find('>', pos);
        if (end == std::string::npos)
            throw PdfSyntaxError("unterminated hex string");
        return end + 1;
    }
    if (c == '[') {
        ++pos;
        while (true) {
            pos = skipWhite(s, pos);
            if (pos < s.size() && s[pos] == ']')
                return pos + 1;
            pos = skipObject(s, pos, depth + 1);
        }
    }
    const std::size_t end = skipRegular(s, pos);
    if (end == pos)
        throw PdfSyntaxError(std::string("unexpected '") + c + "'");
    // A reference "12 0 R" is one value.
    std::size_t look = pos;
    if (integerAt(s, look)) {
        look = skipWhite(s, look);
        if (integerAt(s, look)) {
            look = skipWhite(s, look);
            if (look < s.size() && s[look] == 'R' &&
                (look + 1 >= s.size() || !isRegular(s[look + 1])))
                return look + 1;
        }
    }
    return end;
}

// A dictionary as its keys and the raw text of each value, in file order.
struct Dictionary {
    std::vector<std::pair<std::string, std::string>> entries;

    const std::string* find(const std::string& key) const {
        for (const auto& [k, v] : entries)
            if (k == key)
                return &v;
        return nullptr;
    }
    void set(const std::string& key, const std::string& value) {
        for (auto& [k, v] : entries)
            if (k == key) {
                v = value;
                return;
            }
        entries.emplace_back(key, value);
    }
    std::string text() const {
        std::string out = "<<";
        for (const auto& [k, v] : entries)
            out += " " + k + " " + v;
        return out + " >>";
    }
};

Dictionary parseDictionary(const std::string& s, std::size_t pos) {
    pos = skipWhite(s, pos);
    if (s.compare(pos, 2, "<<") != 0)
        throw PdfSyntaxError("expected a dictionary");
    pos += 2;
    Dictionary dict;
    while (true) {
        pos = skipWhite(s, pos);
        if (s.compare(pos, 2, ">>") == 0)
            return dict;
        if (pos >= s.size() || s[pos] != '/')
            throw PdfSyntaxError("dictionary key is not a name");
        const std::size_t keyEnd = skipRegular(s, pos + 1);
        const std::string key = s.substr(pos, keyEnd - pos);
        const std::size_t valueStart = skipWhite(s, keyEnd);
        pos = skipObject(s, valueStart);
        dict.entries.emplace_back(key, s.substr(valueStart, pos - valueStart));
    }
}

struct Reference {
    long long number = 0;
    long long generation = 0;
    std::string text() const {
        return std::to_string(number) + " " + std::to_string(generation) + " R";
    }
};

std::optional<Reference> referenceIn(const std::string& value) {
    std::size_t pos = 0;
    const auto number = integerAt(value, pos);
    pos = skipWhite(value, pos);
    const auto generation = integerAt(value, pos);
    pos = skipWhite(value, pos);
    if (!number || !generation || value.compare(pos, 1, "R") != 0)
        return std::nullopt;
    return Reference{*number, *generation};
}

// [SECTION] reading the original file's cross-reference table

struct XrefEntry {
    std::size_t offset = 0;
    long long generation = 0;
    bool inUse = false;
};

struct OriginalPdf {
    std::size_t startxref = 0;
    long long size = 0;
    Dictionary trailer; // the newest one
    std::map<long long, XrefEntry> objects;
};

std::size_t findStartxref(const std::string& pdf) {
    const std::size_t tail = pdf.size() > 2048 ? pdf.size() - 2048 : 0;
    const std::size_t at = pdf.rfind("startxref");
    if (at == std::string::npos || at < tail)
        throw PdfSyntaxError("no 'startxref' near the end of the file (truncated or not a PDF)");
    std::size_t pos = skipWhite(pdf, at + 9);
    const auto offset = integerAt(pdf, pos);
    if (!offset || *offset < 0 || static_cast<std::size_t>(*offset) >= pdf.size())
        throw PdfSyntaxError("'startxref' does not give an offset inside the file");
    return static_cast<std::size_t>(*offset);
}

// Reads one classic xref section and its trailer; entries already known (from newer sections) win.
Dictionary readXrefSection(const std::string& pdf, std::size_t pos, OriginalPdf& into) {
    if (pdf.compare(pos, 4, "xref") != 0) {
        std::size_t look = pos;
        if (integerAt(pdf, look) && pdf.find(" obj", look) < look + 16 &&
            pdf.find("/XRef", look) < pdf.find("endobj", look))
            throw SignatureError(
                "the PDF uses a cross-reference stream (PDF 1.5 compressed xref); "
                "mrscreen signs only PDFs with a classic xref table, as libharu writes them");
        throw PdfSyntaxError("startxref does not point at an xref table");
    }
    pos += 4;
    while (true) {
        pos = skipWhite(pdf, pos);
        if (pdf.compare(pos, 7, "trailer") == 0)
            break;
        const auto first = integerAt(pdf, pos);
        pos = skipWhite(pdf, pos);
        const auto count = integerAt(pdf, pos);
        if (!first || !count || *first < 0 || *count < 0)
            throw PdfSyntaxError("damaged xref subsection header");
        for (long long i = 0; i < *count; ++i) {
            pos = skipWhite(pdf, pos);
            const auto offset = integerAt(pdf, pos);
            pos = skipWhite(pdf, pos);
            const auto generation = integerAt(pdf, pos);
            pos = skipWhite(pdf, pos);
            if (!offset || !generation || pos >= pdf.size() || (pdf[pos] != 'n' && pdf[pos] != 'f'))
                throw PdfSyntaxError("damaged xref entry for object " + std::to_string(*first + i));
            into.objects.try_emplace(*first + i, XrefEntry{static_cast<std::size_t>(*offset),
                                                           *generation, pdf[pos] == 'n'});
            ++pos;
        }
    }
    return parseDictionary(pdf, pos + 7);
}

OriginalPdf readOriginal(const std::string& pdf) {
    OriginalPdf original;
    original.startxref = findStartxref(pdf);
    std::set<std::size_t> seen;
    std::size_t section = original.startxref;
    for (bool newest = true;; newest = false) {
        if (!seen.insert(section).second)
            throw PdfSyntaxError("the /Prev chain of xref sections loops");
        Dictionary trailer = readXrefSection(pdf, section, original);
        if (newest)
            original.trailer = trailer;
        const std::string* prev = trailer.find("/Prev");
        if (!prev)
            break;
        std::size_t pos = 0;
        const auto offset = integerAt(*prev, pos);
        if (!offset || *offset < 0 || static_cast<std::size_t>(*offset) >= pdf.size())
            throw PdfSyntaxError("trailer /Prev points outside the file");
        section = static_cast<std::size_t>(*offset);
    }
    const std::string* size = original.trailer.find("/Size");
    std::size_t pos = 0;
    const auto value = size ? integerAt(*size, pos) : std::nullopt;
    if (!value || *value <= 0)
        throw PdfSyntaxError("the trailer has no /Size");
    original.size = *value;
    if (!original.trailer.find("/Root"))
        throw PdfSyntaxError("the trailer has no /Root");
    return original;
}

Dictionary objectDictionary(const std::string& pdf, const OriginalPdf& original,
                            const Reference& ref) {
    const auto it = original.objects.find(ref.number);
    const std::string name = "object " + std::to_string(ref.number);
    if (it == original.objects.end() || !it->second.inUse)
        throw PdfSyntaxError(name + " is not in the xref table");
    std::size_t pos = it->second.offset;
    const auto number = integerAt(pdf, pos);
    pos = skipWhite(pdf, pos);
    const auto generation = integerAt(pdf, pos);
    pos = skipWhite(pdf, pos);
    if (number != ref.number || generation != ref.generation || pdf.compare(pos, 3, "obj") != 0)
        throw PdfSyntaxError("the xref offset of " + name + " does not point at it");
    return parseDictionary(pdf, pos + 3);
}

Reference referenceFor(const Dictionary& dict, const std::string& key, const std::string& owner) {
    const std::string* value = dict.find(key);
    const auto ref = value ? referenceIn(*value) : std::nullopt;
    if (!ref)
        throw PdfSyntaxError(owner + " has no " + key + " reference");
    return *ref;
}

Reference firstPage(const std::string& pdf, const OriginalPdf& original, Reference node) {
    for (int depth = 0; depth < 32; ++depth) {
        const Dictionary dict = objectDictionary(pdf, original, node);
        const std::string* type = dict.find("/Type");
        if (type && *type == "/Page")
            return node;
        const std::string* kids = dict.find("/Kids");
        if (!kids || kids->size() < 2 || (*kids)[0] != '[')
            throw PdfSyntaxError("the page tree has no /Kids");
        const std::size_t start = skipWhite(*kids, 1);
        const auto first = referenceIn(kids->substr(start, skipObject(*kids, start) - start));
        if (!first)
            throw PdfSyntaxError("the page tree has no first page");
        node = *first;
    }
    throw PdfSyntaxError("the page tree is nested too deeply");
}

// [SECTION] writing the update

// A PDF text string: a literal for plain ASCII, else UTF-16BE with a byte order mark.
std::string pdfTextString(const std::string& utf8) {
    const bool ascii = std::all_of(utf8.begin(), utf8.end(), [](char c) {
        return static_cast<unsigned char>(c) >= 0x20 && static_cast<unsigned char>(c) < 0x7f;
    });
    if (ascii) {
        std::string out = "(";
        for (const char c : utf8) {
            if (c == '(' || c == ')' || c == '\\')
                out += '\\';
            out += c;
        }
        return out + ")";
    }
    std::string out = "<FEFF";
    char buffer[8];
    const auto unit = [&](unsigned value) {
        std::snprintf(buffer, sizeof buffer, "%04X", value & 0xffffu);
        out += buffer;
    };
    for (std::size_t i = 0; i < utf8.size();) {
        const auto byte = static_cast<unsigned char>(utf8[i]);
        const int length = byte < 0x80         ? 1
                           : (byte >> 5) == 6  ? 2
                           : (byte >> 4) == 14 ? 3
                           : (byte >> 3) == 30 ? 4
                                               : 0;
        unsigned cp = 0xfffd;
        if (length > 0 && i + static_cast<std::size_t>(length) <= utf8.size()) {
            cp = length == 1 ? byte : byte & (0x7fu >> length);
            for (int k = 1; k < length; ++k)
                cp = (cp << 6) | (static_cast<unsigned char>(utf8[i + k]) & 0x3fu);
            i += static_cast<std::size_t>(length);
        } else {
            ++i;
        }
        if (cp < 0x20)
            cp = 0x20;
        if (cp >= 0x10000) {
            cp -= 0x10000;
            unit(0xd800 + (cp >> 10));
            unit(0xdc00 + (cp & 0x3ff));
        } else {
            unit(cp);
        }
    }
    return out + ">";
}

std::string pdfDate(std::time_t t) { return formatUtc(t, "(D:%Y%m%d%H%M%S+00'00')"); }

constexpr std::size_t kContentsBytes = 16384; // room for the CMS signature, hex-encoded twice that
constexpr std::size_t kByteRangeWidth = 48;   // "[0 a b c]" padded with spaces to this width

std::string cmsSign(const std::string& signedBytes, const SigningIdentity& id,
                    std::time_t signedAt) {
    CertStackPtr chain(sk_X509_new_null());
    for (const auto& cert : id.chain)
        sk_X509_push(chain.get(), cert.get());
    const unsigned flags = CMS_DETACHED | CMS_BINARY | CMS_PARTIAL | CMS_NOSMIMECAP | CMS_CADES;
    CmsPtr cms(CMS_sign(nullptr, nullptr, chain.get(), nullptr, flags));
    if (!cms)
        throw SignatureError("cannot start the CMS signature: " + takeOpenSslErrors());
    CMS_SignerInfo* signer =
        CMS_add1_signer(cms.get(), id.certificate.get(), id.key.get(), EVP_sha256(), flags);
    if (!signer)
        throw SignatureError("cannot add the site certificate as signer: " + takeOpenSslErrors());
    TimePtr when(ASN1_TIME_adj(nullptr, signedAt, 0, 0));
    if (!when ||
        !CMS_signed_add1_attr_by_NID(signer, NID_pkcs9_signingTime, when->type, when.get(), -1))
        throw SignatureError("cannot add the signing time: " + takeOpenSslErrors());
    BioPtr content = memoryBio(signedBytes);
    if (!CMS_final(cms.get(), content.get(), nullptr, flags))
        throw SignatureError("CMS signing failed: " + takeOpenSslErrors());
    BioPtr der(BIO_new(BIO_s_mem()));
    if (!i2d_CMS_bio(der.get(), cms.get()))
        throw SignatureError("cannot encode the CMS signature: " + takeOpenSslErrors());
    return bioContents(der.get());
}

} // namespace

// [SECTION] signing

std::string signPdf(const std::string& pdfBytes, const SigningIdentity& id,
                    const SignatureInfo& info) {
    if (!id.key || !id.certificate)
        throw SignatureError("no signing key and certificate loaded");
    if (pdfBytes.compare(0, 5, "%PDF-") != 0)
        throw SignatureError("cannot sign: the data is not a PDF");
    const std::time_t signedAt = std::chrono::system_clock::to_time_t(info.signedAt);
    if (const std::string refusal = signingRefusal(id.certificate.get(), signedAt);
        !refusal.empty())
        throw SignatureError(refusal);
    OriginalPdf original;
    Dictionary catalog;
    Dictionary page;
    Reference catalogRef;
    Reference pageRef;
    try {
        original = readOriginal(pdfBytes);
        catalogRef = referenceFor(original.trailer, "/Root", "the trailer");
        catalog = objectDictionary(pdfBytes, original, catalogRef);
        if (catalog.find("/AcroForm"))
            throw SignatureError("the PDF already has a form (/AcroForm); mrscreen signs only "
                                 "freshly rendered records");
        pageRef = firstPage(pdfBytes, original, referenceFor(catalog, "/Pages", "the catalog"));
        page = objectDictionary(pdfBytes, original, pageRef);
    } catch (const PdfSyntaxError& e) {
        throw SignatureError(std::string("cannot sign: the PDF is damaged: ") + e.what());
    }

    const long long sigNumber = original.size;
    const long long widgetNumber = sigNumber + 1;
    const long long formNumber = sigNumber + 2;
    const Reference widgetRef{widgetNumber, 0};

    // The first page lists the widget among its annotations (inline array, or none yet).
    const std::string* annots = page.find("/Annots");
    if (!annots) {
        page.set("/Annots", "[" + widgetRef.text() + "]");
    } else if (!annots->empty() && annots->front() == '[') {
        page.set("/Annots", annots->substr(0, annots->size() - 1) + " " + widgetRef.text() + "]");
    } else {
        throw SignatureError("cannot sign: page 1 keeps its annotations in a separate object, "
                             "which mrscreen does not extend");
    }
    catalog.set("/AcroForm", Reference{formNumber, 0}.text());

    std::string out = pdfBytes;
    if (out.back() != '\n' && out.back() != '\r')
        out += '\n';
    std::map<long long, std::pair<std::size_t, long long>> written; // number -> offset, generation
    const auto beginObject = [&](long long number, long long generation) {
        written[number] = {out.size(), generation};
        out += std::to_string(number) + " " + std::to_string(generation) + " obj\n";
    };

    beginObject(sigNumber, 0);
    out += "<< /Type /Sig /Filter /Adobe.PPKLite /SubFilter /ETSI.CAdES.detached /ByteRange ";
    const std::size_t byteRangeAt = out.size();
    out += std::string(kByteRangeWidth, ' ') + " /Contents ";
    const std::size_t contentsStart = out.size();
    out += "<" + std::string(kContentsBytes * 2, '0') + ">";
    const std::size_t contentsEnd = out.size();
    out += " /M " + pdfDate(signedAt);
    if (!info.name.empty())
        out += " /Name " + pdfTextString(info.name);
    if (!info.reason.empty())
        out += " /Reason " + pdfTextString(info.reason);
    if (!info.location.empty())
        out += " /Location " + pdfTextString(info.location);
    out += " >>\nendobj\n";

    beginObject(widgetNumber, 0);
    out += "<< /Type /Annot /Subtype /Widget /FT /Sig /T (Signature" + std::to_string(sigNumber) +
           ") /V " + Reference{sigNumber, 0}.text() + " /F 132 /Rect [0 0 0 0] /P " +
           pageRef.text() + " >>\nendobj\n";
    beginObject(formNumber, 0);
    out += "<< /Fields [" + widgetRef.text() + "] /SigFlags 3 >>\nendobj\n";
    beginObject(catalogRef.number, catalogRef.generation);
    out += catalog.text() + "\nendobj\n";
    beginObject(pageRef.number, pageRef.generation);
    out += page.text() + "\nendobj\n";

    const std::size_t xrefAt = out.size();
    out += "xref\n";
    for (auto it = written.begin(); it != written.end();) {
        auto end = it;
        long long next = it->first;
        while (end != written.end() && end->first == next)
            ++end, ++next;
        out += std::to_string(it->first) + " " + std::to_string(next - it->first) + "\n";
        for (; it != end; ++it) {
            char entry[32];
            std::snprintf(entry, sizeof entry, "%010zu %05lld n\r\n", it->second.first,
                          it->second.second);
            out += entry;
        }
    }
    Dictionary trailer;
    trailer.set("/Size", std::to_string(formNumber + 1));
    trailer.set("/Root", catalogRef.text());
    for (const char* key : {"/Info", "/ID"})
        if (const std::string* value = original.trailer.find(key))
            trailer.set(key, *value);
    trailer.set("/Prev", std::to_string(original.startxref));
    out += "trailer\n" + trailer.text() + "\nstartxref\n" + std::to_string(xrefAt) + "\n%%EOF\n";

    const std::string byteRange = "[0 " + std::to_string(contentsStart) + " " +
                                  std::to_string(contentsEnd) + " " +
                                  std::to_string(out.size() - contentsEnd) + "]";
    out.replace(byteRangeAt, byteRange.size(), byteRange);

    std::string signedBytes = out.substr(0, contentsStart);
    signedBytes.append(out, contentsEnd);
    const std::string der = cmsSign(signedBytes, id, signedAt);
    if (der.size() > kContentsBytes)
        throw SignatureError("the CMS signature (" + std::to_string(der.size()) +
                             " bytes) does not fit the " + std::to_string(kContentsBytes) +
                             "-byte placeholder; use a shorter certificate chain");
    static constexpr char kHex[] = "0123456789ABCDEF";
    for (std::size_t i = 0; i < der.size(); ++i) {
        const auto byte = static_cast<unsigned char>(der[i]);
        out[contentsStart + 1 + 2 * i] = kHex[byte >> 4];
        out[contentsStart + 2 + 2 * i] = kHex[byte & 0xf];
    }
    return out;
}

// [SECTION] verifying

namespace {

VerifyResult failure(std::string reason) {
    VerifyResult result;
    result.reason = std::move(reason);
    return result;
}

std::string derOf(X509* cert) {
    unsigned char* der = nullptr;
    const int size = i2d_X509(cert, &der);
    if (size <= 0)
        return {};
    std::string out(reinterpret_cast<const char*>(der), static_cast<std::size_t>(size));
    OPENSSL_free(der);
    return out;
}

int hexValue(char c) {
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

std::optional<std::time_t> cmsSigningTime(CMS_ContentInfo* cms) {
    STACK_OF(CMS_SignerInfo)* signers = CMS_get0_SignerInfos(cms);
    if (!signers || sk_CMS_SignerInfo_num(signers) < 1)
        return std::nullopt;
    CMS_SignerInfo* signer = sk_CMS_SignerInfo_value(signers, 0);
    const int index = CMS_signed_get_attr_by_NID(signer, NID_pkcs9_signingTime, -1);
    if (index < 0)
        return std::nullopt;
    ASN1_TYPE* value = X509_ATTRIBUTE_get0_type(CMS_signed_get_attr(signer, index), 0);
    if (!value || (value->type != V_ASN1_UTCTIME && value->type != V_ASN1_GENERALIZEDTIME))
        return std::nullopt;
    std::tm tm{};
    if (!ASN1_TIME_to_tm(reinterpret_cast<ASN1_TIME*>(value->value.asn1_string), &tm))
        return std::nullopt;
    return timegm(&tm);
}

// CAdES: the signed attributes carry the signer certificate's hash. OpenSSL's own check
// (CMS_CADES in CMS_verify) needs a verified chain, which we do not have without a CA file.
bool signingCertificateMatches(CMS_ContentInfo* cms, X509* signer) {
    STACK_OF(CMS_SignerInfo)* infos = CMS_get0_SignerInfos(cms);
    if (!infos || sk_CMS_SignerInfo_num(infos) < 1)
        return false;
    CMS_SignerInfo* info = sk_CMS_SignerInfo_value(infos, 0);
    const int index = CMS_signed_get_attr_by_NID(info, NID_id_smime_aa_signingCertificateV2, -1);
    if (index < 0)
        return false;
    ASN1_TYPE* value = X509_ATTRIBUTE_get0_type(CMS_signed_get_attr(info, index), 0);
    if (!value || value->type != V_ASN1_SEQUENCE)
        return false;
    const unsigned char* cursor = value->value.sequence->data;
    Owned<ESS_SIGNING_CERT_V2, ESS_SIGNING_CERT_V2_free> ess(
        d2i_ESS_SIGNING_CERT_V2(nullptr, &cursor, value->value.sequence->length));
    CertStackPtr chain(sk_X509_new_null());
    const bool ok = ess && chain && sk_X509_push(chain.get(), signer) > 0 &&
                    OSSL_ESS_check_signing_certs(nullptr, ess.get(), chain.get(), 1) == 1;
    ERR_clear_error();
    return ok;
}

} // namespace

VerifyResult verifyPdf(const std::string& bytes) {
    const std::size_t at = bytes.rfind("/ByteRange");
    if (at == std::string::npos)
        return failure("no signature found (the file has no /ByteRange)");
    std::size_t pos = skipWhite(bytes, at + 10);
    long long range[4] = {};
    bool parsed = pos < bytes.size() && bytes[pos] == '[';
    ++pos;
    for (long long& value : range) {
        if (!parsed)
            break;
        pos = skipWhite(bytes, pos);
        const auto number = integerAt(bytes, pos);
        parsed = number && *number >= 0;
        value = parsed ? *number : 0;
    }
    pos = skipWhite(bytes, pos);
    if (!parsed || pos >= bytes.size() || bytes[pos] != ']')
        return failure("the signature's /ByteRange is damaged or cut off");
    const auto fileSize = static_cast<long long>(bytes.size());
    const long long gapStart = range[1];
    const long long gapEnd = range[2];
    const long long signedEnd = range[2] + range[3];
    if (range[0] != 0)
        return failure(
            "the signature does not cover the start of the file (/ByteRange must start at 0)");
    if (signedEnd < fileSize)
        return failure("bytes were appended after the signature: it covers " +
                       std::to_string(signedEnd) + " bytes but the file has " +
                       std::to_string(fileSize));
    if (signedEnd > fileSize)
        return failure("the file is truncated: the signature covers " + std::to_string(signedEnd) +
                       " bytes but the file has only " + std::to_string(fileSize));
    if (gapStart < 2 || gapEnd - gapStart < 2 || gapEnd > fileSize)
        return failure("the signature's /ByteRange leaves an impossible gap");
    const auto gapFrom = static_cast<std::size_t>(gapStart);
    const auto gapTo = static_cast<std::size_t>(gapEnd);
    std::size_t before = gapFrom;
    while (before > 0 && isWhite(bytes[before - 1]))
        --before;
    const bool gapIsContents = bytes[gapFrom] == '<' && bytes[gapTo - 1] == '>' && before >= 9 &&
                               bytes.compare(before - 9, 9, "/Contents") == 0 &&
                               std::all_of(bytes.begin() + gapStart + 1, bytes.begin() + gapEnd - 1,
                                           [](char c) { return hexValue(c) >= 0; });
    if (!gapIsContents)
        return failure("the unsigned gap in /ByteRange is not exactly the signature's /Contents");

    std::string der;
    der.reserve((gapTo - gapFrom) / 2);
    for (std::size_t i = gapFrom + 1; i + 1 < gapTo - 1; i += 2)
        der += static_cast<char>(hexValue(bytes[i]) * 16 + hexValue(bytes[i + 1]));
    const auto* cursor = reinterpret_cast<const unsigned char*>(der.data());
    CmsPtr cms(d2i_CMS_ContentInfo(nullptr, &cursor, static_cast<long>(der.size())));
    if (!cms) {
        ERR_clear_error();
        return failure("the signature's /Contents is not a readable CMS signature (damaged)");
    }

    // The signer's certificate is named before the signature is checked, so even a record whose
    // bytes were altered says which certificate it claims (its fingerprint).
    VerifyResult found;
    CertStackPtr embedded(CMS_get1_certs(cms.get()));
    STACK_OF(CMS_SignerInfo)* infos = CMS_get0_SignerInfos(cms.get());
    X509* claimed = nullptr;
    for (int i = 0;
         embedded && infos && sk_CMS_SignerInfo_num(infos) > 0 && i < sk_X509_num(embedded.get());
         ++i) {
        X509* cert = sk_X509_value(embedded.get(), i);
        if (!claimed && CMS_SignerInfo_cert_cmp(sk_CMS_SignerInfo_value(infos, 0), cert) == 0)
            claimed = cert;
        else
            found.chainDer.push_back(derOf(cert));
    }
    if (claimed) {
        found.signerCertificateDer = derOf(claimed);
        found.signerSubject = subjectOf(claimed);
    }
    if (embedded)
        sk_X509_pop_free(embedded.release(), X509_free);
    auto failed = [&found](std::string reason) {
        found.ok = false;
        found.reason = std::move(reason);
        return found;
    };

    std::string signedBytes = bytes.substr(0, gapFrom);
    signedBytes.append(bytes, gapTo);
    BioPtr content = memoryBio(signedBytes);
    if (!CMS_verify(cms.get(), nullptr, nullptr, content.get(), nullptr,
                    CMS_BINARY | CMS_NO_SIGNER_CERT_VERIFY)) {
        const std::string detail = takeOpenSslErrors();
        return failed("the signature does not match the document: the signed bytes were altered (" +
                      detail + ")");
    }
    CertStackPtr signers(CMS_get0_signers(cms.get()));
    if (!signers || sk_X509_num(signers.get()) < 1)
        return failed("the signature names no signing certificate");
    X509* signer = sk_X509_value(signers.get(), 0);
    found.signerCertificateDer = derOf(signer);
    found.signerSubject = subjectOf(signer);
    if (!signingCertificateMatches(cms.get(), signer))
        return failed("the certificate embedded in the signature was altered or swapped (its hash "
                      "does not match the signed signing-certificate-v2 attribute)");
    std::time_t signedAt = std::time(nullptr);
    if (const auto when = cmsSigningTime(cms.get()))
        signedAt = *when;
    found.signingTime = signedAt;
    found.signedAt = isoUtc(signedAt);

    const CertificateValidity validity = validityAt(signer, signedAt);
    if (validity == CertificateValidity::NotYetValid)
        return failed("the signing certificate was not yet valid at the signing time " +
                      found.signedAt);
    if (validity == CertificateValidity::Expired)
        return failed("the signing certificate had expired at the signing time " + found.signedAt);

    found.ok = true;
    found.reason = "signature valid";
    return found;
}

// [SECTION] identities

namespace {

int refusePassphrase(char*, int, int, void*) {
    return -1;
}

// Creates `path` exclusively with `mode` and writes all of `bytes`; nothing else can have it open.
void writeNewFile(const std::string& path, const std::string& bytes, mode_t mode) {
    const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, mode);
    if (fd < 0) {
        throw SignatureError(
            "cannot create " + path + ": " + std::strerror(errno) +
            (errno == EEXIST ? " (refusing to overwrite an existing key or certificate)" : ""));
    }
    std::size_t done = 0;
    bool ok = ::fchmod(fd, mode) == 0;
    while (ok && done < bytes.size()) {
        const ssize_t n = ::write(fd, bytes.data() + done, bytes.size() - done);
        if (n < 0 && errno == EINTR)
            continue;
        ok = n > 0;
        if (ok)
            done += static_cast<std::size_t>(n);
    }
    ok = ok && ::fsync(fd) == 0;
    const int savedErrno = errno;
    ::close(fd);
    if (!ok) {
        ::unlink(path.c_str());
        throw SignatureError("cannot write " + path + ": " + std::strerror(savedErrno));
    }
}

void addExtension(X509* cert, int nid, const char* value) {
    X509V3_CTX ctx;
    X509V3_set_ctx_nodb(&ctx);
    X509V3_set_ctx(&ctx, cert, cert, nullptr, nullptr, 0);
    ExtensionPtr ext(X509V3_EXT_conf_nid(nullptr, &ctx, nid, value));
    if (!ext || !X509_add_ext(cert, ext.get(), -1))
        throw SignatureError(std::string("cannot add certificate extension ") + OBJ_nid2sn(nid) +
                             ": " + takeOpenSslErrors());
}

} // namespace

SigningIdentity loadSigningIdentity(const std::string& keyPath, const std::string& certPath) {
    SigningIdentity id;
    const std::string keyText = readWholeFile(keyPath, "site signing key");
    BioPtr keyBio = memoryBio(keyText);
    id.key.reset(PEM_read_bio_PrivateKey(keyBio.get(), nullptr, refusePassphrase, nullptr));
    if (!id.key) {
        ERR_clear_error();
        if (keyText.find("ENCRYPTED") != std::string::npos)
            throw SignatureError("site signing key " + keyPath +
                                 " is encrypted; mrscreen needs an unencrypted PEM key readable "
                                 "only by its user (mode 0600)");
        throw SignatureError("site signing key " + keyPath +
                             " is not a PEM private key (expected '-----BEGIN PRIVATE KEY-----')");
    }
    const std::string certText = readWholeFile(certPath, "site certificate");
    BioPtr certBio = memoryBio(certText);
    id.certificate.reset(PEM_read_bio_X509(certBio.get(), nullptr, refusePassphrase, nullptr));
    if (!id.certificate) {
        ERR_clear_error();
        throw SignatureError("site certificate " + certPath +
                             " is not a PEM certificate (expected '-----BEGIN CERTIFICATE-----')");
    }
    while (X509* extra = PEM_read_bio_X509(certBio.get(), nullptr, refusePassphrase, nullptr))
        id.chain.emplace_back(extra);
    ERR_clear_error(); // the read past the last certificate
    if (X509_check_private_key(id.certificate.get(), id.key.get()) != 1) {
        ERR_clear_error();
        throw SignatureError("site signing key " + keyPath + " does not match certificate " +
                             certPath + " (they come from different key pairs)");
    }
    return id;
}

void writeSelfSignedIdentity(const std::string& keyPath, const std::string& certPath,
                             const std::string& commonName, int days) {
    if (commonName.empty())
        throw SignatureError("keygen needs a common name for the certificate (e.g. the site name)");
    if (days <= 0)
        throw SignatureError("keygen needs a validity of at least one day");
    std::error_code ec;
    for (const std::string* path : {&keyPath, &certPath})
        if (fs::exists(*path, ec))
            throw SignatureError("refusing to overwrite " + *path +
                                 ": remove it first if a new site key is really wanted");

    KeyPtr key(EVP_EC_gen("P-256"));
    if (!key)
        throw SignatureError("cannot generate an EC P-256 key: " + takeOpenSslErrors());
    CertPtr cert(X509_new());
    BignumPtr serial(BN_new());
    if (!cert || !serial || !X509_set_version(cert.get(), X509_VERSION_3) ||
        !BN_rand(serial.get(), 127, BN_RAND_TOP_ANY, BN_RAND_BOTTOM_ANY) ||
        !BN_to_ASN1_INTEGER(serial.get(), X509_get_serialNumber(cert.get())) ||
        !X509_gmtime_adj(X509_getm_notBefore(cert.get()), 0) ||
        !X509_time_adj_ex(X509_getm_notAfter(cert.get()), days, 0, nullptr))
        throw SignatureError("cannot build the certificate: " + takeOpenSslErrors());
    X509_NAME* name = X509_get_subject_name(cert.get());
    if (!X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_UTF8,
                                    reinterpret_cast<const unsigned char*>(commonName.c_str()), -1,
                                    -1, 0) ||
        !X509_set_issuer_name(cert.get(), name) || !X509_set_pubkey(cert.get(), key.get()))
        throw SignatureError("cannot name the certificate '" + commonName +
                             "': " + takeOpenSslErrors());
    addExtension(cert.get(), NID_basic_constraints, "critical,CA:FALSE");
    addExtension(cert.get(), NID_key_usage, "critical,digitalSignature,nonRepudiation");
    addExtension(cert.get(), NID_subject_key_identifier, "hash");
    addExtension(cert.get(), NID_authority_key_identifier, "keyid:always");
    if (!X509_sign(cert.get(), key.get(), EVP_sha256()))
        throw SignatureError("cannot self-sign the certificate: " + takeOpenSslErrors());

    BioPtr keyPem(BIO_new(BIO_s_mem()));
    BioPtr certPem(BIO_new(BIO_s_mem()));
    if (!PEM_write_bio_PrivateKey(keyPem.get(), key.get(), nullptr, nullptr, 0, nullptr, nullptr) ||
        !PEM_write_bio_X509(certPem.get(), cert.get()))
        throw SignatureError("cannot encode the key or certificate: " + takeOpenSslErrors());
    writeNewFile(keyPath, bioContents(keyPem.get()), 0600);
    try {
        writeNewFile(certPath, bioContents(certPem.get()), 0644);
    } catch (...) {
        ::unlink(keyPath.c_str()); // a key without its certificate is no use to anyone
        throw;
    }
}

} // namespace mrscreen::record
