#pragma once
// Validation of an evolution's findings on rank 0: out-of-sample metrics over a held-out window,
// the trials a run made (for the deflated Sharpe ratio), per-strategy PSR, DSR and bootstrap
// percentiles, and the PBO of the final population. Definitions: docs/validation.md.
#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <unordered_set>
#include <vector>

#include "genepool/backtest/backtest.hpp"
#include "genepool/data/bar_window.hpp"
#include "genepool/statistics/bootstrap.hpp"
#include "genepool/evolution/evolution.hpp"
#include "genepool/statistics/overfitting.hpp"
#include "genepool/statistics/sharpe_statistics.hpp"

namespace genepool {

// A genome traded over `test` with indicators warmed up from `history_begin`: its positions come
// from a backtest on bars [history_begin, test.end) (nothing later is read), and the account opens
// at the close of bar test.begin - 1 with the strategy's position there (the entry paying the cost),
// so the metrics and returns cover the test.size() intervals ending at bars test.begin .. test.end - 1.
struct OutOfSample {
  Evaluation evaluation;          // status ok, non_finite or exception
  std::vector<double> returns;    // test.size() per-bar returns (no placeholder)
  PositionMatrix positions;       // rows test.begin - 1 .. test.end - 1 (test.size() + 1 rows)
};
// Requires history_begin < test.begin and test.end <= bars; `execution` with bars_per_year resolved.
OutOfSample out_of_sample(const MarketView& data, const ExecutionSettings& execution, const Genome& genome,
                          std::size_t history_begin, BarWindow test);

// OOS over IS per metric: out / in, NaN where in is 0 or either is not finite.
Metrics degradation(const Metrics& in_sample, const Metrics& out_of_sample);

// Seeds of the run's derived random streams: splitmix64 of (seed, stream, index), so that every
// stream is reproducible from the run's seed alone. Streams: kWalkForwardStream (index = fold),
// kBootstrapStream (index = /best rank).
inline constexpr std::uint64_t kWalkForwardStream = 1;
inline constexpr std::uint64_t kBootstrapStream = 2;
std::uint64_t derive_seed(std::uint64_t seed, std::uint64_t stream, std::uint64_t index);

// Observes an evolution and keeps one annualised Sharpe ratio per distinct strategy evaluated
// successfully: the trials of the deflated Sharpe ratio. Two genomes are one strategy when their
// metrics are equal bit for bit (same behaviour), as in the hall of fame.
class TrialRecorder final : public EvolutionObserver {
 public:
  void on_generation(const GenerationView& generation) override;
  std::size_t trials() const { return sharpes_.size(); }
  std::size_t distinct_genomes() const { return genomes_.size(); }
  std::span<const double> sharpes() const { return sharpes_; }

 private:
  std::unordered_set<std::string> genomes_;     // bytes of every genome seen
  std::unordered_set<std::string> strategies_;  // bytes of the metrics of every successful one
  std::vector<double> sharpes_;
};

struct ValidationSettings {
  SplitSettings split;
  WalkForwardSettings walk_forward;
  std::size_t walk_forward_generations = 0;  // 0 = the run's generations
  double psr_benchmark = 0;                  // annualised Sharpe ratio SR* of the PSR
  int pbo_partitions = 16;                   // S of the CSCV; 0 = no PBO
  std::int64_t bootstrap_resamples = 1000;   // 0 = no bootstrap
  std::int64_t bootstrap_block_length = 0;   // 0 = round(n^(1/3))
};

// Statistics of one of the best strategies over the returns the evolution selected it on.
struct StrategyStatistics {
  ReturnMoments moments;   // per-bar
  double psr = 0;          // PSR against the annualised benchmark
  double dsr = 0;          // PSR against the expected maximum Sharpe ratio of the trials
  bool bootstrapped = false;
  BootstrapResult bootstrap;  // values cleared (only the percentiles are kept)
};

// The trials of a run: N and V of the deflated Sharpe ratio (per bar).
struct TrialStatistics {
  std::size_t trials = 0;            // distinct strategies evaluated successfully
  std::size_t distinct_genomes = 0;  // distinct genomes seen (failed ones included)
  double sharpe_variance = 0;        // variance (ddof = 1) of their per-bar Sharpe ratios
  double expected_max_sharpe = 0;    // SR*0 per bar; 0 for fewer than 1 trial
};
TrialStatistics trial_statistics(const TrialRecorder& recorder, double bars_per_year);

StrategyStatistics strategy_statistics(std::span<const double> returns, const TrialStatistics& trials,
                                       const ValidationSettings& settings, Objective objective,
                                       double bars_per_year, std::uint64_t seed);

// PBO over the final population's distinct strategies (successful, distinct metrics), with their
// returns over `data` (the bars the evolution saw). nullopt with `note` saying why when it cannot
// be computed (fewer than 2 strategies, too few bars for the partitions, or partitions 0).
struct PopulationPbo {
  std::optional<PboResult> result;
  std::size_t strategies = 0;
  std::string note;
};
PopulationPbo population_pbo(const MarketView& data, const ExecutionSettings& execution,
                             std::span<const Genome> population, std::span<const Evaluation> evaluations,
                             int partitions);
// The same with a backtester on those bars (e.g. the evaluator's, so that no second one is built).
PopulationPbo population_pbo(Backtester& backtester, std::span<const Genome> population,
                             std::span<const Evaluation> evaluations, int partitions);

}  // namespace genepool
