#include <catch2/catch.hpp>

#include <vector>

#include "genepool/strategies/strategy.hpp"
#include "strategy_series.hpp"

using namespace genepool;

namespace {

// Closes with high = close + 0.5 and low = close - 0.5 (open = close).
test::OwnedSeries from_closes(const std::vector<double>& closes) {
  test::OwnedSeries series;
  series.close = closes;
  series.open = closes;
  for (const double c : closes) {
    series.high.push_back(c + 0.5);
    series.low.push_back(c - 0.5);
  }
  return series;
}

// Positions from both kernels; they must agree.
std::vector<int> positions_of(const char* name, const test::OwnedSeries& series, std::vector<double> params,
                              bool allow_short) {
  const StrategyType& type = strategy_registry()[strategy_id(name)];
  params.resize(kMaxParams, 0.0);
  std::vector<std::int8_t> fast(series.bars(), 9);
  std::vector<std::int8_t> reference(series.bars(), 9);
  KernelScratch scratch;
  scratch.reserve(series.bars());
  run_whole_series(type, series.view(), params.data(), allow_short, fast.data(), scratch);
  type.reference_kernel(series.view(), params.data(), allow_short, reference.data());
  CHECK(fast == reference);
  return {reference.begin(), reference.end()};
}

using Positions = std::vector<int>;

}  // namespace

// NOTE: small windows keep these cases checkable by hand; the kernels work for any window lengths
// the rules define, even below the registry's lower bounds.

TEST_CASE("sma_crossover follows the fast average against the slow one", "[strategy][rules]") {
  const auto series = from_closes({1, 2, 3, 4, 3, 2, 1, 1, 1});
  CHECK(positions_of("sma_crossover", series, {2, 3}, true) == Positions{0, 0, 1, 1, 1, -1, -1, -1, 0});
  CHECK(positions_of("sma_crossover", series, {2, 3}, false) == Positions{0, 0, 1, 1, 1, 0, 0, 0, 0});
}

TEST_CASE("sma_crossover decides at the edge of the tie band as the reference does", "[strategy][rules]") {
  // At the last bar SMA(2) - SMA(3) = (1 - x0) / 3, which crosses kTieTolerance * SMA(3) as x0
  // passes 1 - 3e-10; the leading bars make the optimised kernel's sums slide there.
  std::vector<int> last;
  for (int step = -20; step <= 20; ++step) {
    const double x0 = 1.0 - 3e-10 * (1.0 + step * 1e-6);
    INFO("x0 = " << x0);
    last.push_back(positions_of("sma_crossover", from_closes({2.5, 0.7, 1.9, x0, 1, 1}), {2, 3}, true).back());
  }
  CHECK(last.front() == 0);
  CHECK(last.back() == 1);
}

TEST_CASE("ema_crossover seeds each average with the SMA of its first closes", "[strategy][rules]") {
  const auto series = from_closes({1, 2, 3, 4, 3, 2, 1});
  CHECK(positions_of("ema_crossover", series, {2, 3}, true) == Positions{0, 0, 1, 1, 1, -1, -1});
  CHECK(positions_of("ema_crossover", series, {2, 3}, false) == Positions{0, 0, 1, 1, 1, 0, 0});
}

TEST_CASE("rsi_reversion enters below 'lower', leaves above 'upper' and holds between", "[strategy][rules]") {
  const auto series = from_closes({10, 11, 12, 11, 10, 9, 10, 11, 12});
  // RSI from bar 2: 100, 50, 25, 12.5, 56.25, 78.125, 89.0625.
  CHECK(positions_of("rsi_reversion", series, {2, 30, 70}, true) == Positions{0, 0, -1, -1, 1, 1, 1, -1, -1});
  CHECK(positions_of("rsi_reversion", series, {2, 30, 70}, false) == Positions{0, 0, 0, 0, 1, 1, 1, 0, 0});
  // Flat prices: no gain, no loss, RSI 50, no position.
  CHECK(positions_of("rsi_reversion", from_closes({5, 5, 5, 5, 5}), {2, 30, 70}, true) == Positions{0, 0, 0, 0, 0});
}

TEST_CASE("bollinger_reversion enters outside a band and leaves at the middle band", "[strategy][rules]") {
  const auto series = from_closes({10, 10, 10, 7, 8, 9, 9, 9, 9});
  CHECK(positions_of("bollinger_reversion", series, {3, 1}, true) == Positions{0, 0, 0, 1, 1, -1, -1, 0, 0});
  CHECK(positions_of("bollinger_reversion", series, {3, 1}, false) == Positions{0, 0, 0, 1, 1, 0, 0, 0, 0});
}

TEST_CASE("bollinger_reversion treats a close exactly on a band as no signal", "[strategy][rules]") {
  // One close 0.01 off four equal ones: mean +- 2 sd lands exactly on it (sd = 0.004).
  CHECK(positions_of("bollinger_reversion", from_closes({100, 100, 100, 100, 100.01}), {5, 2}, true) ==
        Positions{0, 0, 0, 0, 0});
  CHECK(positions_of("bollinger_reversion", from_closes({100, 100, 100, 100, 99.99}), {5, 2}, true) ==
        Positions{0, 0, 0, 0, 0});
  // A little further out is a signal.
  CHECK(positions_of("bollinger_reversion", from_closes({100, 100, 100, 100, 100.011}), {5, 1.99}, true) ==
        Positions{0, 0, 0, 0, -1});
}

TEST_CASE("donchian_breakout enters on a channel break and leaves on the exit channel", "[strategy][rules]") {
  const auto series = from_closes({10, 10, 10, 11, 12, 11.2, 10.4, 9, 8, 9.1, 10});
  CHECK(positions_of("donchian_breakout", series, {3, 2}, true) == Positions{0, 0, 0, 1, 1, 1, -1, -1, -1, -1, 1});
  CHECK(positions_of("donchian_breakout", series, {3, 2}, false) == Positions{0, 0, 0, 1, 1, 1, 0, 0, 0, 0, 1});
}

TEST_CASE("macd compares the MACD line with its signal line inside a price-scaled tie band", "[strategy][rules]") {
  // MACD equals its seeded signal line at bar 3: a tie, no position.
  CHECK(positions_of("macd", from_closes({1, 2, 3, 4, 3, 2, 1}), {2, 3, 2}, true) == Positions{0, 0, 0, 0, -1, -1, -1});
  CHECK(positions_of("macd", from_closes({1, 2, 3, 4, 3, 2, 1}), {2, 3, 2}, false) == Positions{0, 0, 0, 0, 0, 0, 0});
  CHECK(positions_of("macd", from_closes({3, 2, 1, 2, 3, 4, 5}), {2, 3, 2}, false) == Positions{0, 0, 0, 1, 1, 1, 1});
}

TEST_CASE("ts_momentum takes the sign of the lookback return beyond the threshold", "[strategy][rules]") {
  const auto series = from_closes({100, 100, 106, 100, 94, 100, 100});
  CHECK(positions_of("ts_momentum", series, {2, 0.05}, true) == Positions{0, 0, 1, 0, -1, 0, 1});
  CHECK(positions_of("ts_momentum", series, {2, 0.05}, false) == Positions{0, 0, 1, 0, 0, 0, 1});
  CHECK(positions_of("ts_momentum", from_closes({7, 7, 7, 7}), {2, 0}, true) == Positions{0, 0, 0, 0});
}

TEST_CASE("every strategy is flat on a series shorter than its warm-up", "[strategy][rules]") {
  for (const StrategyType& type : strategy_registry()) {
    INFO(type.name);
    std::vector<double> params(kMaxParams, 0.0);
    for (std::size_t i = 0; i < type.params.size(); ++i) params[i] = type.params[i].default_value;
    for (const std::size_t bars : {0, 1, 2, 5}) {
      const test::OwnedSeries series = test::random_walk(bars, 3);
      std::vector<std::int8_t> fast(bars, 9);
      std::vector<std::int8_t> reference(bars, 9);
      KernelScratch scratch;
      scratch.reserve(bars);
      run_whole_series(type, series.view(), params.data(), true, fast.data(), scratch);
      type.reference_kernel(series.view(), params.data(), true, reference.data());
      CHECK(fast == std::vector<std::int8_t>(bars, 0));
      CHECK(reference == std::vector<std::int8_t>(bars, 0));
    }
  }
}
