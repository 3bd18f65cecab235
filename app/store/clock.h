// The store's notion of "now", in UTC ISO 8601 with milliseconds ("2026-11-25T14:01:09.123Z").
#pragma once

#include <string>

namespace mrscreen::store {

std::string nowUtc();
// `iso` plus `seconds` (which may be negative), in the same format.
std::string addSeconds(const std::string& iso, long long seconds);

} // namespace mrscreen::store
