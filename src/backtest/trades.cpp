// Names of the exit reasons of a trade list.
#include "genepool/backtest/trades.hpp"

namespace genepool {

std::string_view to_string(ExitReason reason) {
  switch (reason) {
    case ExitReason::rule: return "rule";
    case ExitReason::stop: return "stop";
    case ExitReason::target: return "target";
    case ExitReason::trailing: return "trailing";
    case ExitReason::max_bars: return "max-bars";
    case ExitReason::end_of_data: return "end-of-data";
  }
  return "unknown";
}

}  // namespace genepool
