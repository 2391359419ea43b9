#pragma once
// Islands on rank 0: the population split into subpopulations that evolve side by side and exchange
// their best individuals over a topology every few generations (pagmo2's archipelago is the model);
// and restarts of an island that has stopped improving. docs/genetic-algorithm.md, "Islands".
#include <cstddef>
#include <span>
#include <string_view>
#include <vector>

#include "genepool/ga/fitness.hpp"
#include "genepool/ga/ga.hpp"
#include "genepool/strategies/genome.hpp"

namespace genepool {

enum class MigrationTopology { ring, fully_connected };

struct IslandSettings {
  std::size_t count = 1;               // islands = K; the population is split between them
  std::size_t migration_interval = 5;  // generations between migrations (0: never)
  MigrationTopology topology = MigrationTopology::ring;
  std::size_t migrants = 2;            // best-k of the sources replace the worst-k of each island
  // An island whose best fitness has not improved for this many generations keeps its elites and
  // draws the rest of its next generation afresh (0: never).
  std::size_t restart_stagnation = 0;
};

// The command line's default number of islands for a population: 4, fewer when islands would hold
// under 25 individuals (population / 25), at least 1 (docs/search-quality.md measured it).
std::size_t default_islands(std::size_t population);

// Throws ConfigError naming the key: islands in [1, population / 2] (every island at least two
// individuals, and more than `elitism` and at least `tournament-size`), migrants below the smallest
// island, intervals in [0, 1,000,000].
void check(const IslandSettings& settings, const GaSettings& ga);
std::string_view to_string(MigrationTopology topology);
// Throws ConfigError naming `key`, the text and the allowed values (ring, fully-connected).
MigrationTopology parse_topology(std::string_view text, std::string_view key);

// The islands' rows in the population: island k holds rows [starts[k], starts[k + 1]); the
// population / K individuals each, the first population % K islands one more. K + 1 entries.
std::vector<std::size_t> island_starts(std::size_t population, std::size_t islands);

// The islands that send migrants to island `island`: ring, the previous one (K - 1 for island 0);
// fully connected, every other island in increasing order. None with one island.
std::vector<std::size_t> migration_sources(MigrationTopology topology, std::size_t island, std::size_t islands);

// One individual's state across a migration.
struct Resident {
  Genome genome;
  Evaluation evaluation;
  double raw_fitness;
  double fitness;
};

// Migration, synchronous: each island's emigrants are its best `migrants` distinct genomes before any
// island changes (by fitness, ties by row). Each island then takes the best `migrants` of its
// sources' emigrants (by fitness, ties in source order) that it does not already hold, and each
// replaces its worst individual still unreplaced (lowest fitness, ties: the later row) when it is
// fitter. Returns how many individuals moved.
std::size_t migrate(const IslandSettings& settings, std::span<const std::size_t> starts, std::span<Resident> residents);

// The rows of an island's `count` best distinct genomes, best first (ties by row; NaN ranks last).
std::vector<std::size_t> best_distinct(std::span<const Genome> genomes, std::span<const double> fitness,
                                       std::size_t count);

// A restarted island's next generation: its best max(1, elitism) distinct genomes, then fresh random
// genomes, types round-robin over the types in play, `size` in all.
std::vector<Genome> restarted_island(std::span<const Genome> island, std::span<const double> fitness,
                                     const GaSettings& ga, std::size_t size, Rng& rng);

}  // namespace genepool
