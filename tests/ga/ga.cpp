#include <catch2/catch.hpp>

#include <algorithm>
#include <cmath>
#include <map>
#include <numeric>
#include <set>
#include <vector>

#include "genepool/error.hpp"
#include "genepool/ga/ga.hpp"
#include "genepool/strategies/strategy.hpp"

using namespace genepool;
using Catch::Matchers::Contains;

namespace {

std::uint32_t type_count() { return static_cast<std::uint32_t>(strategy_registry().size()); }

// Every parameter in bounds, integers integral, less_than constraints held, unused slots 0.
void require_valid(const Genome& g) {
  REQUIRE(g.strategy < type_count());
  REQUIRE(g.exit_genes == 0u);
  const StrategyType& type = strategy_registry()[g.strategy];
  for (std::size_t i = 0; i < kMaxParams; ++i) {
    INFO(type.name << " parameter " << i << " = " << g.params[i]);
    if (i >= type.params.size()) {
      REQUIRE(g.params[i] == 0.0);
      continue;
    }
    const ParamSpec& spec = type.params[i];
    REQUIRE(std::isfinite(g.params[i]));
    REQUIRE(g.params[i] >= spec.lower);
    REQUIRE(g.params[i] <= spec.upper);
    if (spec.kind == ParamKind::integer) REQUIRE(g.params[i] == std::round(g.params[i]));
  }
  for (const auto& [i, j] : type.less_than) {
    INFO(type.name << ": " << type.params[i].name << " = " << g.params[i] << " must be below "
                   << type.params[j].name << " = " << g.params[j]);
    REQUIRE(g.params[i] < g.params[j]);
  }
  REQUIRE_NOTHROW(check_params(type, g.params.data()));
}

// Parameters of `type` that appear in no less_than pair (repair never swaps them).
std::vector<std::size_t> free_params(const StrategyType& type) {
  std::vector<std::size_t> out;
  for (std::size_t i = 0; i < type.params.size(); ++i) {
    const bool constrained = std::any_of(type.less_than.begin(), type.less_than.end(),
                                         [i](const auto& p) { return p.first == i || p.second == i; });
    if (!constrained) out.push_back(i);
  }
  return out;
}

GaSettings settings_with(CrossoverKind crossover, MutationKind mutation) {
  GaSettings s;
  s.crossover = crossover;
  s.mutation = mutation;
  return s;
}

// A genome whose parameters sit at the bounds (then repaired), to stress the edges.
Genome corner_genome(std::uint32_t strategy, bool upper) {
  Genome g;
  g.strategy = strategy;
  const StrategyType& type = strategy_registry()[strategy];
  for (std::size_t i = 0; i < type.params.size(); ++i)
    g.params[i] = upper ? type.params[i].upper : type.params[i].lower;
  repair(type, g.params.data());
  return g;
}

}  // namespace

TEST_CASE("random genomes are valid for every strategy type", "[ga]") {
  const auto strategy = GENERATE(range(0u, type_count()));
  Rng rng(strategy + 100);
  for (int i = 0; i < 2000; ++i) {
    const Genome g = random_genome(strategy, rng);
    REQUIRE(g.strategy == strategy);
    require_valid(g);
  }
}

TEST_CASE("random genomes spread over each parameter's whole range", "[ga]") {
  const auto strategy = GENERATE(range(0u, type_count()));
  const StrategyType& type = strategy_registry()[strategy];
  Rng rng(strategy + 200);
  std::vector<double> low(type.params.size(), 1e300);
  std::vector<double> high(type.params.size(), -1e300);
  for (int n = 0; n < 4000; ++n) {
    const Genome g = random_genome(strategy, rng);
    for (std::size_t i = 0; i < type.params.size(); ++i) {
      low[i] = std::min(low[i], g.params[i]);
      high[i] = std::max(high[i], g.params[i]);
    }
  }
  for (std::size_t i = 0; i < type.params.size(); ++i) {
    const ParamSpec& spec = type.params[i];
    INFO(type.name << "." << spec.name);
    const double tenth = 0.1 * (spec.upper - spec.lower);
    CHECK(low[i] <= spec.lower + tenth);
    CHECK(high[i] >= spec.upper - tenth);
  }
}

TEST_CASE("random_genome rejects an unknown strategy index", "[ga]") {
  Rng rng(1);
  CHECK_THROWS_AS(random_genome(type_count(), rng), ConfigError);
}

TEST_CASE("crossover keeps children valid for every type and crossover kind", "[ga]") {
  const auto kind = GENERATE(CrossoverKind::uniform, CrossoverKind::blend, CrossoverKind::sbx);
  const auto strategy = GENERATE(range(0u, type_count()));
  GaSettings settings = settings_with(kind, MutationKind::gaussian);
  settings.blend_alpha = 1.0;  // the widest blend
  settings.sbx_eta = 0.5;      // the widest sbx spread
  Rng rng(strategy * 10 + static_cast<std::uint64_t>(kind));
  for (int i = 0; i < 1000; ++i) {
    Genome a = random_genome(strategy, rng);
    Genome b = random_genome(strategy, rng);
    if (i % 10 == 0) a = corner_genome(strategy, false);
    if (i % 10 == 1) b = corner_genome(strategy, true);
    const Genome child = crossover(a, b, settings, rng);
    REQUIRE(child.strategy == strategy);
    require_valid(child);
  }
}

TEST_CASE("crossover of identical parents gives that parent", "[ga]") {
  const auto kind = GENERATE(CrossoverKind::uniform, CrossoverKind::blend, CrossoverKind::sbx);
  const auto strategy = GENERATE(range(0u, type_count()));
  const GaSettings settings = settings_with(kind, MutationKind::gaussian);
  Rng rng(strategy + 300);
  for (int i = 0; i < 200; ++i) {
    const Genome a = random_genome(strategy, rng);
    CHECK(crossover(a, a, settings, rng) == a);
  }
}

TEST_CASE("uniform crossover takes each parameter from one of the parents", "[ga]") {
  const auto strategy = GENERATE(range(0u, type_count()));
  const StrategyType& type = strategy_registry()[strategy];
  const GaSettings settings = settings_with(CrossoverKind::uniform, MutationKind::gaussian);
  Rng rng(strategy + 400);
  for (int n = 0; n < 500; ++n) {
    const Genome a = random_genome(strategy, rng);
    const Genome b = random_genome(strategy, rng);
    const Genome child = crossover(a, b, settings, rng);
    for (std::size_t i : free_params(type)) CHECK((child.params[i] == a.params[i] || child.params[i] == b.params[i]));
  }
}

TEST_CASE("blend crossover stays within alpha times the parents' spread", "[ga]") {
  const auto strategy = GENERATE(range(0u, type_count()));
  const StrategyType& type = strategy_registry()[strategy];
  GaSettings settings = settings_with(CrossoverKind::blend, MutationKind::gaussian);
  settings.blend_alpha = GENERATE(0.0, 0.5);
  Rng rng(strategy + 500);
  for (int n = 0; n < 500; ++n) {
    const Genome a = random_genome(strategy, rng);
    const Genome b = random_genome(strategy, rng);
    const Genome child = crossover(a, b, settings, rng);
    for (std::size_t i : free_params(type)) {
      const double lo = std::min(a.params[i], b.params[i]);
      const double hi = std::max(a.params[i], b.params[i]);
      const double d = settings.blend_alpha * (hi - lo);
      const double slack = type.params[i].kind == ParamKind::integer ? 0.5 : 0.0;  // rounding
      CHECK(child.params[i] >= lo - d - slack);
      CHECK(child.params[i] <= hi + d + slack);
    }
  }
}

TEST_CASE("sbx children stay nearer the parents as eta grows", "[ga]") {
  const auto strategy = GENERATE(range(0u, type_count()));
  const StrategyType& type = strategy_registry()[strategy];
  if (free_params(type).empty()) return;
  // Mean distance from the child to its nearer parent, as a share of the parents' spread.
  const auto spread = [&](double eta) {
    GaSettings settings = settings_with(CrossoverKind::sbx, MutationKind::gaussian);
    settings.sbx_eta = eta;
    Rng rng(strategy + 600);
    double total = 0;
    int count = 0;
    for (int n = 0; n < 3000; ++n) {
      const Genome a = random_genome(strategy, rng);
      const Genome b = random_genome(strategy, rng);
      const Genome child = crossover(a, b, settings, rng);
      for (std::size_t i : free_params(type)) {
        const double gap = std::abs(a.params[i] - b.params[i]);
        if (gap < 1e-9) continue;
        total += std::min(std::abs(child.params[i] - a.params[i]), std::abs(child.params[i] - b.params[i])) / gap;
        ++count;
      }
    }
    return total / std::max(count, 1);
  };
  CHECK(spread(50.0) < spread(2.0));
}

TEST_CASE("crossover of different types copies one parent, each about half the time", "[ga]") {
  if (type_count() < 2) return;
  const auto kind = GENERATE(CrossoverKind::uniform, CrossoverKind::blend, CrossoverKind::sbx);
  const GaSettings settings = settings_with(kind, MutationKind::gaussian);
  Rng rng(700);
  int first = 0;
  const int n = 4000;
  for (int i = 0; i < n; ++i) {
    const Genome a = random_genome(0, rng);
    const Genome b = random_genome(1, rng);
    const Genome child = crossover(a, b, settings, rng);
    REQUIRE((child == a || child == b));
    if (child == a) ++first;
  }
  CHECK(static_cast<double>(first) / n == Approx(0.5).margin(0.04));
}

TEST_CASE("mutation keeps genomes valid for every type and mutation kind", "[ga]") {
  const auto kind = GENERATE(MutationKind::gaussian, MutationKind::reset);
  const auto strategy = GENERATE(range(0u, type_count()));
  GaSettings settings = settings_with(CrossoverKind::sbx, kind);
  settings.mutation_rate = 1.0;
  settings.mutation_scale = GENERATE(0.01, 1.0);
  settings.type_switch_rate = 0.0;
  Rng rng(strategy * 10 + static_cast<std::uint64_t>(kind) + 800);
  for (int start = 0; start < 20; ++start) {
    Genome g = start % 2 == 0 ? random_genome(strategy, rng) : corner_genome(strategy, start % 4 == 1);
    for (int step = 0; step < 100; ++step) {
      mutate(g, settings, rng);
      REQUIRE(g.strategy == strategy);
      require_valid(g);
    }
  }
}

TEST_CASE("a gaussian mutation moves integer parameters", "[ga]") {
  const auto strategy = GENERATE(range(0u, type_count()));
  const StrategyType& type = strategy_registry()[strategy];
  GaSettings settings = settings_with(CrossoverKind::sbx, MutationKind::gaussian);
  settings.mutation_rate = 1.0;
  settings.type_switch_rate = 0.0;
  settings.mutation_scale = GENERATE(0.001, 0.1);
  Rng rng(strategy + 900);
  std::vector<int> moved(type.params.size(), 0);
  const int n = 1000;
  for (int k = 0; k < n; ++k) {
    const Genome before = random_genome(strategy, rng);
    Genome after = before;
    mutate(after, settings, rng);
    for (std::size_t i = 0; i < type.params.size(); ++i)
      if (after.params[i] != before.params[i]) ++moved[i];
  }
  for (std::size_t i = 0; i < type.params.size(); ++i) {
    INFO(type.name << "." << type.params[i].name);
    CHECK(moved[i] > n / 2);
  }
}

TEST_CASE("mutation rate 0 and type switch rate 0 leave a genome unchanged", "[ga]") {
  GaSettings settings;
  settings.mutation_rate = 0.0;
  settings.type_switch_rate = 0.0;
  Rng rng(1000);
  for (std::uint32_t t = 0; t < type_count(); ++t) {
    const Genome g = random_genome(t, rng);
    Genome copy = g;
    mutate(copy, settings, rng);
    CHECK(copy == g);
  }
}

TEST_CASE("type switch happens at about the configured rate and only to selected types", "[ga]") {
  if (type_count() < 3) return;
  GaSettings settings;
  settings.strategies = {0, 2, static_cast<std::uint32_t>(type_count() - 1)};
  settings.mutation_rate = 0.0;
  settings.type_switch_rate = GENERATE(0.1, 0.5);
  Rng rng(1100);
  std::map<std::uint32_t, int> switched_to;
  int switched = 0;
  const int n = 20000;
  for (int i = 0; i < n; ++i) {
    Genome g = random_genome(0, rng);
    mutate(g, settings, rng);
    require_valid(g);
    if (g.strategy != 0) {
      ++switched;
      ++switched_to[g.strategy];
    }
  }
  CHECK(static_cast<double>(switched) / n == Approx(settings.type_switch_rate).margin(0.015));
  for (const auto& [type, count] : switched_to) {
    CHECK((type == 2 || type == type_count() - 1));
    CHECK(static_cast<double>(count) / switched == Approx(0.5).margin(0.05));
  }
}

TEST_CASE("a single type in play never switches", "[ga]") {
  GaSettings settings;
  settings.strategies = {0};
  settings.type_switch_rate = 1.0;
  Rng rng(1200);
  for (int i = 0; i < 500; ++i) {
    Genome g = random_genome(0, rng);
    mutate(g, settings, rng);
    CHECK(g.strategy == 0u);
  }
}

TEST_CASE("tournament selection of size 1 is uniform", "[ga]") {
  std::vector<double> fitness(10);
  std::iota(fitness.begin(), fitness.end(), 0.0);
  Rng rng(GENERATE(1300ULL, 1301ULL));
  std::vector<int> counts(10, 0);
  const int n = 100000;
  for (int i = 0; i < n; ++i) ++counts[tournament_select(fitness, 1, rng)];
  for (int c : counts) CHECK(static_cast<double>(c) / n == Approx(0.1).margin(0.006));
}

TEST_CASE("tournament selection pressure grows with the tournament size", "[ga]") {
  const std::size_t n = 20;
  std::vector<double> fitness(n);
  std::iota(fitness.begin(), fitness.end(), 0.0);  // fitness = index
  Rng rng(GENERATE(1400ULL, 1401ULL));
  std::vector<double> means;
  for (std::size_t size : {1u, 2u, 3u, 5u, 10u}) {
    double sum = 0;
    const int draws = 20000;
    for (int i = 0; i < draws; ++i) sum += static_cast<double>(tournament_select(fitness, size, rng));
    means.push_back(sum / draws);
  }
  CHECK(means[0] == Approx((n - 1) / 2.0).margin(0.2));
  // E[max of 2 uniform draws over 0..n-1] = sum_k (1 - (k/n)^2) for k = 1..n-1.
  double expected2 = 0;
  for (std::size_t k = 1; k < n; ++k) expected2 += 1 - std::pow(static_cast<double>(k) / n, 2);
  CHECK(means[1] == Approx(expected2).margin(0.2));
  for (std::size_t i = 1; i < means.size(); ++i) CHECK(means[i] > means[i - 1]);
}

TEST_CASE("tournament ties go to the lower index and NaN never wins", "[ga]") {
  Rng rng(1500);
  const std::vector<double> equal(5, 1.0);
  int zero = 0;
  for (int i = 0; i < 1000; ++i)
    if (tournament_select(equal, 200, rng) == 0) ++zero;
  CHECK(zero == 1000);  // index 0 is missed by 200 draws with probability 0.8^200
  const std::vector<double> with_nan{std::nan(""), -1e300};
  for (int i = 0; i < 100; ++i) CHECK(tournament_select(with_nan, 100, rng) == 1u);
  CHECK_THROWS_AS(tournament_select(equal, 0, rng), Error);
}

TEST_CASE("initial population is balanced across the types in play", "[ga]") {
  GaSettings settings;
  settings.population = GENERATE(2u, 50u, 101u);
  settings.strategies = GENERATE(std::vector<std::uint32_t>{}, std::vector<std::uint32_t>{1, 3});
  Rng rng(1600);
  const auto population = initial_population(settings, rng);
  REQUIRE(population.size() == settings.population);
  std::map<std::uint32_t, std::size_t> counts;
  for (const auto& g : population) {
    require_valid(g);
    ++counts[g.strategy];
  }
  const std::size_t types = settings.strategies.empty() ? type_count() : settings.strategies.size();
  std::size_t low = settings.population;
  std::size_t high = 0;
  for (std::uint32_t t = 0; t < type_count(); ++t) {
    const bool in_play = settings.strategies.empty() ||
                         std::find(settings.strategies.begin(), settings.strategies.end(), t) != settings.strategies.end();
    if (!in_play) {
      CHECK(counts[t] == 0u);
      continue;
    }
    low = std::min(low, counts[t]);
    high = std::max(high, counts[t]);
  }
  CHECK(high - low <= 1);
  CHECK(high == (settings.population + types - 1) / types);
}

namespace {

// A population of random genomes of all types and a fitness per individual.
struct Generation {
  std::vector<Genome> population;
  std::vector<double> fitness;
};

Generation random_generation(std::size_t size, std::uint64_t seed) {
  Rng rng(seed);
  GaSettings settings;
  settings.population = size;
  Generation g{initial_population(settings, rng), {}};
  for (std::size_t i = 0; i < size; ++i) g.fitness.push_back(rng.normal());
  return g;
}

}  // namespace

TEST_CASE("next_generation has exactly population genomes, all valid", "[ga]") {
  GaSettings settings;
  settings.population = GENERATE(2u, 3u, 64u);
  settings.elitism = GENERATE(0u, 1u);
  settings.tournament_size = 2;
  const Generation g = random_generation(GENERATE(2u, 40u), 1700);
  Rng rng(1701);
  const auto next = next_generation(g.population, g.fitness, settings, rng);
  REQUIRE(next.size() == settings.population);
  for (const auto& genome : next) require_valid(genome);
}

TEST_CASE("next_generation is deterministic for a seed", "[ga]") {
  const auto seed = GENERATE(1ULL, 2ULL, 12345ULL);
  GaSettings settings;
  settings.population = 80;
  const Generation g = random_generation(80, seed);
  Rng a(seed);
  Rng b(seed);
  Rng c(seed + 1);
  const auto first = next_generation(g.population, g.fitness, settings, a);
  const auto second = next_generation(g.population, g.fitness, settings, b);
  const auto other = next_generation(g.population, g.fitness, settings, c);
  CHECK(first == second);
  CHECK(a.state() == b.state());
  CHECK(first != other);
}

TEST_CASE("elitism copies the best individuals exactly, best first", "[ga]") {
  GaSettings settings;
  settings.population = 50;
  settings.elitism = GENERATE(1u, 3u, 10u);
  settings.mutation_rate = 1.0;
  const Generation g = random_generation(50, 1800);
  std::vector<std::size_t> order(50);
  std::iota(order.begin(), order.end(), std::size_t{0});
  std::stable_sort(order.begin(), order.end(), [&](auto i, auto j) { return g.fitness[i] > g.fitness[j]; });
  Rng rng(1801);
  const auto next = next_generation(g.population, g.fitness, settings, rng);
  for (std::size_t k = 0; k < settings.elitism; ++k) CHECK(next[k] == g.population[order[k]]);
}

TEST_CASE("elitism breaks fitness ties by index and skips exact duplicates", "[ga]") {
  Rng rng(1900);
  const Genome best = random_genome(0, rng);
  const Genome second = random_genome(0, rng);
  const Genome third = random_genome(0, rng);
  const Genome rest = random_genome(0, rng);
  // best appears twice with the top fitness; second and third tie and are ordered by index.
  const std::vector<Genome> population{rest, third, best, second, best, rest};
  const std::vector<double> fitness{0.0, 5.0, 9.0, 5.0, 9.0, 1.0};
  GaSettings settings;
  settings.population = 6;
  settings.elitism = 3;
  const auto next = next_generation(population, fitness, settings, rng);
  CHECK(next[0] == best);
  CHECK(next[1] == third);
  CHECK(next[2] == second);
}

TEST_CASE("with elitism the best fitness never decreases over generations", "[ga]") {
  // Fitness: closeness of every parameter to the middle of its range, as a share of the range.
  const auto score = [](const Genome& g) {
    const StrategyType& type = strategy_registry()[g.strategy];
    double s = 0;
    for (std::size_t i = 0; i < type.params.size(); ++i) {
      const ParamSpec& p = type.params[i];
      s -= std::abs(g.params[i] - 0.5 * (p.lower + p.upper)) / (p.upper - p.lower);
    }
    return s;
  };
  GaSettings settings;
  settings.population = 60;
  settings.elitism = 2;
  Rng rng(GENERATE(2000ULL, 2001ULL));
  auto population = initial_population(settings, rng);
  double best = -1e300;
  double first_best = 0;
  for (int generation = 0; generation < 30; ++generation) {
    std::vector<double> fitness;
    double now = -1e300;
    for (const auto& g : population) {
      fitness.push_back(score(g));
      now = std::max(now, fitness.back());
    }
    if (generation == 0) first_best = now;
    REQUIRE(now >= best);
    best = now;
    population = next_generation(population, fitness, settings, rng);
  }
  CHECK(best > first_best);
}

TEST_CASE("next_generation rejects mismatched fitness", "[ga]") {
  const Generation g = random_generation(10, 2100);
  Rng rng(1);
  const std::vector<double> short_fitness(9, 0.0);
  CHECK_THROWS_AS(next_generation(g.population, short_fitness, GaSettings{}, rng), Error);
}

TEST_CASE("check() accepts the defaults and names the bad key, value and range", "[ga]") {
  CHECK_NOTHROW(check(GaSettings{}));
  const auto fails_with = [](auto change, const std::string& message) {
    GaSettings s;
    s.population = 100;
    change(s);
    CHECK_THROWS_AS(check(s), ConfigError);
    CHECK_THROWS_WITH(check(s), Contains(message));
  };
  fails_with([](GaSettings& s) { s.population = 1; }, "population = 1 is outside [2, 10000000]");
  fails_with([](GaSettings& s) { s.population = 20'000'000; }, "population = 20000000 is outside [2, 10000000]");
  fails_with([](GaSettings& s) { s.generations = 2'000'000; }, "generations = 2000000 is outside [0, 1000000]");
  fails_with([](GaSettings& s) { s.tournament_size = 0; }, "tournament-size = 0 is outside [1, 100]");
  fails_with([](GaSettings& s) { s.tournament_size = 101; }, "tournament-size = 101 is outside [1, 100]");
  fails_with([](GaSettings& s) { s.elitism = 100; }, "elitism = 100 is outside [0, 99]");
  fails_with([](GaSettings& s) { s.crossover_rate = 1.5; }, "crossover-rate = 1.5 is outside [0, 1]");
  fails_with([](GaSettings& s) { s.crossover_rate = std::nan(""); }, "crossover-rate = nan is outside [0, 1]");
  fails_with([](GaSettings& s) { s.crossover = static_cast<CrossoverKind>(7); },
             "crossover = 7 is not one of uniform, blend, sbx");
  fails_with([](GaSettings& s) { s.blend_alpha = -0.1; }, "blend-alpha = -0.1 is outside [0, 1]");
  fails_with([](GaSettings& s) { s.sbx_eta = 0; }, "sbx-eta = 0 is outside (0, 100]");
  fails_with([](GaSettings& s) { s.sbx_eta = 101; }, "sbx-eta = 101 is outside (0, 100]");
  fails_with([](GaSettings& s) { s.mutation = static_cast<MutationKind>(9); },
             "mutation = 9 is not one of gaussian, reset");
  fails_with([](GaSettings& s) { s.mutation_rate = -1; }, "mutation-rate = -1 is outside [0, 1]");
  fails_with([](GaSettings& s) { s.mutation_scale = 0; }, "mutation-scale = 0 is outside (0, 1]");
  fails_with([](GaSettings& s) { s.mutation_scale = 2; }, "mutation-scale = 2 is outside (0, 1]");
  fails_with([](GaSettings& s) { s.type_switch_rate = 1.01; }, "type-switch-rate = 1.01 is outside [0, 1]");
  const auto last = type_count() - 1;
  fails_with([&](GaSettings& s) { s.strategies = {0, last + 1}; },
             "strategies[1] = " + std::to_string(last + 1) + " is not a registered strategy type; expected an index in [0, " +
                 std::to_string(last) + "]");
  fails_with([&](GaSettings& s) { s.strategies = {0, last, 0}; },
             "strategies lists " + strategy_registry()[0].name + " twice");
}

TEST_CASE("crossover and mutation kinds parse from their names", "[ga]") {
  for (auto kind : {CrossoverKind::uniform, CrossoverKind::blend, CrossoverKind::sbx})
    CHECK(parse_crossover(to_string(kind), "crossover") == kind);
  for (auto kind : {MutationKind::gaussian, MutationKind::reset})
    CHECK(parse_mutation(to_string(kind), "mutation") == kind);
  CHECK_THROWS_WITH(parse_crossover("one_point", "crossover"),
                    Contains("crossover = 'one_point' is not one of uniform, blend, sbx"));
  CHECK_THROWS_WITH(parse_mutation("cauchy", "ga.mutation"),
                    Contains("ga.mutation = 'cauchy' is not one of gaussian, reset"));
}
