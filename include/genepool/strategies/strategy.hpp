#pragma once
// The strategy registry: each type's name, parameter space, cost and position kernels.
#include <cstddef>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "genepool/strategies/genome.hpp"

namespace genepool {

namespace language {
struct FileStrategy;  // a strategy read from a strategy file (language/program.hpp)
}

// What a kernel sees of one symbol: its contiguous series of `bars` values.
struct SymbolSeries {
  const double* open = nullptr;
  const double* high = nullptr;
  const double* low = nullptr;
  const double* close = nullptr;
  std::size_t bars = 0;
  // Shared by every evaluation on the same data (the Backtester computes them once):
  // exclusive prefix sums of close as double-double numbers, close_sum_hi[t] + close_sum_lo[t] =
  // close[0] + ... + close[t - 1] (bars + 1 entries each; see make_close_sums). A chunk kernel needs
  // them; run_whole_series makes them into its scratch when they are absent.
  const double* close_sum_hi = nullptr;
  const double* close_sum_lo = nullptr;
  // The bars' volume: read only by file strategies (`volume` in docs/strategy-language.md).
  const double* volume = nullptr;
};

// Fills hi[0 .. bars] and lo[0 .. bars] with the exclusive prefix sums of close[0 .. bars) as
// double-double numbers (about 106 bits: a window sum taken from them is accurate to a few ulps).
void make_close_sums(const double* close, std::size_t bars, double* hi, double* lo);

// Working memory a resumable kernel may use (Donchian's channel blocks: 2 * (entry + exit) values).
inline constexpr std::size_t kKernelBufferSize = 600;

// The largest kernel buffer of the registered types (StrategyType::buffer_size).
std::size_t kernel_buffer_size();

// Scratch memory for run_whole_series, owned by the caller and reused across evaluations so that
// a kernel never allocates.
struct KernelScratch {
  std::vector<double> values;
  // Sizes the buffers for series of `bars` bars: kernel_buffer_size() values plus room for the prefix
  // sums run_whole_series makes when the series does not carry them; with shared_sums (it does) none.
  // Reserve after every file strategy is registered.
  void reserve(std::size_t bars, bool shared_sums = false) {
    values.resize(kernel_buffer_size() + (shared_sums ? 0 : 2 * (bars + 1)));
  }
};

// The state a resumable kernel carries from one range of bars to the next (see ChunkKernel):
// plain data, so that a batch of evaluations keeps one per genome and symbol without allocating.
struct KernelState {
  double value[8] = {};       // the type's running values (moving averages, sums, ...)
  std::size_t index[4] = {};  // and counters
  std::int8_t position = 0;   // the last position written
  double* buffer = nullptr;   // the type's buffer_size doubles, owned by the caller
};

// The optimised kernel over a range of bars: writes the target position (-1, 0 or +1) of every bar t
// in [begin, end) to positions[t - begin], decided only from data up to and including bar t's close;
// 0 while an indicator is undefined (warm-up), -1 only when allow_short. It continues from `state`
// (begin == 0 starts afresh and sets it up): calls over consecutive ranges give exactly the positions
// of one call over [0, bars), however the bars are split. O(bars), no allocation. It expects
// parameters that pass check_params, positive prices (validated data) and a series that carries its
// shared prefix sums (SymbolSeries::close_sum_*).
// (A function object: a file strategy's kernels hold its compiled program.)
using ChunkKernel = std::function<void(const SymbolSeries& series, const double* params, bool allow_short,
                                       KernelState& state, std::size_t begin, std::size_t end, std::int8_t* positions)>;

// The plain reference: the same positions from direct, obviously correct loops (may allocate).
using ReferenceKernel =
    std::function<void(const SymbolSeries& series, const double* params, bool allow_short, std::int8_t* positions)>;

// Several genomes of one type evaluated together over chunks of bars, sharing what they have in
// common (a file strategy's compiled evaluator, language/compiled.hpp): the positions of the
// type's chunk_kernel for each genome, bit for bit. Sized once; no allocation in start or run.
class BatchKernel {
 public:
  virtual ~BatchKernel() = default;
  // Starts a batch of params.size() genomes (each passing check_params); every symbol starts afresh.
  virtual void start(std::span<const double* const> params, bool allow_short) = 0;
  // Genome g's positions of bars [begin, end) of `symbol` into positions[g][0 .. end - begin):
  // each symbol's ranges in order from bar 0, each at most the chunk it was made for.
  virtual void run(std::size_t symbol, const SymbolSeries& series, std::size_t begin, std::size_t end,
                   std::int8_t* const* positions) = 0;
};
// Makes a BatchKernel for up to `genomes` genomes, `symbols` symbols and ranges of `chunk` bars.
using BatchKernelMaker =
    std::function<std::unique_ptr<BatchKernel>(std::size_t genomes, std::size_t symbols, std::size_t chunk)>;

enum class ParamKind : std::uint8_t { integer, real };

struct ParamSpec {
  std::string name;
  ParamKind kind;
  double lower;
  double upper;
  double default_value;
  std::string description;
};

// A type's registry entry. Each built-in type defines its own in src/strategies/types/NAME.cpp
// (docs/strategies.md, "Adding a strategy type"); a file strategy's is made by
// language::register_file_strategies (language/registration.hpp).
struct StrategyType {
  std::string name;         // the file's name: src/strategies/types/NAME.cpp
  std::string description;  // one line
  std::vector<ParamSpec> params;
  // Pairs (i, j) meaning params[i] < params[j] (e.g. fast < slow); repaired, never rejected, by the GA.
  std::vector<std::pair<std::size_t, std::size_t>> less_than;
  // The registry lists the types by ascending `order`, and a genome's `strategy` is its position
  // there, which checkpoints store: a new type takes the next unused number; no number changes.
  std::uint32_t order = 0;
  // Relative cost of a backtest, for dealing a batch out evenly across ranks: ns per bar and symbol
  // in a batch of Backtester::kLanes (bench/kernels.cpp, BatchW2/<type>; docs/benchmarks.md).
  double cost = 1.0;
  ChunkKernel chunk_kernel = nullptr;          // the optimised kernel (what the Backtester runs)
  ReferenceKernel reference_kernel = nullptr;  // the plain loops it must agree with
  std::size_t buffer_size = kKernelBufferSize;  // doubles chunk_kernel needs in KernelState::buffer
  // File strategies only (null for a built-in): its definition.
  std::shared_ptr<const language::FileStrategy> definition = nullptr;
  // The maker of the type's batch evaluator, which the Backtester runs for the genomes of the type
  // in a pass instead of chunk_kernel (file strategies; built-ins whose kernel is a chain from bar to
  // bar, evaluated several genomes side by side); null: chunk_kernel per genome.
  BatchKernelMaker batch_kernel = nullptr;
  bool built_in() const { return definition == nullptr; }
};

// The type's chunk kernel over the whole series in one call, with the prefix sums made into
// `scratch` (sized by KernelScratch::reserve) when the series does not carry them.
void run_whole_series(const StrategyType& type, const SymbolSeries& series, const double* params, bool allow_short,
                      std::int8_t* positions, KernelScratch& scratch);

// Comparisons of price-scaled quantities use a relative tie band, so rounding noise between
// two correct implementations never flips a signal (exact ties, e.g. on flat prices, are no signal).
inline constexpr double kTieTolerance = 1e-10;
// a exceeds b: a - b > kTieTolerance * |b|.
inline bool exceeds(double a, double b) { return a - b > kTieTolerance * (b < 0 ? -b : b); }

// Every registered type, in a fixed order: a Genome's `strategy` is an index into it. The built-ins
// by their `order`, then the file strategies in the order they were registered.
const std::vector<StrategyType>& strategy_registry();
// Appends a file strategy's type (type.definition set) with the next order after the registry's last:
// the one home of the registry's growth, called by language::register_file_strategies, which
// checks names first (a name already registered is a logic_error here). Registration happens
// before any evaluation, identically on every rank; it invalidates references into the registry.
void add_file_strategy_type(StrategyType type);
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
