#pragma once
// The options of every command that reads market data: `--data` (FILE or NAME=FILE, repeatable)
// and how CSV files are written where that is not detected (--delimiter, --decimal, --date-format,
// --price-column); in a config file they are the keys data, delimiter, decimal, date-format and
// price-column (docs/data-format.md, docs/configuration.md).
#include <CLI/CLI.hpp>
#include <filesystem>
#include <string>
#include <vector>

#include "genepool/io/csv_dialect.hpp"
#include "genepool/io/market_data_io.hpp"

namespace genepool::app {

struct DataOptions {
  std::vector<std::string> data;  // as given: FILE or NAME=FILE
  std::string delimiter;          // empty: detected
  std::string decimal = ".";
  std::string date_format;        // empty: ISO or epoch, detected
  std::string price_column;       // empty: close

  std::vector<DataSource> sources() const;
  std::vector<std::filesystem::path> paths() const;  // of the sources, for the input and output checks
  // The dialect the options name; ConfigError naming the option for a bad one.
  CsvDialect dialect() const;
  // load_market_data of the sources with the dialect.
  MarketData load(LoadReport* report = nullptr) const;
};

// Adds --data (described by `data_help`; each value an existing FILE or NAME=FILE) and the CSV
// dialect options to `command`; returns the --data option.
CLI::Option* add_data_options(CLI::App& command, DataOptions& options, const std::string& data_help);

}  // namespace genepool::app
