#include "genepool/cli/ranges.hpp"

#include <catch2/catch.hpp>

#include "genepool/error.hpp"
#include "genepool/strategies/strategy.hpp"

using namespace genepool;
using Catch::Matchers::Contains;
using Catch::Matchers::Equals;

namespace {

SearchSpace ranges_of(const std::string& text) {
  const app::ConfigFile file("run.toml", text, "evolve", true);
  return app::read_ranges(file);
}

std::string error_of(const std::string& text) {
  try {
    ranges_of(text);
  } catch (const ConfigError& error) {
    return error.what();
  }
  return "";
}

}  // namespace

TEST_CASE("[ranges.NAME] narrows and fixes parameters, in either TOML spelling", "[cli][ranges]") {
  const std::string text = GENERATE(std::string("ranges.sma_crossover.fast = [5, 50]\nranges.macd.signal = 9\n"),
                                    std::string("population = 8\n[ranges.sma_crossover]\nfast = [5, 50]\n"
                                                "[ranges.macd]\nsignal = 9\n"));
  const SearchSpace space = ranges_of(text);
  const StrategyType& sma = space.type(strategy_id("sma_crossover"));
  CHECK(sma.params[0].lower == 5);
  CHECK(sma.params[0].upper == 50);
  CHECK(space.type(strategy_id("macd")).params[2].lower == 9);
  CHECK(space.type(strategy_id("macd")).params[2].upper == 9);
  CHECK_THAT(app::ranges_text(space), Equals("ranges.sma_crossover.fast=[5, 50]\nranges.macd.signal=9\n"));
  CHECK_THAT(app::describe(space), Equals("sma_crossover.fast in [5, 50], macd.signal = 9"));
}

TEST_CASE("a real parameter's range may be given with integers or reals", "[cli][ranges]") {
  const SearchSpace space = ranges_of("[ranges.bollinger_reversion]\nk = [1, 2.5]\n");
  CHECK(space.type(strategy_id("bollinger_reversion")).params[1].upper == 2.5);
}

TEST_CASE("bad [ranges] entries get one line naming file, line, key, value and the valid range", "[cli][ranges]") {
  const auto [text, expected] = GENERATE(table<std::string, std::string>({
      {"population = 8\n[ranges.sma_crossover]\nfast = [1, 50]\n",
       "run.toml:3: key 'ranges.sma_crossover.fast': sma_crossover.fast = [1, 50] is outside the type's range [2, 100]"},
      {"ranges.sma_crossover.fast = [5.5, 50]\n",
       "run.toml:1: key 'ranges.sma_crossover.fast': sma_crossover.fast = [5.5, 50]: an integer parameter; expected "
       "whole numbers"},
      {"ranges.sma_crosover.fast = [5, 50]\n",
       "run.toml:1: key 'ranges.sma_crosover': unknown strategy type 'sma_crosover' (did you mean 'sma_crossover'?)"},
      {"\n[ranges.macd]\nsignl = 9\n",
       "run.toml:3: key 'ranges.macd.signl': macd has no parameter 'signl' (did you mean 'signal'?) (parameters: fast, "
       "slow, signal)"},
      {"ranges.macd.signal = \"9\"\n",
       "run.toml:1: key 'ranges.macd.signal': expected a number (the parameter fixed) or [LOWER, UPPER]"},
      {"ranges.macd.signal = [9, 10, 11]\n",
       "run.toml:1: key 'ranges.macd.signal': expected a number (the parameter fixed) or [LOWER, UPPER]"},
      {"ranges.macd = 3\n", "run.toml:1: key 'ranges.macd': expected a table of parameters"},
      {"ranges = 3\n", "run.toml:1: key 'ranges': expected tables [ranges.NAME]"},
      {"ranges.sma_crossover.fast = 60\nranges.sma_crossover.slow = [10, 60]\n",
       "run.toml:2: key 'ranges.sma_crossover.slow': sma_crossover.slow = [10, 60] leaves no value with fast < slow"},
  }));
  CHECK_THAT(error_of(text), Contains(expected));
}

TEST_CASE("without with_ranges a [ranges] table is an unknown section", "[cli][ranges]") {
  const app::ConfigFile with("run.toml", "[ranges.macd]\nsignal = 9\n", "grid", true);
  CHECK(with.line_of("ranges") == 0);
  const app::ConfigFile without("run.toml", "[ranges.macd]\nsignal = 9\n", "report");
  CHECK(without.line_of("ranges") == 1);
}
