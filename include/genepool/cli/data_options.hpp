#pragma once
// The options of every command that reads market data: `--data` (FILE or NAME=FILE, repeatable)
// and how CSV files are written where that is not detected (--delimiter, --decimal, --date-format,
// --price-column); for the commands that backtest a panel, how several symbols are aligned
// (--align, --max-gap) and the date window the account covers (--start, --end). In a config file
// they are the keys of the same names (docs/data-format.md, docs/configuration.md).
#include <CLI/CLI.hpp>
#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include "genepool/backtest/execution.hpp"
#include "genepool/io/csv_dialect.hpp"
#include "genepool/io/market_data_io.hpp"

namespace genepool::app {

struct DataOptions {
  std::vector<std::string> data;  // as given: FILE or NAME=FILE
  std::string delimiter;          // empty: detected
  std::string decimal = ".";
  std::string date_format;        // empty: ISO or epoch, detected
  std::string price_column;       // empty: close
  std::string align = "union";
  std::size_t max_gap = kDefaultMaxGap;
  std::string start;  // first bar of the account: the first at or after it (ISO date or date-time, UTC); empty: the first
  std::string end;    // last bar of the data: the last at or before it; empty: the last

  std::vector<DataSource> sources() const;
  std::vector<std::filesystem::path> paths() const;  // of the sources, for the input and output checks
  // The dialect the options name; ConfigError naming the option for a bad one.
  CsvDialect dialect() const;
  // The alignment; throws ConfigError naming `align` for another value.
  LoadOptions load_options() const;
  // load_market_data of the sources with the dialect and the alignment (and `readers`, of large CSV files).
  MarketData load(LoadReport* report = nullptr, CsvRangeReaders* readers = nullptr) const;
  bool windowed() const { return !start.empty() || !end.empty(); }
};

// Adds --data (described by `data_help`; each value an existing FILE or NAME=FILE) and the CSV
// dialect options to `command`; returns the --data option.
CLI::Option* add_data_options(CLI::App& command, DataOptions& options, const std::string& data_help);

// Adds --align, --max-gap, --start and --end to `command`, bound to `options`.
void add_panel_options(CLI::App& command, DataOptions& options);

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
