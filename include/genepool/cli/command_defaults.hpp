#pragma once
// Where the command line's defaults differ from the library's plain-data defaults: what a careful
// quant would choose when the user says nothing (docs/configuration.md, "Defaults").
#include "genepool/backtest/execution.hpp"

namespace genepool::app {

// Fill at the open after the signal's close: a rule cannot trade at the price it has just seen.
inline constexpr Execution kDefaultExecution = Execution::next_open;

// A strategy with fewer round trips is infeasible: its Sharpe, win rate and profit factor rest on
// too few outcomes to rank (a two-trade strategy otherwise wins a search on luck).
inline constexpr double kDefaultMinTrades = 5;

}  // namespace genepool::app
