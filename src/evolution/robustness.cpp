#include "genepool/evolution/robustness.hpp"

#include <algorithm>
#include <cmath>

#include "genepool/error.hpp"
#include "genepool/ga/ga.hpp"
#include "genepool/number_text.hpp"

namespace genepool {
namespace {

// The move of one value by `radius` of its range: whole steps for integers, at least one.
double offset(const ParamSpec& spec, double radius) {
  const double move = radius * (spec.upper - spec.lower);
  if (spec.kind == ParamKind::real) return move;
  return std::max(1.0, std::round(move));
}

}  // namespace

void check(const RobustnessSettings& settings) {
  if (!(settings.radius > 0 && settings.radius <= 0.5))
    throw ConfigError("robustness-radius = " + plain_shortest(settings.radius) + " is outside (0, 0.5]");
  if (settings.kind != RobustnessKind::none && settings.kind != RobustnessKind::mean &&
      settings.kind != RobustnessKind::min)
    throw ConfigError("robustness = " + std::to_string(static_cast<int>(settings.kind)) + " is not one of none, mean, min");
}

std::string_view to_string(RobustnessKind kind) {
  switch (kind) {
    case RobustnessKind::none: return "none";
    case RobustnessKind::mean: return "mean";
    case RobustnessKind::min: return "min";
  }
  return "unknown";
}

RobustnessKind parse_robustness(std::string_view text, std::string_view key) {
  for (auto kind : {RobustnessKind::none, RobustnessKind::mean, RobustnessKind::min})
    if (text == to_string(kind)) return kind;
  throw ConfigError(std::string(key) + " = '" + std::string(text) + "' is not one of none, mean, min");
}

std::vector<Genome> neighbourhood(const Genome& genome, const RobustnessSettings& settings, const SearchSpace& space) {
  std::vector<Genome> neighbours;
  const auto add = [&](Genome candidate) {
    repair_genome(candidate, space);
    if (candidate == genome || std::find(neighbours.begin(), neighbours.end(), candidate) != neighbours.end()) return;
    neighbours.push_back(candidate);
  };
  const StrategyType& type = space.type(genome.strategy);
  for (std::size_t p = 0; p < type.params.size(); ++p) {
    const double move = offset(type.params[p], settings.radius);
    for (const double sign : {-1.0, 1.0}) {
      Genome candidate = genome;
      candidate.params[p] += sign * move;
      add(candidate);
    }
  }
  for (const ExitGeneRange& range : space.exit_genes()) {
    const auto g = static_cast<std::size_t>(range.gene);
    const double move = offset(range.spec, settings.radius);
    for (const double sign : {-1.0, 1.0}) {
      Genome candidate = genome;
      candidate.exits[g] += sign * move;
      add(candidate);
    }
  }
  return neighbours;
}

double robust_fitness(RobustnessKind kind, double own, std::span<const double> neighbours) {
  if (kind == RobustnessKind::none) return own;
  double combined = own;
  for (const double f : neighbours) {
    if (std::isnan(f)) return f;
    combined = kind == RobustnessKind::min ? std::min(combined, f) : combined + f;
  }
  if (std::isnan(own)) return own;
  return kind == RobustnessKind::min ? combined : combined / static_cast<double>(neighbours.size() + 1);
}

}  // namespace genepool
