// ema_crossover: long while the fast exponential moving average is above the slow one.
#include <algorithm>
#include <vector>

#include "indicators.hpp"
#include "kernels.hpp"

namespace genepool::strategies {

using namespace indicators;

StrategyType ema_crossover_type() {
  return {"ema_crossover",
          "long while the fast exponential moving average is above the slow one (short while below)",
          {{"fast", ParamKind::integer, 2, 100, 12, "span of the fast moving average, alpha = 2 / (fast + 1)"},
           {"slow", ParamKind::integer, 5, 400, 26, "span of the slow moving average, alpha = 2 / (slow + 1)"}},
          {{0, 1}},
          ema_crossover_kernel,
          ema_crossover_reference};
}

void ema_crossover_kernel(const SymbolSeries& series, const double* params, bool allow_short,
                          std::int8_t* positions, KernelScratch& /*scratch*/) {
  const std::size_t fast = length_of(params[0]);
  const std::size_t slow = length_of(params[1]);
  const std::size_t bars = series.bars;
  const std::size_t first = slow - 1;  // first bar with both averages defined
  std::fill(positions, positions + std::min(first, bars), std::int8_t{0});
  if (bars <= first) return;

  const double* close = series.close;
  const double alpha_fast = ema_alpha(fast);
  const double alpha_slow = ema_alpha(slow);
  double ema_fast = window_sum(close, 0, fast) / static_cast<double>(fast);
  for (std::size_t t = fast; t <= first; ++t) ema_fast = ema_step(ema_fast, close[t], alpha_fast);
  double ema_slow = window_sum(close, 0, slow) / static_cast<double>(slow);
  positions[first] = crossover_position(ema_fast, ema_slow, allow_short);
  for (std::size_t t = first + 1; t < bars; ++t) {
    ema_fast = ema_step(ema_fast, close[t], alpha_fast);
    ema_slow = ema_step(ema_slow, close[t], alpha_slow);
    positions[t] = crossover_position(ema_fast, ema_slow, allow_short);
  }
}

namespace {

// EMA of close with span n: undefined (0) before bar n - 1, the SMA of the first n closes at n - 1.
std::vector<double> ema_series(const SymbolSeries& series, std::size_t n) {
  std::vector<double> ema(series.bars, 0.0);
  if (series.bars < n) return ema;
  ema[n - 1] = window_sum(series.close, 0, n) / static_cast<double>(n);
  for (std::size_t t = n; t < series.bars; ++t) ema[t] = ema_step(ema[t - 1], series.close[t], ema_alpha(n));
  return ema;
}

}  // namespace

void ema_crossover_reference(const SymbolSeries& series, const double* params, bool allow_short,
                             std::int8_t* positions) {
  const std::size_t fast = length_of(params[0]);
  const std::size_t slow = length_of(params[1]);
  const std::vector<double> ema_fast = ema_series(series, fast);
  const std::vector<double> ema_slow = ema_series(series, slow);
  for (std::size_t t = 0; t < series.bars; ++t) {
    positions[t] = t + 1 < slow ? std::int8_t{0} : crossover_position(ema_fast[t], ema_slow[t], allow_short);
  }
}

}  // namespace genepool::strategies
