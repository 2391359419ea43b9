#pragma once
// The trades of one backtest, one row per round trip: what a trade list of backtesting.py or
// freqtrade shows. Made by the reference walk (reference_trades, backtest_reference.hpp) only for
// strategies that are reported, never in the evaluations of a search.
#include <Eigen/Core>
#include <cstdint>
#include <string_view>

namespace genepool {

enum class ExitReason : std::int8_t {
  rule,         // the rule's decision changed (to flat or to the other side)
  stop,         // stop-loss
  target,       // take-profit
  trailing,     // trailing stop
  max_bars,     // held max-bars closes
  end_of_data,  // still open at the last bar: valued at its close, no exit fill
};
inline constexpr int kExitReasons = 6;

// "rule", "stop", "target", "trailing", "max-bars", "end-of-data".
std::string_view to_string(ExitReason reason);

struct Trade {
  Eigen::Index symbol = 0;      // column of the data
  int direction = 0;            // +1 long, -1 short
  double size = 0;              // |position| at entry (1 with unit sizing)
  Eigen::Index entry_bar = 0;   // the bar of the entry fill (its open with next-open execution, else its close)
  double entry_price = 0;       // the fill's price
  Eigen::Index exit_bar = 0;    // the bar of the exit fill (the last bar for end-of-data)
  double exit_price = 0;        // the fill's price (the last close for end-of-data)
  double ret = 0;               // the trade's return, costs included (docs/metrics.md, "Trades")
  ExitReason reason = ExitReason::rule;

  // Bars from the entry fill's bar to the exit fill's (0: out within the bar it entered).
  Eigen::Index bars_held() const { return exit_bar - entry_bar; }
};

}  // namespace genepool
