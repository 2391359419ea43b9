#pragma once
// The market-data flags shared by `backtest`, `evolve` and `grid`: how several symbols are aligned,
// and the date window (--start, --end) the account covers.
#include <CLI/CLI.hpp>
#include <cstdint>
#include <string>

#include "genepool/backtest/execution.hpp"
#include "genepool/io/market_data_io.hpp"

namespace genepool::app {

struct DataOptions {
  std::string align = "union";
  std::size_t max_gap = kDefaultMaxGap;
  std::string start;  // first bar of the account: the first at or after it (ISO date or date-time, UTC); empty: the first
  std::string end;    // last bar of the data: the last at or before it; empty: the last

  LoadOptions load() const;  // throws ConfigError naming `align` for another value
  bool windowed() const { return !start.empty() || !end.empty(); }
};

// Adds --align, --max-gap, --start and --end to `command`, bound to `options`.
void add_data_options(CLI::App& command, DataOptions& options);

// The bars of a date window: the account opens at bar `first`, the data ends before bar `end`.
struct DateWindow {
  std::size_t first = 0;
  std::size_t end = 0;
};

// Resolves --start and --end on `timestamps`. Throws ConfigError naming the key for a date that does
// not parse, and naming both for a window of fewer than 2 bars (with the data's range).
DateWindow resolve_date_window(const DataOptions& options, const std::vector<std::int64_t>& timestamps);

// Applies the window: `data` loses its bars from `end` on (nothing after --end is read) and the
// account opens at `first` (settings.account_start); the bars before are warm-up. Returns the
// window as a line for the log, e.g. "window 2005-01-03 .. 2010-12-31: 1511 bars, 1222 bars of
// warm-up before", or empty without --start and --end.
std::string apply_date_window(const DataOptions& options, MarketData& data, ExecutionSettings& settings);

}  // namespace genepool::app
