// The exhaustive baseline's grid: every point, in order, within the constraints, and its refusals.
#include <catch2/catch.hpp>

#include <array>
#include <map>
#include <string>
#include <vector>

#include "genepool/error.hpp"
#include "genepool/ga/grid.hpp"
#include "genepool/strategies/strategy.hpp"

using namespace genepool;
using Catch::Matchers::Contains;

namespace {

using Params = std::vector<std::array<double, 2>>;

// The first two parameters of each point.
Params first_two(const Grid& grid) {
  Params params;
  for (const Genome& genome : grid.points) params.push_back({genome.params[0], genome.params[1]});
  return params;
}

}  // namespace

TEST_CASE("a grid holds every combination of integer and real values in lexicographic order", "[ga][grid]") {
  // period 5, 70, 135, 200 (step 65); k 0.5, 2, 3.5 (step 1.5, upper 4 not reached).
  const Grid grid = enumerate_grid({"bollinger_reversion"}, {{"period", 65}, {"k", 1.5}}, 1000);
  const std::uint32_t id = strategy_id("bollinger_reversion");
  CHECK(grid.types == std::vector<std::uint32_t>{id});
  CHECK(grid.counts == std::vector<std::size_t>{12});
  Params expected;
  for (double period : {5, 70, 135, 200})
    for (double k : {0.5, 2.0, 3.5}) expected.push_back({period, k});
  CHECK(first_two(grid) == expected);
  for (const Genome& genome : grid.points) {
    CHECK(genome.strategy == id);
    CHECK(genome.params[2] == 0);
    CHECK(genome.params[3] == 0);
  }
}

TEST_CASE("a grid leaves out the points that break a less_than constraint", "[ga][grid]") {
  // fast 2, 51, 100; slow 10, 140, 270, 400; fast < slow drops (51, 10) and (100, 10).
  const Grid grid = enumerate_grid({"sma_crossover"}, {{"fast", 49}, {"slow", 130}}, 1000);
  CHECK(grid.counts == std::vector<std::size_t>{10});
  CHECK(first_two(grid) == Params{{2, 10}, {2, 140}, {2, 270}, {2, 400}, {51, 140}, {51, 270}, {51, 400},
                                  {100, 140}, {100, 270}, {100, 400}});
}

TEST_CASE("a grid of several types goes type by type, a qualified step wins over the plain name", "[ga][grid]") {
  const Grid grid = enumerate_grid({"ts_momentum", "bollinger_reversion"},
                                   {{"lookback", 395}, {"threshold", 0.1}, {"period", 65}, {"k", 100},
                                    {"bollinger_reversion.k", 1.5}},
                                   1000);
  CHECK(grid.types == std::vector<std::uint32_t>{strategy_id("ts_momentum"), strategy_id("bollinger_reversion")});
  CHECK(grid.counts == std::vector<std::size_t>{6, 12});
  REQUIRE(grid.points.size() == 18);
  const Params all = first_two(grid);
  const Params momentum(all.begin(), all.begin() + 6);
  CHECK(momentum == Params{{5, 0}, {5, 0.1}, {5, 0.2}, {400, 0}, {400, 0.1}, {400, 0.2}});
  CHECK(grid.points[6].strategy == strategy_id("bollinger_reversion"));
  CHECK(grid.points[7].params[1] == 2.0);  // k from the qualified step 1.5, not from 100
}

TEST_CASE("a grid is refused with a message naming the parameter, the step or the count", "[ga][grid]") {
  CHECK_THROWS_WITH(enumerate_grid({"bollinger_reversion"}, {}, 1000),
                    Contains("step: bollinger_reversion.k is a real parameter in [0.500000, 4.000000]") &&
                        Contains("--step k="));
  CHECK_THROWS_WITH(enumerate_grid({"sma_crossover"}, {{"fast", 2.5}}, 1000),
                    Contains("step: sma_crossover.fast is an integer parameter; expected a whole step, got 2.5"));
  CHECK_THROWS_WITH(enumerate_grid({"sma_crossover"}, {{"fast", 10}, {"slow", 10}, {"k", 1}}, 1000),
                    Contains("step: 'k' names no parameter of the strategy types in play"));
  CHECK_THROWS_WITH(enumerate_grid({"sma_crossover", "sma_crossover"}, {}, 1000000),
                    Contains("strategies lists sma_crossover twice"));
  CHECK_THROWS_WITH(enumerate_grid({"sma_crossover"}, {{"fast", 49}, {"slow", 130}}, 9),
                    Contains("the grid has 10 points, more than max-points = 9"));
  CHECK_THROWS_WITH(enumerate_grid({"ts_momentum"}, {{"lookback", 1000}, {"threshold", 1}}, 1000),
                    Contains("the grid has 1 point(s); expected at least 2"));
  CHECK_THROWS_WITH(enumerate_grid({"ts_momentum"}, {{"threshold", 1e-10}}, 1000),
                    Contains("step: ts_momentum.threshold with step") &&
                        Contains("values; choose a larger step"));
  CHECK_THROWS_WITH(enumerate_grid({"rsi_reversion"}, {{"lower", 1e-3}, {"upper", 1e-3}}, 1000),
                    Contains("the grid has about 7840") &&
                        Contains(" combinations; choose larger --step values or fewer types"));
  CHECK_THROWS_AS(enumerate_grid({"no_such_type"}, {}, 1000), ConfigError);
}
