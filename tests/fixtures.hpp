#pragma once
// Small runs the evolution, validation, resume and MPI tests share (header-only, no build settings).
#include <cstddef>
#include <cstdint>
#include <memory>
#include <vector>

#include "genepool/backtest/execution.hpp"
#include "genepool/data/bar_window.hpp"
#include "genepool/data/market_data.hpp"
#include "genepool/data/synthetic.hpp"
#include "genepool/evolution/evaluator.hpp"

namespace genepool::test {

// Two symbols of the synthetic market model, `bars` long, from `seed`.
inline MarketData two_symbol_data(std::size_t bars, std::uint64_t seed) {
  SyntheticSpec spec;
  spec.symbols = 2;
  spec.bars = bars;
  spec.seed = seed;
  return generate_synthetic(spec);
}

// Close execution, cost 0.0005, 252 bars per year.
inline ExecutionSettings test_execution() {
  ExecutionSettings settings;
  settings.cost = 0.0005;
  settings.bars_per_year = 252;
  return settings;
}

// A serial evaluator whose bar window can move, as MpiEvaluator::set_window does.
class WindowedEvaluator final : public Evaluator {
 public:
  WindowedEvaluator(const MarketData& data, const ExecutionSettings& settings) : data_(data), settings_(settings) {
    set_window({0, static_cast<std::size_t>(data.bars())});
  }
  void set_window(BarWindow window) {
    serial_.reset();
    window_ = slice(data_, window);
    serial_ = std::make_unique<SerialEvaluator>(window_, settings_);
    windows.push_back(window);
  }
  void evaluate(std::span<const Genome> genomes, std::span<Evaluation> results) override {
    serial_->evaluate(genomes, results);
  }
  EvaluationTiming last_timing() const override { return {}; }
  std::vector<BarWindow> windows;

 private:
  const MarketData& data_;
  ExecutionSettings settings_;
  MarketData window_;
  std::unique_ptr<SerialEvaluator> serial_;
};

}  // namespace genepool::test
