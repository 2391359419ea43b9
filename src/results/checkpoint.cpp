// The checkpoint file. Layout: docs/checkpoint.md.
#include "genepool/results/checkpoint.hpp"

#include <system_error>

#include "genepool/backtest/metrics.hpp"
#include "genepool/io/input_file.hpp"
#include "genepool/error.hpp"
#include "genepool/results/exit_gene_rows.hpp"
#include "genepool/io/hdf5.hpp"
#include "genepool/io/output_file.hpp"
#include "genepool/version.hpp"

namespace genepool {
namespace {

namespace fs = std::filesystem;

constexpr const char* kFormat = "genepool-checkpoint";
constexpr std::int32_t kFormatVersion = 1;

void write_file(AtomicFile& output, const Checkpoint& c, hdf5::Writer& w) {
  H5::H5File file = hdf5::create(output);
  w.text(file, "format", kFormat);
  w.number(file, "format_version", kFormatVersion);
  w.text(file, "genepool_version", std::string(version()));
  w.text(file, "git_revision", std::string(git_revision()));
  w.number(file, "generations", static_cast<std::uint64_t>(c.generations));
  w.number(file, "seed", c.seed);

  const H5::Group settings = w.group(file, "settings");
  std::vector<std::string> keys, values;
  for (const auto& [key, value] : c.settings) {
    keys.push_back(key);
    values.push_back(value);
  }
  w.strings(settings, "key", keys, {keys.size()});
  w.strings(settings, "value", values, {values.size()});

  const H5::Group inputs = w.group(file, "inputs");
  std::vector<std::string> paths, hashes;
  std::vector<std::uint64_t> bytes;
  for (const auto& input : c.inputs) {
    paths.push_back(input.path);
    hashes.push_back(input.sha256);
    bytes.push_back(input.bytes);
  }
  w.strings(inputs, "path", paths, {paths.size()});
  w.strings(inputs, "sha256", hashes, {hashes.size()});
  w.array(inputs, "bytes", bytes.data(), {bytes.size()});

  const H5::Group log = w.group(file, "log");
  const EvaluationLog& l = c.log;
  const std::size_t batches = l.batch_sizes.size();
  const std::size_t n = l.genomes.size();
  w.array(log, "batch_size", l.batch_sizes.data(), {batches});
  std::vector<double> evaluate(batches), communicate(batches), imbalance(batches);
  for (std::size_t b = 0; b < batches; ++b) {
    evaluate[b] = l.timings[b].evaluate_seconds;
    communicate[b] = l.timings[b].communicate_seconds;
    imbalance[b] = l.timings[b].imbalance;
  }
  w.array(log, "evaluate_seconds", evaluate.data(), {batches});
  w.array(log, "communicate_seconds", communicate.data(), {batches});
  w.array(log, "imbalance", imbalance.data(), {batches});
  std::vector<std::uint32_t> strategy(n);
  std::vector<double> params(n * kMaxParams), metrics(n * kMetricCount), exits(n * kExitGenes);
  std::vector<std::int32_t> status(n);
  const auto& fields = metric_fields();
  for (std::size_t i = 0; i < n; ++i) {
    strategy[i] = l.genomes[i].strategy;
    std::copy(l.genomes[i].params.begin(), l.genomes[i].params.end(), params.begin() + static_cast<std::ptrdiff_t>(i * kMaxParams));
    exit_gene_row(l.genomes[i], exits.data() + i * kExitGenes);
    for (std::size_t m = 0; m < kMetricCount; ++m) metrics[i * kMetricCount + m] = l.evaluations[i].metrics.*fields[m].member;
    status[i] = static_cast<std::int32_t>(l.evaluations[i].status);
  }
  w.array(log, "strategy", strategy.data(), {n});
  w.array(log, "params", params.data(), {n, kMaxParams});
  w.array(log, "exits", exits.data(), {n, kExitGenes});
  w.array(log, "status", status.data(), {n});
  w.array(log, "metrics", metrics.data(), {n, kMetricCount});

  const H5::Group history = w.group(file, "history");
  w.array(history, "best", c.best.data(), {c.best.size()});
  w.array(history, "operator_seconds", c.operator_seconds.data(), {c.operator_seconds.size()});
  w.array(history, "elapsed_seconds", c.elapsed_seconds.data(), {c.elapsed_seconds.size()});
  w.where() = "file";
  file.close();
}

// The length of the one-dimensional dataset at `path`.
hsize_t length(hdf5::Reader& r, const std::string& path, H5T_class_t type_class) {
  return r.shape(r.dataset(path, type_class), 1)[0];
}

Checkpoint read_file(const H5::H5File& file, hdf5::Reader& r) {
  if (!r.has_attribute(file, "format") || r.text(file, "format") != kFormat)
    throw Error("not a genepool checkpoint (no attribute format = \"genepool-checkpoint\")");
  const auto v = r.number<std::int32_t>(file, "format_version");
  if (v != kFormatVersion)
    throw Error("checkpoint format version " + std::to_string(v) + "; this genepool reads version " +
                std::to_string(kFormatVersion));
  Checkpoint c;
  c.genepool_version = r.text(file, "genepool_version");
  c.generations = static_cast<std::size_t>(r.number<std::uint64_t>(file, "generations"));
  c.seed = r.number<std::uint64_t>(file, "seed");

  r.group("/settings");
  const hsize_t keys = length(r, "/settings/key", H5T_STRING);
  const auto key = r.strings_shaped("/settings/key", {keys});
  const auto value = r.strings_shaped("/settings/value", {keys});
  for (std::size_t i = 0; i < key.size(); ++i) c.settings.emplace_back(key[i], value[i]);

  r.group("/inputs");
  const hsize_t files = length(r, "/inputs/path", H5T_STRING);
  const auto paths = r.strings_shaped("/inputs/path", {files});
  const auto hashes = r.strings_shaped("/inputs/sha256", {files});
  const auto bytes = r.numbers_shaped<std::uint64_t>("/inputs/bytes", {files});
  for (std::size_t i = 0; i < paths.size(); ++i) c.inputs.push_back({paths[i], hashes[i], bytes[i]});

  r.group("/log");
  EvaluationLog& l = c.log;
  const hsize_t batches = length(r, "/log/batch_size", H5T_INTEGER);
  l.batch_sizes = r.numbers_shaped<std::uint64_t>("/log/batch_size", {batches});
  const auto evaluate = r.numbers_shaped<double>("/log/evaluate_seconds", {batches});
  const auto communicate = r.numbers_shaped<double>("/log/communicate_seconds", {batches});
  const auto imbalance = r.numbers_shaped<double>("/log/imbalance", {batches});
  for (std::size_t b = 0; b < batches; ++b) l.timings.push_back({evaluate[b], communicate[b], imbalance[b]});
  std::uint64_t total = 0;
  for (const std::uint64_t size : l.batch_sizes) total += size;
  const hsize_t n = length(r, "/log/strategy", H5T_INTEGER);
  if (n != total)
    throw Error("dataset '/log/strategy' holds " + std::to_string(n) +
                " genomes but the batches in /log/batch_size add up to " + std::to_string(total));
  const auto strategy = r.numbers_shaped<std::uint32_t>("/log/strategy", {n});
  const auto params = r.numbers_shaped<double>("/log/params", {n, kMaxParams});
  // NOTE: checkpoints of runs before evolved exits have no /log/exits: no genome carries genes.
  const auto exits = r.exists("/log/exits") ? r.numbers_shaped<double>("/log/exits", {n, kExitGenes})
                                            : std::vector<double>(n * kExitGenes, std::numeric_limits<double>::quiet_NaN());
  const auto status = r.numbers_shaped<std::int32_t>("/log/status", {n});
  const auto metrics = r.numbers_shaped<double>("/log/metrics", {n, kMetricCount});
  l.genomes.resize(n);
  l.evaluations.resize(n);
  const auto& fields = metric_fields();
  for (std::size_t i = 0; i < n; ++i) {
    l.genomes[i].strategy = strategy[i];
    std::copy_n(params.begin() + static_cast<std::ptrdiff_t>(i * kMaxParams), kMaxParams, l.genomes[i].params.begin());
    set_exit_genes(l.genomes[i], exits.data() + i * kExitGenes, "dataset '/log/exits' row " + std::to_string(i));
    for (std::size_t m = 0; m < kMetricCount; ++m) l.evaluations[i].metrics.*fields[m].member = metrics[i * kMetricCount + m];
    l.evaluations[i].status = static_cast<EvalStatus>(status[i]);
  }

  r.group("/history");
  c.best = r.numbers_shaped<double>("/history/best", {c.generations});
  c.operator_seconds = r.numbers_shaped<double>("/history/operator_seconds", {c.generations});
  c.elapsed_seconds = r.numbers_shaped<double>("/history/elapsed_seconds", {c.generations});
  return c;
}

}  // namespace

fs::path checkpoint_path(const fs::path& results) { return fs::path(results.string() + ".checkpoint"); }

void write_checkpoint(const fs::path& path, const Checkpoint& checkpoint) {
  hdf5::quiet();
  AtomicFile output(path);
  hdf5::Writer w;
  try {
    write_file(output, checkpoint, w);
  } catch (const H5::Exception& e) {
    throw hdf5::write_error(e, output, w.where(), "checkpoint");
  }
  output.commit();
}

Checkpoint read_checkpoint(const fs::path& path) {
  hdf5::quiet();
  check_input_file(path, "a checkpoint file such as run.h5.checkpoint");
  try {
    if (!H5::H5File::isHdf5(path.string())) throw Error("not an HDF5 file (truncated or overwritten?)");
    const H5::H5File file = [&] {
      try {
        return hdf5::open_read(path);
      } catch (const H5::Exception&) {
        throw Error("cannot open: damaged or truncated HDF5 file");
      }
    }();
    hdf5::Reader r(file);
    try {
      return read_file(file, r);
    } catch (const H5::Exception& e) {
      throw hdf5::read_error(e, path, r.where());
    }
  } catch (const IoError&) {
    throw;
  } catch (const H5::Exception& e) {
    throw hdf5::read_error(e, path, "file");
  } catch (const hdf5::LayoutError& e) {
    throw IoError(path.string() + ": invalid checkpoint: " + e.what() + " (docs/checkpoint.md)");
  } catch (const Error& e) {
    throw IoError(path.string() + ": invalid checkpoint: " + e.what());
  }
}

}  // namespace genepool
