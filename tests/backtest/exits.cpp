// Exits and sizing (docs/metrics.md, "Exits and sizing"): hand-built price paths with known answers
// in the reference backtest, and the optimised Backtester against the reference on real data.
#include <catch2/catch.hpp>

#include <array>
#include <cmath>
#include <cstring>
#include <random>
#include <sstream>
#include <string>
#include <vector>

#include "allocation_counter.hpp"
#include "genepool/backtest/backtest.hpp"
#include "genepool/backtest/backtest_reference.hpp"
#include "genepool/data/bar_window.hpp"
#include "genepool/data/synthetic.hpp"
#include "genepool/error.hpp"
#include "genepool/io/market_data_csv.hpp"
#include "genepool/io/market_data_io.hpp"
#include "agreement.hpp"
#include "hand_bars.hpp"
#include "helpers.hpp"

using namespace genepool;
using test::agree;
using test::disagreements;
using test::random_genome;
using test::Bar;
using test::bars_of;
using test::decisions;
using test::plain;
using Catch::Matchers::Contains;

namespace {


struct Run {
  Metrics metrics;
  BacktestCurve curve;
};

Run run(const MarketData& data, const ExecutionSettings& settings, const std::vector<int>& rule) {
  Run r;
  r.metrics = reference_backtest_positions(data, settings, decisions(rule), &r.curve);
  return r;
}

std::vector<double> held_of(const BacktestCurve& curve) {
  return {curve.held.data(), curve.held.data() + curve.held.size()};
}

Approx near(double value) { return Approx(value).epsilon(1e-12).margin(1e-12); }

}  // namespace

TEST_CASE("a stop touched within the bar fills at the stop, the rule must reset before re-entry", "[backtest][exits]") {
  const MarketData data = bars_of({{100, 100, 100, 100}, {99, 101, 94, 96}, {96, 98, 95, 97}, {97, 99, 96, 98}});
  ExecutionSettings s = plain();
  s.exits.stop_loss = 0.05;
  const Run r = run(data, s, {1, 1, 1, 1});
  CHECK(r.curve.returns[1] == near(95.0 / 100 - 1));  // the fill at the stop against the previous close
  CHECK(r.curve.returns[2] == 0);                      // the signal persists: no re-entry
  CHECK(r.curve.returns[3] == 0);
  CHECK(held_of(r.curve) == std::vector<double>{1, 0, 0, 0});
  CHECK(r.metrics.trades == 1);
  CHECK(r.metrics.worst_trade == near(-0.05));
  CHECK(r.metrics.exposure == near(1.0 / 3));
  CHECK(r.metrics.turnover == near(2.0 / (3.0 / 252)));
}

TEST_CASE("a gap through the stop fills at the open", "[backtest][exits]") {
  const MarketData data = bars_of({{100, 100, 100, 100}, {90, 92, 88, 91}, {91, 92, 90, 92}});
  ExecutionSettings s = plain();
  s.exits.stop_loss = 0.05;
  const Run r = run(data, s, {1, 1, 1});
  CHECK(r.curve.returns[1] == near(90.0 / 100 - 1));
  CHECK(r.curve.returns[2] == 0);
}

TEST_CASE("take-profit fills at the target within the bar, or at an open beyond it", "[backtest][exits]") {
  ExecutionSettings s = plain();
  s.exits.take_profit = 0.05;
  const Run touched = run(bars_of({{100, 100, 100, 100}, {101, 106, 100.5, 102}, {102, 103, 101, 103}}), s, {1, 1, 1});
  CHECK(touched.curve.returns[1] == near(105.0 / 100 - 1));
  CHECK(touched.metrics.best_trade == near(0.05));
  const Run gapped = run(bars_of({{100, 100, 100, 100}, {107, 108, 106, 107}, {107, 108, 106, 107}}), s, {1, 1, 1});
  CHECK(gapped.curve.returns[1] == near(107.0 / 100 - 1));
}

TEST_CASE("a bar touching both the stop and the target takes the stop, unless the open is beyond one", "[backtest][exits]") {
  ExecutionSettings s = plain();
  s.exits.stop_loss = 0.05;
  s.exits.take_profit = 0.05;
  const Run both = run(bars_of({{100, 100, 100, 100}, {100, 106, 94, 100}, {100, 100, 100, 100}}), s, {1, 1, 1});
  CHECK(both.curve.returns[1] == near(-0.05));
  const Run open_beyond = run(bars_of({{100, 100, 100, 100}, {106, 106, 94, 100}, {100, 100, 100, 100}}), s, {1, 1, 1});
  CHECK(open_beyond.curve.returns[1] == near(0.06));
}

TEST_CASE("the trailing stop moves at the end of each bar, not within it", "[backtest][exits]") {
  // Bar 1 reaches 120 and dips to 100: the level during bar 1 is still 90; from bar 2 on it is 108.
  const MarketData data = bars_of({{100, 100, 100, 100}, {101, 120, 100, 115}, {112, 113, 107, 110}, {110, 111, 109, 110}});
  ExecutionSettings s = plain();
  s.exits.trailing_stop = 0.10;
  const Run r = run(data, s, {1, 1, 1, 1});
  CHECK(r.curve.returns[1] == near(115.0 / 100 - 1));
  CHECK(r.curve.returns[2] == near(108.0 / 115 - 1));
  CHECK(held_of(r.curve) == std::vector<double>{1, 1, 0, 0});
  CHECK(r.metrics.best_trade == near(108.0 / 100 - 1));
}

TEST_CASE("max-bars exits at the close of the n-th bar held, re-entry waits for the rule to reset", "[backtest][exits]") {
  const MarketData data = bars_of({{100, 100, 100, 100}, {101, 101, 101, 101}, {102, 102, 102, 102},
                                   {103, 103, 103, 103}, {104, 104, 104, 104}, {105, 105, 105, 105}});
  ExecutionSettings s = plain(Execution::close, 0.001);
  s.exits.max_bars = 2;
  const Run persisting = run(data, s, {1, 1, 1, 1, 1, 1});
  CHECK(held_of(persisting.curve) == std::vector<double>{1, 1, 0, 0, 0, 0});
  CHECK(persisting.curve.returns[1] == near(0.01 - 0.001));     // the entry's cost at close 0
  CHECK(persisting.curve.returns[2] == near(102.0 / 101 - 1));
  CHECK(persisting.curve.returns[3] == near(-0.001));            // the exit at close 2
  CHECK(persisting.metrics.trades == 1);
  const Run reset = run(data, s, {1, 1, 1, 0, 1, 1});
  CHECK(held_of(reset.curve) == std::vector<double>{1, 1, 0, 0, 1, 1});
  CHECK(reset.metrics.trades == 2);
  CHECK(reset.curve.returns[5] == near(105.0 / 104 - 1 - 0.001));
  // A reversal is a new signal: taken at the close of the exit.
  const Run reversed = run(data, s, {1, 1, -1, -1, -1, -1});
  CHECK(held_of(reversed.curve) == std::vector<double>{1, 1, -1, -1, 0, 0});
}

TEST_CASE("short exits are the mirror image: the stop above, the target below, the trail above the lowest low", "[backtest][exits]") {
  ExecutionSettings s = plain();
  s.exits.stop_loss = 0.05;
  const Run stopped = run(bars_of({{100, 100, 100, 100}, {101, 106, 99, 104}, {104, 104, 104, 104}}), s, {-1, -1, -1});
  CHECK(stopped.curve.returns[1] == near(-(105.0 / 100 - 1)));
  s.exits = ExitRules{};
  s.exits.take_profit = 0.05;
  const Run target = run(bars_of({{100, 100, 100, 100}, {99, 100, 94, 96}, {96, 96, 96, 96}}), s, {-1, -1, -1});
  CHECK(target.curve.returns[1] == near(0.05));
  s.exits = ExitRules{};
  s.exits.trailing_stop = 0.10;
  const Run trailed = run(bars_of({{100, 100, 100, 100}, {99, 100, 80, 85}, {86, 89, 86, 87}, {87, 87, 87, 87}}), s,
                          {-1, -1, -1, -1});
  CHECK(trailed.curve.returns[2] == near(-(88.0 / 85 - 1)));  // 80 * 1.1 = 88, touched by the high of 89
  CHECK(held_of(trailed.curve) == std::vector<double>{-1, -1, 0, 0});
}

TEST_CASE("under next_open execution the entry bar is guarded from its open", "[backtest][exits]") {
  const MarketData data = bars_of({{98, 98, 98, 98}, {100, 101, 94, 97}, {97, 98, 96, 97}});
  ExecutionSettings s = plain(Execution::next_open);
  s.exits.stop_loss = 0.05;
  const Run r = run(data, s, {1, 1, 1});
  CHECK(r.curve.returns[1] == near(95.0 / 100 - 1));  // entered at the open of bar 1, stopped within it
  CHECK(r.curve.returns[2] == 0);
  CHECK(held_of(r.curve) == std::vector<double>{0, 0, 0});
  CHECK(r.metrics.trades == 1);
  // max-bars fills at the close, so the next gap is not held
  s.exits = ExitRules{};
  s.exits.max_bars = 1;
  const Run timed = run(data, s, {1, 1, 1});
  CHECK(timed.curve.returns[1] == near(97.0 / 100 - 1));
  CHECK(timed.curve.returns[2] == 0);
}

TEST_CASE("vol-target sizing scales positions by target over realised volatility, capped, flat in warm-up", "[backtest][exits]") {
  // Close-to-close returns alternate +1% and -1%: over two bars, a population standard deviation of 1%.
  std::vector<Bar> bars{{100, 100, 100, 100}};
  for (int t = 1; t < 8; ++t) {
    const double c = bars.back().close * (t % 2 == 1 ? 1.01 : 0.99);
    bars.push_back({c, c, c, c});
  }
  const MarketData data = bars_of(bars);
  ExecutionSettings s = plain(Execution::close, 0.001);
  s.exits.sizing = Sizing::vol_target;
  s.exits.vol_window = 2;
  s.exits.target_vol = 0.10;
  s.exits.leverage_cap = 2.0;
  const Run r = run(data, s, {1, 1, 1, 1, 1, 1, 1, 1});
  const double size = 0.10 / (0.01 * std::sqrt(252.0));
  CHECK(r.curve.held(0, 0) == 0);
  CHECK(r.curve.held(1, 0) == 0);
  for (Eigen::Index t = 2; t < 8; ++t) CHECK(r.curve.held(t, 0) == Approx(size).epsilon(1e-9));
  // The first sized interval: the position times the price return, less the entry cost on |Δ|.
  const double price_return = data.close(3, 0) / data.close(2, 0) - 1;
  CHECK(r.curve.returns[3] == near(r.curve.held(2, 0) * price_return - 0.001 * r.curve.held(2, 0)));
  CHECK(r.metrics.trades == 1);  // resizing within a run of one sign is not a new trade
  CHECK(r.metrics.exposure == near(5.0 / 7));
  s.exits.target_vol = 1.0;  // 6.3 times the realised volatility, capped at 2
  const Run capped = run(data, s, {1, 1, 1, 1, 1, 1, 1, 1});
  CHECK(capped.curve.held(4, 0) == 2.0);
  CHECK(capped.curve.held(7, 0) == 2.0);
}

TEST_CASE("exit rules out of range are config errors naming the key, the value and the range", "[backtest][exits]") {
  const MarketData data = bars_of({{100, 100, 100, 100}, {100, 100, 100, 100}});
  const auto refused = [&](ExitRules rules) {
    ExecutionSettings s = plain();
    s.exits = rules;
    std::string message;
    try {
      Backtester tester(data, s);
    } catch (const ConfigError& error) {
      message = error.what();
    }
    CHECK_THROWS_AS(reference_backtest_positions(data, s, decisions({0, 0})), ConfigError);
    return message;
  };
  ExitRules rules;
  rules.stop_loss = 1.5;
  CHECK(refused(rules) == "stop-loss: 1.5 is outside [0, 1) (0 = off)");
  rules = ExitRules{};
  rules.max_bars = 2.5;
  CHECK(refused(rules) == "max-bars: 2.5 is outside [0, 1e+09] (a whole number)");
  rules = ExitRules{};
  rules.vol_window = 1;
  CHECK_THAT(refused(rules), Contains("vol-window: 1 is outside [2, 100000]"));
  rules = ExitRules{};
  rules.leverage_cap = 0;
  CHECK_THAT(refused(rules), Contains("leverage-cap: 0 is outside (0, 100]"));
}

namespace {

// Random exits and sizing: each rule on or off, with every combination reached over the draws.
ExecutionSettings random_settings(std::mt19937_64& rng, int draw) {
  ExecutionSettings s;
  s.execution = (draw & 1) ? Execution::next_open : Execution::close;
  s.allow_short = (draw & 2) != 0;
  s.cost = (draw & 4) ? 0.001 : 0.0;
  std::uniform_real_distribution<double> unit(0.0, 1.0);
  const int rules = (draw >> 3) % 32;
  if (rules & 1) s.exits.stop_loss = 0.005 + 0.1 * unit(rng);
  if (rules & 2) s.exits.take_profit = 0.005 + 0.2 * unit(rng);
  if (rules & 4) s.exits.trailing_stop = 0.005 + 0.1 * unit(rng);
  if (rules & 8) s.exits.max_bars = std::floor(1 + 40 * unit(rng));
  if ((rules & 16) || rules == 0) {
    s.exits.sizing = Sizing::vol_target;
    s.exits.target_vol = 0.05 + 0.4 * unit(rng);
    s.exits.vol_window = std::floor(2 + 60 * unit(rng));
    s.exits.leverage_cap = 0.5 + 2.5 * unit(rng);
  }
  return s;
}

const std::vector<std::pair<std::string, MarketData>>& real_sets() {
  static const std::vector<std::pair<std::string, MarketData>> sets = [] {
    std::vector<std::pair<std::string, MarketData>> v;
    v.emplace_back("GOOG", read_csv(test::shared_data("GOOG.csv"), "GOOG"));
    v.emplace_back("EURUSD", read_csv(test::shared_data("EURUSD.csv"), "EURUSD"));
    v.emplace_back("NVDA+YHOO union", load_market_data({test::shared_data("nvda-1999-2014.txt"),
                                                  test::shared_data("yhoo-1996-2014.txt")}));
    v.emplace_back("BTCUSD", read_csv(test::shared_data("BTCUSD.csv"), "BTCUSD"));
    return v;
  }();
  return sets;
}

}  // namespace

TEST_CASE("Backtester agrees with the reference under every exit and sizing option on real data", "[backtest][exits]") {
  std::mt19937_64 rng(20261202);
  const auto types = static_cast<std::uint32_t>(strategy_registry().size());
  std::array<int, 4> exits_taken{};  // draws where a stop, target, trail or max-bars changed the held position
  for (const auto& [name, data] : real_sets()) {
    for (int draw = 0; draw < 256; draw += 3) {
      const ExecutionSettings settings = random_settings(rng, draw);
      Backtester tester(data, settings);
      const Genome genome = random_genome(static_cast<std::uint32_t>(draw) % types, rng);
      INFO(name << ", " << describe(tester.settings()) << ", " << strategy_of(genome).name);
      BacktestCurve reference_curve, curve;
      const Metrics reference = reference_backtest(data, tester.settings(), genome, &reference_curve);
      CHECK(disagreements(tester.evaluate(genome), reference) == "");
      CHECK(disagreements(tester.evaluate(genome, curve), reference) == "");
      CHECK(curve.positions == reference_curve.positions);
      CHECK(curve.held == reference_curve.held);
      REQUIRE(curve.returns.size() == reference_curve.returns.size());
      double worst = 0;
      for (std::size_t t = 0; t < curve.returns.size(); ++t)
        worst = std::max(worst, std::fabs(curve.returns[t] - reference_curve.returns[t]));
      CHECK(worst <= 1e-14);
      // Where the held position leaves the rule's, an exit was taken.
      bool exited = false;
      for (Eigen::Index k = 0; k < curve.held.cols(); ++k) {
        for (Eigen::Index t = 1; t < curve.held.rows(); ++t) {
          const double rule = settings.execution == Execution::close ? curve.positions(t, k) : curve.positions(t - 1, k);
          exited = exited || (curve.held(t, k) == 0 && rule != 0);
        }
      }
      if (exited && settings.exits.stop_loss > 0) ++exits_taken[0];
      if (exited && settings.exits.take_profit > 0) ++exits_taken[1];
      if (exited && settings.exits.trailing_stop > 0) ++exits_taken[2];
      if (exited && settings.exits.max_bars > 0) ++exits_taken[3];
    }
  }
  for (const int taken : exits_taken) CHECK(taken > 10);  // every kind of exit was exercised
}

TEST_CASE("exits that never trigger give the metrics of the plain backtest", "[backtest][exits]") {
  std::mt19937_64 rng(77);
  const auto types = static_cast<std::uint32_t>(strategy_registry().size());
  for (const auto& [name, data] : real_sets()) {
    for (int c = 0; c < 8; ++c) {
      ExecutionSettings settings;
      settings.execution = (c & 1) ? Execution::next_open : Execution::close;
      settings.allow_short = (c & 2) != 0;
      settings.cost = (c & 4) ? 0.001 : 0.0;
      Backtester plain_tester(data, settings);
      settings.exits.max_bars = 1e9;
      if (!settings.allow_short) settings.exits.stop_loss = 0.99;  // no long trade here loses 99%
      Backtester exits_tester(data, settings);
      for (std::uint32_t type = 0; type < types; ++type) {
        const Genome genome = random_genome(type, rng);
        INFO(name << ", " << describe(exits_tester.settings()) << ", " << strategy_of(genome).name);
        BacktestCurve plain_curve, exits_curve;
        const Metrics plain_metrics = plain_tester.evaluate(genome, plain_curve);
        CHECK(disagreements(exits_tester.evaluate(genome, exits_curve), plain_metrics) == "");
        CHECK(exits_curve.held == plain_curve.held);
      }
    }
  }
}

TEST_CASE("with exits and sizing, batches equal single evaluations bit for bit and allocate nothing", "[backtest][exits]") {
  std::mt19937_64 rng(5);
  const MarketData& data = real_sets()[2].second;
  const auto types = static_cast<std::uint32_t>(strategy_registry().size());
  for (const int draw : {8 * 31, 8 * 31 + 1, 8 * 31 + 6, 8 * 5 + 3}) {
    Backtester tester(data, random_settings(rng, draw));
    std::vector<Genome> genomes;
    for (int i = 0; i < 11; ++i) genomes.push_back(random_genome(static_cast<std::uint32_t>(rng() % types), rng));
    std::vector<Metrics> batch(genomes.size());
    tester.evaluate(genomes, batch);
    const auto bars = static_cast<std::size_t>(data.bars());
    std::vector<std::vector<double>> returns(genomes.size(), std::vector<double>(bars, -1.0));
    std::vector<double*> out;
    for (auto& r : returns) out.push_back(r.data());
    std::vector<Metrics> with_returns(genomes.size());
    tester.evaluate(genomes, with_returns, out);
    for (std::size_t i = 0; i < genomes.size(); ++i) {
      INFO(describe(tester.settings()) << ", " << strategy_of(genomes[i]).name);
      const std::size_t before = test::allocation_count();
      const Metrics alone = tester.evaluate(genomes[i]);
      CHECK(test::allocation_count() == before);
      CHECK(std::memcmp(&batch[i], &alone, sizeof(Metrics)) == 0);
      CHECK(std::memcmp(&with_returns[i], &alone, sizeof(Metrics)) == 0);
      BacktestCurve curve;
      tester.evaluate(genomes[i], curve);
      CHECK(std::memcmp(returns[i].data(), curve.returns.data(), bars * sizeof(double)) == 0);
    }
  }
}

TEST_CASE("an account opening within the data: history read by sizing only, restarts clear the exits",
          "[backtest][exits]") {
  // Stop-loss 5 %: long from bar 0, stopped at bar 2 (low 94 <= 95), locked out while the rule stays long.
  const MarketData data = bars_of({{100, 100, 100, 100}, {100, 101, 99, 100}, {100, 100, 94, 96},
                                   {96, 97, 95, 96}, {96, 98, 95, 97}, {97, 99, 96, 98}});
  ExecutionSettings s = plain();
  s.exits.stop_loss = 0.05;
  const std::vector<int> rule{1, 1, 1, 1, 1, 1};
  CHECK(held_of(run(data, s, rule).curve) == std::vector<double>{1, 1, 0, 0, 0, 0});
  // A restart at bar 3 ends the lock: the decision there enters at its close, as an account opening there.
  const std::array<Eigen::Index, 1> restart{3};
  BacktestCurve restarted;
  reference_backtest_positions(data, s, decisions(rule), &restarted, {.first = 0, .restarts = restart, .rules = {}});
  CHECK(held_of(restarted) == std::vector<double>{1, 1, 0, 1, 1, 1});
  // Opening at bar 3 with unit sizing is the backtest of bars 3.. alone, bit for bit.
  BacktestCurve opened;
  const Metrics m = reference_backtest_positions(data, s, decisions({1, 1, 1}), &opened, {.first = 3, .restarts = {}, .rules = {}});
  const Run alone = run(slice(data, {3, 6}), s, {1, 1, 1});
  CHECK(opened.returns == alone.curve.returns);
  CHECK(m.total_return == alone.metrics.total_return);
  CHECK(held_of(opened) == held_of(alone.curve));
  // Vol-target sizing reads the history: sized from the account's first bar, not after a warm-up.
  s.exits = ExitRules{};
  s.exits.sizing = Sizing::vol_target;
  s.exits.vol_window = 2;
  BacktestCurve sized;
  reference_backtest_positions(data, s, decisions({1, 1, 1}), &sized, {.first = 3, .restarts = {}, .rules = {}});
  CHECK(sized.held(0, 0) > 0);
  CHECK(run(slice(data, {3, 6}), s, {1, 1, 1}).curve.held(0, 0) == 0);
  CHECK_THROWS_WITH(reference_backtest_positions(data, s, decisions({1}), nullptr, {.first = 6, .restarts = {}, .rules = {}}),
                    "account start: bar 6 is outside the data's 6 bars");
}

namespace {

// The genome with each exit and sizing value of `rules` as a gene.
Genome with_genes(Genome genome, const ExitRules& rules) {
  for (const ExitGeneSpec& spec : exit_gene_specs()) {
    genome.exit_genes |= 1u << static_cast<std::uint32_t>(spec.gene);
    genome.exits[static_cast<std::size_t>(spec.gene)] = rules.*spec.field;
  }
  return genome;
}

}  // namespace

TEST_CASE("a genome's exit genes act exactly as the same values in the settings, in both backtests", "[backtest][exits]") {
  std::mt19937_64 rng(20261203);
  const auto types = static_cast<std::uint32_t>(strategy_registry().size());
  for (const auto& [name, data] : real_sets()) {
    for (int draw = 0; draw < 256; draw += 7) {
      const ExecutionSettings settings = random_settings(rng, draw);
      // The run's own values differ from the genes: none of them may leak into the evaluation.
      ExecutionSettings base = settings;
      base.exits = ExitRules{};
      base.exits.sizing = settings.exits.sizing;
      base.exits.stop_loss = 0.5;
      base.exits.vol_window = 90;
      Backtester with_settings(data, settings);
      Backtester with_base(data, base);
      const Genome plain_genome = random_genome(static_cast<std::uint32_t>(draw) % types, rng);
      const Genome genome = with_genes(plain_genome, settings.exits);
      INFO(name << ", " << describe(with_settings.settings()) << ", " << strategy_of(genome).name);
      BacktestCurve expected_curve, curve;
      const Metrics expected = with_settings.evaluate(plain_genome, expected_curve);
      const Metrics evolved = with_base.evaluate(genome, curve);
      CHECK(std::memcmp(&expected, &evolved, sizeof(Metrics)) == 0);
      CHECK(curve.held == expected_curve.held);
      CHECK(disagreements(evolved, reference_backtest(data, with_base.settings(), genome)) == "");
    }
  }
}

TEST_CASE("a batch mixing genomes with and without exit genes equals single evaluations bit for bit", "[backtest][exits]") {
  std::mt19937_64 rng(11);
  const MarketData& data = real_sets()[0].second;
  const auto types = static_cast<std::uint32_t>(strategy_registry().size());
  for (const Execution execution : {Execution::close, Execution::next_open}) {
    ExecutionSettings settings;
    settings.execution = execution;
    settings.cost = 0.001;
    Backtester tester(data, settings);
    std::vector<Genome> genomes;
    for (int i = 0; i < 19; ++i) {
      Genome genome = random_genome(static_cast<std::uint32_t>(rng() % types), rng);
      if (i % 3 == 1) {  // stop-loss and max-bars evolved; a stop-loss gene of 0 is off
        genome.exit_genes = (1u << static_cast<std::uint32_t>(ExitGene::stop_loss)) |
                            (1u << static_cast<std::uint32_t>(ExitGene::max_bars));
        genome.exits[static_cast<std::size_t>(ExitGene::stop_loss)] = i % 2 ? 0.0 : 0.03;
        genome.exits[static_cast<std::size_t>(ExitGene::max_bars)] = static_cast<double>(i);
      }
      genomes.push_back(genome);
    }
    std::vector<Metrics> batch(genomes.size());
    tester.evaluate(genomes, batch);
    for (std::size_t i = 0; i < genomes.size(); ++i) {
      INFO(to_string(execution) << ", genome " << i << ", " << strategy_of(genomes[i]).name);
      const Metrics alone = tester.evaluate(genomes[i]);
      CHECK(std::memcmp(&batch[i], &alone, sizeof(Metrics)) == 0);
      CHECK(disagreements(alone, reference_backtest(data, tester.settings(), genomes[i])) == "");
    }
  }
}

TEST_CASE("evolved vol-target values size each genome by its own target, window and cap", "[backtest][exits]") {
  const MarketData& data = real_sets()[1].second;
  ExecutionSettings settings;
  settings.exits.sizing = Sizing::vol_target;
  Backtester tester(data, settings);
  Genome genome;  // sma_crossover with its defaults
  genome.params = {10, 40, 0, 0};
  std::vector<Metrics> seen;
  for (const double window : {5.0, 20.0, 63.0, 20.0, 5.0}) {
    ExecutionSettings own = settings;
    own.exits.vol_window = window;
    own.exits.target_vol = 0.2;
    own.exits.leverage_cap = 2;
    Genome evolved = with_genes(genome, own.exits);
    const Metrics m = tester.evaluate(evolved);
    INFO("vol-window " << window);
    const Metrics fixed = Backtester(data, own).evaluate(genome);
    CHECK(std::memcmp(&m, &fixed, sizeof(Metrics)) == 0);
    seen.push_back(m);
  }
  CHECK(seen[0].volatility != seen[1].volatility);  // the window matters
  CHECK(std::memcmp(&seen[1], &seen[3], sizeof(Metrics)) == 0);  // and a window seen before gives the same bits
}

TEST_CASE("exit genes out of their ranges or naming no gene are config errors", "[backtest][exits]") {
  const MarketData& data = real_sets()[0].second;
  Backtester tester(data, ExecutionSettings{});
  Genome genome;
  genome.params = {10, 40, 0, 0};
  genome.exit_genes = 1u << static_cast<std::uint32_t>(ExitGene::stop_loss);
  genome.exits[0] = 1.5;
  CHECK_THROWS_WITH(tester.evaluate(genome), Contains("stop-loss") && Contains("1.5"));
  genome.exits[0] = 0.1;
  genome.exit_genes |= 1u << 9;
  CHECK_THROWS_AS(tester.evaluate(genome), ConfigError);
}

TEST_CASE("a stitched account applies each part's own exits from its restart on", "[backtest][exits]") {
  // Long throughout. Part 1 (bars 0..2) has no stop; part 2 (from bar 3) a 2 % stop: its trade enters
  // afresh at close 3 (96), so the stop is 94.08, which bar 5's low (93) touches.
  const MarketData data = bars_of({{100, 100, 100, 100}, {100, 101, 99, 100}, {100, 100, 94, 96},
                                   {96, 97, 95, 96}, {96, 98, 95, 97}, {97, 99, 93, 98}, {98, 99, 97, 98}});
  ExecutionSettings s = plain();
  const std::vector<int> rule{1, 1, 1, 1, 1, 1, 1};
  ExitRules none, stop;
  stop.stop_loss = 0.02;
  const std::array<Eigen::Index, 2> restarts{0, 3};
  const std::array<ExitRules, 2> parts{none, stop};
  BacktestCurve stitched;
  reference_backtest_positions(data, s, decisions(rule), &stitched, {.first = 0, .restarts = restarts, .rules = parts});
  CHECK(held_of(stitched) == std::vector<double>{1, 1, 1, 1, 1, 0, 0});
  // The settings' stop alone would have stopped part 1 at bar 2 (low 94 <= 98).
  s.exits = stop;
  CHECK(held_of(run(data, s, rule).curve) == std::vector<double>{1, 1, 0, 0, 0, 0, 0});
  // Part 2's returns are those of an account opening at bar 3 with its rules, bit for bit.
  BacktestCurve opened;
  reference_backtest_positions(data, s, decisions({1, 1, 1, 1}), &opened, {.first = 3, .restarts = {}, .rules = {}});
  for (std::size_t t = 1; t < opened.returns.size(); ++t) CHECK(stitched.returns[t + 3] == opened.returns[t]);
  s.exits = none;
  const std::array<ExitRules, 1> one{stop};
  CHECK_THROWS_WITH(reference_backtest_positions(data, s, decisions(rule), nullptr,
                                                 {.first = 0, .restarts = restarts, .rules = one}),
                    Contains("1 exit rules for 2 restarts"));
}
