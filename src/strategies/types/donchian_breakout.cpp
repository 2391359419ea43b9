// donchian_breakout: enter on a break of the entry channel, leave on a break of the shorter exit channel.
#include <algorithm>
#include <bit>
#include <limits>
#include <memory>
#include <vector>

#include "../indicators.hpp"
#include "../../simd/vector4.hpp"

namespace genepool::strategies {

using namespace indicators;

namespace {

constexpr double kMaxEntry = 200;  // the entry channel's longest window (its parameter's upper bound)

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

// The batch kernel: every genome's channels from one sparse table per chunk and symbol. Level k holds
// the maximum high and the minimum low of each run of 2^k bars, so a window of w bars is two
// overlapping runs of 2^k bars, k = floor(log2 w), whatever the genome. Maxima and minima are exact,
// so each channel is the chunk kernel's, bit for bit. The rule then runs 64 bars at a time on bit
// masks: both of its flags are latches, set on a breakout and kept while their exit channel holds,
// which is the carry chain of one 64-bit addition (generate = set, propagate = keep).
class DonchianBatch final : public BatchKernel {
 public:
  DonchianBatch(std::size_t genomes, std::size_t symbols, std::size_t chunk)
      : symbols_(symbols),
        capacity_(chunk + static_cast<std::size_t>(kMaxEntry)),
        entry_(genomes),
        exit_(genomes),
        positions_(genomes * symbols),
        high_((kLevels - 1) * capacity_),
        low_((kLevels - 1) * capacity_) {}

  void start(std::span<const double* const> params, bool allow_short) override {
    count_ = params.size();
    longest_ = 0;
    for (std::size_t g = 0; g < count_; ++g) {
      entry_[g] = length_of(params[g][0]);
      exit_[g] = length_of(params[g][1]);
      longest_ = std::max(longest_, entry_[g]);
    }
    allow_short_ = allow_short;
    std::fill(positions_.begin(), positions_.end(), std::int8_t{0});
  }

  void run(std::size_t symbol, const SymbolSeries& series, std::size_t begin, std::size_t end,
           std::int8_t* const* positions) override {
    // The table covers bars [base, end - 1): every window of a decision in [begin, end).
    const std::size_t base = begin > longest_ ? begin - longest_ : 0;
    const std::size_t span = end - 1 > base ? end - 1 - base : 0;
    const auto levels = static_cast<int>(std::bit_width(longest_));  // 0 .. floor(log2 longest)
    const double* high[kLevels] = {series.high + base};
    const double* low[kLevels] = {series.low + base};
    for (int k = 1; k < levels; ++k) {
      const std::size_t half = std::size_t{1} << (k - 1);
      double* out_high = high_.data() + static_cast<std::size_t>(k - 1) * capacity_;
      double* out_low = low_.data() + static_cast<std::size_t>(k - 1) * capacity_;
      const double* in_high = high[k - 1];
      const double* in_low = low[k - 1];
      for (std::size_t i = 0; i + 2 * half <= span; ++i) {
        out_high[i] = std::max(in_high[i], in_high[i + half]);
        out_low[i] = std::min(in_low[i], in_low[i + half]);
      }
      high[k] = out_high;
      low[k] = out_low;
    }
    for (std::size_t g = 0; g < count_; ++g) {
      std::int8_t& position = positions_[g * symbols_ + symbol];
      const Windows entry = windows(entry_[g], high, low, base);
      const Windows exit = windows(exit_[g], high, low, base);
      const std::size_t start = std::min(std::max(entry_[g], begin), end);
      std::fill(positions[g], positions[g] + (start - begin), std::int8_t{0});
      if (allow_short_) {
        position = decide<true>(series.close, entry, exit, start, end, position, positions[g] + (start - begin));
      } else {
        position = decide<false>(series.close, entry, exit, start, end, position, positions[g] + (start - begin));
      }
    }
  }

 private:
  // Levels 0 .. floor(log2 kMaxEntry); level 0 is the series itself.
  static constexpr auto kLevels = static_cast<std::size_t>(std::bit_width(static_cast<std::size_t>(kMaxEntry)));

  // A window of w bars [t - w, t - 1] as two runs of 2^k bars of level k, starting at bars t - w and
  // t - 2^k: level[t - first] and level[t - second] (the level's index 0 is bar `base`).
  struct Windows {
    const double* high;
    const double* low;
    std::size_t first;
    std::size_t second;
  };
  static Windows windows(std::size_t w, const double* const* high, const double* const* low, std::size_t base) {
    const auto k = static_cast<std::size_t>(std::bit_width(w) - 1);
    return {high[k], low[k], base + w, base + (std::size_t{1} << k)};
  }

  // Bars [start, end) of one genome from the position before `start`; returns the last position.
  template <bool kShort>
  static std::int8_t decide(const double* close, const Windows& entry, const Windows& exit, std::size_t start,
                            std::size_t end, std::int8_t position, std::int8_t* out) {
    using namespace vector4;
    std::uint64_t is_long = position == 1;
    std::uint64_t is_short = position == -1;
    for (std::size_t t0 = start; t0 < end; t0 += 64) {
      const std::size_t count = std::min<std::size_t>(64, end - t0);
      const std::size_t last = t0 + count - 1;
      std::uint64_t go_long = 0, stay_long = 0, go_short = 0, stay_short = 0;
      for (std::size_t u = 0; u < count; u += 4) {
        const std::size_t t = t0 + u;
        // Four bars t .. t + 3; past the last bar, lanes repeat it (their bits are masked off below).
        const auto at = [&](const double* level, std::size_t offset) {
          if (t + 3 <= last) [[likely]] return load(level + (t - offset));
          return v4d{level[t - offset], level[std::min(t + 1, last) - offset], level[std::min(t + 2, last) - offset],
                     level[last - offset]};
        };
        const v4d c = at(close, 0);
        const v4d entry_high = max(at(entry.high, entry.first), at(entry.high, entry.second));
        const v4d exit_low = min(at(exit.low, exit.first), at(exit.low, exit.second));
        go_long |= std::uint64_t{bits(less(entry_high, c))} << u;
        stay_long |= std::uint64_t{bits(~less(c, exit_low))} << u;
        if constexpr (kShort) {
          const v4d entry_low = min(at(entry.low, entry.first), at(entry.low, entry.second));
          const v4d exit_high = max(at(exit.high, exit.first), at(exit.high, exit.second));
          go_short |= std::uint64_t{bits(less(c, entry_low))} << u;
          stay_short |= std::uint64_t{bits(~less(exit_high, c))} << u;
        }
      }
      const std::uint64_t used = count == 64 ? ~std::uint64_t{0} : (std::uint64_t{1} << count) - 1;
      std::uint64_t longs = 0, shorts = 0;
      if constexpr (kShort) {  // donchian_next: going long and going short exclude each other
        longs = latch(go_long & used, stay_long & ~go_short & used, is_long);
        shorts = latch(go_short & ~go_long & used, stay_short & ~go_long & used, is_short);
      } else {
        longs = latch(go_long & used, stay_long & used, is_long);
      }
      for (std::size_t i = 0; i < count; ++i) {
        out[t0 - start + i] = static_cast<std::int8_t>(static_cast<int>(longs >> i & 1) - static_cast<int>(shorts >> i & 1));
      }
      is_long = longs >> (count - 1) & 1;
      is_short = shorts >> (count - 1) & 1;
    }
    return static_cast<std::int8_t>(static_cast<int>(is_long) - static_cast<int>(is_short));
  }

  // Bit i of the result: set[i] | (keep[i] & result[i - 1]), with result[-1] = before: the carries of
  // (set | keep) + set + before, in which set generates a carry and keep passes one on.
  static std::uint64_t latch(std::uint64_t set, std::uint64_t keep, std::uint64_t before) {
    const std::uint64_t a = set | keep;
    std::uint64_t sum;
    const bool first = __builtin_add_overflow(a, set, &sum);
    const bool second = __builtin_add_overflow(sum, before, &sum);
    const std::uint64_t carries_in = sum ^ a ^ set;  // bit i: the carry into bit i (bit 0: before)
    return carries_in >> 1 | static_cast<std::uint64_t>(first || second) << 63;
  }

  std::size_t symbols_;
  std::size_t capacity_;  // bars of one level of the table
  std::size_t count_ = 0;
  std::size_t longest_ = 0;
  bool allow_short_ = false;
  std::vector<std::size_t> entry_, exit_;
  std::vector<std::int8_t> positions_;  // genome-major, the last position per symbol
  std::vector<double> high_, low_;      // levels 1 .. kLevels - 1 of the table, capacity_ bars each
};

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
          .params = {{"entry", ParamKind::integer, 5, kMaxEntry, 20, "bars in the entry channel (before the current bar)"},
                     {"exit", ParamKind::integer, 2, 100, 10, "bars in the exit channel (before the current bar)"}},
          .less_than = {{1, 0}},
          .order = 4,
          .cost = 2.2,
          .chunk_kernel = donchian_breakout_chunk,
          .reference_kernel = donchian_breakout_reference,
          .batch_kernel = [](std::size_t genomes, std::size_t symbols, std::size_t chunk) -> std::unique_ptr<BatchKernel> {
            return std::make_unique<DonchianBatch>(genomes, symbols, chunk);
          }};
}

}  // namespace genepool::strategies
