// The store commands as an operator uses them: import, queue, show, staff, audit verify, and the
// configuration file. Each test works in its own data directory.
#include "test_support.h"
#include "cli/cli_fixture.h"

#include "cli/commands.h"
#include "cli/config.h"
#include "cli/kiosk_services.h"

#include <catch2/catch.hpp>

#include <filesystem>
#include <functional>
#include <fstream>
#include <sstream>

using namespace mrscreen;
using nlohmann::json;
using Catch::Matchers::Contains;

namespace {

using test::capture;
using test::Run;

// A fresh data directory per test, so tests never see each other's screenings.
cli::StoreContext freshContext(const std::string& name) {
    const auto dir = std::filesystem::path(MRSCREEN_TEST_OUTPUT) / "store-cli" / name;
    std::filesystem::remove_all(dir);
    cli::StoreContext ctx;
    ctx.dataDir = dir.string();
    return ctx;
}

Run import(const cli::StoreContext& ctx, const std::string& responsePath) {
    cli::ImportOptions o;
    o.form = test::sourcePath("forms/mri-safety");
    o.response = responsePath;
    o.json = true;
    return capture([&](std::ostream& out, std::ostream& err) { return cli::runImport(ctx, o, out, err); });
}

std::string example(const std::string& name) { return test::sourcePath("forms/examples/" + name + ".json"); }

json queueOf(const cli::StoreContext& ctx) {
    const auto r = capture([&](std::ostream& out, std::ostream& err) { return cli::runQueue(ctx, true, out, err); });
    REQUIRE(r.code == 0);
    return json::parse(r.out);
}

Run staff(const cli::StoreContext& ctx, cli::StaffOptions o, const std::string& stdinText = "") {
    std::istringstream in(stdinText);
    return capture([&](std::ostream& out, std::ostream& err) { return cli::runStaff(ctx, o, in, out, err); });
}

std::string scratchFile(const std::string& name, const std::string& text) {
    const auto dir = std::filesystem::path(MRSCREEN_TEST_OUTPUT) / "store-cli-files";
    std::filesystem::create_directories(dir);
    std::ofstream(dir / name) << text;
    return (dir / name).string();
}

} // namespace

TEST_CASE("import stores a valid response as a submitted screening with its flags") {
    const auto ctx = freshContext("import-valid");
    const auto r = import(ctx, example("pacemaker"));
    REQUIRE(r.code == 0);
    const auto id = json::parse(r.out)["id"].get<std::int64_t>();
    const json queue = queueOf(ctx);
    REQUIRE(queue.size() == 1);
    CHECK(queue[0]["id"] == id);
    CHECK(queue[0]["state"] == "submitted");
    CHECK(queue[0]["patient"]["family"] == "Lindqvist");
    CHECK(queue[0]["flags"]["stop"].get<int>() >= 1);

    const auto show = capture([&](std::ostream& out, std::ostream& err) { return cli::runShow(ctx, id, true, out, err); });
    REQUIRE(show.code == 0);
    const json j = json::parse(show.out);
    CHECK(j["response"]["resourceType"] == "QuestionnaireResponse");
    CHECK(j["form"]["sha256"].get<std::string>().size() == 64);
    CHECK(j["history"][0]["action"] == "screening.submitted");
    test::keepForSchemaCheck("store-imported-pacemaker", j["response"]);
}

TEST_CASE("an invalid response is refused with its errors and stores nothing") {
    const auto ctx = freshContext("import-invalid");
    json resp = json::parse(test::slurp(example("no-risk")));
    json kept = json::array();
    for (const auto& item : resp["item"])
        if (item["linkId"] != "attestation") kept.push_back(item);
    resp["item"] = kept;
    const auto r = import(ctx, scratchFile("unattested.json", resp.dump()));
    CHECK(r.code == 1);
    CHECK_THAT(r.err, Contains("was not stored") && Contains("attest"));
    CHECK(queueOf(ctx).empty());
}

TEST_CASE("a response that is still in progress, or made for another form, is not imported") {
    const auto ctx = freshContext("import-wrong");
    json resp = json::parse(test::slurp(example("no-risk")));
    resp["status"] = "in-progress";
    auto r = import(ctx, scratchFile("in-progress.json", resp.dump()));
    CHECK(r.code == 2);
    CHECK_THAT(r.err, Contains("only a completed response"));
    resp["status"] = "completed";
    resp["questionnaire"] = "http://example.org/Questionnaire/phq9|3.0";
    r = import(ctx, scratchFile("other-form.json", resp.dump()));
    CHECK(r.code == 2);
    CHECK_THAT(r.err, Contains("answers the form http://example.org/Questionnaire/phq9"));
    resp["questionnaire"] = "http://mrscreen.org/fhir/Questionnaire/mri-safety|0.9.0";
    r = import(ctx, scratchFile("old-version.json", resp.dump()));
    CHECK(r.code == 2);
    CHECK_THAT(r.err, Contains("version 0.9.0"));
    CHECK(queueOf(ctx).empty());
}

TEST_CASE("show names a screening that does not exist and points to the queue") {
    const auto ctx = freshContext("show-missing");
    const auto r = capture([&](std::ostream& out, std::ostream& err) { return cli::runShow(ctx, 42, false, out, err); });
    CHECK(r.code == 2);
    CHECK_THAT(r.err, Contains("no screening 42") && Contains("mrscreen queue"));
}

TEST_CASE("staff accounts are added with a PIN from standard input, listed, disabled and reset") {
    const auto ctx = freshContext("staff");
    cli::StaffOptions add{"add", "ana", "Ana Ruiz", "nurse", false};
    CHECK(staff(ctx, add, "482913\n").code == 0);
    auto again = staff(ctx, add, "482913\n");
    CHECK(again.code == 1);
    CHECK_THAT(again.err, Contains("'ana' is taken"));
    cli::StaffOptions shortPin{"add", "bo", "Bo Li", "mrso", false};
    auto weak = staff(ctx, shortPin, "12\n");
    CHECK(weak.code == 1);
    CHECK_THAT(weak.err, Contains("at least 6 characters"));
    cli::StaffOptions badRole{"add", "cy", "Cy", "surgeon", false};
    CHECK_THAT(staff(ctx, badRole, "482913\n").err, Contains("'surgeon' is not nurse, mrso, radiologist or admin"));

    cli::StaffOptions list{"list", "", "", "", true};
    json members = json::parse(staff(ctx, list).out);
    REQUIRE(members.size() == 1);
    CHECK(members[0]["username"] == "ana");
    CHECK(members[0]["disabled"] == false);
    CHECK_FALSE(staff(ctx, list).out.find("482913") != std::string::npos); // never shown

    CHECK(staff(ctx, {"disable", "ana", "", "", false}).code == 0);
    CHECK(json::parse(staff(ctx, list).out)[0]["disabled"] == true);
    CHECK(staff(ctx, {"reset-pin", "ana", "", "", false}, "739105\n").code == 0);
    auto nobody = staff(ctx, {"disable", "zed", "", "", false});
    CHECK(nobody.code == 1);
    CHECK_THAT(nobody.err, Contains("no staff member 'zed'"));
}

TEST_CASE("audit verify reports an intact trail after imports and staff changes") {
    const auto ctx = freshContext("audit");
    REQUIRE(import(ctx, example("no-risk")).code == 0);
    REQUIRE(staff(ctx, {"add", "ana", "Ana Ruiz", "nurse", false}, "482913\n").code == 0);
    const auto r = capture([&](std::ostream& out, std::ostream& err) { return cli::runAuditVerify(ctx, true, out, err); });
    CHECK(r.code == 0);
    const json j = json::parse(r.out);
    CHECK(j["intact"] == true);
    CHECK(j["rows"] == 2);
}

TEST_CASE("a damaged database is refused with instructions to restore the backup") {
    const auto ctx = freshContext("damaged");
    REQUIRE(import(ctx, example("no-risk")).code == 0);
    {
        std::fstream db(std::filesystem::path(ctx.dataDir) / "mrscreen.db", std::ios::in | std::ios::out | std::ios::binary);
        db.seekp(0);
        db << "this is no longer a database header";
    }
    const auto r = capture([&](std::ostream& out, std::ostream& err) { return cli::runQueue(ctx, false, out, err); });
    CHECK(r.code == 2);
    CHECK_THAT(r.err, Contains("restore"));
}

// Found by fuzz_config: an empty data_dir escaped as a filesystem_error instead of a refusal.
TEST_CASE("an empty data_dir in the configuration is refused, naming the key") {
    const std::string empty = scratchFile("empty-data-dir.toml", "[storage]\ndata_dir = \"\"\n");
    CHECK_THROWS_WITH(cli::loadConfig(empty), Contains("[storage] data_dir must name a folder"));
}

TEST_CASE("a site can keep the staff gesture off its patient kiosks, and only true or false is taken") {
    CHECK(cli::loadConfig("").staffOnKiosk);
    const std::string off = scratchFile("staff-off.toml", "[kiosk]\nstaff_on_kiosk = false\n");
    CHECK_FALSE(cli::loadConfig(off).staffOnKiosk);
    CHECK_FALSE(cli::kioskOptions(cli::loadConfig(off)).staffGesture);
    const std::string wrong = scratchFile("staff-wrong.toml", "[kiosk]\nstaff_on_kiosk = \"no\"\n");
    CHECK_THROWS_WITH(cli::loadConfig(wrong), Contains("[kiosk] staff_on_kiosk must be true or false"));
}

TEST_CASE("the configuration file sets the data directory and policy, and a typo in it is refused") {
    const auto dir = std::filesystem::path(MRSCREEN_TEST_OUTPUT) / "store-cli" / "configured";
    std::filesystem::remove_all(dir);
    const std::string path = scratchFile("site.toml", "[storage]\ndata_dir = \"" + dir.string() +
                                                          "\"\n[policy]\nsigner_roles = [\"mrso\", \"nurse\"]\n"
                                                          "signer_must_differ_from_reviewer = false\n");
    const auto config = cli::loadConfig(path);
    CHECK(config.dataDir == dir.string());
    CHECK(config.signerRoles == std::vector<std::string>{"mrso", "nurse"});
    CHECK_FALSE(config.storeOptions().policy.signerMustDifferFromReviewer);
    cli::StoreContext ctx;
    ctx.configPath = path;
    REQUIRE(import(ctx, example("no-risk")).code == 0);
    CHECK(std::filesystem::exists(dir / "mrscreen.db"));

    CHECK_THAT(test::inputErrorOf([&] { cli::loadConfig(scratchFile("typo.toml", "[storage]\ndata_dri = \"x\"\n")); }),
               Contains("unknown key 'data_dri' in [storage]"));
    CHECK_THAT(test::inputErrorOf([&] { cli::loadConfig(scratchFile("role.toml", "[policy]\nsigner_roles = [\"patient\"]\n")); }),
               Contains("'patient' is not a staff role"));
    CHECK_THAT(test::inputErrorOf([&] { cli::loadConfig(scratchFile("broken.toml", "[storage\n")); }),
               Contains("broken.toml: line 1"));
    // The example shipped for sites loads as it is.
    CHECK_NOTHROW(cli::loadConfig(test::sourcePath("kiosk-setup/mrscreen.example.toml")));
}

TEST_CASE("a backup is a checked copy that opens with every screening, and never overwrites a file") {
    const auto ctx = freshContext("backup");
    REQUIRE(import(ctx, example("no-risk")).code == 0);
    const std::string target = (std::filesystem::path(ctx.dataDir) / "copy.db").string();
    const auto r = capture([&](std::ostream& out, std::ostream& err) { return cli::runBackup(ctx, target, out, err); });
    REQUIRE(r.code == 0);
    CHECK_THAT(r.out, Contains("To restore"));
    cli::StoreContext restored;
    restored.dataDir = ctx.dataDir + "-restored";
    std::filesystem::remove_all(restored.dataDir);
    std::filesystem::create_directories(restored.dataDir);
    std::filesystem::copy_file(target, std::filesystem::path(restored.dataDir) / "mrscreen.db");
    CHECK(queueOf(restored).size() == 1);
    const auto again = capture([&](std::ostream& out, std::ostream& err) { return cli::runBackup(ctx, target, out, err); });
    CHECK(again.code == 2);
    CHECK_THAT(again.err, Contains("never overwrites"));
}

TEST_CASE("export writes a FHIR R4 Bundle with the response, audits it, and never overwrites a file") {
    const auto ctx = freshContext("export-fhir");
    const auto imported = import(ctx, example("possible-pregnancy"));
    REQUIRE(imported.code == 0);
    const auto id = json::parse(imported.out)["id"].get<std::int64_t>();
    const std::string out = (std::filesystem::path(ctx.dataDir) / "bundle.json").string();
    cli::ExportOptions o;
    o.id = id;
    o.fhir = out;
    auto r = capture([&](std::ostream& os, std::ostream& es) { return cli::runExport(ctx, o, os, es); });
    REQUIRE(r.code == 0);
    const json bundle = json::parse(test::slurp(out));
    CHECK(bundle["resourceType"] == "Bundle");
    const json& response = bundle["entry"][0]["resource"];
    CHECK(response["resourceType"] == "QuestionnaireResponse");
    CHECK(response["status"] == "completed");
    CHECK(response["subject"]["display"].get<std::string>().find("Hernández Mora") != std::string::npos);
    test::keepForSchemaCheck("export-bundle-possible-pregnancy", bundle);

    const auto show = capture([&](std::ostream& os, std::ostream& es) { return cli::runShow(ctx, id, true, os, es); });
    CHECK(json::parse(show.out)["history"].back()["action"] == "record.exported");

    r = capture([&](std::ostream& os, std::ostream& es) { return cli::runExport(ctx, o, os, es); });
    CHECK(r.code == 2);
    CHECK_THAT(r.err, Contains("never overwritten"));
    o.fhir.clear();
    o.pdf = out + ".pdf";
    r = capture([&](std::ostream& os, std::ostream& es) { return cli::runExport(ctx, o, os, es); });
    CHECK(r.code == 1);
    CHECK_THAT(r.err, Contains("no signed record yet"));
}

TEST_CASE("with a site key, import files a signed record that export copies out and verify accepts") {
    auto ctx = freshContext("signed-record");
    // keygen pins the new certificate in this config; verify trusts only that one.
    ctx.configPath = scratchFile("signed-record.toml", "[form]\npath = \"" + test::sourcePath("forms/mri-safety") + "\"\n");
    auto r = capture([&](std::ostream& os, std::ostream& es) { return cli::runKeygen(ctx, "Test MRI", 30, os, es); });
    REQUIRE(r.code == 0);
    const auto key = std::filesystem::path(ctx.dataDir) / "keys" / "site-key.pem";
    CHECK((std::filesystem::status(key).permissions() & std::filesystem::perms::group_all) ==
          std::filesystem::perms::none);
    r = capture([&](std::ostream& os, std::ostream& es) { return cli::runKeygen(ctx, "Test MRI", 30, os, es); });
    CHECK(r.code == 2);
    CHECK_THAT(r.err, Contains("refusing to overwrite"));

    const auto imported = import(ctx, example("pacemaker"));
    REQUIRE(imported.code == 0);
    const json j = json::parse(imported.out);
    REQUIRE(j["record"].is_string());
    cli::ExportOptions o;
    o.id = j["id"].get<std::int64_t>();
    o.pdf = (std::filesystem::path(ctx.dataDir) / "copy.pdf").string();
    REQUIRE(capture([&](std::ostream& os, std::ostream& es) { return cli::runExport(ctx, o, os, es); }).code == 0);
    r = capture([&](std::ostream& os, std::ostream& es) { return cli::runVerify(ctx, o.pdf, os, es); });
    CHECK(r.code == 0);
    CHECK_THAT(r.out, Contains("signature valid, whole document signed"));
    CHECK_THAT(r.out, Contains("record " + std::to_string(o.id) + " version 1, content sha256 "));
    CHECK_THAT(r.out, Contains("trusted: its fingerprint is pinned"));
    CHECK_THAT(r.out, Contains("matches the filed record"));

    // A validly signed record of the same number from another site, whose key bears the same name:
    // not a signer this site trusts.
    const auto other = freshContext("signed-record-elsewhere");
    REQUIRE(capture([&](std::ostream& os, std::ostream& es) { return cli::runKeygen(other, "Test MRI", 30, os, es); }).code == 0);
    const auto elsewhere = import(other, example("pacemaker"));
    REQUIRE(elsewhere.code == 0);
    const std::string foreign = json::parse(elsewhere.out)["record"].get<std::string>();
    r = capture([&](std::ostream& os, std::ostream& es) { return cli::runVerify(ctx, foreign, os, es); });
    CHECK(r.code == cli::kExitUntrustedSigner);
    CHECK_THAT(r.out, Contains("UNTRUSTED SIGNER"));
    // Trusted by its own fingerprint, it is still not this store's record 1.
    const auto theirs = std::filesystem::path(other.dataDir) / "keys" / "site-cert.pem";
    const std::string theirPin = test::fingerprintOf(theirs.string());
    r = capture([&](std::ostream& os, std::ostream& es) { return cli::runVerify(ctx, foreign, os, es, theirPin); });
    CHECK(r.code == 1);
    CHECK_THAT(r.out, Contains("NOT VALID: its QR content hash differs from the one filed for record 1 version 1"));
    // Away from any store, the signature, the signer and the record identity are still checked.
    auto nowhere = ctx;
    nowhere.dataDir = (std::filesystem::path(ctx.dataDir) / "no-such-store").string();
    r = capture([&](std::ostream& os, std::ostream& es) { return cli::runVerify(nowhere, o.pdf, os, es); });
    CHECK(r.code == 0);
    CHECK_THAT(r.out, Contains("not compared with the filed record"));
    r = capture([&](std::ostream& os, std::ostream& es) { return cli::runVerify(nowhere, foreign, os, es); });
    CHECK(r.code == cli::kExitUntrustedSigner);
    CHECK_FALSE(std::filesystem::exists(nowhere.dataDir));

    // One changed byte in the signed content: verify names the failure and exits 1.
    std::string bytes = test::slurp(o.pdf);
    bytes[bytes.size() / 3] = char(bytes[bytes.size() / 3] ^ 0x20);
    const std::string altered = scratchFile("altered.pdf", bytes);
    r = capture([&](std::ostream& os, std::ostream& es) { return cli::runVerify(ctx, altered, os, es); });
    CHECK(r.code == 1);
    CHECK_THAT(r.out, Contains("NOT VALID"));

    // The filed record itself was replaced: export refuses to pass it on.
    std::ofstream(j["record"].get<std::string>(), std::ios::binary) << bytes;
    o.pdf += ".again";
    r = capture([&](std::ostream& os, std::ostream& es) { return cli::runExport(ctx, o, os, es); });
    CHECK(r.code == 1);
    CHECK_THAT(r.err, Contains("does not match the checksum"));
}

TEST_CASE("a screening imported before the site key existed gets its signed record with mrscreen record") {
    auto ctx = freshContext("record-later");
    // The configured form path is relative to where mrscreen runs; CTest runs elsewhere.
    ctx.configPath = scratchFile("record-later.toml", "[form]\npath = \"" + test::sourcePath("forms/mri-safety") + "\"\n");
    const auto imported = import(ctx, example("no-risk"));
    REQUIRE(imported.code == 0);
    CHECK_THAT(imported.err, Contains("mrscreen record"));
    const auto id = json::parse(imported.out)["id"].get<std::int64_t>();
    auto r = capture([&](std::ostream& os, std::ostream& es) { return cli::runRecord(ctx, id, os, es); });
    CHECK(r.code == 1); // still no key
    REQUIRE(capture([&](std::ostream& os, std::ostream& es) { return cli::runKeygen(ctx, "", 30, os, es); }).code == 0);
    r = capture([&](std::ostream& os, std::ostream& es) { return cli::runRecord(ctx, id, os, es); });
    REQUIRE(r.code == 0);
    CHECK_THAT(r.out, Contains("screening-" + std::to_string(id) + "-v1.pdf"));
    // A second run files version 2; version 1 stays as it was.
    r = capture([&](std::ostream& os, std::ostream& es) { return cli::runRecord(ctx, id, os, es); });
    CHECK_THAT(r.out, Contains("-v2.pdf"));
}

TEST_CASE("a screening replaced by a correction is exported as entered in error, with a superseded record") {
    const auto ctx = freshContext("export-replaced");
    REQUIRE(import(ctx, example("no-risk")).code == 0);
    cli::KioskConfig config;
    config.dataDir = ctx.dataDir;
    {
        const auto store = cli::openStore(config);
        using screening::Action;
        const screening::Actor nurse{"ana", screening::Role::Nurse}, mrso{"bo", screening::Role::Mrso};
        store->transition(1, {Action::Review, nurse, "", ""});
        store->transition(1, {Action::Clear, mrso, "", ""});
        store::NewScreening corrected;
        corrected.formUrl = "http://mrscreen.org/fhir/Questionnaire/mri-safety";
        corrected.formVersion = store->screening(1)->formVersion;
        corrected.formSha256 = store->screening(1)->formSha256; // the same form, kept at import
        corrected.rulesSha256 = store->screening(1)->rulesSha256;
        corrected.responseJson = R"({"resourceType":"QuestionnaireResponse","status":"amended"})";
        store->amend(1, corrected, nurse);
    }
    cli::ExportOptions o;
    o.id = 1;
    o.fhir = (std::filesystem::path(ctx.dataDir) / "old.json").string();
    REQUIRE(capture([&](std::ostream& os, std::ostream& es) { return cli::runExport(ctx, o, os, es); }).code == 0);
    CHECK(json::parse(test::slurp(o.fhir))["entry"][0]["resource"]["status"] == "entered-in-error");
    o.id = 2;
    o.fhir = (std::filesystem::path(ctx.dataDir) / "new.json").string();
    REQUIRE(capture([&](std::ostream& os, std::ostream& es) { return cli::runExport(ctx, o, os, es); }).code == 0);
    const json bundle = json::parse(test::slurp(o.fhir));
    CHECK(bundle["entry"][0]["resource"]["status"] == "amended");
    test::keepForSchemaCheck("export-bundle-amended", bundle);
}

TEST_CASE("purge deletes only record files that were exported, keeps the audit chain intact, and export then says why") {
    const auto ctx = freshContext("purge");
    REQUIRE(capture([&](std::ostream& os, std::ostream& es) { return cli::runKeygen(ctx, "Test MRI", 30, os, es); }).code == 0);
    const auto a = json::parse(import(ctx, example("pacemaker")).out);
    const auto b = json::parse(import(ctx, example("no-risk")).out);
    const std::string fileA = a["record"].get<std::string>(), fileB = b["record"].get<std::string>();
    cli::ExportOptions o;
    o.id = a["id"].get<std::int64_t>();
    o.pdf = (std::filesystem::path(ctx.dataDir) / "exported-a.pdf").string();
    REQUIRE(capture([&](std::ostream& os, std::ostream& es) { return cli::runExport(ctx, o, os, es); }).code == 0);

    auto r = capture([&](std::ostream& os, std::ostream& es) { return cli::runPurge(ctx, "thirty", false, os, es); });
    CHECK(r.code == 2);
    CHECK_THAT(r.err, Contains("30d"));
    // Nothing is 30 days old yet.
    r = capture([&](std::ostream& os, std::ostream& es) { return cli::runPurge(ctx, "30d", false, os, es); });
    CHECK(r.code == 0);
    CHECK_THAT(r.out, Contains("Purged 0"));
    r = capture([&](std::ostream& os, std::ostream& es) { return cli::runPurge(ctx, "0d", true, os, es); });
    CHECK_THAT(r.out, Contains("would purge " + fileA));
    CHECK(std::filesystem::exists(fileA));
    r = capture([&](std::ostream& os, std::ostream& es) { return cli::runPurge(ctx, "0d", false, os, es); });
    CHECK(r.code == 0);
    CHECK_THAT(r.out, Contains("Purged 1"));
    CHECK_FALSE(std::filesystem::exists(fileA));
    CHECK(std::filesystem::exists(fileB)); // never exported: kept
    r = capture([&](std::ostream& os, std::ostream& es) { return cli::runAuditVerify(ctx, false, os, es); });
    CHECK(r.code == 0);
    o.pdf += ".again";
    r = capture([&](std::ostream& os, std::ostream& es) { return cli::runExport(ctx, o, os, es); });
    CHECK(r.code == 1);
    CHECK_THAT(r.err, Contains("purged"));
    r = capture([&](std::ostream& os, std::ostream& es) { return cli::runPurge(ctx, "0d", false, os, es); });
    CHECK_THAT(r.out, Contains("Purged 0"));
    // A filed record that was replaced on disk is evidence: purge keeps it and says so.
    o.id = b["id"].get<std::int64_t>();
    o.fhir = (std::filesystem::path(ctx.dataDir) / "exported-b.json").string();
    o.pdf.clear();
    REQUIRE(capture([&](std::ostream& os, std::ostream& es) { return cli::runExport(ctx, o, os, es); }).code == 0);
    std::ofstream(fileB, std::ios::binary) << "not the filed record";
    r = capture([&](std::ostream& os, std::ostream& es) { return cli::runPurge(ctx, "0d", false, os, es); });
    CHECK(r.code == 1);
    CHECK_THAT(r.err, Contains("keep it as evidence"));
    CHECK(std::filesystem::exists(fileB));
}

TEST_CASE("import refuses a response nested 100,000 levels deep and stores nothing") {
    const auto ctx = freshContext("import-deep");
    const std::string deep = std::string(100000, '[') + std::string(100000, ']');
    const auto r = import(ctx, scratchFile("deep.json", R"({"resourceType":"QuestionnaireResponse","status":"completed",)"
                                                        R"("item":[{"linkId":"x","answer":[{"valueString":)" +
                                                            deep + "}]}]}"));
    CHECK(r.code != 0);
    CHECK_THAT(r.err, Contains("deep.json") && Contains("nested more than 64 levels deep"));
    CHECK(queueOf(ctx).empty());
}

TEST_CASE("queue and show print a patient's name with its control characters and bidirectional overrides made "
          "harmless; JSON keeps them") {
    const auto ctx = freshContext("control-characters");
    json resp = json::parse(test::slurp(example("no-risk")));
    // ESC, BEL, CR, CSI (C1), then RIGHT-TO-LEFT OVERRIDE, ZERO WIDTH SPACE and FIRST STRONG ISOLATE.
    const std::string hostile = "Evil\x1b]0;owned\x07\rName\xc2\x9b" "2J\xe2\x80\xae" "dnE\xe2\x80\x8b\xe2\x81\xa8";
    std::function<bool(json&)> rename = [&](json& items) {
        for (auto& it : items) {
            if (it.value("linkId", "") == "family-name") {
                it["answer"] = json::array({{{"valueString", hostile}}});
                return true;
            }
            if (it.contains("item") && rename(it["item"])) return true;
        }
        return false;
    };
    REQUIRE(rename(resp["item"]));
    REQUIRE(import(ctx, scratchFile("hostile.json", resp.dump())).code == 0);
    auto clean = [](const std::string& text) {
        for (std::size_t i = 0; i < text.size(); ++i) {
            const auto c = static_cast<unsigned char>(text[i]);
            if ((c < 0x20 && c != '\n') || c == 0x7F) return false;
            if (c == 0xC2 && i + 1 < text.size() && static_cast<unsigned char>(text[i + 1]) >= 0x80 &&
                static_cast<unsigned char>(text[i + 1]) <= 0x9F)
                return false;
        }
        return text.find("\xe2\x80\xae") == std::string::npos && text.find("\xe2\x80\x8b") == std::string::npos &&
               text.find("\xe2\x81\xa8") == std::string::npos;
    };
    const auto queue = capture([&](std::ostream& out, std::ostream& err) { return cli::runQueue(ctx, false, out, err); });
    REQUIRE(queue.code == 0);
    CHECK(clean(queue.out));
    CHECK_THAT(queue.out, Contains("Evil?]0;owned??Name?2J?dnE??"));
    const auto show = capture([&](std::ostream& out, std::ostream& err) { return cli::runShow(ctx, 1, false, out, err); });
    REQUIRE(show.code == 0);
    CHECK(clean(show.out));
    CHECK_THAT(show.out, Contains("Evil?]0;owned??Name?2J?dnE??"));
    CHECK(queueOf(ctx)[0]["patient"]["family"] == hostile);
}
