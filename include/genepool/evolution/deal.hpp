#pragma once
// The cost-balanced deal of a batch over the ranks (pure: the parallel module sends what it says).
#include <cstddef>
#include <span>
#include <vector>

namespace genepool {

// A batch dealt out by estimated cost (estimated_cost, evaluator.hpp), for the messages of one
// generation: the items in decreasing cost (ties by index) each go to the rank with the least cost
// so far (ties: the lowest rank), so every rank gets a like mix of strategy types. `order` lists the
// items rank by rank (each rank's in increasing index), `counts[r]` is how many rank r takes,
// `loads[r]` their total cost. The most loaded rank exceeds the least loaded by at most one item's cost.
struct Deal {
  std::vector<std::size_t> order;
  std::vector<int> counts;
  std::vector<double> loads;
};
Deal deal_by_cost(std::span<const double> costs, int ranks);

}  // namespace genepool
