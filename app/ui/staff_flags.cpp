// [SECTION] the flags of a screening for staff, grouped by what they gate (Zone IV entry, contrast),
// each with the patient's answers behind it and the nurse's verdict; and the answers given to
// questions that did not apply. Question texts come from the form the screening was answered with.
#include "ui/staff_work.h"

#include <algorithm>
#include <functional>

namespace mrscreen::ui::staff {

using namespace screening;

namespace {

const Item* itemOf(Ui& ui, const std::string& linkId) {
    return ui.st.work.form ? ui.st.work.form->form.find(linkId) : nullptr;
}

std::string optionText(Ui& ui, const Item* item, const Value& v) { return staffOptionText(ui, item, v); }

// The patient's exact answers behind a flag: each trigger's question and answer.
std::vector<std::string> triggerLines(Ui& ui, const store::StoredFlag& f) {
    std::vector<std::string> out;
    const auto triggers = nlohmann::json::parse(f.triggersJson, nullptr, false);
    if (!triggers.is_array()) return out;
    for (const auto& t : triggers) {
        if (t.contains("linkId")) {
            const Item* item = itemOf(ui, t.value("linkId", ""));
            std::string answers;
            for (const auto& a : t.value("answers", nlohmann::json::array())) {
                std::string text = a.is_string() ? a.get<std::string>() : a.dump();
                if (item)
                    for (const auto& o : item->options)
                        if (o.value.type == ValueType::Coding && o.value.coding.code == text)
                            text = staffOptionText(ui, item, o.value);
                answers += (answers.empty() ? "" : ", ") + text;
            }
            out.push_back("Patient's answer: " + questionText(ui, t.value("linkId", "")) + "  →  " + answers);
        } else if (t.contains("derived")) {
            out.push_back("Computed: " + t.value("derived", "") + " " +
                          (t["value"].is_number() ? fixed(t["value"].get<double>(), 1) : "not known"));
        }
    }
    return out;
}

// Follow-up answers of the screening, for the flags' context.
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
                    for (const auto& a : it.answers)
                        out.push_back(questionText(ui, it.linkId) + "  →  " + optionText(ui, itemOf(ui, it.linkId), a.value));
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
            const Item* item = itemOf(ui, it.linkId);
            if (item && item->itemControl == "body-map") {
                std::string mark;
                for (const auto& child : it.items)
                    for (const auto& a : child.answers)
                        mark += (mark.empty() ? "" : ", ") + optionText(ui, itemOf(ui, child.linkId), a.value);
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
    std::string s = f.status == FlagVerdict::Resolved ? "Not applicable"
                    : f.correctedAnswer.empty()       ? "Confirmed"
                                                      : "Corrected with the patient: " + f.correctedAnswer;
    s += " (" + f.statusBy + ")";
    if (!f.note.empty()) s += "  ·  " + f.note;
    return s;
}

std::string severityLabel(Severity s) {
    return s == Severity::Stop ? "\xE2\x96\xA0 Stop" : s == Severity::Review ? "\xE2\x96\xB2 Review" : "Information";
}

// "foreign-body" -> "Foreign body"
std::string categoryText(std::string category) {
    std::replace(category.begin(), category.end(), '-', ' ');
    std::replace(category.begin(), category.end(), '_', ' ');
    if (!category.empty()) category[0] = char(std::toupper(static_cast<unsigned char>(category[0])));
    return category;
}

ImU32 severityColor(Ui& ui, Severity s) {
    return s == Severity::Stop ? ui.colors->error : s == Severity::Review ? ui.colors->focus : ui.colors->muted;
}

void verdictEditor(Ui& ui, const store::StoredFlag& f, float width) {
    StaffWork& w = ui.st.work;
    if (w.flagId != f.ruleId) {
        if (touchButton(ui, "verdict:" + f.ruleId, f.status == FlagVerdict::Open ? "Record a verdict" : "Change the verdict",
                        ImVec2(std::min(width, ui.unit * 12), 0), Tone::Quiet)) {
            w.flagId = f.ruleId;
            w.verdict = 0;
            w.note = f.note;
            w.corrected = f.correctedAnswer;
        }
        return;
    }
    const float bw = (width - ui.gap * 2) / 3;
    const char* labels[] = {"Confirmed", "Corrected with the patient", "Not applicable"};
    for (int v = 1; v <= 3; ++v) {
        if (v > 1) ImGui::SameLine(0, ui.gap);
        if (touchButton(ui, "verdict:" + f.ruleId + ":" + std::to_string(v), labels[v - 1], ImVec2(bw, 0), Tone::Tile,
                        w.verdict == v))
            w.verdict = v;
    }
    if (w.verdict == 2) field(ui, "The corrected answer", "corrected", w.corrected, false, width);
    field(ui, "Note", "note", w.note, false, width);
    if (!touchButton(ui, "verdict-save:" + f.ruleId, "Save verdict", ImVec2(std::min(width, ui.unit * 10), 0))) return;
    if (w.verdict == 0) return refuse(ui, "Choose Confirmed, Corrected with the patient, or Not applicable.");
    if (w.verdict == 2 && w.corrected.empty()) return refuse(ui, "Write the corrected answer.");
    const FlagVerdict verdict = w.verdict == 3 ? FlagVerdict::Resolved : FlagVerdict::Verified;
    const std::string corrected = w.verdict == 2 ? w.corrected : "";
    const std::string rule = f.ruleId, note = w.note;
    if (attempt(ui, "Verdict saved on " + rule + ".", [&] {
            storeOf(ui).setFlagVerdict(w.id, rule, verdict, note, actorOf(ui.st), corrected);
        })) {
        if (ui.services.log) ui.services.log("verdict flag=" + rule + " verdict=" + verdictName(verdict));
        w.flagId.clear();
        w.note.clear();
        w.corrected.clear();
    }
}

void flagCard(Ui& ui, const store::ScreeningDetail& d, const store::StoredFlag& f, const Response& response,
              bool editable) {
    const float width = ImGui::GetContentRegionAvail().x;
    const float inner = width - ui.gap * 2;
    const bool info = informational(d, f);
    const Severity shown = info ? Severity::Info : f.severity;
    ImDrawList* dl = ImGui::GetWindowDrawList();
    const ImVec2 top = ImGui::GetCursorScreenPos();
    dl->ChannelsSplit(2);
    dl->ChannelsSetCurrent(1);
    ImGui::Indent(ui.gap);
    ImGui::Dummy(ImVec2(1, ui.gap * 0.3f));
    // The heading says what the flag is about, in words, with its level named (not by colour
    // alone); the rule id is small, for whoever maintains the rules.
    // The review colour is too light for text: only a stop is written in its colour.
    textWrapped(ui, flagHeading(f, info), ui.title(), shown == Severity::Stop ? ui.colors->error : ui.colors->text, inner);
    textWrapped(ui, f.message, nullptr, ui.colors->text, inner);
    textWrapped(ui, flagAbout(f, info), nullptr, ui.colors->muted, inner);
    for (const auto& line : triggerLines(ui, f)) textWrapped(ui, line, nullptr, ui.colors->text, inner);
    for (const auto& line : followUps(ui, f, response)) textWrapped(ui, "Details: " + line, nullptr, ui.colors->muted, inner);
    if (f.category == "implant" || f.category == "foreign-body")
        for (const auto& m : bodyMarks(ui, response)) textWrapped(ui, "Body map: " + m, nullptr, ui.colors->muted, inner);
    if (!info) { // information needs no verdict
        textWrapped(ui, "Verdict: " + verdictLabel(f), nullptr, f.status == FlagVerdict::Open ? ui.colors->error : ui.colors->text,
                    inner);
        if (editable) verdictEditor(ui, f, inner);
    }
    ImGui::Dummy(ImVec2(1, ui.gap * 0.3f));
    ImGui::Unindent(ui.gap);
    dl->ChannelsSetCurrent(0);
    dl->AddRectFilled(top, ImVec2(top.x + width, ImGui::GetCursorScreenPos().y), ui.colors->tile, ui.unit * 0.3f);
    dl->AddRectFilled(top, ImVec2(top.x + ui.gap * 0.4f, ImGui::GetCursorScreenPos().y), severityColor(ui, shown));
    dl->ChannelsMerge();
    // Noted (not a button) by its severity bar, so tests see where each card is and a finger's
    // drag still finds the card's face free to scroll.
    noteTarget(ui, "flag:" + f.ruleId, top, ImVec2(top.x + ui.gap * 0.4f, ImGui::GetCursorScreenPos().y));
    ImGui::Dummy(ImVec2(1, ui.gap * 0.3f));
}

} // namespace

void flagsSection(Ui& ui, const store::ScreeningDetail& d, const Response& response, bool editable, bool contrastOnly) {
    section(ui, "Flags");
    if (d.flags.empty()) textWrapped(ui, "The site's rules raised no flags.", nullptr, ui.colors->muted);
    // By gate; within each, what needs action first (stop, review, info), then by category.
    for (const char* gate : {"zone-iv", "contrast"}) {
        if (contrastOnly && std::string(gate) != "contrast") continue;
        std::vector<store::StoredFlag> flags;
        for (const auto& f : d.flags)
            if ((f.gate == "contrast") == (std::string(gate) == "contrast")) flags.push_back(f);
        if (flags.empty()) continue;
        std::stable_sort(flags.begin(), flags.end(), [&](const auto& a, const auto& b) {
            const int sa = informational(d, a) ? int(Severity::Info) : int(a.severity);
            const int sb = informational(d, b) ? int(Severity::Info) : int(b.severity);
            return sa != sb ? sa < sb : a.category < b.category;
        });
        const bool contrast = std::string(gate) == "contrast";
        textWrapped(ui,
                    contrast ? "Contrast (the radiologist's decision)" +
                                   std::string(d.contrastPlanned == "no" ? ": contrast is not planned, shown as information"
                                               : d.contrastPlanned == "unknown" ? ": contrast planned not known, treated as planned"
                                                                                : "")
                             : "Zone IV entry (MR environment)",
                    nullptr, ui.colors->muted);
        for (const auto& f : flags) flagCard(ui, d, f, response, editable);
    }
}

std::string flagHeading(const store::StoredFlag& f, bool info) {
    return severityLabel(info ? Severity::Info : f.severity) + "  \xC2\xB7  " + categoryText(f.category);
}

std::string flagAbout(const store::StoredFlag& f, bool info) {
    std::string about = "Rule " + f.ruleId;
    if (info && f.severity != Severity::Info) about += "  \xC2\xB7  information: contrast is not planned";
    return about;
}

void flagsSummary(Ui& ui, const store::ScreeningDetail& d, bool contrastOnly) {
    // Stop flags first, each on a line of its own; on a narrow screen the decision must stay in view
    // under this summary, so past three lines the rest is a count (they are listed in full below).
    std::vector<const store::StoredFlag*> shownFlags;
    for (const Severity level : {Severity::Stop, Severity::Review})
        for (const auto& f : d.flags)
            if (f.severity == level && !informational(d, f) && !(contrastOnly && f.gate != "contrast"))
                shownFlags.push_back(&f);
    const ImVec2 top = ImGui::GetCursorScreenPos();
    constexpr std::size_t kLines = 3;
    if (!shownFlags.empty()) section(ui, "Flags at a glance");
    for (std::size_t i = 0; i < shownFlags.size() && i < kLines; ++i) {
        const store::StoredFlag& f = *shownFlags[i];
        std::string line = severityLabel(f.severity);
        line += ": ";
        line += f.message;
        line += "  \xC2\xB7  ";
        line += verdictLabel(f);
        textWrapped(ui, line, nullptr, severityColor(ui, f.severity));
    }
    if (shownFlags.size() > kLines) {
        std::string more = "\xE2\x80\xA6 and ";
        more += std::to_string(shownFlags.size() - kLines);
        more += " more, listed under the decision";
        textWrapped(ui, more, nullptr, ui.colors->muted);
    }
    if (shownFlags.empty()) textWrapped(ui, "No stop or review flags.", nullptr, ui.colors->muted);
    noteTarget(ui, "flags-summary", top, ImVec2(top.x + 1, ImGui::GetCursorScreenPos().y)); // a section, not a button
}

void ignoredAnswersSection(Ui& ui, const store::ScreeningDetail& d) {
    const auto ignored = nlohmann::json::parse(d.ignoredAnswersJson, nullptr, false);
    if (!ignored.is_array() || ignored.empty()) return;
    // With a contradiction flag the section is framed in the error colour: the patient said both.
    const bool contradiction = hasContradiction(d);
    const float width = ImGui::GetContentRegionAvail().x;
    const ImVec2 top = ImGui::GetCursorScreenPos();
    ImGui::Indent(ui.gap);
    section(ui, "Answers to questions that did not apply");
    const ImU32 color = contradiction ? ui.colors->error : ui.colors->text;
    textWrapped(ui,
                contradiction ? "These answers contradict the patient's other answers (see the answers-contradict flag): "
                                "ask the patient which is true."
                              : "The patient's other answers skipped these questions; the answers were kept but not used.",
                nullptr, contradiction ? ui.colors->error : ui.colors->muted, width - ui.gap * 2);
    for (const auto& entry : ignored) {
        const std::string linkId = entry.value("linkId", "");
        std::string question = questionText(ui, linkId);
        if (question == linkId && entry.contains("question") && entry["question"].is_string())
            question = entry["question"].get<std::string>();
        std::string answers;
        for (const auto& a : entry.value("answers", nlohmann::json::array()))
            answers += (answers.empty() ? "" : ", ") + (a.is_string() ? a.get<std::string>() : a.dump());
        textWrapped(ui, question + "  →  " + answers, contradiction ? ui.title() : nullptr, color, width - ui.gap * 2);
    }
    ImGui::Dummy(ImVec2(1, ui.gap * 0.3f));
    ImGui::Unindent(ui.gap);
    const ImVec2 bottom(top.x + width, ImGui::GetCursorScreenPos().y);
    if (contradiction) ImGui::GetWindowDrawList()->AddRect(top, bottom, ui.colors->error, ui.unit * 0.3f, 0, 3.0f);
    // Not a button: noted so tests (and the state log) see the section and whether it is highlighted.
    noteTarget(ui, contradiction ? "ignored-answers:contradiction" : "ignored-answers", top, bottom);
}

} // namespace mrscreen::ui::staff
