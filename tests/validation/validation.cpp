// Train/test split, walk-forward folds, out-of-sample evaluation without look-ahead, trials and
// the per-strategy statistics of the validation module.
#include <catch2/catch.hpp>

#include <cmath>
#include <cstring>
#include <memory>

#include "genepool/backtest/backtest_reference.hpp"
#include "genepool/data/bar_window.hpp"
#include "genepool/error.hpp"
#include "genepool/ga/rng.hpp"
#include "genepool/strategies/strategy.hpp"
#include "genepool/data/timestamp.hpp"
#include "genepool/data/synthetic.hpp"
#include "genepool/validation/validation.hpp"
#include "genepool/validation/walk_forward.hpp"
#include "fixtures.hpp"

using namespace genepool;

namespace {

MarketData test_data(std::size_t bars = 900, std::uint64_t seed = 5) { return test::two_symbol_data(bars, seed); }

using test::test_execution;

// The test period's prices scaled and wiggled from bar `from` on: different data after the split.
MarketData perturbed_after(MarketData data, std::size_t from) {
  for (auto k = 0; k < data.symbol_count(); ++k)
    for (auto t = static_cast<Eigen::Index>(from); t < data.bars(); ++t) {
      const double f = 1.0 + 0.03 * std::sin(static_cast<double>(t) * 0.7 + k);
      for (PriceMatrix* field : {&data.open, &data.high, &data.low, &data.close}) (*field)(t, k) *= f;
    }
  return data;
}

using test::WindowedEvaluator;

EvolutionSettings small_run() {
  EvolutionSettings settings;
  // The built-in types only: other tests of this binary register file strategies, which would change
  // the search (and what these tests see) when the binary runs them in one process.
  const auto& registry = strategy_registry();
  for (std::uint32_t i = 0; i < registry.size(); ++i)
    if (registry[i].built_in()) settings.ga.strategies.push_back(i);
  settings.seed = 11;
  settings.ga.population = 24;
  settings.ga.generations = 4;
  settings.hall_of_fame = 5;
  return settings;
}

bool same_bytes(const void* a, const void* b, std::size_t n) { return std::memcmp(a, b, n) == 0; }

}  // namespace

TEST_CASE("a slice holds exactly the window's rows", "[validation][window]") {
  const MarketData data = test_data(50);
  const MarketData part = slice(data, {10, 20});
  REQUIRE(part.bars() == 10);
  CHECK(part.symbols == data.symbols);
  CHECK(part.timestamps.front() == data.timestamps[10]);
  CHECK(part.close(0, 1) == data.close(10, 1));
  CHECK(part.volume(9, 0) == data.volume(19, 0));
  CHECK_THROWS_AS(slice(data, {20, 20}), Error);
  CHECK_THROWS_AS(slice(data, {0, 51}), Error);
}

TEST_CASE("a window of a view reads the slice's rows in place, without a copy", "[validation][window]") {
  const MarketData data = test_data(50);
  const MarketView part = window_of(data, {10, 20});
  const MarketData copy = slice(data, {10, 20});
  REQUIRE(part.bars() == 10);
  CHECK(part.symbol_count() == data.symbol_count());
  CHECK(part.timestamps.data() == data.timestamps.data() + 10);
  CHECK(part.close.col(1).data() == data.close.col(1).data() + 10);  // each column in place
  CHECK(part.close.outerStride() == 50);
  for (Eigen::Index k = 0; k < data.symbol_count(); ++k)
    for (Eigen::Index t = 0; t < 10; ++t) {
      CHECK(part.open(t, k) == copy.open(t, k));
      CHECK(part.volume(t, k) == copy.volume(t, k));
    }
  // A window of a window, and a slice of a view, are the rows of the whole data.
  const MarketView inner = window_of(part, {2, 5});
  CHECK(inner.high(0, 0) == data.high(12, 0));
  CHECK(slice(part, {2, 5}).low(2, 1) == data.low(14, 1));
  CHECK(part.bytes() == copy.bytes());
  CHECK_THROWS_AS(window_of(data, {20, 20}), Error);
  CHECK_THROWS_AS(window_of(data, {0, 51}), Error);
}

TEST_CASE("a view assigned from another points at the other's arrays", "[validation][window]") {
  const MarketData a = test_data(50);
  const MarketData b = test_data(30);
  MarketView view = a;
  CHECK(view.close.data() == a.close.data());
  view = window_of(b, {5, 30});
  CHECK(view.bars() == 25);
  CHECK(view.close.data() == b.close.data() + 5);
  CHECK(view.close(0, 1) == b.close(5, 1));
  CHECK(a.close(0, 0) == test_data(50).close(0, 0));  // the assignment wrote no values
}

TEST_CASE("the train/test split by fraction and by date", "[validation][window]") {
  const MarketData data = test_data(100);
  SplitSettings none;
  const Split all = resolve_split(none, data.timestamps);
  CHECK_FALSE(all.enabled);
  CHECK(all.train == BarWindow{0, 100});
  CHECK(all.test.size() == 0);

  SplitSettings fraction;
  fraction.test_fraction = 0.25;
  const Split f = resolve_split(fraction, data.timestamps);
  CHECK(f.enabled);
  CHECK(f.train == BarWindow{0, 75});
  CHECK(f.test == BarWindow{75, 100});

  SplitSettings date;
  date.split_date = format_timestamp(data.timestamps[60]);
  CHECK(resolve_split(date, data.timestamps).test == BarWindow{60, 100});
  date.split_date = format_timestamp(data.timestamps[60] - 1);  // between bars 59 and 60: the next bar
  CHECK(resolve_split(date, data.timestamps).train == BarWindow{0, 60});

  SplitSettings both = fraction;
  both.split_date = "2000-02-01";
  CHECK_THROWS_WITH(resolve_split(both, data.timestamps), Catch::Contains("not both"));
  SplitSettings bad;
  bad.split_date = "2000-13-01";
  CHECK_THROWS_WITH(resolve_split(bad, data.timestamps), Catch::Contains("split-date"));
  bad.split_date = "1990-01-01";  // no training bars
  CHECK_THROWS_WITH(resolve_split(bad, data.timestamps), Catch::Contains("leaves 0 training"));
  SplitSettings tiny;
  tiny.test_fraction = 0.001;  // rounds to 0 test bars
  CHECK_THROWS_AS(resolve_split(tiny, data.timestamps), ConfigError);
}

TEST_CASE("walk-forward fold windows, rolling and anchored", "[validation][walk-forward]") {
  WalkForwardSettings s;
  s.folds = 4;
  // Derived: L = floor(1000 / 5) = 200, W = 1000 - 4 * 200 = 200.
  auto folds = walk_forward_folds(s, 1000);
  REQUIRE(folds.size() == 4);
  for (std::size_t i = 0; i < 4; ++i) {
    CHECK(folds[i].train == BarWindow{i * 200, 200 + i * 200});
    CHECK(folds[i].test == BarWindow{200 + i * 200, 400 + i * 200});
  }
  s.mode = WalkForwardMode::anchored;
  folds = walk_forward_folds(s, 1003);  // L = 200, W = 203
  CHECK(folds[0].train == BarWindow{0, 203});
  CHECK(folds[3].train == BarWindow{0, 803});
  CHECK(folds[3].test == BarWindow{803, 1003});

  s.mode = WalkForwardMode::rolling;
  s.train_bars = 300;  // L = floor(700 / 4) = 175
  folds = walk_forward_folds(s, 1000);
  CHECK(folds[1].train == BarWindow{175, 475});
  CHECK(folds[3].test == BarWindow{825, 1000});
  s.train_bars = 0;
  s.test_bars = 100;  // W = 600
  folds = walk_forward_folds(s, 1000);
  CHECK(folds[0].train == BarWindow{0, 600});
  CHECK(folds[3].test == BarWindow{900, 1000});
  s.train_bars = 100;  // both given: bars 500..1000 unused
  folds = walk_forward_folds(s, 1000);
  CHECK(folds[3].test == BarWindow{400, 500});
  s.train_bars = 700;  // 700 + 400 > 1000
  CHECK_THROWS_WITH(walk_forward_folds(s, 1000), Catch::Contains("walk-forward-train-bars 700"));
  s.train_bars = 0;
  s.test_bars = 0;
  CHECK_THROWS_AS(walk_forward_folds(s, 9), ConfigError);  // L = 1
  s.folds = 0;
  CHECK(walk_forward_folds(s, 1000).empty());
  CHECK(parse_walk_forward_mode("anchored", "walk-forward-mode") == WalkForwardMode::anchored);
  CHECK_THROWS_WITH(parse_walk_forward_mode("expanding", "walk-forward-mode"), Catch::Contains("walk-forward-mode"));
}

TEST_CASE("out-of-sample metrics: warm positions, test bars only, nothing after the window read",
          "[validation][lookahead]") {
  const MarketData data = test_data(600);
  ExecutionSettings execution = test_execution();
  const Genome genome = make_genome("sma_crossover", {{"fast", 10}, {"slow", 40}});
  const BarWindow test{400, 500};
  const OutOfSample oos = out_of_sample(data, execution, genome, 0, test);
  REQUIRE(oos.evaluation.status == EvalStatus::ok);
  REQUIRE(oos.returns.size() == 100);
  CHECK(oos.evaluation.metrics.bars == 100);
  // The positions are those of a backtest over the whole history up to the test's end.
  BacktestCurve full;
  Backtester(data, execution).evaluate(genome, full);
  CHECK(oos.positions == full.positions.middleRows(399, 101));
  // The returns after the first (which pays the entry) are the continuous backtest's.
  for (std::size_t i = 1; i < 100; ++i) CHECK(oos.returns[i] == Approx(full.returns[400 + i]).margin(1e-15));
  // The account opens flat at close 399 and takes the position there, paying the cost.
  const int p = full.positions(399, 0);
  CHECK(oos.evaluation.metrics.exposure > 0);
  if (p != 0) CHECK(oos.returns[0] != full.returns[400]);
  // Data after the test window does not matter.
  const OutOfSample again = out_of_sample(perturbed_after(data, 500), execution, genome, 0, test);
  CHECK(same_bytes(&again.evaluation.metrics, &oos.evaluation.metrics, sizeof(Metrics)));
  CHECK_THROWS_AS(out_of_sample(data, execution, genome, 400, test), Error);
}

TEST_CASE("the evolution on the training window does not see the test period", "[validation][lookahead]") {
  const MarketData data = test_data(700);
  const MarketData other = perturbed_after(data, 500);
  const ExecutionSettings execution = test_execution();
  WindowedEvaluator a(data, execution), b(other, execution);
  a.set_window({0, 500});
  b.set_window({0, 500});
  const EvolutionResult ra = evolve(small_run(), a);
  const EvolutionResult rb = evolve(small_run(), b);
  REQUIRE(ra.population.size() == rb.population.size());
  CHECK(same_bytes(ra.population.data(), rb.population.data(), sizeof(Genome) * ra.population.size()));
  CHECK(same_bytes(ra.evaluations.data(), rb.evaluations.data(), sizeof(Evaluation) * ra.evaluations.size()));
  CHECK(ra.fitness == rb.fitness);
  // ... while the whole data does change it.
  WindowedEvaluator c(other, execution);
  const EvolutionResult rc = evolve(small_run(), c);
  CHECK_FALSE(same_bytes(ra.evaluations.data(), rc.evaluations.data(), sizeof(Evaluation) * ra.evaluations.size()));
}

TEST_CASE("walk-forward: independent folds on their windows, stitched account, efficiency",
          "[validation][walk-forward]") {
  const MarketData data = test_data(900);
  const ExecutionSettings execution = test_execution();
  WindowedEvaluator evaluator(data, execution);
  WalkForwardSettings settings;
  settings.folds = 3;
  settings.test_bars = 150;  // W = 450
  const auto set_window = [&](BarWindow w) { evaluator.set_window(w); };
  const WalkForwardResult wf =
      run_walk_forward(settings, small_run(), evaluator, set_window, data, execution, 900);
  REQUIRE(wf.folds.size() == 3);
  REQUIRE(evaluator.windows.size() == 1 + 3 + 1);
  CHECK(evaluator.windows[1] == BarWindow{0, 450});
  CHECK(evaluator.windows[3] == BarWindow{300, 750});
  CHECK(evaluator.windows[4] == BarWindow{0, 900});
  double in = 0, out = 0;
  for (std::size_t i = 0; i < 3; ++i) {
    const auto& fold = wf.folds[i];
    REQUIRE(fold.found);
    CHECK(fold.seed == derive_seed(small_run().seed, kWalkForwardStream, i));
    // The fold's best is what an evolution on its window alone finds.
    WindowedEvaluator alone(data, execution);
    alone.set_window(fold.fold.train);
    EvolutionSettings s = small_run();
    s.seed = fold.seed;
    const EvolutionResult r = evolve(s, alone);
    CHECK(r.hall_of_fame.front().genome == fold.best.genome);
    CHECK(fold.out_of_sample.returns.size() == 150);
    in += fold.best.evaluation.metrics.sharpe;
    out += fold.out_of_sample.evaluation.metrics.sharpe;
  }
  REQUIRE(wf.stitched.status == EvalStatus::ok);
  REQUIRE(wf.stitched_returns.size() == 450);
  CHECK(wf.stitched_equity.size() == 451);
  // Away from the fold boundaries the stitched account earns what each fold's account earns.
  for (std::size_t i = 0; i < 3; ++i)
    for (std::size_t t = 1; t < 150; ++t)
      CHECK(wf.stitched_returns[i * 150 + t] == Approx(wf.folds[i].out_of_sample.returns[t]).margin(1e-15));
  if (in > 0) CHECK(wf.efficiency == Approx(out / in));
}

TEST_CASE("walk-forward with exits: the stitched account restarts each fold's exits as its own window does",
          "[validation][walk-forward][exits]") {
  const MarketData data = test_data(900);
  ExecutionSettings execution = test_execution();
  execution.cost = 0;  // then a fold boundary costs nothing either, and every stitched return is a fold's
  execution.allow_short = true;
  execution.exits.stop_loss = 0.01;
  execution.exits.trailing_stop = 0.02;
  execution.exits.max_bars = 40;
  // Vol-target sizing reads the history before each window, so the folds' sizes are the stitched account's.
  execution.exits.sizing = GENERATE(Sizing::unit, Sizing::vol_target);
  execution.execution = GENERATE(Execution::close, Execution::next_open);
  WindowedEvaluator evaluator(data, execution);
  WalkForwardSettings settings;
  settings.folds = 3;
  settings.test_bars = 150;
  const auto set_window = [&](BarWindow w) { evaluator.set_window(w); };
  // NOTE: without polishing, the folds' best strategies are ones whose exits do run across a boundary.
  EvolutionSettings evolution = small_run();
  evolution.polish.share = 0;
  const WalkForwardResult wf = run_walk_forward(settings, evolution, evaluator, set_window, data, execution, 900);
  REQUIRE(wf.stitched.status == EvalStatus::ok);
  REQUIRE(wf.stitched_returns.size() == 450);
  std::vector<double> joined;
  PositionMatrix decisions(451, data.symbol_count());
  for (std::size_t i = 0; i < 3; ++i) {
    const OutOfSample& fold = wf.folds[i].out_of_sample;
    REQUIRE(fold.evaluation.status == EvalStatus::ok);
    joined.insert(joined.end(), fold.returns.begin(), fold.returns.end());
    decisions.middleRows(static_cast<Eigen::Index>(150 * i), 150 + (i == 2)) = fold.positions.topRows(150 + (i == 2));
  }
  for (std::size_t t = 0; t < 450; ++t) CHECK(wf.stitched_returns[t] == Approx(joined[t]).margin(1e-15));
  double product = 1;
  for (double r : joined) product *= 1 + r;
  CHECK(wf.stitched.metrics.total_return == Approx(product - 1).margin(1e-12));
  // The data carries exits across a boundary: one account's exits run on, and differ from the folds'.
  BacktestCurve carried;
  reference_backtest_positions(data, execution, decisions, &carried, {.first = 449, .restarts = {}, .rules = {}});
  bool differs = false;
  for (std::size_t t = 0; t < 450; ++t) differs = differs || std::fabs(carried.returns[t + 1] - joined[t]) > 1e-12;
  CHECK(differs);
}

TEST_CASE("trials: one per distinct successful strategy, derived seeds differ", "[validation]") {
  Metrics m1, m2;
  m1.sharpe = 1.0;
  m2.sharpe = -0.5;
  const Genome g1{0, 0, {10, 40, 0, 0}}, g2{0, 0, {10, 41, 0, 0}}, g3{0, 0, {11, 40, 0, 0}};
  const std::vector<Genome> population{g1, g2, g3, g1};
  std::vector<Evaluation> evaluations(4);
  evaluations[0].metrics = m1;
  evaluations[1].metrics = m1;  // another genome, same behaviour
  evaluations[2].metrics = m2;
  evaluations[2].status = EvalStatus::ok;
  evaluations[3].metrics = m1;
  const std::vector<double> fitness(4, 0.0);
  GenerationStats stats;
  TrialRecorder recorder;
  recorder.on_generation({stats, population, evaluations, fitness});
  CHECK(recorder.trials() == 2);
  CHECK(recorder.distinct_genomes() == 3);
  const TrialStatistics t = trial_statistics(recorder, 4.0);
  CHECK(t.sharpe_variance == Approx(1.125 / 4.0));  // var{1, -0.5} = 1.125, per bar / B
  CHECK(t.expected_max_sharpe == Approx(expected_max_sharpe(1.125 / 4.0, 2.0)));
  // The genomes a polish scored are trials too: a new strategy counts, a known one does not.
  Metrics m3;
  m3.sharpe = 2.0;
  const Genome g4{0, 0, {12, 40, 0, 0}}, g5{0, 0, {13, 40, 0, 0}};
  const std::vector<Genome> polished{g4, g5};
  std::vector<Evaluation> polished_evaluations(2);
  polished_evaluations[0].metrics = m3;
  polished_evaluations[1].metrics = m1;
  GenerationView with_polish{stats, population, evaluations, fitness};
  with_polish.polished = polished;
  with_polish.polished_evaluations = polished_evaluations;
  recorder.on_generation(with_polish);
  CHECK(recorder.trials() == 3);
  CHECK(recorder.distinct_genomes() == 5);
  CHECK(derive_seed(1, kWalkForwardStream, 0) != derive_seed(1, kWalkForwardStream, 1));
  CHECK(derive_seed(1, kWalkForwardStream, 0) != derive_seed(1, kBootstrapStream, 0));
  // Pinned: results files store the seeds derived from a run's seed, which must not change.
  CHECK(derive_seed(7, 2, 3) == 0xab03565edcb53bcfULL);
}

TEST_CASE("strategy statistics: PSR, DSR and bootstrap from the selected returns", "[validation]") {
  std::vector<double> returns;
  Rng rng(3);
  for (int i = 0; i < 500; ++i) returns.push_back(0.0005 + 0.01 * rng.normal());
  TrialStatistics trials;
  trials.trials = 100;
  trials.sharpe_variance = 0.001;
  trials.expected_max_sharpe = expected_max_sharpe(0.001, 100);
  ValidationSettings settings;
  settings.psr_benchmark = 0.5;
  settings.bootstrap_resamples = 200;
  const StrategyStatistics s = strategy_statistics(returns, trials, settings, Objective::sharpe, 252, 9);
  const ReturnMoments m = moments(returns);
  CHECK(s.psr == probabilistic_sharpe_annualised(m, 0.5, 252));
  CHECK(s.dsr == deflated_sharpe(m, 0.001, 100));
  CHECK(s.dsr < probabilistic_sharpe(m, 0.0));
  REQUIRE(s.bootstrapped);
  CHECK(s.bootstrap.p05 < s.bootstrap.p50);
  CHECK(s.bootstrap.p50 < s.bootstrap.p95);
  CHECK(s.bootstrap.full_sample == Approx(m.sharpe() * std::sqrt(252.0)));
  const StrategyStatistics again = strategy_statistics(returns, trials, settings, Objective::sharpe, 252, 9);
  CHECK(again.bootstrap.p05 == s.bootstrap.p05);
  settings.bootstrap_resamples = 0;
  CHECK_FALSE(strategy_statistics(returns, trials, settings, Objective::sharpe, 252, 9).bootstrapped);
}

TEST_CASE("degradation is out-of-sample over in-sample per metric", "[validation]") {
  Metrics in, out;
  in.sharpe = 2.0;
  out.sharpe = 0.5;
  in.trades = 0;
  out.trades = 3;
  const Metrics d = degradation(in, out);
  CHECK(d.sharpe == 0.25);
  CHECK(std::isnan(d.trades));
}
