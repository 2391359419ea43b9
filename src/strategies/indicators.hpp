#pragma once
// Indicator arithmetic shared by the optimised kernels and their references. Recursive
// indicators (EMA, Wilder averages) are computed by both through these functions, so both do
// the same operations in the same order and get bit-identical values.
#include <cmath>
#include <cstddef>
#include <cstdint>

#include "genepool/strategies/strategy.hpp"

namespace genepool::indicators {

// NOTE: the optimised kernels keep sliding sums, which differ from the reference's fresh window
// sums by rounding. A running sum is recomputed exactly once the magnitudes it has held since
// its last exact computation add up to more than kChurnLimit times its current magnitude: each
// step rounds by at most about eps times the magnitude it holds, so its relative error stays
// below ~kChurnLimit * eps = 2e-13 even when prices fall a hundredfold or a variance collapses.
// With steady prices that is a recomputation every ~kChurnLimit bars.
inline constexpr double kChurnLimit = 1024.0;

// A decision whose margin (see `margin`) lies within a band of zero, relative to the price, is
// recomputed from exact window sums as the reference computes it, so both kernels always agree.
// Both bands are far wider than the drift above. The mean band is far narrower than
// kTieTolerance, so an exact tie of two averages (margin -kTieTolerance * price) is decided
// without a recomputation.
inline constexpr double kMeanRecheckBand = 1e-11;    // decisions on moving averages
inline constexpr double kSpreadRecheckBand = 1e-7;  // decisions involving a standard deviation

// exceeds(a, b) is margin(a, b) > 0, in floating point too: (a - b) > kTieTolerance * |b|.
inline double margin(double a, double b) { return (a - b) - kTieTolerance * std::fabs(b); }

// Sum of x[first], x[first + 1], ..., x[first + n - 1], added in that order.
inline double window_sum(const double* x, std::size_t first, std::size_t n) {
  double sum = 0.0;
  for (std::size_t i = first; i < first + n; ++i) sum += x[i];
  return sum;
}

// Sum of squared deviations from `mean` of x[first .. first + n), in order.
inline double window_squared_deviations(const double* x, std::size_t first, std::size_t n, double mean) {
  double sum = 0.0;
  for (std::size_t i = first; i < first + n; ++i) {
    const double d = x[i] - mean;
    sum += d * d;
  }
  return sum;
}

// Mean and population standard deviation of a window, by two passes.
struct WindowStats {
  double mean;
  double sd;
};
inline WindowStats window_stats(const double* x, std::size_t first, std::size_t n) {
  const double count = static_cast<double>(n);
  const double mean = window_sum(x, first, n) / count;
  return {mean, std::sqrt(window_squared_deviations(x, first, n, mean) / count)};
}

// EMA smoothing factor 2 / (n + 1) and one step of the recursion.
inline double ema_alpha(std::size_t n) { return 2.0 / (static_cast<double>(n) + 1.0); }
inline double ema_step(double previous, double x, double alpha) { return previous + alpha * (x - previous); }

// Wilder's smoothing: (average * (period - 1) + x) / period.
inline double wilder_step(double average, double x, double period) { return (average * (period - 1.0) + x) / period; }
inline double gain_of(double change) { return change > 0.0 ? change : 0.0; }
inline double loss_of(double change) { return change < 0.0 ? -change : 0.0; }
// RSI from the average gain and loss: 100 - 100 / (1 + gain / loss); 100 when loss is 0, 50 when both are.
inline double rsi_of(double average_gain, double average_loss) {
  if (average_loss == 0.0) return average_gain == 0.0 ? 50.0 : 100.0;
  return 100.0 - 100.0 / (1.0 + average_gain / average_loss);
}

// +1 when a exceeds b, -1 when b exceeds a and shorts are allowed, else 0.
inline std::int8_t crossover_position(double a, double b, bool allow_short) {
  return static_cast<std::int8_t>(static_cast<int>(exceeds(a, b)) - static_cast<int>(allow_short && exceeds(b, a)));
}

// A sum kept as an unevaluated pair hi + lo (|lo| <= ulp(hi) / 2): about 106 bits, so prefix sums
// of a long series still give window sums accurate to a few ulps by subtraction.
struct DoubleDouble {
  double hi = 0.0;
  double lo = 0.0;
  void add(double x) {
    // Knuth's two-sum of hi and x, then the error folded into lo and renormalised.
    const double s = hi + x;
    const double b = s - hi;
    const double e = (hi - (s - b)) + (x - b);
    const double l = lo + e;
    hi = s + l;
    lo = l - (hi - s);
  }
};

// The sum of x[t - n .. t - 1] from exclusive double-double prefix sums (make_close_sums).
inline double window_sum_from(const double* hi, const double* lo, std::size_t t, std::size_t n) {
  return (hi[t] - hi[t - n]) + (lo[t] - lo[t - n]);
}

// A window length or lookback held in a (validated, integral) parameter.
inline std::size_t length_of(double param) { return static_cast<std::size_t>(param); }

}  // namespace genepool::indicators
