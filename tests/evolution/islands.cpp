// Islands: how the population is split, where migrants go, best-k replacing worst-k, restarts, and
// an evolution whose per-island statistics and migration counts say what happened.
#include <catch2/catch.hpp>

#include <algorithm>
#include <vector>

#include "genepool/error.hpp"
#include "genepool/evolution/evolution.hpp"
#include "genepool/evolution/islands.hpp"
#include "genepool/strategies/strategy.hpp"
#include "fixtures.hpp"

using namespace genepool;

namespace {

Resident resident(double fast, double value) {
  Resident r{};
  r.genome.strategy = strategy_id("sma_crossover");
  r.genome.params = {fast, 200, 0, 0};
  r.raw_fitness = r.fitness = value;
  return r;
}

}  // namespace

TEST_CASE("the population is split into islands of nearly equal size", "[islands]") {
  CHECK(island_starts(10, 1) == std::vector<std::size_t>{0, 10});
  CHECK(island_starts(10, 3) == std::vector<std::size_t>{0, 4, 7, 10});
  CHECK(island_starts(200, 4) == std::vector<std::size_t>{0, 50, 100, 150, 200});
  // The command line's default: 4 islands, fewer below 25 individuals each.
  CHECK(default_islands(200) == 4);
  CHECK(default_islands(1000) == 4);
  CHECK(default_islands(60) == 2);
  CHECK(default_islands(24) == 1);
  CHECK(migration_sources(MigrationTopology::ring, 0, 4) == std::vector<std::size_t>{3});
  CHECK(migration_sources(MigrationTopology::ring, 2, 4) == std::vector<std::size_t>{1});
  CHECK(migration_sources(MigrationTopology::fully_connected, 2, 4) == std::vector<std::size_t>{0, 1, 3});
  CHECK(migration_sources(MigrationTopology::ring, 0, 1).empty());
  CHECK(parse_topology("fully-connected", "migration-topology") == MigrationTopology::fully_connected);
  CHECK_THROWS_WITH(parse_topology("star", "migration-topology"),
                    Catch::Contains("migration-topology = 'star' is not one of ring, fully-connected"));
}

TEST_CASE("migration: the sources' best replace an island's worst when fitter, no genome twice", "[islands]") {
  // Island 0: fitness 1..4; island 1: 10..13; island 2: 5, 6, and a copy of island 1's best.
  std::vector<Resident> r = {resident(2, 1),  resident(3, 2),  resident(4, 3),  resident(5, 4),
                             resident(12, 10), resident(13, 11), resident(14, 12), resident(15, 13),
                             resident(20, 5),  resident(21, 6),  resident(15, 13)};
  const std::vector<std::size_t> starts = {0, 4, 8, 11};
  IslandSettings settings;
  settings.count = 3;
  settings.migrants = 2;
  SECTION("ring") {
    const std::size_t moved = migrate(settings, starts, r);
    // Island 0 takes island 2's best two (13, 6) over its worst two (1, 2), the best over the worst.
    CHECK(r[0].fitness == 13);
    CHECK(r[1].fitness == 6);
    // Island 1 takes island 0's best (4, 3): neither beats its worst (10).
    CHECK(r[4].fitness == 10);
    CHECK(r[5].fitness == 11);
    // Island 2 takes island 1's best two (13, 12): it holds 13 already, so 12 replaces its worst (5).
    CHECK(r[8].fitness == 12);
    CHECK(r[9].fitness == 6);
    CHECK(moved == 3);
  }
  SECTION("fully connected") {
    settings.topology = MigrationTopology::fully_connected;
    const std::size_t moved = migrate(settings, starts, r);
    // Island 0's arrivals: the best two of {13, 12} from island 1 and {13, 6} from island 2: 13 (once), 12.
    std::vector<double> zero = {r[0].fitness, r[1].fitness, r[2].fitness, r[3].fitness};
    std::sort(zero.begin(), zero.end());
    CHECK(zero == std::vector<double>{3, 4, 12, 13});
    CHECK(moved == 2 + 0 + 1);
  }
}

TEST_CASE("an island restart keeps its elites and draws the rest afresh", "[islands]") {
  GaSettings ga;
  ga.elitism = 2;
  ga.strategies = {strategy_id("sma_crossover"), strategy_id("ema_crossover")};
  std::vector<Genome> island;
  std::vector<double> fitness;
  for (int i = 0; i < 6; ++i) {
    island.push_back(resident(10 + i, i).genome);
    fitness.push_back(i);
  }
  Rng rng(4);
  const std::vector<Genome> next = restarted_island(island, fitness, ga, 6, rng);
  REQUIRE(next.size() == 6);
  CHECK(next[0] == island[5]);
  CHECK(next[1] == island[4]);
  CHECK(next[2].strategy == strategy_id("sma_crossover"));
  CHECK(next[3].strategy == strategy_id("ema_crossover"));
}

TEST_CASE("an island evolution records per-island statistics, migrations and restarts", "[islands][evolution]") {
  const MarketData data = test::two_symbol_data(700, 21);
  SerialEvaluator serial(data, test::test_execution());
  EvolutionSettings settings;
  settings.seed = 8;
  settings.ga.population = 40;
  settings.ga.generations = 6;
  settings.ga.strategies = {strategy_id("sma_crossover"), strategy_id("donchian_breakout")};
  settings.islands.count = 4;
  settings.islands.migration_interval = 2;
  settings.islands.restart_stagnation = 2;
  settings.polish.share = 0;
  struct Watch final : EvolutionObserver {
    std::vector<std::size_t> migrants, restarts;
    void on_generation(const GenerationView& g) override {
      REQUIRE(g.island_starts.size() == 5);
      for (std::size_t k = 0; k < 4; ++k) {
        const auto first = g.fitness.begin() + static_cast<std::ptrdiff_t>(g.island_starts[k]);
        const auto end = g.fitness.begin() + static_cast<std::ptrdiff_t>(g.island_starts[k + 1]);
        CHECK(g.island_best[k] == *std::max_element(first, end));
      }
      CHECK(*std::max_element(g.island_best.begin(), g.island_best.end()) == g.stats.best);
      migrants.push_back(g.stats.migrants);
      restarts.push_back(g.stats.restarts);
    }
  } watch;
  EvolutionObserver* observers[] = {&watch};
  const EvolutionResult a = evolve(settings, serial, observers);
  REQUIRE(watch.migrants.size() == 7);
  for (const std::size_t g : {0, 1, 3, 5, 6}) CHECK(watch.migrants[g] == 0);  // only after generations 2 and 4
  CHECK(watch.migrants[2] + watch.migrants[4] > 0);
  std::size_t restarts = 0;
  for (const std::size_t r : watch.restarts) restarts += r;
  CHECK(restarts > 0);
  // Deterministic, and the islands matter: one island gives another run.
  const EvolutionResult b = evolve(settings, serial);
  CHECK(a.population == b.population);
  CHECK(a.fitness == b.fitness);
  settings.islands.count = 1;
  CHECK_FALSE(evolve(settings, serial).population == a.population);
}

TEST_CASE("island settings outside their ranges are refused naming the key", "[islands]") {
  GaSettings ga;
  ga.population = 20;
  IslandSettings settings;
  settings.count = 11;
  CHECK_THROWS_WITH(check(settings, ga), Catch::Contains("islands = 11 is outside [1, 10]"));
  settings.count = 5;  // islands of 4: tournament-size 3 fits, elitism 2 fits
  CHECK_NOTHROW(check(settings, ga));
  settings.migrants = 4;
  CHECK_THROWS_WITH(check(settings, ga), Catch::Contains("migrants = 4 is outside [1, 3]"));
  settings.migrants = 1;
  ga.tournament_size = 5;
  CHECK_THROWS_WITH(check(settings, ga), Catch::Contains("leaves islands of 4 individuals"));
}
