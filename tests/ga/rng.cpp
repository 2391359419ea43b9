#include <catch2/catch.hpp>

#include <cmath>
#include <cstdint>
#include <limits>
#include <vector>

#include "genepool/error.hpp"
#include "genepool/ga/rng.hpp"

using genepool::Rng;

TEST_CASE("next() matches the xoshiro256** reference outputs", "[rng]") {
  Rng rng(0);
  rng.set_state({1, 2, 3, 4});
  CHECK(rng.next() == 11520u);
  CHECK(rng.next() == 0u);
  CHECK(rng.next() == 1509978240u);
  CHECK(rng.next() == 1215971899390074240u);
}

TEST_CASE("seeding fills the state with splitmix64 outputs", "[rng]") {
  const Rng rng(0);
  const Rng::State expected{0xe220a8397b1dcdafULL, 0x6e789e6aa1b965f4ULL, 0x06c45d188009454fULL,
                            0xf88bb8a8724c81ecULL};
  CHECK(rng.state() == expected);
}

TEST_CASE("the same seed gives the same stream and different seeds different ones", "[rng]") {
  const auto seed = GENERATE(0ULL, 1ULL, 42ULL, 0xffffffffffffffffULL);
  Rng a(seed);
  Rng b(seed);
  Rng c(seed + 1);
  int same_as_other_seed = 0;
  for (int i = 0; i < 1000; ++i) {
    const auto x = a.next();
    REQUIRE(x == b.next());
    if (x == c.next()) ++same_as_other_seed;
  }
  CHECK(same_as_other_seed == 0);
}

TEST_CASE("restoring a saved state reproduces the stream, normals included", "[rng]") {
  const auto seed = GENERATE(3ULL, 2024ULL);
  Rng rng(seed);
  for (int i = 0; i < 17; ++i) rng.normal();  // an odd count: no spare normal may be pending
  const Rng::State saved = rng.state();
  std::vector<double> first;
  for (int i = 0; i < 100; ++i) {
    first.push_back(rng.normal());
    first.push_back(rng.uniform());
    first.push_back(static_cast<double>(rng.uniform_int(-5, 5)));
  }
  Rng restored(seed + 99);
  restored.set_state(saved);
  CHECK(restored.state() == saved);
  for (std::size_t i = 0; i < first.size(); i += 3) {
    CHECK(restored.normal() == first[i]);
    CHECK(restored.uniform() == first[i + 1]);
    CHECK(static_cast<double>(restored.uniform_int(-5, 5)) == first[i + 2]);
  }
}

TEST_CASE("uniform() lies in the unit interval with the moments of a uniform distribution", "[rng]") {
  Rng rng(GENERATE(1ULL, 77ULL));
  const int n = 200000;
  double sum = 0;
  double sum_sq = 0;
  for (int i = 0; i < n; ++i) {
    const double u = rng.uniform();
    REQUIRE(u >= 0.0);
    REQUIRE(u < 1.0);
    sum += u;
    sum_sq += u * u;
  }
  const double mean = sum / n;
  CHECK(mean == Approx(0.5).margin(0.005));
  CHECK(sum_sq / n - mean * mean == Approx(1.0 / 12).margin(0.002));
}

TEST_CASE("uniform(lower, upper) lies in its half-open range", "[rng]") {
  Rng rng(GENERATE(5ULL, 6ULL));
  double low = 10;
  double high = -10;
  for (int i = 0; i < 100000; ++i) {
    const double x = rng.uniform(-2.5, 7.0);
    REQUIRE(x >= -2.5);
    REQUIRE(x < 7.0);
    low = std::min(low, x);
    high = std::max(high, x);
  }
  CHECK(low < -2.4);
  CHECK(high > 6.9);
  CHECK(rng.uniform(3.0, 3.0) == 3.0);
}

TEST_CASE("uniform_int is unbiased over its closed range", "[rng]") {
  Rng rng(GENERATE(9ULL, 10ULL));
  const std::int64_t lower = -3;
  const std::int64_t upper = 6;
  std::vector<int> counts(10, 0);
  const int n = 100000;
  for (int i = 0; i < n; ++i) {
    const auto k = rng.uniform_int(lower, upper);
    REQUIRE(k >= lower);
    REQUIRE(k <= upper);
    ++counts[static_cast<std::size_t>(k - lower)];
  }
  // Chi-square with 9 degrees of freedom: 30 is far beyond the 0.1% quantile (27.9).
  double chi2 = 0;
  for (int c : counts) chi2 += (c - n / 10.0) * (c - n / 10.0) / (n / 10.0);
  CHECK(chi2 < 30);
}

TEST_CASE("uniform_int handles a single value, extreme ranges and empty ranges", "[rng]") {
  Rng rng(11);
  CHECK(rng.uniform_int(4, 4) == 4);
  const auto min = std::numeric_limits<std::int64_t>::min();
  const auto max = std::numeric_limits<std::int64_t>::max();
  bool negative = false;
  bool positive = false;
  for (int i = 0; i < 100; ++i) {
    const auto x = rng.uniform_int(min, max);
    negative = negative || x < 0;
    positive = positive || x > 0;
    const auto y = rng.uniform_int(max - 1, max);
    REQUIRE(y >= max - 1);
  }
  CHECK(negative);
  CHECK(positive);
  CHECK_THROWS_AS(rng.uniform_int(2, 1), genepool::Error);
}

TEST_CASE("normal() has mean 0 and variance 1", "[rng]") {
  Rng rng(GENERATE(12ULL, 13ULL));
  const int n = 200000;
  double sum = 0;
  double sum_sq = 0;
  int beyond_two_sigma = 0;
  for (int i = 0; i < n; ++i) {
    const double z = rng.normal();
    REQUIRE(std::isfinite(z));
    sum += z;
    sum_sq += z * z;
    if (std::abs(z) > 2) ++beyond_two_sigma;
  }
  const double mean = sum / n;
  CHECK(mean == Approx(0).margin(0.01));
  CHECK(sum_sq / n - mean * mean == Approx(1).margin(0.02));
  CHECK(static_cast<double>(beyond_two_sigma) / n == Approx(0.0455).margin(0.003));
}

TEST_CASE("bernoulli(p) is true with probability p", "[rng]") {
  Rng rng(GENERATE(14ULL, 15ULL));
  int hits = 0;
  const int n = 100000;
  for (int i = 0; i < n; ++i) {
    REQUIRE_FALSE(rng.bernoulli(0.0));
    REQUIRE(rng.bernoulli(1.0));
    if (rng.bernoulli(0.3)) ++hits;
  }
  CHECK(static_cast<double>(hits) / n == Approx(0.3).margin(0.005));
}
