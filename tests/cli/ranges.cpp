#include "genepool/cli/ranges.hpp"

#include <catch2/catch.hpp>

#include <algorithm>
#include <string>
#include <vector>

#include "genepool/cli/execution_options.hpp"
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

namespace {

// The exit genes of `text` for an evolve command whose command line is `args`.
SearchSpace exit_genes_of(const std::string& text, std::vector<std::string> args = {},
                          Sizing sizing = Sizing::unit) {
  const app::ConfigFile file("run.toml", text, "evolve", true);
  CLI::App command("evolve");
  ExecutionSettings settings;
  app::add_execution_options(command, settings);
  std::reverse(args.begin(), args.end());  // CLI11 takes them last first
  command.parse(args);
  SearchSpace space;
  app::read_exit_genes(file, command, sizing, space);
  return space;
}

std::string exit_error_of(const std::string& text, Sizing sizing = Sizing::unit) {
  try {
    exit_genes_of(text, {}, sizing);
  } catch (const ConfigError& error) {
    return error.what();
  }
  return "";
}

}  // namespace

TEST_CASE("an exit or sizing key given [low, high] is evolved, at the top level or under [evolve]", "[cli][ranges][exits]") {
  const std::string text = GENERATE(std::string("stop-loss = [0.01, 0.2]\nmax-bars = [5, 40]\ncost = 0.001\n"),
                                    std::string("[evolve]\nmax-bars = [5, 40]\nstop-loss = [0.01, 0.2]\n"));
  const SearchSpace space = exit_genes_of(text);
  REQUIRE(space.exit_genes().size() == 2);
  CHECK(space.exit_genes()[0].spec.name == "stop-loss");
  CHECK(space.exit_genes()[0].spec.upper == 0.2);
  CHECK(space.exit_genes()[1].spec.name == "max-bars");
  CHECK_THAT(app::describe(space), Equals("stop-loss in [0.01, 0.2], max-bars in [5, 40]"));
  CHECK_THAT(app::with_exit_genes("cost=0.001\nstop-loss=0\nmax-bars=0\ntake-profit=0\n", space),
             Equals("cost=0.001\nstop-loss=[0.01, 0.2]\nmax-bars=[5, 40]\ntake-profit=0\n"));
  // The config's fixed values and its ranges reach CLI11 apart: the range is no option value.
  const app::ConfigFile file("run.toml", text, "evolve", true);
  CLI::App command("evolve");
  ExecutionSettings settings;
  app::add_execution_options(command, settings);
  for (const CLI::ConfigItem& item : file.items(command)) CHECK(item.name != "stop-loss");
}

TEST_CASE("the command line fixes an exit the config evolves", "[cli][ranges][exits]") {
  const SearchSpace space = exit_genes_of("stop-loss = [0.01, 0.2]\ntake-profit = [0.05, 0.5]\n", {"--stop-loss", "0.05"});
  REQUIRE(space.exit_genes().size() == 1);
  CHECK(space.exit_genes()[0].gene == ExitGene::take_profit);
}

TEST_CASE("bad evolved exits get one line naming file, line, key and what was expected", "[cli][ranges][exits]") {
  CHECK_THAT(exit_error_of("population = 8\nstop-loss = [0.2]\n"),
             Equals("run.toml:2: key 'stop-loss': expected a number (the value fixed) or [LOWER, UPPER] (the value "
                    "evolved)"));
  CHECK_THAT(exit_error_of("stop-loss = [\"a\", 0.2]\n"), Contains("run.toml:1: key 'stop-loss': expected a number"));
  CHECK_THAT(exit_error_of("take-profit = [0.5, 0.1]\n"),
             Equals("run.toml:1: key 'take-profit': take-profit = [0.5, 0.1]: expected [lower, upper] with lower <= "
                    "upper"));
  CHECK_THAT(exit_error_of("max-bars = [1, 2.5]\n"), Contains("run.toml:1: key 'max-bars': ") && Contains("whole"));
  CHECK_THAT(exit_error_of("target-vol = [0.05, 0.3]\n"),
             Equals("run.toml:1: key 'target-vol': evolves the vol-target sizing, which is off; expected sizing = "
                    "\"vol-target\""));
  CHECK(exit_genes_of("target-vol = [0.05, 0.3]\n", {}, Sizing::vol_target).exit_genes().size() == 1);
}

TEST_CASE("commands that take one value refuse an exit range: the grid, and configs without ranges", "[cli][ranges][exits]") {
  const app::ConfigFile grid("grid.toml", "population = 8\nstop-loss = [0.01, 0.2]\n", "grid", true);
  CHECK_THROWS_WITH(app::refuse_exit_genes(grid),
                    Equals("grid.toml:2: key 'stop-loss': a range [low, high] evolves a value in `genepool evolve`; "
                           "`genepool grid` takes one value: expected a number"));
  CHECK_NOTHROW(app::refuse_exit_genes(app::ConfigFile("grid.toml", "stop-loss = 0.05\n", "grid", true)));
  const app::ConfigFile plain("other.toml", "stop-loss = [0.01, 0.2]\n", "backtest", false);
  CLI::App command("backtest");
  ExecutionSettings settings;
  app::add_execution_options(command, settings);
  CHECK_THROWS_WITH(plain.items(command), Contains("other.toml:1: key 'stop-loss': a range [low, high] evolves a value"));
}
