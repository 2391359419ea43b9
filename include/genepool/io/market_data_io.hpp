#pragma once
// Loading and saving market data by file name: the format follows the extension, and
// several files are aligned into one panel (union or inner).
#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include "genepool/data/availability.hpp"
#include "genepool/data/market_data.hpp"
#include "genepool/io/csv_dialect.hpp"
#include "genepool/io/csv_ranges.hpp"
#include "genepool/io/fingerprint.hpp"

namespace genepool {

// A market-data file as `--data` names it: "prices.csv", or "AAPL=prices.csv" to name its symbol.
struct DataSource {
  std::filesystem::path path;
  std::string symbol;  // empty: the file's own (a CSV file's stem or symbol column, an HDF5 file's /symbols)

  bool operator==(const DataSource&) const = default;
};

// "NAME=PATH" is PATH named NAME when NAME is a symbol (letters, digits and . _ - ^ :, not
// starting with '.'), PATH is not empty and has no '=', and "NAME=PATH" itself is no existing
// file; anything else is a path.
DataSource parse_data_source(const std::string& text);

// How several symbols' bars become one panel (docs/data-format.md, "Several files: alignment").
enum class Alignment {
  union_bars,  // "union": every timestamp of any symbol; a symbol is flat where it has no bar
  inner        // "inner": only the timestamps every symbol has
};
std::string_view to_string(Alignment align);
// Throws ConfigError naming `key` and the allowed values.
Alignment parse_alignment(std::string_view text, std::string_view key);

struct LoadOptions {
  Alignment align = Alignment::union_bars;
  std::size_t max_gap = kDefaultMaxGap;  // union: missing bars in a row still held across
};

// Share of a file's bars that, dropped by the inner alignment, makes evolve warn.
inline constexpr double kInnerLossWarning = 0.10;

// What load_market_data read from each file and what alignment dropped from it.
struct LoadReport {
  struct File {
    std::filesystem::path path;
    std::vector<std::string> symbols;  // the file's columns in the panel
    std::int64_t bars_read = 0;        // bars in the file
    std::int64_t bars_dropped = 0;     // of those, bars not present in every other file (inner)
    FileDigest digest;                 // of the bytes read (a CSV file is hashed as it is parsed)
    std::vector<std::string> notes;    // how a CSV file was read (CsvFile::notes)
  };
  std::vector<File> files;
  std::int64_t common_bars = 0;      // bars in the panel
  std::int64_t first_timestamp = 0;  // the panel's first and last bar
  std::int64_t last_timestamp = 0;
  LoadOptions options;
  // Union: per symbol of the panel, its first and last bar and what filling did; inner: each
  // symbol's own first and last bar (its bars before the alignment), nothing filled.
  std::vector<SymbolAvailability> symbols;
  std::vector<std::int64_t> first_timestamps, last_timestamps;  // per symbol, of its own bars
  std::int64_t empty_bars = 0;  // bars of an HDF5 panel where no symbol had a bar: dropped

  // One line for people, e.g. for one file "loaded GOOG.csv: 1 symbol, 2148 bars (2004-08-19 ..
  // 2013-03-01)"; for several, "aligned 2 files (union, max-gap 5) on 4573 bars (...); NVDA
  // 1999-01-22 .. 2014-12-31 (filled 0; flat before 701)" or "aligned 2 files (inner) on 4012
  // common bars (...); ORCL-1995-2014 1995-01-03 .. 2014-12-31 dropped 1024, ...". A file is named
  // by its symbol when it holds one, else by its file name. Each CSV file's notes follow
  // ("; x.csv: ';'-separated, ...").
  std::string summary() const;
  // Inner alignment: one line per file that lost more than kInnerLossWarning of its bars, e.g.
  // "align = inner dropped 701 of 4713 bars (14.9%) of YHOO-1996-2014"; empty otherwise.
  std::vector<std::string> inner_losses() const;
};

// True for .h5 and .hdf5 (any case): the HDF5 layout of market_data_hdf5.hpp; anything else is CSV.
bool is_hdf5_path(const std::filesystem::path& file);

// Reads each file (HDF5 or CSV by extension; CSV files with `dialect`, read_csv_file) into its
// named series (a long CSV file gives several) and joins them into one panel. Union (the default):
// every timestamp of any series, each symbol's missing bars filled and marked by fill_missing (an
// HDF5 file's NaN cells likewise), so the symbols of a long file whose dates do not overlap are
// never spliced into one series. Inner: the timestamps every symbol has (an HDF5 file's bars with a
// NaN cell dropped first), and `report` says how many bars each file lost. Throws DataError for no
// files, a symbol name used twice, or fewer than 2 bars in the panel (naming every series and its
// range); ConfigError for a NAME= on a file of several symbols.
// `readers` (when given) read parts of each large CSV file meanwhile (read_csv_file).
MarketData load_market_data(const std::vector<DataSource>& sources, const CsvDialect& dialect,
                            LoadReport* report = nullptr, const LoadOptions& options = {},
                            CsvRangeReaders* readers = nullptr);
// The same for files of their own symbols, read with the detected dialect.
MarketData load_market_data(const std::vector<std::filesystem::path>& files, LoadReport* report = nullptr,
                            const LoadOptions& options = {});

// Writes a panel, HDF5 or CSV by extension. CSV holds one symbol: a panel of several symbols
// sent to a non-HDF5 path is a ConfigError that suggests .h5.
void save_market_data(const MarketData& data, const std::filesystem::path& file);

}  // namespace genepool
