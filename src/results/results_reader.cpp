// Reading a results file back. Layout and meaning of every object: docs/results-format.md.
#include "genepool/results/results_reader.hpp"

#include <H5Cpp.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <system_error>
#include <type_traits>

#include "genepool/error.hpp"
#include "genepool/number_text.hpp"
#include "genepool/io/hdf5_types.hpp"

namespace genepool {
namespace {

namespace fs = std::filesystem;

constexpr const char* kFormat = "genepool-results";
constexpr std::int32_t kReadableVersion = 1;  // the format_version results.cpp writes

// The C++ API prints an error stack on every exception unless told once not to.
void quiet_hdf5() {
  static const bool quiet = [] {
    H5::Exception::dontPrint();
    return true;
  }();
  (void)quiet;
}

using hdf5::memory_type;
using hdf5::text_type;

std::string type_class_name(H5T_class_t type) {
  switch (type) {
    case H5T_INTEGER: return "an integer";
    case H5T_FLOAT: return "a floating-point number";
    case H5T_STRING: return "a string";
    case H5T_ENUM: return "an enumeration";
    case H5T_COMPOUND: return "a compound";
    case H5T_ARRAY: return "an array";
    default: return "of HDF5 type class " + std::to_string(static_cast<int>(type));
  }
}

std::string shape_text(const std::vector<hsize_t>& dims) {
  std::string text = "(";
  for (std::size_t i = 0; i < dims.size(); ++i) text += (i ? ", " : "") + std::to_string(dims[i]);
  return text + ")";
}

// Reads objects of one open file, keeping `where` on the object at hand for error messages.
class In {
 public:
  In(const H5::H5File& file, const fs::path& path, std::string& where) : file_(file), name_(path.string()), where_(where) {}

  // Whether every component of an absolute path such as "/best/metrics" exists.
  bool exists(const std::string& path) const {
    if (path == "/") return true;
    for (std::size_t slash = path.find('/', 1);; slash = path.find('/', slash + 1)) {
      if (!file_.nameExists(path.substr(0, slash))) return false;
      if (slash == std::string::npos) return true;
    }
  }

  H5::Group group(const std::string& path) {
    where_ = "group '" + path + "'";
    if (!exists(path)) missing("group", path);
    return file_.openGroup(path);
  }

  H5::DataSet dataset(const std::string& path) {
    where_ = "dataset '" + path + "'";
    if (!exists(path)) missing("dataset", path);
    return file_.openDataSet(path);
  }

  std::vector<hsize_t> dims(const H5::DataSet& set) const {
    const H5::DataSpace space = set.getSpace();
    std::vector<hsize_t> d(static_cast<std::size_t>(space.getSimpleExtentNdims()));
    if (!d.empty()) space.getSimpleExtentDims(d.data());
    return d;
  }

  // The shape of `path`, checked to have `rank` dimensions.
  std::vector<hsize_t> shape(const H5::DataSet& set, const std::string& path, std::size_t rank) {
    std::vector<hsize_t> d = dims(set);
    if (d.size() != rank)
      throw IoError(name_ + ": dataset '" + path + "' has shape " + shape_text(d) + "; expected " +
                    std::to_string(rank) + " dimension(s) (docs/results-format.md)");
    return d;
  }

  // A whole numeric dataset, flattened row-major; `rank` is checked.
  template <class T>
  std::vector<T> numbers(const std::string& path, std::size_t rank, std::vector<hsize_t>* shape_out = nullptr) {
    const H5::DataSet set = dataset(path);
    const std::vector<hsize_t> d = shape(set, path, rank);
    std::size_t count = 1;
    for (hsize_t n : d) count *= static_cast<std::size_t>(n);
    std::vector<T> values(count);
    if (count > 0) set.read(values.data(), memory_type<T>());
    if (shape_out != nullptr) *shape_out = d;
    return values;
  }

  // A whole string dataset (variable-length UTF-8), flattened row-major.
  std::vector<std::string> strings(const std::string& path, std::size_t rank,
                                   std::vector<hsize_t>* shape_out = nullptr) {
    const H5::DataSet set = dataset(path);
    const std::vector<hsize_t> d = shape(set, path, rank);
    std::size_t count = 1;
    for (hsize_t n : d) count *= static_cast<std::size_t>(n);
    if (shape_out != nullptr) *shape_out = d;
    if (count == 0) return {};
    const H5::StrType type = text_type();
    std::vector<char*> pointers(count, nullptr);
    set.read(pointers.data(), type);
    std::vector<std::string> values(pointers.begin(), pointers.end());
    H5::DataSet::vlenReclaim(pointers.data(), type, set.getSpace());
    return values;
  }

  std::string scalar_text(const std::string& path) {
    const H5::DataSet set = dataset(path);
    std::string value;
    set.read(value, text_type());
    return value;
  }

  bool has_attribute(const H5::H5Object& object, const char* name) const { return object.attrExists(name); }

  H5::Attribute attribute(const H5::H5Object& object, const std::string& object_name, const char* name) {
    where_ = "attribute '" + std::string(name) + "' of '" + object_name + "'";
    if (!object.attrExists(name))
      throw IoError(name_ + ": missing attribute '" + name + "' of '" + object_name +
                    "' (the file does not follow docs/results-format.md)");
    return object.openAttribute(name);
  }

  std::string text(const H5::H5Object& object, const std::string& object_name, const char* name) {
    const H5::Attribute a = attribute(object, object_name, name);
    std::string value;
    a.read(a.getStrType(), value);
    return value;
  }

  std::vector<std::string> texts(const H5::H5Object& object, const std::string& object_name, const char* name) {
    const H5::Attribute a = attribute(object, object_name, name);
    return texts(a);
  }

  static std::vector<std::string> texts(const H5::Attribute& a) {
    const H5::DataSpace space = a.getSpace();
    const auto count = static_cast<std::size_t>(space.getSimpleExtentNpoints());
    if (count == 0) return {};
    const H5::StrType type = text_type();
    std::vector<char*> pointers(count, nullptr);
    a.read(type, pointers.data());
    std::vector<std::string> values(pointers.begin(), pointers.end());
    H5Dvlen_reclaim(type.getId(), space.getId(), H5P_DEFAULT, pointers.data());
    return values;
  }

  template <class T>
  T number(const H5::H5Object& object, const std::string& object_name, const char* name) {
    const H5::Attribute a = attribute(object, object_name, name);
    const H5T_class_t type = a.getTypeClass();
    const bool integral = std::is_integral_v<T>;
    if (type != H5T_INTEGER && (integral || type != H5T_FLOAT))
      throw IoError(name_ + ": attribute '" + name + "' of '" + object_name + "' is " + type_class_name(type) +
                    "; expected " + (integral ? "an integer" : "a number") + " (docs/results-format.md)");
    if (a.getSpace().getSimpleExtentNpoints() != 1)
      throw IoError(name_ + ": attribute '" + name + "' of '" + object_name + "' holds " +
                    std::to_string(a.getSpace().getSimpleExtentNpoints()) + " values; expected one");
    T value{};
    a.read(memory_type<T>(), &value);
    return value;
  }

  // A boolean: the enum {FALSE, TRUE} over int8 the writer uses, or any integer.
  bool flag(const H5::H5Object& object, const std::string& object_name, const char* name) {
    const H5::Attribute a = attribute(object, object_name, name);
    return flag(a);
  }

  static bool flag(const H5::Attribute& a) {
    if (a.getTypeClass() == H5T_ENUM && a.getDataType().getSize() == sizeof(std::int8_t)) {
      std::int8_t value = 0;
      a.read(a.getDataType(), &value);
      return value != 0;
    }
    std::int64_t value = 0;
    a.read(H5::PredType::NATIVE_INT64, &value);
    return value != 0;
  }

  // The `columns` attribute of a metrics dataset, checked against its width.
  MetricTable metric_table(const std::string& path) {
    MetricTable table;
    std::vector<hsize_t> d;
    table.values = numbers<double>(path, 2, &d);
    table.rows = static_cast<std::size_t>(d[0]);
    const H5::DataSet set = dataset(path);
    table.columns = texts(set, path, "columns");
    if (table.columns.size() != d[1])
      throw IoError(name_ + ": attribute 'columns' of '" + path + "' names " + std::to_string(table.columns.size()) +
                    " columns; the dataset has " + std::to_string(d[1]));
    return table;
  }

  // Rows [first, first + count) of a [rows] or [rows][width] dataset.
  template <class T>
  std::vector<T> rows(const std::string& path, std::size_t first, std::size_t count, std::size_t width) {
    const H5::DataSet set = dataset(path);
    const std::vector<hsize_t> d = shape(set, path, width == 0 ? 1 : 2);
    if (width != 0 && d[1] != width)
      throw IoError(name_ + ": dataset '" + path + "' has shape " + shape_text(d) + "; expected " +
                    std::to_string(width) + " columns");
    if (first + count > d[0])
      throw IoError(name_ + ": dataset '" + path + "' has " + std::to_string(d[0]) + " rows; expected at least " +
                    std::to_string(first + count) + " (its table's columns differ in length)");
    const std::size_t w = width == 0 ? 1 : width;
    std::vector<T> values(count * w);
    if (count == 0) return values;
    H5::DataSpace file_space = set.getSpace();
    const std::array<hsize_t, 2> start = {first, 0};
    const std::array<hsize_t, 2> block = {count, w};
    file_space.selectHyperslab(H5S_SELECT_SET, block.data(), start.data());
    const H5::DataSpace memory_space(width == 0 ? 1 : 2, block.data());
    set.read(values.data(), memory_type<T>(), memory_space, file_space);
    return values;
  }

  [[noreturn]] void missing(const char* kind, const std::string& path) const {
    throw IoError(name_ + ": missing " + std::string(kind) + " '" + path +
                  "' (the file does not follow docs/results-format.md)");
  }

  const H5::H5File& file() const { return file_; }
  std::string& where() { return where_; }

 private:
  const H5::H5File& file_;
  std::string name_;
  std::string& where_;
};

IoError hdf5_error(const H5::Exception& e, const fs::path& path, const std::string& where) {
  return IoError(path.string() + ": " + where + ": cannot read: HDF5 error in " + e.getFuncName() + ": " +
                 e.getDetailMsg());
}

RunProvenance read_provenance(In& in) {
  const H5::Group root = in.group("/");
  RunProvenance p;
  p.format_version = in.number<std::int32_t>(root, "/", "format_version");
  p.genepool_version = in.text(root, "/", "genepool_version");
  p.git_revision = in.text(root, "/", "git_revision");
  p.hdf5_version = in.text(root, "/", "hdf5_version");
  p.ranks = in.number<std::int32_t>(root, "/", "ranks");
  p.host = in.text(root, "/", "host");
  p.command_line = in.text(root, "/", "command_line");
  p.seed = in.number<std::uint64_t>(root, "/", "seed");
  p.start_time = in.text(root, "/", "start_time");
  if (in.has_attribute(root, "end_time")) p.end_time = in.text(root, "/", "end_time");
  p.status = in.text(root, "/", "status");
  return p;
}

StoredConfig read_config(In& in) {
  const H5::DataSet set = in.dataset("/config");
  const std::string at = "/config";
  StoredConfig c;
  c.objective = in.text(set, at, "objective");
  c.min_trades = in.number<double>(set, at, "min_trades");
  c.max_drawdown = in.number<double>(set, at, "max_drawdown");
  c.population = in.number<std::int64_t>(set, at, "population");
  c.generations = in.number<std::int64_t>(set, at, "generations");
  c.strategies = in.texts(set, at, "strategies");
  c.tournament_size = in.number<std::int64_t>(set, at, "tournament_size");
  c.elitism = in.number<std::int64_t>(set, at, "elitism");
  c.crossover = in.text(set, at, "crossover");
  c.crossover_rate = in.number<double>(set, at, "crossover_rate");
  c.blend_alpha = in.number<double>(set, at, "blend_alpha");
  c.sbx_eta = in.number<double>(set, at, "sbx_eta");
  c.mutation = in.text(set, at, "mutation");
  c.mutation_rate = in.number<double>(set, at, "mutation_rate");
  c.mutation_scale = in.number<double>(set, at, "mutation_scale");
  c.type_switch_rate = in.number<double>(set, at, "type_switch_rate");
  c.top = in.number<std::int64_t>(set, at, "top");
  c.execution.execution = parse_execution(in.text(set, at, "execution"), "/config attribute execution");
  c.execution.cost = in.number<double>(set, at, "cost");
  c.execution.allow_short = in.flag(set, at, "allow_short");
  c.execution.bars_per_year = in.number<double>(set, at, "bars_per_year");
  c.bars_per_year_inferred = in.flag(set, at, "bars_per_year_inferred");
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
  d.first_timestamp_iso = in.text(group, "/data", "first_timestamp_iso");
  d.last_timestamp_iso = in.text(group, "/data", "last_timestamp_iso");
  d.data_bytes = in.number<std::uint64_t>(group, "/data", "data_bytes");
  d.broadcast_seconds = in.number<double>(group, "/data", "broadcast_seconds");
  if (in.exists("/data/buy_and_hold_equity")) d.buy_and_hold_equity = in.numbers<double>("/data/buy_and_hold_equity", 1);
  return d;
}

std::vector<StoredStrategyType> read_strategies(In& in) {
  const auto names = in.strings("/strategies/name", 1);
  const auto descriptions = in.strings("/strategies/description", 1);
  const auto counts = in.numbers<std::int32_t>("/strategies/param_count", 1);
  std::vector<hsize_t> d;
  const auto param_names = in.strings("/strategies/param_names", 2, &d);
  const auto param_kinds = in.strings("/strategies/param_kind", 2);
  const auto width = static_cast<std::size_t>(d[1]);
  std::vector<StoredStrategyType> types;
  for (std::size_t t = 0; t < names.size(); ++t) {
    StoredStrategyType type{names[t], t < descriptions.size() ? descriptions[t] : "", {}, {}};
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
  r.best_metrics = in.metric_table("/best/metrics");
  std::vector<hsize_t> e;
  const auto equity = in.numbers<double>("/best/equity", 2, &e);
  const std::size_t k = rank.size();
  for (const std::size_t n : {strategy.size(), names.size(), fitness.size(), generation.size(), status.size(),
                              r.best_metrics.rows, static_cast<std::size_t>(d[0]), static_cast<std::size_t>(e[0])})
    if (n != k)
      throw IoError(r.path.string() + ": the datasets of /best differ in length (" + std::to_string(k) + " ranks, " +
                    std::to_string(n) + " rows in another)");
  const auto bars = static_cast<std::size_t>(e[1]);
  for (std::size_t i = 0; i < k; ++i) {
    StoredStrategy s;
    s.rank = rank[i];
    s.strategy = strategy[i];
    s.name = names[i];
    if (s.strategy >= 0 && static_cast<std::size_t>(s.strategy) < r.strategies.size())
      s.param_names = r.strategies[static_cast<std::size_t>(s.strategy)].param_names;
    for (std::size_t p = 0; p < kMaxParams && p < width; ++p) s.params[p] = params[i * width + p];
    s.fitness = fitness[i];
    s.generation = generation[i];
    s.status = status[i];
    s.equity.assign(equity.begin() + static_cast<std::ptrdiff_t>(i * bars),
                    equity.begin() + static_cast<std::ptrdiff_t>((i + 1) * bars));
    r.best.push_back(std::move(s));
  }
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
  const auto is_table = [&in](const H5::DataSet& set) {
    const auto d = in.dims(set);
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
      g.tables.emplace_back(name, in.metric_table(child));
    }
  }
  const std::string metrics = path + "/metrics";
  if (in.exists(metrics)) {
    const H5::DataSet set = in.dataset(metrics);
    const auto d = in.dims(set);
    if (is_table(set)) {
      g.metrics = in.metric_table(metrics);
      const std::string ranks = path + "/rank";
      if (in.exists(ranks)) {
        const H5::DataSet rank_set = in.dataset(ranks);
        const auto rd = in.dims(rank_set);
        if (rd.size() == 1 && rd[0] == d[0] && rank_set.getTypeClass() == H5T_INTEGER)
          g.ranks = in.numbers<std::int32_t>(ranks, 1);
      }
    }
  }
  return g;
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
  quiet_hdf5();
  const std::string name = path_.string();
  std::error_code ec;
  const fs::file_status status = fs::status(path_, ec);
  if (!fs::exists(status)) throw IoError(name + ": no such file");
  if (fs::is_directory(status)) throw IoError(name + ": is a directory; expected a results file such as run.h5");
  std::string where = "file";
  try {
    if (!H5::H5File::isHdf5(name))
      throw IoError(name + ": not an HDF5 file; expected a genepool results file (written by genepool evolve --out)");
    try {
      file_ = std::make_unique<File>(File{H5::H5File(name, H5F_ACC_RDONLY)});
    } catch (const H5::Exception& e) {
      throw IoError(name + ": cannot open: damaged or truncated HDF5 file (HDF5 error in " + e.getFuncName() + ": " +
                    e.getDetailMsg() + ")");
    }
    In in(file_->h5, path_, where);
    const H5::Group root = in.group("/");
    const std::string not_ours = name + ": not a genepool results file (";
    if (!root.attrExists("format"))
      throw IoError(not_ours + "no root attribute 'format'; expected format = \"" + kFormat + "\")");
    const H5::Attribute format = root.openAttribute("format");
    if (format.getTypeClass() != H5T_STRING)
      throw IoError(not_ours + "its root attribute 'format' is not a string; expected \"" + kFormat + "\")");
    if (const std::string value = in.text(root, "/", "format"); value != kFormat)
      throw IoError(not_ours + "root attribute format = \"" + value + "\"; expected \"" + kFormat + "\")");
    const auto version = in.number<std::int32_t>(root, "/", "format_version");
    if (version != kReadableVersion)
      throw IoError(name + ": results format_version " + std::to_string(version) + " is not one this genepool reads (" +
                    std::to_string(kReadableVersion) + "); " +
                    (version > kReadableVersion ? "use a newer genepool" : "use the genepool that wrote it"));
  } catch (const H5::Exception& e) {
    throw hdf5_error(e, path_, where);
  }
}

ResultsReader::~ResultsReader() = default;

RunResults ResultsReader::read() const {
  RunResults r;
  r.path = path_;
  std::string where = "file";
  try {
    In in(file_->h5, path_, where);
    r.provenance = read_provenance(in);
    r.config_text = in.scalar_text("/config");
    r.config = read_config(in);
    r.inputs = read_inputs(in);
    r.data = read_data(in);
    r.strategies = read_strategies(in);
    r.generations = read_generations(in);
    const H5::DataSet status = in.dataset("/individuals/status");
    r.status_names = in.texts(status, "/individuals/status", "names");
    r.status_counts.assign(r.status_names.size(), 0);
    for (const std::int32_t code : in.numbers<std::int32_t>("/individuals/status", 1)) {
      if (code < 0) continue;
      const auto c = static_cast<std::size_t>(code);
      if (c >= r.status_counts.size()) r.status_counts.resize(c + 1, 0);
      ++r.status_counts[c];
    }
    if (in.exists("/best")) read_best(in, r);
    if (in.exists("/summary")) {
      const H5::Group group = in.group("/summary");
      r.summary = StoredSummary{in.number<std::int64_t>(group, "/summary", "generations"),
                                in.number<std::int64_t>(group, "/summary", "evaluations_total"),
                                in.number<std::int64_t>(group, "/summary", "evaluated_total"),
                                in.number<std::int64_t>(group, "/summary", "cache_hits_total"),
                                in.number<std::int64_t>(group, "/summary", "failed_total"),
                                in.number<double>(group, "/summary", "wall_seconds")};
    }
    if (in.exists("/validation")) r.validation = read_optional_group(in, "/validation");
  } catch (const H5::Exception& e) {
    throw hdf5_error(e, path_, where);
  }
  return r;
}

std::size_t ResultsReader::individual_count(bool final_only) const {
  std::string where = "file";
  try {
    In in(file_->h5, path_, where);
    const std::string path = final_only ? "/population/generation" : "/individuals/generation";
    const H5::DataSet set = in.dataset(path);
    return static_cast<std::size_t>(in.shape(set, path, 1)[0]);
  } catch (const H5::Exception& e) {
    throw hdf5_error(e, path_, where);
  }
}

IndividualRows ResultsReader::individuals(std::size_t first, std::size_t count, bool final_only) const {
  const std::size_t total = individual_count(final_only);
  first = std::min(first, total);
  count = std::min(count, total - first);
  const std::string table = final_only ? "/population/" : "/individuals/";
  std::string where = "file";
  IndividualRows rows;
  try {
    In in(file_->h5, path_, where);
    rows.generation = in.rows<std::int32_t>(table + "generation", first, count, 0);
    rows.index = in.rows<std::int32_t>(table + "index", first, count, 0);
    rows.strategy = in.rows<std::int32_t>(table + "strategy", first, count, 0);
    rows.status = in.rows<std::int32_t>(table + "status", first, count, 0);
    rows.params = in.rows<double>(table + "params", first, count, kMaxParams);
    rows.fitness = in.rows<double>(table + "fitness", first, count, 0);
    const H5::DataSet metrics = in.dataset(table + "metrics");
    rows.metrics.columns = in.texts(metrics, table + "metrics", "columns");
    rows.metrics.rows = count;
    rows.metrics.values = in.rows<double>(table + "metrics", first, count, rows.metrics.columns.size());
  } catch (const H5::Exception& e) {
    throw hdf5_error(e, path_, where);
  }
  return rows;
}

}  // namespace genepool
