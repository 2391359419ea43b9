#pragma once
// The config's [ranges.NAME] tables: a strategy type's parameters narrowed (`fast = [5, 50]`) or
// fixed (`signal = 9`) for the search of `evolve` (docs/configuration.md, "Parameter ranges").
#include <string>

#include "genepool/backtest/execution.hpp"
#include "genepool/cli/config_file.hpp"
#include "genepool/ga/search_space.hpp"

namespace genepool::app {

// The search space of `file`'s [ranges] (the registry's bounds where it has none), checked against
// the registered types: throws ConfigError "FILE:LINE: key 'ranges.TYPE.PARAM': ..." for an unknown
// type or parameter (with the closest name), a value that is not a number or [lower, upper], or a
// range the type's own bounds or constraints refuse. Call once the strategy files are registered.
SearchSpace read_ranges(const ConfigFile& file);

// The exits and sizing values `file` evolves (`stop-loss = [0.01, 0.2]`, at the top level or under
// [evolve]) made genes of `space`, except those the command line of `command` fixes (`--stop-loss
// 0.05`). Throws ConfigError "FILE:LINE: key 'stop-loss': ..." for an array that is not two numbers or
// a range evolve_exit refuses, and for target-vol, vol-window or leverage-cap evolved when `sizing` is unit.
void read_exit_genes(const ConfigFile& file, const CLI::App& command, Sizing sizing, SearchSpace& space);

// For `grid`, which searches the strategies' parameters only: throws ConfigError "FILE:LINE: key
// 'stop-loss': ..." for an exit or sizing key given a range.
void refuse_exit_genes(const ConfigFile& file);

// `config_text` (KEY=VALUE lines) with the line of each evolved value showing its range:
// `stop-loss=[0.01, 0.2]` for `stop-loss=0`.
std::string with_exit_genes(const std::string& config_text, const SearchSpace& space);

// The narrowed parameters as TOML lines `ranges.TYPE.PARAM=[LOWER, UPPER]` (or `=VALUE` when fixed),
// one per line, each ending in a newline: the run's recorded configuration; "" for none.
std::string ranges_text(const SearchSpace& space);

// The evolved values and narrowed parameters for the run's printed settings:
// "stop-loss in [0.01, 0.2], sma_crossover.fast in [5, 50], macd.signal = 9".
std::string describe(const SearchSpace& space);

}  // namespace genepool::app
