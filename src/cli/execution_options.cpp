#include "genepool/cli/execution_options.hpp"

namespace genepool::app {

void add_execution_options(CLI::App& command, ExecutionSettings& settings) {
  command.add_option_function<std::string>(
             "--execution",
             [&settings](const std::string& text) { settings.execution = parse_execution(text, "--execution"); },
             "Fill timing: close (decided and filled at close t) or next_open (filled at the open of t+1)")
      ->check(CLI::IsMember({"close", "next_open"}))
      ->default_str("close");
  command.add_option("--cost", settings.cost, "Proportional cost per unit of position change (commission + slippage)")
      ->check(CLI::Range(0.0, 0.1))
      ->capture_default_str();
  command.add_flag("--allow-short", settings.allow_short, "Allow short positions (long/flat otherwise)");
  command.add_option("--bars-per-year", settings.bars_per_year,
                     "Annualisation factor; 0 infers bars per calendar year from the timestamps")
      ->check(CLI::Range(0.0, 1e7))
      ->capture_default_str();
}

}  // namespace genepool::app
