#pragma once
// The plain reference backtest: reference kernels and direct loops, written for clarity,
// against which the optimised Backtester is tested.
#include "genepool/backtest.hpp"

namespace genepool {

Metrics reference_backtest(const MarketData& data, const ExecutionSettings& settings, const Genome& genome,
                           BacktestCurve* curve = nullptr);

}  // namespace genepool
