// The benchmarks' seeding (tests/bench/bench_seed.h): the database a benchmark times must hold
// what its table says, on every backend, or the numbers describe something else.
#include "bench_seed.h"

#include "store/store_backends.h"

#include <catch2/catch.hpp>

#include <filesystem>

using namespace mrscreen;
using screening::ScreeningState;

namespace {

const std::vector<bench::Template>& templates() {
    static const auto loaded = bench::loadTemplates(MRSCREEN_SOURCE_DIR);
    return loaded;
}

struct Scratch : store_fixture::ContractStoreBase {
    Scratch() : ContractStoreBase("bench-seed") {}
};

int reviewedIn(const std::vector<store::ScreeningSummary>& queue) {
    int n = 0;
    for (const auto& s : queue)
        n += s.state == ScreeningState::Reviewed;
    return n;
}

} // namespace

TEST_CASE("seeding in two parts through the store leaves the newest 50 waiting, 10 reviewed, and "
          "decides the rest") {
    Scratch s;
    constexpr int kCount = 130;
    // Two parts, as two seeding processes write them; the second holds the newest.
    bench::seedThroughStore(*s.store, templates(), 0, 65, kCount);
    bench::seedThroughStore(*s.store, templates(), 65, 65, kCount);

    CHECK(s.store->countScreenings() == kCount);
    const auto queue = s.store->queue();
    CHECK(queue.size() == std::size_t(bench::kPending));
    CHECK(reviewedIn(queue) == bench::kPending / 5);
    const auto first = s.store->screening(1);
    REQUIRE(first);
    CHECK(screening::isDecided(first->summary.state));
    CHECK(first->decision);
    const auto audit = s.store->verifyAudit();
    CHECK(audit.intact);
    CHECK(audit.problem.empty());
}

TEST_CASE("seeding a part again stores no screening twice and stops at the first refused verdict") {
    Scratch s;
    bench::seedThroughStore(*s.store, templates(), 0, 20, 200);
    // The spool key makes each resubmission the stored screening; its flags are decided already.
    CHECK_THROWS_AS(bench::seedThroughStore(*s.store, templates(), 0, 20, 200), store::Refused);
    CHECK(s.store->countScreenings() == 20);
}

TEST_CASE("a screening the benchmark submits carries a patient and a spool key of its own") {
    const auto a = bench::benchScreening(templates(), 0, "kiosk-1");
    const auto b = bench::benchScreening(templates(), 1, "kiosk-1");
    const auto c = bench::benchScreening(templates(), 0, "kiosk-2");
    CHECK(a.submissionKey != b.submissionKey);
    CHECK(a.submissionKey != c.submissionKey);
    CHECK(a.responseJson != c.responseJson);
    CHECK_FALSE(a.patient.familyName.empty());
    CHECK(a.formSha256.size() == 64);
}

TEST_CASE("the SQLite seed by direct SQL gives the queue and the audit trail seeding through the "
          "store does") {
    const std::filesystem::path dir =
        std::filesystem::path(MRSCREEN_TEST_OUTPUT) / "bench-seed-sqlite";
    std::filesystem::remove_all(dir);
    std::filesystem::create_directories(dir);
    const std::string path = (dir / "mrscreen.db").string();
    { const auto created = store::openSqliteStore(path); }
    const std::int64_t events =
        bench::populateSqlite(path, 130, 40, templates()); // 4 batches, the last short
    CHECK(events > 130);
    const auto db = store::openSqliteStore(path);
    CHECK(db->countScreenings() == 130);
    const auto queue = db->queue();
    CHECK(queue.size() == std::size_t(bench::kPending));
    CHECK(reviewedIn(queue) == bench::kPending / 5);
    CHECK(db->verifyAudit().intact);
}

TEST_CASE("percentiles of no samples are 0 and of one sample that sample") {
    CHECK(bench::percentile({}, 0.5) == 0);
    CHECK(bench::percentile({7.5}, 0.99) == 7.5);
    CHECK(bench::percentile({4, 1, 3, 2, 5}, 0.5) == 3);
}
