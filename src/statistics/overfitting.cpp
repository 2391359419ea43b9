#include "genepool/statistics/overfitting.hpp"

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

void check_partitions(std::size_t bars, int partitions) {
  if (bars < 2)
    throw ConfigError("pbo-partitions: the returns have " + std::to_string(bars) +
                      " bars; splitting them into blocks needs at least 2");
  const std::size_t upper = std::min<std::size_t>(kMaxPboPartitions, bars - bars % 2);
  if (partitions < 2 || partitions % 2 != 0 || static_cast<std::size_t>(partitions) > upper)
    throw ConfigError("pbo-partitions = " + std::to_string(partitions) + " is not an even number in [2, " +
                      std::to_string(upper) + "]" +
                      (upper < kMaxPboPartitions ? " (at most one block per bar of the " + std::to_string(bars) +
                                                       " bars of returns)"
                                                 : ""));
}

void check_strategies(std::size_t strategies) {
  if (strategies < 2)
    throw ConfigError("pbo: the probability of backtest overfitting compares at least 2 strategies, got " +
                      std::to_string(strategies));
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

CscvBlockSums::CscvBlockSums(std::size_t bars, int partitions) : bars_(bars), partitions_(partitions) {
  check_partitions(bars, partitions);
}

void CscvBlockSums::add(std::span<const double> returns) {
  if (returns.size() != bars_)
    throw Error("pbo: strategy (column) " + std::to_string(strategies()) + " has " + std::to_string(returns.size()) +
                " returns, expected " + std::to_string(bars_));
  for (std::size_t t = 0; t < bars_; ++t)
    if (!std::isfinite(returns[t]))
      throw Error("pbo: the return at row " + std::to_string(t) + " of strategy (column) " +
                  std::to_string(strategies()) + " is " + std::to_string(returns[t]) + "; returns must be finite");
  // NOTE: the shift (the strategy's first return) keeps the variance free of cancellation, and a
  // constant strategy exactly at 0.
  const double shift = returns[0];
  for (int b = 0; b < partitions_; ++b) {
    const std::size_t begin = block_start(b);
    const auto rows = static_cast<Eigen::Index>(block_start(b + 1) - begin);
    const auto deviation = Eigen::Map<const Eigen::VectorXd>(returns.data() + begin, rows).array() - shift;
    sums_.push_back(deviation.sum());
    squares_.push_back(deviation.square().sum());
  }
  shift_.push_back(shift);
}

PboResult probability_of_backtest_overfitting(const Eigen::Ref<const Eigen::MatrixXd>& returns, int partitions) {
  CscvBlockSums sums(static_cast<std::size_t>(returns.rows()), partitions);
  check_strategies(static_cast<std::size_t>(returns.cols()));
  for (Eigen::Index j = 0; j < returns.cols(); ++j)
    sums.add(std::span<const double>(returns.col(j).data(), static_cast<std::size_t>(returns.rows())));
  return probability_of_backtest_overfitting(sums);
}

PboResult probability_of_backtest_overfitting(const CscvBlockSums& block_sums) {
  check_strategies(block_sums.strategies());
  const auto bars = static_cast<Eigen::Index>(block_sums.bars());
  const auto strategies = static_cast<Eigen::Index>(block_sums.strategies());
  const int partitions = block_sums.partitions();
  const int half = partitions / 2;

  // Block b is rows [start[b], start[b + 1]).
  std::vector<Eigen::Index> start(partitions + 1);
  for (int b = 0; b <= partitions; ++b) start[b] = static_cast<Eigen::Index>(block_sums.block_start(b));

  Eigen::VectorXd shift(strategies);
  Eigen::MatrixXd sums(strategies, partitions);
  Eigen::MatrixXd sum_squares(strategies, partitions);
  for (Eigen::Index j = 0; j < strategies; ++j) {
    const auto s = static_cast<std::size_t>(j);
    shift[j] = block_sums.shift(s);
    for (int b = 0; b < partitions; ++b) {
      sums(j, b) = block_sums.sum(s, b);
      sum_squares(j, b) = block_sums.sum_squares(s, b);
    }
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
