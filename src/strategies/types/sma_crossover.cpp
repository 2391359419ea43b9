// sma_crossover: long while the fast simple moving average is above the slow one.
#include <algorithm>
#include <cmath>

#include <cstring>

#include "../../simd/vector4.hpp"
#include "../indicators.hpp"

namespace genepool::strategies {

using namespace indicators;

namespace {

// Byte l is 1 when bit l of the index is set: four decisions from a comparison mask.
constexpr std::uint32_t kSpread[16] = {
    0x00000000, 0x00000001, 0x00000100, 0x00000101, 0x00010000, 0x00010001, 0x00010100, 0x00010101,
    0x01000000, 0x01000001, 0x01000100, 0x01000101, 0x01010000, 0x01010001, 0x01010100, 0x01010101};

// Positions for bars [begin, end) into out[t - origin], from the prefix sums, four bars at a time:
// no loop-carried state. Returns true when some decision may lie within the recheck band.
// NOTE: with F and S the window sums (a = F / fast, b = S / slow, both positive), margin(a, b) =
// a - b (1 + tie) = (F - c0 S) / fast with c0 = fast (1 + tie) / slow, and the band kMeanRecheckBand * b
// is (c1 S) / fast with c1 = fast * kMeanRecheckBand / slow: one fused multiply-subtract and one
// comparison per decision. Likewise margin(b, a) = (S - c2 F) / slow. These differ from the reference's
// margins by a few ulps, far inside the band, where decisions are recomputed exactly anyway.
// Without kLow the window sums use the prefix sums' high parts only (half the loads): each low part
// is at most half an ulp of its high part, so F and S are each off by at most 2^-52 M (M: the largest
// |hi| the block reads); `slack` widens the band by twice that, and decisions it reaches are recomputed.
template <bool kShort, bool kLow>
bool sma_block(const double* hi, const double* lo, std::size_t fast, std::size_t slow, std::size_t begin,
               std::size_t end, std::size_t origin, std::int8_t* out) {
  using namespace vector4;
  const double f = static_cast<double>(fast);
  const double s = static_cast<double>(slow);
  const double c0 = f * (1.0 + kTieTolerance) / s;
  const double c1 = f * kMeanRecheckBand / s;
  const double c2 = s * (1.0 + kTieTolerance) / f;
  const double c3 = s * kMeanRecheckBand / f;
  // NOTE: closes are > 0 (validated), so the prefix sums grow and the block's largest |hi| is at an end.
  const double largest = std::max(std::fabs(hi[end]), std::fabs(hi[begin + 1 - slow]));
  const double unit = kLow ? 0.0 : 2 * std::ldexp(largest, -52);  // twice the bound on each window sum's error
  const v4d slack_up = splat(unit * (1.0 + c0));
  const v4d slack_down = splat(unit * (1.0 + c2));
  // The vector loop's band is at least every decision's: each window sum of the block (of closes > 0)
  // is at most the sum over the union of its windows, `widest` (1e-9 above, for its own rounding).
  // A wider band only sends more blocks to the exact recomputation.
  const double widest =
      ((hi[end] - hi[begin + 1 - slow]) + (lo[end] - lo[begin + 1 - slow])) * (1.0 + 1e-9);
  const v4d band_up = splat(c1 * widest) + slack_up;
  const v4d band_down = splat(c3 * widest) + slack_down;
  v4di unsure_lanes{};  // the lanes' unsure flags, ORed over the block
  unsigned unsure = 0;
  std::size_t t = begin;
  for (; t + 4 <= end; t += 4) {
    const v4d hi_now = load(hi + t + 1);
    v4d sum_fast = hi_now - load(hi + t + 1 - fast);
    v4d sum_slow = hi_now - load(hi + t + 1 - slow);
    if constexpr (kLow) {
      const v4d lo_now = load(lo + t + 1);
      sum_fast += lo_now - load(lo + t + 1 - fast);
      sum_slow += lo_now - load(lo + t + 1 - slow);
    }
    const v4d up = sum_fast - splat(c0) * sum_slow;
    unsure_lanes |= less_equal(abs(up), band_up);
    // up > 0 is its sign bit clear: a sure decision has up != 0 (an unsure block is recomputed).
    std::uint32_t bytes = kSpread[~bits(std::bit_cast<v4di>(up)) & 0xFU];
    if constexpr (kShort) {
      const v4d down = sum_slow - splat(c2) * sum_fast;
      unsure_lanes |= less_equal(abs(down), band_down);
      bytes |= kSpread[~bits(std::bit_cast<v4di>(down)) & 0xFU] * 0xFFU;  // -1; never where up > 0
    }
    std::memcpy(out + (t - origin), &bytes, sizeof bytes);
  }
  for (; t < end; ++t) {
    const double sum_fast = kLow ? window_sum_from(hi, lo, t + 1, fast) : hi[t + 1] - hi[t + 1 - fast];
    const double sum_slow = kLow ? window_sum_from(hi, lo, t + 1, slow) : hi[t + 1] - hi[t + 1 - slow];
    const double up = sum_fast - c0 * sum_slow;
    unsure |= static_cast<unsigned>(std::fabs(up) <= c1 * sum_slow + slack_up[0]);
    int position = static_cast<int>(up > 0.0);
    if constexpr (kShort) {
      const double down = sum_slow - c2 * sum_fast;
      unsure |= static_cast<unsigned>(std::fabs(down) <= c3 * sum_fast + slack_down[0]);
      position -= static_cast<int>(down > 0.0);
    }
    out[t - origin] = static_cast<std::int8_t>(position);
  }
  return unsure != 0 || bits(unsure_lanes) != 0;
}

// NOTE: the averages come from double-double prefix sums of close (shared by every evaluation on
// the data), accurate to a few ulps; the reference's fresh window sums carry up to `slow` roundings.
// Decisions within kMeanRecheckBand are recomputed as the reference does.
void sma_crossover_chunk(const SymbolSeries& series, const double* params, bool allow_short, KernelState& /*state*/,
                         std::size_t begin, std::size_t end, std::int8_t* positions) {
  const std::size_t fast = length_of(params[0]);
  const std::size_t slow = length_of(params[1]);
  const std::size_t first = slow - 1;  // first bar with both averages defined
  const std::size_t start = std::min(std::max(first, begin), end);
  std::fill(positions, positions + (start - begin), std::int8_t{0});

  const double* close = series.close;
  const double* hi = series.close_sum_hi;
  const double* lo = series.close_sum_lo;
  constexpr std::size_t kBlock = 256;
  for (std::size_t block = start; block < end; block += kBlock) {
    const std::size_t stop = std::min(end, block + kBlock);
    // The high parts alone where their error widens the band by at most its own width at the block's
    // start (late in a long rising series); else, and after a fall, the double-double sums.
    // (The slack is about 2^-51 M against a band of about kMeanRecheckBand F on either side.)
    const double fast_sum = window_sum_from(hi, lo, block + 1, fast);
    const bool high_only =
        std::ldexp(std::max(hi[stop], hi[block + 1 - slow]), -51) <= kMeanRecheckBand * fast_sum / 2;
    bool unsure = false;
    if (high_only) {
      unsure = allow_short ? sma_block<true, false>(hi, lo, fast, slow, block, stop, begin, positions)
                           : sma_block<false, false>(hi, lo, fast, slow, block, stop, begin, positions);
    } else {
      unsure = allow_short ? sma_block<true, true>(hi, lo, fast, slow, block, stop, begin, positions)
                           : sma_block<false, true>(hi, lo, fast, slow, block, stop, begin, positions);
    }
    if (!unsure) [[likely]] continue;
    for (std::size_t t = block; t < stop; ++t) {
      const double a = window_sum_from(hi, lo, t + 1, fast) / static_cast<double>(fast);
      const double b = window_sum_from(hi, lo, t + 1, slow) / static_cast<double>(slow);
      const bool near = std::fabs(margin(a, b)) <= 2 * kMeanRecheckBand * std::fabs(b) ||
                        (allow_short && std::fabs(margin(b, a)) <= 2 * kMeanRecheckBand * std::fabs(a));
      // near: as the reference computes it; else from the accurate averages (the high parts alone
      // may have decided wrongly inside their slack)
      positions[t - begin] =
          near ? crossover_position(window_sum(close, t + 1 - fast, fast) / static_cast<double>(fast),
                                    window_sum(close, t + 1 - slow, slow) / static_cast<double>(slow), allow_short)
               : crossover_position(a, b, allow_short);
    }
  }
}

void sma_crossover_reference(const SymbolSeries& series, const double* params, bool allow_short,
                             std::int8_t* positions) {
  const std::size_t fast = length_of(params[0]);
  const std::size_t slow = length_of(params[1]);
  for (std::size_t t = 0; t < series.bars; ++t) {
    if (t + 1 < slow) {
      positions[t] = 0;
      continue;
    }
    const double sma_fast = window_sum(series.close, t + 1 - fast, fast) / static_cast<double>(fast);
    const double sma_slow = window_sum(series.close, t + 1 - slow, slow) / static_cast<double>(slow);
    positions[t] = crossover_position(sma_fast, sma_slow, allow_short);
  }
}

}  // namespace

StrategyType sma_crossover_type() {
  return {.name = "sma_crossover",
          .description = "long while the fast simple moving average is above the slow one (short while below)",
          .params = {{"fast", ParamKind::integer, 2, 100, 10, "bars in the fast moving average"},
                     {"slow", ParamKind::integer, 10, 400, 40, "bars in the slow moving average"}},
          .less_than = {{0, 1}},
          .order = 0,
          .cost = 1.5,
          .chunk_kernel = sma_crossover_chunk,
          .reference_kernel = sma_crossover_reference};
}

}  // namespace genepool::strategies
