// Reading the config file's sections: unknown keys and wrong types become problems that name the
// section and key, all reported together (config.cpp, config_integration.cpp).
#pragma once

#include "cli/config.h"

#include <toml++/toml.h>

#include <set>
#include <string>
#include <vector>

namespace mrscreen::cli {

struct Reader {
    std::string source;
    std::vector<std::string> problems;

    const toml::table* section(const toml::table& root, const char* name, const std::set<std::string>& keys) {
        const auto* t = root[name].as_table();
        if (!t) {
            if (root.contains(name)) {
                std::string message = "[";
                message += name;
                message += "] must be a table";
                problems.push_back(message);
            }
            return nullptr;
        }
        for (const auto& [key, value] : *t) {
            (void)value;
            if (!keys.count(std::string(key.str())))
                problems.push_back("unknown key '" + std::string(key.str()) + "' in [" + name + "]");
        }
        return t;
    }

    template <typename T>
    void read(const toml::table* t, const char* section, const char* key, T& out) {
        if (!t || !t->contains(key)) return;
        if (auto v = (*t)[key].value<T>())
            out = *v;
        else
            problems.push_back(std::string("[") + section + "] " + key + " has the wrong type");
    }
};

// [storage]: the data directory, and the PostgreSQL url with its password file (config_storage.cpp).
void readStorageSection(Reader& r, const toml::table& root, KioskConfig& c);
// [scanner] / [[scanner]] and [worklist] / [pacs] (config_integration.cpp).
void readScannerSection(Reader& r, const toml::table& root, KioskConfig& c);
void readDicomSections(Reader& r, const toml::table& root, KioskConfig& c);

} // namespace mrscreen::cli
