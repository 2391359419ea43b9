#pragma once
// The validation of a run (docs/validation.md): what it found out about the best strategies, and
// the driver that works it out on rank 0 after the evolution.
#include <cstdint>
#include <functional>
#include <optional>
#include <span>
#include <vector>

#include "genepool/validation/validation.hpp"
#include "genepool/validation/walk_forward.hpp"

namespace genepool {

// One of the best strategies (/best rank `rank`).
struct ValidationRow {
  std::int32_t rank = 0;
  Genome genome{};
  Metrics in_sample;               // over the training window (the whole data without a split)
  bool has_out_of_sample = false;  // a split was set
  Evaluation out_of_sample;
  Metrics degradation;             // out_of_sample / in_sample per metric
  StrategyStatistics statistics;   // over the in-sample returns
  bool has_statistics = false;     // statistics are filled in
  std::uint64_t bootstrap_seed = 0;
  // With walk-forward folds: the strategy over each fold's test window, as the fold's own best is
  // traded there (out_of_sample with history from the fold's train begin), in fold order. Those
  // bars lie inside the ones it was selected on: a profile over time, not out-of-sample evidence.
  std::vector<Evaluation> folds;
};

struct ValidationReport {
  ValidationSettings settings;
  Objective objective = Objective::sharpe;
  double bars_per_year = 0;
  std::size_t account_start = 0;  // --start: the curves' returns before it are warm-up, left out of the statistics
  Split split;
  std::span<const std::int64_t> timestamps;  // of the whole data (not copied: the data outlives the report)
  TrialStatistics trials;
  std::vector<ValidationRow> best;
  bool statistics_pending = false;  // the rows' statistics wait for add_curve_statistics (validate)
  PopulationPbo pbo;
  std::optional<WalkForwardResult> walk_forward;
};

// Checks the split and the walk-forward folds against the data (ConfigError naming the key) and
// returns the split.
Split check_validation(const ValidationSettings& settings, const MarketView& data);

// After the main evolution: out-of-sample metrics of the best strategies, their PSR, DSR and
// bootstrap percentiles (left to add_curve_statistics when there is no split: statistics_pending), the PBO of the final population, and the walk-forward folds (evolutions
// through `evaluator`, whose window `set_window` moves; back on split.train at the end) with each
// best strategy's metrics on every fold's test window (ValidationRow::folds).
// `backtester` runs on the bars the evolution saw (the evaluator's own, so rank 0 holds no second
// one); it is used before the folds move the window. `on_fold` (if set) is called after each fold.
ValidationReport validate(const ValidationSettings& settings, const EvolutionSettings& evolution,
                          const EvolutionResult& result, const TrialRecorder& trials, const Split& split,
                          const MarketView& data, const ExecutionSettings& execution, Backtester& backtester,
                          Evaluator& evaluator, const std::function<void(BarWindow)>& set_window,
                          const std::function<void(const WalkForwardFoldResult&)>& on_fold = {});

// Best strategy i's statistics from its in-sample curve (where validate() left them pending: the
// curve over the whole data, which the results file's curve pass computes).
void add_curve_statistics(ValidationReport& report, std::size_t i, const BacktestCurve& curve);

}  // namespace genepool
