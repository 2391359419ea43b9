#pragma once
// What the optimised Backtester's tests against the reference backtest share: random genomes and
// the 1e-12 agreement of every metric.
#include <algorithm>
#include <cmath>
#include <cstdint>
#include <random>
#include <sstream>
#include <string>

#include "genepool/backtest/execution.hpp"
#include "genepool/backtest/metrics.hpp"
#include "genepool/strategies/genome.hpp"
#include "genepool/strategies/strategy.hpp"

namespace genepool::test {

// A genome of `type` with uniformly drawn, repaired parameters.
inline Genome random_genome(std::uint32_t type, std::mt19937_64& rng) {
  const StrategyType& spec = strategy_registry()[type];
  Genome genome;
  genome.strategy = type;
  for (std::size_t i = 0; i < spec.params.size(); ++i) {
    genome.params[i] = std::uniform_real_distribution<double>(spec.params[i].lower, spec.params[i].upper)(rng);
  }
  repair(spec, genome.params.data());
  return genome;
}

// One of the 8 execution combinations: bit 0 next_open, bit 1 shorts allowed, bit 2 a cost of 0.001.
inline ExecutionSettings settings_for(int combination) {
  ExecutionSettings s;
  s.execution = (combination & 1) ? Execution::next_open : Execution::close;
  s.allow_short = (combination & 2) != 0;
  s.cost = (combination & 4) ? 0.001 : 0.0;
  return s;
}

// Relative 1e-12 with an absolute floor of 1e-12; infinities must match exactly.
inline bool agree(double a, double b) {
  if (a == b) return true;
  if (std::isinf(a) || std::isinf(b) || std::isnan(a) || std::isnan(b)) return false;
  return std::fabs(a - b) <= 1e-12 * std::max(std::fabs(a), std::fabs(b)) + 1e-12;
}

// Names every metric that differs, with both values; empty when all agree.
inline std::string disagreements(const Metrics& fast, const Metrics& reference) {
  std::ostringstream out;
  out.precision(17);
  for (const MetricField& field : metric_fields()) {
    if (!agree(fast.*field.member, reference.*field.member)) {
      out << field.name << ": " << fast.*field.member << " vs reference " << reference.*field.member << "; ";
    }
  }
  return out.str();
}

}  // namespace genepool::test
