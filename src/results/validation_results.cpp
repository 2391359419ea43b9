// /validation of the results file, written into the file ResultsWriter holds open.
#include "genepool/results/validation_results.hpp"

#include <cmath>
#include <stdexcept>
#include <string>

#include "genepool/data/timestamp.hpp"
#include "genepool/io/hdf5.hpp"
#include "genepool/results/exit_gene_rows.hpp"

namespace genepool {
namespace {

// A [rows][columns] table of doubles whose attribute 'columns' names its columns.
template <class T>
void table(hdf5::Writer& out, const H5::Group& group, const std::string& name, const std::vector<T>& values,
           const std::vector<hsize_t>& dims, const std::string& description, const std::vector<std::string>& columns) {
  out.texts(out.array(group, name, values, dims, description), "columns", columns);
}

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

void write_walk_forward(hdf5::Writer& out, const H5::Group& parent, const WalkForwardResult& wf,
                        const ValidationReport& report) {
  const H5::Group g =
      out.group(parent, "walk_forward", "walk-forward analysis: one independent evolution per fold (docs/validation.md)");
  const std::size_t f = wf.folds.size();
  out.text(g, "mode", std::string(to_string(wf.settings.mode)));
  out.number(g, "folds", static_cast<std::int64_t>(f));
  out.number(g, "train_bars", static_cast<std::int64_t>(f ? wf.folds[0].fold.train.size() : 0));
  out.number(g, "test_bars", static_cast<std::int64_t>(f ? wf.folds[0].fold.test.size() : 0));
  out.number(g, "generations", static_cast<std::int64_t>(wf.generations));
  out.text(g, "objective", std::string(to_string(report.objective)));
  out.number(g, "efficiency", wf.efficiency);
  const Metrics& s = wf.stitched.metrics;
  out.number(g, "stitched_sharpe", s.sharpe);
  out.number(g, "stitched_total_return", s.total_return);
  out.number(g, "stitched_cagr", s.cagr);
  out.number(g, "stitched_max_drawdown", s.max_drawdown);
  out.text(g, "stitched_period", f ? period(report.timestamps, {wf.folds[0].fold.test.begin, wf.folds.back().fold.test.end}) : "");

  std::vector<std::int64_t> windows, evaluated;
  std::vector<std::uint64_t> seeds;
  std::vector<std::int32_t> strategy, status;
  std::vector<double> params, exits(f * kExitGenes), in_metrics, out_metrics, summary;
  bool exit_genes = false;
  for (std::size_t i = 0; i < f; ++i) {
    const auto& fold = wf.folds[i];
    for (std::size_t v : {fold.fold.train.begin, fold.fold.train.end, fold.fold.test.begin, fold.fold.test.end})
      windows.push_back(static_cast<std::int64_t>(v));
    seeds.push_back(fold.seed);
    evaluated.push_back(static_cast<std::int64_t>(fold.evaluated));
    strategy.push_back(fold.found ? static_cast<std::int32_t>(fold.best.genome.strategy) : -1);
    status.push_back(static_cast<std::int32_t>(fold.out_of_sample.evaluation.status));
    for (double p : fold.best.genome.params) params.push_back(p);
    exit_gene_row(fold.best.genome, exits.data() + i * kExitGenes);
    exit_genes = exit_genes || fold.best.genome.exit_genes != 0;
    append_metrics(in_metrics, fold.best.evaluation.metrics);
    append_metrics(out_metrics, fold.out_of_sample.evaluation.metrics);
    const double is_objective = objective_value(fold.best.evaluation.metrics, report.objective);
    const double oos_objective = objective_value(fold.out_of_sample.evaluation.metrics, report.objective);
    for (double v : {static_cast<double>(i + 1), static_cast<double>(fold.fold.train.size()),
                     static_cast<double>(fold.fold.test.size()), is_objective, oos_objective,
                     fold.best.evaluation.metrics.sharpe, fold.out_of_sample.evaluation.metrics.sharpe,
                     fold.out_of_sample.evaluation.metrics.total_return})
      summary.push_back(v);
  }
  const hsize_t n = f;
  const hsize_t c = kMetricCount;
  table(out, g, "windows", windows, {n, 4}, "bar indices [train_begin, train_end) and [test_begin, test_end) per fold",
          {"train_begin", "train_end", "test_begin", "test_end"});
  out.array(g, "seed", seeds, {n}, "the fold's evolution seed: derive_seed(seed, 1, fold index) (docs/validation.md)");
  out.array(g, "evaluated", evaluated, {n}, "backtests the fold's evolution ran");
  out.array(g, "strategy", strategy, {n}, "the fold's best strategy type: index into /strategies/name; -1 if none");
  out.array(g, "params", params, {n, kMaxParams}, "the fold's best strategy's parameters (slots as /best/params)");
  if (exit_genes) {
    const H5::DataSet set = out.array(g, "exits", exits, {n, kExitGenes},
                                      "the fold's best strategy's evolved exits and sizing (columns as /best/exits; NaN: not evolved)");
    out.texts(set, "columns", exit_gene_columns());
  }
  out.array(g, "status", status, {n}, "status code of the out-of-sample evaluation (0 = ok)");
  table(out, g, "in_sample_metrics", in_metrics, {n, c}, "metrics of the fold's best strategy over its training window", metric_columns());
  table(out, g, "out_of_sample_metrics", out_metrics, {n, c}, "metrics of the fold's best strategy over its test window",
          metric_columns());
  table(out, g, "folds", summary, {n, 8}, "per fold: summary of the two metrics tables (objective: the run's)",
          {"fold", "train_bars", "test_bars", "is_objective", "oos_objective", "is_sharpe", "oos_sharpe",
           "oos_total_return"});
  std::vector<double> stitched;
  append_metrics(stitched, wf.stitched.metrics);
  table(out, g, "metrics", stitched, {1, c}, "metrics of the stitched out-of-sample account", metric_columns());
  // Each /best strategy on every fold's test window (ValidationRow::folds).
  const std::size_t k = report.best.size();
  std::vector<double> best_metrics;
  std::vector<std::int32_t> best_status;
  for (const ValidationRow& row : report.best) {
    if (row.folds.size() != f)
      throw std::logic_error("write_validation: best strategy " + std::to_string(row.rank) + " has metrics of " +
                             std::to_string(row.folds.size()) + " folds; the walk-forward has " + std::to_string(f));
    for (const Evaluation& fold : row.folds) {
      append_metrics(best_metrics, fold.metrics);
      best_status.push_back(static_cast<std::int32_t>(fold.status));
    }
  }
  const hsize_t rows = k;
  out.texts(out.array(g, "best_metrics", best_metrics, {rows, n, c},
                      "each /best strategy (row as /best) on each fold's test window, history from the fold's train "
                      "begin; inside the bars /best was selected on, so not out of sample; 'columns' names the metrics"),
            "columns", metric_columns());
  out.array(g, "best_status", best_status, {rows, n}, "status code of each best_metrics evaluation (0 = ok)");
  std::vector<std::int64_t> times;
  if (f) {
    for (std::size_t t = wf.folds[0].fold.test.begin - 1; t < wf.folds.back().fold.test.end; ++t)
      times.push_back(report.timestamps[t]);
  }
  out.array(g, "equity", wf.stitched_equity, {static_cast<hsize_t>(wf.stitched_equity.size())},
          "equity of the stitched out-of-sample account, 1 at the close before the first test bar; times in timestamps");
  out.array(g, "timestamps", times, {static_cast<hsize_t>(times.size())}, "bar time (UTC seconds) of each equity value");
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

void write_validation(hdf5::Writer& out, const H5::Group& root, const ValidationReport& report) {
  for (const ValidationRow& row : report.best)
    if (!row.has_statistics)
      throw std::logic_error("write_validation: best strategy " + std::to_string(row.rank) +
                             " has no statistics (add_curve_statistics was not called)");
  const H5::Group g = out.group(root, "validation", "how far the best strategies can be trusted (docs/validation.md)");
  const ValidationSettings& s = report.settings;
  out.text(g, "objective", std::string(to_string(report.objective)));
  out.number(g, "bars_per_year", report.bars_per_year);
  out.text(g, "split", !report.split.enabled ? "none" : s.split.split_date.empty() ? "test-fraction" : "split-date");
  out.number(g, "test_fraction", s.split.test_fraction);
  out.text(g, "split_date", s.split.split_date);
  out.number(g, "train_begin", static_cast<std::int64_t>(report.split.train.begin));
  out.number(g, "train_end", static_cast<std::int64_t>(report.split.train.end));
  out.number(g, "test_begin", static_cast<std::int64_t>(report.split.test.begin));
  out.number(g, "test_end", static_cast<std::int64_t>(report.split.test.end));
  out.text(g, "train_period", period(report.timestamps, report.split.train));
  out.text(g, "test_period", period(report.timestamps, report.split.test));
  out.number(g, "trials", static_cast<std::int64_t>(report.trials.trials));
  out.number(g, "distinct_genomes", static_cast<std::int64_t>(report.trials.distinct_genomes));
  out.number(g, "sharpe_variance", report.trials.sharpe_variance);
  out.number(g, "expected_max_sharpe", report.trials.expected_max_sharpe);
  out.number(g, "psr_benchmark", s.psr_benchmark);
  out.number(g, "pbo_partitions", static_cast<std::int64_t>(s.pbo_partitions));
  out.number(g, "pbo_strategies", static_cast<std::int64_t>(report.pbo.strategies));
  if (report.pbo.result) {
    out.number(g, "pbo", report.pbo.result->pbo);
    out.number(g, "pbo_probability_of_loss", report.pbo.result->probability_of_loss);
  } else {
    out.text(g, "pbo_note", report.pbo.note);
  }
  out.number(g, "bootstrap_resamples", s.bootstrap_resamples);
  out.number(g, "bootstrap_block_length", s.bootstrap_block_length);

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
  out.array(g, "rank", rank, {n}, "the /best rank of each row");
  if (report.split.enabled) {
    table(out, g, "metrics", metrics, {n, c}, "metrics over the test window (out of sample), one column per name in 'columns'",
            metric_columns());
    out.array(g, "status", status, {n}, "status code of the out-of-sample evaluation (0 = ok)");
    table(out, g, "degradation", degradation, {n, c},
            "out-of-sample over in-sample value per metric (NaN where the in-sample value is 0)", metric_columns());
  }
  const auto& columns = validation_statistics_columns();
  table(out, g, "statistics", statistics, {n, static_cast<hsize_t>(columns.size())},
          "over the in-sample returns: moments, PSR, DSR, the objective and its bootstrap percentiles", columns);
  out.array(g, "bootstrap_seed", seeds, {n}, "seed of each row's bootstrap: derive_seed(seed, 2, rank)");

  if (report.pbo.result) {
    const PboResult& p = *report.pbo.result;
    const H5::Group pbo =
        out.group(g, "pbo", "CSCV over the final population's distinct strategies, one row per combination");
    const hsize_t m = p.logits.size();
    out.array(pbo, "logits", p.logits, {m}, "logit of the in-sample winner's out-of-sample relative rank");
    out.array(pbo, "is_sharpe", p.is_sharpe, {m}, "per-bar in-sample Sharpe ratio of the in-sample winner");
    out.array(pbo, "oos_sharpe", p.oos_sharpe, {m}, "per-bar out-of-sample Sharpe ratio of the in-sample winner");
    out.array(pbo, "selected", p.selected, {m}, "column of the in-sample winner among the distinct strategies");
  }
  if (report.walk_forward) write_walk_forward(out, g, *report.walk_forward, report);
}

}  // namespace genepool
