// The ValueSets a form carries in `contained`, read so that answerValueSet "#id" can give a
// question its answers. A kiosk has no terminology server: only a ValueSet that lists its codes
// (compose.include[].concept, or expansion.contains) is usable; one that includes a whole code
// system, filters one or imports another ValueSet is refused with what it would need.
#pragma once

#include "screening/value.h"

#include <nlohmann/json.hpp>

#include <map>
#include <string>
#include <vector>

namespace mrscreen::screening {

struct ValueSetCode {
    Coding coding;
    std::map<std::string, std::string>
        translations; // language -> display (designations, translation extension)
};

struct ContainedValueSet {
    bool usable =
        false; // false: its problems are already reported, so a question using it says no more
    std::vector<ValueSetCode> codes;
};

// Reads a form's `contained` array, keyed by id. Each problem and warning is a sentence starting
// "contained ValueSet 'id': ..." (or naming the contained resource that is not a ValueSet).
std::map<std::string, ContainedValueSet> readContainedValueSets(const nlohmann::json& contained,
                                                                std::vector<std::string>& problems,
                                                                std::vector<std::string>& warnings);

} // namespace mrscreen::screening
