// The audit head a record carries in its signed Info dictionary (/Keywords): written by
// renderRecordPdf, read back by `verify` and `audit verify --record`.
#include "record/record_pdf.h"

#include <cstdio>
#include <cstdlib>

namespace mrscreen::record {

std::string auditHeadKeywords(const store::AuditHead& head) {
    return "mrscreen:audit-head:" + std::to_string(head.seq) + ":sha256:" + head.hash;
}

namespace {

// An Info string as libharu writes it: <FEFF…> (UTF-16BE hex) or (literal); ASCII only.
std::string infoText(const std::string& pdf, const std::string& key) {
    const auto at = pdf.find(key);
    if (at == std::string::npos)
        return "";
    std::size_t i = at + key.size();
    while (i < pdf.size() && pdf[i] == ' ')
        ++i;
    std::string text;
    if (pdf.compare(i, 5, "<FEFF") == 0) {
        for (i += 5; i + 3 < pdf.size() && pdf[i] != '>'; i += 4) {
            const unsigned long unit = std::strtoul(pdf.substr(i, 4).c_str(), nullptr, 16);
            if (unit == 0 || unit > 0x7E)
                break;
            text += char(unit);
        }
    } else if (i < pdf.size() && pdf[i] == '(') {
        for (++i; i < pdf.size() && pdf[i] != ')' && text.size() < 200; ++i)
            text += pdf[i];
    }
    return text;
}

} // namespace

std::optional<store::AuditHead> recordAuditHead(const std::string& pdfBytes) {
    const std::string keywords = infoText(pdfBytes, "/Keywords");
    long long seq = 0;
    char hash[65] = {};
    if (std::sscanf(keywords.c_str(), "mrscreen:audit-head:%lld:sha256:%64[0-9a-f]", &seq, hash) !=
            2 ||
        std::string(hash).size() != 64 || seq < 1)
        return std::nullopt;
    return store::AuditHead{seq, hash};
}

} // namespace mrscreen::record
