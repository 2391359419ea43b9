#pragma once
// The generation loop on rank 0: evaluate, score, record, breed — over any Evaluator.
#include <cstdint>
#include <span>
#include <vector>

#include "genepool/evolution/evaluator.hpp"
#include "genepool/evolution/islands.hpp"
#include "genepool/evolution/polish.hpp"
#include "genepool/evolution/robustness.hpp"
#include "genepool/ga/fitness.hpp"
#include "genepool/ga/ga.hpp"
#include "genepool/ga/nsga2.hpp"

namespace genepool {

struct EvolutionSettings {
  GaSettings ga;
  FitnessSettings fitness;
  std::uint64_t seed = 1;
  std::size_t hall_of_fame = 10;  // distinct best genomes kept over the whole run
  // Rank 0 keeps every genome evaluated in the run (by its exact bytes) with its evaluation, and
  // sends only genomes it has not seen to the evaluator. Evaluation is a pure function of the
  // genome, so the results are identical with and without; only the work differs.
  bool evaluation_cache = true;
  std::size_t cache_capacity = 1 << 16;  // entries (~250 bytes each); emptied before a generation would pass it
  // mode = nsga2: NSGA-II over these objectives instead of the single fitness (nsga2.hpp). Each generation
  // is then the population survivors of parents + children; fitness is still computed and reported.
  MultiObjectiveSettings multi;
  // mode = ga only (NSGA-II refuses islands and robustness, and does not polish):
  IslandSettings islands;          // subpopulations, migration, restarts (islands.hpp)
  PolishSettings polish;           // local search around the elite (polish.hpp)
  RobustnessSettings robustness;   // fitness over the parameter neighbourhood (robustness.hpp)
};

// Throws ConfigError naming the key for any setting outside its range, and for islands or robustness
// with mode = nsga2.
void check(const EvolutionSettings& settings);

struct GenerationStats {
  std::size_t generation = 0;  // 0 is the initial population
  double best = 0;             // over all individuals
  double mean = 0;             // mean, median and std over the feasible, successful individuals (0 when none)
  double median = 0;
  double std = 0;
  std::size_t failed = 0;      // status != ok
  std::size_t infeasible = 0;  // ok but breaking a constraint
  std::size_t best_index = 0;  // index of the best individual in the population
  double evaluate_seconds = 0;
  double communicate_seconds = 0;
  double operator_seconds = 0;  // selection, crossover, mutation that produced this generation
  double imbalance = 1;
  // Individuals scored in the generation = evaluated + cache_hits: the population, its robustness
  // neighbours, and the genomes the polish scored (with theirs).
  std::size_t evaluated = 0;   // genomes sent to the evaluator: distinct, not in the cache
  std::size_t cache_hits = 0;  // genomes whose evaluation came from the cache (or a twin in the same batch)
  std::size_t polish_scored = 0;     // genomes the polish scored (without their robustness neighbours)
  std::size_t polish_evaluated = 0;  // backtests the polish ran (in `evaluated`), neighbours included
  std::size_t polish_improved = 0;   // polished genomes that beat their start and joined the population
  std::size_t migrants = 0;          // individuals that moved between islands before this generation was recorded
  std::size_t restarts = 0;          // islands restarted when this generation was bred
};

// One evaluated generation, as observers see it.
struct GenerationView {
  const GenerationStats& stats;
  std::span<const Genome> population;
  std::span<const Evaluation> evaluations;
  std::span<const double> fitness;
  std::span<const std::int32_t> front = {};  // NSGA-II only: Pareto front of each individual (0 = non-dominated)
  std::span<const double> crowding = {};     // NSGA-II only: crowding distance within its front
  std::span<const double> raw_fitness = {};  // robustness != none: each individual's own objective fitness
  std::span<const std::size_t> island_starts = {};  // island k holds rows [starts[k], starts[k + 1])
  std::span<const double> island_best = {};  // per island: summarise()'s best and mean over its rows
  std::span<const double> island_mean = {};
  // The genomes the polish scored in this generation, in order (empty when it did not run).
  std::span<const Genome> polished = {};
  std::span<const Evaluation> polished_evaluations = {};
  std::span<const double> polished_fitness = {};
  std::span<const double> polished_raw_fitness = {};
};

struct HallOfFameEntry {
  Genome genome;
  Evaluation evaluation;
  double fitness;
  std::size_t generation;  // first generation it appeared in
  double raw_fitness = 0;  // the objective's own fitness (= fitness unless robustness is on)
};

class EvolutionObserver {
 public:
  virtual ~EvolutionObserver() = default;
  virtual void on_generation(const GenerationView& generation) = 0;
};

struct EvolutionResult {
  std::vector<GenerationStats> history;
  std::vector<Genome> population;          // the last generation
  std::vector<Evaluation> evaluations;
  std::vector<double> fitness;
  std::vector<HallOfFameEntry> hall_of_fame;  // distinct genomes, best first
  std::size_t evaluations_total = 0;   // individuals scored over the run (GenerationStats: population, neighbours, polish)
  std::size_t evaluated_total = 0;     // backtests actually run (evaluations_total - cache_hits_total)
  std::size_t cache_hits_total = 0;
  std::size_t failed_total = 0;
  std::size_t polish_scored_total = 0;
  std::size_t polish_evaluated_total = 0;
  std::vector<double> raw_fitness;  // of the last generation (= fitness unless robustness is on)
  // NSGA-II only: front and crowding of the last generation, the indices of its front 0 (increasing)
  // and the knee_point() among them. In this mode hall_of_fame is that front, knee first, then by fitness.
  std::vector<std::int32_t> front;
  std::vector<double> crowding;
  std::vector<std::size_t> pareto;
  std::size_t knee = 0;
};

// "" when some evaluation of the run succeeded; else one line saying that every one failed, with the
// statuses of the last generation ("every one of the 80 evaluations failed (last generation:
// invalid_genome 40)").
std::string all_failed_message(const EvolutionResult& result);

// The statistics of one evaluated generation (without timings and cache counts).
GenerationStats summarise_generation(std::size_t generation, std::span<const Evaluation> evaluations,
                                     std::span<const double> fitness, const FitnessSettings& settings);
// Adds a generation to a hall of fame of at most `capacity` distinct strategies, best first.
void add_to_hall_of_fame(std::vector<HallOfFameEntry>& hall, std::size_t capacity, std::size_t generation,
                         std::span<const Genome> population, std::span<const Evaluation> evaluations,
                         std::span<const double> fitness, std::span<const double> raw_fitness = {});

// Runs settings.ga.generations generations after the initial one. Deterministic in settings.seed
// whatever the evaluator: all randomness is drawn here, on the calling process.
EvolutionResult evolve(const EvolutionSettings& settings, Evaluator& evaluator,
                       std::span<EvolutionObserver* const> observers = {});

}  // namespace genepool
