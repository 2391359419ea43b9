// Google Benchmark of the evaluation kernels: every strategy type's optimised position kernel
// beside its plain reference kernel, and whole evaluations (kernel + metrics) on the W1 and W2
// shapes (../shared/docs/BENCHMARK.md). The number to read is ns_per_bar (per bar and symbol).
//
//   build/native/bench/genepool_kernel_bench                       # everything
//   build/native/bench/genepool_kernel_bench --benchmark_filter=Kernel
#include <benchmark/benchmark.h>

#include <algorithm>
#include <cstdint>
#include <string>
#include <vector>

#include "genepool/backtest/backtest.hpp"
#include "genepool/backtest/backtest_reference.hpp"
#include "genepool/language/registration.hpp"
#include "genepool/language/strategy_file.hpp"
#include "genepool/strategies/strategy.hpp"
#include "genepool/data/synthetic.hpp"

using namespace genepool;

namespace {

// W1's series: GBM, 1,000,000 bars, drift 0.0002, volatility 0.01, start 100, seed 1.
const MarketData& w1_data() {
  static const MarketData data = [] {
    SyntheticSpec spec;
    spec.model = SyntheticModel::gbm;
    spec.bars = 1'000'000;
    spec.drift = 0.0002;
    spec.volatility = 0.01;
    spec.start_price = 100;
    spec.seed = 1;
    return generate_synthetic(spec);
  }();
  return data;
}

// A short series of the same kind (fits in the caches): 50,000 bars.
const MarketData& short_data() {
  static const MarketData data = [] {
    SyntheticSpec spec;
    spec.model = SyntheticModel::gbm;
    spec.bars = 50'000;
    spec.seed = 1;
    return generate_synthetic(spec);
  }();
  return data;
}

// W2's panel: 10 symbols x 100,000 bars of the default (regime) model, seed 2.
const MarketData& w2_data() {
  static const MarketData data = [] {
    SyntheticSpec spec;
    spec.symbols = 10;
    spec.bars = 100'000;
    spec.seed = 2;
    return generate_synthetic(spec);
  }();
  return data;
}

SymbolSeries series_of(const MarketData& data, Eigen::Index k) {
  return {data.open.col(k).data(), data.high.col(k).data(), data.low.col(k).data(), data.close.col(k).data(),
          static_cast<std::size_t>(data.bars())};
}

Genome default_genome(std::uint32_t type) {
  Genome genome;
  genome.strategy = type;
  const StrategyType& spec = strategy_registry()[type];
  for (std::size_t i = 0; i < spec.params.size(); ++i) genome.params[i] = spec.params[i].default_value;
  return genome;
}

void set_rate(benchmark::State& state, double bars_per_iteration) {
  // A rate of (bars / 1e9) per second, inverted: nanoseconds per bar.
  state.counters["ns_per_bar"] = benchmark::Counter(bars_per_iteration * static_cast<double>(state.iterations()) * 1e-9,
                                                    benchmark::Counter::kIsRate | benchmark::Counter::kInvert);
}

// The optimised kernel as the Backtester runs it: resumable, over the whole series in chunks of
// Backtester::kChunk bars, with the data set's shared prefix sums.
void kernel(benchmark::State& state, std::uint32_t type) {
  const MarketData& data = w1_data();
  SymbolSeries series = series_of(data, 0);
  std::vector<double> sums(2 * (series.bars + 1));
  make_close_sums(series.close, series.bars, sums.data(), sums.data() + series.bars + 1);
  series.close_sum_hi = sums.data();
  series.close_sum_lo = sums.data() + series.bars + 1;
  const Genome genome = default_genome(type);
  std::vector<double> buffer(strategy_registry()[type].buffer_size);
  std::vector<std::int8_t> positions(series.bars);
  for (auto _ : state) {
    KernelState kernel_state;
    kernel_state.buffer = buffer.data();
    for (std::size_t begin = 0; begin < series.bars; begin += Backtester::kChunk) {
      const std::size_t end = std::min(series.bars, begin + Backtester::kChunk);
      strategy_registry()[type].chunk_kernel(series, genome.params.data(), false, kernel_state, begin, end,
                                             positions.data() + begin);
    }
    benchmark::DoNotOptimize(positions.data());
    benchmark::ClobberMemory();
  }
  set_rate(state, static_cast<double>(series.bars));
}

void reference(benchmark::State& state, std::uint32_t type) {
  const MarketData& data = w1_data();
  const SymbolSeries series = series_of(data, 0);
  const Genome genome = default_genome(type);
  std::vector<std::int8_t> positions(series.bars);
  for (auto _ : state) {
    strategy_registry()[type].reference_kernel(series, genome.params.data(), false, positions.data());
    benchmark::DoNotOptimize(positions.data());
    benchmark::ClobberMemory();
  }
  set_rate(state, static_cast<double>(series.bars));
}

// A whole evaluation with W1's settings (close execution, long/flat, cost 0.0005, 252 bars per year).
void evaluate_w1(benchmark::State& state, std::uint32_t type) {
  ExecutionSettings settings;
  settings.cost = 0.0005;
  settings.bars_per_year = 252;
  Backtester backtester(w1_data(), settings);
  const Genome genome = default_genome(type);
  for (auto _ : state) benchmark::DoNotOptimize(backtester.evaluate(genome));
  set_rate(state, static_cast<double>(w1_data().bars()));
}

// A whole evaluation with W2's settings (defaults) over the 10-symbol panel.
void evaluate_w2(benchmark::State& state, std::uint32_t type) {
  Backtester backtester(w2_data(), ExecutionSettings{});
  const Genome genome = default_genome(type);
  for (auto _ : state) benchmark::DoNotOptimize(backtester.evaluate(genome));
  set_rate(state, static_cast<double>(w2_data().bars() * w2_data().symbol_count()));
}

// W1's settings on a short series that stays in the caches, W1's evolved parameters (fast 43, slow 397).
void evaluate_short(benchmark::State& state, std::uint32_t type) {
  ExecutionSettings settings;
  settings.cost = 0.0005;
  settings.bars_per_year = 252;
  Backtester backtester(short_data(), settings);
  Genome genome = default_genome(type);
  if (type == 0) genome.params = {43, 397, 0, 0};
  for (auto _ : state) benchmark::DoNotOptimize(backtester.evaluate(genome));
  set_rate(state, static_cast<double>(short_data().bars()));
}

// W1 with W1's evolved parameters.
void evaluate_w1_evolved(benchmark::State& state, std::uint32_t type) {
  ExecutionSettings settings;
  settings.cost = 0.0005;
  settings.bars_per_year = 252;
  Backtester backtester(w1_data(), settings);
  Genome genome = default_genome(type);
  genome.params = {43, 397, 0, 0};
  for (auto _ : state) benchmark::DoNotOptimize(backtester.evaluate(genome));
  set_rate(state, static_cast<double>(w1_data().bars()));
}

// The file strategy equal to sma_crossover (docs/strategy-language.md), registered beside the built-ins.
std::uint32_t file_sma_crossover() {
  static const std::uint32_t id = [] {
    language::register_file_strategies(language::parse_strategy_text(
        "[file_sma]\n"
        "params.fast = { type = \"int\", min = 2, max = 100, default = 10 }\n"
        "params.slow = { type = \"int\", min = 10, max = 400, default = 40 }\n"
        "less_than = [[\"fast\", \"slow\"]]\n"
        "position = \"sma(close, fast) > sma(close, slow)\"\n",
        "bench"));
    return strategy_id("file_sma");
  }();
  return id;
}

// A batch of kLanes genomes evaluated together (one pass over the data for all of them): mixed
// types, or W1-like parameters of sma_crossover (type 0) or of the file strategy equal to it.
std::vector<Genome> batch_genomes(bool mixed, std::uint32_t type = 0) {
  std::vector<Genome> genomes;
  for (std::size_t i = 0; i < Backtester::kLanes; ++i) {
    if (mixed) {
      genomes.push_back(default_genome(static_cast<std::uint32_t>(i % file_sma_crossover())));
    } else {
      Genome genome = default_genome(type);
      genome.params = {static_cast<double>(20 + 4 * i), static_cast<double>(360 + 2 * i), 0, 0};  // W1-like
      genomes.push_back(genome);
    }
  }
  return genomes;
}

void batch_w1(benchmark::State& state, std::uint32_t type) {
  ExecutionSettings settings;
  settings.cost = 0.0005;
  settings.bars_per_year = 252;
  Backtester backtester(w1_data(), settings);
  const std::vector<Genome> genomes = batch_genomes(false, type);
  std::vector<Metrics> metrics(genomes.size());
  for (auto _ : state) {
    backtester.evaluate(genomes, metrics);
    benchmark::DoNotOptimize(metrics.data());
  }
  set_rate(state, static_cast<double>(w1_data().bars() * genomes.size()));
}

// kLanes genomes of one type (or of every type, type < 0) with default parameters, on W2.
void batch_w2(benchmark::State& state, int type) {
  Backtester backtester(w2_data(), ExecutionSettings{});
  std::vector<Genome> genomes = batch_genomes(true);
  if (type >= 0) {
    for (Genome& genome : genomes) genome = default_genome(static_cast<std::uint32_t>(type));
  }
  std::vector<Metrics> metrics(genomes.size());
  for (auto _ : state) {
    backtester.evaluate(genomes, metrics);
    benchmark::DoNotOptimize(metrics.data());
  }
  set_rate(state, static_cast<double>(w2_data().bars() * w2_data().symbol_count() * genomes.size()));
}

// The plain reference backtest (reference kernel + reference metrics), for scale.
void reference_backtest_w1(benchmark::State& state, std::uint32_t type) {
  ExecutionSettings settings;
  settings.cost = 0.0005;
  settings.bars_per_year = 252;
  const Genome genome = default_genome(type);
  for (auto _ : state) benchmark::DoNotOptimize(reference_backtest(w1_data(), settings, genome));
  set_rate(state, static_cast<double>(w1_data().bars()));
}

const bool registered = [] {
  const std::uint32_t file_sma = file_sma_crossover();  // registered before any Backtester is made
  for (std::uint32_t type = 0; type < strategy_registry().size(); ++type) {
    const std::string& name = strategy_registry()[type].name;
    benchmark::RegisterBenchmark(("Kernel/" + name).c_str(), kernel, type)->Unit(benchmark::kMillisecond);
    benchmark::RegisterBenchmark(("ReferenceKernel/" + name).c_str(), reference, type)->Unit(benchmark::kMillisecond);
  }
  for (std::uint32_t type = 0; type < strategy_registry().size(); ++type) {
    const std::string& name = strategy_registry()[type].name;
    benchmark::RegisterBenchmark(("EvaluateW1/" + name).c_str(), evaluate_w1, type)->Unit(benchmark::kMillisecond);
    benchmark::RegisterBenchmark(("EvaluateW2/" + name).c_str(), evaluate_w2, type)->Unit(benchmark::kMillisecond);
  }
  benchmark::RegisterBenchmark("EvaluateShort/sma_crossover_43_397", evaluate_short, 0u)->Unit(benchmark::kMillisecond);
  benchmark::RegisterBenchmark("EvaluateShort/ts_momentum", evaluate_short, 6u)->Unit(benchmark::kMillisecond);
  benchmark::RegisterBenchmark("EvaluateW1/sma_crossover_43_397", evaluate_w1_evolved, 0u)->Unit(benchmark::kMillisecond);
  benchmark::RegisterBenchmark("BatchW1/sma_crossover", batch_w1, 0u)->Unit(benchmark::kMillisecond);
  benchmark::RegisterBenchmark("BatchW1/file_sma", batch_w1, file_sma)->Unit(benchmark::kMillisecond);
  benchmark::RegisterBenchmark("BatchW2/mixed", batch_w2, -1)->Unit(benchmark::kMillisecond);
  for (std::uint32_t type = 0; type < strategy_registry().size(); ++type) {
    benchmark::RegisterBenchmark(("BatchW2/" + strategy_registry()[type].name).c_str(), batch_w2, static_cast<int>(type))
        ->Unit(benchmark::kMillisecond);
  }
  benchmark::RegisterBenchmark("ReferenceBacktestW1/sma_crossover", reference_backtest_w1, 0u)
      ->Unit(benchmark::kMillisecond);
  return true;
}();

}  // namespace

BENCHMARK_MAIN();
