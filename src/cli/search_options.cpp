#include "genepool/cli/search_options.hpp"

#include "genepool/error.hpp"

namespace genepool::app {

void add_search_options(CLI::App& command, std::string& mode, std::vector<std::string>& objectives, GaSettings& ga) {
  command.add_option("--mode", mode, "Search: ga (one fitness) or nsga2 (Pareto front of --objectives)")
      ->check(CLI::IsMember({"ga", "nsga2"}))->capture_default_str();
  command.add_option("--objectives", objectives,
                     "NSGA-II objectives, comma-separated METRIC:max or METRIC:min (mode nsga2 only)")
      ->delimiter(',')->capture_default_str();
  command.add_option("--type-quota", ga.type_quota,
                     "Share of an even split each strategy type keeps in early generations of mixed runs")
      ->check(CLI::Range(0.0, 1.0))->capture_default_str();
  command.add_option("--type-quota-generations", ga.type_quota_generations,
                     "Generations (after the initial one) the type quota applies to")
      ->check(CLI::Range(std::size_t{0}, std::size_t{1'000'000}))->capture_default_str();
}

MultiObjectiveSettings resolve_multi_objective(const std::string& mode, const std::vector<std::string>& objectives,
                                               bool objectives_given) {
  MultiObjectiveSettings multi;
  if (mode != "nsga2") {
    if (objectives_given) throw ConfigError("objectives: only used with mode = nsga2 (mode is " + mode + ")");
    return multi;
  }
  multi.enabled = true;
  for (std::size_t i = 0; i < objectives.size(); ++i)
    multi.objectives.push_back(parse_objective_spec(objectives[i], "objectives[" + std::to_string(i) + "]"));
  check(multi);
  return multi;
}

}  // namespace genepool::app
