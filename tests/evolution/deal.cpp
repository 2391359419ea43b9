// The cost-balanced deal of a batch over the ranks.
#include <catch2/catch.hpp>

#include <algorithm>
#include <vector>

#include "genepool/evolution/deal.hpp"
#include "genepool/evolution/evaluator.hpp"
#include "genepool/ga/ga.hpp"
#include "genepool/strategies/strategy.hpp"

using namespace genepool;

TEST_CASE("a deal gives the costliest item first to the least loaded rank", "[deal]") {
  // By cost: item 1 (5) to rank 0; 2 and 3 (2 each) to rank 1; 0 (1) to rank 1 (load 4 < 5);
  // 4 (1) to rank 0 (loads tie at 5: the lower rank).
  const std::vector<double> costs{1, 5, 2, 2, 1};
  const Deal deal = deal_by_cost(costs, 2);
  CHECK(deal.order == std::vector<std::size_t>{1, 4, 0, 2, 3});
  CHECK(deal.counts == std::vector<int>{2, 3});
  CHECK(deal.loads == std::vector<double>{6, 5});
  // More ranks than items: the rest get nothing.
  const Deal sparse = deal_by_cost(std::vector<double>{1, 3}, 4);
  CHECK(sparse.order == std::vector<std::size_t>{1, 0});
  CHECK(sparse.counts == std::vector<int>{1, 1, 0, 0});
}

TEST_CASE("a batch dealt by cost covers every item once and balances the ranks", "[deal]") {
  Rng rng(5);
  const auto last_type = static_cast<std::int64_t>(strategy_registry().size()) - 1;
  for (std::size_t count : {0u, 1u, 3u, 7u, 100u, 1000u}) {
    std::vector<double> costs(count);
    std::vector<Genome> genomes;
    for (std::size_t i = 0; i < count; ++i) {
      genomes.push_back(random_genome(static_cast<std::uint32_t>(rng.uniform_int(0, last_type)), rng));
      costs[i] = estimated_cost(genomes.back());
    }
    for (int ranks : {1, 2, 3, 8, 16}) {
      const Deal deal = deal_by_cost(costs, ranks);
      REQUIRE(deal.counts.size() == static_cast<std::size_t>(ranks));
      REQUIRE(deal.order.size() == count);
      std::vector<std::size_t> sorted = deal.order;
      std::sort(sorted.begin(), sorted.end());
      for (std::size_t i = 0; i < count; ++i) CHECK(sorted[i] == i);  // a permutation: each item once
      std::size_t next = 0;
      double most = 0, least = 1e300, largest = 0;
      for (int r = 0; r < ranks; ++r) {
        const auto n = static_cast<std::size_t>(deal.counts[static_cast<std::size_t>(r)]);
        double load = 0;
        for (std::size_t i = next; i < next + n; ++i) {
          load += costs[deal.order[i]];
          if (i > next) CHECK(deal.order[i] > deal.order[i - 1]);  // a rank's items in population order
        }
        CHECK(load == Approx(deal.loads[static_cast<std::size_t>(r)]));
        most = std::max(most, load);
        least = std::min(least, load);
        next += n;
      }
      CHECK(next == count);
      for (double c : costs) largest = std::max(largest, c);
      if (count > 0) CHECK(most - least <= largest + 1e-9);
      // the same costs deal the same way
      const Deal again = deal_by_cost(costs, ranks);
      CHECK(again.order == deal.order);
      CHECK(again.counts == deal.counts);
    }
  }
}
