#pragma once
// The strategy registry: each type's name, parameter space and position kernels.
#include <cstddef>
#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "genepool/genome.hpp"

namespace genepool {

// What a kernel sees of one symbol: its contiguous series of `bars` values.
struct SymbolSeries {
  const double* open = nullptr;
  const double* high = nullptr;
  const double* low = nullptr;
  const double* close = nullptr;
  std::size_t bars = 0;
};

// Scratch memory for the optimised kernels, owned by the caller and reused across
// evaluations so that a kernel never allocates. reserve(bars) sizes every buffer.
struct KernelScratch {
  std::vector<double> values;          // 2 * bars
  std::vector<std::int32_t> indices;   // 2 * bars
  void reserve(std::size_t bars) {
    values.resize(2 * bars);
    indices.resize(2 * bars);
  }
};

// Writes the target position (-1, 0 or +1) for every bar t in [0, bars), decided only from
// data up to and including bar t's close. 0 while an indicator is undefined (warm-up).
// Short positions only when allow_short is true.
using PositionKernel = void (*)(const SymbolSeries& series, const double* params, bool allow_short,
                                std::int8_t* positions, KernelScratch& scratch);
// The plain reference: the same positions from direct, obviously correct loops (may allocate).
using ReferenceKernel = void (*)(const SymbolSeries& series, const double* params, bool allow_short,
                                 std::int8_t* positions);

enum class ParamKind : std::uint8_t { integer, real };

struct ParamSpec {
  std::string name;
  ParamKind kind;
  double lower;
  double upper;
  double default_value;
  std::string description;
};

struct StrategyType {
  std::string name;
  std::string description;  // one line
  std::vector<ParamSpec> params;
  // Pairs (i, j) meaning params[i] < params[j] (e.g. fast < slow); repaired, never rejected, by the GA.
  std::vector<std::pair<std::size_t, std::size_t>> less_than;
  PositionKernel kernel;
  ReferenceKernel reference_kernel;
};

// Comparisons of price-scaled quantities use a relative tie band, so rounding noise between
// two correct implementations never flips a signal (exact ties, e.g. on flat prices, are no signal).
inline constexpr double kTieTolerance = 1e-10;
// a exceeds b: a - b > kTieTolerance * |b|.
inline bool exceeds(double a, double b) { return a - b > kTieTolerance * (b < 0 ? -b : b); }

// Every registered type, in a fixed order: a Genome's `strategy` is an index into it.
const std::vector<StrategyType>& strategy_registry();
// Index of the type called `name`; throws ConfigError listing the known names.
std::uint32_t strategy_id(std::string_view name);
// The type of `genome`; throws ConfigError for an index outside the registry.
const StrategyType& strategy_of(const Genome& genome);

// Clamps every parameter into its bounds, rounds integer parameters, then restores each
// less_than constraint (swap, then nudge by one step inside the bounds). Idempotent.
void repair(const StrategyType& type, double* params);
// Throws ConfigError naming the strategy, the parameter, its value and the valid range when a
// value is out of bounds, not integral where it must be, non-finite, or breaks a less_than constraint.
void check_params(const StrategyType& type, const double* params);
// A genome of type `name` with the type's defaults, overridden by `values` (name -> value).
// Unknown parameter names and bad values are ConfigErrors.
Genome make_genome(std::string_view name, const std::map<std::string, double>& values = {});

}  // namespace genepool
