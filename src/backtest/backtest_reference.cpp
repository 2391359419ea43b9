// The plain reference backtest: every quantity of docs/metrics.md computed by its own loop,
// straight from the definition, into plain vectors. Slow and obvious on purpose.
#include "genepool/backtest/backtest_reference.hpp"

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <limits>
#include <span>
#include <string>
#include <vector>

#include "genepool/data/bar_window.hpp"
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

// Population standard deviation of the `window` close-to-close returns up to bar t, annualised;
// the vol-target position size min(cap, target / vol) (cap when vol is 0), or 0 before t >= window.
double reference_size(const MarketView& data, Eigen::Index k, Eigen::Index t, const ExitRules& rules,
                      double bars_per_year) {
  if (rules.sizing == Sizing::unit) return 1.0;
  const auto window = static_cast<Eigen::Index>(rules.vol_window);
  if (t < window) return 0.0;
  double mean = 0;
  for (Eigen::Index j = t - window + 1; j <= t; ++j) mean += data.close(j, k) / data.close(j - 1, k) - 1.0;
  mean /= static_cast<double>(window);
  double squares = 0;
  for (Eigen::Index j = t - window + 1; j <= t; ++j) {
    const double d = data.close(j, k) / data.close(j - 1, k) - 1.0 - mean;
    squares += d * d;
  }
  const double vol = std::sqrt(squares / static_cast<double>(window) * bars_per_year);
  return vol > 0 ? std::min(rules.leverage_cap, rules.target_vol / vol) : rules.leverage_cap;
}

// One symbol's history under exits and sizing: every fill in time order, and the position held at each close.
struct Fill {
  Eigen::Index bar;
  enum Phase { open, intrabar, close, end } phase;  // `end`: the last decision, which no price fills
  double price;
  double position;  // after the fill
  ExitReason reason;  // what closes the running trade, when the fill does
};

struct Managed {
  std::vector<Fill> fills;
  std::vector<double> at_close;  // at_close[t]: the position held at the close of bar t
  std::vector<double> trailing;  // trailing[t]: the trailing stop's price bar t's prices are checked against; NaN: none
};

int sign_of(double x) { return (x > 0) - (x < 0); }

// The fill rules of docs/metrics.md ("Exits and sizing"), bar by bar.
Managed manage(const MarketView& data, const ExecutionSettings& settings, const PositionMatrix& decisions,
               Eigen::Index k, double bars_per_year, const MarketView& history, const AccountStart& start) {
  const std::span<const Eigen::Index> restarts = start.restarts;
  const ExitRules* in_force = &settings.exits;  // the rules of the account's part being filled
  const bool next_open = settings.execution == Execution::next_open;
  const Eigen::Index n = data.bars();
  Managed out;
  double x = 0;         // the position now
  double entry = 0;     // the running trade's entry price
  double extreme = 0;   // its highest high (long) or lowest low (short) of the bars ended since entry
  double bars_held = 0; // closes it has been held through
  int lock = 0;         // after an exit of direction s: decisions s are ignored until one is not s
  bool fresh = false;   // the decision being filled restarts the exits
  std::size_t next_restart = 0;
  const auto fill = [&](Eigen::Index bar, Fill::Phase phase, double price, double position, ExitReason reason) {
    out.fills.push_back({bar, phase, price, position, reason});
    if (sign_of(position) != 0 && (fresh || sign_of(position) != sign_of(x))) {  // a new trade
      entry = price;
      extreme = price;
      bars_held = 0;
    }
    x = position;
  };
  const auto decide = [&](Eigen::Index t, Eigen::Index bar, Fill::Phase phase, double price) {
    int d = decisions(t, k);
    while (next_restart < restarts.size() && restarts[next_restart] < t) ++next_restart;
    fresh = next_restart < restarts.size() && restarts[next_restart] == t;
    if (fresh) lock = 0;
    if (fresh && !start.rules.empty()) in_force = &start.rules[next_restart];
    const ExitRules& rules = *in_force;
    if (lock != 0) {
      if (d == lock) {
        d = 0;
      } else {
        lock = 0;
      }
    }
    fill(bar, phase, price, d * reference_size(history, k, start.first + t, rules, bars_per_year), ExitReason::rule);
    fresh = false;
  };
  const auto exit = [&](Eigen::Index bar, Fill::Phase phase, double price, ExitReason reason) {
    lock = sign_of(x);
    fill(bar, phase, price, 0.0, reason);
  };
  for (Eigen::Index t = 0; t < n; ++t) {
    if (next_open && t > 0) decide(t - 1, t, Fill::open, data.open(t, k));
    const ExitRules& rules = *in_force;
    out.trailing.push_back(std::numeric_limits<double>::quiet_NaN());
    if (x != 0) {
      const double s = sign_of(x);
      // The stop (the tighter of stop-loss and trailing stop) and the target, as prices.
      double stop = s > 0 ? -std::numeric_limits<double>::infinity() : std::numeric_limits<double>::infinity();
      ExitReason stop_reason = ExitReason::stop;
      if (rules.stop_loss > 0) stop = entry * (1 - s * rules.stop_loss);
      if (rules.trailing_stop > 0) {
        const double trail = extreme * (1 - s * rules.trailing_stop);
        out.trailing.back() = trail;
        if (s * trail > s * stop) {
          stop = trail;
          stop_reason = ExitReason::trailing;
        }
      }
      const double target = rules.take_profit > 0 ? entry * (1 + s * rules.take_profit) : s * std::numeric_limits<double>::infinity();
      const double open = data.open(t, k);
      const double worst = s > 0 ? data.low(t, k) : data.high(t, k);
      const double best = s > 0 ? data.high(t, k) : data.low(t, k);
      if (s * open <= s * stop) {
        exit(t, Fill::open, open, stop_reason);
      } else if (s * open >= s * target) {
        exit(t, Fill::open, open, ExitReason::target);
      } else if (s * worst <= s * stop) {
        exit(t, Fill::intrabar, stop, stop_reason);
      } else if (s * best >= s * target) {
        exit(t, Fill::intrabar, target, ExitReason::target);
      }
    }
    if (x != 0) {  // the bar ends with the position still on: the trailing extreme and the count move
      extreme = x > 0 ? std::max(extreme, data.high(t, k)) : std::min(extreme, data.low(t, k));
      bars_held += 1;
      if (rules.max_bars > 0 && bars_held >= rules.max_bars) exit(t, Fill::close, data.close(t, k), ExitReason::max_bars);
    }
    if (!next_open) decide(t, t, Fill::close, data.close(t, k));
    out.at_close.push_back(x);
  }
  if (next_open) decide(n - 1, n - 1, Fill::end, 0.0);
  return out;
}

// Availability (docs/metrics.md, "Panels"): symbol k may hold a position decided at close t only when
// it is live at bar t and, but for the last bar, at bar t + 1.
bool may_hold(const MarketView& data, Eigen::Index t, Eigen::Index k) {
  return data.is_live(t, k) && (t + 1 == data.bars() || data.is_live(t + 1, k));
}

// The positions, flat wherever a symbol cannot hold one.
PositionMatrix holdable_positions(const MarketView& data, const PositionMatrix& given) {
  PositionMatrix positions = given;
  if (data.always_live()) return positions;  // every symbol may hold a position at every bar
  for (Eigen::Index k = 0; k < positions.cols() && k < data.symbol_count(); ++k)
    for (Eigen::Index t = 0; t < positions.rows() && t < data.bars(); ++t)
      if (!may_hold(data, t, k)) positions(t, k) = 0;
  return positions;
}

// The positions given for `data`, checked (shape, values -1, 0, +1) and flat where a symbol cannot hold one.
PositionMatrix checked_positions(const MarketView& data, const PositionMatrix& given) {
  PositionMatrix positions = holdable_positions(data, given);
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
  return positions;
}

// Without exits or sizing, the trades: each maximal run a..b of one non-zero position p of a symbol,
// per symbol in time order, its value compounded over the intervals it is held (docs/metrics.md, "Trades").
std::vector<Trade> rule_trades(const MarketView& data, const PositionMatrix& positions, double cost, bool next_open) {
  const Eigen::Index n = data.bars();
  const auto pos = [&](Eigen::Index t, Eigen::Index k) -> int { return t < 0 ? 0 : positions(t, k); };
  const auto gap = [&](Eigen::Index i, Eigen::Index k) {
    return next_open ? data.open(i, k) / data.close(i - 1, k) - 1.0 : 0.0;
  };
  const auto hold = [&](Eigen::Index i, Eigen::Index k) {
    return next_open ? data.close(i, k) / data.open(i, k) - 1.0 : data.close(i, k) / data.close(i - 1, k) - 1.0;
  };
  std::vector<Trade> trades;
  for (Eigen::Index k = 0; k < data.symbol_count(); ++k) {
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
      // The fills: at the close of the decisions' bars, or at the next bars' opens; a decision at the
      // last close fills after the data (an entry there is valued at that close).
      Trade trade{.symbol = k, .direction = p, .size = 1.0};
      if (next_open && a + 1 < n) {
        trade.entry_bar = a + 1;
        trade.entry_price = data.open(a + 1, k);
      } else {
        trade.entry_bar = a;
        trade.entry_price = data.close(a, k);
      }
      if (b == n - 1) {
        trade.reason = ExitReason::end_of_data;
        trade.exit_bar = n - 1;
        trade.exit_price = data.close(n - 1, k);
      } else if (next_open && b + 2 < n) {
        trade.exit_bar = b + 2;
        trade.exit_price = data.open(b + 2, k);
      } else {
        trade.exit_bar = next_open ? n - 1 : b + 1;
        trade.exit_price = data.close(trade.exit_bar, k);
      }
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
      trade.ret = value - 1.0;
      trades.push_back(trade);
      t = b + 1;
    }
  }
  return trades;
}

// The account over `data` (bars start.first.. of `history`).
Metrics account(const MarketView& data, const MarketView& history, const ExecutionSettings& settings,
                const PositionMatrix& given, BacktestCurve* curve, const AccountStart& start,
                std::vector<Trade>* trade_list = nullptr) {
  const PositionMatrix positions = checked_positions(data, given);
  const Eigen::Index n = data.bars();
  const Eigen::Index symbols = data.symbol_count();
  check_exit_rules(settings.exits);
  if (!start.rules.empty() && start.rules.size() != start.restarts.size())
    throw Error("reference backtest: " + std::to_string(start.rules.size()) + " exit rules for " +
                std::to_string(start.restarts.size()) + " restarts");
  for (const ExitRules& rules : start.rules) check_exit_rules(rules);
  // Exits and sizing, in the settings or in any part of the account: every fill through manage().
  const bool with_exits = settings.exits.active() ||
                       std::any_of(start.rules.begin(), start.rules.end(), [](const ExitRules& r) { return r.active(); });
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

  std::vector<std::vector<double>> symbol_returns(static_cast<std::size_t>(symbols),
                                                  std::vector<double>(static_cast<std::size_t>(n), 0.0));
  std::vector<Trade> trades;  // per symbol, in time order
  double held = 0;
  double changes = 0;
  Eigen::MatrixXd held_positions(n, symbols);
  if (with_exits) {
    for (Eigen::Index k = 0; k < symbols; ++k) {
      const Managed managed = manage(data, settings, positions, k, bars_per_year, history, start);
      for (Eigen::Index t = 0; t < n; ++t) held_positions(t, k) = managed.at_close[static_cast<std::size_t>(t)];
      // Interval i runs from close i-1 through the fills of bar i (at the open, within it) to close i; each
      // segment earns its position's price return, compounded; fills at close i-1 and within bar i pay here.
      std::vector<double>& r = symbol_returns[static_cast<std::size_t>(k)];
      double x = 0, price = data.close(0, k), value = 1, paid = 0;
      Trade running;  // the trade of x, when x is not 0
      const auto segment = [&](Eigen::Index i, double to) {
        const double rho = x * (to / price - 1.0);
        r[static_cast<std::size_t>(i)] += rho + r[static_cast<std::size_t>(i)] * rho;  // (1 + R)(1 + rho) - 1
        if (x != 0) value *= 1.0 + rho;
        price = to;
      };
      // The fill of position y at `price` in bar `bar`; `reason` closes the running trade if it ends.
      const auto change = [&](double y, Eigen::Index bar, ExitReason reason) {
        const double delta = std::fabs(y - x);
        changes += delta;
        paid += cost * delta;
        if (sign_of(y) == sign_of(x)) {
          if (x != 0) value *= 1.0 - cost * delta;  // a resize within the trade
        } else {
          if (x != 0) {
            running.exit_bar = bar;
            running.exit_price = price;
            running.ret = value * (1.0 - cost * std::fabs(x)) - 1.0;
            running.reason = reason;
            trades.push_back(running);
          }
          value = 1.0 - cost * std::fabs(y);
          if (y != 0) running = {.symbol = k, .direction = sign_of(y), .size = std::fabs(y), .entry_bar = bar,
                                 .entry_price = price};
        }
        x = y;
      };
      std::size_t f = 0;
      const auto& fills = managed.fills;
      for (Eigen::Index i = 0; i < n; ++i) {
        if (i > 0) {
          // Exposure: the position held from close i-1 (close execution) or from the open of bar i (next_open).
          if (settings.execution == Execution::close) held += x != 0;
          for (; f < fills.size() && fills[f].bar == i && (fills[f].phase == Fill::open || fills[f].phase == Fill::intrabar);
               ++f) {
            const bool decision_fill = fills[f].phase == Fill::open && (f == 0 || fills[f - 1].bar != i);
            segment(i, fills[f].price);
            change(fills[f].position, i, fills[f].reason);
            if (decision_fill) held += x != 0;
          }
          segment(i, data.close(i, k));
          r[static_cast<std::size_t>(i)] -= paid;
          paid = 0;
        }
        for (; f < fills.size() && fills[f].bar == i; ++f) {  // at close i (or the last decision): paid in i + 1
          price = data.close(i, k);
          change(fills[f].position, i, fills[f].reason);
        }
      }
      if (x != 0) {  // still open at the end: no exit fill
        running.exit_bar = n - 1;
        running.exit_price = data.close(n - 1, k);
        running.ret = value - 1.0;
        running.reason = ExitReason::end_of_data;
        trades.push_back(running);
      }
    }
  } else {
    held_positions = positions.cast<double>();
    if (settings.execution == Execution::next_open) {  // at the close of bar t, the position filled at open t
      held_positions.bottomRows(n - 1) = positions.topRows(n - 1).cast<double>();
      held_positions.row(0).setZero();
    }
  }
  // Per-symbol returns r_{k,i} = (1 + pos[i-2] g_i)(1 + pos[i-1] h_i) - 1 - cost |pos[i-1] - pos[i-2]|.
  for (Eigen::Index k = 0; k < symbols && !with_exits; ++k) {
    for (Eigen::Index i = 1; i < n; ++i) {
      const double a = pos(i - 2, k) * gap(i, k);
      const double b = pos(i - 1, k) * hold(i, k);
      // (1 + a)(1 + b) - 1 written as a + b + ab: exactly b when a is 0.
      symbol_returns[static_cast<std::size_t>(k)][static_cast<std::size_t>(i)] =
          (a + b + a * b) - cost * std::abs(pos(i - 1, k) - pos(i - 2, k));
    }
  }

  // Portfolio: equal weight over the symbols live at the interval's first bar (every symbol when the
  // panel has no availability), rebalanced every bar. returns[j] is interval j + 1. The others hold
  // nothing there (their positions are flat) and add 0.
  std::vector<double> returns;
  double live_intervals = 0;  // (interval, symbol) pairs in the portfolio: exposure's divisor
  for (Eigen::Index i = 1; i < n; ++i) {
    double sum = 0.0;
    double members = 0;
    for (Eigen::Index k = 0; k < symbols; ++k) {
      sum += symbol_returns[static_cast<std::size_t>(k)][static_cast<std::size_t>(i)];
      members += data.is_live(i - 1, k) ? 1 : 0;
    }
    live_intervals += members;
    returns.push_back(members > 0 ? sum / members : 0.0);
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

  if (!with_exits) trades = rule_trades(data, positions, cost, next_open);
  m.trades = static_cast<double>(trades.size());
  if (!trades.empty()) {
    double wins = 0, gains = 0, losses = 0, total = 0;
    m.best_trade = trades[0].ret;
    m.worst_trade = trades[0].ret;
    for (const Trade& trade : trades) {
      const double ret = trade.ret;
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

  for (Eigen::Index k = 0; k < symbols && !with_exits; ++k) {
    for (Eigen::Index i = 1; i < n; ++i) held += pos(i - 1, k) != 0 ? 1 : 0;
  }
  m.exposure = held / live_intervals;

  for (Eigen::Index k = 0; k < symbols && !with_exits; ++k) {
    for (Eigen::Index t = 0; t < n; ++t) changes += std::abs(pos(t, k) - pos(t - 1, k));
  }
  m.turnover = changes / (live_intervals / count) / (count / bars_per_year);

  // Buy and hold: each symbol from its first live bar to its last.
  double buy_and_hold = 0;
  for (Eigen::Index k = 0; k < symbols; ++k) {
    Eigen::Index first = 0, last = n - 1;
    while (first < last && !data.is_live(first, k)) ++first;
    while (last > first && !data.is_live(last, k)) --last;
    buy_and_hold += data.close(last, k) / data.close(first, k) - 1.0;
  }
  m.buy_and_hold = buy_and_hold / static_cast<double>(symbols);

  if (curve != nullptr) {
    curve->positions = positions;
    curve->held = held_positions;
    curve->returns.assign(1, 0.0);
    curve->returns.insert(curve->returns.end(), returns.begin(), returns.end());
    curve->equity = equity;
  }
  if (trade_list != nullptr) *trade_list = std::move(trades);
  return m;
}

}  // namespace

Metrics reference_backtest_positions(const MarketView& data, const ExecutionSettings& settings,
                                     const PositionMatrix& positions, BacktestCurve* curve, const AccountStart& start) {
  if (start.first == 0) return account(data, data, settings, positions, curve, start);
  if (start.first < 0 || start.first >= data.bars()) {
    throw ConfigError("account start: bar " + std::to_string(start.first) + " is outside the data's " +
                      std::to_string(data.bars()) + " bars");
  }
  const MarketView window = window_of(data, {static_cast<std::size_t>(start.first), static_cast<std::size_t>(data.bars())});
  return account(window, data, settings, positions, curve, start);
}

Metrics reference_backtest(const MarketView& data, const ExecutionSettings& settings, const Genome& genome,
                           BacktestCurve* curve) {
  const StrategyType& type = strategy_of(genome);
  check_params(type, genome.params.data());
  PositionMatrix positions(data.bars(), data.symbol_count());
  for (Eigen::Index k = 0; k < data.symbol_count(); ++k) {
    const SymbolSeries series{data.open.col(k).data(), data.high.col(k).data(), data.low.col(k).data(),
                              data.close.col(k).data(), static_cast<std::size_t>(data.bars())};
    type.reference_kernel(series, genome.params.data(), settings.allow_short, positions.col(k).data());
  }
  ExecutionSettings own = settings;
  own.exits = exit_rules_with(settings.exits, genome);
  own.account_start = 0;
  const auto first = static_cast<Eigen::Index>(settings.account_start);
  if (first == 0) return reference_backtest_positions(data, own, positions, curve);
  // The account opens at bar `first`: the kernels read the history before it, the account its bars.
  const PositionMatrix account_positions = positions.bottomRows(data.bars() - first);
  return reference_backtest_positions(data, own, account_positions, curve, {.first = first, .restarts = {}, .rules = {}});
}

std::vector<Trade> reference_trades(const MarketView& data, const ExecutionSettings& settings, const Genome& genome,
                                   const PositionMatrix& positions) {
  ExecutionSettings own = settings;
  own.exits = exit_rules_with(settings.exits, genome);
  // Without exits the trades need none of the account's returns and metrics: the same walk, alone.
  if (!own.exits.active())
    return rule_trades(data, checked_positions(data, positions), own.cost, own.execution == Execution::next_open);
  std::vector<Trade> trades;
  account(data, data, own, positions, nullptr, {}, &trades);
  return trades;
}

Eigen::MatrixXd reference_trailing_stops(const MarketView& data, const ExecutionSettings& settings, const Genome& genome,
                                         const PositionMatrix& positions) {
  ExecutionSettings own = settings;
  own.exits = exit_rules_with(settings.exits, genome);
  Eigen::MatrixXd levels = Eigen::MatrixXd::Constant(data.bars(), data.symbol_count(), std::numeric_limits<double>::quiet_NaN());
  if (!(own.exits.trailing_stop > 0)) return levels;
  if (positions.rows() != data.bars() || positions.cols() != data.symbol_count())
    throw ConfigError("positions: shape " + std::to_string(positions.rows()) + " × " + std::to_string(positions.cols()) +
                      " does not match the data's " + std::to_string(data.bars()) + " bars × " +
                      std::to_string(data.symbol_count()) + " symbols");
  check_exit_rules(own.exits);
  const PositionMatrix holdable = holdable_positions(data, positions);
  const double bars_per_year = own.bars_per_year > 0 ? own.bars_per_year : infer_bars_per_year(data);
  for (Eigen::Index k = 0; k < data.symbol_count(); ++k) {
    const Managed managed = manage(data, own, holdable, k, bars_per_year, data, {});
    for (Eigen::Index t = 0; t < data.bars(); ++t) levels(t, k) = managed.trailing[static_cast<std::size_t>(t)];
  }
  return levels;
}

}  // namespace genepool
