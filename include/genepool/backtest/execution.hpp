#pragma once
// How positions become returns: fill timing, costs, long/short.
#include <string>
#include <string_view>

namespace genepool {

enum class Execution {
  close,     // the position decided at close t is filled at close t and earns close[t+1]/close[t] - 1
  next_open  // the position decided at close t is filled at open t+1
};

struct ExecutionSettings {
  Execution execution = Execution::close;
  double cost = 0.0;          // proportional cost per unit of position change (commission + slippage)
  bool allow_short = false;   // long/flat by default; long/short when true
  double bars_per_year = 0.0; // annualisation factor B; 0 = infer from the data's timestamps
};

std::string_view to_string(Execution execution);
// Throws ConfigError naming `key` and the allowed values.
Execution parse_execution(std::string_view text, std::string_view key);

// "close execution, cost 0.0005, long/flat, 252 bars/year" (bars/year only when set)
std::string describe(const ExecutionSettings& settings);

}  // namespace genepool
