#pragma once
// Probability of backtest overfitting by combinatorially symmetric cross-validation (CSCV,
// Bailey, Borwein, López de Prado & Zhu 2016). Definitions and edge cases: docs/validation.md.
#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

#include <Eigen/Core>

namespace genepool {

// The largest number of partitions: C(20, 10) = 184,756 combinations.
inline constexpr int kMaxPboPartitions = 20;

struct PboResult {
  double pbo = 0;                  // share of combinations with logit <= 0
  double probability_of_loss = 0;  // share of combinations where the selected strategy's OOS Sharpe < 0
  // One entry per combination of S/2 in-sample blocks, in lexicographic order of the in-sample
  // block sets (the complement of combination c is combination C - 1 - c):
  std::vector<double> logits;            // λ = ln(ω / (1 - ω)), ω = OOS rank of n* / (N + 1)
  std::vector<double> is_sharpe;         // per-bar in-sample Sharpe ratio of n*
  std::vector<double> oos_sharpe;        // per-bar out-of-sample Sharpe ratio of n*
  std::vector<std::int32_t> selected;    // n*: the column with the best in-sample Sharpe ratio
};

// What CSCV needs of N strategies' returns over T bars split into S contiguous blocks: per strategy
// its first return (the shift) and, per block, the sums of r - shift and of (r - shift)². Built one
// strategy at a time, so that the T × N returns never need to be held together (O(N S) memory).
class CscvBlockSums {
 public:
  // Throws ConfigError naming pbo-partitions unless bars >= 2 and S is even in [2, min(kMaxPboPartitions, T)].
  CscvBlockSums(std::size_t bars, int partitions);
  // One strategy's T returns; Error for a non-finite one (naming its row and this strategy's column).
  void add(std::span<const double> returns);
  std::size_t bars() const { return bars_; }
  int partitions() const { return partitions_; }
  std::size_t strategies() const { return shift_.size(); }
  std::size_t block_start(int block) const { return static_cast<std::size_t>(block) * bars_ / static_cast<std::size_t>(partitions_); }
  double shift(std::size_t strategy) const { return shift_[strategy]; }
  double sum(std::size_t strategy, int block) const { return sums_[strategy * static_cast<std::size_t>(partitions_) + static_cast<std::size_t>(block)]; }
  double sum_squares(std::size_t strategy, int block) const {
    return squares_[strategy * static_cast<std::size_t>(partitions_) + static_cast<std::size_t>(block)];
  }

 private:
  std::size_t bars_;
  int partitions_;
  std::vector<double> shift_;
  std::vector<double> sums_;     // strategy-major: S per strategy
  std::vector<double> squares_;
};

// PBO from block sums; throws ConfigError unless they hold at least 2 strategies.
PboResult probability_of_backtest_overfitting(const CscvBlockSums& sums);

// `returns`: T bars × N strategies of per-bar returns, one column per strategy. `partitions`: S,
// the number of contiguous row blocks (sizes differ by at most one row). Throws ConfigError naming
// pbo-partitions unless S is even and in [2, min(kMaxPboPartitions, T)], and unless N >= 2;
// Error for a non-finite return.
PboResult probability_of_backtest_overfitting(const Eigen::Ref<const Eigen::MatrixXd>& returns, int partitions);

}  // namespace genepool
