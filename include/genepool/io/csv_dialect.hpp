#pragma once
// How a market-data CSV file is written, where it is not detected: its delimiter, decimal mark,
// timestamp layout and the column the close comes from (`--delimiter`, `--decimal`,
// `--date-format`, `--price-column`; docs/data-format.md).
#include <string>
#include <string_view>

namespace genepool {

struct CsvDialect {
  char delimiter = 0;        // ',', ';', '\t' or '|'; 0: detected from the header
  char decimal = '.';        // '.' or ','
  std::string date_format;   // strptime-style (timestamp_pattern.hpp); empty: ISO dates or epoch, detected
  std::string price_column;  // the column whose values are the close, e.g. "adj_close"; empty: close

  bool operator==(const CsvDialect&) const = default;
};

// The delimiter an option names: ",", ";", "|", "tab" (or a tab character, or "\t"); ConfigError
// naming `option` otherwise.
char parse_delimiter(std::string_view text, const std::string& option);
// The decimal mark an option names: "." or ","; ConfigError naming `option` otherwise.
char parse_decimal(std::string_view text, const std::string& option);
// A delimiter as messages and load lines write it: "','", "';'", "tab", "'|'".
std::string delimiter_name(char delimiter);

// A column name as the reader compares it: lower case, without spaces, '_', '-' and '.', so that
// "Adj Close", "adj_close" and "AdjClose" are one name.
std::string column_key(std::string_view name);

}  // namespace genepool
