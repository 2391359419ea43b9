#pragma once
// The generation loop on rank 0: evaluate, score, record, breed — over any Evaluator.
#include <cstdint>
#include <span>
#include <vector>

#include "genepool/evaluator.hpp"
#include "genepool/fitness.hpp"
#include "genepool/ga.hpp"

namespace genepool {

struct EvolutionSettings {
  GaSettings ga;
  FitnessSettings fitness;
  std::uint64_t seed = 1;
  std::size_t hall_of_fame = 10;  // distinct best genomes kept over the whole run
};

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
};

// One evaluated generation, as observers see it.
struct GenerationView {
  const GenerationStats& stats;
  std::span<const Genome> population;
  std::span<const Evaluation> evaluations;
  std::span<const double> fitness;
};

struct HallOfFameEntry {
  Genome genome;
  Evaluation evaluation;
  double fitness;
  std::size_t generation;  // first generation it appeared in
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
  std::size_t evaluations_total = 0;
  std::size_t failed_total = 0;
};

// Runs settings.ga.generations generations after the initial one. Deterministic in settings.seed
// whatever the evaluator: all randomness is drawn here, on the calling process.
EvolutionResult evolve(const EvolutionSettings& settings, Evaluator& evaluator,
                       std::span<EvolutionObserver* const> observers = {});

}  // namespace genepool
