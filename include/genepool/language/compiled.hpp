#pragma once
// The compiled evaluator of a file strategy's Program: compiled once per strategy, it evaluates
// chunks of bars for several genomes at a time, each operation a loop over the chunk, and an
// indicator with the same inputs and the same length is computed once per batch and shared by the
// genomes that use it. No allocation after construction. It reproduces the plain interpreter
// (interpreter.hpp) bit for bit: the same operations in the same order (operations.hpp).
#include <cstddef>
#include <cstdint>
#include <memory>
#include <span>
#include <vector>

#include "genepool/language/program.hpp"

namespace genepool::language {

// Bars per chunk of the single-genome kernel (CompiledProgram::chunk_kernel), which keeps its
// whole state in KernelState::buffer.
inline constexpr std::size_t kSingleChunk = 64;

// Where each node's buffers lie in an evaluator's memory, for a number of genomes, symbols and bars per chunk.
struct CompiledLayout {
  std::size_t genomes = 0, symbols = 0, chunk = 0;
  std::vector<std::size_t> first_slot;  // per node: its first instance slot (its slots follow)
  std::vector<std::size_t> slots;       // per node: how many instances it can have (1, or one per genome)
  std::vector<std::size_t> kept;        // per node: offset of slot 0's state within a symbol's block
  std::vector<std::size_t> work;        // per node: offset of slot 0's chunk buffers in the work area
  std::size_t slot_count = 0;
  std::size_t symbol_block = 0;         // the state carried from chunk to chunk, per symbol
  std::size_t size = 0;                 // doubles in all
};

class CompiledProgram {
 public:
  // Throws Error for a program that is not well formed (arguments after their users, a length
  // that is not a scalar node, a max_length of the wrong size).
  explicit CompiledProgram(FileStrategy strategy);

  const FileStrategy& strategy() const { return strategy_; }
  // Doubles the single-genome kernel needs in KernelState::buffer (StrategyType::buffer_size).
  std::size_t buffer_size() const { return single_.size; }
  // The single-genome ChunkKernel (strategy.hpp): resumable over any split of the bars, its state
  // in state.buffer (buffer_size() doubles); the positions of the batch evaluator.
  void chunk_kernel(const SymbolSeries& series, const double* params, bool allow_short, KernelState& state,
                    std::size_t begin, std::size_t end, std::int8_t* positions) const;

  // Per node, what the evaluators need (compiled.cpp).
  struct NodeInfo {
    std::size_t history = 0;         // past values its users read (t - history .. t - 1)
    std::size_t prefix_history = 0;  // past prefix sums its sma/sum/ema users read (0: none)
    bool prefix = false;             // an input of sma, sum or ema: exclusive prefix sums kept
    bool run = false;                // an input of a window function: the run of defined values kept
    bool varies = false;             // depends on a parameter: one instance per genome, else one in all
    bool leaf = false;               // open .. volume: read from the series
  };
  const std::vector<NodeInfo>& info() const { return info_; }
  CompiledLayout layout(std::size_t genomes, std::size_t symbols, std::size_t chunk) const;

 private:
  FileStrategy strategy_;
  std::vector<NodeInfo> info_;
  CompiledLayout single_;
};

// A batch of up to `genomes` genomes of one file strategy over the chunks of `symbols` symbols:
// the evaluator the Backtester runs (a BatchKernel, strategy.hpp).
class BatchEvaluator final : public BatchKernel {
 public:
  BatchEvaluator(std::shared_ptr<const CompiledProgram> program, std::size_t genomes, std::size_t symbols,
                 std::size_t chunk);
  // Starts a batch: params[g] is genome g's parameters (they must pass check_params); every
  // symbol starts afresh. Finds the shared instances. Throws Error for a length outside its range.
  void start(std::span<const double* const> params, bool allow_short) override;
  // Genome g's positions of bars [begin, end) of `symbol` into positions[g][0 .. end - begin):
  // each symbol's chunks in order from bar 0, end - begin <= chunk. Throws Error when the program
  // reads volume and the series has none.
  void run(std::size_t symbol, const SymbolSeries& series, std::size_t begin, std::size_t end,
           std::int8_t* const* positions) override;
  // Instances of series functions and operations in the current batch (after sharing), for tests.
  std::size_t instances() const { return instances_; }
  // Genome g's values of `node` over the last range run() computed (a node other than open .. volume).
  std::span<const double> values(std::size_t genome, std::uint32_t node) const;

 private:
  std::shared_ptr<const CompiledProgram> program_;
  CompiledLayout layout_;
  std::vector<double> memory_;
  std::size_t genomes_ = 0;
  std::size_t instances_ = 0;
  std::size_t last_count_ = 0;
  bool allow_short_ = false;
};

}  // namespace genepool::language
