// `genepool evolve`: the main job. Rank 0 loads and checks everything, broadcasts the data once,
// and runs the GA; every rank evaluates its share of each generation.
#include <chrono>
#include <ctime>
#include <filesystem>
#include <iostream>
#include <optional>
#include <string_view>

#include "genepool/cli/checkpointing.hpp"
#include "genepool/app/commands.hpp"
#include "genepool/cli/command_defaults.hpp"
#include "genepool/cli/config_errors.hpp"
#include "genepool/cli/config_file.hpp"
#include "genepool/cli/data_options.hpp"
#include "genepool/cli/error_line.hpp"
#include "genepool/cli/execution_options.hpp"
#include "genepool/cli/exit_request.hpp"
#include "genepool/cli/mpi_job.hpp"
#include "genepool/backtest/backtest.hpp"
#include "genepool/backtest/backtest_reference.hpp"
#include "genepool/results/checkpoint.hpp"
#include "genepool/error.hpp"
#include "genepool/evolution/evolution.hpp"
#include "genepool/io/market_data_io.hpp"
#include "genepool/io/output_file.hpp"
#include "genepool/io/run_claim.hpp"
#include "genepool/parallel/parallel.hpp"
#include "genepool/evolution/resumable_evaluator.hpp"
#include "genepool/results/results.hpp"
#include "genepool/results/top_selection.hpp"
#include "genepool/results/validation_results.hpp"
#include "genepool/strategies/strategy.hpp"
#include "genepool/version.hpp"
#include "genepool/cli/progress.hpp"
#include "genepool/cli/ranges.hpp"
#include "genepool/cli/search_options.hpp"
#include "genepool/cli/stop_signals.hpp"
#include "genepool/cli/strategy_files.hpp"
#include "genepool/cli/validation_options.hpp"

namespace genepool::app {
namespace {

struct EvolveOptions {
  DataOptions data;
  std::string out = "results.h5";
  bool force = false;
  bool quiet = false;
  bool no_cache = false;              // recorded as given: no-cache=true turns the evaluation cache off
  std::string resume;                 // a checkpoint file to continue from
  std::size_t checkpoint_every = 10;  // generations between checkpoints (0: only when stopped)
  double generation_timeout = 0;      // seconds a generation may wait for a rank (0: for ever)
  std::vector<std::string> strategies;
  std::vector<std::string> strategy_files;
  std::string objective = "sharpe";
  std::string crossover = "sbx";
  std::string mutation = "gaussian";
  std::string mode = "ga";
  std::vector<std::string> objectives{"sharpe:max", "max_drawdown:min", "turnover:min"};
  SearchRefinementTexts refinements;
  EvolutionSettings evolution;
  double top_distance = kDefaultTopDistance;  // /best's minimum parameter distance (top_selection.hpp)
  ExecutionSettings execution;
  ValidationOptions validation;
  CLI::App* command = nullptr;
  int* argc = nullptr;
  char*** argv = nullptr;
};

// Everything rank 0 prepares before any rank starts working.
struct Prepared {
  MarketData data;
  std::size_t account_start = 0;  // --start: the account's first bar (the data ends at --end)
  RunInfo run;
  Checkpoint checkpoint;  // the state resumed from (generations 0 for a fresh run)
  ValidationSettings validation;
  Split split;  // the evolution sees split.train only
};

EvolutionSettings resolve_evolution(const EvolveOptions& options) {
  EvolutionSettings settings = options.evolution;
  settings.evaluation_cache = !options.no_cache;
  settings.fitness.objective = parse_objective(options.objective, "objective");
  settings.ga.crossover = parse_crossover(options.crossover, "crossover");
  settings.ga.mutation = parse_mutation(options.mutation, "mutation");
  settings.ga.strategies.clear();
  for (const auto& name : options.strategies) settings.ga.strategies.push_back(strategy_id(name));
  if (const ConfigFile* file = config_file_of(*options.command)) {
    settings.ga.space = read_ranges(*file);
    read_exit_genes(*file, *options.command, options.execution.exits.sizing, settings.ga.space);
  }
  check(settings.ga);
  settings.multi = resolve_multi_objective(options.mode, options.objectives,
                                           options.command->get_option("--objectives")->count() > 0);
  resolve_search_refinements(options.refinements, settings);
  // The default depends on the population: recorded as its value, so the run's /config says it.
  if (CLI::Option* islands = options.command->get_option("--islands"); islands->count() == 0) {
    std::size_t& count = settings.islands.count;
    count = settings.multi.enabled ? 1 : default_islands(settings.ga.population);
    // NOTE: a default never refuses the run: fewer islands when elitism or tournament-size needs larger ones.
    while (count > 1 && (settings.ga.elitism >= settings.ga.population / count ||
                         settings.ga.tournament_size > settings.ga.population / count))
      --count;
    islands->default_str(std::to_string(settings.islands.count));
  }
  check(settings);
  return settings;
}

Prepared prepare_on_root(const EvolveOptions& options, const parallel::Session& session,
                         const EvolutionSettings& evolution,
                         const std::vector<language::FileStrategy>& file_strategies,
                         std::optional<RunClaim>& claim, PhaseClock& clock, CsvRangeReaders& readers) {
  std::vector<std::filesystem::path> inputs = options.data.paths();
  inputs.insert(inputs.end(), options.strategy_files.begin(), options.strategy_files.end());
  if (!options.resume.empty()) inputs.emplace_back(options.resume);
  if (const ConfigFile* file = config_file_of(*options.command)) inputs.emplace_back(file->path());
  const OutputPath outputs[] = {{options.out, "run.h5"}};
  check_outputs(inputs, outputs, options.force);
  claim.emplace(options.out);
  if (options.data.data.empty()) throw ConfigError("no market data: give --data FILE or `data = [...]` in the config");
  const std::filesystem::path own_checkpoint = checkpoint_path(options.out);
  std::error_code ec;
  if (!options.force && std::filesystem::exists(own_checkpoint, ec) &&
      (options.resume.empty() || !std::filesystem::equivalent(own_checkpoint, options.resume, ec)))
    throw IoError(own_checkpoint.string() + ": a stopped run's checkpoint is in the way; continue that run with "
                  "--resume " + own_checkpoint.string() + ", or pass --force to start afresh (replacing it)");
  Checkpoint checkpoint;
  if (!options.resume.empty()) checkpoint = read_checkpoint(options.resume);
  LoadReport report;
  Prepared prepared{options.data.load(&report, &readers), 0, {}, {}, {}, {}};
  clock.lap("load");
  if (!options.quiet) std::cout << "genepool: " << report.summary() << '\n';
  ExecutionSettings windowed = options.execution;
  const std::string window = apply_date_window(options.data, prepared.data, windowed);
  prepared.account_start = windowed.account_start;
  if (!window.empty() && !options.quiet) std::cout << "genepool: " << window << '\n';
  for (const std::string& loss : report.inner_losses())
    (options.quiet ? std::cerr : std::cout) << "genepool: warning: " << loss << "; --align union keeps every bar\n";
  refuse_look_ahead(file_strategies, prepared.data);
  prepared.validation = resolve_validation(options.validation);
  prepared.validation.split.first_bar = prepared.account_start;  // the split and the folds lie in the window
  prepared.validation.walk_forward.first_bar = prepared.account_start;
  prepared.split = check_validation(prepared.validation, prepared.data);
  prepared.run = run_info(*options.command, *options.argc, *options.argv, report, options.evolution.seed,
                          session);
  prepared.run.account_start = prepared.account_start;
  prepared.run.windowed = options.data.windowed();
  prepared.run.config_text = with_exit_genes(prepared.run.config_text, evolution.ga.space) + ranges_text(evolution.ga.space);
  prepared.run.strategy_sources = sources_of(file_strategies);
  prepared.run.config_text += sources_text(prepared.run.strategy_sources);
  clock.lap("fingerprint");
  const RunInfo& run = prepared.run;
  const Settings settings = settings_of(run.config_text);
  if (!options.resume.empty()) {
    check_resumable(checkpoint, options.resume, settings, run.inputs, options.evolution.ga.generations);
    prepared.checkpoint = std::move(checkpoint);
  } else {
    prepared.checkpoint.seed = run.seed;
    prepared.checkpoint.settings = settings;
    prepared.checkpoint.inputs = run.inputs;
  }
  return prepared;
}

// Rank 0 after set-up: the evolution, its results file and its report; returns the exit status.
int run_root(const parallel::Session& session, const EvolveOptions& options, const EvolutionSettings& evolution,
              Prepared& prepared, const parallel::SharedMarketData& shared, const ExecutionSettings& execution,
              PhaseClock& clock) {
  const MarketView& data = shared.view();
  const auto start = std::chrono::steady_clock::now();
  parallel::MpiEvaluator evaluator(session, shared, execution);
  evaluator.set_timeout(options.generation_timeout);
  const std::size_t resumed = prepared.checkpoint.generations;
  ResumableEvaluator resumable(evaluator, std::move(prepared.checkpoint.log));
  // The writer records the resolved bars per year (with a split: inferred over the training window)
  // and whether it was inferred.
  prepared.run.bars_per_year_inferred = !(options.execution.bars_per_year > 0);
  ResultsWriter writer(options.out, options.force, prepared.run, data, evolution, execution);
  clock.lap("results_open");
  ProgressPrinter progress(std::cout, evolution.ga.generations, evolution.ga.population);
  TrialRecorder trials;  // every generation, replayed ones too: the validation's count of distinct trials
  std::vector<EvolutionObserver*> live;
  if (!options.quiet) live.push_back(&progress);
  const auto stop_signal = [&evaluator] { return app::stop_signal() != 0 ? app::stop_signal() : evaluator.stop_requested() ? -1 : 0; };
  RunCheckpointer checkpointer(writer, live, resumable, std::move(prepared.checkpoint), checkpoint_path(options.out),
                               options.checkpoint_every, evolution.ga.generations, stop_signal);
  checkpointer.add_recorder(&trials);
  EvolutionObserver* const observers[] = {&checkpointer};
  if (!options.quiet) {
    std::cout << "genepool evolve: " << evolution.ga.population << " individuals x " << evolution.ga.generations + 1
              << " generations on " << data.symbol_count() << " symbol(s) x " << data.bars()
              << " bars, " << session.size() << " rank(s), seed " << evolution.seed << ", objective "
              << to_string(evolution.fitness.objective) << ", " << describe(execution) << '\n';
    if (!evolution.ga.space.empty()) std::cout << "search ranges: " << describe(evolution.ga.space) << '\n';
    if (resumed > 0)
      std::cout << "resuming " << options.resume << ": generations 0.." << resumed - 1
                << " replayed from its evaluations\n";
  }
  const auto set_window = [&evaluator](BarWindow window) { evaluator.set_window(window); };
  if (prepared.split.enabled) set_window(prepared.split.train);
  EvolutionResult result;
  try {
    // The search keeps more candidates than /best shows, so that far enough apart ones can be chosen.
    EvolutionSettings searching = evolution;
    searching.hall_of_fame = candidate_pool(evolution.hall_of_fame, options.top_distance);
    result = evolve(searching, resumable, observers);
    result.hall_of_fame =
        select_diverse(result.hall_of_fame, evolution.hall_of_fame, options.top_distance, evolution.ga.space);
    clock.lap("evolution");
  } catch (const StopRun& stop) {
    evaluator.finish(static_cast<int>(ExitCode::interrupted));
    std::cerr << "genepool: stopped by " + std::string(stop.signal != 0 ? signal_name(stop.signal) : "a signal on another rank") +
                     " after generation " + std::to_string(stop.generation) + "; checkpoint " +
                     checkpointer.path().string() + "; continue with the same options and --resume " +
                     checkpointer.path().string() + '\n';
    return static_cast<int>(ExitCode::interrupted);
  } catch (const parallel::NoAnswer& hung) {
    std::error_code ec;
    const bool saved = std::filesystem::exists(checkpointer.path(), ec);
    throw Error("generation " + std::to_string(checkpointer.generations_done()) + ": " + hung.what() +
                    " (generation-timeout); the job is aborted; " +
                    (saved ? "resume from " + checkpointer.path().string()
                           : std::string("no checkpoint was written yet (checkpoint-every ") +
                                 std::to_string(options.checkpoint_every) + ")"),
                ExitCode::hung);
  }
  const auto on_fold = [&](const WalkForwardFoldResult& fold) {
    if (!options.quiet) print_walk_forward_fold(std::cout, fold, evolution.fitness.objective);
  };
  ValidationReport validation = validate(prepared.validation, evolution, result, trials, prepared.split, data,
                                         execution, evaluator.backtester(), evaluator, set_window,
                                         on_fold);
  // The best strategies' curves cover every bar: the evaluator's backtester back on the whole data.
  if (prepared.split.enabled) set_window({0, static_cast<std::size_t>(data.bars())});
  evaluator.finish(0);
  clock.lap("validation");
  // The curves, one at a time, with the evaluator's own backtester; each gives its strategy's
  // validation statistics where they wait for it.
  bool first_curve = true;
  writer.finish(
      result, result.hall_of_fame,
      [&](const HallOfFameEntry& entry, BacktestCurve& curve, std::vector<Trade>& trades) {
        if (first_curve) clock.lap("results_population");
        first_curve = false;
        Backtester& backtester = evaluator.backtester();
        backtester.evaluate(entry.genome, curve);
        trades = reference_trades(backtester.data(), backtester.settings(), entry.genome, curve.positions);
        if (validation.statistics_pending)
          add_curve_statistics(validation, static_cast<std::size_t>(&entry - result.hall_of_fame.data()), curve);
      },
      [&](hdf5::Writer& out, const H5::Group& root) {
        clock.lap("results_best");
        write_selection(out, root, options.top_distance);
        write_validation(out, root, validation);
        clock.lap("results_validation");
        write_memory(out, root, memory_record(shared, evaluator));
        write_timing(out, root, clock.phases());
      });
  // The results are in place: the checkpoint has served.
  std::error_code ignored;
  std::filesystem::remove(checkpointer.path(), ignored);
  std::filesystem::remove(partial_path(checkpointer.path()), ignored);
  if (!options.quiet) {
    // With held-out bars the out-of-sample figures come first: the in-sample ones are what the search fitted.
    const bool held_out = validation.split.enabled || validation.walk_forward.has_value();
    if (held_out) print_validation_summary(std::cout, validation);
    print_summary(std::cout, result, 10);
    if (!held_out) print_validation_summary(std::cout, validation);
    const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    std::cout << "finished in " << seconds << " s\n"
              << "results: " << options.out << "\n"
              << "  summary:     genepool report " << options.out << "\n"
              << "  figures:     scripts/plot_results.py " << options.out << " --out figures/  (or --html run.html)\n"
              << "  hand-off:    genepool export " << options.out << " --top 3 --out best.json"
              << "  (replay: genepool backtest --spec best.json --data ...)\n"
              << "  raw data:    h5dump -H " << options.out << "  or h5py (docs/results-format.md)\n";
  }
  if (const std::string failed = all_failed_message(result); !failed.empty()) {
    print_error_line("error: ", failed + "; " + options.out + " records each status (/individuals/status)");
    return static_cast<int>(ExitCode::no_success);
  }
  return 0;
}

int run_evolve(const EvolveOptions& options) {
  std::optional<RunClaim> claim;  // rank 0's, held until the run has ended
  Prepared prepared;
  EvolutionSettings evolution;
  MpiJob job;
  job.stops_on_signal = true;
  job.set_up = [&](const parallel::Session& session, PhaseClock& clock, CsvRangeReaders& readers) {
    const std::vector<language::FileStrategy> file_strategies = load_strategy_files(options.strategy_files);
    evolution = resolve_evolution(options);
    prepared = prepare_on_root(options, session, evolution, file_strategies, claim, clock, readers);
    return std::move(prepared.data);
  };
  job.release = [&] { claim.reset(); };
  job.account_start = &prepared.account_start;
  job.inferred_over = [&]() -> std::optional<BarWindow> {
    if (prepared.split.enabled) return prepared.split.train;
    return std::nullopt;
  };
  job.file_strategies = &prepared.run.strategy_sources;
  job.locate = [&](const ConfigError& error) {
    return locate_config_error(*options.command, error.what(), *options.argc, *options.argv);
  };
  job.run = [&](const parallel::Session& session, const parallel::SharedMarketData& data,
                const ExecutionSettings& execution, const parallel::BroadcastStats& broadcast, PhaseClock& clock) {
    prepared.run.data_bytes = broadcast.bytes;
    prepared.run.broadcast_seconds = broadcast.seconds;
    return run_root(session, options, evolution, prepared, data, execution, clock);
  };
  return run_mpi_job(*options.argc, *options.argv, options.execution, job);
}

}  // namespace

bool uses_every_rank(int argc, char** argv) {
  for (int i = 1; i < argc; ++i)
    if (std::string_view(argv[i]) == "evolve" || std::string_view(argv[i]) == "grid") return true;
  return false;
}

void add_evolve_command(CLI::App& app, int& argc, char**& argv, bool check_only) {
  auto* command = app.add_subcommand("evolve", "Evolve strategies with the genetic algorithm (run under mpirun for more ranks)");
  auto options = std::make_shared<EvolveOptions>();
  options->command = command;
  options->argc = &argc;
  options->argv = &argv;
  auto& ga = options->evolution.ga;
  auto& fitness = options->evolution.fitness;

  attach_config_file(app, *command, true);

  add_data_options(*command, options->data, "Market data files (CSV or HDF5); several are aligned by --align");
  command->add_option("--out", options->out, "Results file (HDF5)")->capture_default_str();
  command->add_flag("--force", options->force, "Replace an existing results file");
  command->add_flag("--quiet", options->quiet, "No progress lines or summary");
  command->add_option("--checkpoint-every", options->checkpoint_every,
                      "Write OUT.checkpoint every this many generations (0: only when stopped by a signal)")
      ->check(CLI::Range(std::size_t{0}, std::size_t{1'000'000}))->capture_default_str();
  command->add_option("--resume", options->resume,
                      "Continue the stopped run whose checkpoint this is (OUT.checkpoint), with the same settings")
      ->check(CLI::ExistingFile);
  command->add_option("--generation-timeout", options->generation_timeout,
                      "Seconds a generation may wait for the ranks' answers before the job is ended (0: no limit)")
      ->check(CLI::Range(0.0, 1e9))->capture_default_str();
  command->add_option("--seed", options->evolution.seed, "Seed of the run's one random generator")->capture_default_str();

  command->add_option("--population", ga.population, "Individuals per generation")
      ->check(CLI::Range(std::size_t{2}, std::size_t{10'000'000}))->capture_default_str();
  command->add_option("--generations", ga.generations, "Generations after the initial one")
      ->check(CLI::Range(std::size_t{0}, std::size_t{1'000'000}))->capture_default_str();
  command->add_option("--strategies", options->strategies, "Strategy types in play, comma-separated (all when absent)")
      ->delimiter(',');
  add_strategy_file_option(*command, options->strategy_files);
  add_execution_options(*command, options->execution);
  add_panel_options(*command, options->data);

  command->add_option("--objective", options->objective, "Fitness: sharpe, sortino, calmar, cagr or total_return")
      ->check(CLI::IsMember({"sharpe", "sortino", "calmar", "cagr", "total_return"}))->capture_default_str();
  fitness.min_trades = kDefaultMinTrades;
  command->add_option("--min-trades", fitness.min_trades, "Fewer trades than this is infeasible (penalised)")
      ->check(CLI::Range(0.0, 1e9))->capture_default_str();
  command->add_option("--max-drawdown", fitness.max_drawdown, "A deeper max drawdown than this is infeasible (penalised)")
      ->check(CLI::Range(0.0, 1.0))->capture_default_str();

  command->add_option("--tournament-size", ga.tournament_size, "Individuals per selection tournament")
      ->check(CLI::Range(std::size_t{1}, std::size_t{1000}))->capture_default_str();
  command->add_option("--elitism", ga.elitism, "Best individuals copied unchanged into the next generation")
      ->capture_default_str();
  command->add_option("--crossover-rate", ga.crossover_rate, "Probability that a child comes from crossover")
      ->check(CLI::Range(0.0, 1.0))->capture_default_str();
  command->add_option("--crossover", options->crossover, "Crossover of parents of one type: uniform, blend or sbx")
      ->check(CLI::IsMember({"uniform", "blend", "sbx"}))->capture_default_str();
  command->add_option("--blend-alpha", ga.blend_alpha, "BLX-alpha of the blend crossover")
      ->check(CLI::Range(0.0, 1.0))->capture_default_str();
  command->add_option("--sbx-eta", ga.sbx_eta, "Distribution index of the SBX crossover")
      ->check(CLI::Range(0.001, 100.0))->capture_default_str();
  command->add_option("--mutation", options->mutation, "Mutation: gaussian (scaled to the range) or reset (uniform)")
      ->check(CLI::IsMember({"gaussian", "reset"}))->capture_default_str();
  command->add_option("--mutation-rate", ga.mutation_rate, "Per-parameter mutation probability")
      ->check(CLI::Range(0.0, 1.0))->capture_default_str();
  command->add_option("--mutation-scale", ga.mutation_scale, "Gaussian mutation sigma as a share of the parameter's range")
      ->check(CLI::Range(0.0001, 1.0))->capture_default_str();
  command->add_option("--type-switch-rate", ga.type_switch_rate, "Probability that a child switches strategy type")
      ->check(CLI::Range(0.0, 1.0))->capture_default_str();
  add_search_options(*command, options->mode, options->objectives, ga);
  add_search_refinement_options(*command, options->refinements, options->evolution);
  command->add_flag("--no-cache", options->no_cache,
                    "Backtest every individual, also genomes already evaluated in the run (identical results; for benchmarks)");
  add_validation_options(*command, options->validation);
  command->add_option("--top", options->evolution.hall_of_fame, "Distinct best strategies kept with their equity curves")
      ->check(CLI::Range(std::size_t{1}, std::size_t{1000}))->capture_default_str();
  command->add_option("--top-distance", options->top_distance,
                      "Smallest parameter distance (largest difference over its search range) between two kept "
                      "strategies of one type; 0 keeps near-clones")
      ->check(CLI::Range(0.0, 1.0))->capture_default_str();

  if (check_only) {
    command->callback([options] { resolve_evolution(*options); });
    return;
  }
  command->callback([options] {
    if (const int status = run_evolve(*options); status != 0) throw ExitRequest{status};
  });
}

}  // namespace genepool::app
