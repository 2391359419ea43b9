#include "genepool/cli/mpi_job.hpp"

#include "genepool/data/bar_window.hpp"

#include <algorithm>
#include <filesystem>

#include "genepool/backtest/backtest.hpp"
#include "genepool/cli/error_line.hpp"
#include "genepool/cli/stop_signals.hpp"
#include "genepool/cli/strategy_files.hpp"

namespace genepool::app {

namespace {

// Calls job.release once: at the first release() or, failing that, on destruction.
class Release {
 public:
  explicit Release(const std::function<void()>& release) : release_(release) {}
  ~Release() { release(); }
  Release(const Release&) = delete;
  Release& operator=(const Release&) = delete;

  void release() noexcept {
    if (done_ || !release_) return;
    done_ = true;
    try {
      release_();
    } catch (...) {
      // NOTE: letting go cannot fail the job; a claim file left behind is taken over as stale.
    }
  }

 private:
  const std::function<void()>& release_;
  bool done_ = false;
};

}  // namespace

int run_mpi_job(int& argc, char**& argv, const ExecutionSettings& given, const MpiJob& job) {
  PhaseClock clock;
  parallel::Session session(argc, argv);
  // NOTE: declared after the session, so that even its destructor's call comes before MPI_Finalize.
  Release held(job.release);
  clock.lap("mpi_init");
  if (job.stops_on_signal) install_stop_handlers();
  const bool root = session.rank() == 0;
  try {
    // Set-up on rank 0; its outcome is broadcast so that no rank waits on a rank that failed.
    MarketData data;
    ExecutionSettings execution = given;
    int status = 0;
    parallel::NodeCsvReaders readers(session);
    readers.serve();  // the other ranks of rank 0's node, until rank 0 has loaded the data
    if (root) {
      try {
        data = job.set_up(session, clock, readers);
        if (job.account_start != nullptr) execution.account_start = *job.account_start;
        execution = Backtester::resolved(data, execution);  // resolves bars_per_year, checks the data
        if (const std::optional<BarWindow> window = job.inferred_over ? job.inferred_over() : std::nullopt;
            window && !(given.bars_per_year > 0))
          execution.bars_per_year = infer_bars_per_year(window_of(data, *window));
        clock.lap("check");
      } catch (const ConfigError& error) {
        print_error_line("error: ", job.locate ? job.locate(error) : std::string(error.what()));
        status = static_cast<int>(error.code());
      } catch (const Error& error) {
        print_error_line("error: ", error.what());
        status = static_cast<int>(error.code());
      }
    }
    readers.release();
    if (status != 0) held.release();  // before the other ranks are released
    if (const int shared = parallel::broadcast_status(session, status); shared != 0) return shared;

    share_file_strategies(session, root && job.file_strategies != nullptr ? *job.file_strategies
                                                                          : std::vector<StrategySource>{});

    parallel::BroadcastStats broadcast;
    execution = parallel::broadcast_settings(session, execution);
    const parallel::SharedMarketData shared =
        parallel::broadcast_market_data(session, std::move(data), execution, true, &broadcast);
    clock.lap("broadcast");
    // The job's status is rank 0's (an interrupt, a failure): a released worker exits 0, so that the
    // launcher does not end rank 0 before it has printed its error or written its checkpoint.
    if (!root) {
      std::function<bool()> stop_requested;
      if (job.stops_on_signal) stop_requested = [] { return stop_signal() != 0; };
      parallel::serve_evaluations(session, shared, execution, stop_requested);
      return 0;
    }
    const int status_of_run = job.run(session, shared, execution, broadcast, clock);
    held.release();
    return status_of_run;
  } catch (const Error& error) {
    held.release();  // before the error path, which may abort the job (a hung rank)
    print_error_line("error on rank " + std::to_string(session.rank()) + ": ", error.what());
    // A hung rank cannot be released: rank 0 (its results file removed on the way here) ends the job.
    if (!root || error.code() == ExitCode::hung) session.abort(static_cast<int>(error.code()));
    return static_cast<int>(error.code());
  } catch (const std::exception& error) {
    held.release();
    print_error_line("internal error on rank " + std::to_string(session.rank()) + ": ", error.what());
    if (!root) session.abort(static_cast<int>(ExitCode::failure));
    return static_cast<int>(ExitCode::failure);
  }
}

MemoryRecord memory_record(const parallel::SharedMarketData& data, const parallel::MpiEvaluator& evaluator) {
  MemoryRecord record;
  record.data_placement = data.shared() ? "shared" : "private";
  record.nodes = data.nodes();
  record.node_bytes = data.node_bytes();
  record.ranks = evaluator.rank_memory();
  if (!record.ranks.empty())
    record.ranks.front().peak_rss_bytes = std::max(record.ranks.front().peak_rss_bytes, process_memory().peak_rss_bytes);
  return record;
}

RunInfo run_info(const CLI::App& command, int argc, char** argv, const LoadReport& loaded, std::uint64_t seed,
                 const parallel::Session& session) {
  RunInfo run;
  run.config_text = command.config_to_str(true, false);
  for (int i = 0; i < argc; ++i) run.command_line += (i ? " " : "") + std::string(argv[i]);
  run.seed = seed;
  run.ranks = session.size();
  run.host = session.host();
  run.rank_hosts = session.rank_hosts();
  run.rank_cpu_targets = session.rank_cpu_targets();
  for (const LoadReport::File& file : loaded.files)
    run.inputs.push_back({file.path.string(), file.digest.sha256, file.digest.bytes});
  run.align = std::string(to_string(loaded.options.align));
  run.max_gap = static_cast<std::int64_t>(loaded.options.max_gap);
  run.symbol_first = loaded.first_timestamps;
  run.symbol_last = loaded.last_timestamps;
  run.alignment_losses = loaded.inner_losses();
  return run;
}

}  // namespace genepool::app
