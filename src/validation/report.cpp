#include "genepool/validation/report.hpp"

#include <algorithm>
#include <optional>

namespace genepool {

Split check_validation(const ValidationSettings& settings, const MarketView& data) {
  const Split split = resolve_split(settings.split, data.timestamps);
  walk_forward_folds(settings.walk_forward, split.train.end);  // throws for folds that do not fit
  return split;
}

void add_curve_statistics(ValidationReport& report, std::size_t i, const BacktestCurve& curve) {
  ValidationRow& row = report.best.at(i);
  const std::size_t skip = std::min(report.account_start, curve.returns.size() - 1);  // the warm-up's zeros
  const std::span<const double> returns(curve.returns.data() + 1 + skip, curve.returns.size() - 1 - skip);
  row.statistics = strategy_statistics(returns, report.trials, report.settings, report.objective, report.bars_per_year,
                                       row.bootstrap_seed);
  row.has_statistics = true;
}

ValidationReport validate(const ValidationSettings& settings, const EvolutionSettings& evolution,
                          const EvolutionResult& result, const TrialRecorder& trials, const Split& split,
                          const MarketView& data, const ExecutionSettings& execution, Backtester& backtester,
                          Evaluator& evaluator, const std::function<void(BarWindow)>& set_window,
                          const std::function<void(const WalkForwardFoldResult&)>& on_fold) {
  ValidationReport report;
  report.settings = settings;
  report.objective = evolution.fitness.objective;
  report.bars_per_year = execution.bars_per_year;
  report.account_start = execution.account_start;
  report.split = split;
  report.timestamps = data.timestamps;
  report.trials = trial_statistics(trials, execution.bars_per_year);

  // NOTE: without a split the in-sample curve is the results file's curve of the strategy, which
  // the caller computes anyway: the statistics wait for it (add_curve_statistics), so each best
  // strategy is backtested once after the evolution.
  report.statistics_pending = !split.enabled;
  std::optional<BacktestCurve> curve;  // NOTE: with a split only; freed before the PBO's, which needs one of its own
  if (split.enabled) curve.emplace();
  for (std::size_t i = 0; i < result.hall_of_fame.size(); ++i) {
    const HallOfFameEntry& entry = result.hall_of_fame[i];
    ValidationRow row;
    row.rank = static_cast<std::int32_t>(i + 1);
    row.genome = entry.genome;
    row.in_sample = entry.evaluation.metrics;
    row.bootstrap_seed = derive_seed(evolution.seed, kBootstrapStream, static_cast<std::uint64_t>(row.rank));
    if (split.enabled) {
      row.has_out_of_sample = true;
      row.out_of_sample = out_of_sample(data, execution, entry.genome, 0, split.test).evaluation;
      row.degradation = degradation(row.in_sample, row.out_of_sample.metrics);
    }
    report.best.push_back(row);
    if (split.enabled) {  // the training window's curve, which the results file does not hold
      backtester.evaluate(entry.genome, *curve);
      add_curve_statistics(report, i, *curve);
    }
  }
  curve.reset();
  report.pbo = population_pbo(backtester, result.population, result.evaluations, settings.pbo_partitions);

  if (settings.walk_forward.folds > 0) {
    EvolutionSettings base = evolution;
    if (settings.walk_forward_generations > 0) base.ga.generations = settings.walk_forward_generations;
    report.walk_forward = run_walk_forward(settings.walk_forward, base, evaluator, set_window, data, execution,
                                           split.train.end, on_fold);
    set_window(split.train);
    // Each best strategy on every fold's test window, traded as the fold's own best is there.
    for (ValidationRow& row : report.best)
      for (const WalkForwardFoldResult& fold : report.walk_forward->folds)
        row.folds.push_back(out_of_sample(data, execution, row.genome, fold.fold.train.begin, fold.fold.test).evaluation);
  }
  return report;
}

}  // namespace genepool
