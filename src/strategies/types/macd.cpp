// macd: long while the MACD line is above its signal line.
#include <algorithm>
#include <cmath>
#include <vector>

#include "../indicators.hpp"
#include "../lane_batch.hpp"

namespace genepool::strategies {

using namespace indicators;

namespace {

// NOTE: MACD and its signal line hover around 0, so the tie band scales with the close instead.
std::int8_t macd_position(double macd, double signal, double close, bool allow_short) {
  const double difference = macd - signal;
  const double band = kTieTolerance * std::fabs(close);
  return static_cast<std::int8_t>(static_cast<int>(difference > band) -
                                  static_cast<int>(allow_short && -difference > band));
}

void macd_chunk(const SymbolSeries& series, const double* params, bool allow_short, KernelState& state,
                std::size_t begin, std::size_t end, std::int8_t* positions) {
  const std::size_t fast = length_of(params[0]);
  const std::size_t slow = length_of(params[1]);
  const std::size_t span = length_of(params[2]);
  const std::size_t first_macd = slow - 1;
  const std::size_t first = first_macd + span - 1;  // first bar with the signal line defined (span >= 2)
  std::fill(positions, positions + (std::min(std::max(first, begin), end) - begin), std::int8_t{0});
  std::size_t t = std::min(std::max(first_macd, begin), end);
  if (t == end) return;

  const double* close = series.close;
  const double alpha_fast = ema_alpha(fast);
  const double alpha_slow = ema_alpha(slow);
  const double alpha_signal = ema_alpha(span);
  double ema_fast = state.value[0];
  double ema_slow = state.value[1];
  double signal_sum = state.value[2];  // the MACD values before the signal line is seeded
  double signal = state.value[3];
  if (t == first_macd) {
    ema_fast = window_sum(close, 0, fast) / static_cast<double>(fast);
    for (std::size_t u = fast; u <= first_macd; ++u) ema_fast = ema_step(ema_fast, close[u], alpha_fast);
    ema_slow = window_sum(close, 0, slow) / static_cast<double>(slow);
    signal_sum = ema_fast - ema_slow;
    ++t;
  }
  for (; t < end && t <= first; ++t) {
    ema_fast = ema_step(ema_fast, close[t], alpha_fast);
    ema_slow = ema_step(ema_slow, close[t], alpha_slow);
    const double macd = ema_fast - ema_slow;
    signal_sum += macd;
    if (t == first) {
      signal = signal_sum / static_cast<double>(span);
      positions[t - begin] = macd_position(macd, signal, close[t], allow_short);
    }
  }
  for (; t < end; ++t) {
    ema_fast = ema_step(ema_fast, close[t], alpha_fast);
    ema_slow = ema_step(ema_slow, close[t], alpha_slow);
    const double macd = ema_fast - ema_slow;
    signal = ema_step(signal, macd, alpha_signal);
    positions[t - begin] = macd_position(macd, signal, close[t], allow_short);
  }
  state.value[0] = ema_fast;
  state.value[1] = ema_slow;
  state.value[2] = signal_sum;
  state.value[3] = signal;
}

// Four genomes side by side (lane_batch.hpp): three chained averages. Each lane repeats macd_chunk's
// operations from the bar after its signal line is seeded.
class MacdLanes {
 public:
  static std::size_t ready(const double* params) { return length_of(params[1]) + length_of(params[2]) - 1; }

  MacdLanes(const double* const params[4], const KernelState* const states[4], bool allow_short)
      : shorts_(splat_int(allow_short ? -1 : 0)) {
    for (std::size_t l = 0; l < 4; ++l) {
      alpha_fast_[l] = ema_alpha(length_of(params[l][0]));
      alpha_slow_[l] = ema_alpha(length_of(params[l][1]));
      alpha_signal_[l] = ema_alpha(length_of(params[l][2]));
      fast_[l] = states[l]->value[0];
      slow_[l] = states[l]->value[1];
      signal_sum_[l] = states[l]->value[2];
      signal_[l] = states[l]->value[3];
    }
  }

  vector4::v4di step(const SymbolSeries& series, std::size_t t, vector4::v4di /*position*/) {
    using namespace vector4;
    const double close = series.close[t];
    const v4d x = splat(close);
    fast_ = fast_ + alpha_fast_ * (x - fast_);  // ema_step
    slow_ = slow_ + alpha_slow_ * (x - slow_);
    const v4d macd = fast_ - slow_;
    signal_ = signal_ + alpha_signal_ * (macd - signal_);
    // macd_position: the tie band scales with the close.
    const v4d difference = macd - signal_;
    const v4d band = splat(kTieTolerance * std::fabs(close));
    return (less(band, -difference) & shorts_) - less(band, difference);
  }

  void save(std::size_t lane, KernelState& state) const {
    state.value[0] = fast_[lane];
    state.value[1] = slow_[lane];
    state.value[2] = signal_sum_[lane];
    state.value[3] = signal_[lane];
  }

 private:
  vector4::v4di shorts_;
  vector4::v4d alpha_fast_{}, alpha_slow_{}, alpha_signal_{}, fast_{}, slow_{}, signal_sum_{}, signal_{};
};

// EMA with span n of x[first ..]: seeded at first + n - 1 with the mean of its first n values.
std::vector<double> ema_from(const std::vector<double>& x, std::size_t first, std::size_t n) {
  std::vector<double> ema(x.size(), 0.0);
  const std::size_t seed = first + n - 1;
  if (x.size() <= seed) return ema;
  ema[seed] = window_sum(x.data(), first, n) / static_cast<double>(n);
  for (std::size_t t = seed + 1; t < x.size(); ++t) ema[t] = ema_step(ema[t - 1], x[t], ema_alpha(n));
  return ema;
}

void macd_reference(const SymbolSeries& series, const double* params, bool allow_short, std::int8_t* positions) {
  const std::size_t fast = length_of(params[0]);
  const std::size_t slow = length_of(params[1]);
  const std::size_t span = length_of(params[2]);
  const std::vector<double> close(series.close, series.close + series.bars);
  const std::vector<double> ema_fast = ema_from(close, 0, fast);
  const std::vector<double> ema_slow = ema_from(close, 0, slow);
  std::vector<double> macd(series.bars, 0.0);
  for (std::size_t t = slow - 1; t < series.bars; ++t) macd[t] = ema_fast[t] - ema_slow[t];
  const std::vector<double> signal = ema_from(macd, slow - 1, span);
  for (std::size_t t = 0; t < series.bars; ++t) {
    positions[t] = t + 2 < slow + span ? std::int8_t{0} : macd_position(macd[t], signal[t], close[t], allow_short);
  }
}

}  // namespace

StrategyType macd_type() {
  return {.name = "macd",
          .description = "long while the MACD line (fast EMA - slow EMA) is above its signal line (short while below)",
          .params = {{"fast", ParamKind::integer, 2, 50, 12, "span of the fast EMA of close"},
                     {"slow", ParamKind::integer, 5, 200, 26, "span of the slow EMA of close"},
                     {"signal", ParamKind::integer, 2, 50, 9, "span of the signal line, an EMA of the MACD line"}},
          .less_than = {{0, 1}},
          .order = 5,
          .cost = 2.3,
          .chunk_kernel = macd_chunk,
          .reference_kernel = macd_reference,
          .batch_kernel = LaneBatch<MacdLanes>::maker(macd_chunk)};
}

}  // namespace genepool::strategies
