// The optimised backtest: kernels into reused buffers, then one fused pass per symbol and
// one over the portfolio; the single-symbol close-execution case fuses everything into one pass.
// Definitions: docs/metrics.md. The plain twin is backtest_reference.cpp.
#include "genepool/backtest.hpp"

#include <algorithm>
#include <bit>
#include <cmath>
#include <cstdlib>
#include <limits>
#include <sstream>
#include <string>

#include "genepool/error.hpp"

namespace genepool {

std::string_view to_string(Execution execution) {
  switch (execution) {
    case Execution::close:
      return "close";
    case Execution::next_open:
      return "next_open";
  }
  return "unknown";
}

Execution parse_execution(std::string_view text, std::string_view key) {
  if (text == "close") return Execution::close;
  if (text == "next_open") return Execution::next_open;
  throw ConfigError(std::string(key) + ": '" + std::string(text) + "' is not one of close, next_open");
}

namespace {

constexpr double kInfinity = std::numeric_limits<double>::infinity();
// Return sums are accumulated per block and then added to the totals, which bounds the
// rounding error of a long series (the block sums stay small relative to each other).
constexpr std::size_t kBlock = 4096;

// Statistics of trade returns, one trade at a time (no list of trades is kept).
struct TradeStats {
  double count = 0;
  double wins = 0;
  double sum = 0;
  double gains = 0;   // sum of positive returns
  double losses = 0;  // sum of negative returns
  double best = -kInfinity;
  double worst = kInfinity;

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
      m.profit_factor = wins > 0 ? kInfinity : 0.0;
    }
  }
};

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
  std::int64_t changes = 0;  // sum of |pos[t] - pos[t-1]| over bars and symbols
};

namespace {

// The decision at the last close earns nothing, but its change counts for turnover and
// trades: it closes the running trade (paying the exit cost) and may open one more.
// Then a trade still open at the end is counted, without an exit cost.
void close_out(int q, int p, double trade_value, double cost, std::int64_t& changes, TradeStats& trades) {
  const int d = std::abs(p - q);
  changes += d;
  if (d != 0) {
    if (q != 0) trades.add(trade_value * (1.0 - cost) - 1.0);
    trade_value = p != 0 ? 1.0 - cost : 1.0;
  }
  if (p != 0) trades.add(trade_value - 1.0);
}

}  // namespace

Backtester::Backtester(const MarketData& data, const ExecutionSettings& settings)
    : data_(data), settings_(settings) {
  if (data.bars() < 2 || data.symbol_count() < 1) {
    std::ostringstream msg;
    msg << "backtest needs at least 2 bars and 1 symbol, got " << data.bars() << " bars and "
        << data.symbol_count() << " symbols";
    throw DataError(msg.str());
  }
  bars_ = static_cast<std::size_t>(data.bars());
  symbols_ = static_cast<std::size_t>(data.symbol_count());
  const auto shaped = [&](const PriceMatrix& m) {
    return static_cast<std::size_t>(m.rows()) == bars_ && static_cast<std::size_t>(m.cols()) == symbols_;
  };
  if (!shaped(data.open) || !shaped(data.high) || !shaped(data.low) || !shaped(data.close)) {
    throw DataError("backtest: the price matrices do not all match " + std::to_string(bars_) + " bars × " +
                    std::to_string(symbols_) + " symbols");
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
  if (settings_.bars_per_year == 0) settings_.bars_per_year = infer_bars_per_year(data);

  double buy_and_hold = 0;
  for (Eigen::Index k = 0; k < data.symbol_count(); ++k) {
    buy_and_hold += data.close(data.bars() - 1, k) / data.close(0, k) - 1.0;
  }
  buy_and_hold_ = buy_and_hold / static_cast<double>(symbols_);

  scratch_.reserve(bars_);
  positions_.assign(bars_ + 1, 0);
  portfolio_.assign(bars_, 0.0);
  hold_.assign(bars_ * symbols_, 0.0);
  if (settings_.execution == Execution::next_open) gap_.assign(bars_ * symbols_, 0.0);
  for (std::size_t k = 0; k < symbols_; ++k) {
    const double* open = data.open.col(static_cast<Eigen::Index>(k)).data();
    const double* close = data.close.col(static_cast<Eigen::Index>(k)).data();
    double* h = hold_.data() + k * bars_;
    for (std::size_t i = 1; i < bars_; ++i) {
      if (settings_.execution == Execution::close) {
        h[i] = close[i] / close[i - 1] - 1.0;
      } else {
        h[i] = close[i] / open[i] - 1.0;
        gap_[k * bars_ + i] = open[i] / close[i - 1] - 1.0;
      }
    }
  }
}

Metrics Backtester::evaluate(const Genome& genome) { return evaluate_into(genome, nullptr); }

Metrics Backtester::evaluate(const Genome& genome, BacktestCurve& curve) { return evaluate_into(genome, &curve); }

void Backtester::run_kernel(const StrategyType& type, const Genome& genome, std::size_t symbol) {
  const auto k = static_cast<Eigen::Index>(symbol);
  const SymbolSeries series{data_.open.col(k).data(), data_.high.col(k).data(), data_.low.col(k).data(),
                            data_.close.col(k).data(), bars_};
  type.kernel(series, genome.params.data(), settings_.allow_short, positions_.data() + 1, scratch_);
}

Metrics Backtester::evaluate_into(const Genome& genome, BacktestCurve* curve) {
  const StrategyType& type = strategy_of(genome);
  check_params(type, genome.params.data());
  Tally tally;
  if (curve == nullptr && symbols_ == 1 && settings_.execution == Execution::close) {
    run_kernel(type, genome, 0);
    return close_single_symbol(tally);
  }
  std::fill(portfolio_.begin(), portfolio_.end(), 0.0);
  if (curve != nullptr) curve->positions.resize(data_.bars(), data_.symbol_count());
  for (std::size_t k = 0; k < symbols_; ++k) {
    run_kernel(type, genome, k);
    if (curve != nullptr) {
      std::copy(positions_.begin() + 1, positions_.end(), curve->positions.col(static_cast<Eigen::Index>(k)).data());
    }
    if (settings_.execution == Execution::close) {
      accumulate_symbol<false>(k, tally);
    } else {
      accumulate_symbol<true>(k, tally);
    }
  }
  return portfolio_metrics(tally, curve);
}

// The hot path: one symbol, close execution, every metric in one pass over the positions.
// Per bar it only compounds; what happens at a change of position (trades, costs, turnover,
// exposure) is done in the rarely taken branch.
Metrics Backtester::close_single_symbol(Tally& tally) const {
  const std::int8_t* pos = positions_.data();  // pos[i]: held over interval i; pos[i - 1]: before it
  const double* h = hold_.data();
  const double cost = settings_.cost;
  const double keep = 1.0 - cost;  // what a trade keeps of each fill
  constexpr double kSign[3] = {-1.0, 0.0, 1.0};
  TradeStats& trades = tally.trades;
  std::int64_t held = 0;      // intervals in a position
  std::int64_t changes = 0;   // sum of |change|
  std::size_t entered = 0;    // first interval of the running position
  double trade_value = 1.0;
  ReturnStats stats(kSign[pos[1] + 1] * h[1] - cost * std::abs(pos[1]));
  for (std::size_t begin = 1; begin < bars_; begin += kBlock) {
    const std::size_t end = std::min(bars_, begin + kBlock);
    for (std::size_t i = begin; i < end; ++i) {
      const int p = pos[i];
      const int q = pos[i - 1];
      double paid = 0.0;
      if (p != q) {
        const int d = std::abs(p - q);
        paid = cost * d;
        changes += d;
        if (q != 0) {
          trades.add(trade_value * keep - 1.0);
          held += static_cast<std::int64_t>(i - entered);
        }
        trade_value = p != 0 ? keep : 1.0;
        entered = i;
      }
      const double earned = kSign[p + 1] * h[i];
      trade_value *= 1.0 + earned;
      stats.add(earned - paid);
    }
    stats.flush();
  }
  if (pos[bars_ - 1] != 0) held += static_cast<std::int64_t>(bars_ - entered);
  close_out(pos[bars_ - 1], pos[bars_], trade_value, cost, changes, trades);

  Metrics m;
  const double n = static_cast<double>(bars_ - 1);
  stats.finish(m, n, settings_.bars_per_year);
  trades.finish(m);
  m.exposure = static_cast<double>(held) / n;
  m.turnover = static_cast<double>(changes) / (n / settings_.bars_per_year);
  m.buy_and_hold = buy_and_hold_;
  m.bars = n;
  return m;
}

// One symbol's returns added into portfolio_, with its trades, exposure and changes.
template <bool kNextOpen>
void Backtester::accumulate_symbol(std::size_t symbol, Tally& tally) {
  const std::int8_t* pos = positions_.data();
  const double* h = hold_.data() + symbol * bars_;
  const double* g = kNextOpen ? gap_.data() + symbol * bars_ : nullptr;
  double* port = portfolio_.data();
  const double cost = settings_.cost;
  const double keep = 1.0 - cost;
  std::int64_t held = 0;
  std::int64_t changes = 0;
  double trade_value = 1.0;
  for (std::size_t i = 1; i < bars_; ++i) {
    const int p = pos[i];
    const int q = pos[i - 1];
    const int d = std::abs(p - q);
    // Next-open: the previous position q is held over the gap, the new one p from the open.
    const double gap = kNextOpen ? static_cast<double>(q) * g[i] : 0.0;
    const double earned = static_cast<double>(p) * h[i];
    if constexpr (kNextOpen) trade_value *= 1.0 + gap;
    if (d != 0) {
      if (q != 0) tally.trades.add(trade_value * keep - 1.0);
      trade_value = p != 0 ? keep : 1.0;
    }
    trade_value *= 1.0 + earned;
    // (1 + gap)(1 + earned) - 1, expanded so that it is exactly `earned` when gap is 0.
    port[i] += (gap + earned + gap * earned) - cost * d;
    held += p != 0;
    changes += d;
  }
  close_out(pos[bars_ - 1], pos[bars_], trade_value, cost, changes, tally.trades);
  tally.held += held;
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
  ReturnStats stats(portfolio_[1] / symbols);
  for (std::size_t begin = 1; begin < bars_; begin += kBlock) {
    const std::size_t end = std::min(bars_, begin + kBlock);
    for (std::size_t i = begin; i < end; ++i) {
      const double r = exact_inverse ? portfolio_[i] * inverse : portfolio_[i] / symbols;
      stats.add(r);
      if (curve != nullptr) {
        curve->returns[i] = r;
        curve->equity[i] = stats.equity();
      }
    }
    stats.flush();
  }

  Metrics m;
  const double n = static_cast<double>(bars_ - 1);
  stats.finish(m, n, settings_.bars_per_year);
  tally.trades.finish(m);
  m.exposure = static_cast<double>(tally.held) / (n * symbols);
  m.turnover = static_cast<double>(tally.changes) / symbols / (n / settings_.bars_per_year);
  m.buy_and_hold = buy_and_hold_;
  m.bars = n;
  return m;
}

}  // namespace genepool
