// [SECTION] a date typed on the number pad: day, month and year boxes in the patient's locale order
// ("date.order" in ui-strings: MDY, DMY), each opening the pad when tapped, with + and − above and
// below as an aid. The parts being typed live in st.numberText ("<key>:day", "<key>:month",
// "<key>:year"); the answer is set as soon as they make a valid date, and an impossible date is refused
// next to the question (never silently changed into another one).
#include "screening/validation.h"
#include "ui/ui_context.h"

#include <algorithm>
#include <cctype>
#include <cfloat>
#include <cstdio>

namespace mrscreen::ui {

using namespace screening;

namespace {

struct Ymd {
    int year = 0, month = 0, day = 0; // 0: unknown (or not typed)
};

int daysIn(int year, int month) {
    static const int days[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    const bool leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
    return month == 2 && leap ? 29 : days[month - 1];
}

bool isBirthDate(const Item& item) { return item.hasCode(loinc::kSystem, loinc::kBirthDate); }

int thisYear(Ui& ui) { return std::atoi(ui.services.today().substr(0, 4).c_str()); }

int latestYear(Ui& ui, const Item& item) { return isBirthDate(item) ? thisYear(ui) : thisYear(ui) + 1; }

std::vector<std::string> monthNames(Ui& ui) {
    const std::string months = ui.t("date.months");
    std::vector<std::string> names;
    for (std::size_t s = 0, e; s <= months.size(); s = e + 1) {
        e = months.find('|', s);
        if (e == std::string::npos) e = months.size();
        names.push_back(months.substr(s, e - s));
    }
    names.resize(12);
    return names;
}

Ymd fromAnswer(const Draft& d, const std::string& key) {
    Ymd v;
    if (const auto& a = d.answers(key); !a.empty()) std::sscanf(a.front().text.c_str(), "%d-%d-%d", &v.year, &v.month, &v.day);
    return v;
}

int number(const std::string& digits) { return digits.empty() ? 0 : std::atoi(digits.c_str()); }

bool typing(const Ui& ui, const std::string& key) { return ui.st.numberText.count(key + ":year") > 0; }

const std::string& typedPart(Ui& ui, const std::string& key, const char* part) {
    return ui.st.numberText[key + ":" + part];
}

// Starts typing into this date: the parts come from the answer so far.
void seedTyping(Ui& ui, const std::string& key) {
    if (typing(ui, key)) return;
    const Ymd a = fromAnswer(*ui.st.draft, key);
    auto& nt = ui.st.numberText;
    nt[key + ":year"] = a.year ? std::to_string(a.year) : "";
    nt[key + ":month"] = a.month ? std::to_string(a.month) : "";
    nt[key + ":day"] = a.day ? std::to_string(a.day) : "";
}

// What is wrong with the typed parts; with `final`, an unfinished date counts too (at Next), otherwise
// only what is already impossible (so nothing nags while the patient is still typing).
std::string typedProblem(Ui& ui, const Item& item, const std::string& key, bool final) {
    if (!typing(ui, key)) return "";
    const std::string& y = typedPart(ui, key, "year");
    const std::string& m = typedPart(ui, key, "month");
    const std::string& dd = typedPart(ui, key, "day");
    if (y.empty() && m.empty() && dd.empty()) return "";
    const int year = number(y), month = number(m), day = number(dd);
    if (!m.empty() && (m.size() == 2 || month > 1) && (month < 1 || month > 12)) return ui.t("date.bad_month");
    if (!dd.empty() && (dd.size() == 2 || day > 3)) {
        const int most = month >= 1 && month <= 12 ? daysIn(y.size() == 4 ? year : 2000, month) : 31;
        if (day < 1 || day > most) {
            if (month < 1 || month > 12) return ui.t("date.bad_day_any");
            return ui.t("date.bad_day", {{"day", std::to_string(day)}, {"month", monthNames(ui)[std::size_t(month - 1)]}});
        }
    }
    const std::string max = std::to_string(latestYear(ui, item));
    if (y.size() == 4 && (year < 1900 || year > latestYear(ui, item))) return ui.t("date.bad_year", {{"max", max}});
    if (isBirthDate(item) && y.size() == 4 && month >= 1 && day >= 1) {
        char buf[40];
        std::snprintf(buf, sizeof buf, "%04d-%02d-%02d", year, month, day);
        if (std::string(buf) > ui.services.today()) return ui.t("date.in_future");
    }
    if (!final) return "";
    if (y.size() != 4) return ui.t("date.bad_year", {{"max", max}});
    if (isBirthDate(item) && (m.empty() || dd.empty())) return ui.t("date.whole_birth");
    if (m.empty() && !dd.empty()) return ui.t("date.day_needs_month");
    if (m.size() == 1 && month < 1) return ui.t("date.bad_month");
    if (dd.size() == 1 && day < 1) return ui.t("date.bad_day_any");
    return "";
}

// Sets (or clears) the answer from the typed parts.
void applyTyped(Ui& ui, const Item& item, const std::string& key) {
    Draft& d = *ui.st.draft;
    const std::string& y = typedPart(ui, key, "year");
    const std::string& m = typedPart(ui, key, "month");
    const std::string& dd = typedPart(ui, key, "day");
    if (typedProblem(ui, item, key, true).empty()) {
        char buf[40];
        if (m.empty()) std::snprintf(buf, sizeof buf, "%04d", number(y));
        else if (dd.empty()) std::snprintf(buf, sizeof buf, "%04d-%02d", number(y), number(m));
        else std::snprintf(buf, sizeof buf, "%04d-%02d-%02d", number(y), number(m), number(dd));
        d.setAnswer(key, Value::ofDate(buf));
    } else {
        d.clearAnswer(key);
    }
    answerChanged(ui, key);
    // An impossible date is said at once, where every error of the question is (and read aloud).
    if (const std::string wrong = typedProblem(ui, item, key, false); !wrong.empty()) ui.st.pageErrors[key] = wrong;
}

const char* partName(char letter) {
    return letter == 'D' ? "day" : letter == 'M' ? "month" : letter == 'Y' ? "year" : "";
}

} // namespace

std::vector<std::string> dateOrder(Ui& ui) {
    const std::string order = ui.t("date.order");
    std::vector<std::string> parts;
    for (const char c : order)
        if (*partName(c)) parts.emplace_back(partName(c));
    if (parts.size() != 3) parts = {"day", "month", "year"};
    return parts;
}

std::string datePartOf(const std::string& editKey) {
    const auto colon = editKey.rfind(':');
    if (colon == std::string::npos) return "";
    const std::string part = editKey.substr(colon + 1);
    return part == "day" || part == "month" || part == "year" ? part : "";
}

bool datePartComplete(const std::string& part, const std::string& typed) {
    if (part == "year") return typed.size() >= 4;
    if (typed.size() >= 2) return true;
    return typed.size() == 1 && (part == "day" ? typed[0] >= '4' : typed[0] >= '2');
}

void commitDatePart(Ui& ui, const std::string& editKey, const std::string& typed) {
    const std::string key = editKey.substr(0, editKey.rfind(':'));
    const Item* item = ui.form.find(key.substr(0, key.find('@')));
    if (!item) return;
    seedTyping(ui, key);
    ui.st.numberText[editKey] = typed;
    applyTyped(ui, *item, key);
}

bool dateWhole(Ui& ui, const std::string& key) {
    if (!typing(ui, key)) return false;
    const auto& answer = ui.st.draft->answers(key);
    return !answer.empty() && answer.front().text.size() == 10;
}

std::string dateProblem(Ui& ui, const Item& item, const std::string& key) {
    return typedProblem(ui, item, key, true);
}

void dateField(Ui& ui, const Item& item, const std::string& key) {
    Draft& d = *ui.st.draft;
    const bool set = d.answered(key) || typing(ui, key);
    const bool partialAllowed = !isBirthDate(item);
    const auto names = monthNames(ui);
    // Stepping starts from what is there, or from a first guess (50 years ago for a birth date).
    Ymd now = fromAnswer(d, key);
    if (typing(ui, key))
        now = {number(typedPart(ui, key, "year")), number(typedPart(ui, key, "month")), number(typedPart(ui, key, "day"))};
    const bool fresh = !d.answered(key) && !typing(ui, key);

    // "Tap a box ..." keeps its room once a date is set: the boxes and steppers never move under the finger.
    const std::string notSet = ui.t("date.not_set");
    if (!set) textWrapped(ui, notSet, nullptr, ui.colors->muted);
    else ImGui::Dummy(ImVec2(1, ImGui::CalcTextSize(notSet.c_str(), nullptr, false, ImGui::GetContentRegionAvail().x).y));

    const float avail = ImGui::GetContentRegionAvail().x;
    float monthW = 0;
    for (const auto& m : names) monthW = std::max(monthW, ImGui::CalcTextSize(m.c_str()).x);
    const float stepW = std::max(ui.target * 1.2f, ImGui::CalcTextSize("\xE2\x88\x92" "10").x + ui.gap * 3);
    auto widthOf = [&](const std::string& part) {
        return part == "year" ? stepW * 2 + ui.gap : part == "month" ? std::max(stepW * 1.3f, monthW + ui.gap * 2) : stepW * 1.3f;
    };
    const auto order = dateOrder(ui);
    float total = ui.gap * 4;
    for (const auto& part : order) total += widthOf(part);
    const float scale = total > avail ? avail / total : 1.0f;
    const ImVec2 origin = ImGui::GetCursorScreenPos();
    float x = origin.x, bottom = origin.y;
    for (const auto& part : order) {
        const float w = widthOf(part) * scale;
        const bool isYear = part == "year";
        const std::string base = "date:" + key + ":" + part;
        const std::string editKey = key + ":" + part;
        ImGui::SetCursorScreenPos(ImVec2(x, origin.y));
        ImGui::BeginGroup();
        ImGui::TextUnformatted(ui.t("date." + part).c_str());
        auto step = [&](int delta) {
            Ymd v = fresh ? Ymd{isBirthDate(item) ? thisYear(ui) - 50 : thisYear(ui), 1, 1} : now;
            if (!fresh && v.year < 1900) v.year = isBirthDate(item) ? thisYear(ui) - 50 : thisYear(ui);
            int& value = part == "year" ? v.year : part == "month" ? v.month : v.day;
            const int lo = isYear ? 1900 : 1;
            const int hi = isYear ? latestYear(ui, item) : part == "month" ? 12 : v.month >= 1 && v.month <= 12 ? daysIn(v.year, v.month) : 31;
            value += delta;
            if (value > hi) value = delta > 1 ? hi : lo;
            if (value < lo) value = delta < -1 ? lo : hi;
            if (v.month >= 1 && v.month <= 12 && v.day > daysIn(v.year, v.month)) v.day = daysIn(v.year, v.month);
            auto& nt = ui.st.numberText;
            nt[key + ":year"] = std::to_string(v.year);
            nt[key + ":month"] = v.month ? std::to_string(v.month) : "";
            nt[key + ":day"] = v.day && v.month ? std::to_string(v.day) : "";
            // An open pad stays open, its box to be typed afresh: closing it would move the page
            // (and the steppers) under the finger.
            if (ui.st.editing && ui.st.editing->key.rfind(key + ":", 0) == 0) ui.st.editing->buffer.clear();
            applyTyped(ui, item, key);
        };
        const float bw = isYear ? (w - ui.gap) / 2 : w;
        if (touchButton(ui, base + ":plus", "+", ImVec2(bw, ui.target), Tone::Tile)) step(1);
        if (isYear) {
            ImGui::SameLine(0, ui.gap);
            if (touchButton(ui, base + ":plus10", "+10", ImVec2(bw, ui.target), Tone::Tile)) step(10);
        }
        // The box: what is typed (a known month by its name once typed), tapped to open the number pad.
        const bool focused = ui.st.editing && ui.st.editing->key == editKey;
        std::string shown;
        if (typing(ui, key)) shown = typedPart(ui, key, part.c_str());
        else if (!fresh) {
            const int v = part == "year" ? now.year : part == "month" ? now.month : now.day;
            shown = v ? std::to_string(v) : "";
        }
        if (part == "month") {
            const int m = number(shown);
            if (m >= 1 && m <= 12) shown = names[std::size_t(m - 1)];
        }
        if (shown.empty() && d.answered(key)) shown = "\xE2\x80\x94"; // unknown
        // Being typed: what is typed so far, or (nothing typed yet, e.g. after a stepper) the value the
        // next digit replaces.
        if (focused) shown = ui.st.editing->buffer.empty() ? shown + "|" : ui.st.editing->buffer + "|";
        if (touchButton(ui, "field:" + editKey, shown, ImVec2(w, ui.target), Tone::Tile, false))
            startEditing(ui, editKey, "", true); // a tapped box is typed afresh
        if (focused) {
            ImGui::GetWindowDrawList()->AddRect(ImGui::GetItemRectMin(), ImGui::GetItemRectMax(), ui.colors->focus,
                                                ui.unit * 0.35f, 0, 4.0f);
            if (!ImGui::IsRectVisible(ImGui::GetItemRectMin(), ImGui::GetItemRectMax())) ImGui::SetScrollHereY(0.5f);
        }
        if (touchButton(ui, base + ":minus", "\xE2\x88\x92", ImVec2(bw, ui.target), Tone::Tile)) step(-1);
        if (isYear) {
            ImGui::SameLine(0, ui.gap);
            if (touchButton(ui, base + ":minus10", "\xE2\x88\x92" "10", ImVec2(bw, ui.target), Tone::Tile)) step(-10);
        }
        ImGui::EndGroup();
        bottom = std::max(bottom, ImGui::GetItemRectMax().y);
        x += w + ui.gap * 2 * scale;
    }
    ImGui::SetCursorScreenPos(ImVec2(origin.x, bottom + ui.gap));
    const bool monthKnown = now.month != 0, dayKnown = monthKnown && now.day != 0;
    auto setParts = [&](const std::string& month, const std::string& day) {
        seedTyping(ui, key);
        if (typedPart(ui, key, "year").size() != 4) ui.st.numberText[key + ":year"] = std::to_string(thisYear(ui));
        ui.st.numberText[key + ":month"] = month;
        ui.st.numberText[key + ":day"] = day;
        ui.st.editing.reset();
        applyTyped(ui, item, key);
    };
    if (partialAllowed) {
        const float w = std::min(avail, ui.unit * 16);
        const bool dayUnknown = set && monthKnown && !dayKnown;
        if (touchButton(ui, "date:" + key + ":day-unknown", ui.t("date.day_unknown"), ImVec2(w, 0), Tone::Tile, dayUnknown))
            setParts(std::to_string(monthKnown ? now.month : 1), dayUnknown ? "1" : "");
        const bool monthUnknown = set && !monthKnown;
        if (touchButton(ui, "date:" + key + ":month-unknown", ui.t("date.month_unknown"), ImVec2(w, 0), Tone::Tile,
                        monthUnknown))
            setParts(monthUnknown ? "1" : "", monthUnknown ? "1" : "");
    }
    if (set && !item.required) {
        if (touchButton(ui, "date:" + key + ":clear", ui.t("field.clear"), ImVec2(std::min(avail, ui.unit * 10), 0),
                        Tone::Quiet)) {
            for (const char* part : {"year", "month", "day"}) ui.st.numberText.erase(key + ":" + part);
            ui.st.editing.reset();
            d.clearAnswer(key);
            answerChanged(ui, key);
        }
    }
}

} // namespace mrscreen::ui
