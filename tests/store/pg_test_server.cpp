// The ctest fixture's PostgreSQL server (tests/store/pg_server.h): `pg_test_server start <file>`
// starts one in a new folder under /tmp and writes the folder to <file>; `stop <file>` stops it
// and removes the folder. The test binaries find it through that file.
#include "pg_server.h"

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <string>

namespace fs = std::filesystem;

namespace {

std::string folderIn(const fs::path& file) {
    std::ifstream in(file);
    std::string folder;
    std::getline(in, folder);
    return folder;
}

void stopAndRemove(const fs::path& file) {
    const std::string folder = folderIn(file);
    if (!folder.empty() && fs::exists(folder)) {
        mrscreen::test::PostgresServer::stop(folder);
        fs::remove_all(folder);
    }
    fs::remove(file);
}

} // namespace

int main(int argc, char** argv) {
    const std::string command = argc == 3 ? argv[1] : "";
    if (command != "start" && command != "stop") {
        std::cerr << "usage: pg_test_server start|stop <file that names the server's folder>\n";
        return 2;
    }
    const fs::path file = argv[2];
    try {
        stopAndRemove(file); // a server left by an interrupted run, or this run's at the end
        if (command == "stop")
            return 0;
        std::string pattern =
            "/tmp/mrscreen-pg-XXXXXX"; // short: a socket path has at most 107 bytes
        if (!::mkdtemp(pattern.data())) {
            std::cerr << "pg_test_server: cannot make a folder under /tmp\n";
            return 1;
        }
        mrscreen::test::PostgresServer::start(pattern);
        fs::create_directories(file.parent_path());
        std::ofstream(file) << pattern << "\n";
        std::cout << "PostgreSQL for the tests runs in " << pattern << "\n";
        return 0;
    } catch (const std::exception& e) {
        std::cerr << "pg_test_server " << command << ": " << e.what() << "\n";
        return 1;
    }
}
