#include "genepool/ga/search_space.hpp"

#include <algorithm>
#include <cmath>
#include <string>

#include "genepool/backtest/execution.hpp"
#include "genepool/error.hpp"
#include "genepool/number_text.hpp"

namespace genepool {
namespace {

std::string interval(double lower, double upper) {
  // NOTE: appended, not `"[" + ...`, which trips GCC 12's false -Wrestrict.
  std::string text = "[";
  text.append(plain_shortest(lower)).append(", ").append(plain_shortest(upper)).append("]");
  return text;
}

}  // namespace

void SearchSpace::narrow(std::uint32_t strategy, std::string_view param, double lower, double upper) {
  Genome probe;
  probe.strategy = strategy;
  const StrategyType& registered = strategy_of(probe);
  const auto spec = std::find_if(registered.params.begin(), registered.params.end(),
                                 [&](const ParamSpec& p) { return p.name == param; });
  const std::string what = registered.name + "." + std::string(param);
  if (spec == registered.params.end()) {
    std::vector<std::string> names;
    for (const ParamSpec& p : registered.params) names.push_back(p.name);
    std::string listed;
    for (const auto& name : names) listed += (listed.empty() ? "" : ", ") + name;
    throw ConfigError(registered.name + " has no parameter '" + std::string(param) + "'" + did_you_mean(param, names) +
                      " (parameters: " + listed + ")");
  }
  const auto index = static_cast<std::size_t>(spec - registered.params.begin());
  const std::string given = lower == upper ? plain_shortest(lower) : interval(lower, upper);
  if (!std::isfinite(lower) || !std::isfinite(upper))
    throw ConfigError(what + " = " + given + ": expected finite numbers");
  if (lower > upper) throw ConfigError(what + " = " + given + ": expected [lower, upper] with lower <= upper");
  if (lower < spec->lower || upper > spec->upper)
    throw ConfigError(what + " = " + given + " is outside the type's range " + interval(spec->lower, spec->upper));
  if (spec->kind == ParamKind::integer && (lower != std::round(lower) || upper != std::round(upper)))
    throw ConfigError(what + " = " + given + ": an integer parameter; expected whole numbers");

  const auto [at, fresh] = narrowed_.try_emplace(strategy, registered);
  StrategyType& type = at->second;
  const ParamSpec before = type.params[index];
  ParamSpec& narrowed = type.params[index];
  narrowed.lower = lower;
  narrowed.upper = upper;
  narrowed.default_value = std::clamp(spec->default_value, lower, upper);
  // NOTE: repair() restores params[i] < params[j] within the bounds whenever some value satisfies it,
  // that is when the lesser's lower bound is below the greater's upper bound.
  for (const auto& [i, j] : type.less_than) {
    const ParamSpec& low = type.params[i];
    const ParamSpec& high = type.params[j];
    if (!(low.lower < high.upper)) {
      const std::string message = what + " = " + given + " leaves no value with " + low.name + " < " + high.name +
                                  " (" + registered.name + "." + low.name + " in " + interval(low.lower, low.upper) +
                                  ", " + registered.name + "." + high.name + " in " + interval(high.lower, high.upper) +
                                  ")";
      if (fresh) narrowed_.erase(at);
      else narrowed = before;
      throw ConfigError(message);
    }
  }
}

const StrategyType& SearchSpace::type(std::uint32_t strategy) const {
  if (const auto it = narrowed_.find(strategy); it != narrowed_.end()) return it->second;
  Genome probe;
  probe.strategy = strategy;
  return strategy_of(probe);
}

std::vector<ParamRange> SearchSpace::ranges() const {
  std::vector<ParamRange> ranges;
  for (const auto& [strategy, type] : narrowed_) {
    Genome probe;
    probe.strategy = strategy;
    const StrategyType& registered = strategy_of(probe);
    for (std::size_t p = 0; p < type.params.size(); ++p)
      if (type.params[p].lower != registered.params[p].lower || type.params[p].upper != registered.params[p].upper)
        ranges.push_back({strategy, p, type.params[p].lower, type.params[p].upper});
  }
  return ranges;
}

void SearchSpace::evolve_exit(std::string_view key, double lower, double upper) {
  const ExitGeneSpec* value = exit_gene_spec(key);
  if (value == nullptr) {
    std::vector<std::string> keys;
    for (const ExitGeneSpec& spec : exit_gene_specs()) keys.emplace_back(spec.key);
    std::string listed;
    for (const auto& name : keys) listed += (listed.empty() ? "" : ", ") + name;
    throw ConfigError("'" + std::string(key) + "' is not an exit or sizing value" + did_you_mean(key, keys) +
                      " (evolvable: " + listed + ")");
  }
  const std::string what = std::string(key) + " = " + interval(lower, upper);
  if (!std::isfinite(lower) || !std::isfinite(upper)) throw ConfigError(what + ": expected finite numbers");
  if (lower > upper) throw ConfigError(what + ": expected [lower, upper] with lower <= upper");
  if (lower < value->lower || upper > value->upper)
    throw ConfigError(what + " is outside its range " + interval(value->lower, value->upper));
  if (value->whole && (lower != std::round(lower) || upper != std::round(upper)))
    throw ConfigError(what + ": a whole number of bars; expected whole numbers");
  ExitGeneRange range{value->gene,
                      {std::string(key), value->whole ? ParamKind::integer : ParamKind::real, lower, upper, lower,
                       "evolved " + std::string(key)}};
  const auto at = std::find_if(exit_genes_.begin(), exit_genes_.end(),
                               [&](const ExitGeneRange& r) { return r.gene >= value->gene; });
  if (at != exit_genes_.end() && at->gene == value->gene) *at = std::move(range);
  else exit_genes_.insert(at, std::move(range));
}

std::uint32_t SearchSpace::exit_gene_bits() const {
  std::uint32_t bits = 0;
  for (const ExitGeneRange& range : exit_genes_) bits |= 1u << static_cast<std::uint32_t>(range.gene);
  return bits;
}

}  // namespace genepool
