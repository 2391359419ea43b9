// ema_crossover: long while the fast exponential moving average is above the slow one.
#include <algorithm>
#include <vector>

#include "../indicators.hpp"
#include "../lane_batch.hpp"

namespace genepool::strategies {

using namespace indicators;

namespace {

void ema_crossover_chunk(const SymbolSeries& series, const double* params, bool allow_short, KernelState& state,
                         std::size_t begin, std::size_t end, std::int8_t* positions) {
  const std::size_t fast = length_of(params[0]);
  const std::size_t slow = length_of(params[1]);
  const std::size_t first = slow - 1;  // first bar with both averages defined
  const std::size_t start = std::min(std::max(first, begin), end);
  std::fill(positions, positions + (start - begin), std::int8_t{0});
  if (start == end) return;

  const double* close = series.close;
  const double alpha_fast = ema_alpha(fast);
  const double alpha_slow = ema_alpha(slow);
  double ema_fast = state.value[0];
  double ema_slow = state.value[1];
  std::size_t t = start;
  if (t == first) {
    ema_fast = window_sum(close, 0, fast) / static_cast<double>(fast);
    for (std::size_t u = fast; u <= first; ++u) ema_fast = ema_step(ema_fast, close[u], alpha_fast);
    ema_slow = window_sum(close, 0, slow) / static_cast<double>(slow);
    positions[first - begin] = crossover_position(ema_fast, ema_slow, allow_short);
    ++t;
  }
  for (; t < end; ++t) {
    ema_fast = ema_step(ema_fast, close[t], alpha_fast);
    ema_slow = ema_step(ema_slow, close[t], alpha_slow);
    positions[t - begin] = crossover_position(ema_fast, ema_slow, allow_short);
  }
  state.value[0] = ema_fast;
  state.value[1] = ema_slow;
}

// Four genomes side by side (lane_batch.hpp): each average is a chain from bar to bar. Each lane
// repeats ema_crossover_chunk's operations from the bar after both averages are seeded.
class EmaCrossoverLanes {
 public:
  static std::size_t ready(const double* params) { return length_of(params[1]); }

  EmaCrossoverLanes(const double* const params[4], const KernelState* const states[4], bool allow_short)
      : shorts_(splat_int(allow_short ? -1 : 0)) {
    for (std::size_t l = 0; l < 4; ++l) {
      alpha_fast_[l] = ema_alpha(length_of(params[l][0]));
      alpha_slow_[l] = ema_alpha(length_of(params[l][1]));
      fast_[l] = states[l]->value[0];
      slow_[l] = states[l]->value[1];
    }
  }

  vector4::v4di step(const SymbolSeries& series, std::size_t t, vector4::v4di /*position*/) {
    const vector4::v4d x = vector4::splat(series.close[t]);
    fast_ = fast_ + alpha_fast_ * (x - fast_);  // ema_step
    slow_ = slow_ + alpha_slow_ * (x - slow_);
    return crossover_lanes(fast_, slow_, shorts_);
  }

  void save(std::size_t lane, KernelState& state) const {
    state.value[0] = fast_[lane];
    state.value[1] = slow_[lane];
  }

 private:
  vector4::v4di shorts_;
  vector4::v4d alpha_fast_{}, alpha_slow_{}, fast_{}, slow_{};
};

// EMA of close with span n: undefined (0) before bar n - 1, the SMA of the first n closes at n - 1.
std::vector<double> ema_series(const SymbolSeries& series, std::size_t n) {
  std::vector<double> ema(series.bars, 0.0);
  if (series.bars < n) return ema;
  ema[n - 1] = window_sum(series.close, 0, n) / static_cast<double>(n);
  for (std::size_t t = n; t < series.bars; ++t) ema[t] = ema_step(ema[t - 1], series.close[t], ema_alpha(n));
  return ema;
}

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

}  // namespace

StrategyType ema_crossover_type() {
  return {.name = "ema_crossover",
          .description = "long while the fast exponential moving average is above the slow one (short while below)",
          .params = {{"fast", ParamKind::integer, 2, 100, 12,
                      "span of the fast moving average, alpha = 2 / (fast + 1)"},
                     {"slow", ParamKind::integer, 5, 400, 26,
                      "span of the slow moving average, alpha = 2 / (slow + 1)"}},
          .less_than = {{0, 1}},
          .order = 1,
          .cost = 1.9,
          .chunk_kernel = ema_crossover_chunk,
          .reference_kernel = ema_crossover_reference,
          .batch_kernel = LaneBatch<EmaCrossoverLanes>::maker(ema_crossover_chunk)};
}

}  // namespace genepool::strategies
