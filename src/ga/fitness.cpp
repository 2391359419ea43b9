#include "genepool/ga/fitness.hpp"

#include <algorithm>
#include <array>
#include <bit>
#include <cmath>
#include <limits>
#include <string>

#include "genepool/error.hpp"
#include "genepool/number_text.hpp"

namespace genepool {
namespace {

inline constexpr double kMaxMinTrades = 1e9;

// NOTE: the bounds keep the fitness bands apart: feasible values stay above kInfeasibleFitness,
// infeasible ones (whatever the violation) above kFailedFitness.
inline constexpr double kFeasibleFloor = kInfeasibleFitness + 1;
inline constexpr double kInfeasibleFloor = -1e299;
static_assert(kFeasibleFloor > kInfeasibleFitness && kInfeasibleFloor > kFailedFitness);

}  // namespace

void check(const FitnessSettings& settings) {
  if (!(settings.min_trades >= 0 && settings.min_trades <= kMaxMinTrades))
    throw ConfigError("min-trades = " + plain_shortest(settings.min_trades) + " is outside [0, " + plain_shortest(kMaxMinTrades) + "]");
  if (!(settings.max_drawdown >= 0 && settings.max_drawdown <= 1))
    throw ConfigError("max-drawdown = " + plain_shortest(settings.max_drawdown) + " is outside [0, 1]");
  if (to_string(settings.objective) == "unknown")
    throw ConfigError("objective = " + std::to_string(static_cast<int>(settings.objective)) +
                      " is not one of sharpe, sortino, calmar, cagr, total_return");
}

double objective_value(const Metrics& metrics, Objective objective) {
  switch (objective) {
    case Objective::sharpe: return metrics.sharpe;
    case Objective::sortino: return metrics.sortino;
    case Objective::calmar: return metrics.calmar;
    case Objective::cagr: return metrics.cagr;
    case Objective::total_return: return metrics.total_return;
  }
  return std::numeric_limits<double>::quiet_NaN();
}

bool feasible(const Metrics& metrics, const FitnessSettings& settings) {
  return metrics.trades >= settings.min_trades && metrics.max_drawdown <= settings.max_drawdown;
}

EvalStatus classify(const Metrics& metrics) {
  Metrics copy = metrics;
  if (copy.profit_factor == std::numeric_limits<double>::infinity()) copy.profit_factor = 0;
  // Metrics is a plain array of doubles: check every member, including any added later.
  for (double v : std::bit_cast<std::array<double, kMetricCount>>(copy))
    if (!std::isfinite(v)) return EvalStatus::non_finite;
  return EvalStatus::ok;
}

double fitness(const Metrics& metrics, EvalStatus status, const FitnessSettings& settings) {
  if (status != EvalStatus::ok || classify(metrics) != EvalStatus::ok) return kFailedFitness;
  const double value = objective_value(metrics, settings.objective);
  if (!std::isfinite(value)) return kFailedFitness;
  if (feasible(metrics, settings)) return std::max(value, kFeasibleFloor);
  const double violation = std::max(0.0, settings.min_trades - metrics.trades) +
                           std::max(0.0, metrics.max_drawdown - settings.max_drawdown);
  const double penalised = kInfeasibleFitness - violation;
  return std::isnan(penalised) ? kInfeasibleFloor : std::max(penalised, kInfeasibleFloor);
}

std::string_view to_string(Objective objective) {
  switch (objective) {
    case Objective::sharpe: return "sharpe";
    case Objective::sortino: return "sortino";
    case Objective::calmar: return "calmar";
    case Objective::cagr: return "cagr";
    case Objective::total_return: return "total_return";
  }
  return "unknown";
}

std::string_view to_string(EvalStatus status) {
  switch (status) {
    case EvalStatus::ok: return "ok";
    case EvalStatus::non_finite: return "non_finite";
    case EvalStatus::exception: return "exception";
    case EvalStatus::invalid_genome: return "invalid_genome";
  }
  return "unknown";
}

Objective parse_objective(std::string_view text, std::string_view key) {
  for (auto o : {Objective::sharpe, Objective::sortino, Objective::calmar, Objective::cagr, Objective::total_return})
    if (text == to_string(o)) return o;
  throw ConfigError(std::string(key) + " = '" + std::string(text) +
                    "' is not one of sharpe, sortino, calmar, cagr, total_return");
}

}  // namespace genepool
