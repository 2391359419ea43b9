// /validation of the results file, written with the HDF5 C API into the file ResultsWriter holds open.
#include "genepool/results/validation_results.hpp"

#include <hdf5.h>

#include <cmath>
#include <string>

#include "genepool/error.hpp"
#include "genepool/data/timestamp.hpp"

namespace genepool {
namespace {

// An HDF5 id closed with its object.
class Id {
 public:
  Id(hid_t id, herr_t (*close)(hid_t), const std::string& what) : id_(id), close_(close) {
    if (id_ < 0) throw IoError("results: cannot create " + what + " (HDF5 error)");
  }
  ~Id() {
    if (id_ >= 0) close_(id_);
  }
  Id(Id&& other) noexcept : id_(other.id_), close_(other.close_) { other.id_ = -1; }
  Id(const Id&) = delete;
  Id& operator=(const Id&) = delete;
  Id& operator=(Id&&) = delete;
  hid_t get() const { return id_; }

 private:
  hid_t id_;
  herr_t (*close_)(hid_t);
};

void check(herr_t status, const std::string& what) {
  if (status < 0) throw IoError("results: cannot write " + what + " (HDF5 error)");
}

Id text_type() {
  Id type(H5Tcopy(H5T_C_S1), H5Tclose, "a string type");
  check(H5Tset_size(type.get(), H5T_VARIABLE), "a string type");
  check(H5Tset_cset(type.get(), H5T_CSET_UTF8), "a string type");
  return type;
}

// Where objects are written, for error messages.
class Writer {
 public:
  Writer(hid_t location, std::string path) : location_(location), path_(std::move(path)) {}

  template <class T>
  void number(const char* name, T value) {
    const std::string what = "attribute '" + std::string(name) + "' of " + path_;
    Id space(H5Screate(H5S_SCALAR), H5Sclose, what);
    Id a(H5Acreate2(location_, name, file_type<T>(), space.get(), H5P_DEFAULT, H5P_DEFAULT), H5Aclose, what);
    check(H5Awrite(a.get(), memory_type<T>(), &value), what);
  }

  void text(const char* name, const std::string& value) { text_on(location_, name, value, path_); }

  template <class T>
  void array(const std::string& name, const std::vector<T>& values, std::vector<hsize_t> dims,
             const std::string& description, const std::vector<std::string>& columns = {}) {
    const std::string what = "dataset '" + path_ + "/" + name + "'";
    Id space(H5Screate_simple(static_cast<int>(dims.size()), dims.data(), nullptr), H5Sclose, what);
    Id set(H5Dcreate2(location_, name.c_str(), file_type<T>(), space.get(), H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT),
           H5Dclose, what);
    if (!values.empty()) check(H5Dwrite(set.get(), memory_type<T>(), H5S_ALL, H5S_ALL, H5P_DEFAULT, values.data()), what);
    text_on(set.get(), "description", description, what);
    if (!columns.empty()) {
      Id type = text_type();
      const hsize_t n = columns.size();
      Id cspace(H5Screate_simple(1, &n, nullptr), H5Sclose, what);
      Id a(H5Acreate2(set.get(), "columns", type.get(), cspace.get(), H5P_DEFAULT, H5P_DEFAULT), H5Aclose, what);
      std::vector<const char*> pointers;
      for (const auto& c : columns) pointers.push_back(c.c_str());
      check(H5Awrite(a.get(), type.get(), pointers.data()), what);
    }
  }

  Id group(const std::string& name, const std::string& description) {
    const std::string path = path_ + "/" + name;
    Id g(H5Gcreate2(location_, name.c_str(), H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT), H5Gclose, "group '" + path + "'");
    text_on(g.get(), "description", description, "group '" + path + "'");
    return g;
  }

  const std::string& path() const { return path_; }

 private:
  template <class T>
  static hid_t file_type() {
    if constexpr (std::is_same_v<T, double>) return H5T_IEEE_F64LE;
    if constexpr (std::is_same_v<T, std::int32_t>) return H5T_STD_I32LE;
    if constexpr (std::is_same_v<T, std::int64_t>) return H5T_STD_I64LE;
    if constexpr (std::is_same_v<T, std::uint64_t>) return H5T_STD_U64LE;
  }
  template <class T>
  static hid_t memory_type() {
    if constexpr (std::is_same_v<T, double>) return H5T_NATIVE_DOUBLE;
    if constexpr (std::is_same_v<T, std::int32_t>) return H5T_NATIVE_INT32;
    if constexpr (std::is_same_v<T, std::int64_t>) return H5T_NATIVE_INT64;
    if constexpr (std::is_same_v<T, std::uint64_t>) return H5T_NATIVE_UINT64;
  }

  static void text_on(hid_t object, const char* name, const std::string& value, const std::string& where) {
    const std::string what = "attribute '" + std::string(name) + "' of " + where;
    Id type = text_type();
    Id space(H5Screate(H5S_SCALAR), H5Sclose, what);
    Id a(H5Acreate2(object, name, type.get(), space.get(), H5P_DEFAULT, H5P_DEFAULT), H5Aclose, what);
    const char* pointer = value.c_str();
    check(H5Awrite(a.get(), type.get(), &pointer), what);
  }

  hid_t location_;
  std::string path_;
};

std::vector<std::string> metric_columns() {
  std::vector<std::string> names;
  for (const auto& field : metric_fields()) names.emplace_back(field.name);
  return names;
}

void append_metrics(std::vector<double>& out, const Metrics& m) {
  for (const auto& field : metric_fields()) out.push_back(m.*field.member);
}

std::string period(std::span<const std::int64_t> timestamps, BarWindow window) {
  if (window.size() == 0) return "";
  return format_timestamp(timestamps[window.begin]) + " .. " + format_timestamp(timestamps[window.end - 1]);
}

void write_walk_forward(Writer& parent, const WalkForwardResult& wf, const ValidationReport& report) {
  Id group = parent.group("walk_forward", "walk-forward analysis: one independent evolution per fold (docs/validation.md)");
  Writer w(group.get(), parent.path() + "/walk_forward");
  const std::size_t f = wf.folds.size();
  w.text("mode", std::string(to_string(wf.settings.mode)));
  w.number("folds", static_cast<std::int64_t>(f));
  w.number("train_bars", static_cast<std::int64_t>(f ? wf.folds[0].fold.train.size() : 0));
  w.number("test_bars", static_cast<std::int64_t>(f ? wf.folds[0].fold.test.size() : 0));
  w.number("generations", static_cast<std::int64_t>(wf.generations));
  w.text("objective", std::string(to_string(report.objective)));
  w.number("efficiency", wf.efficiency);
  const Metrics& s = wf.stitched.metrics;
  w.number("stitched_sharpe", s.sharpe);
  w.number("stitched_total_return", s.total_return);
  w.number("stitched_cagr", s.cagr);
  w.number("stitched_max_drawdown", s.max_drawdown);
  w.text("stitched_period", f ? period(report.timestamps, {wf.folds[0].fold.test.begin, wf.folds.back().fold.test.end}) : "");

  std::vector<std::int64_t> windows, evaluated;
  std::vector<std::uint64_t> seeds;
  std::vector<std::int32_t> strategy, status;
  std::vector<double> params, in, out, table;
  for (std::size_t i = 0; i < f; ++i) {
    const auto& fold = wf.folds[i];
    for (std::size_t v : {fold.fold.train.begin, fold.fold.train.end, fold.fold.test.begin, fold.fold.test.end})
      windows.push_back(static_cast<std::int64_t>(v));
    seeds.push_back(fold.seed);
    evaluated.push_back(static_cast<std::int64_t>(fold.evaluated));
    strategy.push_back(fold.found ? static_cast<std::int32_t>(fold.best.genome.strategy) : -1);
    status.push_back(static_cast<std::int32_t>(fold.out_of_sample.evaluation.status));
    for (double p : fold.best.genome.params) params.push_back(p);
    append_metrics(in, fold.best.evaluation.metrics);
    append_metrics(out, fold.out_of_sample.evaluation.metrics);
    const double is_objective = objective_value(fold.best.evaluation.metrics, report.objective);
    const double oos_objective = objective_value(fold.out_of_sample.evaluation.metrics, report.objective);
    for (double v : {static_cast<double>(i + 1), static_cast<double>(fold.fold.train.size()),
                     static_cast<double>(fold.fold.test.size()), is_objective, oos_objective,
                     fold.best.evaluation.metrics.sharpe, fold.out_of_sample.evaluation.metrics.sharpe,
                     fold.out_of_sample.evaluation.metrics.total_return})
      table.push_back(v);
  }
  const hsize_t n = f;
  const hsize_t c = kMetricCount;
  w.array("windows", windows, {n, 4}, "bar indices [train_begin, train_end) and [test_begin, test_end) per fold",
          {"train_begin", "train_end", "test_begin", "test_end"});
  w.array("seed", seeds, {n}, "the fold's evolution seed: derive_seed(seed, 1, fold index) (docs/validation.md)");
  w.array("evaluated", evaluated, {n}, "backtests the fold's evolution ran");
  w.array("strategy", strategy, {n}, "the fold's best strategy type: index into /strategies/name; -1 if none");
  w.array("params", params, {n, kMaxParams}, "the fold's best strategy's parameters (slots as /best/params)");
  w.array("status", status, {n}, "status code of the out-of-sample evaluation (0 = ok)");
  w.array("in_sample_metrics", in, {n, c}, "metrics of the fold's best strategy over its training window", metric_columns());
  w.array("out_of_sample_metrics", out, {n, c}, "metrics of the fold's best strategy over its test window",
          metric_columns());
  w.array("folds", table, {n, 8}, "per fold: summary of the two metrics tables (objective: the run's)",
          {"fold", "train_bars", "test_bars", "is_objective", "oos_objective", "is_sharpe", "oos_sharpe",
           "oos_total_return"});
  std::vector<double> stitched;
  append_metrics(stitched, wf.stitched.metrics);
  w.array("metrics", stitched, {1, c}, "metrics of the stitched out-of-sample account", metric_columns());
  std::vector<std::int64_t> times;
  if (f) {
    for (std::size_t t = wf.folds[0].fold.test.begin - 1; t < wf.folds.back().fold.test.end; ++t)
      times.push_back(report.timestamps[t]);
  }
  w.array("equity", wf.stitched_equity, {static_cast<hsize_t>(wf.stitched_equity.size())},
          "equity of the stitched out-of-sample account, 1 at the close before the first test bar; times in timestamps");
  w.array("timestamps", times, {static_cast<hsize_t>(times.size())}, "bar time (UTC seconds) of each equity value");
}

}  // namespace

const std::vector<std::string>& validation_statistics_columns() {
  static const std::vector<std::string> columns = {
      "returns", "mean", "stddev", "sharpe_per_bar", "skewness", "kurtosis", "psr", "dsr",
      "objective", "bootstrap_p05", "bootstrap_p50", "bootstrap_p95"};
  return columns;
}

std::vector<double> validation_statistics_values(const ValidationRow& row) {
  const double nan = std::nan("");
  const StrategyStatistics& s = row.statistics;
  const bool b = s.bootstrapped;
  return {static_cast<double>(s.moments.count), s.moments.mean, s.moments.stddev, s.moments.sharpe(),
          s.moments.skewness, s.moments.kurtosis, s.psr, s.dsr, b ? s.bootstrap.full_sample : nan,
          b ? s.bootstrap.p05 : nan, b ? s.bootstrap.p50 : nan, b ? s.bootstrap.p95 : nan};
}

void write_validation(std::int64_t file_id, const ValidationReport& report) {
  const auto file = static_cast<hid_t>(file_id);
  Writer root(file, "");
  Id group = root.group("validation", "how far the best strategies can be trusted (docs/validation.md)");
  Writer w(group.get(), "/validation");
  const ValidationSettings& s = report.settings;
  w.text("objective", std::string(to_string(report.objective)));
  w.number("bars_per_year", report.bars_per_year);
  w.text("split", !report.split.enabled ? "none" : s.split.split_date.empty() ? "test-fraction" : "split-date");
  w.number("test_fraction", s.split.test_fraction);
  w.text("split_date", s.split.split_date);
  w.number("train_begin", static_cast<std::int64_t>(report.split.train.begin));
  w.number("train_end", static_cast<std::int64_t>(report.split.train.end));
  w.number("test_begin", static_cast<std::int64_t>(report.split.test.begin));
  w.number("test_end", static_cast<std::int64_t>(report.split.test.end));
  w.text("train_period", period(report.timestamps, report.split.train));
  w.text("test_period", period(report.timestamps, report.split.test));
  w.number("trials", static_cast<std::int64_t>(report.trials.trials));
  w.number("distinct_genomes", static_cast<std::int64_t>(report.trials.distinct_genomes));
  w.number("sharpe_variance", report.trials.sharpe_variance);
  w.number("expected_max_sharpe", report.trials.expected_max_sharpe);
  w.number("psr_benchmark", s.psr_benchmark);
  w.number("pbo_partitions", static_cast<std::int64_t>(s.pbo_partitions));
  w.number("pbo_strategies", static_cast<std::int64_t>(report.pbo.strategies));
  if (report.pbo.result) {
    w.number("pbo", report.pbo.result->pbo);
    w.number("pbo_probability_of_loss", report.pbo.result->probability_of_loss);
  } else {
    w.text("pbo_note", report.pbo.note);
  }
  w.number("bootstrap_resamples", s.bootstrap_resamples);
  w.number("bootstrap_block_length", s.bootstrap_block_length);

  const std::size_t k = report.best.size();
  const hsize_t n = k;
  const hsize_t c = kMetricCount;
  std::vector<std::int32_t> rank, status;
  std::vector<std::uint64_t> seeds;
  std::vector<double> metrics, degradation, statistics;
  for (const ValidationRow& row : report.best) {
    rank.push_back(row.rank);
    status.push_back(static_cast<std::int32_t>(row.out_of_sample.status));
    seeds.push_back(row.bootstrap_seed);
    append_metrics(metrics, row.out_of_sample.metrics);
    append_metrics(degradation, row.degradation);
    for (double v : validation_statistics_values(row)) statistics.push_back(v);
  }
  w.array("rank", rank, {n}, "the /best rank of each row");
  if (report.split.enabled) {
    w.array("metrics", metrics, {n, c}, "metrics over the test window (out of sample), one column per name in 'columns'",
            metric_columns());
    w.array("status", status, {n}, "status code of the out-of-sample evaluation (0 = ok)");
    w.array("degradation", degradation, {n, c},
            "out-of-sample over in-sample value per metric (NaN where the in-sample value is 0)", metric_columns());
  }
  const auto& columns = validation_statistics_columns();
  w.array("statistics", statistics, {n, static_cast<hsize_t>(columns.size())},
          "over the in-sample returns: moments, PSR, DSR, the objective and its bootstrap percentiles", columns);
  w.array("bootstrap_seed", seeds, {n}, "seed of each row's bootstrap: derive_seed(seed, 2, rank)");

  if (report.pbo.result) {
    const PboResult& p = *report.pbo.result;
    Id pbo = w.group("pbo", "CSCV over the final population's distinct strategies, one row per combination");
    Writer pw(pbo.get(), "/validation/pbo");
    const hsize_t m = p.logits.size();
    pw.array("logits", p.logits, {m}, "logit of the in-sample winner's out-of-sample relative rank");
    pw.array("is_sharpe", p.is_sharpe, {m}, "per-bar in-sample Sharpe ratio of the in-sample winner");
    pw.array("oos_sharpe", p.oos_sharpe, {m}, "per-bar out-of-sample Sharpe ratio of the in-sample winner");
    pw.array("selected", p.selected, {m}, "column of the in-sample winner among the distinct strategies");
  }
  if (report.walk_forward) write_walk_forward(w, *report.walk_forward, report);
}

}  // namespace genepool
