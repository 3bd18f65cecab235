// [SECTION] the scheduled exam a screening belongs to, and its records on their way to PACS.
// Staff link a screening to its exam on the DICOM Modality Worklist: the search waits on the
// network, so it runs on the background worker while the screen says so; the candidates name other
// patients, so they are drawn on these staff screens only and dropped with the staff work. The
// linked exam's scanner is the one the MR Conditional check uses.
#include "ui/staff_work.h"

#include <algorithm>
#include <cctype>
#include <cfloat>
#include <ctime>
#include <iomanip>
#include <sstream>

namespace mrscreen::ui::staff {

using namespace screening;

namespace {

constexpr double kOutboxRefreshSeconds = 5;

const char* const kMonths[] = {"January", "February", "March",     "April",   "May",      "June",
                               "July",    "August",   "September", "October", "November", "December"};

std::string trimmed(const std::string& s) {
    const auto b = s.find_first_not_of(' ');
    if (b == std::string::npos) return "";
    return s.substr(b, s.find_last_not_of(' ') - b + 1);
}

// A DICOM person name ("DOE^JANE^MARIE^DR") as a person reads it ("DOE, DR JANE MARIE"), spelled
// as the worklist spells it.
std::string readableName(const std::string& pn) {
    std::vector<std::string> parts;
    std::stringstream in(pn.substr(0, pn.find('='))); // the alphabetic group
    for (std::string part; std::getline(in, part, '^');) parts.push_back(trimmed(part));
    parts.resize(5);
    std::string first;
    for (const auto& p : {parts[3], parts[1], parts[2]})
        if (!p.empty()) first += (first.empty() ? "" : " ") + p;
    std::string s = parts[0];
    if (!first.empty()) s += (s.empty() ? "" : ", ") + first;
    if (!parts[4].empty()) s += " " + parts[4];
    return s.empty() ? "(no name on the worklist)" : s;
}

// DICOM's "19510812" as "1951-08-12"; anything else as it is.
std::string isoDate(const std::string& date) {
    if (date.size() == 8 && date.find('-') == std::string::npos)
        return date.substr(0, 4) + "-" + date.substr(4, 2) + "-" + date.substr(6, 2);
    return date;
}

// "1951-08-12" (or "19510812") as "12 August 1951"; anything else as it is.
std::string readableDate(const std::string& date) {
    const std::string d = isoDate(date);
    if (!daysFromCivil(d)) return date;
    const int month = std::stoi(d.substr(5, 2)), day = std::stoi(d.substr(8, 2));
    return std::to_string(day) + " " + kMonths[month - 1] + " " + d.substr(0, 4);
}

// When the exam is scheduled, as local time: "today 14:30", else "1 December 2026 09:00".
std::string scheduledText(Ui& ui, const std::string& start) {
    if (start.empty()) return "time not given";
    const std::string date = start.substr(0, 10), time = start.size() >= 16 ? start.substr(11, 5) : "";
    const bool today = ui.services.today && ui.services.today() == date;
    return (today ? std::string("today") : readableDate(date)) + (time.empty() ? "" : " " + time);
}

std::string stationText(const store::ProcedureLink& p) {
    if (p.stationAeTitle.empty() && p.stationName.empty()) return "scanner not given";
    if (p.stationName.empty() || p.stationName == p.stationAeTitle) return "station " + p.stationAeTitle;
    return "station " + p.stationAeTitle + " (" + p.stationName + ")";
}

std::string procedureText(const store::ProcedureLink& p) {
    std::string s = p.procedureDescription.empty() ? "(no procedure description)" : p.procedureDescription;
    if (!p.procedureCode.empty())
        s += " (code " + p.procedureCode + (p.procedureCodingScheme.empty() ? "" : ", " + p.procedureCodingScheme) + ")";
    return s;
}

std::string patientIdText(const store::ProcedureLink& p) {
    return "MRN " + (p.patientId.empty() ? std::string("not given") : p.patientId) +
           (p.issuerOfPatientId.empty() ? "" : " (" + p.issuerOfPatientId + ")");
}

bool sameScanner(const ScannerSetup& a, const ScannerSetup& b) {
    return a.name == b.name && a.fieldStrengthT == b.fieldStrengthT && a.spatialGradientTPerM == b.spatialGradientTPerM &&
           a.sarMode == b.sarMode;
}

// The scanner configured for an exam's station, when it is not simply the default one; a lookup
// that fails leaves the default, with why in `problem`.
std::optional<ScannerSetup> stationScanner(Ui& ui, const store::ScreeningDetail& d, std::string* problem = nullptr) {
    if (!ui.services.scannerFor || !d.procedure) return std::nullopt;
    try {
        const ScannerSetup s = ui.services.scannerFor(d);
        if (sameScanner(s, ui.services.scanner)) return std::nullopt;
        return s;
    } catch (const std::exception& e) {
        if (problem) *problem = e.what();
        return std::nullopt;
    }
}

// The scanner an exam's station is configured as (whatever it is, the default included); nullopt
// when this kiosk cannot say.
std::optional<ScannerSetup> examScanner(Ui& ui, const store::ProcedureLink& p) {
    if (!ui.services.scannerFor) return std::nullopt;
    store::ScreeningDetail probe; // what the link would bring
    probe.procedure = p;
    try {
        return ui.services.scannerFor(probe);
    } catch (const std::exception&) {
        return std::nullopt; // the check says why (checkScanner)
    }
}

bool birthDateDiffers(const store::ProcedureLink& p, const store::PatientIdentity& patient) {
    return !p.patientBirthDate.empty() && !patient.birthDate.empty() && isoDate(p.patientBirthDate) != patient.birthDate;
}

// "Doe, Jane, born 12 August 1951": the screening's patient as the worklist was asked for them.
std::string patientName(const store::PatientIdentity& patient) {
    std::string who = patient.familyName + (patient.givenName.empty() ? "" : ", " + patient.givenName);
    if (who.empty()) who = "this patient";
    if (!patient.birthDate.empty()) who += ", born " + readableDate(patient.birthDate);
    return who;
}

std::string noMatchMessage(const store::PatientIdentity& patient) {
    return "No scheduled MR exam today matches " + patientName(patient) +
           ". Check the name and birth date, or the worklist date window.";
}

void closeChooser(StaffWork& w) {
    w.examCandidates.clear();
    w.examChosen = -1;
    w.examChoosing = false;
    w.examProblem.clear();
}

// Asks the worklist on the background worker; the screen shows what it is doing meanwhile and
// takes no input, so the store is never wanted while the network is slow.
void findExams(Ui& ui, const store::ScreeningDetail& d) {
    StaffWork& w = ui.st.work;
    closeChooser(w);
    w.examChoosing = true;
    const std::int64_t id = w.id;
    const store::PatientIdentity patient = d.summary.patient;
    const std::uint64_t session = ui.st.session;
    const KioskServices* services = &ui.services;
    if (ui.services.log) ui.services.log("worklist-search screening=" + std::to_string(id));
    ui.background->start("Searching the worklist for the scheduled exam", true, [services, patient, id, session]() {
        std::vector<store::ProcedureLink> found;
        std::string problem;
        try {
            found = services->findScheduledExams(patient);
        } catch (const std::exception& e) {
            problem = e.what();
        }
        return BackgroundWork::Finish([found = std::move(found), problem, patient, id, session](Ui& frame) {
            // Signed out or on another screening: another patient's exams go nowhere.
            if (frame.st.session != session || !frame.st.staff || frame.st.work.id != id || !frame.st.work.examChoosing)
                return;
            StaffWork& work = frame.st.work;
            work.examCandidates = found;
            std::stable_sort(work.examCandidates.begin(), work.examCandidates.end(),
                             [](const auto& a, const auto& b) { return a.scheduledStart < b.scheduledStart; });
            work.examProblem = !problem.empty() ? problem : found.empty() ? noMatchMessage(patient) : "";
            if (!frame.services.log) return;
            if (!problem.empty()) frame.services.log("worklist-failed screening=" + std::to_string(id) + " " + problem);
            else frame.services.log("worklist-found screening=" + std::to_string(id) + " candidates=" + std::to_string(found.size()));
        });
    });
}

std::string localClock(Ui& ui, const std::string& utc);

void linkedExam(Ui& ui, const store::ScreeningDetail& d) {
    const store::ProcedureLink& p = *d.procedure;
    textWrapped(ui, readableName(p.patientName) + (p.patientBirthDate.empty() ? "" : "  ·  born " + readableDate(p.patientBirthDate)) +
                        "  ·  " + patientIdText(p),
                ui.title(), ui.colors->text);
    textWrapped(ui, "Accession " + (p.accessionNumber.empty() ? std::string("not given") : p.accessionNumber) + "  ·  " +
                        procedureText(p),
                nullptr, ui.colors->text);
    std::string where = "Scheduled " + scheduledText(ui, p.scheduledStart) + " on " + stationText(p);
    if (const auto s = examScanner(ui, p)) where += ": " + scannerText(*s);
    textWrapped(ui, where, nullptr, ui.colors->text);
    if (birthDateDiffers(p, d.summary.patient))
        textWrapped(ui, "The worklist's birth date differs from the screening's (" + readableDate(d.summary.patient.birthDate) +
                            "): check that this is the patient's exam.",
                    nullptr, ui.colors->error);
    if (!p.linkedBy.empty())
        textWrapped(ui, "Linked by " + p.linkedBy + (p.linkedAt.empty() ? "" : " at " + localClock(ui, p.linkedAt)), nullptr,
                    ui.colors->muted);
}

bool sameExam(const store::ProcedureLink& a, const store::ProcedureLink& b) {
    return a.accessionNumber == b.accessionNumber && a.patientId == b.patientId && a.studyInstanceUid == b.studyInstanceUid;
}

// What a candidate tile says: who (in the title font), then the exam; a warning in the error colour.
struct ExamTile {
    std::string heading, body, warning;
};

ExamTile examTile(Ui& ui, const store::ProcedureLink& p, const store::ScreeningDetail& d) {
    ExamTile t;
    t.heading = readableName(p.patientName);
    t.body = (p.patientBirthDate.empty() ? std::string("Birth date not given") : "Born " + readableDate(p.patientBirthDate)) +
             "  ·  MRN " + (p.patientId.empty() ? std::string("not given") : p.patientId) + "\n" +
             (p.procedureDescription.empty() ? std::string("(no procedure description)") : p.procedureDescription) + "\n" +
             "Accession " + (p.accessionNumber.empty() ? "not given" : p.accessionNumber) + "  ·  " +
             scheduledText(ui, p.scheduledStart) + "\n";
    std::string station = stationText(p);
    station[0] = char(std::toupper(static_cast<unsigned char>(station[0])));
    t.body += station;
    if (const auto s = examScanner(ui, p)) t.body += ": " + scannerText(*s);
    if (d.procedure && sameExam(p, *d.procedure)) t.body += "\nLinked now";
    if (birthDateDiffers(p, d.summary.patient)) t.warning = "Birth date differs from the screening's";
    return t;
}

float textHeight(ImFont* font, const std::string& text, float width) {
    return text.empty() ? 0 : font->CalcTextSizeA(font->FontSize, FLT_MAX, width, text.c_str()).y;
}

float tileHeight(Ui& ui, const ExamTile& t, float width) {
    const float inner = width - ui.gap * 2;
    const float h = textHeight(ui.title(), "\xE2\x9C\x93 " + t.heading, inner) + ui.gap * 0.3f + textHeight(ui.body(), t.body, inner) +
                    textHeight(ui.body(), t.warning, inner);
    return std::max(ui.target, h + ui.gap * 2);
}

// A candidate as a card, left-aligned so its lines read as one exam; true when tapped (a drag
// that began on it scrolls instead, as with every touch button).
bool drawExamTile(Ui& ui, const std::string& id, const ExamTile& t, ImVec2 size, bool selected) {
    ImGui::PushID(id.c_str());
    const bool released = ImGui::InvisibleButton("##tile", size);
    ImGui::PopID();
    const ImVec2 min = ImGui::GetItemRectMin(), max = ImGui::GetItemRectMax();
    noteTarget(ui, id, min, max);
    const Palette& c = *ui.colors;
    ImDrawList* dl = ImGui::GetWindowDrawList();
    const float rounding = ui.unit * 0.35f;
    dl->AddRectFilled(min, max, selected ? c.selected : c.tile, rounding);
    dl->AddRect(min, max, selected ? c.selected : c.tileBorder, rounding, 0, ui.st.highContrast ? 3.0f : 2.0f);
    if (ImGui::IsItemActive()) dl->AddRect(min, max, c.focus, rounding, 0, 4.0f);
    const ImU32 ink = selected ? c.selectedText : c.text;
    const float inner = size.x - ui.gap * 2;
    ImVec2 at(min.x + ui.gap, min.y + ui.gap);
    const std::string heading = selected ? "\xE2\x9C\x93 " + t.heading : t.heading; // ✓ marks the choice
    dl->AddText(ui.title(), ui.title()->FontSize, at, ink, heading.c_str(), nullptr, inner);
    at.y += textHeight(ui.title(), heading, inner) + ui.gap * 0.3f;
    dl->AddText(ui.body(), ui.body()->FontSize, at, ink, t.body.c_str(), nullptr, inner);
    at.y += textHeight(ui.body(), t.body, inner);
    if (!t.warning.empty()) dl->AddText(ui.body(), ui.body()->FontSize, at, selected ? ink : c.error, t.warning.c_str(), nullptr, inner);
    const float slop = ui.unit * 0.6f;
    return released && ImGui::GetIO().MouseDragMaxDistanceSqr[0] < slop * slop;
}

// The worklist's candidates as tiles; tapping one chooses it, Link stores it.
void chooser(Ui& ui, const store::ScreeningDetail& d) {
    StaffWork& w = ui.st.work;
    const float width = ImGui::GetContentRegionAvail().x;
    if (!w.examProblem.empty()) textWrapped(ui, w.examProblem, ui.title(), ui.colors->error);
    if (!w.examCandidates.empty())
        textWrapped(ui, "Worklist exams matching " + patientName(d.summary.patient) + ". Tap the patient's, then Link.",
                    nullptr, ui.colors->muted);
    const int columns = width >= ui.unit * 34 ? 2 : 1;
    const float tw = (width - ui.gap * float(columns - 1)) / float(columns);
    for (std::size_t i = 0; i < w.examCandidates.size(); i += std::size_t(columns)) {
        // Tiles of one row are as tall as the tallest of them.
        float rowH = 0;
        std::vector<ExamTile> tiles;
        for (std::size_t j = i; j < std::min(w.examCandidates.size(), i + std::size_t(columns)); ++j) {
            tiles.push_back(examTile(ui, w.examCandidates[j], d));
            rowH = std::max(rowH, tileHeight(ui, tiles.back(), tw));
        }
        for (std::size_t k = 0; k < tiles.size(); ++k) {
            const int index = int(i + k);
            if (k) ImGui::SameLine(0, ui.gap);
            if (drawExamTile(ui, "procedure-candidate:" + std::to_string(index), tiles[k], ImVec2(tw, rowH),
                             w.examChosen == index))
                w.examChosen = index;
        }
    }
    const float bw = std::min((width - ui.gap * 2) / 3, ui.unit * 10);
    if (!w.examCandidates.empty()) {
        if (touchButton(ui, "procedure-link", "Link", ImVec2(bw, 0))) {
            if (w.examChosen < 0 || w.examChosen >= int(w.examCandidates.size()))
                return refuse(ui, "Tap the patient's scheduled exam first, then Link.");
            const store::ProcedureLink chosen = w.examCandidates[std::size_t(w.examChosen)];
            const std::string accession = chosen.accessionNumber.empty() ? "(no accession)" : chosen.accessionNumber;
            const std::string what = chosen.procedureDescription.empty() ? "" : " (" + chosen.procedureDescription + ")";
            std::string done = "Linked to accession " + accession + what + ".";
            // The site's path when there is one (it also sets contrast planned from the procedure code).
            if (attempt(ui, "", [&] {
                    store::Store& store = storeOf(ui);
                    if (ui.services.linkExam) done = ui.services.linkExam(w.id, chosen, actorOf(ui.st));
                    else store.linkProcedure(w.id, chosen, actorOf(ui.st));
                })) {
                say(ui, done + " The next record version carries its identifiers.", true);
                if (ui.services.log)
                    ui.services.log("procedure-linked screening=" + std::to_string(w.id) + " accession=" + chosen.accessionNumber);
                closeChooser(w);
            }
            return; // the detail was reloaded
        }
        ImGui::SameLine(0, ui.gap);
    }
    if (touchButton(ui, "procedure-search-again", "Search again", ImVec2(bw, 0), Tone::Quiet)) return findExams(ui, d);
    ImGui::SameLine(0, ui.gap);
    if (touchButton(ui, "procedure-cancel", "Cancel", ImVec2(bw, 0), Tone::Quiet)) closeChooser(w);
}

void readOutboxInBackground(Ui& ui) {
    StaffWork& w = ui.st.work;
    if (w.outboxReading || (w.outboxReadAt >= 0 && ui.now - w.outboxReadAt < kOutboxRefreshSeconds)) return;
    w.outboxReading = true;
    store::Store* store = ui.services.store;
    const std::int64_t id = w.id;
    const std::uint64_t session = ui.st.session;
    ui.background->start("Reading what was sent to PACS", false, [store, id, session]() {
        std::vector<store::OutboxItem> items;
        std::string problem;
        try {
            items = store->outbox(id);
        } catch (const std::exception& e) {
            problem = e.what();
        }
        return BackgroundWork::Finish([items = std::move(items), problem, id, session](Ui& frame) {
            if (frame.st.session != session || !frame.st.staff || frame.st.work.id != id) return;
            StaffWork& work = frame.st.work;
            work.outboxReading = false;
            work.outboxReadAt = frame.now;
            work.outbox = items;
            work.outboxProblem = problem.empty() ? "" : "What was sent to PACS could not be read: " + problem;
        });
    });
}

std::string destinationText(const std::string& destination) {
    if (destination == "pacs") return "PACS";
    return destination;
}

// A UTC instant ("2026-11-30T09:42:10Z") as this kiosk's local clock time ("10:42"), with the
// date when it is not today.
std::string localClock(Ui& ui, const std::string& utc) {
    if (utc.size() < 19) return utc;
    std::tm tm{};
    std::istringstream in(utc.substr(0, 19));
    in >> std::get_time(&tm, "%Y-%m-%dT%H:%M:%S");
    if (in.fail()) return utc;
    const std::time_t t = timegm(&tm);
    std::tm local{};
    localtime_r(&t, &local);
    char date[16], clock[8];
    std::strftime(date, sizeof date, "%Y-%m-%d", &local);
    std::strftime(clock, sizeof clock, "%H:%M", &local);
    const bool today = ui.services.today && ui.services.today() == date;
    return today ? std::string(clock) : readableDate(date) + " " + clock;
}

} // namespace

std::string scannerText(const ScannerSetup& s) {
    return (s.name.empty() ? std::string("MR scanner") : s.name) + ", " +
           (s.fieldStrengthT > 0 ? fixed(s.fieldStrengthT, 1) + " T" : std::string("field strength unknown"));
}

CheckScanner checkScanner(Ui& ui, const store::ScreeningDetail& d) {
    CheckScanner c{ui.services.scanner, ""};
    if (!d.procedure) {
        c.origin = "the default scanner; link the scheduled exam to check against its scanner";
        return c;
    }
    const std::string station = d.procedure->stationAeTitle.empty() ? "not given" : d.procedure->stationAeTitle;
    std::string problem;
    if (const auto s = stationScanner(ui, d, &problem)) {
        c.setup = *s;
        c.origin = "the scanner of the linked exam, station " + station;
    } else if (!problem.empty()) {
        c.origin = "the default scanner: the linked exam's scanner could not be found (" + problem + ")";
    } else {
        c.origin = "the default scanner; the linked exam's station is " + station;
    }
    return c;
}

void procedureSection(Ui& ui, const store::ScreeningDetail& d) {
    StaffWork& w = ui.st.work;
    section(ui, "Scheduled exam");
    if (d.procedure) linkedExam(ui, d);
    else if (!w.examChoosing) textWrapped(ui, "Not linked to a scheduled exam.", nullptr, ui.colors->muted);
    const ScreeningState state = d.summary.state;
    if (state == ScreeningState::Amended || state == ScreeningState::Abandoned || state == ScreeningState::Draft) return;
    if (!ui.services.findScheduledExams) {
        textWrapped(ui, "No worklist is configured ([worklist] in the config).", nullptr, ui.colors->muted);
        return;
    }
    if (w.examChoosing) return chooser(ui, d);
    const float bw = std::min(ImGui::GetContentRegionAvail().x, ui.unit * 12);
    if (d.procedure ? touchButton(ui, "procedure-change", "Change", ImVec2(bw, 0), Tone::Quiet)
                    : touchButton(ui, "procedure-find", "Find scheduled exam", ImVec2(bw, 0)))
        findExams(ui, d);
}

void outboxSection(Ui& ui) {
    readOutboxInBackground(ui);
    StaffWork& w = ui.st.work;
    if (w.outbox.empty() && w.outboxProblem.empty()) return;
    section(ui, "Records sent out");
    if (!w.outboxProblem.empty()) textWrapped(ui, w.outboxProblem, nullptr, ui.colors->error);
    for (const auto& item : w.outbox) {
        const std::string record = "Record v" + std::to_string(item.recordVersion);
        const std::string to = destinationText(item.destination);
        if (item.status == "sent") {
            textWrapped(ui, record + " sent to " + to + " " + localClock(ui, item.sentAt), nullptr, ui.colors->text);
            continue;
        }
        std::string why = item.attempts == 0 ? "not tried yet"
                                             : std::to_string(item.attempts) + (item.attempts == 1 ? " attempt" : " attempts");
        if (!item.lastError.empty()) why += "; last error: " + item.lastError;
        textWrapped(ui, record + " waiting for " + to + " (" + why + ")", nullptr,
                    item.attempts > 0 ? ui.colors->error : ui.colors->muted);
        if (item.attempts == 0) continue;
        if (touchButton(ui, "outbox-retry:" + std::to_string(item.id), "Try again now",
                        ImVec2(std::min(ImGui::GetContentRegionAvail().x, ui.unit * 10), 0), Tone::Quiet) &&
            attempt(ui, record + " will be sent to " + to + " again shortly.",
                    [&] { storeOf(ui).retryOutboxItem(item.id, actorOf(ui.st)); })) {
            w.outboxReadAt = -1; // read the new state at once
            break;
        }
    }
}

} // namespace mrscreen::ui::staff
