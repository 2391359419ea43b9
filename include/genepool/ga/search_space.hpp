#pragma once
// The parameter space the GA and the grid search: each type's registry bounds, narrowed or fixed per
// parameter (the config's [ranges.NAME] tables, docs/configuration.md), and the exits and sizing
// values every genome carries as genes (`stop-loss = [0.01, 0.2]`). Plain data held by rank 0.
#include <cstddef>
#include <cstdint>
#include <map>
#include <string_view>
#include <vector>

#include "genepool/strategies/strategy.hpp"

namespace genepool {

// One narrowed parameter: params[param] of registry type `strategy` searched over [lower, upper]
// (lower == upper: fixed).
struct ParamRange {
  std::uint32_t strategy = 0;
  std::size_t param = 0;
  double lower = 0;
  double upper = 0;
};

// One evolved exit or sizing value: gene `gene` searched over [spec.lower, spec.upper] (spec.name is
// its config key; integer kind for max-bars and vol-window).
struct ExitGeneRange {
  ExitGene gene;
  ParamSpec spec;
};

class SearchSpace {
 public:
  // Narrows parameter `param` of registry type `strategy` to [lower, upper] (lower == upper fixes it).
  // Throws ConfigError naming the type and parameter for an unknown parameter (with the closest name),
  // a type outside the registry, non-finite bounds, lower > upper, bounds outside the type's own range,
  // non-integral bounds of an integer parameter, or a range that leaves a less_than constraint (e.g.
  // fast < slow) no value; narrowing a parameter again replaces its range.
  void narrow(std::uint32_t strategy, std::string_view param, double lower, double upper);

  // The type with the bounds to search: the registry's entry with the narrowed parameters' lower and
  // upper (and each default clamped into them). Throws ConfigError for an index outside the registry.
  const StrategyType& type(std::uint32_t strategy) const;

  // Every narrowed parameter, by registry index then parameter index.
  std::vector<ParamRange> ranges() const;

  // Makes the exit or sizing value `key` ("stop-loss", see exit_gene_specs()) a gene of every genome,
  // searched over [lower, upper]. Throws ConfigError naming the key for an unknown key (with the
  // closest), non-finite bounds, lower > upper, bounds outside the value's own, or non-integral
  // bounds of max-bars or vol-window; evolving a value again replaces its range.
  void evolve_exit(std::string_view key, double lower, double upper);
  // The evolved values in ExitGene order, and the Genome::exit_genes bits they set.
  const std::vector<ExitGeneRange>& exit_genes() const { return exit_genes_; }
  std::uint32_t exit_gene_bits() const;

  bool empty() const { return narrowed_.empty() && exit_genes_.empty(); }

 private:
  std::map<std::uint32_t, StrategyType> narrowed_;  // copies of the registry's types with narrowed bounds
  std::vector<ExitGeneRange> exit_genes_;
};

}  // namespace genepool
