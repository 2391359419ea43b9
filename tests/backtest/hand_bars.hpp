#pragma once
// Hand-made bars and decisions for the tests of exits and trades: one symbol of daily bars, fixed
// positions, and plain execution settings.
#include <cstdint>
#include <vector>

#include "genepool/backtest/execution.hpp"
#include "genepool/data/market_data.hpp"

namespace genepool::test {

struct Bar {
  double open, high, low, close;
};

// One symbol of daily bars.
inline MarketData bars_of(const std::vector<Bar>& bars) {
  MarketData data;
  data.symbols = {"X"};
  const auto n = static_cast<Eigen::Index>(bars.size());
  data.open.resize(n, 1);
  data.high.resize(n, 1);
  data.low.resize(n, 1);
  data.close.resize(n, 1);
  data.volume = PriceMatrix::Zero(n, 1);
  for (Eigen::Index t = 0; t < n; ++t) {
    const Bar& bar = bars[static_cast<std::size_t>(t)];
    data.timestamps.push_back(946857600 + 86400 * t);
    data.open(t, 0) = bar.open;
    data.high(t, 0) = bar.high;
    data.low(t, 0) = bar.low;
    data.close(t, 0) = bar.close;
  }
  validate(data, "test bars");
  return data;
}

inline PositionMatrix decisions(const std::vector<int>& column) {
  PositionMatrix m(static_cast<Eigen::Index>(column.size()), 1);
  for (std::size_t t = 0; t < column.size(); ++t) m(static_cast<Eigen::Index>(t), 0) = static_cast<std::int8_t>(column[t]);
  return m;
}

inline ExecutionSettings plain(Execution execution = Execution::close, double cost = 0) {
  ExecutionSettings s;
  s.execution = execution;
  s.cost = cost;
  s.allow_short = true;
  s.bars_per_year = 252;
  return s;
}

}  // namespace genepool::test
