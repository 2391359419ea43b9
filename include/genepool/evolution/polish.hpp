#pragma once
// Polishing the elite: a local search from the best distinct genomes of a generation. Integer
// parameters move to the best neighbour within a radius; real parameters and the evolved exit genes
// by a pattern search whose steps halve when no move improves. docs/genetic-algorithm.md, "Polishing".
#include <cstddef>
#include <functional>
#include <span>
#include <vector>

#include "genepool/ga/fitness.hpp"
#include "genepool/ga/search_space.hpp"
#include "genepool/strategies/genome.hpp"

namespace genepool {

struct PolishSettings {
  // The budget: each polish may score this share of population x the generations since the previous
  // one (so about this share of the run's evaluations goes to polishing); 0 turns polishing off.
  double share = 0.1;
  std::size_t interval = 5;  // generations between polishes; the last generation is always polished
  std::size_t elite = 2;     // best distinct genomes polished each time
  std::size_t radius = 1;    // integer parameters: every neighbour within this many steps of each
  double step = 0.05;        // first pattern step of real values, share of the range; down to step / 64
};

// Throws ConfigError naming the key: polish-share in [0, 1], polish-interval in [1, 1,000,000],
// polish-elite in [1, 1000], polish-radius in [1, 10], polish-step in (0, 0.5].
void check(const PolishSettings& settings);

// One genome scored: its evaluation, its raw fitness (the objective) and its fitness (raw, or robust).
struct Scored {
  Evaluation evaluation;
  double raw_fitness = 0;
  double fitness = 0;
};

// Scores a batch: scores[i] for genomes[i].
using Scorer = std::function<void(std::span<const Genome> genomes, std::span<Scored> scores)>;

struct PolishResult {
  // Every genome the polish scored, in the order scored (each at most once).
  std::vector<Genome> genomes;
  std::vector<Scored> scores;
  // Per start: the best genome its search reached (the start itself when nothing beat it).
  std::vector<Genome> ends;
  std::vector<Scored> end_scores;
  std::vector<bool> converged;  // the search stopped at a local optimum (not for want of budget)
};

// The candidate moves from `genome`: the integer neighbourhood (every combination of offsets in
// [-radius, radius] over the integer parameters when that is at most 124 genomes, else each integer
// parameter moved alone by 1..radius, down then up), then each real parameter and exit gene moved down
// and up by steps[d] of its range (d over the real parameters, then the exit genes). Repaired within
// `space`; the genome itself and repeats dropped.
std::vector<Genome> polish_moves(const Genome& genome, std::span<const double> steps, std::size_t radius,
                                 const SearchSpace& space);

// The real dimensions of a genome's search: its real parameters, then the space's exit genes.
std::size_t real_dimensions(const Genome& genome, const SearchSpace& space);

// Hill climbs from every start at once, one batch through `score` per step: each search moves to its
// best candidate when that beats its current fitness; otherwise its real steps halve (down to
// settings.step / 64) and, when none is left to halve, it has converged. Stops when every search has
// converged or `budget` genomes have been scored (the last batch cut to fit). Deterministic: no randomness.
PolishResult polish(std::span<const Genome> starts, std::span<const Scored> start_scores, std::size_t budget,
                    const PolishSettings& settings, const SearchSpace& space, const Scorer& score);

}  // namespace genepool
