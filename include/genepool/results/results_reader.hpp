#pragma once
// Reading a results file back (schema: docs/results-format.md) into plain structs, for reports,
// exports and replays. Every failure is an IoError naming the file and the object.
#include <array>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <optional>
#include <limits>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "genepool/backtest/execution.hpp"
#include "genepool/strategies/genome.hpp"
#include "genepool/results/results.hpp"

namespace genepool {

// Metrics by column name, as a file stores them: `rows` × `columns.size()`, row-major.
// Columns are read by name, so a file with added or reordered columns reads the same.
struct MetricTable {
  std::vector<std::string> columns;
  std::size_t rows = 0;
  std::vector<double> values;

  std::optional<std::size_t> column(std::string_view name) const;
  // The value in `row` of the column called `name`; NaN when there is no such column.
  double at(std::size_t row, std::string_view name) const;
};

// The root attributes: who wrote the file, where, when.
struct RunProvenance {
  std::int32_t format_version = 0;
  std::string genepool_version;
  std::string git_revision;
  std::string hdf5_version;
  std::int32_t ranks = 0;
  std::string host;
  std::vector<std::string> rank_cpu_targets;  // empty in files written before CPU dispatch
  std::vector<std::string> rank_hosts;        // likewise
  std::string command_line;
  std::uint64_t seed = 0;
  std::string start_time;  // ISO-8601 UTC
  std::string end_time;    // empty while the run is still writing
  std::string status;      // "complete", or "running" in a .partial file
};

// The attributes of /config.
struct StoredConfig {
  std::string objective;
  double min_trades = 0;
  double max_drawdown = 0;
  std::int64_t population = 0;
  std::int64_t generations = 0;  // after the initial one
  std::vector<std::string> strategies;
  std::int64_t tournament_size = 0;
  std::int64_t elitism = 0;
  std::string crossover;
  double crossover_rate = 0;
  double blend_alpha = 0;
  double sbx_eta = 0;
  std::string mutation;
  double mutation_rate = 0;
  double mutation_scale = 0;
  double type_switch_rate = 0;
  std::int64_t top = 0;
  std::string mode = "ga";              // "ga" or "nsga2"
  std::vector<std::string> objectives;  // NSGA-II: "METRIC:max" / "METRIC:min"; empty in mode ga
  ExecutionSettings execution;  // bars_per_year as resolved by the run
  bool bars_per_year_inferred = false;
};

// /data: the market data's axes.
struct StoredData {
  std::vector<std::string> symbols;
  std::vector<std::int64_t> timestamps;
  std::string first_timestamp_iso;
  std::string last_timestamp_iso;
  std::uint64_t data_bytes = 0;
  double broadcast_seconds = 0;
  std::vector<double> buy_and_hold_equity;  // empty in files written before the dataset was added
  std::string align;                        // "union" or "inner"; empty in files written before it
  std::int64_t max_gap = 0;
  std::string window_start_iso, window_end_iso;  // --start/--end: the account's first and last bar; else empty
};

// A row of /strategies: the names a genome's parameter slots have in this file.
struct StoredStrategyType {
  std::string name;
  std::string description;
  std::vector<std::string> param_names;  // param_count names
  std::vector<std::string> param_kinds;  // "integer" or "real"
  // A file strategy's source text, its SHA-256 and file; empty for built-ins and in older files.
  std::string source;
  std::string source_sha256;
  std::string source_file;
};

// /generations, column by column: one entry per generation.
struct GenerationColumns {
  std::vector<std::int32_t> generation, failed, infeasible, best_index, evaluations, evaluated, cache_hits;
  std::vector<double> best, mean, median, std;
  std::vector<double> evaluate_seconds, communicate_seconds, operator_seconds, imbalance, elapsed_seconds;

  std::size_t size() const { return generation.size(); }
};

// A row of /best; its metrics are the same row of RunResults::best_metrics.
struct StoredStrategy {
  std::int32_t rank = 0;
  std::int32_t strategy = 0;  // index into RunResults::strategies
  std::string name;
  std::vector<std::string> param_names;  // the type's parameters, in slot order
  std::array<double, kMaxParams> params{};
  // The evolved exit and sizing values (exit_gene_rows.hpp): kExitGenes values, NaN where not
  // evolved; empty when the run evolves none (no /best/exits).
  std::vector<double> exits;
  double fitness = 0;
  // robustness on: the objective's own fitness (fitness is the robust one); NaN in other files.
  double raw_fitness = std::numeric_limits<double>::quiet_NaN();
  std::int32_t generation = 0;
  std::int32_t status = 0;
  std::vector<double> equity;  // one value per bar
};

// /best/trades, column by column: one entry per trade of the best strategies (docs/results-format.md).
struct TradeColumns {
  std::vector<std::int32_t> rank, symbol, direction, exit_reason;
  std::vector<std::int64_t> entry_bar, exit_bar, entry_time, exit_time, bars_held;
  std::vector<double> size, entry_price, exit_price, returns;
  std::vector<std::string> reason_names;  // by exit_reason code

  std::size_t size_of() const { return rank.size(); }
};

// /pareto (NSGA-II): the final front and its knee.
struct StoredPareto {
  std::vector<std::int32_t> index;  // row of each member in /population
  MetricTable objectives;           // [F][m], columns "METRIC:max" / "METRIC:min"
  std::int64_t knee = 0;            // row of the knee in index
};

// /summary's attributes.
struct StoredSummary {
  std::int64_t generations = 0;
  std::int64_t evaluations_total = 0;
  std::int64_t evaluated_total = 0;
  std::int64_t cache_hits_total = 0;
  std::int64_t failed_total = 0;
  double wall_seconds = 0;
};

// A group that later versions or other commands may add (e.g. /validation, docs/results-format.md):
// its scalar attributes as text, its `metrics` table when it has one ([rows][columns] with a
// `columns` attribute, row k for /best row k, or for the /best rank given by its `rank` dataset
// when it has one), every other table of that shape, and its subgroups read the same way.
struct OptionalGroup {
  std::string path;
  std::vector<std::pair<std::string, std::string>> attributes;
  std::optional<MetricTable> metrics;
  std::vector<std::int32_t> ranks;  // /best rank of each metrics row; empty when rows follow /best's order
  std::vector<std::pair<std::string, MetricTable>> tables;  // other float tables with `columns`, by name
  std::vector<OptionalGroup> groups;                        // subgroups
};

// /validation/walk_forward/best_metrics: each /best strategy on each walk-forward fold's test window
// (docs/results-format.md).
struct StoredFoldMetrics {
  std::vector<std::int64_t> windows;  // [folds][4]: train_begin, train_end, test_begin, test_end
  std::size_t folds = 0;
  std::size_t strategies = 0;         // rows: /best rows 0 .. strategies - 1
  std::vector<std::string> columns;   // metric names
  std::vector<double> values;         // [strategies][folds][columns]
  std::vector<std::int32_t> status;   // [strategies][folds]
};

// Everything in the file except the individual rows (ResultsReader::individuals reads those).
struct RunResults {
  std::filesystem::path path;
  RunProvenance provenance;
  std::string config_text;  // the TOML the run used
  StoredConfig config;
  std::vector<InputFile> inputs;
  StoredData data;
  std::vector<StoredStrategyType> strategies;
  GenerationColumns generations;
  std::vector<std::string> status_names;         // by status code
  std::vector<std::int64_t> status_counts;       // individuals per status code, over /individuals
  std::vector<StoredStrategy> best;              // empty until the run completes
  std::string best_selection;                    // /best's attribute `selection`; empty in older files
  MetricTable best_metrics;
  std::optional<TradeColumns> trades;            // /best/trades; absent in files written before it
  std::optional<StoredPareto> pareto;            // /pareto, NSGA-II only
  std::optional<StoredSummary> summary;          // absent until the run completes
  std::optional<OptionalGroup> validation;       // /validation, when the file has it
  std::optional<StoredFoldMetrics> fold_metrics; // absent without walk-forward folds and in files written before it
  std::optional<MemoryRecord> memory;            // /memory; absent in files written before it
};

// A block of rows of /individuals (or of /population).
struct IndividualRows {
  std::vector<std::int32_t> generation, index, strategy, status;
  std::vector<double> params;  // size() × kMaxParams
  std::vector<double> exits;   // size() × kExitGenes (NaN where not evolved), or empty: the run evolves none
  std::vector<double> fitness;
  MetricTable metrics;

  std::size_t size() const { return generation.size(); }
};

class ResultsReader {
 public:
  // Opens `path` read-only. IoError when it is missing, not HDF5, not a genepool results file
  // (root attribute format), or of a newer format_version than this program reads.
  explicit ResultsReader(std::filesystem::path path);
  ~ResultsReader();
  ResultsReader(const ResultsReader&) = delete;
  ResultsReader& operator=(const ResultsReader&) = delete;

  RunResults read() const;

  // Rows of /individuals, or of /population (the last generation) when `final_only`.
  std::size_t individual_count(bool final_only) const;
  // Rows [first, first + count) of the same table; count is clipped at its end.
  IndividualRows individuals(std::size_t first, std::size_t count, bool final_only) const;

  const std::filesystem::path& path() const { return path_; }

 private:
  struct File;  // the open HDF5 file (results_reader.cpp)

  std::filesystem::path path_;
  std::unique_ptr<File> file_;
};

}  // namespace genepool
