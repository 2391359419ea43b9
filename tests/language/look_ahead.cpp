// The look-ahead check passes the built-ins and the repository's strategy files and refuses a
// position function that reads a later bar.
#include <catch2/catch.hpp>

#include <filesystem>
#include <string>

#include "genepool/io/market_data_csv.hpp"
#include "genepool/language/interpreter.hpp"
#include "genepool/language/look_ahead.hpp"
#include "genepool/language/strategy_file.hpp"
#include "helpers.hpp"

using namespace genepool;
using namespace genepool::language;

namespace {

MarketData sample() { return read_csv(std::filesystem::path(GENEPOOL_SOURCE_DIR) / "data/sample.csv", "SAMPLE"); }

std::vector<FileStrategy> repository_files() {
  std::vector<FileStrategy> all;
  for (const char* file : {"strategies/examples.toml", "strategies/builtins.toml"}) {
    for (FileStrategy& s : read_strategy_file((std::filesystem::path(GENEPOOL_SOURCE_DIR) / file).string())) {
      all.push_back(std::move(s));
    }
  }
  return all;
}

}  // namespace

TEST_CASE("the look-ahead check passes every built-in type's kernels", "[language][lookahead]") {
  const MarketData data = sample();
  for (const StrategyType& type : strategy_registry()) {
    const LookAheadVerdict reference = check_look_ahead(type, type.reference_kernel, data, {4, 6, 7});
    INFO(type.name << ": " << reference.summary(type));
    CHECK(reference.passed);
    CHECK(reference.checks == 4 * 2 * 6);
    const PositionFunction optimised = [&type](const SymbolSeries& s, const double* p, bool allow_short,
                                               std::int8_t* positions) {
      KernelScratch scratch;
      scratch.reserve(s.bars);
      run_whole_series(type, s, p, allow_short, positions, scratch);
    };
    CHECK(check_look_ahead(type, optimised, data, {4, 6, 8}).passed);
  }
}

TEST_CASE("the look-ahead check passes the repository's strategy files on the sample and real data",
          "[language][lookahead]") {
  const std::vector<MarketData> sets = {sample(), read_csv(test::shared_data("EURUSD.csv"), "EURUSD")};
  for (const FileStrategy& strategy : repository_files()) {
    const PositionFunction run = [&strategy](const SymbolSeries& s, const double* p, bool allow_short,
                                             std::int8_t* positions) { interpret(strategy, s, p, allow_short, positions); };
    for (const MarketData& data : sets) {
      const LookAheadVerdict verdict = check_look_ahead(parameter_space(strategy), run, data, {3, 5, 9});
      INFO(strategy.name << ": " << verdict.summary(parameter_space(strategy)));
      CHECK(verdict.passed);
    }
  }
}

TEST_CASE("the look-ahead check refuses a position function that reads a later bar", "[language][lookahead]") {
  const MarketData data = sample();
  const StrategyType& type = strategy_registry()[strategy_id("sma_crossover")];
  // Long when the next close is higher: a perfect, impossible foresight.
  const PositionFunction next_close = [](const SymbolSeries& s, const double*, bool, std::int8_t* positions) {
    for (std::size_t t = 0; t < s.bars; ++t) positions[t] = t + 1 < s.bars && s.close[t + 1] > s.close[t] ? 1 : 0;
  };
  const LookAheadVerdict verdict = check_look_ahead(type, next_close, data, {2, 5, 3});
  CHECK_FALSE(verdict.passed);
  CHECK(verdict.bar == verdict.cut);  // the bar just before the changed future moved
  CHECK_THAT(verdict.summary(type), Catch::Contains("FAILED: reads later bars: symbol SAMPLE, long/flat, genome {fast = 10, slow = 40}"));
  // Through volume only, and only far ahead: still caught.
  const PositionFunction later_volume = [](const SymbolSeries& s, const double*, bool, std::int8_t* positions) {
    for (std::size_t t = 0; t < s.bars; ++t) positions[t] = t + 50 < s.bars && s.volume[t + 50] > s.volume[t] ? 1 : 0;
  };
  CHECK_FALSE(check_look_ahead(type, later_volume, data).passed);
  // Through the series' length (the number of bars) alone.
  const PositionFunction length = [](const SymbolSeries& s, const double*, bool, std::int8_t* positions) {
    for (std::size_t t = 0; t < s.bars; ++t) positions[t] = s.close[s.bars - 1] > s.close[0] ? 1 : 0;
  };
  CHECK_FALSE(check_look_ahead(type, length, data).passed);
}
