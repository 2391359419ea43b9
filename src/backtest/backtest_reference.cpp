// The plain reference backtest: every quantity of docs/metrics.md computed by its own loop,
// straight from the definition, into plain vectors. Slow and obvious on purpose.
#include "genepool/backtest/backtest_reference.hpp"

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <limits>
#include <string>
#include <vector>

#include "genepool/error.hpp"

namespace genepool {

namespace {

// Neumaier's compensated sum: accurate to a few ulps for any length, so that long series
// test the optimised sums rather than this one's rounding.
double accurate_sum(const std::vector<double>& values) {
  double sum = 0.0;
  double compensation = 0.0;
  for (const double v : values) {
    const double t = sum + v;
    compensation += std::fabs(sum) >= std::fabs(v) ? (sum - t) + v : (v - t) + sum;
    sum = t;
  }
  return sum + compensation;
}

}  // namespace

Metrics reference_backtest_positions(const MarketData& data, const ExecutionSettings& settings,
                                     const PositionMatrix& positions, BacktestCurve* curve) {
  const Eigen::Index n = data.bars();
  const Eigen::Index symbols = data.symbol_count();
  if (n < 2 || symbols < 1) throw DataError("reference backtest needs at least 2 bars and 1 symbol");
  if (positions.rows() != n || positions.cols() != symbols) {
    throw ConfigError("positions: shape " + std::to_string(positions.rows()) + " × " +
                      std::to_string(positions.cols()) + " does not match the data's " + std::to_string(n) +
                      " bars × " + std::to_string(symbols) + " symbols");
  }
  for (Eigen::Index k = 0; k < symbols; ++k) {
    for (Eigen::Index t = 0; t < n; ++t) {
      const int p = positions(t, k);
      if (p < -1 || p > 1) {
        throw ConfigError("positions: value " + std::to_string(p) + " at bar " + std::to_string(t) +
                          ", symbol " + std::to_string(k) + " is not -1, 0 or +1");
      }
    }
  }
  const double bars_per_year = settings.bars_per_year > 0 ? settings.bars_per_year : infer_bars_per_year(data);
  const double cost = settings.cost;
  const bool next_open = settings.execution == Execution::next_open;

  // pos(t, k), with pos(-1, k) = 0.
  const auto pos = [&](Eigen::Index t, Eigen::Index k) -> int { return t < 0 ? 0 : positions(t, k); };
  // The gap part g_i and the holding part h_i of interval i (from bar i-1 to bar i).
  const auto gap = [&](Eigen::Index i, Eigen::Index k) {
    return next_open ? data.open(i, k) / data.close(i - 1, k) - 1.0 : 0.0;
  };
  const auto hold = [&](Eigen::Index i, Eigen::Index k) {
    return next_open ? data.close(i, k) / data.open(i, k) - 1.0 : data.close(i, k) / data.close(i - 1, k) - 1.0;
  };

  // Per-symbol returns r_{k,i} = (1 + pos[i-2] g_i)(1 + pos[i-1] h_i) - 1 - cost |pos[i-1] - pos[i-2]|.
  std::vector<std::vector<double>> symbol_returns(static_cast<std::size_t>(symbols),
                                                  std::vector<double>(static_cast<std::size_t>(n), 0.0));
  for (Eigen::Index k = 0; k < symbols; ++k) {
    for (Eigen::Index i = 1; i < n; ++i) {
      const double a = pos(i - 2, k) * gap(i, k);
      const double b = pos(i - 1, k) * hold(i, k);
      // (1 + a)(1 + b) - 1 written as a + b + ab: exactly b when a is 0.
      symbol_returns[static_cast<std::size_t>(k)][static_cast<std::size_t>(i)] =
          (a + b + a * b) - cost * std::abs(pos(i - 1, k) - pos(i - 2, k));
    }
  }

  // Portfolio: equal weight, rebalanced every bar. returns[j] is interval j + 1.
  std::vector<double> returns;
  for (Eigen::Index i = 1; i < n; ++i) {
    double sum = 0.0;
    for (Eigen::Index k = 0; k < symbols; ++k) sum += symbol_returns[static_cast<std::size_t>(k)][static_cast<std::size_t>(i)];
    returns.push_back(sum / static_cast<double>(symbols));
  }
  const double count = static_cast<double>(returns.size());

  // Equity: E_0 = 1, E_i = E_{i-1} (1 + r_i).
  std::vector<double> equity{1.0};
  for (const double r : returns) equity.push_back(equity.back() * (1.0 + r));

  Metrics m;
  m.bars = count;
  m.total_return = equity.back() - 1.0;

  const bool ruined = std::any_of(equity.begin(), equity.end(), [](double e) { return e <= 0; });
  m.cagr = ruined ? -1.0 : std::pow(1.0 + m.total_return, bars_per_year / count) - 1.0;

  const double mean = accurate_sum(returns) / count;
  std::vector<double> squares;
  for (const double r : returns) squares.push_back((r - mean) * (r - mean));
  const double sd = returns.size() >= 2 ? std::sqrt(accurate_sum(squares) / (count - 1)) : 0.0;
  m.volatility = sd * std::sqrt(bars_per_year);
  m.sharpe = sd > 0 ? mean / sd * std::sqrt(bars_per_year) : 0.0;

  std::vector<double> downside_squares;
  for (const double r : returns) downside_squares.push_back(std::min(r, 0.0) * std::min(r, 0.0));
  const double downside = std::sqrt(accurate_sum(downside_squares) / count);
  m.sortino = downside > 0 ? mean / downside * std::sqrt(bars_per_year) : 0.0;

  double peak = equity[0];
  double below = 0;
  for (std::size_t i = 1; i < equity.size(); ++i) {
    peak = std::max(peak, equity[i]);
    m.max_drawdown = std::max(m.max_drawdown, 1.0 - equity[i] / peak);
    below = equity[i] < peak ? below + 1 : 0;
    m.max_drawdown_bars = std::max(m.max_drawdown_bars, below);
  }
  m.calmar = m.max_drawdown > 0 ? m.cagr / m.max_drawdown : 0.0;

  // Trades: maximal runs a..b of one non-zero position p, per symbol.
  std::vector<double> trades;
  for (Eigen::Index k = 0; k < symbols; ++k) {
    Eigen::Index t = 0;
    while (t < n) {
      const int p = pos(t, k);
      if (p == 0) {
        ++t;
        continue;
      }
      const Eigen::Index a = t;
      Eigen::Index b = t;
      while (b + 1 < n && pos(b + 1, k) == p) ++b;
      double value = 1.0 - cost * std::abs(p);  // entry fill
      if (next_open) {
        // h over intervals a+1..b+1 and g over a+2..b+2: the gap before the open of each interval first.
        for (Eigen::Index i = a + 1; i <= std::min(b + 2, n - 1); ++i) {
          if (i >= a + 2) value *= 1.0 + p * gap(i, k);
          if (i <= b + 1) value *= 1.0 + p * hold(i, k);
        }
      } else {
        for (Eigen::Index i = a + 1; i <= std::min(b + 1, n - 1); ++i) value *= 1.0 + p * hold(i, k);
      }
      if (b < n - 1) value *= 1.0 - cost * std::abs(p);  // exit fill, when the data closes the trade
      trades.push_back(value - 1.0);
      t = b + 1;
    }
  }
  m.trades = static_cast<double>(trades.size());
  if (!trades.empty()) {
    double wins = 0, gains = 0, losses = 0, total = 0;
    m.best_trade = trades[0];
    m.worst_trade = trades[0];
    for (const double ret : trades) {
      if (ret > 0) {
        wins += 1;
        gains += ret;
      }
      if (ret < 0) losses += ret;
      total += ret;
      m.best_trade = std::max(m.best_trade, ret);
      m.worst_trade = std::min(m.worst_trade, ret);
    }
    m.win_rate = wins / m.trades;
    m.avg_trade = total / m.trades;
    if (losses < 0) {
      m.profit_factor = gains / -losses;
    } else {
      m.profit_factor = gains > 0 ? std::numeric_limits<double>::infinity() : 0.0;
    }
  }

  double held = 0;
  for (Eigen::Index k = 0; k < symbols; ++k) {
    for (Eigen::Index i = 1; i < n; ++i) held += pos(i - 1, k) != 0 ? 1 : 0;
  }
  m.exposure = held / (count * static_cast<double>(symbols));

  double changes = 0;
  for (Eigen::Index k = 0; k < symbols; ++k) {
    for (Eigen::Index t = 0; t < n; ++t) changes += std::abs(pos(t, k) - pos(t - 1, k));
  }
  m.turnover = changes / static_cast<double>(symbols) / (count / bars_per_year);

  double buy_and_hold = 0;
  for (Eigen::Index k = 0; k < symbols; ++k) buy_and_hold += data.close(n - 1, k) / data.close(0, k) - 1.0;
  m.buy_and_hold = buy_and_hold / static_cast<double>(symbols);

  if (curve != nullptr) {
    curve->positions = positions;
    curve->returns.assign(1, 0.0);
    curve->returns.insert(curve->returns.end(), returns.begin(), returns.end());
    curve->equity = equity;
  }
  return m;
}

Metrics reference_backtest(const MarketData& data, const ExecutionSettings& settings, const Genome& genome,
                           BacktestCurve* curve) {
  const StrategyType& type = strategy_of(genome);
  check_params(type, genome.params.data());
  PositionMatrix positions(data.bars(), data.symbol_count());
  for (Eigen::Index k = 0; k < data.symbol_count(); ++k) {
    const SymbolSeries series{data.open.col(k).data(), data.high.col(k).data(), data.low.col(k).data(),
                              data.close.col(k).data(), static_cast<std::size_t>(data.bars())};
    type.reference_kernel(series, genome.params.data(), settings.allow_short, positions.col(k).data());
  }
  return reference_backtest_positions(data, settings, positions, curve);
}

}  // namespace genepool
