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
#include "genepool/results/exit_gene_rows.hpp"
#include "genepool/results/results_reader.hpp"
#include "genepool/data/timestamp.hpp"
#include "genepool/io/json.hpp"
#include "genepool/validation/readings.hpp"

namespace genepool::app {
namespace {

struct ReportOptions {
  std::string file;
  bool json = false;
  bool trades = false;
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

// "fast=10 slow=40 stop-loss=0.05": the stored parameters by name, then the evolved exits and sizing.
std::string params_text(const StoredStrategy& s, const char* separator) {
  std::string text;
  for (std::size_t p = 0; p < s.param_names.size() && p < kMaxParams; ++p)
    text += (p ? separator : "") + s.param_names[p] + "=" + number_text(s.params[p]);
  for (const auto& [key, value] : evolved_exits(s.exits))
    text += (text.empty() ? "" : separator) + key + "=" + number_text(value);
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

// "avx2 on every rank", or each rank's target and host when they differ.
std::string cpu_targets_line(const RunProvenance& p) {
  const auto& targets = p.rank_cpu_targets;
  if (std::all_of(targets.begin(), targets.end(), [&](const std::string& t) { return t == targets.front(); }))
    return targets.front() + (targets.size() == 1 ? " on its one rank" : " on every rank");
  std::string line;
  for (std::size_t r = 0; r < targets.size(); ++r) {
    line += (r ? ", " : "") + std::string("rank ") + std::to_string(r) + " " + targets[r];
    if (r < p.rank_hosts.size()) line += " (" + p.rank_hosts[r] + ")";
  }
  return line;
}

// Bytes in MiB with one decimal; "?" when unknown (negative).
std::string mib(std::int64_t bytes) { return bytes < 0 ? "?" : fixed(static_cast<double>(bytes) / (1 << 20), 1) + " MiB"; }

// Where the data lived and each rank's memory (/memory), after the timings.
void print_memory(std::ostream& out, const MemoryRecord& m) {
  std::int64_t total = 0;
  for (const ProcessMemory& rank : m.ranks) total = rank.pss_bytes < 0 || total < 0 ? -1 : total + rank.pss_bytes;
  const auto node_bytes = static_cast<std::int64_t>(m.node_bytes);
  out << "memory      data " << m.data_placement << ": "
      << (m.data_placement == "shared" ? "one copy of " + mib(node_bytes) + " (data and tables) per node, "
                                       : "a copy of " + mib(node_bytes) + " per rank, ")
      << m.nodes << (m.nodes == 1 ? " node" : " nodes") << "; PSS of all " << m.ranks.size() << " ranks " << mib(total)
      << '\n';
  // Every rank up to 16, then the largest and the smallest.
  const std::size_t shown = m.ranks.size() <= 16 ? m.ranks.size() : 0;
  for (std::size_t r = 0; r < shown; ++r)
    out << "            rank " << pad(std::to_string(r), 4) << " peak RSS " << pad(mib(m.ranks[r].peak_rss_bytes), 12)
        << " PSS " << mib(m.ranks[r].pss_bytes) << '\n';
  if (shown == 0 && !m.ranks.empty()) {
    const auto by_peak = [](const ProcessMemory& a, const ProcessMemory& b) { return a.peak_rss_bytes < b.peak_rss_bytes; };
    const auto by_pss = [](const ProcessMemory& a, const ProcessMemory& b) { return a.pss_bytes < b.pss_bytes; };
    const auto peak = std::minmax_element(m.ranks.begin(), m.ranks.end(), by_peak);
    const auto pss = std::minmax_element(m.ranks.begin(), m.ranks.end(), by_pss);
    out << "            peak RSS " << mib(peak.first->peak_rss_bytes) << " .. " << mib(peak.second->peak_rss_bytes)
        << " (rank " << peak.second - m.ranks.begin() << "), PSS " << mib(pss.first->pss_bytes) << " .. "
        << mib(pss.second->pss_bytes) << " (rank " << pss.second - m.ranks.begin() << ")\n";
  }
}

void print_run(std::ostream& out, const RunResults& r) {
  const RunProvenance& p = r.provenance;
  const StoredConfig& c = r.config;
  out << "genepool report: " << r.path.string() << '\n';
  out << "run        genepool " << p.genepool_version << " (git " << p.git_revision << "), results format "
      << p.format_version << ", HDF5 " << p.hdf5_version << ", status " << p.status << '\n';
  out << "           " << p.start_time << " .. " << (p.end_time.empty() ? "(not finished)" : p.end_time);
  if (r.summary) out << " (" << fixed(r.summary->wall_seconds, 2) << " s)";
  out << ", " << p.ranks << (p.ranks == 1 ? " rank" : " ranks") << " on " << p.host << ", seed " << p.seed << '\n';
  if (!p.rank_cpu_targets.empty()) out << "cpu        " << cpu_targets_line(p) << '\n';
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
  out << "\n           mode " << c.mode;
  if (c.mode == "nsga2") {
    out << " (NSGA-II), objectives";
    for (std::size_t i = 0; i < c.objectives.size(); ++i) out << (i ? ", " : " ") << c.objectives[i];
  }
  out << "; objective " << c.objective << "; infeasible below " << number_text(c.min_trades)
      << " trades or beyond " << percent(c.max_drawdown) << " max drawdown\n";
  out << "           tournament " << c.tournament_size << ", elitism " << c.elitism << "; crossover " << c.crossover
      << " (rate " << number_text(c.crossover_rate) << ", blend alpha " << number_text(c.blend_alpha) << ", sbx eta "
      << number_text(c.sbx_eta) << "); mutation " << c.mutation << " (rate " << number_text(c.mutation_rate)
      << ", scale " << number_text(c.mutation_scale) << "); type switch " << number_text(c.type_switch_rate) << "; top "
      << c.top << '\n';
  out << "execution  " << to_string(c.execution.execution) << ", cost " << number_text(c.execution.cost) << ", "
      << (c.execution.allow_short ? "long/short" : "long/flat") << ", " << number_text(c.execution.bars_per_year)
      << " bars/year" << (c.bars_per_year_inferred ? " (inferred from the data)" : "") << '\n';
  if (const ExitRules& e = c.execution.exits; e.active()) {
    out << "exits     ";
    if (e.stop_loss > 0) out << " stop-loss " << number_text(e.stop_loss);
    if (e.take_profit > 0) out << " take-profit " << number_text(e.take_profit);
    if (e.trailing_stop > 0) out << " trailing-stop " << number_text(e.trailing_stop);
    if (e.max_bars > 0) out << " max-bars " << number_text(e.max_bars);
    if (e.sizing == Sizing::vol_target)
      out << " vol-target " << number_text(e.target_vol) << " over " << number_text(e.vol_window) << " bars (cap "
          << number_text(e.leverage_cap) << ")";
    out << '\n';
  }
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
  if (r.config.mode == "nsga2") {
    out << "\ntop strategies (NSGA-II: the knee of the final Pareto front first, then the front's other members by "
           "crowding distance; "
        << count << " of " << r.best.size() << " stored; fitness = " << r.config.objective << ")\n";
  } else {
    out << "\ntop strategies (best first, " << count << " of " << r.best.size() << " stored; fitness = "
        << r.config.objective << ")\n";
  }
  if (!r.best_selection.empty()) out << "  chosen: " << r.best_selection << '\n';
  std::size_t name_width = 8, param_width = 10;
  for (std::size_t i = 0; i < count; ++i) {
    name_width = std::max(name_width, r.best[i].name.size());
    param_width = std::max(param_width, params_text(r.best[i], " ").size());
  }
  out << "  " << pad("#", 3) << "  " << pad("strategy", name_width, true) << "  " << pad("parameters", param_width, true)
      << pad("fitness", 11);
  // A robust run's fitness is over the neighbourhood: the objective's own value beside it.
  const bool robust = !std::isnan(r.best.front().raw_fitness);
  if (robust) out << pad("raw", 11);
  for (const Column& column : kTopColumns) out << pad(column.header, 10);
  out << pad("gen", 5) << '\n';
  for (std::size_t i = 0; i < count; ++i) {
    const StoredStrategy& s = r.best[i];
    out << "  " << pad(std::to_string(s.rank), 3) << "  " << pad(s.name, name_width, true) << "  "
        << pad(params_text(s, " "), param_width, true) << pad(fitness_text(s.fitness), 11);
    if (robust) out << pad(fitness_text(s.raw_fitness), 11);
    for (const Column& column : kTopColumns) out << pad(metric_text(r.best_metrics.at(i, column.metric), column), 10);
    out << pad(std::to_string(s.generation), 5);
    if (s.status != 0) out << "  (" << status_name(r, s.status) << ")";
    out << '\n';
  }
}

// Trade times as dates when every stored bar is at midnight, else as date-times.
TimestampFormat trade_time_form(const RunResults& r) {
  const bool daily = std::all_of(r.data.timestamps.begin(), r.data.timestamps.end(),
                                 [](std::int64_t seconds) { return seconds % 86400 == 0; });
  return daily ? TimestampFormat::iso_date : TimestampFormat::iso_datetime;
}

// The trades of the shown top strategies (report --trades), or one line saying how to list them.
void print_trades(std::ostream& out, const RunResults& r, std::size_t top, bool listed) {
  if (r.best.empty()) return;
  if (!r.trades) {
    out << "\ntrades: not in this file (written before /best/trades)\n";
    return;
  }
  const TradeColumns& t = *r.trades;
  const std::size_t count = std::min(top, r.best.size());
  if (!listed) {
    std::size_t shown = 0;
    for (const std::int32_t rank : t.rank) shown += static_cast<std::size_t>(rank) <= count;
    out << "\ntrades: " << shown << " of the top " << count << " (report --trades lists them; /best/trades)\n";
    return;
  }
  const TimestampFormat form = trade_time_form(r);
  const std::size_t time_width = form == TimestampFormat::iso_date ? 11 : 21;
  for (std::size_t i = 0; i < count; ++i) {
    const StoredStrategy& s = r.best[i];
    std::size_t n = 0;
    for (const std::int32_t rank : t.rank) n += rank == s.rank;
    out << "\ntrades of #" << s.rank << ' ' << s.name << ' ' << params_text(s, " ") << " (" << n << ")\n";
    if (n == 0) continue;
    out << "  " << pad("symbol", 8, true) << pad("dir", 6, true) << pad("size", 8) << "  "
        << pad("entry", time_width, true) << pad("price", 12) << "  " << pad("exit", time_width, true)
        << pad("price", 12) << pad("bars", 7) << pad("return", 10) << "  reason\n";
    for (std::size_t j = 0; j < t.size_of(); ++j) {
      if (t.rank[j] != s.rank) continue;
      out << "  " << pad(r.data.symbols[static_cast<std::size_t>(t.symbol[j])], 8, true)
          << pad(t.direction[j] > 0 ? "long" : "short", 6, true) << pad(number_text(t.size[j]), 8) << "  "
          << pad(format_timestamp(t.entry_time[j], form), time_width, true) << pad(number_text(t.entry_price[j]), 12)
          << "  " << pad(format_timestamp(t.exit_time[j], form), time_width, true)
          << pad(number_text(t.exit_price[j]), 12) << pad(std::to_string(t.bars_held[j]), 7)
          << pad(fixed(100 * t.returns[j], 2) + "%", 10) << "  "
          << t.reason_names[static_cast<std::size_t>(t.exit_reason[j])] << '\n';
    }
  }
}

// The trades of the best strategy of rank `rank`, as JSON objects.
Json trades_json(const RunResults& r, std::int32_t rank) {
  Json list = Json::array();
  if (!r.trades) return list;
  const TradeColumns& t = *r.trades;
  for (std::size_t j = 0; j < t.size_of(); ++j) {
    if (t.rank[j] != rank) continue;
    list.push_back({{"symbol", r.data.symbols[static_cast<std::size_t>(t.symbol[j])]},
                    {"direction", t.direction[j] > 0 ? "long" : "short"},
                    {"size", t.size[j]},
                    {"entry_bar", t.entry_bar[j]},
                    {"entry_time", format_timestamp(t.entry_time[j])},
                    {"entry_price", t.entry_price[j]},
                    {"exit_bar", t.exit_bar[j]},
                    {"exit_time", format_timestamp(t.exit_time[j])},
                    {"exit_price", t.exit_price[j]},
                    {"bars_held", t.bars_held[j]},
                    {"return", t.returns[j]},
                    {"exit_reason", t.reason_names[static_cast<std::size_t>(t.exit_reason[j])]}});
  }
  return list;
}

// NSGA-II: the final front's objectives, the knee marked (at most kFrontRows members, evenly sampled).
void print_front(std::ostream& out, const RunResults& r) {
  if (!r.pareto) return;
  constexpr std::size_t kFrontRows = 20;
  const StoredPareto& p = *r.pareto;
  const MetricTable& t = p.objectives;
  out << "\npareto front (" << p.index.size() << " members of the final generation; * the knee, /best #1)\n  "
      << pad("row", 6);
  for (const auto& column : t.columns) out << pad(column, std::max<std::size_t>(column.size() + 2, 14));
  out << '\n';
  std::vector<std::size_t> rows = sampled_rows(p.index.size(), kFrontRows);
  if (std::find(rows.begin(), rows.end(), static_cast<std::size_t>(p.knee)) == rows.end()) {
    rows.push_back(static_cast<std::size_t>(p.knee));
    std::sort(rows.begin(), rows.end());
  }
  for (const std::size_t row : rows) {
    out << (static_cast<std::int64_t>(row) == p.knee ? "* " : "  ") << pad(std::to_string(p.index[row]), 6);
    for (std::size_t c = 0; c < t.columns.size(); ++c)
      out << pad(number_text(t.values[row * t.columns.size() + c]), std::max<std::size_t>(t.columns[c].size() + 2, 14));
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

// A group's attribute as text, or "".
std::string attribute(const OptionalGroup& g, std::string_view name) {
  for (const auto& [key, value] : g.attributes)
    if (key == name) return value;
  return "";
}

double attribute_number(const OptionalGroup& g, std::string_view name) {
  const std::string text = attribute(g, name);
  if (text.empty()) return NAN;
  try {
    return std::stod(text);
  } catch (const std::exception&) {
    return NAN;
  }
}

const OptionalGroup* walk_forward_of(const OptionalGroup& v) {
  for (const OptionalGroup& sub : v.groups)
    if (sub.path.ends_with("/walk_forward")) return &sub;
  return nullptr;
}

// evolve's /validation with a train/test split: out-of-sample metrics per /best row.
bool has_split(const RunResults& r) {
  if (!r.validation || !r.validation->metrics) return false;
  const std::string split = attribute(*r.validation, "split");
  return !split.empty() && split != "none";
}

// A split or walk-forward run: the held-out figures first, the training window's beside them with
// the degradation, before anything in-sample.
void print_headline(std::ostream& out, const RunResults& r, std::size_t top) {
  if (!r.validation) return;
  const OptionalGroup& v = *r.validation;
  const OptionalGroup* wf = walk_forward_of(v);
  if (!has_split(r) && wf == nullptr) return;
  out << "\nout of sample first";
  if (has_split(r)) {
    out << ": test " << attribute(v, "test_period") << " (bars " << attribute(v, "test_begin") << ".."
        << attribute(v, "test_end") << ", held out); in sample: train " << attribute(v, "train_period") << '\n';
    struct Shown {
      const char* metric;
      const char* header;
      bool percent;
    };
    constexpr Shown kShown[] = {{"sharpe", "sharpe", false},
                                {"cagr", "cagr", true},
                                {"total_return", "total_ret", true},
                                {"max_drawdown", "max_dd", true},
                                {"trades", "trades", false}};
    std::size_t name_width = 8;
    const std::size_t count = std::min(top, r.best.size());
    for (std::size_t i = 0; i < count; ++i) name_width = std::max(name_width, r.best[i].name.size());
    out << "  " << pad("#", 3) << "  " << pad("strategy", name_width, true);
    for (const Shown& m : kShown) {
      out << pad(std::string(m.header) + " OOS", 15) << pad("IS", 10);
      if (std::string_view(m.metric) == "sharpe") out << pad("OOS/IS", 8);
    }
    out << '\n';
    for (std::size_t i = 0; i < count; ++i) {
      const auto row = validation_row(r, i);
      out << "  " << pad(std::to_string(r.best[i].rank), 3) << "  " << pad(r.best[i].name, name_width, true);
      for (const Shown& m : kShown) {
        const Column column{m.metric, m.header, m.percent};
        const double outside = row ? v.metrics->at(*row, m.metric) : NAN;
        const double inside = r.best_metrics.at(i, m.metric);
        out << pad(row ? metric_text(outside, column) : "-", 15) << pad(metric_text(inside, column), 10);
        if (std::string_view(m.metric) == "sharpe") out << pad(inside != 0 ? fixed(outside / inside, 2) : "-", 8);
      }
      out << '\n';
    }
    out << "  sharpe annualised; OOS/IS: the out-of-sample sharpe over the in-sample (1 = no degradation)\n";
  } else {
    out << '\n';
  }
  if (wf != nullptr) {
    out << "  walk-forward, stitched out of sample (" << attribute(*wf, "folds") << " " << attribute(*wf, "mode")
        << " folds, " << attribute(*wf, "stitched_period") << "): sharpe " << fixed(attribute_number(*wf, "stitched_sharpe"), 4)
        << " (annualised), total return " << percent(attribute_number(*wf, "stitched_total_return")) << ", cagr "
        << percent(attribute_number(*wf, "stitched_cagr")) << ", max drawdown "
        << percent(attribute_number(*wf, "stitched_max_drawdown")) << "; efficiency "
        << fixed(attribute_number(*wf, "efficiency"), 3) << " (out-of-sample over in-sample objective)\n";
  }
}

// evolve's own statistics of /validation, labelled with their units, and what they say.
void print_overfitting(std::ostream& out, const RunResults& r, std::size_t top) {
  const OptionalGroup& v = *r.validation;
  const double bars_per_year = attribute_number(v, "bars_per_year");
  const double trials = attribute_number(v, "trials");
  out << "  split        " << attribute(v, "split");
  if (has_split(r))
    out << ": train bars " << attribute(v, "train_begin") << ".." << attribute(v, "train_end") << " ("
        << attribute(v, "train_period") << "), test bars " << attribute(v, "test_begin") << ".."
        << attribute(v, "test_end") << " (" << attribute(v, "test_period") << ")";
  out << "\n  trials       " << attribute(v, "trials") << " distinct strategies evaluated (" << attribute(v, "distinct_genomes")
      << " distinct genomes); variance of their Sharpe ratios " << fixed(attribute_number(v, "sharpe_variance"), 6)
      << " per bar (" << fixed(attribute_number(v, "sharpe_variance") * bars_per_year, 4)
      << " annualised); expected best of as many without skill " << fixed(attribute_number(v, "expected_max_sharpe"), 5)
      << " per bar (" << fixed(attribute_number(v, "expected_max_sharpe") * std::sqrt(bars_per_year), 3)
      << " annualised)\n";
  const auto statistics = std::find_if(v.tables.begin(), v.tables.end(), [](const auto& t) { return t.first == "statistics"; });
  if (statistics != v.tables.end()) {
    const MetricTable& s = statistics->second;
    out << "  deflated Sharpe ratio, over each strategy's in-sample returns (PSR against an annualised Sharpe of "
        << attribute(v, "psr_benchmark") << "; probabilities in [0, 1])\n";
    out << "  " << pad("#", 3) << "  " << pad("strategy", 20, true) << pad("returns", 9) << pad("sharpe/bar", 12)
        << pad("sharpe/yr", 11) << pad("PSR", 8) << pad("DSR", 8) << pad("boot 5%", 10) << pad("50%", 9)
        << pad("95%", 9) << '\n';
    for (std::size_t i = 0; i < std::min({top, r.best.size(), s.rows}); ++i) {
      const double per_bar = s.at(i, "sharpe_per_bar");
      out << "  " << pad(std::to_string(r.best[i].rank), 3) << "  " << pad(r.best[i].name, 20, true)
          << pad(fixed(s.at(i, "returns"), 0), 9) << pad(fixed(per_bar, 5), 12)
          << pad(fixed(per_bar * std::sqrt(bars_per_year), 4), 11) << pad(fixed(s.at(i, "psr"), 4), 8)
          << pad(fixed(s.at(i, "dsr"), 4), 8) << pad(fixed(s.at(i, "bootstrap_p05"), 4), 10)
          << pad(fixed(s.at(i, "bootstrap_p50"), 4), 9) << pad(fixed(s.at(i, "bootstrap_p95"), 4), 9) << '\n';
    }
    out << "  (bootstrap: percentiles of the " << r.config.objective << " over " << attribute(v, "bootstrap_resamples")
        << " block-bootstrap resamples)\n";
    if (s.rows > 0 && std::isfinite(trials))
      out << "  #1 " << dsr_reading(s.at(0, "dsr"), static_cast<std::int64_t>(trials)) << '\n';
  }
  const double pbo = attribute_number(v, "pbo");
  if (std::isfinite(pbo)) {
    out << "  " << pbo_reading(pbo) << " (" << attribute(v, "pbo_strategies") << " distinct strategies of the final "
        << "population, " << attribute(v, "pbo_partitions") << " partitions; probability of loss "
        << fixed(attribute_number(v, "pbo_probability_of_loss"), 4) << ")\n";
  } else if (const std::string note = attribute(v, "pbo_note"); !note.empty()) {
    out << "  PBO not computed: " << note << '\n';
  }
}

void print_validation(std::ostream& out, const RunResults& r, std::size_t top) {
  if (!r.validation) return;
  const OptionalGroup& v = *r.validation;
  out << "\nvalidation (" << v.path << ")\n";
  const bool evolves = !attribute(v, "trials").empty();  // evolve's own layout, labelled; another writer's as stored
  if (evolves) {
    print_overfitting(out, r, top);
    for (const OptionalGroup& sub : v.groups) {
      out << "  " << sub.path << '\n';
      for (const auto& [name, value] : sub.attributes)
        if (name != "description") out << "    " << name << ": " << value << '\n';
      print_group_details(out, sub, "    ");
    }
    return;
  }
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
  if (r.memory) print_memory(out, *r.memory);
}

void print_text(std::ostream& out, const RunResults& r, std::size_t top, bool trades) {
  print_run(out, r);
  print_headline(out, r, top);
  print_convergence(out, r);
  print_top(out, r, top);
  print_front(out, r);
  print_trades(out, r, top, trades);
  print_validation(out, r, top);
  print_totals(out, r);
}

Json metrics_json(const MetricTable& table, std::size_t row) {
  Json metrics = Json::object();
  const std::size_t width = table.columns.size();
  for (std::size_t c = 0; c < width; ++c) metrics[table.columns[c]] = table.values[row * width + c];
  return metrics;
}

Json attributes_json(const std::vector<std::pair<std::string, std::string>>& attributes) {
  Json object = Json::object();
  for (const auto& [name, value] : attributes) object[name] = value;
  return object;
}

// "tables": {name: {"columns": [...], "rows": [[...], ...]}}, "groups": [{"path", "attributes", ...}].
void add_group_details(Json& json, const OptionalGroup& g) {
  Json tables = Json::object();
  for (const auto& [name, table] : g.tables) {
    Json rows = Json::array();
    for (std::size_t row = 0; row < table.rows; ++row) {
      const auto first = table.values.begin() + static_cast<std::ptrdiff_t>(row * table.columns.size());
      rows.push_back(std::vector<double>(first, first + static_cast<std::ptrdiff_t>(table.columns.size())));
    }
    tables[name] = {{"columns", table.columns}, {"rows", std::move(rows)}};
  }
  Json groups = Json::array();
  for (const OptionalGroup& sub : g.groups) {
    Json group = {{"path", sub.path}, {"attributes", attributes_json(sub.attributes)}};
    if (sub.metrics) {
      Json metrics = Json::array();
      for (std::size_t row = 0; row < sub.metrics->rows; ++row) metrics.push_back(metrics_json(*sub.metrics, row));
      group["metrics"] = std::move(metrics);
    }
    add_group_details(group, sub);
    groups.push_back(std::move(group));
  }
  json["tables"] = std::move(tables);
  json["groups"] = std::move(groups);
}

void print_json(std::ostream& out, const RunResults& r, std::size_t top, bool trades) {
  const RunProvenance& p = r.provenance;
  const StoredConfig& c = r.config;
  const GenerationColumns& g = r.generations;
  Json json = {{"file", r.path.string()}, {"format", "genepool-results"}};
  json["run"] = {{"format_version", std::int64_t{p.format_version}},
                 {"genepool_version", p.genepool_version},
                 {"git_revision", p.git_revision},
                 {"hdf5_version", p.hdf5_version},
                 {"status", p.status},
                 {"ranks", std::int64_t{p.ranks}},
                 {"host", p.host},
                 {"rank_hosts", p.rank_hosts},
                 {"rank_cpu_targets", p.rank_cpu_targets},
                 {"seed", static_cast<std::int64_t>(p.seed)},
                 {"command_line", p.command_line},
                 {"start_time", p.start_time},
                 {"end_time", p.end_time.empty() ? Json() : Json(p.end_time)},
                 {"wall_seconds", r.summary ? Json(r.summary->wall_seconds) : Json()}};

  Json inputs = Json::array();
  for (const InputFile& input : r.inputs)
    inputs.push_back(
        {{"path", input.path}, {"sha256", input.sha256}, {"bytes", static_cast<std::int64_t>(input.bytes)}});
  json["inputs"] = std::move(inputs);

  json["settings"] = {{"population", c.population},
                      {"generations", c.generations},
                      {"objective", c.objective},
                      {"min_trades", c.min_trades},
                      {"max_drawdown", c.max_drawdown},
                      {"strategies", c.strategies},
                      {"tournament_size", c.tournament_size},
                      {"elitism", c.elitism},
                      {"crossover", c.crossover},
                      {"crossover_rate", c.crossover_rate},
                      {"blend_alpha", c.blend_alpha},
                      {"sbx_eta", c.sbx_eta},
                      {"mutation", c.mutation},
                      {"mutation_rate", c.mutation_rate},
                      {"mutation_scale", c.mutation_scale},
                      {"type_switch_rate", c.type_switch_rate},
                      {"top", c.top},
                      {"mode", c.mode},
                      {"objectives", c.objectives},
                      {"best_selection", r.best_selection},
                      {"execution", to_string(c.execution.execution)},
                      {"cost", c.execution.cost},
                      {"allow_short", c.execution.allow_short},
                      {"bars_per_year", c.execution.bars_per_year},
                      {"bars_per_year_inferred", c.bars_per_year_inferred},
                      {"stop_loss", c.execution.exits.stop_loss},
                      {"take_profit", c.execution.exits.take_profit},
                      {"trailing_stop", c.execution.exits.trailing_stop},
                      {"max_bars", c.execution.exits.max_bars},
                      {"sizing", to_string(c.execution.exits.sizing)},
                      {"target_vol", c.execution.exits.target_vol},
                      {"vol_window", c.execution.exits.vol_window},
                      {"leverage_cap", c.execution.exits.leverage_cap}};

  json["data"] = {{"symbols", r.data.symbols},
                  {"bars", static_cast<std::int64_t>(r.data.timestamps.size())},
                  {"first", r.data.first_timestamp_iso},
                  {"last", r.data.last_timestamp_iso},
                  {"buy_and_hold_return", r.data.buy_and_hold_equity.empty()
                                              ? Json()
                                              : Json(total_return_of(r.data.buy_and_hold_equity))}};

  json["convergence"] = {{"generation", g.generation}, {"best", g.best},     {"mean", g.mean},
                         {"median", g.median},         {"std", g.std},       {"failed", g.failed},
                         {"infeasible", g.infeasible}};

  Json best = Json::array();
  for (std::size_t i = 0; i < std::min(top, r.best.size()); ++i) {
    const StoredStrategy& s = r.best[i];
    Json params = Json::object();
    for (std::size_t k = 0; k < s.param_names.size() && k < kMaxParams; ++k) params[s.param_names[k]] = s.params[k];
    Json exits = Json::object();
    for (const auto& [key, value] : evolved_exits(s.exits)) exits[key] = value;
    Json entry = {{"rank", std::int64_t{s.rank}},
                  {"strategy", s.name},
                  {"params", std::move(params)},
                  {"evolved_exits", std::move(exits)},
                  {"fitness", s.fitness},
                  {"generation", std::int64_t{s.generation}},
                  {"status", status_name(r, s.status)},
                  {"metrics", metrics_json(r.best_metrics, i)}};
    if (!std::isnan(s.raw_fitness)) entry["raw_fitness"] = s.raw_fitness;
    if (const auto row = validation_row(r, i)) entry["validation_metrics"] = metrics_json(*r.validation->metrics, *row);
    if (trades) entry["trades"] = trades_json(r, s.rank);
    best.push_back(std::move(entry));
  }
  json["top"] = std::move(best);
  if (r.pareto) {
    Json members = Json::array();
    for (std::size_t i = 0; i < r.pareto->index.size(); ++i)
      members.push_back({{"population_row", std::int64_t{r.pareto->index[i]}},
                         {"objectives", metrics_json(r.pareto->objectives, i)},
                         {"knee", static_cast<std::int64_t>(i) == r.pareto->knee}});
    json["pareto"] = std::move(members);
  }

  if (r.validation) {
    Json validation = {{"path", r.validation->path},
                       {"attributes", attributes_json(r.validation->attributes)},
                       {"has_metrics", r.validation->metrics.has_value()}};
    add_group_details(validation, *r.validation);
    json["validation"] = std::move(validation);
  }

  Json by_status = Json::object();
  for (std::size_t code = 0; code < r.status_counts.size(); ++code)
    by_status[status_name(r, static_cast<std::int32_t>(code))] = r.status_counts[code];
  json["evaluations"] = {{"total", sum(g.evaluations)},     {"failed", sum(g.failed)},
                         {"infeasible", sum(g.infeasible)}, {"evaluated", sum(g.evaluated)},
                         {"cache_hits", sum(g.cache_hits)}, {"by_status", std::move(by_status)}};

  double imbalance_max = 0;
  for (double value : g.imbalance) imbalance_max = std::max(imbalance_max, value);
  json["timings"] = {{"evaluate_seconds", sum(g.evaluate_seconds)},
                     {"communicate_seconds", sum(g.communicate_seconds)},
                     {"operator_seconds", sum(g.operator_seconds)},
                     {"imbalance_mean", g.size() == 0 ? 0.0 : sum(g.imbalance) / static_cast<double>(g.size())},
                     {"imbalance_max", imbalance_max},
                     {"data_bytes", static_cast<std::int64_t>(r.data.data_bytes)},
                     {"broadcast_seconds", r.data.broadcast_seconds}};
  if (r.memory) {
    Json peak = Json::array(), pss = Json::array();
    std::int64_t total = 0;
    for (const ProcessMemory& rank : r.memory->ranks) {
      peak.push_back(rank.peak_rss_bytes);
      pss.push_back(rank.pss_bytes);
      total = rank.pss_bytes < 0 || total < 0 ? -1 : total + rank.pss_bytes;
    }
    json["memory"] = {{"data_placement", r.memory->data_placement},
                      {"nodes", std::int64_t{r.memory->nodes}},
                      {"node_bytes", static_cast<std::int64_t>(r.memory->node_bytes)},
                      {"rank_peak_rss_bytes", std::move(peak)},
                      {"rank_pss_bytes", std::move(pss)},
                      {"pss_total_bytes", total}};
  } else {
    json["memory"] = Json();
  }
  out << json_text(json) << '\n';
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
  command->add_flag("--trades", options->trades,
                    "List every trade of the top strategies shown (entry, exit, return, exit reason; /best/trades)");
  command->callback([options] {
    const RunResults results = ResultsReader(options->file).read();
    if (options->json) {
      print_json(std::cout, results, options->top, options->trades);
    } else {
      print_text(std::cout, results, options->top, options->trades);
    }
  });
}

}  // namespace genepool::app
