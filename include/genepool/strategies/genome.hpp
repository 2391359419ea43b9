#pragma once
// An individual: a strategy type plus its parameters. Plain data, so it crosses MPI as bytes.
#include <array>
#include <cstddef>
#include <cstdint>
#include <type_traits>

namespace genepool {

inline constexpr std::size_t kMaxParams = 4;

struct Genome {
  std::uint32_t strategy = 0;  // index into strategy_registry()
  std::uint32_t reserved = 0;  // keeps params 8-byte aligned; always 0
  std::array<double, kMaxParams> params{};  // integer parameters hold integral values; unused slots are 0

  friend bool operator==(const Genome&, const Genome&) = default;
};

static_assert(std::is_trivially_copyable_v<Genome>);
static_assert(std::is_standard_layout_v<Genome>);
static_assert(sizeof(Genome) == 8 + 8 * kMaxParams);

}  // namespace genepool
