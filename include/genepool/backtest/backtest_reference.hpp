#pragma once
// The plain reference backtest: reference kernels and direct loops, written for clarity,
// against which the optimised Backtester is tested.
#include "genepool/backtest/backtest.hpp"

namespace genepool {

// The execution model and metrics applied to given positions (bars × symbols, values -1/0/+1).
Metrics reference_backtest_positions(const MarketData& data, const ExecutionSettings& settings,
                                     const PositionMatrix& positions, BacktestCurve* curve = nullptr);

// Reference kernels for every symbol, then reference_backtest_positions.
Metrics reference_backtest(const MarketData& data, const ExecutionSettings& settings, const Genome& genome,
                           BacktestCurve* curve = nullptr);

}  // namespace genepool
