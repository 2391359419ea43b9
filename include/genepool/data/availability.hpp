#pragma once
// Panels of symbols with different histories: the cells where a symbol has no bar, filled and marked
// (MarketData::live). The rules are in docs/data-format.md ("Panels") and docs/metrics.md.
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "genepool/data/market_data.hpp"

namespace genepool {

// Bars of the panel a symbol may miss in a row and still be held across (max-gap's default).
inline constexpr std::size_t kDefaultMaxGap = 5;

// What the availability rules did to one symbol's column.
struct SymbolAvailability {
  std::string symbol;
  std::int64_t first = 0;        // its first and last bar of its own (bar indices of the panel)
  std::int64_t last = 0;
  std::int64_t own = 0;          // bars of its own
  std::int64_t filled = 0;       // missing bars inside gaps of at most max-gap bars: filled and live
  std::int64_t flat_gaps = 0;    // gaps longer than max-gap: the position is flat across them
  std::int64_t flat_bars = 0;    // the missing bars of those gaps
  std::int64_t before = 0;       // bars before its first and after its last (flat)
  std::int64_t after = 0;
};

// Fills and marks the missing cells of `panel`: a cell is missing when its close is NaN, and then its
// open, high and low must be NaN too (its volume is ignored). Before a symbol's first bar every price
// is its first open, after its last bar and inside a gap every price is the close before; the volume
// of a filled bar is 0. A gap of at most `max_gap` missing bars is live (held across: the return of
// the bar after the gap is earned); a longer gap, the bars before the first and after the last are
// not. panel.live is left empty when every cell is live. Throws DataError naming `source`, the bar
// and the symbol for a cell with some prices NaN and not others, and for a symbol with no bar.
std::vector<SymbolAvailability> fill_missing(MarketData& panel, std::size_t max_gap, const std::string& source);

// Removes the bars where no symbol has a bar of its own (a close that is not NaN); returns how many.
std::int64_t drop_empty_bars(MarketData& panel);

// Removes the bars where some symbol has no bar of its own; per symbol, the bars of its own removed.
std::vector<std::int64_t> keep_complete_bars(MarketData& panel);

}  // namespace genepool
