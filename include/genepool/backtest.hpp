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
  const MarketData& data_;
  ExecutionSettings settings_;
  // (implementation buffers)
};

}  // namespace genepool
