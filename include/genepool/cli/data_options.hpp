#pragma once
// The market-data flags shared by `backtest`, `evolve` and `grid`: how several symbols are aligned.
#include <CLI/CLI.hpp>
#include <string>

#include "genepool/io/market_data_io.hpp"

namespace genepool::app {

struct DataOptions {
  std::string align = "union";
  std::size_t max_gap = kDefaultMaxGap;

  LoadOptions load() const;  // throws ConfigError naming `align` for another value
};

// Adds --align and --max-gap to `command`, bound to `options`.
void add_data_options(CLI::App& command, DataOptions& options);

}  // namespace genepool::app
