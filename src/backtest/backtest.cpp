// The optimised backtest. Without exits or sizing (close or next-open execution): passes of up to
// kLanes genomes over the data, chunk by chunk, four genomes side by side in vector lanes (run_pass).
// Exits or sizing: one genome at a time, kernel into a reused buffer, each symbol's decisions through
// the fill rules (manage_symbol), then a pass over the portfolio.
// Definitions: docs/metrics.md. The plain twin is backtest_reference.cpp.
#include "genepool/backtest/backtest.hpp"

#include <algorithm>
#include <bit>
#include <climits>
#include <cmath>
#include <cstdlib>
#include <cstring>
#include <limits>
#include <sstream>
#include <stdexcept>
#include <string>

#include "genepool/error.hpp"

#include "../simd/vector4.hpp"

#if defined(__AVX2__)
#include <immintrin.h>
#elif defined(__SSE2__)
#include <emmintrin.h>
#endif

namespace genepool {

using backtest_detail::TradeStats;

namespace {

// Return sums are accumulated per block and then added to the totals, which bounds the
// rounding error of a long series (the block sums stay small relative to each other).
constexpr std::size_t kBlock = 4096;
// A lane's chunk of positions: the previous decision, kChunk decisions, and padding for reads of
// sixteen bytes at a time.
constexpr std::size_t kPositionStride = Backtester::kChunk + 16;

// Moments and the equity path of the portfolio returns, one interval at a time.
// The moments are taken about `shift` (the first return), so a constant series has
// exactly zero variance and the one-pass formula loses little to cancellation.
class ReturnStats {
 public:
  explicit ReturnStats(double shift) : shift_(shift) {}

  void add(double r) {
    const double d = r - shift_;
    s1_ += d;
    s2_ += d * d;
    // NOTE: branch-free forms, as the signs of r and of the drawdown are unpredictable:
    // r - |r| is exactly 2 min(r, 0) (its square is scaled back by 1/4 at the end, also
    // exactly), and the mask resets the run at a new peak.
    const double twice_loss = r - std::fabs(r);
    down4_ += twice_loss * twice_loss;
    equity_ *= 1.0 + r;
    run_ = (run_ + 1) & -static_cast<std::int64_t>(equity_ < peak_);  // below max(peak, equity)
    max_run_ = std::max(max_run_, run_);
    peak_ = std::max(peak_, equity_);
    min_equity_ = std::min(min_equity_, equity_);
    // NOTE: 1 - equity / peak is divided out only near a new maximum drawdown: the test
    // against peak * record_ is conservative, so the maximum is the reference's, bit for bit.
    if (equity_ < peak_ * record_) [[unlikely]] {
      max_drawdown_ = std::max(max_drawdown_, 1.0 - equity_ / peak_);
      const double ratio = 1.0 - max_drawdown_;  // equity / peak at the deepest point so far
      record_ = std::min(1.0, ratio + 1e-12 * std::max(1.0, std::fabs(ratio)));
    }
  }

  double equity() const { return equity_; }

  // Adds the block sums to the totals; call every kBlock intervals and at the end.
  void flush() {
    t1_ += s1_;
    t2_ += s2_;
    tdown4_ += down4_;
    s1_ = s2_ = down4_ = 0;
  }

  void finish(Metrics& m, double n, double bars_per_year) {
    flush();
    const double annual = std::sqrt(bars_per_year);
    m.total_return = equity_ - 1.0;
    m.cagr = min_equity_ <= 0 ? -1.0 : std::pow(1.0 + m.total_return, bars_per_year / n) - 1.0;
    const double mean = shift_ + t1_ / n;
    const double var = n >= 2 ? std::max(0.0, (t2_ - t1_ * t1_ / n) / (n - 1)) : 0.0;
    const double sd = std::sqrt(var);
    m.volatility = sd * annual;
    m.sharpe = sd > 0 ? mean / sd * annual : 0.0;
    const double downside = std::sqrt(0.25 * tdown4_ / n);
    m.sortino = downside > 0 ? mean / downside * annual : 0.0;
    m.max_drawdown = max_drawdown_;
    m.max_drawdown_bars = static_cast<double>(max_run_);
    m.calmar = max_drawdown_ > 0 ? m.cagr / max_drawdown_ : 0.0;
  }

 private:
  double shift_;
  double s1_ = 0, s2_ = 0, down4_ = 0;    // current block; down4_ sums (2 min(r, 0))^2
  double t1_ = 0, t2_ = 0, tdown4_ = 0;   // totals
  double equity_ = 1, peak_ = 1, min_equity_ = 1;
  double max_drawdown_ = 0;
  double record_ = 1;  // equity below peak * record_ may deepen the maximum drawdown
  std::int64_t run_ = 0, max_run_ = 0;
};

}  // namespace

// What an evaluation counts over all symbols besides the portfolio returns.
struct Backtester::Tally {
  TradeStats trades;
  std::int64_t held = 0;     // (interval, symbol) pairs with a non-zero position
  double changes = 0;        // sum of |position change| over bars and symbols (whole numbers with unit positions)
};

namespace {

}  // namespace

namespace {

std::size_t price_table_doubles(std::size_t bars, std::size_t symbols, Execution execution) {
  return symbols * (2 * (bars + 1) + bars * (execution == Execution::next_open ? 2 : 1));
}

// The availability tables: members (bars doubles), then tradable (bars × symbols bytes, in doubles).
std::size_t availability_doubles(std::size_t bars, std::size_t symbols) {
  return bars + (bars * symbols + sizeof(double) - 1) / sizeof(double);
}

}  // namespace

std::size_t BacktestTables::doubles(std::size_t bars, std::size_t symbols, Execution execution, bool availability) {
  return price_table_doubles(bars, symbols, execution) + (availability ? availability_doubles(bars, symbols) : 0);
}

BacktestTables BacktestTables::at(const double* storage, std::size_t bars, std::size_t symbols, Execution execution,
                                  bool availability) {
  const double* hold = storage + 2 * (bars + 1) * symbols;
  BacktestTables tables{storage, hold, execution == Execution::next_open ? hold + bars * symbols : nullptr};
  if (availability) {
    const double* members = storage + price_table_doubles(bars, symbols, execution);
    tables.members = members;
    tables.tradable = reinterpret_cast<const std::uint8_t*>(members + bars);
  }
  return tables;
}

BacktestTables BacktestTables::fill(const MarketView& data, Execution execution, double* out) {
  const auto bars = static_cast<std::size_t>(data.bars());
  const auto symbols = static_cast<std::size_t>(data.symbol_count());
  double* sums = out;
  double* hold = sums + 2 * (bars + 1) * symbols;
  double* gap = execution == Execution::next_open ? hold + bars * symbols : nullptr;
  for (std::size_t k = 0; k < symbols; ++k) {
    double* hi = sums + 2 * (bars + 1) * k;
    make_close_sums(data.close.col(static_cast<Eigen::Index>(k)).data(), bars, hi, hi + bars + 1);
  }
  for (std::size_t k = 0; k < symbols; ++k) {
    const double* open = data.open.col(static_cast<Eigen::Index>(k)).data();
    const double* close = data.close.col(static_cast<Eigen::Index>(k)).data();
    double* h = hold + k * bars;
    h[0] = 0;
    if (gap != nullptr) gap[k * bars] = 0;
    for (std::size_t i = 1; i < bars; ++i) {
      if (execution == Execution::close) {
        h[i] = close[i] / close[i - 1] - 1.0;
      } else {
        h[i] = close[i] / open[i] - 1.0;
        gap[k * bars + i] = open[i] / close[i - 1] - 1.0;
      }
    }
  }
  if (data.always_live()) return at(out, bars, symbols, execution);
  double* members = out + price_table_doubles(bars, symbols, execution);
  auto* tradable = reinterpret_cast<std::uint8_t*>(members + bars);
  members[0] = 1;
  for (std::size_t i = 1; i < bars; ++i) {
    double live = 0;
    for (std::size_t k = 0; k < symbols; ++k) live += data.live(static_cast<Eigen::Index>(i - 1), static_cast<Eigen::Index>(k));
    members[i] = std::max(1.0, live);
  }
  for (std::size_t k = 0; k < symbols; ++k) {
    const auto column = static_cast<Eigen::Index>(k);
    for (std::size_t t = 0; t < bars; ++t) {
      const auto row = static_cast<Eigen::Index>(t);
      tradable[k * bars + t] = data.live(row, column) != 0 && (t + 1 == bars || data.live(row + 1, column) != 0);
    }
  }
  return at(out, bars, symbols, execution, true);
}

Backtester::Backtester(const MarketView& data, const ExecutionSettings& settings)
    : Backtester(data, settings, BacktestTables{}) {}

ExecutionSettings Backtester::resolved(const MarketView& data, const ExecutionSettings& settings) {
  if (data.bars() < 2 || data.symbol_count() < 1) {
    std::ostringstream msg;
    msg << "backtest needs at least 2 bars and 1 symbol, got " << data.bars() << " bars and "
        << data.symbol_count() << " symbols";
    throw DataError(msg.str());
  }
  const auto bars = static_cast<std::size_t>(data.bars());
  const auto symbols = static_cast<std::size_t>(data.symbol_count());
  const auto shaped = [&](const PriceView& m) {
    return static_cast<std::size_t>(m.rows()) == bars && static_cast<std::size_t>(m.cols()) == symbols;
  };
  if (!shaped(data.open) || !shaped(data.high) || !shaped(data.low) || !shaped(data.close)) {
    throw DataError("backtest: the price matrices do not all match " + std::to_string(bars) + " bars × " +
                    std::to_string(symbols) + " symbols");
  }
  if (!std::isfinite(settings.cost) || settings.cost < 0 || settings.cost >= 1) {
    std::ostringstream msg;
    msg << "cost: " << settings.cost << " is outside [0, 1)";
    throw ConfigError(msg.str());
  }
  if (!std::isfinite(settings.bars_per_year) || settings.bars_per_year < 0) {
    std::ostringstream msg;
    msg << "bars_per_year: " << settings.bars_per_year << " must be finite and >= 0 (0 = infer from timestamps)";
    throw ConfigError(msg.str());
  }
  check_exit_rules(settings.exits);
  if (settings.account_start + 2 > bars)
    throw ConfigError("start: the account opens at bar " + std::to_string(settings.account_start) + " of " +
                      std::to_string(bars) + "; expected at least 2 bars from --start to --end");
  ExecutionSettings resolved = settings;
  if (resolved.bars_per_year == 0) resolved.bars_per_year = infer_bars_per_year(data);
  return resolved;
}

Backtester::Backtester(const MarketView& data, const ExecutionSettings& settings, const BacktestTables& tables)
    : data_(data),
      settings_(resolved(data, settings)),
      bars_(static_cast<std::size_t>(data.bars())),
      symbols_(static_cast<std::size_t>(data.symbol_count())),
      availability_(!data.always_live()),
      first_(settings_.account_start) {
  // Buy and hold: each symbol from its first live bar of the account to its last (the account's first
  // and last bar when always live).
  double buy_and_hold = 0;
  live_intervals_ = static_cast<double>(bars_ - 1 - first_) * static_cast<double>(symbols_);
  if (availability_) live_intervals_ = 0;
  for (Eigen::Index k = 0; k < data.symbol_count(); ++k) {
    Eigen::Index first = static_cast<Eigen::Index>(first_), last = data.bars() - 1;
    if (availability_) {
      while (first < last && data.live(first, k) == 0) ++first;
      while (last > first && data.live(last, k) == 0) --last;
      for (auto t = static_cast<Eigen::Index>(first_); t + 1 < data.bars(); ++t) live_intervals_ += data.live(t, k);
    }
    buy_and_hold += data.close(last, k) / data.close(first, k) - 1.0;
  }
  buy_and_hold_ = buy_and_hold / static_cast<double>(symbols_);

  scratch_.reserve(bars_, /*shared_sums=*/true);
  const bool next_open = settings_.execution == Execution::next_open;
  if (tables.close_sums != nullptr) {
    if (tables.hold == nullptr || (tables.gap != nullptr) != next_open || (tables.members != nullptr) != availability_)
      throw std::logic_error("Backtester: the tables given were not made for this execution");
    tables_ = tables;
  } else {
    own_tables_.resize(BacktestTables::doubles(bars_, symbols_, settings_.execution, availability_));
    tables_ = BacktestTables::fill(data, settings_.execution, own_tables_.data());
  }
  // NOTE: both paths' buffers: a genome's exit genes may turn exits on or off per genome.
  lane_positions_.assign((kLanes + 1) * kPositionStride, 0);  // the last one stays 0: padding lanes
  lane_returns_.assign(kLanes * kChunk, 0.0);
  kernel_buffers_.assign(kLanes * symbols_ * kKernelBufferSize, 0.0);
  lanes_.resize(kLanes);
  lane_symbols_.resize(kLanes * symbols_);
  for (const StrategyType& type : strategy_registry()) {
    batch_kernels_.push_back(type.batch_kernel ? type.batch_kernel(kLanes, symbols_, kChunk) : nullptr);
  }
  positions_.assign(bars_ + 1, 0);
  portfolio_.assign(bars_, 0.0);
  if (settings_.exits.sizing == Sizing::vol_target) sizes_for(settings_.exits);
}

const std::vector<double>& Backtester::realised_vol(std::size_t window) {
  if (const auto it = vols_.find(window); it != vols_.end()) return it->second;
  // NOTE: a run evolving vol-window keeps one series per window seen, up to a budget; then starts afresh.
  constexpr std::size_t kVolBudgetBytes = std::size_t{256} << 20;
  if ((vols_.size() + 1) * bars_ * symbols_ * sizeof(double) > kVolBudgetBytes) vols_.clear();
  std::vector<double>& vol = vols_[window];
  // Population standard deviation of the window close-to-close returns up to bar t, annualised; -1
  // before t >= window.
  vol.assign(bars_ * symbols_, -1.0);
  for (std::size_t k = 0; k < symbols_; ++k) {
    const double* close = data_.close.col(static_cast<Eigen::Index>(k)).data();
    for (std::size_t t = window; t < bars_; ++t) {
      double mean = 0;
      for (std::size_t j = t + 1 - window; j <= t; ++j) mean += close[j] / close[j - 1] - 1.0;
      mean /= static_cast<double>(window);
      double squares = 0;
      for (std::size_t j = t + 1 - window; j <= t; ++j) {
        const double d = close[j] / close[j - 1] - 1.0 - mean;
        squares += d * d;
      }
      vol[k * bars_ + t] = std::sqrt(squares / static_cast<double>(window) * settings_.bars_per_year);
    }
  }
  return vol;
}

const double* Backtester::sizes_for(const ExitRules& rules) {
  if (rules.sizing != Sizing::vol_target) return nullptr;
  const SizingKey key{rules.target_vol, rules.vol_window, rules.leverage_cap};
  if (sizes_.empty() || !(key == sizes_key_)) {
    const std::vector<double>& vol = realised_vol(static_cast<std::size_t>(rules.vol_window));
    sizes_.resize(bars_ * symbols_);
    for (std::size_t i = 0; i < sizes_.size(); ++i) {
      const double v = vol[i];
      sizes_[i] = v < 0 ? 0.0 : v > 0 ? std::min(rules.leverage_cap, rules.target_vol / v) : rules.leverage_cap;
    }
    sizes_key_ = key;
  }
  return sizes_.data();
}

Metrics Backtester::evaluate(const Genome& genome) { return evaluate_into(genome, nullptr); }

Metrics Backtester::evaluate(const Genome& genome, BacktestCurve& curve) { return evaluate_into(genome, &curve); }

void Backtester::evaluate(std::span<const Genome> genomes, std::span<Metrics> metrics) {
  if (metrics.size() != genomes.size()) {
    throw Error("Backtester::evaluate: " + std::to_string(genomes.size()) + " genomes but room for " +
                std::to_string(metrics.size()) + " results");
  }
  for (const Genome& genome : genomes) check_genome(genome);
  // The genomes the lanes take, grouped by type (stably), so that each pass is mostly of one type and
  // a type's batch kernel runs full groups; a genome's metrics do not depend on its pass (run_pass).
  std::vector<std::size_t> order;
  order.reserve(genomes.size());
  for (std::size_t j = 0; j < genomes.size(); ++j) {
    if (lanes_apply(genomes.subspan(j, 1))) {
      order.push_back(j);
    } else {
      metrics[j] = evaluate_into(genomes[j], nullptr);
    }
  }
  std::stable_sort(order.begin(), order.end(),
                   [&](std::size_t a, std::size_t b) { return genomes[a].strategy < genomes[b].strategy; });
  Genome pass[kLanes];
  Metrics results[kLanes];
  for (std::size_t first = 0; first < order.size(); first += kLanes) {
    const std::size_t count = std::min(kLanes, order.size() - first);
    for (std::size_t i = 0; i < count; ++i) pass[i] = genomes[order[first + i]];
    run_pass(std::span<const Genome>(pass, count), std::span<Metrics>(results, count), nullptr);
    for (std::size_t i = 0; i < count; ++i) metrics[order[first + i]] = results[i];
  }
}

SymbolSeries Backtester::series_of(std::size_t symbol) const {
  const auto k = static_cast<Eigen::Index>(symbol);
  const double* sums = tables_.close_sums + 2 * (bars_ + 1) * symbol;
  const bool volume = static_cast<std::size_t>(data_.volume.rows()) == bars_ && static_cast<std::size_t>(data_.volume.cols()) == symbols_;
  return {data_.open.col(k).data(), data_.high.col(k).data(),  data_.low.col(k).data(),
          data_.close.col(k).data(), bars_, sums, sums + bars_ + 1, volume ? data_.volume.col(k).data() : nullptr};
}

void Backtester::run_kernel(const StrategyType& type, const Genome& genome, std::size_t symbol) {
  run_whole_series(type, series_of(symbol), genome.params.data(), settings_.allow_short, positions_.data() + 1,
                   scratch_);
  if (availability_) mask_decisions(symbol, 0, bars_, positions_.data() + 1);
  std::fill(positions_.begin() + 1, positions_.begin() + 1 + static_cast<std::ptrdiff_t>(first_), std::int8_t{0});
}

void Backtester::mask_decisions(std::size_t symbol, std::size_t begin, std::size_t count, std::int8_t* out) const {
  const std::uint8_t* tradable = tables_.tradable + symbol * bars_ + begin;
  for (std::size_t u = 0; u < count; ++u) out[u] = static_cast<std::int8_t>(out[u] * tradable[u]);
}

void Backtester::check_genome(const Genome& genome) const {
  check_params(strategy_of(genome), genome.params.data());
  if (genome.exit_genes == 0) return;
  if (genome.exit_genes >> kExitGenes != 0)
    throw ConfigError("exit genes: bits " + std::to_string(genome.exit_genes) + " name no exit gene");
  check_exit_rules(exit_rules_with(settings_.exits, genome));
}

bool Backtester::lanes_apply(std::span<const Genome> genomes) const {
  for (const Genome& genome : genomes)
    if (exit_rules_with(settings_.exits, genome).active()) return false;
  return true;
}

Metrics Backtester::evaluate_into(const Genome& genome, BacktestCurve* curve) {
  const StrategyType& type = strategy_of(genome);
  check_genome(genome);
  if (curve != nullptr) {
    curve->positions.resize(data_.bars(), data_.symbol_count());
    curve->held.resize(data_.bars(), data_.symbol_count());
  }
  const ExitRules exits = exit_rules_with(settings_.exits, genome);
  const bool next_open = settings_.execution == Execution::next_open;
  if (!exits.active()) {
    Metrics m;
    run_pass(std::span<const Genome>(&genome, 1), std::span<Metrics>(&m, 1), curve);
    if (curve != nullptr) {
      // At the close of bar t the position held is decision t (close), or the one filled at bar t's open,
      // decision t - 1 (next-open).
      curve->held = curve->positions.cast<double>();
      if (next_open) {
        curve->held.bottomRows(data_.bars() - 1) = curve->held.topRows(data_.bars() - 1).eval();
        curve->held.row(0).setZero();
      }
    }
    return m;
  }
  Tally tally;
  std::fill(portfolio_.begin(), portfolio_.end(), 0.0);
  for (std::size_t k = 0; k < symbols_; ++k) {
    run_kernel(type, genome, k);
    double* held = nullptr;
    if (curve != nullptr) {
      const auto column = static_cast<Eigen::Index>(k);
      std::copy(positions_.begin() + 1, positions_.end(), curve->positions.col(column).data());
      held = curve->held.col(column).data();  // written by manage_symbol
    }
    if (next_open) {
      manage_symbol<true>(k, exits, tally, held);
    } else {
      manage_symbol<false>(k, exits, tally, held);
    }
  }
  return portfolio_metrics(tally, curve);
}

namespace {

// Four genomes side by side: lane l of each vector belongs to genome l of a group (vector4.hpp).
using vector4::v4d;
using vector4::v4di;
constexpr std::size_t kGroup = 4;

// What the walk of one group over one chunk of one symbol works on.
struct WalkInput {
  const std::int8_t* decisions[kGroup];  // decisions[l][u]: lane l's decision u; decisions[l][-1]: the one before
  const std::uint64_t* events;  // bit u: some lane's decision u differs from the one before
  const double* h;              // h[u]: the holding return of the interval decision u is held over
  const double* g;              // next-open: g[u], that interval's gap (close to open); null for close execution
  std::size_t count;            // decisions in the chunk
  std::size_t intervals;        // of which held over an interval (all but the very last decision)
  double cost;
  double keep;                  // 1 - cost: what a trade keeps of each fill
  double* port;                 // port[4 u + l]: lane l's sum of symbol returns so far
  std::size_t symbols;
  const double* members;        // members[u]: interval u's divisor with availability; else null (`symbols`)
  bool first_chunk;
  bool shift_about_first;       // the moments are taken about the first return; else about 0
  double* curve_returns[kGroup];  // each lane's returns and equity from the chunk on, where wanted (else nullptr)
  double* curve_equity[kGroup];
};

// The first event at or after u, or `end`.
inline std::size_t next_event(const std::uint64_t* events, std::size_t u, std::size_t end) {
  while (u < end) {
    const std::uint64_t word = events[u / 64] >> (u % 64);
    if (word != 0) return std::min(end, u + static_cast<std::size_t>(std::countr_zero(word)));
    u = (u / 64 + 1) * 64;
  }
  return end;
}

// One symbol of a group of four genomes over a chunk: the returns r = pos h - cost |pos - previous|
// (close execution), or with kGap (next-open) r = (gap + earned + gap earned) - cost |pos - previous|
// with gap = previous g and earned = pos h, the previous position held over the gap to the open and
// the new one from the open (the first symbol starts the sums at 0.0, as the reference does; the last
// scales them to the mean and walks the portfolio), each running trade compounded in the reference's
// order (next-open: the gap before a change, the rest after it), and trades closed and opened where a
// position changes. Between events no lane changes position, so no cost is paid there and previous =
// pos. The portfolio walk gives the moments and the equity path with the reference's arithmetic in
// its order; multiplying by 1 + 0 leaves the equity as it is, so flat intervals need no test. A null
// lane is padding.
template <bool kFirst, bool kLast, bool kCurve, bool kGap>
void walk(const WalkInput& in, backtest_detail::SymbolState* const symbol[kGroup],
          backtest_detail::LaneState* const lane[kGroup]) {
  using namespace vector4;
  v4d value{}, shift{}, equity{}, peak{}, min_equity{}, max_drawdown{}, record{}, run{}, max_run{};
  for (std::size_t l = 0; l < kGroup; ++l) {
    value[l] = symbol[l] != nullptr ? symbol[l]->trade_value : 1.0;
    const backtest_detail::LaneState state = lane[l] != nullptr ? *lane[l] : backtest_detail::LaneState{};
    shift[l] = state.shift;
    equity[l] = state.equity;
    peak[l] = state.peak;
    min_equity[l] = state.min_equity;
    max_drawdown[l] = state.max_drawdown;
    record[l] = state.record;
    run[l] = state.run;
    max_run[l] = state.max_run;
  }
  const double k = static_cast<double>(in.symbols);
  const bool exact_inverse = std::has_single_bit(in.symbols);  // dividing is then multiplying by the inverse
  const v4d inverse = splat(1.0 / k);
  const v4d divisor = splat(k);
  const v4d one = splat(1.0);
  const v4d costs = splat(in.cost);
  v4d s1{}, s2{}, down4{};

  // The four lanes' decision u (u = -1: the one before the chunk), as doubles.
  const auto decision = [&](std::ptrdiff_t u) {
    return v4d{static_cast<double>(in.decisions[0][u]), static_cast<double>(in.decisions[1][u]),
               static_cast<double>(in.decisions[2][u]), static_cast<double>(in.decisions[3][u])};
  };
  // A change of position in some lane from decision q to p: the running trade closes (paying the exit
  // fill) and the new one opens (paying the entry fill), before the interval's factor.
  const auto change = [&](v4d p, v4d q) {
    const unsigned changed = bits(p != q);
    for (std::size_t l = 0; l < kGroup; ++l) {
      if ((changed >> l & 1U) == 0 || symbol[l] == nullptr) continue;
      if (q[l] != 0.0) symbol[l]->trades.add(value[l] * in.keep - 1.0);  // closed by the data: the exit fill
      value[l] = in.keep;                                                  // the entry fill (unused when flat)
    }
  };
  // The portfolio return r of interval u: moments, equity, peak, drawdown. kAboutZero: every lane's
  // shift is +0, so r - shift is r.
  const auto portfolio = [&]<bool kAboutZero = false>(std::size_t u, v4d r, v4d growth) {
    const v4d d = kAboutZero ? r : r - shift;
    // NOTE: r - |r| is exactly 2 min(r, 0); its square is scaled back by 1/4 at the end, also exactly.
    const v4d twice_loss = r - abs(r);
    s1 += d;
    s2 += d * d;
    down4 += twice_loss * twice_loss;
    equity *= growth;
    const v4di below = less(equity, peak);
    peak = max(peak, equity);
    min_equity = min(min_equity, equity);
    run = keep(run + one, below);  // + 1 while below the peak, else 0
    max_run = max(max_run, run);
    // NOTE: 1 - equity / peak is divided out only near a new maximum drawdown: the test against
    // peak * record is conservative, so the maximum is the reference's, bit for bit.
    const unsigned deeper = bits(less(equity, peak * record));
    if (deeper != 0) [[unlikely]] {
      for (std::size_t l = 0; l < kGroup; ++l) {
        if ((deeper >> l & 1U) == 0) continue;
        max_drawdown[l] = std::max(max_drawdown[l], 1.0 - equity[l] / peak[l]);
        const double ratio = 1.0 - max_drawdown[l];  // equity / peak at the deepest point so far
        record[l] = std::min(1.0, ratio + 1e-12 * std::max(1.0, std::fabs(ratio)));
      }
    }
    if constexpr (kCurve) {
      for (std::size_t l = 0; l < kGroup; ++l) {
        if (in.curve_returns[l] != nullptr) in.curve_returns[l][u] = r[l];
        if (in.curve_equity[l] != nullptr) in.curve_equity[l][u] = equity[l];
      }
    }
  };
  // Interval u, held at decision p; with kEvent the decision may differ from the previous one, q (the
  // trades change there), and with kOpening it is the account's first interval, whose return the
  // moments are taken about. Between events q is p.
  // kAboutZero (one symbol, no curve, between events): every lane's shift is +0; r's sign of zero
  // then changes no sum (they are never -0), so the + 0.0 that makes it +0 is left out too.
  const auto step = [&]<bool kEvent, bool kOpening = false, bool kAboutZero = false>(std::size_t u, v4d p, v4d q) {
    const v4d earned = p * splat(in.h[u]);
    v4d r = earned;
    const v4d factor = one + earned;  // a trade's factor after any change; a flat lane's is exactly 1
    if constexpr (kGap) {
      const v4d gap = (kEvent ? q : p) * splat(in.g[u]);
      value *= one + gap;  // the running trade over the gap, before it may close at the open
      r = gap + earned + gap * earned;
    }
    if constexpr (kEvent) change(p, q);
    value *= factor;
    if constexpr (kEvent) r = r - costs * abs(p - q);
    if constexpr (kFirst) {
      if constexpr (!kAboutZero) r = v4d{} + r;
    } else {
      r = load(in.port + 4 * u) + r;
    }
    if constexpr (!kLast) {
      store(in.port + 4 * u, r);
    } else {
      if constexpr (kFirst && !kEvent && !kGap) {
        portfolio.template operator()<kAboutZero>(u, r, factor);  // one symbol, no cost: 1 + r is the trade's factor
      } else {
        if (in.members != nullptr) {
          r = r / splat(in.members[u]);
        } else if (in.symbols > 1) {
          r = exact_inverse ? r * inverse : r / divisor;
        }
        // NOTE: an account opening after the warm-up (account_start) may enter at once: its first return
        // is then no typical value, and the moments are taken about 0 (the first return of a fresh start is 0 too).
        if constexpr (kOpening) shift = in.shift_about_first ? r : v4d{};
        portfolio(u, r, one + r);
      }
    }
  };
  const auto is_event = [&](std::size_t u) { return (in.events[u / 64] >> (u % 64) & 1U) != 0; };

  // The decisions are read where they may change (events); between them they are `held`.
  std::size_t u = 0;
  v4d held = decision(-1);
  if (in.first_chunk && in.intervals > 0) {  // interval 1: moments are taken about its return
    const v4d p = decision(0);
    step.template operator()<true, true>(0, p, held);
    held = p;
    u = 1;
  }
  // Moments about +0 in every lane (the shift is set by the opening interval above, and only there).
  const bool about_zero = bits(shift != v4d{}) == 0 && bits(std::bit_cast<v4di>(shift)) == 0;
  while (u < in.intervals) {
    if (is_event(u)) {
      const v4d p = decision(static_cast<std::ptrdiff_t>(u));
      step.template operator()<true>(u, p, held);
      held = p;
      ++u;
    }
    const std::size_t stop = next_event(in.events, u, in.intervals);
    if constexpr (kFirst && kLast) {
      // One symbol, every lane flat until the next event, moments taken about 0: each interval adds
      // +0 to the sums and multiplies the equity (and any trade's value) by exactly 1, so after the
      // first interval (its drawdown test) only the run below the peak moves, by 1 a bar (exact in
      // doubles), and a curve's returns are +0 and its equity stays: the same bits at once.
      if (stop - u > 1 && about_zero && bits(held != v4d{}) == 0) {
        step.template operator()<false>(u, held, held);
        ++u;
        run = keep(run + splat(static_cast<double>(stop - u)), less(equity, peak));
        max_run = max(max_run, run);
        if constexpr (kCurve) {
          for (std::size_t l = 0; l < kGroup; ++l) {
            if (in.curve_returns[l] != nullptr) std::fill(in.curve_returns[l] + u, in.curve_returns[l] + stop, 0.0);
            if (in.curve_equity[l] != nullptr) std::fill(in.curve_equity[l] + u, in.curve_equity[l] + stop, equity[l]);
          }
        }
        u = stop;
        continue;
      }
    }
    if constexpr (kFirst && kLast && !kCurve && !kGap) {
      if (about_zero) {
        for (; u < stop; ++u) step.template operator()<false, false, true>(u, held, held);
        continue;
      }
    }
    for (; u < stop; ++u) step.template operator()<false>(u, held, held);
  }
  for (; u < in.count; ++u) {  // the last decision: no interval, but a change closes and opens trades
    if (!is_event(u)) continue;
    const v4d p = decision(static_cast<std::ptrdiff_t>(u));
    change(p, held);
    held = p;
  }

  for (std::size_t l = 0; l < kGroup; ++l) {
    if (symbol[l] != nullptr) {
      symbol[l]->trade_value = value[l];
      symbol[l]->position = in.decisions[l][static_cast<std::ptrdiff_t>(in.count) - 1];
    }
    if (!kLast || lane[l] == nullptr) continue;
    backtest_detail::LaneState& state = *lane[l];
    state.shift = shift[l];
    state.t1 += s1[l];
    state.t2 += s2[l];
    state.tdown4 += down4[l];
    state.equity = equity[l];
    state.peak = peak[l];
    state.min_equity = min_equity[l];
    state.max_drawdown = max_drawdown[l];
    state.record = record[l];
    state.run = run[l];
    state.max_run = max_run[l];
  }
}

// The walk of one symbol with its place among the symbols (first, last) and whether curves are wanted.
template <bool kGap>
void walk_symbol(bool first, bool last, bool curves, const WalkInput& in, backtest_detail::SymbolState* const symbol[kGroup],
                 backtest_detail::LaneState* const lane[kGroup]) {
  if (first && last) {
    if (curves) {
      walk<true, true, true, kGap>(in, symbol, lane);
    } else {
      walk<true, true, false, kGap>(in, symbol, lane);
    }
  } else if (first) {
    walk<true, false, false, kGap>(in, symbol, lane);
  } else if (last) {
    if (curves) {
      walk<false, true, true, kGap>(in, symbol, lane);
    } else {
      walk<false, true, false, kGap>(in, symbol, lane);
    }
  } else {
    walk<false, false, false, kGap>(in, symbol, lane);
  }
}

// One lane's decisions over a chunk (pos[-1]: the one before): its intervals in a position, its
// changes of position, and (ORed into `events`) the decisions that differ from the one before.
void scan_decisions(const std::int8_t* pos, std::size_t count, std::size_t intervals, double& held, double& changes,
                    std::uint64_t* events) {
  std::int64_t in_position = 0;
  std::int64_t changed = 0;
  std::size_t u = 0;
#if defined(__AVX2__)
  // Thirty-two decisions at a time, as the sixteen below (then sixteen and one at a time for the rest).
  {
    const __m256i ones = _mm256_set1_epi8(1);
    const __m256i zero = _mm256_setzero_si256();
    __m256i sums = _mm256_setzero_si256();
    for (; u + 32 <= intervals; u += 32) {
      const __m256i now = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(pos + u));
      const __m256i before = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(pos + u - 1));
      sums = _mm256_add_epi64(sums, _mm256_sad_epu8(_mm256_add_epi8(now, ones), _mm256_add_epi8(before, ones)));
      in_position += 32 - std::popcount(static_cast<std::uint32_t>(_mm256_movemask_epi8(_mm256_cmpeq_epi8(now, zero))));
      const auto differ = static_cast<std::uint32_t>(~_mm256_movemask_epi8(_mm256_cmpeq_epi8(now, before)));
      events[u / 64] |= std::uint64_t{differ} << (u % 64);
    }
    alignas(32) std::int64_t lanes[4];
    _mm256_store_si256(reinterpret_cast<__m256i*>(lanes), sums);
    changed += lanes[0] + lanes[1] + lanes[2] + lanes[3];
  }
#endif
#if defined(__SSE2__)
  // Sixteen decisions at a time: the changes are sums of |(now + 1) - (before + 1)| over bytes
  // (psadbw), the positions held the bytes that are not 0, the events the bytes that differ.
  const __m128i ones = _mm_set1_epi8(1);
  const __m128i zero = _mm_setzero_si128();
  for (; u + 16 <= intervals; u += 16) {
    const __m128i now = _mm_loadu_si128(reinterpret_cast<const __m128i*>(pos + u));
    const __m128i before = _mm_loadu_si128(reinterpret_cast<const __m128i*>(pos + u - 1));
    const __m128i sums = _mm_sad_epu8(_mm_add_epi8(now, ones), _mm_add_epi8(before, ones));
    changed += _mm_cvtsi128_si64(sums) + _mm_cvtsi128_si64(_mm_unpackhi_epi64(sums, sums));
    in_position += 16 - std::popcount(static_cast<unsigned>(_mm_movemask_epi8(_mm_cmpeq_epi8(now, zero))));
    const auto differ = static_cast<std::uint64_t>(~_mm_movemask_epi8(_mm_cmpeq_epi8(now, before)) & 0xFFFF);
    events[u / 64] |= differ << (u % 64);
  }
#endif
  const std::int8_t* before = pos - 1;  // before[u]: the decision before pos[u] (pos[u - 1] wraps u = 0)
  for (; u < count; ++u) {
    if (u < intervals) in_position += pos[u] != 0;
    changed += std::abs(pos[u] - before[u]);
    if (pos[u] != before[u]) events[u / 64] |= std::uint64_t{1} << (u % 64);
  }
  held += static_cast<double>(in_position);
  changes += static_cast<double>(changed);
}

}  // namespace

void Backtester::evaluate(std::span<const Genome> genomes, std::span<Metrics> metrics,
                          std::span<double* const> returns) {
  if (metrics.size() != genomes.size() || returns.size() != genomes.size()) {
    throw Error("Backtester::evaluate: " + std::to_string(genomes.size()) + " genomes but room for " +
                std::to_string(metrics.size()) + " results and " + std::to_string(returns.size()) + " return series");
  }
  for (const Genome& genome : genomes) check_genome(genome);
  for (std::size_t first = 0; first < genomes.size(); first += kLanes) {
    const std::size_t count = std::min(kLanes, genomes.size() - first);
    if (lanes_apply(genomes.subspan(first, count))) {
      run_pass(genomes.subspan(first, count), metrics.subspan(first, count), nullptr, returns.subspan(first, count));
    } else {
      BacktestCurve curve;
      for (std::size_t j = first; j < first + count; ++j) {
        metrics[j] = evaluate_into(genomes[j], &curve);
        std::copy(curve.returns.begin(), curve.returns.end(), returns[j]);
      }
    }
  }
}

// Close execution: up to kLanes genomes in one pass over the data, chunk by chunk, in groups of four
// side by side. For each chunk and symbol, every genome's kernel continues from its state, and each
// group's decisions give its returns (summed over symbols) and trades; with the last symbol, each
// group's portfolio returns give its moments and equity paths. A genome's arithmetic does not depend
// on the others.
void Backtester::run_pass(std::span<const Genome> genomes, std::span<Metrics> metrics, BacktestCurve* curve,
                          std::span<double* const> returns) {
  const std::size_t lanes = genomes.size();
  const std::size_t groups = (lanes + kGroup - 1) / kGroup;
  const std::size_t n = bars_;
  for (std::size_t j = 0; j < lanes; ++j) {
    lanes_[j] = LaneState{};
    lanes_[j].type = &strategy_of(genomes[j]);
    lanes_[j].genome = &genomes[j];
    for (std::size_t k = 0; k < symbols_; ++k) {
      SymbolState& symbol = lane_symbols_[j * symbols_ + k];
      symbol = SymbolState{};
      symbol.kernel.buffer = kernel_buffers_.data() + (j * symbols_ + k) * kKernelBufferSize;
    }
  }
  if (curve != nullptr) {
    // The walk writes every interval the account is open for; before it, returns 0 and equity 1.
    curve->returns.resize(n);
    curve->equity.resize(n);
    std::fill(curve->returns.begin(), curve->returns.begin() + static_cast<std::ptrdiff_t>(first_ + 1), 0.0);
    std::fill(curve->equity.begin(), curve->equity.begin() + static_cast<std::ptrdiff_t>(first_ + 1), 1.0);
  }
  for (double* out : returns) std::fill(out, out + first_ + 1, 0.0);
  const bool curves = curve != nullptr || !returns.empty();
  const std::int8_t* idle = lane_positions_.data() + kLanes * kPositionStride + 1;  // zeros: a padding lane
  constexpr std::size_t kEventWords = (kChunk + 63) / 64;
  std::uint64_t events[kEventWords];

  // The lanes of each type with a batch kernel, evaluated together: batch b is type batch_type[b]'s
  // lanes batch_lanes[b][0 .. batch_size[b]).
  std::size_t batches = 0;
  std::uint32_t batch_type[kLanes] = {};
  std::size_t batch_size[kLanes] = {};
  const double* batch_params[kLanes][kLanes];
  std::int8_t* batch_out[kLanes][kLanes];
  for (std::size_t j = 0; j < lanes; ++j) {
    const std::uint32_t id = genomes[j].strategy;
    if (batch_kernels_.size() <= id && !lanes_[j].type->built_in()) {
      throw std::logic_error("Backtester: strategy '" + lanes_[j].type->name + "' was registered after it was made");
    }
    if (batch_kernels_.size() <= id || batch_kernels_[id] == nullptr) continue;
    std::size_t b = 0;
    while (b < batches && batch_type[b] != id) ++b;
    if (b == batches) batch_type[batches++] = id;
    batch_params[b][batch_size[b]] = genomes[j].params.data();
    batch_out[b][batch_size[b]++] = lane_positions_.data() + j * kPositionStride + 1;
  }
  for (std::size_t b = 0; b < batches; ++b) {
    batch_kernels_[batch_type[b]]->start(std::span<const double* const>(batch_params[b], batch_size[b]),
                                         settings_.allow_short);
  }

  for (std::size_t begin = 0; begin < n; begin += kChunk) {
    const std::size_t end = std::min(n, begin + kChunk);
    // The walk covers the account's decisions [from, end) of the chunk; before first_ the kernels only warm up.
    const std::size_t from = std::max(begin, first_);
    const bool walked = from < end;
    const std::size_t skip = walked ? from - begin : end - begin;
    WalkInput in{};
    in.count = walked ? end - from : 0;
    in.intervals = walked ? std::min(end, n - 1) - from : 0;
    in.cost = settings_.cost;
    in.keep = 1.0 - settings_.cost;
    in.symbols = symbols_;
    in.first_chunk = from == first_;
    in.shift_about_first = first_ == 0;
    in.members = availability_ ? tables_.members + from + 1 : nullptr;
    in.events = events;
    for (std::size_t k = 0; k < symbols_; ++k) {
      const SymbolSeries series = series_of(k);
      in.h = tables_.hold + k * bars_ + from + 1;  // h[u]: the interval after decision from + u
      in.g = tables_.gap != nullptr ? tables_.gap + k * bars_ + from + 1 : nullptr;
      for (std::size_t b = 0; b < batches; ++b) batch_kernels_[batch_type[b]]->run(k, series, begin, end, batch_out[b]);
      for (std::size_t g = 0; g < groups; ++g) {
        SymbolState* symbols[kGroup];
        LaneState* states[kGroup];
        std::fill(events, events + kEventWords, 0);
        for (std::size_t l = 0; l < kGroup; ++l) {
          const std::size_t j = g * kGroup + l;
          if (j >= lanes) {
            in.decisions[l] = idle;
            symbols[l] = nullptr;
            states[l] = nullptr;
            continue;
          }
          SymbolState& symbol = lane_symbols_[j * symbols_ + k];
          std::int8_t* out = lane_positions_.data() + j * kPositionStride + 1;
          out[-1] = symbol.position;  // the decision before the chunk
          if (batch_kernels_.size() <= genomes[j].strategy || batch_kernels_[genomes[j].strategy] == nullptr) {
            lanes_[j].type->chunk_kernel(series, lanes_[j].genome->params.data(), settings_.allow_short,
                                         symbol.kernel, begin, end, out);
          }
          if (availability_) mask_decisions(k, begin, end - begin, out);
          std::fill(out, out + skip, std::int8_t{0});  // before the account opens: flat
          if (curve != nullptr) {
            std::copy(out, out + (end - begin), curve->positions.col(static_cast<Eigen::Index>(k)).data() + begin);
          }
          if (!walked) continue;
          scan_decisions(out + skip, in.count, in.intervals, symbol.held, symbol.changes, events);
          in.decisions[l] = out + skip;  // [-1]: the decision before, symbol.position (or flat, before the account opens)
          symbols[l] = &symbol;
          states[l] = &lanes_[j];
        }
        if (!walked) continue;
        for (std::size_t l = 0; l < kGroup; ++l) {
          const std::size_t j = g * kGroup + l;
          in.curve_returns[l] = nullptr;
          in.curve_equity[l] = nullptr;
          if (j < lanes && curve != nullptr) {  // a pass of one
            in.curve_returns[l] = curve->returns.data() + from + 1;
            in.curve_equity[l] = curve->equity.data() + from + 1;
          } else if (j < lanes && !returns.empty()) {
            in.curve_returns[l] = returns[j] + from + 1;
          }
        }
        in.port = lane_returns_.data() + g * 4 * kChunk;
        const bool first = k == 0;
        const bool last = k + 1 == symbols_;
        if (in.g != nullptr) {
          walk_symbol<true>(first, last, curves, in, symbols, states);
        } else {
          walk_symbol<false>(first, last, curves, in, symbols, states);
        }
      }
    }
  }

  const double count = static_cast<double>(n - 1 - first_);
  const double symbols = static_cast<double>(symbols_);
  const double bars_per_year = settings_.bars_per_year;
  const double annual = std::sqrt(bars_per_year);
  for (std::size_t j = 0; j < lanes; ++j) {
    const LaneState& lane = lanes_[j];
    Metrics m;
    m.total_return = lane.equity - 1.0;
    m.cagr = lane.min_equity <= 0 ? -1.0 : std::pow(1.0 + m.total_return, bars_per_year / count) - 1.0;
    const double mean = lane.shift + lane.t1 / count;
    const double var = count >= 2 ? std::max(0.0, (lane.t2 - lane.t1 * lane.t1 / count) / (count - 1)) : 0.0;
    const double sd = std::sqrt(var);
    m.volatility = sd * annual;
    m.sharpe = sd > 0 ? mean / sd * annual : 0.0;
    const double downside = std::sqrt(0.25 * lane.tdown4 / count);
    m.sortino = downside > 0 ? mean / downside * annual : 0.0;
    m.max_drawdown = lane.max_drawdown;
    m.max_drawdown_bars = lane.max_run;
    m.calmar = lane.max_drawdown > 0 ? m.cagr / lane.max_drawdown : 0.0;
    // Trades per symbol, then over symbols; a trade still open at the last bar counts, without an exit fill.
    TradeStats trades;
    double held = 0, changes = 0;
    for (std::size_t k = 0; k < symbols_; ++k) {
      SymbolState& symbol = lane_symbols_[j * symbols_ + k];
      if (symbol.position != 0) symbol.trades.add(symbol.trade_value - 1.0);
      trades.merge(symbol.trades);
      held += symbol.held;
      changes += symbol.changes;
    }
    trades.finish(m);
    m.exposure = held / live_intervals_;
    m.turnover = changes / (availability_ ? live_intervals_ / count : symbols) / (count / bars_per_year);
    m.buy_and_hold = buy_and_hold_;
    m.bars = count;
    metrics[j] = m;
  }
}

namespace {

int sign_of(double x) { return (x > 0) - (x < 0); }

}  // namespace

// One symbol under exits and sizing, bar by bar (the fill rules of docs/metrics.md): the rule's
// decisions become the held position, with stop and target fills within a bar and max-bars exits at
// a close. Each interval's return is a + b + ab - costs: a = the gap part (next_open), b = the rest.
template <bool kNextOpen>
void Backtester::manage_symbol(std::size_t symbol, const ExitRules& rules, Tally& tally, double* held) {
  constexpr double kInf = std::numeric_limits<double>::infinity();
  const std::int8_t* decision = positions_.data() + 1;
  const auto column = static_cast<Eigen::Index>(symbol);
  const double* open = data_.open.col(column).data();
  const double* high = data_.high.col(column).data();
  const double* low = data_.low.col(column).data();
  const double* close = data_.close.col(column).data();
  const double* h = tables_.hold + symbol * bars_;
  const double* g = kNextOpen ? tables_.gap + symbol * bars_ : nullptr;
  const double* sizes = sizes_for(rules);
  const double* size = sizes == nullptr ? nullptr : sizes + symbol * bars_;
  double* port = portfolio_.data();
  const double cost = settings_.cost;
  const double max_bars = rules.max_bars > 0 ? rules.max_bars : kInf;
  const bool priced_exits = rules.stop_loss > 0 || rules.take_profit > 0 || rules.trailing_stop > 0;

  double x = 0;          // the position now
  double entry = 0;      // the running trade's entry fill
  double extreme = 0;    // its highest high (long) or lowest low (short) of the bars ended since entry
  double bars_held = 0;  // closes it has been held through
  double value = 1;      // what the running trade's capital has become
  double pending = 0;    // costs of the fills at the last close, paid in the next interval
  double changes = 0;
  std::int64_t exposed = 0;
  int lock = 0;          // after an exit of direction s: decisions s are ignored until one is not s

  // The position decision t asks for, after the re-entry lock and sizing.
  const auto wanted = [&](std::size_t t) {
    int d = decision[t];
    if (lock != 0) {
      if (d == lock) {
        d = 0;
      } else {
        lock = 0;
      }
    }
    return size != nullptr ? d * size[t] : static_cast<double>(d);
  };
  // A fill from x to y at `price`: turnover and trades; returns its cost.
  const auto move = [&](double y, double price) {
    const double delta = std::fabs(y - x);
    changes += delta;
    if (sign_of(y) == sign_of(x)) {
      if (x != 0) value *= 1.0 - cost * delta;  // a resize within the trade
    } else {
      if (x != 0) tally.trades.add(value * (1.0 - cost * std::fabs(x)) - 1.0);
      value = 1.0 - cost * std::fabs(y);
      entry = price;
      extreme = price;
      bars_held = 0;
    }
    x = y;
    return cost * delta;
  };
  const auto exit = [&](double price) {
    lock = sign_of(x);
    return move(0.0, price);
  };

  for (std::size_t t = 0; t < bars_; ++t) {
    if (t > 0) {
      double paid = pending;
      pending = 0;
      double a = 0;
      if constexpr (kNextOpen) {
        a = x * g[t];
        if (x != 0) value *= 1.0 + a;
        paid += move(wanted(t - 1), open[t]);
      }
      exposed += x != 0;
      double b = 0;
      if (x != 0) {
        const double base = kNextOpen ? open[t] : close[t - 1];  // where the rest of the interval starts
        double fill = kInf;  // an exit's price, if any
        if (priced_exits) {
          const double s = x > 0 ? 1.0 : -1.0;
          double stop = -s * kInf;
          if (rules.stop_loss > 0) stop = entry * (1 - s * rules.stop_loss);
          if (rules.trailing_stop > 0) {
            const double trail = extreme * (1 - s * rules.trailing_stop);
            stop = s > 0 ? std::max(stop, trail) : std::min(stop, trail);
          }
          const double target = rules.take_profit > 0 ? entry * (1 + s * rules.take_profit) : s * kInf;
          const double worst = s > 0 ? low[t] : high[t];
          const double best = s > 0 ? high[t] : low[t];
          if (s * open[t] <= s * stop || s * open[t] >= s * target) {
            fill = open[t];
          } else if (s * worst <= s * stop) {
            fill = stop;
          } else if (s * best >= s * target) {
            fill = target;
          }
        }
        if (fill != kInf) {
          b = x * (fill / base - 1.0);
          value *= 1.0 + b;
          paid += exit(fill);
        } else {
          b = x * h[t];
          value *= 1.0 + b;
        }
      }
      port[t] += (a + b + a * b) - paid;
    }
    if (x != 0) {  // the bar ends with the position on: the trailing extreme and the count move
      extreme = x > 0 ? std::max(extreme, high[t]) : std::min(extreme, low[t]);
      bars_held += 1;
      if (bars_held >= max_bars) pending += exit(close[t]);
    }
    if constexpr (!kNextOpen) pending += move(wanted(t), close[t]);
    if (held != nullptr) held[t] = x;
  }
  if constexpr (kNextOpen) move(wanted(bars_ - 1), 0.0);  // the last decision: no fill price, but a change
  if (x != 0) tally.trades.add(value - 1.0);               // still open at the end: no exit fill
  tally.held += exposed;
  tally.changes += changes;
}

// The portfolio pass: the equal-weight mean of the symbol returns, then every metric.
Metrics Backtester::portfolio_metrics(const Tally& tally, BacktestCurve* curve) {
  const double symbols = static_cast<double>(symbols_);
  if (curve != nullptr) {
    curve->returns.assign(bars_, 0.0);
    curve->equity.assign(bars_, 1.0);
  }
  // Dividing by a power of two is multiplying by its exact inverse: the same bits, faster.
  const bool exact_inverse = std::has_single_bit(symbols_);
  const double inverse = 1.0 / symbols;
  const double* members = tables_.members;  // with availability: each interval's divisor
  ReturnStats stats(first_ > 0 ? 0.0 : portfolio_[1] / (members != nullptr ? members[1] : symbols));  // as walk()
  for (std::size_t begin = first_ + 1; begin < bars_; begin += kBlock) {
    const std::size_t end = std::min(bars_, begin + kBlock);
    for (std::size_t i = begin; i < end; ++i) {
      const double r = members != nullptr ? portfolio_[i] / members[i]
                       : exact_inverse    ? portfolio_[i] * inverse
                                          : portfolio_[i] / symbols;
      stats.add(r);
      if (curve != nullptr) {
        curve->returns[i] = r;
        curve->equity[i] = stats.equity();
      }
    }
    stats.flush();
  }

  Metrics m;
  const double n = static_cast<double>(bars_ - 1 - first_);
  stats.finish(m, n, settings_.bars_per_year);
  tally.trades.finish(m);
  m.exposure = static_cast<double>(tally.held) / live_intervals_;
  m.turnover = tally.changes / (availability_ ? live_intervals_ / n : symbols) / (n / settings_.bars_per_year);
  m.buy_and_hold = buy_and_hold_;
  m.bars = n;
  return m;
}

}  // namespace genepool
