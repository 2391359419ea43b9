#pragma once
// The market data panel every rank holds: bars × symbols, one contiguous buffer per field.
#include <Eigen/Core>
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

namespace genepool {

// Column-major (Eigen's default): each symbol's series is contiguous, so a kernel
// streams one symbol at a time and each field is one buffer to broadcast.
using PriceMatrix = Eigen::Matrix<double, Eigen::Dynamic, Eigen::Dynamic, Eigen::ColMajor>;

struct MarketData {
  std::vector<std::string> symbols;      // one name per column
  std::vector<std::int64_t> timestamps;  // UTC seconds since the epoch, strictly increasing, one per bar
  PriceMatrix open, high, low, close, volume;  // bars × symbols

  Eigen::Index bars() const { return static_cast<Eigen::Index>(timestamps.size()); }
  Eigen::Index symbol_count() const { return static_cast<Eigen::Index>(symbols.size()); }
  // Bytes held by the numeric buffers (timestamps and the five fields).
  std::size_t bytes() const;
};

// Checks the invariants every consumer relies on; throws DataError naming `source`,
// the bar (with its timestamp), the symbol and the field that broke one:
// at least 1 symbol with unique non-empty names, shapes agree, at least 2 bars, timestamps
// strictly increasing, every value finite, prices > 0, high >= low, high >= max(open, close),
// low <= min(open, close), volume >= 0.
void validate(const MarketData& data, const std::string& source);

// Bars per calendar year in the data: (bars - 1) / (span in years of 365.2425 days).
// Throws DataError when the span is zero.
double infer_bars_per_year(const MarketData& data);

}  // namespace genepool
