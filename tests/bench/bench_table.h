// The one table format every benchmark prints: a header row, a rule, then the rows, aligned.
#pragma once

#include <algorithm>
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

} // namespace mrscreen::bench
