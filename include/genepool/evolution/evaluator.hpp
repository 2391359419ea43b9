#pragma once
// The evaluator interface the evolution loop runs over: a batch of genomes in, their metrics out.
// The serial evaluator lives here; the MPI one in the parallel module. Both give identical results.
#include <cstdint>
#include <span>
#include <type_traits>

#include "genepool/backtest/backtest.hpp"
#include "genepool/ga/fitness.hpp"
#include "genepool/strategies/genome.hpp"
#include "genepool/backtest/metrics.hpp"

namespace genepool {

struct EvaluationTiming {
  double evaluate_seconds = 0;     // the slowest rank's time spent evaluating
  double communicate_seconds = 0;  // wall time of the batch minus evaluate_seconds: sending, receiving, waiting
  double imbalance = 1;            // slowest rank's evaluation time over the mean
};

class Evaluator {
 public:
  virtual ~Evaluator() = default;
  // results[i] is genomes[i]'s outcome. Never throws for a bad genome: failures are statuses.
  virtual void evaluate(std::span<const Genome> genomes, std::span<Evaluation> results) = 0;
  virtual EvaluationTiming last_timing() const = 0;
};

// One evaluation with failures turned into data: an exception becomes status exception
// (invalid_genome for a ConfigError), non-finite metrics become non_finite.
Evaluation evaluate_safely(Backtester& backtester, const Genome& genome);

// Evaluations of a batch, results[i] for genomes[i], with failures turned into data as above. Valid
// genomes are backtested Backtester::kLanes at a time (one pass over the data for each group);
// the results are those of evaluate_safely, bit for bit, whatever the batch.
void evaluate_batch_safely(Backtester& backtester, std::span<const Genome> genomes, std::span<Evaluation> results);

// Relative cost of backtesting a genome (its type's StrategyType::cost; 1 for an id outside the
// registry), for sharing a batch out evenly.
double estimated_cost(const Genome& genome);

// Evaluates on the calling process, a batch at a time.
class SerialEvaluator final : public Evaluator {
 public:
  SerialEvaluator(const MarketView& data, const ExecutionSettings& settings) : backtester_(data, settings) {}
  void evaluate(std::span<const Genome> genomes, std::span<Evaluation> results) override;
  EvaluationTiming last_timing() const override { return timing_; }

 private:
  Backtester backtester_;
  EvaluationTiming timing_;
};

}  // namespace genepool
