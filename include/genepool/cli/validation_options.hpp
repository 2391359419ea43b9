#pragma once
// `evolve`'s validation: its options (docs/configuration.md), the work on rank 0 after the
// evolution (docs/validation.md), and its part of the final summary.
#include <CLI/CLI.hpp>
#include <functional>
#include <iosfwd>
#include <string>

#include "genepool/results/validation_results.hpp"

namespace genepool::app {

struct ValidationOptions {
  ValidationSettings settings;
  std::string walk_forward_mode = "rolling";
};

void add_validation_options(CLI::App& command, ValidationOptions& options);

// The settings with the mode parsed; throws ConfigError naming the key of a bad value.
ValidationSettings resolve_validation(const ValidationOptions& options);

// Checks the split and the walk-forward folds against the data (ConfigError naming the key) and
// returns the split.
Split check_validation(const ValidationSettings& settings, const MarketData& data);

// Rank 0 after the main evolution: out-of-sample metrics of the best strategies, their PSR, DSR and
// bootstrap percentiles, the PBO of the final population, and the walk-forward folds (evolutions
// through `evaluator`, whose window `set_window` moves). `backtester` runs on the bars the
// evolution saw (the evaluator's own, so rank 0 holds no second one); it is used before the folds
// move the window. Prints one line per fold to `progress` when it is set.
ValidationReport validate(const ValidationSettings& settings, const EvolutionSettings& evolution,
                          const EvolutionResult& result, const TrialRecorder& trials, const Split& split,
                          const MarketData& data, const ExecutionSettings& execution, Backtester& backtester,
                          Evaluator& evaluator,
                          const std::function<void(BarWindow)>& set_window, std::ostream* progress);

// The validation part of the final summary.
void print_validation_summary(std::ostream& out, const ValidationReport& report);

}  // namespace genepool::app
