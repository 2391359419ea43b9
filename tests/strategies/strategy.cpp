#include <catch2/catch.hpp>

#include <cmath>
#include <cstdint>
#include <filesystem>
#include <limits>
#include <random>
#include <set>
#include <string>
#include <vector>

#include "genepool/error.hpp"
#include "genepool/results/results_reader.hpp"
#include "genepool/strategies/strategy.hpp"

using namespace genepool;
using Catch::Matchers::Contains;

namespace {

std::vector<double> defaults_of(const StrategyType& type) {
  std::vector<double> params(kMaxParams, 0.0);
  for (std::size_t i = 0; i < type.params.size(); ++i) params[i] = type.params[i].default_value;
  return params;
}

const StrategyType& type_named(const char* name) { return strategy_registry()[strategy_id(name)]; }

}  // namespace

TEST_CASE("the registry keeps the ids that a results file written before stored", "[strategy][results]") {
  // NOTE: saved_run.h5 was written by genepool 0.1.0 (before the types registered themselves):
  // `genepool evolve --population 14 --generations 0 --top 1 --pbo-partitions 0 --bootstrap-resamples 0`
  // on 40 synthetic bars, then `h5repack -l CONTI` (contiguous layout, same contents) to keep it small.
  const ResultsReader reader(std::filesystem::path(GENEPOOL_SOURCE_DIR) / "tests/strategies/saved_run.h5");
  const RunResults run = reader.read();
  const auto& registry = strategy_registry();
  REQUIRE(run.strategies.size() == 7);
  REQUIRE(registry.size() >= run.strategies.size());
  for (std::size_t id = 0; id < run.strategies.size(); ++id) {
    INFO("id " << id);
    CHECK(registry[id].name == run.strategies[id].name);
    std::vector<std::string> params;
    for (const ParamSpec& spec : registry[id].params) params.push_back(spec.name);
    CHECK(params == run.strategies[id].param_names);
  }
  const IndividualRows rows = reader.individuals(0, reader.individual_count(false), false);
  std::set<std::int32_t> ids(rows.strategy.begin(), rows.strategy.end());
  CHECK(ids.size() == run.strategies.size());  // every stored type appears in the population
  REQUIRE(run.best.size() == 1);
  CHECK(registry[static_cast<std::size_t>(run.best[0].strategy)].name == run.best[0].name);
}

TEST_CASE("every strategy type is complete and its defaults are valid", "[strategy]") {
  std::set<std::string> names;
  for (const StrategyType& type : strategy_registry()) {
    INFO(type.name);
    CHECK(names.insert(type.name).second);
    // File strategies that other tests of this binary register may leave descriptions out.
    if (!type.built_in()) continue;
    CHECK_FALSE(type.description.empty());
    CHECK(type.chunk_kernel != nullptr);
    CHECK(type.reference_kernel != nullptr);
    CHECK(std::isfinite(type.cost));
    CHECK(type.cost > 0);
    CHECK(type.params.size() >= 1);
    CHECK(type.params.size() <= kMaxParams);
    std::set<std::string> param_names;
    for (const ParamSpec& spec : type.params) {
      INFO(spec.name);
      CHECK(param_names.insert(spec.name).second);
      CHECK_FALSE(spec.description.empty());
      CHECK(spec.lower < spec.upper);
      CHECK(spec.default_value >= spec.lower);
      CHECK(spec.default_value <= spec.upper);
      if (spec.kind == ParamKind::integer) {
        CHECK(spec.lower == std::round(spec.lower));
        CHECK(spec.upper == std::round(spec.upper));
        CHECK(spec.default_value == std::round(spec.default_value));
      }
    }
    for (const auto& [i, j] : type.less_than) {
      REQUIRE(i < type.params.size());
      REQUIRE(j < type.params.size());
      CHECK(type.params[i].default_value < type.params[j].default_value);
    }
    const std::vector<double> defaults = defaults_of(type);
    CHECK_NOTHROW(check_params(type, defaults.data()));
  }
}

TEST_CASE("strategy_id and strategy_of find each type and name the known ones", "[strategy]") {
  const auto& registry = strategy_registry();
  for (std::size_t i = 0; i < registry.size(); ++i) {
    CHECK(strategy_id(registry[i].name) == i);
    Genome genome;
    genome.strategy = static_cast<std::uint32_t>(i);
    CHECK(&strategy_of(genome) == &registry[i]);
  }
  std::string known;
  for (const StrategyType& type : registry) known += (known.empty() ? "" : ", ") + type.name;
  CHECK_THROWS_AS(strategy_id("foo"), ConfigError);
  CHECK_THROWS_WITH(strategy_id("foo"), "unknown strategy 'foo' (known: " + known + ")");
  Genome bad;
  bad.strategy = static_cast<std::uint32_t>(registry.size());
  CHECK_THROWS_WITH(strategy_of(bad), "strategy id " + std::to_string(registry.size()) +
                                          " is outside the registry [0, " + std::to_string(registry.size() - 1) + "]");
}

TEST_CASE("repair keeps parameters inside the bounds, integral, ordered and is idempotent", "[strategy]") {
  const auto seed = GENERATE(take(25, random(1u, 1000000u)));
  std::mt19937_64 rng(seed);
  for (const StrategyType& type : strategy_registry()) {
    INFO(type.name << " seed " << seed);
    for (int trial = 0; trial < 20; ++trial) {
      std::vector<double> params(kMaxParams, 0.0);
      for (std::size_t i = 0; i < type.params.size(); ++i) {
        const ParamSpec& spec = type.params[i];
        const double width = spec.upper - spec.lower;
        params[i] = std::uniform_real_distribution<double>(spec.lower - width, spec.upper + width)(rng);
      }
      repair(type, params.data());
      CHECK_NOTHROW(check_params(type, params.data()));
      std::vector<double> again = params;
      repair(type, again.data());
      CHECK(again == params);
    }
  }
}

TEST_CASE("repair handles non-finite values and leaves valid parameters alone", "[strategy]") {
  const double inf = std::numeric_limits<double>::infinity();
  const double nan = std::numeric_limits<double>::quiet_NaN();
  for (const StrategyType& type : strategy_registry()) {
    INFO(type.name);
    std::vector<double> params = defaults_of(type);
    repair(type, params.data());
    CHECK(params == defaults_of(type));
    for (double odd : {inf, -inf, nan}) {
      params.assign(kMaxParams, odd);
      repair(type, params.data());
      CHECK_NOTHROW(check_params(type, params.data()));
    }
  }
}

TEST_CASE("repair rounds integers and swaps or nudges a broken fast < slow", "[strategy]") {
  const StrategyType& sma = type_named("sma_crossover");
  double params[kMaxParams] = {10.4, 39.6};
  repair(sma, params);
  CHECK(params[0] == 10);
  CHECK(params[1] == 40);

  double swapped[kMaxParams] = {50, 40};
  repair(sma, swapped);
  CHECK(swapped[0] == 40);
  CHECK(swapped[1] == 50);

  double equal[kMaxParams] = {40, 40};
  repair(sma, equal);
  CHECK(equal[0] == 40);
  CHECK(equal[1] == 41);

  double clamped[kMaxParams] = {500, -3};
  repair(sma, clamped);
  CHECK(clamped[0] == 10);
  CHECK(clamped[1] == 100);

  const StrategyType& donchian = type_named("donchian_breakout");
  double channel[kMaxParams] = {30, 30};  // entry, exit: exit must be below entry
  repair(donchian, channel);
  CHECK(channel[1] < channel[0]);
  CHECK_NOTHROW(check_params(donchian, channel));
}

TEST_CASE("check_params names the strategy, parameter, value and valid range", "[strategy]") {
  const StrategyType& sma = type_named("sma_crossover");
  double out_of_range[kMaxParams] = {150, 400};
  CHECK_THROWS_AS(check_params(sma, out_of_range), ConfigError);
  CHECK_THROWS_WITH(check_params(sma, out_of_range), "sma_crossover: parameter 'fast' = 150 is outside [2, 100]");

  double fractional[kMaxParams] = {10.5, 40};
  CHECK_THROWS_WITH(check_params(sma, fractional), "sma_crossover: parameter 'fast' = 10.5 must be an integer");

  double unordered[kMaxParams] = {50, 40};
  CHECK_THROWS_WITH(check_params(sma, unordered), "sma_crossover: 'fast' (50) must be less than 'slow' (40)");

  double not_finite[kMaxParams] = {10, std::numeric_limits<double>::quiet_NaN()};
  CHECK_THROWS_WITH(check_params(sma, not_finite), Contains("'slow' = nan is not a finite number"));

  const StrategyType& momentum = type_named("ts_momentum");
  double threshold[kMaxParams] = {126, 0.25};
  CHECK_THROWS_WITH(check_params(momentum, threshold),
                    "ts_momentum: parameter 'threshold' = 0.25 is outside [0, 0.2]");
  double real_ok[kMaxParams] = {126, 0.05};
  CHECK_NOTHROW(check_params(momentum, real_ok));
}

TEST_CASE("make_genome starts from the defaults and checks the overrides", "[strategy]") {
  const Genome defaults = make_genome("sma_crossover");
  CHECK(defaults.strategy == strategy_id("sma_crossover"));
  CHECK(defaults.exit_genes == 0);
  CHECK(defaults.params == std::array<double, kMaxParams>{10, 40, 0, 0});

  const Genome tuned = make_genome("rsi_reversion", {{"period", 7}, {"upper", 80}});
  CHECK(tuned.strategy == strategy_id("rsi_reversion"));
  CHECK(tuned.params == std::array<double, kMaxParams>{7, 30, 80, 0});

  CHECK_THROWS_WITH(make_genome("sma_crossover", {{"fats", 5}}),
                    "sma_crossover: unknown parameter 'fats' (parameters: fast, slow)");
  CHECK_THROWS_WITH(make_genome("sma_crossover", {{"fast", 50}, {"slow", 40}}),
                    "sma_crossover: 'fast' (50) must be less than 'slow' (40)");
  CHECK_THROWS_WITH(make_genome("macd", {{"signal", 1}}), "macd: parameter 'signal' = 1 is outside [2, 50]");
  CHECK_THROWS_WITH(make_genome("foo"), Contains("unknown strategy 'foo' (known: "));
}
