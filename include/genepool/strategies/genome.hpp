#pragma once
// An individual: a strategy type plus its parameters, and the exits and sizing values the run evolves.
// Plain data, so it crosses MPI as bytes.
#include <array>
#include <cstddef>
#include <cstdint>
#include <type_traits>

namespace genepool {

inline constexpr std::size_t kMaxParams = 4;

// The exits and sizing values a run may evolve (`stop-loss = [0.01, 0.2]` in the evolve config); the
// index of each in Genome::exits. Their keys and bounds: exit_gene_specs() (backtest/execution.hpp).
enum class ExitGene : std::uint32_t { stop_loss, take_profit, trailing_stop, max_bars, target_vol, vol_window, leverage_cap };
inline constexpr std::size_t kExitGenes = 7;

struct Genome {
  std::uint32_t strategy = 0;    // index into strategy_registry()
  std::uint32_t exit_genes = 0;  // bit g set: exits[g] is a gene and overrides the run's value of ExitGene g
  std::array<double, kMaxParams> params{};  // integer parameters hold integral values; unused slots are 0
  std::array<double, kExitGenes> exits{};   // the evolved values; 0 where exit_genes has no bit

  bool has_gene(ExitGene gene) const { return (exit_genes >> static_cast<std::uint32_t>(gene)) & 1u; }
  friend bool operator==(const Genome&, const Genome&) = default;
};

static_assert(std::is_trivially_copyable_v<Genome>);
static_assert(std::is_standard_layout_v<Genome>);
static_assert(sizeof(Genome) == 8 + 8 * kMaxParams + 8 * kExitGenes);  // no padding: bytes compare as values

}  // namespace genepool
