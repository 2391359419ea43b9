// `genepool collect`: the best strategies of several runs (a job array's members) in one strategy
// spec, ordered by fitness, each entry naming its run; optionally the same as a CSV table.
#include <algorithm>
#include <cmath>
#include <filesystem>
#include <iostream>
#include <optional>
#include <string>
#include <vector>

#include "genepool/app/commands.hpp"
#include "genepool/io/csv_text.hpp"
#include "genepool/number_text.hpp"
#include "genepool/error.hpp"
#include "genepool/io/output_file.hpp"
#include "genepool/results/results_reader.hpp"
#include "genepool/results/strategy_spec.hpp"

namespace genepool::app {
namespace {

struct CollectOptions {
  std::vector<std::string> files;
  std::string spec_out;
  std::string csv;
  std::size_t top = 0;  // per run; 0: every strategy of each run's /best
  bool force = false;
  bool mixed = false;   // runs over different data or windows are collected, each row labelled with its data
};

// What a run's fitness was measured on: its data files (by SHA-256, in any order) and the bars the
// evolution saw (the training window of a split).
struct DataKey {
  std::vector<std::string> digests;  // sorted
  std::string window;                // "bars 0..2000 of 2520 (train)", or "all 2520 bars"
  std::string label;                 // "GOOG.csv 3f1a0c9b2e77, all 2148 bars"

  friend bool operator==(const DataKey& a, const DataKey& b) { return a.digests == b.digests && a.window == b.window; }
};

std::string attribute_of(const OptionalGroup& group, const std::string& name) {
  for (const auto& [key, value] : group.attributes)
    if (key == name) return value;
  return "";
}

DataKey data_key(const RunResults& run) {
  DataKey key;
  for (const InputFile& input : run.inputs) {
    key.digests.push_back(input.sha256);
    key.label += (key.label.empty() ? "" : ", ") + std::filesystem::path(input.path).filename().string() + ' ' +
                 input.sha256.substr(0, 12);
  }
  std::sort(key.digests.begin(), key.digests.end());
  const std::size_t bars = run.data.timestamps.size();
  const std::string split = run.validation ? attribute_of(*run.validation, "split") : "";
  if (!split.empty() && split != "none") {
    key.window = "bars " + attribute_of(*run.validation, "train_begin") + ".." +
                 attribute_of(*run.validation, "train_end") + " of " + std::to_string(bars) + " (train)";
  } else {
    key.window = "all " + std::to_string(bars) + " bars";
  }
  key.label += ", " + key.window;
  return key;
}

struct Entry {
  std::size_t run = 0;  // index into the runs
  std::size_t row = 0;  // row of that run's /best
  double fitness = 0;
};

// Best first; NaN last; ties keep the order of the runs and of their /best rows.
bool better(const Entry& a, const Entry& b) {
  if (std::isnan(a.fitness)) return false;
  return std::isnan(b.fitness) || a.fitness > b.fitness;
}

std::string collected_spec(const std::vector<RunResults>& runs, const std::vector<Entry>& entries, bool mixed) {
  Json spec;
  spec["format"] = kSpecFormat;
  spec["format_version"] = kSpecFormatVersion;
  Json sources = Json::array();
  for (const RunResults& run : runs) sources.push_back(run_source(run));
  spec["source"] = {{"collected", static_cast<std::int64_t>(runs.size())},
                    {"objective", runs.front().config.objective},
                    {"runs", std::move(sources)}};
  Json strategies = Json::array();
  for (std::size_t k = 0; k < entries.size(); ++k) {
    const RunResults& run = runs[entries[k].run];
    Json entry = strategy_entry(run, entries[k].row, static_cast<std::int64_t>(k + 1));
    entry["run"] = {{"results", run.path.string()},
                    {"seed", static_cast<std::int64_t>(run.provenance.seed)},
                    {"rank", std::int64_t{run.best[entries[k].row].rank}}};
    if (mixed) entry["run"]["data"] = data_key(run).label;
    strategies.push_back(std::move(entry));
  }
  spec["strategies"] = std::move(strategies);
  return spec_text(spec);
}

// One row per strategy: its rank here, its run, its rank there, type, parameters, fitness,
// generation, status, then the first run's metric columns (by name in every run).
std::string csv_text(const std::vector<RunResults>& runs, const std::vector<Entry>& entries, bool mixed) {
  const std::vector<std::string>& columns = runs.front().best_metrics.columns;
  std::string text = std::string("rank,results,seed,") + (mixed ? "data," : "") +
                     "run_rank,strategy,params,fitness,generation,status";
  for (const auto& column : columns) text += ',' + csv_field(column);
  text += '\n';
  for (std::size_t k = 0; k < entries.size(); ++k) {
    const RunResults& run = runs[entries[k].run];
    const StoredStrategy& s = run.best[entries[k].row];
    std::string params;
    for (std::size_t p = 0; p < s.param_names.size() && p < kMaxParams; ++p)
      params += (p ? ";" : "") + s.param_names[p] + '=' + shortest(s.params[p]);
    const auto code = static_cast<std::size_t>(s.status);
    const std::string status =
        s.status >= 0 && code < run.status_names.size() ? run.status_names[code] : std::to_string(s.status);
    text += std::to_string(k + 1) + ',' + csv_field(run.path.string()) + ',' + std::to_string(run.provenance.seed) +
            ',' + (mixed ? csv_field(data_key(run).label) + ',' : std::string()) + std::to_string(s.rank) + ',' + csv_field(s.name) + ',' + csv_field(params) + ',' +
            shortest(s.fitness) + ',' + std::to_string(s.generation) + ',' + csv_field(status);
    for (const auto& column : columns) text += ',' + shortest(run.best_metrics.at(entries[k].row, column));
    text += '\n';
  }
  return text;
}

void collect(const CollectOptions& options) {
  const std::vector<std::filesystem::path> inputs(options.files.begin(), options.files.end());
  const OutputPath outputs[] = {{options.spec_out, "best.json"}, {options.csv, "best.csv"}};
  check_outputs(inputs, outputs, options.force);
  std::vector<RunResults> runs;
  std::vector<Entry> entries;
  for (const std::string& file : options.files) {
    RunResults run = ResultsReader(file).read();
    if (run.best.empty())
      throw IoError(file + ": has no /best strategies (status " + run.provenance.status +
                    "); collect reads complete runs only");
    if (!runs.empty() && run.config.objective != runs.front().config.objective)
      throw ConfigError(file + ": objective " + run.config.objective + " differs from " + runs.front().path.string() +
                        "'s " + runs.front().config.objective + "; fitness is comparable only under one objective");
    if (!runs.empty() && !options.mixed && !(data_key(run) == data_key(runs.front())))
      throw ConfigError(file + ": its fitness was measured on " + data_key(run).label + ", " +
                        runs.front().path.string() + "'s on " + data_key(runs.front()).label +
                        "; collect ranks runs over one data set and window only (--mixed collects them anyway, "
                        "each row labelled with its data)");
    const std::size_t count = options.top == 0 ? run.best.size() : std::min(options.top, run.best.size());
    for (std::size_t row = 0; row < count; ++row) entries.push_back({runs.size(), row, run.best[row].fitness});
    runs.push_back(std::move(run));
  }
  std::stable_sort(entries.begin(), entries.end(), better);
  // Both written in full, then committed as one: both in place, or neither changed.
  OutputFile spec(options.spec_out, "best.json");
  spec.stream() << collected_spec(runs, entries, options.mixed);
  spec.close();
  std::vector<AtomicFile*> files{&spec.file()};
  std::optional<OutputFile> csv;
  if (!options.csv.empty()) {
    csv.emplace(options.csv, "best.csv");
    csv->stream() << csv_text(runs, entries, options.mixed);
    csv->close();
    files.push_back(&csv->file());
  }
  commit_together(files);
  std::cout << "collected " << entries.size() << (entries.size() == 1 ? " strategy" : " strategies") << " of "
            << runs.size() << (runs.size() == 1 ? " run" : " runs") << " into " << options.spec_out;
  if (!options.csv.empty()) std::cout << " and " << options.csv;
  const RunResults& best = runs[entries.front().run];
  std::cout << "\nbest: " << best.best[entries.front().row].name << " from " << best.path.string() << " (seed "
            << best.provenance.seed << "), fitness " << shortest(entries.front().fitness)
            << "\nreplay: genepool backtest --spec " << options.spec_out << " --data";
  for (const InputFile& input : best.inputs) std::cout << ' ' << input.path;
  std::cout << '\n';
}

}  // namespace

void add_collect_command(CLI::App& app) {
  auto* command = app.add_subcommand(
      "collect", "Collect the best strategies of several runs (e.g. a job array's) into one strategy spec");
  auto options = std::make_shared<CollectOptions>();
  command->add_option("files", options->files, "Results files written by `genepool evolve --out`")->required();
  command->add_option("--out", options->spec_out, "The strategy spec to write (JSON; replay: backtest --spec)")
      ->required();
  command->add_option("--csv", options->csv, "Also write the strategies as a CSV table");
  command->add_flag("--force", options->force, "Replace existing output files");
  command->add_flag("--mixed", options->mixed,
                    "Collect runs over different data or windows too, each row labelled with its data "
                    "(refused otherwise: their fitness is not comparable)");
  command->add_option("--top", options->top, "Best strategies to take from each run (all of its /best when absent)")
      ->check(CLI::Range(std::size_t{1}, std::size_t{1000}));
  command->callback([options] { collect(*options); });
}

}  // namespace genepool::app
