#include "genepool/statistics/sharpe_statistics.hpp"

#include <algorithm>
#include <array>
#include <cmath>
#include <numbers>
#include <string>

#include "genepool/error.hpp"
#include "genepool/number_text.hpp"

namespace genepool {
namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
constexpr double kInf = std::numeric_limits<double>::infinity();

// Acklam's coefficients: central region |p - 0.5| <= 0.5 - kLow, and the tails.
constexpr std::array<double, 6> kA{-3.969683028665376e+01, 2.209460984245205e+02, -2.759285104469687e+02,
                                   1.383577518672690e+02,  -3.066479806614716e+01, 2.506628277459239e+00};
constexpr std::array<double, 5> kB{-5.447609879822406e+01, 1.615858368580409e+02, -1.556989798598866e+02,
                                   6.680131188771972e+01,  -1.328068155288572e+01};
constexpr std::array<double, 6> kC{-7.784894002430293e-03, -3.223964580411365e-01, -2.400758277161838e+00,
                                   -2.549732539343734e+00, 4.374664141464968e+00,  2.938163982698783e+00};
constexpr std::array<double, 4> kD{7.784695709041462e-03, 3.224671290700398e-01, 2.445134137142996e+00,
                                   3.754408661907416e+00};
constexpr double kLow = 0.02425;

// Φ⁻¹(p) for 0 < p <= 0.5.
double lower_quantile(double p) {
  double x = 0;
  if (p < kLow) {
    const double q = std::sqrt(-2 * std::log(p));
    x = (((((kC[0] * q + kC[1]) * q + kC[2]) * q + kC[3]) * q + kC[4]) * q + kC[5]) /
        ((((kD[0] * q + kD[1]) * q + kD[2]) * q + kD[3]) * q + 1);
  } else {
    const double q = p - 0.5;
    const double r = q * q;
    x = (((((kA[0] * r + kA[1]) * r + kA[2]) * r + kA[3]) * r + kA[4]) * r + kA[5]) * q /
        (((((kB[0] * r + kB[1]) * r + kB[2]) * r + kB[3]) * r + kB[4]) * r + 1);
  }
  // One Halley step on Φ(x) - p = 0 (Acklam's refinement). NOTE: in the far tail (p below ~1e-305)
  // exp(x²/2) overflows; the unrefined value (relative error ~1e-9) is kept there.
  const double e = normal_cdf(x) - p;
  const double u = e * std::sqrt(2 * std::numbers::pi) * std::exp(x * x / 2);
  const double refined = x - u / (1 + x * u / 2);
  return std::isfinite(refined) ? refined : x;
}

}  // namespace

ReturnMoments moments(std::span<const double> returns) {
  ReturnMoments m;
  m.count = returns.size();
  if (returns.empty()) return m;
  const double n = static_cast<double>(returns.size());
  // NOTE: deviations are taken about the first return, so equal returns give exactly zero
  // deviations (a zero standard deviation) instead of rounding noise.
  const double shift = returns[0];
  double sum = 0;
  for (double r : returns) sum += r - shift;
  const double offset = sum / n;
  m.mean = shift + offset;
  if (returns.size() < 2) return m;
  double s2 = 0;
  double s3 = 0;
  double s4 = 0;
  for (double r : returns) {
    const double d = (r - shift) - offset;
    const double d2 = d * d;
    s2 += d2;
    s3 += d2 * d;
    s4 += d2 * d2;
  }
  m.stddev = std::sqrt(s2 / (n - 1));
  if (s2 > 0) {
    const double m2 = s2 / n;
    m.skewness = (s3 / n) / (m2 * std::sqrt(m2));
    m.kurtosis = (s4 / n) / (m2 * m2);
  }
  return m;
}

double normal_cdf(double x) { return 0.5 * std::erfc(-x * std::numbers::sqrt2 / 2); }

double normal_quantile(double p) {
  if (!(p >= 0 && p <= 1)) return kNaN;
  if (p == 0) return -kInf;
  if (p == 1) return kInf;
  // NOTE: the upper half by symmetry: 1 - p is exact for p in [0.5, 1], and the lower tail keeps
  // the relative accuracy that Φ(x) - p would lose near 1.
  return p > 0.5 ? -lower_quantile(1 - p) : lower_quantile(p);
}

double probabilistic_sharpe(double sharpe, double benchmark, std::size_t n, double skewness, double kurtosis) {
  if (n < 2) return kNaN;
  const double variance_term = 1 - skewness * sharpe + (kurtosis - 1) / 4 * sharpe * sharpe;
  if (!(variance_term > 0) || !std::isfinite(variance_term)) return kNaN;
  const double z = (sharpe - benchmark) * std::sqrt(static_cast<double>(n - 1)) / std::sqrt(variance_term);
  return normal_cdf(z);
}

double probabilistic_sharpe(const ReturnMoments& m, double benchmark) {
  return probabilistic_sharpe(m.sharpe(), benchmark, m.count, m.skewness, m.kurtosis);
}

double probabilistic_sharpe_annualised(const ReturnMoments& m, double annual_benchmark, double bars_per_year) {
  if (!(bars_per_year > 0) || !std::isfinite(bars_per_year))
    throw Error("probabilistic_sharpe_annualised: bars_per_year = " + shortest(bars_per_year) +
                " is outside (0, inf)");
  return probabilistic_sharpe(m, annual_benchmark / std::sqrt(bars_per_year));
}

double sharpe_variance(std::span<const double> sharpes) {
  if (sharpes.size() < 2) return 0;
  const ReturnMoments m = moments(sharpes);
  return m.stddev * m.stddev;
}

double expected_max_sharpe(double variance, double trials) {
  if (!(trials >= 1) || !std::isfinite(trials))
    throw Error("expected_max_sharpe: trials = " + shortest(trials) + " is outside [1, inf)");
  if (!(variance >= 0) || !std::isfinite(variance))
    throw Error("expected_max_sharpe: variance of the trials' Sharpe ratios = " + shortest(variance) +
                " is outside [0, inf)");
  if (trials == 1) return 0;  // Φ⁻¹(0) = -inf: one trial has nothing to deflate
  constexpr double gamma = std::numbers::egamma;
  const double z = (1 - gamma) * normal_quantile(1 - 1 / trials) +
                   gamma * normal_quantile(1 - 1 / (trials * std::numbers::e));
  // NOTE: the approximation turns negative for 1 < N < ~1.3 (effective, non-integer trial counts);
  // the expected maximum of N >= 1 draws of mean zero never is.
  return std::sqrt(variance) * std::max(z, 0.0);
}

double deflated_sharpe(double sharpe, std::size_t n, double skewness, double kurtosis, double variance,
                       double trials) {
  return probabilistic_sharpe(sharpe, expected_max_sharpe(variance, trials), n, skewness, kurtosis);
}

double deflated_sharpe(const ReturnMoments& m, double variance, double trials) {
  return deflated_sharpe(m.sharpe(), m.count, m.skewness, m.kurtosis, variance, trials);
}

}  // namespace genepool
