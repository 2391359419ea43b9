#pragma once
// The execution flags shared by `backtest`, `evolve` and `grid`: they mean the same in each.
#include <CLI/CLI.hpp>
#include <string_view>

#include "genepool/backtest/execution.hpp"

namespace genepool::app {

// Adds --execution, --cost, --allow-short, --bars-per-year and the exits and sizing (--stop-loss,
// --take-profit, --trailing-stop, --max-bars, --sizing, --target-vol, --vol-window, --leverage-cap)
// to `command`, bound to `settings`.
void add_execution_options(CLI::App& command, ExecutionSettings& settings);

// True when the command line or config gave one of the exits and sizing options.
bool exit_options_given(const CLI::App& command);

}  // namespace genepool::app
