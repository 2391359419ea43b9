#include "genepool/backtest/execution.hpp"

#include <cmath>
#include <sstream>

#include "genepool/error.hpp"

namespace genepool {

std::string_view to_string(Execution execution) {
  switch (execution) {
    case Execution::close:
      return "close";
    case Execution::next_open:
      return "next_open";
  }
  return "unknown";
}

Execution parse_execution(std::string_view text, std::string_view key) {
  if (text == "close") return Execution::close;
  if (text == "next_open") return Execution::next_open;
  throw ConfigError(std::string(key) + ": '" + std::string(text) + "' is not one of close, next_open");
}

std::string_view to_string(Sizing sizing) {
  switch (sizing) {
    case Sizing::unit:
      return "unit";
    case Sizing::vol_target:
      return "vol-target";
  }
  return "unknown";
}

const std::array<ExitGeneSpec, kExitGenes>& exit_gene_specs() {
  static const std::array<ExitGeneSpec, kExitGenes> specs{{
      {ExitGene::stop_loss, "stop-loss", &ExitRules::stop_loss, 0, 0.99, false},
      {ExitGene::take_profit, "take-profit", &ExitRules::take_profit, 0, 100, false},
      {ExitGene::trailing_stop, "trailing-stop", &ExitRules::trailing_stop, 0, 0.99, false},
      {ExitGene::max_bars, "max-bars", &ExitRules::max_bars, 0, 1e9, true},
      {ExitGene::target_vol, "target-vol", &ExitRules::target_vol, 0.001, 10, false},
      {ExitGene::vol_window, "vol-window", &ExitRules::vol_window, 2, 100000, true},
      {ExitGene::leverage_cap, "leverage-cap", &ExitRules::leverage_cap, 0.01, 100, false},
  }};
  return specs;
}

const ExitGeneSpec* exit_gene_spec(std::string_view key) {
  for (const ExitGeneSpec& spec : exit_gene_specs())
    if (spec.key == key) return &spec;
  return nullptr;
}

ExitRules exit_rules_with(const ExitRules& base, const Genome& genome) {
  ExitRules rules = base;
  if (genome.exit_genes == 0) return rules;
  for (const ExitGeneSpec& spec : exit_gene_specs())
    if (genome.has_gene(spec.gene)) rules.*spec.field = genome.exits[static_cast<std::size_t>(spec.gene)];
  return rules;
}

Sizing parse_sizing(std::string_view text, std::string_view key) {
  if (text == "unit") return Sizing::unit;
  if (text == "vol-target") return Sizing::vol_target;
  throw ConfigError(std::string(key) + ": '" + std::string(text) + "' is not one of unit, vol-target");
}

namespace {

void check_range(std::string_view key, double value, double low, bool low_open, double high, bool whole) {
  const bool inside = std::isfinite(value) && (low_open ? value > low : value >= low) && value <= high &&
                      (!whole || std::floor(value) == value);
  if (inside) return;
  std::ostringstream msg;
  msg << key << ": " << value << " is outside " << (low_open ? "(" : "[") << low << ", " << high << "]"
      << (whole ? " (a whole number)" : "");
  throw ConfigError(msg.str());
}

void check_fraction(std::string_view key, double value) {
  if (std::isfinite(value) && value >= 0 && value < 1) return;
  std::ostringstream msg;
  msg << key << ": " << value << " is outside [0, 1) (0 = off)";
  throw ConfigError(msg.str());
}

}  // namespace

void check_exit_rules(const ExitRules& rules) {
  check_fraction("stop-loss", rules.stop_loss);
  check_range("take-profit", rules.take_profit, 0, false, 100, false);
  check_fraction("trailing-stop", rules.trailing_stop);
  check_range("max-bars", rules.max_bars, 0, false, 1e9, true);
  check_range("target-vol", rules.target_vol, 0, true, 10, false);
  check_range("vol-window", rules.vol_window, 2, false, 100000, true);
  check_range("leverage-cap", rules.leverage_cap, 0, true, 100, false);
}

std::string describe(const ExecutionSettings& settings) {
  std::ostringstream text;
  text << to_string(settings.execution) << " execution, cost " << settings.cost;
  if (settings.cost == 0) text << " (no commission or slippage: the metrics are before costs)";
  text << ", " << (settings.allow_short ? "long/short" : "long/flat");
  if (settings.bars_per_year > 0) text << ", " << settings.bars_per_year << " bars/year";
  const ExitRules& exits = settings.exits;
  if (exits.stop_loss > 0) text << ", stop-loss " << exits.stop_loss;
  if (exits.take_profit > 0) text << ", take-profit " << exits.take_profit;
  if (exits.trailing_stop > 0) text << ", trailing-stop " << exits.trailing_stop;
  if (exits.max_bars > 0) text << ", max-bars " << exits.max_bars;
  if (exits.sizing == Sizing::vol_target) {
    text << ", vol-target " << exits.target_vol << " over " << exits.vol_window << " bars (cap "
         << exits.leverage_cap << ")";
  }
  return text.str();
}

}  // namespace genepool
