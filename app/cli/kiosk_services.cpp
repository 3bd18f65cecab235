#include "cli/kiosk_services.h"
#include "cli/procedure_link.h"
#include "cli/commands.h"
#include "cli/submission.h"

#include "store/clock.h"

#include <algorithm>
#include <cstdlib>
#include <fcntl.h>
#include <filesystem>
#include <fstream>
#include <memory>
#include <ostream>
#include <sstream>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

extern char** environ;

namespace mrscreen::cli {

namespace {

// Runs a poppler tool with its output into `out` (a file); false when it cannot be started or fails.
bool runTool(std::vector<std::string> args, const std::string& out) {
    std::vector<char*> argv;
    for (auto& a : args) argv.push_back(a.data());
    argv.push_back(nullptr);
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    if (!out.empty()) posix_spawn_file_actions_addopen(&actions, 1, out.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
    pid_t pid = 0;
    const bool started = posix_spawnp(&pid, args.front().c_str(), &actions, nullptr, argv.data(), environ) == 0;
    posix_spawn_file_actions_destroy(&actions);
    if (!started) return false;
    int status = 0;
    waitpid(pid, &status, 0);
    return WIFEXITED(status) && WEXITSTATUS(status) == 0;
}

// How many pages a PDF has, by poppler's pdfinfo; 0 when it cannot tell.
int pageCount(const std::string& pdf, const std::string& stem) {
    const std::string info = stem + ".info";
    int pages = 0;
    if (runTool({"pdfinfo", pdf}, info)) {
        std::ifstream in(info);
        for (std::string line; std::getline(in, line);)
            if (line.rfind("Pages:", 0) == 0) pages = std::atoi(line.c_str() + 6);
    }
    std::error_code ignored;
    std::filesystem::remove(info, ignored);
    return pages;
}

// Removes a file of patient data once it has served (the copy given to poppler, the picture).
struct RemoveWhenDone {
    const std::string& path;
    ~RemoveWhenDone() {
        std::error_code ignored;
        std::filesystem::remove(path, ignored);
    }
};

// `bytes` as a new file only this user can read (poppler's tools read a file, not memory).
bool writePrivateCopy(const std::string& path, const std::string& bytes) {
    std::error_code ignored;
    std::filesystem::remove(path, ignored); // a copy left by a crash: replaced, never read
    const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
    if (fd < 0) return false;
    std::size_t written = 0;
    while (written < bytes.size()) {
        const ssize_t n = ::write(fd, bytes.data() + written, bytes.size() - written);
        if (n <= 0) break;
        written += std::size_t(n);
    }
    return ::close(fd) == 0 && written == bytes.size();
}

// One page of record `version` of screening `id` as RGB pixels, by poppler's pdftoppm (a binary
// PPM is simple to read). The PDF is read through the store, which checks it against the SHA-256
// it was filed with; poppler gets a private copy that leaves the disk with the picture.
std::optional<ui::PagePicture> renderRecordPage(store::Store& store, std::int64_t id, int version, int page,
                                                const std::string& dir, std::string& problem) {
    const std::string what = "record " + std::to_string(id) + " version " + std::to_string(version);
    std::string bytes;
    try {
        bytes = store.recordPdf(id, version);
    } catch (const std::exception& e) {
        problem = e.what();
        return std::nullopt;
    }
    std::error_code ec;
    std::filesystem::create_directories(dir, ec);
    const std::string stem =
        (std::filesystem::path(dir) / ("screening-" + std::to_string(id) + "-v" + std::to_string(version))).string();
    const std::string pdf = stem + ".pdf";
    const RemoveWhenDone removeCopy{pdf};
    if (!writePrivateCopy(pdf, bytes)) {
        problem = "the preview of " + what + " could not be prepared in " + dir + " (is the disk full?)";
        return std::nullopt;
    }
    const int pages = pageCount(pdf, stem);
    if (pages > 0) page = std::clamp(page, 1, pages);
    const std::string n = std::to_string(std::max(page, 1));
    const std::string ppm = stem + ".ppm";
    // The picture is a patient's record: once read into memory, it leaves the disk.
    const RemoveWhenDone removePicture{ppm};
    if (!runTool({"pdftoppm", "-r", "60", "-f", n, "-l", n, "-singlefile", pdf, stem}, "")) {
        problem = std::filesystem::exists(ppm) || pages > 0
                      ? "pdftoppm could not render page " + n + " of " + what + " for the preview"
                      : "the page preview needs pdftoppm and pdfinfo: install the Debian package poppler-utils";
        return std::nullopt;
    }
    std::ifstream in(ppm, std::ios::binary);
    std::string magic;
    int w = 0, h = 0, max = 0;
    if (in >> magic >> w >> h >> max && magic == "P6" && max == 255 && w > 0 && h > 0 && w < 10000 && h < 10000) {
        in.get(); // the single whitespace before the pixels
        ui::PagePicture pic;
        pic.width = w, pic.height = h, pic.path = ppm;
        pic.page = std::max(page, 1);
        pic.pages = std::max(pages, pic.page);
        pic.rgb.resize(std::size_t(w) * std::size_t(h) * 3);
        if (in.read(reinterpret_cast<char*>(pic.rgb.data()), std::streamsize(pic.rgb.size()))) return pic;
    }
    problem = "pdftoppm could not render page " + n + " of " + what + " for the preview";
    return std::nullopt;
}

} // namespace

ui::KioskOptions kioskOptions(const KioskConfig& c) {
    ui::KioskOptions o;
    o.idleWarningSeconds = c.idleWarningSeconds;
    o.idleResetSeconds = c.idleResetSeconds;
    o.submittedSeconds = c.submittedSeconds;
    o.staffIdleSeconds = c.staffIdleSeconds;
    o.staffHoldSeconds = float(c.staffHoldSeconds);
    o.staffGesture = c.staffOnKiosk;
    return o;
}

std::string spoolPath(const KioskConfig& config) { return config.dataDir + "/spool.db"; }

std::unique_ptr<KioskSpool> openKioskSpool(const KioskConfig& config, const FormFiles& files,
                                           std::function<void(const std::string&)> log,
                                           std::function<void(std::int64_t id)> delivered,
                                           store::ForwarderTiming timing) {
    auto out = std::make_unique<KioskSpool>();
    try {
        out->spool = std::make_shared<store::Spool>(spoolPath(config));
    } catch (const store::SpoolError& e) {
        out->problem = e.what();
        if (log) log("spool: " + out->problem);
        return out;
    }
    // What the kiosk does after a stored submission, for one that waited in the spool.
    auto after = [&config, &files, log, delivered](store::Store& store, const store::SpooledSubmission& item,
                                                   std::int64_t id) {
        std::ostringstream problems;
        recordSubmission(store, config, files, item.screening, id, item.actor, problems);
        if (!problems.str().empty() && log) log(problems.str());
        if (delivered) delivered(id);
    };
    out->forwarder = std::make_unique<store::SpoolForwarder>(
        out->spool, [&config] { return openStore(config); }, after, log, timing);
    return out;
}

namespace {

// The store did not answer (`why`): the submission goes to the spool and the patient is thanked.
// Without a spool, or when the spool cannot keep it either, the patient is asked to get staff.
ui::SubmitOutcome spoolSubmission(KioskSpool* spool, const store::NewScreening& screening,
                                  const screening::Actor& actor, const store::StoreError& why) {
    if (!spool) throw why; // as before the spool: the screen says to ask staff
    ui::SubmitOutcome out;
    try {
        if (!spool->spool) throw store::SpoolError(spool->problem);
        spool->spool->add(screening, actor, why.what());
    } catch (const store::SpoolError& e) {
        out.problem = std::string(why.what()) + "; and " + e.what();
        return out;
    }
    if (spool->forwarder) spool->forwarder->spooled();
    out.saved = true;
    out.spooled = true;
    return out;
}

} // namespace

ui::KioskServices kioskServices(store::Store& store, const KioskConfig& config, const FormFiles& files,
                                std::function<void(const std::string&)> log, std::ostream& err, KioskSpool* spool) {
    ui::KioskServices s;
    s.store = &store;
    s.log = std::move(log);
    s.today = todayIso;
    s.nowUtc = store::nowUtc;
    s.submit = [&store, &config, &files, &err, spool](const screening::Response& response, const std::string& key) {
        ui::SubmitOutcome out;
        const PreparedSubmission prepared = prepareSubmission(config, files, response, "kiosk", todayIso(), key);
        if (!prepared.assessment.valid()) {
            // Ids and codes only: the message may quote an answer, and this reaches the state log.
            const auto& errors = prepared.assessment.errors;
            out.problem = std::to_string(errors.size()) + " validation error(s), first: " + errors.front().linkId +
                          " (" + errors.front().code + ")";
            return out;
        }
        const screening::Actor actor{"kiosk", screening::Role::Patient};
        try {
            out.id = store.submit(prepared.screening, actor);
        } catch (const store::StoreError& e) {
            if (!e.transient()) throw; // damaged, full, ...: as before, the screen says to ask staff
            return spoolSubmission(spool, prepared.screening, actor, e);
        }
        out.saved = true;
        std::ostringstream problems;
        try {
            out.recordPath = recordSubmission(store, config, files, prepared.screening, out.id, actor, problems)
                                 .value_or("");
        } catch (const store::StoreError& e) {
            // Stored, and the store went away before its record: the spool makes the record when
            // the store is back (the key makes the resend harmless).
            problems << "mrscreen: screening " << out.id << " is stored, its signed record waits: " << e.what() << "\n";
            if (spool && spool->spool) {
                try {
                    spool->spool->add(prepared.screening, actor, e.what());
                    if (spool->forwarder) spool->forwarder->spooled();
                } catch (const store::SpoolError& se) {
                    problems << "mrscreen: " << se.what() << "\n";
                }
            }
        }
        if (spool && spool->forwarder) spool->forwarder->wake(); // the store answers: send what waits
        if (!problems.str().empty()) err << problems.str();
        return out;
    };
    if (spool && spool->spool)
        s.spoolBacklog = [backlog = spool->spool] { return backlog->backlog(); };
    s.scanner = config.scanner();
    s.renderPage = [&store, dir = config.dataDir + "/previews"](std::int64_t id, int version, int page,
                                                                 std::string& problem) {
        return renderRecordPage(store, id, version, page, dir, problem);
    };
    // One catalog for the window's life: each screening's own form version, parsed once.
    auto catalog = std::make_shared<store::FormCatalog>(formCatalog(store, config));
    s.produceRecord = [&store, &config, &err, catalog](std::int64_t id, const screening::Actor& actor) {
        std::ostringstream problems;
        std::optional<std::string> path;
        try {
            const auto detail = store.screening(id);
            if (!detail) throw store::Refused("there is no screening " + std::to_string(id));
            path = produceRecord(store, config, *catalog->forScreening(*detail), id, actor, problems);
        } catch (const std::exception& e) {
            problems << "mrscreen: the signed record of screening " << id << " failed: " << e.what() << "\n";
        }
        if (!problems.str().empty()) err << problems.str();
        return path;
    };
    // The staff screens show each screening with its own form, and raise the flags a lab or a
    // contrast-planned change gives through the same re-evaluation as the CLI.
    s.staffLanguage = config.staffLanguage;
    s.formFor = [catalog](const store::ScreeningDetail& detail) { return catalog->forScreening(detail); };
    s.reassess = [&store, &config, catalog](std::int64_t id, const screening::Actor& actor) {
        reassess(store, *catalog, config, id, actor);
    };
    // The hospital's systems: the worklist (its query waits on the network, so the staff screens
    // run it on their background worker) and the linked exam's scanner.
    if (config.worklist.configured())
        s.findScheduledExams = [&config, today = s.today](const store::PatientIdentity& patient) {
            return integration::matchPatient(integration::queryWorklist(config.worklist, worklistQuery(config, today())),
                                             patient);
        };
    s.scannerFor = [&config](const store::ScreeningDetail& detail) { return config.scannerFor(detail.procedure); };
    s.linkExam = [&store, &config, catalog](std::int64_t id, const store::ProcedureLink& procedure,
                                            const screening::Actor& actor) {
        return linkScheduledExam(store, *catalog, config, id, procedure, actor);
    };
    return s;
}

} // namespace mrscreen::cli
