#include "genepool/ga/grid.hpp"

#include <algorithm>
#include <array>
#include <cmath>
#include <utility>

#include "genepool/error.hpp"
#include "genepool/strategies/strategy.hpp"

namespace genepool {
namespace {

// Grids are counted point by point only below this many raw combinations.
constexpr double kMaxRawCombinations = 1e9;

// The values each parameter of a type takes: lower, lower + step, ... up to upper.
using Axes = std::vector<std::vector<double>>;

Axes axes_of(const StrategyType& type, const std::map<std::string, double>& steps, std::map<std::string, bool>& used) {
  Axes axes;
  for (const ParamSpec& spec : type.params) {
    const std::string qualified = type.name + "." + spec.name;
    double step = spec.kind == ParamKind::integer || spec.lower == spec.upper ? 1.0 : 0.0;
    for (const std::string& key : {spec.name, qualified}) {  // the qualified name wins
      if (const auto it = steps.find(key); it != steps.end()) {
        step = it->second;
        used[key] = true;
      }
    }
    if (step == 0)
      throw ConfigError("step: " + qualified + " is a real parameter in [" + std::to_string(spec.lower) + ", " +
                        std::to_string(spec.upper) + "]; give its grid step, e.g. --step " + spec.name + "=" +
                        std::to_string((spec.upper - spec.lower) / 10));
    if (spec.kind == ParamKind::integer && step != std::round(step))
      throw ConfigError("step: " + qualified + " is an integer parameter; expected a whole step, got " +
                        std::to_string(step));
    const double lower = spec.kind == ParamKind::integer ? std::ceil(spec.lower) : spec.lower;
    const double count = std::floor((spec.upper - lower) / step + 1e-9) + 1;
    if (count > kMaxRawCombinations)
      throw ConfigError("step: " + qualified + " with step " + std::to_string(step) + " has " +
                        std::to_string(count) + " values; choose a larger step");
    std::vector<double> values;
    for (double k = 0; k < count; ++k) values.push_back(std::min(spec.upper, lower + k * step));
    axes.push_back(std::move(values));
  }
  return axes;
}

// Calls `visit(params)` for every combination of the axes that keeps the type's less_than order.
template <class Visit>
void for_each_point(const StrategyType& type, const Axes& axes, Visit visit) {
  std::vector<std::size_t> at(axes.size(), 0);
  std::array<double, kMaxParams> params{};
  if (std::any_of(axes.begin(), axes.end(), [](const auto& a) { return a.empty(); })) return;
  while (true) {
    for (std::size_t i = 0; i < axes.size(); ++i) params[i] = axes[i][at[i]];
    const bool ordered = std::all_of(type.less_than.begin(), type.less_than.end(),
                                     [&](const auto& pair) { return params[pair.first] < params[pair.second]; });
    if (ordered) visit(params);
    std::size_t i = axes.size();
    while (i > 0 && ++at[i - 1] == axes[i - 1].size()) at[--i] = 0;
    if (i == 0) return;
  }
}

}  // namespace

Grid enumerate_grid(const std::vector<std::string>& strategies, const std::map<std::string, double>& steps,
                    std::size_t max_points, const SearchSpace& space) {
  Grid grid;
  std::map<std::string, bool> used;
  std::vector<Axes> plan;
  double raw = 0;
  for (const auto& name : strategies) {
    const std::uint32_t id = strategy_id(name);
    if (std::find(grid.types.begin(), grid.types.end(), id) != grid.types.end())
      throw ConfigError("strategies lists " + name + " twice; expected each type at most once");
    grid.types.push_back(id);
    Axes axes = axes_of(space.type(id), steps, used);
    double combinations = 1;
    for (const auto& axis : axes) combinations *= static_cast<double>(axis.size());
    raw += combinations;
    plan.push_back(std::move(axes));
  }
  for (const auto& [key, value] : steps)
    if (!used.count(key))
      throw ConfigError("step: '" + key + "' names no parameter of the strategy types in play");
  if (raw > kMaxRawCombinations)
    throw ConfigError("the grid has about " + std::to_string(static_cast<long long>(raw)) +
                      " combinations; choose larger --step values or fewer types");
  std::size_t points = 0;
  for (std::size_t t = 0; t < plan.size(); ++t)
    for_each_point(space.type(grid.types[t]), plan[t], [&](const auto&) { ++points; });
  if (points > max_points)
    throw ConfigError("the grid has " + std::to_string(points) + " points, more than max-points = " +
                      std::to_string(max_points) + "; raise --max-points to evaluate it anyway");
  if (points < 2) throw ConfigError("the grid has " + std::to_string(points) + " point(s); expected at least 2");
  grid.points.reserve(points);
  for (std::size_t t = 0; t < plan.size(); ++t) {
    const std::uint32_t id = grid.types[t];
    const std::size_t before = grid.points.size();
    for_each_point(space.type(id), plan[t], [&](const auto& params) {
      Genome genome;
      genome.strategy = id;
      genome.params = params;
      grid.points.push_back(genome);
    });
    grid.counts.push_back(grid.points.size() - before);
  }
  return grid;
}

}  // namespace genepool
