#pragma once
// Deterministic synthetic market data: a regime-switching market model and plain geometric
// Brownian motion. The models, their parameters and the determinism guarantees are in
// docs/synthetic-data.md.
#include <cstddef>
#include <cstdint>

#include "genepool/data/market_data.hpp"

namespace genepool {

enum class SyntheticModel {
  regime,  // bull/bear/sideways regimes, GARCH(1,1) volatility, a common market factor
  gbm      // geometric Brownian motion with exactly `drift` and `volatility`, symbols independent
};

struct SyntheticSpec {
  SyntheticModel model = SyntheticModel::regime;
  std::size_t symbols = 1;  // named SYN1, SYN2, ..., SYN10, ... (no padding)
  std::size_t bars = 2520;
  std::uint64_t seed = 1;
  double drift = 0.0002;      // per bar: expected simple return E[close_t / close_{t-1} - 1]
  double volatility = 0.01;   // per bar: standard deviation of the log return
  double start_price = 100.0; // open of the first bar, and the close before it
  double correlation = 0.5;   // regime model: pairwise correlation of the symbols' shocks (common-factor weight)
  std::int64_t start_time = 946857600;  // 2000-01-03 UTC, a Monday
  std::int64_t bar_seconds = 86400;     // spacing; daily bars (86400) skip Saturdays and Sundays
};

// Generates the panel described by `spec`. The same spec gives bit-identical data; symbol k's
// series does not depend on how many symbols are generated. Throws ConfigError naming the field,
// its valid range and the value when the spec is invalid, or when the prices would leave the range
// of a double. The result passes validate(data, ...).
MarketData generate_synthetic(const SyntheticSpec& spec);

}  // namespace genepool
