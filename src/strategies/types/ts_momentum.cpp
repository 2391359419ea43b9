// ts_momentum: long while the return over the lookback exceeds a threshold.
#include <algorithm>
#include <limits>

#include "../indicators.hpp"

namespace genepool::strategies {

using namespace indicators;

namespace {

void ts_momentum_chunk(const SymbolSeries& series, const double* params, bool allow_short, KernelState& /*state*/,
                       std::size_t begin, std::size_t end, std::int8_t* positions) {
  const std::size_t lookback = length_of(params[0]);
  const double threshold = params[1];
  const std::size_t start = std::min(std::max(lookback, begin), end);
  std::fill(positions, positions + (start - begin), std::int8_t{0});

  // Without shorts the lower threshold is -infinity, which no momentum is below: no branch, so the
  // loop vectorises where the target can narrow compare masks to bytes (e.g. with AVX2).
  const double short_below = allow_short ? -threshold : -std::numeric_limits<double>::infinity();
  const double* close = series.close;
  std::int8_t* out = positions + (start - begin);
  for (std::size_t t = start; t < end; ++t) {
    const double momentum = close[t] / close[t - lookback] - 1.0;
    out[t - start] = static_cast<std::int8_t>(static_cast<int>(momentum > threshold) -
                                              static_cast<int>(momentum < short_below));
  }
}

void ts_momentum_reference(const SymbolSeries& series, const double* params, bool allow_short,
                           std::int8_t* positions) {
  const std::size_t lookback = length_of(params[0]);
  const double threshold = params[1];
  for (std::size_t t = 0; t < series.bars; ++t) {
    positions[t] = 0;
    if (t < lookback) continue;
    const double momentum = series.close[t] / series.close[t - lookback] - 1.0;
    if (momentum > threshold) positions[t] = 1;
    if (allow_short && momentum < -threshold) positions[t] = -1;
  }
}

}  // namespace

StrategyType ts_momentum_type() {
  return {.name = "ts_momentum",
          .description = "long while the return over the last 'lookback' bars is above 'threshold' (short while below "
                         "-threshold)",
          .params = {{"lookback", ParamKind::integer, 5, 400, 126, "bars in the momentum return"},
                     {"threshold", ParamKind::real, 0, 0.2, 0, "return the momentum must beat to take a position"}},
          .less_than = {},
          .order = 6,
          .cost = 1.7,
          .chunk_kernel = ts_momentum_chunk,
          .reference_kernel = ts_momentum_reference};
}

}  // namespace genepool::strategies
