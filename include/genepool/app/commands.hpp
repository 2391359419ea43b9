#pragma once
// The subcommands of the genepool program; each registers its options and its action.
#include <CLI/CLI.hpp>

namespace genepool::app {

void add_strategies_command(CLI::App& app);
void add_check_strategy_command(CLI::App& app);
void add_synth_command(CLI::App& app);
void add_backtest_command(CLI::App& app);
void add_report_command(CLI::App& app);
void add_export_command(CLI::App& app);
void add_collect_command(CLI::App& app);
// MPI starts inside the command (argc/argv go to MPI_Init). With `check_only` (the config fuzz
// target), `evolve` parses and checks its options and config keys, then stops: no MPI, no data.
void add_evolve_command(CLI::App& app, int& argc, char**& argv, bool check_only = false);
void add_grid_command(CLI::App& app, int& argc, char**& argv);

// Whether the command line runs a command that uses every rank of an MPI launcher (`evolve`, `grid`).
bool uses_every_rank(int argc, char** argv);

}  // namespace genepool::app
