// The diverse top list of /best (top_selection.hpp).
#include "genepool/results/top_selection.hpp"

#include <H5Cpp.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <sstream>

#include "genepool/io/hdf5.hpp"
#include "genepool/strategies/strategy.hpp"

namespace genepool {

std::size_t candidate_pool(std::size_t top, double min_distance) {
  if (!(min_distance > 0)) return top;
  constexpr std::size_t kFactor = 20;
  constexpr std::size_t kMaxPool = 10'000;
  return std::max(top, std::min(top * kFactor, kMaxPool));
}

double parameter_distance(const Genome& a, const Genome& b, const SearchSpace& space) {
  if (a.strategy != b.strategy) return std::numeric_limits<double>::infinity();
  const StrategyType& type = space.type(a.strategy);
  double distance = 0;
  const auto add = [&distance](double x, double y, double lower, double upper) {
    if (upper > lower) distance = std::max(distance, std::fabs(x - y) / (upper - lower));
  };
  for (std::size_t p = 0; p < type.params.size() && p < kMaxParams; ++p)
    add(a.params[p], b.params[p], type.params[p].lower, type.params[p].upper);
  for (const ExitGeneRange& range : space.exit_genes()) {
    const auto g = static_cast<std::size_t>(range.gene);
    if (a.has_gene(range.gene) && b.has_gene(range.gene))
      add(a.exits[g], b.exits[g], range.spec.lower, range.spec.upper);
  }
  return distance;
}

std::vector<HallOfFameEntry> select_diverse(std::span<const HallOfFameEntry> ranked, std::size_t top,
                                            double min_distance, const SearchSpace& space) {
  std::vector<HallOfFameEntry> kept;
  for (const HallOfFameEntry& entry : ranked) {
    if (kept.size() == top) break;
    const bool near = min_distance > 0 && std::any_of(kept.begin(), kept.end(), [&](const HallOfFameEntry& k) {
                        return parameter_distance(entry.genome, k.genome, space) < min_distance;
                      });
    if (!near) kept.push_back(entry);
  }
  return kept;
}

std::string selection_rule(double min_distance) {
  if (!(min_distance > 0)) return "best first, distinct genomes and metrics (top-distance 0: no minimum distance)";
  std::ostringstream text;
  text << "best first, each at least " << min_distance
       << " from every better one of its type in parameter distance (the largest difference of a parameter or "
          "evolved exit over its search range; top-distance); strategies of other types always differ";
  return text.str();
}

void write_selection(hdf5::Writer& out, const H5::Group& root, double min_distance) {
  const H5::Group best = root.openGroup("best");
  out.text(best, "selection", selection_rule(min_distance));
  out.number(best, "top_distance", min_distance);
}

}  // namespace genepool
