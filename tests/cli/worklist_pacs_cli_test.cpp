// The hospital's systems from the command line, against real DICOM servers the tests start
// (DCMTK's wlmscpfs and storescp on loopback ports): today's worklist, linking a screening to its
// exam, the identifiers in the record, and the outbox that brings each signed record to PACS
// exactly once, through PACS outages and a restart mid-send.
#include "test_support.h"
#include "cli/cli_fixture.h"
#include "integration/dicom_servers.h"

#include "cli/commands.h"
#include "cli/config.h"
#include "cli/procedure_link.h"
#include "integration/encapsulated_pdf.h"
#include "integration/outbox.h"
#include "integration/pacs.h"
#include "store/audit.h"

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include <csignal>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>
#include <mutex>
#include <thread>

using namespace mrscreen;
using Catch::Matchers::Contains;
using nlohmann::json;
namespace fs = std::filesystem;

namespace {

// The worklist's date for today ("20261130"), so the day's window finds the items.
std::string todayDa() {
    std::string d = cli::todayIso();
    d.erase(std::remove(d.begin(), d.end(), '-'), d.end());
    return d;
}

// Daniel Okafor, born 1984-03-09: the patient of forms/examples/no-risk.json.
test::WorklistItem okaforBrain() {
    test::WorklistItem item;
    item.patientName = "OKAFOR^DANIEL";
    item.patientId = "MRN-7781";
    item.birthDate = "19840309";
    item.sex = "M";
    item.accessionNumber = "ACC-5001";
    item.procedureCode = "MRBRC";
    item.procedureDescription = "MRI brain with contrast";
    item.studyInstanceUid = "1.2.826.0.1.3680043.10.543.5001";
    item.stationAeTitle = "MR3T";
    item.startDate = todayDa();
    return item;
}

test::WorklistItem ctChest() {
    test::WorklistItem item = okaforBrain();
    item.modality = "CT";
    item.accessionNumber = "ACC-5002";
    item.procedureDescription = "CT chest";
    item.stepId = "SPS-5002";
    item.requestedProcedureId = "RP-5002";
    item.studyInstanceUid = "1.2.826.0.1.3680043.10.543.5002";
    return item;
}

// A site directory with a key, a config naming the servers given, and one imported screening.
struct Site {
    fs::path dir;
    std::string config;
    std::int64_t id = 0;

    Site(const std::string& name, const std::string& sections) : dir(test::freshOutputDir("worklist-pacs", name)) {
        config = (dir / "site.toml").string();
        std::ofstream(config) << "[site]\nname = \"Test MRI\"\n\n" << sections;
        REQUIRE(run("keygen").code == 0);
        const auto imported = run("import --json --response " + test::sourcePath("forms/examples/no-risk.json") +
                                  " --form " + test::sourcePath("forms/mri-safety"));
        INFO(imported.out);
        REQUIRE(imported.code == 0);
        id = json::parse(imported.out.substr(imported.out.find('{')))["id"].get<std::int64_t>();
    }
    test::Run run(const std::string& args) const {
        return test::runMrscreen("--config '" + config + "' --data-dir '" + (dir / "var").string() + "' " + args);
    }
    json show() const {
        const auto r = run("show " + std::to_string(id) + " --json");
        REQUIRE(r.code == 0);
        return json::parse(r.out.substr(r.out.find('{')));
    }
    json outbox() const {
        const auto r = run("outbox list --json");
        REQUIRE(r.code == 0);
        return json::parse(r.out.substr(r.out.find('[')));
    }
};

std::string worklistSection(const integration::DicomPeer& peer, const std::string& extra = "") {
    return "[worklist]\nhost = \"127.0.0.1\"\nport = " + std::to_string(peer.port) + "\ncalled_ae = \"" +
           peer.calledAe + "\"\ntimeout_seconds = 5\n" + extra + "\n";
}

std::string pacsSection(int port, int timeoutSeconds = 5) {
    return "[pacs]\nhost = \"127.0.0.1\"\nport = " + std::to_string(port) +
           "\ncalled_ae = \"PACS\"\nretry_seconds = 600\nretry_max_seconds = 3600\ntimeout_seconds = " +
           std::to_string(timeoutSeconds) + "\n";
}

std::set<std::string> receivedInstances(const test::StorageServer& pacs) {
    std::set<std::string> uids;
    for (const auto& file : pacs.receivedFiles()) uids.insert(integration::readEncapsulatedPdf(file).sopInstanceUid);
    return uids;
}

std::string recordPath(const Site& site, int version) {
    return (site.dir / "var" / "records" / ("screening-" + std::to_string(site.id) + "-v" + std::to_string(version) +
                                            ".pdf")).string();
}

} // namespace

TEST_CASE("mrscreen worklist lists today's scheduled MR exams with their identifiers and leaves out other modalities") {
    test::WorklistServer worklist({okaforBrain(), ctChest()});
    Site site("worklist-list", worklistSection(worklist.peer()));
    const auto r = site.run("worklist --json");
    INFO(r.out);
    REQUIRE(r.code == 0);
    const auto list = json::parse(r.out.substr(r.out.find('[')));
    REQUIRE(list.size() == 1);
    CHECK(list[0]["accessionNumber"] == "ACC-5001");
    CHECK(list[0]["patientId"] == "MRN-7781");
    CHECK(list[0]["patientBirthDate"] == "1984-03-09");
    CHECK(list[0]["procedureCode"] == "MRBRC");
    CHECK(list[0]["stationAeTitle"] == "MR3T");
    CHECK(list[0]["studyInstanceUid"] == "1.2.826.0.1.3680043.10.543.5001");
    const auto text = site.run("worklist");
    CHECK_THAT(text.out, Contains("ACC-5001"));
    CHECK_THAT(text.out, Contains("Okafor, Daniel"));
}

TEST_CASE("mrscreen worklist with the server down names the server and what to check, and exits 2") {
    integration::DicomPeer nowhere;
    nowhere.port = test::freeLoopbackPort();
    nowhere.calledAe = "WORKLIST";
    Site site("worklist-down", worklistSection(nowhere));
    const auto r = site.run("worklist");
    CHECK(r.code == 2);
    CHECK_THAT(r.out, Contains("127.0.0.1:" + std::to_string(nowhere.port)));
    CHECK_THAT(r.out, Contains("[worklist]"));
}

TEST_CASE("mrscreen worklist and link without a [worklist] section say how to configure one") {
    Site site("worklist-none", "");
    const auto r = site.run("worklist");
    CHECK(r.code == 2);
    CHECK_THAT(r.out, Contains("set [worklist] host, port and called_ae"));
    CHECK(site.run("link " + std::to_string(site.id) + " --accession ACC-5001").code == 2);
}

TEST_CASE("linking by accession number puts the MRN, accession and procedure in show and in the next record version") {
    test::WorklistServer worklist({okaforBrain()});
    Site site("link-record", worklistSection(worklist.peer()));
    const auto linked = site.run("link " + std::to_string(site.id) + " --accession ACC-5001");
    INFO(linked.out);
    REQUIRE(linked.code == 0);
    CHECK_THAT(linked.out, Contains("Linked to accession ACC-5001"));
    const auto shown = site.show();
    CHECK(shown["procedure"]["patientId"] == "MRN-7781");
    CHECK(shown["procedure"]["accessionNumber"] == "ACC-5001");
    CHECK_THAT(site.run("show " + std::to_string(site.id)).out, Contains("accession ACC-5001, patient ID MRN-7781"));
    REQUIRE(site.run("record " + std::to_string(site.id)).code == 0);
    const auto text = test::runShell("pdftotext -layout '" + recordPath(site, 2) + "' -");
    CHECK_THAT(text.out, Contains("MRN-7781"));
    CHECK_THAT(text.out, Contains("ACC-5001"));
    CHECK_THAT(text.out, Contains("MRI brain with contrast"));
    const auto first = test::runShell("pdftotext -layout '" + recordPath(site, 1) + "' -");
    CHECK_THAT(first.out, Contains("not linked to a scheduled exam")); // the signed v1 is never rewritten
}

TEST_CASE("linking an accession number that is not on the worklist is refused and links nothing") {
    test::WorklistServer worklist({okaforBrain(), ctChest()});
    Site site("link-unknown", worklistSection(worklist.peer()));
    const auto r = site.run("link " + std::to_string(site.id) + " --accession ACC-9999");
    CHECK(r.code == 1);
    CHECK_THAT(r.out, Contains("no MR exam with accession number 'ACC-9999'"));
    CHECK(site.run("link " + std::to_string(site.id) + " --accession ACC-5002").code == 1); // the CT exam
    CHECK(site.show()["procedure"].is_null());
}

TEST_CASE("linking an accession scheduled for another patient is refused by the command line as on the staff screen") {
    auto someoneElse = okaforBrain();
    someoneElse.patientName = "OKAFOR^GRACE";
    someoneElse.birthDate = "19900101";
    test::WorklistServer worklist({someoneElse});
    Site site("link-other-patient", worklistSection(worklist.peer()));
    const auto r = site.run("link " + std::to_string(site.id) + " --accession ACC-5001");
    CHECK(r.code == 1);
    CHECK_THAT(r.out, Contains("is scheduled for Okafor, Grace, born 1990-01-01"));
    CHECK_THAT(r.out, Contains("nothing was linked"));
    CHECK(site.show()["procedure"].is_null());
}

TEST_CASE("the procedure code never overrules contrast planned as staff set it, and a decided screening is not "
          "relinked to an exam on another scanner") {
    test::WorklistServer worklist({okaforBrain()});
    Site site("link-safety", worklistSection(worklist.peer(), "no_contrast_codes = [\"MRBRC\"]") +
                                 "[[scanner]]\nae_title = \"MR15\"\nname = \"MR1\"\nfield_strength_t = 1.5\n\n"
                                 "[[scanner]]\nae_title = \"MR3T\"\nname = \"MR2\"\nfield_strength_t = 3.0\n");
    cli::KioskConfig config = cli::loadConfig(site.config);
    config.dataDir = (site.dir / "var").string();
    const auto store = cli::openStore(config);
    auto catalog = cli::formCatalog(*store, config);
    const screening::Actor nina{"nina", screening::Role::Nurse}, omar{"omar", screening::Role::Mrso};
    store->setContrastPlanned(site.id, "yes", nina);
    store::ProcedureLink exam;
    exam.patientId = "MRN-7781";
    exam.accessionNumber = "ACC-5001";
    exam.procedureCode = "MRBRC";
    exam.stationAeTitle = "MR15";
    const std::string done = cli::linkScheduledExam(*store, catalog, config, site.id, exam, nina);
    CHECK_THAT(done, Contains("staff set it to yes"));
    CHECK(store->screening(site.id)->contrastPlanned == "yes"); // a "no" would make contrast flags information

    store->transition(site.id, {screening::Action::Review, nina, "", ""});
    store->transition(site.id, {screening::Action::Clear, omar, "", ""});
    exam.accessionNumber = "ACC-5003";
    exam.stationAeTitle = "MR3T";
    CHECK_THROWS_WITH(cli::linkScheduledExam(*store, catalog, config, site.id, exam, omar),
                      Contains("was decided against MR1; this exam is on MR2"));
    CHECK(store->screening(site.id)->procedure->accessionNumber == "ACC-5001");
}

TEST_CASE("a nurse linking an exam whose procedure code plans contrast sets contrast planned, and the command line "
          "says a nurse must") {
    test::WorklistServer worklist({okaforBrain()});
    Site site("link-contrast", worklistSection(worklist.peer(), "contrast_codes = [\"MRBRC\"]\nno_contrast_codes = [\"MRBR\"]"));
    const auto byOperator = site.run("link " + std::to_string(site.id) + " --accession ACC-5001");
    CHECK_THAT(byOperator.out, Contains("a nurse, MRSO or radiologist sets it at review"));
    CHECK(site.show()["contrastPlanned"]["planned"] == "unknown");

    cli::KioskConfig config = cli::loadConfig(site.config);
    config.dataDir = (site.dir / "var").string();
    const auto store = cli::openStore(config);
    auto catalog = cli::formCatalog(*store, config);
    auto procedure = store->screening(site.id)->procedure.value();
    procedure.studyInstanceUid += ".1"; // as another step of the exam, so it is not "already linked"
    const std::string done =
        cli::linkScheduledExam(*store, catalog, config, site.id, procedure, {"nina", screening::Role::Nurse});
    CHECK_THAT(done, Contains("Contrast planned set to yes from the procedure code MRBRC"));
    CHECK(store->screening(site.id)->contrastPlanned == "yes");
    CHECK(store->screening(site.id)->contrastPlannedBy == "nina");
}

TEST_CASE("a signed record reaches PACS as an Encapsulated PDF with the linked identifiers, and still verifies after "
          "it comes back out") {
    test::WorklistServer worklist({okaforBrain()});
    test::StorageServer pacs;
    Site site("pacs-send", worklistSection(worklist.peer()) + pacsSection(pacs.port()));
    REQUIRE(site.run("link " + std::to_string(site.id) + " --accession ACC-5001").code == 0);
    REQUIRE(site.run("record " + std::to_string(site.id)).code == 0);
    REQUIRE(site.outbox().size() == 2); // v1 at submission, v2 after the link
    const auto sent = site.run("outbox send");
    INFO(sent.out);
    REQUIRE(sent.code == 0);
    CHECK_THAT(sent.out, Contains("2 record(s) sent, 0 not sent"));
    for (const auto& item : site.outbox()) CHECK(item["status"] == "sent");
    REQUIRE(pacs.receivedFiles().size() == 2);

    // Each version is filed under the exam as linked when it was signed: v1 (signed before the
    // link, and its PDF says so) under a study of its own, v2 under the scheduled exam. Each comes
    // back byte for byte.
    const fs::path out = site.dir / "from-pacs.pdf";
    bool sawLinked = false, sawUnlinked = false;
    for (const auto& file : pacs.receivedFiles()) {
        const auto back = integration::readEncapsulatedPdf(file);
        CHECK(back.sopClassUid == "1.2.840.10008.5.1.4.1.1.104.1");
        if (back.pdfBytes == test::slurp(recordPath(site, 1))) {
            sawUnlinked = true;
            CHECK(back.patientId == "MRSCREEN-" + std::to_string(site.id));
            CHECK(back.accessionNumber.empty());
            continue;
        }
        REQUIRE(back.pdfBytes == test::slurp(recordPath(site, 2)));
        sawLinked = true;
        CHECK(back.accessionNumber == "ACC-5001");
        CHECK(back.patientId == "MRN-7781");
        CHECK(back.studyInstanceUid == "1.2.826.0.1.3680043.10.543.5001");
        std::ofstream(out, std::ios::binary) << back.pdfBytes;
    }
    CHECK(sawUnlinked);
    REQUIRE(sawLinked);
    const std::string fingerprint = test::fingerprintOf((site.dir / "var" / "keys" / "site-cert.pem").string());
    CHECK(site.run("verify --signer-sha256 " + fingerprint + " '" + out.string() + "'").code == 0);
    const auto pdfsig = test::runShell("pdfsig '" + out.string() + "'");
    CHECK_THAT(pdfsig.out, Contains("Signature is Valid."));
    CHECK_THAT(site.run("show " + std::to_string(site.id)).out, Contains("record v2: sent"));
    const auto history = site.show()["history"];
    CHECK(std::count_if(history.begin(), history.end(), [](const json& e) { return e["action"] == "outbox.sent"; }) == 2);
}

TEST_CASE("records wait while PACS is down, each attempt audited, and arrive exactly once when it is back") {
    test::StorageServer pacs;
    pacs.stop();
    Site site("pacs-down", pacsSection(pacs.port()));
    const auto down = site.run("outbox send");
    CHECK(down.code == 1);
    CHECK_THAT(down.out, Contains("not sent"));
    CHECK_THAT(down.out, Contains("127.0.0.1:" + std::to_string(pacs.port())));
    auto items = site.outbox();
    REQUIRE(items.size() == 1);
    CHECK(items[0]["status"] == "pending");
    CHECK(items[0]["attempts"] == 1);
    CHECK_FALSE(items[0]["lastError"].get<std::string>().empty());
    CHECK(site.run("outbox send").out.find("0 record(s) sent, 0 not sent") != std::string::npos); // not yet due

    pacs.start();
    CHECK(site.run("outbox retry " + std::to_string(items[0]["id"].get<int>())).code == 0);
    CHECK(site.run("outbox send").code == 0);
    CHECK(site.run("outbox send").out.find("0 record(s) sent") != std::string::npos); // nothing twice
    CHECK(pacs.receivedFiles().size() == 1);
    CHECK(site.run("outbox retry " + std::to_string(items[0]["id"].get<int>())).code == 1); // sent: not again
    CHECK(site.run("audit verify").code == 0);
}

TEST_CASE("a send cut off by a restart is sent again as the same instance, so PACS keeps one copy of each record") {
    test::StorageServer pacs;
    test::SilentServer stalled; // accepts the connection, never answers: the send hangs until killed
    Site site("pacs-restart", pacsSection(stalled.port(), 30));
    // The kiosk box goes down in the middle of a send.
    const auto killed = test::runShell("( '" + std::string(MRSCREEN_BINARY) + "' --config '" + site.config +
                                       "' --data-dir '" + (site.dir / "var").string() +
                                       "' outbox send & pid=$!; sleep 2; kill -9 $pid; wait $pid ) ; true");
    (void)killed;
    auto items = site.outbox();
    REQUIRE(items.size() == 1);
    CHECK(items[0]["status"] == "pending");
    const std::string uid = items[0]["sopInstanceUid"];
    CHECK_FALSE(uid.empty()); // fixed before the first byte left

    // Worse: PACS got the instance but the box died before it wrote "sent". The same instance
    // reaches PACS first, as the lost attempt would have sent it.
    integration::EncapsulatedRecord lost;
    lost.pdfBytes = test::slurp(recordPath(site, 1));
    lost.sopInstanceUid = uid;
    lost.seriesInstanceUid = "2.25.1";
    lost.studyInstanceUid = "2.25.2";
    lost.screeningId = site.id;
    lost.recordVersion = 1;
    const fs::path file = site.dir / "lost.dcm";
    integration::writeEncapsulatedPdf(lost, file.string());
    integration::storeToPacs(pacs.peer(), file.string());

    // After the restart, pointed at the real PACS, the outbox sends it again: the same instance.
    std::ofstream(site.config, std::ios::trunc) << "[site]\nname = \"Test MRI\"\n\n" << pacsSection(pacs.port());
    const auto again = site.run("outbox send");
    INFO(again.out);
    CHECK(again.code == 0);
    CHECK(receivedInstances(pacs) == std::set<std::string>{uid});
    CHECK(site.outbox()[0]["status"] == "sent");
    CHECK(site.run("audit verify").code == 0);
}

TEST_CASE("[[scanner]] entries pick the linked exam's scanner by AE title, and an exam on an unknown scanner is "
          "checked against no field strength") {
    const auto config = cli::loadConfigText(R"(
[[scanner]]
ae_title = "MR15"
name = "MR1 1.5 T"
field_strength_t = 1.5

[[scanner]]
ae_title = "MR3T"
name = "MR2 3 T"
field_strength_t = 3.0
spatial_gradient_t_per_m = 19
)", "site.toml");
    store::ProcedureLink exam;
    CHECK(config.scannerFor(std::nullopt).fieldStrengthT == 1.5); // the first is the default
    exam.stationAeTitle = "MR3T";
    CHECK(config.scannerFor(exam).fieldStrengthT == 3.0);
    CHECK(config.scannerFor(exam).name == "MR2 3 T");
    exam.stationAeTitle = "MR9";
    CHECK(config.scannerFor(exam).fieldStrengthT == 0);
    CHECK_THAT(config.scannerFor(exam).name, Contains("MR9"));
    exam.stationAeTitle.clear(); // the worklist names no station: which magnet is not known
    CHECK(config.scannerFor(exam).fieldStrengthT == 0);

    const auto single = cli::loadConfigText("[scanner]\nname = \"Only\"\nfield_strength_t = 3.0\n", "site.toml");
    CHECK(single.scannerFor(exam).fieldStrengthT == 3.0); // one unnamed scanner: every exam is on it
    exam.stationAeTitle = "MR9";
    CHECK(single.scannerFor(exam).fieldStrengthT == 3.0);
}

TEST_CASE("bad worklist, PACS and scanner settings are refused naming the key") {
    const auto problems = [](const std::string& text) {
        try {
            cli::loadConfigText(text, "site.toml");
        } catch (const screening::InputError& e) {
            return std::string(e.what());
        }
        return std::string();
    };
    CHECK_THAT(problems("[worklist]\nhost = \"ris\"\nport = 0\ncalled_ae = \"WL\"\n"), Contains("[worklist] port must be 1-65535"));
    CHECK_THAT(problems("[worklist]\nhost = \"ris\"\ncalled_ae = \"\"\n"), Contains("AE titles"));
    CHECK_THAT(problems("[worklist]\nhots = \"ris\"\n"), Contains("unknown key 'hots' in [worklist]"));
    CHECK_THAT(problems("[worklist]\ncontrast_codes = [\"A\"]\nno_contrast_codes = [\"A\"]\n"),
               Contains("\"A\" is in both"));
    CHECK_THAT(problems("[pacs]\nhost = \"pacs\"\ncalled_ae = \"PACS\"\nretry_seconds = 0\n"),
               Contains("[pacs] retry_seconds must be 1-3600"));
    CHECK_THAT(problems("[[scanner]]\nname = \"x\"\n"), Contains("needs ae_title"));
    CHECK_THAT(problems("[[scanner]]\nae_title = \"A\"\n[[scanner]]\nae_title = \"A\"\n"), Contains("repeats ae_title"));
    CHECK_THAT(problems("[[scanner]]\nae_title = \"A\"\nfield_strength_t = 30.0\n"), Contains("field_strength_t"));
    CHECK_THAT(problems("scanner = 3\n"), Contains("[scanner] must be one table"));
}

TEST_CASE("the example config's worklist, PACS and several-scanner settings load once uncommented") {
    // Every "# key = value" and "# [section]" line of the commented-out examples, uncommented.
    std::istringstream example(test::slurp(test::sourcePath("kiosk-setup/mrscreen.example.toml")));
    std::string line, text;
    bool inExample = false;
    while (std::getline(example, line)) {
        if (line == "# [[scanner]]" || line == "# [worklist]" || line == "# [pacs]") inExample = true;
        if (!line.empty() && line[0] == '[') inExample = false;
        if (!inExample || line.rfind("# ", 0) != 0) continue;
        const std::string body = line.substr(2);
        const auto eq = body.find(" = ");
        const bool setting = eq != std::string::npos && body.find_first_not_of("abcdefghijklmnopqrstuvwxyz_") == eq;
        if (setting || body[0] == '[') text += body + "\n";
    }
    INFO(text);
    const auto config = cli::loadConfigText(text, "example");
    CHECK(config.worklist.host == "ris.hospital.example");
    CHECK(config.pacs.calledAe == "PACS");
    CHECK(config.scanners.size() == 2);
    CHECK(config.scanner().name == "MR1 Siemens Aera 1.5 T");
    CHECK(config.contrastProcedureCodes == std::vector<std::string>{"MRBRC", "MRLSC"});
}

TEST_CASE("the kiosk's outbox thread sends a record with its own store connection, and stops when the kiosk closes") {
    test::StorageServer pacs;
    Site site("outbox-thread", pacsSection(pacs.port()));
    cli::KioskConfig config = cli::loadConfig(site.config);
    config.dataDir = (site.dir / "var").string();
    std::vector<std::string> logged;
    std::mutex logMutex;
    {
        integration::OutboxWorker worker([&config] { return cli::openStore(config); }, cli::outboxSettings(config), 3600,
                                         [&](const std::string& line) {
                                             std::lock_guard lock(logMutex);
                                             logged.push_back(line);
                                         });
        worker.wake();
        // Waits for the thread's work, however slow the machine (not a timing check).
        for (int i = 0; i < 600 && site.outbox()[0]["status"] != "sent"; ++i)
            std::this_thread::sleep_for(std::chrono::milliseconds(100));
    } // the destructor stops the thread, which polls only hourly here
    CHECK(site.outbox()[0]["status"] == "sent");
    CHECK(pacs.receivedFiles().size() == 1);
    std::lock_guard lock(logMutex);
    CHECK_THAT(logged.at(0), Contains("1 record(s) sent to PACS"));
}
