#pragma once
// Fitness from metrics on rank 0: an objective, constraints that penalise, and failures that never look good.
#include <cstdint>
#include <string_view>
#include <type_traits>

#include "genepool/backtest/metrics.hpp"

namespace genepool {

enum class Objective { sharpe, sortino, calmar, cagr, total_return };

// Why an evaluation has no usable metrics. Stored per individual in the results.
enum class EvalStatus : std::int32_t {
  ok = 0,
  non_finite = 1,      // a metric came out NaN or infinite (profit_factor may be +inf legitimately)
  exception = 2,       // the backtest threw
  invalid_genome = 3,  // unknown type or parameters out of range
};

// One genome's outcome. Plain data: it crosses MPI as bytes.
struct Evaluation {
  Metrics metrics;
  EvalStatus status = EvalStatus::ok;
  std::int32_t reserved = 0;  // fills the tail, so the bytes hold no padding; always 0
};
static_assert(std::is_trivially_copyable_v<Evaluation>);

struct FitnessSettings {
  Objective objective = Objective::sharpe;
  double min_trades = 0;       // fewer trades than this is infeasible
  double max_drawdown = 1.0;   // a deeper max drawdown than this is infeasible
};

// Throws ConfigError naming the key (min-trades, max-drawdown, objective), the value and the valid range.
void check(const FitnessSettings& settings);

// Feasible: the objective. Infeasible: kInfeasibleFitness minus the size of the violation,
// max(0, min_trades - trades) + max(0, max_drawdown - settings.max_drawdown), so every feasible
// individual beats every infeasible one and nearer misses rank higher.
// Failed (status != ok, or metrics that classify() rejects): kFailedFitness, below everything.
inline constexpr double kInfeasibleFitness = -1e12;
inline constexpr double kFailedFitness = -1e300;

double fitness(const Metrics& metrics, EvalStatus status, const FitnessSettings& settings);
bool feasible(const Metrics& metrics, const FitnessSettings& settings);
// The metric that `objective` names.
double objective_value(const Metrics& metrics, Objective objective);
// The status for metrics just computed: ok, or non_finite when any metric but profit_factor is NaN/inf
// (profit_factor may be +inf; NaN or -inf is non_finite).
EvalStatus classify(const Metrics& metrics);

std::string_view to_string(Objective objective);
std::string_view to_string(EvalStatus status);
// Throws ConfigError naming `key` and the allowed values.
Objective parse_objective(std::string_view text, std::string_view key);

}  // namespace genepool
