#include "pg_scratch.h"

#include "pg_server.h"
#include "store/pg.h"

#include <catch2/catch.hpp>

namespace store_fixture {

namespace {

using mrscreen::test::PostgresServer;
namespace pg = mrscreen::store::pg;

class PostgresScratch final : public BackendScratch {
public:
    PostgresScratch() : server_(PostgresServer::shared()), database_(server_.createDatabase()) {}
    ~PostgresScratch() override {
        owner_.reset();
        try {
            server_.dropDatabase(database_);
        } catch (...) {
        }
    }

    std::unique_ptr<Store> open(const StoreOptions& options) override {
        return openPostgresStore(server_.connection(database_), options);
    }

    std::int64_t insertDraft() override {
        return owner()
            .exec("INSERT INTO screenings (form_url, form_version, form_sha256, rules_sha256, "
                  "state, origin, "
                  "created_at) VALUES ('http://example.org/fhir/Questionnaire/mri-safety', "
                  "'1.2.0', 'a', "
                  "'b', 'draft', 'kiosk', '2026-01-05T08:00:00.000Z') RETURNING id")
            .integer(0, 0);
    }

    void backdateSubmission(std::int64_t id, const std::string& submittedAtIso) override {
        owner().exec("UPDATE screenings SET submitted_at = $1 WHERE id = $2", {submittedAtIso, id});
    }

    std::string staffSecretHash(const std::string& username) override {
        const auto r =
            owner().exec("SELECT secret_hash FROM staff WHERE username = $1", {username});
        return r.empty() ? "" : r.text(0, 0);
    }

    std::string responseSha256(std::int64_t id, int version) override {
        const auto r = owner().exec(
            "SELECT sha256 FROM responses WHERE screening_id = $1 AND version = $2", {id, version});
        return r.empty() ? "" : r.text(0, 0);
    }

    int responseVersions(std::int64_t id) override {
        return int(owner()
                       .exec("SELECT COUNT(*) FROM responses WHERE screening_id = $1", {id})
                       .integer(0, 0));
    }

    std::vector<std::string> formDocuments() override {
        const auto r = owner().exec("SELECT url, version FROM form_documents ORDER BY sha256");
        std::vector<std::string> out;
        for (int i = 0; i < r.rows(); ++i)
            out.push_back(r.text(i, 0) + "|" + r.text(i, 1));
        return out;
    }

    std::int64_t contrastDecisionRows() override {
        return owner().exec("SELECT COUNT(*) FROM contrast_decisions").integer(0, 0);
    }
    std::int64_t signatureRows() override {
        return owner().exec("SELECT COUNT(*) FROM signatures").integer(0, 0);
    }

    // The pdf column is the kept bytes: one byte in the middle flipped, or the bytes gone while the
    // row still says they are kept (purged_at stays NULL).
    void damageRecordBytes(std::int64_t id, int version) override {
        const auto changed = owner().exec(
            "UPDATE records SET pdf = set_byte(pdf, length(pdf) / 2, "
            "get_byte(pdf, length(pdf) / 2) # 32) WHERE screening_id = $1 AND version = $2 "
            "AND pdf IS NOT NULL",
            {id, version});
        REQUIRE(changed.changes() == 1);
    }

    void loseRecordBytes(std::int64_t id, int version) override {
        const auto changed =
            owner().exec("UPDATE records SET pdf = NULL WHERE screening_id = $1 AND version = $2 "
                         "AND pdf IS NOT NULL",
                         {id, version});
        REQUIRE(changed.changes() == 1);
    }

    void writeBehindTheStore(const std::string& sql) override {
        pg::Connection(server_.connection(database_, "mrscreen_app")).exec(sql);
    }

private:
    const PostgresServer& server_;
    std::string database_;
    std::unique_ptr<pg::Connection> owner_;

    pg::Connection& owner() {
        if (!owner_)
            owner_ =
                std::make_unique<pg::Connection>(server_.connection(database_, "mrscreen_owner"));
        return *owner_;
    }
};

} // namespace

std::unique_ptr<BackendScratch> makePostgresScratch() {
    return std::make_unique<PostgresScratch>();
}

} // namespace store_fixture
