// Resuming an evolution from its evaluation log: stopped after any generation, with a small cache
// or none, the resumed run ends exactly where the uninterrupted one does.
#include <catch2/catch.hpp>

#include <cstring>
#include <vector>

#include "genepool/error.hpp"
#include "genepool/evolution/evolution.hpp"
#include "genepool/evolution/resumable_evaluator.hpp"
#include "genepool/data/synthetic.hpp"
#include "fixtures.hpp"

using namespace genepool;

namespace {

MarketData test_data() { return test::two_symbol_data(600, 11); }

using test::test_execution;

EvolutionSettings run_settings(std::size_t generations) {
  EvolutionSettings settings;
  settings.seed = 31;
  settings.ga.population = 30;
  settings.ga.generations = generations;
  settings.ga.strategies = {0, 2, 4};
  settings.hall_of_fame = 5;
  return settings;
}

struct Stop {};

// Throws Stop after generation `last`.
class StopAfter final : public EvolutionObserver {
 public:
  explicit StopAfter(std::size_t last) : last_(last) {}
  void on_generation(const GenerationView& generation) override {
    if (generation.stats.generation == last_) throw Stop{};
  }

 private:
  std::size_t last_;
};

// The log of a run stopped after generation `last`.
EvaluationLog stopped_log(const EvolutionSettings& settings, Evaluator& live, std::size_t last, EvaluationLog from = {}) {
  ResumableEvaluator recording(live, std::move(from));
  StopAfter stop(last);
  EvolutionObserver* observers[] = {&stop};
  REQUIRE_THROWS_AS(evolve(settings, recording, observers), Stop);
  return recording.log();
}

void check_same(const EvolutionResult& a, const EvolutionResult& b) {
  CHECK(a.population == b.population);
  REQUIRE(a.fitness.size() == b.fitness.size());
  CHECK(std::memcmp(a.fitness.data(), b.fitness.data(), a.fitness.size() * sizeof(double)) == 0);
  REQUIRE(a.evaluations.size() == b.evaluations.size());
  CHECK(std::memcmp(a.evaluations.data(), b.evaluations.data(), a.evaluations.size() * sizeof(Evaluation)) == 0);
  REQUIRE(a.hall_of_fame.size() == b.hall_of_fame.size());
  for (std::size_t i = 0; i < a.hall_of_fame.size(); ++i) {
    CHECK(a.hall_of_fame[i].genome == b.hall_of_fame[i].genome);
    CHECK(a.hall_of_fame[i].generation == b.hall_of_fame[i].generation);
  }
  CHECK(a.evaluated_total == b.evaluated_total);
  CHECK(a.cache_hits_total == b.cache_hits_total);
  REQUIRE(a.history.size() == b.history.size());
  for (std::size_t g = 0; g < a.history.size(); ++g) {
    CHECK(a.history[g].best == b.history[g].best);
    CHECK(a.history[g].evaluated == b.history[g].evaluated);
    CHECK(a.history[g].cache_hits == b.history[g].cache_hits);
  }
}

}  // namespace

TEST_CASE("a run resumed from its evaluation log equals the uninterrupted run", "[resume]") {
  const MarketData data = test_data();
  SerialEvaluator serial(data, test_execution());
  for (const bool cache : {true, false}) {
    for (const std::size_t capacity : {std::size_t{1} << 16, std::size_t{45}}) {
      EvolutionSettings settings = run_settings(7);
      settings.evaluation_cache = cache;
      settings.cache_capacity = capacity;
      const EvolutionResult whole = evolve(settings, serial);
      for (const std::size_t last : {0u, 3u, 6u, 7u}) {
        INFO("cache " << cache << ", capacity " << capacity << ", stopped after generation " << last);
        ResumableEvaluator resumed(serial, stopped_log(settings, serial, last));
        CHECK(resumed.replaying());
        check_same(evolve(settings, resumed), whole);
        CHECK_FALSE(resumed.replaying());
      }
    }
  }
}

TEST_CASE("a run stopped twice and resumed with more generations equals a longer run", "[resume]") {
  const MarketData data = test_data();
  SerialEvaluator serial(data, test_execution());
  const EvolutionSettings settings = run_settings(6);
  EvaluationLog log = stopped_log(settings, serial, 2);
  log = stopped_log(settings, serial, 4, std::move(log));
  const std::size_t batches = log.batch_sizes.size();
  ResumableEvaluator resumed(serial, std::move(log));
  const EvolutionResult longer = evolve(run_settings(9), resumed);
  check_same(longer, evolve(run_settings(9), serial));
  CHECK(resumed.log().batch_sizes.size() > batches);
}

TEST_CASE("a log from other settings is refused at the first batch that differs", "[resume]") {
  const MarketData data = test_data();
  SerialEvaluator serial(data, test_execution());
  EvolutionSettings other = run_settings(5);
  other.seed = 32;
  ResumableEvaluator resumed(serial, stopped_log(run_settings(5), serial, 2));
  try {
    evolve(other, resumed);
    FAIL("a foreign log was replayed");
  } catch (const Error& error) {
    CHECK(error.code() == ExitCode::usage);
    CHECK_THAT(error.what(), Catch::Contains("batch 0"));
  }
  EvaluationLog broken = stopped_log(run_settings(5), serial, 1);
  broken.timings.pop_back();
  CHECK_THROWS_AS(ResumableEvaluator(serial, std::move(broken)), Error);
}
