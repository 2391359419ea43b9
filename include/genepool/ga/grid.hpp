#pragma once
// The exhaustive baseline's search space: every point of a parameter grid of some strategy types.
#include <cstddef>
#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "genepool/ga/search_space.hpp"
#include "genepool/strategies/genome.hpp"

namespace genepool {

struct Grid {
  std::vector<Genome> points;         // type by type, in the order given; parameters in lexicographic order
  std::vector<std::uint32_t> types;   // the types, in the order given
  std::vector<std::size_t> counts;    // points of each type
};

// Every point of the grid of `strategies` (registry names, each at most once) with `steps` by
// parameter name: NAME or TYPE.NAME, the qualified name winning. A parameter takes lower,
// lower + step, ... up to upper of its bounds in `space` (an integer one from ceil(lower), step 1
// unless given; a real one needs a step unless `space` fixes it); a point that breaks its type's less_than order is left out. Throws ConfigError for
// a type given twice, a real parameter without a step, a fractional step of an integer parameter, a
// step naming no parameter of these types, more than 1e9 raw combinations, more than `max_points`
// points or fewer than 2.
Grid enumerate_grid(const std::vector<std::string>& strategies, const std::map<std::string, double>& steps,
                    std::size_t max_points, const SearchSpace& space = {});

}  // namespace genepool
