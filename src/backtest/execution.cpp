#include "genepool/backtest/execution.hpp"

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

std::string describe(const ExecutionSettings& settings) {
  std::ostringstream text;
  text << to_string(settings.execution) << " execution, cost " << settings.cost << ", "
       << (settings.allow_short ? "long/short" : "long/flat");
  if (settings.bars_per_year > 0) text << ", " << settings.bars_per_year << " bars/year";
  return text.str();
}

}  // namespace genepool
