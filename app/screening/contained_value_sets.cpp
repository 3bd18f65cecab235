#include "screening/contained_value_sets.h"

#include "screening/fhir_json.h"
#include "screening/form_extensions.h"

#include <set>

namespace mrscreen::screening {

using nlohmann::json;

namespace {

const std::string kTranslation = "http://hl7.org/fhir/StructureDefinition/translation";

std::string str(const json& obj, const char* key) {
    auto it = obj.find(key);
    return it != obj.end() && it->is_string() ? it->get<std::string>() : std::string();
}

class ValueSetReader {
public:
    ValueSetReader(std::string where, std::vector<std::string>& problems,
                   std::vector<std::string>& warnings)
        : where_(std::move(where)), problems_(problems), warnings_(warnings) {}

    ContainedValueSet read(const json& vs) {
        const std::size_t before = problems_.size();
        for (const auto& ext : fhirjson::arrayAt(vs, "modifierExtension"))
            problem("unknown modifierExtension " + str(ext, "url") +
                    ": FHIR requires a reader to refuse a resource it cannot understand");
        // An expansion is the list a terminology server computed: when present, it is the answer.
        if (vs.contains("expansion")) {
            const json& expansion = fhirjson::objectAt(vs, "expansion");
            const json& contains = fhirjson::arrayAt(expansion, "contains");
            if (expansion.contains("total") && expansion["total"].is_number_integer() &&
                expansion["total"].get<std::int64_t>() > countCodes(contains))
                problem("its expansion is partial (total " + expansion["total"].dump() +
                        "); it needs a terminology server for the rest");
            readContains(contains);
        } else if (vs.contains("compose")) {
            readCompose(fhirjson::objectAt(vs, "compose"));
        } else {
            problem("has neither compose nor expansion, so it lists no codes");
        }
        if (problems_.size() == before && set_.codes.empty())
            problem("lists no codes");
        set_.usable = problems_.size() == before;
        return std::move(set_);
    }

private:
    std::string where_;
    std::vector<std::string>& problems_;
    std::vector<std::string>& warnings_;
    ContainedValueSet set_;
    std::set<std::pair<std::string, std::string>> seen_; // system, code

    void problem(const std::string& what) { problems_.push_back(where_ + ": " + what); }

    static std::int64_t countCodes(const json& contains) {
        std::int64_t n = 0;
        for (const auto& c : contains)
            n += (c.contains("code") ? 1 : 0) + countCodes(fhirjson::arrayAt(c, "contains"));
        return n;
    }

    void readCompose(const json& compose) {
        if (compose.contains("exclude"))
            problem("compose.exclude needs a terminology server to apply; list only the codes to "
                    "offer");
        for (const auto& include : fhirjson::arrayAt(compose, "include")) {
            const std::string system = str(include, "system");
            if (include.contains("valueSet")) {
                problem("includes ValueSet " + fhirjson::arrayAt(include, "valueSet").dump() +
                        ", which needs a terminology server; list the codes with concept");
                continue;
            }
            if (include.contains("filter")) {
                problem("filters code system " + system +
                        ", which needs a terminology server; list the codes "
                        "with concept");
                continue;
            }
            if (!include.contains("concept")) {
                problem("includes all of code system " +
                        (system.empty() ? std::string("(none named)") : system) +
                        " without listing its codes, which needs a terminology server; list them "
                        "with concept");
                continue;
            }
            if (system.empty())
                problem("an include lists concepts without naming their system");
            for (const auto& entry : fhirjson::arrayAt(include, "concept"))
                addCode(system, entry);
        }
    }

    void readContains(const json& contains) {
        for (const auto& c : contains) {
            // An abstract entry only groups the ones under it: it cannot be chosen.
            if (c.contains("code") && !(c.contains("abstract") && c["abstract"] == true))
                addCode(str(c, "system"), c);
            readContains(fhirjson::arrayAt(c, "contains"));
        }
    }

    void addCode(const std::string& system, const json& entry) {
        ValueSetCode code;
        code.coding = Coding{system, str(entry, "code"), str(entry, "display")};
        if (code.coding.code.empty()) {
            problem("a concept has no code");
            return;
        }
        if (!seen_.emplace(system, code.coding.code).second) {
            problem("code '" + code.coding.code + "' is listed twice");
            return;
        }
        const std::string what = "code '" + code.coding.code + "'";
        for (const auto& ext : fhirjson::arrayAt(entry, "extension")) {
            const std::string url = str(ext, "url");
            if (isPresentationOnly(url) || isMetadataOnly(url))
                warnings_.push_back(where_ + ": " + what + ": skipped extension " + url);
            else
                problem(what + ": extension " + url + " is not supported: " + whyUnsupported(url));
        }
        for (const auto& d : fhirjson::arrayAt(entry, "designation"))
            if (!str(d, "language").empty() && !str(d, "value").empty())
                code.translations[str(d, "language")] = str(d, "value");
        for (const auto& ext :
             fhirjson::arrayAt(fhirjson::objectAt(entry, "_display"), "extension")) {
            if (str(ext, "url") != kTranslation) {
                problem(what + ": extension " + str(ext, "url") +
                        " on its display is not supported");
                continue;
            }
            std::string lang, content;
            for (const auto& part : fhirjson::arrayAt(ext, "extension")) {
                if (str(part, "url") == "lang")
                    lang = str(part, "valueCode");
                if (str(part, "url") == "content")
                    content = str(part, "valueString");
            }
            if (lang.empty() || content.empty())
                problem(what + ": a translation of its display needs both 'lang' and 'content'");
            else
                code.translations[lang] = content;
        }
        set_.codes.push_back(std::move(code));
    }
};

} // namespace

std::map<std::string, ContainedValueSet>
readContainedValueSets(const json& contained, std::vector<std::string>& problems,
                       std::vector<std::string>& warnings) {
    std::map<std::string, ContainedValueSet> sets;
    if (!contained.is_array()) {
        problems.push_back("'contained' must be an array");
        return sets;
    }
    for (const auto& resource : contained) {
        const std::string type =
            resource.is_object() ? str(resource, "resourceType") : std::string();
        const std::string id = resource.is_object() ? str(resource, "id") : std::string();
        if (type != "ValueSet") {
            problems.push_back(
                "contained " + (type.empty() ? std::string("resource") : type) +
                (id.empty() ? std::string() : " '" + id + "'") +
                " is not supported: mrscreen reads only contained ValueSets that list their codes");
            continue;
        }
        if (id.empty()) {
            problems.push_back("a contained ValueSet has no id, so no answerValueSet can name it");
            continue;
        }
        if (sets.count(id)) {
            problems.push_back("contained id '" + id + "' is used twice");
            continue;
        }
        sets[id] =
            ValueSetReader("contained ValueSet '" + id + "'", problems, warnings).read(resource);
    }
    return sets;
}

} // namespace mrscreen::screening
