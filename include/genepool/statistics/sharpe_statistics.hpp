#pragma once
// How far a Sharpe ratio can be trusted: moments of a return series, the probabilistic and the
// deflated Sharpe ratio (Bailey & López de Prado), and the normal distribution they need.
// Definitions and edge cases: docs/validation.md.
#include <cstddef>
#include <limits>
#include <span>

namespace genepool {

// Moments of per-bar returns r_1 .. r_n (pass the n_r returns of docs/metrics.md, without the
// placeholder returns[0] = 0 of a BacktestCurve).
struct ReturnMoments {
  std::size_t count = 0;  // n
  double mean = 0;        // 0 when n = 0
  double stddev = 0;      // sample standard deviation (ddof = 1); 0 when n < 2
  // Population (biased) moment ratios, as Bailey & López de Prado use them:
  // skewness = m3 / m2^1.5 and kurtosis = m4 / m2^2 (non-excess: 3 for a normal distribution),
  // with m_k = (1/n) sum (r - mean)^k. NaN when n < 2 or all returns are equal (m2 = 0).
  double skewness = std::numeric_limits<double>::quiet_NaN();
  double kurtosis = std::numeric_limits<double>::quiet_NaN();

  // Per-bar Sharpe ratio mean / stddev (zero risk-free rate); 0 when stddev is 0, as in metrics.
  double sharpe() const { return stddev > 0 ? mean / stddev : 0.0; }
};

ReturnMoments moments(std::span<const double> returns);

// Standard normal distribution function Φ(x) = erfc(-x / sqrt(2)) / 2.
double normal_cdf(double x);
// Its inverse Φ⁻¹(p): Acklam's rational approximation and one Halley step (relative error ~1e-15).
// -inf at p = 0, +inf at p = 1, NaN outside [0, 1] or for NaN.
double normal_quantile(double p);

// Probabilistic Sharpe ratio: the probability that the true per-bar Sharpe ratio exceeds
// `benchmark`, given an estimate `sharpe` from n returns with the given skewness and (non-excess)
// kurtosis: Φ((sharpe - benchmark) sqrt(n - 1) / sqrt(1 - skewness sharpe + (kurtosis - 1) / 4 sharpe²)).
// Both Sharpe ratios per bar. NaN when it is undefined: n < 2, or the denominator's square is not
// positive or not finite (all returns equal, NaN inputs).
double probabilistic_sharpe(double sharpe, double benchmark, std::size_t n, double skewness, double kurtosis);
double probabilistic_sharpe(const ReturnMoments& m, double benchmark);
// The same with an annualised benchmark (e.g. 1.0): benchmark / sqrt(bars_per_year) per bar.
// Throws Error unless bars_per_year is positive and finite.
double probabilistic_sharpe_annualised(const ReturnMoments& m, double annual_benchmark, double bars_per_year);

// Sample variance (ddof = 1) of the trials' per-bar Sharpe ratios; 0 for fewer than 2 values.
// From annualised Sharpe ratios: divide the result by bars_per_year.
double sharpe_variance(std::span<const double> sharpes);

// The expected maximum per-bar Sharpe ratio of `trials` independent trials of zero true Sharpe
// whose estimates vary with `variance` (Bailey & López de Prado 2014):
// sqrt(variance) ((1 - γ) Φ⁻¹(1 - 1/N) + γ Φ⁻¹(1 - 1/(N e))), γ the Euler–Mascheroni constant.
// 0 for N = 1, and never negative (the approximation is, for 1 < N < ~1.3). N may be an effective,
// non-integer number of trials. Throws Error unless trials >= 1 and variance >= 0 (both finite).
double expected_max_sharpe(double variance, double trials);

// Deflated Sharpe ratio: probabilistic_sharpe against expected_max_sharpe(variance, trials).
double deflated_sharpe(double sharpe, std::size_t n, double skewness, double kurtosis, double variance,
                       double trials);
double deflated_sharpe(const ReturnMoments& m, double variance, double trials);

}  // namespace genepool
