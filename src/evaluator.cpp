#include "genepool/evaluator.hpp"

#include <chrono>

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

void SerialEvaluator::evaluate(std::span<const Genome> genomes, std::span<Evaluation> results) {
  const auto start = std::chrono::steady_clock::now();
  for (std::size_t i = 0; i < genomes.size(); ++i) results[i] = evaluate_safely(backtester_, genomes[i]);
  timing_.evaluate_seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  timing_.communicate_seconds = 0;
  timing_.imbalance = 1;
}

}  // namespace genepool
