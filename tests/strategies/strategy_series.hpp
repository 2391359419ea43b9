#pragma once
// Synthetic OHLC series for the strategy tests, built in memory from a seed.
#include <algorithm>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <random>
#include <vector>

#include "genepool/strategies/strategy.hpp"

namespace genepool::test {

struct OwnedSeries {
  std::vector<double> open, high, low, close;

  std::size_t bars() const { return close.size(); }
  SymbolSeries view() const { return {open.data(), high.data(), low.data(), close.data(), close.size()}; }

  // Appends one bar closing at `c` after a close of `previous`, with a consistent open, high and low.
  void add_bar(double previous, double c, double wick, double tick) {
    const double o = round_to(previous, tick);
    c = round_to(c, tick);
    open.push_back(o);
    close.push_back(c);
    high.push_back(std::max(o, c) + round_to(wick * std::max(o, c), tick));
    low.push_back(std::max(0.5 * std::min(o, c), std::min(o, c) - round_to(wick * std::min(o, c), tick)));
  }

  static double round_to(double x, double tick) { return tick > 0 ? std::round(x / tick) * tick : x; }
};

// Geometric random walk from `start`: log returns N(drift, volatility), prices rounded to `tick` (0: none).
// Bars from `from` on are appended to `series` (which holds the earlier ones).
inline void extend_random_walk(OwnedSeries& series, std::size_t bars, std::uint64_t seed, double start, double drift,
                               double volatility, double tick) {
  std::mt19937_64 rng(seed);
  std::normal_distribution<double> shock(drift, volatility);
  std::uniform_real_distribution<double> wick(0.0, 0.5 * volatility);
  double price = series.bars() == 0 ? start : series.close.back();
  while (series.bars() < bars) {
    const double next = std::max(price * std::exp(shock(rng)), 2 * tick);
    series.add_bar(price, next, wick(rng), tick);
    price = series.close.back();
  }
}

inline OwnedSeries random_walk(std::size_t bars, std::uint64_t seed, double tick = 0.0) {
  OwnedSeries series;
  extend_random_walk(series, bars, seed, 100.0, 0.0002, 0.015, tick);
  return series;
}

// Grows from 1 to about 1e67 over 20,000 bars.
inline OwnedSeries explosive(std::uint64_t seed) {
  OwnedSeries series;
  extend_random_walk(series, 20000, seed, 1.0, std::log(1e67) / 20000.0, 0.02, 0.0);
  return series;
}

// Rises and falls by factors of 100 every 1,500 bars.
inline OwnedSeries boom_and_bust(std::uint64_t seed) {
  OwnedSeries series;
  const double drift = std::log(100.0) / 1500.0;
  for (std::size_t leg = 0; leg < 8; ++leg) {
    extend_random_walk(series, (leg + 1) * 1500, seed + leg, 50.0, leg % 2 == 0 ? drift : -drift, 0.01, 0.0);
  }
  return series;
}

// Stretches of wild prices (10% a bar) alternating with almost still ones (0.001% a bar): a
// variance that collapses by ten orders of magnitude.
inline OwnedSeries wild_then_still(std::size_t legs, std::uint64_t seed) {
  OwnedSeries series;
  for (std::size_t leg = 0; leg < legs; ++leg) {
    extend_random_walk(series, series.bars() + 600, seed + 2 * leg, 100.0, leg % 2 == 0 ? 0.005 : -0.005, 0.10, 0.0);
    extend_random_walk(series, series.bars() + 400, seed + 2 * leg + 1, 100.0, 0.0, 1e-5, 0.0);
  }
  return series;
}

// A random walk on a one-cent grid broken by flat stretches (every price of a bar equal to the
// previous close for 20 to 300 bars), which create exact ties between indicators.
inline OwnedSeries with_flat_stretches(std::size_t bars, std::uint64_t seed) {
  OwnedSeries series;
  std::mt19937_64 rng(seed);
  std::uniform_int_distribution<std::size_t> length(20, 300);
  bool flat = false;
  while (series.bars() < bars) {
    const std::size_t end = std::min(bars, series.bars() + length(rng));
    if (flat && series.bars() > 0) {
      const double c = series.close.back();
      while (series.bars() < end) series.add_bar(c, c, 0.0, 0.01);
    } else {
      extend_random_walk(series, end, rng(), 20.0, 0.0, 0.01, 0.01);
    }
    flat = !flat;
  }
  return series;
}

// Uniformly random parameters inside the bounds, then repaired.
inline std::vector<double> random_params(const StrategyType& type, std::mt19937_64& rng) {
  std::vector<double> params(kMaxParams, 0.0);
  for (std::size_t i = 0; i < type.params.size(); ++i) {
    params[i] = std::uniform_real_distribution<double>(type.params[i].lower, type.params[i].upper)(rng);
  }
  repair(type, params.data());
  return params;
}

}  // namespace genepool::test
