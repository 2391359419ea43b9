// The checkpoint file. Layout: docs/checkpoint.md.
#include "genepool/results/checkpoint.hpp"

#include <H5Cpp.h>
#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <system_error>
#include <type_traits>

#include "genepool/error.hpp"
#include "genepool/backtest/metrics.hpp"
#include "genepool/version.hpp"
#include "genepool/io/hdf5_types.hpp"

namespace genepool {
namespace {

namespace fs = std::filesystem;

constexpr const char* kFormat = "genepool-checkpoint";
constexpr std::int32_t kFormatVersion = 1;

using hdf5::file_type;
using hdf5::memory_type;
using hdf5::text_type;

// Writing, with `where` naming the object at hand for error messages.
struct Writer {
  std::string where;

  void text(const H5::H5Object& object, const char* name, const std::string& value) {
    where = std::string("attribute '") + name + "'";
    const H5::StrType type = text_type();
    object.createAttribute(name, type, H5::DataSpace(H5S_SCALAR)).write(type, value);
  }
  template <class T>
  void number(const H5::H5Object& object, const char* name, T value) {
    where = std::string("attribute '") + name + "'";
    object.createAttribute(name, file_type<T>(), H5::DataSpace(H5S_SCALAR)).write(memory_type<T>(), &value);
  }
  // A [rows] or [rows][width] dataset (width 0: one column).
  template <class T>
  void array(const H5::Group& group, const std::string& name, const T* values, hsize_t rows, hsize_t width = 0) {
    where = "dataset '" + name + "'";
    const hsize_t dims[2] = {rows, width};
    const H5::DataSpace space(width == 0 ? 1 : 2, dims);
    H5::DataSet set = group.createDataSet(name, file_type<T>(), space);
    if (space.getSimpleExtentNpoints() > 0) set.write(values, memory_type<T>());
  }
  void strings(const H5::Group& group, const std::string& name, const std::vector<std::string>& values) {
    where = "dataset '" + name + "'";
    const H5::StrType type = text_type();
    const hsize_t n = values.size();
    H5::DataSet set = group.createDataSet(name, type, H5::DataSpace(1, &n));
    std::vector<const char*> pointers;
    for (const auto& value : values) pointers.push_back(value.c_str());
    if (n > 0) set.write(pointers.data(), type);
  }
};

// Reading, with the same bookkeeping. Every object is checked for existence, type class and shape
// before it is read, so that a damaged file is an error naming the object, never a bad read.
struct Reader {
  std::string where;

  static std::string path_of(const H5::Group& group, const std::string& name) {
    const std::string parent = group.getObjName();
    return (parent == "/" ? parent : parent + "/") + name;
  }
  static void require_link(hid_t location, const std::string& name) {
    if (H5Lexists(location, name.c_str(), H5P_DEFAULT) <= 0) throw Error("missing (not the layout of docs/checkpoint.md)");
  }
  H5::Group group(const H5::H5File& file, const char* name) {
    where = std::string("group '/") + name + "'";
    require_link(file.getId(), name);
    return file.openGroup(name);
  }
  // A scalar attribute of type class `type_class`.
  H5::Attribute attribute(const H5::H5Object& object, const char* name, H5T_class_t type_class, const char* expected) {
    where = std::string("attribute '") + name + "'";
    if (!object.attrExists(name)) throw Error("missing");
    H5::Attribute a = object.openAttribute(name);
    if (a.getTypeClass() != type_class) throw Error(std::string("has another type; expected ") + expected);
    if (a.getSpace().getSimpleExtentNpoints() != 1) throw Error("is not a single value");
    return a;
  }
  std::string text(const H5::H5Object& object, const char* name) {
    const H5::Attribute a = attribute(object, name, H5T_STRING, "a string");
    std::string value;
    a.read(a.getStrType(), value);
    return value;
  }
  template <class T>
  T number(const H5::H5Object& object, const char* name) {
    T value{};
    attribute(object, name, H5T_INTEGER, "an integer").read(memory_type<T>(), &value);
    return value;
  }
  H5::DataSet dataset(const H5::Group& group, const std::string& name, H5T_class_t type_class, const char* expected) {
    where = "dataset '" + path_of(group, name) + "'";
    require_link(group.getId(), name);
    H5::DataSet set = group.openDataSet(name);
    if (set.getTypeClass() != type_class) throw Error(std::string("has another type; expected ") + expected);
    return set;
  }
  // A dataset of `rows` x `width` (width 0: one column); a different shape is an error.
  template <class T>
  std::vector<T> array(const H5::Group& group, const std::string& name, hsize_t rows, hsize_t width = 0) {
    const bool real = std::is_floating_point_v<T>;
    const H5::DataSet set = dataset(group, name, real ? H5T_FLOAT : H5T_INTEGER, real ? "floating point" : "integers");
    check_shape(set, rows, width);
    std::vector<T> values(static_cast<std::size_t>(rows * (width == 0 ? 1 : width)));
    if (!values.empty()) set.read(values.data(), memory_type<T>());
    return values;
  }
  // The length of a one-column dataset.
  hsize_t rows(const H5::Group& group, const std::string& name) {
    where = "dataset '" + path_of(group, name) + "'";
    require_link(group.getId(), name);
    const H5::DataSpace space = group.openDataSet(name).getSpace();
    if (space.getSimpleExtentNdims() != 1) throw Error("is not one-dimensional");
    hsize_t n = 0;
    space.getSimpleExtentDims(&n);
    return n;
  }
  std::vector<std::string> strings(const H5::Group& group, const std::string& name, hsize_t rows) {
    const H5::DataSet set = dataset(group, name, H5T_STRING, "strings");
    check_shape(set, rows, 0);
    const H5::StrType type = text_type();
    std::vector<char*> pointers(static_cast<std::size_t>(rows), nullptr);
    if (rows > 0) set.read(pointers.data(), type);
    std::vector<std::string> values;
    for (char* p : pointers) values.emplace_back(p ? p : "");
    if (rows > 0) {
      const H5::DataSpace space = set.getSpace();
      H5Dvlen_reclaim(type.getId(), space.getId(), H5P_DEFAULT, pointers.data());
    }
    return values;
  }

  void check_shape(const H5::DataSet& set, hsize_t rows, hsize_t width) {
    const H5::DataSpace space = set.getSpace();
    const int rank = space.getSimpleExtentNdims();
    hsize_t dims[2] = {0, 0};
    if (rank == 1 || rank == 2) space.getSimpleExtentDims(dims);
    const bool ok = width == 0 ? (rank == 1 && dims[0] == rows) : (rank == 2 && dims[0] == rows && dims[1] == width);
    if (!ok)
      throw Error("has shape [" + std::to_string(dims[0]) + (rank == 2 ? "][" + std::to_string(dims[1]) : "") +
                  "], expected [" + std::to_string(rows) + (width ? "][" + std::to_string(width) : "") + "]");
  }
};

// Flushes a file or directory to stable storage.
void sync_path(const fs::path& path, bool directory) {
  const int fd = ::open(path.c_str(), directory ? O_RDONLY | O_DIRECTORY : O_RDONLY);
  if (fd < 0) throw IoError(path.string() + ": cannot open to sync: " + std::strerror(errno));
  const int failed = ::fsync(fd);
  const int error = errno;
  ::close(fd);
  if (failed != 0) throw IoError(path.string() + ": fsync failed: " + std::strerror(error));
}

void write_file(const fs::path& path, const Checkpoint& c, Writer& w) {
  w.where = "file";
  H5::H5File file(path.string(), H5F_ACC_TRUNC);
  w.text(file, "format", kFormat);
  w.number(file, "format_version", kFormatVersion);
  w.text(file, "genepool_version", std::string(version()));
  w.text(file, "git_revision", std::string(git_revision()));
  w.number(file, "generations", static_cast<std::uint64_t>(c.generations));
  w.number(file, "seed", c.seed);

  const H5::Group settings = file.createGroup("settings");
  std::vector<std::string> keys, values;
  for (const auto& [key, value] : c.settings) {
    keys.push_back(key);
    values.push_back(value);
  }
  w.strings(settings, "key", keys);
  w.strings(settings, "value", values);

  const H5::Group inputs = file.createGroup("inputs");
  std::vector<std::string> paths, hashes;
  std::vector<std::uint64_t> bytes;
  for (const auto& input : c.inputs) {
    paths.push_back(input.path);
    hashes.push_back(input.sha256);
    bytes.push_back(input.bytes);
  }
  w.strings(inputs, "path", paths);
  w.strings(inputs, "sha256", hashes);
  w.array(inputs, "bytes", bytes.data(), bytes.size());

  const H5::Group log = file.createGroup("log");
  const EvaluationLog& l = c.log;
  const std::size_t batches = l.batch_sizes.size();
  const std::size_t n = l.genomes.size();
  w.array(log, "batch_size", l.batch_sizes.data(), batches);
  std::vector<double> evaluate(batches), communicate(batches), imbalance(batches);
  for (std::size_t b = 0; b < batches; ++b) {
    evaluate[b] = l.timings[b].evaluate_seconds;
    communicate[b] = l.timings[b].communicate_seconds;
    imbalance[b] = l.timings[b].imbalance;
  }
  w.array(log, "evaluate_seconds", evaluate.data(), batches);
  w.array(log, "communicate_seconds", communicate.data(), batches);
  w.array(log, "imbalance", imbalance.data(), batches);
  std::vector<std::uint32_t> strategy(n);
  std::vector<double> params(n * kMaxParams), metrics(n * kMetricCount);
  std::vector<std::int32_t> status(n);
  const auto& fields = metric_fields();
  for (std::size_t i = 0; i < n; ++i) {
    strategy[i] = l.genomes[i].strategy;
    std::copy(l.genomes[i].params.begin(), l.genomes[i].params.end(), params.begin() + static_cast<std::ptrdiff_t>(i * kMaxParams));
    for (std::size_t m = 0; m < kMetricCount; ++m) metrics[i * kMetricCount + m] = l.evaluations[i].metrics.*fields[m].member;
    status[i] = static_cast<std::int32_t>(l.evaluations[i].status);
  }
  w.array(log, "strategy", strategy.data(), n);
  w.array(log, "params", params.data(), n, kMaxParams);
  w.array(log, "status", status.data(), n);
  w.array(log, "metrics", metrics.data(), n, kMetricCount);

  const H5::Group history = file.createGroup("history");
  w.array(history, "best", c.best.data(), c.best.size());
  w.array(history, "operator_seconds", c.operator_seconds.data(), c.operator_seconds.size());
  w.array(history, "elapsed_seconds", c.elapsed_seconds.data(), c.elapsed_seconds.size());
  w.where = "file";
  file.close();
}

Checkpoint read_file(const fs::path& path, Reader& r) {
  r.where = "file";
  if (!H5::H5File::isHdf5(path.string())) throw Error("not an HDF5 file (truncated or overwritten?)");
  const H5::H5File file = [&] {
    try {
      return H5::H5File(path.string(), H5F_ACC_RDONLY);
    } catch (const H5::Exception&) {
      throw Error("cannot open: damaged or truncated HDF5 file");
    }
  }();
  const bool checkpoint = file.attrExists("format") && r.text(file, "format") == kFormat;
  r.where = "file";
  if (!checkpoint) throw Error("not a genepool checkpoint (no attribute format = \"genepool-checkpoint\")");
  const auto v = r.number<std::int32_t>(file, "format_version");
  r.where = "file";
  if (v != kFormatVersion)
    throw Error("checkpoint format version " + std::to_string(v) + "; this genepool reads version " +
                std::to_string(kFormatVersion));
  Checkpoint c;
  c.genepool_version = r.text(file, "genepool_version");
  c.generations = static_cast<std::size_t>(r.number<std::uint64_t>(file, "generations"));
  c.seed = r.number<std::uint64_t>(file, "seed");

  const H5::Group settings = r.group(file, "settings");
  const hsize_t keys = r.rows(settings, "key");
  const auto key = r.strings(settings, "key", keys);
  const auto value = r.strings(settings, "value", keys);
  for (std::size_t i = 0; i < key.size(); ++i) c.settings.emplace_back(key[i], value[i]);

  const H5::Group inputs = r.group(file, "inputs");
  const hsize_t files = r.rows(inputs, "path");
  const auto paths = r.strings(inputs, "path", files);
  const auto hashes = r.strings(inputs, "sha256", files);
  const auto bytes = r.array<std::uint64_t>(inputs, "bytes", files);
  for (std::size_t i = 0; i < paths.size(); ++i) c.inputs.push_back({paths[i], hashes[i], bytes[i]});

  const H5::Group log = r.group(file, "log");
  EvaluationLog& l = c.log;
  const hsize_t batches = r.rows(log, "batch_size");
  l.batch_sizes = r.array<std::uint64_t>(log, "batch_size", batches);
  const auto evaluate = r.array<double>(log, "evaluate_seconds", batches);
  const auto communicate = r.array<double>(log, "communicate_seconds", batches);
  const auto imbalance = r.array<double>(log, "imbalance", batches);
  for (std::size_t b = 0; b < batches; ++b) l.timings.push_back({evaluate[b], communicate[b], imbalance[b]});
  std::uint64_t total = 0;
  for (const std::uint64_t size : l.batch_sizes) total += size;
  const hsize_t n = r.rows(log, "strategy");
  r.where = "dataset '/log/strategy'";
  if (n != total)
    throw Error("holds " + std::to_string(n) + " genomes but the batches in /log/batch_size add up to " +
                std::to_string(total));
  const auto strategy = r.array<std::uint32_t>(log, "strategy", n);
  const auto params = r.array<double>(log, "params", n, kMaxParams);
  const auto status = r.array<std::int32_t>(log, "status", n);
  const auto metrics = r.array<double>(log, "metrics", n, kMetricCount);
  l.genomes.resize(n);
  l.evaluations.resize(n);
  const auto& fields = metric_fields();
  for (std::size_t i = 0; i < n; ++i) {
    l.genomes[i].strategy = strategy[i];
    std::copy_n(params.begin() + static_cast<std::ptrdiff_t>(i * kMaxParams), kMaxParams, l.genomes[i].params.begin());
    for (std::size_t m = 0; m < kMetricCount; ++m) l.evaluations[i].metrics.*fields[m].member = metrics[i * kMetricCount + m];
    l.evaluations[i].status = static_cast<EvalStatus>(status[i]);
  }

  const H5::Group history = r.group(file, "history");
  c.best = r.array<double>(history, "best", c.generations);
  c.operator_seconds = r.array<double>(history, "operator_seconds", c.generations);
  c.elapsed_seconds = r.array<double>(history, "elapsed_seconds", c.generations);
  return c;
}

}  // namespace

fs::path checkpoint_path(const fs::path& results) { return fs::path(results.string() + ".checkpoint"); }

void write_checkpoint(const fs::path& path, const Checkpoint& checkpoint) {
  H5::Exception::dontPrint();
  const fs::path temporary(path.string() + ".tmp");
  Writer w;
  try {
    write_file(temporary, checkpoint, w);
  } catch (const H5::Exception& e) {
    std::error_code ignored;
    fs::remove(temporary, ignored);
    throw IoError(path.string() + ": cannot write checkpoint " + temporary.string() + ": " + w.where +
                  ": HDF5 error in " + e.getFuncName() + ": " + e.getDetailMsg());
  }
  sync_path(temporary, false);
  std::error_code ec;
  fs::rename(temporary, path, ec);
  if (ec) throw IoError(path.string() + ": cannot rename " + temporary.string() + " onto it: " + ec.message());
  sync_path(path.has_parent_path() ? path.parent_path() : fs::path("."), true);
}

Checkpoint read_checkpoint(const fs::path& path) {
  H5::Exception::dontPrint();
  std::error_code ec;
  if (!fs::is_regular_file(path, ec)) throw IoError(path.string() + ": no such checkpoint file");
  Reader r;
  try {
    return read_file(path, r);
  } catch (const H5::Exception& e) {
    throw IoError(path.string() + ": cannot read checkpoint: " + r.where + ": HDF5 error in " + e.getFuncName() +
                  (e.getDetailMsg().empty() ? "" : ": " + e.getDetailMsg()));
  } catch (const Error& e) {
    throw IoError(path.string() + ": invalid checkpoint: " + (r.where == "file" ? "" : r.where + ": ") + e.what());
  }
}

}  // namespace genepool
