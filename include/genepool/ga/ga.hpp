#pragma once
// The genetic operators run by rank 0: initial population, tournament selection, crossover,
// mutation, type switching, elitism. Pure functions of their inputs and the Rng.
#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "genepool/strategies/genome.hpp"
#include "genepool/ga/rng.hpp"
#include "genepool/ga/search_space.hpp"

namespace genepool {

enum class CrossoverKind { uniform, blend, sbx };
enum class MutationKind { gaussian, reset };

struct GaSettings {
  std::size_t population = 200;
  std::size_t generations = 20;        // generations after the initial one
  std::vector<std::uint32_t> strategies;  // the types in play (registry indices); all when empty
  // The parameters' bounds: every draw, crossover, mutation and repair stays inside them (the
  // registry's unless the config narrows them).
  SearchSpace space;
  std::size_t tournament_size = 3;
  std::size_t elitism = 2;             // best individuals copied unchanged into the next generation
  double crossover_rate = 0.9;         // probability that a child comes from crossover
  CrossoverKind crossover = CrossoverKind::sbx;
  double blend_alpha = 0.5;            // BLX-alpha
  double sbx_eta = 15.0;               // SBX distribution index
  MutationKind mutation = MutationKind::gaussian;
  double mutation_rate = 0.2;          // per-parameter probability
  double mutation_scale = 0.1;         // gaussian sigma as a share of the parameter's range
  double type_switch_rate = 0.02;      // probability that a child switches to another type (fresh parameters)
  // Diversity of mixed populations: with T > 1 types in play, next_generation gives each type at least
  // floor(type_quota * population / T) individuals (docs/genetic-algorithm.md); the evolution loop
  // applies it to generations 1 .. type_quota_generations only.
  double type_quota = 0.5;
  std::size_t type_quota_generations = 5;
};

// Throws ConfigError naming the setting (as a config key), its value and its valid range.
void check(const GaSettings& settings);

std::string_view to_string(CrossoverKind kind);
std::string_view to_string(MutationKind kind);
// Throw ConfigError naming `key`, the text and the allowed values.
CrossoverKind parse_crossover(std::string_view text, std::string_view key);
MutationKind parse_mutation(std::string_view text, std::string_view key);

// A random genome of `strategy` (uniform over each parameter's range in `space`; integers uniform over
// their values; unused slots 0), repaired, then its exit genes drawn likewise over their ranges.
// Throws ConfigError for an index outside the registry.
Genome random_genome(std::uint32_t strategy, Rng& rng, const SearchSpace& space = {});

// Repairs a genome in place within `space`: its parameters (bounds, integers, less_than constraints)
// and its exit genes (clamped into their ranges, whole numbers rounded), as every operator does.
void repair_genome(Genome& genome, const SearchSpace& space);

// The first generation: types assigned round-robin over settings.strategies so every type is equally present.
std::vector<Genome> initial_population(const GaSettings& settings, Rng& rng);

// Index of the winner of a tournament of `size` individuals drawn with replacement; higher fitness wins,
// ties go to the lower index, NaN ranks below everything. Needs a non-empty `fitness` and size >= 1.
std::size_t tournament_select(std::span<const double> fitness, std::size_t size, Rng& rng);

// The quota of each type in play: floor(type_quota * population / T) when T > 1 types are in play, else 0.
std::size_t type_quota_size(const GaSettings& settings);

// One child. Same type: the configured crossover per parameter. Different types: a copy of one
// parent chosen at random (types compete rather than mix). Either way each exit gene is crossed
// (exits mean the same for every type). The child is repaired within settings.space.
Genome crossover(const Genome& a, const Genome& b, const GaSettings& settings, Rng& rng);

// Mutates each parameter and exit gene with settings.mutation_rate, then switches type with
// settings.type_switch_rate (fresh parameters, the same exit genes). The result is repaired: in
// settings.space's bounds, integers integral, constraints (e.g. fast < slow) restored.
void mutate(Genome& genome, const GaSettings& settings, Rng& rng);

// The next generation from the evaluated one, exactly settings.population genomes: elites first (best
// fitness, ties by index, exact duplicates skipped), then each type's quota of children (parents from
// tournaments among that type, no type switch), then children from tournament-selected parents,
// crossover (with crossover_rate) and mutation. `fitness` must match `population` in size.
std::vector<Genome> next_generation(std::span<const Genome> population, std::span<const double> fitness,
                                    const GaSettings& settings, Rng& rng);

}  // namespace genepool
