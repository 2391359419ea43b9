#pragma once
// A batch kernel for a built-in type whose kernel is a chain from bar to bar (EMA, MACD, RSI): one
// genome waits on each bar's arithmetic, so four genomes side by side in vector lanes share its
// latency. `Lanes` (a type's file) holds four genomes' running values as vectors:
//   static std::size_t ready(const double* params): the first bar from which step() continues the
//     chunk kernel's values (after every seed); earlier bars go through the chunk kernel itself;
//   Lanes(const double* const params[4], const KernelState* const states[4], bool allow_short): the
//     values after those states;
//   vector4::v4di step(const SymbolSeries& series, std::size_t t, v4di position): bar t's positions
//     from the previous ones (lane l: -1, 0 or +1, as int64), with the chunk kernel's operations in
//     its order, so that each lane is bit for bit what the chunk kernel computes for its genome;
//   void save(std::size_t lane, KernelState& state) const: lane `lane`'s values back into its state.
#include <algorithm>
#include <bit>
#include <cstdint>
#include <memory>
#include <span>
#include <vector>

#include "genepool/strategies/strategy.hpp"

#include "../simd/vector4.hpp"

namespace genepool::strategies {

// exceeds(a, b) of strategy.hpp per lane, as a comparison mask: a - b > kTieTolerance |b|.
inline vector4::v4di exceeds_lanes(vector4::v4d a, vector4::v4d b) {
  return vector4::less(vector4::splat(kTieTolerance) * vector4::abs(b), a - b);
}

// crossover_position of indicators.hpp per lane: +1 where a exceeds b, -1 where b exceeds a and `shorts`
// (all ones when shorts are allowed, else 0), else 0.
inline vector4::v4di crossover_lanes(vector4::v4d a, vector4::v4d b, vector4::v4di shorts) {
  return (exceeds_lanes(b, a) & shorts) - exceeds_lanes(a, b);  // a mask's true is -1
}

// Every lane x.
inline vector4::v4di splat_int(std::int64_t x) { return vector4::v4di{x, x, x, x}; }

// Masks of the lanes whose position (-1, 0 or +1, as int64) is long, and short: (p + 1) / 2 and
// (1 - p) / 2 are 1 there, else 0 (shifts of unsigned lanes: SSE2 has no 64-bit arithmetic shift).
inline vector4::v4di long_lanes(vector4::v4di p) {
  using v4du = std::uint64_t __attribute__((vector_size(32)));
  return splat_int(0) - std::bit_cast<vector4::v4di>(std::bit_cast<v4du>(p + splat_int(1)) >> 1);
}
inline vector4::v4di short_lanes(vector4::v4di p) {
  using v4du = std::uint64_t __attribute__((vector_size(32)));
  return splat_int(0) - std::bit_cast<vector4::v4di>(std::bit_cast<v4du>(splat_int(1) - p) >> 1);
}

template <typename Lanes>
class LaneBatch final : public BatchKernel {
 public:
  LaneBatch(ChunkKernel chunk_kernel, std::size_t genomes, std::size_t symbols, std::size_t chunk)
      : chunk_kernel_(std::move(chunk_kernel)),
        symbols_(symbols),
        params_(genomes),
        states_(genomes * symbols),
        discard_(kGroup, std::vector<std::int8_t>(chunk)) {}

  void start(std::span<const double* const> params, bool allow_short) override {
    count_ = params.size();
    std::copy(params.begin(), params.end(), params_.begin());
    allow_short_ = allow_short;
    std::fill(states_.begin(), states_.end(), KernelState{});
  }

  void run(std::size_t symbol, const SymbolSeries& series, std::size_t begin, std::size_t end,
           std::int8_t* const* positions) override {
    for (std::size_t first = 0; first < count_; first += kGroup) {
      run_group(symbol, series, begin, end, positions + first, first, std::min(kGroup, count_ - first));
    }
  }

  // The maker for StrategyType::batch_kernel.
  static BatchKernelMaker maker(ChunkKernel chunk_kernel) {
    return [chunk_kernel](std::size_t genomes, std::size_t symbols, std::size_t chunk) -> std::unique_ptr<BatchKernel> {
      return std::make_unique<LaneBatch>(chunk_kernel, genomes, symbols, chunk);
    };
  }

 private:
  static constexpr std::size_t kGroup = 4;

  void run_group(std::size_t symbol, const SymbolSeries& series, std::size_t begin, std::size_t end,
                 std::int8_t* const* positions, std::size_t first, std::size_t lanes) {
    if (lanes == 1) {  // a lone genome: the scalar chain costs less than four lanes
      chunk_kernel_(series, params_[first], allow_short_, states_[first * symbols_ + symbol], begin, end, positions[0]);
      return;
    }
    std::size_t from = begin;
    for (std::size_t l = 0; l < lanes; ++l) from = std::max(from, Lanes::ready(params_[first + l]));
    from = std::min(from, end);
    std::int8_t* out[kGroup];
    const double* params[kGroup];
    KernelState* state[kGroup];
    for (std::size_t l = 0; l < kGroup; ++l) {
      const std::size_t j = first + std::min(l, lanes - 1);  // padding lanes repeat the last genome
      params[l] = params_[j];
      state[l] = &states_[j * symbols_ + symbol];
      out[l] = l < lanes ? positions[l] : discard_[l].data();
      if (l < lanes) chunk_kernel_(series, params[l], allow_short_, *state[l], begin, from, out[l]);
    }
    if (from == end) return;
    const KernelState* const seen[kGroup] = {state[0], state[1], state[2], state[3]};
    Lanes values(params, seen, allow_short_);
    vector4::v4di position{};
    for (std::size_t l = 0; l < kGroup; ++l) position[l] = state[l]->position;
    for (std::size_t t = from; t < end; ++t) {
      position = values.step(series, t, position);
      for (std::size_t l = 0; l < kGroup; ++l) out[l][t - begin] = static_cast<std::int8_t>(position[l]);
    }
    for (std::size_t l = 0; l < lanes; ++l) {
      values.save(l, *state[l]);
      state[l]->position = static_cast<std::int8_t>(position[l]);
    }
  }

  ChunkKernel chunk_kernel_;
  std::size_t symbols_;
  std::size_t count_ = 0;
  bool allow_short_ = false;
  std::vector<const double*> params_;
  std::vector<KernelState> states_;                // genome-major, a state per symbol
  std::vector<std::vector<std::int8_t>> discard_;  // the positions of padding lanes
};

}  // namespace genepool::strategies
