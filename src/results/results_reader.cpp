// Reading a results file back. Layout and meaning of every object: docs/results-format.md.
#include "genepool/results/results_reader.hpp"

#include <algorithm>
#include <array>
#include <charconv>
#include <cmath>
#include <limits>
#include <system_error>

#include "genepool/error.hpp"
#include "genepool/io/input_file.hpp"
#include "genepool/io/hdf5.hpp"
#include "genepool/number_text.hpp"

namespace genepool {
namespace {

namespace fs = std::filesystem;

constexpr const char* kFormat = "genepool-results";
constexpr std::int32_t kReadableVersion = 1;  // the format_version results.cpp writes

using In = hdf5::Reader;

// The values of a metrics dataset and its `columns` attribute, checked against its width.
MetricTable metric_table(In& in, const std::string& path) {
  MetricTable table;
  std::vector<hsize_t> d;
  table.values = in.numbers<double>(path, 2, &d);
  table.rows = static_cast<std::size_t>(d[0]);
  table.columns = in.texts(in.dataset(path), "columns");
  if (table.columns.size() != d[1])
    throw hdf5::LayoutError("attribute 'columns' of '" + path + "' names " + std::to_string(table.columns.size()) +
                                " columns; the dataset has " + std::to_string(d[1]),
                            false);
  return table;
}

// A layout error as the one line of the results reader.
IoError layout_error(const hdf5::LayoutError& e, const fs::path& path) {
  return IoError(path.string() + ": " + e.what() + " (the file does not follow docs/results-format.md)");
}

RunProvenance read_provenance(In& in) {
  const H5::Group root = in.group("/");
  RunProvenance p;
  p.format_version = in.number<std::int32_t>(root, "format_version");
  p.genepool_version = in.text(root, "genepool_version");
  p.git_revision = in.text(root, "git_revision");
  p.hdf5_version = in.text(root, "hdf5_version");
  p.ranks = in.number<std::int32_t>(root, "ranks");
  p.host = in.text(root, "host");
  if (in.has_attribute(root, "rank_cpu_targets")) p.rank_cpu_targets = in.texts(root, "rank_cpu_targets");
  if (in.has_attribute(root, "rank_hosts")) p.rank_hosts = in.texts(root, "rank_hosts");
  p.command_line = in.text(root, "command_line");
  p.seed = in.number<std::uint64_t>(root, "seed");
  p.start_time = in.text(root, "start_time");
  if (in.has_attribute(root, "end_time")) p.end_time = in.text(root, "end_time");
  p.status = in.text(root, "status");
  return p;
}

StoredConfig read_config(In& in) {
  const H5::DataSet set = in.dataset("/config", H5T_STRING);
  StoredConfig c;
  c.objective = in.text(set, "objective");
  c.min_trades = in.number<double>(set, "min_trades");
  c.max_drawdown = in.number<double>(set, "max_drawdown");
  c.population = in.number<std::int64_t>(set, "population");
  c.generations = in.number<std::int64_t>(set, "generations");
  c.strategies = in.texts(set, "strategies");
  c.tournament_size = in.number<std::int64_t>(set, "tournament_size");
  c.elitism = in.number<std::int64_t>(set, "elitism");
  c.crossover = in.text(set, "crossover");
  c.crossover_rate = in.number<double>(set, "crossover_rate");
  c.blend_alpha = in.number<double>(set, "blend_alpha");
  c.sbx_eta = in.number<double>(set, "sbx_eta");
  c.mutation = in.text(set, "mutation");
  c.mutation_rate = in.number<double>(set, "mutation_rate");
  c.mutation_scale = in.number<double>(set, "mutation_scale");
  c.type_switch_rate = in.number<double>(set, "type_switch_rate");
  c.top = in.number<std::int64_t>(set, "top");
  if (in.has_attribute(set, "mode")) c.mode = in.text(set, "mode");
  if (in.has_attribute(set, "objectives")) c.objectives = in.texts(set, "objectives");
  c.execution.execution = parse_execution(in.text(set, "execution"), "/config attribute execution");
  c.execution.cost = in.number<double>(set, "cost");
  c.execution.allow_short = in.flag(set, "allow_short");
  c.execution.bars_per_year = in.number<double>(set, "bars_per_year");
  c.bars_per_year_inferred = in.flag(set, "bars_per_year_inferred");
  if (in.has_attribute(set, "stop_loss")) {  // files of runs before exits and sizing have none
    ExitRules& exits = c.execution.exits;
    exits.stop_loss = in.number<double>(set, "stop_loss");
    exits.take_profit = in.number<double>(set, "take_profit");
    exits.trailing_stop = in.number<double>(set, "trailing_stop");
    exits.max_bars = in.number<double>(set, "max_bars");
    exits.sizing = parse_sizing(in.text(set, "sizing"), "/config attribute sizing");
    exits.target_vol = in.number<double>(set, "target_vol");
    exits.vol_window = in.number<double>(set, "vol_window");
    exits.leverage_cap = in.number<double>(set, "leverage_cap");
  }
  return c;
}

std::vector<InputFile> read_inputs(In& in) {
  const auto paths = in.strings("/inputs/path", 1);
  const auto hashes = in.strings("/inputs/sha256", 1);
  const auto bytes = in.numbers<std::uint64_t>("/inputs/bytes", 1);
  std::vector<InputFile> inputs;
  for (std::size_t i = 0; i < paths.size(); ++i)
    inputs.push_back({paths[i], i < hashes.size() ? hashes[i] : "", i < bytes.size() ? bytes[i] : 0});
  return inputs;
}

StoredData read_data(In& in) {
  StoredData d;
  const H5::Group group = in.group("/data");
  d.symbols = in.strings("/data/symbols", 1);
  d.timestamps = in.numbers<std::int64_t>("/data/timestamps", 1);
  d.first_timestamp_iso = in.text(group, "first_timestamp_iso");
  d.last_timestamp_iso = in.text(group, "last_timestamp_iso");
  d.data_bytes = in.number<std::uint64_t>(group, "data_bytes");
  d.broadcast_seconds = in.number<double>(group, "broadcast_seconds");
  if (in.exists("/data/buy_and_hold_equity")) d.buy_and_hold_equity = in.numbers<double>("/data/buy_and_hold_equity", 1);
  if (in.has_attribute(group, "align")) {  // files written before union panels have neither
    d.align = in.text(group, "align");
    d.max_gap = in.number<std::int64_t>(group, "max_gap");
  }
  if (in.has_attribute(group, "window_first_bar")) {
    d.window_start_iso = in.text(group, "window_first_timestamp_iso");
    d.window_end_iso = in.text(group, "window_last_timestamp_iso");
  }
  return d;
}

MemoryRecord read_memory(In& in) {
  const H5::Group group = in.group("/memory");
  MemoryRecord m;
  m.data_placement = in.text(group, "data_placement");
  m.nodes = in.number<std::int32_t>(group, "nodes");
  m.node_bytes = in.number<std::uint64_t>(group, "node_bytes");
  const auto peak = in.numbers<std::int64_t>("/memory/peak_rss_bytes", 1);
  const auto pss = in.numbers<std::int64_t>("/memory/pss_bytes", 1);
  if (peak.size() != pss.size())
    throw hdf5::LayoutError("dataset '/memory/pss_bytes' has " + std::to_string(pss.size()) + " rows; expected " +
                                std::to_string(peak.size()) + " as '/memory/peak_rss_bytes'",
                            false);
  for (std::size_t r = 0; r < peak.size(); ++r) m.ranks.push_back({peak[r], pss[r]});
  return m;
}

std::vector<StoredStrategyType> read_strategies(In& in) {
  const auto names = in.strings("/strategies/name", 1);
  const auto descriptions = in.strings("/strategies/description", 1);
  const auto counts = in.numbers<std::int32_t>("/strategies/param_count", 1);
  std::vector<hsize_t> d;
  const auto param_names = in.strings("/strategies/param_names", 2, &d);
  const auto param_kinds = in.strings("/strategies/param_kind", 2);
  const auto width = static_cast<std::size_t>(d[1]);
  // Files written before file strategies have no sources.
  const auto optional = [&](const char* name) {
    const std::string path = std::string("/strategies/") + name;
    return in.exists(path) ? in.strings(path, 1) : std::vector<std::string>{};
  };
  const auto sources = optional("source"), hashes = optional("source_sha256"), files = optional("source_file");
  const auto at = [](const std::vector<std::string>& texts, std::size_t t) { return t < texts.size() ? texts[t] : ""; };
  std::vector<StoredStrategyType> types;
  for (std::size_t t = 0; t < names.size(); ++t) {
    StoredStrategyType type{names[t], t < descriptions.size() ? descriptions[t] : "", {}, {},
                            at(sources, t), at(hashes, t), at(files, t)};
    const std::int32_t stored = t < counts.size() ? std::max(counts[t], 0) : 0;
    const auto count = std::min(static_cast<std::size_t>(stored), width);
    for (std::size_t p = 0; p < count && (t * width + p) < param_names.size(); ++p) {
      type.param_names.push_back(param_names[t * width + p]);
      type.param_kinds.push_back(t * width + p < param_kinds.size() ? param_kinds[t * width + p] : "");
    }
    types.push_back(std::move(type));
  }
  return types;
}

GenerationColumns read_generations(In& in) {
  GenerationColumns g;
  const auto ints = [&](const char* name) { return in.numbers<std::int32_t>(std::string("/generations/") + name, 1); };
  const auto reals = [&](const char* name) { return in.numbers<double>(std::string("/generations/") + name, 1); };
  g.generation = ints("generation");
  g.failed = ints("failed");
  g.infeasible = ints("infeasible");
  g.best_index = ints("best_index");
  g.evaluations = ints("evaluations");
  g.evaluated = ints("evaluated");
  g.cache_hits = ints("cache_hits");
  g.best = reals("best");
  g.mean = reals("mean");
  g.median = reals("median");
  g.std = reals("std");
  g.evaluate_seconds = reals("evaluate_seconds");
  g.communicate_seconds = reals("communicate_seconds");
  g.operator_seconds = reals("operator_seconds");
  g.imbalance = reals("imbalance");
  g.elapsed_seconds = reals("elapsed_seconds");
  // NOTE: an interrupted writer may leave columns of different lengths; keep the rows all have.
  const std::size_t n = std::min({g.generation.size(), g.failed.size(), g.infeasible.size(), g.best_index.size(),
                                  g.evaluations.size(), g.best.size(), g.mean.size(), g.median.size(), g.std.size(),
                                  g.evaluate_seconds.size(), g.communicate_seconds.size(),
                                  g.operator_seconds.size(), g.imbalance.size(), g.elapsed_seconds.size()});
  for (auto* column : {&g.generation, &g.failed, &g.infeasible, &g.best_index, &g.evaluations}) column->resize(n);
  for (auto* column : {&g.best, &g.mean, &g.median, &g.std, &g.evaluate_seconds, &g.communicate_seconds,
                       &g.operator_seconds, &g.imbalance, &g.elapsed_seconds})
    column->resize(n);
  return g;
}

void read_best(In& in, RunResults& r) {
  const auto rank = in.numbers<std::int32_t>("/best/rank", 1);
  const auto strategy = in.numbers<std::int32_t>("/best/strategy", 1);
  const auto names = in.strings("/best/strategy_name", 1);
  std::vector<hsize_t> d;
  const auto params = in.numbers<double>("/best/params", 2, &d);
  const auto width = static_cast<std::size_t>(d[1]);
  const auto fitness = in.numbers<double>("/best/fitness", 1);
  const auto generation = in.numbers<std::int32_t>("/best/generation", 1);
  const auto status = in.numbers<std::int32_t>("/best/status", 1);
  r.best_metrics = metric_table(in, "/best/metrics");
  std::vector<hsize_t> e;
  const auto equity = in.numbers<double>("/best/equity", 2, &e);
  const std::size_t k = rank.size();
  for (const std::size_t n : {strategy.size(), names.size(), fitness.size(), generation.size(), status.size(),
                              r.best_metrics.rows, static_cast<std::size_t>(d[0]), static_cast<std::size_t>(e[0])})
    if (n != k)
      throw IoError(r.path.string() + ": the datasets of /best differ in length (" + std::to_string(k) + " ranks, " +
                    std::to_string(n) + " rows in another)");
  const auto bars = static_cast<std::size_t>(e[1]);
  const std::vector<double> raw_fitness = in.exists("/best/raw_fitness") ? in.numbers_shaped<double>("/best/raw_fitness", {k})
                                                                          : std::vector<double>{};
  const std::vector<double> exits = in.exists("/best/exits")
                                        ? in.numbers_shaped<double>("/best/exits", {k, kExitGenes})
                                        : std::vector<double>{};
  for (std::size_t i = 0; i < k; ++i) {
    StoredStrategy s;
    if (!exits.empty())
      s.exits.assign(exits.begin() + static_cast<std::ptrdiff_t>(i * kExitGenes),
                     exits.begin() + static_cast<std::ptrdiff_t>((i + 1) * kExitGenes));
    s.rank = rank[i];
    s.strategy = strategy[i];
    s.name = names[i];
    if (s.strategy >= 0 && static_cast<std::size_t>(s.strategy) < r.strategies.size())
      s.param_names = r.strategies[static_cast<std::size_t>(s.strategy)].param_names;
    for (std::size_t p = 0; p < kMaxParams && p < width; ++p) s.params[p] = params[i * width + p];
    s.fitness = fitness[i];
    if (!raw_fitness.empty()) s.raw_fitness = raw_fitness[i];
    s.generation = generation[i];
    s.status = status[i];
    s.equity.assign(equity.begin() + static_cast<std::ptrdiff_t>(i * bars),
                    equity.begin() + static_cast<std::ptrdiff_t>((i + 1) * bars));
    r.best.push_back(std::move(s));
  }
}

TradeColumns read_trades(In& in, const RunResults& r) {
  TradeColumns t;
  const auto ints = [&](const char* name) { return in.numbers<std::int32_t>(std::string("/best/trades/") + name, 1); };
  const auto longs = [&](const char* name) { return in.numbers<std::int64_t>(std::string("/best/trades/") + name, 1); };
  const auto reals = [&](const char* name) { return in.numbers<double>(std::string("/best/trades/") + name, 1); };
  t.rank = ints("rank");
  t.symbol = ints("symbol");
  t.direction = ints("direction");
  t.exit_reason = ints("exit_reason");
  t.reason_names = in.texts(in.dataset("/best/trades/exit_reason"), "names");
  t.entry_bar = longs("entry_bar");
  t.exit_bar = longs("exit_bar");
  t.entry_time = longs("entry_time");
  t.exit_time = longs("exit_time");
  t.bars_held = longs("bars_held");
  t.size = reals("size");
  t.entry_price = reals("entry_price");
  t.exit_price = reals("exit_price");
  t.returns = reals("return");
  const std::size_t n = t.rank.size();
  for (const std::size_t m : {t.symbol.size(), t.direction.size(), t.exit_reason.size(), t.entry_bar.size(),
                              t.exit_bar.size(), t.entry_time.size(), t.exit_time.size(), t.bars_held.size(),
                              t.size.size(), t.entry_price.size(), t.exit_price.size(), t.returns.size()})
    if (m != n)
      throw IoError(r.path.string() + ": the datasets of /best/trades differ in length (" + std::to_string(n) +
                    " ranks, " + std::to_string(m) + " rows in another)");
  for (std::size_t i = 0; i < n; ++i) {
    if (t.rank[i] < 1 || static_cast<std::size_t>(t.rank[i]) > r.best.size() || t.symbol[i] < 0 ||
        static_cast<std::size_t>(t.symbol[i]) >= r.data.symbols.size() || t.exit_reason[i] < 0 ||
        static_cast<std::size_t>(t.exit_reason[i]) >= t.reason_names.size())
      throw IoError(r.path.string() + ": /best/trades row " + std::to_string(i) +
                    ": rank, symbol or exit_reason outside /best, /data/symbols or the reasons' names");
  }
  return t;
}

// A scalar attribute as text: strings as they are, numbers shortest, booleans true/false; nullopt otherwise.
std::optional<std::string> attribute_text(const H5::Attribute& a) {
  if (a.getSpace().getSimpleExtentNdims() != 0) return std::nullopt;
  switch (a.getTypeClass()) {
    case H5T_STRING: {
      std::string value;
      a.read(a.getStrType(), value);
      return value;
    }
    case H5T_INTEGER: {
      std::int64_t value = 0;
      a.read(H5::PredType::NATIVE_INT64, &value);
      return std::to_string(value);
    }
    case H5T_FLOAT: {
      double value = 0;
      a.read(H5::PredType::NATIVE_DOUBLE, &value);
      return shortest(value);
    }
    case H5T_ENUM: return In::flag(a) ? "true" : "false";
    default: return std::nullopt;
  }
}

OptionalGroup read_optional_group(In& in, const std::string& path) {
  OptionalGroup g;
  g.path = path;
  const H5::Group group = in.group(path);
  for (int i = 0; i < group.getNumAttrs(); ++i) {
    const H5::Attribute a = group.openAttribute(static_cast<unsigned>(i));
    in.where() = "attribute '" + a.getName() + "' of '" + path + "'";
    if (auto text = attribute_text(a)) g.attributes.emplace_back(a.getName(), *text);
  }
  // Tables only when they follow the /best/metrics convention; other layouts are left to their readers.
  const auto is_table = [](const H5::DataSet& set) {
    const auto d = In::dims(set);
    return d.size() == 2 && set.getTypeClass() == H5T_FLOAT && set.attrExists("columns") &&
           In::texts(set.openAttribute("columns")).size() == d[1];
  };
  for (hsize_t i = 0; i < group.getNumObjs(); ++i) {
    const std::string name = group.getObjnameByIdx(i);
    const std::string child = path + "/" + name;
    const H5G_obj_t type = group.getObjTypeByIdx(i);
    if (type == H5G_GROUP) {
      g.groups.push_back(read_optional_group(in, child));
    } else if (type == H5G_DATASET && name != "metrics" && is_table(in.dataset(child))) {
      g.tables.emplace_back(name, metric_table(in, child));
    }
  }
  const std::string metrics = path + "/metrics";
  if (in.exists(metrics)) {
    const H5::DataSet set = in.dataset(metrics);
    const auto d = In::dims(set);
    if (is_table(set)) {
      g.metrics = metric_table(in, metrics);
      const std::string ranks = path + "/rank";
      if (in.exists(ranks)) {
        const H5::DataSet rank_set = in.dataset(ranks);
        const auto rd = In::dims(rank_set);
        if (rd.size() == 1 && rd[0] == d[0] && rank_set.getTypeClass() == H5T_INTEGER)
          g.ranks = in.numbers<std::int32_t>(ranks, 1);
      }
    }
  }
  return g;
}

StoredFoldMetrics read_fold_metrics(In& in) {
  const std::string base = "/validation/walk_forward/";
  StoredFoldMetrics m;
  std::vector<hsize_t> d;
  m.values = in.numbers<double>(base + "best_metrics", 3, &d);
  m.strategies = static_cast<std::size_t>(d[0]);
  m.folds = static_cast<std::size_t>(d[1]);
  m.columns = in.texts(in.dataset(base + "best_metrics"), "columns");
  if (m.columns.size() != d[2])
    throw hdf5::LayoutError("attribute 'columns' of '" + base + "best_metrics' names " +
                                std::to_string(m.columns.size()) + " columns; the dataset has " + std::to_string(d[2]),
                            false);
  m.status = in.numbers_shaped<std::int32_t>(base + "best_status", {d[0], d[1]});
  m.windows = in.numbers_shaped<std::int64_t>(base + "windows", {d[1], 4});
  return m;
}

}  // namespace

std::optional<std::size_t> MetricTable::column(std::string_view name) const {
  const auto it = std::find(columns.begin(), columns.end(), name);
  if (it == columns.end()) return std::nullopt;
  return static_cast<std::size_t>(it - columns.begin());
}

double MetricTable::at(std::size_t row, std::string_view name) const {
  const auto c = column(name);
  if (!c || row >= rows) return std::numeric_limits<double>::quiet_NaN();
  return values[row * columns.size() + *c];
}

struct ResultsReader::File {
  H5::H5File h5;
};

ResultsReader::ResultsReader(std::filesystem::path path) : path_(std::move(path)) {
  hdf5::quiet();
  const std::string name = path_.string();
  check_input_file(path_, "a results file such as run.h5");
  try {
    if (!H5::H5File::isHdf5(name))
      throw IoError(name + ": not an HDF5 file; expected a genepool results file (written by genepool evolve --out)");
    try {
      file_ = std::make_unique<File>(File{hdf5::open_read(path_)});
    } catch (const H5::Exception& e) {
      throw IoError(name + ": cannot open: damaged or truncated HDF5 file (" + hdf5::describe(e) + ")");
    }
  } catch (const H5::Exception& e) {
    throw hdf5::read_error(e, path_, "file");
  }
  In in(file_->h5);
  try {
    const H5::Group root = in.group("/");
    const std::string not_ours = name + ": not a genepool results file (";
    if (!root.attrExists("format"))
      throw IoError(not_ours + "no root attribute 'format'; expected format = \"" + kFormat + "\")");
    if (root.openAttribute("format").getTypeClass() != H5T_STRING)
      throw IoError(not_ours + "its root attribute 'format' is not a string; expected \"" + kFormat + "\")");
    if (const std::string value = in.text(root, "format"); value != kFormat)
      throw IoError(not_ours + "root attribute format = \"" + value + "\"; expected \"" + kFormat + "\")");
    const auto version = in.number<std::int32_t>(root, "format_version");
    if (version != kReadableVersion)
      throw IoError(name + ": results format_version " + std::to_string(version) + " is not one this genepool reads (" +
                    std::to_string(kReadableVersion) + "); " +
                    (version > kReadableVersion ? "use a newer genepool" : "use the genepool that wrote it"));
  } catch (const H5::Exception& e) {
    throw hdf5::read_error(e, path_, in.where());
  } catch (const hdf5::LayoutError& e) {
    throw layout_error(e, path_);
  }
}

ResultsReader::~ResultsReader() = default;

RunResults ResultsReader::read() const {
  RunResults r;
  r.path = path_;
  In in(file_->h5);
  try {
    r.provenance = read_provenance(in);
    r.config_text = in.scalar_text("/config");
    r.config = read_config(in);
    r.inputs = read_inputs(in);
    r.data = read_data(in);
    r.strategies = read_strategies(in);
    r.generations = read_generations(in);
    r.status_names = in.texts(in.dataset("/individuals/status"), "names");
    r.status_counts.assign(r.status_names.size(), 0);
    for (const std::int32_t code : in.numbers<std::int32_t>("/individuals/status", 1)) {
      if (code < 0) continue;
      const auto c = static_cast<std::size_t>(code);
      if (c >= r.status_counts.size()) r.status_counts.resize(c + 1, 0);
      ++r.status_counts[c];
    }
    if (in.exists("/best")) {
      read_best(in, r);
      const H5::Group best = in.group("/best");
      if (in.has_attribute(best, "selection")) r.best_selection = in.text(best, "selection");
    }
    if (in.exists("/best/trades")) r.trades = read_trades(in, r);
    if (in.exists("/pareto/objectives")) {
      StoredPareto p;
      p.index = in.numbers<std::int32_t>("/pareto/index", 1);
      p.objectives = metric_table(in, "/pareto/objectives");
      p.knee = in.number<std::int64_t>(in.group("/pareto"), "knee");
      if (p.objectives.rows != p.index.size() || p.knee < 0 || static_cast<std::size_t>(p.knee) >= p.index.size())
        throw IoError(r.path.string() + ": /pareto: " + std::to_string(p.index.size()) + " members, " +
                      std::to_string(p.objectives.rows) + " rows of objectives, knee " + std::to_string(p.knee));
      r.pareto = std::move(p);
    }
    if (in.exists("/summary")) {
      const H5::Group group = in.group("/summary");
      r.summary = StoredSummary{in.number<std::int64_t>(group, "generations"),
                                in.number<std::int64_t>(group, "evaluations_total"),
                                in.number<std::int64_t>(group, "evaluated_total"),
                                in.number<std::int64_t>(group, "cache_hits_total"),
                                in.number<std::int64_t>(group, "failed_total"),
                                in.number<double>(group, "wall_seconds")};
    }
    if (in.exists("/validation")) r.validation = read_optional_group(in, "/validation");
    if (in.exists("/validation/walk_forward/best_metrics")) r.fold_metrics = read_fold_metrics(in);
    if (in.exists("/memory")) r.memory = read_memory(in);
  } catch (const H5::Exception& e) {
    throw hdf5::read_error(e, path_, in.where());
  } catch (const hdf5::LayoutError& e) {
    throw layout_error(e, path_);
  }
  return r;
}

std::size_t ResultsReader::individual_count(bool final_only) const {
  In in(file_->h5);
  try {
    const std::string path = final_only ? "/population/generation" : "/individuals/generation";
    return static_cast<std::size_t>(in.shape(in.dataset(path, H5T_INTEGER), 1)[0]);
  } catch (const H5::Exception& e) {
    throw hdf5::read_error(e, path_, in.where());
  } catch (const hdf5::LayoutError& e) {
    throw layout_error(e, path_);
  }
}

IndividualRows ResultsReader::individuals(std::size_t first, std::size_t count, bool final_only) const {
  const std::size_t total = individual_count(final_only);
  first = std::min(first, total);
  count = std::min(count, total - first);
  const std::string table = final_only ? "/population/" : "/individuals/";
  In in(file_->h5);
  IndividualRows rows;
  try {
    rows.generation = in.rows<std::int32_t>(table + "generation", first, count, 0);
    rows.index = in.rows<std::int32_t>(table + "index", first, count, 0);
    rows.strategy = in.rows<std::int32_t>(table + "strategy", first, count, 0);
    rows.status = in.rows<std::int32_t>(table + "status", first, count, 0);
    rows.params = in.rows<double>(table + "params", first, count, kMaxParams);
    if (in.exists(table + "exits")) rows.exits = in.rows<double>(table + "exits", first, count, kExitGenes);
    rows.fitness = in.rows<double>(table + "fitness", first, count, 0);
    rows.metrics.columns = in.texts(in.dataset(table + "metrics"), "columns");
    rows.metrics.rows = count;
    rows.metrics.values = in.rows<double>(table + "metrics", first, count, rows.metrics.columns.size());
  } catch (const H5::Exception& e) {
    throw hdf5::read_error(e, path_, in.where());
  } catch (const hdf5::LayoutError& e) {
    throw layout_error(e, path_);
  }
  return rows;
}

}  // namespace genepool
