#include "genepool/validation/walk_forward.hpp"

#include <cmath>
#include <limits>
#include <vector>

#include "genepool/backtest/backtest_reference.hpp"

namespace genepool {

WalkForwardResult run_walk_forward(const WalkForwardSettings& settings, const EvolutionSettings& base,
                                   Evaluator& evaluator, const std::function<void(BarWindow)>& set_window,
                                   const MarketView& data, const ExecutionSettings& execution, std::size_t span,
                                   const std::function<void(const WalkForwardFoldResult&)>& on_fold) {
  WalkForwardResult result;
  result.settings = settings;
  result.generations = base.ga.generations;
  const std::vector<Fold> folds = walk_forward_folds(settings, span);
  for (std::size_t i = 0; i < folds.size(); ++i) {
    WalkForwardFoldResult fold;
    fold.fold = folds[i];
    fold.seed = derive_seed(base.seed, kWalkForwardStream, i);
    EvolutionSettings evolution = base;
    evolution.seed = fold.seed;
    evolution.hall_of_fame = 1;
    set_window(fold.fold.train);
    const EvolutionResult evolved = evolve(evolution, evaluator);
    fold.evaluated = evolved.evaluated_total;
    fold.found = !evolved.hall_of_fame.empty();
    if (fold.found) {
      fold.best = evolved.hall_of_fame.front();
      fold.out_of_sample = out_of_sample(data, execution, fold.best.genome, fold.fold.train.begin, fold.fold.test);
    }
    if (on_fold) on_fold(fold);
    result.folds.push_back(std::move(fold));
  }
  set_window({0, static_cast<std::size_t>(data.bars())});
  stitch(result, data, execution, base.fitness.objective);
  return result;
}

void stitch(WalkForwardResult& result, const MarketView& data, const ExecutionSettings& execution,
            Objective objective) {
  const double nan = std::numeric_limits<double>::quiet_NaN();
  result.efficiency = nan;
  result.stitched = Evaluation{};
  result.stitched_returns.clear();
  result.stitched_equity.clear();
  if (result.folds.empty()) return;
  bool complete = true;
  for (const auto& fold : result.folds)
    complete = complete && fold.found && fold.out_of_sample.evaluation.status == EvalStatus::ok;
  if (!complete) {
    result.stitched.status = EvalStatus::exception;
    return;
  }
  const std::size_t first = result.folds.front().fold.test.begin - 1;
  const std::size_t end = result.folds.back().fold.test.end;
  PositionMatrix positions(static_cast<Eigen::Index>(end - first), data.symbol_count());
  std::vector<Eigen::Index> restarts;  // each fold's first decision: its exits start there, as in its own window
  std::vector<ExitRules> rules;        // and its best genome's exits and sizing
  // Row t of fold i's positions is bar test.begin - 1 + t; fold i owns bars [test.begin - 1, test.end - 1),
  // the last fold also its last bar.
  for (std::size_t i = 0; i < result.folds.size(); ++i) {
    const auto& fold = result.folds[i];
    const std::size_t rows = fold.fold.test.size() + (i + 1 == result.folds.size() ? 1 : 0);
    restarts.push_back(static_cast<Eigen::Index>(fold.fold.test.begin - 1 - first));
    rules.push_back(exit_rules_with(execution.exits, fold.best.genome));
    positions.middleRows(static_cast<Eigen::Index>(fold.fold.test.begin - 1 - first), static_cast<Eigen::Index>(rows)) =
        fold.out_of_sample.positions.topRows(static_cast<Eigen::Index>(rows));
  }
  BacktestCurve curve;
  result.stitched.metrics = reference_backtest_positions(
      window_of(data, {0, end}), execution, positions, &curve,
      {.first = static_cast<Eigen::Index>(first), .restarts = restarts, .rules = rules});
  result.stitched.status = classify(result.stitched.metrics);
  result.stitched_returns.assign(curve.returns.begin() + 1, curve.returns.end());
  result.stitched_equity = curve.equity;

  double in = 0, out = 0;
  for (const auto& fold : result.folds) {
    in += objective_value(fold.best.evaluation.metrics, objective);
    out += objective_value(fold.out_of_sample.evaluation.metrics, objective);
  }
  if (in > 0 && std::isfinite(in) && std::isfinite(out)) result.efficiency = out / in;
}

}  // namespace genepool
