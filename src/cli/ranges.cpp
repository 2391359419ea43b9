#include "genepool/cli/ranges.hpp"

#include <algorithm>
#include <optional>

#include "genepool/backtest/execution.hpp"
#include "genepool/error.hpp"
#include "genepool/number_text.hpp"
#include "genepool/strategies/strategy.hpp"

namespace genepool::app {
namespace {

std::optional<double> number_of(const toml::node* node) {
  if (node == nullptr) return std::nullopt;
  if (const auto* integer = node->as_integer()) return static_cast<double>(integer->get());
  if (const auto* real = node->as_floating_point()) return real->get();
  return std::nullopt;
}

}  // namespace

SearchSpace read_ranges(const ConfigFile& file) {
  SearchSpace space;
  const toml::node* ranges = file.document().get("ranges");
  if (ranges == nullptr) return space;
  const auto at = [&](const toml::node& node) { return file.path() + ":" + std::to_string(node.source().begin.line); };
  const toml::table* types = ranges->as_table();
  if (types == nullptr)
    throw ConfigError(at(*ranges) + ": key 'ranges': expected tables [ranges.NAME] of a strategy type's parameters");
  std::vector<std::string> known;
  for (const StrategyType& type : strategy_registry()) known.push_back(type.name);
  for (const auto& [type_key, params_node] : *types) {
    const std::string type_name(type_key.str());
    const std::string where = file.path() + ":" + std::to_string(type_key.source().begin.line) + ": key 'ranges." +
                              type_name + "': ";
    const auto found = std::find(known.begin(), known.end(), type_name);
    if (found == known.end())
      throw ConfigError(where + "unknown strategy type '" + type_name + "'" + did_you_mean(type_name, known) +
                        " (see genepool strategies)");
    const auto strategy = static_cast<std::uint32_t>(found - known.begin());
    const toml::table* params = params_node.as_table();
    if (params == nullptr)
      throw ConfigError(where + "expected a table of parameters, e.g. [ranges." + type_name + "] NAME = [LOWER, UPPER]");
    for (const auto& [param_key, value] : *params) {
      const std::string key = "ranges." + type_name + "." + std::string(param_key.str());
      const std::string line = file.path() + ":" + std::to_string(param_key.source().begin.line) + ": key '" + key + "': ";
      std::optional<double> lower, upper;
      if (const toml::array* pair = value.as_array()) {
        if (pair->size() == 2) {
          lower = number_of(pair->get(0));
          upper = number_of(pair->get(1));
        }
      } else {
        lower = upper = number_of(&value);
      }
      if (!lower || !upper)
        throw ConfigError(line + "expected a number (the parameter fixed) or [LOWER, UPPER] (its range narrowed)");
      try {
        space.narrow(strategy, param_key.str(), *lower, *upper);
      } catch (const ConfigError& error) {
        throw ConfigError(line + error.what());
      }
    }
  }
  return space;
}

void read_exit_genes(const ConfigFile& file, const CLI::App& command, Sizing sizing, SearchSpace& space) {
  for (const ExitGeneSpec& spec : exit_gene_specs()) {
    const toml::node* value = file.value_of(spec.key);
    if (value == nullptr || !value->is_array()) continue;
    const std::string key(spec.key);
    const std::string line = file.path() + ":" + std::to_string(file.line_of(key)) + ": key '" + key + "': ";
    if (command.count("--" + key) > 0) continue;  // the command line fixes it
    const toml::array& pair = *value->as_array();
    const std::optional<double> lower = pair.size() == 2 ? number_of(pair.get(0)) : std::nullopt;
    const std::optional<double> upper = pair.size() == 2 ? number_of(pair.get(1)) : std::nullopt;
    if (!lower || !upper)
      throw ConfigError(line + "expected a number (the value fixed) or [LOWER, UPPER] (the value evolved)");
    const bool sizes = spec.gene == ExitGene::target_vol || spec.gene == ExitGene::vol_window ||
                       spec.gene == ExitGene::leverage_cap;
    if (sizes && sizing != Sizing::vol_target)
      throw ConfigError(line + "evolves the vol-target sizing, which is off; expected sizing = \"vol-target\"");
    try {
      space.evolve_exit(key, *lower, *upper);
    } catch (const ConfigError& error) {
      throw ConfigError(line + error.what());
    }
  }
}

void refuse_exit_genes(const ConfigFile& file) {
  for (const ExitGeneSpec& spec : exit_gene_specs())
    if (const toml::node* value = file.value_of(spec.key); value != nullptr && value->is_array())
      throw ConfigError(file.path() + ":" + std::to_string(file.line_of(spec.key)) + ": key '" + std::string(spec.key) +
                        "': a range [low, high] evolves a value in `genepool evolve`; `genepool " + file.command() +
                        "` takes one value: expected a number");
}

namespace {

std::string qualified_name(const ParamRange& range) {
  const StrategyType& type = strategy_registry()[range.strategy];
  return type.name + "." + type.params[range.param].name;
}

std::string interval(const ParamRange& range) {
  return "[" + plain_shortest(range.lower) + ", " + plain_shortest(range.upper) + "]";
}

}  // namespace

std::string ranges_text(const SearchSpace& space) {
  std::string text;
  for (const ParamRange& range : space.ranges())
    text += "ranges." + qualified_name(range) + "=" +
            (range.lower == range.upper ? plain_shortest(range.lower) : interval(range)) + "\n";
  return text;
}

std::string with_exit_genes(const std::string& config_text, const SearchSpace& space) {
  std::string text;
  std::size_t begin = 0;
  while (begin < config_text.size()) {
    std::size_t end = config_text.find('\n', begin);
    end = end == std::string::npos ? config_text.size() : end + 1;
    std::string line = config_text.substr(begin, end - begin);
    begin = end;
    for (const ExitGeneRange& range : space.exit_genes())
      if (line.rfind(range.spec.name + "=", 0) == 0)
        line = range.spec.name + "=[" + plain_shortest(range.spec.lower) + ", " + plain_shortest(range.spec.upper) +
               "]" + (line.back() == '\n' ? "\n" : "");
    text += line;
  }
  return text;
}

std::string describe(const SearchSpace& space) {
  std::string text;
  for (const ExitGeneRange& range : space.exit_genes())
    text += (text.empty() ? "" : ", ") + range.spec.name + " in [" + plain_shortest(range.spec.lower) + ", " +
            plain_shortest(range.spec.upper) + "]";
  for (const ParamRange& range : space.ranges())
    text += (text.empty() ? "" : ", ") + qualified_name(range) +
            (range.lower == range.upper ? " = " + plain_shortest(range.lower) : " in " + interval(range));
  return text;
}

}  // namespace genepool::app
