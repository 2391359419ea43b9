// The generation loop's evaluation cache: identical results with and without it, and honest counts.
#include <catch2/catch.hpp>

#include <cstring>
#include <set>
#include <vector>

#include "genepool/evolution/evolution.hpp"
#include "genepool/data/synthetic.hpp"
#include "fixtures.hpp"
#include "recording_evaluator.hpp"

using namespace genepool;
using test::BytesLess;
using test::RecordingEvaluator;

namespace {

MarketData test_data() { return test::two_symbol_data(800, 5); }

using test::test_execution;

EvolutionSettings small_run(bool cache) {
  EvolutionSettings settings;
  settings.seed = 77;
  settings.ga.population = 40;
  settings.ga.generations = 8;
  settings.ga.crossover = CrossoverKind::uniform;
  settings.ga.mutation = MutationKind::reset;
  settings.ga.strategies = {0, 4, 6};  // integer-heavy types: many repeated genomes
  settings.evaluation_cache = cache;
  return settings;
}

bool same_bytes(const void* a, const void* b, std::size_t n) { return std::memcmp(a, b, n) == 0; }

}  // namespace

TEST_CASE("an evolution with the evaluation cache equals the same evolution without it", "[evolution][cache]") {
  const MarketData data = test_data();
  RecordingEvaluator plain_evaluator(data, test_execution());
  RecordingEvaluator cached_evaluator(data, test_execution());
  const EvolutionResult plain = evolve(small_run(false), plain_evaluator);
  const EvolutionResult cached = evolve(small_run(true), cached_evaluator);

  CHECK(cached.population == plain.population);
  CHECK(cached.fitness == plain.fitness);
  REQUIRE(cached.evaluations.size() == plain.evaluations.size());
  for (std::size_t i = 0; i < plain.evaluations.size(); ++i) {
    CHECK(cached.evaluations[i].status == plain.evaluations[i].status);
    CHECK(same_bytes(&cached.evaluations[i].metrics, &plain.evaluations[i].metrics, sizeof(Metrics)));
  }
  REQUIRE(cached.history.size() == plain.history.size());
  for (std::size_t g = 0; g < plain.history.size(); ++g) {
    CHECK(cached.history[g].best == plain.history[g].best);
    CHECK(cached.history[g].mean == plain.history[g].mean);
    CHECK(cached.history[g].median == plain.history[g].median);
    CHECK(cached.history[g].best_index == plain.history[g].best_index);
  }
  REQUIRE(cached.hall_of_fame.size() == plain.hall_of_fame.size());
  for (std::size_t i = 0; i < plain.hall_of_fame.size(); ++i) {
    CHECK(cached.hall_of_fame[i].genome == plain.hall_of_fame[i].genome);
    CHECK(cached.hall_of_fame[i].generation == plain.hall_of_fame[i].generation);
  }
  CHECK(cached.evaluations_total == plain.evaluations_total);
}

TEST_CASE("the evaluation cache backtests each distinct genome once and counts hits", "[evolution][cache]") {
  const MarketData data = test_data();
  RecordingEvaluator plain_evaluator(data, test_execution());
  RecordingEvaluator cached_evaluator(data, test_execution());
  const EvolutionResult plain = evolve(small_run(false), plain_evaluator);
  const EvolutionResult cached = evolve(small_run(true), cached_evaluator);

  // Without the cache every individual is backtested; with it, each distinct genome exactly once.
  CHECK(plain_evaluator.seen.size() == plain.evaluations_total);
  CHECK(plain.evaluated_total == plain.evaluations_total);
  CHECK(plain.cache_hits_total == 0);
  const std::set<Genome, BytesLess> distinct(plain_evaluator.seen.begin(), plain_evaluator.seen.end());
  CHECK(cached_evaluator.seen.size() == distinct.size());
  const std::set<Genome, BytesLess> sent(cached_evaluator.seen.begin(), cached_evaluator.seen.end());
  CHECK(sent.size() == cached_evaluator.seen.size());
  CHECK(cached.evaluated_total == distinct.size());
  CHECK(cached.evaluated_total + cached.cache_hits_total == cached.evaluations_total);
  CHECK(cached.cache_hits_total > 0);  // this run repeats genomes (elites at least)

  std::size_t evaluated = 0, hits = 0;
  for (const GenerationStats& stats : cached.history) {
    CHECK(stats.evaluated + stats.cache_hits == 40 + stats.polish_scored);
    evaluated += stats.evaluated;
    hits += stats.cache_hits;
  }
  CHECK(evaluated == cached.evaluated_total);
  CHECK(hits == cached.cache_hits_total);
  // Generation 0 has no cache to draw on: its hits are only twins within the generation.
  const std::set<Genome, BytesLess> first(plain_evaluator.seen.begin(), plain_evaluator.seen.begin() + 40);
  CHECK(cached.history.front().evaluated == first.size());
}

TEST_CASE("a full evaluation cache is emptied without changing the results", "[evolution][cache]") {
  const MarketData data = test_data();
  RecordingEvaluator plain_evaluator(data, test_execution());
  RecordingEvaluator small_evaluator(data, test_execution());
  EvolutionSettings small = small_run(true);
  small.cache_capacity = 50;  // barely more than one generation: emptied almost every generation
  const EvolutionResult plain = evolve(small_run(false), plain_evaluator);
  const EvolutionResult cached = evolve(small, small_evaluator);
  CHECK(cached.population == plain.population);
  CHECK(cached.fitness == plain.fitness);
  CHECK(cached.evaluated_total + cached.cache_hits_total == plain.evaluations_total);
  CHECK(small_evaluator.seen.size() == cached.evaluated_total);
}

TEST_CASE("a run whose every evaluation failed is named as such, with the last generation's statuses", "[evolution]") {
  EvolutionResult result;
  CHECK(all_failed_message(result) == "");  // nothing evaluated: nothing to say
  result.evaluations_total = 6;
  result.failed_total = 5;
  result.evaluations.resize(3);
  result.evaluations[0].status = EvalStatus::non_finite;
  result.evaluations[1].status = EvalStatus::non_finite;
  result.evaluations[2].status = EvalStatus::invalid_genome;
  CHECK(all_failed_message(result) == "");  // one succeeded
  result.failed_total = 6;
  CHECK(all_failed_message(result) ==
        "every one of the 6 evaluations failed (last generation: invalid_genome 1, non_finite 2)");
}
