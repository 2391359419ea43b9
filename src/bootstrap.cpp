#include "genepool/bootstrap.hpp"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <limits>
#include <string>

#include "genepool/error.hpp"
#include "genepool/rng.hpp"
#include "genepool/sharpe_statistics.hpp"

namespace genepool {
namespace {

// Shortest text that reads back to the same double.
std::string number(double value) {
  char buf[64];
  const auto result = std::to_chars(buf, buf + sizeof buf, value);
  return std::string(buf, result.ptr);
}

void check_inputs(std::span<const double> returns, const BootstrapSettings& settings) {
  if (settings.resamples < 1 || settings.resamples > kMaxBootstrapResamples)
    throw ConfigError("bootstrap-resamples = " + std::to_string(settings.resamples) + " is outside [1, " +
                      std::to_string(kMaxBootstrapResamples) + "]");
  if (!(settings.bars_per_year > 0) || !std::isfinite(settings.bars_per_year))
    throw ConfigError("bars-per-year = " + number(settings.bars_per_year) +
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
      throw Error("block_bootstrap: return " + std::to_string(i) + " is " + number(returns[i]) +
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

BootstrapResult block_bootstrap(std::span<const double> returns, const BootstrapSettings& settings) {
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
  // NOTE: NaN (only from overflowing equity) sorts last, keeping the ordering strict and weak.
  std::sort(result.values.begin(), result.values.end(),
            [](double a, double b) { return a < b || (!std::isnan(a) && std::isnan(b)); });
  result.p05 = quantile_sorted(result.values, 0.05);
  result.p50 = quantile_sorted(result.values, 0.50);
  result.p95 = quantile_sorted(result.values, 0.95);
  return result;
}

}  // namespace genepool
