// The results file writer. Layout and meaning of every object: docs/results-format.md.
#include "genepool/results/results.hpp"

#include <H5Cpp.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <ctime>
#include <limits>
#include <numeric>
#include <optional>
#include <system_error>
#include <utility>

#include "genepool/error.hpp"
#include "genepool/ga/fitness.hpp"
#include "genepool/ga/ga.hpp"
#include "genepool/backtest/metrics.hpp"
#include "genepool/io/fingerprint.hpp"
#include "genepool/io/hdf5.hpp"
#include "genepool/io/output_file.hpp"
#include "genepool/results/exit_gene_rows.hpp"
#include "genepool/strategies/strategy.hpp"
#include "genepool/version.hpp"

namespace genepool {
namespace {

namespace fs = std::filesystem;

constexpr const char* kFormat = "genepool-results";
constexpr int kFormatVersion = 1;
constexpr hsize_t kGenerationChunkRows = 256;
// Rows per chunk of /individuals: one generation where it fits, so that a generation is usually written as whole
// chunks. At most 4096 x 18 metrics x 8 bytes = 576 KiB, so that a partly filled chunk stays in HDF5's 1 MiB
// chunk cache until it is full: a compressed chunk is then written once, not once per generation.
hsize_t individual_chunk_rows(std::size_t population) { return std::clamp<hsize_t>(population, 256, 4096); }
constexpr std::size_t kStatusCount = static_cast<std::size_t>(EvalStatus::invalid_genome) + 1;

// "2024-05-01T12:34:56Z"
std::string iso8601(std::int64_t seconds) {
  const auto time = static_cast<std::time_t>(seconds);
  std::tm utc{};
  if (gmtime_r(&time, &utc) == nullptr) return "";
  std::array<char, 32> text{};
  const std::size_t n = std::strftime(text.data(), text.size(), "%Y-%m-%dT%H:%M:%SZ", &utc);
  return std::string(text.data(), n);
}

std::int64_t now_seconds() {
  return std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch()).count();
}

std::int32_t to_i32(std::size_t value, const char* what) {
  if (value > static_cast<std::size_t>(std::numeric_limits<std::int32_t>::max()))
    throw Error("results: " + std::string(what) + " " + std::to_string(value) + " does not fit the file's int32 column");
  return static_cast<std::int32_t>(value);
}

std::int64_t to_i64(std::size_t value) { return static_cast<std::int64_t>(value); }

using Out = hdf5::Writer;

// An extendible dataset, [rows] or [rows][width], that grows by appending rows at its end.
template <class T>
struct Column : hdf5::Appender<T> {
  Column(Out& out, const H5::Group& group, const std::string& name, hsize_t width, hsize_t chunk_rows, bool compress,
         const std::string& description)
      : hdf5::Appender<T>(out, out.extendible<T>(group, name, width, chunk_rows, compress, description), width) {}
};

std::vector<std::string> strategy_names() {
  std::vector<std::string> names;
  for (const auto& type : strategy_registry()) names.push_back(type.name);
  return names;
}

std::vector<std::string> status_names() {
  std::vector<std::string> names;
  for (std::size_t code = 0; code < kStatusCount; ++code)
    names.emplace_back(to_string(static_cast<EvalStatus>(static_cast<std::int32_t>(code))));
  return names;
}

void describe_metrics(Out& out, const H5::DataSet& set) {
  std::vector<std::string> names;
  std::vector<std::string> descriptions;
  for (const auto& field : metric_fields()) {
    names.emplace_back(field.name);
    descriptions.emplace_back(field.description);
  }
  out.texts(set, "columns", names);
  out.texts(set, "column_descriptions", descriptions);
}

constexpr const char* kExitsDescription =
    "evolved exit and sizing values, one column per name in this dataset's attribute 'columns'; NaN where the "
    "run does not evolve the value (the /config value applies)";

// One row per individual: /individuals (every generation) and /population (the last one).
class IndividualTable {
 public:
  // exit_genes: the run evolves exits or sizing values, stored in the column `exits`.
  IndividualTable(Out& out, const H5::Group& group, hsize_t chunk_rows, bool compress, bool exit_genes)
      : generation_(out, group, "generation", 0, chunk_rows, compress,
                    "generation the individual belongs to (0 = initial)"),
        index_(out, group, "index", 0, chunk_rows, compress,
               "position of the individual in its generation's population"),
        strategy_(out, group, "strategy", 0, chunk_rows, compress,
                  "strategy type: index into /strategies/name (also this dataset's attribute 'names')"),
        params_(out, group, "params", kMaxParams, chunk_rows, compress,
                "parameter values in /strategies/param_names[strategy] order; unused slots are 0"),
        fitness_(out, group, "fitness", 0, chunk_rows, false,
                 "fitness the GA ranked by; infeasible below -1e12, failed evaluations -1e300"),
        status_(out, group, "status", 0, chunk_rows, compress,
                "evaluation status code: index into this dataset's attribute 'names' (0 = ok)"),
        metrics_(out, group, "metrics", kMetricCount, chunk_rows, false,
                 "backtest metrics, one column per name in this dataset's attribute 'columns'") {
    out.texts(strategy_.set(), "names", strategy_names());
    out.texts(status_.set(), "names", status_names());
    describe_metrics(out, metrics_.set());
    if (exit_genes) {
      exits_.emplace(out, group, "exits", kExitGenes, chunk_rows, compress, kExitsDescription);
      out.texts(exits_->set(), "columns", exit_gene_columns());
    }
  }

  void append(std::size_t generation, std::span<const Genome> population, std::span<const Evaluation> evaluations,
              std::span<const double> fitness) {
    const std::size_t n = population.size();
    if (evaluations.size() != n || fitness.size() != n)
      throw Error("results: generation " + std::to_string(generation) + " has " + std::to_string(n) + " genomes, " +
                  std::to_string(evaluations.size()) + " evaluations and " + std::to_string(fitness.size()) +
                  " fitness values; expected as many of each");
    const auto rows = static_cast<hsize_t>(n);

    ints_.assign(n, to_i32(generation, "generation"));
    generation_.append(ints_.data(), rows);
    for (std::size_t i = 0; i < n; ++i) ints_[i] = to_i32(i, "individual index");
    index_.append(ints_.data(), rows);
    for (std::size_t i = 0; i < n; ++i) ints_[i] = static_cast<std::int32_t>(population[i].strategy);
    strategy_.append(ints_.data(), rows);
    for (std::size_t i = 0; i < n; ++i) ints_[i] = static_cast<std::int32_t>(evaluations[i].status);
    status_.append(ints_.data(), rows);

    reals_.resize(n * kMaxParams);
    for (std::size_t i = 0; i < n; ++i)
      std::copy(population[i].params.begin(), population[i].params.end(),
                reals_.begin() + static_cast<std::ptrdiff_t>(i * kMaxParams));
    params_.append(reals_.data(), rows);
    fitness_.append(fitness.data(), rows);
    if (exits_) {
      reals_.resize(n * kExitGenes);
      for (std::size_t i = 0; i < n; ++i) exit_gene_row(population[i], reals_.data() + i * kExitGenes);
      exits_->append(reals_.data(), rows);
    }

    const auto& fields = metric_fields();
    reals_.resize(n * kMetricCount);
    for (std::size_t i = 0; i < n; ++i)
      for (std::size_t m = 0; m < kMetricCount; ++m)
        reals_[i * kMetricCount + m] = evaluations[i].metrics.*fields[m].member;
    metrics_.append(reals_.data(), rows);
  }

 private:
  Column<std::int32_t> generation_, index_, strategy_;
  Column<double> params_, fitness_;
  Column<std::int32_t> status_;
  Column<double> metrics_;
  std::optional<Column<double>> exits_;
  std::vector<std::int32_t> ints_;  // reused across generations
  std::vector<double> reals_;
};

// One row per generation: /generations.
class GenerationTable {
 public:
  GenerationTable(Out& out, const H5::Group& group)
      : generation_(col_i(out, group, "generation", "generation number (0 = initial population)")),
        best_(col_d(out, group, "best", "best fitness over all individuals")),
        mean_(col_d(out, group, "mean", "mean fitness of the feasible, successful individuals (0 when none)")),
        median_(col_d(out, group, "median", "median fitness of the feasible, successful individuals (0 when none)")),
        std_(col_d(out, group, "std",
                   "standard deviation of the feasible, successful individuals' fitness (0 when none)")),
        failed_(col_i(out, group, "failed", "individuals whose evaluation failed (status != ok)")),
        infeasible_(col_i(out, group, "infeasible", "individuals evaluated ok but breaking a constraint")),
        best_index_(col_i(out, group, "best_index", "index of the best individual in the generation")),
        evaluate_seconds_(col_d(out, group, "evaluate_seconds", "seconds: the slowest rank's evaluation time")),
        communicate_seconds_(col_d(out, group, "communicate_seconds",
                                   "seconds: wall time of the batch minus evaluate_seconds (sending, receiving, waiting)")),
        operator_seconds_(col_d(out, group, "operator_seconds",
                                "seconds: selection, crossover and mutation that produced the generation")),
        imbalance_(col_d(out, group, "imbalance", "slowest rank's evaluation time over the mean (1 = balanced)")),
        evaluations_(col_i(out, group, "evaluations",
                           "genomes scored in the generation: the population, its robustness neighbours and the "
                           "polish (= evaluated + cache_hits)")),
        evaluated_(col_i(out, group, "evaluated", "distinct genomes backtested in the generation (not found in the cache)")),
        cache_hits_(col_i(out, group, "cache_hits", "genomes whose evaluation came from the run's cache")),
        elapsed_seconds_(col_d(out, group, "elapsed_seconds", "seconds since the run's results were opened, when the "
                                                              "generation was recorded")) {}

  void append(const GenerationStats& s, double elapsed) {
    const std::size_t evaluations = s.evaluated + s.cache_hits;
    const std::int32_t ints[] = {to_i32(s.generation, "generation"), to_i32(s.failed, "failed count"),
                                 to_i32(s.infeasible, "infeasible count"), to_i32(s.best_index, "best index"),
                                 to_i32(evaluations, "evaluations"), to_i32(s.evaluated, "evaluated count"),
                                 to_i32(s.cache_hits, "cache hits")};
    generation_.append(&ints[0], 1);
    failed_.append(&ints[1], 1);
    infeasible_.append(&ints[2], 1);
    best_index_.append(&ints[3], 1);
    evaluations_.append(&ints[4], 1);
    evaluated_.append(&ints[5], 1);
    cache_hits_.append(&ints[6], 1);
    best_.append(&s.best, 1);
    mean_.append(&s.mean, 1);
    median_.append(&s.median, 1);
    std_.append(&s.std, 1);
    evaluate_seconds_.append(&s.evaluate_seconds, 1);
    communicate_seconds_.append(&s.communicate_seconds, 1);
    operator_seconds_.append(&s.operator_seconds, 1);
    imbalance_.append(&s.imbalance, 1);
    elapsed_seconds_.append(&elapsed, 1);
  }

 private:
  static Column<std::int32_t> col_i(Out& out, const H5::Group& g, const char* name, const char* description) {
    return Column<std::int32_t>(out, g, name, 0, kGenerationChunkRows, false, description);
  }
  static Column<double> col_d(Out& out, const H5::Group& g, const char* name, const char* description) {
    return Column<double>(out, g, name, 0, kGenerationChunkRows, false, description);
  }

  Column<std::int32_t> generation_;
  Column<double> best_, mean_, median_, std_;
  Column<std::int32_t> failed_, infeasible_, best_index_;
  Column<double> evaluate_seconds_, communicate_seconds_, operator_seconds_, imbalance_;
  Column<std::int32_t> evaluations_, evaluated_, cache_hits_;
  Column<double> elapsed_seconds_;
};

// The search's own columns: /generations/type_share, the islands' and the polish's columns, with
// robustness /individuals/raw_fitness, with polishing the /polish table, and with NSGA-II
// /individuals/front and crowding.
class SearchColumns {
 public:
  SearchColumns(Out& out, const H5::H5File& file, const EvolutionSettings& evolution, bool exit_genes)
      : type_share_(out, file.openGroup("generations"), "type_share", strategy_registry().size(), kGenerationChunkRows,
                    false, "share of the population of each strategy type (columns: /strategies/name order)"),
        islands_(evolution.islands.count) {
    const H5::Group generations = file.openGroup("generations");
    const H5::Group individuals = file.openGroup("individuals");
    const hsize_t chunk_rows = individual_chunk_rows(evolution.ga.population);
    if (evolution.multi.enabled) {
      add_pareto_columns(out, individuals, chunk_rows, front_, crowding_);
      return;
    }
    const auto k = static_cast<hsize_t>(islands_);
    island_best_.emplace(out, generations, "island_best", k, kGenerationChunkRows, false,
                         "best fitness of each island (columns: islands; rows of each in island_starts)");
    island_mean_.emplace(out, generations, "island_mean", k, kGenerationChunkRows, false,
                         "mean fitness of each island's feasible, successful individuals (0 when none)");
    std::vector<std::int64_t> starts;
    for (const std::size_t start : island_starts(evolution.ga.population, islands_)) starts.push_back(to_i64(start));
    out.array(generations, "island_starts", starts.data(), {k + 1},
              "island k holds rows [island_starts[k], island_starts[k+1]) of every generation");
    const auto count = [&](std::optional<Column<std::int32_t>>& column, const char* name, const char* description) {
      column.emplace(out, generations, name, 0, kGenerationChunkRows, false, description);
    };
    count(polish_scored_, "polish_scored", "genomes the polish scored in the generation (in evaluations)");
    count(polish_evaluated_, "polish_evaluated", "backtests the polish ran in the generation (in evaluated)");
    count(polish_improved_, "polish_improved", "polished genomes that beat their start and joined the population");
    count(migrants_, "migrants", "individuals that moved between islands before the generation was recorded");
    count(restarts_, "restarts", "islands restarted when the generation was bred");
    if (evolution.robustness.kind != RobustnessKind::none)
      raw_fitness_.emplace(out, individuals, "raw_fitness", 0, chunk_rows, false,
                           "the objective's own fitness; fitness is its robust value over the neighbourhood");
    if (evolution.polish.share > 0) {
      const H5::Group polish = out.group(file, "polish", "every genome the polish scored, generation by generation "
                                                          "(same columns as /individuals; index: order scored)");
      polish_.emplace(out, polish, chunk_rows, true, exit_genes);
      if (raw_fitness_)
        polish_raw_fitness_.emplace(out, polish, "raw_fitness", 0, chunk_rows, false, "the objective's own fitness");
    }
  }

  static void add_pareto_columns(Out& out, const H5::Group& group, hsize_t chunk_rows,
                                 std::optional<Column<std::int32_t>>& front, std::optional<Column<double>>& crowding) {
    front.emplace(out, group, "front", 0, chunk_rows, true,
                  "NSGA-II: Pareto front of the individual in its generation (0 = non-dominated)");
    crowding.emplace(out, group, "crowding", 0, chunk_rows, false,
                     "NSGA-II: crowding distance within its front (inf at the front's ends)");
  }

  void append(const GenerationView& generation) {
    std::vector<double> share(strategy_registry().size(), 0.0);
    for (const Genome& g : generation.population)
      if (g.strategy < share.size()) share[g.strategy] += 1.0;
    for (double& v : share) v /= static_cast<double>(std::max<std::size_t>(1, generation.population.size()));
    type_share_.append(share.data(), 1);
    const std::size_t t = generation.stats.generation;
    if (front_) {
      if (generation.front.size() != generation.population.size() ||
          generation.crowding.size() != generation.population.size())
        throw Error("results: generation " + std::to_string(t) + " lacks its Pareto ranking in NSGA-II mode");
      front_->append(generation.front.data(), generation.front.size());
      crowding_->append(generation.crowding.data(), generation.crowding.size());
    }
    if (island_best_) {
      // NOTE: an observer fed by hand (the grid, tests) gives no island statistics: one island, the whole.
      std::vector<double> best(generation.island_best.begin(), generation.island_best.end());
      std::vector<double> mean(generation.island_mean.begin(), generation.island_mean.end());
      if (best.size() != islands_) best.assign(islands_, generation.stats.best);
      if (mean.size() != islands_) mean.assign(islands_, generation.stats.mean);
      island_best_->append(best.data(), 1);
      island_mean_->append(mean.data(), 1);
      const GenerationStats& s = generation.stats;
      const std::int32_t ints[] = {to_i32(s.polish_scored, "polish count"), to_i32(s.polish_evaluated, "polish count"),
                                   to_i32(s.polish_improved, "polish count"), to_i32(s.migrants, "migrants"),
                                   to_i32(s.restarts, "restarts")};
      polish_scored_->append(&ints[0], 1);
      polish_evaluated_->append(&ints[1], 1);
      polish_improved_->append(&ints[2], 1);
      migrants_->append(&ints[3], 1);
      restarts_->append(&ints[4], 1);
    }
    if (raw_fitness_) {
      const std::span<const double> raw =
          generation.raw_fitness.size() == generation.population.size() ? generation.raw_fitness : generation.fitness;
      raw_fitness_->append(raw.data(), raw.size());
    }
    if (polish_ && !generation.polished.empty()) {
      polish_->append(t, generation.polished, generation.polished_evaluations, generation.polished_fitness);
      if (polish_raw_fitness_)
        polish_raw_fitness_->append(generation.polished_raw_fitness.data(), generation.polished_raw_fitness.size());
    }
  }

  void close() {
    polish_.reset();
    polish_raw_fitness_.reset();
  }

 private:
  Column<double> type_share_;
  std::size_t islands_;
  std::optional<Column<std::int32_t>> front_;
  std::optional<Column<double>> crowding_;
  std::optional<Column<double>> island_best_, island_mean_;
  std::optional<Column<std::int32_t>> polish_scored_, polish_evaluated_, polish_improved_, migrants_, restarts_;
  std::optional<Column<double>> raw_fitness_;
  std::optional<IndividualTable> polish_;
  std::optional<Column<double>> polish_raw_fitness_;
};

// /pareto: the final generation's non-dominated front and the knee picked from it.
void write_pareto(Out& out, const H5::H5File& file, const EvolutionSettings& evolution, const EvolutionResult& result) {
  const H5::Group group = out.group(file, "pareto", "NSGA-II: the final generation's Pareto front (front 0) and its knee");
  const auto& fields = metric_fields();
  std::vector<std::int32_t> index;
  std::vector<double> values;
  for (std::size_t i : result.pareto) {
    index.push_back(to_i32(i, "front index"));
    for (const auto& objective : evolution.multi.objectives)
      values.push_back(result.evaluations[i].metrics.*fields[objective.metric].member);
  }
  std::vector<std::string> names;
  for (const auto& objective : evolution.multi.objectives) names.push_back(to_string(objective));
  const hsize_t f = index.size();
  const hsize_t m = names.size();
  out.array(group, "index", index.data(), {f}, "row of each front member in /population, increasing");
  const H5::DataSet set = out.array(group, "objectives", values.data(), {f, m},
                                    "objective metric values of each front member (as the metric, not negated)");
  out.texts(set, "columns", names);
  const auto knee = std::find(result.pareto.begin(), result.pareto.end(), result.knee) - result.pareto.begin();
  out.number(group, "knee", static_cast<std::int64_t>(knee));
  out.number(group, "knee_index", to_i64(result.knee));
  out.text(group, "knee_rule",
           "objectives normalised to [0, 1] over the front; the member farthest from the hyperplane through the "
           "extreme points, on the ideal side (docs/genetic-algorithm.md)");
}

void write_config(Out& out, const H5::H5File& file, const RunInfo& run, const MarketView& data,
                  const EvolutionSettings& evolution, const ExecutionSettings& execution) {
  // Attributes are named as the configuration's keys with "-" as "_" (docs/configuration.md); top is hall_of_fame.
  const H5::DataSet config = out.scalar_text(file, "config", run.config_text,
                                             "the resolved configuration (TOML) the run used; key settings as attributes");
  const GaSettings& ga = evolution.ga;
  const auto& registry = strategy_registry();
  std::vector<std::string> in_play;
  if (ga.strategies.empty()) {
    in_play = strategy_names();
  } else {
    for (std::uint32_t s : ga.strategies) in_play.push_back(s < registry.size() ? registry[s].name : "unknown");
  }
  out.text(config, "objective", std::string(to_string(evolution.fitness.objective)));
  out.number(config, "min_trades", evolution.fitness.min_trades);
  out.number(config, "max_drawdown", evolution.fitness.max_drawdown);
  out.number(config, "population", to_i64(ga.population));
  out.number(config, "generations", to_i64(ga.generations));
  out.texts(config, "strategies", in_play);
  out.number(config, "tournament_size", to_i64(ga.tournament_size));
  out.number(config, "elitism", to_i64(ga.elitism));
  out.number(config, "crossover_rate", ga.crossover_rate);
  out.text(config, "crossover", std::string(to_string(ga.crossover)));
  out.number(config, "blend_alpha", ga.blend_alpha);
  out.number(config, "sbx_eta", ga.sbx_eta);
  out.text(config, "mutation", std::string(to_string(ga.mutation)));
  out.number(config, "mutation_rate", ga.mutation_rate);
  out.number(config, "mutation_scale", ga.mutation_scale);
  out.number(config, "type_switch_rate", ga.type_switch_rate);
  out.number(config, "type_quota", ga.type_quota);
  out.number(config, "type_quota_generations", to_i64(ga.type_quota_generations));
  out.number(config, "islands", to_i64(evolution.islands.count));
  out.number(config, "migration_interval", to_i64(evolution.islands.migration_interval));
  out.text(config, "migration_topology", std::string(to_string(evolution.islands.topology)));
  out.number(config, "migrants", to_i64(evolution.islands.migrants));
  out.number(config, "restart_stagnation", to_i64(evolution.islands.restart_stagnation));
  out.number(config, "polish_share", evolution.polish.share);
  out.number(config, "polish_interval", to_i64(evolution.polish.interval));
  out.number(config, "polish_elite", to_i64(evolution.polish.elite));
  out.number(config, "polish_radius", to_i64(evolution.polish.radius));
  out.number(config, "polish_step", evolution.polish.step);
  out.text(config, "robustness", std::string(to_string(evolution.robustness.kind)));
  out.number(config, "robustness_radius", evolution.robustness.radius);
  out.text(config, "mode", evolution.multi.enabled ? "nsga2" : "ga");
  std::vector<std::string> objectives;
  for (const auto& objective : evolution.multi.objectives) objectives.push_back(to_string(objective));
  out.texts(config, "objectives", objectives);
  out.number(config, "top", to_i64(evolution.hall_of_fame));
  out.number(config, "seed", evolution.seed);
  out.text(config, "execution", std::string(to_string(execution.execution)));
  out.number(config, "cost", execution.cost);
  out.flag(config, "allow_short", execution.allow_short);
  out.flag(config, "no_cache", !evolution.evaluation_cache);
  // Resolved settings carry the inferred value (evolve: over a split's training window); given ones 0.
  const bool inferred = run.bars_per_year_inferred || !(execution.bars_per_year > 0);
  out.number(config, "bars_per_year", execution.bars_per_year > 0 ? execution.bars_per_year : infer_bars_per_year(data));
  out.flag(config, "bars_per_year_inferred", inferred);
  const ExitRules& exits = execution.exits;
  out.number(config, "stop_loss", exits.stop_loss);
  out.number(config, "take_profit", exits.take_profit);
  out.number(config, "trailing_stop", exits.trailing_stop);
  out.number(config, "max_bars", exits.max_bars);
  out.text(config, "sizing", std::string(to_string(exits.sizing)));
  out.number(config, "target_vol", exits.target_vol);
  out.number(config, "vol_window", exits.vol_window);
  out.number(config, "leverage_cap", exits.leverage_cap);
}

void write_inputs(Out& out, const H5::H5File& file, const RunInfo& run) {
  const H5::Group inputs = out.group(file, "inputs", "the input files the run read, with their fingerprints");
  std::vector<std::string> paths, hashes;
  std::vector<std::uint64_t> bytes;
  for (const auto& input : run.inputs) {
    paths.push_back(input.path);
    hashes.push_back(input.sha256);
    bytes.push_back(input.bytes);
  }
  const hsize_t n = run.inputs.size();
  out.strings(inputs, "path", paths, {n}, "path of the input file as given to the run");
  out.strings(inputs, "sha256", hashes, {n}, "SHA-256 of the file's contents, 64 lowercase hex digits");
  out.array(inputs, "bytes", bytes.data(), {n}, "size of the file in bytes");
}

void write_data(Out& out, const H5::H5File& file, const RunInfo& run, const MarketView& data) {
  const H5::Group group = out.group(file, "data", "the market data's axes (the prices are in the input files)");
  const auto bars = static_cast<hsize_t>(data.timestamps.size());
  const std::vector<std::string> symbols(data.symbols.begin(), data.symbols.end());
  out.strings(group, "symbols", symbols, {symbols.size()}, "symbol names, one per column of the panel");
  const H5::DataSet timestamps =
      out.array(group, "timestamps", data.timestamps.data(), {bars}, "UTC time of each bar's close");
  out.text(timestamps, "units", "seconds since 1970-01-01T00:00:00Z");
  // Buy and hold, equal weight: mean over symbols of close[t] / close[first], each symbol bought at
  // its first live bar from the account's first on (--start; the first bar when every symbol is
  // always live and there is no window) and 1 before it.
  std::vector<double> buy_and_hold(data.timestamps.size(), 0.0);
  for (Eigen::Index k = 0; k < data.symbol_count(); ++k) {
    auto first = static_cast<Eigen::Index>(std::min(run.account_start, data.timestamps.size() - 1));
    while (first + 1 < data.bars() && !data.is_live(first, k)) ++first;
    for (Eigen::Index t = 0; t < data.bars(); ++t)
      buy_and_hold[static_cast<std::size_t>(t)] += t < first ? 1.0 : data.close(t, k) / data.close(first, k);
  }
  for (double& value : buy_and_hold) value /= static_cast<double>(data.symbol_count());
  out.array(group, "buy_and_hold_equity", buy_and_hold.data(), {bars},
            "equity per bar of buying every symbol with equal weight at the first bar: mean over symbols of "
            "close[t] / close[0]");
  out.number(group, "bars", to_i64(data.timestamps.size()));
  out.number(group, "symbol_count", to_i64(data.symbols.size()));
  const std::int64_t first = data.timestamps.empty() ? 0 : data.timestamps.front();
  const std::int64_t last = data.timestamps.empty() ? 0 : data.timestamps.back();
  out.number(group, "first_timestamp", first);
  out.number(group, "last_timestamp", last);
  out.text(group, "first_timestamp_iso", iso8601(first));
  out.text(group, "last_timestamp_iso", iso8601(last));
  if (!run.align.empty()) {
    out.text(group, "align", run.align);
    out.number(group, "max_gap", run.max_gap);
    out.texts(group, "alignment_losses", run.alignment_losses);
  }
  if (run.symbol_first.size() == symbols.size() && run.symbol_last.size() == symbols.size()) {
    out.array(group, "symbol_first_timestamp", run.symbol_first.data(), {symbols.size()},
              "UTC seconds of each symbol's first bar of its own (before alignment)");
    out.array(group, "symbol_last_timestamp", run.symbol_last.data(), {symbols.size()},
              "UTC seconds of each symbol's last bar of its own (before alignment)");
  }
  if (!data.always_live()) {
    std::vector<std::int32_t> live(static_cast<std::size_t>(data.live.size()));
    for (Eigen::Index k = 0; k < data.symbol_count(); ++k)
      for (Eigen::Index t = 0; t < data.bars(); ++t)
        live[static_cast<std::size_t>(k * data.bars() + t)] = data.live(t, k);
    out.array(group, "live", live.data(), {symbols.size(), bars},
              "1 where the symbol trades at the bar, 0 where it has no bar (flat): union alignment");
  }
  if (run.windowed && run.account_start < data.timestamps.size()) {  // --start, --end: the account's bars
    const std::int64_t start = data.timestamps[run.account_start];
    out.number(group, "window_first_bar", to_i64(run.account_start));
    out.number(group, "window_first_timestamp", start);
    out.number(group, "window_last_timestamp", last);
    out.text(group, "window_first_timestamp_iso", iso8601(start));
    out.text(group, "window_last_timestamp_iso", iso8601(last));
  }
  out.number(group, "data_bytes", static_cast<std::uint64_t>(run.data_bytes));
  out.number(group, "broadcast_seconds", run.broadcast_seconds);
}

void write_strategies(Out& out, const H5::H5File& file, const SearchSpace& space,
                      const std::vector<StrategySource>& sources) {
  const H5::Group group = out.group(file, "strategies", "the strategy registry: types and their parameter spaces");
  const auto& registry = strategy_registry();
  const std::size_t types = registry.size();
  const double none = std::numeric_limits<double>::quiet_NaN();
  std::vector<std::string> names, descriptions, param_names(types * kMaxParams), param_kinds(types * kMaxParams);
  std::vector<std::int32_t> counts;
  std::vector<double> lower(types * kMaxParams, none), upper(types * kMaxParams, none);
  std::vector<double> defaults(types * kMaxParams, none);
  std::vector<double> search_lower(types * kMaxParams, none), search_upper(types * kMaxParams, none);
  std::vector<std::string> source_texts(types), source_hashes(types), source_files(types);
  for (std::size_t t = 0; t < types; ++t) {
    const StrategyType& type = registry[t];
    for (const StrategySource& source : sources)
      if (source.name == type.name) {
        source_texts[t] = source.source;
        source_hashes[t] = sha256_hex(std::as_bytes(std::span(source.source.data(), source.source.size())));
        source_files[t] = source.file;
      }
    const StrategyType& searched = space.type(static_cast<std::uint32_t>(t));
    names.push_back(type.name);
    descriptions.push_back(type.description);
    counts.push_back(to_i32(type.params.size(), "parameter count"));
    for (std::size_t p = 0; p < type.params.size() && p < kMaxParams; ++p) {
      const ParamSpec& spec = type.params[p];
      const std::size_t at = t * kMaxParams + p;
      param_names[at] = spec.name;
      param_kinds[at] = spec.kind == ParamKind::integer ? "integer" : "real";
      lower[at] = spec.lower;
      upper[at] = spec.upper;
      defaults[at] = spec.default_value;
      search_lower[at] = searched.params[p].lower;
      search_upper[at] = searched.params[p].upper;
    }
  }
  const hsize_t n = types;
  const hsize_t w = kMaxParams;
  out.strings(group, "name", names, {n}, "strategy type name; a genome's strategy is an index into this list");
  out.strings(group, "description", descriptions, {n}, "one-line description of the strategy type");
  out.array(group, "param_count", counts.data(), {n},
            "number of parameters the type uses (the first param_count slots)");
  out.strings(group, "param_names", param_names, {n, w}, "parameter names per slot; empty string for unused slots");
  out.strings(group, "param_kind", param_kinds, {n, w}, "'integer' or 'real' per slot; empty string for unused slots");
  out.array(group, "lower", lower.data(), {n, w}, "lower bound per slot (inclusive); NaN for unused slots");
  out.array(group, "upper", upper.data(), {n, w}, "upper bound per slot (inclusive); NaN for unused slots");
  out.array(group, "default", defaults.data(), {n, w}, "default value per slot; NaN for unused slots");
  out.array(group, "search_lower", search_lower.data(), {n, w},
            "lower bound the search used per slot: lower, or the config's [ranges.NAME]; NaN for unused slots");
  out.array(group, "search_upper", search_upper.data(), {n, w},
            "upper bound the search used per slot (equal to search_lower: fixed); NaN for unused slots");
  out.strings(group, "source", source_texts, {n},
              "a file strategy's own TOML table (docs/strategy-language.md), reproducible on its own; \"\" for built-ins");
  out.strings(group, "source_sha256", source_hashes, {n}, "SHA-256 of source, 64 lowercase hex digits; \"\" for built-ins");
  out.strings(group, "source_file", source_files, {n}, "the strategy file it was read from; \"\" for built-ins");
}

// /best/trades: every trade of the best strategies, one row each, by rank, then symbol, then time.
void write_trades(Out& out, const H5::Group& best, std::span<const std::int32_t> rank, std::span<const Trade> trades,
                  std::span<const std::int64_t> timestamps) {
  const H5::Group group = out.group(best, "trades",
                                    "every trade of the best strategies, one row each: by rank, then symbol, then time "
                                    "(docs/results-format.md)");
  const hsize_t n = trades.size();
  std::vector<std::int32_t> symbol, direction, reason;
  std::vector<std::int64_t> entry_bar, exit_bar, entry_time, exit_time, bars_held;
  std::vector<double> size, entry_price, exit_price, returns;
  for (const Trade& t : trades) {
    symbol.push_back(static_cast<std::int32_t>(t.symbol));
    direction.push_back(t.direction);
    reason.push_back(static_cast<std::int32_t>(t.reason));
    entry_bar.push_back(t.entry_bar);
    exit_bar.push_back(t.exit_bar);
    entry_time.push_back(timestamps[static_cast<std::size_t>(t.entry_bar)]);
    exit_time.push_back(timestamps[static_cast<std::size_t>(t.exit_bar)]);
    bars_held.push_back(t.bars_held());
    size.push_back(t.size);
    entry_price.push_back(t.entry_price);
    exit_price.push_back(t.exit_price);
    returns.push_back(t.ret);
  }
  out.array(group, "rank", rank.data(), {n}, "the /best rank of the strategy that made the trade (1 = best)");
  out.array(group, "symbol", symbol.data(), {n}, "the traded symbol: index into /data/symbols");
  out.array(group, "direction", direction.data(), {n}, "+1 long, -1 short");
  out.array(group, "size", size.data(), {n}, "|position| at entry (1 with unit sizing)");
  out.array(group, "entry_bar", entry_bar.data(), {n},
            "bar of the entry fill: index into /data/timestamps (its open with next_open execution, else its close)");
  out.array(group, "exit_bar", exit_bar.data(), {n}, "bar of the exit fill (the last bar when the trade is open at the end)");
  const H5::DataSet entry_set = out.array(group, "entry_time", entry_time.data(), {n}, "UTC time of the entry bar");
  out.text(entry_set, "units", "seconds since 1970-01-01T00:00:00Z");
  const H5::DataSet exit_set = out.array(group, "exit_time", exit_time.data(), {n}, "UTC time of the exit bar");
  out.text(exit_set, "units", "seconds since 1970-01-01T00:00:00Z");
  out.array(group, "entry_price", entry_price.data(), {n}, "price of the entry fill");
  out.array(group, "exit_price", exit_price.data(), {n}, "price of the exit fill (the last close when open at the end)");
  out.array(group, "bars_held", bars_held.data(), {n}, "exit_bar - entry_bar (0: out within the bar it entered)");
  out.array(group, "return", returns.data(), {n}, "the trade's return, costs included (docs/metrics.md, \"Trades\")");
  std::vector<std::string> names;
  for (int r = 0; r < kExitReasons; ++r) names.emplace_back(to_string(static_cast<ExitReason>(r)));
  const H5::DataSet reason_set = out.array(group, "exit_reason", reason.data(), {n},
                                           "why the trade ended: index into this dataset's attribute 'names'");
  out.texts(reason_set, "names", names);
}

// `by_fitness`: sorted best first; otherwise kept in the given order (NSGA-II: the knee first).
void write_best(Out& out, const H5::H5File& file, std::span<const HallOfFameEntry> best, const CurveOf& curve_of,
                std::span<const std::int64_t> timestamps, const AtomicFile& output, bool by_fitness, bool exit_genes,
                bool robust) {
  const fs::path& path = output.path();
  const std::size_t bars = timestamps.size();
  const H5::Group group =
      out.group(file, "best", "the best distinct strategies of the run, best first, with equity curves");
  // Best first; a NaN fitness ranks last.
  std::vector<std::size_t> order(best.size());
  std::iota(order.begin(), order.end(), std::size_t{0});
  const auto key = [&](std::size_t i) {
    const double f = best[i].fitness;
    return std::isnan(f) ? -std::numeric_limits<double>::infinity() : f;
  };
  if (by_fitness)
    std::stable_sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) { return key(a) > key(b); });

  const auto& registry = strategy_registry();
  const auto& fields = metric_fields();
  const std::size_t k = best.size();
  std::vector<std::int32_t> rank, strategy, generation, status;
  std::vector<std::string> names, param_names(k * kMaxParams);
  std::vector<double> params, fitness, raw_fitness, metrics, exits(k * kExitGenes);
  params.reserve(k * kMaxParams);
  metrics.reserve(k * kMetricCount);
  for (std::size_t r = 0; r < k; ++r) {
    const HallOfFameEntry& entry = best[order[r]];
    const Genome& genome = entry.genome;
    rank.push_back(to_i32(r + 1, "rank"));
    strategy.push_back(static_cast<std::int32_t>(genome.strategy));
    const bool known = genome.strategy < registry.size();
    names.push_back(known ? registry[genome.strategy].name : "unknown");
    if (known)
      for (std::size_t p = 0; p < registry[genome.strategy].params.size() && p < kMaxParams; ++p)
        param_names[r * kMaxParams + p] = registry[genome.strategy].params[p].name;
    params.insert(params.end(), genome.params.begin(), genome.params.end());
    exit_gene_row(genome, exits.data() + r * kExitGenes);
    fitness.push_back(entry.fitness);
    raw_fitness.push_back(entry.raw_fitness);
    generation.push_back(to_i32(entry.generation, "generation"));
    status.push_back(static_cast<std::int32_t>(entry.evaluation.status));
    for (const auto& field : fields) metrics.push_back(entry.evaluation.metrics.*field.member);
  }
  const hsize_t n = k;
  out.array(group, "rank", rank.data(), {n}, "1 = best");
  out.array(group, "strategy", strategy.data(), {n}, "strategy type: index into /strategies/name");
  out.strings(group, "strategy_name", names, {n}, "strategy type name");
  out.strings(group, "param_names", param_names, {n, kMaxParams}, "parameter names per slot; empty for unused slots");
  out.array(group, "params", params.data(), {n, kMaxParams}, "parameter values, named by param_names; unused slots 0");
  if (exit_genes) {
    const H5::DataSet exits_set = out.array(group, "exits", exits.data(), {n, kExitGenes}, kExitsDescription);
    out.texts(exits_set, "columns", exit_gene_columns());
  }
  out.array(group, "fitness", fitness.data(), {n}, "fitness the GA ranked by (non-increasing down the table)");
  if (robust)
    out.array(group, "raw_fitness", raw_fitness.data(), {n},
              "the objective's own fitness; fitness is its robust value over the neighbourhood (robustness)");
  out.array(group, "generation", generation.data(), {n}, "first generation the strategy appeared in");
  const H5::DataSet status_set = out.array(group, "status", status.data(), {n}, "evaluation status code (0 = ok)");
  out.texts(status_set, "names", status_names());
  const H5::DataSet metric_set =
      out.array(group, "metrics", metrics.data(), {n, kMetricCount},
                "backtest metrics over the bars the evolution saw (all, or the training window of /validation), "
                "one column per name in this dataset's attribute 'columns'");
  describe_metrics(out, metric_set);

  // The curves, one row at a time: only one strategy's curve is in memory.
  const hsize_t width = bars;
  const H5::DataSet equity_set = out.array<double>(group, "equity", nullptr, {n, width},
                                                   "equity per bar (starts at 1): prod(1 + portfolio return) up to "
                                                   "the bar; bar times in /best/timestamps");
  out.text(equity_set, "timestamps", "/data/timestamps");
  BacktestCurve curve;
  std::vector<Trade> trades, all_trades;
  std::vector<std::int32_t> trade_rank;
  for (std::size_t r = 0; r < k; ++r) {
    curve_of(best[order[r]], curve, trades);
    all_trades.insert(all_trades.end(), trades.begin(), trades.end());
    trade_rank.insert(trade_rank.end(), trades.size(), to_i32(r + 1, "rank"));
    if (curve.equity.size() != bars)
      throw Error("results: " + path.string() + ": best strategy " + std::to_string(r + 1) + " has an equity curve of " +
                  std::to_string(curve.equity.size()) + " values; expected one per bar (" + std::to_string(bars) + ")");
    out.where() = "dataset '/best/equity' row " + std::to_string(r);
    if (width > 0) hdf5::write_rows(equity_set, r, curve.equity.data(), 1, width);
    output.start_writeback();  // the row (8 MB a million bars) on its way to the disk while the next one is made
  }

  write_trades(out, group, trade_rank, all_trades, timestamps);

  out.where() = "soft link '/best/timestamps'";
  if (H5Lcreate_soft("/data/timestamps", group.getId(), "timestamps", H5P_DEFAULT, H5P_DEFAULT) < 0)
    throw H5::GroupIException("H5Lcreate_soft", "cannot link /best/timestamps to /data/timestamps");
}

}  // namespace

// The open partial file and the tables that grow with each generation.
struct ResultsWriter::File {
  File(AtomicFile& output, std::size_t population, bool exit_genes) : h5(hdf5::create(output)) {
    generations.emplace(out, out.group(h5, "generations", "one row per generation: fitness statistics and timings"));
    individuals.emplace(out, out.group(h5, "individuals", "one row per individual of every generation, in order"),
                        individual_chunk_rows(population), true, exit_genes);
  }

  // Closes the datasets, then the file, so that HDF5's last writes happen here and report their errors.
  void close() {
    search.reset();
    individuals.reset();
    generations.reset();
    out.where() = "file";
    h5.close();
  }

  Out out;
  H5::H5File h5;
  std::optional<GenerationTable> generations;
  std::optional<IndividualTable> individuals;
  std::optional<SearchColumns> search;
};

ResultsWriter::ResultsWriter(std::filesystem::path path, bool force, const RunInfo& run, const MarketView& data,
                             const EvolutionSettings& evolution, const ExecutionSettings& execution)
    : output_(std::move(path)),
      force_(force),
      timestamps_(data.timestamps.begin(), data.timestamps.end()),
      started_(std::chrono::steady_clock::now()) {
  hdf5::quiet();
  const OutputPath outputs[] = {{output_.path(), "run.h5"}};
  check_outputs({}, outputs, force_);
  if (run.seed != evolution.seed)
    throw Error("results: the run's seed " + std::to_string(run.seed) + " differs from the evolution's seed " +
                std::to_string(evolution.seed) + "; the file would not say how to reproduce the run");
  try {
    exit_genes_ = !evolution.ga.space.exit_genes().empty();
    file_ = std::make_unique<File>(output_, evolution.ga.population, exit_genes_);
    multi_ = evolution.multi;
    robust_ = evolution.robustness.kind != RobustnessKind::none && !multi_.enabled;
    file_->search.emplace(file_->out, file_->h5, evolution, exit_genes_);
    Out& out = file_->out;
    const H5::H5File& h5 = file_->h5;
    unsigned major = 0, minor = 0, release = 0;
    H5::H5Library::getLibVersion(major, minor, release);
    out.text(h5, "format", kFormat);
    out.number(h5, "format_version", std::int32_t{kFormatVersion});
    out.text(h5, "genepool_version", std::string(version()));
    out.text(h5, "git_revision", std::string(git_revision()));
    out.text(h5, "hdf5_version",
             std::to_string(major) + "." + std::to_string(minor) + "." + std::to_string(release));
    out.number(h5, "ranks", std::int32_t{run.ranks});
    out.text(h5, "host", run.host);
    if (!run.rank_cpu_targets.empty()) out.text(h5, "cpu_target", run.rank_cpu_targets.front());
    out.texts(h5, "rank_cpu_targets", run.rank_cpu_targets);
    out.texts(h5, "rank_hosts", run.rank_hosts);
    out.text(h5, "command_line", run.command_line);
    out.number(h5, "seed", run.seed);
    out.text(h5, "start_time", iso8601(now_seconds()));
    out.text(h5, "status", "running");
    write_config(out, h5, run, data, evolution, execution);
    write_inputs(out, h5, run);
    write_data(out, h5, run, data);
    write_strategies(out, h5, evolution.ga.space, run.strategy_sources);
    output_.start_writeback();  // the timestamps and buy-and-hold curve, on the disk long before the commit
  } catch (const H5::Exception& e) {
    throw failed(e);
  } catch (...) {
    file_.reset();
    throw;
  }
}

IoError ResultsWriter::failed(const H5::Exception& e) {
  IoError error = hdf5::write_error(e, output_, file_ ? file_->out.where() : "file", "results file");
  (void)file_.release();  // NOTE: leaked on purpose (see results.hpp)
  output_.discard();
  return error;
}

ResultsWriter::~ResultsWriter() {
  try {
    file_.reset();
  } catch (...) {
    // A destructor must not throw; output_ removes the partial file either way.
  }
}

void ResultsWriter::on_generation(const GenerationView& generation) {
  if (!file_) throw Error("results: " + output_.path().string() + ": on_generation after finish()");
  // NOTE: a partial file removed during the run (its folder, by another program) can never be put
  // in place: stop now rather than after the last generation.
  if (const std::string lost = output_.lost(); !lost.empty()) {
    std::error_code ignored;
    throw IoError(output_.path().string() + ": " + lost + "; the run stops, its results lost; " +
                  (fs::exists(output_.path(), ignored) ? "the existing " + output_.path().string() + " is unchanged"
                                                       : "no results file was written"));
  }
  // NOTE: a replayed generation records its checkpoint's time itself: the clock read here, a moment
  // after set_elapsed_seconds, could put it after the next one's.
  const double elapsed = replayed_elapsed_.value_or(
      std::chrono::duration<double>(std::chrono::steady_clock::now() - started_).count());
  replayed_elapsed_.reset();
  try {
    file_->individuals->append(generation.stats.generation, generation.population, generation.evaluations,
                              generation.fitness);
    file_->generations->append(generation.stats, elapsed);
    file_->search->append(generation);
  } catch (const H5::Exception& e) {
    throw failed(e);
  }
  ++generations_;
  elapsed_ = elapsed;
}

void ResultsWriter::set_elapsed_seconds(double seconds) {
  started_ = std::chrono::steady_clock::now() -
             std::chrono::duration_cast<std::chrono::steady_clock::duration>(std::chrono::duration<double>(seconds));
  replayed_elapsed_ = seconds;
}

void ResultsWriter::finish(const EvolutionResult& result, std::span<const HallOfFameEntry> best,
                           const CurveOf& curve_of, const ExtraContent& extra) {
  const fs::path& path = output_.path();
  if (!file_) throw Error("results: " + path.string() + ": finish() called twice");
  if (result.history.size() != generations_)
    throw Error("results: " + path.string() + ": the writer recorded " + std::to_string(generations_) +
                " generations but the run has " + std::to_string(result.history.size()) +
                "; pass the writer to evolve() as an observer");
  const double wall = std::chrono::duration<double>(std::chrono::steady_clock::now() - started_).count();
  try {
    Out& out = file_->out;
    const H5::H5File& h5 = file_->h5;
    {
      const H5::Group population =
          out.group(h5, "population", "the final generation, one row per individual (same columns as /individuals)");
      const std::size_t last = result.history.empty() ? 0 : result.history.back().generation;
      IndividualTable(out, population, individual_chunk_rows(result.population.size()), false, exit_genes_)
          .append(last, result.population, result.evaluations, result.fitness);
      if (multi_.enabled) {
        std::optional<Column<std::int32_t>> front;
        std::optional<Column<double>> crowding;
        SearchColumns::add_pareto_columns(out, population, individual_chunk_rows(result.population.size()), front,
                                          crowding);
        front->append(result.front.data(), result.front.size());
        crowding->append(result.crowding.data(), result.crowding.size());
      }
    }
    write_best(out, h5, best, curve_of, timestamps_, output_, !multi_.enabled, exit_genes_, robust_);
    EvolutionSettings settings;
    settings.multi = multi_;
    if (multi_.enabled) write_pareto(out, h5, settings, result);
    const H5::Group summary = out.group(h5, "summary", "totals of the run (attributes)");
    out.number(summary, "generations", to_i64(result.history.size()));
    out.number(summary, "evaluations_total", to_i64(result.evaluations_total));
    out.number(summary, "evaluated_total", to_i64(result.evaluated_total));
    out.number(summary, "cache_hits_total", to_i64(result.cache_hits_total));
    out.number(summary, "failed_total", to_i64(result.failed_total));
    out.number(summary, "polish_scored_total", to_i64(result.polish_scored_total));
    out.number(summary, "polish_evaluated_total", to_i64(result.polish_evaluated_total));
    out.number(summary, "wall_seconds", wall);
    if (extra) extra(out, h5);
    out.text(h5, "end_time", iso8601(now_seconds()));
    out.text(h5, "status", "complete");
    file_->close();
    file_.reset();
  } catch (const H5::Exception& e) {
    throw failed(e);
  }
  // The results are complete from here on: a failure keeps them in the partial file for the user.
  output_.keep();
  std::error_code ec;
  if (!force_ && fs::exists(path, ec))
    throw IoError(path.string() + ": appeared while the run was writing; its results are in " +
                  output_.partial().string() + " (rename it yourself, or pass --force to replace an existing file)");
  output_.commit();
}

void write_memory(hdf5::Writer& out, const H5::Group& root, const MemoryRecord& memory) {
  const H5::Group group =
      out.group(root, "memory", "where the market data lived, and each rank's memory when rank 0 released the workers");
  std::vector<std::int64_t> peak, pss;
  std::int64_t total = 0;
  for (const ProcessMemory& rank : memory.ranks) {
    peak.push_back(rank.peak_rss_bytes);
    pss.push_back(rank.pss_bytes);
    total = rank.pss_bytes < 0 || total < 0 ? -1 : total + rank.pss_bytes;
  }
  const hsize_t n = memory.ranks.size();
  out.array(group, "peak_rss_bytes", peak.data(), {n}, "peak resident set of each rank, rank 0 first (VmHWM; -1: unknown)");
  out.array(group, "pss_bytes", pss.data(), {n},
            "proportional set size of each rank, rank 0 first (Pss of /proc/self/smaps_rollup; -1: unknown)");
  out.text(group, "data_placement", memory.data_placement);
  out.number(group, "nodes", memory.nodes);
  out.number(group, "node_bytes", memory.node_bytes);
  out.number(group, "pss_total_bytes", total);
}

void write_timing(hdf5::Writer& out, const H5::Group& root, std::span<const PhaseSeconds> phases) {
  const H5::Group group = out.group(root, "timing", "rank 0's wall seconds in each phase of the run, in order");
  std::vector<std::string> names;
  std::vector<double> seconds;
  for (const auto& phase : phases) {
    names.push_back(phase.name);
    seconds.push_back(phase.seconds);
  }
  const hsize_t n = phases.size();
  out.strings(group, "phase", names, {n}, "phase name (docs/results-format.md)");
  out.array(group, "seconds", seconds.data(), {n}, "wall seconds of the phase on rank 0");
}

}  // namespace genepool
