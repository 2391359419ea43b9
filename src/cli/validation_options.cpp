#include "genepool/cli/validation_options.hpp"

#include <cmath>
#include <iomanip>
#include <optional>
#include <ostream>
#include <sstream>

#include "genepool/error.hpp"
#include "genepool/strategies/strategy.hpp"
#include "genepool/cli/progress.hpp"

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

Split check_validation(const ValidationSettings& settings, const MarketData& data) {
  const Split split = resolve_split(settings.split, data.timestamps);
  walk_forward_folds(settings.walk_forward, split.train.end);  // throws for folds that do not fit
  return split;
}

ValidationReport validate(const ValidationSettings& settings, const EvolutionSettings& evolution,
                          const EvolutionResult& result, const TrialRecorder& trials, const Split& split,
                          const MarketData& data, const ExecutionSettings& execution, Backtester& backtester,
                          Evaluator& evaluator,
                          const std::function<void(BarWindow)>& set_window, std::ostream* progress) {
  ValidationReport report;
  report.settings = settings;
  report.objective = evolution.fitness.objective;
  report.bars_per_year = execution.bars_per_year;
  report.split = split;
  report.timestamps = data.timestamps;
  report.trials = trial_statistics(trials, execution.bars_per_year);

  std::optional<BacktestCurve> curve(std::in_place);  // NOTE: freed before the PBO's, which needs one of its own
  for (std::size_t i = 0; i < result.hall_of_fame.size(); ++i) {
    const HallOfFameEntry& entry = result.hall_of_fame[i];
    ValidationRow row;
    row.rank = static_cast<std::int32_t>(i + 1);
    row.genome = entry.genome;
    row.in_sample = entry.evaluation.metrics;
    backtester.evaluate(entry.genome, *curve);
    const std::span<const double> returns(curve->returns.data() + 1, curve->returns.size() - 1);
    row.bootstrap_seed = derive_seed(evolution.seed, kBootstrapStream, static_cast<std::uint64_t>(row.rank));
    row.statistics = strategy_statistics(returns, report.trials, settings, report.objective, execution.bars_per_year,
                                         row.bootstrap_seed);
    if (split.enabled) {
      row.has_out_of_sample = true;
      row.out_of_sample = out_of_sample(data, execution, entry.genome, 0, split.test).evaluation;
      row.degradation = degradation(row.in_sample, row.out_of_sample.metrics);
    }
    report.best.push_back(row);
  }
  curve.reset();
  report.pbo = population_pbo(backtester, result.population, result.evaluations, settings.pbo_partitions);

  if (settings.walk_forward.folds > 0) {
    EvolutionSettings base = evolution;
    if (settings.walk_forward_generations > 0) base.ga.generations = settings.walk_forward_generations;
    const auto on_fold = [&](const WalkForwardFoldResult& fold) {
      if (progress == nullptr) return;
      *progress << "walk-forward fold " << fold.fold.train.begin << ".." << fold.fold.train.end << " -> "
                << fold.fold.test.begin << ".." << fold.fold.test.end << ": ";
      if (!fold.found) {
        *progress << "no successful strategy\n";
        return;
      }
      *progress << "in-sample " << to_string(report.objective) << ' '
                << fixed(objective_value(fold.best.evaluation.metrics, report.objective), 4) << ", out-of-sample "
                << fixed(objective_value(fold.out_of_sample.evaluation.metrics, report.objective), 4) << "  | "
                << describe(fold.best.genome) << '\n'
                << std::flush;
    };
    report.walk_forward = run_walk_forward(settings.walk_forward, base, evaluator, set_window, data, execution,
                                           split.train.end, on_fold);
    set_window(split.train);
  }
  return report;
}

void print_validation_summary(std::ostream& out, const ValidationReport& report) {
  const auto& t = report.trials;
  const double annual = std::sqrt(report.bars_per_year);
  out << "\nvalidation (docs/validation.md):\n";
  if (report.split.enabled) {
    out << "  split: train bars " << report.split.train.begin << ".." << report.split.train.end << ", test bars "
        << report.split.test.begin << ".." << report.split.test.end << '\n';
    out << "   #  sharpe IS | OOS      cagr IS | OOS        max_dd IS | OOS   sharpe OOS/IS\n";
    for (const auto& row : report.best) {
      const Metrics& i = row.in_sample;
      const Metrics& o = row.out_of_sample.metrics;
      out << std::setw(4) << row.rank << "  " << std::setw(7) << fixed(i.sharpe, 3) << " | " << std::setw(7)
          << fixed(o.sharpe, 3) << "  " << std::setw(7) << fixed(i.cagr, 3) << " | " << std::setw(7) << fixed(o.cagr, 3)
          << "  " << std::setw(7) << fixed(i.max_drawdown, 3) << " | " << std::setw(7) << fixed(o.max_drawdown, 3)
          << "  " << std::setw(9) << fixed(row.degradation.sharpe, 3) << '\n';
    }
  }
  out << "  trials (distinct strategies) " << t.trials << ", Sharpe variance " << fixed(t.sharpe_variance * report.bars_per_year, 4)
      << " (annualised), expected max Sharpe " << fixed(t.expected_max_sharpe * annual, 3) << " (annualised)\n";
  out << "   #    PSR(" << report.settings.psr_benchmark << ")    DSR   " << to_string(report.objective)
      << "   bootstrap 5% | 50% | 95%\n";
  for (const auto& row : report.best) {
    const auto& s = row.statistics;
    out << std::setw(4) << row.rank << "  " << std::setw(7) << fixed(s.psr, 4) << "  " << std::setw(6) << fixed(s.dsr, 4);
    if (s.bootstrapped) {
      out << "  " << std::setw(8) << fixed(s.bootstrap.full_sample, 3) << "   " << fixed(s.bootstrap.p05, 3) << " | "
          << fixed(s.bootstrap.p50, 3) << " | " << fixed(s.bootstrap.p95, 3);
    }
    out << '\n';
  }
  if (report.pbo.result) {
    out << "  PBO " << fixed(report.pbo.result->pbo, 4) << " over " << report.pbo.strategies
        << " distinct strategies of the final population (" << report.settings.pbo_partitions
        << " partitions); probability of loss " << fixed(report.pbo.result->probability_of_loss, 4) << '\n';
  } else {
    out << "  PBO " << report.pbo.note << '\n';
  }
  if (report.walk_forward) {
    const auto& wf = *report.walk_forward;
    const Metrics& m = wf.stitched.metrics;
    out << "  walk-forward: " << wf.folds.size() << " " << to_string(wf.settings.mode) << " folds; stitched out-of-sample sharpe "
        << fixed(m.sharpe, 3) << ", total return " << fixed(m.total_return, 4) << ", max drawdown "
        << fixed(m.max_drawdown, 3) << "; efficiency " << fixed(wf.efficiency, 3) << '\n';
  }
}

}  // namespace genepool::app
