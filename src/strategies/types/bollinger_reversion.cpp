// bollinger_reversion: buy below the lower Bollinger band, sell at the middle band.
#include <algorithm>
#include <cmath>

#include "../indicators.hpp"
#include "../lane_batch.hpp"

namespace genepool::strategies {

using namespace indicators;

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

// NOTE: the rare exact paths are functions of their own, kept out of line, so that the running
// values of the kernel's loop stay in registers.
struct ExactSums {
  double sum, mean, squares;
};
[[gnu::noinline, gnu::cold]] ExactSums exact_sums(const double* close, std::size_t t, std::size_t period) {
  const double sum = window_sum(close, t + 1 - period, period);
  const double mean = sum / static_cast<double>(period);
  return {sum, mean, window_squared_deviations(close, t + 1 - period, period, mean)};
}

// The signals of bar t as the reference computes them.
[[gnu::noinline, gnu::cold]] BandSignals exact_signals(const double* close, std::size_t t, std::size_t period,
                                                        double k, bool allow_short) {
  const WindowStats exact = window_stats(close, t + 1 - period, period);
  return band_signals(close[t], exact.mean, exact.sd, k, allow_short);
}

void bollinger_reversion_chunk(const SymbolSeries& series, const double* params, bool allow_short, KernelState& state,
                               std::size_t begin, std::size_t end, std::int8_t* positions) {
  const std::size_t period = length_of(params[0]);
  const double k = params[1];
  const std::size_t first = period - 1;
  const std::size_t start = std::min(std::max(first, begin), end);
  std::fill(positions, positions + (start - begin), std::int8_t{0});
  if (start == end) return;

  const double* close = series.close;
  const double n = static_cast<double>(period);
  const double inv_n = 1.0 / n;

  // Sliding sum and sum of squared deviations (Welford-style update), recomputed exactly by the
  // churn rule of indicators.hpp.
  double sum = state.value[0];
  double mean = state.value[1];
  double squares = state.value[2];
  double churn_sum = state.value[3];
  double churn_squares = state.value[4];
  std::int8_t position = state.position;
  if (start == first) {
    const ExactSums e = exact_sums(close, first, period);
    sum = e.sum;
    mean = e.mean;
    squares = e.squares;
    churn_sum = 0.0;
    churn_squares = 0.0;
  }
  for (std::size_t t = start; t < end; ++t) {
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
        const ExactSums e = exact_sums(close, t, period);
        sum = e.sum;
        mean = e.mean;
        squares = e.squares;
        churn_sum = 0.0;
        churn_squares = 0.0;
      }
    }
    const double c = close[t];
    // NOTE: k * sd is compared in squares, so no square root is taken per bar. L below is the long
    // entry's margin plus k * sd (margin(mean - k sd, c) = L - k sd up to rounding far below the
    // band); it is surely positive when L - band > 0 and (L - band)^2 > k^2 var, surely not when
    // L + band < 0 or (L + band)^2 < k^2 var. Likewise R for the short entry.
    const double spread = k * k * std::max(squares * inv_n, 0.0);  // (k sd)^2
    const double below = margin(mean, c);
    const double above = margin(c, mean);
    const bool is_below = below > 0.0;
    const bool is_above = above > 0.0;
    const double mean_band = kMeanRecheckBand * c;
    const double spread_band = kSpreadRecheckBand * c;
    const double long_room = (mean - c) - kTieTolerance * c;                 // L
    const double short_room = (c - mean) - kTieTolerance * std::fabs(mean);  // R
    const double long_low = long_room - spread_band;
    const double long_high = long_room + spread_band;
    const double short_low = short_room - spread_band;
    const double short_high = short_room + spread_band;
    const bool long_sure = (long_low > 0.0) & (long_low * long_low > spread);
    const bool long_never = (long_high < 0.0) | (long_high * long_high < spread);
    const bool short_sure = (short_low > 0.0) & (short_low * short_low > spread);
    const bool short_never = (short_high < 0.0) | (short_high * short_high < spread);
    // Bitwise, not short-circuit: these conditions flip at random, so branches would mispredict.
    BandSignals signals{static_cast<bool>(is_below & long_sure), static_cast<bool>(allow_short & is_above & short_sure),
                        is_below, is_above};
    // NOTE: an entry implies its side of the mean, so an entry margin only matters on that side
    // (this keeps flat windows, where every band is a tie, off the exact path).
    const bool unsure = (std::fabs(below) <= mean_band) | (allow_short & (std::fabs(above) <= mean_band)) |
                        (is_below & !(long_sure | long_never)) |
                        (allow_short & is_above & !(short_sure | short_never));
    if (unsure) [[unlikely]] signals = exact_signals(close, t, period, k, allow_short);
    position = bollinger_next(position, signals);
    positions[t - begin] = position;
  }
  state.value[0] = sum;
  state.value[1] = mean;
  state.value[2] = squares;
  state.value[3] = churn_sum;
  state.value[4] = churn_squares;
  state.position = position;
}

// Four genomes side by side (lane_batch.hpp): each lane repeats bollinger_reversion_chunk's
// operations from the bar after its first band; a lane's rare exact paths (the churn rule, a decision
// near a band) are taken by that lane alone, with the chunk kernel's functions.
class BollingerLanes {
 public:
  static std::size_t ready(const double* params) { return length_of(params[0]); }

  BollingerLanes(const double* const params[4], const KernelState* const states[4], bool allow_short)
      : allow_short_(allow_short), shorts_(splat_int(allow_short ? -1 : 0)) {
    for (std::size_t l = 0; l < 4; ++l) {
      period_[l] = length_of(params[l][0]);
      k_[l] = params[l][1];
      k_squared_[l] = params[l][1] * params[l][1];
      inv_n_[l] = 1.0 / static_cast<double>(period_[l]);
      sum_[l] = states[l]->value[0];
      mean_[l] = states[l]->value[1];
      squares_[l] = states[l]->value[2];
      churn_sum_[l] = states[l]->value[3];
      churn_squares_[l] = states[l]->value[4];
    }
  }

  vector4::v4di step(const SymbolSeries& series, std::size_t t, vector4::v4di position) {
    using namespace vector4;
    const double* close = series.close;
    const double c = close[t];
    const v4d incoming = splat(c);
    const v4d outgoing = {close[t - period_[0]], close[t - period_[1]], close[t - period_[2]], close[t - period_[3]]};
    const v4d previous_mean = mean_;
    const v4d delta = incoming - outgoing;
    sum_ += delta;
    mean_ = sum_ * inv_n_;
    const v4d term = delta * ((incoming - mean_) + (outgoing - previous_mean));
    squares_ += term;
    churn_sum_ += abs(sum_);
    churn_squares_ += abs(term) + abs(squares_);
    // NOTE: also fires when rounding has pushed `squares` below zero.
    const unsigned churned = bits(less(splat(kChurnLimit) * abs(sum_), churn_sum_)) |
                             bits(less(splat(kChurnLimit) * squares_, churn_squares_));
    if (churned != 0) [[unlikely]] {
      for (std::size_t l = 0; l < 4; ++l) {
        if ((churned >> l & 1U) == 0) continue;
        const ExactSums e = exact_sums(close, t, period_[l]);
        sum_[l] = e.sum;
        mean_[l] = e.mean;
        squares_[l] = e.squares;
        churn_sum_[l] = 0.0;
        churn_squares_[l] = 0.0;
      }
    }
    // The chunk kernel's signals, per lane (see there).
    const v4d zero{};
    const v4d spread = k_squared_ * max(squares_ * inv_n_, zero);
    const v4d below = (mean_ - incoming) - splat(kTieTolerance * std::fabs(c));
    const v4d above = (incoming - mean_) - splat(kTieTolerance) * abs(mean_);
    v4di is_below = less(zero, below);
    v4di is_above = less(zero, above);
    const v4d mean_band = splat(kMeanRecheckBand * c);
    const v4d spread_band = splat(kSpreadRecheckBand * c);
    const v4d long_room = (mean_ - incoming) - splat(kTieTolerance * c);
    const v4d short_room = (incoming - mean_) - splat(kTieTolerance) * abs(mean_);
    const v4d long_low = long_room - spread_band;
    const v4d long_high = long_room + spread_band;
    const v4d short_low = short_room - spread_band;
    const v4d short_high = short_room + spread_band;
    const v4di long_sure = less(zero, long_low) & less(spread, long_low * long_low);
    const v4di long_never = less(long_high, zero) | less(long_high * long_high, spread);
    const v4di short_sure = less(zero, short_low) & less(spread, short_low * short_low);
    const v4di short_never = less(short_high, zero) | less(short_high * short_high, spread);
    v4di long_entry = is_below & long_sure;
    v4di short_entry = shorts_ & is_above & short_sure;
    const v4di unsure = less_equal(abs(below), mean_band) | (shorts_ & less_equal(abs(above), mean_band)) |
                        (is_below & ~(long_sure | long_never)) | (shorts_ & is_above & ~(short_sure | short_never));
    if (const unsigned lanes = bits(unsure); lanes != 0) [[unlikely]] {
      for (std::size_t l = 0; l < 4; ++l) {
        if ((lanes >> l & 1U) == 0) continue;
        const BandSignals exact = exact_signals(close, t, period_[l], k_[l], allow_short_);
        long_entry[l] = -static_cast<std::int64_t>(exact.long_entry);
        short_entry[l] = -static_cast<std::int64_t>(exact.short_entry);
        is_below[l] = -static_cast<std::int64_t>(exact.below_mid);
        is_above[l] = -static_cast<std::int64_t>(exact.above_mid);
      }
    }
    // bollinger_next: entries first; else a position is kept while the close stays on its side of the mean.
    const v4di one = splat_int(1);
    const v4di keep = (long_lanes(position) & is_below) | (short_lanes(position) & is_above);
    const v4di held = keep & position;
    return (long_entry & one) | (~long_entry & ((short_entry & (splat_int(0) - one)) | (~short_entry & held)));
  }

  void save(std::size_t lane, KernelState& state) const {
    state.value[0] = sum_[lane];
    state.value[1] = mean_[lane];
    state.value[2] = squares_[lane];
    state.value[3] = churn_sum_[lane];
    state.value[4] = churn_squares_[lane];
  }

 private:
  bool allow_short_;
  vector4::v4di shorts_;
  std::size_t period_[4] = {};
  vector4::v4d k_{}, k_squared_{}, inv_n_{}, sum_{}, mean_{}, squares_{}, churn_sum_{}, churn_squares_{};
};

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

}  // namespace

StrategyType bollinger_reversion_type() {
  return {.name = "bollinger_reversion",
          .description = "long from a close below the lower Bollinger band until the middle band (short above the "
                         "upper band)",
          .params = {{"period", ParamKind::integer, 5, 200, 20, "bars in the moving average and standard deviation"},
                     {"k", ParamKind::real, 0.5, 4, 2, "band half-width in standard deviations"}},
          .less_than = {},
          .order = 3,
          .cost = 4.8,
          .chunk_kernel = bollinger_reversion_chunk,
          .reference_kernel = bollinger_reversion_reference,
          .batch_kernel = LaneBatch<BollingerLanes>::maker(bollinger_reversion_chunk)};
}

}  // namespace genepool::strategies
