// Panels of symbols with different histories (docs/metrics.md, "Panels"): a symbol is flat where it
// cannot hold a position, the portfolio is over the symbols live at each bar, and the optimised
// Backtester agrees with the reference on random panels with late starts, early ends and gaps.
#include <catch2/catch.hpp>

#include <cmath>
#include <cstring>
#include <limits>
#include <random>
#include <vector>

#include "genepool/backtest/backtest.hpp"
#include "genepool/backtest/backtest_reference.hpp"
#include "genepool/data/availability.hpp"
#include "genepool/data/synthetic.hpp"
#include "agreement.hpp"

using namespace genepool;
using test::disagreements;
using test::random_genome;
using test::settings_for;

namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

void remove_bars(MarketData& data, Eigen::Index k, Eigen::Index begin, Eigen::Index end) {
  for (PriceMatrix* field : {&data.open, &data.high, &data.low, &data.close, &data.volume})
    for (Eigen::Index t = begin; t < end; ++t) (*field)(t, k) = kNaN;
}

// Five symbols: SYN1 whole; SYN2 from bar 400; SYN3 until bar 2500; SYN4 with gaps of 3 and of 40
// bars; SYN5 late, early and with random gaps of 1 to 12 bars. Gaps above `max_gap` are flat.
MarketData ragged_panel(std::uint64_t seed, std::size_t max_gap) {
  SyntheticSpec spec;
  spec.symbols = 5;
  spec.bars = 3000;
  spec.seed = seed;
  MarketData data = generate_synthetic(spec);
  remove_bars(data, 1, 0, 400);
  remove_bars(data, 2, 2500, 3000);
  remove_bars(data, 3, 1000, 1003);
  remove_bars(data, 3, 1500, 1540);
  remove_bars(data, 4, 0, 150);
  remove_bars(data, 4, 2800, 3000);
  std::mt19937_64 rng(seed);
  for (int g = 0; g < 30; ++g) {
    const auto at = static_cast<Eigen::Index>(200 + rng() % 2500);
    remove_bars(data, 4, at, at + 1 + static_cast<Eigen::Index>(rng() % 12));
  }
  fill_missing(data, max_gap, "ragged panel");
  validate(data, "ragged panel");
  return data;
}

}  // namespace

TEST_CASE("union panel: a late symbol is flat before its first bar and the portfolio is over the live symbols",
          "[backtest][availability]") {
  // A: closes 100 110 121 121; B: no bar at 0 and 1, then 50 and 55. Both always long.
  MarketData data;
  data.symbols = {"A", "B"};
  data.timestamps = {0, 86400, 2 * 86400, 3 * 86400};
  data.close.resize(4, 2);
  data.close << 100, kNaN, 110, kNaN, 121, 50, 121, 55;
  data.open = data.close;
  data.high = data.close;
  data.low = data.close;
  data.volume = PriceMatrix::Constant(4, 2, 1000);
  data.volume(0, 1) = data.volume(1, 1) = kNaN;
  const auto report = fill_missing(data, 5, "example");
  validate(data, "example");
  CHECK(report[1].before == 2);
  PositionMatrix positions = PositionMatrix::Ones(4, 2);
  ExecutionSettings settings;
  settings.bars_per_year = 252;
  BacktestCurve curve;
  const Metrics m = reference_backtest_positions(data, settings, positions, &curve);
  // Intervals 1 and 2: A alone (B is not live at bars 0 and 1); interval 3: A (0) and B (+10%) by halves.
  CHECK(curve.returns[1] == Approx(0.1).epsilon(1e-15));
  CHECK(curve.returns[2] == Approx(0.1).epsilon(1e-15));
  CHECK(curve.returns[3] == Approx(0.05).epsilon(1e-15));
  CHECK(m.total_return == Approx(1.1 * 1.1 * 1.05 - 1).epsilon(1e-15));
  CHECK(curve.positions(0, 1) == 0);  // flat where it cannot hold a position
  CHECK(curve.positions(1, 1) == 0);
  CHECK(m.exposure == 1.0);           // 4 of the 4 live (interval, symbol) pairs held
  CHECK(m.trades == 2);
  CHECK(m.buy_and_hold == Approx((0.21 + 0.1) / 2).epsilon(1e-15));
  settings.cost = 0.001;  // entries at close 0 (A) and close 2 (B), paid in intervals 1 and 3
  const Metrics costly = reference_backtest_positions(data, settings, positions, &curve);
  CHECK(curve.returns[1] == Approx(0.099).epsilon(1e-15));
  CHECK(curve.returns[3] == Approx(0.0495).epsilon(1e-15));
  Backtester tester(data, settings);
  Genome genome;  // sma_crossover with a slow average longer than the data: never trades
  genome.strategy = 0;
  genome.params[0] = 2;
  genome.params[1] = 10;
  CHECK(disagreements(tester.evaluate(genome), reference_backtest(data, tester.settings(), genome)) == "");
  CHECK(costly.trades == 2);
}

TEST_CASE("union panel: across a gap longer than max-gap the position is flat and earns nothing",
          "[backtest][availability]") {
  // One symbol missing bars 2 and 3 (max-gap 1): the position closes at bar 1 and reopens at bar 4.
  MarketData data;
  data.symbols = {"A", "B"};
  data.timestamps = {0, 86400, 2 * 86400, 3 * 86400, 4 * 86400, 5 * 86400};
  data.close.resize(6, 2);
  data.close << 100, 10, 100, 10, kNaN, 10, kNaN, 10, 200, 10, 220, 10;
  data.open = data.high = data.low = data.close;
  data.volume = PriceMatrix::Zero(6, 2);
  fill_missing(data, 1, "gap");
  PositionMatrix positions = PositionMatrix::Ones(6, 2);
  ExecutionSettings settings;
  settings.bars_per_year = 252;
  BacktestCurve curve;
  reference_backtest_positions(data, settings, positions, &curve);
  // The doubling from 100 to 200 happens across the gap: not earned. From bar 4 to 5, A earns 10%.
  for (int i = 1; i <= 4; ++i) CHECK(curve.returns[static_cast<std::size_t>(i)] == 0.0);
  CHECK(curve.returns[5] == Approx(0.05).epsilon(1e-15));
  CHECK(curve.positions(1, 0) == 0);
  CHECK(curve.positions(4, 0) == 1);
  // A gap within max-gap is held across: the jump is earned.
  MarketData held = data;
  held.close << 100, 10, 100, 10, kNaN, 10, kNaN, 10, 200, 10, 220, 10;
  held.open = held.high = held.low = held.close;
  fill_missing(held, 2, "gap");
  CHECK(held.live.size() == 0);
  reference_backtest_positions(held, settings, positions, &curve);
  CHECK(curve.returns[4] == Approx(0.5).epsilon(1e-15));
}

TEST_CASE("Backtester agrees with the reference on random panels with late starts, early ends and gaps",
          "[backtest][availability]") {
  std::mt19937_64 rng(1812);
  for (const std::size_t max_gap : {std::size_t{0}, std::size_t{5}}) {
    const MarketData data = ragged_panel(31 + max_gap, max_gap);
    REQUIRE(data.live.size() != 0);
    for (int c = 0; c < 8; ++c) {
      Backtester tester(data, settings_for(c));
      std::vector<Genome> genomes;
      for (std::uint32_t type = 0; type < strategy_registry().size(); ++type)
        for (int j = 0; j < 3; ++j) genomes.push_back(random_genome(type, rng));
      std::vector<Metrics> batch(genomes.size());
      tester.evaluate(genomes, batch);
      for (std::size_t i = 0; i < genomes.size(); ++i) {
        const Genome& genome = genomes[i];
        INFO("max-gap " << max_gap << ", combination " << c << ", type " << strategy_registry()[genome.strategy].name);
        BacktestCurve reference_curve;
        const Metrics reference = reference_backtest(data, tester.settings(), genome, &reference_curve);
        BacktestCurve curve;
        const Metrics fast = tester.evaluate(genome, curve);
        CHECK(disagreements(fast, reference) == "");
        CHECK(std::memcmp(&batch[i], &fast, sizeof(Metrics)) == 0);
        CHECK(curve.positions == reference_curve.positions);
        for (Eigen::Index k = 0; k < data.symbol_count(); ++k)
          for (Eigen::Index t = 0; t < data.bars(); ++t)
            if (data.live(t, k) == 0) CHECK(curve.positions(t, k) == 0);
      }
      // Exits and sizing: each symbol's decisions through the fill rules.
      ExecutionSettings exits = settings_for(c);
      exits.exits.stop_loss = 0.05;
      exits.exits.max_bars = 30;
      if (c % 2 == 0) {
        exits.exits.sizing = Sizing::vol_target;
        exits.exits.target_vol = 0.2;
        exits.exits.vol_window = 20;
        exits.exits.leverage_cap = 2;
      }
      Backtester managed(data, exits);
      for (std::size_t i = 0; i < genomes.size(); i += 4) {
        INFO("exits, max-gap " << max_gap << ", combination " << c);
        CHECK(disagreements(managed.evaluate(genomes[i]), reference_backtest(data, managed.settings(), genomes[i])) == "");
      }
    }
  }
}

TEST_CASE("Backtester on a union panel given the data's tables gives the bits of one that makes its own",
          "[backtest][availability][tables]") {
  const MarketData data = ragged_panel(5, 5);
  std::mt19937_64 rng(3);
  for (const int c : {0, 1}) {
    const ExecutionSettings settings = settings_for(c);
    const auto bars = static_cast<std::size_t>(data.bars());
    const auto symbols = static_cast<std::size_t>(data.symbol_count());
    std::vector<double> storage(BacktestTables::doubles(bars, symbols, settings.execution, true));
    const BacktestTables tables = BacktestTables::fill(data, settings.execution, storage.data());
    REQUIRE(tables.members != nullptr);
    Backtester given(data, settings, tables);
    Backtester own(data, settings);
    for (int i = 0; i < 10; ++i) {
      const Genome genome = random_genome(static_cast<std::uint32_t>(rng() % strategy_registry().size()), rng);
      const Metrics a = given.evaluate(genome);
      const Metrics b = own.evaluate(genome);
      CHECK(std::memcmp(&a, &b, sizeof(Metrics)) == 0);
    }
    // Tables made without availability are refused.
    std::vector<double> plain(BacktestTables::doubles(bars, symbols, settings.execution));
    SyntheticSpec spec;
    spec.symbols = 5;
    spec.bars = 3000;
    const MarketData whole = generate_synthetic(spec);
    CHECK_THROWS_AS(Backtester(data, settings, BacktestTables::fill(whole, settings.execution, plain.data())),
                    std::logic_error);
  }
}
