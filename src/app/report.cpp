// `genepool report`: a results file summed up on the terminal, or as JSON.
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <iostream>
#include <numeric>
#include <optional>
#include <sstream>
#include <string>
#include <type_traits>
#include <vector>

#include "genepool/app/commands.hpp"
#include "genepool/error.hpp"
#include "genepool/results/results_reader.hpp"
#include "genepool/data/timestamp.hpp"
#include "genepool/io/json_writer.hpp"

namespace genepool::app {
namespace {

struct ReportOptions {
  std::string file;
  bool json = false;
  std::size_t top = 10;
};

// Metrics of the top-strategy table: name, header, and whether it is a fraction shown in percent.
struct Column {
  const char* metric;
  const char* header;
  bool percent;
};
constexpr Column kTopColumns[] = {
    {"sharpe", "sharpe", false},          {"sortino", "sortino", false},
    {"cagr", "cagr", true},               {"total_return", "total_ret", true},
    {"max_drawdown", "max_dd", true},     {"trades", "trades", false},
    {"win_rate", "win_rate", true},       {"profit_factor", "prof_fac", false},
    {"exposure", "exposure", true},
};
// Metrics compared in-sample against out-of-sample.
constexpr Column kValidationColumns[] = {
    {"sharpe", "sharpe", false},
    {"cagr", "cagr", true},
    {"total_return", "total_return", true},
    {"max_drawdown", "max_drawdown", true},
    {"trades", "trades", false},
};
constexpr std::size_t kConvergenceRows = 12;
constexpr std::size_t kSparklineWidth = 60;
// Fitness at or below this is a penalty (infeasible or failed), not an objective value.
constexpr double kPenaltyFitness = -1e11;

std::string fixed(double value, int decimals) {
  char text[64];
  std::snprintf(text, sizeof text, "%.*f", decimals, value);
  return text;
}

std::string percent(double value) { return std::isfinite(value) ? fixed(100 * value, 2) + "%" : fixed(value, 2); }

std::string metric_text(double value, const Column& column) {
  if (column.percent) return percent(value);
  if (std::string_view(column.metric) == "trades") return fixed(value, 0);
  return fixed(value, column.metric == std::string_view("profit_factor") ? 2 : 4);
}

std::string fitness_text(double value) {
  if (value <= kPenaltyFitness) return value < -1e299 ? "failed" : "infeasible";
  return fixed(value, 4);
}

std::string number_text(double value) {
  std::ostringstream text;
  text.precision(6);
  text << value;
  return text.str();
}

std::string pad(const std::string& text, std::size_t width, bool left = false) {
  // Width in characters: count UTF-8 lead bytes only.
  const auto shown = static_cast<std::size_t>(
      std::count_if(text.begin(), text.end(), [](char c) { return (static_cast<unsigned char>(c) & 0xC0) != 0x80; }));
  if (shown >= width) return text;
  const std::string fill(width - shown, ' ');
  return left ? text + fill : fill + text;
}

// "fast=10 slow=40": the stored parameters by name.
std::string params_text(const StoredStrategy& s, const char* separator) {
  std::string text;
  for (std::size_t p = 0; p < s.param_names.size() && p < kMaxParams; ++p)
    text += (p ? separator : "") + s.param_names[p] + "=" + number_text(s.params[p]);
  return text;
}

std::string status_name(const RunResults& r, std::int32_t code) {
  const auto index = static_cast<std::size_t>(code);
  if (code >= 0 && index < r.status_names.size()) return r.status_names[index];
  return "status " + std::to_string(code);
}

// Generations shown in the convergence table: at most kConvergenceRows, evenly spaced, first and last included.
std::vector<std::size_t> sampled_rows(std::size_t count, std::size_t wanted) {
  std::vector<std::size_t> rows;
  if (count == 0) return rows;
  const std::size_t n = std::min(count, wanted);
  for (std::size_t i = 0; i < n; ++i) {
    const std::size_t row = n == 1 ? 0 : (i * (count - 1) + (n - 1) / 2) / (n - 1);
    if (rows.empty() || rows.back() != row) rows.push_back(row);
  }
  return rows;
}

// Whether generation g has any feasible, successful individual (mean/median are 0 otherwise).
bool has_feasible(const GenerationColumns& g, std::size_t i) {
  return static_cast<std::int64_t>(g.failed[i]) + g.infeasible[i] < g.evaluations[i];
}

// One block character per sampled generation, scaled from the lowest to the highest shown value;
// a space where there is no objective value.
std::string sparkline(const std::vector<double>& values, const std::vector<bool>& usable) {
  static const char* const kBlocks[] = {"▁", "▂", "▃", "▄", "▅", "▆", "▇", "█"};
  const std::vector<std::size_t> rows = sampled_rows(values.size(), kSparklineWidth);
  double low = INFINITY, high = -INFINITY;
  for (std::size_t row : rows)
    if (usable[row] && std::isfinite(values[row])) {
      low = std::min(low, values[row]);
      high = std::max(high, values[row]);
    }
  std::string line;
  for (std::size_t row : rows) {
    if (!usable[row] || !std::isfinite(values[row])) {
      line += ' ';
      continue;
    }
    const double share = high > low ? (values[row] - low) / (high - low) : 0.5;
    line += kBlocks[std::clamp(static_cast<int>(share * 7 + 0.5), 0, 7)];
  }
  return line;
}

// The /validation row of /best row `i`, if any.
std::optional<std::size_t> validation_row(const RunResults& r, std::size_t i) {
  if (!r.validation || !r.validation->metrics) return std::nullopt;
  const OptionalGroup& v = *r.validation;
  if (!v.ranks.empty()) {
    const auto it = std::find(v.ranks.begin(), v.ranks.end(), r.best[i].rank);
    if (it == v.ranks.end()) return std::nullopt;
    return static_cast<std::size_t>(it - v.ranks.begin());
  }
  if (v.metrics->rows != r.best.size()) return std::nullopt;
  return i;
}

double sum(const std::vector<double>& values) { return std::accumulate(values.begin(), values.end(), 0.0); }

std::int64_t sum(const std::vector<std::int32_t>& values) {
  return std::accumulate(values.begin(), values.end(), std::int64_t{0});
}

double total_return_of(const std::vector<double>& equity) { return equity.empty() ? NAN : equity.back() - 1; }

void print_run(std::ostream& out, const RunResults& r) {
  const RunProvenance& p = r.provenance;
  const StoredConfig& c = r.config;
  out << "genepool report: " << r.path.string() << '\n';
  out << "run        genepool " << p.genepool_version << " (git " << p.git_revision << "), results format "
      << p.format_version << ", HDF5 " << p.hdf5_version << ", status " << p.status << '\n';
  out << "           " << p.start_time << " .. " << (p.end_time.empty() ? "(not finished)" : p.end_time);
  if (r.summary) out << " (" << fixed(r.summary->wall_seconds, 2) << " s)";
  out << ", " << p.ranks << (p.ranks == 1 ? " rank" : " ranks") << " on " << p.host << ", seed " << p.seed << '\n';
  out << "command    " << p.command_line << '\n';
  for (std::size_t i = 0; i < r.inputs.size(); ++i)
    out << (i == 0 ? "inputs     " : "           ") << r.inputs[i].path << "  sha256 " << r.inputs[i].sha256.substr(0, 12)
        << "…  " << r.inputs[i].bytes << " bytes\n";
  out << "settings   population " << c.population << " x " << c.generations + 1 << " generations, strategies: ";
  if (c.strategies.size() == r.strategies.size()) {
    out << "all " << c.strategies.size() << " types";
  } else {
    for (std::size_t i = 0; i < c.strategies.size(); ++i) out << (i ? ", " : "") << c.strategies[i];
  }
  out << "\n           objective " << c.objective << "; infeasible below " << number_text(c.min_trades)
      << " trades or beyond " << percent(c.max_drawdown) << " max drawdown\n";
  out << "           tournament " << c.tournament_size << ", elitism " << c.elitism << "; crossover " << c.crossover
      << " (rate " << number_text(c.crossover_rate) << ", blend alpha " << number_text(c.blend_alpha) << ", sbx eta "
      << number_text(c.sbx_eta) << "); mutation " << c.mutation << " (rate " << number_text(c.mutation_rate)
      << ", scale " << number_text(c.mutation_scale) << "); type switch " << number_text(c.type_switch_rate) << "; top "
      << c.top << '\n';
  out << "execution  " << to_string(c.execution.execution) << ", cost " << number_text(c.execution.cost) << ", "
      << (c.execution.allow_short ? "long/short" : "long/flat") << ", " << number_text(c.execution.bars_per_year)
      << " bars/year" << (c.bars_per_year_inferred ? " (inferred from the data)" : "") << '\n';
  const StoredData& d = r.data;
  out << "data       " << d.symbols.size() << (d.symbols.size() == 1 ? " symbol (" : " symbols (");
  for (std::size_t i = 0; i < d.symbols.size() && i < 8; ++i) out << (i ? ", " : "") << d.symbols[i];
  if (d.symbols.size() > 8) out << ", ...";
  out << "), " << d.timestamps.size() << " bars";
  if (!d.timestamps.empty())
    out << ", " << format_timestamp(d.timestamps.front()) << " .. " << format_timestamp(d.timestamps.back());
  if (!d.buy_and_hold_equity.empty()) out << "; buy and hold " << percent(total_return_of(d.buy_and_hold_equity));
  out << '\n';
}

void print_convergence(std::ostream& out, const RunResults& r) {
  const GenerationColumns& g = r.generations;
  out << "\nconvergence (" << g.size() << (g.size() == 1 ? " generation" : " generations")
      << "; mean and median over feasible individuals)\n";
  if (g.size() == 0) return;
  std::vector<bool> best_usable(g.size()), mean_usable(g.size());
  for (std::size_t i = 0; i < g.size(); ++i) {
    best_usable[i] = g.best[i] > kPenaltyFitness;
    mean_usable[i] = has_feasible(g, i);
  }
  out << "  best  " << sparkline(g.best, best_usable) << '\n';
  out << "  mean  " << sparkline(g.mean, mean_usable) << '\n';
  out << "  generation        best        mean      median  failed  infeasible\n";
  for (std::size_t i : sampled_rows(g.size(), kConvergenceRows)) {
    const bool feasible = has_feasible(g, i);
    out << "  " << pad(std::to_string(g.generation[i]), 10) << pad(fitness_text(g.best[i]), 12)
        << pad(feasible ? fixed(g.mean[i], 4) : "-", 12) << pad(feasible ? fixed(g.median[i], 4) : "-", 12)
        << pad(std::to_string(g.failed[i]), 8) << pad(std::to_string(g.infeasible[i]), 12) << '\n';
  }
}

void print_top(std::ostream& out, const RunResults& r, std::size_t top) {
  const std::size_t count = std::min(top, r.best.size());
  if (r.best.empty()) {
    out << "\nno best strategies: the run did not complete (status " << r.provenance.status << ")\n";
    return;
  }
  out << "\ntop strategies (best first, " << count << " of " << r.best.size() << " stored; fitness = "
      << r.config.objective << ")\n";
  std::size_t name_width = 8, param_width = 10;
  for (std::size_t i = 0; i < count; ++i) {
    name_width = std::max(name_width, r.best[i].name.size());
    param_width = std::max(param_width, params_text(r.best[i], " ").size());
  }
  out << "  " << pad("#", 3) << "  " << pad("strategy", name_width, true) << "  " << pad("parameters", param_width, true)
      << pad("fitness", 11);
  for (const Column& column : kTopColumns) out << pad(column.header, 10);
  out << pad("gen", 5) << '\n';
  for (std::size_t i = 0; i < count; ++i) {
    const StoredStrategy& s = r.best[i];
    out << "  " << pad(std::to_string(s.rank), 3) << "  " << pad(s.name, name_width, true) << "  "
        << pad(params_text(s, " "), param_width, true) << pad(fitness_text(s.fitness), 11);
    for (const Column& column : kTopColumns) out << pad(metric_text(r.best_metrics.at(i, column.metric), column), 10);
    out << pad(std::to_string(s.generation), 5);
    if (s.status != 0) out << "  (" << status_name(r, s.status) << ")";
    out << '\n';
  }
}

// A table of an optional group: all its columns when they fit, else its shape.
void print_table(std::ostream& out, const std::string& indent, const std::string& name, const MetricTable& t) {
  constexpr std::size_t kMaxShownColumns = 12;
  if (t.columns.size() > kMaxShownColumns) {
    out << indent << name << ": " << t.rows << " x " << t.columns.size() << " (report --json shows it)\n";
    return;
  }
  out << indent << name << ":\n" << indent << "  " << pad("row", 4);
  for (const auto& column : t.columns) out << pad(column, std::max<std::size_t>(column.size() + 1, 11));
  out << '\n';
  for (std::size_t row = 0; row < t.rows; ++row) {
    out << indent << "  " << pad(std::to_string(row + 1), 4);
    for (std::size_t c = 0; c < t.columns.size(); ++c)
      out << pad(number_text(t.values[row * t.columns.size() + c]), std::max<std::size_t>(t.columns[c].size() + 1, 11));
    out << '\n';
  }
}

// An optional group's tables, then its subgroups with their attributes, tables and subgroups.
void print_group_details(std::ostream& out, const OptionalGroup& g, const std::string& indent) {
  for (const auto& [name, table] : g.tables) print_table(out, indent, name, table);
  for (const OptionalGroup& sub : g.groups) {
    out << indent << sub.path << '\n';
    for (const auto& [name, value] : sub.attributes)
      if (name != "description") out << indent << "  " << name << ": " << value << '\n';
    print_group_details(out, sub, indent + "  ");
  }
}

void print_validation(std::ostream& out, const RunResults& r, std::size_t top) {
  if (!r.validation) return;
  const OptionalGroup& v = *r.validation;
  out << "\nvalidation (" << v.path << ")\n";
  for (const auto& [name, value] : v.attributes)
    if (name != "description") out << "  " << name << ": " << value << '\n';
  print_group_details(out, v, "  ");
  if (!v.metrics) return;
  std::vector<Column> shown;  // the compared metrics the group has
  for (const Column& column : kValidationColumns)
    if (v.metrics->column(column.metric)) shown.push_back(column);
  out << "  in sample | out of sample\n";
  out << "  " << pad("#", 3) << "  " << pad("strategy", 20, true);
  for (const Column& column : shown) out << pad(column.header, 22);
  out << '\n';
  for (std::size_t i = 0; i < std::min(top, r.best.size()); ++i) {
    const auto row = validation_row(r, i);
    out << "  " << pad(std::to_string(r.best[i].rank), 3) << "  " << pad(r.best[i].name, 20, true);
    for (const Column& column : shown) {
      const std::string outside = row ? metric_text(v.metrics->at(*row, column.metric), column) : "-";
      out << pad(metric_text(r.best_metrics.at(i, column.metric), column) + " | " + outside, 22);
    }
    out << '\n';
  }
}

void print_totals(std::ostream& out, const RunResults& r) {
  const GenerationColumns& g = r.generations;
  const std::int64_t evaluations = sum(g.evaluations);
  const std::int64_t failed = sum(g.failed);
  out << "\nevaluations " << evaluations << " (" << g.size() << " generations x " << r.config.population
      << "): " << failed << " failed";
  std::string by_status;
  for (std::size_t code = 1; code < r.status_counts.size(); ++code)
    if (r.status_counts[code] > 0)
      by_status += (by_status.empty() ? "" : ", ") + status_name(r, static_cast<std::int32_t>(code)) + " " +
                 std::to_string(r.status_counts[code]);
  if (!by_status.empty()) out << " (" << by_status << ")";
  out << ", " << sum(g.infeasible) << " infeasible\n";
  out << "            " << sum(g.evaluated) << " distinct genomes backtested, " << sum(g.cache_hits)
      << " scored from the cache\n";
  double imbalance_max = 0;
  for (double value : g.imbalance) imbalance_max = std::max(imbalance_max, value);
  const double imbalance_mean = g.size() == 0 ? 0 : sum(g.imbalance) / static_cast<double>(g.size());
  out << "timings     evaluate " << fixed(sum(g.evaluate_seconds), 3) << " s, communicate "
      << fixed(sum(g.communicate_seconds), 3) << " s, operators " << fixed(sum(g.operator_seconds), 3)
      << " s (totals); imbalance mean " << fixed(imbalance_mean, 3) << ", max " << fixed(imbalance_max, 3) << '\n';
  out << "            data broadcast " << r.data.data_bytes << " bytes in " << fixed(r.data.broadcast_seconds, 4)
      << " s";
  if (r.summary) out << "; wall " << fixed(r.summary->wall_seconds, 2) << " s";
  out << '\n';
}

void print_text(std::ostream& out, const RunResults& r, std::size_t top) {
  print_run(out, r);
  print_convergence(out, r);
  print_top(out, r, top);
  print_validation(out, r, top);
  print_totals(out, r);
}

template <class T>
void json_numbers(JsonWriter& json, const char* name, const std::vector<T>& values) {
  json.key(name).begin_array();
  for (const T value : values) {
    if constexpr (std::is_floating_point_v<T>) {
      json.value(static_cast<double>(value));
    } else {
      json.value(static_cast<std::int64_t>(value));
    }
  }
  json.end_array();
}

void json_metrics(JsonWriter& json, const MetricTable& table, std::size_t row) {
  json.begin_object();
  const std::size_t width = table.columns.size();
  for (std::size_t c = 0; c < width; ++c) json.key(table.columns[c]).value(table.values[row * width + c]);
  json.end_object();
}

// "tables": {name: {"columns": [...], "rows": [[...], ...]}}, "groups": [{"path", "attributes", ...}].
void json_group_details(JsonWriter& json, const OptionalGroup& g) {
  json.key("tables").begin_object();
  for (const auto& [name, table] : g.tables) {
    json.key(name).begin_object().key("columns").begin_array();
    for (const auto& column : table.columns) json.value(column);
    json.end_array().key("rows").begin_array();
    for (std::size_t row = 0; row < table.rows; ++row) {
      json.begin_array();
      for (std::size_t c = 0; c < table.columns.size(); ++c) json.value(table.values[row * table.columns.size() + c]);
      json.end_array();
    }
    json.end_array().end_object();
  }
  json.end_object().key("groups").begin_array();
  for (const OptionalGroup& sub : g.groups) {
    json.begin_object().key("path").value(sub.path).key("attributes").begin_object();
    for (const auto& [name, value] : sub.attributes) json.key(name).value(value);
    json.end_object();
    if (sub.metrics) {
      json.key("metrics").begin_array();
      for (std::size_t row = 0; row < sub.metrics->rows; ++row) json_metrics(json, *sub.metrics, row);
      json.end_array();
    }
    json_group_details(json, sub);
    json.end_object();
  }
  json.end_array();
}

void print_json(std::ostream& out, const RunResults& r, std::size_t top) {
  const RunProvenance& p = r.provenance;
  const StoredConfig& c = r.config;
  const GenerationColumns& g = r.generations;
  JsonWriter json(out);
  json.begin_object().key("file").value(r.path.string()).key("format").value("genepool-results");
  json.key("run").begin_object()
      .key("format_version").value(std::int64_t{p.format_version})
      .key("genepool_version").value(p.genepool_version)
      .key("git_revision").value(p.git_revision)
      .key("hdf5_version").value(p.hdf5_version)
      .key("status").value(p.status)
      .key("ranks").value(std::int64_t{p.ranks})
      .key("host").value(p.host)
      .key("seed").value(static_cast<std::int64_t>(p.seed))
      .key("command_line").value(p.command_line)
      .key("start_time").value(p.start_time);
  json.key("end_time");
  if (p.end_time.empty()) json.null(); else json.value(p.end_time);
  json.key("wall_seconds");
  if (r.summary) json.value(r.summary->wall_seconds); else json.null();
  json.end_object();

  json.key("inputs").begin_array();
  for (const InputFile& input : r.inputs)
    json.begin_object().key("path").value(input.path).key("sha256").value(input.sha256)
        .key("bytes").value(static_cast<std::int64_t>(input.bytes)).end_object();
  json.end_array();

  json.key("settings").begin_object()
      .key("population").value(c.population).key("generations").value(c.generations)
      .key("objective").value(c.objective).key("min_trades").value(c.min_trades)
      .key("max_drawdown").value(c.max_drawdown).key("strategies").begin_array();
  for (const auto& name : c.strategies) json.value(name);
  json.end_array()
      .key("tournament_size").value(c.tournament_size).key("elitism").value(c.elitism)
      .key("crossover").value(c.crossover).key("crossover_rate").value(c.crossover_rate)
      .key("blend_alpha").value(c.blend_alpha).key("sbx_eta").value(c.sbx_eta)
      .key("mutation").value(c.mutation).key("mutation_rate").value(c.mutation_rate)
      .key("mutation_scale").value(c.mutation_scale).key("type_switch_rate").value(c.type_switch_rate)
      .key("top").value(c.top)
      .key("execution").value(to_string(c.execution.execution)).key("cost").value(c.execution.cost)
      .key("allow_short").value(c.execution.allow_short).key("bars_per_year").value(c.execution.bars_per_year)
      .key("bars_per_year_inferred").value(c.bars_per_year_inferred)
      .end_object();

  json.key("data").begin_object().key("symbols").begin_array();
  for (const auto& symbol : r.data.symbols) json.value(symbol);
  json.end_array().key("bars").value(static_cast<std::int64_t>(r.data.timestamps.size()))
      .key("first").value(r.data.first_timestamp_iso).key("last").value(r.data.last_timestamp_iso)
      .key("buy_and_hold_return");
  if (r.data.buy_and_hold_equity.empty()) json.null(); else json.value(total_return_of(r.data.buy_and_hold_equity));
  json.end_object();

  json.key("convergence").begin_object();
  json_numbers(json, "generation", g.generation);
  json_numbers(json, "best", g.best);
  json_numbers(json, "mean", g.mean);
  json_numbers(json, "median", g.median);
  json_numbers(json, "std", g.std);
  json_numbers(json, "failed", g.failed);
  json_numbers(json, "infeasible", g.infeasible);
  json.end_object();

  json.key("top").begin_array();
  for (std::size_t i = 0; i < std::min(top, r.best.size()); ++i) {
    const StoredStrategy& s = r.best[i];
    json.begin_object().key("rank").value(std::int64_t{s.rank}).key("strategy").value(s.name).key("params").begin_object();
    for (std::size_t k = 0; k < s.param_names.size() && k < kMaxParams; ++k) json.key(s.param_names[k]).value(s.params[k]);
    json.end_object().key("fitness").value(s.fitness).key("generation").value(std::int64_t{s.generation})
        .key("status").value(status_name(r, s.status)).key("metrics");
    json_metrics(json, r.best_metrics, i);
    if (const auto row = validation_row(r, i)) {
      json.key("validation_metrics");
      json_metrics(json, *r.validation->metrics, *row);
    }
    json.end_object();
  }
  json.end_array();

  if (r.validation) {
    json.key("validation").begin_object().key("path").value(r.validation->path).key("attributes").begin_object();
    for (const auto& [name, value] : r.validation->attributes) json.key(name).value(value);
    json.end_object().key("has_metrics").value(r.validation->metrics.has_value());
    json_group_details(json, *r.validation);
    json.end_object();
  }

  json.key("evaluations").begin_object()
      .key("total").value(sum(g.evaluations)).key("failed").value(sum(g.failed))
      .key("infeasible").value(sum(g.infeasible)).key("evaluated").value(sum(g.evaluated))
      .key("cache_hits").value(sum(g.cache_hits)).key("by_status").begin_object();
  for (std::size_t code = 0; code < r.status_counts.size(); ++code)
    json.key(status_name(r, static_cast<std::int32_t>(code))).value(r.status_counts[code]);
  json.end_object().end_object();

  double imbalance_max = 0;
  for (double value : g.imbalance) imbalance_max = std::max(imbalance_max, value);
  json.key("timings").begin_object()
      .key("evaluate_seconds").value(sum(g.evaluate_seconds))
      .key("communicate_seconds").value(sum(g.communicate_seconds))
      .key("operator_seconds").value(sum(g.operator_seconds))
      .key("imbalance_mean").value(g.size() == 0 ? 0.0 : sum(g.imbalance) / static_cast<double>(g.size()))
      .key("imbalance_max").value(imbalance_max)
      .key("data_bytes").value(static_cast<std::int64_t>(r.data.data_bytes))
      .key("broadcast_seconds").value(r.data.broadcast_seconds)
      .end_object();
  json.end_object();
  out << '\n';
}

}  // namespace

void add_report_command(CLI::App& app) {
  auto* command = app.add_subcommand("report", "Summarise a results file: settings, convergence, top strategies, timings");
  auto options = std::make_shared<ReportOptions>();
  command->add_option("file", options->file, "Results file written by `genepool evolve --out`")->required();
  command->add_flag("--json", options->json, "Print the same content as JSON (every generation, every metric)");
  command->add_option("--top", options->top, "Best strategies to show")
      ->check(CLI::Range(std::size_t{1}, std::size_t{1000}))
      ->capture_default_str();
  command->callback([options] {
    const RunResults results = ResultsReader(options->file).read();
    if (options->json) {
      print_json(std::cout, results, options->top);
    } else {
      print_text(std::cout, results, options->top);
    }
  });
}

}  // namespace genepool::app
