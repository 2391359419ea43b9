#include "genepool/validation/validation.hpp"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <limits>

#include "genepool/backtest/backtest_reference.hpp"
#include "genepool/error.hpp"

namespace genepool {
namespace {

std::string bytes_of(const void* data, std::size_t size) { return std::string(static_cast<const char*>(data), size); }

std::uint64_t mix(std::uint64_t x) {
  x += 0x9e3779b97f4a7c15ULL;
  x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
  x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
  return x ^ (x >> 31);
}

}  // namespace

OutOfSample out_of_sample(const MarketView& data, const ExecutionSettings& execution, const Genome& genome,
                          std::size_t history_begin, BarWindow test) {
  if (!(history_begin < test.begin && test.begin < test.end && test.end <= static_cast<std::size_t>(data.bars())))
    throw Error("out-of-sample window [" + std::to_string(test.begin) + ", " + std::to_string(test.end) +
                ") with history from bar " + std::to_string(history_begin) + " does not fit the data");
  OutOfSample result;
  try {
    const MarketView history = window_of(data, {history_begin, test.end});  // a view: no copy
    ExecutionSettings own_history = execution;
    own_history.account_start = 0;  // the test window's account opens below, after its history
    Backtester backtester(history, own_history);
    BacktestCurve full;
    backtester.evaluate(genome, full);
    const auto first = static_cast<Eigen::Index>(test.begin - 1 - history_begin);
    const auto rows = static_cast<Eigen::Index>(test.size() + 1);
    result.positions = full.positions.middleRows(first, rows);
    // The account opens at bar test.begin - 1; vol-target sizing reads the history as the indicators do.
    BacktestCurve curve;
    ExecutionSettings own = backtester.settings();
    own.exits = exit_rules_with(own.exits, genome);
    result.evaluation.metrics =
        reference_backtest_positions(history, own, result.positions, &curve, {.first = first, .restarts = {}, .rules = {}});
    result.evaluation.status = classify(result.evaluation.metrics);
    result.returns.assign(curve.returns.begin() + 1, curve.returns.end());
  } catch (const ConfigError&) {
    result.evaluation.status = EvalStatus::invalid_genome;
  } catch (const std::exception&) {
    result.evaluation.status = EvalStatus::exception;
  }
  return result;
}

Metrics degradation(const Metrics& in_sample, const Metrics& out_of_sample) {
  Metrics ratio;
  for (const auto& field : metric_fields()) {
    const double in = in_sample.*field.member;
    const double out = out_of_sample.*field.member;
    ratio.*field.member = in != 0 && std::isfinite(in) && std::isfinite(out)
                              ? out / in
                              : std::numeric_limits<double>::quiet_NaN();
  }
  return ratio;
}

std::uint64_t derive_seed(std::uint64_t seed, std::uint64_t stream, std::uint64_t index) {
  return mix(mix(mix(seed) ^ stream) ^ index);
}

void TrialRecorder::on_generation(const GenerationView& generation) {
  // The genomes the polish scored were tried too.
  const auto record = [&](std::span<const Genome> genomes, std::span<const Evaluation> evaluations) {
    for (std::size_t i = 0; i < genomes.size(); ++i) {
      genomes_.insert(bytes_of(&genomes[i], sizeof(Genome)));
      const Evaluation& evaluation = evaluations[i];
      if (evaluation.status != EvalStatus::ok) continue;
      if (strategies_.insert(bytes_of(&evaluation.metrics, sizeof(Metrics))).second)
        sharpes_.push_back(evaluation.metrics.sharpe);
    }
  };
  record(generation.population, generation.evaluations);
  record(generation.polished, generation.polished_evaluations);
}

TrialStatistics trial_statistics(const TrialRecorder& recorder, double bars_per_year) {
  TrialStatistics t;
  t.trials = recorder.trials();
  t.distinct_genomes = recorder.distinct_genomes();
  t.sharpe_variance = sharpe_variance(recorder.sharpes()) / bars_per_year;
  t.expected_max_sharpe =
      t.trials >= 1 ? expected_max_sharpe(t.sharpe_variance, static_cast<double>(t.trials)) : 0.0;
  return t;
}

StrategyStatistics strategy_statistics(std::span<const double> returns, const TrialStatistics& trials,
                                       const ValidationSettings& settings, Objective objective,
                                       double bars_per_year, std::uint64_t seed) {
  StrategyStatistics s;
  s.moments = moments(returns);
  s.psr = probabilistic_sharpe_annualised(s.moments, settings.psr_benchmark, bars_per_year);
  s.dsr = probabilistic_sharpe(s.moments, trials.expected_max_sharpe);
  if (settings.bootstrap_resamples > 0 && returns.size() >= 2) {
    BootstrapSettings b;
    b.resamples = settings.bootstrap_resamples;
    b.block_length = std::min<std::int64_t>(settings.bootstrap_block_length, static_cast<std::int64_t>(returns.size()));
    b.objective = objective;
    b.bars_per_year = bars_per_year;
    b.seed = seed;
    s.bootstrap = block_bootstrap(returns, b);
    s.bootstrap.values.clear();
    s.bootstrap.values.shrink_to_fit();
    s.bootstrapped = true;
  }
  return s;
}

PopulationPbo population_pbo(const MarketView& data, const ExecutionSettings& execution,
                             std::span<const Genome> population, std::span<const Evaluation> evaluations,
                             int partitions) {
  Backtester backtester(data, execution);
  return population_pbo(backtester, population, evaluations, partitions);
}

PopulationPbo population_pbo(Backtester& backtester, std::span<const Genome> population,
                             std::span<const Evaluation> evaluations, int partitions) {
  PopulationPbo pbo;
  std::vector<Genome> distinct;
  std::unordered_set<std::string> seen;
  for (std::size_t i = 0; i < population.size(); ++i) {
    if (evaluations[i].status != EvalStatus::ok) continue;
    if (seen.insert(bytes_of(&evaluations[i].metrics, sizeof(Metrics))).second) distinct.push_back(population[i]);
  }
  pbo.strategies = distinct.size();
  // The account's returns only (after --start: the warm-up before it earns nothing and is left out).
  const std::size_t account = backtester.settings().account_start;
  const auto returns = static_cast<std::size_t>(backtester.data().bars()) - 1 - account;
  if (partitions == 0) {
    pbo.note = "not computed (pbo-partitions = 0)";
    return pbo;
  }
  if (distinct.size() < 2) {
    pbo.note = "not computed: the final population has " + std::to_string(distinct.size()) +
               " distinct successful strategies; PBO needs at least 2";
    return pbo;
  }
  if (returns < static_cast<std::size_t>(partitions)) {
    pbo.note = "not computed: " + std::to_string(returns) + " returns are fewer than the " +
               std::to_string(partitions) + " partitions";
    return pbo;
  }
  // NOTE: the strategies' returns a pass of kPboLanes at a time (one group of vector lanes),
  // each reduced to CSCV's per-block sums: O(N S) memory, not the T x N matrix (2 GB for 256
  // strategies of 10^6 bars).
  constexpr std::size_t kPboLanes = 4;
  CscvBlockSums sums(returns, partitions);
  const std::size_t bars = static_cast<std::size_t>(backtester.data().bars());
  std::vector<double> buffer(std::min(kPboLanes, distinct.size()) * bars);
  std::vector<Metrics> metrics(kPboLanes);
  std::vector<double*> series(kPboLanes);
  for (std::size_t first = 0; first < distinct.size(); first += kPboLanes) {
    const std::size_t count = std::min(kPboLanes, distinct.size() - first);
    for (std::size_t l = 0; l < count; ++l) series[l] = buffer.data() + l * bars;
    backtester.evaluate(std::span<const Genome>(distinct).subspan(first, count), std::span<Metrics>(metrics).first(count),
                        std::span<double* const>(series).first(count));
    for (std::size_t l = 0; l < count; ++l) sums.add(std::span<const double>(series[l] + 1 + account, returns));
  }
  pbo.result = probability_of_backtest_overfitting(sums);
  return pbo;
}

}  // namespace genepool
