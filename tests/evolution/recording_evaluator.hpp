#pragma once
// An evaluator for the evolution tests that records what it was asked to evaluate.
#include <cstring>
#include <span>
#include <vector>

#include "genepool/evolution/evaluator.hpp"
#include "genepool/strategies/genome.hpp"

namespace genepool::test {

struct BytesLess {
  bool operator()(const Genome& a, const Genome& b) const { return std::memcmp(&a, &b, sizeof(Genome)) < 0; }
};

// A serial evaluator that remembers every genome it was given.
class RecordingEvaluator final : public Evaluator {
 public:
  RecordingEvaluator(const MarketData& data, const ExecutionSettings& settings) : serial_(data, settings) {}
  void evaluate(std::span<const Genome> genomes, std::span<Evaluation> results) override {
    seen.insert(seen.end(), genomes.begin(), genomes.end());
    serial_.evaluate(genomes, results);
  }
  EvaluationTiming last_timing() const override { return serial_.last_timing(); }
  std::vector<Genome> seen;

 private:
  SerialEvaluator serial_;
};

}  // namespace genepool::test
