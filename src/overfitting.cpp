#include "genepool/overfitting.hpp"

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <string>

#include "genepool/error.hpp"

namespace genepool {
namespace {

std::size_t binomial(int n, int k) {
  std::size_t result = 1;
  for (int i = 1; i <= k; ++i) result = result * static_cast<std::size_t>(n - k + i) / static_cast<std::size_t>(i);
  return result;
}

// Next k-subset of {0 .. n-1} in lexicographic order; false after the last.
bool next_combination(std::vector<int>& subset, int n) {
  const int k = static_cast<int>(subset.size());
  int i = k - 1;
  while (i >= 0 && subset[i] == n - k + i) --i;
  if (i < 0) return false;
  ++subset[i];
  for (int j = i + 1; j < k; ++j) subset[j] = subset[j - 1] + 1;
  return true;
}

void check_inputs(const Eigen::Ref<const Eigen::MatrixXd>& returns, int partitions) {
  const Eigen::Index bars = returns.rows();
  if (bars < 2)
    throw ConfigError("pbo-partitions: the returns have " + std::to_string(bars) +
                      " bars; splitting them into blocks needs at least 2");
  const Eigen::Index upper = std::min<Eigen::Index>(kMaxPboPartitions, bars - bars % 2);
  if (partitions < 2 || partitions % 2 != 0 || partitions > upper)
    throw ConfigError("pbo-partitions = " + std::to_string(partitions) + " is not an even number in [2, " +
                      std::to_string(upper) + "]" +
                      (upper < kMaxPboPartitions ? " (at most one block per bar of the " + std::to_string(bars) +
                                                       " bars of returns)"
                                                 : ""));
  if (returns.cols() < 2)
    throw ConfigError("pbo: the probability of backtest overfitting compares at least 2 strategies, got " +
                      std::to_string(returns.cols()));
  for (Eigen::Index j = 0; j < returns.cols(); ++j)
    for (Eigen::Index t = 0; t < bars; ++t)
      if (!std::isfinite(returns(t, j)))
        throw Error("pbo: the return at row " + std::to_string(t) + " of strategy (column) " + std::to_string(j) +
                    " is " + std::to_string(returns(t, j)) + "; returns must be finite");
}

// Per-bar Sharpe ratios of every strategy over `rows` rows, from sums of (r - shift) and of
// (r - shift)²; 0 for a zero (or rounded-negative) variance and for fewer than 2 rows.
void sharpe_from_sums(const Eigen::VectorXd& shift, const Eigen::VectorXd& sum, const Eigen::VectorXd& sum_squares,
                      Eigen::Index rows, Eigen::VectorXd& sharpe) {
  const double n = static_cast<double>(rows);
  for (Eigen::Index j = 0; j < sharpe.size(); ++j) {
    const double variance = rows < 2 ? 0.0 : (sum_squares[j] - sum[j] * sum[j] / n) / (n - 1);
    sharpe[j] = variance > 0 ? (shift[j] + sum[j] / n) / std::sqrt(variance) : 0.0;
  }
}

}  // namespace

PboResult probability_of_backtest_overfitting(const Eigen::Ref<const Eigen::MatrixXd>& returns, int partitions) {
  check_inputs(returns, partitions);
  const Eigen::Index bars = returns.rows();
  const Eigen::Index strategies = returns.cols();
  const int half = partitions / 2;

  // Block b is rows [start[b], start[b + 1]).
  std::vector<Eigen::Index> start(partitions + 1);
  for (int b = 0; b <= partitions; ++b) start[b] = b * bars / partitions;

  // Per block and strategy: sums of r - shift and of its square. NOTE: the shift (each strategy's
  // first return) keeps the variance free of cancellation, and a constant strategy exactly at 0.
  const Eigen::VectorXd shift = returns.row(0).transpose();
  Eigen::MatrixXd sums(strategies, partitions);
  Eigen::MatrixXd sum_squares(strategies, partitions);
  for (Eigen::Index j = 0; j < strategies; ++j)
    for (int b = 0; b < partitions; ++b) {
      const auto deviation = returns.col(j).segment(start[b], start[b + 1] - start[b]).array() - shift[j];
      sums(j, b) = deviation.sum();
      sum_squares(j, b) = deviation.square().sum();
    }

  const std::size_t combinations = binomial(partitions, half);
  PboResult result;
  result.logits.resize(combinations);
  result.is_sharpe.resize(combinations);
  result.oos_sharpe.resize(combinations);
  result.selected.resize(combinations);

  // One combination: select n* in sample, rank it out of sample (average rank for ties).
  const double rank_scale = 1.0 / static_cast<double>(strategies + 1);
  auto record = [&](std::size_t c, const Eigen::VectorXd& in_sample, const Eigen::VectorXd& out_of_sample) {
    Eigen::Index best = 0;
    for (Eigen::Index j = 1; j < strategies; ++j)
      if (in_sample[j] > in_sample[best]) best = j;  // the first of tied maxima
    const double oos = out_of_sample[best];
    Eigen::Index below = 0;
    Eigen::Index tied = 0;
    for (Eigen::Index j = 0; j < strategies; ++j) {
      below += out_of_sample[j] < oos;
      tied += out_of_sample[j] == oos;
    }
    const double rank = static_cast<double>(below) + static_cast<double>(tied + 1) / 2;  // 1 = worst
    const double omega = rank * rank_scale;
    result.logits[c] = std::log(omega / (1 - omega));
    result.is_sharpe[c] = in_sample[best];
    result.oos_sharpe[c] = oos;
    result.selected[c] = static_cast<std::int32_t>(best);
  };

  // NOTE: in lexicographic order the first C/2 block sets are those holding block 0, and the
  // complement of set c is set C - 1 - c; so each pass computes both halves and records the
  // combination and its mirror (IS and OOS swapped).
  std::vector<int> subset(half);
  for (int i = 0; i < half; ++i) subset[i] = i;
  std::vector<char> in_subset(partitions);
  Eigen::VectorXd sum_a(strategies), squares_a(strategies), sum_b(strategies), squares_b(strategies);
  Eigen::VectorXd sharpe_a(strategies), sharpe_b(strategies);
  for (std::size_t c = 0; c < combinations / 2; ++c, next_combination(subset, partitions)) {
    std::fill(in_subset.begin(), in_subset.end(), 0);
    for (int b : subset) in_subset[b] = 1;
    sum_a.setZero();
    squares_a.setZero();
    sum_b.setZero();
    squares_b.setZero();
    Eigen::Index rows_a = 0;
    for (int b = 0; b < partitions; ++b) {
      if (in_subset[b]) {
        sum_a += sums.col(b);
        squares_a += sum_squares.col(b);
        rows_a += start[b + 1] - start[b];
      } else {
        sum_b += sums.col(b);
        squares_b += sum_squares.col(b);
      }
    }
    sharpe_from_sums(shift, sum_a, squares_a, rows_a, sharpe_a);
    sharpe_from_sums(shift, sum_b, squares_b, bars - rows_a, sharpe_b);
    record(c, sharpe_a, sharpe_b);
    record(combinations - 1 - c, sharpe_b, sharpe_a);
  }

  std::size_t overfit = 0;
  std::size_t losses = 0;
  for (std::size_t c = 0; c < combinations; ++c) {
    overfit += result.logits[c] <= 0;
    losses += result.oos_sharpe[c] < 0;
  }
  result.pbo = static_cast<double>(overfit) / static_cast<double>(combinations);
  result.probability_of_loss = static_cast<double>(losses) / static_cast<double>(combinations);
  return result;
}

}  // namespace genepool
