#pragma once
// The MPI job of `evolve` and `grid`, written once: set-up on rank 0, its status on every rank,
// the data and execution settings broadcast once, then rank 0 runs the command while the other
// ranks serve its evaluations (docs/architecture.md: a run, failure handling).
#include <CLI/CLI.hpp>
#include <cstdint>
#include <functional>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "genepool/backtest/execution.hpp"
#include "genepool/cli/phase_clock.hpp"
#include "genepool/data/bar_window.hpp"
#include "genepool/data/market_data.hpp"
#include "genepool/error.hpp"
#include "genepool/io/market_data_io.hpp"
#include "genepool/parallel/csv_readers.hpp"
#include "genepool/parallel/parallel.hpp"
#include "genepool/results/results.hpp"

namespace genepool::app {

struct MpiJob {
  // Rank 0: checks the settings and loads the data; returns it for every rank. An Error is printed
  // ("genepool: error: ...") and its status ends every rank. `clock` has timed "start" and
  // "mpi_init"; set_up ends its own phases on it. `readers`, the other ranks of rank 0's node, read
  // parts of large CSV files meanwhile (load_market_data).
  std::function<MarketData(const parallel::Session&, PhaseClock& clock, CsvRangeReaders& readers)> set_up;
  // Rank 0 once every rank holds the data: the command's work on `data` (rank 0's own copy is gone:
  // shared, the data is in the node's segment) with the execution settings resolved against it (bars
  // per year); returns the job's status. `clock` has timed set_up's phases, "check" (the settings
  // against the data) and "broadcast"; run ends its own on it.
  std::function<int(const parallel::Session&, const parallel::SharedMarketData& data,
                    const ExecutionSettings& execution, const parallel::BroadcastStats& broadcast, PhaseClock& clock)>
      run;
  // Rank 0, after set_up: the bars whose timestamps give bars per year when it is inferred (unset or
  // nullopt: all bars); evolve's training window of a split, so that nothing of the test window
  // reaches the evolution, its annualisation included.
  std::function<std::optional<BarWindow>()> inferred_over;
  // The line printed for a ConfigError of the set-up (unset: its message).
  std::function<std::string(const ConfigError&)> locate;
  // Rank 0's file strategies, registered there by set_up: after the set-up status their sources go to
  // every rank (one broadcast), and each other rank registers them before it evaluates anything.
  const std::vector<StrategySource>* file_strategies = nullptr;
  // Stop signals (stop_signals.hpp) are caught, and a worker's goes back to rank 0 with its results.
  bool stops_on_signal = false;
  // Rank 0: what the job holds for its whole life (the run's claim on its results path, run_claim.hpp),
  // let go exactly once on every exit path: after run, and on a failed set-up or data check, an
  // error or before an abort; always before the other ranks are released and before MPI_Finalize
  // (mpirun may end rank 0 once the others have exited).
  std::function<void()> release;
  // Rank 0, read after set_up: the bar the account opens at (--start, DataOptions), or null for 0.
  const std::size_t* account_start = nullptr;
};

// Runs `job` on this rank of the MPI session made from argc/argv, with `execution` as given on the
// command line; returns this rank's exit status. A worker returns 0 once rank 0 releases it; an
// error on a worker, or a hung rank (ExitCode::hung) on rank 0, ends every rank (MPI_Abort).
int run_mpi_job(int& argc, char**& argv, const ExecutionSettings& execution, const MpiJob& job);

// /memory of the results file: where `data` lived and every rank's memory, measured when `evaluator`
// released the workers (finish()), with rank 0's peak taken again now (it writes the results after).
MemoryRecord memory_record(const parallel::SharedMarketData& data, const parallel::MpiEvaluator& evaluator);

// The run's description for the results file: the resolved config of `command`, the command line,
// `seed`, the session's ranks and host, and each data file's SHA-256 and size (as `loaded` read them).
RunInfo run_info(const CLI::App& command, int argc, char** argv, const LoadReport& loaded, std::uint64_t seed,
                 const parallel::Session& session);

}  // namespace genepool::app
