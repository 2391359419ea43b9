#pragma once
// Which strategies /best keeps: the best distinct ones, each far enough in its parameters from every
// better one of its type that the list shows alternatives rather than ten clones of the winner.
#include <cstddef>
#include <span>
#include <string>
#include <vector>

#include "genepool/evolution/evolution.hpp"
#include "genepool/ga/search_space.hpp"

namespace H5 {
class Group;
}  // namespace H5

namespace genepool {

namespace hdf5 {
class Writer;
}  // namespace hdf5

// The command line's default top-distance: two strategies of one type whose every parameter lies
// within 5 % of its search range of the other's are one strategy for /best.
inline constexpr double kDefaultTopDistance = 0.05;

// Candidates the search keeps so that `top` far enough apart can be chosen from them: `top` when
// min_distance is 0 (the plain hall of fame), else 20 × top, at most 10,000 (and never below top).
std::size_t candidate_pool(std::size_t top, double min_distance);

// The distance of two genomes: +inf for two types; for one type, the largest |a - b| of a
// parameter, or of an exit gene both evolve, over its search range in `space` (fixed ones skipped).
double parameter_distance(const Genome& a, const Genome& b, const SearchSpace& space);

// The first `top` entries of `ranked` (best first; NSGA-II: the knee first), skipping each whose
// parameter_distance to an entry already kept is below `min_distance`; the order is kept. With
// min_distance 0 it is the first `top` entries.
std::vector<HallOfFameEntry> select_diverse(std::span<const HallOfFameEntry> ranked, std::size_t top,
                                            double min_distance, const SearchSpace& space);

// The rule in words, as /best's attribute `selection` records it.
std::string selection_rule(double min_distance);

// Writes /best's attributes `selection` and `top_distance`; an ExtraContent of ResultsWriter::finish.
void write_selection(hdf5::Writer& out, const H5::Group& root, double min_distance);

}  // namespace genepool
