#pragma once
// The plain reference backtest: reference kernels and direct loops, written for clarity,
// against which the optimised Backtester is tested.
#include <span>

#include <vector>

#include "genepool/backtest/backtest.hpp"
#include "genepool/backtest/trades.hpp"

namespace genepool {

// Where an account over given positions starts, for out-of-sample windows and walk-forward folds.
struct AccountStart {
  // Bars [0, first) of the data are history: the account opens flat at bar `first`, and only
  // vol-target sizing reads the history (its realised volatility, as indicators are warmed up).
  Eigen::Index first = 0;
  // Ascending bars of the account (0 = bar `first`): the decision at each starts the exits afresh,
  // as an account opening there would (no lock from an earlier exit; a position kept is a new entry).
  std::span<const Eigen::Index> restarts;
  // Empty, or one per restart: the exits and sizing from that restart on (a walk-forward fold's best
  // genome's); the settings' before the first.
  std::span<const ExitRules> rules;
};

// The execution model and metrics applied to given positions (the account's bars × symbols,
// values -1/0/+1); curve and metrics cover the account's bars only. `start` says where the account
// opens (settings.account_start is not read here).
Metrics reference_backtest_positions(const MarketView& data, const ExecutionSettings& settings,
                                     const PositionMatrix& positions, BacktestCurve* curve = nullptr,
                                     const AccountStart& start = {});

// Reference kernels for every symbol over the whole data, then reference_backtest_positions over the
// account's bars from settings.account_start (its curve covers those bars only).
Metrics reference_backtest(const MarketView& data, const ExecutionSettings& settings, const Genome& genome,
                           BacktestCurve* curve = nullptr);

// The trades of the rule's decisions `positions` (BacktestCurve::positions of the same genome) under
// `settings` with the genome's exit genes: per symbol, in time order, the very trades whose returns
// reference_backtest_positions takes its trade metrics over.
std::vector<Trade> reference_trades(const MarketView& data, const ExecutionSettings& settings, const Genome& genome,
                                   const PositionMatrix& positions);

// The trailing stop of the same walk, bars × symbols: at bar t the price that bar t's open and low
// (high, short) are checked against, from the best price since the running trade's entry (docs/metrics.md);
// NaN where no position is held into bar t, and everywhere without a trailing stop.
Eigen::MatrixXd reference_trailing_stops(const MarketView& data, const ExecutionSettings& settings, const Genome& genome,
                                         const PositionMatrix& positions);

}  // namespace genepool
