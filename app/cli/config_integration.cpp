// The config's sections for the scanners and the hospital's DICOM servers: [scanner] (one) or
// [[scanner]] (several, by AE title), [worklist] and [pacs].
#include "cli/config_reader.h"

#include <algorithm>

namespace mrscreen::cli {

namespace {

const std::set<std::string> kScannerKeys = {"ae_title", "name", "field_strength_t", "spatial_gradient_t_per_m",
                                            "sar_mode", "default"};

void checkKeys(Reader& r, const toml::table& t, const std::string& label, const std::set<std::string>& keys) {
    for (const auto& [key, value] : t) {
        (void)value;
        if (!keys.count(std::string(key.str())))
            r.problems.push_back("unknown key '" + std::string(key.str()) + "' in " + label);
    }
}

KioskConfig::Scanner readScanner(Reader& r, const toml::table& t, const std::string& label, bool& isDefault) {
    KioskConfig::Scanner s;
    checkKeys(r, t, label, kScannerKeys);
    r.read(&t, "scanner", "ae_title", s.aeTitle);
    r.read(&t, "scanner", "name", s.name);
    r.read(&t, "scanner", "field_strength_t", s.fieldStrengthT);
    r.read(&t, "scanner", "spatial_gradient_t_per_m", s.spatialGradientTPerM);
    r.read(&t, "scanner", "sar_mode", s.sarMode);
    r.read(&t, "scanner", "default", isDefault);
    if (!(s.fieldStrengthT > 0 && s.fieldStrengthT <= 11.7))
        r.problems.push_back(label + " field_strength_t must be the magnet's field in tesla, e.g. 1.5 or 3");
    if (s.spatialGradientTPerM < 0 || s.spatialGradientTPerM > 100)
        r.problems.push_back(label + " spatial_gradient_t_per_m must be 0 (not known) to 100");
    if (s.sarMode != "normal" && s.sarMode != "first-level")
        r.problems.push_back(label + " sar_mode must be \"normal\" or \"first-level\"");
    if (s.aeTitle.size() > 16)
        r.problems.push_back(label + " ae_title is a DICOM AE title: at most 16 characters, not \"" + s.aeTitle + "\"");
    return s;
}

std::vector<std::string> readCodes(Reader& r, const toml::table* t, const char* key) {
    std::vector<std::string> codes;
    if (!t || !t->contains(key)) return codes;
    const auto* list = (*t)[key].as_array();
    if (!list) {
        r.problems.push_back(std::string("[worklist] ") + key + " must be a list of procedure codes such as [\"MRHEADC\"]");
        return codes;
    }
    for (const auto& entry : *list) {
        if (const auto code = entry.value<std::string>(); code && !code->empty())
            codes.push_back(*code);
        else
            r.problems.push_back(std::string("[worklist] ") + key + " must hold procedure codes (text)");
    }
    return codes;
}

void readPeer(Reader& r, const toml::table* t, const char* section, integration::DicomPeer& peer) {
    if (!t) return;
    std::int64_t port = peer.port, timeout = peer.timeoutSeconds;
    r.read(t, section, "host", peer.host);
    r.read(t, section, "port", port);
    r.read(t, section, "called_ae", peer.calledAe);
    r.read(t, section, "calling_ae", peer.callingAe);
    r.read(t, section, "timeout_seconds", timeout);
    const std::string label = std::string("[") + section + "]";
    if (port < 1 || port > 65535) r.problems.push_back(label + " port must be 1-65535");
    if (timeout < 1 || timeout > 300) r.problems.push_back(label + " timeout_seconds must be 1-300");
    peer.port = int(port);
    peer.timeoutSeconds = int(timeout);
    for (const auto* ae : {&peer.calledAe, &peer.callingAe})
        if (ae->empty() || ae->size() > 16)
            r.problems.push_back(label + " called_ae and calling_ae are DICOM AE titles: 1-16 characters");
    if (!peer.host.empty() && peer.calledAe.empty())
        r.problems.push_back(label + " called_ae must name the server's AE title");
}

} // namespace

void readScannerSection(Reader& r, const toml::table& root, KioskConfig& c) {
    if (!root.contains("scanner")) return;
    const auto& node = *root.get("scanner");
    c.scanners.clear();
    if (const auto* one = node.as_table()) {
        bool isDefault = true;
        c.scanners.push_back(readScanner(r, *one, "[scanner]", isDefault));
        return;
    }
    const auto* many = node.as_array();
    if (!many || many->empty() || !many->is_array_of_tables()) {
        r.problems.push_back("[scanner] must be one table, or [[scanner]] entries (one per scanner)");
        c.scanners.push_back({});
        return;
    }
    int defaults = 0;
    for (std::size_t i = 0; i < many->size(); ++i) {
        bool isDefault = false;
        const std::string label = "[[scanner]] entry " + std::to_string(i + 1);
        auto s = readScanner(r, *(*many)[i].as_table(), label, isDefault);
        if (s.aeTitle.empty())
            r.problems.push_back(label + " needs ae_title (the AE title the worklist gives as its scheduled station)");
        for (const auto& other : c.scanners)
            if (!s.aeTitle.empty() && other.aeTitle == s.aeTitle)
                r.problems.push_back(label + " repeats ae_title \"" + s.aeTitle + "\"");
        if (isDefault) {
            ++defaults;
            c.scanners.insert(c.scanners.begin(), std::move(s));
        } else {
            c.scanners.push_back(std::move(s));
        }
    }
    if (defaults > 1) r.problems.push_back("[[scanner]] marks more than one entry default = true");
}

void readDicomSections(Reader& r, const toml::table& root, KioskConfig& c) {
    const auto* worklist = r.section(root, "worklist", {"host", "port", "called_ae", "calling_ae", "timeout_seconds",
                                                        "modality", "days_before", "days_after", "station_ae",
                                                        "contrast_codes", "no_contrast_codes"});
    readPeer(r, worklist, "worklist", c.worklist);
    r.read(worklist, "worklist", "modality", c.worklistModality);
    r.read(worklist, "worklist", "station_ae", c.worklistStation);
    std::int64_t before = c.worklistDaysBefore, after = c.worklistDaysAfter;
    r.read(worklist, "worklist", "days_before", before);
    r.read(worklist, "worklist", "days_after", after);
    if (before < 0 || before > 30 || after < 0 || after > 30)
        r.problems.push_back("[worklist] days_before and days_after must be 0-30 (0: today only)");
    c.worklistDaysBefore = int(before);
    c.worklistDaysAfter = int(after);
    if (c.worklistModality.empty() || c.worklistModality.size() > 16)
        r.problems.push_back("[worklist] modality must be a DICOM modality such as \"MR\"");
    c.contrastProcedureCodes = readCodes(r, worklist, "contrast_codes");
    c.noContrastProcedureCodes = readCodes(r, worklist, "no_contrast_codes");
    for (const auto& code : c.contrastProcedureCodes)
        if (std::find(c.noContrastProcedureCodes.begin(), c.noContrastProcedureCodes.end(), code) !=
            c.noContrastProcedureCodes.end())
            r.problems.push_back("[worklist] procedure code \"" + code + "\" is in both contrast_codes and no_contrast_codes");

    const auto* pacs = r.section(root, "pacs", {"host", "port", "called_ae", "calling_ae", "timeout_seconds",
                                                "retry_seconds", "retry_max_seconds"});
    readPeer(r, pacs, "pacs", c.pacs);
    std::int64_t retry = c.pacsRetrySeconds, retryMax = c.pacsRetryMaxSeconds;
    r.read(pacs, "pacs", "retry_seconds", retry);
    r.read(pacs, "pacs", "retry_max_seconds", retryMax);
    if (retry < 1 || retry > 3600) r.problems.push_back("[pacs] retry_seconds must be 1-3600");
    if (retryMax < retry || retryMax > 86400) r.problems.push_back("[pacs] retry_max_seconds must be retry_seconds-86400");
    c.pacsRetrySeconds = int(retry);
    c.pacsRetryMaxSeconds = int(retryMax);
}

screening::ScannerSetup KioskConfig::Scanner::setup() const {
    screening::ScannerSetup s;
    s.name = name;
    s.fieldStrengthT = fieldStrengthT;
    if (spatialGradientTPerM > 0) s.spatialGradientTPerM = spatialGradientTPerM;
    s.sarMode = screening::parseOperatingMode(sarMode).value_or(screening::OperatingMode::Unknown);
    return s;
}

screening::ScannerSetup KioskConfig::scannerFor(const std::optional<store::ProcedureLink>& procedure) const {
    if (!procedure) return scanner();
    for (const auto& s : scanners)
        if (s.aeTitle == procedure->stationAeTitle) return s.setup();
    // A site that names its scanners by AE title and an exam booked on one it does not know: the
    // field strength is unknown, so no MR Conditional implant passes by mistake against another
    // magnet. A site with one unnamed [scanner] checks every exam against it.
    if (std::none_of(scanners.begin(), scanners.end(), [](const Scanner& s) { return !s.aeTitle.empty(); }))
        return scanner();
    screening::ScannerSetup unknown;
    unknown.name = procedure->stationAeTitle.empty()
                       ? std::string("the exam's scanner (the worklist names no station)")
                       : "scanner " + procedure->stationAeTitle + " (not in the config's [[scanner]] list)";
    return unknown;
}

std::optional<std::string> KioskConfig::contrastPlannedFor(const store::ProcedureLink& procedure) const {
    const auto has = [&](const std::vector<std::string>& codes) {
        return std::find(codes.begin(), codes.end(), procedure.procedureCode) != codes.end();
    };
    if (procedure.procedureCode.empty()) return std::nullopt;
    if (has(contrastProcedureCodes)) return "yes";
    if (has(noContrastProcedureCodes)) return "no";
    return std::nullopt;
}

} // namespace mrscreen::cli
