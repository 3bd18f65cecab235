// `mrscreen audit verify`: the chain's links, the tables against the events, and optionally the
// heads anchored in a system log export (--anchors) and carried by signed records (--record).
#include "cli/commands.h"
#include "cli/config.h"
#include "cli/form_files.h"

#include "record/pdf_signature.h"
#include "record/signer_trust.h"
#include "record/record_pdf.h"
#include "store/audit_anchor.h"

#include <nlohmann/json.hpp>

#include <ostream>

namespace mrscreen::cli {

using nlohmann::json;

namespace {

struct Finding {
    std::string source; // "the database", a file
    store::AuditCheck check;
};

json findingJson(const Finding& f) {
    return {{"source", f.source},
            {"intact", f.check.intact},
            {"kind", f.check.kind},
            {"firstBadRow", f.check.firstBadSeq ? json(*f.check.firstBadSeq) : json(nullptr)},
            {"problem", f.check.problem},
            {"mismatches", f.check.mismatches}};
}

store::AuditCheck recordCheck(const std::vector<store::AuditEvent>& events, const std::string& file,
                              const KioskConfig& config) {
    const std::string bytes = readFile(file);
    store::AuditCheck check;
    check.kind = "record";
    check.intact = false;
    const auto signature = record::verifyPdf(bytes);
    if (!signature.ok) {
        check.problem = "its signature is not valid (" + signature.reason +
                        "), so its audit head proves nothing";
        return check;
    }
    // Anyone can sign a PDF with a key of the site's name: only a signer the site anchors counts.
    record::TrustAnchors anchors;
    anchors.trustedCaPath = config.trustedCa;
    anchors.pinnedSha256 = config.signerSha256;
    anchors.pinnedFrom = "[site] signer_sha256";
    if (const auto trust = record::checkSigner(signature, anchors); !trust.trusted) {
        check.problem = "its signer is not one this site trusts (" + trust.reason + "), so its audit head proves nothing";
        return check;
    }
    const auto head = record::recordAuditHead(bytes);
    if (!head) {
        check.problem = "it carries no audit head (made before records carried one)";
        return check;
    }
    check =
        store::checkAnchors(events, {{*head, config.siteName, "record " + file}}, config.siteName);
    check.kind = "record";
    // Said of the record: the head it carries, not one read from a log.
    if (const std::string from = "the head anchored at row "; check.problem.rfind(from, 0) == 0)
        check.problem = "the audit head this record carries, row " + check.problem.substr(from.size());
    else if (check.intact)
        check.problem = "its audit head at signing (row " + std::to_string(head->seq) + ") is in the trail";
    return check;
}

} // namespace

int runAuditVerify(const StoreContext& ctx, bool asJson, std::ostream& out, std::ostream& err) {
    AuditVerifyOptions o;
    o.json = asJson;
    return runAuditVerify(ctx, o, out, err);
}

int runAuditVerify(const StoreContext& ctx, const AuditVerifyOptions& o, std::ostream& out,
                   std::ostream& err) {
    try {
        const KioskConfig config = configFor(ctx);
        const auto store = openStore(config);
        std::vector<Finding> findings{{"the database", store->verifyAudit()}};
        const std::int64_t rows = findings.front().check.rows;
        if (findings.front().check.intact && !(o.anchors.empty() && o.records.empty())) {
            const auto events = store->auditTrail();
            for (const auto& file : o.anchors)
                findings.push_back(
                    {file, store::checkAnchors(events, store::readAnchors(readFile(file), file),
                                               config.siteName)});
            for (const auto& file : o.records)
                findings.push_back({file, recordCheck(events, file, config)});
        }
        bool intact = true;
        for (const auto& f : findings)
            intact = intact && f.check.intact;
        if (o.json) {
            json list = json::array();
            for (const auto& f : findings)
                list.push_back(findingJson(f));
            const auto& db = findings.front().check;
            json j = findingJson(findings.front());
            j.erase("source");
            j["rows"] = rows;
            j["intact"] = intact;
            j["head"] =
                db.head ? json{{"seq", db.head->seq}, {"sha256", db.head->hash}} : json(nullptr);
            j["checks"] = list;
            out << j.dump(2) << "\n";
            return intact ? 0 : 1;
        }
        for (const auto& f : findings) {
            const auto& c = f.check;
            if (&f == &findings.front() && c.intact) {
                out << "Audit trail intact: " << c.rows
                    << " event(s), every link verified; screening states, "
                    << "decisions, flag verdicts and staff accounts agree with it.\n";
                if (c.head)
                    out << "  head: row " << c.head->seq << ", sha256 " << c.head->hash << "\n";
            } else if (c.intact) {
                out << f.source << ": " << c.problem << ".\n";
            } else if (c.kind == "chain") {
                out << "AUDIT TRAIL BROKEN at row " << *c.firstBadSeq << ": " << c.problem << ".\n";
            } else if (c.kind == "rows") {
                out << "AUDIT TRAIL DOES NOT MATCH THE DATABASE: " << c.problem << ".\n";
                if (c.mismatches.size() > 1)
                    out << "  and " << c.mismatches.size() - 1 << " more (--json lists them all)\n";
            } else if (c.kind == "empty") {
                out << "AUDIT TRAIL MISSING: " << c.problem << ".\n";
            } else {
                out << "AUDIT TRAIL REWRITTEN (" << f.source << "): " << c.problem << ".\n";
            }
        }
        if (!intact)
            out << "Keep this database and these files as evidence and report it to the MR safety "
                   "officer and IT "
                   "security.\n";
        return intact ? 0 : 1;
    } catch (const screening::InputError& e) {
        err << "mrscreen audit verify: " << e.what() << "\n";
        return 2;
    } catch (const std::exception& e) {
        err << "mrscreen audit verify: " << e.what() << "\n";
        return 2;
    }
}

} // namespace mrscreen::cli
