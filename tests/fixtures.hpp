#pragma once
// Small runs the evolution, validation, resume and MPI tests share (header-only, no build settings).
#include <cstddef>
#include <cstdint>

#include "genepool/backtest/execution.hpp"
#include "genepool/data/market_data.hpp"
#include "genepool/data/synthetic.hpp"

namespace genepool::test {

// Two symbols of the synthetic market model, `bars` long, from `seed`.
inline MarketData two_symbol_data(std::size_t bars, std::uint64_t seed) {
  SyntheticSpec spec;
  spec.symbols = 2;
  spec.bars = bars;
  spec.seed = seed;
  return generate_synthetic(spec);
}

// Close execution, cost 0.0005, 252 bars per year.
inline ExecutionSettings test_execution() {
  ExecutionSettings settings;
  settings.cost = 0.0005;
  settings.bars_per_year = 252;
  return settings;
}

}  // namespace genepool::test
