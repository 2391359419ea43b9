#pragma once
// Rank 0's progress line per generation and the final summary table.
#include <chrono>
#include <iosfwd>

#include "genepool/evolution/evolution.hpp"

namespace genepool::app {

class ProgressPrinter final : public EvolutionObserver {
 public:
  ProgressPrinter(std::ostream& out, std::size_t generations, std::size_t population);
  void on_generation(const GenerationView& generation) override;

 private:
  std::ostream& out_;
  std::size_t generations_;
  std::size_t population_;
  std::chrono::steady_clock::time_point start_;
};

// "sma_crossover fast=12 slow=45" (then the evolved exits: "stop-loss=0.05")
std::string describe(const Genome& genome);

// The top strategies: rank, strategy and parameters, fitness and the key metrics.
void print_summary(std::ostream& out, const EvolutionResult& result, std::size_t top);

}  // namespace genepool::app
