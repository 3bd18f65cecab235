// The store contract: every backend in storeBackends() runs the same store test cases (a GENERATE
// over this list, in ContractStoreBase). A backend adds one entry here and passes them all. What a
// test cannot do through the Store interface (fake a draft, an old submission time; read a stored
// hash) goes through the backend's own BackendScratch, never through SQL in a test.
#pragma once

#include "store/store.h"

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

namespace store_fixture {

using namespace mrscreen::store;

// One empty store of a backend, private to a test, that can be opened (again) any number of times.
class BackendScratch {
public:
    virtual ~BackendScratch() = default;
    // The store, with `options`; opening it again sees what was written before.
    virtual std::unique_ptr<Store> open(const StoreOptions& options = {}) = 0;

    // The store never keeps drafts (the kiosk holds them until submit): one is written directly.
    virtual std::int64_t insertDraft() = 0;
    // Moves a screening's submission time (the queue orders by it).
    virtual void backdateSubmission(std::int64_t id, const std::string& submittedAtIso) = 0;
    // The stored hash of a staff member's secret (to show a PIN is never stored as typed).
    virtual std::string staffSecretHash(const std::string& username) = 0;
    // The sha256 stored beside a screening's response version.
    virtual std::string responseSha256(std::int64_t id, int version) = 0;
    // How many response versions a screening has.
    virtual int responseVersions(std::int64_t id) = 0;
    // The form documents kept, as "url|version" per document.
    virtual std::vector<std::string> formDocuments() = 0;
    // Rows of the contrast decision and of staff signatures, over all screenings.
    virtual std::int64_t contrastDecisionRows() = 0;
    virtual std::int64_t signatureRows() = 0;
    // A record's kept bytes changed or lost behind the store's back (a disk fault, a hand): flips
    // one byte in the middle of them / deletes them (SQLite: the file; a server: the pdf column).
    virtual void damageRecordBytes(std::int64_t id, int version) = 0;
    virtual void loseRecordBytes(std::int64_t id, int version) = 0;
    // SQL another writer runs on the database (a program older than its schema, left running
    // across an upgrade), as the role kiosks and stations connect as; `sql` reads alike in both
    // dialects.
    virtual void writeBehindTheStore(const std::string& sql) = 0;
};

struct StoreBackend {
    std::string name; // "sqlite"
    // A new, empty scratch store; `subdir` names the test file's scratch folder.
    std::function<std::unique_ptr<BackendScratch>(const std::string& subdir)> scratch;
};

// Every backend the store tests run against: SQLite and PostgreSQL.
const std::vector<StoreBackend>& storeBackends();

// The backend of this run of the current test case: a Catch2 GENERATE over storeBackends(), so
// each test case runs once per backend, and the backend's name is reported with any failure.
const StoreBackend& contractBackend();

// A store of the backend under test, on its own scratch store.
struct ContractStoreBase {
    std::unique_ptr<BackendScratch> backend;
    std::unique_ptr<Store> store;

    explicit ContractStoreBase(const std::string& subdir, const StoreOptions& options = {});

    // Closes the store and opens it again (with `options`).
    void reopen(const StoreOptions& options = {});
    std::int64_t auditRows();
    std::string newestAuditAction();
    // Audit events whose action is `action` (all when empty) and whose detail contains `text`.
    std::int64_t auditEvents(const std::string& action, const std::string& text = "",
                             const std::string& actor = "");
    ScreeningState stateOf(std::int64_t id);
};

} // namespace store_fixture
