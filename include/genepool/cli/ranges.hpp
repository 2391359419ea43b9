#pragma once
// The config's [ranges.NAME] tables: a strategy type's parameters narrowed (`fast = [5, 50]`) or
// fixed (`signal = 9`) for the search of `evolve` (docs/configuration.md, "Parameter ranges").
#include <string>

#include "genepool/cli/config_file.hpp"
#include "genepool/ga/search_space.hpp"

namespace genepool::app {

// The search space of `file`'s [ranges] (the registry's bounds where it has none), checked against
// the registered types: throws ConfigError "FILE:LINE: key 'ranges.TYPE.PARAM': ..." for an unknown
// type or parameter (with the closest name), a value that is not a number or [lower, upper], or a
// range the type's own bounds or constraints refuse. Call once the strategy files are registered.
SearchSpace read_ranges(const ConfigFile& file);

// The narrowed parameters as TOML lines `ranges.TYPE.PARAM=[LOWER, UPPER]` (or `=VALUE` when fixed),
// one per line, each ending in a newline: the run's recorded configuration; "" for none.
std::string ranges_text(const SearchSpace& space);

// The narrowed parameters for the run's printed settings: "sma_crossover.fast in [5, 50], macd.signal = 9".
std::string describe(const SearchSpace& space);

}  // namespace genepool::app
