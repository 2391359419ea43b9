#include <catch2/catch.hpp>

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <vector>

#include "genepool/statistics/bootstrap.hpp"
#include "genepool/error.hpp"
#include "genepool/ga/rng.hpp"

using namespace genepool;
using Catch::Matchers::Contains;

namespace {

std::vector<double> normal_series(std::size_t n, double mean, double sd, std::uint64_t seed) {
  Rng rng(seed);
  std::vector<double> r(n);
  for (double& x : r) x = mean + sd * rng.normal();
  return r;
}

// r_t = phi r_{t-1} + noise: positively autocorrelated returns.
std::vector<double> ar1_series(std::size_t n, double mean, double phi, double sd, std::uint64_t seed) {
  Rng rng(seed);
  std::vector<double> r(n);
  double deviation = 0;
  for (double& x : r) {
    deviation = phi * deviation + sd * rng.normal();
    x = mean + deviation;
  }
  return r;
}

BootstrapSettings settings(std::int64_t resamples, std::int64_t block_length, std::uint64_t seed = 1) {
  BootstrapSettings s;
  s.resamples = resamples;
  s.block_length = block_length;
  s.seed = seed;
  return s;
}

// The fast path's sums are compensated, the plain path's are not: a Sharpe ratio near 0 (a mean
// small against the spread) loses digits in the plain path (~1e-10 relative on 3,000 bars). So the
// fast path is held to 1e-12 of a precise reference (long double, two passes, same draws), and
// both paths agree within the plain path's rounding.
std::vector<double> precise_bootstrap(const std::vector<double>& r, const BootstrapSettings& s, std::int64_t block) {
  const std::size_t n = r.size();
  const auto length = static_cast<std::size_t>(block);
  Rng rng(s.seed);
  std::vector<double> values;
  std::vector<long double> sample(n);
  for (std::int64_t k = 0; k < s.resamples; ++k) {
    for (std::size_t filled = 0; filled < n;) {
      const auto start = static_cast<std::size_t>(rng.uniform_int(0, static_cast<std::int64_t>(n - length)));
      for (std::size_t i = 0; i < length && filled < n; ++i) sample[filled++] = r[start + i];
    }
    long double sum = 0, downside = 0;
    for (long double x : sample) {
      sum += x;
      downside += x < 0 ? x * x : 0.0L;
    }
    const long double mean = sum / static_cast<long double>(n);
    long double squares = 0;
    for (long double x : sample) squares += (x - mean) * (x - mean);
    const long double annual = std::sqrt(static_cast<long double>(s.bars_per_year));
    long double value = 0;
    if (s.objective == Objective::sharpe) {
      const bool constant = std::all_of(sample.begin(), sample.end(), [&](long double x) { return x == sample[0]; });
      value = constant ? 0.0L : mean / std::sqrt(squares / static_cast<long double>(n - 1)) * annual;
    } else {
      value = downside > 0 ? mean / std::sqrt(downside / static_cast<long double>(n)) * annual : 0.0L;
    }
    values.push_back(static_cast<double>(value));
  }
  std::sort(values.begin(), values.end());
  return values;
}

void check_close(const std::vector<double>& values, const std::vector<double>& reference, double epsilon = 1e-12,
                 double margin = 1e-13) {
  REQUIRE(values.size() == reference.size());
  for (std::size_t i = 0; i < values.size(); ++i) {
    INFO("value " << i);
    CHECK(values[i] == Approx(reference[i]).epsilon(epsilon).margin(margin));
  }
}

}  // namespace

TEST_CASE("objective_of_returns matches docs/metrics.md by hand", "[bootstrap]") {
  // r = {0.1, -0.05, 0.02, -0.03}, 2 bars a year.
  //   equity 1.1, 1.045, 1.0659, 1.033923: total_return = 0.033923
  //   cagr = 1.033923^(2/4) - 1 = 0.016820043075469693
  //   peak 1.1; max drawdown = 1 - 1.033923 / 1.1 = 0.06007; calmar = 0.2800073759858439
  //   mean 0.01, deviations {0.09, -0.06, 0.01, -0.04}, sum of squares 0.0134, var 0.0134 / 3
  //   sharpe = 0.01 / sqrt(0.0134 / 3) * sqrt(2) = 0.21160368475757954
  //   downside mean square (0.0025 + 0.0009) / 4 = 0.00085; sortino = 0.01 / sqrt(0.00085) * sqrt(2)
  //          = 0.485071250072666
  const std::vector<double> r{0.1, -0.05, 0.02, -0.03};
  CHECK(objective_of_returns(r, Objective::total_return, 2) == Approx(0.033923).epsilon(1e-13));
  CHECK(objective_of_returns(r, Objective::cagr, 2) == Approx(0.016820043075469693).epsilon(1e-13));
  CHECK(objective_of_returns(r, Objective::calmar, 2) == Approx(0.2800073759858439).epsilon(1e-13));
  CHECK(objective_of_returns(r, Objective::sharpe, 2) == Approx(0.21160368475757954).epsilon(1e-13));
  CHECK(objective_of_returns(r, Objective::sortino, 2) == Approx(0.485071250072666).epsilon(1e-13));
}

TEST_CASE("objective_of_returns edge cases follow docs/metrics.md", "[bootstrap]") {
  const std::vector<double> flat(5, 0.01);
  CHECK(objective_of_returns(flat, Objective::sharpe, 252) == 0);    // zero standard deviation
  CHECK(objective_of_returns(flat, Objective::sortino, 252) == 0);   // no losses
  CHECK(objective_of_returns(flat, Objective::calmar, 252) == 0);    // no drawdown
  const std::vector<double> ruin{0.1, -1.0, 0.5};
  CHECK(objective_of_returns(ruin, Objective::cagr, 252) == -1);
  CHECK(objective_of_returns(ruin, Objective::total_return, 252) == -1);
}

TEST_CASE("quantile_sorted interpolates linearly between order statistics", "[bootstrap]") {
  const std::vector<double> x{1, 2, 3, 4, 5};
  CHECK(quantile_sorted(x, 0.05) == Approx(1.2));  // h = 4 * 0.05 = 0.2
  CHECK(quantile_sorted(x, 0.5) == 3);
  CHECK(quantile_sorted(x, 0.95) == Approx(4.8));  // h = 3.8
  CHECK(quantile_sorted(x, 0) == 1);
  CHECK(quantile_sorted(x, 1) == 5);
  const std::vector<double> one{7};
  CHECK(quantile_sorted(one, 0.05) == 7);
  CHECK(std::isnan(quantile_sorted({}, 0.5)));
}

TEST_CASE("default block length is the rounded cube root of the length", "[bootstrap]") {
  CHECK(default_block_length(1) == 1);
  CHECK(default_block_length(2) == 1);
  CHECK(default_block_length(8) == 2);
  CHECK(default_block_length(2000) == 13);
  CHECK(default_block_length(1000000) == 100);
}

TEST_CASE("bootstrap percentiles are ordered and the values sorted", "[bootstrap]") {
  const auto r = normal_series(500, 0.0005, 0.01, 3);
  for (Objective objective :
       {Objective::sharpe, Objective::sortino, Objective::total_return, Objective::cagr, Objective::calmar}) {
    INFO(to_string(objective));
    BootstrapSettings s = settings(300, 10);
    s.objective = objective;
    const BootstrapResult result = block_bootstrap(r, s);
    CHECK(result.values.size() == 300);
    CHECK(std::is_sorted(result.values.begin(), result.values.end()));
    CHECK(result.values.front() <= result.p05);
    CHECK(result.p05 <= result.p50);
    CHECK(result.p50 <= result.p95);
    CHECK(result.p95 <= result.values.back());
    CHECK(result.p05 < result.p95);
    CHECK(result.block_length == 10);
    CHECK(result.full_sample == objective_of_returns(r, objective, 252));
  }
}

TEST_CASE("bootstrap is deterministic by seed", "[bootstrap]") {
  const auto r = normal_series(400, 0.0005, 0.01, 5);
  const BootstrapResult a = block_bootstrap(r, settings(200, 0, 77));
  const BootstrapResult b = block_bootstrap(r, settings(200, 0, 77));
  const BootstrapResult c = block_bootstrap(r, settings(200, 0, 78));
  CHECK(a.values == b.values);
  CHECK(a.p05 == b.p05);
  CHECK(a.p95 == b.p95);
  CHECK(a.values != c.values);
  CHECK(a.block_length == default_block_length(400));
}

TEST_CASE("block length 1 is the iid bootstrap", "[bootstrap]") {
  // Same seed, same draws: one uniform index per return.
  const auto r = normal_series(300, 0.0005, 0.01, 7);
  const BootstrapResult blocks = block_bootstrap_reference(r, settings(100, 1, 99));
  Rng rng(99);
  std::vector<double> iid(100);
  std::vector<double> sample(r.size());
  for (double& value : iid) {
    for (double& x : sample) x = r[static_cast<std::size_t>(rng.uniform_int(0, static_cast<std::int64_t>(r.size()) - 1))];
    value = objective_of_returns(sample, Objective::sharpe, 252);
  }
  std::sort(iid.begin(), iid.end());
  CHECK(blocks.values == iid);
  check_close(block_bootstrap(r, settings(100, 1, 99)).values, iid, 1e-11, 1e-11);
}

TEST_CASE("bootstrap of iid returns centres on the full-sample Sharpe with the textbook width", "[bootstrap]") {
  // n = 2000, per-bar Sharpe about 0.05. The Sharpe estimate's standard error (normal returns) is
  // sqrt((1 + SR² / 2) / n) per bar; annualised x sqrt(252). The 5-95 % interval spans 2 x 1.645 of it.
  const std::size_t n = 2000;
  const auto r = normal_series(n, 0.0005, 0.01, 11);
  const BootstrapResult result = block_bootstrap(r, settings(2000, 1, 5));
  const double per_bar = result.full_sample / std::sqrt(252.0);
  const double se = std::sqrt((1 + per_bar * per_bar / 2) / static_cast<double>(n)) * std::sqrt(252.0);
  const double width = result.p95 - result.p05;
  INFO("full " << result.full_sample << " p05 " << result.p05 << " p50 " << result.p50 << " p95 " << result.p95
               << " se " << se);
  CHECK(std::abs(result.p50 - result.full_sample) < 0.1 * se);
  CHECK(std::abs(width / (2 * 1.6448536269514722 * se) - 1) < 0.1);
}

TEST_CASE("blocks widen the interval of autocorrelated returns", "[bootstrap]") {
  // AR(1) with phi = 0.5: the variance of the mean is (1 + phi) / (1 - phi) = 3 times the iid one,
  // so the Sharpe interval should be about sqrt(3) = 1.7 times wider; iid resampling misses it.
  const auto r = ar1_series(4000, 0.0005, 0.5, 0.01, 13);
  const BootstrapResult iid = block_bootstrap(r, settings(1000, 1, 3));
  const BootstrapResult blocks = block_bootstrap(r, settings(1000, 50, 3));
  const double ratio = (blocks.p95 - blocks.p05) / (iid.p95 - iid.p05);
  INFO("width ratio " << ratio);
  CHECK(ratio > 1.4);
  CHECK(ratio < 2.1);
}

TEST_CASE("bootstrap of a constant series has no spread", "[bootstrap]") {
  const std::vector<double> r(100, 0.001);
  BootstrapSettings s = settings(50, 7);
  s.objective = Objective::total_return;
  BootstrapResult result = block_bootstrap(r, s);
  CHECK(result.p05 == result.full_sample);
  CHECK(result.p95 == result.full_sample);
  CHECK(result.full_sample == Approx(std::pow(1.001, 100) - 1).epsilon(1e-13));
  s.objective = Objective::cagr;
  result = block_bootstrap(r, s);
  CHECK(result.p50 == Approx(std::pow(1.001, 252) - 1).epsilon(1e-12));
  CHECK(result.p05 == result.p95);
}

TEST_CASE("a block as long as the series resamples the series itself", "[bootstrap]") {
  const auto r = normal_series(50, 0.001, 0.01, 17);
  const BootstrapResult result = block_bootstrap_reference(r, settings(20, 50));
  for (double v : result.values) CHECK(v == result.full_sample);
  for (double v : block_bootstrap(r, settings(20, 50)).values) CHECK(v == Approx(result.full_sample).epsilon(1e-12));
}

TEST_CASE("the fast bootstrap agrees with the plain one on random data", "[bootstrap]") {
  // Returns of a long/flat strategy: runs of exact zeros (flat), a constant stretch, and noise.
  Rng rng(23);
  std::vector<double> flat(3001);
  for (std::size_t t = 0; t < flat.size(); ++t) {
    if (t % 400 < 150) flat[t] = 0;
    else if (t % 400 < 170) flat[t] = 0.0004;
    else flat[t] = 0.0003 + 0.012 * rng.normal();
  }
  const std::vector<std::vector<double>> series = {normal_series(2000, 0.0005, 0.01, 29), ar1_series(1999, 0.0002, 0.4, 0.01, 31),
                                                   flat, normal_series(2, 0.001, 0.01, 37)};
  for (const auto& r : series) {
    for (std::int64_t block : {std::int64_t{0}, std::int64_t{1}, std::int64_t{7}, std::int64_t{64}, static_cast<std::int64_t>(r.size())}) {
      if (block > static_cast<std::int64_t>(r.size())) continue;
      for (Objective objective : {Objective::sharpe, Objective::sortino}) {
        INFO("n " << r.size() << ", block " << block << ", " << to_string(objective));
        BootstrapSettings s = settings(200, block, 41);
        s.objective = objective;
        const BootstrapResult fast = block_bootstrap(r, s);
        const BootstrapResult plain = block_bootstrap_reference(r, s);
        CHECK(fast.block_length == plain.block_length);
        CHECK(fast.full_sample == plain.full_sample);
        const std::vector<double> precise = precise_bootstrap(r, s, fast.block_length);
        check_close(fast.values, precise);
        check_close(plain.values, precise, 1e-8, 1e-11);
        CHECK(fast.p05 == Approx(plain.p05).epsilon(1e-8).margin(1e-11));
        CHECK(fast.p95 == Approx(plain.p95).epsilon(1e-8).margin(1e-11));
      }
    }
  }
}

TEST_CASE("the fast bootstrap gives constant resamples a Sharpe ratio of exactly 0", "[bootstrap]") {
  // Blocks of 10 from a series that is constant but for its last bar: most resamples are constant.
  std::vector<double> r(40, 0.001);
  r.back() = 0.002;
  const BootstrapResult fast = block_bootstrap(r, settings(300, 10, 43));
  const BootstrapResult plain = block_bootstrap_reference(r, settings(300, 10, 43));
  const auto zeros = [](const std::vector<double>& v) { return std::count(v.begin(), v.end(), 0.0); };
  CHECK(zeros(plain.values) > 100);
  CHECK(zeros(fast.values) == zeros(plain.values));
  check_close(fast.values, plain.values, 1e-11, 1e-11);
  // Flat but for one loss: a resample without it has no downside, sortino exactly 0.
  std::vector<double> flat(40, 0.0);
  flat.back() = -0.002;
  BootstrapSettings s = settings(300, 10, 43);
  s.objective = Objective::sortino;
  const BootstrapResult fast_sortino = block_bootstrap(flat, s);
  const BootstrapResult plain_sortino = block_bootstrap_reference(flat, s);
  CHECK(zeros(plain_sortino.values) > 100);
  CHECK(zeros(fast_sortino.values) == zeros(plain_sortino.values));
  check_close(fast_sortino.values, plain_sortino.values, 1e-11, 1e-11);
}

TEST_CASE("bootstrap rejects settings out of range", "[bootstrap]") {
  const auto r = normal_series(100, 0, 0.01, 19);
  CHECK_THROWS_AS(block_bootstrap(r, settings(0, 5)), ConfigError);
  CHECK_THROWS_WITH(block_bootstrap(r, settings(0, 5)), Contains("bootstrap-resamples = 0 is outside [1, 10000000]"));
  CHECK_THROWS_WITH(block_bootstrap(r, settings(20000000, 5)), Contains("bootstrap-resamples = 20000000"));
  CHECK_THROWS_WITH(block_bootstrap(r, settings(10, 101)),
                    Contains("bootstrap-block-length = 101 is outside [0, 100] (0 = automatic"));
  CHECK_THROWS_WITH(block_bootstrap(r, settings(10, -1)), Contains("bootstrap-block-length = -1"));
  BootstrapSettings s = settings(10, 5);
  s.bars_per_year = 0;
  CHECK_THROWS_WITH(block_bootstrap(r, s), Contains("bars-per-year = 0 is outside (0, inf)"));
  s.bars_per_year = 252;
  s.objective = static_cast<Objective>(42);
  CHECK_THROWS_WITH(block_bootstrap(r, s), Contains("objective = 42 is not one of"));

  const std::vector<double> one{0.01};
  CHECK_THROWS_WITH(block_bootstrap(one, settings(10, 1)), Contains("at least 2 returns, got 1"));
  auto bad = r;
  bad[3] = std::numeric_limits<double>::infinity();
  CHECK_THROWS_WITH(block_bootstrap(bad, settings(10, 1)), Contains("return 3 is inf"));
}
