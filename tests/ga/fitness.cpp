#include <catch2/catch.hpp>

#include <array>
#include <bit>
#include <cmath>
#include <cstddef>
#include <limits>

#include "genepool/error.hpp"
#include "genepool/ga/fitness.hpp"

using namespace genepool;
using Catch::Matchers::Contains;

namespace {

constexpr double kInf = std::numeric_limits<double>::infinity();
constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

// A plausible, feasible backtest.
Metrics good_metrics() {
  Metrics m;
  m.total_return = 0.4;
  m.cagr = 0.12;
  m.volatility = 0.15;
  m.sharpe = 0.8;
  m.sortino = 1.1;
  m.max_drawdown = 0.2;
  m.max_drawdown_bars = 60;
  m.calmar = 0.6;
  m.trades = 30;
  m.win_rate = 0.5;
  m.profit_factor = 1.4;
  m.bars = 750;
  return m;
}

FitnessSettings constrained() {
  FitnessSettings s;
  s.min_trades = 10;
  s.max_drawdown = 0.3;
  return s;
}

// The metric at position `index` in declaration order (Metrics is an array of doubles).
void set_metric(Metrics& m, std::size_t index, double value) {
  auto values = std::bit_cast<std::array<double, kMetricCount>>(m);
  values[index] = value;
  m = std::bit_cast<Metrics>(values);
}

constexpr std::size_t kProfitFactorIndex = offsetof(Metrics, profit_factor) / sizeof(double);

}  // namespace

TEST_CASE("a feasible individual's fitness is its objective", "[fitness]") {
  const Metrics m = good_metrics();
  FitnessSettings s = constrained();
  s.objective = GENERATE(Objective::sharpe, Objective::sortino, Objective::calmar, Objective::cagr,
                         Objective::total_return);
  REQUIRE(feasible(m, s));
  CHECK(fitness(m, EvalStatus::ok, s) == objective_value(m, s.objective));
  CHECK(objective_value(m, Objective::sharpe) == 0.8);
  CHECK(objective_value(m, Objective::sortino) == 1.1);
  CHECK(objective_value(m, Objective::calmar) == 0.6);
  CHECK(objective_value(m, Objective::cagr) == 0.12);
  CHECK(objective_value(m, Objective::total_return) == 0.4);
}

TEST_CASE("feasibility needs enough trades and a shallow enough drawdown", "[fitness]") {
  const FitnessSettings s = constrained();
  Metrics m = good_metrics();
  m.trades = 10;
  m.max_drawdown = 0.3;
  CHECK(feasible(m, s));  // both limits are inclusive
  m.trades = 9;
  CHECK_FALSE(feasible(m, s));
  m.trades = 10;
  m.max_drawdown = 0.31;
  CHECK_FALSE(feasible(m, s));
  CHECK(feasible(m, FitnessSettings{}));  // the defaults constrain nothing
}

TEST_CASE("an infeasible individual ranks below every feasible one, nearer misses higher", "[fitness]") {
  const FitnessSettings s = constrained();
  Metrics worst_feasible = good_metrics();
  worst_feasible.sharpe = -1e6;
  const double feasible_fitness = fitness(worst_feasible, EvalStatus::ok, s);

  Metrics few_trades = good_metrics();
  few_trades.trades = 8;  // violation 2
  Metrics fewer_trades = good_metrics();
  fewer_trades.trades = 2;  // violation 8
  Metrics deep = good_metrics();
  deep.max_drawdown = 0.5;  // violation 0.2
  Metrics both = few_trades;
  both.max_drawdown = 0.5;  // violation 2.2
  few_trades.sharpe = 50;   // a great objective does not rescue an infeasible individual

  const double f_few = fitness(few_trades, EvalStatus::ok, s);
  CHECK(f_few == kInfeasibleFitness - 2);
  CHECK(fitness(deep, EvalStatus::ok, s) == Approx(kInfeasibleFitness - 0.2));
  CHECK(f_few < feasible_fitness);
  CHECK(fitness(deep, EvalStatus::ok, s) > f_few);
  CHECK(fitness(both, EvalStatus::ok, s) < f_few);
  CHECK(fitness(fewer_trades, EvalStatus::ok, s) < fitness(both, EvalStatus::ok, s));
}

TEST_CASE("even an absurd feasible objective beats every infeasible individual", "[fitness]") {
  const FitnessSettings s = constrained();
  Metrics absurd = good_metrics();
  absurd.sharpe = -1e200;
  Metrics infeasible = good_metrics();
  infeasible.trades = 9.999999;
  CHECK(fitness(absurd, EvalStatus::ok, s) > fitness(infeasible, EvalStatus::ok, s));
}

TEST_CASE("a failed evaluation ranks below everything", "[fitness]") {
  const auto status = GENERATE(EvalStatus::non_finite, EvalStatus::exception, EvalStatus::invalid_genome);
  FitnessSettings s = constrained();
  s.min_trades = 1e9;
  Metrics hopeless = good_metrics();
  hopeless.trades = 0;
  hopeless.max_drawdown = 1;
  const double failed = fitness(good_metrics(), status, s);
  CHECK(failed == kFailedFitness);
  CHECK(failed < fitness(hopeless, EvalStatus::ok, s));
}

TEST_CASE("classify() flags any non-finite metric, but allows an infinite profit factor", "[fitness]") {
  CHECK(classify(good_metrics()) == EvalStatus::ok);
  Metrics no_losers = good_metrics();
  no_losers.profit_factor = kInf;
  CHECK(classify(no_losers) == EvalStatus::ok);

  const auto index = GENERATE(range(std::size_t{0}, kMetricCount));
  const auto bad = GENERATE(as<double>{}, kNaN, kInf, -kInf);
  Metrics m = good_metrics();
  set_metric(m, index, bad);
  INFO("metric " << index << " = " << bad);
  if (index == kProfitFactorIndex && bad == kInf)
    CHECK(classify(m) == EvalStatus::ok);
  else
    CHECK(classify(m) == EvalStatus::non_finite);
}

TEST_CASE("a non-finite metric never gives a good fitness, even with status ok", "[fitness]") {
  FitnessSettings s;
  s.objective = GENERATE(Objective::sharpe, Objective::sortino, Objective::calmar, Objective::cagr,
                         Objective::total_return);
  const auto index = GENERATE(range(std::size_t{0}, kMetricCount));
  if (index == kProfitFactorIndex) return;
  const auto bad = GENERATE(as<double>{}, kNaN, kInf, -kInf);
  Metrics m = good_metrics();
  set_metric(m, index, bad);
  CHECK(fitness(m, EvalStatus::ok, s) == kFailedFitness);
}

TEST_CASE("objectives and statuses have names that read back", "[fitness]") {
  for (auto o : {Objective::sharpe, Objective::sortino, Objective::calmar, Objective::cagr, Objective::total_return})
    CHECK(parse_objective(to_string(o), "objective") == o);
  CHECK(to_string(Objective::total_return) == "total_return");
  CHECK(to_string(EvalStatus::ok) == "ok");
  CHECK(to_string(EvalStatus::non_finite) == "non_finite");
  CHECK(to_string(EvalStatus::exception) == "exception");
  CHECK(to_string(EvalStatus::invalid_genome) == "invalid_genome");
  CHECK_THROWS_AS(parse_objective("Sharpe", "objective"), ConfigError);
  CHECK_THROWS_WITH(parse_objective("profit", "fitness.objective"),
                    Contains("fitness.objective = 'profit' is not one of sharpe, sortino, calmar, cagr, total_return"));
}

TEST_CASE("fitness settings are checked with the key, value and range", "[fitness]") {
  CHECK_NOTHROW(check(FitnessSettings{}));
  CHECK_NOTHROW(check(constrained()));
  FitnessSettings s;
  s.min_trades = -1;
  CHECK_THROWS_WITH(check(s), Contains("min-trades = -1 is outside [0, 1000000000]"));
  s = FitnessSettings{};
  s.max_drawdown = 1.5;
  CHECK_THROWS_WITH(check(s), Contains("max-drawdown = 1.5 is outside [0, 1]"));
  s.max_drawdown = kNaN;
  CHECK_THROWS_AS(check(s), ConfigError);
  s = FitnessSettings{};
  s.objective = static_cast<Objective>(42);
  CHECK_THROWS_WITH(check(s), Contains("objective = 42 is not one of sharpe"));
}
