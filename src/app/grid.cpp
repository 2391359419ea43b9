// `genepool grid`: the exhaustive baseline. Every point of a parameter grid of one or more strategy
// types is backtested with the same distributed evaluation as `evolve`, and the results go to the
// same HDF5 layout: one generation holding the whole grid, /best the top strategies.
#include <chrono>
#include <cmath>
#include <iostream>
#include <filesystem>
#include <map>
#include <optional>

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
#include "genepool/error.hpp"
#include "genepool/io/output_file.hpp"
#include "genepool/io/run_claim.hpp"
#include "genepool/evolution/evolution.hpp"
#include "genepool/ga/grid.hpp"
#include "genepool/io/market_data_io.hpp"
#include "genepool/parallel/parallel.hpp"
#include "genepool/results/results.hpp"
#include "genepool/strategies/strategy.hpp"
#include "genepool/cli/progress.hpp"
#include "genepool/results/top_selection.hpp"
#include "genepool/cli/ranges.hpp"
#include "genepool/cli/strategy_files.hpp"

namespace genepool::app {
namespace {

// Genomes per scatter/gather: bounds rank 0's buffers, not the grid.
constexpr std::size_t kBatch = 1 << 15;

struct GridOptions {
  DataOptions data;
  std::string out = "grid.h5";
  bool force = false;
  bool quiet = false;
  std::vector<std::string> strategies;
  std::vector<std::string> strategy_files;
  std::vector<std::string> steps;
  std::size_t max_points = 200'000;
  std::string objective = "sharpe";
  FitnessSettings fitness;
  std::size_t top = 10;
  double top_distance = kDefaultTopDistance;  // /best's minimum parameter distance (top_selection.hpp)
  ExecutionSettings execution;
  CLI::App* command = nullptr;
  int* argc = nullptr;
  char*** argv = nullptr;
};

std::map<std::string, double> parse_steps(const std::vector<std::string>& steps) {
  std::map<std::string, double> parsed;
  for (const auto& text : steps) {
    const auto equals = text.find('=');
    double value = 0;
    std::size_t used = 0;
    try {
      if (equals != std::string::npos) value = std::stod(text.substr(equals + 1), &used);
    } catch (const std::exception&) {
      used = 0;
    }
    if (equals == std::string::npos || equals == 0 || used == 0 || used != text.size() - equals - 1 ||
        !(value > 0) || !std::isfinite(value))
      throw ConfigError("step = '" + text + "': expected NAME=STEP or TYPE.NAME=STEP with STEP > 0, e.g. k=0.25");
    parsed[text.substr(0, equals)] = value;
  }
  return parsed;
}

struct Prepared {
  MarketData data;
  std::size_t account_start = 0;  // --start: the account's first bar (the data ends at --end)
  RunInfo run;
  std::vector<Genome> grid;
  EvolutionSettings settings;  // population = the grid, generations = 0: the results layout of evolve
};

Prepared prepare_on_root(const GridOptions& options, const parallel::Session& session, std::optional<RunClaim>& claim,
                         PhaseClock& clock, CsvRangeReaders& readers) {
  std::vector<std::filesystem::path> inputs = options.data.paths();
  inputs.insert(inputs.end(), options.strategy_files.begin(), options.strategy_files.end());
  if (const ConfigFile* file = config_file_of(*options.command)) inputs.emplace_back(file->path());
  const OutputPath outputs[] = {{options.out, "run.h5"}};
  check_outputs(inputs, outputs, options.force);
  claim.emplace(options.out);
  Prepared prepared;
  EvolutionSettings& settings = prepared.settings;
  settings.fitness = options.fitness;
  settings.fitness.objective = parse_objective(options.objective, "objective");
  check(settings.fitness);
  settings.seed = 0;
  settings.hall_of_fame = options.top;
  settings.evaluation_cache = false;
  if (options.strategies.empty())
    throw ConfigError("no strategy types: give --strategies NAME[,NAME...] (see genepool strategies)");
  const std::vector<language::FileStrategy> file_strategies = load_strategy_files(options.strategy_files);
  if (const ConfigFile* file = config_file_of(*options.command)) {
    refuse_exit_genes(*file);
    settings.ga.space = read_ranges(*file);
  }
  Grid grid = enumerate_grid(options.strategies, parse_steps(options.steps), options.max_points, settings.ga.space);
  if (!options.quiet)
    for (std::size_t t = 0; t < grid.types.size(); ++t)
      std::cout << "genepool grid: " << strategy_registry()[grid.types[t]].name << ": " << grid.counts[t] << " points\n";
  prepared.grid = std::move(grid.points);
  settings.ga.strategies = std::move(grid.types);
  settings.ga.population = prepared.grid.size();
  settings.ga.generations = 0;
  if (options.data.data.empty()) throw ConfigError("no market data: give --data FILE");
  LoadReport report;
  prepared.data = options.data.load(&report, &readers);
  clock.lap("load");
  if (!options.quiet) std::cout << "genepool: " << report.summary() << '\n';
  ExecutionSettings windowed = options.execution;
  const std::string window = apply_date_window(options.data, prepared.data, windowed);
  prepared.account_start = windowed.account_start;
  if (!window.empty() && !options.quiet) std::cout << "genepool: " << window << '\n';
  refuse_look_ahead(file_strategies, prepared.data);
  prepared.run = run_info(*options.command, *options.argc, *options.argv, report, 0, session);
  prepared.run.account_start = prepared.account_start;
  prepared.run.windowed = options.data.windowed();
  prepared.run.config_text += ranges_text(settings.ga.space);
  prepared.run.strategy_sources = sources_of(file_strategies);
  prepared.run.config_text += sources_text(prepared.run.strategy_sources);
  clock.lap("fingerprint");
  return prepared;
}

int run_root(const parallel::Session& session, const GridOptions& options, Prepared& prepared,
              const parallel::SharedMarketData& shared, const ExecutionSettings& execution, PhaseClock& clock) {
  const MarketView& data = shared.view();
  const auto start = std::chrono::steady_clock::now();
  const std::vector<Genome>& grid = prepared.grid;
  const EvolutionSettings& settings = prepared.settings;
  parallel::MpiEvaluator evaluator(session, shared, execution);
  ResultsWriter writer(options.out, options.force, prepared.run, data, settings, options.execution);
  clock.lap("results_open");
  if (!options.quiet)
    std::cout << "genepool grid: " << grid.size() << " points on " << data.symbol_count() << " symbol(s) x "
              << data.bars() << " bars, " << session.size() << " rank(s), objective "
              << to_string(settings.fitness.objective) << ", " << describe(execution) << '\n';
  if (!options.quiet && !settings.ga.space.empty())
    std::cout << "search ranges: " << describe(settings.ga.space) << '\n';

  EvolutionResult result;
  result.population = grid;
  result.evaluations.resize(grid.size());
  result.fitness.resize(grid.size());
  double evaluate_seconds = 0, communicate_seconds = 0, imbalance = 1;
  for (std::size_t first = 0; first < grid.size(); first += kBatch) {
    const std::size_t count = std::min(kBatch, grid.size() - first);
    evaluator.evaluate(std::span(grid).subspan(first, count), std::span(result.evaluations).subspan(first, count));
    const EvaluationTiming timing = evaluator.last_timing();
    evaluate_seconds += timing.evaluate_seconds;
    communicate_seconds += timing.communicate_seconds;
    imbalance = std::max(imbalance, timing.imbalance);
    if (!options.quiet && grid.size() > kBatch)
      std::cout << "evaluated " << first + count << " / " << grid.size() << '\n';
  }
  evaluator.finish(0);
  clock.lap("evaluation");
  for (std::size_t i = 0; i < grid.size(); ++i)
    result.fitness[i] = fitness(result.evaluations[i].metrics, result.evaluations[i].status, settings.fitness);
  GenerationStats stats = summarise_generation(0, result.evaluations, result.fitness, settings.fitness);
  stats.evaluate_seconds = evaluate_seconds;
  stats.communicate_seconds = communicate_seconds;
  stats.imbalance = imbalance;
  stats.evaluated = grid.size();
  result.history.push_back(stats);
  result.evaluations_total = result.evaluated_total = grid.size();
  result.failed_total = stats.failed;
  add_to_hall_of_fame(result.hall_of_fame, candidate_pool(settings.hall_of_fame, options.top_distance), 0,
                      result.population, result.evaluations, result.fitness);
  result.hall_of_fame =
      select_diverse(result.hall_of_fame, settings.hall_of_fame, options.top_distance, settings.ga.space);
  writer.on_generation({result.history.back(), result.population, result.evaluations, result.fitness});

  writer.finish(
      result, result.hall_of_fame,
      [&](const HallOfFameEntry& entry, BacktestCurve& curve, std::vector<Trade>& trades) {
        Backtester& backtester = evaluator.backtester();
        backtester.evaluate(entry.genome, curve);
        trades = reference_trades(backtester.data(), backtester.settings(), entry.genome, curve.positions);
      },
      [&](hdf5::Writer& out, const H5::Group& root) {
        clock.lap("results_best");
        write_selection(out, root, options.top_distance);
        write_memory(out, root, memory_record(shared, evaluator));
        write_timing(out, root, clock.phases());
      });
  if (!options.quiet) {
    print_summary(std::cout, result, std::min<std::size_t>(10, settings.hall_of_fame));
    const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    std::cout << "finished in " << seconds << " s\nresults: " << options.out << "  (genepool report " << options.out
              << ")\n";
  }
  if (const std::string failed = all_failed_message(result); !failed.empty()) {
    print_error_line("error: ", failed + "; " + options.out + " records each status (/individuals/status)");
    return static_cast<int>(ExitCode::no_success);
  }
  return 0;
}

int run_grid(const GridOptions& options) {
  Prepared prepared;
  std::optional<RunClaim> claim;  // rank 0's, held until the run has ended
  MpiJob job;
  job.set_up = [&](const parallel::Session& session, PhaseClock& clock, CsvRangeReaders& readers) {
    prepared = prepare_on_root(options, session, claim, clock, readers);
    return std::move(prepared.data);
  };
  job.release = [&] { claim.reset(); };
  job.account_start = &prepared.account_start;
  job.locate = [&](const ConfigError& error) {
    return locate_config_error(*options.command, error.what(), *options.argc, *options.argv);
  };
  job.file_strategies = &prepared.run.strategy_sources;
  job.run = [&](const parallel::Session& session, const parallel::SharedMarketData& data,
                const ExecutionSettings& execution, const parallel::BroadcastStats& broadcast, PhaseClock& clock) {
    prepared.run.data_bytes = broadcast.bytes;
    prepared.run.broadcast_seconds = broadcast.seconds;
    return run_root(session, options, prepared, data, execution, clock);
  };
  return run_mpi_job(*options.argc, *options.argv, options.execution, job);
}

}  // namespace

void add_grid_command(CLI::App& app, int& argc, char**& argv) {
  auto* command = app.add_subcommand(
      "grid", "Backtest every point of a parameter grid (the exhaustive baseline; run under mpirun for more ranks)");
  auto options = std::make_shared<GridOptions>();
  options->command = command;
  options->argc = &argc;
  options->argv = &argv;
  attach_config_file(app, *command, true);
  add_data_options(*command, options->data, "Market data files (CSV or HDF5); several are aligned by --align");
  command->add_option("--out", options->out, "Results file (HDF5, the layout of evolve)")->capture_default_str();
  command->add_flag("--force", options->force, "Replace an existing results file");
  command->add_flag("--quiet", options->quiet, "No progress lines or summary");
  command->add_option("--strategies", options->strategies, "Strategy types to grid, comma-separated")
      ->delimiter(',')->required();
  add_strategy_file_option(*command, options->strategy_files);
  command->add_option("--step", options->steps,
                      "Grid step of a parameter, NAME=STEP or TYPE.NAME=STEP (integers default to 1; reals need one)")
      ->delimiter(',');
  command->add_option("--max-points", options->max_points, "Refuse grids with more points than this")
      ->check(CLI::Range(std::size_t{2}, std::size_t{1'000'000'000}))->capture_default_str();
  add_execution_options(*command, options->execution);
  add_panel_options(*command, options->data);
  command->add_option("--objective", options->objective, "Fitness: sharpe, sortino, calmar, cagr or total_return")
      ->check(CLI::IsMember({"sharpe", "sortino", "calmar", "cagr", "total_return"}))->capture_default_str();
  options->fitness.min_trades = kDefaultMinTrades;
  command->add_option("--min-trades", options->fitness.min_trades, "Fewer trades than this is infeasible (penalised)")
      ->check(CLI::Range(0.0, 1e9))->capture_default_str();
  command->add_option("--max-drawdown", options->fitness.max_drawdown,
                      "A deeper max drawdown than this is infeasible (penalised)")
      ->check(CLI::Range(0.0, 1.0))->capture_default_str();
  command->add_option("--top", options->top, "Distinct best strategies kept with their equity curves")
      ->check(CLI::Range(std::size_t{1}, std::size_t{1000}))->capture_default_str();
  command->add_option("--top-distance", options->top_distance,
                      "Smallest parameter distance (largest difference over its search range) between two kept "
                      "strategies of one type; 0 keeps near-clones")
      ->check(CLI::Range(0.0, 1.0))->capture_default_str();
  command->callback([options] {
    if (const int status = run_grid(*options); status != 0) throw ExitRequest{status};
  });
}

}  // namespace genepool::app
