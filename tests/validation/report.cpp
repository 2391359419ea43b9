// validate(): the validation of a run's best strategies, its PBO and walk-forward folds.
#include <catch2/catch.hpp>

#include <algorithm>
#include <cmath>
#include <cstring>
#include <vector>

#include "genepool/error.hpp"
#include "genepool/validation/report.hpp"
#include "fixtures.hpp"

using namespace genepool;
using Catch::Matchers::Contains;

namespace {

EvolutionSettings small_run() {
  EvolutionSettings settings;
  settings.seed = 17;
  settings.ga.population = 24;
  settings.ga.generations = 3;
  settings.hall_of_fame = 4;
  return settings;
}

ValidationSettings quick_validation() {
  ValidationSettings settings;
  settings.bootstrap_resamples = 50;
  settings.pbo_partitions = 4;
  return settings;
}

bool same_bytes(const void* a, const void* b, std::size_t n) { return std::memcmp(a, b, n) == 0; }

}  // namespace

TEST_CASE("validate() tests the best strategies out of sample and runs the walk-forward folds", "[validation]") {
  const MarketData data = test::two_symbol_data(900, 3);
  const ExecutionSettings execution = test::test_execution();
  ValidationSettings settings = quick_validation();
  settings.split.test_fraction = 0.25;
  settings.walk_forward.folds = 2;
  settings.walk_forward.test_bars = 100;
  const Split split = check_validation(settings, data);
  REQUIRE(split.enabled);
  CHECK(split.train.end == split.test.begin);
  CHECK(split.test.end == 900);

  const EvolutionSettings evolution = small_run();
  test::WindowedEvaluator evaluator(data, execution);
  evaluator.set_window(split.train);
  TrialRecorder trials;
  EvolutionObserver* const observers[] = {&trials};
  const EvolutionResult result = evolve(evolution, evaluator, observers);
  const MarketData train = slice(data, split.train);
  Backtester backtester(train, execution);
  std::vector<WalkForwardFoldResult> folds;
  const std::size_t windows_before = evaluator.windows.size();
  const ValidationReport report = validate(
      settings, evolution, result, trials, split, data, execution, backtester, evaluator,
      [&](BarWindow window) { evaluator.set_window(window); },
      [&](const WalkForwardFoldResult& fold) { folds.push_back(fold); });

  CHECK(report.objective == evolution.fitness.objective);
  CHECK(report.bars_per_year == 252);
  CHECK(report.timestamps.size() == 900);
  CHECK(report.trials.trials == trials.trials());
  REQUIRE(report.best.size() == result.hall_of_fame.size());
  for (std::size_t i = 0; i < report.best.size(); ++i) {
    const ValidationRow& row = report.best[i];
    CHECK(row.rank == static_cast<std::int32_t>(i + 1));
    CHECK(row.genome == result.hall_of_fame[i].genome);
    CHECK(same_bytes(&row.in_sample, &result.hall_of_fame[i].evaluation.metrics, sizeof(Metrics)));
    CHECK(row.bootstrap_seed == derive_seed(evolution.seed, kBootstrapStream, i + 1));
    CHECK(row.has_statistics);
    CHECK(row.statistics.bootstrapped);
    REQUIRE(row.has_out_of_sample);
    const Evaluation alone = out_of_sample(data, execution, row.genome, 0, split.test).evaluation;
    CHECK(same_bytes(&row.out_of_sample.metrics, &alone.metrics, sizeof(Metrics)));
  }
  CHECK_FALSE(report.statistics_pending);  // the training window's curves are not the results file's
  CHECK(report.pbo.strategies > 0);
  REQUIRE(report.walk_forward);
  CHECK(report.walk_forward->folds.size() == 2);
  REQUIRE(folds.size() == 2);  // on_fold after each fold, in order
  CHECK(folds[0].fold.test == report.walk_forward->folds[0].fold.test);
  CHECK(folds[1].fold.test == report.walk_forward->folds[1].fold.test);
  CHECK(folds[1].fold.test.end == split.train.end);  // the folds stay inside the training bars
  // The folds moved the window; validate() leaves it on the training bars.
  CHECK(evaluator.windows.size() > windows_before);
  CHECK(evaluator.windows.back() == split.train);

  // Every best strategy on every fold's test window, as the fold's own best is traded there.
  const auto& wf = report.walk_forward->folds;
  for (const ValidationRow& row : report.best) {
    REQUIRE(row.folds.size() == wf.size());
    for (std::size_t f = 0; f < wf.size(); ++f) {
      INFO("rank " << row.rank << ", fold " << f + 1);
      const Evaluation& got = row.folds[f];
      REQUIRE(got.status == EvalStatus::ok);
      const Evaluation alone = out_of_sample(data, execution, row.genome, wf[f].fold.train.begin, wf[f].fold.test).evaluation;
      CHECK(same_bytes(&got.metrics, &alone.metrics, sizeof(Metrics)));
      // A plain backtest over the fold's history [train.begin, test.end) whose account opens at the
      // close before the test window (--start there) gives the same metrics.
      ExecutionSettings windowed = execution;
      windowed.account_start = wf[f].fold.test.begin - 1 - wf[f].fold.train.begin;
      Backtester plain(window_of(data, {wf[f].fold.train.begin, wf[f].fold.test.end}), windowed);
      const Metrics direct = plain.evaluate(row.genome);
      CHECK(direct.bars == static_cast<double>(wf[f].fold.test.size()));
      for (const auto& field : metric_fields()) {
        INFO(field.name);
        const double a = got.metrics.*field.member, b = direct.*field.member;
        CHECK((a == b || std::fabs(a - b) <= 1e-12 * std::max(1.0, std::fabs(b))));
      }
    }
  }
}

TEST_CASE("validate() without a split or folds leaves the window alone", "[validation]") {
  const MarketData data = test::two_symbol_data(600, 4);
  const ExecutionSettings execution = test::test_execution();
  const ValidationSettings settings = quick_validation();
  const Split split = check_validation(settings, data);
  CHECK_FALSE(split.enabled);
  CHECK(split.train == BarWindow{0, 600});
  test::WindowedEvaluator evaluator(data, execution);
  TrialRecorder trials;
  EvolutionObserver* const observers[] = {&trials};
  const EvolutionResult result = evolve(small_run(), evaluator, observers);
  Backtester backtester(data, execution);
  bool folded = false;
  ValidationReport report =
      validate(settings, small_run(), result, trials, split, data, execution, backtester, evaluator,
               [&](BarWindow window) { evaluator.set_window(window); },
               [&](const WalkForwardFoldResult&) { folded = true; });
  REQUIRE(report.best.size() == result.hall_of_fame.size());
  for (const ValidationRow& row : report.best) CHECK_FALSE(row.has_out_of_sample);
  // The statistics wait for the curve over the whole data (the results file's curve pass).
  REQUIRE(report.statistics_pending);
  for (std::size_t i = 0; i < report.best.size(); ++i) {
    CHECK_FALSE(report.best[i].has_statistics);
    BacktestCurve curve;
    backtester.evaluate(result.hall_of_fame[i].genome, curve);
    add_curve_statistics(report, i, curve);
    const ValidationRow& row = report.best[i];
    CHECK(row.has_statistics);
    const StrategyStatistics direct =
        strategy_statistics(std::span<const double>(curve.returns).subspan(1), report.trials, settings,
                            report.objective, report.bars_per_year, row.bootstrap_seed);
    CHECK(row.statistics.moments.count == 599);
    CHECK(same_bytes(&row.statistics.psr, &direct.psr, sizeof(double)));
    CHECK(same_bytes(&row.statistics.bootstrap.p50, &direct.bootstrap.p50, sizeof(double)));
    CHECK(row.statistics.bootstrapped);
  }
  CHECK_FALSE(report.walk_forward);
  CHECK_FALSE(folded);
  CHECK(evaluator.windows.size() == 1);
}

TEST_CASE("check_validation refuses folds that do not fit in the training bars", "[validation]") {
  const MarketData data = test::two_symbol_data(300, 4);
  ValidationSettings settings;
  settings.split.test_fraction = 0.5;
  settings.walk_forward.folds = 3;
  settings.walk_forward.test_bars = 100;
  CHECK_THROWS_WITH(check_validation(settings, data),
                    Contains("walk-forward-folds 3") && Contains("within the 150 bars the evolution may see"));
}
