// Worked examples of the execution model and every metric (docs/metrics.md), computed by hand
// on tiny panels and checked against the reference backtest.
#include <catch2/catch.hpp>

#include <algorithm>
#include <cmath>
#include <initializer_list>
#include <limits>
#include <vector>

#include "genepool/backtest/backtest_reference.hpp"
#include "genepool/error.hpp"

using namespace genepool;
using Catch::Matchers::Contains;

namespace {

// A daily panel from closes (and opens; opens = closes when none are given), one column per symbol.
MarketData panel(const std::vector<std::vector<double>>& closes, const std::vector<std::vector<double>>& opens = {}) {
  const auto bars = static_cast<Eigen::Index>(closes.front().size());
  const auto symbols = static_cast<Eigen::Index>(closes.size());
  MarketData data;
  for (Eigen::Index k = 0; k < symbols; ++k) data.symbols.emplace_back(1, static_cast<char>('A' + k));
  for (Eigen::Index t = 0; t < bars; ++t) data.timestamps.push_back(946857600 + 86400 * t);
  data.open.resize(bars, symbols);
  data.high.resize(bars, symbols);
  data.low.resize(bars, symbols);
  data.close.resize(bars, symbols);
  data.volume = PriceMatrix::Zero(bars, symbols);
  for (Eigen::Index k = 0; k < symbols; ++k) {
    for (Eigen::Index t = 0; t < bars; ++t) {
      const auto uk = static_cast<std::size_t>(k);
      const auto ut = static_cast<std::size_t>(t);
      const double close = closes[uk][ut];
      const double open = opens.empty() ? close : opens[uk][ut];
      data.close(t, k) = close;
      data.open(t, k) = open;
      data.high(t, k) = std::max(open, close);
      data.low(t, k) = std::min(open, close);
    }
  }
  validate(data, "test panel");
  return data;
}

PositionMatrix positions(const std::vector<std::vector<int>>& columns) {
  PositionMatrix m(static_cast<Eigen::Index>(columns.front().size()), static_cast<Eigen::Index>(columns.size()));
  for (std::size_t k = 0; k < columns.size(); ++k) {
    for (std::size_t t = 0; t < columns[k].size(); ++t) {
      m(static_cast<Eigen::Index>(t), static_cast<Eigen::Index>(k)) = static_cast<std::int8_t>(columns[k][t]);
    }
  }
  return m;
}

ExecutionSettings settings(Execution execution, double cost, double bars_per_year, bool allow_short = true) {
  ExecutionSettings s;
  s.execution = execution;
  s.cost = cost;
  s.bars_per_year = bars_per_year;
  s.allow_short = allow_short;
  return s;
}

Approx near(double value) { return Approx(value).epsilon(1e-12).margin(1e-12); }

}  // namespace

TEST_CASE("close execution: every metric of a long/flat worked example", "[backtest]") {
  // closes 100, 110, 99, 108.9, 98.01: h = +10%, -10%, +10%, -10%.
  // pos = 1, 1, 0, 1, 1; r_i = pos[i-1] h_i: +0.1, -0.1, 0, -0.1 (pos[4] earns nothing).
  const MarketData data = panel({{100, 110, 99, 108.9, 98.01}});
  BacktestCurve curve;
  const Metrics m = reference_backtest_positions(data, settings(Execution::close, 0, 4), positions({{1, 1, 0, 1, 1}}),
                                                 &curve);
  // equity 1, 1.1, 0.99, 0.99, 0.891
  CHECK(m.bars == 4);
  CHECK(m.total_return == near(-0.109));
  CHECK(m.cagr == near(-0.109));  // B / n = 4 / 4 = 1 year
  // mean -0.025; deviations 0.125, -0.075, 0.025, -0.075; sum of squares 0.0275; var 0.0275 / 3
  const double sd = std::sqrt(0.0275 / 3);
  CHECK(m.volatility == near(sd * 2));
  CHECK(m.sharpe == near(-0.025 / sd * 2));
  // downside: sqrt((0.01 + 0.01) / 4) = sqrt(0.005)
  CHECK(m.sortino == near(-0.025 / std::sqrt(0.005) * 2));
  // peak 1.1 from interval 1; trough 0.891: 1 - 0.891 / 1.1 = 0.19; below the peak for intervals 2, 3, 4
  CHECK(m.max_drawdown == near(0.19));
  CHECK(m.max_drawdown_bars == 3);
  CHECK(m.calmar == near(-0.109 / 0.19));
  // trades: bars 0..1 held over intervals 1, 2: 1.1 * 0.9 - 1 = -0.01; bars 3..4 over interval 4: -0.1 (open at the end)
  CHECK(m.trades == 2);
  CHECK(m.win_rate == 0);
  CHECK(m.profit_factor == 0);  // no winners
  CHECK(m.avg_trade == near(-0.055));
  CHECK(m.best_trade == near(-0.01));
  CHECK(m.worst_trade == near(-0.1));
  CHECK(m.exposure == near(0.75));  // pos[0..3] = 1, 1, 0, 1
  CHECK(m.turnover == near(3.0));   // |changes| 1 + 0 + 1 + 1 + 0 = 3 over 4 / 4 = 1 year
  CHECK(m.buy_and_hold == near(-0.0199));

  REQUIRE(curve.returns.size() == 5);
  REQUIRE(curve.equity.size() == 5);
  CHECK(curve.returns[0] == 0);
  CHECK(curve.equity[0] == 1);
  CHECK(curve.returns[1] == near(0.1));
  CHECK(curve.equity[2] == near(0.99));
  CHECK(curve.equity[4] == near(0.891));
  CHECK(curve.positions(3, 0) == 1);
}

TEST_CASE("next_open execution: the gap is earned by the previous position, the session by the new one", "[backtest]") {
  // opens  100, 110, 110, 100, 90; closes 100, 100, 120, 90, 99
  // g_i = open[i] / close[i-1] - 1: 0.1, 0.1, -1/6, 0;  h_i = close[i] / open[i] - 1: -1/11, 1/11, -0.1, 0.1
  // pos = 1, 1, 0, -1, 0, cost 0.01
  // r1 = (1 + 0 g1)(1 + 1 h1) - 1 - 0.01*1 = -1/11 - 0.01
  // r2 = (1 + g2)(1 + h2) - 1 = 1.1 * 12/11 - 1 = 0.2
  // r3 = (1 + g3)(1 + 0) - 1 - 0.01*1 = -1/6 - 0.01
  // r4 = (1 + 0)(1 - h4) - 1 - 0.01*1 = -0.11
  const MarketData data = panel({{100, 100, 120, 90, 99}}, {{100, 110, 110, 100, 90}});
  BacktestCurve curve;
  const Metrics m = reference_backtest_positions(data, settings(Execution::next_open, 0.01, 4),
                                                 positions({{1, 1, 0, -1, 0}}), &curve);
  CHECK(curve.returns[1] == near(-1.0 / 11 - 0.01));
  CHECK(curve.returns[2] == near(0.2));
  CHECK(curve.returns[3] == near(-1.0 / 6 - 0.01));
  CHECK(curve.returns[4] == near(-0.11));
  const double equity = (1 - 1.0 / 11 - 0.01) * 1.2 * (1 - 1.0 / 6 - 0.01) * 0.89;
  CHECK(m.total_return == near(equity - 1));
  // trade +1 over bars 0..1: entry 0.99, h1, then g2 and h2, then g3, exit 0.99:
  //   0.99 * 10/11 * 1.1 * 12/11 * 5/6 * 0.99 = 0.9801 * 10/11 = 0.891
  // trade -1 at bar 3: entry 0.99, h4 short (0.9), no g5 (beyond the data), exit 0.99 (pos[4] = 0): 0.88209
  CHECK(m.trades == 2);
  CHECK(m.best_trade == near(-0.109));
  CHECK(m.worst_trade == near(-0.11791));
  CHECK(m.avg_trade == near((-0.109 - 0.11791) / 2));
  CHECK(m.win_rate == 0);
  CHECK(m.exposure == near(0.75));
  CHECK(m.turnover == near(4.0));  // 1 + 0 + 1 + 1 + 1 over one year
}

TEST_CASE("close execution on the same bars ignores the opens", "[backtest]") {
  const std::vector<std::vector<double>> closes{{100, 100, 120, 90, 99}};
  const auto pos = positions({{1, 1, 0, -1, 0}});
  const Metrics with_opens = reference_backtest_positions(panel(closes, {{100, 110, 110, 100, 90}}),
                                                          settings(Execution::close, 0.01, 4), pos);
  const Metrics without = reference_backtest_positions(panel(closes), settings(Execution::close, 0.01, 4), pos);
  // r = -0.01 (entry), +0.2 (120 / 100 - 1), -0.01 (exit), -0.1 - 0.01 (short entry, 99 / 90 - 1)
  CHECK(with_opens.total_return == without.total_return);
  CHECK(with_opens.total_return == near(0.99 * 1.0 * 1.2 * 0.99 * 0.89 - 1));
}

TEST_CASE("costs are paid on entry, exit and twice on a reversal", "[backtest]") {
  // Flat prices, so only costs move equity. pos = 1, -1, -1, 0, 0, cost 0.001:
  // r1 = -0.001 (enter long), r2 = -0.002 (reverse), r3 = 0, r4 = -0.001 (exit short)
  const MarketData data = panel({{100, 100, 100, 100, 100}});
  BacktestCurve curve;
  const Metrics m = reference_backtest_positions(data, settings(Execution::close, 0.001, 4),
                                                 positions({{1, -1, -1, 0, 0}}), &curve);
  CHECK(curve.returns[1] == near(-0.001));
  CHECK(curve.returns[2] == near(-0.002));
  CHECK(curve.returns[3] == 0);
  CHECK(curve.returns[4] == near(-0.001));
  CHECK(m.total_return == near(0.999 * 0.998 * 0.999 - 1));
  // each trade pays one entry and one exit: 0.999^2 - 1; the reversal is the exit of one and the entry of the next
  CHECK(m.trades == 2);
  CHECK(m.best_trade == near(0.999 * 0.999 - 1));
  CHECK(m.worst_trade == near(0.999 * 0.999 - 1));
  CHECK(m.win_rate == 0);
  CHECK(m.profit_factor == 0);
  CHECK(m.turnover == near(4.0));  // 1 + 2 + 0 + 1 + 0
  CHECK(m.exposure == near(0.75));
  CHECK(m.max_drawdown == near(1 - 0.999 * 0.998 * 0.999));
  CHECK(m.max_drawdown_bars == 4);  // below the starting peak from interval 1 on (a flat interval too)
}

TEST_CASE("a short position earns the negative of the price return", "[backtest]") {
  // closes 100, 90, 99: h = -0.1, +0.1; pos = -1, -1, 0: r = +0.1, -0.1
  const MarketData data = panel({{100, 90, 99}});
  BacktestCurve curve;
  const Metrics m = reference_backtest_positions(data, settings(Execution::close, 0, 2), positions({{-1, -1, 0}}), &curve);
  CHECK(curve.returns[1] == near(0.1));
  CHECK(curve.returns[2] == near(-0.1));
  CHECK(m.total_return == near(-0.01));
  CHECK(m.trades == 1);
  CHECK(m.avg_trade == near(-0.01));  // 1.1 * 0.9 - 1, closed by pos[2] = 0
  CHECK(m.max_drawdown == near(0.1));
  CHECK(m.max_drawdown_bars == 1);
}

TEST_CASE("two symbols are held with equal weight, rebalanced every bar", "[backtest]") {
  // A: 100, 110, 121 held long throughout: r = 0.1, 0.1
  // B: 100, 90, 81, long only at bar 1: r = 0, -0.1
  // portfolio r = 0.05, 0.0
  const MarketData data = panel({{100, 110, 121}, {100, 90, 81}});
  BacktestCurve curve;
  const Metrics m = reference_backtest_positions(data, settings(Execution::close, 0, 2),
                                                 positions({{1, 1, 1}, {0, 1, 0}}), &curve);
  CHECK(curve.returns[1] == near(0.05));
  CHECK(curve.returns[2] == near(0.0));
  CHECK(m.total_return == near(0.05));
  CHECK(m.cagr == near(0.05));  // B / n = 2 / 2
  // trades: A 1.1 * 1.1 - 1 = 0.21 (open at the end), B 0.9 - 1 = -0.1
  CHECK(m.trades == 2);
  CHECK(m.win_rate == near(0.5));
  CHECK(m.profit_factor == near(2.1));
  CHECK(m.avg_trade == near(0.055));
  CHECK(m.best_trade == near(0.21));
  CHECK(m.worst_trade == near(-0.1));
  CHECK(m.exposure == near(0.75));   // A: 2 of 2 intervals, B: 1 of 2
  CHECK(m.turnover == near(1.5));    // changes A 1, B 2: 3 / 2 symbols / 1 year
  CHECK(m.buy_and_hold == near(0.01));  // (0.21 - 0.19) / 2
  CHECK(curve.positions.cols() == 2);
}

TEST_CASE("constant returns have zero volatility, so Sharpe, Sortino and Calmar are 0", "[backtest]") {
  // closes double every bar, always long: r = 1, 1, 1 exactly
  const MarketData data = panel({{1, 2, 4, 8}});
  const Metrics m = reference_backtest_positions(data, settings(Execution::close, 0, 3), positions({{1, 1, 1, 1}}));
  CHECK(m.total_return == 7);
  CHECK(m.cagr == near(7));
  CHECK(m.volatility == 0);
  CHECK(m.sharpe == 0);
  CHECK(m.sortino == 0);  // no negative return
  CHECK(m.max_drawdown == 0);
  CHECK(m.max_drawdown_bars == 0);
  CHECK(m.calmar == 0);
  CHECK(m.trades == 1);
  CHECK(m.win_rate == 1);
  CHECK(m.profit_factor == std::numeric_limits<double>::infinity());  // winners, no losers
  CHECK(m.best_trade == 7);
  CHECK(m.exposure == 1);
}

TEST_CASE("a strategy that never trades has zero metrics", "[backtest]") {
  const MarketData data = panel({{100, 110, 99, 108.9}});
  const Metrics m = reference_backtest_positions(data, settings(Execution::close, 0.001, 3), positions({{0, 0, 0, 0}}));
  CHECK(m.total_return == 0);
  CHECK(m.cagr == 0);
  CHECK(m.volatility == 0);
  CHECK(m.sharpe == 0);
  CHECK(m.sortino == 0);
  CHECK(m.max_drawdown == 0);
  CHECK(m.max_drawdown_bars == 0);
  CHECK(m.calmar == 0);
  CHECK(m.trades == 0);
  CHECK(m.win_rate == 0);
  CHECK(m.profit_factor == 0);
  CHECK(m.avg_trade == 0);
  CHECK(m.best_trade == 0);
  CHECK(m.worst_trade == 0);
  CHECK(m.exposure == 0);
  CHECK(m.turnover == 0);
  CHECK(m.buy_and_hold == near(0.089));
  CHECK(m.bars == 3);
}

TEST_CASE("drawdown duration counts intervals below the running peak, not at it", "[backtest]") {
  // closes 100, 110, 99, 99, 121, 110, long throughout:
  // equity 1, 1.1, 0.99, 0.99, 1.21, 1.1; below the peak at intervals 2, 3 (peak 1.1) and 5 (peak 1.21)
  const MarketData data = panel({{100, 110, 99, 99, 121, 110}});
  const Metrics m = reference_backtest_positions(data, settings(Execution::close, 0, 5), positions({{1, 1, 1, 1, 1, 1}}));
  CHECK(m.max_drawdown == near(0.1));  // 1 - 0.99 / 1.1 beats 1 - 1.1 / 1.21
  CHECK(m.max_drawdown_bars == 2);
  CHECK(m.calmar == near(m.cagr / 0.1));
  CHECK(m.trades == 1);
  CHECK(m.best_trade == near(0.1));  // 110 / 100 - 1, open at the end
  CHECK(m.profit_factor == std::numeric_limits<double>::infinity());

  // A flat stretch at the peak is not a drawdown: flat at bars 1..2 keeps equity at 1.1.
  const Metrics flat = reference_backtest_positions(data, settings(Execution::close, 0, 5),
                                                    positions({{1, 0, 0, 1, 0, 0}}));
  // r = 0.1, 0, 0, 121/99 - 1, 0: equity 1.1, 1.1, 1.1, 1.344.., 1.344..
  CHECK(flat.max_drawdown == 0);
  CHECK(flat.max_drawdown_bars == 0);
  CHECK(flat.trades == 2);
  CHECK(flat.win_rate == 1);
}

TEST_CASE("a position entered at the last close pays its entry cost in the trade, not in the returns", "[backtest]") {
  const MarketData data = panel({{100, 100, 100}});
  const Metrics m = reference_backtest_positions(data, settings(Execution::close, 0.01, 2), positions({{0, 0, 1}}));
  CHECK(m.total_return == 0);
  CHECK(m.trades == 1);
  CHECK(m.avg_trade == near(-0.01));
  CHECK(m.exposure == 0);
  CHECK(m.turnover == near(1.0));
}

TEST_CASE("equity that reaches zero or below gives a CAGR of -1", "[backtest]") {
  // short while the price triples: r1 = -2, equity -1
  const MarketData data = panel({{100, 300, 300}});
  const Metrics m = reference_backtest_positions(data, settings(Execution::close, 0, 2), positions({{-1, 0, 0}}));
  CHECK(m.total_return == near(-2));
  CHECK(m.cagr == -1);
  CHECK(m.max_drawdown == near(2));  // 1 - (-1) / 1: beyond 1 once equity is negative
  CHECK(m.calmar == near(-0.5));
}

TEST_CASE("bars per year are inferred from the timestamps when not given", "[backtest]") {
  const MarketData data = panel({{100, 110, 99, 108.9}});
  const auto pos = positions({{1, 0, 1, 0}});
  const Metrics inferred = reference_backtest_positions(data, settings(Execution::close, 0, 0), pos);
  const Metrics given = reference_backtest_positions(data, settings(Execution::close, 0, infer_bars_per_year(data)), pos);
  CHECK(inferred.sharpe == given.sharpe);
  CHECK(inferred.turnover == given.turnover);
  CHECK(infer_bars_per_year(data) == near(365.2425));  // daily bars every calendar day
}

TEST_CASE("reference backtest rejects positions of the wrong shape or value", "[backtest]") {
  const MarketData data = panel({{100, 110, 99}});
  CHECK_THROWS_AS(reference_backtest_positions(data, settings(Execution::close, 0, 1), positions({{1, 0}})),
                  ConfigError);
  CHECK_THROWS_WITH(reference_backtest_positions(data, settings(Execution::close, 0, 1), positions({{1, 0, 2}})),
                    Contains("value 2 at bar 2"));
}
