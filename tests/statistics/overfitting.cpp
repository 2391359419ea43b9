#include <catch2/catch.hpp>

#include <chrono>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <vector>

#include "genepool/error.hpp"
#include "genepool/statistics/overfitting.hpp"
#include "genepool/ga/rng.hpp"

using namespace genepool;
using Catch::Matchers::Contains;

namespace {

// T bars × N strategies of iid normal returns N(0, sd²).
Eigen::MatrixXd noise(Eigen::Index bars, Eigen::Index strategies, double sd, std::uint64_t seed) {
  Rng rng(seed);
  Eigen::MatrixXd r(bars, strategies);
  for (Eigen::Index j = 0; j < strategies; ++j)
    for (Eigen::Index t = 0; t < bars; ++t) r(t, j) = sd * rng.normal();
  return r;
}

}  // namespace

TEST_CASE("PBO of a small case matches the hand computation", "[overfitting]") {
  // S = 2, T = 6: block 0 is rows 0-2, block 1 rows 3-5. Per-bar Sharpe ratios (mean / sd, ddof 1):
  //   A: {1, 2, 3} -> 2,  {-1, 0, 1} -> 0
  //   B: {0, 1, 2} -> 1,  { 1, 2, 3} -> 2
  //   C: {0, 1, 2} -> 1,  { 0, 1, 2} -> 1
  // Combination 0 (IS = block 0): n* = A (2); OOS {A 0, B 2, C 1}: A ranks 1 of 3,
  //   ω = 1/4, λ = ln(1/3) = -1.0986.
  // Combination 1 (IS = block 1): n* = B (2); OOS {A 2, B 1, C 1}:
  //   B ties C for ranks 1 and 2, average 1.5, ω = 1.5/4 = 0.375, λ = ln(0.375/0.625) = ln(0.6) = -0.5108.
  // PBO = 2/2 = 1; no OOS Sharpe ratio of n* is negative, so the probability of loss is 0.
  Eigen::MatrixXd r(6, 3);
  r.col(0) << 1, 2, 3, -1, 0, 1;
  r.col(1) << 0, 1, 2, 1, 2, 3;
  r.col(2) << 0, 1, 2, 0, 1, 2;
  const PboResult result = probability_of_backtest_overfitting(r, 2);
  REQUIRE(result.logits.size() == 2);
  CHECK(result.selected[0] == 0);
  CHECK(result.selected[1] == 1);
  CHECK(result.is_sharpe[0] == Approx(2).epsilon(1e-14));
  CHECK(result.oos_sharpe[0] == Approx(0).margin(1e-15));
  CHECK(result.is_sharpe[1] == Approx(2).epsilon(1e-14));
  CHECK(result.oos_sharpe[1] == Approx(1).epsilon(1e-14));
  CHECK(result.logits[0] == Approx(std::log(1.0 / 3)).epsilon(1e-14));
  CHECK(result.logits[1] == Approx(std::log(0.6)).epsilon(1e-14));
  CHECK(result.pbo == 1);
  CHECK(result.probability_of_loss == 0);
}

TEST_CASE("PBO counts a selection at the OOS median as overfit (logit <= 0)", "[overfitting]") {
  // Three identical strategies: every OOS rank is the average 2 of 3, ω = 2/4 = 0.5, λ = 0.
  Eigen::MatrixXd r = noise(40, 1, 0.01, 3).replicate(1, 3);
  const PboResult result = probability_of_backtest_overfitting(r, 4);
  REQUIRE(result.logits.size() == 6);
  for (double logit : result.logits) CHECK(logit == 0);
  CHECK(result.pbo == 1);
}

TEST_CASE("PBO of pure noise is about one half, not one", "[overfitting]") {
  // NOTE: with iid noise the in-sample and out-of-sample halves are independent, so the OOS rank
  // of the IS winner is uniform on 1..N and P(rank <= (N + 1) / 2) = 1/2 (N even): PBO = 1/2 in
  // expectation. One data set's estimate scatters widely around it, because all 12,870
  // combinations share the data (over 200 data sets of this size: 5-95 % range 0.21-0.80), so the
  // test averages 16 data sets (standard deviation of the average about 0.05).
  double mean = 0;
  for (std::uint64_t seed = 100; seed < 116; ++seed) {
    const PboResult result = probability_of_backtest_overfitting(noise(2000, 50, 0.01, seed), 16);
    REQUIRE(result.logits.size() == 12870);
    mean += result.pbo / 16;
  }
  INFO("mean PBO = " << mean);
  CHECK(mean >= 0.35);
  CHECK(mean <= 0.65);
}

TEST_CASE("PBO is near one when the in-sample best is the out-of-sample worst", "[overfitting]") {
  // Each strategy is noise with its full-sample mean removed: with equal halves the IS mean is
  // minus the OOS mean, so a high IS Sharpe ratio comes with a low OOS one.
  Eigen::MatrixXd r = noise(2000, 50, 0.01, 5);
  r.rowwise() -= r.colwise().mean();
  const PboResult result = probability_of_backtest_overfitting(r, 16);
  INFO("PBO = " << result.pbo);
  CHECK(result.pbo > 0.95);
  CHECK(result.probability_of_loss > 0.95);
}

TEST_CASE("PBO is near zero with one strategy that has a real edge", "[overfitting]") {
  // Strategy 17 earns 0.002 per bar (per-bar Sharpe 0.2); the other 49 are noise.
  Eigen::MatrixXd r = noise(2000, 50, 0.01, 9);
  r.col(17).array() += 0.002;
  const PboResult result = probability_of_backtest_overfitting(r, 16);
  INFO("PBO = " << result.pbo);
  CHECK(result.pbo < 0.05);
  CHECK(result.probability_of_loss < 0.05);
  std::size_t picked = 0;
  for (std::int32_t s : result.selected) picked += s == 17;
  CHECK(static_cast<double>(picked) > 0.95 * static_cast<double>(result.selected.size()));
}

TEST_CASE("PBO combinations come in mirrored pairs", "[overfitting]") {
  // Combination c and C - 1 - c swap in-sample and out-of-sample: the selected strategy's
  // Sharpe ratios are those of the other half's strategy, bit for bit when it is the same one.
  const Eigen::MatrixXd r = noise(203, 6, 0.01, 13);  // 203 rows: blocks of 25 and 26 bars
  const PboResult result = probability_of_backtest_overfitting(r, 8);
  const std::size_t combos = result.logits.size();
  REQUIRE(combos == 70);
  for (std::size_t c = 0; c < combos; ++c)
    if (result.selected[c] == result.selected[combos - 1 - c]) {
      CHECK(result.is_sharpe[c] == result.oos_sharpe[combos - 1 - c]);
      CHECK(result.oos_sharpe[c] == result.is_sharpe[combos - 1 - c]);
    }
}

TEST_CASE("PBO Sharpe ratios agree with a direct computation over the in-sample rows", "[overfitting]") {
  // Lexicographic order with S = 4: combination 0 is blocks {0, 1} in sample, 1 is {0, 2}.
  // T = 30: blocks [0, 7), [7, 15), [15, 22), [22, 30).
  const Eigen::MatrixXd r = noise(30, 4, 0.01, 17).array() + 0.001;
  const PboResult result = probability_of_backtest_overfitting(r, 4);
  const auto sharpe_of = [&](Eigen::Index column, std::initializer_list<std::pair<int, int>> ranges) {
    std::vector<double> x;
    for (auto [begin, end] : ranges)
      for (int t = begin; t < end; ++t) x.push_back(r(t, column));
    const double n = static_cast<double>(x.size());
    double mean = 0;
    for (double v : x) mean += v / n;
    double ss = 0;
    for (double v : x) ss += (v - mean) * (v - mean);
    return mean / std::sqrt(ss / (n - 1));
  };
  const auto n0 = result.selected[1];
  CHECK(result.is_sharpe[1] == Approx(sharpe_of(n0, {{0, 7}, {15, 22}})).epsilon(1e-12));
  CHECK(result.oos_sharpe[1] == Approx(sharpe_of(n0, {{7, 15}, {22, 30}})).epsilon(1e-12));
  for (Eigen::Index j = 0; j < 4; ++j) CHECK(sharpe_of(j, {{0, 7}, {15, 22}}) <= result.is_sharpe[1] + 1e-12);
}

TEST_CASE("PBO treats a constant strategy as Sharpe 0", "[overfitting]") {
  // A constant positive return has zero standard deviation: Sharpe 0 by convention, never selected
  // over a strategy with a positive in-sample Sharpe ratio.
  Eigen::MatrixXd r = noise(64, 3, 0.01, 19);
  r.col(0).setConstant(0.1);
  r.col(1).array() += 0.02;  // a clear positive edge
  const PboResult result = probability_of_backtest_overfitting(r, 4);
  for (std::int32_t s : result.selected) CHECK(s == 1);
}

TEST_CASE("PBO with 16 partitions of 1000 strategies is fast", "[overfitting]") {
  const Eigen::MatrixXd r = noise(2000, 1000, 0.01, 23);
  const auto begin = std::chrono::steady_clock::now();
  const PboResult result = probability_of_backtest_overfitting(r, 16);
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - begin).count();
  CHECK(result.logits.size() == 12870);
  INFO("seconds = " << seconds);
#ifdef NDEBUG
  CHECK(seconds < 5);  // about 0.4 s optimised; NOTE: unoptimised sanitizer builds take ~40 s
#endif
}

TEST_CASE("PBO is deterministic", "[overfitting]") {
  const Eigen::MatrixXd r = noise(500, 20, 0.01, 29);
  const PboResult a = probability_of_backtest_overfitting(r, 10);
  const PboResult b = probability_of_backtest_overfitting(r, 10);
  CHECK(a.pbo == b.pbo);
  CHECK(a.logits == b.logits);
  CHECK(a.selected == b.selected);
}

TEST_CASE("PBO rejects bad partitions, too few strategies and non-finite returns", "[overfitting]") {
  const Eigen::MatrixXd r = noise(100, 5, 0.01, 31);
  CHECK_THROWS_AS(probability_of_backtest_overfitting(r, 15), ConfigError);
  CHECK_THROWS_WITH(probability_of_backtest_overfitting(r, 15),
                    Contains("pbo-partitions = 15 is not an even number in [2, 20]"));
  CHECK_THROWS_WITH(probability_of_backtest_overfitting(r, 0), Contains("pbo-partitions = 0"));
  CHECK_THROWS_WITH(probability_of_backtest_overfitting(r, -2), Contains("pbo-partitions = -2"));
  CHECK_THROWS_WITH(probability_of_backtest_overfitting(r, 22), Contains("pbo-partitions = 22 is not an even number in [2, 20]"));

  const Eigen::MatrixXd short_run = noise(9, 5, 0.01, 37);
  CHECK_THROWS_WITH(probability_of_backtest_overfitting(short_run, 10),
                    Contains("pbo-partitions = 10 is not an even number in [2, 8] (at most one block per bar of the 9 bars"));
  CHECK_NOTHROW(probability_of_backtest_overfitting(short_run, 8));

  CHECK_THROWS_AS(probability_of_backtest_overfitting(r.leftCols(1), 4), ConfigError);
  CHECK_THROWS_WITH(probability_of_backtest_overfitting(r.leftCols(1), 4), Contains("at least 2 strategies, got 1"));

  Eigen::MatrixXd bad = r;
  bad(7, 3) = std::nan("");
  CHECK_THROWS_WITH(probability_of_backtest_overfitting(bad, 4), Contains("row 7 of strategy (column) 3"));
}

TEST_CASE("PBO from block sums added one strategy at a time equals PBO of the matrix", "[overfitting]") {
  const Eigen::MatrixXd r = noise(1001, 7, 0.01, 11);
  CscvBlockSums sums(1001, 10);
  for (Eigen::Index j = 0; j < r.cols(); ++j) {
    const std::vector<double> column(r.col(j).data(), r.col(j).data() + r.rows());
    sums.add(column);
  }
  CHECK(sums.strategies() == 7);
  CHECK(sums.block_start(10) == 1001);
  const PboResult streamed = probability_of_backtest_overfitting(sums);
  const PboResult whole = probability_of_backtest_overfitting(r, 10);
  // NOTE: Eigen's vectorised sums depend on the column's alignment: equal to rounding, not bits.
  CHECK(streamed.pbo == whole.pbo);
  CHECK(streamed.logits == whole.logits);
  CHECK(streamed.selected == whole.selected);
  REQUIRE(streamed.is_sharpe.size() == whole.is_sharpe.size());
  for (std::size_t c = 0; c < whole.is_sharpe.size(); ++c) {
    CHECK(streamed.is_sharpe[c] == Approx(whole.is_sharpe[c]).epsilon(1e-13));
    CHECK(streamed.oos_sharpe[c] == Approx(whole.oos_sharpe[c]).epsilon(1e-13));
  }
  CHECK_THROWS_WITH(sums.add(std::vector<double>(1000, 0.0)), Contains("strategy (column) 7 has 1000 returns, expected 1001"));
  CscvBlockSums one(1001, 10);
  one.add(std::vector<double>(1001, 0.0));
  CHECK_THROWS_WITH(probability_of_backtest_overfitting(one), Contains("at least 2 strategies, got 1"));
}
