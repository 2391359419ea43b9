#include "genepool/results/strategy_spec.hpp"

#include <cmath>
#include <map>
#include <sstream>

#include "genepool/error.hpp"
#include "genepool/io/json_reader.hpp"
#include "genepool/strategies/strategy.hpp"
#include "genepool/io/json_writer.hpp"

namespace genepool::app {
namespace {

std::string status_name(const RunResults& r, std::int32_t code) {
  const auto index = static_cast<std::size_t>(code);
  if (code >= 0 && index < r.status_names.size()) return r.status_names[index];
  return std::to_string(code);
}

// Reads members of the spec, naming the file, the line and the member in every error.
class SpecReader {
 public:
  explicit SpecReader(std::string file) : file_(std::move(file)) {}

  [[noreturn]] void fail(const JsonValue& value, const std::string& where, const std::string& what) const {
    throw ConfigError(file_ + ":" + std::to_string(value.line()) + ":" + std::to_string(value.column()) + ": " +
                      (where.empty() ? "" : where + ": ") + what);
  }

  const JsonValue& member(const JsonValue& object, const std::string& where, const char* key) const {
    if (!object.is_object()) fail(object, where, "expected an object");
    const JsonValue* value = object.find(key);
    if (value == nullptr) fail(object, where, std::string("missing member \"") + key + "\"");
    return *value;
  }

  const JsonValue& object(const JsonValue& parent, const std::string& where, const char* key) const {
    const JsonValue& value = member(parent, where, key);
    if (!value.is_object()) fail(value, join(where, key), "expected an object");
    return value;
  }

  const std::vector<JsonValue>& array(const JsonValue& parent, const std::string& where, const char* key) const {
    const JsonValue& value = member(parent, where, key);
    if (!value.is_array()) fail(value, join(where, key), "expected an array");
    return value.as_array();
  }

  std::string text(const JsonValue& parent, const std::string& where, const char* key) const {
    const JsonValue& value = member(parent, where, key);
    if (!value.is_string()) fail(value, join(where, key), "expected a string");
    return value.as_string();
  }

  double number(const JsonValue& parent, const std::string& where, const char* key) const {
    const JsonValue& value = member(parent, where, key);
    if (!value.is_number()) fail(value, join(where, key), "expected a number");
    return value.as_number();
  }

  std::int64_t integer(const JsonValue& parent, const std::string& where, const char* key) const {
    const double value = number(parent, where, key);
    if (value != std::floor(value) || std::fabs(value) > 9.007199254740992e15)
      fail(member(parent, where, key), join(where, key), "expected an integer");
    return static_cast<std::int64_t>(value);
  }

  bool flag(const JsonValue& parent, const std::string& where, const char* key) const {
    const JsonValue& value = member(parent, where, key);
    if (!value.is_bool()) fail(value, join(where, key), "expected true or false");
    return value.as_bool();
  }

  static std::string join(const std::string& where, const std::string& key) {
    return where.empty() ? key : where + "." + key;
  }

 private:
  std::string file_;
};

SpecStrategy read_strategy(const SpecReader& in, const JsonValue& item, const std::string& where) {
  SpecStrategy s;
  s.rank = in.integer(item, where, "rank");
  const std::string name = in.text(item, where, "strategy");
  const std::string params_at = SpecReader::join(where, "params");
  const JsonValue& params = in.object(item, where, "params");
  std::map<std::string, double> values;
  for (const auto& [key, value] : params.as_object()) {
    if (!value.is_number()) in.fail(value, SpecReader::join(params_at, key), "expected a number");
    values.emplace(key, value.as_number());
  }
  const StrategyType* type = nullptr;
  try {
    type = &strategy_registry()[strategy_id(name)];
  } catch (const ConfigError& error) {
    in.fail(in.member(item, where, "strategy"), SpecReader::join(where, "strategy"), error.what());
  }
  try {
    s.genome = make_genome(name, values);
  } catch (const ConfigError& error) {
    in.fail(params, params_at, error.what());
  }
  for (const ParamSpec& spec : type->params)
    if (values.count(spec.name) == 0) in.fail(params, params_at, "missing parameter \"" + spec.name + "\" of " + type->name);

  const std::string execution_at = SpecReader::join(where, "execution");
  const JsonValue& execution = in.object(item, where, "execution");
  s.execution.execution = parse_execution(in.text(execution, execution_at, "execution"), execution_at + ".execution");
  s.execution.cost = in.number(execution, execution_at, "cost");
  s.execution.allow_short = in.flag(execution, execution_at, "allow_short");
  s.execution.bars_per_year = in.number(execution, execution_at, "bars_per_year");
  if (!(s.execution.cost >= 0 && s.execution.cost < 1))
    in.fail(execution, execution_at + ".cost", "expected a cost in [0, 1)");
  if (!(s.execution.bars_per_year >= 0)) in.fail(execution, execution_at + ".bars_per_year", "expected a number >= 0");

  const std::string data_at = SpecReader::join(where, "data");
  const JsonValue& data = in.object(item, where, "data");
  const auto& inputs = in.array(data, data_at, "inputs");
  for (std::size_t i = 0; i < inputs.size(); ++i) {
    const std::string input_at = data_at + ".inputs[" + std::to_string(i) + "]";
    s.inputs.push_back({in.text(inputs[i], input_at, "path"), in.text(inputs[i], input_at, "sha256"),
                        static_cast<std::uint64_t>(in.integer(inputs[i], input_at, "bytes"))});
  }
  s.bars = in.integer(data, data_at, "bars");
  s.first_timestamp = in.integer(data, data_at, "first_timestamp");
  s.last_timestamp = in.integer(data, data_at, "last_timestamp");

  const std::string metrics_at = SpecReader::join(where, "metrics");
  for (const auto& [key, value] : in.object(item, where, "metrics").as_object()) {
    if (value.is_null()) {
      s.metrics.emplace_back(key, std::nullopt);
    } else if (value.is_number()) {
      s.metrics.emplace_back(key, value.as_number());
    } else {
      in.fail(value, SpecReader::join(metrics_at, key), "expected a number or null");
    }
  }
  return s;
}

}  // namespace

std::string indent_json(const std::string& compact) {
  std::string out;
  int depth = 0;
  bool in_string = false;
  bool escaped = false;
  const auto newline = [&] { out += '\n' + std::string(static_cast<std::size_t>(2 * depth), ' '); };
  for (std::size_t i = 0; i < compact.size(); ++i) {
    const char c = compact[i];
    const char next = i + 1 < compact.size() ? compact[i + 1] : '\0';
    out += c;
    if (in_string) {
      if (escaped) {
        escaped = false;
        continue;
      }
      if (c == '\\') escaped = true;
      if (c != '"') continue;
      in_string = false;  // a string value ends here
    } else if (c == '"') {
      in_string = true;
      continue;
    } else if (c == '{' || c == '[') {
      if (next == '}' || next == ']') continue;  // empty
      ++depth;
      newline();
      continue;
    } else if (c == ',') {
      newline();
      continue;
    } else if (c == ':') {
      out += ' ';
      continue;
    }
    // c ends a value: a closing bracket or quote, or the last character of a number or literal.
    if (next == '}' || next == ']') {
      --depth;
      newline();
    }
  }
  return out + '\n';
}

void write_run_source(JsonWriter& json, const RunResults& r) {
  const RunProvenance& p = r.provenance;
  json.key("results").value(r.path.string())
      .key("genepool_version").value(p.genepool_version)
      .key("git_revision").value(p.git_revision)
      .key("seed").value(static_cast<std::int64_t>(p.seed))
      .key("objective").value(r.config.objective)
      .key("start_time").value(p.start_time);
}

void write_strategy_entry(JsonWriter& json, const RunResults& r, std::size_t i, std::int64_t rank) {
  const StoredStrategy& s = r.best[i];
  const ExecutionSettings& e = r.config.execution;
  json.key("rank").value(rank).key("strategy").value(s.name).key("params").begin_object();
  for (std::size_t k = 0; k < s.param_names.size() && k < kMaxParams; ++k) json.key(s.param_names[k]).value(s.params[k]);
  json.end_object();
  json.key("execution").begin_object()
      .key("execution").value(to_string(e.execution))
      .key("cost").value(e.cost)
      .key("allow_short").value(e.allow_short)
      .key("bars_per_year").value(e.bars_per_year)
      .end_object();
  json.key("data").begin_object().key("inputs").begin_array();
  for (const InputFile& input : r.inputs)
    json.begin_object().key("path").value(input.path).key("sha256").value(input.sha256)
        .key("bytes").value(static_cast<std::int64_t>(input.bytes)).end_object();
  json.end_array().key("symbols").begin_array();
  for (const auto& symbol : r.data.symbols) json.value(symbol);
  json.end_array()
      .key("bars").value(static_cast<std::int64_t>(r.data.timestamps.size()))
      .key("first_timestamp").value(r.data.timestamps.empty() ? std::int64_t{0} : r.data.timestamps.front())
      .key("last_timestamp").value(r.data.timestamps.empty() ? std::int64_t{0} : r.data.timestamps.back())
      .key("first").value(r.data.first_timestamp_iso)
      .key("last").value(r.data.last_timestamp_iso)
      .end_object();
  json.key("fitness").value(s.fitness).key("generation").value(std::int64_t{s.generation})
      .key("status").value(status_name(r, s.status)).key("metrics").begin_object();
  const MetricTable& m = r.best_metrics;
  for (std::size_t c = 0; c < m.columns.size(); ++c) json.key(m.columns[c]).value(m.values[i * m.columns.size() + c]);
  json.end_object();
}

void write_strategy_spec(std::ostream& out, const RunResults& r, std::size_t count) {
  std::ostringstream compact;
  JsonWriter json(compact);
  json.begin_object().key("format").value(kSpecFormat).key("format_version").value(kSpecFormatVersion);
  json.key("source").begin_object();
  write_run_source(json, r);
  json.end_object();
  json.key("strategies").begin_array();
  for (std::size_t i = 0; i < count && i < r.best.size(); ++i) {
    json.begin_object();
    write_strategy_entry(json, r, i, std::int64_t{r.best[i].rank});
    json.end_object();
  }
  json.end_array().end_object();
  out << indent_json(compact.str());
}

std::vector<SpecStrategy> read_strategy_spec(const std::filesystem::path& path) {
  const JsonValue root = read_json_file(path);
  const SpecReader in(path.string());
  const std::string format = in.text(root, "", "format");
  if (format != kSpecFormat)
    in.fail(root.find("format") != nullptr ? *root.find("format") : root, "format",
            "is \"" + format + "\"; expected \"" + kSpecFormat + "\" (a file written by genepool export --out)");
  const std::int64_t version = in.integer(root, "", "format_version");
  if (version > kSpecFormatVersion || version < 1)
    in.fail(*root.find("format_version"), "format_version",
            std::to_string(version) + " is not a version this genepool reads (1 .. " +
                std::to_string(kSpecFormatVersion) + ")");
  const auto& items = in.array(root, "", "strategies");
  if (items.empty()) in.fail(root, "strategies", "the spec lists no strategy");
  std::vector<SpecStrategy> strategies;
  for (std::size_t i = 0; i < items.size(); ++i)
    strategies.push_back(read_strategy(in, items[i], "strategies[" + std::to_string(i) + "]"));
  return strategies;
}

}  // namespace genepool::app
