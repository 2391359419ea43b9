// Execution settings: names, parsing and the one-line description the commands print.
#include <catch2/catch.hpp>

#include "genepool/backtest/execution.hpp"
#include "genepool/error.hpp"

using namespace genepool;
using Catch::Matchers::Contains;

TEST_CASE("execution names round-trip and unknown names are config errors naming the key", "[backtest]") {
  CHECK(parse_execution("close", "--execution") == Execution::close);
  CHECK(parse_execution("next_open", "--execution") == Execution::next_open);
  CHECK(parse_execution(to_string(Execution::next_open), "x") == Execution::next_open);
  CHECK(to_string(Execution::close) == "close");
  CHECK_THROWS_AS(parse_execution("open", "--execution"), ConfigError);
  CHECK_THROWS_WITH(parse_execution("foo", "--execution"),
                    Catch::Matchers::Equals("--execution: 'foo' is not one of close, next_open"));
  CHECK_THROWS_WITH(parse_execution("Close", "backtest.execution"), Contains("backtest.execution: 'Close'"));
}

TEST_CASE("execution settings describe themselves in one line, bars per year only when set", "[backtest]") {
  ExecutionSettings settings;
  CHECK(describe(settings) ==
        "close execution, cost 0 (no commission or slippage: the metrics are before costs), long/flat");
  settings.execution = Execution::next_open;
  settings.cost = 0.0005;
  settings.allow_short = true;
  settings.bars_per_year = 252;
  CHECK(describe(settings) == "next_open execution, cost 0.0005, long/short, 252 bars/year");
}
