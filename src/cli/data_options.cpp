#include "genepool/cli/data_options.hpp"

#include "genepool/data/timestamp_pattern.hpp"
#include "genepool/error.hpp"

namespace genepool::app {

std::vector<DataSource> DataOptions::sources() const {
  std::vector<DataSource> sources;
  for (const std::string& text : data) sources.push_back(parse_data_source(text));
  return sources;
}

std::vector<std::filesystem::path> DataOptions::paths() const {
  std::vector<std::filesystem::path> paths;
  for (const DataSource& source : sources()) paths.push_back(source.path);
  return paths;
}

CsvDialect DataOptions::dialect() const {
  CsvDialect dialect;
  if (!delimiter.empty()) dialect.delimiter = parse_delimiter(delimiter, "--delimiter");
  dialect.decimal = parse_decimal(decimal, "--decimal");
  dialect.date_format = date_format;
  if (!date_format.empty()) TimestampPattern check(date_format, "--date-format");
  dialect.price_column = price_column;
  return dialect;
}

MarketData DataOptions::load(LoadReport* report) const { return load_market_data(sources(), dialect(), report); }

CLI::Option* add_data_options(CLI::App& command, DataOptions& options, const std::string& data_help) {
  const CLI::Validator existing(
      [](std::string& text) {
        const DataSource source = parse_data_source(text);
        const std::string problem = CLI::ExistingFile(source.path.string());
        return problem.empty() ? problem : problem + " (give FILE or NAME=FILE)";
      },
      "FILE or NAME=FILE");
  CLI::Option* data = command.add_option("--data", options.data, data_help + "; NAME=FILE names its symbol")
                          ->check(existing);
  // A ConfigError's text, for CLI11 (which names the option, and a config file's line, itself).
  const auto problem = [](auto&& check) {
    try {
      check();
      return std::string();
    } catch (const ConfigError& error) {
      const std::string what = error.what();
      return what.substr(what.find(": ") + 2);
    }
  };
  command.add_option("--delimiter", options.delimiter,
                     "CSV field delimiter: ',', ';', '|' or tab (detected from the header when absent)")
      ->check(CLI::Validator(
          [problem](std::string& text) { return problem([&] { parse_delimiter(text, "--delimiter"); }); },
          "DELIMITER"));
  command.add_option("--decimal", options.decimal, "CSV decimal mark: '.' or ',' (then '.' may group thousands)")
      ->check(CLI::IsMember({".", ","}))
      ->capture_default_str();
  command.add_option("--date-format", options.date_format,
                     "CSV timestamp layout, strptime-style, e.g. '%d/%m/%Y %H:%M' (ISO and epoch are detected)")
      ->check(CLI::Validator(
          [problem](std::string& text) { return problem([&] { TimestampPattern(text, "--date-format"); }); },
          "FORMAT"));
  command.add_option("--price-column", options.price_column,
                     "CSV column to use as the close, e.g. adj_close: open, high and low are scaled by the same factor");
  return data;
}

}  // namespace genepool::app
