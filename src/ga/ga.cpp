#include "genepool/ga/ga.hpp"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <limits>
#include <numeric>
#include <set>

#include "genepool/error.hpp"
#include "genepool/number_text.hpp"
#include "genepool/strategies/strategy.hpp"

namespace genepool {
namespace {

inline constexpr std::size_t kMaxPopulation = 10'000'000;
inline constexpr std::size_t kMaxGenerations = 1'000'000;
inline constexpr double kMaxSbxEta = 100;

void check_count(std::string_view key, std::size_t value, std::size_t lower, std::size_t upper) {
  if (value < lower || value > upper)
    throw ConfigError(std::string(key) + " = " + std::to_string(value) + " is outside [" + std::to_string(lower) +
                      ", " + std::to_string(upper) + "]");
}

// Closed [lower, upper], or open at the lower end; NaN is always outside.
void check_real(std::string_view key, double value, double lower, double upper, bool lower_open = false) {
  const bool above = lower_open ? value > lower : value >= lower;
  if (!(above && value <= upper))
    throw ConfigError(std::string(key) + " = " + plain_shortest(value) + " is outside " + (lower_open ? "(" : "[") +
                      plain_shortest(lower) + ", " + plain_shortest(upper) + "]");
}

// The types in play: settings.strategies, or every registered type when it is empty.
std::vector<std::uint32_t> types_in_play(const GaSettings& settings) {
  if (!settings.strategies.empty()) return settings.strategies;
  std::vector<std::uint32_t> all(strategy_registry().size());
  std::iota(all.begin(), all.end(), std::uint32_t{0});
  return all;
}

// Integer parameters draw over their integral values, real ones over [lower, upper).
double random_value(const ParamSpec& spec, Rng& rng) {
  if (spec.kind == ParamKind::real) return rng.uniform(spec.lower, spec.upper);
  const double lower = std::ceil(spec.lower);
  const double upper = std::max(lower, std::floor(spec.upper));
  return static_cast<double>(rng.uniform_int(static_cast<std::int64_t>(lower), static_cast<std::int64_t>(upper)));
}

// Ranking key: NaN below everything, so selection and elitism are total orders.
double rank_key(double fitness) {
  return std::isnan(fitness) ? -std::numeric_limits<double>::infinity() : fitness;
}

// Bounded simulated binary crossover (Deb and Agrawal 1995; the NSGA-II variant that keeps the
// child inside [lower, upper]) for one parameter. One child: the lower- or upper-side one, 50/50.
double sbx(double x1, double x2, double lower, double upper, double eta, Rng& rng) {
  const bool upper_side = rng.bernoulli(0.5);
  const double u = rng.uniform();
  const double y1 = std::min(x1, x2);
  const double y2 = std::max(x1, x2);
  const double gap = y2 - y1;
  if (!(gap > 1e-14)) return x1;
  const double exponent = 1.0 / (eta + 1.0);
  // beta measures the room between the parents and the bound on the child's side.
  const double beta = 1.0 + 2.0 * (upper_side ? (upper - y2) : (y1 - lower)) / gap;
  const double alpha = 2.0 - std::pow(beta, -(eta + 1.0));
  const double betaq = u <= 1.0 / alpha ? std::pow(u * alpha, exponent) : std::pow(1.0 / (2.0 - u * alpha), exponent);
  const double mid = 0.5 * (y1 + y2);
  const double child = upper_side ? mid + 0.5 * betaq * gap : mid - 0.5 * betaq * gap;
  return std::clamp(child, lower, upper);
}

double crossover_value(const ParamSpec& spec, double a, double b, const GaSettings& settings, Rng& rng) {
  switch (settings.crossover) {
    case CrossoverKind::uniform:
      return rng.bernoulli(0.5) ? a : b;
    case CrossoverKind::blend: {
      const double lo = std::min(a, b);
      const double hi = std::max(a, b);
      const double d = settings.blend_alpha * (hi - lo);
      return rng.uniform(lo - d, hi + d);
    }
    case CrossoverKind::sbx:
      return sbx(a, b, spec.lower, spec.upper, settings.sbx_eta, rng);
  }
  throw Error("crossover: unknown kind " + std::to_string(static_cast<int>(settings.crossover)));
}

double mutated_value(const ParamSpec& spec, double x, const GaSettings& settings, Rng& rng) {
  if (settings.mutation == MutationKind::reset) return random_value(spec, rng);
  const double step = rng.normal() * settings.mutation_scale * (spec.upper - spec.lower);
  if (spec.kind == ParamKind::real) return x + step;
  // NOTE: an integer always moves at least one step (towards the draw's sign), so parameters with
  // few values still mutate; larger draws round to the nearest whole step.
  const double whole = std::round(step);
  return x + (whole != 0 ? whole : (step < 0 ? -1.0 : 1.0));
}

// The exit genes back inside their ranges: clamped, whole numbers rounded.
void repair_exits(Genome& genome, const SearchSpace& space) {
  for (const ExitGeneRange& range : space.exit_genes()) {
    double& value = genome.exits[static_cast<std::size_t>(range.gene)];
    if (range.spec.kind == ParamKind::integer) value = std::round(value);
    value = std::clamp(value, range.spec.lower, range.spec.upper);
  }
}

// The parameters of `strategy` drawn afresh and repaired; the exit genes are left as they are.
void draw_params(Genome& genome, std::uint32_t strategy, Rng& rng, const SearchSpace& space) {
  const StrategyType& type = space.type(strategy);
  genome.strategy = strategy;
  genome.params = {};
  for (std::size_t i = 0; i < type.params.size(); ++i) genome.params[i] = random_value(type.params[i], rng);
  repair(type, genome.params.data());
}

// Orders genomes by their bytes: "exact duplicate" means bit-identical.
struct BytesLess {
  bool operator()(const Genome& a, const Genome& b) const { return std::memcmp(&a, &b, sizeof(Genome)) < 0; }
};

}  // namespace

void check(const GaSettings& settings) {
  check_count("population", settings.population, 2, kMaxPopulation);
  check_count("generations", settings.generations, 0, kMaxGenerations);
  check_count("tournament-size", settings.tournament_size, 1, settings.population);
  check_count("elitism", settings.elitism, 0, settings.population - 1);
  check_real("crossover-rate", settings.crossover_rate, 0, 1);
  if (settings.crossover != CrossoverKind::uniform && settings.crossover != CrossoverKind::blend &&
      settings.crossover != CrossoverKind::sbx)
    throw ConfigError("crossover = " + std::to_string(static_cast<int>(settings.crossover)) +
                      " is not one of uniform, blend, sbx");
  check_real("blend-alpha", settings.blend_alpha, 0, 1);
  check_real("sbx-eta", settings.sbx_eta, 0, kMaxSbxEta, true);
  if (settings.mutation != MutationKind::gaussian && settings.mutation != MutationKind::reset)
    throw ConfigError("mutation = " + std::to_string(static_cast<int>(settings.mutation)) +
                      " is not one of gaussian, reset");
  check_real("mutation-rate", settings.mutation_rate, 0, 1);
  check_real("mutation-scale", settings.mutation_scale, 0, 1, true);
  check_real("type-switch-rate", settings.type_switch_rate, 0, 1);
  check_real("type-quota", settings.type_quota, 0, 1);
  check_count("type-quota-generations", settings.type_quota_generations, 0, kMaxGenerations);
  const auto& registry = strategy_registry();
  for (std::size_t i = 0; i < settings.strategies.size(); ++i) {
    const std::uint32_t id = settings.strategies[i];
    if (id >= registry.size())
      throw ConfigError("strategies[" + std::to_string(i) + "] = " + std::to_string(id) +
                        " is not a registered strategy type; expected an index in [0, " +
                        std::to_string(registry.size() - 1) + "]");
    for (std::size_t j = 0; j < i; ++j)
      if (settings.strategies[j] == id)
        throw ConfigError("strategies lists " + registry[id].name + " twice (entries " + std::to_string(j) + " and " +
                          std::to_string(i) + "); expected each type at most once");
  }
}

std::string_view to_string(CrossoverKind kind) {
  switch (kind) {
    case CrossoverKind::uniform: return "uniform";
    case CrossoverKind::blend: return "blend";
    case CrossoverKind::sbx: return "sbx";
  }
  return "unknown";
}

std::string_view to_string(MutationKind kind) {
  switch (kind) {
    case MutationKind::gaussian: return "gaussian";
    case MutationKind::reset: return "reset";
  }
  return "unknown";
}

CrossoverKind parse_crossover(std::string_view text, std::string_view key) {
  for (auto kind : {CrossoverKind::uniform, CrossoverKind::blend, CrossoverKind::sbx})
    if (text == to_string(kind)) return kind;
  throw ConfigError(std::string(key) + " = '" + std::string(text) + "' is not one of uniform, blend, sbx");
}

MutationKind parse_mutation(std::string_view text, std::string_view key) {
  for (auto kind : {MutationKind::gaussian, MutationKind::reset})
    if (text == to_string(kind)) return kind;
  throw ConfigError(std::string(key) + " = '" + std::string(text) + "' is not one of gaussian, reset");
}

Genome random_genome(std::uint32_t strategy, Rng& rng, const SearchSpace& space) {
  Genome genome;
  draw_params(genome, strategy, rng, space);
  genome.exit_genes = space.exit_gene_bits();
  for (const ExitGeneRange& range : space.exit_genes())
    genome.exits[static_cast<std::size_t>(range.gene)] = random_value(range.spec, rng);
  return genome;
}

void repair_genome(Genome& genome, const SearchSpace& space) {
  repair(space.type(genome.strategy), genome.params.data());
  repair_exits(genome, space);
}

std::vector<Genome> initial_population(const GaSettings& settings, Rng& rng) {
  const auto types = types_in_play(settings);
  std::vector<Genome> population;
  population.reserve(settings.population);
  for (std::size_t i = 0; i < settings.population; ++i)
    population.push_back(random_genome(types[i % types.size()], rng, settings.space));
  return population;
}

std::size_t tournament_select(std::span<const double> fitness, std::size_t size, Rng& rng) {
  if (fitness.empty() || size == 0)
    throw Error("tournament_select: needs a non-empty population (got " + std::to_string(fitness.size()) +
                ") and a tournament size >= 1 (got " + std::to_string(size) + ")");
  const auto last = static_cast<std::int64_t>(fitness.size() - 1);
  auto best = static_cast<std::size_t>(rng.uniform_int(0, last));
  for (std::size_t k = 1; k < size; ++k) {
    const auto c = static_cast<std::size_t>(rng.uniform_int(0, last));
    const double fc = rank_key(fitness[c]);
    const double fb = rank_key(fitness[best]);
    if (fc > fb || (fc == fb && c < best)) best = c;
  }
  return best;
}

std::size_t type_quota_size(const GaSettings& settings) {
  const std::size_t types = types_in_play(settings).size();
  if (types < 2) return 0;
  return static_cast<std::size_t>(
      std::floor(settings.type_quota * static_cast<double>(settings.population) / static_cast<double>(types)));
}

Genome crossover(const Genome& a, const Genome& b, const GaSettings& settings, Rng& rng) {
  // NOTE: types compete rather than mix: their parameters mean different things.
  // The exit genes mean the same for every type: they are crossed in either case.
  const auto cross_exits = [&](Genome& child) {
    for (const ExitGeneRange& range : settings.space.exit_genes()) {
      const auto g = static_cast<std::size_t>(range.gene);
      child.exits[g] = crossover_value(range.spec, a.exits[g], b.exits[g], settings, rng);
    }
    repair_exits(child, settings.space);
  };
  if (a.strategy != b.strategy) {
    Genome child = rng.bernoulli(0.5) ? a : b;
    repair(settings.space.type(child.strategy), child.params.data());
    cross_exits(child);
    return child;
  }
  const StrategyType& type = settings.space.type(a.strategy);
  Genome child;
  child.strategy = a.strategy;
  child.exit_genes = a.exit_genes;
  for (std::size_t i = 0; i < type.params.size(); ++i)
    child.params[i] = crossover_value(type.params[i], a.params[i], b.params[i], settings, rng);
  repair(type, child.params.data());
  cross_exits(child);
  return child;
}

void mutate(Genome& genome, const GaSettings& settings, Rng& rng) {
  const StrategyType& type = settings.space.type(genome.strategy);
  for (std::size_t i = 0; i < type.params.size(); ++i)
    if (rng.bernoulli(settings.mutation_rate))
      genome.params[i] = mutated_value(type.params[i], genome.params[i], settings, rng);
  repair(type, genome.params.data());
  for (const ExitGeneRange& range : settings.space.exit_genes()) {
    double& value = genome.exits[static_cast<std::size_t>(range.gene)];
    if (rng.bernoulli(settings.mutation_rate)) value = mutated_value(range.spec, value, settings, rng);
  }
  repair_exits(genome, settings.space);

  const auto types = types_in_play(settings);
  if (types.size() < 2 || !rng.bernoulli(settings.type_switch_rate)) return;
  std::vector<std::uint32_t> others;
  for (auto t : types)
    if (t != genome.strategy) others.push_back(t);
  const auto pick = rng.uniform_int(0, static_cast<std::int64_t>(others.size()) - 1);
  draw_params(genome, others[static_cast<std::size_t>(pick)], rng, settings.space);  // the exit genes stay
}

std::vector<Genome> next_generation(std::span<const Genome> population, std::span<const double> fitness,
                                    const GaSettings& settings, Rng& rng) {
  if (population.empty() || fitness.size() != population.size())
    throw Error("next_generation: " + std::to_string(population.size()) + " genomes and " +
                std::to_string(fitness.size()) + " fitness values; expected a non-empty population with one value each");
  std::vector<Genome> next;
  next.reserve(settings.population);

  // Elites: best first, ties by index; bit-identical copies are skipped so elitism keeps distinct
  // individuals (with fewer distinct genomes than `elitism`, the rest of the slots are children).
  const std::size_t elites = std::min(settings.elitism, settings.population);
  if (elites > 0) {
    std::vector<std::size_t> order(population.size());
    std::iota(order.begin(), order.end(), std::size_t{0});
    std::sort(order.begin(), order.end(), [&](std::size_t i, std::size_t j) {
      const double fi = rank_key(fitness[i]);
      const double fj = rank_key(fitness[j]);
      return fi > fj || (fi == fj && i < j);
    });
    std::set<Genome, BytesLess> seen;
    for (std::size_t i = 0; i < order.size() && next.size() < elites; ++i)
      if (seen.insert(population[order[i]]).second) next.push_back(population[order[i]]);
  }

  // Quotas: each type in play gets children until it has type_quota_size() members, bred only from its
  // own members (by tournament among them) without type switching, or drawn afresh when it has none.
  if (const std::size_t quota = type_quota_size(settings); quota > 0) {
    GaSettings own = settings;
    own.type_switch_rate = 0;
    std::vector<std::size_t> members;
    std::vector<double> member_fitness;
    for (const std::uint32_t type : types_in_play(settings)) {
      members.clear();
      member_fitness.clear();
      for (std::size_t i = 0; i < population.size(); ++i)
        if (population[i].strategy == type) {
          members.push_back(i);
          member_fitness.push_back(fitness[i]);
        }
      std::size_t have = static_cast<std::size_t>(
          std::count_if(next.begin(), next.end(), [type](const Genome& g) { return g.strategy == type; }));
      for (; have < quota && next.size() < settings.population; ++have) {
        if (members.empty()) {
          next.push_back(random_genome(type, rng, settings.space));
          continue;
        }
        const std::size_t p1 = members[tournament_select(member_fitness, settings.tournament_size, rng)];
        const std::size_t p2 = members[tournament_select(member_fitness, settings.tournament_size, rng)];
        Genome child = rng.bernoulli(settings.crossover_rate) ? crossover(population[p1], population[p2], own, rng)
                                                              : population[p1];
        mutate(child, own, rng);
        next.push_back(child);
      }
    }
  }

  while (next.size() < settings.population) {
    const std::size_t p1 = tournament_select(fitness, settings.tournament_size, rng);
    const std::size_t p2 = tournament_select(fitness, settings.tournament_size, rng);
    Genome child = rng.bernoulli(settings.crossover_rate) ? crossover(population[p1], population[p2], settings, rng)
                                                          : population[p1];
    mutate(child, settings, rng);
    next.push_back(child);
  }
  return next;
}

}  // namespace genepool
