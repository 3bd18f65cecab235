// kiosk-writer: a separate process that submits screenings as the kiosk does, for the PostgreSQL
// fault test (tests/store/pg_fault_test.cpp), which stops and restarts the server under it.
//
//   kiosk-writer CONFIG N LABEL [PAUSE_MS]
//
// Loads CONFIG (its [storage] url names the server; its data_dir holds this kiosk's spool), opens
// the store, the spool and its forwarder as `mrscreen` does (openStore, openKioskSpool,
// kioskServices), then submits N completed responses one after the other through the kiosk's own
// Submit (KioskServices::submit), each with a new submission key and the family name "LABEL-n".
// PAUSE_MS (default 0) waits between submissions, as patients come one after another.
// When Submit has told the patient their screening is saved (stored, or kept in the spool) it
// prints "acknowledged <key> stored|spooled" and flushes, so the parent knows exactly what was
// promised. Then it waits up to 60 s for the spool to drain and prints "drained". Exit 0 when all
// N were acknowledged and the spool is empty; 3 (with what is left or what failed on stderr)
// otherwise; 2 for bad usage.

#include "cli/config.h"
#include "cli/form_files.h"
#include "cli/kiosk_services.h"
#include "screening/response.h"
#include "store/spool.h"

#include <nlohmann/json.hpp>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <exception>
#include <fstream>
#include <iostream>
#include <mutex>
#include <sstream>
#include <string>
#include <thread>

using namespace mrscreen;
using nlohmann::json;
using Clock = std::chrono::steady_clock;

namespace {

std::mutex logMutex; // the forwarder's thread and this one both write to stderr

void say(const std::string& line) {
    const std::lock_guard lock(logMutex);
    std::cerr << "kiosk-writer: " << line << (line.empty() || line.back() != '\n' ? "\n" : "")
              << std::flush;
}

// Replaces the first answer to `linkId` wherever it is nested; false when there is none.
bool replaceAnswer(json& node, const std::string& linkId, const json& answer) {
    if (!node.contains("item"))
        return false;
    for (auto& item : node["item"]) {
        if (item.value("linkId", "") == linkId) {
            item["answer"] = answer;
            return true;
        }
        if (replaceAnswer(item, linkId, answer))
            return true;
    }
    return false;
}

// The form's no-risk example with this writer's label and number as the family name.
screening::Response patientResponse(const std::string& example, const std::string& label, int n) {
    std::ifstream in(example);
    std::stringstream text;
    text << in.rdbuf();
    json response = json::parse(text.str());
    const std::string family = label + "-" + std::to_string(n);
    if (!replaceAnswer(response, "family-name", json::array({{{"valueString", family}}})))
        throw std::runtime_error(example + " has no answer to family-name");
    return screening::readResponse(response.dump(), example);
}

// Opens the store as the kiosk does at start; the server may be restarting: retried for a while.
std::unique_ptr<store::Store> openWhenUp(const cli::KioskConfig& config) {
    const auto deadline = Clock::now() + std::chrono::seconds(60);
    for (;;) {
        try {
            return cli::openStore(config);
        } catch (const store::StoreError& e) {
            if (!e.transient() || Clock::now() > deadline)
                throw;
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(200));
    }
}

} // namespace

int main(int argc, char** argv) {
    if (argc != 4 && argc != 5) {
        std::cerr << "usage: kiosk-writer CONFIG N LABEL [PAUSE_MS]\n";
        return 2;
    }
    const int count = std::atoi(argv[2]);
    const std::string label = argv[3];
    const int pauseMs = argc == 5 ? std::atoi(argv[4]) : 0;
    if (count < 0 || pauseMs < 0) {
        std::cerr << "kiosk-writer: N and PAUSE_MS must be 0 or more\n";
        return 2;
    }
    try {
        const cli::KioskConfig config = cli::loadConfig(argv[1]);
        const cli::FormFiles files = cli::loadFormFiles(config.form);
        const std::string example = (std::filesystem::path(files.questionnairePath).parent_path() /
                                     "examples" / "no-risk.json")
                                        .string();
        const auto store = openWhenUp(config);
        // Retries quicker than a kiosk's (2 s doubling to 60 s): the test's outages are short.
        const auto spool =
            cli::openKioskSpool(config, files, say, {}, store::ForwarderTiming{200, 2000});
        if (!spool->spool)
            throw std::runtime_error("the spool cannot be opened: " + spool->problem);
        std::ostringstream problems; // the kiosk's err: records that wait, and the like
        const ui::KioskServices services =
            cli::kioskServices(*store, config, files, {}, problems, spool.get());
        for (int n = 1; n <= count; ++n) {
            const std::string key = store::newSubmissionKey();
            const ui::SubmitOutcome outcome =
                services.submit(patientResponse(example, label, n), key);
            if (!outcome.saved)
                throw std::runtime_error("submission " + std::to_string(n) +
                                         " not saved: " + outcome.problem);
            std::printf("acknowledged %s %s\n", key.c_str(),
                        outcome.spooled ? "spooled" : "stored");
            std::fflush(stdout);
            std::this_thread::sleep_for(std::chrono::milliseconds(pauseMs));
        }
        const auto deadline = Clock::now() + std::chrono::seconds(60);
        int waiting = 0;
        do {
            spool->forwarder->deliverNow();
            waiting = spool->spool->refresh().count;
            if (waiting == 0)
                break;
            std::this_thread::sleep_for(std::chrono::milliseconds(200));
        } while (Clock::now() < deadline);
        if (!problems.str().empty())
            say(problems.str());
        if (waiting > 0) {
            say(std::to_string(waiting) + " submission(s) still in the spool " +
                spool->spool->path() + " after 60 s");
            return 3;
        }
        std::printf("drained\n");
        std::fflush(stdout);
    } catch (const std::exception& e) {
        say(e.what());
        return 3;
    }
    return 0;
}
