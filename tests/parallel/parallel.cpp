// The parallel module under real MPI: run with 1, 2 and 3 ranks (see tests/CMakeLists.txt).
#include <catch2/catch.hpp>

#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <sstream>
#include <string>

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

// Rank 0's test data on every rank, shared by the node's ranks or a private copy on each.
parallel::SharedMarketData broadcast_test_data(bool allow_shared, const ExecutionSettings& settings = test_execution()) {
  auto& session = test::mpi_session();
  return parallel::broadcast_market_data(session, session.rank() == 0 ? test_data() : MarketData{}, settings,
                                         allow_shared);
}

// The line of /proc/self/maps whose range holds `address`: "start-end perms offset dev inode path".
std::string mapping_of(const void* address) {
  std::FILE* maps = std::fopen("/proc/self/maps", "r");
  if (maps == nullptr) return {};
  const auto at = reinterpret_cast<std::uintptr_t>(address);
  char line[4096];
  std::string found;
  while (std::fgets(line, sizeof line, maps) != nullptr) {
    unsigned long long begin = 0, end = 0;
    if (std::sscanf(line, "%llx-%llx", &begin, &end) == 2 && begin <= at && at < end) {
      found = line;
      break;
    }
  }
  std::fclose(maps);
  return found;
}

// The fields of a maps line: permissions, device and inode (what names one shared segment on a node).
struct Mapping {
  std::string permissions, device, inode;
};
Mapping fields_of(const std::string& line) {
  std::istringstream in(line);
  std::string range, offset;
  Mapping m;
  in >> range >> m.permissions >> offset >> m.device >> m.inode;
  return m;
}

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
  const bool allow_shared = GENERATE(true, false);
  INFO("shared memory allowed: " << allow_shared);
  const MarketData expected = test_data();
  MarketData sent = session.rank() == 0 ? expected : MarketData{};
  parallel::BroadcastStats stats;
  const parallel::SharedMarketData data =
      parallel::broadcast_market_data(session, std::move(sent), test_execution(), allow_shared, &stats);
  const MarketView& received = data.view();
  CHECK(data.shared() == allow_shared);
  REQUIRE(received.bars() == expected.bars());
  REQUIRE(received.symbol_count() == expected.symbol_count());
  CHECK(std::equal(received.symbols.begin(), received.symbols.end(), expected.symbols.begin(), expected.symbols.end()));
  CHECK(std::equal(received.timestamps.begin(), received.timestamps.end(), expected.timestamps.begin(),
                   expected.timestamps.end()));
  CHECK(same_bytes(received.close.data(), expected.close.data(), sizeof(double) * expected.close.size()));
  CHECK(same_bytes(received.open.data(), expected.open.data(), sizeof(double) * expected.open.size()));
  CHECK(same_bytes(received.high.data(), expected.high.data(), sizeof(double) * expected.high.size()));
  CHECK(same_bytes(received.low.data(), expected.low.data(), sizeof(double) * expected.low.size()));
  CHECK(same_bytes(received.volume.data(), expected.volume.data(), sizeof(double) * expected.volume.size()));
  CHECK(stats.bytes >= expected.bytes());
  CHECK(data.nodes() == 1);  // every rank of the test runs on this machine
}

TEST_CASE("shared, the ranks of a node read one copy of the data and its tables in place", "[mpi][shared]") {
  auto& session = test::mpi_session();
  const ExecutionSettings settings = GENERATE(test_execution(), [] {
    ExecutionSettings next_open = test_execution();
    next_open.execution = Execution::next_open;
    return next_open;
  }());
  INFO("execution " << to_string(settings.execution));
  const parallel::SharedMarketData data = broadcast_test_data(true, settings);
  REQUIRE(data.shared());
  const MarketView& view = data.view();
  const auto bars = static_cast<std::size_t>(view.bars());
  const auto symbols = static_cast<std::size_t>(view.symbol_count());
  const std::size_t table_doubles = BacktestTables::doubles(bars, symbols, settings.execution);
  CHECK(data.node_bytes() == view.bytes() + table_doubles * sizeof(double));

  // Every array lies in one shared mapping ('s'), the same file on every rank: not a copy per rank.
  // (Alone on its node a rank's segment is plain private memory: MPI has no one to share it with.)
  const Mapping timestamps = fields_of(mapping_of(view.timestamps.data()));
  REQUIRE(timestamps.permissions.size() == 4);
  if (session.size() > 1) CHECK(timestamps.permissions[3] == 's');
  for (const void* array : {static_cast<const void*>(view.open.data()), static_cast<const void*>(view.volume.data()),
                            static_cast<const void*>(data.tables().close_sums),
                            static_cast<const void*>(data.tables().hold)}) {
    const Mapping m = fields_of(mapping_of(array));
    CHECK(m.device == timestamps.device);
    CHECK(m.inode == timestamps.inode);
  }
  const std::string mine = timestamps.device + " " + timestamps.inode;
  const std::vector<std::string> rank0 = parallel::broadcast_texts(session, {mine});
  REQUIRE(rank0.size() == 1);
  CHECK(rank0[0] == mine);

  // The tables are the ones a Backtester makes for itself, bit for bit.
  const MarketData own = test_data();
  std::vector<double> expected(table_doubles);
  const BacktestTables made = BacktestTables::fill(own, settings.execution, expected.data());
  CHECK((made.gap != nullptr) == (settings.execution == Execution::next_open));
  CHECK(same_bytes(data.tables().close_sums, expected.data(), table_doubles * sizeof(double)));
  CHECK((data.tables().gap != nullptr) == (settings.execution == Execution::next_open));
}

TEST_CASE("a private copy (no shared memory) carries no tables: each backtester makes its own", "[mpi][shared]") {
  const parallel::SharedMarketData data = broadcast_test_data(false);
  CHECK_FALSE(data.shared());
  CHECK(data.tables().close_sums == nullptr);
  CHECK(data.node_bytes() == data.view().bytes());
  const Mapping m = fields_of(mapping_of(data.view().close.data()));
  REQUIRE(m.permissions.size() == 4);
  CHECK(m.permissions[3] == 'p');
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
  const bool allow_shared = GENERATE(true, false);
  INFO("shared memory allowed: " << allow_shared);
  const ExecutionSettings settings = test_execution();
  const parallel::SharedMarketData data = broadcast_test_data(allow_shared);
  if (session.rank() != 0) {
    CHECK(parallel::serve_evaluations(session, data, settings) == 0);
    return;
  }
  parallel::MpiEvaluator distributed(session, data, settings);
  const MarketData own = test_data();
  SerialEvaluator serial(own, settings);
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
  const ExecutionSettings settings = test_execution();
  const parallel::SharedMarketData data = broadcast_test_data(true);
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
  const ExecutionSettings settings = test_execution();
  const parallel::SharedMarketData data = broadcast_test_data(true);
  if (session.rank() != 0) {
    CHECK(parallel::serve_evaluations(session, data, settings) == 0);
    return;
  }
  EvolutionSettings evolution;
  evolution.seed = 2024;
  evolution.ga.population = 23;  // does not divide evenly by 2 or 3
  evolution.ga.generations = 4;
  parallel::MpiEvaluator distributed(session, data, settings);
  SerialEvaluator serial(data.view(), settings);
  const EvolutionResult a = evolve(evolution, distributed);
  const EvolutionResult b = evolve(evolution, serial);
  distributed.finish(0);
  REQUIRE(a.population.size() == b.population.size());
  CHECK(a.population == b.population);
  CHECK(a.fitness == b.fitness);
  REQUIRE(a.hall_of_fame.size() == b.hall_of_fame.size());
  for (std::size_t i = 0; i < a.hall_of_fame.size(); ++i) CHECK(a.hall_of_fame[i].genome == b.hall_of_fame[i].genome);
}

TEST_CASE("islands, polishing, robust fitness and restarts over MPI equal the same run serially", "[mpi][evolve]") {
  auto& session = test::mpi_session();
  const ExecutionSettings settings = test_execution();
  const parallel::SharedMarketData data = broadcast_test_data(true);
  if (session.rank() != 0) {
    CHECK(parallel::serve_evaluations(session, data, settings) == 0);
    return;
  }
  EvolutionSettings evolution;
  evolution.seed = 99;
  evolution.ga.population = 25;  // islands of 9, 8 and 8
  evolution.ga.generations = 6;
  evolution.islands.count = 3;
  evolution.islands.migration_interval = 2;
  evolution.islands.topology = MigrationTopology::fully_connected;
  evolution.islands.restart_stagnation = 2;
  evolution.polish.interval = 3;
  evolution.polish.share = 0.3;
  evolution.robustness.kind = RobustnessKind::mean;
  parallel::MpiEvaluator distributed(session, data, settings);
  SerialEvaluator serial(data.view(), settings);
  const EvolutionResult a = evolve(evolution, distributed);
  const EvolutionResult b = evolve(evolution, serial);
  distributed.finish(0);
  CHECK(a.population == b.population);
  CHECK(a.fitness == b.fitness);
  CHECK(a.raw_fitness == b.raw_fitness);
  CHECK(a.evaluated_total == b.evaluated_total);
  CHECK(a.polish_scored_total == b.polish_scored_total);
  CHECK(a.polish_scored_total > 0);
  REQUIRE(a.hall_of_fame.size() == b.hall_of_fame.size());
  for (std::size_t i = 0; i < a.hall_of_fame.size(); ++i) CHECK(a.hall_of_fame[i].genome == b.hall_of_fame[i].genome);
}

TEST_CASE("a bar window moves every rank: evaluations equal serial ones on the slice", "[mpi][window]") {
  auto& session = test::mpi_session();
  const bool allow_shared = GENERATE(true, false);
  INFO("shared memory allowed: " << allow_shared);
  const ExecutionSettings settings = test_execution();
  const MarketData own = test_data();
  const parallel::SharedMarketData data = broadcast_test_data(allow_shared);
  if (session.rank() != 0) {
    CHECK(parallel::serve_evaluations(session, data, settings) == 0);
    return;
  }
  parallel::MpiEvaluator distributed(session, data, settings);
  const auto genomes = mixed_genomes(31, 77);
  for (const BarWindow window : {BarWindow{0, 400}, BarWindow{150, 600}, BarWindow{0, 600}, BarWindow{200, 260}}) {
    distributed.set_window(window);
    const MarketData part = slice(own, window);
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
  CHECK_THROWS_AS(distributed.set_window({500, 501}), Error);
  std::vector<Evaluation> after(genomes.size());
  distributed.evaluate(genomes, after);  // the ranks still serve the last good window
  distributed.finish(0);
}

TEST_CASE("finish gathers every rank's peak resident set and proportional set size", "[mpi][memory]") {
  auto& session = test::mpi_session();
  const parallel::SharedMarketData data = broadcast_test_data(GENERATE(true, false));
  if (session.rank() != 0) {
    CHECK(parallel::serve_evaluations(session, data, test_execution()) == 0);
    return;
  }
  parallel::MpiEvaluator distributed(session, data, test_execution());
  CHECK(distributed.rank_memory().empty());
  distributed.finish(0);
  const auto& memory = distributed.rank_memory();
  REQUIRE(memory.size() == static_cast<std::size_t>(session.size()));
  for (std::size_t r = 0; r < memory.size(); ++r) {
    INFO("rank " << r);
    CHECK(memory[r].pss_bytes > 0);
    CHECK(memory[r].pss_bytes <= memory[r].peak_rss_bytes);
    CHECK(memory[r].peak_rss_bytes < (std::int64_t{1} << 40));
  }
}
