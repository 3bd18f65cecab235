// [SECTION] staff work over the store: the queue, the nurse's review with the patient (flag
// verdicts, labs with the eGFR, implants with their MR Conditional labelling, countersignature)
// and the signer's decision (MR Conditional check against the scanner, conditions, signature,
// final signed record). Every change goes through the store, which refuses what policy forbids;
// a refusal is shown as it is and nothing already saved is lost.
#include "record/handwritten_signature.h"
#include "screening/derived.h"
#include "screening/response.h"
#include "ui/ui_context.h"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <ctime>
#include <sstream>

namespace mrscreen::ui {

using namespace screening;

std::string* workField(StaffWork& w, const std::string& name) {
    static const std::pair<const char*, std::string StaffWork::*> fields[] = {
        {"search", &StaffWork::search},         {"note", &StaffWork::note},
        {"corrected", &StaffWork::corrected},   {"creatinine", &StaffWork::creatinine},
        {"lab-date", &StaffWork::labDate},      {"field-strengths", &StaffWork::fieldStrengths},
        {"gradient", &StaffWork::gradient},     {"wb-sar", &StaffWork::wholeBodySar},
        {"head-sar", &StaffWork::headSar},      {"b1rms", &StaffWork::b1rms},
        {"max-sar", &StaffWork::maxSar},        {"conditions", &StaffWork::conditionsText},
        {"reason", &StaffWork::reason}};
    for (const auto& [n, member] : fields)
        if (name == n) return &(w.*member);
    static const std::pair<const char*, std::string store::ImplantRecord::*> implant[] = {
        {"implant-type", &store::ImplantRecord::type},       {"implant-manufacturer", &store::ImplantRecord::manufacturer},
        {"implant-model", &store::ImplantRecord::model},     {"implant-location", &store::ImplantRecord::location},
        {"implant-date", &store::ImplantRecord::implantedOn}, {"implant-other", &store::ImplantRecord::implantedOn}};
    for (const auto& [n, member] : implant)
        if (name == n) return name == "implant-other" ? &w.implant.conditions.other : &(w.implant.*member);
    return nullptr;
}

namespace {

Actor actorOf(const KioskState& st) { return Actor{st.staff->username, st.staff->role}; }

std::string fixed(double v, int decimals) {
    std::ostringstream s;
    s.setf(std::ios::fixed);
    s.precision(decimals);
    s << v;
    return s.str();
}

void reload(Ui& ui) { ui.st.work.detail = ui.services.store->screening(ui.st.work.id); }

// Runs a store change; a refusal or error becomes the message at the top, nothing else changes.
template <typename Change>
bool attempt(Ui& ui, const std::string& done, Change&& change) {
    try {
        change();
        ui.st.work.message = done;
        ui.st.work.messageOk = true;
        reload(ui);
        return true;
    } catch (const std::exception& e) {
        ui.st.work.message = e.what();
        ui.st.work.messageOk = false;
        if (ui.services.log) ui.services.log(std::string("staff-refused ") + e.what());
        return false;
    }
}

std::string patientLine(const store::PatientIdentity& p) {
    std::string s = p.familyName.empty() && p.givenName.empty() ? "(no name)" : p.familyName + ", " + p.givenName;
    if (!p.birthDate.empty()) s += "  ·  born " + p.birthDate;
    return s;
}

// "12 min ago" from an ISO instant, against the services' clock.
std::string ageOf(Ui& ui, const std::string& at) {
    auto seconds = [](const std::string& iso) -> std::optional<std::int64_t> {
        if (iso.size() < 19) return std::nullopt;
        const auto days = daysFromCivil(iso.substr(0, 10));
        if (!days) return std::nullopt;
        return *days * 86400 + std::stoll(iso.substr(11, 2)) * 3600 + std::stoll(iso.substr(14, 2)) * 60 +
               std::stoll(iso.substr(17, 2));
    };
    const auto a = seconds(at), n = seconds(ui.services.nowUtc());
    if (!a || !n) return at;
    const auto d = *n - *a;
    if (d < 3600) return std::to_string(std::max<std::int64_t>(0, d / 60)) + " min ago";
    if (d < 86400) return std::to_string(d / 3600) + " h ago";
    return std::to_string(d / 86400) + " days ago";
}

// The signed-in staff member, always visible, with the way out. Returns false when they just left
// (signed out or back to the queue): the caller stops drawing this screen.
bool staffHeader(Ui& ui, const std::string& title) {
    KioskState& st = ui.st;
    const float w = ImGui::GetContentRegionAvail().x;
    const float bw = std::min(ui.unit * 7, w / 5);
    textWrapped(ui, title, ui.title(), ui.colors->text, w - bw * 2 - ui.gap * 2);
    textWrapped(ui, ui.t("staff.signed_in", {{"name", st.staff->displayName}, {"role", roleName(st.staff->role)}}),
                nullptr, ui.colors->muted, w - bw * 2 - ui.gap * 2);
    const ImVec2 keep = ImGui::GetCursorScreenPos();
    ImGui::SetCursorScreenPos(ImVec2(ui.display.x - ui.gap * 2 - bw, ui.gap * 1.5f));
    if (touchButton(ui, "staff-back-to-patient", "Sign out", ImVec2(bw, ui.target), Tone::Quiet)) {
        if (ui.services.log) ui.services.log("staff-signed-out user=" + st.staff->username);
        st.staff.reset();
        st.staffUsername.clear();
        st.work = StaffWork{};
        ui.go(st.beforeStaff == Screen::StaffSignIn || !st.draft ? Screen::Welcome : st.beforeStaff);
        return false;
    }
    if (ui.st.screen != Screen::StaffMenu) {
        ImGui::SetCursorScreenPos(ImVec2(ui.display.x - ui.gap * 3 - bw * 2, ui.gap * 1.5f));
        if (touchButton(ui, "staff-queue", "Queue", ImVec2(bw, ui.target), Tone::Quiet)) {
            st.work = StaffWork{};
            ui.go(Screen::StaffMenu);
            return false;
        }
    }
    ImGui::SetCursorScreenPos(keep);
    if (!st.work.message.empty())
        textWrapped(ui, st.work.message, ui.title(), st.work.messageOk ? ui.colors->text : ui.colors->error);
    return true;
}

void section(Ui& ui, const std::string& title) {
    ImGui::Dummy(ImVec2(1, ui.gap * 0.5f));
    textWrapped(ui, title, ui.title(), ui.colors->text);
}

void field(Ui& ui, const std::string& label, const std::string& name, const std::string& value, bool numeric,
           float width = 0) {
    if (width <= 0) width = std::min(ImGui::GetContentRegionAvail().x, ui.unit * 20);
    textWrapped(ui, label, nullptr, ui.colors->muted);
    const std::string key = "work:" + name;
    const bool focused = ui.st.editing && ui.st.editing->key == key;
    const std::string shown = focused ? ui.st.editing->buffer + "|" : value.empty() ? "Tap to enter" : value;
    if (touchButton(ui, "field:" + key, shown, ImVec2(width, 0), Tone::Tile)) startEditing(ui, key, value, numeric);
}

// The patient's exact answers behind a flag: each trigger's question and answer.
std::vector<std::string> triggerLines(Ui& ui, const store::StoredFlag& f) {
    std::vector<std::string> out;
    const auto triggers = nlohmann::json::parse(f.triggersJson, nullptr, false);
    if (!triggers.is_array()) return out;
    for (const auto& t : triggers) {
        if (t.contains("linkId")) {
            const Item* item = ui.form.find(t.value("linkId", ""));
            std::string answers;
            for (const auto& a : t.value("answers", nlohmann::json::array())) {
                std::string text = a.is_string() ? a.get<std::string>() : a.dump();
                if (item)
                    for (const auto& o : item->options)
                        if (o.value.type == ValueType::Coding && o.value.coding.code == text) text = o.display.base;
                answers += (answers.empty() ? "" : ", ") + text;
            }
            out.push_back("Patient's answer: " + (item ? item->text.base : t.value("linkId", "")) + "  →  " + answers);
        } else if (t.contains("derived")) {
            out.push_back("Computed: " + t.value("derived", "") + " " +
                          (t["value"].is_number() ? fixed(t["value"].get<double>(), 1) : "not known"));
        }
    }
    return out;
}

// Follow-up answers and body-map marks of the screening, for the flags' context.
std::vector<std::string> followUps(Ui& ui, const store::StoredFlag& f, const Response& response) {
    std::vector<std::string> out;
    const auto triggers = nlohmann::json::parse(f.triggersJson, nullptr, false);
    if (!triggers.is_array()) return out;
    for (const auto& t : triggers) {
        const std::string linkId = t.value("linkId", "");
        if (linkId.empty()) continue;
        // The details group that follows a question shares its linkId stem ("implant-pacemaker-details").
        std::function<void(const std::vector<ResponseItem>&)> walk = [&](const std::vector<ResponseItem>& items) {
            for (const auto& it : items) {
                if (it.linkId.rfind(linkId + "-", 0) == 0)
                    for (const auto& a : it.answers) {
                        const Item* item = ui.form.find(it.linkId);
                        out.push_back((item ? item->text.base : it.linkId) + "  →  " + a.value.toText());
                    }
                walk(it.items);
                for (const auto& a : it.answers) walk(a.items);
            }
        };
        walk(response.items);
    }
    return out;
}

std::vector<std::string> bodyMarks(Ui& ui, const Response& response) {
    std::vector<std::string> out;
    std::function<void(const std::vector<ResponseItem>&)> walk = [&](const std::vector<ResponseItem>& items) {
        for (const auto& it : items) {
            const Item* item = ui.form.find(it.linkId);
            if (item && item->itemControl == "body-map") {
                std::string mark;
                for (const auto& child : it.items)
                    for (const auto& a : child.answers) {
                        const Item* ci = ui.form.find(child.linkId);
                        const AnswerOption* o = ci ? ci->option(a.value) : nullptr;
                        mark += (mark.empty() ? "" : ", ") + (o ? o->display.base : a.value.toText());
                    }
                out.push_back(mark);
            }
            walk(it.items);
        }
    };
    walk(response.items);
    return out;
}

std::string verdictLabel(const store::StoredFlag& f) {
    if (f.status == FlagVerdict::Open) return "no verdict yet";
    std::string s = f.status == FlagVerdict::Resolved ? "Not applicable" : f.correctedAnswer.empty() ? "Confirmed" : "Corrected with the patient: " + f.correctedAnswer;
    s += " (" + f.statusBy + ")";
    if (!f.note.empty()) s += "  ·  " + f.note;
    return s;
}

ImU32 severityColor(Ui& ui, Severity s) {
    return s == Severity::Stop ? ui.colors->error : s == Severity::Review ? ui.colors->focus : ui.colors->muted;
}

void flagCard(Ui& ui, const store::StoredFlag& f, const Response& response, bool editable) {
    StaffWork& w = ui.st.work;
    const float width = ImGui::GetContentRegionAvail().x;
    ImDrawList* dl = ImGui::GetWindowDrawList();
    const ImVec2 top = ImGui::GetCursorScreenPos();
    dl->ChannelsSplit(2);
    dl->ChannelsSetCurrent(1);
    ImGui::Indent(ui.gap);
    ImGui::Dummy(ImVec2(1, ui.gap * 0.3f));
    textWrapped(ui, std::string(severityName(f.severity)) + " · " + f.category + " · " + f.ruleId, ui.title(),
                severityColor(ui, f.severity), width - ui.gap * 2);
    textWrapped(ui, f.message, nullptr, ui.colors->text, width - ui.gap * 2);
    for (const auto& line : triggerLines(ui, f)) textWrapped(ui, line, nullptr, ui.colors->text, width - ui.gap * 2);
    for (const auto& line : followUps(ui, f, response)) textWrapped(ui, "Details: " + line, nullptr, ui.colors->muted, width - ui.gap * 2);
    if (f.category == "implant" || f.category == "foreign-body")
        for (const auto& m : bodyMarks(ui, response)) textWrapped(ui, "Body map: " + m, nullptr, ui.colors->muted, width - ui.gap * 2);
    if (f.severity != Severity::Info) // information flags need no verdict
        textWrapped(ui, "Verdict: " + verdictLabel(f), nullptr, f.status == FlagVerdict::Open ? ui.colors->error : ui.colors->text,
                    width - ui.gap * 2);
    if (editable && f.severity != Severity::Info) {
        const bool open = w.flagId == f.ruleId;
        if (!open) {
            if (touchButton(ui, "verdict:" + f.ruleId, f.status == FlagVerdict::Open ? "Record a verdict" : "Change the verdict",
                            ImVec2(std::min(width - ui.gap * 2, ui.unit * 12), 0), Tone::Quiet)) {
                w.flagId = f.ruleId;
                w.verdict = 0;
                w.note = f.note;
                w.corrected = f.correctedAnswer;
            }
        } else {
            const float bw = (width - ui.gap * 4) / 3;
            const char* labels[] = {"Confirmed", "Corrected with the patient", "Not applicable"};
            for (int v = 1; v <= 3; ++v) {
                if (v > 1) ImGui::SameLine(0, ui.gap);
                if (touchButton(ui, "verdict:" + f.ruleId + ":" + std::to_string(v), labels[v - 1], ImVec2(bw, 0),
                                Tone::Tile, w.verdict == v))
                    w.verdict = v;
            }
            if (w.verdict == 2) field(ui, "The corrected answer", "corrected", w.corrected, false, width - ui.gap * 2);
            field(ui, "Note", "note", w.note, false, width - ui.gap * 2);
            if (touchButton(ui, "verdict-save:" + f.ruleId, "Save verdict", ImVec2(std::min(width - ui.gap * 2, ui.unit * 10), 0))) {
                if (w.verdict == 0) w.messageOk = false, w.message = "Choose Confirmed, Corrected with the patient, or Not applicable.";
                else if (w.verdict == 2 && w.corrected.empty()) w.messageOk = false, w.message = "Write the corrected answer.";
                else {
                    const FlagVerdict verdict = w.verdict == 3 ? FlagVerdict::Resolved : FlagVerdict::Verified;
                    const std::string corrected = w.verdict == 2 ? w.corrected : "";
                    const std::string rule = f.ruleId, note = w.note;
                    if (attempt(ui, "Verdict saved on " + rule + ".", [&] {
                            ui.services.store->setFlagVerdict(w.id, rule, verdict, note, actorOf(ui.st), corrected);
                        })) {
                        if (ui.services.log) ui.services.log("verdict flag=" + rule + " verdict=" + verdictName(verdict));
                        w.flagId.clear();
                        w.note.clear();
                        w.corrected.clear();
                    }
                }
            }
        }
    }
    ImGui::Dummy(ImVec2(1, ui.gap * 0.3f));
    ImGui::Unindent(ui.gap);
    dl->ChannelsSetCurrent(0);
    dl->AddRectFilled(top, ImVec2(top.x + width, ImGui::GetCursorScreenPos().y), ui.colors->tile, ui.unit * 0.3f);
    dl->AddRectFilled(top, ImVec2(top.x + ui.gap * 0.4f, ImGui::GetCursorScreenPos().y), severityColor(ui, f.severity));
    dl->ChannelsMerge();
    ImGui::Dummy(ImVec2(1, ui.gap * 0.3f));
}

struct Egfr {
    std::optional<double> value;
    std::vector<std::string> flags; // rule messages the eGFR raises
    std::string problem;
    bool stale = false;
    std::optional<double> ageDays, maxAgeDays;
};

Egfr egfrOf(Ui& ui, const store::ScreeningDetail& d) {
    Egfr out;
    if (d.labs.empty()) return out;
    const auto& lab = d.labs.back();
    try {
        const Response response = readResponse(d.responseJson, "screening");
        const ScreeningAnswers answers(ui.form, response);
        AssessmentInput in;
        in.language = "en";
        in.screeningDate = ui.services.today();
        in.creatinine = Creatinine{lab.value, lab.unit == "umol/L" ? CreatinineUnit::UmolPerL : CreatinineUnit::MgPerDl,
                                   lab.takenOn};
        const Assessment a = assess(answers, ui.rules, in);
        out.value = a.derived.egfr;
        out.ageDays = a.derived.lab_age_days;
        // How old a creatinine may be is site policy: the rules file's egfr_max_age_days.
        if (ui.rules && ui.rules->parameters.count("egfr_max_age_days")) out.maxAgeDays = ui.rules->parameters.at("egfr_max_age_days").value;
        out.stale = out.ageDays && out.maxAgeDays && *out.ageDays > *out.maxAgeDays;
        for (const auto& p : a.derived.problems)
            if (p.value == "egfr" || p.value == "creatinine") out.problem = p.message;
        for (const auto& f : a.flags)
            for (const auto& t : f.triggers)
                if (t.derived == "egfr") out.flags.push_back(std::string(severityName(f.severity)) + ": " + f.message);
    } catch (const std::exception& e) {
        out.problem = e.what();
    }
    return out;
}

void labsSection(Ui& ui, const store::ScreeningDetail& d, bool editable) {
    StaffWork& w = ui.st.work;
    section(ui, "Labs: serum creatinine and eGFR");
    for (const auto& lab : d.labs)
        textWrapped(ui, "Creatinine " + fixed(lab.value, 2) + " " + lab.unit + ", drawn " +
                            (lab.takenOn.empty() ? std::string("(date not given)") : lab.takenOn) + ", entered by " + lab.enteredBy,
                    nullptr, ui.colors->text);
    const Egfr e = egfrOf(ui, d);
    if (e.value)
        textWrapped(ui, "eGFR " + fixed(*e.value, 0) + " mL/min/1.73 m² (CKD-EPI 2021 creatinine equation)" +
                            (e.stale ? "  ·  STALE: " + fixed(*e.ageDays, 0) + " days old, policy limit " +
                                           fixed(*e.maxAgeDays, 0) + " days"
                                     : std::string()),
                    ui.title(), e.stale ? ui.colors->error : ui.colors->text);
    for (const auto& f : e.flags) textWrapped(ui, "Raises " + f, nullptr, ui.colors->error);
    if (!e.problem.empty()) textWrapped(ui, e.problem, nullptr, ui.colors->error);
    if (d.labs.empty()) textWrapped(ui, "No creatinine result entered.", nullptr, ui.colors->muted);
    if (!editable) return;
    const float half = std::min(ImGui::GetContentRegionAvail().x / 2 - ui.gap, ui.unit * 12);
    field(ui, "Creatinine value", "creatinine", w.creatinine, true, half);
    for (const char* unit : {"mg/dL", "umol/L"}) {
        if (std::string(unit) == "umol/L") ImGui::SameLine(0, ui.gap);
        if (touchButton(ui, std::string("lab-unit:") + unit, std::string(unit) == "umol/L" ? "µmol/L" : unit,
                        ImVec2(half / 2, 0), Tone::Tile, w.creatinineUnit == unit))
            w.creatinineUnit = unit;
    }
    field(ui, "Date drawn (YYYY-MM-DD)", "lab-date", w.labDate, false, half);
    if (touchButton(ui, "lab-save", "Save creatinine", ImVec2(half, 0))) {
        const auto v = parseNumber(w.creatinine);
        if (!v) w.messageOk = false, w.message = "Enter the creatinine as a number, for example 1.2.";
        else if (attempt(ui, "Creatinine saved.", [&] {
                     ui.services.store->addLab(w.id, store::LabResult{"creatinine", *v, w.creatinineUnit, w.labDate, "", ""},
                                               actorOf(ui.st));
                 })) {
            if (ui.services.log) {
                ui.services.log("lab-saved value=" + w.creatinine + " unit=" + w.creatinineUnit);
                const Egfr now = egfrOf(ui, *w.detail);
                std::string raised;
                for (const auto& f : now.flags) raised += (raised.empty() ? "" : "; ") + f;
                ui.services.log("egfr value=" + (now.value ? fixed(*now.value, 0) : std::string("none")) +
                                (now.stale ? " stale" : "") + " raises=" + raised);
            }
            w.creatinine.clear();
            w.labDate.clear();
        }
    }
}

std::string conditionsText(const MrConditions& c) {
    std::string s;
    auto add = [&](const std::string& part) { s += (s.empty() ? "" : "; ") + part; };
    if (!c.fieldStrengthsT.empty()) {
        std::string f;
        for (double t : c.fieldStrengthsT) f += (f.empty() ? "" : ", ") + fixed(t, 1) + " T";
        add(f);
    }
    if (c.maxSpatialGradientTPerM) add("spatial gradient ≤ " + fixed(*c.maxSpatialGradientTPerM, 1) + " T/m");
    if (c.maxWholeBodySarWPerKg) add("whole-body SAR ≤ " + fixed(*c.maxWholeBodySarWPerKg, 1) + " W/kg");
    if (c.maxHeadSarWPerKg) add("head SAR ≤ " + fixed(*c.maxHeadSarWPerKg, 1) + " W/kg");
    if (c.maxB1rmsMicroTesla) add("B1+rms ≤ " + fixed(*c.maxB1rmsMicroTesla, 1) + " µT");
    if (c.operatingMode != OperatingMode::Unknown)
        add(c.operatingMode == OperatingMode::Normal ? "Normal Operating Mode" : "First Level Controlled Mode");
    if (!c.other.empty()) add(c.other);
    return s.empty() ? "none entered" : s;
}

void implantCheck(Ui& ui, const store::ImplantRecord& r) {
    const MrCheck check = checkMrConditional(r.mrStatus, r.conditions, ui.services.scanner);
    const ImU32 col = check.overall == CheckOutcome::Pass ? ui.colors->text : ui.colors->error;
    textWrapped(ui, "Check: " + check.summary, ui.title(), col);
    for (const auto& c : check.conditions) {
        const char* mark = c.outcome == CheckOutcome::Pass ? "PASS" : c.outcome == CheckOutcome::Fail ? "FAIL" : "UNKNOWN";
        textWrapped(ui, std::string(mark) + "  " + c.condition + ": " + c.detail, nullptr,
                    c.outcome == CheckOutcome::Pass ? ui.colors->text : ui.colors->error);
    }
}

void implantsSection(Ui& ui, const store::ScreeningDetail& d, bool editable) {
    StaffWork& w = ui.st.work;
    section(ui, "Implants");
    for (const auto& r : d.implants) {
        textWrapped(ui, r.type + (r.manufacturer.empty() ? "" : ", " + r.manufacturer) + (r.model.empty() ? "" : " " + r.model) +
                            (r.location.empty() ? "" : "  ·  " + r.location) +
                            (r.implantedOn.empty() ? "" : "  ·  implanted " + r.implantedOn),
                    ui.title(), ui.colors->text);
        textWrapped(ui, std::string("MR status: ") + mrStatusName(r.mrStatus) + "  ·  conditions: " + conditionsText(r.conditions),
                    nullptr, ui.colors->text);
        implantCheck(ui, r);
    }
    if (d.implants.empty()) textWrapped(ui, "No implant recorded.", nullptr, ui.colors->muted);
    if (!editable) return;
    const float width = ImGui::GetContentRegionAvail().x;
    if (!w.implantOpen) {
        if (touchButton(ui, "implant-add", "Add an implant", ImVec2(std::min(width, ui.unit * 12), 0), Tone::Quiet)) {
            w.implantOpen = true;
            w.implant = store::ImplantRecord{};
        }
        return;
    }
    const float half = std::min(width / 2 - ui.gap, ui.unit * 16);
    field(ui, "What it is", "implant-type", w.implant.type, false, half * 2);
    field(ui, "Manufacturer", "implant-manufacturer", w.implant.manufacturer, false, half);
    field(ui, "Model", "implant-model", w.implant.model, false, half);
    field(ui, "Where in the body", "implant-location", w.implant.location, false, half);
    field(ui, "Date implanted (YYYY, YYYY-MM or YYYY-MM-DD)", "implant-date", w.implant.implantedOn, false, half);
    textWrapped(ui, "MR status", nullptr, ui.colors->muted);
    const MrStatus statuses[] = {MrStatus::Safe, MrStatus::Conditional, MrStatus::Unsafe, MrStatus::Unknown};
    const char* names[] = {"MR Safe", "MR Conditional", "MR Unsafe", "Unknown"};
    const float qw = (width - ui.gap * 3) / 4;
    for (int i = 0; i < 4; ++i) {
        if (i) ImGui::SameLine(0, ui.gap);
        if (touchButton(ui, std::string("implant-status:") + mrStatusName(statuses[i]), names[i], ImVec2(qw, 0), Tone::Tile,
                        w.implant.mrStatus == statuses[i]))
            w.implant.mrStatus = statuses[i];
    }
    if (w.implant.mrStatus == MrStatus::Conditional) {
        field(ui, "Field strengths allowed, tesla (e.g. 1.5, 3)", "field-strengths", w.fieldStrengths, false, half);
        field(ui, "Maximum spatial field gradient", "gradient", w.gradient, true, half);
        for (const char* unit : {"T/m", "G/cm"}) {
            if (std::string(unit) == "G/cm") ImGui::SameLine(0, ui.gap);
            if (touchButton(ui, std::string("gradient-unit:") + unit, unit, ImVec2(half / 2, 0), Tone::Tile,
                            w.gradientUnit == unit))
                w.gradientUnit = unit;
        }
        field(ui, "Whole-body SAR limit (W/kg)", "wb-sar", w.wholeBodySar, true, half);
        field(ui, "Head SAR limit (W/kg)", "head-sar", w.headSar, true, half);
        field(ui, "B1+rms limit (µT)", "b1rms", w.b1rms, true, half);
        textWrapped(ui, "Operating mode allowed", nullptr, ui.colors->muted);
        const OperatingMode modes[] = {OperatingMode::Normal, OperatingMode::FirstLevel, OperatingMode::Unknown};
        const char* modeNames[] = {"Normal only", "First Level", "Not stated"};
        for (int i = 0; i < 3; ++i) {
            if (i) ImGui::SameLine(0, ui.gap);
            if (touchButton(ui, std::string("implant-mode:") + std::to_string(i), modeNames[i], ImVec2(qw, 0), Tone::Tile,
                            w.implant.conditions.operatingMode == modes[i]))
                w.implant.conditions.operatingMode = modes[i];
        }
        field(ui, "Other conditions (as on the label)", "implant-other", w.implant.conditions.other, false, half * 2);
    }
    if (touchButton(ui, "implant-save", "Save implant", ImVec2(half, 0))) {
        store::ImplantRecord r = w.implant;
        std::string problem;
        r.conditions.fieldStrengthsT.clear();
        std::stringstream list(w.fieldStrengths);
        for (std::string part; std::getline(list, part, ',');) {
            part.erase(0, part.find_first_not_of(' '));
            part.erase(part.find_last_not_of(" T") + 1);
            if (part.empty()) continue;
            if (const auto t = parseNumber(part)) r.conditions.fieldStrengthsT.push_back(*t);
            else problem = "Field strengths: write numbers in tesla separated by commas, e.g. 1.5, 3.";
        }
        auto opt = [&](const std::string& text, const char* what) -> std::optional<double> {
            if (text.empty()) return std::nullopt;
            const auto v = parseNumber(text);
            if (!v || *v <= 0) problem = std::string(what) + " must be a positive number.";
            return v;
        };
        const auto g = opt(w.gradient, "The spatial gradient");
        r.conditions.maxSpatialGradientTPerM = g ? std::optional<double>(w.gradientUnit == "G/cm" ? gaussPerCmToTeslaPerM(*g) : *g)
                                                 : std::nullopt;
        r.conditions.maxWholeBodySarWPerKg = opt(w.wholeBodySar, "The whole-body SAR");
        r.conditions.maxHeadSarWPerKg = opt(w.headSar, "The head SAR");
        r.conditions.maxB1rmsMicroTesla = opt(w.b1rms, "B1+rms");
        if (r.mrStatus != MrStatus::Conditional) r.conditions = MrConditions{};
        r.checkResult = checkMrConditional(r.mrStatus, r.conditions, ui.services.scanner).summary;
        if (!problem.empty()) w.message = problem;
        else if (attempt(ui, "Implant saved.", [&] { ui.services.store->saveImplant(w.id, r, actorOf(ui.st)); })) {
            if (ui.services.log) ui.services.log("implant-saved type=" + r.type + " status=" + mrStatusName(r.mrStatus));
            w.implantOpen = false;
            w.fieldStrengths.clear();
            w.gradient.clear();
            w.wholeBodySar.clear();
            w.headSar.clear();
            w.b1rms.clear();
        }
    }
}

void answersSection(Ui& ui, const Response& response) {
    StaffWork& w = ui.st.work;
    section(ui, "All answers");
    if (touchButton(ui, "answers-toggle", w.showAnswers ? "Hide the answers" : "Show every answer",
                    ImVec2(std::min(ImGui::GetContentRegionAvail().x, ui.unit * 12), 0), Tone::Quiet))
        w.showAnswers = !w.showAnswers;
    if (!w.showAnswers) return;
    std::function<void(const std::vector<ResponseItem>&)> walk = [&](const std::vector<ResponseItem>& items) {
        for (const auto& it : items) {
            const Item* item = ui.form.find(it.linkId);
            for (const auto& a : it.answers) {
                const AnswerOption* o = item ? item->option(a.value) : nullptr;
                textWrapped(ui, (item ? item->text.base : it.linkId) + ":  " + (o ? o->display.base : a.value.toText()), nullptr,
                            ui.colors->text);
                walk(a.items);
            }
            walk(it.items);
        }
    };
    walk(response.items);
}

std::string signerName(const KioskState& st) { return st.staff->displayName; }

// The common frame of the review and decision screens; returns false when there is nothing to show.
bool beginWork(Ui& ui, const char* id, const std::string& title, Response& response) {
    beginScreen(ui, id);
    StaffWork& w = ui.st.work;
    if (!w.detail) {
        if (staffHeader(ui, title)) textWrapped(ui, "This screening is no longer in the store.", nullptr, ui.colors->error);
        endScreen();
        return false;
    }
    if (!staffHeader(ui, title + " " + std::to_string(w.id) + ": " + patientLine(w.detail->summary.patient) + "  ·  " +
                             [&] {
                                 std::string state = stateName(w.detail->summary.state);
                                 std::replace(state.begin(), state.end(), '_', ' ');
                                 return state;
                             }())) {
        endScreen();
        return false;
    }
    try {
        response = readResponse(w.detail->responseJson, "screening " + std::to_string(w.id));
    } catch (const std::exception& e) {
        textWrapped(ui, e.what(), nullptr, ui.colors->error);
    }
    return true;
}

float workAreaHeight(Ui& ui) {
    return ui.display.y - ImGui::GetCursorScreenPos().y - (ui.st.editing ? keyboardHeight(ui) : 0) - ui.gap;
}

void flagsSection(Ui& ui, const store::ScreeningDetail& d, const Response& response, bool editable) {
    section(ui, "Flags");
    if (d.flags.empty()) textWrapped(ui, "The site's rules raised no flags.", nullptr, ui.colors->muted);
    // Stop, then review, then info; within each, by category (the store returns them by severity).
    std::vector<store::StoredFlag> flags = d.flags;
    std::stable_sort(flags.begin(), flags.end(), [](const auto& a, const auto& b) {
        return a.severity != b.severity ? int(a.severity) < int(b.severity) : a.category < b.category;
    });
    for (const auto& f : flags) flagCard(ui, f, response, editable);
}

} // namespace

void openStaffWork(Ui& ui, std::int64_t id) {
    StaffWork& w = ui.st.work;
    w = StaffWork{};
    w.id = id;
    reload(ui);
    if (!w.detail) return;
    const auto state = w.detail->summary.state;
    ui.go(state == ScreeningState::Reviewed ? Screen::StaffDecision : Screen::StaffReview);
}

void staffMenuScreen(Ui& ui) {
    beginScreen(ui, "staff-queue");
    KioskState& st = ui.st;
    if (!st.staff) {
        ui.go(Screen::Welcome);
        endScreen();
        return;
    }
    if (!staffHeader(ui, "Screenings waiting for review or a decision")) {
        endScreen();
        return;
    }
    const float w = ImGui::GetContentRegionAvail().x;
    field(ui, "Search by name", "search", st.work.search, false, std::min(w, ui.unit * 16));
    std::vector<store::ScreeningSummary> queue;
    try {
        queue = ui.services.store->queue();
    } catch (const std::exception& e) {
        st.work.message = e.what();
    }
    std::reverse(queue.begin(), queue.end()); // newest first
    std::string needle = st.work.search;
    std::transform(needle.begin(), needle.end(), needle.begin(), [](unsigned char c) { return char(std::tolower(c)); });
    const float bottom = st.editing ? keyboardHeight(ui) : ui.target + ui.gap * 3;
    beginDragScroll(ui, "queue", ImVec2(0, std::max(ui.target, ui.display.y - ImGui::GetCursorScreenPos().y - bottom - ui.gap)));
    int shown = 0;
    for (const auto& s : queue) {
        std::string name = s.patient.familyName + " " + s.patient.givenName;
        std::transform(name.begin(), name.end(), name.begin(), [](unsigned char c) { return char(std::tolower(c)); });
        if (!needle.empty() && name.find(needle) == std::string::npos) continue;
        ++shown;
        const std::string label = patientLine(s.patient) + "\n" + std::string(s.state == ScreeningState::Reviewed ? "Awaiting decision" : "Awaiting review") +
                                  "  ·  submitted " + ageOf(ui, s.submittedAt) + "  ·  " + std::to_string(s.stopFlags) +
                                  " stop, " + std::to_string(s.reviewFlags) + " review flags";
        if (touchButton(ui, "queue:" + std::to_string(s.id), label, ImVec2(ImGui::GetContentRegionAvail().x, 0), Tone::Tile)) {
            if (ui.services.log) ui.services.log("open screening=" + std::to_string(s.id));
            openStaffWork(ui, s.id);
        }
    }
    if (shown == 0) textWrapped(ui, queue.empty() ? "Nothing is waiting." : "No screening matches the search.", nullptr, ui.colors->muted);
    endDragScroll(ui);
    if (st.editing) {
        drawKeyboard(ui, ImVec2(0, ui.display.y - keyboardHeight(ui)), ui.display.x);
    } else {
        const float bw = std::min(ui.unit * 12, (ui.display.x - ui.gap * 6) / 3);
        const float y = ui.display.y - ui.target - ui.gap * 1.5f;
        ImGui::SetCursorScreenPos(ImVec2(ui.gap * 2, y));
        if (touchButton(ui, "staff-exit", ui.t("staff.exit"), ImVec2(bw, ui.target), Tone::Quiet)) {
            if (ui.services.log) ui.services.log("quit by=" + st.staff->username);
            *ui.quit = true;
        }
        if (st.beforeStaff != Screen::Welcome && st.beforeStaff != Screen::Submitted) {
            ImGui::SetCursorScreenPos(ImVec2(ui.display.x - ui.gap * 2 - bw, y));
            if (touchButton(ui, "staff-discard", ui.t("staff.discard"), ImVec2(bw, ui.target), Tone::Danger)) {
                st.staff.reset();
                ui.resetToWelcome("discarded by staff");
            }
        }
    }
    endScreen();
}

void staffReviewScreen(Ui& ui) {
    Response response;
    if (!beginWork(ui, "staff-review", "Review of screening", response)) return;
    KioskState& st = ui.st;
    StaffWork& w = st.work;
    const store::ScreeningDetail& d = *w.detail;
    const bool nurse = st.staff->role == Role::Nurse;
    const bool editable = nurse && d.summary.state == ScreeningState::Submitted;
    if (!nurse) textWrapped(ui, "Only a nurse (Level 2 MR personnel) reviews a screening with the patient.", nullptr, ui.colors->muted);
    beginDragScroll(ui, "work-" + std::to_string(w.id), ImVec2(0, workAreaHeight(ui)));
    flagsSection(ui, d, response, editable);
    labsSection(ui, d, editable);
    implantsSection(ui, d, editable);
    answersSection(ui, response);
    if (editable) {
        section(ui, "Countersign the review");
        int open = 0;
        for (const auto& f : d.flags) open += f.severity != Severity::Info && f.status == FlagVerdict::Open;
        if (open > 0)
            textWrapped(ui, std::to_string(open) + " stop or review flag(s) still need a verdict before the review can be signed.",
                        nullptr, ui.colors->error);
        const float padW = std::min(ImGui::GetContentRegionAvail().x, ui.unit * 26);
        signaturePad(ui, "staff-signature", ImVec2(padW, ui.target * 2.2f), w.signature, w.drawing,
                     "Sign here: " + signerName(st));
        if (touchButton(ui, "staff-signature-clear", "Clear signature", ImVec2(std::min(padW, ui.unit * 10), 0), Tone::Quiet))
            w.signature.clear();
        ImGui::SameLine(0, ui.gap);
        if (touchButton(ui, "review-sign", "Sign the review", ImVec2(std::min(padW, ui.unit * 10), 0))) {
            if (!record::looksLikeSignature(w.signature)) w.messageOk = false, w.message = "Sign on the pad first: a tap or a short line is not a signature.";
            else {
                const std::string strokes = record::strokesJson(w.signature);
                if (attempt(ui, "Review signed: the screening waits for the decision.", [&] {
                        ui.services.store->transitionSigned(w.id, TransitionRequest{Action::Review, actorOf(st), "", ""},
                                                            store::StaffSignature{"review", signerName(st), st.staff->role, strokes, ""});
                    })) {
                    if (ui.services.log) ui.services.log("reviewed screening=" + std::to_string(w.id));
                    w.signature.clear();
                }
            }
        }
    }
    endDragScroll(ui);
    if (st.editing) drawKeyboard(ui, ImVec2(0, ui.display.y - keyboardHeight(ui)), ui.display.x);
    endScreen();
}

void staffDecisionScreen(Ui& ui) {
    Response response;
    if (!beginWork(ui, "staff-decision", "Decision on screening", response)) return;
    KioskState& st = ui.st;
    StaffWork& w = st.work;
    const store::ScreeningDetail& d = *w.detail;
    beginDragScroll(ui, "work-" + std::to_string(w.id), ImVec2(0, workAreaHeight(ui)));
    if (!d.summary.reviewedBy.empty()) textWrapped(ui, "Reviewed by " + d.summary.reviewedBy, nullptr, ui.colors->muted);
    flagsSection(ui, d, response, false);
    labsSection(ui, d, false);
    section(ui, "Planned scanner: " + ui.services.scanner.name + ", " + fixed(ui.services.scanner.fieldStrengthT, 1) + " T");
    implantsSection(ui, d, false);
    answersSection(ui, response);
    if (d.decision) {
        section(ui, "Decided: " + d.decision->outcome + " by " + d.decision->decidedBy);
        if (!d.decision->conditions.empty()) textWrapped(ui, d.decision->conditions, nullptr, ui.colors->text);
        if (!w.recordPath.empty()) textWrapped(ui, "Signed record: " + w.recordPath, nullptr, ui.colors->text);
        if (!w.previewProblem.empty()) textWrapped(ui, w.previewProblem, nullptr, ui.colors->error);
        if (w.preview) {
            // Page 1 of the final record, as filed.
            const float width = std::min(ImGui::GetContentRegionAvail().x, ui.unit * 24);
            const float height = width * float(w.preview->height) / float(w.preview->width);
            if (w.previewTexture) {
                const ImVec2 p = ImGui::GetCursorScreenPos();
                ImGui::Image(w.previewTexture, ImVec2(width, height));
                ImGui::GetWindowDrawList()->AddRect(p, ImVec2(p.x + width, p.y + height), ui.colors->tileBorder);
            } else {
                textWrapped(ui, "Page preview: " + w.preview->path, nullptr, ui.colors->muted);
            }
        }
    } else if (d.summary.state == ScreeningState::Reviewed) {
        section(ui, "Decision: may the patient enter Zone IV?");
        const float width = ImGui::GetContentRegionAvail().x;
        const char* outcomes[] = {"Cleared", "Cleared with conditions", "Not cleared"};
        const float tw = (width - ui.gap * 2) / 3;
        for (int o = 1; o <= 3; ++o) {
            if (o > 1) ImGui::SameLine(0, ui.gap);
            if (touchButton(ui, "outcome:" + std::to_string(o), outcomes[o - 1], ImVec2(tw, 0), Tone::Tile, w.outcome == o))
                w.outcome = o;
        }
        int openStops = 0;
        for (const auto& f : d.flags) openStops += f.severity == Severity::Stop && f.status == FlagVerdict::Verified;
        if (w.outcome == 2) {
            const float half = std::min(width / 2 - ui.gap, ui.unit * 14);
            if (touchButton(ui, "condition:normal-mode", "Normal Operating Mode only", ImVec2(half, 0), Tone::Tile, w.normalModeOnly))
                w.normalModeOnly = !w.normalModeOnly;
            ImGui::SameLine(0, ui.gap);
            const std::string fieldOnly = "Scanner " + fixed(ui.services.scanner.fieldStrengthT, 1) + " T only";
            if (touchButton(ui, "condition:field-only", fieldOnly, ImVec2(half, 0), Tone::Tile, w.thisFieldOnly))
                w.thisFieldOnly = !w.thisFieldOnly;
            field(ui, "Maximum whole-body SAR (W/kg), optional", "max-sar", w.maxSar, true, half);
            field(ui, "Other conditions", "conditions", w.conditionsText, false, width);
        }
        if (w.outcome == 3 || (w.outcome != 0 && openStops > 0))
            field(ui, w.outcome == 3 ? "Reason the patient is not cleared" : "Reason for clearing despite a confirmed stop flag",
                  "reason", w.reason, false, width);
        const float padW = std::min(width, ui.unit * 26);
        signaturePad(ui, "staff-signature", ImVec2(padW, ui.target * 2.2f), w.signature, w.drawing, "Sign here: " + signerName(st));
        if (touchButton(ui, "staff-signature-clear", "Clear signature", ImVec2(std::min(padW, ui.unit * 10), 0), Tone::Quiet))
            w.signature.clear();
        ImGui::SameLine(0, ui.gap);
        if (touchButton(ui, "decision-sign", "Sign the decision", ImVec2(std::min(padW, ui.unit * 10), 0))) {
            std::string conditions;
            if (w.normalModeOnly) conditions += "Normal Operating Mode only.\n";
            if (w.thisFieldOnly) conditions += "Scan on " + ui.services.scanner.name + " (" + fixed(ui.services.scanner.fieldStrengthT, 1) + " T) only.\n";
            if (const auto sar = parseNumber(w.maxSar)) conditions += "Whole-body SAR at most " + fixed(*sar, 1) + " W/kg.\n";
            if (!w.conditionsText.empty()) conditions += w.conditionsText + "\n";
            if (!conditions.empty()) conditions.pop_back();
            const Action action = w.outcome == 1 ? Action::Clear : w.outcome == 2 ? Action::ClearWithConditions : Action::NotClear;
            if (w.outcome == 0) w.messageOk = false, w.message = "Choose Cleared, Cleared with conditions or Not cleared.";
            else if (w.outcome == 2 && conditions.empty()) w.messageOk = false, w.message = "Choose or write the conditions.";
            else if (!w.maxSar.empty() && !parseNumber(w.maxSar)) w.messageOk = false, w.message = "The SAR limit must be a number, for example 2.0.";
            else if (!record::looksLikeSignature(w.signature)) w.messageOk = false, w.message = "Sign on the pad first: a tap or a short line is not a signature.";
            else {
                const std::string strokes = record::strokesJson(w.signature);
                const TransitionRequest request{action, actorOf(st), w.reason, w.outcome == 2 ? conditions : ""};
                if (attempt(ui, "Decision signed.", [&] {
                        ui.services.store->transitionSigned(w.id, request,
                                                            store::StaffSignature{"decision", signerName(st), st.staff->role, strokes, ""});
                    })) {
                    if (ui.services.log) ui.services.log("decided screening=" + std::to_string(w.id) + " action=" + actionName(action));
                    w.signature.clear();
                    if (ui.services.produceRecord) {
                        const auto path = ui.services.produceRecord(w.id, actorOf(st));
                        w.recordPath = path.value_or("");
                        w.messageOk = path.has_value();
                        w.message = path ? "Decision signed; the final signed record is " + *path
                                         : "Decision signed, but no signed record could be made (see the log): run 'mrscreen record " + std::to_string(w.id) + "'.";
                        if (ui.services.log && path) ui.services.log("record screening=" + std::to_string(w.id) + " path=" + *path);
                        if (path && ui.services.renderPage) {
                            w.preview = ui.services.renderPage(*path, w.previewProblem);
                            if (w.preview && ui.services.uploadPicture) w.previewTexture = ui.services.uploadPicture(*w.preview);
                            if (w.preview && ui.services.log) ui.services.log("preview path=" + w.preview->path);
                        }
                    }
                }
            }
        }
    }
    endDragScroll(ui);
    if (st.editing) drawKeyboard(ui, ImVec2(0, ui.display.y - keyboardHeight(ui)), ui.display.x);
    endScreen();
}

} // namespace mrscreen::ui
