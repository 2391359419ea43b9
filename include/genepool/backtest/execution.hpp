#pragma once
// How positions become returns: fill timing, costs, long/short, exits and sizing.
#include <array>
#include <string>
#include <string_view>

#include "genepool/strategies/genome.hpp"

namespace genepool {

enum class Execution {
  close,     // the position decided at close t is filled at close t and earns close[t+1]/close[t] - 1
  next_open  // the position decided at close t is filled at the open of t+1
};

enum class Sizing {
  unit,       // the rule's direction: -1, 0 or +1
  vol_target  // the direction times min(leverage_cap, target_vol / realised volatility)
};

// Exits and sizing applied to every strategy's decisions (docs/metrics.md, "Exits and sizing").
// 0 turns an exit off. Plain data; a genome's exit genes override fields per genome (exit_rules_with).
struct ExitRules {
  double stop_loss = 0;      // fraction of the entry price, in [0, 1)
  double take_profit = 0;    // fraction of the entry price, in [0, 100]
  double trailing_stop = 0;  // fraction below the highest high (above the lowest low) since entry, in [0, 1)
  double max_bars = 0;       // exit at the close after this many bars held; a whole number in [0, 1e9]
  Sizing sizing = Sizing::unit;
  double target_vol = 0.10;   // annualised, in (0, 10]
  double vol_window = 20;     // close-to-close returns in the realised volatility; a whole number in [2, 100000]
  double leverage_cap = 1.0;  // the largest |position| of vol-target sizing, in (0, 100]

  bool any_exit() const { return stop_loss > 0 || take_profit > 0 || trailing_stop > 0 || max_bars > 0; }
  // False for today's unit positions without exits: the Backtester's fast path.
  bool active() const { return any_exit() || sizing == Sizing::vol_target; }
};

// The bounds of the command line's --cost and --bars-per-year, which a spec's values must meet too.
inline constexpr double kMaxCost = 0.1;
inline constexpr double kMaxBarsPerYear = 1e7;

struct ExecutionSettings {
  Execution execution = Execution::close;
  double cost = 0.0;          // proportional cost per unit of position change (commission + slippage)
  bool allow_short = false;   // long/flat by default; long/short when true
  double bars_per_year = 0.0; // annualisation factor B; 0 = infer from the data's timestamps
  ExitRules exits;
  // The account opens flat at this bar (--start): the bars before it are history, which the
  // indicators read as warm-up; the metrics, the curve's returns and the trades cover the account's
  // bars [account_start, bars) only (docs/metrics.md, "Date windows"). 0: the whole data.
  std::size_t account_start = 0;
};

// One value a genome may carry as a gene: its config key, its field of ExitRules and the bounds an
// evolved range must lie in (the command line's for the fixed value; whole: max-bars, vol-window).
struct ExitGeneSpec {
  ExitGene gene;
  std::string_view key;
  double ExitRules::*field;
  double lower;
  double upper;
  bool whole;
};

// The genes in ExitGene order.
const std::array<ExitGeneSpec, kExitGenes>& exit_gene_specs();
// The spec whose key is `key` ("stop-loss"), or nullptr.
const ExitGeneSpec* exit_gene_spec(std::string_view key);

// `base` with each of the genome's exit genes in place of the run's value (base itself when it has none).
ExitRules exit_rules_with(const ExitRules& base, const Genome& genome);

std::string_view to_string(Execution execution);
// Throws ConfigError naming `key` and the allowed values.
Execution parse_execution(std::string_view text, std::string_view key);

std::string_view to_string(Sizing sizing);
// "unit" or "vol-target"; throws ConfigError naming `key` and the allowed values.
Sizing parse_sizing(std::string_view text, std::string_view key);

// Throws ConfigError "KEY: VALUE is outside RANGE" for the first field out of its range.
void check_exit_rules(const ExitRules& rules);

// "close execution, cost 0.0005, long/flat, 252 bars/year, stop-loss 0.05, vol-target 0.1 over 20 bars
// (cap 1)" (bars/year only when set, each exit only when on, sizing only when not unit)
std::string describe(const ExecutionSettings& settings);

}  // namespace genepool
