#pragma once
// Options of the search itself shared by `evolve`: the mode (single-objective GA or NSGA-II), the
// objectives of NSGA-II, and the type quotas that keep mixed populations diverse.
#include <string>
#include <vector>

#include <CLI/CLI.hpp>

#include "genepool/evolution/evolution.hpp"
#include "genepool/ga/ga.hpp"
#include "genepool/ga/nsga2.hpp"

namespace genepool::app {

// --mode, --objectives, --type-quota, --type-quota-generations.
void add_search_options(CLI::App& command, std::string& mode, std::vector<std::string>& objectives, GaSettings& ga);

// The texts of the search's enumerated keys, parsed by resolve_search_refinements().
struct SearchRefinementTexts {
  std::string topology = "ring";
  std::string robustness = "none";
};

// --islands, --migration-interval, --migration-topology, --migrants, --restart-stagnation,
// --polish-share, --polish-interval, --polish-elite, --polish-radius, --polish-step, --robustness,
// --robustness-radius (docs/genetic-algorithm.md).
void add_search_refinement_options(CLI::App& command, SearchRefinementTexts& texts, EvolutionSettings& evolution);
// Parses the texts into `evolution` (ConfigError naming the key for a bad value).
void resolve_search_refinements(const SearchRefinementTexts& texts, EvolutionSettings& evolution);

// The multi-objective settings of `mode` ("ga" or "nsga2"); `objectives_given` says whether the user
// set objectives (an error in mode ga, where they would be ignored). Throws ConfigError.
MultiObjectiveSettings resolve_multi_objective(const std::string& mode, const std::vector<std::string>& objectives,
                                               bool objectives_given);

}  // namespace genepool::app
