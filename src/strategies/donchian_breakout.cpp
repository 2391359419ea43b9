// donchian_breakout: enter on a break of the entry channel, leave on a break of the shorter exit channel.
#include <algorithm>
#include <limits>

#include "indicators.hpp"
#include "kernels.hpp"

namespace genepool::strategies {

using namespace indicators;

StrategyType donchian_breakout_type() {
  return {"donchian_breakout",
          "long when the close breaks above the prior 'entry'-bar high until it breaks below the prior "
          "'exit'-bar low (short on the mirror image)",
          {{"entry", ParamKind::integer, 5, 200, 20, "bars in the entry channel (before the current bar)"},
           {"exit", ParamKind::integer, 2, 100, 10, "bars in the exit channel (before the current bar)"}},
          {{1, 0}},
          donchian_breakout_kernel,
          donchian_breakout_reference};
}

namespace {

// The channels of bar t, all over bars before t.
struct Channels {
  double entry_high;  // max high over the last `entry` bars
  double entry_low;   // min low over the last `entry` bars
  double exit_high;   // max high over the last `exit` bars
  double exit_low;    // min low over the last `exit` bars
};

std::int8_t donchian_next(std::int8_t previous, double close, const Channels& c, bool allow_short) {
  if (close > c.entry_high) return 1;
  if (allow_short && close < c.entry_low) return -1;
  if (previous == 1 && close < c.exit_low) return 0;
  if (previous == -1 && close > c.exit_high) return 0;
  return previous;
}

// The extreme (max or min) of x over the window [t - w, t - 1], for consecutive t, by the van
// Herk / Gil-Werman scheme: cut the bars into blocks of w starting at the first window; a window
// is then a suffix of one block plus a prefix of the next. Suffix extremes are computed backwards
// once per block into `suffix` (w slots), the prefix extreme runs forwards: O(1) per bar, no branches
// but the block boundary.
template <bool kMax>
class BlockExtreme {
 public:
  BlockExtreme(const double* x, std::size_t window, double* suffix) : x_(x), window_(window), suffix_(suffix) {}

  double next(std::size_t t) {
    if (offset_ == 0) {  // the window [t - w, t - 1] is a whole block
      const std::size_t start = t - window_;
      double extreme = x_[t - 1];
      suffix_[window_ - 1] = extreme;
      for (std::size_t j = window_ - 1; j-- > 0;) {
        extreme = pick(x_[start + j], extreme);
        suffix_[j] = extreme;
      }
      prefix_ = kMax ? -std::numeric_limits<double>::infinity() : std::numeric_limits<double>::infinity();
    } else {
      prefix_ = pick(prefix_, x_[t - 1]);
    }
    const double extreme = pick(suffix_[offset_], prefix_);
    offset_ = offset_ + 1 == window_ ? 0 : offset_ + 1;
    return extreme;
  }

 private:
  static double pick(double a, double b) { return kMax ? std::max(a, b) : std::min(a, b); }

  const double* x_;
  std::size_t window_;
  double* suffix_;
  std::size_t offset_ = 0;  // position of t - w in its block
  double prefix_ = 0.0;
};

}  // namespace

void donchian_breakout_kernel(const SymbolSeries& series, const double* params, bool allow_short,
                              std::int8_t* positions, KernelScratch& scratch) {
  const std::size_t entry = length_of(params[0]);
  const std::size_t exit = length_of(params[1]);
  const std::size_t bars = series.bars;
  // NOTE: the four block buffers need 2 * (entry + exit) values, more than a series shorter than
  // entry + exit bars reserves; such a series has fewer than `exit` decisions, so scanning is cheap.
  if (2 * (entry + exit) > scratch.values.size()) {
    donchian_breakout_reference(series, params, allow_short, positions);
    return;
  }
  std::fill(positions, positions + std::min(entry, bars), std::int8_t{0});
  if (bars <= entry) return;

  double* buffers = scratch.values.data();
  BlockExtreme<true> entry_high(series.high, entry, buffers);
  BlockExtreme<false> entry_low(series.low, entry, buffers + entry);
  BlockExtreme<true> exit_high(series.high, exit, buffers + 2 * entry);
  BlockExtreme<false> exit_low(series.low, exit, buffers + 2 * entry + exit);
  std::int8_t position = 0;
  for (std::size_t t = entry; t < bars; ++t) {
    const Channels channels{entry_high.next(t), entry_low.next(t), exit_high.next(t), exit_low.next(t)};
    position = donchian_next(position, series.close[t], channels, allow_short);
    positions[t] = position;
  }
}

void donchian_breakout_reference(const SymbolSeries& series, const double* params, bool allow_short,
                                 std::int8_t* positions) {
  const std::size_t entry = length_of(params[0]);
  const std::size_t exit = length_of(params[1]);
  std::int8_t position = 0;
  for (std::size_t t = 0; t < series.bars; ++t) {
    if (t >= entry) {
      Channels c{series.high[t - entry], series.low[t - entry], series.high[t - exit], series.low[t - exit]};
      for (std::size_t i = t - entry; i < t; ++i) {
        c.entry_high = std::max(c.entry_high, series.high[i]);
        c.entry_low = std::min(c.entry_low, series.low[i]);
      }
      for (std::size_t i = t - exit; i < t; ++i) {
        c.exit_high = std::max(c.exit_high, series.high[i]);
        c.exit_low = std::min(c.exit_low, series.low[i]);
      }
      position = donchian_next(position, series.close[t], c, allow_short);
    }
    positions[t] = position;
  }
}

}  // namespace genepool::strategies
