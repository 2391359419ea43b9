#pragma once
// The execution flags shared by `backtest` and `evolve`: they mean the same in both.
#include <CLI/CLI.hpp>

#include "genepool/backtest/execution.hpp"

namespace genepool::app {

// Adds --execution, --cost, --allow-short and --bars-per-year to `command`, bound to `settings`.
void add_execution_options(CLI::App& command, ExecutionSettings& settings);

}  // namespace genepool::app
