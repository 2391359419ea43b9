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

void add_search_refinement_options(CLI::App& command, SearchRefinementTexts& texts, EvolutionSettings& evolution) {
  const auto counts = CLI::Range(std::size_t{0}, std::size_t{1'000'000});
  IslandSettings& islands = evolution.islands;
  command.add_option("--islands", islands.count,
                     "Subpopulations evolved side by side, the population split between them (default: 4, or "
                     "population / 25 when fewer, at least 1)")
      ->check(CLI::Range(std::size_t{1}, std::size_t{5'000'000}));
  command.add_option("--migration-interval", islands.migration_interval,
                     "Generations between migrations of the islands' best (0: never)")
      ->check(counts)->capture_default_str();
  command.add_option("--migration-topology", texts.topology, "Where migrants go: ring or fully-connected")
      ->check(CLI::IsMember({"ring", "fully-connected"}))->capture_default_str();
  command.add_option("--migrants", islands.migrants, "Best individuals of the sources that replace an island's worst")
      ->check(counts)->capture_default_str();
  command.add_option("--restart-stagnation", islands.restart_stagnation,
                     "An island whose best has not improved for this many generations restarts (0: never)")
      ->check(counts)->capture_default_str();
  PolishSettings& polish = evolution.polish;
  command.add_option("--polish-share", polish.share,
                     "Share of the evaluations spent polishing the elite by local search (0: off)")
      ->check(CLI::Range(0.0, 1.0))->capture_default_str();
  command.add_option("--polish-interval", polish.interval, "Generations between polishes (the last is always polished)")
      ->check(CLI::Range(std::size_t{1}, std::size_t{1'000'000}))->capture_default_str();
  command.add_option("--polish-elite", polish.elite, "Best distinct genomes polished each time")
      ->check(CLI::Range(std::size_t{1}, std::size_t{1000}))->capture_default_str();
  command.add_option("--polish-radius", polish.radius, "Integer parameters: neighbours within this many steps")
      ->check(CLI::Range(std::size_t{1}, std::size_t{10}))->capture_default_str();
  command.add_option("--polish-step", polish.step, "Real values: the first pattern-search step, share of the range")
      ->check(CLI::Range(0.000001, 0.5))->capture_default_str();
  command.add_option("--robustness", texts.robustness,
                     "Fitness over the parameter neighbourhood: none, mean or min")
      ->check(CLI::IsMember({"none", "mean", "min"}))->capture_default_str();
  command.add_option("--robustness-radius", evolution.robustness.radius,
                     "The neighbourhood of robust fitness: each value moved by this share of its range")
      ->check(CLI::Range(0.000001, 0.5))->capture_default_str();
}

void resolve_search_refinements(const SearchRefinementTexts& texts, EvolutionSettings& evolution) {
  evolution.islands.topology = parse_topology(texts.topology, "migration-topology");
  evolution.robustness.kind = parse_robustness(texts.robustness, "robustness");
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
