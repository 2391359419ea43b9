#include "genepool/evolution/evolution.hpp"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstring>
#include <limits>
#include <map>
#include <set>
#include <string_view>
#include <unordered_map>

#include "genepool/error.hpp"

namespace genepool {
namespace {

using Clock = std::chrono::steady_clock;

double seconds_since(Clock::time_point start) {
  return std::chrono::duration<double>(Clock::now() - start).count();
}

GenerationStats summarise(std::size_t generation, std::span<const Evaluation> evaluations,
                          std::span<const double> fitness, const FitnessSettings& settings) {
  GenerationStats stats;
  stats.generation = generation;
  std::vector<double> usable;
  usable.reserve(fitness.size());
  for (std::size_t i = 0; i < fitness.size(); ++i) {
    if (fitness[i] > fitness[stats.best_index]) stats.best_index = i;
    if (evaluations[i].status != EvalStatus::ok) {
      ++stats.failed;
    } else if (!feasible(evaluations[i].metrics, settings)) {
      ++stats.infeasible;
    } else if (fitness[i] > kInfeasibleFitness) {  // NOTE: a robust fitness can leave the band by its neighbours
      usable.push_back(fitness[i]);
    }
  }
  stats.best = fitness.empty() ? 0 : fitness[stats.best_index];
  if (!usable.empty()) {
    double sum = 0;
    for (double f : usable) sum += f;
    stats.mean = sum / static_cast<double>(usable.size());
    double squares = 0;
    for (double f : usable) squares += (f - stats.mean) * (f - stats.mean);
    stats.std = usable.size() > 1 ? std::sqrt(squares / static_cast<double>(usable.size() - 1)) : 0.0;
    const auto middle = usable.begin() + static_cast<std::ptrdiff_t>(usable.size() / 2);
    std::nth_element(usable.begin(), middle, usable.end());
    stats.median = *middle;
    if (usable.size() % 2 == 0) {
      stats.median = 0.5 * (stats.median + *std::max_element(usable.begin(), middle));
    }
  }
  return stats;
}

// Copies into a generation's statistics what its evaluation and breeding did: times, counts, the
// polish's and the islands' work (zero where the mode has none).
void take_work(const GenerationStats& work, double operator_seconds, GenerationStats& stats) {
  stats.evaluate_seconds = work.evaluate_seconds;
  stats.communicate_seconds = work.communicate_seconds;
  stats.imbalance = work.imbalance;
  stats.evaluated = work.evaluated;
  stats.cache_hits = work.cache_hits;
  stats.polish_scored = work.polish_scored;
  stats.polish_evaluated = work.polish_evaluated;
  stats.polish_improved = work.polish_improved;
  stats.migrants = work.migrants;
  stats.restarts = work.restarts;
  stats.operator_seconds = operator_seconds;
}


// Keeps the `capacity` best distinct strategies seen so far, best first (ties: earlier first).
// Distinct means distinct behaviour: a genome whose metrics equal, bit for bit, those of one
// already kept (e.g. a real parameter nudged without changing any position) is the same strategy.
void update_hall_of_fame(std::vector<HallOfFameEntry>& hall, std::size_t capacity, std::size_t generation,
                         std::span<const Genome> population, std::span<const Evaluation> evaluations,
                         std::span<const double> fitness, std::span<const double> raw_fitness = {}) {
  for (std::size_t i = 0; i < population.size(); ++i) {
    if (evaluations[i].status != EvalStatus::ok) continue;
    const bool known = std::any_of(hall.begin(), hall.end(), [&](const HallOfFameEntry& entry) {
      return entry.genome == population[i] ||
             std::memcmp(&entry.evaluation.metrics, &evaluations[i].metrics, sizeof(Metrics)) == 0;
    });
    if (known) continue;
    if (hall.size() == capacity && !(fitness[i] > hall.back().fitness)) continue;
    const HallOfFameEntry entry{population[i], evaluations[i], fitness[i], generation,
                                raw_fitness.empty() ? fitness[i] : raw_fitness[i]};
    const auto position = std::upper_bound(hall.begin(), hall.end(), entry.fitness,
                                           [](double f, const HallOfFameEntry& e) { return f > e.fitness; });
    hall.insert(position, entry);
    if (hall.size() > capacity) hall.pop_back();
  }
}

// Ranking key: NaN below everything.
double rank_key(double fitness) {
  return std::isnan(fitness) ? -std::numeric_limits<double>::infinity() : fitness;
}

struct BytesLess {
  bool operator()(const Genome& a, const Genome& b) const { return std::memcmp(&a, &b, sizeof(Genome)) < 0; }
};

// Genomes keyed by their exact bytes (integer parameters hold integral values, unused slots 0).
struct GenomeBytesHash {
  std::size_t operator()(const Genome& genome) const {
    return std::hash<std::string_view>{}(std::string_view(reinterpret_cast<const char*>(&genome), sizeof(Genome)));
  }
};
struct GenomeBytesEqual {
  bool operator()(const Genome& a, const Genome& b) const { return std::memcmp(&a, &b, sizeof(Genome)) == 0; }
};

// Evaluates a generation through `evaluator`, sending only genomes not evaluated before in the run
// (and each at most once per generation); the rest are copied from the cache.
class CachedEvaluation {
 public:
  CachedEvaluation(Evaluator& evaluator, const EvolutionSettings& settings)
      : evaluator_(evaluator), enabled_(settings.evaluation_cache), capacity_(settings.cache_capacity) {}

  // Adds the batch's counts and timings to `stats` (a generation may send several batches).
  void evaluate(std::span<const Genome> population, std::span<Evaluation> evaluations, GenerationStats& stats) {
    if (!enabled_) {
      evaluator_.evaluate(population, evaluations);
      record_timing(stats);
      stats.evaluated += population.size();
      return;
    }
    // NOTE: a full cache is emptied before the batch, never during it, so that every genome
    // of the batch finds its evaluation below.
    if (cache_.size() + population.size() > capacity_) cache_.clear();
    // source_[i]: index into fresh_ of the genome that individual i copies, or kCached.
    fresh_.clear();
    source_.assign(population.size(), kCached);
    std::unordered_map<Genome, std::size_t, GenomeBytesHash, GenomeBytesEqual> pending;
    for (std::size_t i = 0; i < population.size(); ++i) {
      if (cache_.count(population[i]) != 0) continue;
      const auto [it, inserted] = pending.emplace(population[i], fresh_.size());
      if (inserted) fresh_.push_back(population[i]);
      source_[i] = it->second;
    }
    results_.resize(fresh_.size());
    if (!fresh_.empty()) {
      evaluator_.evaluate(fresh_, results_);
      record_timing(stats);
    }
    for (std::size_t j = 0; j < fresh_.size(); ++j) cache_.emplace(fresh_[j], results_[j]);
    for (std::size_t i = 0; i < population.size(); ++i) {
      evaluations[i] = source_[i] == kCached ? cache_.at(population[i]) : results_[source_[i]];
    }
    stats.evaluated += fresh_.size();
    stats.cache_hits += population.size() - fresh_.size();
  }

 private:
  static constexpr std::size_t kCached = static_cast<std::size_t>(-1);

  void record_timing(GenerationStats& stats) const {
    const EvaluationTiming timing = evaluator_.last_timing();
    stats.evaluate_seconds += timing.evaluate_seconds;
    stats.communicate_seconds += timing.communicate_seconds;
    stats.imbalance = std::max(stats.imbalance, timing.imbalance);
  }

  Evaluator& evaluator_;
  bool enabled_;
  std::size_t capacity_;
  std::unordered_map<Genome, Evaluation, GenomeBytesHash, GenomeBytesEqual> cache_;
  std::vector<Genome> fresh_;
  std::vector<Evaluation> results_;
  std::vector<std::size_t> source_;
};

// NSGA-II survival: the children (population) join their parents, and the best settings.ga.population
// of the two by front and crowding become the generation, in the combined order (parents first).
// The ranking of the survivors is left in `ranking`. Generation 0 has no parents: all survive.
void nsga2_survive(const EvolutionSettings& settings, std::span<const Genome> parents,
                   std::span<const Evaluation> parent_evaluations, std::vector<Genome>& population,
                   std::vector<Evaluation>& evaluations, std::vector<std::size_t>& born, std::size_t generation,
                   ParetoRanking& ranking) {
  const std::vector<std::size_t> parent_born = born;
  born.assign(population.size(), generation);
  if (!parents.empty()) {
    std::vector<Genome> genomes(parents.begin(), parents.end());
    genomes.insert(genomes.end(), population.begin(), population.end());
    std::vector<Evaluation> combined(parent_evaluations.begin(), parent_evaluations.end());
    combined.insert(combined.end(), evaluations.begin(), evaluations.end());
    const auto keep = environmental_selection(objective_table(combined, settings.multi, settings.fitness),
                                              settings.ga.population);
    for (std::size_t i = 0; i < keep.size(); ++i) {
      population[i] = genomes[keep[i]];
      evaluations[i] = combined[keep[i]];
      born[i] = keep[i] < parents.size() ? parent_born[keep[i]] : generation;
    }
  }
  ranking = pareto_ranking(objective_table(evaluations, settings.multi, settings.fitness));
}

// The final front, its knee, and the hall of fame as that front: knee first, then by crowding
// distance (the extremes, then the most isolated members: the front's spread of alternatives),
// ties by fitness.
void pick_from_front(const EvolutionSettings& settings, std::span<const Genome> population,
                     std::span<const Evaluation> evaluations, std::span<const double> fitness,
                     std::span<const std::size_t> born, const ParetoRanking& ranking, EvolutionResult& result) {
  result.front = ranking.front;
  result.crowding = ranking.crowding;
  result.pareto.clear();
  for (std::size_t i = 0; i < population.size(); ++i)
    if (ranking.front[i] == 0) result.pareto.push_back(i);
  result.knee = knee_point(objective_table(evaluations, settings.multi, settings.fitness), result.pareto);
  std::vector<std::size_t> order = result.pareto;
  std::stable_sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) {
    if ((a == result.knee) != (b == result.knee)) return a == result.knee;
    if (result.crowding[a] != result.crowding[b]) return result.crowding[a] > result.crowding[b];
    return fitness[a] > fitness[b];
  });
  std::vector<HallOfFameEntry> hall;
  for (std::size_t i : order) {
    if (hall.size() == settings.hall_of_fame) break;
    if (evaluations[i].status != EvalStatus::ok) continue;
    const bool known = std::any_of(hall.begin(), hall.end(), [&](const HallOfFameEntry& e) {
      return e.genome == population[i] ||
             std::memcmp(&e.evaluation.metrics, &evaluations[i].metrics, sizeof(Metrics)) == 0;
    });
    if (known) continue;
    hall.push_back({population[i], evaluations[i], fitness[i], born[i], fitness[i]});
  }
  result.hall_of_fame = std::move(hall);
}

}  // namespace

GenerationStats summarise_generation(std::size_t generation, std::span<const Evaluation> evaluations,
                                     std::span<const double> fitness, const FitnessSettings& settings) {
  return summarise(generation, evaluations, fitness, settings);
}

void add_to_hall_of_fame(std::vector<HallOfFameEntry>& hall, std::size_t capacity, std::size_t generation,
                         std::span<const Genome> population, std::span<const Evaluation> evaluations,
                         std::span<const double> fitness, std::span<const double> raw_fitness) {
  update_hall_of_fame(hall, capacity, generation, population, evaluations, fitness, raw_fitness);
}

namespace {

// The NSGA-II loop: offspring by crowded tournaments, (mu + lambda) survival by fronts and crowding.
EvolutionResult evolve_pareto(const EvolutionSettings& settings, Evaluator& evaluator,
                              std::span<EvolutionObserver* const> observers) {
  Rng rng(settings.seed);
  EvolutionResult result;
  std::vector<Genome> population = initial_population(settings.ga, rng);
  std::vector<Evaluation> evaluations(population.size());
  std::vector<double> fitness(population.size());
  double operator_seconds = 0;
  CachedEvaluation cached(evaluator, settings);
  std::vector<Genome> parents;
  std::vector<Evaluation> parent_evaluations;
  ParetoRanking ranking;
  std::vector<std::size_t> born;  // NSGA-II: the generation each survivor was bred in

  for (std::size_t generation = 0; generation <= settings.ga.generations; ++generation) {
    if (generation > 0) {
      const auto start = Clock::now();
      parents.assign(population.begin(), population.end());
      parent_evaluations.assign(evaluations.begin(), evaluations.end());
      population = nsga2_offspring(parents, ranking, settings.ga, rng);
      operator_seconds = seconds_since(start);
    }
    GenerationStats work;
    cached.evaluate(population, evaluations, work);
    nsga2_survive(settings, parents, parent_evaluations, population, evaluations, born, generation, ranking);
    for (std::size_t i = 0; i < population.size(); ++i) {
      fitness[i] = genepool::fitness(evaluations[i].metrics, evaluations[i].status, settings.fitness);
    }
    GenerationStats stats = summarise(generation, evaluations, fitness, settings.fitness);
    take_work(work, operator_seconds, stats);
    result.evaluations_total += population.size();
    result.evaluated_total += stats.evaluated;
    result.cache_hits_total += stats.cache_hits;
    result.failed_total += stats.failed;
    update_hall_of_fame(result.hall_of_fame, settings.hall_of_fame, generation, population, evaluations, fitness);
    result.history.push_back(stats);

    const GenerationView view{result.history.back(), population, evaluations, fitness, ranking.front,
                              ranking.crowding};
    for (EvolutionObserver* observer : observers) observer->on_generation(view);
  }
  pick_from_front(settings, population, evaluations, fitness, born, ranking, result);
  result.raw_fitness = fitness;
  result.population = std::move(population);
  result.evaluations = std::move(evaluations);
  result.fitness = std::move(fitness);
  return result;
}


// The single-objective loop: islands bred side by side in one batch per generation, robust fitness
// over each genome's neighbourhood, the elite polished every polish-interval generations and at the
// end, migration, restarts.
EvolutionResult evolve_single(const EvolutionSettings& settings, Evaluator& evaluator,
                              std::span<EvolutionObserver* const> observers) {
  Rng rng(settings.seed);
  EvolutionResult result;
  const std::size_t islands = settings.islands.count;
  const std::vector<std::size_t> starts = island_starts(settings.ga.population, islands);
  const std::size_t last = settings.ga.generations;
  const bool robust = settings.robustness.kind != RobustnessKind::none;
  const bool polishing = settings.polish.share > 0;
  std::vector<Genome> population = initial_population(settings.ga, rng);
  std::vector<Evaluation> evaluations(population.size());
  std::vector<double> fitness(population.size()), raw(population.size());
  CachedEvaluation cached(evaluator, settings);
  GenerationStats work;  // the current generation's evaluation counts and timings

  // Scores genomes in one batch: the genomes, then (robustness) each one's neighbours.
  std::vector<Genome> batch;
  std::vector<Evaluation> batch_evaluations;
  std::vector<double> batch_raw;
  std::vector<std::size_t> first_neighbour;
  const Scorer score = [&](std::span<const Genome> genomes, std::span<Scored> scores) {
    batch.assign(genomes.begin(), genomes.end());
    first_neighbour.clear();
    if (robust) {
      for (const Genome& genome : genomes) {
        first_neighbour.push_back(batch.size());
        const std::vector<Genome> neighbours = neighbourhood(genome, settings.robustness, settings.ga.space);
        batch.insert(batch.end(), neighbours.begin(), neighbours.end());
      }
      first_neighbour.push_back(batch.size());
    }
    batch_evaluations.resize(batch.size());
    cached.evaluate(batch, batch_evaluations, work);
    batch_raw.resize(batch.size());
    for (std::size_t i = 0; i < batch.size(); ++i)
      batch_raw[i] = genepool::fitness(batch_evaluations[i].metrics, batch_evaluations[i].status, settings.fitness);
    for (std::size_t i = 0; i < genomes.size(); ++i) {
      scores[i].evaluation = batch_evaluations[i];
      scores[i].raw_fitness = batch_raw[i];
      scores[i].fitness =
          robust ? robust_fitness(settings.robustness.kind, batch_raw[i],
                                  std::span(batch_raw).subspan(first_neighbour[i], first_neighbour[i + 1] - first_neighbour[i]))
                 : batch_raw[i];
    }
  };

  std::vector<double> record(islands, -std::numeric_limits<double>::infinity());  // each island's best so far
  std::vector<std::size_t> improved_at(islands, 0);
  std::vector<bool> restart(islands, false);
  std::set<Genome, BytesLess> settled;  // polished to a local optimum: not polished again
  std::size_t polished_at = 0;
  std::vector<Scored> scores;
  PolishResult polished;
  std::vector<Evaluation> polished_evaluations;
  std::vector<double> polished_fitness, polished_raw, island_best(islands), island_mean(islands);
  double operator_seconds = 0;

  for (std::size_t generation = 0; generation <= last; ++generation) {
    work = {};
    if (generation > 0) {
      const auto start = Clock::now();
      std::vector<Genome> next;
      next.reserve(population.size());
      for (std::size_t k = 0; k < islands; ++k) {
        const std::size_t size = starts[k + 1] - starts[k];
        const auto members = std::span<const Genome>(population).subspan(starts[k], size);
        const auto member_fitness = std::span<const double>(fitness).subspan(starts[k], size);
        GaSettings ga = settings.ga;
        ga.population = size;
        if (generation > ga.type_quota_generations) ga.type_quota = 0;
        const std::vector<Genome> bred = restart[k] ? restarted_island(members, member_fitness, ga, size, rng)
                                                    : next_generation(members, member_fitness, ga, rng);
        if (restart[k]) ++work.restarts;
        next.insert(next.end(), bred.begin(), bred.end());
      }
      population = std::move(next);
      operator_seconds = seconds_since(start);
    }
    scores.resize(population.size());
    score(population, scores);
    for (std::size_t i = 0; i < population.size(); ++i) {
      evaluations[i] = scores[i].evaluation;
      raw[i] = scores[i].raw_fitness;
      fitness[i] = scores[i].fitness;
    }

    // Polishing: the best distinct successful genomes not yet polished to a local optimum.
    polished = {};
    if (polishing && ((generation > 0 && generation % settings.polish.interval == 0) || generation == last)) {
      const auto budget = static_cast<std::size_t>(std::llround(
          settings.polish.share * static_cast<double>(population.size()) *
          static_cast<double>(std::max<std::size_t>(1, generation - polished_at))));
      polished_at = generation;
      std::vector<std::size_t> rows;
      for (const std::size_t i : best_distinct(population, fitness, population.size())) {
        if (rows.size() == settings.polish.elite) break;
        if (evaluations[i].status == EvalStatus::ok && settings.polish.elite > 0 && settled.count(population[i]) == 0)
          rows.push_back(i);
      }
      std::vector<Genome> from;
      std::vector<Scored> from_scores;
      for (const std::size_t i : rows) {
        from.push_back(population[i]);
        from_scores.push_back({evaluations[i], raw[i], fitness[i]});
      }
      const std::size_t evaluated_before = work.evaluated;
      if (!from.empty() && budget > 0)
        polished = polish(from, from_scores, budget, settings.polish, settings.ga.space, score);
      work.polish_scored = polished.genomes.size();
      work.polish_evaluated = work.evaluated - evaluated_before;
      // An improved genome takes the place of the worst individual of its start's island.
      std::vector<bool> replaced(population.size(), false);
      for (std::size_t s = 0; s < polished.ends.size(); ++s) {
        if (polished.converged[s]) settled.insert(polished.ends[s]);
        if (!(polished.end_scores[s].fitness > from_scores[s].fitness)) continue;
        if (std::find(population.begin(), population.end(), polished.ends[s]) != population.end()) continue;
        const auto island = static_cast<std::size_t>(
            std::upper_bound(starts.begin(), starts.end(), rows[s]) - starts.begin() - 1);
        std::size_t worst = starts[island + 1];
        for (std::size_t i = starts[island]; i < starts[island + 1]; ++i) {
          if (replaced[i]) continue;
          if (worst == starts[island + 1] || !(rank_key(fitness[i]) > rank_key(fitness[worst]))) worst = i;
        }
        if (worst == starts[island + 1]) continue;
        replaced[worst] = true;
        population[worst] = polished.ends[s];
        evaluations[worst] = polished.end_scores[s].evaluation;
        raw[worst] = polished.end_scores[s].raw_fitness;
        fitness[worst] = polished.end_scores[s].fitness;
        ++work.polish_improved;
      }
    }
    polished_evaluations.clear();
    polished_fitness.clear();
    polished_raw.clear();
    for (const Scored& scored : polished.scores) {
      polished_evaluations.push_back(scored.evaluation);
      polished_fitness.push_back(scored.fitness);
      polished_raw.push_back(scored.raw_fitness);
    }

    if (islands > 1 && settings.islands.migration_interval > 0 && generation > 0 &&
        generation % settings.islands.migration_interval == 0 && generation < last) {
      std::vector<Resident> residents;
      for (std::size_t i = 0; i < population.size(); ++i)
        residents.push_back({population[i], evaluations[i], raw[i], fitness[i]});
      work.migrants = migrate(settings.islands, starts, residents);
      for (std::size_t i = 0; i < population.size(); ++i) {
        population[i] = residents[i].genome;
        evaluations[i] = residents[i].evaluation;
        raw[i] = residents[i].raw_fitness;
        fitness[i] = residents[i].fitness;
      }
    }

    GenerationStats stats = summarise(generation, evaluations, fitness, settings.fitness);
    take_work(work, operator_seconds, stats);
    result.evaluations_total += stats.evaluated + stats.cache_hits;
    result.evaluated_total += stats.evaluated;
    result.cache_hits_total += stats.cache_hits;
    result.failed_total += stats.failed;
    result.polish_scored_total += stats.polish_scored;
    result.polish_evaluated_total += stats.polish_evaluated;
    update_hall_of_fame(result.hall_of_fame, settings.hall_of_fame, generation, population, evaluations, fitness, raw);
    update_hall_of_fame(result.hall_of_fame, settings.hall_of_fame, generation, polished.genomes, polished_evaluations,
                        polished_fitness, polished_raw);
    result.history.push_back(stats);

    // Per island: its best and mean, and whether it has stagnated long enough to restart.
    for (std::size_t k = 0; k < islands; ++k) {
      const std::size_t size = starts[k + 1] - starts[k];
      const GenerationStats own = summarise(generation, std::span<const Evaluation>(evaluations).subspan(starts[k], size),
                                            std::span<const double>(fitness).subspan(starts[k], size), settings.fitness);
      island_best[k] = own.best;
      island_mean[k] = own.mean;
      if (rank_key(own.best) > record[k]) {
        record[k] = rank_key(own.best);
        improved_at[k] = generation;
      }
      restart[k] = settings.islands.restart_stagnation > 0 &&
                   generation - improved_at[k] >= settings.islands.restart_stagnation;
      if (restart[k]) improved_at[k] = generation;
    }

    GenerationView view{result.history.back(), population, evaluations, fitness};
    if (robust) view.raw_fitness = raw;
    view.island_starts = starts;
    view.island_best = island_best;
    view.island_mean = island_mean;
    view.polished = polished.genomes;
    view.polished_evaluations = polished_evaluations;
    view.polished_fitness = polished_fitness;
    view.polished_raw_fitness = polished_raw;
    for (EvolutionObserver* observer : observers) observer->on_generation(view);
  }
  result.population = std::move(population);
  result.evaluations = std::move(evaluations);
  result.fitness = std::move(fitness);
  result.raw_fitness = std::move(raw);
  return result;
}

}  // namespace

void check(const EvolutionSettings& settings) {
  check(settings.ga);
  check(settings.multi);
  check(settings.islands, settings.ga);
  check(settings.polish);
  check(settings.robustness);
  if (settings.multi.enabled && settings.islands.count > 1)
    throw ConfigError("islands = " + std::to_string(settings.islands.count) + " works with mode = ga only (mode is nsga2)");
  if (settings.multi.enabled && settings.robustness.kind != RobustnessKind::none)
    throw ConfigError("robustness = " + std::string(to_string(settings.robustness.kind)) +
                      " works with mode = ga only (mode is nsga2)");
}

EvolutionResult evolve(const EvolutionSettings& settings, Evaluator& evaluator,
                       std::span<EvolutionObserver* const> observers) {
  check(settings);
  if (settings.multi.enabled) return evolve_pareto(settings, evaluator, observers);
  return evolve_single(settings, evaluator, observers);
}

std::string all_failed_message(const EvolutionResult& result) {
  if (result.evaluations_total == 0 || result.failed_total < result.evaluations_total) return "";
  std::map<std::string_view, std::size_t> counts;
  for (const Evaluation& e : result.evaluations) ++counts[to_string(e.status)];
  std::string statuses;
  for (const auto& [name, count] : counts)
    statuses += (statuses.empty() ? "" : ", ") + std::string(name) + " " + std::to_string(count);
  return "every one of the " + std::to_string(result.evaluations_total) + " evaluations failed (last generation: " +
         statuses + ")";
}

}  // namespace genepool
