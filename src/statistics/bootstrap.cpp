#include "genepool/statistics/bootstrap.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <string>

#include "genepool/error.hpp"
#include "genepool/number_text.hpp"
#include "genepool/ga/rng.hpp"
#include "genepool/statistics/sharpe_statistics.hpp"

namespace genepool {
namespace {

void check_inputs(std::span<const double> returns, const BootstrapSettings& settings) {
  if (settings.resamples < 1 || settings.resamples > kMaxBootstrapResamples)
    throw ConfigError("bootstrap-resamples = " + std::to_string(settings.resamples) + " is outside [1, " +
                      std::to_string(kMaxBootstrapResamples) + "]");
  if (!(settings.bars_per_year > 0) || !std::isfinite(settings.bars_per_year))
    throw ConfigError("bars-per-year = " + shortest(settings.bars_per_year) +
                      " is outside (0, inf): the bootstrap needs the resolved value");
  if (to_string(settings.objective) == "unknown")
    throw ConfigError("objective = " + std::to_string(static_cast<int>(settings.objective)) +
                      " is not one of sharpe, sortino, calmar, cagr, total_return");
  if (returns.size() < 2)
    throw Error("block_bootstrap: needs at least 2 returns, got " + std::to_string(returns.size()));
  const auto n = static_cast<std::int64_t>(returns.size());
  if (settings.block_length < 0 || settings.block_length > n)
    throw ConfigError("bootstrap-block-length = " + std::to_string(settings.block_length) + " is outside [0, " +
                      std::to_string(n) + "] (0 = automatic; at most the " + std::to_string(n) + " returns)");
  for (std::size_t i = 0; i < returns.size(); ++i)
    if (!std::isfinite(returns[i]))
      throw Error("block_bootstrap: return " + std::to_string(i) + " is " + shortest(returns[i]) +
                  "; returns must be finite");
}

// Compound annual growth rate; -1 once equity reaches <= 0 (docs/metrics.md).
double cagr(std::span<const double> returns, double bars_per_year) {
  double equity = 1;
  bool ruined = false;
  for (double r : returns) {
    equity *= 1 + r;
    ruined = ruined || equity <= 0;
  }
  if (ruined) return -1;
  return std::pow(equity, bars_per_year / static_cast<double>(returns.size())) - 1;
}

double max_drawdown(std::span<const double> returns) {
  double equity = 1;
  double peak = 1;
  double worst = 0;
  for (double r : returns) {
    equity *= 1 + r;
    peak = std::max(peak, equity);
    worst = std::max(worst, 1 - equity / peak);
  }
  return worst;
}

}  // namespace

std::int64_t default_block_length(std::size_t n) {
  return std::max<std::int64_t>(1, std::llround(std::cbrt(static_cast<double>(n))));
}

double quantile_sorted(std::span<const double> sorted, double probability) {
  if (sorted.empty()) return std::numeric_limits<double>::quiet_NaN();
  const double h = static_cast<double>(sorted.size() - 1) * std::clamp(probability, 0.0, 1.0);
  const auto lower = static_cast<std::size_t>(std::floor(h));
  if (lower + 1 >= sorted.size()) return sorted.back();
  return sorted[lower] + (h - static_cast<double>(lower)) * (sorted[lower + 1] - sorted[lower]);
}

double objective_of_returns(std::span<const double> returns, Objective objective, double bars_per_year) {
  const double n = static_cast<double>(returns.size());
  switch (objective) {
    case Objective::sharpe:
      return moments(returns).sharpe() * std::sqrt(bars_per_year);
    case Objective::sortino: {
      if (returns.empty()) return 0;
      double sum = 0;
      double downside = 0;
      for (double r : returns) {
        sum += r;
        downside += r < 0 ? r * r : 0.0;
      }
      return downside > 0 ? (sum / n) / std::sqrt(downside / n) * std::sqrt(bars_per_year) : 0.0;
    }
    case Objective::total_return: {
      double equity = 1;
      for (double r : returns) equity *= 1 + r;
      return equity - 1;
    }
    case Objective::cagr:
      return returns.empty() ? 0.0 : cagr(returns, bars_per_year);
    case Objective::calmar: {
      if (returns.empty()) return 0;
      const double drawdown = max_drawdown(returns);
      return drawdown > 0 ? cagr(returns, bars_per_year) / drawdown : 0.0;
    }
  }
  return std::numeric_limits<double>::quiet_NaN();
}

namespace {

// A double-double number: hi + lo, about 106 bits.
struct DoubleDouble {
  double hi = 0;
  double lo = 0;
  void add(double x) {  // Knuth's two-sum, the error folded into lo
    const double s = hi + x;
    const double v = s - hi;
    lo += (hi - (s - v)) + (x - v);
    hi = s;
  }
  double value() const { return hi + lo; }
  // this - earlier, rounded once: exactly 0 when nothing but zeros was added in between.
  double minus(const DoubleDouble& earlier) const {
    const double s = hi - earlier.hi;
    const double v = s - hi;
    const double error = (hi - (s - v)) + (-earlier.hi - v);
    return s + (error + (lo - earlier.lo));
  }
};

// The sums of two per-bar quantities a and b over every window [s, s + length), s = 0 .. n - length:
// window[2 s] = sum of a, window[2 s + 1] = sum of b, each the difference of two double-double
// prefix sums (so a window of zeros sums to exactly 0) rounded once.
template <class A, class B>
std::vector<double> window_sums(std::span<const double> returns, std::size_t length, A a, B b) {
  const std::size_t starts = returns.size() - length + 1;
  std::vector<double> window(2 * starts);
  DoubleDouble begin_a, begin_b, end_a, end_b;  // prefix sums up to s and up to s + length
  for (std::size_t i = 0; i < length; ++i) {
    end_a.add(a(returns[i]));
    end_b.add(b(returns[i]));
  }
  for (std::size_t s = 0;; ++s) {
    window[2 * s] = end_a.minus(begin_a);
    window[2 * s + 1] = end_b.minus(begin_b);
    if (s + 1 == starts) break;
    end_a.add(a(returns[s + length]));
    end_b.add(b(returns[s + length]));
    begin_a.add(a(returns[s]));
    begin_b.add(b(returns[s]));
  }
  return window;
}

constexpr std::size_t kPrefetch = 32;  // blocks read ahead

// The statistics sharpe and sortino are functions of two sums over the resample (sharpe: of
// r - shift and its square; sortino: of r and of r² for r < 0), so a resample needs only the sums
// over its blocks: O(n / L) per resample after O(n) of window sums. The result agrees with the
// materialised resample to rounding (the sums here are compensated); a resample whose variance
// cancels (a constant resample, or nearly) is recomputed the plain way, which is exact there.
void resample_by_window_sums(std::span<const double> returns, const BootstrapSettings& settings,
                             std::int64_t block_length, BootstrapResult& result) {
  const std::size_t n = returns.size();
  const auto block = static_cast<std::size_t>(block_length);
  const std::size_t blocks = (n + block - 1) / block;
  const std::size_t last = n - (blocks - 1) * block;  // the last block's length: 1 .. L
  const auto last_start = static_cast<std::int64_t>(n - block);
  const bool sharpe = settings.objective == Objective::sharpe;
  // NOTE: deviations about the series' mean keep the variance of a resample well conditioned;
  // a constant series has mean = its value exactly, so all its deviations are exactly 0.
  const double shift = sharpe ? moments(returns).mean : 0.0;
  const auto a = [&](double r) { return sharpe ? r - shift : r; };
  const auto b = [&](double r) {
    const double d = r - shift;
    return sharpe ? d * d : (r < 0 ? r * r : 0.0);
  };
  const std::vector<double> full = window_sums(returns, block, a, b);
  const double count = static_cast<double>(n);
  const double annual = std::sqrt(settings.bars_per_year);
  Rng rng(settings.seed);
  std::vector<std::size_t> starts(blocks);
  std::vector<double> sample;
  for (double& value : result.values) {
    for (auto& start : starts) start = static_cast<std::size_t>(rng.uniform_int(0, last_start));
    DoubleDouble sum_a, sum_b;
    for (std::size_t k = 0; k + 1 < blocks; ++k) {
      // NOTE: the windows are read at random over 16 bytes x n: fetch ahead to overlap the misses.
      if (k + kPrefetch + 1 < blocks) __builtin_prefetch(&full[2 * starts[k + kPrefetch]]);
      sum_a.add(full[2 * starts[k]]);
      sum_b.add(full[2 * starts[k] + 1]);
    }
    // The last block, cut at n returns: summed directly (once per resample, not worth a table).
    DoubleDouble tail_a, tail_b;
    for (std::size_t i = starts[blocks - 1]; i < starts[blocks - 1] + last; ++i) {
      tail_a.add(a(returns[i]));
      tail_b.add(b(returns[i]));
    }
    sum_a.add(tail_a.value());
    sum_b.add(tail_b.value());
    const double s1 = sum_a.value();
    const double s2 = sum_b.value();
    if (sharpe) {
      const double spread = s2 - s1 * (s1 / count);  // n - 1 times the variance
      if (s2 > 0 && !(spread >= 1e-4 * s2)) {
        // NOTE: more than 4 digits cancel: materialise this resample (constant ones land here).
        sample.resize(n);
        for (std::size_t k = 0; k < blocks; ++k)
          std::copy_n(returns.begin() + static_cast<std::ptrdiff_t>(starts[k]), k + 1 < blocks ? block : last,
                      sample.begin() + static_cast<std::ptrdiff_t>(k * block));
        value = objective_of_returns(sample, settings.objective, settings.bars_per_year);
        continue;
      }
      const double stddev = std::sqrt(std::max(spread, 0.0) / (count - 1));
      value = stddev > 0 ? (shift + s1 / count) / stddev * annual : 0.0;
    } else {
      value = s2 > 0 ? (s1 / count) / std::sqrt(s2 / count) * annual : 0.0;
    }
  }
}

void sort_and_summarise(BootstrapResult& result) {
  // NOTE: NaN (only from overflowing equity) sorts last, keeping the ordering strict and weak.
  std::sort(result.values.begin(), result.values.end(),
            [](double a, double b) { return a < b || (!std::isnan(a) && std::isnan(b)); });
  result.p05 = quantile_sorted(result.values, 0.05);
  result.p50 = quantile_sorted(result.values, 0.50);
  result.p95 = quantile_sorted(result.values, 0.95);
}

}  // namespace

BootstrapResult block_bootstrap(std::span<const double> returns, const BootstrapSettings& settings) {
  if (settings.objective != Objective::sharpe && settings.objective != Objective::sortino)
    return block_bootstrap_reference(returns, settings);
  check_inputs(returns, settings);
  BootstrapResult result;
  result.block_length = settings.block_length == 0 ? default_block_length(returns.size()) : settings.block_length;
  result.full_sample = objective_of_returns(returns, settings.objective, settings.bars_per_year);
  result.values.resize(static_cast<std::size_t>(settings.resamples));
  resample_by_window_sums(returns, settings, result.block_length, result);
  sort_and_summarise(result);
  return result;
}

BootstrapResult block_bootstrap_reference(std::span<const double> returns, const BootstrapSettings& settings) {
  check_inputs(returns, settings);
  const std::size_t n = returns.size();
  BootstrapResult result;
  result.block_length = settings.block_length == 0 ? default_block_length(n) : settings.block_length;
  result.full_sample = objective_of_returns(returns, settings.objective, settings.bars_per_year);

  const auto block = static_cast<std::size_t>(result.block_length);
  const auto last_start = static_cast<std::int64_t>(n - block);
  Rng rng(settings.seed);
  std::vector<double> sample(n);
  result.values.resize(static_cast<std::size_t>(settings.resamples));
  for (double& value : result.values) {
    for (std::size_t filled = 0; filled < n;) {
      const auto start = static_cast<std::size_t>(rng.uniform_int(0, last_start));
      const std::size_t length = std::min(block, n - filled);
      std::copy_n(returns.begin() + static_cast<std::ptrdiff_t>(start), length,
                  sample.begin() + static_cast<std::ptrdiff_t>(filled));
      filled += length;
    }
    value = objective_of_returns(sample, settings.objective, settings.bars_per_year);
  }
  sort_and_summarise(result);
  return result;
}

}  // namespace genepool
