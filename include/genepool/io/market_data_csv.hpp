#pragma once
// One symbol's bars as CSV text: the forms real downloads use, read strictly and fast.
#include <filesystem>
#include <string>

#include "genepool/data/market_data.hpp"
#include "genepool/io/fingerprint.hpp"

namespace genepool {

// Reads one symbol's bars (docs/data-format.md lists the accepted forms). The header row is
// required; names are case-insensitive. The timestamp column is the first one when its header
// is empty, else the one named date, datetime, timestamp or time. open, high, low and close are
// required; volume is optional and 0 for every bar when the header has no such column; other
// columns are ignored. `symbol` names the column; empty means the file's stem in upper case.
// Throws IoError when the file cannot be read and DataError, one line "FILE:LINE: column 'x': ...",
// for anything malformed or invalid; nothing is skipped or repaired. `digest` (when given) gets the
// SHA-256 and size of the bytes parsed, hashed as they are read.
MarketData read_csv(const std::filesystem::path& file, std::string symbol = {}, FileDigest* digest = nullptr);

// Writes a one-symbol panel as "timestamp,open,high,low,close,volume" with shortest round-trip
// numbers. Timestamps are YYYY-MM-DD when every bar is at midnight, else YYYY-MM-DD HH:MM:SS.
// Validates first (DataError); throws ConfigError for a panel of several symbols and IoError when
// the file cannot be written. Writes FILE.tmp and renames it, so no half-written FILE is left.
void write_csv(const MarketData& data, const std::filesystem::path& file);

}  // namespace genepool
