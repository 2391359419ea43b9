#include "genepool/ga/search_space.hpp"

#include <catch2/catch.hpp>

#include <algorithm>
#include <array>
#include <cmath>
#include <set>

#include "genepool/error.hpp"
#include "genepool/ga/ga.hpp"
#include "genepool/ga/grid.hpp"
#include "genepool/strategies/strategy.hpp"

using namespace genepool;
using Catch::Matchers::Contains;

namespace {

// sma_crossover's fast in [5, 12], slow in [20, 30]; macd's signal fixed at 9.
SearchSpace narrowed_space() {
  SearchSpace space;
  space.narrow(strategy_id("sma_crossover"), "fast", 5, 12);
  space.narrow(strategy_id("sma_crossover"), "slow", 20, 30);
  space.narrow(strategy_id("macd"), "signal", 9, 9);
  return space;
}

void require_inside(const Genome& g, const SearchSpace& space) {
  const StrategyType& type = space.type(g.strategy);
  for (std::size_t i = 0; i < type.params.size(); ++i) {
    INFO(type.name << "." << type.params[i].name << " = " << g.params[i]);
    REQUIRE(g.params[i] >= type.params[i].lower);
    REQUIRE(g.params[i] <= type.params[i].upper);
  }
  REQUIRE_NOTHROW(check_params(strategy_registry()[g.strategy], g.params.data()));
}

}  // namespace

TEST_CASE("a search space narrows the bounds the GA sees and leaves the registry alone", "[ga][ranges]") {
  const SearchSpace space = narrowed_space();
  const StrategyType& sma = space.type(strategy_id("sma_crossover"));
  CHECK(sma.params[0].lower == 5);
  CHECK(sma.params[0].upper == 12);
  CHECK(sma.params[1].lower == 20);
  const StrategyType& macd = space.type(strategy_id("macd"));
  const std::size_t signal = 2;
  REQUIRE(macd.params[signal].name == "signal");
  CHECK(macd.params[signal].lower == 9);
  CHECK(macd.params[signal].upper == 9);
  CHECK(macd.params[signal].default_value == 9);
  CHECK(&space.type(strategy_id("rsi_reversion")) == &strategy_registry()[strategy_id("rsi_reversion")]);
  CHECK(strategy_registry()[strategy_id("sma_crossover")].params[0].upper > 12);
  const auto ranges = space.ranges();
  REQUIRE(ranges.size() == 3);
  CHECK(ranges[0].strategy == strategy_id("sma_crossover"));
  CHECK(ranges[2].lower == 9);
  CHECK(SearchSpace().empty());
}

TEST_CASE("random genomes, crossover and mutation stay inside narrowed bounds, fixed parameters never move",
          "[ga][ranges]") {
  GaSettings settings;
  settings.space = narrowed_space();
  settings.strategies = {strategy_id("sma_crossover"), strategy_id("macd")};
  settings.mutation_rate = 1.0;
  settings.mutation_scale = 1.0;
  settings.type_switch_rate = 0.5;
  const auto crossover_kind = GENERATE(CrossoverKind::uniform, CrossoverKind::blend, CrossoverKind::sbx);
  const auto mutation_kind = GENERATE(MutationKind::gaussian, MutationKind::reset);
  settings.crossover = crossover_kind;
  settings.mutation = mutation_kind;
  Rng rng(7);
  std::vector<Genome> population = initial_population(settings, rng);
  for (int generation = 0; generation < 20; ++generation) {
    std::vector<double> fitness(population.size());
    for (std::size_t i = 0; i < fitness.size(); ++i) fitness[i] = population[i].params[0];
    population = next_generation(population, fitness, settings, rng);
    for (const Genome& g : population) {
      require_inside(g, settings.space);
      if (g.strategy == strategy_id("macd")) REQUIRE(g.params[2] == 9);
    }
  }
}

TEST_CASE("a search space without ranges gives the GA the same bits as the registry's bounds", "[ga][ranges]") {
  GaSettings plain;
  GaSettings spaced;
  spaced.space = SearchSpace();
  Rng a(3), b(3);
  auto pa = initial_population(plain, a);
  auto pb = initial_population(spaced, b);
  REQUIRE(pa == pb);
  std::vector<double> fitness(pa.size());
  for (std::size_t i = 0; i < fitness.size(); ++i) fitness[i] = static_cast<double>(i % 7);
  CHECK(next_generation(pa, fitness, plain, a) == next_generation(pb, fitness, spaced, b));
}

TEST_CASE("narrowing is refused outside the type's range, for fractional integers and empty constraints",
          "[ga][ranges]") {
  SearchSpace space;
  const std::uint32_t sma = strategy_id("sma_crossover");
  CHECK_THROWS_WITH(space.narrow(sma, "fast", 1, 50), Contains("sma_crossover.fast = [1, 50] is outside the type's range ["));
  CHECK_THROWS_WITH(space.narrow(sma, "fast", 5.5, 50), Contains("an integer parameter; expected whole numbers"));
  CHECK_THROWS_WITH(space.narrow(sma, "fast", 50, 5), Contains("lower <= upper"));
  CHECK_THROWS_WITH(space.narrow(sma, "fats", 5, 50), Contains("has no parameter 'fats' (did you mean 'fast'?)"));
  space.narrow(sma, "fast", 40, 50);
  CHECK_THROWS_WITH(space.narrow(sma, "slow", 20, 40), Contains("leaves no value with fast < slow"));
  // The refused range left the space as it was.
  CHECK(space.type(sma).params[1].lower == strategy_registry()[sma].params[1].lower);
  REQUIRE(space.ranges().size() == 1);
}

TEST_CASE("the grid enumerates within narrowed bounds and a fixed real parameter needs no step", "[ga][ranges]") {
  SearchSpace space;
  space.narrow(strategy_id("sma_crossover"), "fast", 5, 7);
  space.narrow(strategy_id("sma_crossover"), "slow", 20, 21);
  const Grid grid = enumerate_grid({"sma_crossover"}, {}, 1000, space);
  REQUIRE(grid.points.size() == 6);
  CHECK(grid.points.front().params[0] == 5);
  CHECK(grid.points.back().params[1] == 21);
  const std::uint32_t bollinger = strategy_id("bollinger_reversion");
  const StrategyType& type = strategy_registry()[bollinger];
  SearchSpace fixed;
  for (const ParamSpec& spec : type.params)
    if (spec.kind == ParamKind::real) fixed.narrow(bollinger, spec.name, spec.default_value, spec.default_value);
  fixed.narrow(bollinger, type.params[0].name, 10, 11);
  CHECK(enumerate_grid({"bollinger_reversion"}, {}, 1000, fixed).points.size() == 2);
}

namespace {

// stop-loss in [0.01, 0.2], max-bars in [5, 60] (whole), take-profit fixed at 0.1 by a zero-width range.
SearchSpace exit_space() {
  SearchSpace space;
  space.evolve_exit("max-bars", 5, 60);
  space.evolve_exit("stop-loss", 0.01, 0.2);
  space.evolve_exit("take-profit", 0.1, 0.1);
  return space;
}

void require_genes_inside(const Genome& g, const SearchSpace& space) {
  REQUIRE(g.exit_genes == space.exit_gene_bits());
  for (std::size_t gene = 0; gene < kExitGenes; ++gene) {
    const double value = g.exits[gene];
    INFO("exit gene " << gene << " = " << value);
    const auto range = std::find_if(space.exit_genes().begin(), space.exit_genes().end(),
                                    [&](const ExitGeneRange& r) { return static_cast<std::size_t>(r.gene) == gene; });
    if (range == space.exit_genes().end()) {
      REQUIRE(value == 0);
      continue;
    }
    REQUIRE(value >= range->spec.lower);
    REQUIRE(value <= range->spec.upper);
    if (range->spec.kind == ParamKind::integer) REQUIRE(value == std::round(value));
  }
}

}  // namespace

TEST_CASE("evolved exits are kept in gene order with their keys, kinds and bounds", "[ga][ranges][exits]") {
  const SearchSpace space = exit_space();
  const auto& genes = space.exit_genes();
  REQUIRE(genes.size() == 3);
  CHECK(genes[0].gene == ExitGene::stop_loss);
  CHECK(genes[0].spec.name == "stop-loss");
  CHECK(genes[1].gene == ExitGene::take_profit);
  CHECK(genes[2].gene == ExitGene::max_bars);
  CHECK(genes[2].spec.kind == ParamKind::integer);
  CHECK(genes[2].spec.upper == 60);
  CHECK(space.exit_gene_bits() == 0b1011u);
  CHECK_FALSE(space.empty());
  SearchSpace again = space;
  again.evolve_exit("stop-loss", 0.02, 0.05);  // replaces the range
  REQUIRE(again.exit_genes().size() == 3);
  CHECK(again.exit_genes()[0].spec.upper == 0.05);
}

TEST_CASE("exit genes are drawn, crossed and mutated inside their ranges, whole where whole, type switches keep them",
          "[ga][ranges][exits]") {
  GaSettings settings;
  settings.space = exit_space();
  settings.strategies = {strategy_id("sma_crossover"), strategy_id("macd"), strategy_id("rsi_reversion")};
  settings.mutation_rate = 1.0;
  settings.mutation_scale = 1.0;
  settings.crossover = GENERATE(CrossoverKind::uniform, CrossoverKind::blend, CrossoverKind::sbx);
  settings.mutation = GENERATE(MutationKind::gaussian, MutationKind::reset);
  Rng rng(11);
  std::vector<Genome> population = initial_population(settings, rng);
  std::set<double> stops;
  for (int generation = 0; generation < 15; ++generation) {
    std::vector<double> fitness(population.size());
    for (std::size_t i = 0; i < fitness.size(); ++i) fitness[i] = -population[i].exits[0];
    population = next_generation(population, fitness, settings, rng);
    for (const Genome& g : population) {
      require_genes_inside(g, settings.space);
      REQUIRE(g.exits[static_cast<std::size_t>(ExitGene::take_profit)] == 0.1);
      stops.insert(g.exits[0]);
    }
  }
  CHECK(stops.size() > 20);  // the genes do move

  GaSettings switching = settings;
  switching.mutation_rate = 0;
  switching.type_switch_rate = 1;
  Genome genome = random_genome(strategy_id("macd"), rng, settings.space);
  const auto exits = genome.exits;
  mutate(genome, switching, rng);
  CHECK(genome.strategy != strategy_id("macd"));
  CHECK(genome.exits == exits);
}

TEST_CASE("without evolved exits no genome carries exit genes", "[ga][ranges][exits]") {
  GaSettings settings;
  Rng rng(5);
  for (const Genome& g : initial_population(settings, rng)) {
    CHECK(g.exit_genes == 0u);
    CHECK(g.exits == std::array<double, kExitGenes>{});
  }
}

TEST_CASE("evolving an exit is refused for unknown keys, bounds outside the value's own and fractional bars",
          "[ga][ranges][exits]") {
  SearchSpace space;
  CHECK_THROWS_WITH(space.evolve_exit("stop-los", 0.01, 0.1),
                    Contains("'stop-los' is not an exit or sizing value") && Contains("did you mean 'stop-loss'"));
  CHECK_THROWS_WITH(space.evolve_exit("sizing", 0, 1), Contains("evolvable: stop-loss, take-profit"));
  CHECK_THROWS_WITH(space.evolve_exit("stop-loss", 0.2, 0.1), Contains("stop-loss = [0.2, 0.1]: expected [lower, upper]"));
  CHECK_THROWS_WITH(space.evolve_exit("stop-loss", 0.01, 1.5), Contains("is outside its range [0, 0.99]"));
  CHECK_THROWS_WITH(space.evolve_exit("target-vol", 0, 0.2), Contains("is outside its range [0.001, 10]"));
  CHECK_THROWS_WITH(space.evolve_exit("max-bars", 2.5, 10), Contains("a whole number of bars"));
  CHECK_THROWS_WITH(space.evolve_exit("take-profit", 0.1, std::nan("")), Contains("expected finite numbers"));
  CHECK(space.exit_genes().empty());
}
