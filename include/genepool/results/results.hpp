#pragma once
// The results file: everything a run found, in one self-describing HDF5 file written by rank 0.
// Schema: docs/results-format.md.
#include <chrono>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "genepool/backtest/backtest.hpp"
#include "genepool/backtest/trades.hpp"
#include "genepool/evolution/evolution.hpp"
#include "genepool/backtest/execution.hpp"
#include "genepool/data/market_data.hpp"
#include "genepool/error.hpp"
#include "genepool/io/output_file.hpp"
#include "genepool/io/process_memory.hpp"

namespace H5 {
class Exception;
class Group;
}  // namespace H5

namespace genepool::hdf5 {
class Writer;
}  // namespace genepool::hdf5

namespace genepool {

struct InputFile {
  std::string path;
  std::string sha256;  // 64 lowercase hex digits
  std::uint64_t bytes = 0;
};

// A file strategy the run used (docs/strategy-language.md), stored with its source text so that its
// results replay without the file.
struct StrategySource {
  std::string name;
  std::string file;    // the path it was read from
  std::string source;  // its own TOML table, reproducible on its own (FileStrategy::source)
};

struct RunInfo {
  std::string config_text;  // the resolved configuration (TOML), as the run used it
  std::string command_line;
  std::uint64_t seed = 0;
  int ranks = 1;
  std::string host;
  std::vector<std::string> rank_hosts;        // per rank, rank 0 first
  std::vector<std::string> rank_cpu_targets;  // the CPU target each rank ran (docs/cpu-dispatch.md)
  std::vector<InputFile> inputs;
  std::vector<StrategySource> strategy_sources;  // the file strategies registered for the run
  std::string align;               // how the data's files were aligned ("union", "inner"); empty: unknown
  std::int64_t max_gap = 0;
  std::vector<std::int64_t> symbol_first, symbol_last;  // per symbol: its own first and last bar (UTC seconds)
  std::vector<std::string> alignment_losses;            // LoadReport::inner_losses()
  std::size_t account_start = 0;   // --start: the account's first bar (the data given ends at --end)
  bool windowed = false;           // --start or --end given
  bool bars_per_year_inferred = false;  // the run's bars per year was inferred (given as 0)
  std::size_t data_bytes = 0;      // market data broadcast once: bytes
  double broadcast_seconds = 0;    // and the time it took
};

// Wall seconds of one phase of a run on rank 0 (/timing).
struct PhaseSeconds {
  std::string name;
  double seconds = 0;
};

// Fills `curve` with the backtest of one of the best strategies over the whole data (equity must
// have one value per bar) and `trades` with its trades (reference_trades). The writer asks for one
// curve at a time and reuses `curve`, so only one strategy's curves are in memory however many best
// strategies the file keeps.
using CurveOf = std::function<void(const HallOfFameEntry& entry, BacktestCurve& curve, std::vector<Trade>& trades)>;

// Writes a results file as the run goes: one generation at a time, then the final population and the
// best strategies. Everything goes to `path` + ".partial"; finish() commits it onto `path` (AtomicFile),
// so a file at `path` is always complete. Every HDF5 failure is an IoError naming the file and the object.
class ResultsWriter final : public EvolutionObserver {
 public:
  // Refuses an existing `path` unless `force` (check_outputs), then creates the partial file
  // with the run's configuration, inputs, market data axis and strategy registry.
  ResultsWriter(std::filesystem::path path, bool force, const RunInfo& run, const MarketView& data,
                const EvolutionSettings& evolution, const ExecutionSettings& execution);
  ResultsWriter(const ResultsWriter&) = delete;
  ResultsWriter& operator=(const ResultsWriter&) = delete;
  // Without finish(): closes and deletes the partial file; an existing file at `path` is left untouched.
  ~ResultsWriter() override;

  // Appends one generation's statistics and individuals.
  void on_generation(const GenerationView& generation) override;

  // Writes the final population, `best` (sorted by fitness, best first; in NSGA-II mode in the given
  // order, the knee first) with the curves `curve_of` computes, the end time and totals, then calls
  // `extra` (if set) with the writer and the open file's root to add more groups (e.g. /validation),
  // closes the file and commits it onto `path`. Call at most once.
  using ExtraContent = std::function<void(hdf5::Writer& out, const H5::Group& root)>;
  void finish(const EvolutionResult& result, std::span<const HallOfFameEntry> best, const CurveOf& curve_of,
              const ExtraContent& extra = {});

  // Seconds of run time recorded with the last generation (/generations/elapsed_seconds).
  double elapsed_seconds() const { return elapsed_; }
  // Sets the run-time clock to `seconds` now, and records exactly `seconds` with the next generation:
  // a resumed run replays its checkpoint's times and continues the time of the runs before it.
  void set_elapsed_seconds(double seconds);

  const std::filesystem::path& path() const { return output_.path(); }
  const std::filesystem::path& partial_path() const { return output_.partial(); }

 private:
  struct File;  // the open HDF5 file and its appendable datasets (results.cpp)

  AtomicFile output_;
  bool force_;
  // After a failed HDF5 write (disk full, I/O error) the open objects are abandoned, never closed:
  // closing them would retry the writes, print an error per object and can crash HDF5 at exit. The
  // partial file is removed; returns the error to throw.
  IoError failed(const H5::Exception& e);
  std::vector<std::int64_t> timestamps_;  // the data's: the best strategies' trade times
  std::size_t generations_ = 0;  // written so far
  std::chrono::steady_clock::time_point started_;
  double elapsed_ = 0;
  std::optional<double> replayed_elapsed_;  // set_elapsed_seconds's, for the next generation
  std::unique_ptr<File> file_;
  MultiObjectiveSettings multi_;  // NSGA-II: the front's columns and /pareto
  bool robust_ = false;           // robustness on: /best/raw_fitness beside fitness
  bool exit_genes_ = false;       // the run evolves exits or sizing: the `exits` columns
};

// Where the market data lived and what every rank held (/memory; docs/results-format.md).
struct MemoryRecord {
  std::string data_placement;        // "shared": one copy per node; "private": one per rank
  std::int32_t nodes = 1;
  std::uint64_t node_bytes = 0;      // one copy: the data and, shared, its backtest tables
  std::vector<ProcessMemory> ranks;  // rank 0 first, measured when rank 0 released the workers
};

// Writes /memory; an ExtraContent of finish().
void write_memory(hdf5::Writer& out, const H5::Group& root, const MemoryRecord& memory);

// Writes /timing: one row per phase, in order (docs/results-format.md); an ExtraContent of finish().
void write_timing(hdf5::Writer& out, const H5::Group& root, std::span<const PhaseSeconds> phases);

}  // namespace genepool
