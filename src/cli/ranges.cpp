#include "genepool/cli/ranges.hpp"

#include <algorithm>
#include <optional>

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

std::string describe(const SearchSpace& space) {
  std::string text;
  for (const ParamRange& range : space.ranges())
    text += (text.empty() ? "" : ", ") + qualified_name(range) +
            (range.lower == range.upper ? " = " + plain_shortest(range.lower) : " in " + interval(range));
  return text;
}

}  // namespace genepool::app
