// NSGA-II on hand-made fronts: domination, sorting, crowding, selection, survival, the knee point;
// and the type quota of mixed single-objective runs.
#include <catch2/catch.hpp>

#include <algorithm>
#include <cmath>
#include <limits>
#include <numeric>
#include <vector>

#include "genepool/error.hpp"
#include "genepool/evolution/evolution.hpp"
#include "genepool/ga/nsga2.hpp"
#include "genepool/strategies/strategy.hpp"
#include "genepool/data/synthetic.hpp"

using namespace genepool;
using Catch::Matchers::Contains;

namespace {

constexpr double kInf = std::numeric_limits<double>::infinity();

// Two or more objectives to minimise, one row per point; violation 0 unless given.
ObjectiveTable table_of(const std::vector<std::vector<double>>& points, std::vector<double> violation = {}) {
  ObjectiveTable t;
  t.count = points.size();
  t.objectives = points.empty() ? 0 : points[0].size();
  for (const auto& p : points) t.values.insert(t.values.end(), p.begin(), p.end());
  t.violation = violation.empty() ? std::vector<double>(t.count, 0.0) : violation;
  return t;
}

std::size_t metric_index(std::string_view name) {
  const auto& fields = metric_fields();
  for (std::size_t i = 0; i < fields.size(); ++i)
    if (fields[i].name == name) return i;
  return fields.size();
}

}  // namespace

TEST_CASE("objective specs parse from METRIC:max and METRIC:min and name bad input", "[nsga2]") {
  const ObjectiveSpec sharpe = parse_objective_spec("sharpe:max", "objectives[0]");
  CHECK(sharpe.metric == metric_index("sharpe"));
  CHECK(sharpe.maximise);
  const ObjectiveSpec drawdown = parse_objective_spec("max_drawdown:min", "objectives[1]");
  CHECK(drawdown.metric == metric_index("max_drawdown"));
  CHECK_FALSE(drawdown.maximise);
  CHECK(to_string(drawdown) == "max_drawdown:min");
  CHECK_THROWS_WITH(parse_objective_spec("sharpe", "objectives[0]"), Contains("objectives[0]") && Contains("METRIC:max"));
  CHECK_THROWS_WITH(parse_objective_spec("shrape:max", "objectives[2]"),
                    Contains("'shrape' is not a metric") && Contains("turnover"));
  MultiObjectiveSettings multi{true, {sharpe}};
  CHECK_THROWS_WITH(check(multi), Contains("objectives has 1 entries"));
  multi.objectives = {sharpe, drawdown, sharpe};
  CHECK_THROWS_WITH(check(multi), Contains("lists sharpe twice"));
  multi.objectives = {sharpe, drawdown};
  CHECK_NOTHROW(check(multi));
}

TEST_CASE("domination: feasible first, then smaller violation, then Pareto", "[nsga2]") {
  const ObjectiveTable t = table_of({{1, 1}, {2, 2}, {1, 3}, {0, 0}, {0, 0}, {5, 5}}, {0, 0, 0, 2, 1, 0});
  CHECK(dominates(t, 0, 1));
  CHECK_FALSE(dominates(t, 1, 0));
  CHECK(dominates(t, 0, 2));        // equal in one, better in the other
  CHECK_FALSE(dominates(t, 0, 0));  // never itself
  CHECK(dominates(t, 5, 3));        // feasible beats infeasible however good its objectives
  CHECK(dominates(t, 4, 3));        // the smaller violation wins
  CHECK_FALSE(dominates(t, 3, 4));
}

TEST_CASE("non-dominated sorting of a hand-made population", "[nsga2]") {
  //          A       B       C       D       E       F       G (infeasible)
  const ObjectiveTable t = table_of({{1, 4}, {2, 2}, {4, 1}, {3, 3}, {4, 4}, {5, 5}, {0, 0}}, {0, 0, 0, 0, 0, 0, 1});
  const auto front = non_dominated_sort(t);
  CHECK(front == std::vector<std::int32_t>{0, 0, 0, 1, 2, 3, 4});
  // Identical points share a front.
  CHECK(non_dominated_sort(table_of({{1, 1}, {1, 1}, {2, 2}})) == std::vector<std::int32_t>{0, 0, 1});
}

TEST_CASE("crowding distance on a hand-made front", "[nsga2]") {
  // Front 0: A(1,4), B(2,2), C(4,1), H(3,1.5); D(3,3) alone in front 1.
  const ObjectiveTable t = table_of({{1, 4}, {2, 2}, {4, 1}, {3, 3}, {3, 1.5}});
  const auto front = non_dominated_sort(t);
  REQUIRE(front == std::vector<std::int32_t>{0, 0, 0, 1, 0});
  const auto d = crowding_distance(t, front);
  CHECK(d[0] == kInf);
  CHECK(d[2] == kInf);
  // B: objective 0 neighbours A(1) and H(3) over range 3; objective 1 neighbours H(1.5) and A(4) over range 3.
  CHECK(d[1] == Approx((3.0 - 1.0) / 3.0 + (4.0 - 1.5) / 3.0));
  // H: objective 0 neighbours B(2) and C(4); objective 1 neighbours C(1) and B(2).
  CHECK(d[4] == Approx((4.0 - 2.0) / 3.0 + (2.0 - 1.0) / 3.0));
  CHECK(d[3] == kInf);  // a front of one
}

TEST_CASE("crowded comparison and tournaments prefer lower fronts and wider spacing", "[nsga2]") {
  ParetoRanking r;
  r.front = {0, 0, 1, 2};
  r.crowding = {1.0, kInf, kInf, 5.0};
  CHECK(crowded_better(r, 1, 0));  // same front, more room
  CHECK(crowded_better(r, 0, 2));  // lower front first
  CHECK_FALSE(crowded_better(r, 3, 2));
  // Selection pressure: the mean front of winners falls as tournaments grow.
  ParetoRanking many;
  for (int i = 0; i < 20; ++i) {
    many.front.push_back(i / 4);
    many.crowding.push_back(1.0);
  }
  const auto mean_front = [&](std::size_t size) {
    Rng rng(11);
    double sum = 0;
    for (int k = 0; k < 20000; ++k) sum += many.front[crowded_tournament(many, size, rng)];
    return sum / 20000;
  };
  const double uniform = mean_front(1), two = mean_front(2), four = mean_front(4);
  CHECK(uniform == Approx(2.0).margin(0.05));
  CHECK(two < uniform - 0.5);
  CHECK(four < two - 0.3);
  Rng rng(1);
  CHECK_THROWS_AS(crowded_tournament(ParetoRanking{}, 2, rng), Error);
}

TEST_CASE("environmental selection keeps whole fronts and cuts the last by crowding", "[nsga2]") {
  // Front 0: 0, 1, 2 ; front 1: 3 (3,3), 5 (2.5,3.5), 6 (3.5,2.5) and 7 (3.1,2.9) in the middle ; front 2: 4.
  const ObjectiveTable t =
      table_of({{1, 4}, {2, 2}, {4, 1}, {3, 3}, {9, 9}, {2.5, 3.5}, {3.5, 2.5}, {3.05, 2.95}});
  CHECK(environmental_selection(t, 3) == std::vector<std::size_t>{0, 1, 2});
  // Five survivors: front 0 and the two ends of front 1 (infinite crowding).
  CHECK(environmental_selection(t, 5) == std::vector<std::size_t>{0, 1, 2, 5, 6});
  CHECK(environmental_selection(t, 8).size() == 8);
  CHECK_THROWS_AS(environmental_selection(t, 9), Error);
}

TEST_CASE("the knee point is the member farthest from the extremes' hyperplane", "[nsga2]") {
  // Two objectives: line through (0,1) and (1,0); (0.1,0.5) lies 0.4/sqrt(2) inside it.
  const ObjectiveTable two = table_of({{0, 1}, {0.5, 0.45}, {0.1, 0.5}, {1, 0}});
  const std::vector<std::size_t> all{0, 1, 2, 3};
  CHECK(knee_point(two, all) == 2);
  // Scaling an objective does not move the knee (objectives are normalised over the front).
  const ObjectiveTable scaled = table_of({{0, 100}, {50, 45}, {10, 50}, {100, 0}});
  CHECK(knee_point(scaled, all) == 2);
  // Only the members given count.
  const std::vector<std::size_t> some{0, 1, 3};
  CHECK(knee_point(two, some) == 1);
  // Three objectives: the plane through the unit points; (0.2, 0.2, 0.2) is the deepest.
  const ObjectiveTable three = table_of({{0, 1, 1}, {1, 0, 1}, {1, 1, 0}, {0.2, 0.2, 0.2}, {0.3, 0.3, 0.4}});
  CHECK(knee_point(three, std::vector<std::size_t>{0, 1, 2, 3, 4}) == 3);
  CHECK(knee_point(two, std::vector<std::size_t>{3}) == 3);
  CHECK_THROWS_AS(knee_point(two, std::vector<std::size_t>{}), Error);
}

TEST_CASE("objective tables negate maximised metrics and flag failures and constraints", "[nsga2]") {
  MultiObjectiveSettings multi{true, {parse_objective_spec("sharpe:max", "o"), parse_objective_spec("turnover:min", "o")}};
  FitnessSettings fitness;
  fitness.min_trades = 5;
  std::vector<Evaluation> e(3);
  e[0].metrics.sharpe = 1.5;
  e[0].metrics.turnover = 4;
  e[0].metrics.trades = 10;
  e[1].metrics.sharpe = 3;
  e[1].metrics.trades = 2;  // 3 trades short
  e[2].status = EvalStatus::exception;
  const ObjectiveTable t = objective_table(e, multi, fitness);
  CHECK(t.at(0, 0) == -1.5);
  CHECK(t.at(0, 1) == 4);
  CHECK(t.violation[0] == 0);
  CHECK(t.violation[1] == 3);
  CHECK(t.violation[2] == kInf);
  CHECK(non_dominated_sort(t) == std::vector<std::int32_t>{0, 1, 2});
}

TEST_CASE("NSGA-II offspring are valid genomes, as many as the population", "[nsga2]") {
  GaSettings ga;
  ga.population = 30;
  ga.strategies = {0, 1, 5};
  Rng rng(3);
  const auto parents = initial_population(ga, rng);
  ParetoRanking r;
  for (std::size_t i = 0; i < parents.size(); ++i) {
    r.front.push_back(static_cast<std::int32_t>(i % 3));
    r.crowding.push_back(static_cast<double>(i));
  }
  const auto children = nsga2_offspring(parents, r, ga, rng);
  REQUIRE(children.size() == 30);
  for (const Genome& g : children) {
    const StrategyType& type = strategy_of(g);
    CHECK_NOTHROW(check_params(type, g.params.data()));
    for (std::size_t i = 0; i < type.params.size(); ++i)
      if (type.params[i].kind == ParamKind::integer) CHECK(g.params[i] == std::round(g.params[i]));
  }
}

TEST_CASE("type quotas keep every type in play through a lopsided generation", "[ga][quota]") {
  GaSettings ga;
  ga.population = 40;
  ga.strategies = {0, 1, 2, 3};
  ga.type_switch_rate = 0;
  ga.type_quota = 0.5;  // floor(0.5 * 40 / 4) = 5 each
  REQUIRE(type_quota_size(ga) == 5);
  Rng rng(9);
  std::vector<Genome> population = initial_population(ga, rng);
  // Type 0 is far better than the rest: without quotas selection alone would crowd the others out.
  std::vector<double> fitness(population.size());
  for (std::size_t i = 0; i < population.size(); ++i) fitness[i] = population[i].strategy == 0 ? 10.0 + static_cast<double>(i) : -1.0;
  const auto count = [](const std::vector<Genome>& p, std::uint32_t t) {
    return std::count_if(p.begin(), p.end(), [t](const Genome& g) { return g.strategy == t; });
  };
  ga.tournament_size = 8;
  for (int generation = 0; generation < 5; ++generation) {
    population = next_generation(population, fitness, ga, rng);
    for (std::size_t i = 0; i < population.size(); ++i) fitness[i] = population[i].strategy == 0 ? 10.0 + static_cast<double>(i) : -1.0;
    for (std::uint32_t t : ga.strategies) CHECK(count(population, t) >= 5);
  }
  // Without the quota the weak types die out under this pressure.
  ga.type_quota = 0;
  REQUIRE(type_quota_size(ga) == 0);
  for (int generation = 0; generation < 5; ++generation) {
    population = next_generation(population, fitness, ga, rng);
    for (std::size_t i = 0; i < population.size(); ++i) fitness[i] = population[i].strategy == 0 ? 10.0 + static_cast<double>(i) : -1.0;
  }
  CHECK(count(population, 0) == 40);
  // One type in play: no quota.
  ga.strategies = {2};
  ga.type_quota = 1;
  CHECK(type_quota_size(ga) == 0);
}

TEST_CASE("an NSGA-II evolution keeps a valid front and picks its knee first", "[nsga2][evolution]") {
  SyntheticSpec spec;
  spec.symbols = 1;
  spec.bars = 600;
  spec.seed = 8;
  const MarketData data = generate_synthetic(spec);
  ExecutionSettings execution;
  execution.bars_per_year = 252;
  SerialEvaluator evaluator(data, execution);
  EvolutionSettings settings;
  settings.seed = 5;
  settings.ga.population = 24;
  settings.ga.generations = 4;
  settings.ga.strategies = {0, 4};
  settings.multi = {true, {parse_objective_spec("sharpe:max", "o"), parse_objective_spec("max_drawdown:min", "o")}};
  const EvolutionResult result = evolve(settings, evaluator);
  REQUIRE(result.front.size() == 24);
  REQUIRE_FALSE(result.pareto.empty());
  const ObjectiveTable table = objective_table(result.evaluations, settings.multi, settings.fitness);
  CHECK(non_dominated_sort(table) == result.front);
  for (std::size_t i : result.pareto) {
    CHECK(result.front[i] == 0);
    for (std::size_t j = 0; j < table.count; ++j) CHECK_FALSE(dominates(table, j, i));
  }
  CHECK(result.knee == knee_point(table, result.pareto));
  REQUIRE_FALSE(result.hall_of_fame.empty());
  CHECK(result.hall_of_fame[0].genome == result.population[result.knee]);
  // After the knee, the front's members by decreasing crowding distance (the extremes' infinite
  // distances first): each entry's member is at least as isolated as the next one's.
  const auto crowding_of = [&](const Genome& genome) {
    double most = -1;
    for (std::size_t i : result.pareto)
      if (result.population[i] == genome) most = std::max(most, result.crowding[i]);
    return most;
  };
  REQUIRE(result.hall_of_fame.size() >= 3);
  for (std::size_t k = 1; k < result.hall_of_fame.size(); ++k) {
    const double here = crowding_of(result.hall_of_fame[k].genome);
    CHECK(here >= 0);  // a member of the final front
    if (k + 1 < result.hall_of_fame.size()) CHECK(here >= crowding_of(result.hall_of_fame[k + 1].genome));
  }
  // The same run again is identical.
  SerialEvaluator again(data, execution);
  const EvolutionResult second = evolve(settings, again);
  CHECK(second.population == result.population);
  CHECK(second.crowding == result.crowding);
}
