#include "genepool/evolution/polish.hpp"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <limits>
#include <map>
#include <set>

#include "genepool/error.hpp"
#include "genepool/ga/ga.hpp"
#include "genepool/number_text.hpp"

namespace genepool {
namespace {

constexpr std::size_t kMaxBall = 124;     // integer neighbours tried as a full ball at most
constexpr double kSmallestStep = 1.0 / 64;  // of the first step

struct BytesLess {
  bool operator()(const Genome& a, const Genome& b) const { return std::memcmp(&a, &b, sizeof(Genome)) < 0; }
};

double rank_key(double fitness) { return std::isnan(fitness) ? -std::numeric_limits<double>::infinity() : fitness; }

// The integer parameters of the genome's type, by index.
std::vector<std::size_t> integer_params(const StrategyType& type) {
  std::vector<std::size_t> ints;
  for (std::size_t p = 0; p < type.params.size(); ++p)
    if (type.params[p].kind == ParamKind::integer) ints.push_back(p);
  return ints;
}

struct Search {
  Genome current;
  Scored score;
  std::vector<double> steps;  // share of the range, per real dimension
  bool done = false;
  bool converged = false;
};

}  // namespace

void check(const PolishSettings& settings) {
  if (!(settings.share >= 0 && settings.share <= 1))
    throw ConfigError("polish-share = " + plain_shortest(settings.share) + " is outside [0, 1]");
  if (settings.interval < 1 || settings.interval > 1'000'000)
    throw ConfigError("polish-interval = " + std::to_string(settings.interval) + " is outside [1, 1000000]");
  if (settings.elite < 1 || settings.elite > 1000)
    throw ConfigError("polish-elite = " + std::to_string(settings.elite) + " is outside [1, 1000]");
  if (settings.radius < 1 || settings.radius > 10)
    throw ConfigError("polish-radius = " + std::to_string(settings.radius) + " is outside [1, 10]");
  if (!(settings.step > 0 && settings.step <= 0.5))
    throw ConfigError("polish-step = " + plain_shortest(settings.step) + " is outside (0, 0.5]");
}

std::size_t real_dimensions(const Genome& genome, const SearchSpace& space) {
  const StrategyType& type = space.type(genome.strategy);
  return type.params.size() - integer_params(type).size() + space.exit_genes().size();
}

std::vector<Genome> polish_moves(const Genome& genome, std::span<const double> steps, std::size_t radius,
                                 const SearchSpace& space) {
  const StrategyType& type = space.type(genome.strategy);
  std::vector<Genome> moves;
  std::set<Genome, BytesLess> seen{genome};
  const auto add = [&](Genome candidate) {
    repair_genome(candidate, space);
    if (seen.insert(candidate).second) moves.push_back(candidate);
  };
  const std::vector<std::size_t> ints = integer_params(type);
  const auto r = static_cast<long>(radius);
  const std::size_t side = 2 * radius + 1;
  std::size_t ball = 1;
  for (std::size_t i = 0; i < ints.size() && ball <= kMaxBall + 1; ++i) ball *= side;
  if (!ints.empty() && ball - 1 <= kMaxBall) {
    for (std::size_t code = 0; code < ball; ++code) {
      Genome candidate = genome;
      std::size_t rest = code;
      for (const std::size_t p : ints) {
        candidate.params[p] += static_cast<double>(static_cast<long>(rest % side) - r);
        rest /= side;
      }
      add(candidate);
    }
  } else {
    for (const std::size_t p : ints)
      for (long d = 1; d <= r; ++d)
        for (const double sign : {-1.0, 1.0}) {
          Genome candidate = genome;
          candidate.params[p] += sign * static_cast<double>(d);
          add(candidate);
        }
  }
  std::size_t d = 0;
  for (std::size_t p = 0; p < type.params.size(); ++p) {
    if (type.params[p].kind != ParamKind::real) continue;
    const double move = steps[d++] * (type.params[p].upper - type.params[p].lower);
    for (const double sign : {-1.0, 1.0}) {
      Genome candidate = genome;
      candidate.params[p] += sign * move;
      add(candidate);
    }
  }
  for (const ExitGeneRange& range : space.exit_genes()) {
    const auto g = static_cast<std::size_t>(range.gene);
    double move = steps[d++] * (range.spec.upper - range.spec.lower);
    if (range.spec.kind == ParamKind::integer) move = std::max(1.0, std::round(move));
    for (const double sign : {-1.0, 1.0}) {
      Genome candidate = genome;
      candidate.exits[g] += sign * move;
      add(candidate);
    }
  }
  return moves;
}

PolishResult polish(std::span<const Genome> starts, std::span<const Scored> start_scores, std::size_t budget,
                    const PolishSettings& settings, const SearchSpace& space, const Scorer& score) {
  PolishResult result;
  std::map<Genome, Scored, BytesLess> known;
  std::vector<Search> searches;
  for (std::size_t s = 0; s < starts.size(); ++s) {
    known.emplace(starts[s], start_scores[s]);
    searches.push_back({starts[s], start_scores[s],
                        std::vector<double>(real_dimensions(starts[s], space), settings.step), false, false});
  }
  const double smallest = settings.step * kSmallestStep;
  std::vector<std::vector<Genome>> moves(searches.size());
  while (result.genomes.size() < budget) {
    std::vector<Genome> batch;
    std::set<Genome, BytesLess> in_batch;
    for (std::size_t s = 0; s < searches.size(); ++s) {
      moves[s].clear();
      if (searches[s].done) continue;
      moves[s] = polish_moves(searches[s].current, searches[s].steps, settings.radius, space);
      for (const Genome& move : moves[s])
        if (known.count(move) == 0 && in_batch.insert(move).second) batch.push_back(move);
    }
    if (std::all_of(searches.begin(), searches.end(), [](const Search& s) { return s.done; })) break;
    const bool cut = batch.size() > budget - result.genomes.size();
    if (cut) batch.resize(budget - result.genomes.size());
    std::vector<Scored> scores(batch.size());
    if (!batch.empty()) score(batch, scores);
    for (std::size_t i = 0; i < batch.size(); ++i) {
      known.emplace(batch[i], scores[i]);
      result.genomes.push_back(batch[i]);
      result.scores.push_back(scores[i]);
    }
    for (std::size_t s = 0; s < searches.size(); ++s) {
      Search& search = searches[s];
      if (search.done) continue;
      const Genome* best = nullptr;
      double best_fitness = rank_key(search.score.fitness);
      for (const Genome& move : moves[s]) {
        const auto it = known.find(move);
        if (it != known.end() && rank_key(it->second.fitness) > best_fitness) {
          best = &it->first;
          best_fitness = rank_key(it->second.fitness);
        }
      }
      if (best != nullptr) {
        search.current = *best;
        search.score = known.at(*best);
      } else if (cut) {
        search.done = true;  // not every move was scored: no verdict on this point
      } else if (std::any_of(search.steps.begin(), search.steps.end(), [&](double step) { return step > smallest; })) {
        for (double& step : search.steps) step = std::max(smallest, step / 2);
      } else {
        search.done = search.converged = true;
      }
      // Two searches on one point are one search: the later stops.
      for (std::size_t t = 0; t < s; ++t)
        if (searches[t].current == search.current && !search.done) search.done = true;
    }
    if (cut) break;
  }
  for (const Search& search : searches) {
    result.ends.push_back(search.current);
    result.end_scores.push_back(search.score);
    result.converged.push_back(search.converged);
  }
  return result;
}

}  // namespace genepool
