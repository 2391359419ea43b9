#include "genepool/evolution/islands.hpp"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <limits>
#include <numeric>

#include "genepool/error.hpp"
#include "genepool/strategies/strategy.hpp"

namespace genepool {
namespace {

double rank_key(double fitness) { return std::isnan(fitness) ? -std::numeric_limits<double>::infinity() : fitness; }

bool same_bytes(const Genome& a, const Genome& b) { return std::memcmp(&a, &b, sizeof(Genome)) == 0; }

void check_interval(std::string_view key, std::size_t value) {
  if (value > 1'000'000)
    throw ConfigError(std::string(key) + " = " + std::to_string(value) + " is outside [0, 1000000]");
}

}  // namespace

std::size_t default_islands(std::size_t population) {
  constexpr std::size_t kIslands = 4, kSmallestIsland = 25;
  return std::clamp<std::size_t>(population / kSmallestIsland, 1, kIslands);
}

void check(const IslandSettings& settings, const GaSettings& ga) {
  const std::size_t most = std::max<std::size_t>(1, ga.population / 2);
  if (settings.count < 1 || settings.count > most)
    throw ConfigError("islands = " + std::to_string(settings.count) + " is outside [1, " + std::to_string(most) +
                      "] (population " + std::to_string(ga.population) + ": every island needs two individuals)");
  const std::size_t smallest = ga.population / settings.count;
  if (settings.count > 1 && (ga.elitism >= smallest || ga.tournament_size > smallest))
    throw ConfigError("islands = " + std::to_string(settings.count) + " leaves islands of " + std::to_string(smallest) +
                      " individuals, not more than elitism = " + std::to_string(ga.elitism) +
                      " and at least tournament-size = " + std::to_string(ga.tournament_size) +
                      "; use fewer islands or a larger population");
  if (settings.count > 1 && (settings.migrants < 1 || settings.migrants >= smallest))
    throw ConfigError("migrants = " + std::to_string(settings.migrants) + " is outside [1, " +
                      std::to_string(smallest - 1) + "] (the smallest island holds " + std::to_string(smallest) + ")");
  if (settings.topology != MigrationTopology::ring && settings.topology != MigrationTopology::fully_connected)
    throw ConfigError("migration-topology = " + std::to_string(static_cast<int>(settings.topology)) +
                      " is not one of ring, fully-connected");
  check_interval("migration-interval", settings.migration_interval);
  check_interval("restart-stagnation", settings.restart_stagnation);
}

std::string_view to_string(MigrationTopology topology) {
  switch (topology) {
    case MigrationTopology::ring: return "ring";
    case MigrationTopology::fully_connected: return "fully-connected";
  }
  return "unknown";
}

MigrationTopology parse_topology(std::string_view text, std::string_view key) {
  for (auto topology : {MigrationTopology::ring, MigrationTopology::fully_connected})
    if (text == to_string(topology)) return topology;
  throw ConfigError(std::string(key) + " = '" + std::string(text) + "' is not one of ring, fully-connected");
}

std::vector<std::size_t> island_starts(std::size_t population, std::size_t islands) {
  std::vector<std::size_t> starts{0};
  for (std::size_t k = 0; k < islands; ++k)
    starts.push_back(starts.back() + population / islands + (k < population % islands ? 1 : 0));
  return starts;
}

std::vector<std::size_t> migration_sources(MigrationTopology topology, std::size_t island, std::size_t islands) {
  if (islands < 2) return {};
  if (topology == MigrationTopology::ring) return {(island + islands - 1) % islands};
  std::vector<std::size_t> sources;
  for (std::size_t k = 0; k < islands; ++k)
    if (k != island) sources.push_back(k);
  return sources;
}

std::vector<std::size_t> best_distinct(std::span<const Genome> genomes, std::span<const double> fitness,
                                       std::size_t count) {
  std::vector<std::size_t> order(genomes.size());
  std::iota(order.begin(), order.end(), std::size_t{0});
  std::stable_sort(order.begin(), order.end(),
                   [&](std::size_t a, std::size_t b) { return rank_key(fitness[a]) > rank_key(fitness[b]); });
  std::vector<std::size_t> best;
  for (const std::size_t i : order) {
    if (best.size() == count) break;
    if (std::none_of(best.begin(), best.end(), [&](std::size_t j) { return same_bytes(genomes[i], genomes[j]); }))
      best.push_back(i);
  }
  return best;
}

std::size_t migrate(const IslandSettings& settings, std::span<const std::size_t> starts, std::span<Resident> residents) {
  const std::size_t islands = starts.size() - 1;
  if (islands < 2) return 0;
  // The emigrants of every island, taken before any island changes.
  std::vector<std::vector<Resident>> emigrants(islands);
  for (std::size_t k = 0; k < islands; ++k) {
    const std::span<const Resident> island = residents.subspan(starts[k], starts[k + 1] - starts[k]);
    std::vector<Genome> genomes;
    std::vector<double> fitness;
    for (const Resident& r : island) {
      genomes.push_back(r.genome);
      fitness.push_back(r.fitness);
    }
    for (const std::size_t i : best_distinct(genomes, fitness, settings.migrants)) emigrants[k].push_back(island[i]);
  }
  std::size_t moved = 0;
  for (std::size_t k = 0; k < islands; ++k) {
    const std::span<Resident> island = residents.subspan(starts[k], starts[k + 1] - starts[k]);
    std::vector<Resident> arrivals;
    for (const std::size_t source : migration_sources(settings.topology, k, islands))
      arrivals.insert(arrivals.end(), emigrants[source].begin(), emigrants[source].end());
    std::stable_sort(arrivals.begin(), arrivals.end(),
                     [](const Resident& a, const Resident& b) { return rank_key(a.fitness) > rank_key(b.fitness); });
    // The island's rows, worst first (ties: the later row first).
    std::vector<std::size_t> worst(island.size());
    std::iota(worst.begin(), worst.end(), std::size_t{0});
    std::stable_sort(worst.begin(), worst.end(), [&](std::size_t a, std::size_t b) {
      const double fa = rank_key(island[a].fitness), fb = rank_key(island[b].fitness);
      return fa < fb || (fa == fb && a > b);
    });
    std::size_t taken = 0;
    for (const Resident& arrival : arrivals) {
      if (taken == settings.migrants) break;
      const bool held = std::any_of(island.begin(), island.end(),
                                    [&](const Resident& r) { return same_bytes(r.genome, arrival.genome); });
      if (held) continue;
      Resident& replaced = island[worst[taken]];
      if (!(rank_key(arrival.fitness) > rank_key(replaced.fitness))) break;  // arrivals are sorted: none fitter follows
      replaced = arrival;
      ++taken;
    }
    moved += taken;
  }
  return moved;
}

std::vector<Genome> restarted_island(std::span<const Genome> island, std::span<const double> fitness,
                                     const GaSettings& ga, std::size_t size, Rng& rng) {
  std::vector<Genome> next;
  for (const std::size_t i : best_distinct(island, fitness, std::max<std::size_t>(1, ga.elitism)))
    next.push_back(island[i]);
  std::vector<std::uint32_t> types = ga.strategies;
  if (types.empty())
    for (std::uint32_t t = 0; t < strategy_registry().size(); ++t) types.push_back(t);
  for (std::size_t i = 0; next.size() < size; ++i) next.push_back(random_genome(types[i % types.size()], rng, ga.space));
  return next;
}

}  // namespace genepool
