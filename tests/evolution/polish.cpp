// Polishing the elite: the moves around a genome, hill climbs on known landscapes (integer and real,
// exit genes too), the budget, and an evolution that counts and records what the polish scored.
#include <catch2/catch.hpp>

#include <cmath>
#include <cstring>
#include <set>
#include <vector>

#include "genepool/error.hpp"
#include "genepool/evolution/evolution.hpp"
#include "genepool/evolution/polish.hpp"
#include "genepool/strategies/strategy.hpp"
#include "fixtures.hpp"

using namespace genepool;

namespace {

struct BytesLess {
  bool operator()(const Genome& a, const Genome& b) const { return std::memcmp(&a, &b, sizeof(Genome)) < 0; }
};

Genome sma(double fast, double slow) {
  Genome g;
  g.strategy = strategy_id("sma_crossover");
  g.params = {fast, slow, 0, 0};
  return g;
}

// A scorer over a known landscape that records every genome it scores.
struct Landscape {
  double (*height)(const Genome&);
  std::vector<Genome> scored;
  Scorer scorer() {
    return [this](std::span<const Genome> genomes, std::span<Scored> scores) {
      for (std::size_t i = 0; i < genomes.size(); ++i) {
        scored.push_back(genomes[i]);
        scores[i].raw_fitness = scores[i].fitness = height(genomes[i]);
      }
    };
  }
};

Scored score_of(double value) { return {Evaluation{}, value, value}; }

}  // namespace

TEST_CASE("the integer moves are every neighbour within the radius, repaired and distinct", "[polish]") {
  const SearchSpace space;
  const std::vector<Genome> one = polish_moves(sma(20, 50), {}, 1, space);
  CHECK(one.size() == 8);
  const std::vector<Genome> two = polish_moves(sma(20, 50), {}, 2, space);
  CHECK(two.size() == 24);
  std::set<Genome, BytesLess> distinct(two.begin(), two.end());
  CHECK(distinct.size() == two.size());
  for (const Genome& g : two) {
    CHECK(std::abs(g.params[0] - 20) <= 2);
    CHECK(std::abs(g.params[1] - 50) <= 2);
    CHECK_FALSE(g == sma(20, 50));
  }
  // fast < slow: moves that would meet are repaired, never duplicates of the start.
  for (const Genome& g : polish_moves(sma(20, 21), {}, 1, space)) CHECK(g.params[0] < g.params[1]);
}

TEST_CASE("a polish climbs an integer hill to its top and scores each genome once", "[polish]") {
  const SearchSpace space;
  Landscape hill{[](const Genome& g) { return -std::pow(g.params[0] - 31, 2) - std::pow(g.params[1] - 87, 2); }, {}};
  const std::vector<Genome> starts = {sma(20, 70), sma(40, 100)};
  const std::vector<Scored> scores = {score_of(hill.height(starts[0])), score_of(hill.height(starts[1]))};
  PolishSettings settings;
  const PolishResult result = polish(starts, scores, 100000, settings, space, hill.scorer());
  REQUIRE(result.ends.size() == 2);
  CHECK(result.ends[0] == sma(31, 87));
  CHECK(result.end_scores[0].fitness == 0);
  CHECK(result.converged[0]);
  // The second search reaches the top the first one holds: it stops there as a repeat.
  CHECK(result.ends[1] == sma(31, 87));
  const std::set<Genome, BytesLess> distinct(hill.scored.begin(), hill.scored.end());
  CHECK(distinct.size() == hill.scored.size());
  CHECK(result.genomes.size() == hill.scored.size());
  CHECK(distinct.count(starts[0]) == 0);  // the starts' own scores are given, not scored again
}

TEST_CASE("a polish never scores more than its budget", "[polish]") {
  const SearchSpace space;
  Landscape hill{[](const Genome& g) { return -std::abs(g.params[0] - 90) - std::abs(g.params[1] - 300); }, {}};
  const std::vector<Genome> starts = {sma(20, 70)};
  const std::vector<Scored> scores = {score_of(hill.height(starts[0]))};
  for (const std::size_t budget : {std::size_t{1}, std::size_t{7}, std::size_t{30}}) {
    hill.scored.clear();
    const PolishResult result = polish(starts, scores, budget, PolishSettings{}, space, hill.scorer());
    CHECK(hill.scored.size() == budget);
    CHECK_FALSE(result.converged[0]);
    CHECK(result.end_scores[0].fitness >= scores[0].fitness);
  }
}

TEST_CASE("the pattern search finds a real optimum of an exit gene with shrinking steps", "[polish]") {
  SearchSpace space;
  space.evolve_exit("stop-loss", 0.01, 0.21);
  Genome start = sma(20, 50);
  start.exit_genes = space.exit_gene_bits();
  start.exits[static_cast<std::size_t>(ExitGene::stop_loss)] = 0.02;
  Landscape ridge{[](const Genome& g) {
                    return -std::pow(g.exits[static_cast<std::size_t>(ExitGene::stop_loss)] - 0.1234, 2) -
                           std::pow(g.params[0] - 20, 2) - std::pow(g.params[1] - 50, 2);
                  },
                  {}};
  const std::vector<Scored> scores = {score_of(ridge.height(start))};
  PolishSettings settings;
  settings.step = 0.1;
  const PolishResult result = polish(std::span(&start, 1), scores, 100000, settings, space, ridge.scorer());
  CHECK(result.converged[0]);
  CHECK(result.ends[0].params == sma(20, 50).params);
  // The last step is step / 64 of the range: the optimum within half of it.
  CHECK(std::abs(result.ends[0].exits[0] - 0.1234) <= 0.5 * 0.1 / 64 * 0.2 + 1e-12);
}

TEST_CASE("an evolution polishes its elite within the budget, counts it and keeps it", "[polish][evolution]") {
  const MarketData data = test::two_symbol_data(700, 8);
  SerialEvaluator serial(data, test::test_execution());
  EvolutionSettings settings;
  settings.seed = 12;
  settings.ga.population = 30;
  settings.ga.generations = 5;
  settings.ga.strategies = {strategy_id("sma_crossover")};
  settings.polish.share = 0.5;
  settings.polish.interval = 2;
  std::vector<std::size_t> scored;
  struct Watch final : EvolutionObserver {
    std::vector<std::size_t>* scored;
    void on_generation(const GenerationView& g) override {
      CHECK(g.polished.size() == g.stats.polish_scored);
      CHECK(g.polished_evaluations.size() == g.polished.size());
      scored->push_back(g.stats.polish_scored);
    }
  } watch;
  watch.scored = &scored;
  EvolutionObserver* observers[] = {&watch};
  const EvolutionResult result = evolve(settings, serial, observers);
  // Polished after generations 2 and 4 (budget 0.5 x 30 x 2 = 30 each) and 5, the last (0.5 x 30 x 1 = 15).
  REQUIRE(scored.size() == 6);
  CHECK(scored[0] == 0);
  CHECK(scored[1] == 0);
  CHECK(scored[2] > 0);
  CHECK(scored[2] <= 30);
  CHECK(scored[3] == 0);
  CHECK(scored[4] <= 30);
  CHECK(scored[5] <= 15);
  std::size_t sum = 0, evaluations = 0;
  for (const GenerationStats& s : result.history) {
    sum += s.polish_scored;
    evaluations += s.evaluated + s.cache_hits;
  }
  CHECK(sum == result.polish_scored_total);
  CHECK(evaluations == result.evaluations_total);
  CHECK(result.evaluations_total == 30 * 6 + sum);
  // The best strategy is at least as good as every polished genome and every generation's best.
  for (const GenerationStats& s : result.history) CHECK(result.hall_of_fame.front().fitness >= s.best);

  settings.polish.share = 0;
  const EvolutionResult plain = evolve(settings, serial);
  CHECK(plain.polish_scored_total == 0);
  CHECK(plain.evaluations_total == 30 * 6);
  PolishSettings bad;
  bad.share = 1.5;
  CHECK_THROWS_WITH(check(bad), Catch::Contains("polish-share = 1.5 is outside [0, 1]"));
}
