// [SECTION] staff work over the store: what the queue, the nurse's review (staff_review.cpp) and the
// signer's decision (staff_decision.cpp) share. Every change goes through the store, which refuses
// what policy forbids; a refusal is shown as it is and nothing already saved is lost.
#include "ui/staff_work.h"

#include "record/handwritten_signature.h"
#include "store/form_catalog.h"

#include <algorithm>
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
        {"reason", &StaffWork::reason},         {"contrast-conditions", &StaffWork::contrastConditions},
        {"contrast-reason", &StaffWork::contrastReason}};
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

namespace staff {

Actor actorOf(const KioskState& st) { return Actor{st.staff->username, st.staff->role}; }

std::string signerName(const KioskState& st) { return st.staff->displayName; }

std::string fixed(double v, int decimals) {
    std::ostringstream s;
    s.setf(std::ios::fixed);
    s.precision(decimals);
    s << v;
    return s.str();
}

std::string patientLine(const store::PatientIdentity& p) {
    std::string s = p.familyName.empty() && p.givenName.empty() ? "(no name)" : p.familyName + ", " + p.givenName;
    if (!p.birthDate.empty()) s += "  ·  born " + p.birthDate;
    return s;
}

std::optional<std::int64_t> secondsSince(Ui& ui, const std::string& at) {
    auto seconds = [](const std::string& iso) -> std::optional<std::int64_t> {
        if (iso.size() < 19) return std::nullopt;
        const auto days = daysFromCivil(iso.substr(0, 10));
        if (!days) return std::nullopt;
        return *days * 86400 + std::stoll(iso.substr(11, 2)) * 3600 + std::stoll(iso.substr(14, 2)) * 60 +
               std::stoll(iso.substr(17, 2));
    };
    const auto a = seconds(at), n = seconds(ui.services.nowUtc());
    if (!a || !n) return std::nullopt;
    return std::max<std::int64_t>(0, *n - *a);
}

std::string ageOf(Ui& ui, const std::string& at) {
    const auto since = secondsSince(ui, at);
    if (!since) return at;
    const auto d = *since;
    if (d < 3600) return std::to_string(std::max<std::int64_t>(0, d / 60)) + " min ago";
    if (d < 86400) return std::to_string(d / 3600) + " h ago";
    return std::to_string(d / 86400) + " days ago";
}

std::string staffText(Ui& ui, const std::string& key, std::initializer_list<std::pair<const char*, std::string>> args) {
    return uiStrings().get(ui.services.staffLanguage, key, args);
}

std::string countText(const std::string& language, const std::string& what, int n) {
    // English and Spanish both say the singular for one only.
    return uiStrings().get(language, "staff.count." + what + (n == 1 ? ".one" : ".other"), {{"n", std::to_string(n)}});
}

std::string countText(Ui& ui, const std::string& what, int n) { return countText(ui.services.staffLanguage, what, n); }

std::string staffOptionText(const std::string& language, const Item* item, const Value& v) {
    if (v.type == ValueType::Coding && v.coding.system.size() >= 9 &&
        v.coding.system.compare(v.coding.system.size() - 9, 9, "body-side") == 0 &&
        (v.coding.code == "left" || v.coding.code == "right"))
        return uiStrings().get(language, "staff.side." + v.coding.code);
    const AnswerOption* o = item ? item->option(v) : nullptr;
    return o ? o->display.in(language) : v.toText();
}

std::string staffOptionText(Ui& ui, const Item* item, const Value& v) {
    return staffOptionText(ui.services.staffLanguage, item, v);
}

std::string fitText(ImFont* font, float size, const std::string& text, float width) {
    if (font->CalcTextSizeA(size, FLT_MAX, 0, text.c_str()).x <= width) return text;
    const std::string ellipsis = "\xE2\x80\xA6";
    std::string cut = text;
    while (!cut.empty() && font->CalcTextSizeA(size, FLT_MAX, 0, (cut + ellipsis).c_str()).x > width) {
        cut.pop_back();
        while (!cut.empty() && (static_cast<unsigned char>(cut.back()) & 0xC0) == 0x80) cut.pop_back(); // whole characters
        if (!cut.empty() && static_cast<unsigned char>(cut.back()) >= 0xC0) cut.pop_back();
    }
    while (!cut.empty() && cut.back() == ' ') cut.pop_back();
    cut += ellipsis;
    return cut;
}

namespace {

// A screening as the staff screens show it: read on whichever thread loads it, applied on the
// frame thread.
struct LoadedWork {
    std::optional<store::ScreeningDetail> detail;
    std::shared_ptr<const store::FormVersion> form;
    std::string formProblem;
    std::optional<Assessment> assessment;
    std::string assessmentProblem;
};

LoadedWork loadWork(const KioskServices& services, std::int64_t id) {
    LoadedWork l;
    l.detail = services.store->screening(id);
    if (!l.detail) return l;
    try {
        if (!services.formFor)
            throw std::runtime_error("this station cannot look up the form a screening was answered with; "
                                     "mrscreen never shows a screening with another form.");
        l.form = services.formFor(*l.detail);
        if (!l.form) throw std::runtime_error("the form of screening " + std::to_string(id) + " was not found.");
    } catch (const std::exception& e) {
        l.form.reset();
        l.formProblem = e.what(); // logged when applied, on the frame thread
        return l;
    }
    try {
        l.assessment = store::assessStored(*l.form, *l.detail, services.staffLanguage);
    } catch (const std::exception& e) {
        l.assessmentProblem = e.what();
    }
    return l;
}

void apply(Ui& ui, LoadedWork l) {
    StaffWork& w = ui.st.work;
    if (!l.formProblem.empty() && ui.services.log) ui.services.log("form-missing " + l.formProblem);
    w.detail = std::move(l.detail);
    w.form = std::move(l.form);
    w.formProblem = std::move(l.formProblem);
    w.assessment = std::move(l.assessment);
    w.assessmentProblem = std::move(l.assessmentProblem);
}

} // namespace

void reload(Ui& ui) {
    storeOf(ui); // the worker is done with the store
    apply(ui, loadWork(ui.services, ui.st.work.id));
}

bool reassess(Ui& ui) {
    StaffWork& w = ui.st.work;
    try {
        if (!ui.services.reassess) throw std::runtime_error("this station cannot re-evaluate the rules");
        storeOf(ui); // the worker is done with the store
        ui.services.reassess(w.id, actorOf(ui.st));
        if (ui.services.log) ui.services.log("reassessed screening=" + std::to_string(w.id));
        reload(ui);
        return true;
    } catch (const std::exception& e) {
        reload(ui);
        refuse(ui, std::string("Saved, but the rules could not be re-evaluated, so new flags may be missing: ") +
                       e.what());
        if (ui.services.log) ui.services.log(std::string("reassess-failed ") + e.what());
        return false;
    }
}

void refuse(Ui& ui, const std::string& message) { say(ui, message, false); }

void say(Ui& ui, const std::string& message, bool ok) {
    StaffWork& w = ui.st.work;
    w.message = message;
    w.messageOk = ok;
    w.messageAt = -1; // shown from the next frame on
}

void clearMessageAfterTap(Ui& ui) {
    StaffWork& w = ui.st.work;
    const ImGuiIO& io = ImGui::GetIO();
    const float slop = ui.unit * 0.6f;
    const bool tapped = io.MouseReleased[0] && io.MouseDragMaxDistanceSqr[0] < slop * slop;
    // Only a message that was on screen before this frame: what this tap caused stays.
    if (tapped && !w.message.empty() && w.messageAt >= 0 && w.messageAt < ui.now) say(ui, "", false);
}

namespace {

// A message belongs to the action that caused it: another screen or, for a confirmation, a few
// seconds clear it here, before anything is laid out; the next tap clears it at the end of the frame
// (clearMessageAfterTap), so the layout never moves under a finger.
void expireMessage(Ui& ui) {
    StaffWork& w = ui.st.work;
    if (w.message.empty()) return;
    if (w.messageAt < 0) {
        w.messageAt = ui.now;
        w.messageScreen = ui.st.screen;
        return;
    }
    if (w.messageScreen != ui.st.screen || (w.messageOk && ui.now - w.messageAt >= kConfirmationSeconds)) say(ui, "", false);
}

} // namespace

bool staffHeader(Ui& ui, const std::string& title) {
    KioskState& st = ui.st;
    expireMessage(ui);
    // One line at every width: the title and who is signed in are shortened, never wrapped.
    const ImVec2 origin = ImGui::GetCursorScreenPos();
    const float w = ImGui::GetContentRegionAvail().x;
    const float bw = std::min(ui.unit * 7, w / 5);
    const bool queueButton = ui.st.screen != Screen::StaffMenu;
    const float room = w - (bw + ui.gap) * (queueButton ? 2 : 1);
    // The buttons as tall as their labels need ("Sign out" on two lines on a portrait screen with Larger text).
    const float hh = std::max(buttonHeight(ui, "Sign out", bw), queueButton ? buttonHeight(ui, "Queue", bw) : 0.0f);
    const std::string who = st.staff->displayName;
    ImFont* bold = ui.title();
    const float titleSize = bold->FontSize, bodySize = ui.body()->FontSize;
    const float whoWidth = std::min(ui.body()->CalcTextSizeA(bodySize, FLT_MAX, 0, who.c_str()).x, room * 0.25f);
    const std::string shownTitle = fitText(bold, titleSize, title, room - whoWidth - ui.gap);
    const std::string shownWho = fitText(ui.body(), bodySize, who, whoWidth + 1);
    ImDrawList* dl = ImGui::GetWindowDrawList();
    const float titleWidth = bold->CalcTextSizeA(titleSize, FLT_MAX, 0, shownTitle.c_str()).x;
    dl->AddText(bold, titleSize, ImVec2(origin.x, std::round(origin.y + (hh - titleSize) / 2)), ui.colors->text,
                shownTitle.c_str());
    dl->AddText(ui.body(), bodySize,
                ImVec2(std::round(origin.x + titleWidth + ui.gap), std::round(origin.y + (hh - bodySize) / 2)),
                ui.colors->muted, shownWho.c_str());
    noteTarget(ui, "staff-header", origin, ImVec2(origin.x + room, origin.y + hh));
    ImGui::SetCursorScreenPos(ImVec2(origin.x + w - bw, origin.y));
    if (touchButton(ui, "staff-back-to-patient", "Sign out", ImVec2(bw, hh), Tone::Quiet)) {
        if (ui.services.log) ui.services.log("staff-signed-out user=" + st.staff->username);
        ++st.session; // a queue read still running for this staff member goes nowhere
        st.staff.reset();
        st.staffUsername.clear();
        st.work = StaffWork{};
        if (ui.options.station) ui.go(Screen::StaffSignIn); // a station has no patient screens
        else ui.go(st.beforeStaff == Screen::StaffSignIn || !st.draft ? Screen::Welcome : st.beforeStaff);
        return false;
    }
    if (queueButton) {
        ImGui::SetCursorScreenPos(ImVec2(origin.x + w - bw * 2 - ui.gap, origin.y));
        if (touchButton(ui, "staff-queue", "Queue", ImVec2(bw, hh), Tone::Quiet)) {
            st.work = StaffWork{};
            ui.go(Screen::StaffMenu);
            return false;
        }
    }
    ImGui::SetCursorScreenPos(ImVec2(origin.x, origin.y + hh + ui.gap * 0.5f));
    if (!st.work.message.empty())
        textWrapped(ui, (st.work.messageOk ? "\xE2\x9C\x93 " : "\xE2\x96\xA0 ") + st.work.message, ui.title(),
                    st.work.messageOk ? ui.colors->text : ui.colors->error);
    return true;
}

void section(Ui& ui, const std::string& title) {
    ImGui::Dummy(ImVec2(1, ui.gap * 0.5f));
    textWrapped(ui, title, ui.title(), ui.colors->text);
}

void field(Ui& ui, const std::string& label, const std::string& name, const std::string& value, bool numeric,
           float width, const std::string& placeholder) {
    if (width <= 0) width = std::min(ImGui::GetContentRegionAvail().x, ui.unit * 20);
    if (!label.empty()) textWrapped(ui, label, nullptr, ui.colors->muted);
    const std::string key = "work:" + name;
    const bool focused = ui.st.editing && ui.st.editing->key == key;
    const std::string shown = focused ? ui.st.editing->buffer + "|" : value.empty() ? placeholder : value;
    if (touchButton(ui, "field:" + key, shown, ImVec2(width, 0), Tone::Tile)) startEditing(ui, key, value, numeric);
    if (!focused) return;
    const ImVec2 min = ImGui::GetItemRectMin(), max = ImGui::GetItemRectMax();
    ImGui::GetWindowDrawList()->AddRect(min, max, ui.colors->focus, ui.unit * 0.35f, 0, 4.0f);
    // The keyboard took the lower part of the screen and the work area shrank above it: keep the
    // field being typed in sight, as the patient screens do.
    const float top = ImGui::GetWindowPos().y, bottom = top + ImGui::GetWindowHeight();
    if (min.y < top || max.y > bottom) ImGui::SetScrollHereY(0.5f);
}

namespace {

bool beginWork(Ui& ui, const char* id, const std::string& title, Response& response) {
    beginScreen(ui, id);
    StaffWork& w = ui.st.work;
    if (!w.detail) {
        if (staffHeader(ui, title)) textWrapped(ui, "This screening is no longer in the store.", nullptr, ui.colors->error);
        endScreen();
        return false;
    }
    if (!w.form) {
        // Without the form the patient answered, nothing of the screening is shown: another form's
        // wording beside these answers could mislead.
        if (staffHeader(ui, title + " " + std::to_string(w.id)))
            textWrapped(ui, w.formProblem, ui.title(), ui.colors->error);
        endScreen();
        return false;
    }
    std::string state = stateName(w.detail->summary.state);
    std::replace(state.begin(), state.end(), '_', ' ');
    // The patient first: on a narrow screen the end of the line is what gets shortened.
    const store::PatientIdentity& p = w.detail->summary.patient;
    const std::string name = p.familyName.empty() && p.givenName.empty() ? title + " " + std::to_string(w.id)
                                                                         : p.familyName + ", " + p.givenName;
    if (!staffHeader(ui, name + (p.birthDate.empty() ? "" : "  \xC2\xB7  " + p.birthDate) + "  \xC2\xB7  #" +
                             std::to_string(w.id) + " " + state)) {
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

void endWork(Ui& ui) {
    endDragScroll(ui);
    if (ui.st.editing) drawKeyboard(ui, ImVec2(0, ui.display.y - keyboardHeight(ui)), ui.display.x);
    endScreen();
}

float workAreaHeight(Ui& ui) {
    // Room under the area for its "More below" hint (endDragScroll), which would fall off the screen.
    const float hint = ImGui::GetTextLineHeight() + ui.gap * 1.2f;
    return ui.display.y - ImGui::GetCursorScreenPos().y - (ui.st.editing ? keyboardHeight(ui) : 0) - ui.gap - hint;
}

} // namespace

bool twoColumns(Ui& ui) { return ui.display.x - ui.gap * 4 >= ui.unit * 40; }

void workScreen(Ui& ui, const char* id, const std::string& title, const std::string& note, const WorkBody& body,
                const WorkBody& side) {
    Response response;
    if (!beginWork(ui, id, title, response)) return;
    if (!note.empty()) textWrapped(ui, note, nullptr, ui.colors->muted);
    const std::string area = "work-" + std::to_string(ui.st.work.id);
    const float height = workAreaHeight(ui);
    if (side && twoColumns(ui)) {
        const float width = ImGui::GetContentRegionAvail().x;
        const float left = std::round((width - ui.gap * 2) * 0.55f);
        beginDragScroll(ui, area, ImVec2(left, height));
        body(*ui.st.work.detail, response);
        endDragScroll(ui);
        ImGui::SameLine(0, ui.gap * 2);
        beginDragScroll(ui, area + "-side", ImVec2(0, height));
        if (ui.st.work.detail) side(*ui.st.work.detail, response);
        endWork(ui);
        return;
    }
    beginDragScroll(ui, area, ImVec2(0, height));
    body(*ui.st.work.detail, response);
    if (side && ui.st.work.detail) side(*ui.st.work.detail, response);
    endWork(ui);
}

bool signingStep(Ui& ui, const std::string& title, const std::string& summary, const std::string& padId,
                 std::vector<record::Stroke>& strokes, bool& drawing) {
    StaffWork& w = ui.st.work;
    bool signedNow = false;
    modalPanel(ui, "staff-signing", ui.colors->text, [&](float width) {
        textWrapped(ui, title, ui.title(), ui.colors->text, width);
        if (!summary.empty()) textWrapped(ui, summary, nullptr, ui.colors->text, width);
        if (!w.message.empty() && !w.messageOk)
            textWrapped(ui, "\xE2\x96\xA0 " + w.message, nullptr, ui.colors->error, width);
        signaturePad(ui, padId, ImVec2(width, ui.target * 2.2f), strokes, drawing, "Sign here: " + signerName(ui.st));
        const float bw = (width - ui.gap * 2) / 3;
        if (touchButton(ui, padId + "-clear", "Clear", ImVec2(bw, ui.target), Tone::Quiet)) strokes.clear();
        ImGui::SameLine(0, ui.gap);
        if (touchButton(ui, "signing-cancel", "Cancel", ImVec2(bw, ui.target), Tone::Quiet)) {
            w.signing.clear();
            strokes.clear();
        }
        ImGui::SameLine(0, ui.gap);
        if (touchButton(ui, "signing-confirm", "Sign", ImVec2(bw, ui.target))) {
            if (!record::looksLikeSignature(strokes)) refuse(ui, "Sign on the pad first: a tap or a short line is not a signature.");
            else signedNow = true;
        }
    });
    return signedNow;
}

std::string questionText(Ui& ui, const std::string& linkId) {
    const StaffWork& w = ui.st.work;
    const Item* item = w.form ? w.form->form.find(linkId) : nullptr;
    if (!item) return linkId;
    const std::string t = item->text.in(ui.services.staffLanguage);
    return t.empty() ? linkId : t;
}

bool informational(const store::ScreeningDetail& d, const store::StoredFlag& f) {
    return f.severity == Severity::Info || (f.gate == "contrast" && d.contrastPlanned == "no");
}

bool hasContradiction(const store::ScreeningDetail& d) {
    return std::any_of(d.flags.begin(), d.flags.end(),
                       [](const auto& f) { return f.ruleId.rfind("answers-contradict", 0) == 0; });
}

} // namespace staff

void openStaffWork(Ui& ui, std::int64_t id) {
    // Read in the background ("Opening the screening"): a network database may take a moment.
    const std::uint64_t session = ui.st.session;
    const KioskServices* services = &ui.services;
    ui.background->start("Opening screening " + std::to_string(id), true, [services, id, session]() {
        std::shared_ptr<staff::LoadedWork> loaded;
        std::string problem;
        try {
            loaded = std::make_shared<staff::LoadedWork>(staff::loadWork(*services, id));
        } catch (const std::exception& e) {
            problem = e.what();
        }
        return BackgroundWork::Finish([loaded, problem, id, session](Ui& frame) {
            if (frame.st.session != session || !frame.st.staff) return;
            StaffWork& work = frame.st.work;
            if (!loaded) {
                staff::refuse(frame, "Screening " + std::to_string(id) + " could not be opened: " + problem);
                return;
            }
            work = StaffWork{};
            work.id = id;
            staff::apply(frame, std::move(*loaded));
            if (!work.detail) return;
            // A radiologist signs the contrast part only, on the decision screen.
            const bool radiologist = frame.st.staff->role == Role::Radiologist;
            const auto state = work.detail->summary.state;
            frame.go(radiologist || (state != ScreeningState::Submitted) ? Screen::StaffDecision : Screen::StaffReview);
        });
    });
}

} // namespace mrscreen::ui
