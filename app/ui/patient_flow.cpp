// [SECTION] moving through the questionnaire: pages, Next/Back with per-page checks, Review and
// submission. Screens call these; none of them draws anything.
#include "screening/derived.h"
#include "screening/validation.h"
#include "ui/ui_context.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <functional>
#include <sstream>

namespace mrscreen::ui {

using namespace screening;

namespace {

std::string unitLabel(Ui& ui, const Item& item) {
    if (!item.unit) return "";
    const std::string& c = item.unit->code;
    if (c == "[lb_av]") return ui.t("unit.lb");
    if (c == "[in_i]") return ui.t("unit.in");
    if (!item.unit->display.empty()) return item.unit->display;
    return c;
}

std::string numberText(Ui& ui, double v) {
    std::ostringstream s;
    s << v;
    std::string out = s.str();
    if (ui.t("number.decimal_separator") == ",") std::replace(out.begin(), out.end(), '.', ',');
    return out;
}

} // namespace

const Page* currentPage(const KioskState& st) {
    for (const auto& p : st.draft->pages())
        if (p.key == st.pageKey) return &p;
    return nullptr;
}

int currentPageIndex(const KioskState& st) {
    const auto& pages = st.draft->pages();
    for (std::size_t i = 0; i < pages.size(); ++i)
        if (pages[i].key == st.pageKey) return int(i);
    return -1;
}

namespace {

// The page's only question (display text aside), or nullptr when it has none or several.
const Slot* onlyQuestion(Ui& ui, const Page& page) {
    const Slot* only = nullptr;
    for (const Slot& slot : page.slots) {
        if (!isQuestion(ui.form.items[std::size_t(slot.item)].type) || !ui.st.draft->enabled(slot)) continue;
        if (only) return nullptr;
        only = &slot;
    }
    return only;
}

// A page whose only question is a required box still empty (a name, a birth date) opens the keyboard
// or number pad on it by itself: typing is the one thing to do there, so it costs no tap to start.
// The keyboard hides the navigation bar; its Done (Next once something is typed) brings it back.
void openTheOnlyBox(Ui& ui, const Page& page) {
    // Not while reading aloud: the keyboard would cover "Read again" and Back before the page is heard.
    if (ui.st.readAloud.on) return;
    const Slot* only = page.kind == PageKind::Questions ? onlyQuestion(ui, page) : nullptr;
    if (!only) return;
    const Item& item = ui.form.items[std::size_t(only->item)];
    const std::string key = only->key(ui.form);
    if (!item.required || ui.st.draft->answered(key) || ui.st.numberText.count(key + ":year")) return;
    switch (item.type) {
    case ItemType::String:
    case ItemType::Text: startEditing(ui, key, "", false); break;
    case ItemType::Decimal:
    case ItemType::Integer:
        startEditing(ui, item.unit && item.unit->code == "[in_i]" ? key + ":feet" : key, "", true);
        break;
    case ItemType::Date: startEditing(ui, key + ":" + dateOrder(ui).front(), "", true); break;
    default: break;
    }
}

// A choice of unit ("kilograms" or "pounds"): every option is a UCUM unit.
bool unitChoice(const Item& item) {
    return item.type == ItemType::Choice && !item.repeats && !item.options.empty() &&
           std::all_of(item.options.begin(), item.options.end(), [](const AnswerOption& o) {
               return o.value.type == ValueType::Coding && o.value.coding.system == "http://unitsofmeasure.org";
           });
}

// The units a patient gets before choosing, by language ("unit.default_system" in ui-strings): "metric"
// chooses the metric unit (UCUM's customary units are the bracketed ones, "[lb_av]", "[in_i]"),
// "imperial" the other, "ask" nothing. The tile stays lit and the patient can choose the other unit.
void chooseDefaultUnits(Ui& ui, const Page& page) {
    const std::string system = ui.t("unit.default_system");
    if (system != "metric" && system != "imperial") return;
    std::vector<std::pair<std::string, Value>> defaults;
    for (const Slot& slot : page.slots) {
        const Item& item = ui.form.items[std::size_t(slot.item)];
        const std::string key = slot.key(ui.form);
        if (!unitChoice(item) || !ui.st.draft->enabled(slot) || ui.st.draft->answered(key)) continue;
        for (const auto& o : item.options)
            if ((o.value.coding.code.front() == '[') == (system == "imperial")) {
                defaults.emplace_back(key, o.value);
                break;
            }
    }
    for (auto& [key, value] : defaults) ui.st.draft->setAnswer(key, value);
    if (!defaults.empty()) ui.st.draft->refresh();
}

} // namespace

void openPage(Ui& ui, const std::string& key) {
    ui.st.pageKey = key;
    ui.st.pageErrors.clear();
    ui.st.notice.clear();
    ui.st.editing.reset();
    ui.st.advancePage.clear();
    if (const Page* p = currentPage(ui.st)) chooseDefaultUnits(ui, *p);
    const Page* p = currentPage(ui.st); // choosing a unit may have planned the pages anew
    if (!p) return;
    ui.go(p->kind == PageKind::BodyMap ? Screen::BodyMap : p->kind == PageKind::Signature ? Screen::Sign
                                                                                          : Screen::Question);
    openTheOnlyBox(ui, *p);
}

bool nothingElseToAnswer(Ui& ui, const std::string& key) {
    const Page* page = currentPage(ui.st);
    if (ui.st.screen != Screen::Question || !page || page->kind != PageKind::Questions) return false;
    for (const Slot& slot : page->slots) {
        const std::string other = slot.key(ui.form);
        if (other != key && isQuestion(ui.form.items[std::size_t(slot.item)].type) && ui.st.draft->enabled(slot) &&
            !ui.st.draft->answered(other))
            return false;
    }
    return true;
}

void startQuestionnaire(Ui& ui) {
    ui.st.draft->language = ui.st.language;
    ui.st.draft->refresh();
    ui.st.returnToReview = false;
    const auto& pages = ui.st.draft->pages();
    if (pages.empty()) return;
    openPage(ui, pages.front().key);
}

std::string numberWithUnit(Ui& ui, const Item& item, double v) {
    std::string out;
    if (item.unit && item.unit->code == "[in_i]") {
        // Feet and inches, in the patient's words ("5 ft 4 in", "5 pies 4 pulgadas").
        const int feet = int(v / 12);
        out += std::to_string(feet);
        out += " " + ui.t("unit.ft") + " ";
        out += numberText(ui, std::round((v - feet * 12) * 10) / 10);
        out += " " + ui.t("unit.in");
        return out;
    }
    out = numberText(ui, v);
    if (const std::string u = unitLabel(ui, item); !u.empty()) out += " " + u;
    return out;
}

std::string dateAsEntered(Ui& ui, const std::string& iso) {
    int year = 0, month = 0, day = 0;
    if (std::sscanf(iso.c_str(), "%d-%d-%d", &year, &month, &day) < 1 || year <= 0) return iso;
    const std::string months = ui.t("date.months");
    std::vector<std::string> names;
    for (std::size_t b = 0, e; b <= months.size(); b = e + 1) {
        e = months.find('|', b);
        if (e == std::string::npos) e = months.size();
        names.push_back(months.substr(b, e - b));
    }
    if (month < 1 || month > int(names.size())) return std::to_string(year);
    const std::string name = names[std::size_t(month - 1)];
    if (day < 1) return ui.t("date.month_year", {{"month", name}, {"year", std::to_string(year)}});
    return ui.t("date.long", {{"day", std::to_string(day)}, {"month", name}, {"year", std::to_string(year)}});
}

std::string answerText(Ui& ui, const Item& item, const std::string& key) {
    const auto& answers = ui.st.draft->answers(key);
    std::string out;
    for (const auto& v : answers) {
        if (!out.empty()) out += ", ";
        if (const AnswerOption* o = item.option(v)) out += o->display.in(ui.st.language);
        else if (v.type == ValueType::Boolean) out += ui.t(v.boolean ? "choice.yes" : "choice.no");
        else if (v.isNumber())
            out += numberWithUnit(ui, item, v.number());
        else if (v.type == ValueType::Date)
            out += dateAsEntered(ui, v.text);
        else
            out += v.toText();
    }
    return out;
}

std::map<std::string, std::string> pageProblems(Ui& ui, const Page& page) {
    Draft& d = *ui.st.draft;
    d.refresh();
    const auto errors = validate(d.bound(), ui.st.language, ui.services.today());
    std::map<std::string, std::string> out;
    for (const Slot& slot : page.slots) {
        const Item& item = ui.form.items[std::size_t(slot.item)];
        if (!isQuestion(item.type) || !d.enabled(slot)) continue;
        const std::string key = slot.key(ui.form);
        if (item.type == ItemType::Date) {
            if (const std::string wrong = dateProblem(ui, item, key); !wrong.empty()) {
                out[key] = wrong; // an impossible or unfinished date, said as such, not "needs an answer"
                continue;
            }
        }
        const auto typed = ui.st.numberText.find(key);
        if (!d.answered(key) && typed != ui.st.numberText.end() && !typed->second.empty()) {
            out[key] = validationMessage("wrong-type", ui.st.language,
                                         {{"expected", "a number"}, {"expected_es", "un número"}});
            continue;
        }
        if (!d.answered(key)) {
            if (item.required) out[key] = validationMessage("required", ui.st.language);
            continue;
        }
        for (const auto& e : errors)
            if (e.linkId == item.linkId && e.code != "required" && e.code != "required-group") {
                out[key] = e.message;
                // A number out of range says the range in the unit the patient is typing in.
                if ((e.code == "too-low" || e.code == "too-high") && item.minValue && item.maxValue &&
                    item.minValue->isNumber() && item.maxValue->isNumber())
                    out[key] = ui.t("number.out_of_range", {{"min", numberWithUnit(ui, item, item.minValue->number())},
                                                            {"max", numberWithUnit(ui, item, item.maxValue->number())}});
                break;
            }
    }
    return out;
}

const Page* firstIncompletePage(Ui& ui) {
    for (const Page& p : ui.st.draft->pages())
        if (p.kind != PageKind::Signature && !pageProblems(ui, p).empty()) return &p;
    return nullptr;
}

void goToReview(Ui& ui) {
    if (const Page* bad = firstIncompletePage(ui)) {
        const std::string key = bad->key;
        ui.st.returnToReview = true;
        openPage(ui, key);
        ui.st.pageErrors = pageProblems(ui, *currentPage(ui.st));
        ui.st.notice = ui.t("review.missing");
        return;
    }
    ui.st.editing.reset();
    ui.st.notice.clear();
    ui.go(Screen::Review);
}

bool goNext(Ui& ui) {
    const Page* page = currentPage(ui.st);
    if (!page) {
        goToReview(ui);
        return true;
    }
    auto problems = pageProblems(ui, *page);
    if (!problems.empty()) {
        for (const Slot& slot : page->slots)
            if (problems.count(slot.key(ui.form))) {
                ui.st.scrollToKey = slot.key(ui.form);
                break;
            }
        ui.st.pageErrors = std::move(problems);
        if (ui.services.log) ui.services.log("page-errors page=" + ui.st.pageKey + " count=" +
                                             std::to_string(ui.st.pageErrors.size()));
        return false;
    }
    ui.st.pageErrors.clear();
    if (ui.st.returnToReview) {
        goToReview(ui);
        return true;
    }
    // Re-planned pages may have gained follow-ups after this one: take the next in order.
    const int i = currentPageIndex(ui.st);
    const auto& pages = ui.st.draft->pages();
    for (std::size_t n = std::size_t(i) + 1; n < pages.size(); ++n)
        if (pages[n].kind != PageKind::Signature) {
            openPage(ui, pages[n].key);
            return true;
        }
    goToReview(ui);
    return true;
}

void goBack(Ui& ui) {
    ui.st.editing.reset();
    if (ui.st.screen == Screen::Review) {
        const auto& pages = ui.st.draft->pages();
        for (auto it = pages.rbegin(); it != pages.rend(); ++it)
            if (it->kind != PageKind::Signature) return openPage(ui, it->key);
        return ui.go(Screen::Welcome);
    }
    if (ui.st.screen == Screen::Sign) return ui.go(Screen::Review);
    if (ui.st.returnToReview) return goToReview(ui);
    const int i = currentPageIndex(ui.st);
    const auto& pages = ui.st.draft->pages();
    for (int n = i - 1; n >= 0; --n)
        if (pages[std::size_t(n)].kind != PageKind::Signature) return openPage(ui, pages[std::size_t(n)].key);
    ui.go(Screen::Welcome);
}

namespace {

bool singleChoice(const Item& item) {
    return (item.type == ItemType::Choice && !item.repeats) || item.type == ItemType::Boolean;
}

// The page's only question, when it is a single choice (Yes / No / Not sure, or a list of choices).
const Slot* onlySingleChoice(Ui& ui, const Page& page) {
    const Slot* only = onlyQuestion(ui, page);
    return only && singleChoice(ui.form.items[std::size_t(only->item)]) ? only : nullptr;
}

// A checklist page of single-choice rows only, every one of them answered: the row just answered was
// the last, so the page moves on as a single choice does (each row still had its own answer).
bool checklistAnswered(Ui& ui, const Page& page, const std::string& key) {
    if (!page.checklist) return false;
    bool changedHere = false;
    for (const Slot& slot : page.slots) {
        const Item& item = ui.form.items[std::size_t(slot.item)];
        if (!isQuestion(item.type) || !ui.st.draft->enabled(slot)) continue;
        if (!singleChoice(item) || !ui.st.draft->answered(slot.key(ui.form))) return false;
        changedHere = changedHere || slot.key(ui.form) == key;
    }
    return changedHere;
}

} // namespace

bool stopLevel(Ui& ui, int item) {
    if (!ui.rules) return false;
    std::function<bool(const Condition&)> asks = [&](const Condition& c) {
        if (c.kind == Condition::Kind::Answer && c.question == item) return true;
        for (const auto& child : c.children)
            if (asks(child)) return true;
        return false;
    };
    for (const auto& rule : ui.rules->rules)
        if (rule.severity == Severity::Stop && asks(rule.when)) return true;
    return false;
}

void scheduleAdvance(Ui& ui) {
    KioskState& st = ui.st;
    st.advancePage = st.pageKey;
    st.advanceFrom = ui.now;
    st.advanceAt = ui.now + kAutoAdvanceSeconds;
    st.advanceKeepsPad = false;
}

void answerChanged(Ui& ui, const std::string& key) {
    KioskState& st = ui.st;
    st.draft->refresh();
    st.pageErrors.erase(key);
    st.notice.clear();
    st.advancePage.clear();
    const Page* page = currentPage(st);
    if (st.screen != Screen::Question || !page || page->kind != PageKind::Questions) return;
    const Slot* only = onlySingleChoice(ui, *page);
    const bool lastRow = checklistAnswered(ui, *page, key);
    if ((!only || only->key(ui.form) != key) && !lastRow) return;
    if (!st.draft->answered(key) || !pageProblems(ui, *page).empty()) return;
    scheduleAdvance(ui);
}

float autoAdvance(Ui& ui) {
    KioskState& st = ui.st;
    if (st.advancePage.empty()) return -1;
    if (st.advancePage != st.pageKey || st.screen != Screen::Question || (st.editing && !st.advanceKeepsPad) || st.confirmStartOver ||
        st.idleWarning) {
        st.advancePage.clear();
        return -1;
    }
    if (ui.now < st.advanceAt)
        return float(std::clamp((ui.now - st.advanceFrom) / (st.advanceAt - st.advanceFrom), 0.0, 1.0));
    st.advancePage.clear();
    if (ui.services.log) ui.services.log("auto-advance page=" + st.pageKey);
    goNext(ui);
    return -1;
}

namespace {

std::string firstText(const Draft& d, const std::string& system, const std::string& code) {
    for (int i : d.form().itemsWithCode(system, code)) {
        const auto& a = d.answers(d.form().items[std::size_t(i)].linkId);
        if (!a.empty() && d.enabled(Slot{i, ""})) return a.front().toText();
    }
    return "";
}

} // namespace

void submitScreening(Ui& ui) {
    KioskState& st = ui.st;
    Draft& d = *st.draft;
    const Page* page = currentPage(st);
    if (page && page->kind == PageKind::Signature) {
        st.pageErrors = pageProblems(ui, *page);
        if (!st.pageErrors.empty()) {
            st.notice = ui.t("sign.incomplete");
            // The first control still needing an answer comes into view by itself.
            for (const Slot& slot : page->slots)
                if (st.pageErrors.count(slot.key(ui.form))) {
                    st.scrollToKey = slot.key(ui.form);
                    break;
                }
            if (ui.services.log) ui.services.log("submit-refused reason=unanswered");
            return;
        }
    }
    if (!record::looksLikeSignature(st.signature)) {
        st.notice = ui.t("sign.refused");
        if (ui.services.log) ui.services.log("submit-refused reason=signature");
        return;
    }
    if (const Page* bad = firstIncompletePage(ui)) {
        st.returnToReview = true;
        const std::string key = bad->key;
        openPage(ui, key);
        st.pageErrors = pageProblems(ui, *currentPage(st));
        st.notice = ui.t("review.missing");
        if (ui.services.log) ui.services.log("submit-refused reason=incomplete page=" + key);
        return;
    }
    // Who signs: a representative names themself on the form; otherwise the patient.
    std::string signer = firstText(d, "http://mrscreen.org/fhir/CodeSystem/item", "signer-name");
    if (signer.empty()) {
        signer = firstText(d, loinc::kSystem, "45392-8");
        const std::string family = firstText(d, loinc::kSystem, "45394-4");
        signer += (signer.empty() || family.empty() ? "" : " ") + family;
    }
    record::HandwrittenSignature sig;
    sig.name = signer;
    sig.when = ui.services.nowUtc();
    sig.strokes = st.signature;
    d.extension = nlohmann::json::array({record::signatureExtension(sig)});
    d.refresh();
    const Response response = d.toResponse("completed", sig.when);
    // Saving and signing the record run off the frame thread; the patient sees "Saving your answers"
    // meanwhile. Nothing can reset the screen before the outcome is applied.
    const auto submit = ui.services.submit;
    const std::uint64_t session = st.session;
    const std::string key = d.submissionKey;
    ui.background->start(ui.t("submit.saving"), true, [submit, response, key, session]() -> BackgroundWork::Finish {
        SubmitOutcome outcome;
        try {
            outcome = submit(response, key);
        } catch (const std::exception& e) {
            outcome.saved = false;
            outcome.problem = e.what();
        }
        return [outcome, session](Ui& frame) {
            if (frame.st.session == session) submissionDone(frame, outcome);
        };
    });
}

void submissionDone(Ui& ui, const SubmitOutcome& outcome) {
    KioskState& st = ui.st;
    st.submitted = outcome;
    if (ui.services.log)
        ui.services.log(outcome.spooled ? "submitted spooled (the store did not answer)"
                        : outcome.saved ? "submitted id=" + std::to_string(outcome.id) +
                                              (outcome.recordPath.empty() ? "" : " record=" + outcome.recordPath)
                                        : "submit-failed problem=" + outcome.problem);
    // A failed save keeps every answer and the signature, so staff can retry without retyping.
    if (!outcome.saved) {
        st.notice = ui.t("submitted.failed");
        return;
    }
    st.draft->clear();
    st.signature.clear();
    st.numberText.clear();
    st.dateParts.clear();
    st.pageKey.clear();
    ui.go(Screen::Submitted);
}

} // namespace mrscreen::ui
