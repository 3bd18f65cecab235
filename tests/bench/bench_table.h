// The one table format every benchmark prints: a header row, a rule, then the rows, aligned.
#pragma once

#include <algorithm>
#include <cstdio>
#include <iostream>
#include <string>
#include <vector>

namespace mrscreen::bench {

using Row = std::vector<std::string>;

inline void printTable(const std::vector<Row>& rows) {
    std::vector<std::size_t> width(rows[0].size(), 0);
    for (const auto& r : rows)
        for (std::size_t c = 0; c < r.size(); ++c) width[c] = std::max(width[c], r[c].size());
    auto line = [&](const Row& r) {
        std::string s = "|";
        for (std::size_t c = 0; c < r.size(); ++c) s += " " + r[c] + std::string(width[c] - r[c].size(), ' ') + " |";
        std::cout << s << "\n";
    };
    line(rows[0]);
    Row rule;
    for (auto w : width) rule.push_back(std::string(w, '-'));
    line(rule);
    for (std::size_t i = 1; i < rows.size(); ++i) line(rows[i]);
}

// 12345.6 -> "12,346"
inline std::string withCommas(double x) {
    const std::string digits = std::to_string(static_cast<long long>(x + 0.5));
    std::string s;
    for (std::size_t i = 0; i < digits.size(); ++i) {
        if (i > 0 && (digits.size() - i) % 3 == 0) s += ',';
        s += digits[i];
    }
    return s;
}

inline std::string fixed(double x, int decimals) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.*f", decimals, x);
    return buf;
}

} // namespace mrscreen::bench
