#include "genepool/cli/data_options.hpp"

#include <algorithm>
#include <optional>

#include "genepool/data/bar_window.hpp"
#include "genepool/data/timestamp.hpp"
#include "genepool/data/timestamp_pattern.hpp"
#include "genepool/error.hpp"

namespace genepool::app {

namespace {

std::int64_t parse_date(const std::string& text, const char* key) {
  const auto format = detect_timestamp_format(text);
  const auto time = format && (*format == TimestampFormat::iso_date || *format == TimestampFormat::iso_datetime)
                        ? parse_timestamp(text, *format)
                        : std::nullopt;
  if (!time)
    throw ConfigError(std::string(key) + ": '" + text + "' is not a date; expected YYYY-MM-DD or YYYY-MM-DD HH:MM[:SS] (UTC)");
  return *time;
}

}  // namespace

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

LoadOptions DataOptions::load_options() const { return {parse_alignment(align, "align"), max_gap}; }

MarketData DataOptions::load(LoadReport* report, CsvRangeReaders* readers) const {
  return load_market_data(sources(), dialect(), report, load_options(), readers);
}

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

void add_panel_options(CLI::App& command, DataOptions& options) {
  command
      .add_option("--align", options.align,
                  "How several symbols' bars are aligned: union (every timestamp; a symbol is flat where it has "
                  "no bar) or inner (only the timestamps every symbol has)")
      ->check(CLI::IsMember({"union", "inner"}))
      ->capture_default_str();
  command
      .add_option("--max-gap", options.max_gap,
                  "union: bars in a row a symbol may miss and still be held across (filled with its last close); "
                  "over a longer gap its position is flat")
      ->check(CLI::Range(std::size_t{0}, std::size_t{1'000'000}))
      ->capture_default_str();
  command.add_option("--start", options.start,
                     "First bar of the account (YYYY-MM-DD or YYYY-MM-DD HH:MM[:SS], UTC): the metrics cover the "
                     "window only; the bars before it warm the indicators up");
  command.add_option("--end", options.end,
                     "Last bar of the data (YYYY-MM-DD or YYYY-MM-DD HH:MM[:SS], UTC): nothing after it is read");
}

DateWindow resolve_date_window(const DataOptions& options, const std::vector<std::int64_t>& timestamps) {
  DateWindow window{0, timestamps.size()};
  if (!options.start.empty()) {
    const std::int64_t start = parse_date(options.start, "start");
    window.first = static_cast<std::size_t>(std::lower_bound(timestamps.begin(), timestamps.end(), start) -
                                            timestamps.begin());
  }
  if (!options.end.empty()) {
    std::int64_t end = parse_date(options.end, "end");
    // A date alone means the whole day: every bar of it up to 23:59:59.
    if (detect_timestamp_format(options.end) == TimestampFormat::iso_date) end += 86399;
    window.end = static_cast<std::size_t>(std::upper_bound(timestamps.begin(), timestamps.end(), end) -
                                          timestamps.begin());
  }
  if (window.end < window.first + 2) {
    const std::string range = timestamps.empty() ? "no bars"
                                                 : format_timestamp(timestamps.front()) + " .. " +
                                                       format_timestamp(timestamps.back());
    throw ConfigError("start, end: the window " + (options.start.empty() ? std::string("(first bar)") : options.start) +
                      " .. " + (options.end.empty() ? std::string("(last bar)") : options.end) + " holds " +
                      std::to_string(window.end > window.first ? window.end - window.first : 0) +
                      " bar(s) of the data (" + range + "); expected at least 2");
  }
  return window;
}

std::string apply_date_window(const DataOptions& options, MarketData& data, ExecutionSettings& settings) {
  if (!options.windowed()) return {};
  const DateWindow window = resolve_date_window(options, data.timestamps);
  if (window.end < static_cast<std::size_t>(data.bars())) data = slice(data, {0, window.end});
  settings.account_start = window.first;
  return "window " + format_timestamp(data.timestamps[window.first]) + " .. " + format_timestamp(data.timestamps.back()) +
         ": " + std::to_string(window.end - window.first) + " bars, " + std::to_string(window.first) +
         " bars of warm-up before";
}

}  // namespace genepool::app
