#include "store/clock.h"

#include <chrono>
#include <cstdio>
#include <ctime>

namespace mrscreen::store {

static std::string format(std::chrono::system_clock::time_point t) {
    const auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(t.time_since_epoch()).count();
    const std::time_t secs = std::time_t(ms / 1000);
    std::tm utc{};
    gmtime_r(&secs, &utc);
    char buf[64];
    std::snprintf(buf, sizeof buf, "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", utc.tm_year + 1900, utc.tm_mon + 1,
                  utc.tm_mday, utc.tm_hour, utc.tm_min, utc.tm_sec, int(ms % 1000));
    return buf;
}

std::string nowUtc() { return format(std::chrono::system_clock::now()); }

std::string addSeconds(const std::string& iso, long long seconds) {
    std::tm tm{};
    int ms = 0;
    if (std::sscanf(iso.c_str(), "%4d-%2d-%2dT%2d:%2d:%2d.%3dZ", &tm.tm_year, &tm.tm_mon, &tm.tm_mday, &tm.tm_hour,
                    &tm.tm_min, &tm.tm_sec, &ms) < 6)
        return iso;
    tm.tm_year -= 1900;
    tm.tm_mon -= 1;
    const auto t = std::chrono::system_clock::from_time_t(timegm(&tm)) + std::chrono::milliseconds(ms) +
                   std::chrono::seconds(seconds);
    return format(t);
}

} // namespace mrscreen::store
