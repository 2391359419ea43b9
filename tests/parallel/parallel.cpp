// The parallel module under real MPI: run with 1, 2 and 3 ranks (see tests/CMakeLists.txt).
#include <catch2/catch.hpp>

#include <algorithm>
#include <cstring>

#include "genepool/error.hpp"
#include "genepool/evolution/evolution.hpp"
#include "genepool/parallel/parallel.hpp"
#include "genepool/data/synthetic.hpp"
#include "fixtures.hpp"
#include "mpi_session.hpp"

using namespace genepool;

namespace {

MarketData test_data() { return test::two_symbol_data(600, 7); }

using test::test_execution;

bool same_bytes(const void* a, const void* b, std::size_t bytes) { return std::memcmp(a, b, bytes) == 0; }

// Genomes of every type, with a few deliberately invalid ones (failures must come back as statuses).
std::vector<Genome> mixed_genomes(std::size_t count, std::uint64_t seed) {
  Rng rng(seed);
  std::vector<Genome> genomes;
  const auto types = static_cast<std::uint32_t>(strategy_registry().size());
  for (std::size_t i = 0; i < count; ++i) {
    Genome genome = random_genome(static_cast<std::uint32_t>(i % types), rng);
    if (i % 11 == 5) genome.params[0] = -1;  // out of range: invalid_genome
    genomes.push_back(genome);
  }
  return genomes;
}

}  // namespace

TEST_CASE("every rank holds rank 0's market data after the broadcast", "[mpi][broadcast]") {
  auto& session = test::mpi_session();
  const MarketData expected = test_data();
  MarketData sent = session.rank() == 0 ? expected : MarketData{};
  parallel::BroadcastStats stats;
  const MarketData received = parallel::broadcast_market_data(session, std::move(sent), &stats);
  REQUIRE(received.bars() == expected.bars());
  REQUIRE(received.symbol_count() == expected.symbol_count());
  CHECK(received.symbols == expected.symbols);
  CHECK(received.timestamps == expected.timestamps);
  CHECK(same_bytes(received.close.data(), expected.close.data(), sizeof(double) * expected.close.size()));
  CHECK(same_bytes(received.open.data(), expected.open.data(), sizeof(double) * expected.open.size()));
  CHECK(same_bytes(received.high.data(), expected.high.data(), sizeof(double) * expected.high.size()));
  CHECK(same_bytes(received.low.data(), expected.low.data(), sizeof(double) * expected.low.size()));
  CHECK(same_bytes(received.volume.data(), expected.volume.data(), sizeof(double) * expected.volume.size()));
  CHECK(stats.bytes >= expected.bytes());
}

TEST_CASE("settings and status reach every rank from rank 0", "[mpi][broadcast]") {
  auto& session = test::mpi_session();
  ExecutionSettings mine;
  if (session.rank() == 0) mine = test_execution();
  const ExecutionSettings shared = parallel::broadcast_settings(session, mine);
  CHECK(shared.cost == 0.0005);
  CHECK(shared.bars_per_year == 252);
  CHECK(parallel::broadcast_status(session, session.rank() == 0 ? 3 : 0) == 3);
  CHECK(parallel::max_over_ranks(session, session.rank()) == session.size() - 1);
}

TEST_CASE("distributed evaluation equals serial evaluation for any batch size", "[mpi][evaluate]") {
  auto& session = test::mpi_session();
  const MarketData data = test_data();
  const ExecutionSettings settings = test_execution();
  if (session.rank() != 0) {
    CHECK(parallel::serve_evaluations(session, data, settings) == 0);
    return;
  }
  parallel::MpiEvaluator distributed(session, data, settings);
  SerialEvaluator serial(data, settings);
  // Fewer individuals than ranks, uneven splits, and a larger batch.
  for (std::size_t count : {1u, 2u, 5u, 7u, 64u}) {
    const auto genomes = mixed_genomes(count, 100 + count);
    std::vector<Evaluation> expected(count), got(count);
    serial.evaluate(genomes, expected);
    distributed.evaluate(genomes, got);
    for (std::size_t i = 0; i < count; ++i) {
      INFO("batch " << count << ", individual " << i);
      CHECK(got[i].status == expected[i].status);
      CHECK(same_bytes(&got[i].metrics, &expected[i].metrics, sizeof(Metrics)));
    }
    CHECK(std::count_if(got.begin(), got.end(), [](const Evaluation& e) { return e.status == EvalStatus::invalid_genome; }) ==
          static_cast<long>((count + 5) / 11));
  }
  CHECK(distributed.last_timing().imbalance >= 1.0);
  distributed.finish(0);
}

TEST_CASE("each rank's seconds and stop request reach rank 0 with its evaluations", "[mpi][evaluate]") {
  auto& session = test::mpi_session();
  const MarketData data = test_data();
  const ExecutionSettings settings = test_execution();
  if (session.rank() != 0) {
    // Only the last rank is asked to stop, and only from its second batch on.
    std::size_t asked = 0;
    const bool last = session.rank() == session.size() - 1;
    CHECK(parallel::serve_evaluations(session, data, settings, [&] { return last && asked++ > 0; }) == 0);
    return;
  }
  parallel::MpiEvaluator distributed(session, data, settings);
  const auto genomes = mixed_genomes(40, 9);
  std::vector<Evaluation> got(genomes.size());
  distributed.evaluate(genomes, got);
  CHECK_FALSE(distributed.stop_requested());
  CHECK(distributed.last_timing().evaluate_seconds > 0);
  distributed.evaluate(genomes, got);
  CHECK(distributed.stop_requested() == (session.size() > 1));
  distributed.finish(0);
}

TEST_CASE("an evolution over MPI equals the same evolution run serially", "[mpi][evolve]") {
  auto& session = test::mpi_session();
  const MarketData data = test_data();
  const ExecutionSettings settings = test_execution();
  if (session.rank() != 0) {
    CHECK(parallel::serve_evaluations(session, data, settings) == 0);
    return;
  }
  EvolutionSettings evolution;
  evolution.seed = 2024;
  evolution.ga.population = 23;  // does not divide evenly by 2 or 3
  evolution.ga.generations = 4;
  parallel::MpiEvaluator distributed(session, data, settings);
  SerialEvaluator serial(data, settings);
  const EvolutionResult a = evolve(evolution, distributed);
  const EvolutionResult b = evolve(evolution, serial);
  distributed.finish(0);
  REQUIRE(a.population.size() == b.population.size());
  CHECK(a.population == b.population);
  CHECK(a.fitness == b.fitness);
  REQUIRE(a.hall_of_fame.size() == b.hall_of_fame.size());
  for (std::size_t i = 0; i < a.hall_of_fame.size(); ++i) CHECK(a.hall_of_fame[i].genome == b.hall_of_fame[i].genome);
}

TEST_CASE("a bar window moves every rank: evaluations equal serial ones on the slice", "[mpi][window]") {
  auto& session = test::mpi_session();
  const MarketData data = test_data();
  const ExecutionSettings settings = test_execution();
  if (session.rank() != 0) {
    CHECK(parallel::serve_evaluations(session, data, settings) == 0);
    return;
  }
  parallel::MpiEvaluator distributed(session, data, settings);
  const auto genomes = mixed_genomes(31, 77);
  for (const BarWindow window : {BarWindow{0, 400}, BarWindow{150, 600}, BarWindow{0, 600}, BarWindow{200, 260}}) {
    distributed.set_window(window);
    const MarketData part = slice(data, window);
    SerialEvaluator serial(part, settings);
    std::vector<Evaluation> expected(genomes.size()), got(genomes.size());
    serial.evaluate(genomes, expected);
    distributed.evaluate(genomes, got);
    for (std::size_t i = 0; i < genomes.size(); ++i) {
      INFO("window [" << window.begin << ", " << window.end << "), individual " << i);
      CHECK(got[i].status == expected[i].status);
      CHECK(same_bytes(&got[i].metrics, &expected[i].metrics, sizeof(Metrics)));
    }
  }
  CHECK_THROWS_AS(distributed.set_window({500, 601}), Error);  // refused before any rank hears of it
  std::vector<Evaluation> after(genomes.size());
  distributed.evaluate(genomes, after);  // the ranks still serve the last good window
  distributed.finish(0);
}
