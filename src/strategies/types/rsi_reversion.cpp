// rsi_reversion: buy when Wilder's RSI is oversold, leave (or go short) when it is overbought.
#include <algorithm>
#include <vector>

#include "../indicators.hpp"
#include "../lane_batch.hpp"

namespace genepool::strategies {

using namespace indicators;

namespace {

// The position after a bar with this RSI, holding `previous` between the levels.
std::int8_t rsi_next(std::int8_t previous, double rsi, double lower, double upper, bool allow_short) {
  if (rsi < lower) return 1;
  if (rsi > upper) return allow_short ? std::int8_t{-1} : std::int8_t{0};
  return previous;
}

void rsi_reversion_chunk(const SymbolSeries& series, const double* params, bool allow_short, KernelState& state,
                         std::size_t begin, std::size_t end, std::int8_t* positions) {
  const std::size_t period = length_of(params[0]);
  const double lower = params[1];
  const double upper = params[2];
  const std::size_t start = std::min(std::max(period, begin), end);
  std::fill(positions, positions + (start - begin), std::int8_t{0});
  if (start == end) return;

  const double* close = series.close;
  const double n = static_cast<double>(period);
  double gain = state.value[0];
  double loss = state.value[1];
  std::int8_t position = state.position;
  std::size_t t = start;
  if (t == period) {
    gain = 0.0;
    loss = 0.0;
    for (std::size_t u = 1; u <= period; ++u) {
      gain += gain_of(close[u] - close[u - 1]);
      loss += loss_of(close[u] - close[u - 1]);
    }
    gain /= n;
    loss /= n;
    position = rsi_next(0, rsi_of(gain, loss), lower, upper, allow_short);
    positions[period - begin] = position;
    ++t;
  }
  for (; t < end; ++t) {
    const double change = close[t] - close[t - 1];
    gain = wilder_step(gain, gain_of(change), n);
    loss = wilder_step(loss, loss_of(change), n);
    position = rsi_next(position, rsi_of(gain, loss), lower, upper, allow_short);
    positions[t - begin] = position;
  }
  state.value[0] = gain;
  state.value[1] = loss;
  state.position = position;
}

// Four genomes side by side (lane_batch.hpp): Wilder's averages are a chain of a division from bar
// to bar. Each lane repeats rsi_reversion_chunk's operations from the bar after its first RSI.
class RsiLanes {
 public:
  static std::size_t ready(const double* params) { return length_of(params[0]) + 1; }

  RsiLanes(const double* const params[4], const KernelState* const states[4], bool allow_short)
      : flat_(splat_int(allow_short ? -1 : 0)) {
    for (std::size_t l = 0; l < 4; ++l) {
      n_[l] = static_cast<double>(length_of(params[l][0]));
      n_less_one_[l] = n_[l] - 1.0;  // wilder_step's period - 1.0
      lower_[l] = params[l][1];
      upper_[l] = params[l][2];
      gain_[l] = states[l]->value[0];
      loss_[l] = states[l]->value[1];
    }
  }

  vector4::v4di step(const SymbolSeries& series, std::size_t t, vector4::v4di position) {
    using namespace vector4;
    const double change = series.close[t] - series.close[t - 1];
    gain_ = (gain_ * n_less_one_ + splat(gain_of(change))) / n_;  // wilder_step
    loss_ = (loss_ * n_less_one_ + splat(loss_of(change))) / n_;
    // rsi_of: 100 - 100 / (1 + gain / loss); 100 when loss is 0, 50 when both are (the averages are >= 0).
    const v4d rsi = select(less_equal(loss_, v4d{}), select(less_equal(gain_, v4d{}), splat(50.0), splat(100.0)),
                           splat(100.0) - splat(100.0) / (splat(1.0) + gain_ / loss_));
    // rsi_next: below `lower` long; else above `upper` short (or flat); else as before.
    const v4di buy = less(rsi, lower_);
    const v4di sell = less(upper_, rsi);
    return (buy & splat_int(1)) | (~buy & ((sell & flat_) | (~sell & position)));
  }

  void save(std::size_t lane, KernelState& state) const {
    state.value[0] = gain_[lane];
    state.value[1] = loss_[lane];
  }

 private:
  vector4::v4di flat_;  // the position above `upper`, in every lane
  vector4::v4d n_{}, n_less_one_{}, lower_{}, upper_{}, gain_{}, loss_{};
};

void rsi_reversion_reference(const SymbolSeries& series, const double* params, bool allow_short,
                             std::int8_t* positions) {
  const std::size_t period = length_of(params[0]);
  const double lower = params[1];
  const double upper = params[2];
  const std::size_t bars = series.bars;
  const double n = static_cast<double>(period);

  // Average gain and loss, defined from bar `period`.
  std::vector<double> average_gain(bars, 0.0);
  std::vector<double> average_loss(bars, 0.0);
  if (bars > period) {
    double gain_sum = 0.0;
    double loss_sum = 0.0;
    for (std::size_t t = 1; t <= period; ++t) {
      gain_sum += gain_of(series.close[t] - series.close[t - 1]);
      loss_sum += loss_of(series.close[t] - series.close[t - 1]);
    }
    average_gain[period] = gain_sum / n;
    average_loss[period] = loss_sum / n;
    for (std::size_t t = period + 1; t < bars; ++t) {
      const double change = series.close[t] - series.close[t - 1];
      average_gain[t] = wilder_step(average_gain[t - 1], gain_of(change), n);
      average_loss[t] = wilder_step(average_loss[t - 1], loss_of(change), n);
    }
  }

  std::int8_t position = 0;
  for (std::size_t t = 0; t < bars; ++t) {
    if (t >= period) position = rsi_next(position, rsi_of(average_gain[t], average_loss[t]), lower, upper, allow_short);
    positions[t] = position;
  }
}

}  // namespace

StrategyType rsi_reversion_type() {
  return {.name = "rsi_reversion",
          .description = "long from RSI below 'lower' until RSI above 'upper' (short from above 'upper' until below "
                         "'lower')",
          .params = {{"period", ParamKind::integer, 2, 50, 14, "bars in Wilder's RSI"},
                     {"lower", ParamKind::real, 5, 45, 30, "oversold level: RSI below it goes long"},
                     {"upper", ParamKind::real, 55, 95, 70,
                      "overbought level: RSI above it exits a long (or goes short)"}},
          .less_than = {},
          .order = 2,
          .cost = 2.9,
          .chunk_kernel = rsi_reversion_chunk,
          .reference_kernel = rsi_reversion_reference,
          .batch_kernel = LaneBatch<RsiLanes>::maker(rsi_reversion_chunk)};
}

}  // namespace genepool::strategies
