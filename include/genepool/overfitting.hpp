#pragma once
// Probability of backtest overfitting by combinatorially symmetric cross-validation (CSCV,
// Bailey, Borwein, López de Prado & Zhu 2016). Definitions and edge cases: docs/validation.md.
#include <cstdint>
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

// `returns`: T bars × N strategies of per-bar returns, one column per strategy. `partitions`: S,
// the number of contiguous row blocks (sizes differ by at most one row). Throws ConfigError naming
// pbo-partitions unless S is even and in [2, min(kMaxPboPartitions, T)], and unless N >= 2;
// Error for a non-finite return.
PboResult probability_of_backtest_overfitting(const Eigen::Ref<const Eigen::MatrixXd>& returns, int partitions);

}  // namespace genepool
