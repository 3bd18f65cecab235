// The default site policy, continued: surgery histories, pregnancy, contrast, thresholds and
// switches as site parameters, Spanish staff messages and the shipped examples (cases in
// policy_cases.h).
#include "policy_cases.h"

#include <functional>

TEST_CASE("surgery-entry is a required repeating group and body-mark a repeating group that is not required") {
    CHECK(formItem("surgery-entry").required);
    CHECK(formItem("surgery-entry").repeats);
    CHECK(formItem("surgery-implant").required);
    CHECK(formItem("surgery-region").required);
    CHECK(formItem("surgery-region").repeats);
    CHECK_FALSE(formItem("body-mark").required);
    CHECK(formItem("body-mark").repeats);
}

TEST_CASE("the surgery region offers twelve places including Not sure, in English and Spanish") {
    std::vector<std::string> codes;
    for (const auto& o : formItem("surgery-region").options) {
        codes.push_back(o.value.coding.code);
        CHECK(o.display.in("es") != o.display.base);
    }
    CHECK(codes == std::vector<std::string>{"head", "eye", "ear", "neck", "chest", "spine", "abdomen", "pelvis",
                                            "arm", "leg", "other", "unsure"});
}

TEST_CASE("surgery of the head, eye, ear, neck, chest or spine, or in an unknown place, asks what was left in") {
    for (const std::string region : {"head", "eye", "ear", "neck", "chest", "spine", "unsure"}) {
        Screening s = Screening::noRisk();
        s.choose("surgery-region", {region});
        const Evaluation e = evaluate(s);
        INFO(region << "; flags: " << join(e.ids()));
        CHECK(e.result.valid());
        REQUIRE(e.ids() == Ids{"surgery-region-review"});
        CHECK(hasAnswer(*triggerOf(*e.flag("surgery-region-review"), "surgery-region"), region));
        CHECK_THAT(e.flag("surgery-region-review")->message, Contains("confirm what was done") &&
                                                                 Contains("anything was left in"));
    }
    for (const std::string region : {"abdomen", "pelvis", "arm", "leg", "other"}) {
        Screening s = Screening::noRisk();
        s.choose("surgery-region", {region});
        INFO(region);
        CHECK(evaluate(s).result.flags.empty());
    }
}

TEST_CASE("a neck surgery listed second raises the region review like a first one") {
    Screening s = Screening::noRisk();
    s.choose("surgery-region", {"leg"});
    json doc = s.doc();
    for (auto& section : doc["item"])
        if (section["linkId"] == "surgery")
            section["item"].push_back({{"linkId", "surgery-entry"},
                                       {"item", json::array({{{"linkId", "surgery-type"}, {"answer", {{{"valueString", "Thyroid removed"}}}}},
                                                             {{"linkId", "surgery-region"}, {"answer", {coded("surgery-region", "neck")}}},
                                                             {{"linkId", "surgery-implant"}, {"answer", {coded("surgery-implant", "no")}}}})}});
    const Evaluation e = evaluate(doc);
    INFO("validation errors: " << e.errors());
    CHECK(e.result.valid());
    CHECK(e.ids() == Ids{"surgery-region-review"});
}

TEST_CASE("with surgery-any Yes a response that lists no surgery is not valid and names surgery-entry") {
    Screening s = Screening::noRisk();
    s.set("surgery-any", coded("surgery-any", "yes"));
    const Evaluation e = evaluate(s);
    INFO("validation errors: " << e.errors());
    CHECK(e.enabled("surgery-entry"));
    CHECK_FALSE(e.result.valid());
    REQUIRE(e.result.errors.size() == 1);
    CHECK(e.result.errors[0].linkId == "surgery-entry");
    CHECK(e.result.errors[0].code == "required-group");
}

TEST_CASE("with surgery-any Yes a surgery listed with no answers is not valid either") {
    Screening s = Screening::noRisk();
    s.set("surgery-any", coded("surgery-any", "yes"));
    json doc = s.doc();
    for (auto& section : doc["item"])
        if (section["linkId"] == "surgery") section["item"].push_back({{"linkId", "surgery-entry"}});
    const Evaluation e = evaluate(doc);
    INFO("validation errors: " << e.errors());
    CHECK_FALSE(e.result.valid());
    CHECK_THAT(e.errors(), Contains("surgery-entry: required-group"));
}

TEST_CASE("with surgery-any Yes one listed surgery must say where it was and whether something was left in the body") {
    Screening s = Screening::noRisk();
    s.set("surgery-any", coded("surgery-any", "yes")).set("surgery-type", {{"valueString", "Gallbladder removed"}});
    const Evaluation missing = evaluate(s);
    INFO("validation errors: " << missing.errors());
    CHECK_FALSE(missing.result.valid());
    CHECK_THAT(missing.errors(), Contains("surgery-implant: required") && Contains("surgery-region: required") &&
                                     !Contains("surgery-entry"));

    s.set("surgery-implant", coded("surgery-implant", "unsure")).set("surgery-region", coded("surgery-region", "abdomen"));
    const Evaluation complete = evaluate(s);
    CHECK(complete.result.valid());
    CHECK(complete.ids() == Ids{"surgery-implant"});
    test::keepForSchemaCheck("policy-surgery-implant-unsure", complete.written());
}

TEST_CASE("with surgery-any No or Not sure no surgery needs to be listed") {
    for (const std::string code : {"no", "unsure"}) {
        Screening s = Screening::noRisk();
        s.answer("surgery-any", code);
        const Evaluation e = evaluate(s);
        INFO("surgery-any " << code << "; errors: " << e.errors());
        CHECK(e.result.valid());
        CHECK_FALSE(e.enabled("surgery-entry"));
    }
}

TEST_CASE("the body map may be left empty because a patient may not know where the metal is") {
    Screening s = Screening::noRisk();
    s.answer("has-implants", "yes").answer("implant-hardware", "yes");
    const Evaluation e = evaluate(s);
    INFO("validation errors: " << e.errors());
    CHECK(e.enabled("body-map"));
    CHECK(e.result.valid());
    CHECK(e.ids() == Ids{"implant-hardware"});
}

// ---------------------------------------------------------------------------------------------
// Bullets: a structured place.

TEST_CASE("a bullet near the eye, face, neck, spine or a large vessel is a stop, Yes or Not sure") {
    for (const std::string place : {"eye", "face", "neck", "spine", "vessel"})
        for (const std::string injury : {"yes", "unsure"}) {
            Screening s = Screening::noRisk();
            s.answer("bullet-injury", injury).choose("bullet-location", {place});
            const Evaluation e = evaluate(s);
            INFO(place << ", injury " << injury << "; flags: " << join(e.ids()));
            CHECK(e.result.valid());
            REQUIRE(e.ids() == Ids{"bullet-near-critical"});
            CHECK(e.flag("bullet-near-critical")->severity == Severity::Stop);
            CHECK(hasAnswer(*triggerOf(*e.flag("bullet-near-critical"), "bullet-location"), place));
        }
}

TEST_CASE("a bullet elsewhere is a review, and one whose place is unknown a foreign-body review") {
    for (const std::string place : {"chest", "abdomen", "arm", "leg", "other"}) {
        Screening s = Screening::noRisk();
        s.choose("bullet-location", {place});
        INFO(place);
        CHECK(evaluate(s).ids() == Ids{"bullet-shrapnel"});
    }
    Screening unknown = Screening::noRisk();
    unknown.choose("bullet-location", {"arm", "unsure"});
    CHECK(evaluate(unknown).ids() == Ids{"bullet-location-unknown"});
    Screening critical = Screening::noRisk();
    critical.choose("bullet-location", {"unsure", "neck"});
    CHECK(evaluate(critical).ids() == Ids{"bullet-near-critical"});
}

TEST_CASE("an imported bullet injury with no place given is a foreign-body review, and the response is incomplete") {
    Screening s = Screening::noRisk();
    s.answer("bullet-injury", "yes").remove("bullet-location");
    const Evaluation e = evaluate(s);
    CHECK(e.ids() == Ids{"bullet-location-unknown"});
    CHECK_THAT(e.errors(), Contains("bullet-location: required"));
}

TEST_CASE("the bullet place is a repeating choice with optional details, shown for Yes and Not sure only") {
    const Item& item = formItem("bullet-location");
    CHECK(item.type == ItemType::Choice);
    CHECK(item.repeats);
    CHECK(item.required);
    CHECK_FALSE(formItem("bullet-location-details").required);
    for (const std::string code : {"yes", "unsure"}) {
        Screening s = Screening::noRisk();
        s.answer("bullet-injury", code).text("bullet-location-details", "Left thigh, 2011");
        const Evaluation e = evaluate(s);
        CHECK(e.enabled("bullet-location"));
        CHECK(e.enabled("bullet-location-details"));
        CHECK_THAT(e.written().dump(), Contains("Left thigh, 2011"));
    }
    CHECK_FALSE(evaluate(Screening::noRisk()).enabled("bullet-location"));
}

// ---------------------------------------------------------------------------------------------
// Not sure opens the same follow-ups as Yes.

TEST_CASE("a Not sure answer opens the same follow-up questions as Yes, and No keeps them closed") {
    struct FollowUp {
        std::string gate, item;
        bool required;
    };
    const std::vector<FollowUp> followUps = {
        {"previous-mri", "previous-mri-problem", true},
        {"previous-mri-problem", "previous-mri-problem-details", false},
        {"eye-metal-injury", "eye-metal-clearance", true},
        {"bullet-injury", "bullet-location", true},
        {"bullet-injury", "bullet-location-details", false},
        {"piercing", "piercing-removable", true},
        {"gadolinium-prior", "gadolinium-reaction", true},
        {"gadolinium-reaction", "gadolinium-reaction-severity", true},
        {"gadolinium-reaction", "gadolinium-reaction-details", false},
        {"allergies", "allergies-list", false},
    };
    const auto f = GENERATE_COPY(from_range(followUps));
    INFO(f.gate << " -> " << f.item);
    CHECK(formItem(f.item).required == f.required);
    for (const std::string code : {"yes", "unsure"}) {
        Screening s = Screening::noRisk();
        s.answer(f.gate, code);
        const ItemType type = formItem(f.item).type;
        if (type == ItemType::Text || type == ItemType::String) s.text(f.item, "Something I half remember");
        INFO(f.gate << " answered " << code);
        REQUIRE(s.codeOf(f.gate) == code);
        const Evaluation e = evaluate(s);
        INFO("validation errors: " << e.errors());
        CHECK(e.enabled(f.item));
        CHECK(e.result.valid());
        CHECK(e.result.ignoredAnswers.empty());
        if (f.required) {
            s.remove(f.item);
            const Evaluation missing = evaluate(s);
            CHECK_THAT(missing.errors(), Contains(f.item + ": required"));
        } else {
            CHECK_THAT(e.written().dump(), Contains("Something I half remember"));
        }
    }
    Screening no = Screening::noRisk();
    no.answer(f.gate, "no");
    CHECK_FALSE(evaluate(no).enabled(f.item));
}

TEST_CASE("the reaction severity offers Not sure in English and Spanish") {
    const Item& item = formItem("gadolinium-reaction-severity");
    const auto unsure = std::find_if(item.options.begin(), item.options.end(),
                                     [](const AnswerOption& o) { return o.value.coding.code == "unsure"; });
    REQUIRE(unsure != item.options.end());
    CHECK(unsure->value.coding.system == "http://mrscreen.org/fhir/CodeSystem/reaction-severity");
    CHECK(unsure->display.base == "Not sure");
    CHECK(unsure->display.in("es") == "No estoy seguro/a");
}

TEST_CASE("a gadolinium reaction of unknown severity is a stop, like a severe one, and a mild one is not") {
    Screening s = Screening::noRisk();
    s.answer("gadolinium-reaction-severity", "unsure");
    const Evaluation e = evaluate(s);
    INFO("validation errors: " << e.errors());
    CHECK(e.result.valid());
    CHECK(e.ids() == Ids{"gadolinium-reaction", "gadolinium-reaction-severe"});
    const Flag* f = e.flag("gadolinium-reaction-severe");
    REQUIRE(f);
    CHECK(f->severity == Severity::Stop);
    CHECK(f->gate == Gate::Contrast);
    REQUIRE(triggerOf(*f, "gadolinium-reaction-severity"));
    CHECK(triggerOf(*f, "gadolinium-reaction-severity")->answers == std::vector<std::string>{"unsure"});
    CHECK_THAT(f->message, Contains("SEVERE or of unknown severity") && Contains("Hold the contrast"));
    const Evaluation es = evaluate(s.doc(), std::nullopt, "es");
    CHECK_THAT(es.flag("gadolinium-reaction-severe")->message, Contains("gravedad desconocida") && Contains("en espera:"));
    test::keepForSchemaCheck("policy-reaction-severity-unsure", e.written());

    Screening mild = Screening::noRisk();
    mild.answer("gadolinium-reaction-severity", "mild");
    CHECK(evaluate(mild).ids() == Ids{"gadolinium-reaction"});
}

TEST_CASE("a patient not sure whether there was a reaction, nor how bad, is held for the authorised signer") {
    Screening s = Screening::noRisk();
    s.answer("gadolinium-prior", "unsure").answer("gadolinium-reaction", "unsure")
        .answer("gadolinium-reaction-severity", "unsure");
    REQUIRE(s.codeOf("gadolinium-prior") == "unsure");
    const Evaluation e = evaluate(s);
    INFO("validation errors: " << e.errors());
    CHECK(e.result.valid());
    CHECK(e.enabled("gadolinium-reaction-severity"));
    CHECK(e.ids() == Ids{"gadolinium-reaction", "gadolinium-reaction-severe", "unsure-answers"});
    CHECK(e.flag("unsure-answers")->triggers.size() == 1); // gadolinium-prior: no rule of its own
    CHECK(triggerOf(*e.flag("unsure-answers"), "gadolinium-prior"));
}

// ---------------------------------------------------------------------------------------------
// Contrast is a decision of its own.

TEST_CASE("every renal and gadolinium rule gates contrast, and every zone-iv rule is about the MR environment") {
    const Ids contrastOutsideRenal = {"pregnancy-gadolinium", "breastfeeding"};
    for (const auto& rule : test::mriRules().rules) {
        INFO(rule.id);
        const bool contrastCategory = rule.category == "renal" || rule.category == "gadolinium";
        CHECK((rule.gate == Gate::Contrast) == (contrastCategory || contrastOutsideRenal.count(rule.id) > 0));
    }
}

TEST_CASE("with no contrast planned every contrast flag is information and the zone-iv flags keep their severity") {
    const json doc = json::parse(test::slurp(test::sourcePath("forms/examples/renal-dialysis.json")));
    const Evaluation unknown = evaluate(doc);
    const Evaluation no = evaluate(doc, std::nullopt, "en", test::mriRules(), ContrastPlan::No);
    const Evaluation yes = evaluate(doc, std::nullopt, "en", test::mriRules(), ContrastPlan::Yes);
    CHECK(no.ids() == unknown.ids());
    REQUIRE(no.flag("renal-dialysis-or-aki"));
    CHECK(unknown.flag("renal-dialysis-or-aki")->severity == Severity::Stop);
    CHECK(yes.flag("renal-dialysis-or-aki")->severity == Severity::Stop);
    for (const auto& f : no.result.flags) {
        INFO(f.id);
        if (f.gate == Gate::Contrast)
            CHECK(f.severity == Severity::Info);
        else
            CHECK(f.severity == unknown.flag(f.id)->severity);
    }
}

TEST_CASE("asthma, allergies and a reaction to another contrast dye are flagged for the radiologist, Yes or Not sure") {
    for (const std::string q : {"asthma", "allergies", "contrast-other-reaction"})
        for (const std::string code : {"yes", "unsure"}) {
            Screening s = Screening::noRisk();
            s.answer(q, code);
            const Evaluation e = evaluate(s);
            const std::string id = q == "contrast-other-reaction" ? q : "contrast-" + q;
            INFO(q << " " << code << "; flags: " << join(e.ids()));
            REQUIRE(e.ids() == Ids{id});
            CHECK(e.flag(id)->gate == Gate::Contrast);
            CHECK(e.flag(id)->severity == Severity::Review);
            CHECK_THAT(e.flag(id)->message, Contains("premedication or another agent"));
            const Evaluation planned = evaluate(s.doc(), std::nullopt, "en", test::mriRules(), ContrastPlan::No);
            CHECK(planned.flag(id)->severity == Severity::Info);
        }
}

TEST_CASE("the question about another contrast dye names iodine dye for CT in English and Spanish") {
    const Item& item = formItem("contrast-other-reaction");
    CHECK(item.required);
    CHECK_THAT(item.text.base, Contains("iodine") && Contains("CT"));
    CHECK_THAT(item.text.in("es"), Contains("yodado") && Contains("TC"));
}

TEST_CASE("a creatinine that gives no eGFR is a renal review, and a computable one is not") {
    const Evaluation implausible = evaluate(Screening::noRisk(), implausibleLab());
    CHECK_FALSE(implausible.result.derived.egfr);
    CHECK(implausible.ids() == Ids{"renal-egfr-not-computable"});
    Screening noBirthDate = Screening::noRisk();
    noBirthDate.remove("birth-date");
    const Evaluation noAge = evaluate(noBirthDate, normalLab("2026-11-13"));
    CHECK(noAge.flag("renal-egfr-not-computable"));
    CHECK(evaluate(Screening::noRisk(), normalLab("2026-11-13")).result.flags.empty());
    CHECK(evaluate(Screening::noRisk()).result.flags.empty()); // no creatinine: nothing to read
}

// ---------------------------------------------------------------------------------------------
// Pregnancy: asked of everyone, with "does not apply to me".

TEST_CASE("the pregnancy questions are shown to every patient and offer Does not apply to me") {
    CHECK(formItem("pregnancy").enableWhen.empty());
    for (const std::string q : {"pregnancy-possible", "breastfeeding"}) {
        const auto& opts = formItem(q).options;
        REQUIRE(opts.size() == 4);
        CHECK(opts.back().value.coding.code == "not-applicable");
        CHECK(opts.back().display.base == "Does not apply to me");
        CHECK(opts.back().display.in("es") == "No se aplica a mi caso");
    }
    for (const std::string sex : {"male", "female", "other"}) {
        Screening s = Screening::noRisk();
        s.set("sex", coded("sex", sex));
        INFO(sex);
        CHECK(evaluate(s).enabled("pregnancy-possible"));
    }
}

TEST_CASE("a patient of child-bearing age who is not recorded male and says pregnancy does not apply is asked again") {
    for (const std::string sex : {"female", "other"}) {
        Screening s = Screening::noRisk();
        s.set("sex", coded("sex", sex));
        const Evaluation e = evaluate(s);
        INFO(sex << "; flags: " << join(e.ids()));
        REQUIRE(e.ids() == Ids{"pregnancy-not-applicable-check"});
        CHECK(e.flag("pregnancy-not-applicable-check")->severity == Severity::Info);
        CHECK_THAT(e.flag("pregnancy-not-applicable-check")->message, Contains("12 to 55") &&
                                                                       Contains("verbal review"));
    }
    CHECK(evaluate(Screening::noRisk()).result.flags.empty()); // male
}

TEST_CASE("form 2.1.0 offers patients Female, Male and Other, and asks the height in inches as Your height") {
    std::vector<std::string> codes;
    for (const auto& o : formItem("sex").options) codes.push_back(o.value.coding.code);
    CHECK(codes == std::vector<std::string>{"female", "male", "other"});
    CHECK(formItem("height-in").text.base == "Your height");
    CHECK(formItem("height-in").text.in("es") == "Su estatura");
    CHECK(formItem("height-in").unit->code == "[in_i]");
}

TEST_CASE("a screening answered sex Unknown with form 2.0.0 is still assessed with that form and its pregnancy answer checked again") {
    const auto form = loadQuestionnaire(test::slurp(test::sourcePath("forms/archive/mri-safety-2.0.0.questionnaire.json")),
                                        "forms/archive/mri-safety-2.0.0.questionnaire.json");
    const auto rules = loadRules(test::slurp(test::sourcePath("forms/archive/mri-safety-2.0.0.rules.json")),
                                 "forms/archive/mri-safety-2.0.0.rules.json", form);
    CHECK(form.version == "2.0.0");
    Screening s = Screening::noRisk();
    s.set("sex", coded("sex", "other"));
    json doc = s.doc();
    // The current form refuses "unknown"; a 2.0.0 response could hold it.
    std::function<void(json&)> recode = [&](json& node) {
        if (node.is_object() && node.value("code", "") == "other") node["code"] = "unknown", node["display"] = "Unknown";
        if (node.is_object() || node.is_array())
            for (auto& child : node) recode(child);
    };
    recode(doc);
    doc["questionnaire"] = "http://mrscreen.org/fhir/Questionnaire/mri-safety|2.0.0";
    const Response response = test::responseFromJson(doc);
    const ScreeningAnswers answers(form, response);
    CHECK(answers.problems().empty());
    AssessmentInput input;
    input.language = "en";
    input.screeningDate = kScreeningDay;
    const auto result = assess(answers, &rules, input);
    Ids ids;
    for (const auto& f : result.flags) ids.insert(f.id);
    CHECK(ids == Ids{"pregnancy-not-applicable-check"});
}

TEST_CASE("the child-bearing age range is 12 to 55 by default and a site parameter") {
    auto withBirth = [](const std::string& date) {
        Screening s = Screening::noRisk();
        s.set("sex", coded("sex", "female")).set("birth-date", {{"valueDate", date}});
        return s;
    };
    CHECK(evaluate(withBirth("2014-11-20")).ids() == Ids{"pregnancy-not-applicable-check"}); // 12 today
    CHECK(evaluate(withBirth("2014-11-21")).result.flags.empty());                            // 11
    CHECK(evaluate(withBirth("1971-11-21")).ids() == Ids{"pregnancy-not-applicable-check"}); // 55
    CHECK(evaluate(withBirth("1970-11-20")).result.flags.empty());                            // 56
    const RuleSet site = rulesWith("childbearing_age_max", 50);
    CHECK(evaluate(withBirth("1971-11-21").doc(), std::nullopt, "en", site).result.flags.empty());
}

TEST_CASE("a possible pregnancy is a zone-iv review and, with contrast, a gadolinium review") {
    Screening s = Screening::noRisk();
    woman34(s);
    s.answer("pregnancy-possible", "unsure");
    const Evaluation e = evaluate(s);
    CHECK(e.ids() == Ids{"pregnancy-possible", "pregnancy-gadolinium"});
    CHECK(e.flag("pregnancy-possible")->gate == Gate::ZoneIv);
    CHECK(e.flag("pregnancy-gadolinium")->gate == Gate::Contrast);
    CHECK_THAT(e.flag("pregnancy-possible")->message, Contains("Normal Operating Mode"));
    const Evaluation noContrast = evaluate(s.doc(), std::nullopt, "en", test::mriRules(), ContrastPlan::No);
    CHECK(noContrast.flag("pregnancy-possible")->severity == Severity::Review);
    CHECK(noContrast.flag("pregnancy-gadolinium")->severity == Severity::Info);
}

// ---------------------------------------------------------------------------------------------
// Patches and piercings: someone must act.

TEST_CASE("a medication patch is a review naming removal and the prescriber for nitroglycerin or opioid patches") {
    for (const std::string code : {"yes", "unsure"}) {
        Screening s = Screening::noRisk();
        s.answer("med-patch", code);
        const Evaluation e = evaluate(s);
        REQUIRE(e.ids() == Ids{"med-patch"});
        CHECK(e.flag("med-patch")->severity == Severity::Review);
        CHECK_THAT(e.flag("med-patch")->message, Contains("nitroglycerin") && Contains("opioid") &&
                                                     Contains("prescriber") && Contains("Zone IV"));
    }
}

TEST_CASE("a piercing that comes out is information and one that does not, or may not, is a review") {
    Screening out = Screening::noRisk();
    out.answer("piercing", "yes").answer("piercing-removable", "yes");
    CHECK(evaluate(out).ids() == Ids{"piercing"});
    for (const std::string code : {"no", "unsure"}) {
        Screening kept = Screening::noRisk();
        kept.answer("piercing", "yes").answer("piercing-removable", code);
        INFO(code);
        CHECK(evaluate(kept).ids() == Ids{"piercing-not-removable"});
    }
    Screening unsure = Screening::noRisk();
    unsure.answer("piercing", "unsure").answer("piercing-removable", "yes");
    CHECK(evaluate(unsure).ids() == Ids{"piercing-not-removable"});
}

// ---------------------------------------------------------------------------------------------
// Wording.

TEST_CASE("Spanish staff messages use Spanish MR terms and En espera for a hold") {
    const std::regex englishMr(R"(\bMR\b)");
    for (const auto& rule : test::mriRules().rules) {
        const std::string& en = rule.message.at("en");
        const std::string& es = rule.message.at("es");
        INFO(rule.id << ": " << es);
        CHECK_FALSE(std::regex_search(es, englishMr));
        CHECK_THAT(es, !Contains("Retener") && !Contains("Insegur") && !Contains("estado RM") &&
                           !Contains("RM Condicional"));
        if (en.find("Hold:") != std::string::npos) CHECK_THAT(es, Contains("En espera:"));
        if (en.find("Hold the contrast:") != std::string::npos) CHECK_THAT(es, Contains("Contraste en espera:"));
        if (en.find("MR Conditional") != std::string::npos) CHECK_THAT(es, Contains("condicional") && Contains("para RM"));
        if (en.find("MR Unsafe") != std::string::npos) CHECK_THAT(es, Contains("no segur") && Contains("para RM"));
        if (en.find("MR status") != std::string::npos) CHECK_THAT(es, Contains("estado de seguridad en RM"));
    }
}

TEST_CASE("every zone-iv stop says Hold for the authorised signer and every contrast stop holds the contrast") {
    for (const auto& rule : test::mriRules().rules) {
        if (rule.severity != Severity::Stop) continue;
        INFO(rule.id);
        if (rule.gate == Gate::ZoneIv) {
            if (rule.id != "weight-over-table-limit")
                CHECK_THAT(rule.message.at("en"), Contains("Hold: the authorised signer must clear this before Zone IV."));
        } else {
            CHECK_THAT(rule.message.at("en"), !Contains("Zone IV"));
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Thresholds, at and just past each limit.

TEST_CASE("a weight exactly at the table limit raises no flag and half a kilo more a stop naming the weight") {
    Screening at = Screening::noRisk();
    at.number("weight-kg", 200);
    CHECK(evaluate(at).result.flags.empty());

    Screening over = Screening::noRisk();
    over.number("weight-kg", 200.5);
    const Evaluation e = evaluate(over);
    REQUIRE(e.ids() == Ids{"weight-over-table-limit"});
    const Flag& f = e.result.flags.front();
    CHECK(f.severity == Severity::Stop);
    CHECK(f.message.rfind("Weight 200.5 kg is over the scanner table limit of 200 kg.", 0) == 0);
    const Trigger* t = triggerOf(f, "weight_kg");
    REQUIRE(t);
    CHECK(t->value.value_or(0) == Approx(200.5));
    test::keepForSchemaCheck("policy-weight-200-5-kg", e.written());
}

TEST_CASE("a weight in pounds is converted to kilograms before the table limit applies") {
    Screening under = Screening::noRisk();
    under.answer("weight-unit", "[lb_av]").remove("weight-kg").number("weight-lb", 440); // 199.6 kg
    const Evaluation u = evaluate(under);
    CHECK(u.result.valid());
    CHECK(u.result.flags.empty());
    CHECK(*u.result.derived.weight_kg == Approx(199.58).margin(0.01));

    Screening over = Screening::noRisk();
    over.answer("weight-unit", "[lb_av]").number("weight-lb", 442); // 200.5 kg; weight-kg now hidden
    const Evaluation o = evaluate(over);
    CHECK(o.ids() == Ids{"weight-over-table-limit"});
    CHECK(*o.result.derived.weight_kg == Approx(200.49).margin(0.01));
}

TEST_CASE("eGFR exactly 30 is a review and 29.9 a stop, with the value in the message") {
    const Evaluation at = evaluate(Screening::noRisk(), labWithEgfr(30));
    CHECK(*at.result.derived.egfr == Approx(30.0).epsilon(1e-12));
    CHECK(at.ids() == Ids{"renal-egfr-reduced"});
    REQUIRE(at.flag("renal-egfr-reduced"));
    CHECK(at.flag("renal-egfr-reduced")->message.rfind("eGFR 30 mL/min/1.73m2 is between 30 and 45.", 0) == 0);

    const Evaluation below = evaluate(Screening::noRisk(), labWithEgfr(29.9));
    CHECK(*below.result.derived.egfr == Approx(29.9));
    CHECK(below.ids() == Ids{"renal-egfr-low"});
    REQUIRE(below.flag("renal-egfr-low"));
    const Flag& f = *below.flag("renal-egfr-low");
    CHECK(f.severity == Severity::Stop);
    CHECK(f.message.rfind("eGFR 29.9 mL/min/1.73m2 is below 30.", 0) == 0);
    REQUIRE(triggerOf(f, "egfr"));
    CHECK(triggerOf(f, "egfr")->value.value_or(0) == Approx(29.9));
}

TEST_CASE("eGFR exactly 45 raises no renal flag and 44.9 a radiologist review") {
    CHECK(evaluate(Screening::noRisk(), labWithEgfr(45)).result.flags.empty());
    const Evaluation e = evaluate(Screening::noRisk(), labWithEgfr(44.9));
    CHECK(e.ids() == Ids{"renal-egfr-reduced"});
    CHECK(e.flag("renal-egfr-reduced")->severity == Severity::Review);
}

TEST_CASE("a creatinine in umol/L gives the same renal flags as in mg/dL") {
    Creatinine lab = labWithEgfr(29.9);
    lab.value *= 88.4;
    lab.unit = CreatinineUnit::UmolPerL;
    const Evaluation e = evaluate(Screening::noRisk(), lab);
    CHECK(*e.result.derived.egfr == Approx(29.9));
    CHECK(e.ids() == Ids{"renal-egfr-low"});
}

TEST_CASE("a creatinine exactly egfr_max_age_days old is recent enough and one day older is not") {
    Screening s = Screening::noRisk();
    s.answer("diabetes", "yes");
    const Evaluation at = evaluate(s, normalLab("2026-10-09")); // 42 days before 2026-11-20
    CHECK(at.result.derived.lab_age_days == 42);
    CHECK(at.result.flags.empty());

    const Evaluation older = evaluate(s, normalLab("2026-10-08"));
    CHECK(older.result.derived.lab_age_days == 43);
    REQUIRE(older.ids() == Ids{"renal-egfr-needed"});
    const Trigger* t = triggerOf(*older.flag("renal-egfr-needed"), "lab_age_days");
    REQUIRE(t);
    CHECK(t->value == 43);
    CHECK(triggerOf(*older.flag("renal-egfr-needed"), "diabetes"));
}

TEST_CASE("an old creatinine does not matter without a renal risk factor") {
    CHECK(evaluate(Screening::noRisk(), normalLab("2025-01-02")).result.flags.empty());
}

TEST_CASE("age 60 on the screening day is a renal risk factor and 59 is not") {
    Screening sixty = Screening::noRisk();
    sixty.set("birth-date", {{"valueDate", "1966-11-20"}});
    const Evaluation e = evaluate(sixty);
    CHECK(e.result.derived.age == 60);
    REQUIRE(e.ids() == Ids{"renal-egfr-needed"});
    const Trigger* t = triggerOf(*e.flag("renal-egfr-needed"), "age");
    REQUIRE(t);
    CHECK(t->value == 60);

    Screening fiftyNine = Screening::noRisk();
    fiftyNine.set("birth-date", {{"valueDate", "1966-11-21"}});
    const Evaluation y = evaluate(fiftyNine);
    CHECK(y.result.derived.age == 59);
    CHECK(y.result.flags.empty());

    // With a recent lab, age 60 needs nothing more.
    CHECK(evaluate(sixty, normalLab("2026-11-19")).result.flags.empty());
}

TEST_CASE("10 prior gadolinium doses add an information note and 9 do not") {
    Screening ten = Screening::noRisk();
    ten.number("gadolinium-doses", 10);
    const Evaluation e = evaluate(ten);
    REQUIRE(e.ids() == Ids{"gadolinium-many-doses"});
    CHECK(e.result.flags.front().severity == Severity::Info);
    CHECK(e.result.flags.front().message.rfind("Patient reports 10 or more prior gadolinium doses.", 0) == 0);
    Screening nine = Screening::noRisk();
    nine.number("gadolinium-doses", 9);
    CHECK(evaluate(nine).result.flags.empty());
}

TEST_CASE("an unanswered or unconfirmed attestation raises a review") {
    Screening unanswered = Screening::noRisk();
    unanswered.remove("attest");
    CHECK(evaluate(unanswered).ids() == Ids{"attestation-not-confirmed"});
    Screening no = Screening::noRisk();
    no.set("attest", {{"valueBoolean", false}});
    CHECK(evaluate(no).ids() == Ids{"attestation-not-confirmed"});
}

// ---------------------------------------------------------------------------------------------
// Thresholds are site policy: a parameter changes, the rules stay.

TEST_CASE("a site that lowers table_weight_limit_kg to 150 gets a stop flag for a 160 kg patient") {
    Screening s = Screening::noRisk();
    s.number("weight-kg", 160);
    CHECK(evaluate(s).result.flags.empty()); // under the default 200 kg

    const RuleSet site = rulesWith("table_weight_limit_kg", 150);
    CHECK(site.rules.size() == test::mriRules().rules.size());
    const Evaluation e = evaluate(s.doc(), std::nullopt, "en", site);
    REQUIRE(e.ids() == Ids{"weight-over-table-limit"});
    CHECK(e.result.flags.front().message.rfind("Weight 160 kg is over the scanner table limit of 150 kg.", 0) == 0);
    s.number("weight-kg", 150);
    CHECK(evaluate(s.doc(), std::nullopt, "en", site).result.flags.empty());
    test::keepForSchemaCheck("policy-weight-160-kg", e.written());
}

TEST_CASE("an inpatient site with egfr_max_age_days 2 asks again for a three-day-old creatinine") {
    Screening s = Screening::noRisk();
    s.answer("metformin", "yes");
    const Creatinine lab = normalLab("2026-11-17");
    CHECK(evaluate(s, lab).result.flags.empty());
    const RuleSet site = rulesWith("egfr_max_age_days", 2);
    const Evaluation e = evaluate(s.doc(), lab, "en", site);
    REQUIRE(e.ids() == Ids{"renal-egfr-needed"});
    CHECK_THAT(e.result.flags.front().message, Contains("(within 2 days)"));
    CHECK(evaluate(s.doc(), normalLab("2026-11-18"), "en", site).result.flags.empty());
}

TEST_CASE("a site's renal, eGFR and gadolinium thresholds move the flags with them") {
    Screening sixtyTwo = Screening::noRisk();
    sixtyTwo.set("birth-date", {{"valueDate", "1964-05-01"}});
    CHECK(evaluate(sixtyTwo).ids() == Ids{"renal-egfr-needed"});
    CHECK(evaluate(sixtyTwo.doc(), std::nullopt, "en", rulesWith("renal_risk_age", 65)).result.flags.empty());

    const Evaluation low = evaluate(Screening::noRisk().doc(), labWithEgfr(34), "en", rulesWith("egfr_contraindicated", 35));
    CHECK(low.ids() == Ids{"renal-egfr-low"});
    CHECK_THAT(low.result.flags.front().message, Contains("is below 35."));

    const Evaluation caution = evaluate(Screening::noRisk().doc(), labWithEgfr(55), "en", rulesWith("egfr_caution", 60));
    CHECK(caution.ids() == Ids{"renal-egfr-reduced"});

    Screening five = Screening::noRisk();
    five.number("gadolinium-doses", 5);
    CHECK(evaluate(five).result.flags.empty());
    const Evaluation doses = evaluate(five.doc(), std::nullopt, "en", rulesWith("gadolinium_many_doses", 5));
    CHECK(doses.ids() == Ids{"gadolinium-many-doses"});
    CHECK_THAT(doses.result.flags.front().message, Contains("reports 5 or more"));
}


TEST_CASE("a patient of 450 kg can be entered and gets the table-limit stop, and the form stops at 650 kg") {
    Screening heavy = Screening::noRisk();
    heavy.number("weight-kg", 450);
    const Evaluation e = evaluate(heavy);
    INFO("validation errors: " << e.errors());
    CHECK(e.result.valid());
    CHECK(e.ids() == Ids{"weight-over-table-limit"});
    CHECK(formItem("weight-kg").maxValue->decimal == 650);
    CHECK(formItem("weight-lb").maxValue->decimal == 1433);
    heavy.number("weight-kg", 650);
    CHECK(evaluate(heavy).result.valid());
    heavy.number("weight-kg", 651);
    CHECK_FALSE(evaluate(heavy).result.valid());
    Screening pounds = Screening::noRisk();
    pounds.answer("weight-unit", "[lb_av]").remove("weight-kg").number("weight-lb", 1000);
    const Evaluation lb = evaluate(pounds);
    CHECK(lb.result.valid());
    CHECK(lb.ids() == Ids{"weight-over-table-limit"});
}

TEST_CASE("a site that accepts an eye doctor's examination as clearance gets no review for it, and imaging still asks for the report") {
    Screening exam = Screening::noRisk();
    exam.answer("eye-metal-injury", "yes").answer("eye-metal-clearance", "exam");
    CHECK(evaluate(exam).ids() == Ids{"eye-metal-exam-only"});
    const RuleSet site = rulesWith("eye_exam_clears", 1);
    CHECK(evaluate(exam.doc(), std::nullopt, "en", site).result.flags.empty());
    Screening never = Screening::noRisk();
    never.answer("eye-metal-injury", "yes").answer("eye-metal-clearance", "none");
    CHECK(evaluate(never.doc(), std::nullopt, "en", site).ids() == Ids{"eye-metal-not-cleared"});
}

// ---------------------------------------------------------------------------------------------
// The shipped examples.

namespace {

struct ExampleRow {
    std::string file;
    std::vector<std::string> flags; // as written: "implant-pacemaker (stop)"
};

// The table "Examples and the flags they raise" of forms/README.md.
std::vector<ExampleRow> readmeExamples() {
    std::istringstream in(test::slurp(test::sourcePath("forms/README.md")));
    static const std::regex row(R"(^\| `([a-z0-9-]+\.json)` \|[^|]*\| ([^|]*) \|\s*$)");
    std::vector<ExampleRow> rows;
    bool inSection = false;
    for (std::string line; std::getline(in, line);) {
        if (line.rfind("## ", 0) == 0) inSection = line.find("Examples and the flags") != std::string::npos;
        std::smatch m;
        if (!inSection || !std::regex_match(line, m, row)) continue;
        ExampleRow r{m[1].str(), {}};
        std::istringstream flags(m[2].str());
        for (std::string flag; std::getline(flags, flag, ',');) {
            flag.erase(0, flag.find_first_not_of(' '));
            flag.erase(flag.find_last_not_of(' ') + 1);
            if (flag != "none") r.flags.push_back(flag);
        }
        rows.push_back(r);
    }
    return rows;
}

} // namespace

TEST_CASE("forms/README.md lists the flags of every example in forms/examples") {
    Ids listed, files;
    for (const auto& r : readmeExamples()) listed.insert(r.file);
    for (const auto& entry : std::filesystem::directory_iterator(test::sourcePath("forms/examples")))
        if (entry.path().extension() == ".json") files.insert(entry.path().filename().string());
    CHECK(listed.size() == 12);
    CHECK(listed == files);
}

TEST_CASE("each example answers form 2.1.0 and raises exactly the flags forms/README.md says it should") {
    const auto rows = readmeExamples();
    REQUIRE_FALSE(rows.empty());
    const auto r = GENERATE_COPY(from_range(rows));
    const json doc = json::parse(test::slurp(test::sourcePath("forms/examples/" + r.file)));
    CHECK(doc["questionnaire"] == "http://mrscreen.org/fhir/Questionnaire/mri-safety|2.1.0");
    const Evaluation e = evaluate(doc, std::nullopt, doc.value("language", "en"));
    INFO(r.file << " raised: " << join(e.ids()));
    INFO("validation errors: " << e.errors());
    CHECK(e.result.valid());
    Ids expected, stops;
    for (const auto& flag : r.flags) {
        const auto space = flag.find(' ');
        expected.insert(flag.substr(0, space));
        if (space != std::string::npos) {
            CHECK(flag.substr(space) == " (stop)");
            stops.insert(flag.substr(0, space));
        }
    }
    CHECK(e.ids() == expected);
    Ids raisedStops;
    for (const auto& f : e.result.flags)
        if (f.severity == Severity::Stop) raisedStops.insert(f.id);
    CHECK(raisedStops == stops); // "(stop)" marks every stop flag and only those
    // Every example answers every stop-level device.
    for (const auto& q : deviceQuestions()) {
        INFO(q);
        CHECK(e.answers->answersOf(test::mriForm().indexOf(q)).size() == 1);
    }
    test::keepForSchemaCheck("policy-example-" + r.file.substr(0, r.file.size() - 5), e.written());
}

TEST_CASE("the possible-pregnancy example evaluated in Spanish gives Spanish staff messages") {
    const json doc = json::parse(test::slurp(test::sourcePath("forms/examples/possible-pregnancy.json")));
    const Evaluation es = evaluate(doc, std::nullopt, "es");
    const Evaluation en = evaluate(doc, std::nullopt, "en");
    REQUIRE(es.ids() == Ids{"pregnancy-possible", "pregnancy-gadolinium", "unsure-answers", "piercing"});
    for (const auto& f : es.result.flags) {
        INFO(f.id);
        CHECK(f.message == policyRule(f.id).message.at("es"));
        CHECK(f.message != en.flag(f.id)->message);
    }
    CHECK_THAT(es.flag("pregnancy-possible")->message, Contains("podría estar embarazada"));
    CHECK_THAT(es.flag("unsure-answers")->message, Contains("No estoy seguro/a"));
    CHECK_THAT(es.flag("piercing")->message, Contains("Perforaciones corporales"));
    CHECK_THAT(en.flag("pregnancy-possible")->message, Contains("may be pregnant"));
}

TEST_CASE("Spanish staff messages fill in the numbers like the English ones") {
    Screening s = Screening::noRisk();
    s.number("weight-kg", 210);
    const Evaluation e = evaluate(s.doc(), std::nullopt, "es");
    REQUIRE(e.ids() == Ids{"weight-over-table-limit"});
    CHECK(e.result.flags.front().message.rfind("Peso de 210 kg, mayor que el límite de la mesa del equipo (200 kg).", 0) == 0);
}

TEST_CASE("a language the policy has no messages in falls back to English") {
    const json doc = json::parse(test::slurp(test::sourcePath("forms/examples/possible-pregnancy.json")));
    const Evaluation fr = evaluate(doc, std::nullopt, "fr");
    REQUIRE(fr.flag("pregnancy-possible"));
    CHECK_THAT(fr.flag("pregnancy-possible")->message, Contains("may be pregnant"));
}

// ---------------------------------------------------------------------------------------------
// Labs that cannot be shown to be recent, and values printed next to their limits.

TEST_CASE("a creatinine with no sample date is not taken as a recent eGFR for a patient with a renal risk factor") {
    Screening s = Screening::noRisk();
    s.answer("diabetes", "yes");
    const Evaluation undated = evaluate(s, normalLab(""));
    CHECK_FALSE(undated.result.derived.lab_age_days);
    CHECK(undated.flag("renal-egfr-needed"));
}

TEST_CASE("a creatinine dated after the screening day is not taken as a recent eGFR") {
    Screening s = Screening::noRisk();
    s.answer("diabetes", "yes");
    const Evaluation future = evaluate(s, normalLab("2027-11-19"));
    CHECK_FALSE(future.result.derived.problems.empty());
    CHECK(future.flag("renal-egfr-needed"));
}

TEST_CASE("a staff message never shows a value that reads as inside the limit it is flagged for") {
    // Rounded to one decimal, 441 lb (200.03 kg) would read "200.0 kg is over the limit of
    // 200 kg" and an eGFR of 29.96 would read "30.0 ... is below 30".
    Screening s = Screening::noRisk();
    s.answer("weight-unit", "[lb_av]").number("weight-lb", 441);
    const Evaluation heavy = evaluate(s);
    REQUIRE(heavy.flag("weight-over-table-limit"));
    CHECK_THAT(heavy.flag("weight-over-table-limit")->message, !Contains("Weight 200.0 kg") && Contains("200.03"));

    const Evaluation low = evaluate(Screening::noRisk(), labWithEgfr(29.96));
    REQUIRE(low.flag("renal-egfr-low"));
    CHECK_THAT(low.flag("renal-egfr-low")->message, !Contains("eGFR 30.0") && Contains("29.96"));
}
