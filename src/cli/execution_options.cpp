#include "genepool/cli/execution_options.hpp"

#include "genepool/cli/command_defaults.hpp"

#include <array>
#include <cstdint>
#include <string>

namespace genepool::app {
namespace {

constexpr std::array<std::string_view, 8> kExitKeys = {"stop-loss",  "take-profit", "trailing-stop", "max-bars",
                                                       "sizing",     "target-vol",  "vol-window",    "leverage-cap"};

// The bounds of an exit or sizing value: one table for the command line and evolved ranges.
CLI::Range range_of(std::string_view key) {
  const ExitGeneSpec& spec = *exit_gene_spec(key);
  return CLI::Range(spec.lower, spec.upper);
}

CLI::Range whole_range_of(std::string_view key) {
  const ExitGeneSpec& spec = *exit_gene_spec(key);
  return CLI::Range(static_cast<std::int64_t>(spec.lower), static_cast<std::int64_t>(spec.upper));
}

}  // namespace

void add_execution_options(CLI::App& command, ExecutionSettings& settings) {
  settings.execution = kDefaultExecution;
  command.add_option_function<std::string>(
             "--execution",
             [&settings](const std::string& text) { settings.execution = parse_execution(text, "--execution"); },
             "Fill timing: next_open (decided at close t, filled at the open of t+1) or close (filled at the close "
             "that made the signal)")
      ->check(CLI::IsMember({"close", "next_open"}))
      ->default_str(std::string(to_string(kDefaultExecution)));
  command.add_option("--cost", settings.cost, "Proportional cost per unit of position change (commission + slippage)")
      ->check(CLI::Range(0.0, kMaxCost))
      ->capture_default_str();
  command.add_flag("--allow-short", settings.allow_short, "Allow short positions (long/flat otherwise)");
  command.add_option("--bars-per-year", settings.bars_per_year,
                     "Annualisation factor; 0 infers bars per calendar year from the timestamps")
      ->check(CLI::Range(0.0, kMaxBarsPerYear))
      ->capture_default_str();

  ExitRules& exits = settings.exits;
  const std::string group = "Exits and sizing (docs/metrics.md)";
  command.add_option("--stop-loss", exits.stop_loss, "Exit when the price falls this fraction below the entry (above, short); 0 = off")
      ->check(range_of("stop-loss"))
      ->capture_default_str()
      ->group(group);
  command.add_option("--take-profit", exits.take_profit, "Exit when the price rises this fraction above the entry (below, short); 0 = off")
      ->check(range_of("take-profit"))
      ->capture_default_str()
      ->group(group);
  command.add_option("--trailing-stop", exits.trailing_stop,
                     "Exit this fraction below the highest high since entry (above the lowest low, short); 0 = off")
      ->check(range_of("trailing-stop"))
      ->capture_default_str()
      ->group(group);
  command.add_option_function<std::int64_t>(
             "--max-bars", [&exits](std::int64_t bars) { exits.max_bars = static_cast<double>(bars); },
             "Exit at the close after this many bars held; 0 = off")
      ->check(whole_range_of("max-bars"))
      ->default_str("0")
      ->group(group);
  command.add_option_function<std::string>(
             "--sizing", [&exits](const std::string& text) { exits.sizing = parse_sizing(text, "--sizing"); },
             "Position size: unit (the rule's ±1) or vol-target (scaled to --target-vol, at most --leverage-cap)")
      ->check(CLI::IsMember({"unit", "vol-target"}))
      ->default_str("unit")
      ->group(group);
  command.add_option("--target-vol", exits.target_vol, "vol-target: the annualised volatility aimed at")
      ->check(range_of("target-vol"))
      ->capture_default_str()
      ->group(group);
  command.add_option_function<std::int64_t>(
             "--vol-window", [&exits](std::int64_t bars) { exits.vol_window = static_cast<double>(bars); },
             "vol-target: close-to-close returns in the realised volatility")
      ->check(whole_range_of("vol-window"))
      ->default_str("20")
      ->group(group);
  command.add_option("--leverage-cap", exits.leverage_cap, "vol-target: the largest |position| per symbol")
      ->check(range_of("leverage-cap"))
      ->capture_default_str()
      ->group(group);
}

bool exit_options_given(const CLI::App& command) {
  for (const std::string_view key : kExitKeys) {
    if (command.count("--" + std::string(key)) > 0) return true;
  }
  return false;
}

}  // namespace genepool::app
