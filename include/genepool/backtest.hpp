#pragma once
// The optimised backtest: genome + market data -> metrics, with no heap allocation per evaluation.
#include <cstdint>
#include <vector>

#include "genepool/execution.hpp"
#include "genepool/genome.hpp"
#include "genepool/market_data.hpp"
#include "genepool/metrics.hpp"
#include "genepool/strategy.hpp"

namespace genepool {

// Per-bar detail of one backtest, for equity curves and exports. Index t is bar t:
// positions(t, k) is the position decided at close t for symbol k; returns[t] is the
// portfolio return of the interval (t-1, t] (returns[0] = 0); equity[t] = prod(1 + returns[0..t]).
using PositionMatrix = Eigen::Matrix<std::int8_t, Eigen::Dynamic, Eigen::Dynamic>;  // bars × symbols

struct BacktestCurve {
  PositionMatrix positions;
  std::vector<double> returns;
  std::vector<double> equity;
};

class Backtester {
 public:
  // Keeps a reference to `data` (which must outlive it), resolves bars_per_year, and
  // allocates every buffer an evaluation needs.
  Backtester(const MarketData& data, const ExecutionSettings& settings);

  // Throws ConfigError for a genome whose type or parameters are invalid (see check_params).
  Metrics evaluate(const Genome& genome);
  Metrics evaluate(const Genome& genome, BacktestCurve& curve);

  const ExecutionSettings& settings() const { return settings_; }  // bars_per_year resolved
  const MarketData& data() const { return data_; }

 private:
  struct Tally;  // per-evaluation counters and trade statistics (backtest.cpp)

  Metrics evaluate_into(const Genome& genome, BacktestCurve* curve);
  void run_kernel(const StrategyType& type, const Genome& genome, std::size_t symbol);
  template <bool kNextOpen>
  void accumulate_symbol(std::size_t symbol, Tally& tally);
  Metrics close_single_symbol(Tally& tally) const;
  Metrics portfolio_metrics(const Tally& tally, BacktestCurve* curve);

  const MarketData& data_;
  ExecutionSettings settings_;
  std::size_t bars_ = 0;
  std::size_t symbols_ = 0;
  double buy_and_hold_ = 0;            // independent of the genome, computed once
  KernelScratch scratch_;
  std::vector<std::int8_t> positions_; // bars + 1: positions_[0] = 0 (pos[-1]), positions_[t + 1] = pos[t]
  std::vector<double> hold_;           // symbol-major, bars per symbol: h_i of interval i (index 0 unused)
  std::vector<double> gap_;            // likewise g_i; empty for close execution
  std::vector<double> portfolio_;      // bars: sum over symbols of r_{k,i} (multi-symbol or next_open path)
};

}  // namespace genepool
