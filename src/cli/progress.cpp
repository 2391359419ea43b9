#include "genepool/cli/progress.hpp"

#include <iomanip>
#include <ostream>
#include <sstream>

#include "genepool/backtest/execution.hpp"
#include "genepool/strategies/strategy.hpp"

namespace genepool::app {

ProgressPrinter::ProgressPrinter(std::ostream& out, std::size_t generations, std::size_t population)
    : out_(out), generations_(generations), population_(population), start_(std::chrono::steady_clock::now()) {}

std::string describe(const Genome& genome) {
  const auto& type = strategy_of(genome);
  std::ostringstream text;
  text << type.name;
  for (std::size_t i = 0; i < type.params.size(); ++i) {
    text << ' ' << type.params[i].name << '=' << std::setprecision(6) << genome.params[i];
  }
  for (const ExitGeneSpec& spec : exit_gene_specs())
    if (genome.has_gene(spec.gene))
      text << ' ' << spec.key << '=' << std::setprecision(6) << genome.exits[static_cast<std::size_t>(spec.gene)];
  return text.str();
}

void ProgressPrinter::on_generation(const GenerationView& generation) {
  const auto& stats = generation.stats;
  const double elapsed = std::chrono::duration<double>(std::chrono::steady_clock::now() - start_).count();
  const double done = static_cast<double>(stats.generation + 1);
  const double total = static_cast<double>(generations_ + 1);
  const double rate = elapsed > 0 ? done * static_cast<double>(population_) / elapsed : 0.0;
  const double eta = done > 0 ? elapsed / done * (total - done) : 0.0;
  std::ostringstream line;
  line << "gen " << std::setw(3) << stats.generation << '/' << generations_ << std::fixed << std::setprecision(4)
       << "  best " << std::setw(9) << stats.best << "  mean " << std::setw(9) << stats.mean;
  if (stats.failed > 0) line << "  failed " << stats.failed;
  line << "  new " << std::setw(4) << stats.evaluated << " cached " << std::setw(4) << stats.cache_hits;
  line << std::setprecision(0) << "  " << std::setw(7) << rate << " evals/s" << std::setprecision(1) << "  elapsed "
       << elapsed << "s  ETA " << eta << "s  | " << describe(generation.population[stats.best_index]) << '\n';
  out_ << line.str() << std::flush;
}

void print_summary(std::ostream& out, const EvolutionResult& result, std::size_t top) {
  out << (result.pareto.empty() ? "\ntop strategies (distinct, best first):\n"
                                 : "\ntop strategies (NSGA-II: the knee of the final Pareto front first, then the "
                                   "front's other members by crowding distance):\n");
  out << "  #  fitness     sharpe    cagr      max_dd   trades  strategy\n";
  std::ostringstream rows;
  rows << std::fixed;
  const std::size_t count = std::min(top, result.hall_of_fame.size());
  for (std::size_t i = 0; i < count; ++i) {
    const auto& entry = result.hall_of_fame[i];
    const auto& metrics = entry.evaluation.metrics;
    rows << std::setw(3) << i + 1 << std::setprecision(4) << std::setw(9) << entry.fitness << std::setw(10)
         << metrics.sharpe << std::setw(10) << metrics.cagr << std::setw(9) << metrics.max_drawdown
         << std::setprecision(0) << std::setw(8) << metrics.trades << "  " << describe(entry.genome) << '\n';
  }
  out << rows.str();
  out << "evaluations: " << result.evaluations_total << " (" << result.failed_total << " failed; "
      << result.evaluated_total << " backtests run, " << result.cache_hits_total << " from the cache)\n";
}

}  // namespace genepool::app
