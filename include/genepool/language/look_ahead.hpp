#pragma once
// The look-ahead check of any position function: change every bar after a cut t (prices and
// volume, keeping every bar valid) and require the positions at or before t to stay the same, over
// random genomes of a parameter space, both long/flat and long/short, on every symbol of the data.
#include <cstddef>
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "genepool/data/market_data.hpp"
#include "genepool/strategies/strategy.hpp"

namespace genepool::language {

// Positions of every bar of `series` into positions[0 .. series.bars) (a ReferenceKernel's
// contract; the series carries volume, not the prefix sums).
using PositionFunction =
    std::function<void(const SymbolSeries& series, const double* params, bool allow_short, std::int8_t* positions)>;

struct LookAheadSettings {
  std::size_t genomes = 8;  // random genomes (repaired), the defaults first
  std::size_t cuts = 6;     // cut points per genome and symbol, spread over the bars
  std::uint64_t seed = 1;
};

struct LookAheadVerdict {
  bool passed = true;
  // The first failure: where positions at or before `cut` moved when bars after it changed.
  std::string symbol;
  std::vector<double> params;
  bool allow_short = false;
  std::size_t cut = 0;
  std::size_t bar = 0;  // the first bar <= cut whose position moved
  std::size_t checks = 0;  // (genome, side, symbol, cut) cases run
  // One line: "passed (N checks)" or what failed, with the genome and the bars.
  std::string summary(const StrategyType& space) const;
};

// Runs the check of `positions` over genomes of `space` (its params and less_than) on `data`.
// Data with fewer than 3 bars cannot be cut: a ConfigError.
LookAheadVerdict check_look_ahead(const StrategyType& space, const PositionFunction& positions,
                                  const MarketData& data, const LookAheadSettings& settings = {});

}  // namespace genepool::language
