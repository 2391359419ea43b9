#include "genepool/cli/validation_options.hpp"

#include <cmath>
#include <iomanip>
#include <optional>
#include <ostream>
#include <sstream>

#include "genepool/error.hpp"
#include "genepool/strategies/strategy.hpp"
#include "genepool/cli/progress.hpp"
#include "genepool/validation/readings.hpp"

namespace genepool::app {
namespace {

std::string fixed(double value, int digits) {
  if (std::isnan(value)) return "n/a";
  std::ostringstream text;
  text << std::fixed << std::setprecision(digits) << value;
  return text.str();
}

}  // namespace

void add_validation_options(CLI::App& command, ValidationOptions& options) {
  ValidationSettings& s = options.settings;
  command.add_option("--test-fraction", s.split.test_fraction,
                     "Share of the bars, from the end, held out of the evolution for out-of-sample tests (0 = none)")
      ->check(CLI::Range(0.0, 0.99))->capture_default_str();
  command.add_option("--split-date", s.split.split_date,
                     "First out-of-sample bar: the first bar at or after this UTC date (YYYY-MM-DD[ HH:MM[:SS]])");
  command.add_option("--walk-forward-folds", s.walk_forward.folds, "Walk-forward folds (0 = no walk-forward)")
      ->check(CLI::Range(std::size_t{0}, std::size_t{1000}))->capture_default_str();
  command.add_option("--walk-forward-mode", options.walk_forward_mode,
                     "Training windows: rolling (fixed length) or anchored (from the first bar)")
      ->check(CLI::IsMember({"rolling", "anchored"}))->capture_default_str();
  command.add_option("--walk-forward-train-bars", s.walk_forward.train_bars,
                     "Bars of the (first) training window (0 = derived)")
      ->check(CLI::Range(std::size_t{0}, std::size_t{1'000'000'000}))->capture_default_str();
  command.add_option("--walk-forward-test-bars", s.walk_forward.test_bars, "Bars of each test window (0 = derived)")
      ->check(CLI::Range(std::size_t{0}, std::size_t{1'000'000'000}))->capture_default_str();
  command.add_option("--walk-forward-generations", s.walk_forward_generations,
                     "Generations of each fold's evolution (0 = as --generations)")
      ->check(CLI::Range(std::size_t{0}, std::size_t{1'000'000}))->capture_default_str();
  command.add_option("--psr-benchmark", s.psr_benchmark, "Annualised Sharpe ratio the PSR is measured against")
      ->check(CLI::Range(-100.0, 100.0))->capture_default_str();
  command.add_option("--pbo-partitions", s.pbo_partitions,
                     "Partitions S of the PBO's cross-validation: even, 2 to 20 (0 = no PBO)")
      ->check(CLI::Range(0, kMaxPboPartitions))->capture_default_str();
  command.add_option("--bootstrap-resamples", s.bootstrap_resamples,
                     "Block-bootstrap resamples per best strategy (0 = no bootstrap)")
      ->check(CLI::Range(std::int64_t{0}, kMaxBootstrapResamples))->capture_default_str();
  command.add_option("--bootstrap-block-length", s.bootstrap_block_length,
                     "Bars per bootstrap block (0 = round(n^(1/3)))")
      ->check(CLI::Range(std::int64_t{0}, std::int64_t{1'000'000'000}))->capture_default_str();
}

ValidationSettings resolve_validation(const ValidationOptions& options) {
  ValidationSettings s = options.settings;
  s.walk_forward.mode = parse_walk_forward_mode(options.walk_forward_mode, "walk-forward-mode");
  if (s.pbo_partitions % 2 != 0)
    throw ConfigError("pbo-partitions: " + std::to_string(s.pbo_partitions) + " is odd; expected an even number from 2 to " +
                      std::to_string(kMaxPboPartitions) + ", or 0 for no PBO");
  return s;
}

void print_walk_forward_fold(std::ostream& out, const WalkForwardFoldResult& fold, Objective objective) {
  out << "walk-forward fold " << fold.fold.train.begin << ".." << fold.fold.train.end << " -> " << fold.fold.test.begin
      << ".." << fold.fold.test.end << ": ";
  if (!fold.found) {
    out << "no successful strategy\n";
    return;
  }
  out << "in-sample " << to_string(objective) << ' ' << fixed(objective_value(fold.best.evaluation.metrics, objective), 4)
      << ", out-of-sample " << fixed(objective_value(fold.out_of_sample.evaluation.metrics, objective), 4) << "  | "
      << describe(fold.best.genome) << '\n'
      << std::flush;
}

void print_validation_summary(std::ostream& out, const ValidationReport& report) {
  const auto& t = report.trials;
  const double annual = std::sqrt(report.bars_per_year);
  const auto cell = [](const std::string& text, int width) {
    std::ostringstream padded;
    padded << std::setw(width) << text;
    return padded.str();
  };
  out << "\nvalidation (docs/validation.md)\n";
  if (report.split.enabled) {
    out << "out of sample first: test bars " << report.split.test.begin << ".." << report.split.test.end
        << " (held out); in sample: training bars " << report.split.train.begin << ".." << report.split.train.end
        << " (the evolution's)\n";
    out << "   #  " << std::left << std::setw(22) << "strategy" << std::right
        << "  sharpe OOS   IS  OOS/IS    cagr OOS       IS   max_dd OOS       IS  trades OOS   IS\n";
    for (const auto& row : report.best) {
      const Metrics& i = row.in_sample;
      const Metrics& o = row.out_of_sample.metrics;
      out << std::setw(4) << row.rank << "  " << std::left << std::setw(22) << strategy_of(row.genome).name
          << std::right << cell(fixed(o.sharpe, 3), 12) << cell(fixed(i.sharpe, 3), 7)
          << cell(fixed(row.degradation.sharpe, 2), 8) << cell(fixed(o.cagr, 4), 12) << cell(fixed(i.cagr, 4), 9)
          << cell(fixed(o.max_drawdown, 4), 13) << cell(fixed(i.max_drawdown, 4), 9)
          << cell(fixed(o.trades, 0), 12) << cell(fixed(i.trades, 0), 5) << '\n';
    }
    out << "  (sharpe annualised; cagr and max_dd fractions; OOS/IS = the out-of-sample sharpe over the in-sample)\n";
  }
  if (report.walk_forward) {
    const auto& wf = *report.walk_forward;
    const Metrics& m = wf.stitched.metrics;
    out << "walk-forward, out of sample: " << wf.folds.size() << " " << to_string(wf.settings.mode)
        << " folds stitched: sharpe " << fixed(m.sharpe, 3) << " (annualised), total return " << fixed(m.total_return, 4)
        << ", cagr " << fixed(m.cagr, 4) << ", max drawdown " << fixed(m.max_drawdown, 4) << "; efficiency "
        << fixed(wf.efficiency, 3) << " (out-of-sample over in-sample objective)\n";
  }
  out << "overfitting: " << t.trials << " trials (distinct strategies), variance of their Sharpe ratios "
      << fixed(t.sharpe_variance * report.bars_per_year, 4) << " (annualised), expected best Sharpe of as many "
      << "trials without skill " << fixed(t.expected_max_sharpe * annual, 3) << " (annualised)\n";
  out << "   #      PSR     DSR   " << std::left << std::setw(12) << to_string(report.objective) << std::right
      << "bootstrap 5% | 50% | 95%   (PSR vs Sharpe " << report.settings.psr_benchmark
      << " annualised; over the in-sample returns)\n";
  for (const auto& row : report.best) {
    const auto& s = row.statistics;
    out << std::setw(4) << row.rank << cell(fixed(s.psr, 4), 9) << cell(fixed(s.dsr, 4), 8) << "   ";
    if (s.bootstrapped) {
      out << std::left << std::setw(12) << fixed(s.bootstrap.full_sample, 3) << std::right << fixed(s.bootstrap.p05, 3)
          << " | " << fixed(s.bootstrap.p50, 3) << " | " << fixed(s.bootstrap.p95, 3);
    }
    out << '\n';
  }
  if (!report.best.empty()) out << "  #1 " << dsr_reading(report.best.front().statistics.dsr, t.trials) << '\n';
  if (report.pbo.result) {
    out << "  " << pbo_reading(report.pbo.result->pbo) << " (" << report.pbo.strategies
        << " distinct strategies of the final population, " << report.settings.pbo_partitions
        << " partitions; probability of loss " << fixed(report.pbo.result->probability_of_loss, 4) << ")\n";
  } else {
    out << "  PBO " << report.pbo.note << '\n';
  }
}

}  // namespace genepool::app
