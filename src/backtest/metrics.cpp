// The table of metric fields: one name and one-line description per Metrics member.
#include "genepool/backtest/metrics.hpp"

namespace genepool {

const std::array<MetricField, kMetricCount>& metric_fields() {
  static const std::array<MetricField, kMetricCount> fields{{
      {"total_return", &Metrics::total_return, "compounded return over the whole period: prod(1 + r) - 1"},
      {"cagr", &Metrics::cagr, "compound annual growth rate; -1 when equity reaches <= 0"},
      {"volatility", &Metrics::volatility, "annualised standard deviation of per-bar returns"},
      {"sharpe", &Metrics::sharpe, "annualised mean / standard deviation of per-bar returns (zero risk-free rate)"},
      {"sortino", &Metrics::sortino, "annualised mean / downside deviation of per-bar returns"},
      {"max_drawdown", &Metrics::max_drawdown, "largest fall of equity from a previous peak, as a fraction of the peak"},
      {"max_drawdown_bars", &Metrics::max_drawdown_bars, "longest run of bars spent below a previous equity peak"},
      {"calmar", &Metrics::calmar, "cagr / max_drawdown"},
      {"trades", &Metrics::trades, "number of trades (maximal runs of one non-zero position), all symbols"},
      {"win_rate", &Metrics::win_rate, "share of trades with a positive return"},
      {"profit_factor", &Metrics::profit_factor, "sum of winning trade returns / -sum of losing trade returns"},
      {"avg_trade", &Metrics::avg_trade, "mean trade return"},
      {"best_trade", &Metrics::best_trade, "highest trade return"},
      {"worst_trade", &Metrics::worst_trade, "lowest trade return"},
      {"exposure", &Metrics::exposure, "share of (bar, symbol) intervals holding a non-zero position"},
      {"turnover", &Metrics::turnover, "sum of |position change| per symbol per year"},
      {"buy_and_hold", &Metrics::buy_and_hold, "mean over symbols of last close / first close - 1"},
      {"bars", &Metrics::bars, "number of per-bar returns (bars - 1)"},
  }};
  return fields;
}

}  // namespace genepool
