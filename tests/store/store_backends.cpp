// The backends of the store contract (store_backends.h). SQLite: a file per test under
// MRSCREEN_TEST_OUTPUT; PostgreSQL: a database per test on the run's server (pg_server.h),
// connected to as the application role. Their test-only helpers are the only SQL the contract
// tests reach.
#include "store_backends.h"

#include "pg_scratch.h"
#include "store/sqlite.h"
#include "store_fixture.h"
#include "test_support.h"

#include <catch2/catch.hpp>

#include <filesystem>
#include <fstream>

namespace store_fixture {

namespace {

class SqliteScratch final : public BackendScratch {
public:
    explicit SqliteScratch(const std::string& subdir) : path_(scratchDatabasePath(subdir, "sqlite-")) {}

    std::unique_ptr<Store> open(const StoreOptions& options) override { return openSqliteStore(path_, options); }

    std::int64_t insertDraft() override {
        Database db(path_);
        db.exec("INSERT INTO screenings (form_url, form_version, form_sha256, rules_sha256, state, origin, "
                "created_at) VALUES ('http://example.org/fhir/Questionnaire/mri-safety', '1.2.0', 'a', 'b', "
                "'draft', 'kiosk', '2026-01-05T08:00:00.000Z')");
        return db.lastInsertId();
    }

    void backdateSubmission(std::int64_t id, const std::string& submittedAtIso) override {
        Database db(path_);
        db.prepare("UPDATE screenings SET submitted_at = ? WHERE id = ?").bind(1, submittedAtIso).bind(2, id).run();
    }

    std::string staffSecretHash(const std::string& username) override {
        Database db(path_);
        auto st = db.prepare("SELECT secret_hash FROM staff WHERE username = ?");
        return st.bind(1, username).step() ? st.text(0) : "";
    }

    std::string responseSha256(std::int64_t id, int version) override {
        Database db(path_);
        auto st = db.prepare("SELECT sha256 FROM responses WHERE screening_id = ? AND version = ?");
        return st.bind(1, id).bind(2, version).step() ? st.text(0) : "";
    }

    int responseVersions(std::int64_t id) override {
        return int(count("SELECT COUNT(*) FROM responses WHERE screening_id = ?", id));
    }

    std::vector<std::string> formDocuments() override {
        Database db(path_);
        auto st = db.prepare("SELECT url, version FROM form_documents ORDER BY sha256");
        std::vector<std::string> out;
        while (st.step())
            out.push_back(st.text(0) + "|" + st.text(1));
        return out;
    }

    std::int64_t contrastDecisionRows() override { return count("SELECT COUNT(*) FROM contrast_decisions"); }
    std::int64_t signatureRows() override { return count("SELECT COUNT(*) FROM signatures"); }

    void damageRecordBytes(std::int64_t id, int version) override {
        mrscreen::test::flipMiddleByte(recordFile(id, version));
    }

    void loseRecordBytes(std::int64_t id, int version) override {
        REQUIRE(std::filesystem::remove(recordFile(id, version)));
    }

    void writeBehindTheStore(const std::string& sql) override { Database(path_).exec(sql); }

private:
    std::string path_;

    std::string recordFile(std::int64_t id, int version) {
        Database db(path_);
        auto st = db.prepare("SELECT pdf_path FROM records WHERE screening_id = ? AND version = ?");
        REQUIRE(st.bind(1, id).bind(2, version).step());
        return st.text(0);
    }

    std::int64_t count(const std::string& sql, std::optional<std::int64_t> id = std::nullopt) {
        Database db(path_);
        auto st = db.prepare(sql);
        if (id)
            st.bind(1, *id);
        st.step();
        return st.integer(0);
    }
};

} // namespace

const std::vector<StoreBackend>& storeBackends() {
    static const std::vector<StoreBackend> backends = {
        {"sqlite", [](const std::string& subdir) { return std::make_unique<SqliteScratch>(subdir); }},
        {"postgresql", [](const std::string&) { return makePostgresScratch(); }},
    };
    return backends;
}

const StoreBackend& contractBackend() {
    const auto index = GENERATE(range(std::size_t(0), storeBackends().size()));
    const StoreBackend& backend = storeBackends()[index];
    UNSCOPED_INFO("store backend: " << backend.name);
    return backend;
}

ContractStoreBase::ContractStoreBase(const std::string& subdir, const StoreOptions& options)
    : backend(contractBackend().scratch(subdir)), store(backend->open(options)) {}

void ContractStoreBase::reopen(const StoreOptions& options) {
    store.reset();
    store = backend->open(options);
}

std::int64_t ContractStoreBase::auditRows() { return std::int64_t(store->auditTrail().size()); }

std::string ContractStoreBase::newestAuditAction() {
    const auto trail = store->auditTrail();
    return trail.empty() ? "" : trail.back().action;
}

std::int64_t ContractStoreBase::auditEvents(const std::string& action, const std::string& text,
                                            const std::string& actor) {
    std::int64_t n = 0;
    for (const auto& e : store->auditTrail())
        if ((action.empty() || e.action == action) && (actor.empty() || e.actor == actor) &&
            e.detailJson.find(text) != std::string::npos)
            ++n;
    return n;
}

ScreeningState ContractStoreBase::stateOf(std::int64_t id) { return store->screening(id).value().summary.state; }

} // namespace store_fixture
