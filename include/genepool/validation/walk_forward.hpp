#pragma once
// Walk-forward analysis: an independent evolution on each fold's training window, its best
// strategy traded on the following test window, the test windows stitched into one account.
// Definitions: docs/validation.md ("Walk-forward").
#include <cstdint>
#include <functional>
#include <vector>

#include "genepool/data/bar_window.hpp"
#include "genepool/evolution/evolution.hpp"
#include "genepool/validation/validation.hpp"

namespace genepool {

struct WalkForwardFoldResult {
  Fold fold;
  std::uint64_t seed = 0;        // derive_seed(run seed, kWalkForwardStream, fold index)
  HallOfFameEntry best{};        // the fold's best strategy, with its in-sample evaluation
  bool found = false;            // false when no individual evaluated successfully
  OutOfSample out_of_sample;     // its test-window result (history from fold.train.begin)
  std::size_t evaluated = 0;     // backtests the fold's evolution ran
};

struct WalkForwardResult {
  WalkForwardSettings settings;
  std::size_t generations = 0;   // per fold
  std::vector<WalkForwardFoldResult> folds;
  // The stitched account over bars [folds[0].test.begin - 1, folds.back().test.end): each fold's
  // positions over its test window, one account throughout (a change of strategy costs only the
  // positions it changes). Metrics over its returns; equity[0] = 1 at bar folds[0].test.begin - 1.
  Evaluation stitched;
  std::vector<double> stitched_returns;
  std::vector<double> stitched_equity;
  // Walk-forward efficiency: mean over folds of the out-of-sample objective divided by the mean of
  // the in-sample objective; NaN unless every fold found a strategy and the in-sample mean is > 0.
  double efficiency = 0;
};

// Runs the folds one after another through `evaluator`, calling `set_window(fold.train)` before
// each fold's evolution (the evaluator must then evaluate on those bars only) and set_window of
// the whole data when done. `base` gives every setting but the seed, which is derived per fold.
// `on_fold` (if set) is called after each fold.
WalkForwardResult run_walk_forward(const WalkForwardSettings& settings, const EvolutionSettings& base,
                                   Evaluator& evaluator, const std::function<void(BarWindow)>& set_window,
                                   const MarketView& data, const ExecutionSettings& execution, std::size_t span,
                                   const std::function<void(const WalkForwardFoldResult&)>& on_fold = {});

// The stitched account and the efficiency of `result.folds` (run_walk_forward calls it).
void stitch(WalkForwardResult& result, const MarketView& data, const ExecutionSettings& execution,
            Objective objective);

}  // namespace genepool
