// `genepool backtest`: one strategy with given parameters on market data, its metrics and equity curve.
#include <algorithm>
#include <charconv>
#include <fstream>
#include <iomanip>
#include <iostream>
#include <map>

#include "commands.hpp"
#include "execution_options.hpp"
#include "genepool/backtest.hpp"
#include "genepool/error.hpp"
#include "genepool/market_data_io.hpp"
#include "genepool/timestamp.hpp"
#include "json.hpp"

namespace genepool::app {
namespace {

struct BacktestOptions {
  std::vector<std::string> data_files;
  std::string strategy;
  std::vector<std::string> params;  // NAME=VALUE
  ExecutionSettings settings;
  bool json = false;
  std::string equity_out;
};

std::map<std::string, double> parse_params(const std::vector<std::string>& items) {
  std::map<std::string, double> values;
  for (const auto& item : items) {
    const auto equals = item.find('=');
    double value = 0;
    const char* first = item.data() + (equals == std::string::npos ? 0 : equals + 1);
    const char* last = item.data() + item.size();
    const auto [end, ec] = std::from_chars(first, last, value);
    if (equals == std::string::npos || equals == 0 || ec != std::errc() || end != last || first == last) {
      throw ConfigError("--param '" + item + "': expected NAME=NUMBER, e.g. --param fast=10");
    }
    if (!values.emplace(item.substr(0, equals), value).second) {
      throw ConfigError("--param '" + item.substr(0, equals) + "' is given twice");
    }
  }
  return values;
}

void write_equity_csv(const std::string& path, const MarketData& data, const BacktestCurve& curve) {
  std::ofstream out(path);
  if (!out) throw IoError(path + ": cannot open for writing");
  out << "timestamp";
  for (const auto& symbol : data.symbols) out << (data.symbol_count() == 1 ? ",position" : ",position_" + symbol);
  out << ",return,equity\n" << std::setprecision(17);
  // One timestamp form for every row: dates when every bar is at midnight, else date-times.
  const bool daily = std::all_of(data.timestamps.begin(), data.timestamps.end(),
                                 [](std::int64_t seconds) { return seconds % 86400 == 0; });
  const auto form = daily ? TimestampFormat::iso_date : TimestampFormat::iso_datetime;
  for (Eigen::Index t = 0; t < data.bars(); ++t) {
    out << format_timestamp(data.timestamps[static_cast<std::size_t>(t)], form);
    for (Eigen::Index k = 0; k < data.symbol_count(); ++k) out << ',' << int{curve.positions(t, k)};
    out << ',' << curve.returns[static_cast<std::size_t>(t)] << ',' << curve.equity[static_cast<std::size_t>(t)]
        << '\n';
  }
  out.close();
  if (!out) throw IoError(path + ": write failed");
}

void print_metrics(std::ostream& out, const Metrics& metrics) {
  for (const auto& field : metric_fields()) {
    out << "  " << std::left << std::setw(18) << field.name << std::right << std::setw(14) << std::setprecision(6)
        << metrics.*field.member << "   " << field.description << '\n';
  }
}

void print_json(std::ostream& out, const Genome& genome, const MarketData& data, const ExecutionSettings& settings,
                const Metrics& metrics) {
  const auto& type = strategy_of(genome);
  JsonWriter json(out);
  json.begin_object().key("strategy").value(type.name).key("params").begin_object();
  for (std::size_t i = 0; i < type.params.size(); ++i) json.key(type.params[i].name).value(genome.params[i]);
  json.end_object();
  json.key("symbols").begin_array();
  for (const auto& symbol : data.symbols) json.value(symbol);
  json.end_array();
  json.key("bars").value(static_cast<std::int64_t>(data.bars()))
      .key("first").value(format_timestamp(data.timestamps.front()))
      .key("last").value(format_timestamp(data.timestamps.back()))
      .key("execution").value(to_string(settings.execution))
      .key("cost").value(settings.cost)
      .key("allow_short").value(settings.allow_short)
      .key("bars_per_year").value(settings.bars_per_year);
  json.key("metrics").begin_object();
  for (const auto& field : metric_fields()) json.key(field.name).value(metrics.*field.member);
  json.end_object().end_object();
  out << '\n';
}

void run_backtest(const BacktestOptions& options) {
  const Genome genome = make_genome(options.strategy, parse_params(options.params));
  LoadReport report;
  const MarketData data = load_market_data({options.data_files.begin(), options.data_files.end()}, &report);
  if (!options.json) std::cerr << "genepool: " << report.summary() << '\n';

  Backtester backtester(data, options.settings);
  BacktestCurve curve;
  const Metrics metrics = options.equity_out.empty() ? backtester.evaluate(genome) : backtester.evaluate(genome, curve);
  if (!options.equity_out.empty()) write_equity_csv(options.equity_out, data, curve);

  const ExecutionSettings& settings = backtester.settings();
  if (options.json) {
    print_json(std::cout, genome, data, settings, metrics);
    return;
  }
  const auto& type = strategy_of(genome);
  std::cout << type.name;
  for (std::size_t i = 0; i < type.params.size(); ++i) std::cout << ' ' << type.params[i].name << '=' << genome.params[i];
  std::cout << " on";
  for (const auto& symbol : data.symbols) std::cout << ' ' << symbol;
  std::cout << " (" << data.bars() << " bars, " << format_timestamp(data.timestamps.front()) << " .. "
            << format_timestamp(data.timestamps.back()) << "), " << describe(settings) << '\n';
  print_metrics(std::cout, metrics);
  if (!options.equity_out.empty()) std::cout << "equity curve written to " << options.equity_out << '\n';
}

}  // namespace

void add_backtest_command(CLI::App& app) {
  auto* command = app.add_subcommand("backtest", "Backtest one strategy with given parameters and print its metrics");
  auto options = std::make_shared<BacktestOptions>();
  command->add_option("--data", options->data_files, "Market data files (CSV or HDF5); several are aligned on timestamps")
      ->required()
      ->check(CLI::ExistingFile);
  command->add_option("--strategy", options->strategy, "Strategy type (see `genepool strategies`)")->required();
  command->add_option("--param", options->params, "A parameter as NAME=VALUE; repeat for each (defaults otherwise)");
  add_execution_options(*command, options->settings);
  command->add_flag("--json", options->json, "Print the result as JSON");
  command->add_option("--equity-out", options->equity_out, "Write timestamp, position, return and equity per bar (CSV)");
  command->callback([options] { run_backtest(*options); });
}

}  // namespace genepool::app
