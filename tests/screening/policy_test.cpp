// The default site policy (forms/mri-safety.rules.json, form 2.1.0) over the shipped form: every
// rule firing for a minimal change to a no-risk screening and not firing for its near miss, the
// stop-level devices asked of every patient, "Not sure" never read as No (a stop-level question
// answered Not sure is held like a Yes, a review-level one raises its own flag, and Not sure opens
// the same follow-ups as Yes), contradictions between a gateway and the answers behind it, contrast
// flags that become information when no contrast is planned, a surgery history that cannot skip
// its details, thresholds and switches as site parameters, Spanish staff messages in Spanish MR
// terms, and the shipped examples raising the flags forms/README.md lists for them.
#include "policy_cases.h"


// ---------------------------------------------------------------------------------------------

TEST_CASE("the no-risk example is complete and raises no flags at all") {
    const Evaluation e = evaluate(Screening::noRisk());
    INFO("validation errors: " << e.errors());
    CHECK(e.result.valid());
    CHECK(e.result.flags.empty());
    CHECK(e.result.ignoredAnswers.empty());
    CHECK(e.result.derived.age == 42);
    CHECK_FALSE(e.result.derived.egfr);
    test::keepForSchemaCheck("policy-no-risk", e.written());
}

TEST_CASE("the rules are written for version 2.1.0 of the form") {
    CHECK(test::mriForm().version == "2.1.0");
    CHECK(test::mriRules().questionnaire == "http://mrscreen.org/fhir/Questionnaire/mri-safety|2.1.0");
}

TEST_CASE("every rule of the default policy has a firing and a near-miss case in this file") {
    Ids tested;
    for (const auto& c : allRuleCases()) {
        INFO("rule " << c.id);
        CHECK(tested.insert(c.id).second); // no rule twice
    }
    Ids policy;
    for (const auto& rule : test::mriRules().rules) policy.insert(rule.id);
    CHECK(policy.size() == 68);
    Ids untested, unknown;
    std::set_difference(policy.begin(), policy.end(), tested.begin(), tested.end(),
                        std::inserter(untested, untested.end()));
    std::set_difference(tested.begin(), tested.end(), policy.begin(), policy.end(),
                        std::inserter(unknown, unknown.end()));
    INFO("rules with no test: " << join(untested));
    INFO("tested rules not in the policy: " << join(unknown));
    CHECK(untested.empty());
    CHECK(unknown.empty());
}

TEST_CASE("every rule of the default policy fires for its minimal change and not for its near miss") {
    const auto cases = allRuleCases();
    const auto i = GENERATE_COPY(range(std::size_t(0), cases.size()));
    const RuleCase& c = cases[i];
    DYNAMIC_SECTION(c.id << " fires for " << c.fires.what) { checkScenario(c, c.fires, true); }
    DYNAMIC_SECTION(c.id << " does not fire for " << c.misses.what) { checkScenario(c, c.misses, false); }
}

// ---------------------------------------------------------------------------------------------
// Stop-level devices: asked of every patient, on two checklist pages.

namespace {

// The itemControl coding of a form item as the file writes it (system, code).
std::pair<std::string, std::string> rawItemControl(const std::string& linkId) {
    const json form = json::parse(test::slurp(test::sourcePath("forms/mri-safety.questionnaire.json")));
    std::function<const json*(const json&)> find = [&](const json& items) -> const json* {
        for (const auto& it : items) {
            if (it.value("linkId", "") == linkId) return &it;
            if (it.contains("item"))
                if (const json* found = find(it["item"])) return found;
        }
        return nullptr;
    };
    const json* item = find(form["item"]);
    if (!item || !item->contains("extension")) return {};
    for (const auto& ext : (*item)["extension"])
        if (ext.value("url", "") == "http://hl7.org/fhir/StructureDefinition/questionnaire-itemControl") {
            const json& c = ext["valueCodeableConcept"]["coding"][0];
            return {c.value("system", ""), c.value("code", "")};
        }
    return {};
}

} // namespace

TEST_CASE("the stop-level devices are asked of every patient on two checklist pages before has-implants") {
    const auto& form = test::mriForm();
    for (const std::string group : {"implant-devices-heart", "implant-devices-other"}) {
        INFO(group);
        const Item& g = formItem(group);
        CHECK(g.type == ItemType::Group);
        CHECK(g.itemControl == "checklist");
        CHECK(rawItemControl(group) ==
              std::make_pair(std::string("http://mrscreen.org/fhir/CodeSystem/item-control"), std::string("checklist")));
        CHECK(g.enableWhen.empty());
        CHECK_FALSE(g.text.base.empty());
        CHECK_FALSE(g.text.in("es").empty());
        CHECK(form.items[std::size_t(g.parent)].linkId == "implants");
        CHECK(form.indexOf(group) < form.indexOf("has-implants"));
        for (const auto& q : questionsIn(group)) {
            INFO(q);
            CHECK(formItem(q).required);
            CHECK(formItem(q).enableWhen.empty());
            const Item& details = formItem(q + "-details");
            CHECK(form.items[std::size_t(details.parent)].linkId == group);
        }
    }
    CHECK(questionsIn("implant-devices-heart") ==
          std::vector<std::string>{"implant-pacemaker", "implant-icd", "implant-pacing-leads",
                                   "implant-aneurysm-clip", "implant-carotid-clamp"});
    CHECK(questionsIn("implant-devices-other") ==
          std::vector<std::string>{"implant-neurostimulator", "implant-cochlear", "implant-drug-pump",
                                   "implant-bone-growth-stimulator", "implant-capsule-camera",
                                   "implant-breast-expander"});
}

TEST_CASE("the short questions of removable items, pregnancy, kidneys, contrast risks and comfort are checklist pages") {
    const std::map<std::string, std::vector<std::string>> pages = {
        {"removable-items", {"med-patch", "tattoo", "piercing", "piercing-removable", "hearing-aid", "dentures",
                             "hair-piece", "hair-clips-jewelry"}},
        {"pregnancy-questions", {"pregnancy-possible", "breastfeeding"}},
        {"kidney-conditions", {"kidney-disease", "dialysis", "kidney-transplant", "single-kidney",
                               "kidney-surgery-cancer", "acute-kidney-injury"}},
        {"health-conditions", {"diabetes", "hypertension-medication", "metformin", "liver-disease"}},
        {"contrast-risks", {"contrast-other-reaction", "asthma", "allergies"}},
        {"comfort-questions", {"claustrophobia", "sedation-request"}},
    };
    for (const auto& [group, questions] : pages) {
        INFO(group);
        CHECK(formItem(group).itemControl == "checklist");
        CHECK(formItem(group).enableWhen.empty());
        CHECK_FALSE(formItem(group).text.in("es").empty());
        CHECK(questionsIn(group) == questions);
    }
}

TEST_CASE("a patient who answers has-implants No still answers every stop-level device") {
    Screening s = Screening::noRisk();
    REQUIRE(s.codeOf("has-implants") == "no");
    const Evaluation e = evaluate(s);
    for (const auto& q : deviceQuestions()) {
        INFO(q);
        CHECK(e.enabled(q));
        s.remove(q);
    }
    CHECK_FALSE(e.enabled("implant-checklist"));
    const Evaluation missing = evaluate(s);
    for (const auto& q : deviceQuestions()) CHECK_THAT(missing.errors(), Contains(q + ": required"));
}

TEST_CASE("every stop-level device is a stop in category implant for Yes and for Not sure, whatever has-implants says") {
    const auto q = GENERATE_COPY(from_range(deviceQuestions()));
    for (const std::string code : {"yes", "unsure"}) {
        Screening s = Screening::noRisk();
        s.answer(q, code);
        const Evaluation e = evaluate(s);
        INFO(q << " answered " << code << "; flags: " << join(e.ids()));
        CHECK(e.result.valid());
        CHECK(e.ids() == Ids{q});
        CHECK(e.flag(q)->severity == Severity::Stop);
        CHECK(e.flag(q)->gate == Gate::ZoneIv);
        CHECK(e.enabled(q + "-details"));
        CHECK(e.enabled("body-map"));
    }
    Screening no = Screening::noRisk();
    CHECK_FALSE(evaluate(no).enabled(q + "-details"));
}

TEST_CASE("the implant rules cover every device and the checklist, and implant-not-identified knows every checklist item") {
    const auto checklist = checklistQuestions();
    const auto devices = deviceQuestions();
    Ids ruled, items(checklist.begin(), checklist.end());
    items.insert(devices.begin(), devices.end());
    for (const auto& c : implantCases()) ruled.insert(c.trigger);
    CHECK(ruled == items);
    CHECK(checklist.size() == 18);
    CHECK(devices.size() == 11);
    // A Yes or a Not sure on any one checklist item means the patient identified something.
    const auto item = GENERATE_COPY(from_range(checklist));
    for (const std::string code : {"yes", "unsure"}) {
        Screening s = Screening::noRisk();
        s.answer("has-implants", "yes").answer(item, code);
        INFO(item << " answered " << code);
        CHECK_FALSE(evaluate(s).flag("implant-not-identified"));
    }
}

TEST_CASE("a stop-level device does not count as the other implant has-implants Yes asks about") {
    Screening s = Screening::noRisk();
    s.answer("implant-pacemaker", "yes").answer("has-implants", "yes");
    CHECK(evaluate(s).ids() == Ids{"implant-pacemaker", "implant-not-identified"});
}

TEST_CASE("the implant question asks about anything apart from the devices above, naming what patients forget") {
    const LocalText& text = formItem("has-implants").text;
    CHECK(text.base.rfind("Apart from the devices above", 0) == 0);
    CHECK(text.in("es").rfind("Además de los aparatos de arriba", 0) == 0);
    for (const char* word : {"stent", "hip or knee", "IUD", "port", "pump", "clips", "metal"})
        CHECK_THAT(text.base, Contains(word));
    for (const char* word : {"stent", "cadera o rodilla", "DIU", "puerto", "bomba", "clips", "metal"})
        CHECK_THAT(text.in("es"), Contains(word));
}

// ---------------------------------------------------------------------------------------------
// Contradictions: an answer behind a gateway that skipped it is never silently dropped.

TEST_CASE("a stent imported under has-implants No raises answers-contradict-implant-stent naming both answers") {
    Screening s = Screening::noRisk();
    s.set("implant-stent", coded("implant-stent", "yes"));
    const Evaluation e = evaluate(s);
    INFO("flags: " << join(e.ids()));
    CHECK(e.ids() == Ids{"answers-contradict-implant-stent"});
    const Flag* f = e.flag("answers-contradict-implant-stent");
    REQUIRE(f);
    CHECK(f->severity == Severity::Review);
    CHECK(f->category == "implant");
    REQUIRE(triggerOf(*f, "has-implants"));
    CHECK(hasAnswer(*triggerOf(*f, "has-implants"), "no"));
    REQUIRE(triggerOf(*f, "implant-stent"));
    CHECK(hasAnswer(*triggerOf(*f, "implant-stent"), "yes"));
    CHECK_THAT(f->message, Contains("contradict") && Contains("Stent reported"));
    CHECK(std::find(e.result.ignoredAnswers.begin(), e.result.ignoredAnswers.end(), "implant-stent") !=
          e.result.ignoredAnswers.end());
}

TEST_CASE("a No imported under has-implants No is ignored without any flag") {
    Screening s = Screening::noRisk();
    s.set("implant-stent", coded("implant-stent", "no"));
    const Evaluation e = evaluate(s);
    CHECK(e.result.flags.empty());
}

// ---------------------------------------------------------------------------------------------
// Not sure is never treated as No, and never loses the item's own flag.

namespace {

// The questions whose Not sure only the unsure-answers review catches (no rule of their own).
const Ids kCatchAllQuestions = {"previous-mri", "surgery-any",        "tattoo",        "hearing-aid",
                                "dentures",     "hair-piece",         "hair-clips-jewelry", "breastfeeding",
                                "gadolinium-prior", "claustrophobia"};

} // namespace

TEST_CASE("every question answered Not sure raises its own flag, or the unsure-answers review when it has none") {
    const auto questions = unsureQuestions();
    CHECK(questions.size() >= 60);
    const auto linkId = GENERATE_COPY(from_range(questions));
    Screening s = Screening::noRisk();
    if (linkId == "pregnancy-possible" || linkId == "breastfeeding") woman34(s);
    s.answer(linkId, "unsure");
    const Evaluation e = evaluate(s);
    INFO(linkId << " answered Not sure; flags: " << join(e.ids()));
    INFO("validation errors: " << e.errors());
    CHECK(e.result.valid());
    CHECK(e.enabled(linkId));
    Ids own;
    for (const auto& f : e.result.flags) {
        const Trigger* t = f.id == "unsure-answers" ? nullptr : triggerOf(f, linkId);
        if (t && hasAnswer(*t, "unsure")) own.insert(f.id);
    }
    const Flag* catchAll = e.flag("unsure-answers");
    if (kCatchAllQuestions.count(linkId)) {
        CHECK(own.empty());
        REQUIRE(catchAll);
        CHECK(catchAll->severity == Severity::Review);
        REQUIRE(triggerOf(*catchAll, linkId));
        CHECK(triggerOf(*catchAll, linkId)->answers == std::vector<std::string>{"unsure"});
        CHECK(catchAll->triggers.size() == 1);
    } else {
        CHECK_FALSE(own.empty());
        CHECK_FALSE(catchAll);
    }
    // Not sure is never weaker than Yes: every flag a Yes raises through this question comes back
    // for Not sure at the same severity or a stronger one (Stop < Review < Info in the enum).
    // A Yes to a metal eye injury imaged since is a note; so is a Not sure.
    const auto& opts = formItem(linkId).options;
    if (std::none_of(opts.begin(), opts.end(), [](const AnswerOption& o) { return o.value.coding.code == "yes"; }))
        return;
    Screening yes = Screening::noRisk();
    if (linkId == "pregnancy-possible" || linkId == "breastfeeding") woman34(yes);
    yes.answer(linkId, "yes");
    for (const auto& f : evaluate(yes).result.flags) {
        if (!triggerOf(f, linkId)) continue;
        INFO("Yes raises " << f.id);
        const Flag* held = e.flag(f.id);
        if (kCatchAllQuestions.count(linkId)) {
            CHECK(catchAll->severity <= f.severity);
            continue;
        }
        // The same flag, or another of the question's own flags taking its place (a piercing
        // nobody is sure of is a review, not the removal note).
        const bool asStrong = (held && held->severity <= f.severity) ||
                              std::any_of(own.begin(), own.end(), [&](const std::string& id) {
                                  return e.flag(id)->severity <= f.severity;
                              });
        CHECK(asStrong);
    }
}

TEST_CASE("a review-level implant answered Not sure raises its own flag with its details shown") {
    const auto item = GENERATE_COPY(from_range(checklistQuestions()));
    const std::string has = GENERATE(as<std::string>{}, "yes", "unsure");
    Screening s = Screening::noRisk();
    s.answer("has-implants", has).answer(item, "unsure");
    s.text(item + "-device", "Something from a surgery years ago").text(item + "-location", "Chest");
    const Evaluation e = evaluate(s);
    INFO(item << " Not sure with has-implants " << has << "; flags: " << join(e.ids()));
    CHECK(e.result.valid());
    CHECK(e.enabled(item + "-details"));
    CHECK(e.enabled(item + "-device"));
    CHECK(e.result.ignoredAnswers.empty());
    CHECK(e.ids() == Ids{ruleOf(item)});
    const Flag* f = e.flag(ruleOf(item));
    REQUIRE(f);
    CHECK(f->severity == Severity::Review);
    CHECK(hasAnswer(*triggerOf(*f, item), "unsure"));
    CHECK_THAT(f->message, Contains("not ruled out"));
    CHECK_THAT(e.written().dump(), Contains(item + "-device") && Contains("Something from a surgery"));
    if (item == "implant-stent" && has == "unsure") test::keepForSchemaCheck("policy-implant-unsure", e.written());
}

TEST_CASE("has-implants Not sure shows the whole checklist and the body map, and nothing marked is a review") {
    Screening s = Screening::noRisk();
    s.answer("has-implants", "unsure");
    const Evaluation e = evaluate(s);
    CHECK(e.enabled("implant-checklist"));
    CHECK(e.enabled("body-map"));
    for (const auto& q : checklistQuestions()) CHECK(e.enabled(q));
    CHECK(e.ids() == Ids{"implant-not-identified"});
    CHECK(hasAnswer(*triggerOf(*e.flag("implant-not-identified"), "has-implants"), "unsure"));
}

TEST_CASE("a renal risk factor answered Not sure still asks for a recent eGFR") {
    const auto linkId = GENERATE_COPY(from_range(kRenalRiskQuestions));
    Screening s = Screening::noRisk();
    s.answer(linkId, "unsure");
    const Evaluation e = evaluate(s);
    INFO(linkId << " Not sure; flags: " << join(e.ids()));
    Ids expected = stopsForUnsure(linkId);
    expected.insert("renal-egfr-needed");
    CHECK(e.ids() == expected);
    const Flag* f = e.flag("renal-egfr-needed");
    REQUIRE(f);
    const Trigger* t = triggerOf(*f, linkId);
    REQUIRE(t);
    CHECK(t->answers == std::vector<std::string>{"unsure"});
    CHECK(triggerOf(*f, "egfr"));
}

TEST_CASE("a renal risk factor answered Yes asks for a recent eGFR and No does not") {
    const auto linkId = GENERATE_COPY(from_range(kRenalRiskQuestions));
    Screening yes = Screening::noRisk();
    yes.answer(linkId, "yes");
    const Evaluation e = evaluate(yes);
    INFO(linkId << " Yes; flags: " << join(e.ids()));
    REQUIRE(e.flag("renal-egfr-needed"));
    CHECK(e.flag("renal-egfr-needed")->message ==
          "Renal risk factor present (age 60 or over, or a kidney, diabetes, blood pressure, metformin or "
          "liver answer). A recent eGFR (within 42 days) is needed before gadolinium.");
    CHECK(triggerOf(*e.flag("renal-egfr-needed"), linkId));
    Screening no = Screening::noRisk();
    no.answer(linkId, "no");
    CHECK_FALSE(evaluate(no).flag("renal-egfr-needed"));
}

TEST_CASE("a metal eye injury answered Not sure, with the clearance Not sure, is a stop") {
    Screening s = Screening::noRisk();
    s.answer("eye-metal-injury", "unsure").answer("eye-metal-clearance", "unsure");
    const Evaluation e = evaluate(s);
    CHECK(e.ids() == Ids{"eye-metal-not-cleared"});
    const Flag* f = e.flag("eye-metal-not-cleared");
    REQUIRE(f);
    CHECK(f->severity == Severity::Stop);
    CHECK(hasAnswer(*triggerOf(*f, "eye-metal-injury"), "unsure"));
    CHECK(hasAnswer(*triggerOf(*f, "eye-metal-clearance"), "unsure"));
    CHECK(e.enabled("body-map"));
    test::keepForSchemaCheck("policy-eye-metal-unsure", e.written());
}

TEST_CASE("a metal eye injury with the clearance question left unanswered is not cleared") {
    Screening s = Screening::noRisk();
    s.answer("eye-metal-injury", "yes").remove("eye-metal-clearance");
    const Evaluation e = evaluate(s);
    CHECK(e.ids() == Ids{"eye-metal-not-cleared"});
    CHECK_FALSE(e.result.valid()); // and the kiosk would not let it be signed
}

TEST_CASE("the eye clearance offers imaging, an eye exam, never checked and Not sure in English and Spanish") {
    const Item& item = formItem("eye-metal-clearance");
    std::vector<std::string> codes;
    for (const auto& o : item.options) {
        codes.push_back(o.value.coding.code);
        CHECK(o.value.coding.system == "http://mrscreen.org/fhir/CodeSystem/eye-clearance");
        CHECK_FALSE(o.display.in("es").empty());
        CHECK(o.display.in("es") != o.display.base);
    }
    CHECK(codes == std::vector<std::string>{"imaging", "exam", "none", "unsure"});
    CHECK(item.required);
    CHECK_FALSE(test::mriForm().find("eye-metal-cleared"));
}

// ---------------------------------------------------------------------------------------------
// A stop-level question answered Not sure is held for the authorised signer, like a Yes; a
// review-level one raises its own review.

namespace {

// Where a rule tests a Yes / No / Not sure question for "yes" without also accepting "unsure"
// in the same `any` list.
void yesWithoutUnsure(const json& cond, const Ids& yesNoUnsure, const json* siblings,
                      std::vector<std::string>& out) {
    if (cond.contains("all") || cond.contains("any")) {
        const json& list = cond.contains("all") ? cond["all"] : cond["any"];
        for (const auto& child : list) yesWithoutUnsure(child, yesNoUnsure, cond.contains("any") ? &list : nullptr, out);
        return;
    }
    if (cond.contains("not")) return yesWithoutUnsure(cond["not"], yesNoUnsure, nullptr, out);
    if (!cond.contains("question") || cond.value("operator", "") != "=" || cond.value("answer", json()) != "yes")
        return;
    const std::string q = cond["question"];
    if (!yesNoUnsure.count(q)) return;
    const json unsure = {{"question", q}, {"operator", "="}, {"answer", "unsure"}};
    const bool paired = siblings && std::any_of(siblings->begin(), siblings->end(),
                                                [&](const json& c) { return c == unsure; });
    if (!paired) out.push_back(q);
}

} // namespace

TEST_CASE("no stop or review rule tests a Yes / No / Not sure question for Yes without also accepting Not sure") {
    const auto questions = unsureQuestions();
    const Ids yesNoUnsure(questions.begin(), questions.end());
    const json doc = json::parse(test::slurp(test::sourcePath("forms/mri-safety.rules.json")));
    int stops = 0, reviews = 0;
    for (const auto& rule : doc["rules"]) {
        if (rule["severity"] == "info") continue;
        ++(rule["severity"] == "stop" ? stops : reviews);
        std::vector<std::string> bad;
        yesWithoutUnsure(rule["when"], yesNoUnsure, nullptr, bad);
        INFO("rule " << rule["id"].get<std::string>() << " tests for Yes only: " << join(Ids(bad.begin(), bad.end())));
        CHECK(bad.empty());
    }
    CHECK(stops == 18);
    CHECK(reviews == 39);
}

TEST_CASE("every stop rule that a Yes raises is raised by Not sure too, naming the Not sure answer") {
    // Found from the answers, not from the rules file: each question answered Yes on the no-risk
    // screening, and every stop flag that raises must come back for Not sure.
    std::map<std::string, std::string> found; // rule -> the question raising it
    for (const auto& linkId : unsureQuestions()) {
        const auto& opts = formItem(linkId).options;
        if (std::none_of(opts.begin(), opts.end(), [](const AnswerOption& o) { return o.value.coding.code == "yes"; }))
            continue;
        Screening yes = Screening::noRisk();
        yes.answer(linkId, "yes");
        Screening unsure = Screening::noRisk();
        unsure.answer(linkId, "unsure");
        const Evaluation y = evaluate(yes), u = evaluate(unsure);
        for (const auto& f : y.result.flags) {
            if (f.severity != Severity::Stop || !triggerOf(f, linkId)) continue;
            found.emplace(f.id, linkId);
            INFO(linkId << " answered Not sure; flags: " << join(u.ids()));
            CHECK(u.result.valid());
            const Flag* held = u.flag(f.id);
            REQUIRE(held);
            CHECK(held->severity == Severity::Stop);
            REQUIRE(triggerOf(*held, linkId));
            CHECK(triggerOf(*held, linkId)->answers == std::vector<std::string>{"unsure"});
            CHECK_FALSE(u.flag("unsure-answers")); // the item's own flag, not the generic review
        }
    }
    std::map<std::string, std::string> expected = kStopOnYesOrUnsure;
    CHECK(found.size() == expected.size());
    for (const auto& [rule, question] : expected) {
        INFO("rule " << rule);
        CHECK(found.count(rule));
    }
}

TEST_CASE("a stop flag raised by Not sure says the item is reported or not ruled out, in English and Spanish") {
    const auto entry = GENERATE_COPY(from_range(kStopOnYesOrUnsure));
    for (const std::string code : {"yes", "unsure"}) {
        Screening s = Screening::noRisk();
        s.answer(entry.second, code);
        const Evaluation en = evaluate(s.doc(), std::nullopt, "en");
        const Evaluation es = evaluate(s.doc(), std::nullopt, "es");
        INFO(entry.first << " via " << entry.second << " answered " << code);
        REQUIRE(en.flag(entry.first));
        REQUIRE(es.flag(entry.first));
        CHECK_THAT(en.flag(entry.first)->message, Contains("reported or not ruled out"));
        CHECK_THAT(es.flag(entry.first)->message, Contains(" o no descartad"));
    }
}

TEST_CASE("a pacemaker answered Not sure is a stop flag that only the authorised signer can clear") {
    Screening s = Screening::noRisk();
    s.answer("implant-pacemaker", "unsure");
    const Evaluation e = evaluate(s);
    CHECK(e.result.valid());
    CHECK(e.ids() == Ids{"implant-pacemaker"});
    const Flag* f = e.flag("implant-pacemaker");
    REQUIRE(f);
    CHECK(f->severity == Severity::Stop);
    CHECK(f->message.rfind("Pacemaker reported or not ruled out.", 0) == 0);
    CHECK_THAT(f->message, Contains("Hold: the authorised signer must clear this before Zone IV."));
    const Evaluation es = evaluate(s.doc(), std::nullopt, "es");
    REQUIRE(es.flag("implant-pacemaker"));
    CHECK(es.flag("implant-pacemaker")->message.rfind("Marcapasos declarado o no descartado.", 0) == 0);
    CHECK_THAT(es.flag("implant-pacemaker")->message,
               Contains("En espera: el firmante autorizado debe aprobarlo antes de la Zona IV."));
    test::keepForSchemaCheck("policy-pacemaker-unsure", e.written());
}

TEST_CASE("a carotid artery clamp, reported or not ruled out, is held for the authorised signer") {
    for (const std::string code : {"yes", "unsure"}) {
        Screening s = Screening::noRisk();
        s.answer("implant-carotid-clamp", code);
        const Evaluation e = evaluate(s);
        INFO(code);
        REQUIRE(e.ids() == Ids{"implant-carotid-clamp"});
        CHECK(e.flag("implant-carotid-clamp")->severity == Severity::Stop);
        CHECK_THAT(e.flag("implant-carotid-clamp")->message, Contains("MR Unsafe") && Contains("Hold:"));
    }
}

TEST_CASE("metal work answered Not sure needs orbit screening like a Yes") {
    Screening s = Screening::noRisk();
    s.answer("metal-work", "unsure");
    const Evaluation e = evaluate(s);
    CHECK(e.ids() == Ids{"metal-work"});
    REQUIRE(e.flag("metal-work"));
    CHECK(e.flag("metal-work")->severity == Severity::Stop);
    CHECK_THAT(e.flag("metal-work")->message, Contains("Orbit screening"));
}

TEST_CASE("dialysis or an acute kidney injury answered Not sure is treated as an NSF risk") {
    for (const std::string q : {"dialysis", "acute-kidney-injury"}) {
        Screening s = Screening::noRisk();
        s.answer(q, "unsure");
        const Evaluation e = evaluate(s);
        INFO(q << " Not sure; flags: " << join(e.ids()));
        CHECK(e.ids() == Ids{"renal-dialysis-or-aki", "renal-egfr-needed"});
        REQUIRE(e.flag("renal-dialysis-or-aki"));
        CHECK(e.flag("renal-dialysis-or-aki")->severity == Severity::Stop);
        CHECK(hasAnswer(*triggerOf(*e.flag("renal-dialysis-or-aki"), q), "unsure"));
        CHECK_THAT(e.flag("renal-dialysis-or-aki")->message, Contains("Treat as at risk for NSF"));
    }
}

// ---------------------------------------------------------------------------------------------
// A surgery history cannot skip "where" and "was something left in your body".
