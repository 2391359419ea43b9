#pragma once
// Robust fitness: a genome scored by the mean or the worst of its objective over its parameter
// neighbourhood, so that a broad plateau beats a one-point spike (docs/genetic-algorithm.md).
#include <span>
#include <string_view>
#include <vector>

#include "genepool/ga/search_space.hpp"
#include "genepool/strategies/genome.hpp"

namespace genepool {

enum class RobustnessKind { none, mean, min };

struct RobustnessSettings {
  RobustnessKind kind = RobustnessKind::none;
  // Each parameter and evolved exit gene is moved down and up by this share of its range (integers
  // by at least one whole step).
  double radius = 0.02;
};

// Throws ConfigError naming robustness-radius when it is outside (0, 0.5].
void check(const RobustnessSettings& settings);
std::string_view to_string(RobustnessKind kind);
// Throws ConfigError naming `key`, the text and the allowed values.
RobustnessKind parse_robustness(std::string_view text, std::string_view key);

// The genome's neighbours: for each parameter of its type, then each evolved exit gene, the genome
// with that value moved down, then up, by settings.radius of its range (integers rounded, at least one
// step), repaired within `space`. Neighbours equal to the genome or to an earlier neighbour are
// dropped (a value at its bound has no neighbour beyond it), so the list may be shorter than 2n.
std::vector<Genome> neighbourhood(const Genome& genome, const RobustnessSettings& settings, const SearchSpace& space);

// The robust fitness of a genome from its own fitness and its neighbours': the mean of all of them,
// or the smallest (RobustnessKind::none: `own`). A NaN anywhere gives NaN.
double robust_fitness(RobustnessKind kind, double own, std::span<const double> neighbours);

}  // namespace genepool
