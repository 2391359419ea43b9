// `genepool backtest`: one strategy with given parameters on market data, its metrics and equity curve;
// or every strategy of a strategy spec (`genepool export --out`), replayed and compared with its stored metrics.
#include <algorithm>
#include <charconv>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <iomanip>
#include <iostream>
#include <map>
#include <optional>

#include "genepool/app/commands.hpp"
#include "genepool/cli/data_options.hpp"
#include "genepool/cli/config_file.hpp"
#include "genepool/cli/error_line.hpp"
#include "genepool/cli/execution_options.hpp"
#include "genepool/cli/ranges.hpp"
#include "genepool/cli/strategy_files.hpp"
#include "genepool/backtest/backtest.hpp"
#include "genepool/backtest/backtest_reference.hpp"
#include "genepool/backtest/trades.hpp"
#include "genepool/error.hpp"
#include "genepool/io/output_file.hpp"
#include "genepool/io/market_data_io.hpp"
#include "genepool/data/timestamp.hpp"
#include "genepool/io/json.hpp"
#include "genepool/results/strategy_spec.hpp"
#include "genepool/version.hpp"
#include "genepool/validation/validation.hpp"
#include "genepool/number_text.hpp"
#include "genepool/data/bar_window.hpp"

namespace genepool::app {
namespace {

struct BacktestOptions {
  DataOptions data;
  std::string strategy;
  std::vector<std::string> params;  // NAME=VALUE
  std::string spec;
  std::vector<std::string> strategy_files;
  ExecutionSettings settings;
  CLI::App* command = nullptr;  // to tell which execution flags were given
  bool json = false;
  std::string equity_out;
  std::string trades_out;
  std::string window;  // --spec: train, test or all; empty: the window the spec's metrics belong to
  bool force = false;
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

// One timestamp form for every row of a CSV: dates when every bar is at midnight, else date-times.
TimestampFormat timestamp_form(const MarketData& data) {
  const bool daily = std::all_of(data.timestamps.begin(), data.timestamps.end(),
                                 [](std::int64_t seconds) { return seconds % 86400 == 0; });
  return daily ? TimestampFormat::iso_date : TimestampFormat::iso_datetime;
}

// One row per trade, per symbol in time order (docs/reading-results.md, "Trades"), with the fixed
// stop-loss and take-profit prices of `exits` (empty where not used; a trailing stop moves, so it
// has none).
void write_trades_csv(const std::string& path, const MarketData& data, const std::vector<Trade>& trades,
                      const ExitRules& exits) {
  OutputFile file(path, "trades.csv");
  std::ostream& out = file.stream();
  out << "symbol,direction,size,entry_time,entry_price,exit_time,exit_price,bars_held,return,exit_reason,"
         "stop_level,target_level\n"
      << std::setprecision(17);
  const auto form = timestamp_form(data);
  const auto time = [&](Eigen::Index bar) { return format_timestamp(data.timestamps[static_cast<std::size_t>(bar)], form); };
  for (const Trade& trade : trades) {
    out << data.symbols[static_cast<std::size_t>(trade.symbol)] << ',' << (trade.direction > 0 ? "long" : "short")
        << ',' << trade.size << ',' << time(trade.entry_bar) << ',' << trade.entry_price << ','
        << time(trade.exit_bar) << ',' << trade.exit_price << ',' << trade.bars_held() << ',' << trade.ret << ','
        << to_string(trade.reason) << ',';
    // The prices the walk compares with (backtest_reference.cpp): entry x (1 -/+ the fraction).
    const double side = trade.direction;
    if (exits.stop_loss > 0) out << trade.entry_price * (1 - side * exits.stop_loss);
    out << ',';
    if (exits.take_profit > 0) out << trade.entry_price * (1 + side * exits.take_profit);
    out << '\n';
  }
  file.commit();
}

// With exits or sizing (`held`), the held positions follow the rule's (docs/metrics.md); with a
// trailing stop (`trailing`: bars × symbols, reference_trailing_stops), its price per bar, empty
// where none is in force. Rows from bar `first` (the account's first, --start) on.
void write_equity_csv(const std::string& path, const MarketData& data, const BacktestCurve& curve, bool held,
                      const Eigen::MatrixXd* trailing, std::size_t first) {
  OutputFile file(path, "equity.csv");
  std::ostream& out = file.stream();
  const auto columns = [&](const char* name) {
    for (const auto& symbol : data.symbols) out << ',' << name << (data.symbol_count() == 1 ? "" : "_" + symbol);
  };
  out << "timestamp";
  columns("position");
  if (held) columns("held");
  for (const auto& symbol : data.symbols) out << (data.symbol_count() == 1 ? ",close" : ",close_" + symbol);
  if (trailing != nullptr) columns("trailing_stop");
  out << ",return,equity\n" << std::setprecision(17);
  const auto form = timestamp_form(data);
  for (auto t = static_cast<Eigen::Index>(first); t < data.bars(); ++t) {
    out << format_timestamp(data.timestamps[static_cast<std::size_t>(t)], form);
    for (Eigen::Index k = 0; k < data.symbol_count(); ++k) out << ',' << int{curve.positions(t, k)};
    if (held) {
      for (Eigen::Index k = 0; k < data.symbol_count(); ++k) out << ',' << curve.held(t, k);
    }
    for (Eigen::Index k = 0; k < data.symbol_count(); ++k) out << ',' << data.close(t, k);
    if (trailing != nullptr) {
      for (Eigen::Index k = 0; k < data.symbol_count(); ++k) {
        out << ',';
        if (!std::isnan((*trailing)(t, k))) out << (*trailing)(t, k);
      }
    }
    out << ',' << curve.returns[static_cast<std::size_t>(t)] << ',' << curve.equity[static_cast<std::size_t>(t)]
        << '\n';
  }
  file.commit();
}

void print_metrics(std::ostream& out, const Metrics& metrics) {
  for (const auto& field : metric_fields()) {
    out << "  " << std::left << std::setw(18) << field.name << std::right << std::setw(14) << std::setprecision(6)
        << metrics.*field.member << "   " << field.description << '\n';
  }
}

// The exits and sizing, keyed as their options.
Json exits_json(const ExitRules& exits) {
  return {{"stop-loss", exits.stop_loss},   {"take-profit", exits.take_profit}, {"trailing-stop", exits.trailing_stop},
          {"max-bars", exits.max_bars},     {"sizing", to_string(exits.sizing)}, {"target-vol", exits.target_vol},
          {"vol-window", exits.vol_window}, {"leverage-cap", exits.leverage_cap}};
}

// The result of one backtest as a JSON object.
Json backtest_json(const Genome& genome, const MarketData& data, const ExecutionSettings& settings,
                   const Metrics& metrics) {
  const auto& type = strategy_of(genome);
  Json params = Json::object();
  for (std::size_t i = 0; i < type.params.size(); ++i) params[type.params[i].name] = genome.params[i];
  Json values = Json::object();
  for (const auto& field : metric_fields()) values[field.name] = metrics.*field.member;
  return {{"strategy", type.name},
          {"params", std::move(params)},
          {"symbols", data.symbols},
          {"bars", static_cast<std::int64_t>(data.bars()) - static_cast<std::int64_t>(settings.account_start)},
          {"first", format_timestamp(data.timestamps[settings.account_start])},
          {"last", format_timestamp(data.timestamps.back())},
          {"execution", to_string(settings.execution)},
          {"cost", settings.cost},
          {"allow_short", settings.allow_short},
          {"bars_per_year", settings.bars_per_year},
          {"exits", exits_json(settings.exits)},
          {"metrics", std::move(values)}};
}

// "sma_crossover fast=10 slow=40 on SPY (2520 bars, 2010-01-04 .. 2019-12-31), close execution, ..."
void print_heading(std::ostream& out, const Genome& genome, const MarketData& data, const ExecutionSettings& settings) {
  const auto& type = strategy_of(genome);
  out << type.name;
  for (std::size_t i = 0; i < type.params.size(); ++i) out << ' ' << type.params[i].name << '=' << genome.params[i];
  out << " on";
  for (const auto& symbol : data.symbols) out << ' ' << symbol;
  const std::size_t first = settings.account_start;  // the account's bars: the window
  out << " (" << data.bars() - static_cast<Eigen::Index>(first) << " bars, " << format_timestamp(data.timestamps[first])
      << " .. " << format_timestamp(data.timestamps.back()) << "), " << describe(settings) << '\n';
}

// A replayed metric equals the spec's: bit for bit, or both non-finite (the spec writes those as null).
bool same_metric(double replayed, const std::optional<double>& stored) {
  if (!stored) return !std::isfinite(replayed);
  return replayed == *stored || (std::isnan(replayed) && std::isnan(*stored));
}


// Whether the given files are the spec's data: the same files by SHA-256, in order.
bool same_data(const SpecStrategy& strategy, const std::vector<std::string>& digests) {
  if (digests.size() != strategy.inputs.size()) return false;
  for (std::size_t i = 0; i < digests.size(); ++i)
    if (digests[i] != strategy.inputs[i].sha256) return false;
  return true;
}

// One line when the given files are not the spec's data: their SHA-256, in order, against the spec's.
void warn_other_data(const SpecStrategy& strategy, const std::vector<std::string>& files,
                     const std::vector<std::string>& digests) {
  std::string given, expected;
  for (std::size_t i = 0; i < files.size(); ++i)
    given += (i ? ", " : "") + files[i] + " " + digests[i].substr(0, 12);
  for (std::size_t i = 0; i < strategy.inputs.size(); ++i)
    expected += (i ? ", " : "") + strategy.inputs[i].path + " " + strategy.inputs[i].sha256.substr(0, 12);
  std::cerr << "genepool: warning: the data differs from spec strategy #" << strategy.rank << "'s (sha256 of --data: "
            << given << "; the spec's run read: " << expected << "); its metrics may not reproduce\n";
}

// The spec's execution settings, except where the command line gave a flag.
ExecutionSettings replay_settings(const BacktestOptions& options, const ExecutionSettings& spec) {
  ExecutionSettings settings = spec;
  const CLI::App& command = *options.command;
  if (command.count("--execution") > 0) settings.execution = options.settings.execution;
  if (command.count("--cost") > 0) settings.cost = options.settings.cost;
  if (command.count("--allow-short") > 0) settings.allow_short = true;
  if (command.count("--bars-per-year") > 0) settings.bars_per_year = options.settings.bars_per_year;
  if (exit_options_given(command)) settings.exits = options.settings.exits;
  return settings;
}

bool execution_flags_given(const CLI::App& command) {
  return command.count("--execution") > 0 || command.count("--cost") > 0 || command.count("--allow-short") > 0 ||
         exit_options_given(command);
}

// One replay of a spec strategy: over which bars, with which bars per year, against which stored metrics.
struct Replay {
  std::string window;  // "train", "test" or "all"
  BarWindow bars;
  ExecutionSettings settings;  // bars_per_year resolved
  bool reinferred = false;     // bars per year inferred again from the given data
  const std::vector<std::pair<std::string, std::optional<double>>>* stored = nullptr;  // nullptr: none for it
  std::vector<std::string> reasons;  // why its metrics may differ from the stored ones
};

// `account_start`: the date window's first bar (--start, or the spec's), where the account opens in
// the train and all windows; `other_dates`: a date window other than the spec's run had.
Replay plan_replay(const BacktestOptions& options, const SpecStrategy& strategy, const MarketData& data, bool same,
                   std::size_t account_start, bool other_dates) {
  Replay replay;
  const std::size_t bars = static_cast<std::size_t>(data.bars());
  const bool split = strategy.metrics_window == "train";
  replay.window = !options.window.empty() ? options.window : same && split ? "train" : "all";
  if (replay.window != "all" && !split)
    throw ConfigError("--window " + replay.window + ": spec strategy #" + std::to_string(strategy.rank) +
                      " comes from a run without a train/test split; its metrics cover all bars (--window all)");
  if (replay.window != "all" && !same)
    throw ConfigError("--window " + replay.window + ": the windows of spec strategy #" + std::to_string(strategy.rank) +
                      " are bars of its run's data, and --data is other data; replay it with --window all");
  replay.bars = replay.window == "train" ? strategy.train : replay.window == "test" ? strategy.test : BarWindow{0, bars};
  if (replay.bars.end > bars)
    throw ConfigError("--window " + replay.window + ": bars " + std::to_string(replay.bars.begin) + ".." +
                      std::to_string(replay.bars.end) + " are outside the data's " + std::to_string(bars));
  ExecutionSettings settings = replay_settings(options, strategy.execution);
  if (replay.window != "test") settings.account_start = account_start;  // the test window opens its own account
  // An inferred bars per year belongs to the run's data: on other data it is inferred again.
  if (!same && strategy.bars_per_year_inferred && options.command->count("--bars-per-year") == 0) {
    settings.bars_per_year = 0;
    replay.reinferred = true;
  }
  const MarketView view = window_of(data, replay.window == "test" ? BarWindow{0, bars} : replay.bars);
  if (replay.reinferred) settings.bars_per_year = infer_bars_per_year(view);
  replay.settings = Backtester::resolved(view, settings);
  replay.stored = replay.window == "test" ? (strategy.metrics_out_of_sample.empty() ? nullptr : &strategy.metrics_out_of_sample)
                  : replay.window == strategy.metrics_window ? &strategy.metrics
                                                             : nullptr;
  const std::string metrics_window = strategy.metrics_window == "train" ? "the training window" : "all bars";
  if (!same) replay.reasons.push_back("other data");
  if (other_dates) replay.reasons.push_back("other date window (--start/--end)");
  if (replay.stored == nullptr)
    replay.reasons.push_back("other window (the spec's metrics cover " + metrics_window + ")");
  if (replay.settings.bars_per_year != strategy.execution.bars_per_year)
    replay.reasons.push_back("other bars per year (" + shortest(replay.settings.bars_per_year) + ", the spec's " +
                             shortest(strategy.execution.bars_per_year) + ")");
  if (execution_flags_given(*options.command)) replay.reasons.push_back("other execution settings (given here)");
  if (!strategy.genepool_version.empty() && strategy.genepool_version != version())
    replay.reasons.push_back("other genepool version (" + std::string(version()) + ", the spec's " +
                             strategy.genepool_version + ")");
  return replay;
}

Metrics replay_metrics(const Replay& replay, const MarketData& data, const Genome& genome) {
  if (replay.window == "test")  // as the run's validation: warm from bar 0, the account opens at the test window
    return out_of_sample(data, replay.settings, genome, 0, replay.bars).evaluation.metrics;
  Backtester backtester(window_of(data, replay.bars), replay.settings);
  return backtester.evaluate(genome);
}

// The stored metrics that differ from the replay's (a metric the replay does not know counts as differing).
std::vector<std::string> differing_metrics(const std::vector<std::pair<std::string, std::optional<double>>>& stored,
                                           const Metrics& metrics) {
  std::vector<std::string> names;
  for (const auto& entry : stored) {
    const auto& fields = metric_fields();
    const auto field =
        std::find_if(fields.begin(), fields.end(), [&](const MetricField& f) { return f.name == entry.first; });
    if (field == fields.end() || !same_metric(metrics.*field->member, entry.second)) names.push_back(entry.first);
  }
  return names;
}

std::string joined(const std::vector<std::string>& items) {
  std::string text;
  for (std::size_t i = 0; i < items.size(); ++i) text += (i ? ", " : "") + items[i];
  return text;
}

void run_spec(const BacktestOptions& options) {
  const std::vector<language::FileStrategy> given = load_strategy_files(options.strategy_files);
  // A file strategy of the spec is made from its stored source; one given with --strategy-file
  // must define it identically.
  const auto define = [&](const std::string& name, const std::string& source) {
    const auto same_name = std::find_if(given.begin(), given.end(), [&](const auto& g) { return g.name == name; });
    if (same_name == given.end()) {
      if (register_source(options.spec, source).name != name)
        throw ConfigError("the source defines another strategy than '" + name + "'");
    } else if (same_name->source != source) {
      throw ConfigError("strategy '" + name + "' is defined differently in " + same_name->file + ":" +
                        std::to_string(same_name->line) +
                        " (given with --strategy-file); replay without that file to use the spec's own source");
    }
  };
  const std::vector<SpecStrategy> strategies = read_strategy_spec(options.spec, define);
  LoadReport report;
  // The spec's alignment and window unless the command line gives its own.
  const CLI::App& command = *options.command;
  DataOptions data_options = options.data;
  if (!strategies.empty()) {
    const SpecStrategy& first = strategies.front();
    if (command.count("--align") == 0 && !first.align.empty()) data_options.align = first.align;
    if (command.count("--max-gap") == 0 && !first.align.empty()) data_options.max_gap = static_cast<std::size_t>(first.max_gap);
    if (!options.data.windowed()) {
      data_options.start = first.window_start;
      data_options.end = first.window_end;
    }
  }
  MarketData data = data_options.load(&report);
  if (!options.json && launcher_rank() == 0) std::cerr << "genepool: " << report.summary() << '\n';
  ExecutionSettings window_settings;
  const std::string window = apply_date_window(data_options, data, window_settings);
  if (!window.empty() && !options.json && launcher_rank() == 0) std::cerr << "genepool: " << window << '\n';
  std::vector<std::string> digests;
  for (const LoadReport::File& file : report.files) digests.push_back(file.digest.sha256);

  Json replayed = Json::array();
  std::vector<std::vector<std::string>> warned;  // the spec inputs already warned about
  for (const SpecStrategy& strategy : strategies) {
    const bool same = same_data(strategy, digests);
    std::vector<std::string> spec_digests;
    for (const auto& input : strategy.inputs) spec_digests.push_back(input.sha256);
    if (!same && std::find(warned.begin(), warned.end(), spec_digests) == warned.end()) {
      warn_other_data(strategy, options.data.data, digests);
      warned.push_back(spec_digests);
    }
    const Replay replay = plan_replay(options, strategy, data, same, window_settings.account_start,
                                      data_options.start != strategy.window_start || data_options.end != strategy.window_end);
    const Metrics metrics = replay_metrics(replay, data, strategy.genome);
    const std::vector<std::string> differing =
        replay.stored != nullptr ? differing_metrics(*replay.stored, metrics) : std::vector<std::string>{};
    const bool matches = replay.stored != nullptr && differing.empty();
    if (options.json) {
      Json result = backtest_json(strategy.genome, data, replay.settings, metrics);
      result["rank"] = strategy.rank;
      result["window"] = replay.window;
      result["window_bars"] = {static_cast<std::int64_t>(replay.bars.begin), static_cast<std::int64_t>(replay.bars.end)};
      result["bars_per_year_reinferred"] = replay.reinferred;
      result["matches_spec"] = matches;
      result["differs_because"] = matches ? Json::array() : Json(replay.reasons);
      replayed.push_back(std::move(result));
      continue;
    }
    std::cout << '#' << strategy.rank << ' ';
    print_heading(std::cout, strategy.genome, data, replay.settings);
    std::cout << "  window " << replay.window << ": bars " << replay.bars.begin << ".." << replay.bars.end
              << (replay.window == "test" ? " (out of sample, as the run's validation)" : "") << '\n';
    if (replay.reinferred)
      std::cout << "  bars per year re-inferred from the given data: " << shortest(replay.settings.bars_per_year)
                << " (the spec's run inferred " << shortest(strategy.execution.bars_per_year) << " from its own)\n";
    const auto& stored_metrics = replay.stored != nullptr ? *replay.stored : strategy.metrics;
    std::cout << "  " << std::left << std::setw(18) << "metric" << std::right << std::setw(14) << "replayed"
              << std::setw(14) << "spec" << '\n';
    for (const auto& field : metric_fields()) {
      const auto stored = std::find_if(stored_metrics.begin(), stored_metrics.end(),
                                       [&](const auto& entry) { return entry.first == field.name; });
      std::cout << "  " << std::left << std::setw(18) << field.name << std::right << std::setw(14)
                << std::setprecision(6) << metrics.*field.member << std::setw(14);
      if (replay.stored == nullptr || stored == stored_metrics.end()) {
        std::cout << "-";
      } else if (stored->second) {
        std::cout << *stored->second;
      } else {
        std::cout << "null";
      }
      const bool differs = replay.stored != nullptr && stored != stored_metrics.end() &&
                           !same_metric(metrics.*field.member, stored->second);
      std::cout << (differs ? "   differs" : "") << '\n';
    }
    if (matches) {
      std::cout << "  every metric equals the spec's exactly\n\n";
    } else if (replay.stored == nullptr) {
      std::cout << "  the spec has no metrics for this window: " << joined(replay.reasons) << "\n\n";
    } else {
      std::cout << "  " << differing.size() << " metric(s) differ from the spec's: "
                << (replay.reasons.empty() ? "for no recorded reason (same data, window, bars per year, execution and "
                                             "genepool version)"
                                           : joined(replay.reasons))
                << "\n\n";
    }
  }
  if (options.json)
    std::cout << json_text({{"spec", options.spec}, {"load", report.summary()}, {"strategies", std::move(replayed)}})
              << '\n';
}

void run_backtest(const BacktestOptions& options) {
  load_strategy_files(options.strategy_files);
  const Genome genome = make_genome(options.strategy, parse_params(options.params));
  std::vector<std::filesystem::path> inputs = options.data.paths();
  inputs.insert(inputs.end(), options.strategy_files.begin(), options.strategy_files.end());
  const OutputPath outputs[] = {{options.equity_out, "equity.csv"}, {options.trades_out, "trades.csv"}};
  check_outputs(inputs, outputs, options.force);
  LoadReport report;
  MarketData data = options.data.load(&report);
  if (!options.json && launcher_rank() == 0) std::cerr << "genepool: " << report.summary() << '\n';
  ExecutionSettings own = options.settings;
  const std::string window = apply_date_window(options.data, data, own);
  if (!window.empty() && !options.json && launcher_rank() == 0) std::cerr << "genepool: " << window << '\n';

  Backtester backtester(data, own);
  BacktestCurve curve;
  const bool curve_wanted = !options.equity_out.empty() || !options.trades_out.empty();
  const Metrics metrics = curve_wanted ? backtester.evaluate(genome, curve) : backtester.evaluate(genome);
  if (!options.equity_out.empty()) {
    const ExitRules exits = exit_rules_with(backtester.settings().exits, genome);
    const std::optional<Eigen::MatrixXd> trailing =
        exits.trailing_stop > 0
            ? std::optional<Eigen::MatrixXd>(reference_trailing_stops(data, backtester.settings(), genome, curve.positions))
            : std::nullopt;
    write_equity_csv(options.equity_out, data, curve, options.settings.exits.active(), trailing ? &*trailing : nullptr,
                     own.account_start);
  }
  std::vector<Trade> trades;
  if (!options.trades_out.empty()) {
    trades = reference_trades(data, backtester.settings(), genome, curve.positions);
    write_trades_csv(options.trades_out, data, trades, exit_rules_with(backtester.settings().exits, genome));
  }

  const ExecutionSettings& settings = backtester.settings();
  if (options.json) {
    Json result = backtest_json(genome, data, settings, metrics);
    result["load"] = report.summary();  // the load line, which --json keeps off stderr
    if (!window.empty()) result["window"] = window;
    std::cout << json_text(result) << '\n';
    return;
  }
  print_heading(std::cout, genome, data, settings);
  print_metrics(std::cout, metrics);
  if (!options.equity_out.empty()) std::cout << "equity curve written to " << options.equity_out << '\n';
  if (!options.trades_out.empty())
    std::cout << trades.size() << " trade(s) written to " << options.trades_out << '\n';
}

}  // namespace

void add_backtest_command(CLI::App& app) {
  auto* command = app.add_subcommand(
      "backtest", "Backtest one strategy with given parameters, or replay a strategy spec (--spec), and print the metrics");
  auto options = std::make_shared<BacktestOptions>();
  add_data_options(*command, options->data, "Market data files (CSV or HDF5); several are aligned by --align")
      ->required();
  auto* strategy = command->add_option("--strategy", options->strategy, "Strategy type (see `genepool strategies`)");
  auto* param =
      command->add_option("--param", options->params, "A parameter as NAME=VALUE; repeat for each (defaults otherwise)");
  auto* spec = command->add_option("--spec", options->spec,
                                   "Replay every strategy of a strategy spec (genepool export --out) instead of "
                                   "--strategy; its execution settings apply unless given here");
  add_strategy_file_option(*command, options->strategy_files);
  add_execution_options(*command, options->settings);
  add_panel_options(*command, options->data);
  command->add_flag("--json", options->json, "Print the result as JSON");
  auto* equity = command->add_option("--equity-out", options->equity_out,
                                     "Write timestamp, position (and, with exits or sizing, held), close (and, with a trailing stop, "
                                     "its price), return and equity per bar (CSV)");
  auto* trades = command->add_option(
      "--trades-out", options->trades_out,
      "Write one row per trade: symbol, direction, size, entry and exit time and price, bars held, return, exit reason (CSV)");
  command->add_flag("--force", options->force, "Replace an existing --equity-out or --trades-out file");
  auto* window = command->add_option("--window", options->window,
                                     "With --spec: replay over the run's training window (train), its held-out test "
                                     "window (test, as its validation) or all bars; default: the window the spec's "
                                     "metrics belong to")
                     ->check(CLI::IsMember({"train", "test", "all"}));
  window->needs(spec);
  spec->excludes(strategy)->excludes(param)->excludes(equity)->excludes(trades);
  options->command = command;
  // The file of `evolve` and `grid` configures the backtest too: its data, execution, costs, exits
  // and strategy files; the keys of the other commands are left to them.
  attach_config_file(app, *command, true);
  command->callback([options] {
    if (const ConfigFile* file = config_file_of(*options->command)) {
      refuse_exit_genes(*file);
      (void)read_ranges(*file);  // the same checks of [ranges.NAME] as evolve's, though a backtest searches nothing
    }
    if (!options->spec.empty()) {
      run_spec(*options);
    } else if (options->force && options->equity_out.empty() && options->trades_out.empty()) {
      throw ConfigError("backtest: --force replaces an existing --equity-out or --trades-out file; give one of them");
    } else if (options->strategy.empty()) {
      throw ConfigError("backtest: give --strategy NAME (with --param NAME=VALUE ...) or --spec FILE");
    } else {
      run_backtest(*options);
    }
  });
}

}  // namespace genepool::app
