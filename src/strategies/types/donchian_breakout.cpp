// donchian_breakout: enter on a break of the entry channel, leave on a break of the shorter exit channel.
#include <algorithm>
#include <limits>

#include "../indicators.hpp"

namespace genepool::strategies {

using namespace indicators;

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

// The channels over windows [t - w, t - 1] for consecutive t, by the van Herk / Gil-Werman scheme:
// cut the bars into blocks of w starting at the first window; a window is then a suffix of one
// block plus a prefix of the next. The suffix extremes of a block are computed backwards once, when
// the window reaches it; the prefix extremes run forwards. Both channels of one window length (the
// high's maximum and the low's minimum) share their blocks.
struct ChannelPair {
  std::size_t window;
  double* suffix_high;  // window slots each
  double* suffix_low;
  std::size_t offset;   // position of t - w in its block
  double prefix_high;   // max high over the prefix of the next block (-inf when empty)
  double prefix_low;    // min low likewise (+inf when empty)

  // At a block boundary (offset 0): the window [t - w, t - 1] is the whole block.
  void start_block(const double* high, const double* low, std::size_t t) {
    const std::size_t first = t - window;
    double top = high[t - 1];
    double bottom = low[t - 1];
    suffix_high[window - 1] = top;
    suffix_low[window - 1] = bottom;
    for (std::size_t j = window - 1; j-- > 0;) {
      top = std::max(high[first + j], top);
      bottom = std::min(low[first + j], bottom);
      suffix_high[j] = top;
      suffix_low[j] = bottom;
    }
    prefix_high = -std::numeric_limits<double>::infinity();
    prefix_low = std::numeric_limits<double>::infinity();
  }
};

void donchian_breakout_chunk(const SymbolSeries& series, const double* params, bool allow_short, KernelState& state,
                             std::size_t begin, std::size_t end, std::int8_t* positions) {
  const std::size_t entry = length_of(params[0]);
  const std::size_t exit = length_of(params[1]);
  const std::size_t start = std::min(std::max(entry, begin), end);
  std::fill(positions, positions + (start - begin), std::int8_t{0});
  if (start == end) return;

  // NOTE: the blocks take 2 * (entry + exit) <= kKernelBufferSize values of the state's buffer.
  double* buffer = state.buffer;
  ChannelPair outer{entry, buffer, buffer + entry, state.index[0], state.value[0], state.value[1]};
  ChannelPair inner{exit, buffer + 2 * entry, buffer + 2 * entry + exit, state.index[1], state.value[2],
                    state.value[3]};
  const double* high = series.high;
  const double* low = series.low;
  const double* close = series.close;
  // The rule of donchian_next in boolean arithmetic (its inputs flip at random, so branches would
  // mispredict), with the position as two flags: long, short. Going long and going short exclude
  // each other (the close cannot be above the highest high and below the lowest low). Only the
  // flags carry from bar to bar, through an AND and an OR each.
  bool is_long = state.position == 1;
  bool is_short = state.position == -1;
  // NOTE: the segment's values are locals, so that they stay in registers (the lambda's captures
  // would live on the stack).
  const auto run = [&]<bool kShort>(std::size_t t, std::size_t stop) {
    double outer_high = outer.prefix_high, outer_low = outer.prefix_low;
    double inner_high = inner.prefix_high, inner_low = inner.prefix_low;
    const double* const outer_suffix_high = outer.suffix_high;
    const double* const outer_suffix_low = outer.suffix_low;
    const double* const inner_suffix_high = inner.suffix_high;
    const double* const inner_suffix_low = inner.suffix_low;
    std::size_t o = outer.offset, i = inner.offset;
    bool is_long_now = is_long, is_short_now = is_short;
    for (; t < stop; ++t, ++o, ++i) {
      if (o != 0) {
        outer_high = std::max(outer_high, high[t - 1]);
        outer_low = std::min(outer_low, low[t - 1]);
      }
      if (i != 0) {
        inner_high = std::max(inner_high, high[t - 1]);
        inner_low = std::min(inner_low, low[t - 1]);
      }
      const double c = close[t];
      const bool go_long = c > std::max(outer_suffix_high[o], outer_high);
      const bool stay_long = !(c < std::min(inner_suffix_low[i], inner_low));
      if constexpr (kShort) {
        const bool go_short = c < std::min(outer_suffix_low[o], outer_low);
        const bool stay_short = !(c > std::max(inner_suffix_high[i], inner_high));
        const bool was_long = is_long_now;
        is_long_now = go_long | ((!go_short) & was_long & stay_long);
        is_short_now = (!go_long) & (go_short | (is_short_now & stay_short));
      } else {
        is_long_now = go_long | (is_long_now & stay_long);
      }
      positions[t - begin] = static_cast<std::int8_t>(static_cast<int>(is_long_now) - static_cast<int>(is_short_now));
    }
    is_long = is_long_now;
    is_short = is_short_now;
    outer.prefix_high = outer_high;
    outer.prefix_low = outer_low;
    inner.prefix_high = inner_high;
    inner.prefix_low = inner_low;
    outer.offset = o;
    inner.offset = i;
  };
  for (std::size_t t = start; t < end;) {
    // A segment of bars in which neither pair reaches a block boundary; its first bar may start one.
    if (outer.offset == 0) outer.start_block(high, low, t);
    if (inner.offset == 0) inner.start_block(high, low, t);
    const std::size_t stop = std::min({end, t + (entry - outer.offset), t + (exit - inner.offset)});
    if (allow_short) {
      run.template operator()<true>(t, stop);
    } else {
      run.template operator()<false>(t, stop);
    }
    t = stop;
    if (outer.offset == entry) outer.offset = 0;
    if (inner.offset == exit) inner.offset = 0;
  }
  state.index[0] = outer.offset;
  state.index[1] = inner.offset;
  state.value[0] = outer.prefix_high;
  state.value[1] = outer.prefix_low;
  state.value[2] = inner.prefix_high;
  state.value[3] = inner.prefix_low;
  state.position = static_cast<std::int8_t>(static_cast<int>(is_long) - static_cast<int>(is_short));
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

}  // namespace

StrategyType donchian_breakout_type() {
  return {.name = "donchian_breakout",
          .description = "long when the close breaks above the prior 'entry'-bar high until it breaks below the prior "
                         "'exit'-bar low (short on the mirror image)",
          .params = {{"entry", ParamKind::integer, 5, 200, 20, "bars in the entry channel (before the current bar)"},
                     {"exit", ParamKind::integer, 2, 100, 10, "bars in the exit channel (before the current bar)"}},
          .less_than = {{1, 0}},
          .order = 4,
          .cost = 5.9,
          .chunk_kernel = donchian_breakout_chunk,
          .reference_kernel = donchian_breakout_reference};
}

}  // namespace genepool::strategies
