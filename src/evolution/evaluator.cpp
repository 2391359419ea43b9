#include "genepool/evolution/evaluator.hpp"

#include <chrono>
#include <vector>

#include "genepool/error.hpp"

namespace genepool {

Evaluation evaluate_safely(Backtester& backtester, const Genome& genome) {
  Evaluation result;
  try {
    result.metrics = backtester.evaluate(genome);
    result.status = classify(result.metrics);
  } catch (const ConfigError&) {
    result.status = EvalStatus::invalid_genome;
  } catch (const std::exception&) {
    result.status = EvalStatus::exception;
  }
  return result;
}

void evaluate_batch_safely(Backtester& backtester, std::span<const Genome> genomes, std::span<Evaluation> results) {
  // The valid genomes, in order; an invalid one is a status without a backtest.
  std::vector<Genome> valid;
  std::vector<std::size_t> where;
  valid.reserve(genomes.size());
  where.reserve(genomes.size());
  for (std::size_t i = 0; i < genomes.size(); ++i) {
    try {
      check_params(strategy_of(genomes[i]), genomes[i].params.data());
      valid.push_back(genomes[i]);
      where.push_back(i);
    } catch (const ConfigError&) {
      results[i] = Evaluation{};
      results[i].status = EvalStatus::invalid_genome;
    }
  }
  std::vector<Metrics> metrics(valid.size());
  try {
    backtester.evaluate(valid, metrics);
  } catch (const std::exception&) {
    // One of them throws: evaluate them one by one, so that only that one is marked.
    for (std::size_t j = 0; j < valid.size(); ++j) results[where[j]] = evaluate_safely(backtester, valid[j]);
    return;
  }
  for (std::size_t j = 0; j < valid.size(); ++j) {
    Evaluation& result = results[where[j]];
    result = Evaluation{};
    result.metrics = metrics[j];
    result.status = classify(result.metrics);
  }
}

double estimated_cost(const Genome& genome) {
  const auto& registry = strategy_registry();
  return genome.strategy < registry.size() ? registry[genome.strategy].cost : 1.0;
}

void SerialEvaluator::evaluate(std::span<const Genome> genomes, std::span<Evaluation> results) {
  const auto start = std::chrono::steady_clock::now();
  evaluate_batch_safely(backtester_, genomes, results);
  timing_.evaluate_seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  timing_.communicate_seconds = 0;
  timing_.imbalance = 1;
}

}  // namespace genepool
