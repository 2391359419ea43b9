#include <catch2/catch.hpp>

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <limits>
#include <numbers>
#include <vector>

#include "genepool/error.hpp"
#include "genepool/ga/rng.hpp"
#include "genepool/statistics/sharpe_statistics.hpp"

using namespace genepool;
using Catch::Matchers::Contains;

namespace {

constexpr double kInf = std::numeric_limits<double>::infinity();
constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

bool close(double actual, double expected, double relative) {
  return std::abs(actual - expected) <= relative * std::max(1.0, std::abs(expected));
}

std::vector<double> normal_series(std::size_t n, double mean, double sd, std::uint64_t seed) {
  Rng rng(seed);
  std::vector<double> r(n);
  for (double& x : r) x = mean + sd * rng.normal();
  return r;
}

}  // namespace

TEST_CASE("moments of a small series match the hand computation", "[statistics]") {
  // r = {1, 2, 3, 4, 10} %: mean 4 %, deviations {-3, -2, -1, 0, 6} %.
  // sum d² = 50e-4: stddev = sqrt(50e-4 / 4) = 0.0353553...; m2 = 10e-4.
  // m3 = (-27 - 8 - 1 + 0 + 216) / 5 e-6 = 36e-6: skewness = 36 / 10^1.5 = 1.1384199576606...
  // m4 = (81 + 16 + 1 + 0 + 1296) / 5 e-8 = 278.8e-8: kurtosis = 278.8 / 100 = 2.788.
  const std::vector<double> r{0.01, 0.02, 0.03, 0.04, 0.10};
  const ReturnMoments m = moments(r);
  CHECK(m.count == 5);
  CHECK(close(m.mean, 0.04, 1e-14));
  CHECK(close(m.stddev, std::sqrt(50e-4 / 4), 1e-14));
  CHECK(close(m.skewness, 36 / std::pow(10.0, 1.5), 1e-13));
  CHECK(close(m.kurtosis, 2.788, 1e-13));
  CHECK(close(m.sharpe(), 0.04 / std::sqrt(50e-4 / 4), 1e-13));
}

TEST_CASE("moments of normal returns are near skewness 0 and kurtosis 3", "[statistics]") {
  const ReturnMoments m = moments(normal_series(200000, 0.001, 0.01, 7));
  CHECK(std::abs(m.mean - 0.001) < 1e-4);
  CHECK(std::abs(m.stddev - 0.01) < 1e-4);
  CHECK(std::abs(m.skewness) < 0.03);     // standard error sqrt(6 / n) = 0.0055
  CHECK(std::abs(m.kurtosis - 3) < 0.06);  // standard error sqrt(24 / n) = 0.011
}

TEST_CASE("moments of degenerate series", "[statistics]") {
  const ReturnMoments empty = moments({});
  CHECK(empty.count == 0);
  CHECK(empty.mean == 0);
  CHECK(empty.sharpe() == 0);

  const std::vector<double> one{0.5};
  const ReturnMoments single = moments(one);
  CHECK(single.mean == 0.5);
  CHECK(single.stddev == 0);
  CHECK(std::isnan(single.skewness));

  // Equal returns that do not sum exactly: still a zero standard deviation, Sharpe 0.
  const std::vector<double> flat(7, 0.1);
  const ReturnMoments constant = moments(flat);
  CHECK(constant.mean == 0.1);
  CHECK(constant.stddev == 0);
  CHECK(constant.sharpe() == 0);
  CHECK(std::isnan(constant.skewness));
  CHECK(std::isnan(constant.kurtosis));
  CHECK(std::isnan(probabilistic_sharpe(constant, 0)));
}

TEST_CASE("normal_cdf at known points", "[statistics]") {
  CHECK(normal_cdf(0) == 0.5);
  CHECK(close(normal_cdf(1.959963984540054), 0.975, 1e-15));
  CHECK(close(normal_cdf(-1.959963984540054), 0.025, 1e-14));
  CHECK(close(normal_cdf(-6.361340902404056) / 1e-10, 1, 1e-13));
  CHECK(normal_cdf(-kInf) == 0);
  CHECK(normal_cdf(kInf) == 1);
}

TEST_CASE("normal_quantile matches known quantiles", "[statistics]") {
  struct Known {
    double p;
    double x;
  };
  // Reference values: the usual tables, and Wichura's AS241 (Python's statistics.NormalDist).
  const Known known[] = {
      {0.975, 1.959963984540054},   {0.5, 0.0},
      {1e-10, -6.361340902404056},  {0.001, -3.090232306167813},
      {0.95, 1.6448536269514722},   {0.99, 2.3263478740408408},
      {0.75, 0.6744897501960817},   {0.3, -0.5244005127080407},
      {1e-5, -4.2648907939228256},  {0.02425, -1.9729610513118845},
      {1e-300, -37.0470962993612},  {0.999999, 4.753424308817089},
  };
  for (const Known& k : known) {
    INFO("p = " << k.p);
    CHECK(close(normal_quantile(k.p), k.x, 1e-14));
  }
  CHECK(normal_quantile(0.5) == 0);
}

TEST_CASE("normal_quantile inverts normal_cdf and is odd about 0.5", "[statistics]") {
  // NOTE: Φ's relative slope is about |x|, so an x good to an ulp or two reads back to within
  // about (1 + x²) eps: 2e-13 at p = 1e-300.
  constexpr double eps = std::numeric_limits<double>::epsilon();
  for (double p = 1e-300; p < 0.5; p *= 3.7) {
    INFO("p = " << p);
    const double x = normal_quantile(p);
    CHECK(std::abs(normal_cdf(x) / p - 1) <= 4 * (1 + x * x) * eps);
    CHECK(normal_quantile(1 - p) == -normal_quantile(1 - (1 - p)));
  }
  for (double p = 0.01; p < 0.99; p += 0.01) {
    INFO("p = " << p);
    CHECK(std::abs(normal_cdf(normal_quantile(p)) - p) <= 2 * eps);
  }
}

TEST_CASE("normal_quantile at and beyond the ends", "[statistics]") {
  CHECK(normal_quantile(0) == -kInf);
  CHECK(normal_quantile(1) == kInf);
  CHECK(std::isnan(normal_quantile(-0.1)));
  CHECK(std::isnan(normal_quantile(1.1)));
  CHECK(std::isnan(normal_quantile(kNaN)));
  // The smallest subnormal: no refinement is possible (exp overflows), the approximation is kept.
  const double tiny = normal_quantile(std::numeric_limits<double>::denorm_min());
  CHECK(std::isfinite(tiny));
  CHECK(tiny < -38);
}

TEST_CASE("probabilistic Sharpe ratio matches the hand computation", "[statistics]") {
  // SR = 0.1 per bar, n = 252, skewness -0.5, kurtosis 4, benchmark 0:
  //   denominator² = 1 - (-0.5)(0.1) + (4 - 1)/4 (0.1)² = 1 + 0.05 + 0.0075 = 1.0575
  //   sqrt(1.0575) = 1.0283481900601568, sqrt(251) = 15.84297951775486
  //   z = 0.1 * 15.84297951775486 / 1.0283481900601568 = 1.5406240484390867
  //   PSR = Φ(1.5406240484390867) = 0.9382958442347666
  CHECK(close(probabilistic_sharpe(0.1, 0.0, 252, -0.5, 4), 0.9382958442347666, 1e-14));
  // Benchmark 0.05 per bar: z = 0.05 * 15.84297951775486 / 1.0283481900601568 = 0.7703120242195434
  //   PSR = Φ(0.7703120242195434) = 0.7794425872863489
  CHECK(close(probabilistic_sharpe(0.1, 0.05, 252, -0.5, 4), 0.7794425872863489, 1e-14));
  // At the benchmark itself: exactly one half.
  CHECK(probabilistic_sharpe(0.1, 0.1, 252, -0.5, 4) == 0.5);
}

TEST_CASE("probabilistic Sharpe ratio with an annualised benchmark", "[statistics]") {
  // Annual SR 1.5 and benchmark 1.0 at 252 bars a year, n = 504, skewness -0.3, kurtosis 5:
  //   SR = 1.5 / sqrt(252) = 0.0944911182523068 per bar, benchmark 0.0629940788348712
  //   denominator² = 1 + 0.3 SR + (5 - 1)/4 SR² = 1.0372759069042634, sqrt = 1.0184674304582662
  //   z = (SR - benchmark) sqrt(503) / 1.0184674304582662 = 0.6935960021193391
  //   PSR = Φ(0.6935960021193391) = 0.7560321991918604
  ReturnMoments m;
  m.count = 504;
  m.mean = 1.5 / std::sqrt(252.0);
  m.stddev = 1;
  m.skewness = -0.3;
  m.kurtosis = 5;
  CHECK(close(probabilistic_sharpe_annualised(m, 1.0, 252), 0.7560321991918604, 1e-14));
  CHECK_THROWS_AS(probabilistic_sharpe_annualised(m, 1.0, 0), Error);
  CHECK_THROWS_WITH(probabilistic_sharpe_annualised(m, 1.0, -1), Contains("bars_per_year = -1 is outside (0, inf)"));
}

TEST_CASE("probabilistic Sharpe ratio is undefined without a positive variance term", "[statistics]") {
  CHECK(std::isnan(probabilistic_sharpe(0.1, 0, 1, 0, 3)));
  CHECK(std::isnan(probabilistic_sharpe(0.1, 0, 0, 0, 3)));
  // Kurtosis below 1 + skewness² is impossible for real data; the square goes negative here.
  CHECK(std::isnan(probabilistic_sharpe(2.0, 0, 100, 2, 0)));
  CHECK(std::isnan(probabilistic_sharpe(0.1, 0, 100, kNaN, 3)));
}

TEST_CASE("probabilistic Sharpe ratio is calibrated: PSR(true SR) is uniform", "[statistics]") {
  // With the benchmark at the true Sharpe ratio, PSR > 0.95 should happen 5 % of the time.
  const double true_sharpe = 0.05;
  const std::size_t n = 250;
  const int trials = 4000;
  Rng rng(2024);
  std::vector<double> r(n);
  int above95 = 0;
  int above50 = 0;
  for (int t = 0; t < trials; ++t) {
    for (double& x : r) x = 0.01 * (true_sharpe + rng.normal());
    const double psr = probabilistic_sharpe(moments(r), true_sharpe);
    above95 += psr > 0.95;
    above50 += psr > 0.5;
  }
  // Binomial standard errors: sqrt(0.05 * 0.95 / 4000) = 0.0034, sqrt(0.25 / 4000) = 0.0079.
  CHECK(std::abs(above95 / double(trials) - 0.05) < 0.012);
  CHECK(std::abs(above50 / double(trials) - 0.5) < 0.03);
}

TEST_CASE("expected maximum Sharpe ratio matches the hand computation", "[statistics]") {
  // N = 100, V = 0.0025 (per-bar Sharpe ratios of the trials vary with sd 0.05):
  //   Φ⁻¹(1 - 1/100) = 2.3263478740408408, Φ⁻¹(1 - 1/(100 e)) = 2.680210444966887
  //   SR0 = 0.05 ((1 - 0.5772156649015329) 2.3263478740408408 + 0.5772156649015329 2.680210444966887)
  //       = 0.12653014466008425
  CHECK(close(expected_max_sharpe(0.0025, 100), 0.12653014466008425, 1e-14));
  // N = 1000, V = 1e-4: Φ⁻¹(0.999) = 3.090232306167813, Φ⁻¹(1 - 1/(1000 e)) = 3.375895391061807
  //   SR0 = 0.01 (0.4227843350984671 * 3.090232306167813 + 0.5772156649015329 * 3.375895391061807)
  //       = 0.03255121513652723
  CHECK(close(expected_max_sharpe(1e-4, 1000), 0.03255121513652723, 1e-14));
  CHECK(expected_max_sharpe(0.0025, 1) == 0);
  CHECK(expected_max_sharpe(0.0025, 1.1) == 0);  // the approximation would be negative
  CHECK(expected_max_sharpe(0, 100) == 0);
}

TEST_CASE("expected maximum Sharpe ratio approximates the mean maximum of normal draws", "[statistics]") {
  // E[max of 100 standard normals] = 2.50759; the approximation gives 2.5306 (1 % high).
  Rng rng(11);
  const int reps = 4000;
  double total = 0;
  for (int rep = 0; rep < reps; ++rep) {
    double best = -kInf;
    for (int i = 0; i < 100; ++i) best = std::max(best, rng.normal());
    total += best;
  }
  const double simulated = total / reps;  // standard error 0.43 / sqrt(4000) = 0.007
  CHECK(std::abs(simulated - 2.50759) < 0.03);
  CHECK(std::abs(expected_max_sharpe(1, 100) / simulated - 1) < 0.03);
}

TEST_CASE("deflated Sharpe ratio matches the hand computation", "[statistics]") {
  // SR = 0.15 per bar, n = 1000, skewness -0.5, kurtosis 4; N = 100 trials, V = 0.0025:
  //   SR0 = 0.12653014466008425 (above)
  //   denominator² = 1 + 0.5 * 0.15 + 0.75 * 0.0225 = 1.091875, sqrt = 1.0449282272003182
  //   z = (0.15 - 0.12653014466008425) sqrt(999) / 1.0449282272003182
  //     = 0.02346985533991575 * 31.606961258558215 / 1.0449282272003182 = 0.7099155608612664
  //   DSR = Φ(0.7099155608612664) = 0.7611217499018162
  CHECK(close(deflated_sharpe(0.15, 1000, -0.5, 4, 0.0025, 100), 0.7611217499018162, 1e-13));
  // SR = 0.1, n = 252, skewness -0.5, kurtosis 4; N = 1000, V = 1e-4: SR0 = 0.03255121513652723,
  //   z = (0.1 - 0.03255121513652723) * 15.84297951775486 / 1.0283481900601568 = 1.039132199986604
  //   DSR = Φ(1.039132199986604) = 0.850628371355637
  CHECK(close(deflated_sharpe(0.1, 252, -0.5, 4, 1e-4, 1000), 0.850628371355637, 1e-13));
  // One trial: nothing to deflate, DSR = PSR(0).
  CHECK(deflated_sharpe(0.1, 252, -0.5, 4, 1e-4, 1) == probabilistic_sharpe(0.1, 0, 252, -0.5, 4));
}

TEST_CASE("deflated Sharpe ratio falls with more trials and more dispersed trials", "[statistics]") {
  ReturnMoments m;
  m.count = 1000;
  m.mean = 0.1;
  m.stddev = 1;
  m.skewness = 0;
  m.kurtosis = 3;
  double previous = 1;
  for (double trials : {1.0, 2.0, 10.0, 100.0, 1e4, 1e6}) {
    const double dsr = deflated_sharpe(m, 1e-3, trials);
    CHECK(dsr < previous);
    previous = dsr;
  }
  CHECK(deflated_sharpe(m, 1e-2, 100) < deflated_sharpe(m, 1e-3, 100));
}

TEST_CASE("sharpe_variance is the sample variance of the trials' Sharpe ratios", "[statistics]") {
  const std::vector<double> sharpes{0.1, 0.2, 0.3, 0.6};  // mean 0.3, squared deviations 0.04 0.01 0 0.09
  CHECK(close(sharpe_variance(sharpes), 0.14 / 3, 1e-14));
  const std::vector<double> one{0.4};
  CHECK(sharpe_variance(one) == 0);
}

TEST_CASE("expected maximum Sharpe ratio rejects impossible trial counts and variances", "[statistics]") {
  CHECK_THROWS_WITH(expected_max_sharpe(0.01, 0), Contains("trials = 0 is outside [1, inf)"));
  CHECK_THROWS_WITH(expected_max_sharpe(0.01, kNaN), Contains("trials = nan"));
  CHECK_THROWS_WITH(expected_max_sharpe(-0.01, 10), Contains("= -0.01 is outside [0, inf)"));
  CHECK_THROWS_AS(deflated_sharpe(0.1, 100, 0, 3, 0.01, 0.5), Error);
}
