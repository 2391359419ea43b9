#pragma once
// Confidence intervals of a strategy's objective by the moving-block bootstrap (Künsch 1989):
// resample the per-bar returns in blocks of L consecutive bars, so that autocorrelation within a
// block survives. Definitions and edge cases: docs/validation.md.
#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

#include "genepool/ga/fitness.hpp"

namespace genepool {

inline constexpr std::int64_t kMaxBootstrapResamples = 10'000'000;

struct BootstrapSettings {
  std::int64_t resamples = 1000;  // B (bootstrap-resamples): 1 .. kMaxBootstrapResamples
  std::int64_t block_length = 0;  // L (bootstrap-block-length): 1 .. n, or 0 for default_block_length(n)
  Objective objective = Objective::sharpe;
  double bars_per_year = 252;     // B of docs/metrics.md: positive (resolved, never 0 = infer)
  std::uint64_t seed = 1;         // the draws depend on the seed alone
};

struct BootstrapResult {
  double p05 = 0;  // 5th, 50th and 95th percentiles of the resampled objective (quantile_sorted)
  double p50 = 0;
  double p95 = 0;
  double full_sample = 0;          // the objective of the series itself
  std::int64_t block_length = 0;   // L used
  std::vector<double> values;      // the B resampled objectives, ascending
};

// Each resample concatenates ceil(n / L) blocks returns[s .. s + L - 1], s uniform in [0, n - L]
// (Rng::uniform_int), and cuts the last block at n returns. L = 1 is the ordinary iid bootstrap.
// Throws ConfigError naming bootstrap-resamples, bootstrap-block-length, bars-per-year or objective
// for a setting out of range; Error for fewer than 2 returns or a non-finite return.
// sharpe and sortino are computed from window sums of the returns (O(n) once, then O(n / L) per
// resample); the other objectives depend on the path and materialise each resample (O(n) each),
// as block_bootstrap_reference does.
BootstrapResult block_bootstrap(std::span<const double> returns, const BootstrapSettings& settings);
// The plain computation: every resample materialised and passed to objective_of_returns. Same
// draws, same result up to rounding (the tests compare the two).
BootstrapResult block_bootstrap_reference(std::span<const double> returns, const BootstrapSettings& settings);

// round(n^(1/3)), at least 1: the order of the optimal block length for variance estimates.
std::int64_t default_block_length(std::size_t n);

// Quantile of ascending values by linear interpolation between order statistics (Hyndman & Fan
// type 7, numpy's default): h = (m - 1) p, x[floor h] + (h - floor h) (x[floor h + 1] - x[floor h]).
// NaN for no values; p is clamped to [0, 1].
double quantile_sorted(std::span<const double> sorted, double probability);

// The metric of docs/metrics.md that `objective` names, computed from per-bar returns alone:
// sharpe, sortino, total_return, cagr and calmar (annualised with bars_per_year where they are).
double objective_of_returns(std::span<const double> returns, Objective objective, double bars_per_year);

}  // namespace genepool
