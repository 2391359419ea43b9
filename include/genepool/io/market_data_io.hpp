#pragma once
// Loading and saving market data by file name: the format follows the extension, and
// several files are aligned on the timestamps they share.
#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include "genepool/data/market_data.hpp"
#include "genepool/io/csv_dialect.hpp"
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

// What load_market_data read from each file and what alignment dropped from it.
struct LoadReport {
  struct File {
    std::filesystem::path path;
    std::vector<std::string> symbols;  // the file's columns in the panel
    std::int64_t bars_read = 0;        // bars in the file
    std::int64_t bars_dropped = 0;     // of those, bars not present in every other file
    FileDigest digest;                 // of the bytes read (a CSV file is hashed as it is parsed)
    std::vector<std::string> notes;    // how a CSV file was read (CsvFile::notes)
  };
  std::vector<File> files;
  std::int64_t common_bars = 0;      // bars in the panel
  std::int64_t first_timestamp = 0;  // the panel's first and last bar
  std::int64_t last_timestamp = 0;

  // One line for people, e.g. "aligned 2 files on 4012 common bars (1999-01-22 .. 2014-12-31);
  // ORCL-1995-2014 dropped 1024, NVDA-1999-2014 dropped 0" or, for one file,
  // "loaded GOOG.csv: 1 symbol, 2148 bars (2004-08-19 .. 2013-03-01)". A file is named by its
  // symbol when it holds one, else by its file name. Each file's notes follow ("; x.csv: ';'-separated, ...").
  std::string summary() const;
};

// True for .h5 and .hdf5 (any case): the HDF5 layout of market_data_hdf5.hpp; anything else is CSV.
bool is_hdf5_path(const std::filesystem::path& file);

// Reads each file (HDF5 or CSV by extension; CSV files with `dialect`, read_csv_file) into its
// named series and joins them into one panel. Alignment is an inner join: the panel keeps exactly
// the timestamps present in every series, and `report` (when given) says how many bars each file
// lost. Throws DataError for no files, a symbol name used twice, or fewer than 2 common timestamps
// (naming every series and its range: the symbols of a long file whose dates do not overlap are
// refused, never spliced); ConfigError for a NAME= on a file of several symbols.
MarketData load_market_data(const std::vector<DataSource>& sources, const CsvDialect& dialect,
                            LoadReport* report = nullptr);
// The same for files of their own symbols, read with the detected dialect.
MarketData load_market_data(const std::vector<std::filesystem::path>& files, LoadReport* report = nullptr);

// Writes a panel, HDF5 or CSV by extension. CSV holds one symbol: a panel of several symbols
// sent to a non-HDF5 path is a ConfigError that suggests .h5.
void save_market_data(const MarketData& data, const std::filesystem::path& file);

}  // namespace genepool
