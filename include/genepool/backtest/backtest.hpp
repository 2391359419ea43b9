#pragma once
// The optimised backtest: genome + market data -> metrics, with no heap allocation per evaluation.
#include <algorithm>
#include <cstdint>
#include <limits>
#include <map>
#include <memory>
#include <span>
#include <vector>

#include "genepool/backtest/execution.hpp"
#include "genepool/strategies/genome.hpp"
#include "genepool/data/market_data.hpp"
#include "genepool/backtest/metrics.hpp"
#include "genepool/strategies/strategy.hpp"

namespace genepool {

// Per-bar detail of one backtest, for equity curves and exports. Index t is bar t:
// positions(t, k) is the rule's decision at close t for symbol k; held(t, k) the position held at
// the close of bar t after exits and sizing (docs/metrics.md); returns[t] is the portfolio return of
// the interval (t-1, t] (returns[0] = 0); equity[t] = prod(1 + returns[0..t]).
using PositionMatrix = Eigen::Matrix<std::int8_t, Eigen::Dynamic, Eigen::Dynamic>;  // bars × symbols

struct BacktestCurve {
  PositionMatrix positions;
  Eigen::MatrixXd held;  // bars × symbols
  std::vector<double> returns;
  std::vector<double> equity;
};

// Internals of the Backtester's passes (backtest.cpp), here only because it keeps them in vectors.
namespace backtest_detail {

// Statistics of trade returns, one trade at a time (no list of trades is kept).
struct TradeStats {
  double count = 0;
  double wins = 0;
  double sum = 0;
  double gains = 0;   // sum of positive returns
  double losses = 0;  // sum of negative returns
  double best = -std::numeric_limits<double>::infinity();
  double worst = std::numeric_limits<double>::infinity();

  void add(double ret) {
    count += 1;
    sum += ret;
    if (ret > 0) {
      wins += 1;
      gains += ret;
    } else if (ret < 0) {
      losses += ret;
    }
    best = std::max(best, ret);
    worst = std::min(worst, ret);
  }

  // Adds the trades counted by `other` (another symbol's, after these).
  void merge(const TradeStats& other) {
    count += other.count;
    wins += other.wins;
    sum += other.sum;
    gains += other.gains;
    losses += other.losses;
    best = std::max(best, other.best);
    worst = std::min(worst, other.worst);
  }

  void finish(Metrics& m) const {
    m.trades = count;
    if (count == 0) return;
    m.win_rate = wins / count;
    m.avg_trade = sum / count;
    m.best_trade = best;
    m.worst_trade = worst;
    if (losses < 0) {
      m.profit_factor = gains / -losses;
    } else {
      m.profit_factor = wins > 0 ? std::numeric_limits<double>::infinity() : 0.0;
    }
  }
};

// One genome's state for one symbol during a chunked pass.
struct SymbolState {
  KernelState kernel;
  TradeStats trades;
  std::int8_t position = 0;  // the last decision seen (pos[-1] = 0 before the first chunk)
  double trade_value = 1.0;  // what the running trade's capital has become (entry fill included)
  double held = 0;           // intervals with a non-zero position (a double: exact to 2^53)
  double changes = 0;        // sum of |pos[t] - pos[t-1]|
};

// One genome's portfolio state during a chunked pass: moments and the equity path.
struct LaneState {
  const StrategyType* type = nullptr;
  const Genome* genome = nullptr;
  double shift = 0;                      // the first return: moments are taken about it
  double t1 = 0, t2 = 0, tdown4 = 0;     // sums of (r - shift), (r - shift)^2, (2 min(r, 0))^2
  double equity = 1, peak = 1, min_equity = 1, max_drawdown = 0;
  double record = 1;                     // equity below peak * record may deepen the maximum drawdown
  double run = 0, max_run = 0;           // intervals below the peak: current and longest run
};

}  // namespace backtest_detail

// The arrays every backtest on the same panel and execution reads, derived from the data alone:
// identical for every genome and every rank, so a node computes them once and its ranks read them
// in place (parallel.hpp; docs/architecture.md, "One copy per node"). A Backtester given none makes
// its own.
struct BacktestTables {
  const double* close_sums = nullptr;  // per symbol: hi[bars + 1] then lo[bars + 1] (SymbolSeries::close_sum_*)
  const double* hold = nullptr;        // symbol-major, bars per symbol: h_i of interval i (index 0 unused)
  const double* gap = nullptr;         // likewise g_i; null for close execution
  // A panel with availability (MarketView::live), else both null: members[i], the symbols live at
  // bar i - 1 (interval i's equal-weight divisor, at least 1; index 0 unused); tradable, symbol-major,
  // bars per symbol: 1 where decision t may hold a position (live at t and, but for the last bar, at t + 1).
  const double* members = nullptr;
  const std::uint8_t* tradable = nullptr;

  // Doubles the tables of a `bars` × `symbols` panel take for `execution` (with availability: its tables too).
  static std::size_t doubles(std::size_t bars, std::size_t symbols, Execution execution, bool availability = false);
  // Computes the tables of `data` into `out` (room for doubles(..., !data.always_live()) values) and returns views of them.
  static BacktestTables fill(const MarketView& data, Execution execution, double* out);
  // Views of tables that fill wrote at `storage` for a `bars` × `symbols` panel.
  static BacktestTables at(const double* storage, std::size_t bars, std::size_t symbols, Execution execution,
                           bool availability = false);
};

class Backtester {
 public:
  // Genomes evaluated together in one pass over the data, and bars per chunk of that pass.
  static constexpr std::size_t kLanes = 8;
  static constexpr std::size_t kChunk = 1024;

  // Keeps a view of `data` (whose arrays must outlive it), resolves bars_per_year, and
  // allocates every buffer an evaluation needs; computes the data's BacktestTables.
  Backtester(const MarketView& data, const ExecutionSettings& settings);
  // The same reading `tables` (BacktestTables::fill of this data and settings.execution; they must
  // outlive it) instead of computing its own: the same results, bit for bit.
  Backtester(const MarketView& data, const ExecutionSettings& settings, const BacktestTables& tables);

  // Throws ConfigError for a genome whose type or parameters are invalid (see check_params).
  Metrics evaluate(const Genome& genome);
  Metrics evaluate(const Genome& genome, BacktestCurve& curve);
  // metrics[i] = evaluate(genomes[i]), bit for bit, computed kLanes genomes of a type at a time so that each
  // chunk of the data is read once for all of them. Throws ConfigError (before any work) when one is invalid.
  void evaluate(std::span<const Genome> genomes, std::span<Metrics> metrics);
  // The same, also writing genome i's per-bar portfolio returns (those of evaluate(genomes[i],
  // curve).returns, bit for bit: bars() values, returns[0] = 0) to returns[i], which must have room
  // for them. For statistics over many strategies' returns without a curve per strategy.
  void evaluate(std::span<const Genome> genomes, std::span<Metrics> metrics, std::span<double* const> returns);

  // `settings` checked against `data` as the constructor checks them (DataError, ConfigError), with
  // bars_per_year resolved: settings() of a Backtester on `data`, without its buffers and tables.
  static ExecutionSettings resolved(const MarketView& data, const ExecutionSettings& settings);

  const ExecutionSettings& settings() const { return settings_; }  // bars_per_year resolved
  const MarketView& data() const { return data_; }

 private:
  struct Tally;  // per-evaluation counters and trade statistics (backtest.cpp)
  using LaneState = backtest_detail::LaneState;
  using SymbolState = backtest_detail::SymbolState;

  Metrics evaluate_into(const Genome& genome, BacktestCurve* curve);
  // curve: lane 0's whole curve (a pass of one), or nullptr; returns: each lane's returns, or empty.
  void run_pass(std::span<const Genome> genomes, std::span<Metrics> metrics, BacktestCurve* curve,
                std::span<double* const> returns = {});
  void run_kernel(const StrategyType& type, const Genome& genome, std::size_t symbol);
  // Exits and sizing (settings_.exits.active()): one symbol's decisions in positions_ through the fill
  // rules, its returns added into portfolio_; held: the position at each close, or nullptr.
  template <bool kNextOpen>
  void manage_symbol(std::size_t symbol, const ExitRules& rules, Tally& tally, double* held);
  // Throws ConfigError for an invalid type, parameters or exit genes.
  void check_genome(const Genome& genome) const;
  // True when the chunked lanes evaluate these genomes: none has exits or sizing.
  bool lanes_apply(std::span<const Genome> genomes) const;
  // Vol-target sizing: the position sizes after each close for `rules` (symbol-major, bars per symbol;
  // 0 in the warm-up), recomputed only when its target, window or cap change; nullptr for unit sizing.
  const double* sizes_for(const ExitRules& rules);
  // The annualised realised volatility over `window` returns after each close (-1 in the warm-up),
  // kept per window.
  const std::vector<double>& realised_vol(std::size_t window);
  Metrics portfolio_metrics(const Tally& tally, BacktestCurve* curve);
  SymbolSeries series_of(std::size_t symbol) const;
  // Availability: symbol's decisions [begin, begin + count) at `out` set to 0 where it cannot hold a position.
  void mask_decisions(std::size_t symbol, std::size_t begin, std::size_t count, std::int8_t* out) const;

  MarketView data_;
  ExecutionSettings settings_;
  std::size_t bars_ = 0;
  std::size_t symbols_ = 0;
  double buy_and_hold_ = 0;            // independent of the genome, computed once
  bool availability_ = false;          // some symbol is not live at some bar: masks and per-bar divisors
  std::size_t first_ = 0;              // settings_.account_start: decisions before it are flat
  double live_intervals_ = 0;          // exposure's divisor: (interval, symbol) pairs live at the interval's start
  KernelScratch scratch_;
  std::vector<double> own_tables_;     // the tables when it computes its own; else empty
  BacktestTables tables_;              // in own_tables_ or given
  struct SizingKey {
    double target_vol = 0, vol_window = 0, leverage_cap = 0;
    friend bool operator==(const SizingKey&, const SizingKey&) = default;
  };
  std::map<std::size_t, std::vector<double>> vols_;  // realised_vol per window
  std::vector<double> sizes_;          // sizes_for(rules) of the last vol-target rules asked for; empty before
  SizingKey sizes_key_;
  // The chunked passes: per lane, a chunk of positions and of portfolio returns;
  // per lane and symbol, the kernel's buffer.
  std::vector<std::int8_t> lane_positions_;  // per lane: a chunk of its decisions
  std::vector<double> lane_returns_;         // per group of four lanes: a chunk of portfolio returns, side by side
  std::vector<double> kernel_buffers_;
  std::vector<LaneState> lanes_;
  std::vector<SymbolState> lane_symbols_;
  // Per registered type: its batch kernel (file strategies: the lanes of the type in a pass are
  // evaluated together), else null.
  std::vector<std::unique_ptr<BatchKernel>> batch_kernels_;
  // Exits or sizing (one genome at a time over the whole series).
  std::vector<std::int8_t> positions_; // bars + 1: positions_[0] = 0 (pos[-1]), positions_[t + 1] = pos[t]
  std::vector<double> portfolio_;      // bars: sum over symbols of r_{k,i}
};

}  // namespace genepool
