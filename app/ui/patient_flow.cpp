// [SECTION] moving through the questionnaire: pages, Next/Back with per-page checks, Review and
// submission. Screens call these; none of them draws anything.
#include "screening/derived.h"
#include "screening/validation.h"
#include "ui/ui_context.h"

#include <cmath>
#include <sstream>

namespace mrscreen::ui {

using namespace screening;

namespace {

std::string unitLabel(const Item& item) {
    if (!item.unit) return "";
    const std::string& c = item.unit->code;
    if (c == "[lb_av]") return "lb";
    if (c == "[in_i]") return "in";
    if (!item.unit->display.empty()) return item.unit->display;
    return c;
}

std::string numberText(double v) {
    std::ostringstream s;
    s << v;
    return s.str();
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

void openPage(Ui& ui, const std::string& key) {
    ui.st.pageKey = key;
    ui.st.pageErrors.clear();
    ui.st.notice.clear();
    ui.st.editing.reset();
    const Page* p = currentPage(ui.st);
    if (!p) return;
    ui.go(p->kind == PageKind::BodyMap ? Screen::BodyMap : p->kind == PageKind::Signature ? Screen::Sign
                                                                                          : Screen::Question);
}

void startQuestionnaire(Ui& ui) {
    ui.st.draft->language = ui.st.language;
    ui.st.draft->refresh();
    ui.st.returnToReview = false;
    const auto& pages = ui.st.draft->pages();
    if (pages.empty()) return;
    openPage(ui, pages.front().key);
}

std::string answerText(Ui& ui, const Item& item, const std::string& key) {
    const auto& answers = ui.st.draft->answers(key);
    std::string out;
    for (const auto& v : answers) {
        if (!out.empty()) out += ", ";
        if (const AnswerOption* o = item.option(v)) out += o->display.in(ui.st.language);
        else if (v.type == ValueType::Boolean) out += ui.t(v.boolean ? "choice.yes" : "choice.no");
        else if (v.isNumber() && item.unit && item.unit->code == "[in_i]") {
            const double inches = v.number();
            const int feet = int(inches / 12);
            out += std::to_string(feet) + " ft " + numberText(std::round((inches - feet * 12) * 10) / 10) + " in";
        } else if (v.isNumber()) {
            out += numberText(v.number());
            if (const std::string u = unitLabel(item); !u.empty()) out += " " + u;
        } else
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

void answerChanged(Ui& ui, const std::string& key) {
    ui.st.draft->refresh();
    ui.st.pageErrors.erase(key);
    ui.st.notice.clear();
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
    ui.background->start(ui.t("submit.saving"), true, [submit, response, session]() -> BackgroundWork::Finish {
        SubmitOutcome outcome;
        try {
            outcome = submit(response);
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
        ui.services.log(outcome.saved ? "submitted id=" + std::to_string(outcome.id) +
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
