#include "genepool/results/strategy_spec.hpp"

#include <algorithm>
#include <cmath>
#include <map>
#include <optional>

#include "genepool/data/timestamp.hpp"
#include "genepool/error.hpp"
#include "genepool/number_text.hpp"
#include "genepool/results/exit_gene_rows.hpp"
#include "genepool/io/fingerprint.hpp"
#include "genepool/strategies/strategy.hpp"

namespace genepool::app {
namespace {

std::string status_name(const RunResults& r, std::int32_t code) {
  const auto index = static_cast<std::size_t>(code);
  if (code >= 0 && index < r.status_names.size()) return r.status_names[index];
  return std::to_string(code);
}

// Reads members of the spec, naming the file and the member in every error.
class SpecReader {
 public:
  explicit SpecReader(std::string file) : file_(std::move(file)) {}

  [[noreturn]] void fail(const std::string& where, const std::string& what) const {
    throw ConfigError(file_ + ": " + (where.empty() ? "" : where + ": ") + what);
  }

  const Json& member(const Json& object, const std::string& where, const char* key) const {
    if (!object.is_object()) fail(where, "expected an object");
    const auto value = object.find(key);
    if (value == object.end()) fail(where, std::string("missing member \"") + key + "\"");
    return *value;
  }

  const Json& object(const Json& parent, const std::string& where, const char* key) const {
    const Json& value = member(parent, where, key);
    if (!value.is_object()) fail(join(where, key), "expected an object");
    return value;
  }

  const Json& array(const Json& parent, const std::string& where, const char* key) const {
    const Json& value = member(parent, where, key);
    if (!value.is_array()) fail(join(where, key), "expected an array");
    return value;
  }

  std::string text(const Json& parent, const std::string& where, const char* key) const {
    const Json& value = member(parent, where, key);
    if (!value.is_string()) fail(join(where, key), "expected a string");
    return value.get<std::string>();
  }

  double number(const Json& parent, const std::string& where, const char* key) const {
    const Json& value = member(parent, where, key);
    if (!value.is_number()) fail(join(where, key), "expected a number");
    return value.get<double>();
  }

  std::int64_t integer(const Json& parent, const std::string& where, const char* key) const {
    const double value = number(parent, where, key);
    if (value != std::floor(value) || std::fabs(value) > 9.007199254740992e15)
      fail(join(where, key), "expected an integer");
    return static_cast<std::int64_t>(value);
  }

  bool flag(const Json& parent, const std::string& where, const char* key) const {
    const Json& value = member(parent, where, key);
    if (!value.is_boolean()) fail(join(where, key), "expected true or false");
    return value.get<bool>();
  }

  static std::string join(const std::string& where, const std::string& key) {
    return where.empty() ? key : where + "." + key;
  }

 private:
  std::string file_;
};

SpecStrategy read_strategy(const SpecReader& in, const Json& item, const std::string& where,
                           const DefineFileStrategy& define) {
  SpecStrategy s;
  s.rank = in.integer(item, where, "rank");
  const std::string name = in.text(item, where, "strategy");
  if (item.is_object() && item.contains("source")) {
    const std::string source = in.text(item, where, "source");
    const std::string sha256 = in.text(item, where, "source_sha256");
    if (sha256 != sha256_hex(std::as_bytes(std::span(source.data(), source.size()))))
      in.fail(SpecReader::join(where, "source_sha256"), "does not match the SHA-256 of source (the spec was edited?)");
    try {
      define(name, source);
    } catch (const ConfigError& error) {
      in.fail(SpecReader::join(where, "source"), error.what());
    }
  }
  const std::string params_at = SpecReader::join(where, "params");
  const Json& params = in.object(item, where, "params");
  std::map<std::string, double> values;
  for (const auto& [key, value] : params.items()) {
    if (!value.is_number()) in.fail(SpecReader::join(params_at, key), "expected a number");
    values.emplace(key, value.get<double>());
  }
  const StrategyType* type = nullptr;
  try {
    type = &strategy_registry()[strategy_id(name)];
  } catch (const ConfigError& error) {
    in.fail(SpecReader::join(where, "strategy"), error.what());
  }
  try {
    s.genome = make_genome(name, values);
  } catch (const ConfigError& error) {
    in.fail(params_at, error.what());
  }
  for (const ParamSpec& spec : type->params)
    if (values.count(spec.name) == 0) in.fail(params_at, "missing parameter \"" + spec.name + "\" of " + type->name);

  const std::string execution_at = SpecReader::join(where, "execution");
  const Json& execution = in.object(item, where, "execution");
  s.execution.execution = parse_execution(in.text(execution, execution_at, "execution"), execution_at + ".execution");
  s.execution.cost = in.number(execution, execution_at, "cost");
  s.execution.allow_short = in.flag(execution, execution_at, "allow_short");
  s.execution.bars_per_year = in.number(execution, execution_at, "bars_per_year");
  // The command line's ranges: a spec holds what a run could have been given.
  if (!(s.execution.cost >= 0 && s.execution.cost <= kMaxCost))
    in.fail(execution_at + ".cost", plain_shortest(s.execution.cost) + " is outside [0, " + plain_shortest(kMaxCost) + "]");
  if (!(s.execution.bars_per_year >= 0 && s.execution.bars_per_year <= kMaxBarsPerYear))
    in.fail(execution_at + ".bars_per_year", plain_shortest(s.execution.bars_per_year) + " is outside [0, " +
                                                 plain_shortest(kMaxBarsPerYear) + "] (0: inferred)");
  if (execution.contains("exits")) {  // specs written before exits and sizing have none
    const std::string exits_at = SpecReader::join(execution_at, "exits");
    const Json& given = in.object(execution, execution_at, "exits");
    ExitRules& exits = s.execution.exits;
    exits.stop_loss = in.number(given, exits_at, "stop-loss");
    exits.take_profit = in.number(given, exits_at, "take-profit");
    exits.trailing_stop = in.number(given, exits_at, "trailing-stop");
    exits.max_bars = in.number(given, exits_at, "max-bars");
    try {
      exits.sizing = parse_sizing(in.text(given, exits_at, "sizing"), "sizing");
    } catch (const ConfigError& error) {
      in.fail(exits_at, error.what());
    }
    exits.target_vol = in.number(given, exits_at, "target-vol");
    exits.vol_window = in.number(given, exits_at, "vol-window");
    exits.leverage_cap = in.number(given, exits_at, "leverage-cap");
    try {
      check_exit_rules(exits);
    } catch (const ConfigError& error) {
      in.fail(exits_at, error.what());
    }
  }

  const std::string data_at = SpecReader::join(where, "data");
  const Json& data = in.object(item, where, "data");
  const Json& inputs = in.array(data, data_at, "inputs");
  for (std::size_t i = 0; i < inputs.size(); ++i) {
    const std::string input_at = data_at + ".inputs[" + std::to_string(i) + "]";
    s.inputs.push_back({in.text(inputs[i], input_at, "path"), in.text(inputs[i], input_at, "sha256"),
                        static_cast<std::uint64_t>(in.integer(inputs[i], input_at, "bytes"))});
  }
  s.bars = in.integer(data, data_at, "bars");
  s.first_timestamp = in.integer(data, data_at, "first_timestamp");
  s.last_timestamp = in.integer(data, data_at, "last_timestamp");
  if (data.contains("align")) {  // specs written before union panels and windows have neither
    s.align = in.text(data, data_at, "align");
    s.max_gap = in.integer(data, data_at, "max_gap");
  }
  // Members added after version 1's first files: absent in older specs, which replay as before.
  if (data.contains("window")) {
    const std::string window_at = SpecReader::join(data_at, "window");
    const Json& window = in.object(data, data_at, "window");
    if (window.contains("start")) {  // the run's --start/--end
      s.window_start = in.text(window, window_at, "start");
      s.window_end = in.text(window, window_at, "end");
    }
    if (window.contains("metrics")) s.metrics_window = in.text(window, window_at, "metrics");
    if (s.metrics_window != "all" && s.metrics_window != "train")
      in.fail(window_at + ".metrics", "is \"" + s.metrics_window + "\"; expected \"all\" or \"train\"");
    if (s.metrics_window == "train") {
      const auto bars_of = [&](const char* key) {
        const Json& pair = in.array(window, window_at, key);
        const std::string at = window_at + "." + key;
        if (pair.size() != 2 || !pair[0].is_number_integer() || !pair[1].is_number_integer() ||
            pair[0].get<std::int64_t>() < 0 || pair[1].get<std::int64_t>() <= pair[0].get<std::int64_t>() ||
            pair[1].get<std::int64_t>() > s.bars)
          in.fail(at, "expected [first bar, end bar) within the data's " + std::to_string(s.bars) + " bars");
        return BarWindow{static_cast<std::size_t>(pair[0].get<std::int64_t>()),
                         static_cast<std::size_t>(pair[1].get<std::int64_t>())};
      };
      s.train = bars_of("train");
      s.test = bars_of("test");
    }
  }
  if (execution.contains("bars_per_year_inferred"))
    s.bars_per_year_inferred = in.flag(execution, execution_at, "bars_per_year_inferred");
  if (item.contains("genepool_version")) s.genepool_version = in.text(item, where, "genepool_version");
  if (item.contains("metrics_out_of_sample")) {
    const std::string at = SpecReader::join(where, "metrics_out_of_sample");
    for (const auto& [key, value] : in.object(item, where, "metrics_out_of_sample").items()) {
      if (value.is_null()) {
        s.metrics_out_of_sample.emplace_back(key, std::nullopt);
      } else if (value.is_number()) {
        s.metrics_out_of_sample.emplace_back(key, value.get<double>());
      } else {
        in.fail(SpecReader::join(at, key), "expected a number or null");
      }
    }
  }

  const std::string metrics_at = SpecReader::join(where, "metrics");
  for (const auto& [key, value] : in.object(item, where, "metrics").items()) {
    if (value.is_null()) {
      s.metrics.emplace_back(key, std::nullopt);
    } else if (value.is_number()) {
      s.metrics.emplace_back(key, value.get<double>());
    } else {
      in.fail(SpecReader::join(metrics_at, key), "expected a number or null");
    }
  }
  return s;
}

}  // namespace

// The attribute `name` of /validation as text, or "".
std::string validation_attribute(const RunResults& r, std::string_view name) {
  if (!r.validation) return "";
  for (const auto& [key, value] : r.validation->attributes)
    if (key == name) return value;
  return "";
}

// The split's windows as bars [begin, end), when the run had one.
bool split_windows(const RunResults& r, std::int64_t (&bars)[4]) {
  const std::string split = validation_attribute(r, "split");
  if (split.empty() || split == "none" || !r.validation->metrics) return false;
  const char* names[] = {"train_begin", "train_end", "test_begin", "test_end"};
  for (int k = 0; k < 4; ++k) {
    const std::string text = validation_attribute(r, names[k]);
    if (text.empty()) return false;
    bars[k] = std::stoll(text);
  }
  return true;
}

namespace {

// /best row i on each walk-forward fold's test window: the fold, its windows (bars of the run's
// data) and the test window's first and last bar times, the status and the metrics.
Json fold_entries(const RunResults& r, std::size_t i) {
  const StoredFoldMetrics& m = *r.fold_metrics;
  const auto& t = r.data.timestamps;
  const auto time_of = [&](std::int64_t bar) {
    return bar >= 0 && static_cast<std::size_t>(bar) < t.size() ? t[static_cast<std::size_t>(bar)] : std::int64_t{0};
  };
  Json folds = Json::array();
  for (std::size_t f = 0; f < m.folds; ++f) {
    const std::int64_t* w = m.windows.data() + f * 4;
    Json metrics = Json::object();
    const double* values = m.values.data() + (i * m.folds + f) * m.columns.size();
    for (std::size_t c = 0; c < m.columns.size(); ++c) metrics[m.columns[c]] = values[c];
    const std::int64_t first = time_of(w[2]), last = time_of(w[3] - 1);
    folds.push_back({{"fold", static_cast<std::int64_t>(f + 1)},
                     {"train", {w[0], w[1]}},
                     {"test", {w[2], w[3]}},
                     {"first_timestamp", first},
                     {"last_timestamp", last},
                     {"test_period", format_timestamp(first) + " .. " + format_timestamp(last)},
                     {"status", status_name(r, m.status[i * m.folds + f])},
                     {"metrics", std::move(metrics)}});
  }
  return folds;
}

}  // namespace

Json run_source(const RunResults& r) {
  const RunProvenance& p = r.provenance;
  Json source;
  source["results"] = r.path.string();
  source["genepool_version"] = p.genepool_version;
  source["git_revision"] = p.git_revision;
  source["seed"] = static_cast<std::int64_t>(p.seed);
  source["objective"] = r.config.objective;
  source["start_time"] = p.start_time;
  return source;
}

Json strategy_entry(const RunResults& r, std::size_t i, std::int64_t rank) {
  const StoredStrategy& s = r.best[i];
  // The run's execution with the strategy's evolved exits and sizing in place: the spec replays it alone.
  ExecutionSettings e = r.config.execution;
  if (!s.exits.empty()) {
    Genome genes;
    set_exit_genes(genes, s.exits.data(), r.path.string() + ": /best/exits row " + std::to_string(i));
    e.exits = exit_rules_with(e.exits, genes);
  }
  Json entry;
  entry["rank"] = rank;
  entry["strategy"] = s.name;
  Json params = Json::object();
  for (std::size_t k = 0; k < s.param_names.size() && k < kMaxParams; ++k) params[s.param_names[k]] = s.params[k];
  entry["params"] = std::move(params);
  if (s.strategy >= 0 && static_cast<std::size_t>(s.strategy) < r.strategies.size()) {
    const StoredStrategyType& type = r.strategies[static_cast<std::size_t>(s.strategy)];
    if (!type.source.empty()) {
      entry["source"] = type.source;
      entry["source_sha256"] = type.source_sha256;
    }
  }
  entry["execution"] = {{"execution", to_string(e.execution)},
                        {"cost", e.cost},
                        {"allow_short", e.allow_short},
                        {"bars_per_year", e.bars_per_year},
                        {"exits",
                         {{"stop-loss", e.exits.stop_loss},
                          {"take-profit", e.exits.take_profit},
                          {"trailing-stop", e.exits.trailing_stop},
                          {"max-bars", e.exits.max_bars},
                          {"sizing", to_string(e.exits.sizing)},
                          {"target-vol", e.exits.target_vol},
                          {"vol-window", e.exits.vol_window},
                          {"leverage-cap", e.exits.leverage_cap}}}};
  Json inputs = Json::array();
  for (const InputFile& input : r.inputs)
    inputs.push_back(
        {{"path", input.path}, {"sha256", input.sha256}, {"bytes", static_cast<std::int64_t>(input.bytes)}});
  const auto& t = r.data.timestamps;
  entry["data"] = {{"inputs", inputs},
                   {"symbols", r.data.symbols},
                   {"bars", static_cast<std::int64_t>(t.size())},
                   {"first_timestamp", t.empty() ? std::int64_t{0} : t.front()},
                   {"last_timestamp", t.empty() ? std::int64_t{0} : t.back()},
                   {"first", r.data.first_timestamp_iso},
                   {"last", r.data.last_timestamp_iso}};
  if (!r.data.align.empty()) {
    entry["data"]["align"] = r.data.align;
    entry["data"]["max_gap"] = r.data.max_gap;
  }
  // Which bars the metrics cover: with a split, the training window's (and the test window's
  // out-of-sample metrics beside them); a replay uses the window its metrics belong to.
  std::int64_t windows[4] = {};
  const bool split = split_windows(r, windows);
  entry["data"]["window"] = split ? Json{{"metrics", "train"},
                                         {"train", {windows[0], windows[1]}},
                                         {"test", {windows[2], windows[3]}},
                                         {"train_period", validation_attribute(r, "train_period")},
                                         {"test_period", validation_attribute(r, "test_period")}}
                                  : Json{{"metrics", "all"}};
  if (!r.data.window_start_iso.empty()) {
    entry["data"]["window"]["start"] = r.data.window_start_iso;
    entry["data"]["window"]["end"] = r.data.window_end_iso;
  }
  entry["execution"]["bars_per_year_inferred"] = r.config.bars_per_year_inferred;
  entry["genepool_version"] = r.provenance.genepool_version;
  entry["fitness"] = s.fitness;
  entry["generation"] = std::int64_t{s.generation};
  entry["status"] = status_name(r, s.status);
  Json metrics = Json::object();
  const MetricTable& m = r.best_metrics;
  for (std::size_t c = 0; c < m.columns.size(); ++c) metrics[m.columns[c]] = m.values[i * m.columns.size() + c];
  entry["metrics"] = std::move(metrics);
  if (split) {
    const OptionalGroup& v = *r.validation;
    std::optional<std::size_t> row;
    if (v.ranks.empty()) {
      if (v.metrics->rows == r.best.size()) row = i;
    } else {
      const auto it = std::find(v.ranks.begin(), v.ranks.end(), s.rank);
      if (it != v.ranks.end()) row = static_cast<std::size_t>(it - v.ranks.begin());
    }
    if (row) {
      Json outside = Json::object();
      const MetricTable& o = *v.metrics;
      for (std::size_t c = 0; c < o.columns.size(); ++c) outside[o.columns[c]] = o.values[*row * o.columns.size() + c];
      entry["metrics_out_of_sample"] = std::move(outside);
    }
  }
  if (r.fold_metrics && i < r.fold_metrics->strategies) entry["metrics_per_fold"] = fold_entries(r, i);
  return entry;
}

std::string spec_text(const Json& spec) { return json_text(spec, 2) + '\n'; }

void write_strategy_spec(std::ostream& out, const RunResults& r, std::size_t count) {
  Json spec;
  spec["format"] = kSpecFormat;
  spec["format_version"] = kSpecFormatVersion;
  spec["source"] = run_source(r);
  Json strategies = Json::array();
  for (std::size_t i = 0; i < count && i < r.best.size(); ++i)
    strategies.push_back(strategy_entry(r, i, std::int64_t{r.best[i].rank}));
  spec["strategies"] = std::move(strategies);
  out << spec_text(spec);
}

std::vector<SpecStrategy> read_strategy_spec(const std::filesystem::path& path, const DefineFileStrategy& define) {
  const Json root = read_json_file(path);
  const SpecReader in(path.string());
  const std::string format = in.text(root, "", "format");
  if (format != kSpecFormat)
    in.fail("format",
            "is \"" + format + "\"; expected \"" + kSpecFormat + "\" (a file written by genepool export --out)");
  const std::int64_t version = in.integer(root, "", "format_version");
  if (version > kSpecFormatVersion || version < 1)
    in.fail("format_version", std::to_string(version) + " is not a version this genepool reads (1 .. " +
                                  std::to_string(kSpecFormatVersion) + ")");
  const Json& items = in.array(root, "", "strategies");
  if (items.empty()) in.fail("strategies", "the spec lists no strategy");
  std::vector<SpecStrategy> strategies;
  for (std::size_t i = 0; i < items.size(); ++i)
    strategies.push_back(read_strategy(in, items[i], "strategies[" + std::to_string(i) + "]", define));
  return strategies;
}

}  // namespace genepool::app
