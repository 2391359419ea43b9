#pragma once
// The subcommands of the genepool program; each registers its options and its action.
#include <CLI/CLI.hpp>

namespace genepool::app {

void add_strategies_command(CLI::App& app);
void add_synth_command(CLI::App& app);
void add_backtest_command(CLI::App& app);

}  // namespace genepool::app
