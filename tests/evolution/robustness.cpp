// Robust fitness: the neighbourhood of a genome, the mean and the worst, and an evolution whose
// fitness values equal a plain recomputation over each genome's neighbours.
#include <catch2/catch.hpp>

#include <cmath>
#include <cstring>
#include <set>
#include <vector>

#include "genepool/error.hpp"
#include "genepool/evolution/evolution.hpp"
#include "genepool/evolution/robustness.hpp"
#include "genepool/strategies/strategy.hpp"
#include "fixtures.hpp"
#include "recording_evaluator.hpp"

using namespace genepool;
using test::BytesLess;
using test::RecordingEvaluator;

namespace {

Genome sma(double fast, double slow) {
  Genome g;
  g.strategy = strategy_id("sma_crossover");
  g.params = {fast, slow, 0, 0};
  return g;
}

}  // namespace

TEST_CASE("a genome's neighbourhood moves each value down and up by the radius, repaired", "[robustness]") {
  const SearchSpace space;
  const StrategyType& type = space.type(strategy_id("sma_crossover"));
  RobustnessSettings settings;
  settings.radius = 0.02;
  const double fast_step = std::max(1.0, std::round(0.02 * (type.params[0].upper - type.params[0].lower)));
  const double slow_step = std::max(1.0, std::round(0.02 * (type.params[1].upper - type.params[1].lower)));
  const std::vector<Genome> near = neighbourhood(sma(20, 100), settings, space);
  REQUIRE(near.size() == 4);
  CHECK(near[0] == sma(20 - fast_step, 100));
  CHECK(near[1] == sma(20 + fast_step, 100));
  CHECK(near[2] == sma(20, 100 - slow_step));
  CHECK(near[3] == sma(20, 100 + slow_step));
  // At the lower bound there is nothing below: that neighbour repairs onto the genome and is dropped.
  const std::vector<Genome> edge = neighbourhood(sma(type.params[0].lower, 100), settings, space);
  CHECK(edge.size() == 3);
  for (const Genome& g : edge) CHECK_FALSE(g == sma(type.params[0].lower, 100));

  SearchSpace with_stop;
  with_stop.evolve_exit("stop-loss", 0.01, 0.21);
  Genome stopped = sma(20, 100);
  stopped.exit_genes = with_stop.exit_gene_bits();
  stopped.exits[static_cast<std::size_t>(ExitGene::stop_loss)] = 0.1;
  const std::vector<Genome> genes = neighbourhood(stopped, settings, with_stop);
  REQUIRE(genes.size() == 6);
  CHECK(genes[4].exits[0] == Approx(0.1 - 0.004));
  CHECK(genes[5].exits[0] == Approx(0.1 + 0.004));
}

TEST_CASE("robust fitness is the mean or the worst of the genome and its neighbours", "[robustness]") {
  const std::vector<double> near = {1.0, 4.0, -2.0};
  CHECK(robust_fitness(RobustnessKind::none, 3.0, near) == 3.0);
  CHECK(robust_fitness(RobustnessKind::mean, 3.0, near) == Approx(1.5));
  CHECK(robust_fitness(RobustnessKind::min, 3.0, near) == -2.0);
  CHECK(robust_fitness(RobustnessKind::mean, 3.0, {}) == 3.0);
  CHECK(std::isnan(robust_fitness(RobustnessKind::min, 3.0, std::vector<double>{NAN})));
  CHECK(parse_robustness("min", "robustness") == RobustnessKind::min);
  CHECK_THROWS_WITH(parse_robustness("max", "robustness"), Catch::Contains("robustness = 'max' is not one of none, mean, min"));
  RobustnessSettings bad;
  bad.radius = 0;
  CHECK_THROWS_WITH(check(bad), Catch::Contains("robustness-radius = 0 is outside (0, 0.5]"));
}

TEST_CASE("a robust evolution's fitness equals the plain mean over each genome's neighbourhood", "[robustness][evolution]") {
  const MarketData data = test::two_symbol_data(700, 3);
  RecordingEvaluator evaluator(data, test::test_execution());
  for (const RobustnessKind kind : {RobustnessKind::mean, RobustnessKind::min}) {
    EvolutionSettings settings;
    settings.seed = 5;
    settings.ga.population = 24;
    settings.ga.generations = 3;
    settings.ga.strategies = {strategy_id("sma_crossover"), strategy_id("donchian_breakout")};
    settings.robustness.kind = kind;
    settings.robustness.radius = 0.03;
    evaluator.seen.clear();
    const EvolutionResult result = evolve(settings, evaluator);
    // The plain reference: every genome and neighbour backtested on its own.
    Backtester backtester(data, test::test_execution());
    const auto plain = [&](const Genome& g) {
      const Evaluation e = evaluate_safely(backtester, g);
      return fitness(e.metrics, e.status, settings.fitness);
    };
    for (std::size_t i = 0; i < result.population.size(); ++i) {
      std::vector<double> near;
      for (const Genome& g : neighbourhood(result.population[i], settings.robustness, settings.ga.space))
        near.push_back(plain(g));
      INFO("individual " << i);
      CHECK(result.raw_fitness[i] == plain(result.population[i]));
      CHECK(result.fitness[i] == robust_fitness(kind, result.raw_fitness[i], near));
    }
    for (const HallOfFameEntry& entry : result.hall_of_fame) CHECK(entry.raw_fitness == plain(entry.genome));
    // Neighbours shared between genomes, or seen before, are backtested once.
    const std::set<Genome, BytesLess> distinct(evaluator.seen.begin(), evaluator.seen.end());
    CHECK(distinct.size() == evaluator.seen.size());
    CHECK(result.evaluated_total == evaluator.seen.size());
    CHECK(result.evaluations_total > result.population.size() * 4);  // neighbours are scored too
  }
}

TEST_CASE("robustness and islands are refused in NSGA-II mode", "[robustness]") {
  EvolutionSettings settings;
  settings.multi.enabled = true;
  settings.multi.objectives = {parse_objective_spec("sharpe:max", "objectives[0]"),
                               parse_objective_spec("max_drawdown:min", "objectives[1]")};
  settings.robustness.kind = RobustnessKind::mean;
  CHECK_THROWS_WITH(check(settings), Catch::Contains("robustness = mean works with mode = ga only"));
  settings.robustness.kind = RobustnessKind::none;
  settings.islands.count = 2;
  CHECK_THROWS_WITH(check(settings), Catch::Contains("islands = 2 works with mode = ga only"));
}
