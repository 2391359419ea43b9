#pragma once
// Loading and saving market data by file name: the format follows the extension, and
// several files are aligned on the timestamps they share.
#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include "genepool/data/market_data.hpp"
#include "genepool/io/fingerprint.hpp"

namespace genepool {

// What load_market_data read from each file and what alignment dropped from it.
struct LoadReport {
  struct File {
    std::filesystem::path path;
    std::vector<std::string> symbols;  // the file's columns in the panel
    std::int64_t bars_read = 0;        // bars in the file
    std::int64_t bars_dropped = 0;     // of those, bars not present in every other file
    FileDigest digest;                 // of the bytes read (a CSV file is hashed as it is parsed)
  };
  std::vector<File> files;
  std::int64_t common_bars = 0;      // bars in the panel
  std::int64_t first_timestamp = 0;  // the panel's first and last bar
  std::int64_t last_timestamp = 0;

  // One line for people, e.g. "aligned 2 files on 4012 common bars (1999-01-22 .. 2014-12-31);
  // ORCL-1995-2014 dropped 1024, NVDA-1999-2014 dropped 0" or, for one file,
  // "loaded GOOG.csv: 1 symbol, 2148 bars (2004-08-19 .. 2013-03-01)". A file is named by its
  // symbol when it holds one, else by its file name.
  std::string summary() const;
};

// True for .h5 and .hdf5 (any case): the HDF5 layout of market_data_hdf5.hpp; anything else is CSV.
bool is_hdf5_path(const std::filesystem::path& file);

// Reads each file (HDF5 or CSV by extension; a CSV file is one symbol named after its stem) and
// joins them into one panel. Alignment is an inner join: the panel keeps exactly the timestamps
// present in every file, and `report` (when given) says how many bars each file lost. Throws
// DataError for no files, a symbol name used twice, or no common timestamp (naming every file
// and its range); a single common bar fails validate() (at least 2 bars).
MarketData load_market_data(const std::vector<std::filesystem::path>& files, LoadReport* report = nullptr);

// Writes a panel, HDF5 or CSV by extension. CSV holds one symbol: a panel of several symbols
// sent to a non-HDF5 path is a ConfigError that suggests .h5.
void save_market_data(const MarketData& data, const std::filesystem::path& file);

}  // namespace genepool
