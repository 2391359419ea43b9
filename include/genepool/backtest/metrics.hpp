#pragma once
// Risk/return metrics of one backtest. Definitions: docs/metrics.md.
#include <array>
#include <cstddef>
#include <string_view>
#include <type_traits>

namespace genepool {

struct Metrics {
  double total_return = 0;      // prod(1 + r) - 1
  double cagr = 0;              // (1 + total_return)^(B / n) - 1; -1 when equity reaches <= 0
  double volatility = 0;        // std(r, ddof=1) * sqrt(B)
  double sharpe = 0;            // mean(r) / std(r, ddof=1) * sqrt(B); 0 when std is 0
  double sortino = 0;           // mean(r) / sqrt(mean(min(r, 0)^2)) * sqrt(B); 0 when there are no losses
  double max_drawdown = 0;      // max over t of 1 - equity_t / max_{s<=t} equity_s (equity_0 = 1); > 1 only if equity goes negative
  double max_drawdown_bars = 0; // longest run of bars spent below a previous equity peak
  double calmar = 0;            // cagr / max_drawdown; 0 when max_drawdown is 0
  double trades = 0;            // maximal runs of one non-zero position, summed over symbols
  double win_rate = 0;          // share of trades with a positive return; 0 without trades
  double profit_factor = 0;     // sum of winning trade returns / -sum of losing ones; +inf with no losers, 0 without trades
  double avg_trade = 0;         // mean trade return; 0 without trades
  double best_trade = 0;        // 0 without trades
  double worst_trade = 0;       // 0 without trades
  double exposure = 0;          // share of (bar, symbol) intervals holding a non-zero position
  double turnover = 0;          // sum |position change| per symbol per year
  double buy_and_hold = 0;      // mean over symbols of close[last] / close[first] - 1
  double bars = 0;              // n, the number of per-bar returns (bars - 1)
};

inline constexpr std::size_t kMetricCount = sizeof(Metrics) / sizeof(double);
static_assert(std::is_trivially_copyable_v<Metrics>);

struct MetricField {
  std::string_view name;
  double Metrics::*member;
  std::string_view description;
};

// One entry per Metrics member, in declaration order (HDF5 columns, JSON keys, reports).
const std::array<MetricField, kMetricCount>& metric_fields();

}  // namespace genepool
