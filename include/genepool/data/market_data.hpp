#pragma once
// The market data panel every rank holds: bars × symbols, one contiguous buffer per field.
#include <Eigen/Core>
#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <vector>

namespace genepool {

// Column-major (Eigen's default): each symbol's series is contiguous, so a kernel
// streams one symbol at a time and each field is one buffer to broadcast.
using PriceMatrix = Eigen::Matrix<double, Eigen::Dynamic, Eigen::Dynamic, Eigen::ColMajor>;
// Availability, bars × symbols: live(t, k) = 1 where symbol k trades at bar t (a bar of its own, or one
// filled inside a gap of at most max-gap bars), 0 before its first bar, after its last and inside
// longer gaps, where its prices are filled and its position is flat (docs/data-format.md, "Panels").
using LiveMatrix = Eigen::Matrix<std::uint8_t, Eigen::Dynamic, Eigen::Dynamic, Eigen::ColMajor>;

struct MarketData {
  std::vector<std::string> symbols;      // one name per column
  std::vector<std::int64_t> timestamps;  // UTC seconds since the epoch, strictly increasing, one per bar
  PriceMatrix open, high, low, close, volume;  // bars × symbols
  LiveMatrix live;  // empty (0 × 0) when every symbol is live at every bar, else bars × symbols

  Eigen::Index bars() const { return static_cast<Eigen::Index>(timestamps.size()); }
  Eigen::Index symbol_count() const { return static_cast<Eigen::Index>(symbols.size()); }
  // Bytes held by the numeric buffers (timestamps and the five fields).
  std::size_t bytes() const;
};

// A column-major view of a bars × symbols field: its columns `outerStride()` values apart (the
// whole panel's bar count in a window of it, window_of in bar_window.hpp).
using PriceView = Eigen::Map<const PriceMatrix, Eigen::Unaligned, Eigen::OuterStride<>>;
using LiveView = Eigen::Map<const LiveMatrix, Eigen::Unaligned, Eigen::OuterStride<>>;

// The panel's arrays without a copy: of a MarketData, of a window of its bars (window_of), or of a
// node's shared copy (parallel.hpp, docs/architecture.md "One copy per node"). Reads like a const
// MarketData (data.close(t, k), data.close.col(k).data(), data.timestamps[t], data.symbols[k]).
// Cheap to copy; what holds the arrays must outlive every view of them.
struct MarketView {
  std::span<const std::string> symbols;
  std::span<const std::int64_t> timestamps;
  PriceView open{nullptr, 0, 0, Eigen::OuterStride<>(1)};
  PriceView high{nullptr, 0, 0, Eigen::OuterStride<>(1)};
  PriceView low{nullptr, 0, 0, Eigen::OuterStride<>(1)};
  PriceView close{nullptr, 0, 0, Eigen::OuterStride<>(1)};
  PriceView volume{nullptr, 0, 0, Eigen::OuterStride<>(1)};
  LiveView live{nullptr, 0, 0, Eigen::OuterStride<>(1)};  // empty when every symbol is live at every bar

  MarketView() = default;
  // NOTE: implicit, so that every reader of a panel (the Backtester, the validation, the results
  // writer) takes a view and is given a MarketData or a shared copy alike.
  MarketView(const MarketData& data);  // NOLINT(google-explicit-constructor)
  MarketView(const MarketView&) = default;
  MarketView(MarketView&& other) noexcept : MarketView(other) {}
  // Points this view at `other`'s arrays (an Eigen::Map's own assignment would copy values).
  MarketView& operator=(const MarketView& other);
  MarketView& operator=(MarketView&& other) noexcept { return *this = other; }

  Eigen::Index bars() const { return static_cast<Eigen::Index>(timestamps.size()); }
  Eigen::Index symbol_count() const { return static_cast<Eigen::Index>(symbols.size()); }
  bool always_live() const { return live.size() == 0; }
  bool is_live(Eigen::Index t, Eigen::Index k) const { return always_live() || live(t, k) != 0; }
  // Bytes of the numeric arrays viewed (timestamps and the five fields), as MarketData::bytes.
  std::size_t bytes() const;
};

// Checks the invariants every consumer relies on; throws DataError naming `source`,
// the bar (with its timestamp), the symbol and the field that broke one:
// at least 1 symbol with unique non-empty names, shapes agree, at least 2 bars, timestamps
// strictly increasing, every value finite, prices > 0, high >= low, high >= max(open, close),
// low <= min(open, close), volume >= 0; `live`, when not empty, bars × symbols of 0 and 1, with every
// symbol live at some bar.
void validate(const MarketData& data, const std::string& source);

// Bars per calendar year in the data: (bars - 1) / (span in years of 365.2425 days).
// Throws DataError when the span is zero.
double infer_bars_per_year(const MarketView& data);

}  // namespace genepool
