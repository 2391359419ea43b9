#pragma once
// The strategy spec: chosen strategies of a run as a small versioned JSON file that
// `genepool export` writes and `genepool backtest --spec` replays. Format: docs/reading-results.md.
#include <cstdint>
#include <filesystem>
#include <functional>
#include <optional>
#include <ostream>
#include <string>
#include <utility>
#include <vector>

#include "genepool/backtest/execution.hpp"
#include "genepool/data/bar_window.hpp"
#include "genepool/strategies/genome.hpp"
#include "genepool/results/results.hpp"
#include "genepool/results/results_reader.hpp"
#include "genepool/io/json.hpp"

namespace genepool::app {

inline constexpr const char* kSpecFormat = "genepool-strategy-spec";
inline constexpr std::int64_t kSpecFormatVersion = 1;

// One strategy of a spec, ready to replay.
struct SpecStrategy {
  std::int64_t rank = 0;
  Genome genome;                 // checked against the strategy registry
  ExecutionSettings execution;   // as the run used it (bars_per_year resolved)
  std::vector<InputFile> inputs; // the run's data files and their SHA-256
  std::int64_t bars = 0;
  std::int64_t first_timestamp = 0;
  std::int64_t last_timestamp = 0;
  std::string align;                       // the run's alignment ("union", "inner"); empty in older specs
  std::int64_t max_gap = 0;
  std::string window_start, window_end;    // the run's --start/--end window (ISO-8601 UTC); empty: none
  // The stored metrics by name; nullopt where the file says null (a non-finite value).
  std::vector<std::pair<std::string, std::optional<double>>> metrics;
  // The bars `metrics` cover: "all", or "train" with the run's split windows (bars of its data), and
  // then the test window's out-of-sample metrics. Older specs: "all", no windows.
  std::string metrics_window = "all";
  BarWindow train{}, test{};
  std::vector<std::pair<std::string, std::optional<double>>> metrics_out_of_sample;
  bool bars_per_year_inferred = false;  // the run inferred execution.bars_per_year from its data
  std::string genepool_version;         // of the run; empty in older specs
};

// Writes rows [0, count) of the run's /best as a spec (indented JSON).
void write_strategy_spec(std::ostream& out, const RunResults& results, std::size_t count);

// A spec's `source` object for a run: its results file as opened, genepool version, git revision,
// seed, objective and start time.
Json run_source(const RunResults& results);

// One `strategies[]` entry for row `row` of the run's /best, with the given rank (callers may add
// members of their own after it).
Json strategy_entry(const RunResults& results, std::size_t row, std::int64_t rank);

// The text of a spec document: one member or element per line, indented by two spaces, then a newline.
std::string spec_text(const Json& spec);

// Makes the file strategy `name` from its `source` text (parses and registers it) so that the entry's
// genome can be resolved; throws ConfigError when it cannot (e.g. a different definition of the name).
using DefineFileStrategy = std::function<void(const std::string& name, const std::string& source)>;

// Reads a spec. Unknown members are ignored (later versions may add some); malformed JSON, a key
// given twice, a missing or mistyped member, an unknown strategy or parameter, or a newer
// format_version is a ConfigError naming the file and the line or member, e.g.
// "spec.json: strategies[0].params.fast: expected a number". An entry of a file strategy carries its
// `source` and `source_sha256`: `define` is called with them before its genome is resolved.
std::vector<SpecStrategy> read_strategy_spec(const std::filesystem::path& path, const DefineFileStrategy& define);

}  // namespace genepool::app
