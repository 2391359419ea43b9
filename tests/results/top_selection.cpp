// The diverse top list of /best (top_selection.hpp): parameter distance over the search ranges, the
// greedy choice in rank order, the candidate pool.
#include <catch2/catch.hpp>

#include <cmath>
#include <vector>

#include "genepool/results/top_selection.hpp"
#include "genepool/strategies/strategy.hpp"

using namespace genepool;

namespace {

// bollinger_reversion: period in [5, 200], k in [0.5, 4].
HallOfFameEntry bollinger(double period, double k, double fitness) {
  HallOfFameEntry entry{};
  entry.genome.strategy = strategy_id("bollinger_reversion");
  entry.genome.params[0] = period;
  entry.genome.params[1] = k;
  entry.fitness = fitness;
  return entry;
}

HallOfFameEntry other_type(double fitness) {
  HallOfFameEntry entry{};
  entry.genome.strategy = strategy_id("ts_momentum");
  const StrategyType& type = strategy_registry()[entry.genome.strategy];
  for (std::size_t p = 0; p < type.params.size(); ++p) entry.genome.params[p] = type.params[p].default_value;
  entry.fitness = fitness;
  return entry;
}

std::vector<double> fitness_of(const std::vector<HallOfFameEntry>& entries) {
  std::vector<double> values;
  for (const auto& e : entries) values.push_back(e.fitness);
  return values;
}

}  // namespace

TEST_CASE("parameter distance is the largest difference over the search range, infinite across types", "[results]") {
  const SearchSpace space;
  CHECK(parameter_distance(bollinger(21, 0.93, 0).genome, bollinger(21, 0.99, 0).genome, space) ==
        Approx(0.06 / 3.5));
  CHECK(parameter_distance(bollinger(21, 2, 0).genome, bollinger(60, 2.1, 0).genome, space) == Approx(39.0 / 195));
  CHECK(std::isinf(parameter_distance(bollinger(21, 2, 0).genome, other_type(0).genome, space)));
  SearchSpace narrowed;
  narrowed.narrow(strategy_id("bollinger_reversion"), "k", 0.9, 1.0);
  narrowed.narrow(strategy_id("bollinger_reversion"), "period", 21, 21);  // fixed: no part in the distance
  CHECK(parameter_distance(bollinger(21, 0.93, 0).genome, bollinger(21, 0.99, 0).genome, narrowed) ==
        Approx(0.6));
}

TEST_CASE("the top list skips near-clones of better strategies and keeps the order", "[results]") {
  const SearchSpace space;
  // Ten clones of the winner, then real alternatives.
  std::vector<HallOfFameEntry> ranked;
  for (int i = 0; i < 10; ++i) ranked.push_back(bollinger(21, 0.93 + 0.006 * i, 2.0 - 0.01 * i));
  ranked.push_back(other_type(1.5));
  ranked.push_back(bollinger(80, 0.95, 1.4));
  ranked.push_back(bollinger(21, 3.0, 1.3));
  ranked.push_back(bollinger(84, 0.96, 1.2));  // a clone of the 80 one
  const auto kept = select_diverse(ranked, 10, kDefaultTopDistance, space);
  CHECK(fitness_of(kept) == std::vector<double>{2.0, 1.5, 1.4, 1.3});
  // top limits the list; distance 0 is the plain hall of fame.
  CHECK(fitness_of(select_diverse(ranked, 2, kDefaultTopDistance, space)) == std::vector<double>{2.0, 1.5});
  CHECK(select_diverse(ranked, 5, 0.0, space).size() == 5);
  CHECK(select_diverse(ranked, 5, 0.0, space)[4].fitness == ranked[4].fitness);
}

TEST_CASE("evolved exits count as parameters of the distance", "[results]") {
  SearchSpace space;
  space.evolve_exit("stop-loss", 0.01, 0.21);
  HallOfFameEntry a = bollinger(21, 1, 1), b = bollinger(21, 1, 0.9);
  a.genome.exit_genes = b.genome.exit_genes = space.exit_gene_bits();
  a.genome.exits[static_cast<std::size_t>(ExitGene::stop_loss)] = 0.02;
  b.genome.exits[static_cast<std::size_t>(ExitGene::stop_loss)] = 0.12;
  CHECK(parameter_distance(a.genome, b.genome, space) == Approx(0.5));
  CHECK(select_diverse(std::vector<HallOfFameEntry>{a, b}, 10, kDefaultTopDistance, space).size() == 2);
}

TEST_CASE("the candidate pool is 20 x top when a distance applies, top otherwise", "[results]") {
  CHECK(candidate_pool(10, 0.05) == 200);
  CHECK(candidate_pool(10, 0) == 10);
  CHECK(candidate_pool(1000, 0.05) == 10'000);
  CHECK(candidate_pool(1, 0.05) == 20);
  CHECK(selection_rule(0.05).find("0.05") != std::string::npos);
  CHECK(selection_rule(0).find("no minimum distance") != std::string::npos);
}
