// `genepool grid`: the exhaustive baseline. Every point of a parameter grid of one or more strategy
// types is backtested with the same distributed evaluation as `evolve`, and the results go to the
// same HDF5 layout: one generation holding the whole grid, /best the top strategies.
#include <chrono>
#include <cmath>
#include <filesystem>
#include <iostream>
#include <map>

#include "genepool/app/commands.hpp"
#include "genepool/cli/error_line.hpp"
#include "genepool/cli/execution_options.hpp"
#include "genepool/cli/exit_request.hpp"
#include "genepool/backtest/backtest.hpp"
#include "genepool/error.hpp"
#include "genepool/evolution/evolution.hpp"
#include "genepool/io/market_data_io.hpp"
#include "genepool/parallel/parallel.hpp"
#include "genepool/results/results.hpp"
#include "genepool/io/fingerprint.hpp"
#include "genepool/strategies/strategy.hpp"
#include "genepool/cli/progress.hpp"

namespace genepool::app {
namespace {

// Genomes per scatter/gather: bounds rank 0's buffers, not the grid.
constexpr std::size_t kBatch = 1 << 15;
// Grids are counted point by point only below this many raw combinations.
constexpr double kMaxRawCombinations = 1e9;

struct GridOptions {
  std::vector<std::string> data_files;
  std::string out = "grid.h5";
  bool force = false;
  bool quiet = false;
  std::vector<std::string> strategies;
  std::vector<std::string> steps;
  std::size_t max_points = 200'000;
  std::string objective = "sharpe";
  FitnessSettings fitness;
  std::size_t top = 10;
  ExecutionSettings execution;
  CLI::App* command = nullptr;
  int* argc = nullptr;
  char*** argv = nullptr;
};

// The values each parameter of a type takes: lower, lower + step, ... up to upper.
using Axes = std::vector<std::vector<double>>;

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

Axes axes_of(const StrategyType& type, const std::map<std::string, double>& steps, std::map<std::string, bool>& used) {
  Axes axes;
  for (const ParamSpec& spec : type.params) {
    const std::string qualified = type.name + "." + spec.name;
    double step = spec.kind == ParamKind::integer ? 1.0 : 0.0;
    for (const std::string& key : {spec.name, qualified}) {  // the qualified name wins
      if (const auto it = steps.find(key); it != steps.end()) {
        step = it->second;
        used[key] = true;
      }
    }
    if (step == 0)
      throw ConfigError("step: " + qualified + " is a real parameter in [" + std::to_string(spec.lower) + ", " +
                        std::to_string(spec.upper) + "]; give its grid step, e.g. --step " + spec.name + "=" +
                        std::to_string((spec.upper - spec.lower) / 10));
    if (spec.kind == ParamKind::integer && step != std::round(step))
      throw ConfigError("step: " + qualified + " is an integer parameter; expected a whole step, got " +
                        std::to_string(step));
    const double lower = spec.kind == ParamKind::integer ? std::ceil(spec.lower) : spec.lower;
    const double count = std::floor((spec.upper - lower) / step + 1e-9) + 1;
    if (count > kMaxRawCombinations)
      throw ConfigError("step: " + qualified + " with step " + std::to_string(step) + " has " +
                        std::to_string(count) + " values; choose a larger step");
    std::vector<double> values;
    for (double k = 0; k < count; ++k) values.push_back(std::min(spec.upper, lower + k * step));
    axes.push_back(std::move(values));
  }
  return axes;
}

// Calls `visit(params)` for every combination of the axes that keeps the type's less_than order.
template <class Visit>
void for_each_point(const StrategyType& type, const Axes& axes, Visit visit) {
  std::vector<std::size_t> at(axes.size(), 0);
  std::array<double, kMaxParams> params{};
  if (std::any_of(axes.begin(), axes.end(), [](const auto& a) { return a.empty(); })) return;
  while (true) {
    for (std::size_t i = 0; i < axes.size(); ++i) params[i] = axes[i][at[i]];
    const bool ordered = std::all_of(type.less_than.begin(), type.less_than.end(),
                                     [&](const auto& pair) { return params[pair.first] < params[pair.second]; });
    if (ordered) visit(params);
    std::size_t i = axes.size();
    while (i > 0 && ++at[i - 1] == axes[i - 1].size()) at[--i] = 0;
    if (i == 0) return;
  }
}

// Every grid point of the types in play, type by type, parameters in lexicographic order.
std::vector<Genome> enumerate_grid(const GridOptions& options, std::vector<std::uint32_t>& types, std::ostream* log) {
  if (options.strategies.empty())
    throw ConfigError("no strategy types: give --strategies NAME[,NAME...] (see genepool strategies)");
  const auto steps = parse_steps(options.steps);
  std::map<std::string, bool> used;
  std::vector<std::pair<std::uint32_t, Axes>> plan;
  double raw = 0;
  for (const auto& name : options.strategies) {
    const std::uint32_t id = strategy_id(name);
    if (std::find(types.begin(), types.end(), id) != types.end())
      throw ConfigError("strategies lists " + name + " twice; expected each type at most once");
    types.push_back(id);
    Axes axes = axes_of(strategy_registry()[id], steps, used);
    double combinations = 1;
    for (const auto& axis : axes) combinations *= static_cast<double>(axis.size());
    raw += combinations;
    plan.emplace_back(id, std::move(axes));
  }
  for (const auto& [key, value] : steps)
    if (!used.count(key))
      throw ConfigError("step: '" + key + "' names no parameter of the strategy types in play");
  if (raw > kMaxRawCombinations)
    throw ConfigError("the grid has about " + std::to_string(static_cast<long long>(raw)) +
                      " combinations; choose larger --step values or fewer types");
  std::size_t points = 0;
  for (const auto& [id, axes] : plan)
    for_each_point(strategy_registry()[id], axes, [&](const auto&) { ++points; });
  if (points > options.max_points)
    throw ConfigError("the grid has " + std::to_string(points) + " points, more than max-points = " +
                      std::to_string(options.max_points) + "; raise --max-points to evaluate it anyway");
  if (points < 2) throw ConfigError("the grid has " + std::to_string(points) + " point(s); expected at least 2");
  std::vector<Genome> grid;
  grid.reserve(points);
  for (const auto& [type, axes] : plan) {
    const auto id = type;  // a copy: clang 14 cannot capture a structured binding
    const std::size_t before = grid.size();
    for_each_point(strategy_registry()[id], axes, [&](const auto& params) {
      Genome genome;
      genome.strategy = id;
      genome.params = params;
      grid.push_back(genome);
    });
    if (log) *log << "genepool grid: " << strategy_registry()[id].name << ": " << grid.size() - before << " points\n";
  }
  return grid;
}

struct Prepared {
  MarketData data;
  RunInfo run;
  std::vector<Genome> grid;
  EvolutionSettings settings;  // population = the grid, generations = 0: the results layout of evolve
};

Prepared prepare_on_root(const GridOptions& options, int ranks, const std::string& host) {
  check_results_path(options.out, options.force);
  Prepared prepared;
  EvolutionSettings& settings = prepared.settings;
  settings.fitness = options.fitness;
  settings.fitness.objective = parse_objective(options.objective, "objective");
  check(settings.fitness);
  settings.seed = 0;
  settings.hall_of_fame = options.top;
  settings.evaluation_cache = false;
  prepared.grid = enumerate_grid(options, settings.ga.strategies, options.quiet ? nullptr : &std::cout);
  settings.ga.population = prepared.grid.size();
  settings.ga.generations = 0;
  if (options.data_files.empty()) throw ConfigError("no market data: give --data FILE");
  LoadReport report;
  prepared.data = load_market_data({options.data_files.begin(), options.data_files.end()}, &report);
  if (!options.quiet) std::cout << "genepool: " << report.summary() << '\n';
  RunInfo& run = prepared.run;
  run.config_text = options.command->config_to_str(true, false);
  std::string line;
  for (int i = 0; i < *options.argc; ++i) line += (i ? " " : "") + std::string((*options.argv)[i]);
  run.command_line = line;
  run.seed = 0;
  run.ranks = ranks;
  run.host = host;
  for (const auto& file : options.data_files)
    run.inputs.push_back({file, sha256_file(file), static_cast<std::uint64_t>(std::filesystem::file_size(file))});
  return prepared;
}

void run_root(const parallel::Session& session, const GridOptions& options, Prepared& prepared,
              const ExecutionSettings& execution) {
  const auto start = std::chrono::steady_clock::now();
  const std::vector<Genome>& grid = prepared.grid;
  const EvolutionSettings& settings = prepared.settings;
  parallel::MpiEvaluator evaluator(session, prepared.data, execution);
  ResultsWriter writer(options.out, options.force, prepared.run, prepared.data, settings, options.execution);
  if (!options.quiet)
    std::cout << "genepool grid: " << grid.size() << " points on " << prepared.data.symbol_count() << " symbol(s) x "
              << prepared.data.bars() << " bars, " << session.size() << " rank(s), objective "
              << to_string(settings.fitness.objective) << ", " << describe(execution) << '\n';

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
  add_to_hall_of_fame(result.hall_of_fame, settings.hall_of_fame, 0, result.population, result.evaluations,
                      result.fitness);
  writer.on_generation({result.history.back(), result.population, result.evaluations, result.fitness});

  writer.finish(result, result.hall_of_fame, [&](const HallOfFameEntry& entry, BacktestCurve& curve) {
    evaluator.backtester().evaluate(entry.genome, curve);
  });
  if (!options.quiet) {
    print_summary(std::cout, result, std::min<std::size_t>(10, settings.hall_of_fame));
    const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    std::cout << "finished in " << seconds << " s\nresults: " << options.out << "  (genepool report " << options.out
              << ")\n";
  }
}

int run_grid(const GridOptions& options) {
  parallel::Session session(*options.argc, *options.argv);
  const bool root = session.rank() == 0;
  try {
    Prepared prepared;
    ExecutionSettings execution = options.execution;
    int status = 0;
    if (root) {
      try {
        prepared = prepare_on_root(options, session.size(), session.host());
        execution = Backtester(prepared.data, execution).settings();
      } catch (const Error& error) {
        print_error_line("error: ", error.what());
        status = static_cast<int>(error.code());
      }
    }
    if (const int shared = parallel::broadcast_status(session, status); shared != 0) return shared;
    parallel::BroadcastStats broadcast;
    MarketData data = parallel::broadcast_market_data(session, std::move(prepared.data), &broadcast);
    execution = parallel::broadcast_settings(session, execution);
    // The job's status is rank 0's: a released worker exits 0 (see run_evolve).
    if (!root) {
      parallel::serve_evaluations(session, data, execution);
      return 0;
    }
    prepared.data = std::move(data);
    prepared.run.data_bytes = broadcast.bytes;
    prepared.run.broadcast_seconds = broadcast.seconds;
    run_root(session, options, prepared, execution);
    return 0;
  } catch (const Error& error) {
    print_error_line("error on rank " + std::to_string(session.rank()) + ": ", error.what());
    if (!root) session.abort(static_cast<int>(error.code()));
    return static_cast<int>(error.code());
  } catch (const std::exception& error) {
    print_error_line("internal error on rank " + std::to_string(session.rank()) + ": ", error.what());
    if (!root) session.abort(static_cast<int>(ExitCode::failure));
    return static_cast<int>(ExitCode::failure);
  }
}

}  // namespace

void add_grid_command(CLI::App& app, int& argc, char**& argv) {
  auto* command = app.add_subcommand(
      "grid", "Backtest every point of a parameter grid (the exhaustive baseline; run under mpirun for more ranks)");
  auto options = std::make_shared<GridOptions>();
  options->command = command;
  options->argc = &argc;
  options->argv = &argv;
  command->add_option("--data", options->data_files, "Market data files (CSV or HDF5); several are aligned on timestamps")
      ->check(CLI::ExistingFile);
  command->add_option("--out", options->out, "Results file (HDF5, the layout of evolve)")->capture_default_str();
  command->add_flag("--force", options->force, "Replace an existing results file");
  command->add_flag("--quiet", options->quiet, "No progress lines or summary");
  command->add_option("--strategies", options->strategies, "Strategy types to grid, comma-separated")
      ->delimiter(',')->required();
  command->add_option("--step", options->steps,
                      "Grid step of a parameter, NAME=STEP or TYPE.NAME=STEP (integers default to 1; reals need one)")
      ->delimiter(',');
  command->add_option("--max-points", options->max_points, "Refuse grids with more points than this")
      ->check(CLI::Range(std::size_t{2}, std::size_t{1'000'000'000}))->capture_default_str();
  add_execution_options(*command, options->execution);
  command->add_option("--objective", options->objective, "Fitness: sharpe, sortino, calmar, cagr or total_return")
      ->check(CLI::IsMember({"sharpe", "sortino", "calmar", "cagr", "total_return"}))->capture_default_str();
  command->add_option("--min-trades", options->fitness.min_trades, "Fewer trades than this is infeasible (penalised)")
      ->check(CLI::Range(0.0, 1e9))->capture_default_str();
  command->add_option("--max-drawdown", options->fitness.max_drawdown,
                      "A deeper max drawdown than this is infeasible (penalised)")
      ->check(CLI::Range(0.0, 1.0))->capture_default_str();
  command->add_option("--top", options->top, "Distinct best strategies kept with their equity curves")
      ->check(CLI::Range(std::size_t{1}, std::size_t{1000}))->capture_default_str();
  command->callback([options] {
    if (const int status = run_grid(*options); status != 0) throw ExitRequest{status};
  });
}

}  // namespace genepool::app
