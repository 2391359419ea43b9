#pragma once
// Multi-objective evolution (NSGA-II, Deb et al. 2002) on rank 0: objectives from the metrics,
// constrained domination, fast non-dominated sorting, crowding distance, crowded tournaments,
// (mu + lambda) survival, and the knee point that picks one strategy from a front.
// Pure functions of their inputs and the Rng, like the operators in ga.hpp.
#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "genepool/ga/fitness.hpp"
#include "genepool/ga/ga.hpp"
#include "genepool/strategies/genome.hpp"
#include "genepool/ga/rng.hpp"

namespace genepool {

// One objective: a metric (index into metric_fields()) and its direction.
struct ObjectiveSpec {
  std::size_t metric = 0;
  bool maximise = true;
  friend bool operator==(const ObjectiveSpec&, const ObjectiveSpec&) = default;
};

struct MultiObjectiveSettings {
  bool enabled = false;  // mode = nsga2
  std::vector<ObjectiveSpec> objectives;
};

inline constexpr std::size_t kMaxObjectives = 8;

// "sharpe:max" or "max_drawdown:min". Throws ConfigError naming `key`, the text and what was expected.
ObjectiveSpec parse_objective_spec(std::string_view text, std::string_view key);
std::string to_string(const ObjectiveSpec& objective);  // "sharpe:max"
// Enabled settings need 2 .. kMaxObjectives distinct metrics; throws ConfigError naming `objectives`.
void check(const MultiObjectiveSettings& settings);

// The objective values of a population in minimisation form (maximised metrics negated), row-major
// [n][m], with each individual's constraint violation: 0 when feasible, the size of the violation
// as in fitness() when infeasible, +inf when failed or when an objective is not finite.
struct ObjectiveTable {
  std::size_t count = 0;       // n
  std::size_t objectives = 0;  // m
  std::vector<double> values;  // [n][m], to minimise
  std::vector<double> violation;
  double at(std::size_t i, std::size_t k) const { return values[i * objectives + k]; }
};
ObjectiveTable objective_table(std::span<const Evaluation> evaluations, const MultiObjectiveSettings& settings,
                               const FitnessSettings& fitness);

// Constrained domination (Deb): a feasible individual dominates an infeasible one; of two infeasible
// ones the smaller violation dominates; of two feasible ones, a dominates b when it is no worse in
// every objective and better in one.
bool dominates(const ObjectiveTable& table, std::size_t a, std::size_t b);

// Front of each individual: 0 for the non-dominated, 1 for those dominated only by front 0, ...
std::vector<std::int32_t> non_dominated_sort(const ObjectiveTable& table);

// Crowding distance of each individual within its front: per objective, the front sorted by value
// (ties by index), the ends get +inf and the others the gap between their neighbours over the
// front's range; summed over objectives. A front of one or two individuals is all +inf.
std::vector<double> crowding_distance(const ObjectiveTable& table, std::span<const std::int32_t> front);

struct ParetoRanking {
  std::vector<std::int32_t> front;
  std::vector<double> crowding;
};
ParetoRanking pareto_ranking(const ObjectiveTable& table);

// The crowded-comparison order: lower front first, then larger crowding, then lower index.
bool crowded_better(const ParetoRanking& ranking, std::size_t a, std::size_t b);

// Winner of a tournament of `size` individuals drawn with replacement, by crowded comparison.
std::size_t crowded_tournament(const ParetoRanking& ranking, std::size_t size, Rng& rng);

// Indices of the `count` survivors of a combined population: whole fronts in order, the last one
// cut by decreasing crowding distance (ties by index). Returned in increasing index order.
std::vector<std::size_t> environmental_selection(const ObjectiveTable& table, std::size_t count);

// The knee of a front (indices into `table`): objectives normalised to [0, 1] over the front, the
// hyperplane through the m extreme points (each objective's best member), and the member farthest
// from it on the ideal side. When the extremes do not span a hyperplane (repeated extremes, a
// degenerate front) the plane sum(x) = 1 is used. Ties go to the earlier member. Needs a non-empty front.
std::size_t knee_point(const ObjectiveTable& table, std::span<const std::size_t> members);

// The children of one NSGA-II generation: settings.population genomes from crowded tournaments,
// crossover (with crossover_rate) and mutation, drawn in the same order as next_generation.
std::vector<Genome> nsga2_offspring(std::span<const Genome> parents, const ParetoRanking& ranking,
                                    const GaSettings& settings, Rng& rng);

}  // namespace genepool
