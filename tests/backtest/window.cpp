// Date windows (docs/metrics.md, "Date windows"): an account opening at a later bar of the data,
// its indicators warmed up on the bars before, agrees with the reference and covers its bars only.
#include <catch2/catch.hpp>

#include <cstring>
#include <random>
#include <vector>

#include "genepool/backtest/backtest.hpp"
#include "genepool/backtest/backtest_reference.hpp"
#include "genepool/data/availability.hpp"
#include "genepool/data/bar_window.hpp"
#include "genepool/data/synthetic.hpp"
#include "genepool/error.hpp"
#include "genepool/io/market_data_io.hpp"
#include "agreement.hpp"
#include "helpers.hpp"

using namespace genepool;
using test::disagreements;
using test::random_genome;

namespace {

ExecutionSettings settings_for(int combination, std::size_t start) {
  ExecutionSettings s;
  s.execution = (combination & 1) ? Execution::next_open : Execution::close;
  s.allow_short = (combination & 2) != 0;
  s.cost = (combination & 4) ? 0.001 : 0.0;
  s.bars_per_year = 252;
  s.account_start = start;
  return s;
}

}  // namespace

TEST_CASE("an account opening at a later bar: the metrics of its bars, with the indicators warmed up before",
          "[backtest][window]") {
  SyntheticSpec spec;
  spec.symbols = 3;
  spec.bars = 2600;
  spec.seed = 8;
  const MarketData data = generate_synthetic(spec);
  std::mt19937_64 rng(41);
  // Starts inside the first chunk, on a chunk boundary, past it, and two bars before the end.
  for (const std::size_t start : {std::size_t{300}, std::size_t{1024}, std::size_t{1500}, std::size_t{2598}}) {
    for (int c = 0; c < 8; ++c) {
      const ExecutionSettings settings = settings_for(c, start);
      Backtester tester(data, settings);
      std::vector<Genome> genomes;
      for (std::uint32_t type = 0; type < strategy_registry().size(); ++type) genomes.push_back(random_genome(type, rng));
      std::vector<Metrics> batch(genomes.size());
      tester.evaluate(genomes, batch);
      for (std::size_t i = 0; i < genomes.size(); ++i) {
        INFO("start " << start << ", combination " << c << ", type " << strategy_registry()[genomes[i].strategy].name);
        BacktestCurve curve;
        const Metrics fast = tester.evaluate(genomes[i], curve);
        const Metrics reference = reference_backtest(data, settings, genomes[i]);
        CHECK(disagreements(fast, reference) == "");
        CHECK(std::memcmp(&batch[i], &fast, sizeof(Metrics)) == 0);
        CHECK(fast.bars == static_cast<double>(spec.bars - 1 - start));
        // The account is flat before it opens, and its equity starts there.
        for (std::size_t t = 0; t < start; ++t) CHECK(curve.positions.row(static_cast<Eigen::Index>(t)).isZero());
        CHECK(curve.equity[start] == 1.0);
        // The same decisions as a backtest of the whole data from the account's first bar on: the warm-up
        // is real history, not a fresh start.
        ExecutionSettings whole = settings;
        whole.account_start = 0;
        BacktestCurve whole_curve;
        Backtester(data, whole).evaluate(genomes[i], whole_curve);
        const auto rows = static_cast<Eigen::Index>(spec.bars - start);
        CHECK(curve.positions.bottomRows(rows) == whole_curve.positions.bottomRows(rows));
      }
    }
  }
  ExecutionSettings late = settings_for(0, 2599);
  CHECK_THROWS_AS(Backtester(data, late), ConfigError);
}

TEST_CASE("an account opening inside a union panel agrees with the reference on NVDA, YHOO and GOOG",
          "[backtest][window][availability]") {
  const MarketData data = load_market_data({test::shared_data("nvda-1999-2014.txt"), test::shared_data("yhoo-1996-2014.txt"),
                                            test::shared_data("GOOG.csv")});
  REQUIRE(data.live.size() != 0);
  std::mt19937_64 rng(17);
  for (const std::size_t start : {std::size_t{500}, std::size_t{2200}}) {
    const MarketData until = slice(data, {0, 4000});  // --end: nothing after bar 3999 is read
    for (const int c : {0, 1, 6}) {
      const ExecutionSettings settings = settings_for(c, start);
      Backtester tester(until, settings);
      for (std::uint32_t type = 0; type < strategy_registry().size(); ++type) {
        const Genome genome = random_genome(type, rng);
        INFO("start " << start << ", combination " << c << ", type " << strategy_registry()[type].name);
        CHECK(disagreements(tester.evaluate(genome), reference_backtest(until, settings, genome)) == "");
      }
    }
  }
}

TEST_CASE("split and walk-forward folds lie inside the window", "[window][validation]") {
  std::vector<std::int64_t> timestamps(100);
  for (std::size_t i = 0; i < timestamps.size(); ++i) timestamps[i] = static_cast<std::int64_t>(i) * 86400;
  SplitSettings split;
  split.test_fraction = 0.25;
  split.first_bar = 20;
  const Split resolved = resolve_split(split, timestamps);
  CHECK(resolved.test == BarWindow{80, 100});  // a quarter of the window's 80 bars
  CHECK(resolved.train == BarWindow{0, 80});    // the warm-up before the window stays in training
  WalkForwardSettings folds;
  folds.folds = 3;
  folds.first_bar = 20;
  const auto windows = walk_forward_folds(folds, 80);
  REQUIRE(windows.size() == 3);
  CHECK(windows.front().train.begin == 20);
  CHECK(windows.back().test.end <= 80);
  split.first_bar = 99;
  CHECK_THROWS_AS(resolve_split(split, timestamps), ConfigError);
}
