#include "genepool/ga/search_space.hpp"

#include <catch2/catch.hpp>

#include <cmath>

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

TEST_CASE("random genomes, crossover and mutation stay inside narrowed bounds; fixed parameters never move",
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
