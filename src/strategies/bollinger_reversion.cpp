// bollinger_reversion: buy below the lower Bollinger band, sell at the middle band.
#include <algorithm>
#include <cmath>

#include "indicators.hpp"
#include "kernels.hpp"

namespace genepool::strategies {

using namespace indicators;

StrategyType bollinger_reversion_type() {
  return {"bollinger_reversion",
          "long from a close below the lower Bollinger band until the middle band (short above the upper band)",
          {{"period", ParamKind::integer, 5, 200, 20, "bars in the moving average and standard deviation"},
           {"k", ParamKind::real, 0.5, 4, 2, "band half-width in standard deviations"}},
          {},
          bollinger_reversion_kernel,
          bollinger_reversion_reference};
}

namespace {

// The signals of one bar.
struct BandSignals {
  bool long_entry;   // close below mid - k * sd
  bool short_entry;  // close above mid + k * sd, shorts allowed
  bool below_mid;    // mid exceeds close: a long stays open
  bool above_mid;    // close exceeds mid: a short stays open
};

BandSignals band_signals(double close, double mid, double sd, double k, bool allow_short) {
  return {exceeds(mid - k * sd, close), allow_short && exceeds(close, mid + k * sd), exceeds(mid, close),
          exceeds(close, mid)};
}

// Entries first; otherwise a position is kept while the close stays on its side of the mean.
std::int8_t bollinger_next(std::int8_t previous, const BandSignals& s) {
  const bool keep = ((previous == 1) & s.below_mid) | ((previous == -1) & s.above_mid);
  const int held = keep ? previous : 0;
  return static_cast<std::int8_t>(s.long_entry ? 1 : s.short_entry ? -1 : held);
}

}  // namespace

void bollinger_reversion_kernel(const SymbolSeries& series, const double* params, bool allow_short,
                                std::int8_t* positions, KernelScratch& /*scratch*/) {
  const std::size_t period = length_of(params[0]);
  const double k = params[1];
  const std::size_t bars = series.bars;
  const std::size_t first = period - 1;
  std::fill(positions, positions + std::min(first, bars), std::int8_t{0});
  if (bars <= first) return;

  const double* close = series.close;
  const double n = static_cast<double>(period);
  const double inv_n = 1.0 / n;
  std::int8_t position = 0;

  // Sliding sum and sum of squared deviations (Welford-style update), recomputed exactly by the
  // churn rule of indicators.hpp.
  double sum = 0.0;
  double mean = 0.0;
  double squares = 0.0;
  double churn_sum = 0.0;
  double churn_squares = 0.0;
  const auto resync = [&](std::size_t t) {
    sum = window_sum(close, t + 1 - period, period);
    mean = sum / n;
    squares = window_squared_deviations(close, t + 1 - period, period, mean);
    churn_sum = 0.0;
    churn_squares = 0.0;
  };
  resync(first);
  for (std::size_t t = first; t < bars; ++t) {
    if (t != first) {
      const double incoming = close[t];
      const double outgoing = close[t - period];
      const double previous_mean = mean;
      const double delta = incoming - outgoing;
      sum += delta;
      mean = sum * inv_n;
      const double term = delta * ((incoming - mean) + (outgoing - previous_mean));
      squares += term;
      churn_sum += std::fabs(sum);
      churn_squares += std::fabs(term) + std::fabs(squares);
      // NOTE: also fires when rounding has pushed `squares` below zero.
      if (churn_sum > kChurnLimit * std::fabs(sum) || churn_squares > kChurnLimit * squares) [[unlikely]] {
        resync(t);
      }
    }
    const double c = close[t];
    const double sd = std::sqrt(std::max(squares * inv_n, 0.0));
    const double below = margin(mean, c);
    const double above = margin(c, mean);
    const double entry_long = margin(mean - k * sd, c);
    const double entry_short = margin(c, mean + k * sd);
    const bool is_below = below > 0.0;
    const bool is_above = above > 0.0;
    // Bitwise, not short-circuit: these conditions flip at random, so branches would mispredict.
    const bool long_entry = is_below & (entry_long > 0.0);
    const bool short_entry = allow_short & is_above & (entry_short > 0.0);
    BandSignals signals{long_entry, short_entry, is_below, is_above};
    // NOTE: an entry implies its side of the mean, so an entry margin only matters on that side
    // (this keeps flat windows, where every band is a tie, off the exact path).
    const double mean_band = kMeanRecheckBand * c;
    const double spread_band = kSpreadRecheckBand * c;
    const bool unsure = (std::fabs(below) <= mean_band) | (allow_short & (std::fabs(above) <= mean_band)) |
                        (is_below & (std::fabs(entry_long) <= spread_band)) |
                        (allow_short & is_above & (std::fabs(entry_short) <= spread_band));
    if (unsure) [[unlikely]] {
      const WindowStats exact = window_stats(close, t + 1 - period, period);
      signals = band_signals(c, exact.mean, exact.sd, k, allow_short);
    }
    position = bollinger_next(position, signals);
    positions[t] = position;
  }
}

void bollinger_reversion_reference(const SymbolSeries& series, const double* params, bool allow_short,
                                   std::int8_t* positions) {
  const std::size_t period = length_of(params[0]);
  const double k = params[1];
  std::int8_t position = 0;
  for (std::size_t t = 0; t < series.bars; ++t) {
    if (t + 1 >= period) {
      const WindowStats band = window_stats(series.close, t + 1 - period, period);
      position = bollinger_next(position, band_signals(series.close[t], band.mean, band.sd, k, allow_short));
    }
    positions[t] = position;
  }
}

}  // namespace genepool::strategies
