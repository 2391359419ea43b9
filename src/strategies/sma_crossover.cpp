// sma_crossover: long while the fast simple moving average is above the slow one.
#include <algorithm>
#include <cmath>

#include "indicators.hpp"
#include "kernels.hpp"

namespace genepool::strategies {

using namespace indicators;

StrategyType sma_crossover_type() {
  return {"sma_crossover",
          "long while the fast simple moving average is above the slow one (short while below)",
          {{"fast", ParamKind::integer, 2, 100, 10, "bars in the fast moving average"},
           {"slow", ParamKind::integer, 10, 400, 40, "bars in the slow moving average"}},
          {{0, 1}},
          sma_crossover_kernel,
          sma_crossover_reference};
}

void sma_crossover_kernel(const SymbolSeries& series, const double* params, bool allow_short,
                          std::int8_t* positions, KernelScratch& /*scratch*/) {
  const std::size_t fast = length_of(params[0]);
  const std::size_t slow = length_of(params[1]);
  const std::size_t bars = series.bars;
  const std::size_t first = slow - 1;  // first bar with both averages defined
  std::fill(positions, positions + std::min(first, bars), std::int8_t{0});
  if (bars <= first) return;

  const double* close = series.close;
  const double fast_n = static_cast<double>(fast);
  const double slow_n = static_cast<double>(slow);
  const double inv_fast = 1.0 / fast_n;
  const double inv_slow = 1.0 / slow_n;
  double sum_fast = window_sum(close, first + 1 - fast, fast);
  double sum_slow = window_sum(close, first + 1 - slow, slow);
  double churn_fast = 0.0;
  double churn_slow = 0.0;
  for (std::size_t t = first; t < bars; ++t) {
    if (t != first) {
      sum_fast += close[t] - close[t - fast];
      sum_slow += close[t] - close[t - slow];
      churn_fast += std::fabs(sum_fast);
      churn_slow += std::fabs(sum_slow);
      if (churn_fast > kChurnLimit * std::fabs(sum_fast) || churn_slow > kChurnLimit * std::fabs(sum_slow))
          [[unlikely]] {
        sum_fast = window_sum(close, t + 1 - fast, fast);
        sum_slow = window_sum(close, t + 1 - slow, slow);
        churn_fast = 0.0;
        churn_slow = 0.0;
      }
    }
    const double a = sum_fast * inv_fast;
    const double b = sum_slow * inv_slow;
    const double up = margin(a, b);
    const double down = margin(b, a);
    const bool unsure = std::fabs(up) <= kMeanRecheckBand * std::fabs(b) ||
                        (allow_short && std::fabs(down) <= kMeanRecheckBand * std::fabs(a));
    if (unsure) [[unlikely]] {
      // As the reference computes it.
      positions[t] = crossover_position(window_sum(close, t + 1 - fast, fast) / fast_n,
                                        window_sum(close, t + 1 - slow, slow) / slow_n, allow_short);
    } else {
      positions[t] = static_cast<std::int8_t>(static_cast<int>(up > 0.0) - static_cast<int>(allow_short && down > 0.0));
    }
  }
}

void sma_crossover_reference(const SymbolSeries& series, const double* params, bool allow_short,
                             std::int8_t* positions) {
  const std::size_t fast = length_of(params[0]);
  const std::size_t slow = length_of(params[1]);
  for (std::size_t t = 0; t < series.bars; ++t) {
    if (t + 1 < slow) {
      positions[t] = 0;
      continue;
    }
    const double sma_fast = window_sum(series.close, t + 1 - fast, fast) / static_cast<double>(fast);
    const double sma_slow = window_sum(series.close, t + 1 - slow, slow) / static_cast<double>(slow);
    positions[t] = crossover_position(sma_fast, sma_slow, allow_short);
  }
}

}  // namespace genepool::strategies
