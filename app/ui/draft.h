// The answers a patient has given so far on the kiosk, and the pages the form turns into.
// Answers are kept flat by key: the linkId plus the repetition of each repeating group above it
// ("surgery-type@1"), which makes Back, Review and editing trivial; a FHIR QuestionnaireResponse
// is built from them whenever enablement or validation needs one. No ImGui here.
#pragma once

#include "screening/answers.h"
#include "screening/questionnaire.h"
#include "screening/response.h"

#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace mrscreen::ui {

using screening::Value;

// One question (or display text) in its place: form item and repetition suffix ("" or "@0@2").
struct Slot {
    int item = -1;
    std::string suffix;
    std::string key(const screening::Questionnaire& form) const {
        return form.items[std::size_t(item)].linkId + suffix;
    }
};

enum class PageKind { Questions, BodyMap, Signature };

// What one screen of the questionnaire shows.
struct Page {
    PageKind kind = PageKind::Questions;
    int section = -1;            // the top-level item the page belongs to
    std::vector<Slot> slots;     // questions and display texts, in form order
    int repeatGroup = -1;        // a repetition of a repeating group: its item...
    std::string repeatSuffix;    // ...and the suffix of its repetition ("@1")
    int repetition = -1;
    std::string key;             // stable identity across re-planning (first slot's key)
    bool checklist = false;      // several short questions as rows (itemControl "checklist")
};

class Draft {
public:
    explicit Draft(const screening::Questionnaire& form);

    const screening::Questionnaire& form() const { return *form_; }

    const std::vector<Value>& answers(const std::string& key) const;
    bool answered(const std::string& key) const { return !answers(key).empty(); }
    void setAnswer(const std::string& key, Value value); // replaces every answer
    void toggleAnswer(const std::string& key, const Value& value); // for repeating choices
    void clearAnswer(const std::string& key);
    bool hasAnswers() const { return !answers_.empty(); }

    // Repetitions of a repeating group at `groupKey` (linkId + suffix of the group itself).
    int repetitions(const std::string& groupKey) const;
    int addRepetition(const std::string& groupKey);          // returns the new repetition's index
    void removeRepetition(const std::string& groupKey, int k); // later ones move down

    // Language the patient chose; the response records it.
    std::string language = "en";
    // This patient's submission key (store::NewScreening::submissionKey), made with the draft and
    // again at clear(): a retried submission keeps it, so it is never stored twice.
    std::string submissionKey;
    nlohmann::json extension = nlohmann::json::array();

    // A response of everything answered so far (status in-progress unless told).
    screening::Response toResponse(const std::string& status = "in-progress", const std::string& authored = "") const;

    // Recomputes enablement and the pages after a change. Cheap enough to run on every answer.
    void refresh();
    const std::vector<Page>& pages() const { return pages_; }
    bool enabled(const Slot& slot) const;
    // Whether a group (by key) applies, e.g. the body-map section.
    bool groupEnabled(int item, const std::string& suffix) const;

    // The bound response that refresh() last built.
    const screening::ScreeningAnswers& bound() const { return *bound_; }
    const screening::Response& response() const { return *response_; }

    // Starts over: a new patient sees nothing of the last one.
    void clear();

private:
    const screening::Questionnaire* form_;
    std::map<std::string, std::vector<Value>> answers_;
    std::map<std::string, int> repetitions_;
    std::vector<Page> pages_;
    std::unique_ptr<screening::Response> response_;
    std::unique_ptr<screening::ScreeningAnswers> bound_;
    std::map<std::string, int> instanceOfKey_; // node key -> instance in bound_

    std::vector<screening::ResponseItem> build(const std::vector<int>& items, const std::string& suffix,
                                               const std::string& status) const;
    void plan(const std::vector<int>& items, const std::string& suffix, int section, std::vector<Page>& out,
              std::vector<Slot>& pendingDisplays) const;
    // Where a run of short questions starting at items[start] ends (one past it), or `start` when
    // there is no run of two questions or more.
    std::size_t runEnd(const std::vector<int>& items, std::size_t start) const;
    void indexInstances();
    int anchorFor(int item, const std::string& suffix) const;
};

// A repeating group's key, for repetitions(): its linkId plus the suffix it sits in.
std::string groupKey(const screening::Questionnaire& form, int item, const std::string& suffix);

} // namespace mrscreen::ui
