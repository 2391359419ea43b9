// The strategy registry, parameter repair and validation.
#include "genepool/strategies/strategy.hpp"

#include <algorithm>
#include <cmath>

#include "genepool/error.hpp"
#include "genepool/number_text.hpp"
#include "kernels.hpp"

namespace genepool {

namespace {

std::string parameter_names(const StrategyType& type) {
  std::string names;
  for (const ParamSpec& spec : type.params) names += (names.empty() ? "" : ", ") + spec.name;
  return names;
}

// The smallest move of a parameter: one for integers, one representable step for reals.
double step_up(const ParamSpec& spec, double value) {
  return spec.kind == ParamKind::integer ? value + 1.0 : std::nextafter(value, spec.upper);
}
double step_down(const ParamSpec& spec, double value) {
  return spec.kind == ParamKind::integer ? value - 1.0 : std::nextafter(value, spec.lower);
}

}  // namespace

const std::vector<StrategyType>& strategy_registry() {
  static const std::vector<StrategyType> registry = {
      strategies::sma_crossover_type(),       strategies::ema_crossover_type(),
      strategies::rsi_reversion_type(),       strategies::bollinger_reversion_type(),
      strategies::donchian_breakout_type(),   strategies::macd_type(),
      strategies::ts_momentum_type(),
  };
  return registry;
}

std::uint32_t strategy_id(std::string_view name) {
  const auto& registry = strategy_registry();
  for (std::size_t i = 0; i < registry.size(); ++i) {
    if (registry[i].name == name) return static_cast<std::uint32_t>(i);
  }
  std::string known;
  for (const StrategyType& type : registry) known += (known.empty() ? "" : ", ") + type.name;
  throw ConfigError("unknown strategy '" + std::string(name) + "' (known: " + known + ")");
}

const StrategyType& strategy_of(const Genome& genome) {
  const auto& registry = strategy_registry();
  if (genome.strategy >= registry.size()) {
    throw ConfigError("strategy id " + std::to_string(genome.strategy) + " is outside the registry [0, " +
                      std::to_string(registry.size() - 1) + "]");
  }
  return registry[genome.strategy];
}

void repair(const StrategyType& type, double* params) {
  for (std::size_t i = 0; i < type.params.size(); ++i) {
    const ParamSpec& spec = type.params[i];
    double& value = params[i];
    if (std::isnan(value)) value = spec.default_value;
    value = std::clamp(value, spec.lower, spec.upper);
    if (spec.kind == ParamKind::integer) value = std::round(value);
  }
  for (const auto& [i, j] : type.less_than) {
    const ParamSpec& low = type.params[i];
    const ParamSpec& high = type.params[j];
    if (params[i] > params[j]) {
      std::swap(params[i], params[j]);
      params[i] = std::clamp(params[i], low.lower, low.upper);
      params[j] = std::clamp(params[j], high.lower, high.upper);
    }
    if (params[i] >= params[j]) {
      if (step_up(high, params[i]) <= high.upper) {
        params[j] = step_up(high, params[i]);
      } else {
        params[i] = step_down(low, params[j]);
      }
    }
  }
}

void check_params(const StrategyType& type, const double* params) {
  for (std::size_t i = 0; i < type.params.size(); ++i) {
    const ParamSpec& spec = type.params[i];
    const double value = params[i];
    // NOTE: the message is built only on failure: this runs on every evaluation, which must not allocate.
    const auto fail = [&](const std::string& why) {
      throw ConfigError(type.name + ": parameter '" + spec.name + "' = " + shortest(value) + why);
    };
    if (!std::isfinite(value)) fail(" is not a finite number");
    if (value < spec.lower || value > spec.upper) {
      fail(" is outside [" + shortest(spec.lower) + ", " + shortest(spec.upper) + "]");
    }
    if (spec.kind == ParamKind::integer && value != std::round(value)) fail(" must be an integer");
  }
  for (const auto& [i, j] : type.less_than) {
    if (!(params[i] < params[j])) {
      throw ConfigError(type.name + ": '" + type.params[i].name + "' (" + shortest(params[i]) +
                        ") must be less than '" + type.params[j].name + "' (" + shortest(params[j]) + ")");
    }
  }
}

Genome make_genome(std::string_view name, const std::map<std::string, double>& values) {
  Genome genome;
  genome.strategy = strategy_id(name);
  const StrategyType& type = strategy_registry()[genome.strategy];
  for (std::size_t i = 0; i < type.params.size(); ++i) genome.params[i] = type.params[i].default_value;
  for (const auto& entry : values) {
    const std::string& key = entry.first;  // NOTE: not a structured binding: clang 14 cannot capture one
    const double value = entry.second;
    const auto spec = std::find_if(type.params.begin(), type.params.end(),
                                   [&](const ParamSpec& p) { return p.name == key; });
    if (spec == type.params.end()) {
      throw ConfigError(type.name + ": unknown parameter '" + key + "' (parameters: " + parameter_names(type) + ")");
    }
    genome.params[static_cast<std::size_t>(spec - type.params.begin())] = value;
  }
  check_params(type, genome.params.data());
  return genome;
}

}  // namespace genepool
