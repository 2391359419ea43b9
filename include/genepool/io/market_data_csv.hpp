#pragma once
// One symbol's bars as CSV text: the forms real downloads use, read strictly and fast.
#include <filesystem>
#include <string>
#include <vector>

#include "genepool/data/market_data.hpp"
#include "genepool/io/csv_dialect.hpp"
#include "genepool/io/csv_ranges.hpp"
#include "genepool/io/fingerprint.hpp"

namespace genepool {

// What a CSV file holds: one series per symbol, each oldest first.
struct CsvFile {
  std::vector<MarketData> series;  // one symbol each: the file's, or one per value of its symbol column
  FileDigest digest;               // of the file's bytes (compressed, for gzip), hashed as they are read
  std::vector<std::string> notes;  // how it was read, for the load line: "';'-separated", "newest first (reversed)", ...
};

// Reads a CSV file of bars (docs/data-format.md lists the accepted forms), plain or gzip (by its
// magic bytes). The header row is required; names are compared without case, spaces and '_'.
// The delimiter (',', ';', tab, '|') is detected from the header unless `dialect` names it; fields
// may be quoted (RFC 4180). The timestamp column is the first one when its header is empty, else
// the one named date, datetime, timestamp or time, or a Date and a Time column joined; its layout
// is detected (ISO, with a UTC offset or not, or epoch) unless dialect.date_format names it.
// open, high, low and close are required; volume is optional (0 when absent); dialect.price_column
// names a column for the close (open, high and low scaled by the same factor; in a file without a
// close column, it is the close); other columns are
// ignored and named in `notes`. A `symbol` or `ticker` column splits the file into one series per
// symbol (long format), in the order they first appear; otherwise the one series is named `symbol`,
// or the file's stem (without .gz) in upper case when empty. Timestamps rise strictly per symbol,
// or fall strictly throughout (newest first, then reversed). Throws IoError when the file cannot be
// read, ConfigError for a bad dialect or a `symbol` for a long file, and DataError, one line
// "FILE:LINE: column 'x': ...", for anything malformed; nothing is skipped or repaired.
// With `readers` (csv_ranges.hpp), other processes read parts of a large plain file of one series
// meanwhile; the result is the same.
CsvFile read_csv_file(const std::filesystem::path& file, const CsvDialect& dialect = {}, std::string symbol = {},
                      CsvRangeReaders* readers = nullptr);

// read_csv_file for a file of one symbol: its series (DataError for a file of several symbols).
// `digest` (when given) gets the SHA-256 and size of the bytes read.
MarketData read_csv(const std::filesystem::path& file, std::string symbol = {}, FileDigest* digest = nullptr,
                    const CsvDialect& dialect = {});

// Writes a one-symbol panel as "timestamp,open,high,low,close,volume" with shortest round-trip
// numbers. Timestamps are YYYY-MM-DD when every bar is at midnight, else YYYY-MM-DD HH:MM:SS.
// Validates first (DataError); throws ConfigError for a panel of several symbols and IoError when
// the file cannot be written. Writes FILE.tmp and renames it, so no half-written FILE is left.
void write_csv(const MarketData& data, const std::filesystem::path& file);

}  // namespace genepool
