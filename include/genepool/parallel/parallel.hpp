#pragma once
// The parallel module: the only code that knows MPI (its headers stay inside src/parallel/).
// Rank 0 runs the evolution; every rank, rank 0 included, evaluates its share of each generation.
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include "genepool/backtest/backtest.hpp"
#include "genepool/backtest/execution.hpp"
#include "genepool/data/bar_window.hpp"
#include "genepool/data/market_data.hpp"
#include "genepool/error.hpp"
#include "genepool/evolution/evaluator.hpp"
#include "genepool/io/process_memory.hpp"

namespace genepool::parallel {

// MPI for the lifetime of the object (a plain run without mpirun is a singleton of one rank).
class Session {
 public:
  Session(int& argc, char**& argv);
  ~Session();
  Session(const Session&) = delete;
  Session& operator=(const Session&) = delete;

  int rank() const;
  int size() const;
  std::string host() const;
  // Rank 0: every rank's host and the CPU target it runs (docs/cpu-dispatch.md), gathered when
  // the session starts; empty on the other ranks.
  const std::vector<std::string>& rank_hosts() const;
  const std::vector<std::string>& rank_cpu_targets() const;
  // Ends every rank of the job with `status`; for errors that leave no clean way out.
  [[noreturn]] void abort(int status) const;

  struct Impl;
  const Impl& impl() const { return *impl_; }

 private:
  std::unique_ptr<Impl> impl_;
};

struct BroadcastStats {
  std::size_t bytes = 0;  // broadcast from rank 0 (the data once, to one rank per node when shared)
  double seconds = 0;
};

// The market data as every rank holds it after broadcast_market_data (docs/architecture.md, "One copy
// per node"). Shared: one copy per node, in a shared-memory segment (MPI_Win_allocate_shared) that
// the node's ranks read in place, with the data's BacktestTables beside it. Private, where shared
// memory is not available or not wanted: each rank holds a copy, and each Backtester makes its own
// tables. The segments stay mapped until the Session ends.
class SharedMarketData {
 public:
  SharedMarketData();  // no data
  SharedMarketData(SharedMarketData&&) noexcept;
  SharedMarketData& operator=(SharedMarketData&&) noexcept;
  ~SharedMarketData();

  const MarketView& view() const;
  // The whole data's tables in the node's segment, made for execution(); none (all null) for a private copy.
  const BacktestTables& tables() const;
  Execution execution() const;
  bool shared() const;
  int nodes() const;               // nodes (segments) of the job; 1 for a private copy
  std::size_t node_bytes() const;  // bytes of this node's segment (data and tables), or of the private copy's data

  struct State;  // parallel.cpp: what broadcast_market_data made
  explicit SharedMarketData(std::unique_ptr<State> state);

 private:
  std::unique_ptr<State> state_;
};

// Rank 0's `status` on every rank: how rank 0 tells the others that set-up failed (non-zero)
// so that every rank leaves with that status instead of waiting in a later collective.
int broadcast_status(const Session& session, int status);

// The largest `value` over all ranks, on every rank.
int max_over_ranks(const Session& session, int value);

// Rank 0 passes the loaded data (the other ranks' is ignored) and every rank the same `execution`
// (for the tables); every rank gets the same panel. Shared when `allow_shared`, GENEPOOL_SHARED_DATA
// is not `off` on rank 0, and every node's segment could be made (its backing directory, /dev/shm,
// has room for it); otherwise private, as one MPI_Bcast per buffer to every rank. Shared, rank 0
// copies the data into its node's segment and frees its own, and broadcasts it (one MPI_Bcast, in
// chunks below 2 GiB) to the first rank of each other node, which receives it into its segment and
// computes the tables there. A collective of every rank.
SharedMarketData broadcast_market_data(const Session& session, MarketData data, const ExecutionSettings& execution,
                                       bool allow_shared = true, BroadcastStats* stats = nullptr);

// Rank 0's `value` on every rank.
ExecutionSettings broadcast_settings(const Session& session, const ExecutionSettings& value);

// Rank 0's `texts` on every rank (any bytes; the other ranks' argument is ignored).
std::vector<std::string> broadcast_texts(const Session& session, std::vector<std::string> texts);

// Thrown on rank 0 when the workers did not all answer a batch in time (ExitCode::hung): one or
// more is stuck, and only MPI_Abort (Session::abort) can end the job. The batch is one collective
// gather, which cannot tell which rank is missing.
class NoAnswer : public Error {
 public:
  NoAnswer(int workers, double seconds);
  double seconds() const { return seconds_; }

 private:
  double seconds_;
};

// Rank 0's side of the distributed evaluation: broadcasts the command and the shares' sizes,
// scatters the genomes (MPI_Iscatterv), evaluates its own share, gathers the evaluations
// (MPI_Igatherv). The other ranks run serve_evaluations(). The collectives are the non-blocking
// forms so that rank 0 can give up on a batch at a deadline (set_timeout).
class MpiEvaluator final : public Evaluator {
 public:
  MpiEvaluator(const Session& session, const SharedMarketData& data, const ExecutionSettings& settings);
  ~MpiEvaluator() override;
  void evaluate(std::span<const Genome> genomes, std::span<Evaluation> results) override;
  EvaluationTiming last_timing() const override { return timing_; }
  // Evaluates on bars [window.begin, window.end) of the data from now on, on every rank (each reads
  // the window in place: indicators start at window.begin, nothing at or after window.end is read;
  // shared, the window's tables are made once per node). The whole data until the first call.
  // Throws Error for a window outside the data.
  void set_window(BarWindow window);
  // Releases the workers: they return `status` from serve_evaluations(). Called once, by rank 0.
  // Every rank's memory is measured then (rank_memory()).
  void finish(int status);
  // After finish(): every rank's memory when it was released, rank 0 first (the shared segments
  // still mapped by every rank, so their PSS add up to what the job held).
  const std::vector<ProcessMemory>& rank_memory() const { return rank_memory_; }

  struct Window;  // a bar window's view and tables (parallel.cpp; serve_evaluations keeps one too)
  // Rank 0's backtester over the current window (the whole data unless set_window moved it), for
  // work outside the evolution (the best strategies' curves).
  Backtester& backtester() { return *backtester_; }
  // True once a worker has reported, with a batch's results, that it was asked to stop.
  bool stop_requested() const { return stop_requested_; }
  // With `seconds` > 0, evaluate() throws NoAnswer when the workers have not all answered a batch
  // `seconds` after it was sent out (0: wait for ever).
  void set_timeout(double seconds) { timeout_ = seconds; }

 private:
  const Session& session_;
  const SharedMarketData& data_;
  ExecutionSettings settings_;
  std::unique_ptr<Window> window_;          // the current window, unless it is the whole data
  std::unique_ptr<Backtester> backtester_;  // on the whole data or window_
  std::vector<ProcessMemory> rank_memory_;
  EvaluationTiming timing_;
  bool finished_ = false;
  bool stop_requested_ = false;
  std::size_t batches_ = 0;
  std::vector<double> costs_;       // estimated cost of each genome of the batch
  std::vector<Genome> dealt_;       // the batch in dealt order
  std::vector<Evaluation> gathered_;
  double timeout_ = 0;
};

// A worker rank's loop: evaluate each share rank 0 scatters until it calls finish(); returns its status.
// `stop_requested` (if given) is asked once per batch; its answer goes back to rank 0 with the
// results (MpiEvaluator::stop_requested()), so a signal that reaches only this rank stops the run.
// Set GENEPOOL_FAIL_RANK=r to make rank r throw here (a test of failure handling).
int serve_evaluations(const Session& session, const SharedMarketData& data, const ExecutionSettings& settings,
                      const std::function<bool()>& stop_requested = {});

}  // namespace genepool::parallel
