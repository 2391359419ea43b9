// The trade list (trades.hpp, reference_trades): hand-built paths with known fills and reasons, and
// on real data for every strategy type: the trades are the metrics' trades, and they compound to
// the strategy's total return.
#include <catch2/catch.hpp>

#include <algorithm>
#include <array>
#include <cmath>
#include <limits>
#include <random>
#include <string>
#include <vector>

#include "genepool/backtest/backtest.hpp"
#include "genepool/backtest/backtest_reference.hpp"
#include "genepool/backtest/trades.hpp"
#include "genepool/io/market_data_csv.hpp"
#include "agreement.hpp"
#include "hand_bars.hpp"
#include "helpers.hpp"

using namespace genepool;
using test::agree;
using test::random_genome;
using test::Bar;
using test::bars_of;
using test::decisions;
using test::plain;

namespace {


// The trades of fixed decisions (a genome without exit genes: the settings' exits apply).
std::vector<Trade> trades_of(const MarketData& data, const ExecutionSettings& settings, const std::vector<int>& rule) {
  return reference_trades(data, settings, Genome{}, decisions(rule));
}

Approx near(double value) { return Approx(value).epsilon(1e-12).margin(1e-12); }

}  // namespace

TEST_CASE("close execution: trades enter and leave at the closes of the rule's changes", "[backtest][trades]") {
  const MarketData data = bars_of({{100, 100, 100, 100}, {110, 110, 110, 110}, {99, 99, 99, 99},
                                   {108.9, 108.9, 108.9, 108.9}, {98.01, 98.01, 98.01, 98.01}});
  const std::vector<Trade> trades = trades_of(data, plain(), {1, 1, -1, 0, 1});
  REQUIRE(trades.size() == 3);
  CHECK(trades[0].direction == 1);
  CHECK(trades[0].entry_bar == 0);
  CHECK(trades[0].entry_price == 100);
  CHECK(trades[0].exit_bar == 2);
  CHECK(trades[0].exit_price == 99);
  CHECK(trades[0].bars_held() == 2);
  CHECK(trades[0].ret == near(0.99 - 1));
  CHECK(trades[0].reason == ExitReason::rule);
  CHECK(trades[1].direction == -1);  // the reversal is a new trade
  CHECK(trades[1].entry_bar == 2);
  CHECK(trades[1].exit_bar == 3);
  CHECK(trades[1].ret == near(-0.1));
  CHECK(trades[2].entry_bar == 4);  // entered at the last close: still open, nothing earned
  CHECK(trades[2].exit_bar == 4);
  CHECK(trades[2].ret == 0);
  CHECK(trades[2].reason == ExitReason::end_of_data);
  for (const Trade& trade : trades) CHECK(trade.size == 1);
}

TEST_CASE("the trailing stop's level per bar is the price each bar is checked against", "[backtest][trades][exits]") {
  const double nan = std::numeric_limits<double>::quiet_NaN();
  const auto levels_of = [](const MarketData& data, const ExecutionSettings& s, const std::vector<int>& rule) {
    const Eigen::MatrixXd m = reference_trailing_stops(data, s, Genome{}, decisions(rule));
    REQUIRE(m.rows() == data.bars());
    REQUIRE(m.cols() == 1);
    return std::vector<double>(m.data(), m.data() + m.rows());
  };
  const auto same = [](const std::vector<double>& a, const std::vector<double>& b) {
    if (a.size() != b.size()) return false;
    for (std::size_t i = 0; i < a.size(); ++i)
      if (!(a[i] == b[i] || (std::isnan(a[i]) && std::isnan(b[i])))) return false;
    return true;
  };
  // As "the trailing stop moves at the end of each bar": entered at close 0, 90 during bar 1 (its
  // high of 120 counts from bar 2 on), 108 during bar 2, which it exits at; flat after.
  const MarketData data = bars_of({{100, 100, 100, 100}, {101, 120, 100, 115}, {112, 113, 107, 110}, {110, 111, 109, 110}});
  ExecutionSettings s = plain();
  s.exits.trailing_stop = 0.10;
  CHECK(same(levels_of(data, s, {1, 1, 1, 1}), {nan, 100 * 0.9, 120 * 0.9, nan}));
  const auto trades = trades_of(data, s, {1, 1, 1, 1});
  REQUIRE(trades.size() == 1);
  CHECK(trades[0].reason == ExitReason::trailing);
  CHECK(trades[0].exit_price == 120 * 0.9);  // the level of its exit bar
  // Under next_open the entry at the open of bar 1 is guarded within that bar, from the entry price.
  CHECK(same(levels_of(data, plain(Execution::next_open), {1, 1, 1, 1}), {nan, nan, nan, nan}));  // no trailing stop
  ExecutionSettings next = plain(Execution::next_open);
  next.exits.trailing_stop = 0.10;
  CHECK(same(levels_of(data, next, {1, 1, 1, 1}), {nan, 101 * 0.9, 120 * 0.9, nan}));
  // A short trails above the lowest low; a rule exit at close 2 ends its levels.
  const MarketData falling = bars_of({{100, 100, 100, 100}, {99, 100, 90, 95}, {95, 97, 93, 94}, {94, 95, 92, 93}});
  CHECK(same(levels_of(falling, s, {-1, -1, 0, 0}), {nan, 100 * 1.1, 90 * 1.1, nan}));
}

TEST_CASE("next-open execution: trades fill at the opens after the decisions", "[backtest][trades]") {
  const MarketData data = bars_of({{100, 100, 100, 100}, {102, 104, 101, 103}, {105, 106, 104, 104},
                                   {101, 103, 100, 102}, {99, 100, 98, 100}});
  const std::vector<Trade> trades = trades_of(data, plain(Execution::next_open, 0.001), {1, 1, 0, 1, 1});
  REQUIRE(trades.size() == 2);
  CHECK(trades[0].entry_bar == 1);
  CHECK(trades[0].entry_price == 102);
  CHECK(trades[0].exit_bar == 3);
  CHECK(trades[0].exit_price == 101);
  // entry cost, the session of bar 1, the gap and session of bar 2, the gap to open 3, exit cost
  CHECK(trades[0].ret == near(0.999 * (103.0 / 102) * (105.0 / 103) * (104.0 / 105) * (101.0 / 104) * 0.999 - 1));
  CHECK(trades[0].reason == ExitReason::rule);
  CHECK(trades[1].entry_bar == 4);
  CHECK(trades[1].entry_price == 99);
  CHECK(trades[1].exit_bar == 4);
  CHECK(trades[1].exit_price == 100);
  CHECK(trades[1].reason == ExitReason::end_of_data);
}

TEST_CASE("each exit rule names itself as the trade's exit reason, at its fill price", "[backtest][trades]") {
  SECTION("stop-loss within the bar") {
    ExecutionSettings s = plain();
    s.exits.stop_loss = 0.05;
    const auto trades = trades_of(bars_of({{100, 100, 100, 100}, {99, 101, 94, 96}, {96, 98, 95, 97}}), s, {1, 1, 1});
    REQUIRE(trades.size() == 1);
    CHECK(trades[0].reason == ExitReason::stop);
    CHECK(trades[0].exit_bar == 1);
    CHECK(trades[0].exit_price == near(95));
    CHECK(trades[0].ret == near(-0.05));
  }
  SECTION("take-profit at an open beyond the target") {
    ExecutionSettings s = plain();
    s.exits.take_profit = 0.05;
    const auto trades = trades_of(bars_of({{100, 100, 100, 100}, {107, 108, 106, 107}, {107, 108, 106, 107}}), s, {1, 1, 1});
    REQUIRE(trades.size() == 1);
    CHECK(trades[0].reason == ExitReason::target);
    CHECK(trades[0].exit_price == 107);
  }
  SECTION("the trailing stop, tighter than the stop-loss") {
    ExecutionSettings s = plain();
    s.exits.stop_loss = 0.2;
    s.exits.trailing_stop = 0.05;
    const auto trades = trades_of(
        bars_of({{100, 100, 100, 100}, {101, 110, 100, 109}, {108, 109, 103, 104}, {104, 105, 103, 104}}), s, {1, 1, 1, 1});
    REQUIRE(trades.size() == 1);
    CHECK(trades[0].reason == ExitReason::trailing);
    CHECK(trades[0].exit_bar == 2);
    CHECK(trades[0].exit_price == near(110 * 0.95));
  }
  SECTION("max-bars at the close") {
    ExecutionSettings s = plain();
    s.exits.max_bars = 2;
    const auto trades = trades_of(
        bars_of({{100, 100, 100, 100}, {100, 101, 99, 101}, {101, 103, 100, 102}, {102, 103, 101, 102}}), s, {1, 1, 1, 1});
    REQUIRE(trades.size() == 1);
    CHECK(trades[0].reason == ExitReason::max_bars);
    CHECK(trades[0].exit_bar == 2);
    CHECK(trades[0].exit_price == 102);
    CHECK(trades[0].bars_held() == 2);
  }
  SECTION("a short's stop above the entry") {
    ExecutionSettings s = plain();
    s.exits.stop_loss = 0.05;
    const auto trades = trades_of(bars_of({{100, 100, 100, 100}, {101, 106, 99, 104}, {104, 105, 103, 104}}), s, {-1, -1, -1});
    REQUIRE(trades.size() == 1);
    CHECK(trades[0].direction == -1);
    CHECK(trades[0].reason == ExitReason::stop);
    CHECK(trades[0].exit_price == near(105));
    CHECK(trades[0].ret == near(-0.05));
  }
}

TEST_CASE("every exit reason has a name", "[backtest][trades]") {
  std::vector<std::string> names;
  for (int r = 0; r < kExitReasons; ++r) names.emplace_back(to_string(static_cast<ExitReason>(r)));
  CHECK(names == std::vector<std::string>{"rule", "stop", "target", "trailing", "max-bars", "end-of-data"});
}

namespace {

// The trade figures of Metrics, taken over a trade list as docs/metrics.md defines them.
Metrics trade_metrics(const std::vector<Trade>& trades) {
  Metrics m;
  m.trades = static_cast<double>(trades.size());
  if (trades.empty()) return m;
  double wins = 0, gains = 0, losses = 0, sum = 0;
  m.best_trade = -INFINITY;
  m.worst_trade = INFINITY;
  for (const Trade& t : trades) {
    sum += t.ret;
    if (t.ret > 0) {
      wins += 1;
      gains += t.ret;
    }
    if (t.ret < 0) losses += t.ret;
    m.best_trade = std::max(m.best_trade, t.ret);
    m.worst_trade = std::min(m.worst_trade, t.ret);
  }
  m.win_rate = wins / m.trades;
  m.avg_trade = sum / m.trades;
  m.profit_factor = losses < 0 ? gains / -losses : gains > 0 ? INFINITY : 0.0;
  return m;
}

// Exits off, or a stop-loss, take-profit, trailing stop and max-bars drawn at random.
ExecutionSettings settings_for(int draw, std::mt19937_64& rng, bool exits, double cost) {
  ExecutionSettings s;
  s.execution = (draw & 1) ? Execution::next_open : Execution::close;
  s.allow_short = (draw & 2) != 0;
  s.cost = cost;
  if (exits) {
    std::uniform_real_distribution<double> unit(0.0, 1.0);
    s.exits.stop_loss = 0.01 + 0.05 * unit(rng);
    if (draw & 4) s.exits.take_profit = 0.02 + 0.1 * unit(rng);
    if (draw & 8) s.exits.trailing_stop = 0.01 + 0.05 * unit(rng);
    if (draw & 16) s.exits.max_bars = std::floor(2 + 20 * unit(rng));
    if (draw & 32) {
      s.exits.sizing = Sizing::vol_target;
      s.exits.vol_window = 20;
    }
  }
  return s;
}

// The largest move within one interval: from the previous close through the bar's high and low.
double largest_range(const MarketData& data) {
  double range = 0;
  for (Eigen::Index t = 1; t < data.bars(); ++t) {
    const double high = std::max(data.high(t, 0), data.close(t - 1, 0));
    const double low = std::min(data.low(t, 0), data.close(t - 1, 0));
    range = std::max(range, high / low - 1);
  }
  return range;
}

}  // namespace

TEST_CASE("trades compound to the total return for every type, with and without exits, and are the metrics' trades",
          "[backtest][trades]") {
  const std::vector<std::pair<std::string, MarketData>> sets = {
      {"GOOG", read_csv(test::shared_data("GOOG.csv"), "GOOG")},
      {"EURUSD", read_csv(test::shared_data("EURUSD.csv"), "EURUSD")}};
  std::mt19937_64 rng(20261204);
  std::array<int, kExitReasons> reasons{};
  const auto types = static_cast<std::uint32_t>(strategy_registry().size());
  int draw = 0;
  for (const auto& [name, data] : sets) {
    for (std::uint32_t type = 0; type < types; ++type) {
      for (const bool exits : {false, true}) {
        for (const double cost : {0.0, 0.001}) {
          ++draw;
          const Genome genome = random_genome(type, rng);
          Backtester tester(data, settings_for(draw, rng, exits, cost));
          INFO(name << ", " << strategy_of(genome).name << ", " << describe(tester.settings()));
          BacktestCurve curve;
          const Metrics metrics = tester.evaluate(genome, curve);
          const std::vector<Trade> trades = reference_trades(data, tester.settings(), genome, curve.positions);
          // The trade list is what the metrics' trade figures count.
          const Metrics listed = trade_metrics(trades);
          CHECK(listed.trades == metrics.trades);
          CHECK(agree(listed.win_rate, metrics.win_rate));
          CHECK(agree(listed.avg_trade, metrics.avg_trade));
          CHECK(agree(listed.best_trade, metrics.best_trade));
          CHECK(agree(listed.worst_trade, metrics.worst_trade));
          CHECK(agree(listed.profit_factor, metrics.profit_factor));
          // One symbol: the account is the trades one after another, flat in between.
          double compounded = 1;
          for (const Trade& trade : trades) {
            compounded *= 1 + trade.ret;
            CHECK(trade.entry_bar <= trade.exit_bar);
            CHECK(trade.exit_bar < data.bars());
            CHECK(std::abs(trade.direction) == 1);
            CHECK(trade.size > 0);
            const ExitRules& rules = tester.settings().exits;
            if (trade.reason == ExitReason::stop) CHECK(rules.stop_loss > 0);
            if (trade.reason == ExitReason::target) CHECK(rules.take_profit > 0);
            if (trade.reason == ExitReason::trailing) CHECK(rules.trailing_stop > 0);
            if (trade.reason == ExitReason::max_bars) CHECK(rules.max_bars > 0);
            if (trade.reason == ExitReason::end_of_data) CHECK(trade.exit_bar == data.bars() - 1);
            ++reasons[static_cast<std::size_t>(trade.reason)];
          }
          const double total = 1 + metrics.total_return;
          if (cost == 0) {
            CHECK(std::fabs(compounded - total) <= 1e-10 * total);
          } else {
            // The returns charge a fill's cost c |dx| by subtraction in its interval, a trade by a factor
            // (1 - c |dx|): they part by c |dx| times the interval's position return (at most cap *
            // range), by c^2 where one fill closes a trade and opens the next ((1 - c)^2 against 1 - 2c),
            // and by the cost of a change decided at the last close, which trades pay and no interval does.
            const double changes = metrics.turnover * metrics.bars / tester.settings().bars_per_year;
            const double cap = std::max(1.0, tester.settings().exits.leverage_cap);
            const double bound = 1.5 * (cost * changes * cap * largest_range(data) +
                                        cost * cost * cap * cap * static_cast<double>(trades.size())) +
                                 2 * cost * cap + 1e-12;
            CHECK(std::fabs(std::log(compounded) - std::log(total)) <= bound);
          }
        }
      }
    }
  }
  for (const int seen : reasons) CHECK(seen > 0);  // every reason was exercised
}
