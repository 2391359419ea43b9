#pragma once
// An evaluator that records every batch it answers, and that first answers from a recorded log.
// How a run resumes: evolve() is deterministic given the evaluations it receives, so running it
// again from the start with the recorded answers rebuilds every piece of its state (populations,
// Rng, evaluation cache, hall of fame, totals) exactly; the real evaluator takes over where the log
// ends. The log holds only the batches the evaluator was asked for (genomes not in the cache).
#include <cstdint>
#include <span>
#include <vector>

#include "genepool/evolution/evaluator.hpp"

namespace genepool {

// Every batch an evaluator answered, in order: batch b is genomes [first_b, first_b + sizes[b]).
struct EvaluationLog {
  std::vector<Genome> genomes;
  std::vector<Evaluation> evaluations;   // evaluations[i] answers genomes[i]
  std::vector<std::uint64_t> batch_sizes;
  std::vector<EvaluationTiming> timings;  // one per batch
};

class ResumableEvaluator final : public Evaluator {
 public:
  // Answers the first batches from `recorded` (which must hold exactly the batches this run asks
  // for first), then passes batches on to `live`, recording them too.
  ResumableEvaluator(Evaluator& live, EvaluationLog recorded = {});

  // Throws Error when a replayed batch differs from the recorded one: the log is not from this run's
  // configuration.
  void evaluate(std::span<const Genome> genomes, std::span<Evaluation> results) override;
  EvaluationTiming last_timing() const override { return timing_; }

  // True while recorded batches remain to be replayed.
  bool replaying() const { return next_batch_ < log_.batch_sizes.size(); }
  // The recorded batches and every batch answered since.
  const EvaluationLog& log() const { return log_; }

 private:
  Evaluator& live_;
  EvaluationLog log_;
  std::size_t next_batch_ = 0;   // index of the next batch to answer
  std::size_t next_genome_ = 0;  // its first genome in the log
  EvaluationTiming timing_;
};

}  // namespace genepool
