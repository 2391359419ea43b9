#include "genepool/evolution/deal.hpp"

#include <algorithm>

namespace genepool {

Deal deal_by_cost(std::span<const double> costs, int ranks) {
  const auto n = static_cast<std::size_t>(ranks);
  Deal deal;
  deal.counts.assign(n, 0);
  deal.loads.assign(n, 0.0);
  std::vector<std::size_t> by_cost(costs.size());
  for (std::size_t i = 0; i < by_cost.size(); ++i) by_cost[i] = i;
  std::stable_sort(by_cost.begin(), by_cost.end(), [&](std::size_t a, std::size_t b) { return costs[a] > costs[b]; });
  // The least loaded rank on top (ties: the lowest rank).
  const auto lighter = [&](std::size_t a, std::size_t b) {
    return deal.loads[a] > deal.loads[b] || (deal.loads[a] == deal.loads[b] && a > b);
  };
  std::vector<std::size_t> heap(n);
  for (std::size_t r = 0; r < n; ++r) heap[r] = r;
  std::make_heap(heap.begin(), heap.end(), lighter);
  std::vector<std::size_t> owner(costs.size());
  for (const std::size_t item : by_cost) {
    std::pop_heap(heap.begin(), heap.end(), lighter);
    const std::size_t rank = heap.back();
    owner[item] = rank;
    deal.loads[rank] += costs[item];
    ++deal.counts[rank];
    std::push_heap(heap.begin(), heap.end(), lighter);
  }
  // Rank by rank, each rank's items in increasing index.
  std::vector<std::size_t> next(n, 0);
  for (std::size_t r = 1; r < n; ++r) next[r] = next[r - 1] + static_cast<std::size_t>(deal.counts[r - 1]);
  deal.order.resize(costs.size());
  for (std::size_t i = 0; i < costs.size(); ++i) deal.order[next[owner[i]]++] = i;
  return deal;
}

}  // namespace genepool
