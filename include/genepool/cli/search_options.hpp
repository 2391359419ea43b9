#pragma once
// Options of the search itself shared by `evolve`: the mode (single-objective GA or NSGA-II), the
// objectives of NSGA-II, and the type quotas that keep mixed populations diverse.
#include <string>
#include <vector>

#include <CLI/CLI.hpp>

#include "genepool/ga/ga.hpp"
#include "genepool/ga/nsga2.hpp"

namespace genepool::app {

// --mode, --objectives, --type-quota, --type-quota-generations.
void add_search_options(CLI::App& command, std::string& mode, std::vector<std::string>& objectives, GaSettings& ga);

// The multi-objective settings of `mode` ("ga" or "nsga2"); `objectives_given` says whether the user
// set objectives (an error in mode ga, where they would be ignored). Throws ConfigError.
MultiObjectiveSettings resolve_multi_objective(const std::string& mode, const std::vector<std::string>& objectives,
                                               bool objectives_given);

}  // namespace genepool::app
