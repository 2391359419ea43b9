// The optimised Backtester against the reference backtest on real data and random genomes,
// its curves, its errors, and proof that an evaluation never allocates.
#include <catch2/catch.hpp>

#include <cmath>
#include <cstring>
#include <limits>
#include <new>
#include <random>
#include <sstream>
#include <string>
#include <vector>

#include "allocation_counter.hpp"
#include "genepool/backtest/backtest.hpp"
#include "genepool/backtest/backtest_reference.hpp"
#include "genepool/error.hpp"
#include "genepool/io/market_data_csv.hpp"
#include "genepool/io/market_data_io.hpp"
#include "genepool/data/bar_window.hpp"
#include "genepool/data/synthetic.hpp"
#include "agreement.hpp"
#include "helpers.hpp"

using namespace genepool;
using test::agree;
using test::disagreements;
using test::random_genome;
using test::settings_for;
using Catch::Matchers::Contains;

namespace {

struct NamedData {
  std::string name;
  MarketData data;
};

// The real data sets of the agreement tests, read once.
const std::vector<NamedData>& real_data() {
  static const std::vector<NamedData> sets = [] {
    std::vector<NamedData> v;
    v.push_back({"GOOG", read_csv(test::shared_data("GOOG.csv"), "GOOG")});
    v.push_back({"EURUSD", read_csv(test::shared_data("EURUSD.csv"), "EURUSD")});
    v.push_back({"ORCL", read_csv(test::shared_data("orcl-1995-2014.txt"), "ORCL")});
    v.push_back({"NVDA+YHOO inner", load_market_data({test::shared_data("nvda-1999-2014.txt"),
                                                      test::shared_data("yhoo-1996-2014.txt")},
                                                     nullptr, {Alignment::inner, kDefaultMaxGap})});
    // A union panel: NVDA starts late, GOOG later and ends early.
    v.push_back({"NVDA+YHOO+GOOG union", load_market_data({test::shared_data("nvda-1999-2014.txt"),
                                                           test::shared_data("yhoo-1996-2014.txt"),
                                                           test::shared_data("GOOG.csv")})});
    v.push_back({"BTCUSD", read_csv(test::shared_data("BTCUSD.csv"), "BTCUSD")});
    return v;
  }();
  return sets;
}

std::string describe(const Genome& genome) {
  std::ostringstream out;
  out << strategy_registry()[genome.strategy].name << "(";
  for (std::size_t i = 0; i < strategy_registry()[genome.strategy].params.size(); ++i) {
    out << (i ? ", " : "") << genome.params[i];
  }
  out << ")";
  return out.str();
}

}  // namespace

TEST_CASE("Backtester agrees with the reference backtest on random genomes of every type on real data",
          "[backtest]") {
  constexpr int kGenomesPerType = 50;
  std::mt19937_64 rng(20240611);
  for (const NamedData& set : real_data()) {
    // One Backtester per combination of execution, shorting and cost, reused across genomes.
    std::vector<Backtester> testers;
    testers.reserve(8);
    for (int c = 0; c < 8; ++c) testers.emplace_back(set.data, settings_for(c));
    int trading = 0;
    for (std::uint32_t type = 0; type < strategy_registry().size(); ++type) {
      for (int j = 0; j < kGenomesPerType; ++j) {
        const Genome genome = random_genome(type, rng);
        Backtester& tester = testers[static_cast<std::size_t>(j % 8)];
        INFO(set.name << ", " << describe(tester.settings()) << ", " << describe(genome));
        BacktestCurve reference_curve;
        const Metrics reference = reference_backtest(set.data, tester.settings(), genome, &reference_curve);
        CHECK(disagreements(tester.evaluate(genome), reference) == "");
        CHECK(disagreements(tester.evaluate(genome), reference) == "");  // twice: buffers are reused cleanly
        BacktestCurve curve;
        CHECK(disagreements(tester.evaluate(genome, curve), reference) == "");
        CHECK(curve.positions == reference_curve.positions);
        trading += reference.trades > 0 ? 1 : 0;
      }
    }
    // most random genomes trade, so the comparison covers trades, costs and drawdowns
    CHECK(trading > kGenomesPerType * static_cast<int>(strategy_registry().size()) / 3);
  }
}

TEST_CASE("Backtester agrees with the reference backtest on long and many-symbol synthetic series", "[backtest]") {
  SyntheticSpec long_series;  // long enough for many summation blocks
  long_series.model = SyntheticModel::gbm;
  long_series.bars = 200000;
  long_series.seed = 3;
  long_series.bar_seconds = 3600;
  SyntheticSpec panel;  // regime switches, correlated symbols
  panel.symbols = 5;
  panel.bars = 3000;
  panel.seed = 4;
  std::mt19937_64 rng(99);
  for (const SyntheticSpec& spec : {long_series, panel}) {
    const MarketData data = generate_synthetic(spec);
    for (const int c : {0, 3, 5, 6}) {
      Backtester tester(data, settings_for(c));
      for (std::uint32_t type = 0; type < strategy_registry().size(); ++type) {
        const Genome genome = random_genome(type, rng);
        INFO(spec.bars << " bars × " << spec.symbols << ", " << describe(tester.settings()) << ", " << describe(genome));
        const Metrics reference = reference_backtest(data, tester.settings(), genome);
        CHECK(disagreements(tester.evaluate(genome), reference) == "");
      }
    }
  }
}

TEST_CASE("Backtester curve holds the positions, the returns and the equity of every bar", "[backtest]") {
  const MarketData& data = real_data()[0].data;
  for (const int c : {0, 3, 7}) {
    Backtester tester(data, settings_for(c));
    const Genome genome = make_genome("sma_crossover", {{"fast", 5}, {"slow", 20}});
    BacktestCurve curve;
    const Metrics m = tester.evaluate(genome, curve);
    REQUIRE(curve.positions.rows() == data.bars());
    REQUIRE(curve.positions.cols() == 1);
    REQUIRE(curve.returns.size() == static_cast<std::size_t>(data.bars()));
    REQUIRE(curve.equity.size() == static_cast<std::size_t>(data.bars()));
    CHECK(curve.returns[0] == 0);
    CHECK(curve.equity[0] == 1);
    CHECK(curve.equity.back() == Approx(1 + m.total_return).epsilon(1e-15));
    double equity = 1;
    for (std::size_t t = 1; t < curve.returns.size(); ++t) equity *= 1 + curve.returns[t];
    CHECK(curve.equity.back() == equity);
    // the curve path and the plain path give the same metrics
    CHECK(disagreements(tester.evaluate(genome), m) == "");
  }
}

TEST_CASE("Backtester curve: every bar's return and equity as the reference's, the equity their running product",
          "[backtest]") {
  const MarketData& data = real_data()[0].data;
  for (int c = 0; c < 8; ++c) {
    Backtester tester(data, settings_for(c));
    // Slow averages: long flat stretches, which the walk takes at once.
    for (const auto& [fast, slow] : {std::pair{5, 20}, std::pair{40, 200}, std::pair{60, 390}}) {
      const Genome genome = make_genome("sma_crossover", {{"fast", fast}, {"slow", slow}});
      INFO(describe(tester.settings()) << ", " << describe(genome));
      BacktestCurve curve, reference;
      tester.evaluate(genome, curve);
      reference_backtest(data, tester.settings(), genome, &reference);
      REQUIRE(curve.returns.size() == reference.returns.size());
      REQUIRE(curve.equity.size() == reference.equity.size());
      CHECK(curve.positions == reference.positions);
      std::size_t returns_off = 0, equity_off = 0, product_off = 0;
      double equity = 1;
      for (std::size_t t = 0; t < curve.returns.size(); ++t) {
        if (t > 0) equity *= 1 + curve.returns[t];
        returns_off += !agree(curve.returns[t], reference.returns[t]);
        equity_off += !agree(curve.equity[t], reference.equity[t]);
        product_off += test::bits_of(curve.equity[t]) != test::bits_of(equity);
      }
      CHECK(returns_off == 0);
      CHECK(equity_off == 0);
      CHECK(product_off == 0);
    }
  }
}

TEST_CASE("Backtester resolves bars per year from the timestamps when given 0", "[backtest]") {
  const MarketData& data = real_data()[0].data;
  ExecutionSettings settings;
  settings.bars_per_year = 0;
  CHECK(Backtester(data, settings).settings().bars_per_year == infer_bars_per_year(data));
  CHECK(Backtester(data, settings).settings().bars_per_year == Approx(252).epsilon(0.01));
  settings.bars_per_year = 12;
  CHECK(Backtester(data, settings).settings().bars_per_year == 12);
}

TEST_CASE("Backtester rejects invalid genomes and settings with config errors", "[backtest]") {
  const MarketData& data = real_data()[0].data;
  Backtester tester(data, ExecutionSettings{});
  Genome unknown;
  unknown.strategy = 999;
  CHECK_THROWS_AS(tester.evaluate(unknown), ConfigError);
  CHECK_THROWS_WITH(tester.evaluate(unknown), Contains("999"));

  Genome bad = make_genome("sma_crossover");
  bad.params[1] = 1e6;  // slow far outside its bounds
  CHECK_THROWS_AS(tester.evaluate(bad), ConfigError);
  CHECK_THROWS_WITH(tester.evaluate(bad), Contains("slow"));
  BacktestCurve curve;
  CHECK_THROWS_AS(tester.evaluate(bad, curve), ConfigError);
  CHECK_THROWS_AS(reference_backtest(data, tester.settings(), bad), ConfigError);

  ExecutionSettings negative;
  negative.cost = -0.01;
  CHECK_THROWS_WITH(Backtester(data, negative), Contains("cost: -0.01 is outside [0, 1)"));
  ExecutionSettings infinite;
  infinite.bars_per_year = std::numeric_limits<double>::infinity();
  CHECK_THROWS_AS(Backtester(data, infinite), ConfigError);
}

TEST_CASE("Backtester::evaluate allocates nothing after construction, for every type", "[backtest]") {
  const auto& registry = strategy_registry();
  std::mt19937_64 rng(7);
  for (const NamedData* set : {&real_data()[0], &real_data()[3]}) {
    for (const int c : {0, 1, 2, 7}) {
      Backtester tester(set->data, settings_for(c));
      for (std::uint32_t type = 0; type < registry.size(); ++type) {
        const Genome genome = random_genome(type, rng);
        INFO(set->name << ", " << describe(tester.settings()) << ", " << describe(genome));
        const std::size_t before = test::allocation_count();
        const Metrics m = tester.evaluate(genome);
        const std::size_t after = test::allocation_count();
        CHECK(after == before);
        CHECK(m.bars == static_cast<double>(set->data.bars() - 1));
      }
    }
  }
}

TEST_CASE("the allocation counter sees allocations", "[backtest]") {
  const std::size_t before = test::allocation_count();
  void* volatile p = ::operator new(64);  // volatile: the pair cannot be optimised away
  ::operator delete(p);
  CHECK(test::allocation_count() == before + 1);
}

TEST_CASE("Backtester evaluates a batch bit for bit as it evaluates each genome alone", "[backtest][batch]") {
  // Close execution takes the batched passes; next_open evaluates one genome at a time.
  std::mt19937_64 rng(123);
  SyntheticSpec panel;
  panel.symbols = 3;
  panel.bars = 5000;  // several chunks
  panel.seed = 8;
  const MarketData synthetic = generate_synthetic(panel);
  for (const MarketData* data : {&real_data()[0].data, &real_data()[3].data, &synthetic}) {
    for (const int c : {0, 1, 2, 4, 6}) {
      Backtester tester(*data, settings_for(c));
      std::vector<Genome> genomes;
      for (int i = 0; i < 19; ++i) {  // not a multiple of the lanes: a partly filled group
        genomes.push_back(random_genome(static_cast<std::uint32_t>(rng() % strategy_registry().size()), rng));
      }
      std::vector<Metrics> batch(genomes.size());
      tester.evaluate(genomes, batch);
      // the same genomes in another order, so that each has other neighbours
      std::vector<Genome> reversed(genomes.rbegin(), genomes.rend());
      std::vector<Metrics> reversed_batch(genomes.size());
      tester.evaluate(reversed, reversed_batch);
      for (std::size_t i = 0; i < genomes.size(); ++i) {
        INFO(describe(tester.settings()) << ", " << describe(genomes[i]));
        const Metrics alone = tester.evaluate(genomes[i]);
        CHECK(std::memcmp(&batch[i], &alone, sizeof(Metrics)) == 0);
        CHECK(std::memcmp(&reversed_batch[genomes.size() - 1 - i], &alone, sizeof(Metrics)) == 0);
      }
    }
  }
}

TEST_CASE("Backtester given the data's tables gives the bits of one that makes its own", "[backtest][tables]") {
  std::mt19937_64 rng(77);
  SyntheticSpec panel;
  panel.symbols = 3;
  panel.bars = 3000;
  panel.seed = 4;
  const MarketData data = generate_synthetic(panel);
  const MarketView window = window_of(data, {700, 2900});  // a window too: read in place
  const MarketData copy = slice(data, {700, 2900});
  for (const int c : {0, 1, 3, 5}) {
    const ExecutionSettings settings = settings_for(c);
    for (const MarketView* view : {static_cast<const MarketView*>(nullptr), &window}) {
      const MarketView on = view != nullptr ? *view : MarketView(data);
      const auto bars = static_cast<std::size_t>(on.bars());
      const auto symbols = static_cast<std::size_t>(on.symbol_count());
      std::vector<double> storage(BacktestTables::doubles(bars, symbols, settings.execution));
      const BacktestTables tables = BacktestTables::fill(on, settings.execution, storage.data());
      CHECK((tables.gap != nullptr) == (settings.execution == Execution::next_open));
      const BacktestTables again = BacktestTables::at(storage.data(), bars, symbols, settings.execution);
      CHECK((again.close_sums == tables.close_sums && again.hold == tables.hold && again.gap == tables.gap));
      Backtester given(on, settings, tables);
      Backtester own(view != nullptr ? MarketView(copy) : on, settings);
      CHECK(given.settings().bars_per_year == own.settings().bars_per_year);
      for (int i = 0; i < 12; ++i) {
        const Genome genome = random_genome(static_cast<std::uint32_t>(rng() % strategy_registry().size()), rng);
        INFO(describe(settings) << ", " << describe(genome) << (view != nullptr ? ", window" : ""));
        const Metrics a = given.evaluate(genome);
        const Metrics b = own.evaluate(genome);
        CHECK(std::memcmp(&a, &b, sizeof(Metrics)) == 0);
      }
      // Tables made for the other execution are refused.
      const Execution other = settings.execution == Execution::close ? Execution::next_open : Execution::close;
      std::vector<double> wrong(BacktestTables::doubles(bars, symbols, other));
      ExecutionSettings mismatched = settings;
      CHECK_THROWS_AS(Backtester(on, mismatched, BacktestTables::fill(on, other, wrong.data())), std::logic_error);
    }
  }
}

TEST_CASE("Backtester::resolved checks and resolves the settings as the constructor does", "[backtest]") {
  const MarketData data = real_data()[0].data;
  ExecutionSettings settings;
  settings.bars_per_year = 0;
  CHECK(Backtester::resolved(data, settings).bars_per_year == Backtester(data, settings).settings().bars_per_year);
  settings.cost = 1.5;
  CHECK_THROWS_WITH(Backtester::resolved(data, settings), Contains("cost: 1.5 is outside [0, 1)"));
  CHECK_THROWS_AS(Backtester::resolved(window_of(data, {0, 1}), {}), DataError);
}

TEST_CASE("Backtester's batch returns are each genome's curve returns, bit for bit", "[backtest][batch]") {
  std::mt19937_64 rng(321);
  SyntheticSpec panel;
  panel.symbols = 2;
  panel.bars = 3000;  // several chunks
  panel.seed = 9;
  const MarketData synthetic = generate_synthetic(panel);
  for (const MarketData* data : {&real_data()[0].data, &synthetic}) {
    for (const int c : {0, 2, 6}) {
      Backtester tester(*data, settings_for(c));
      std::vector<Genome> genomes;
      for (int i = 0; i < 11; ++i)  // a full pass of the lanes and a partly filled one
        genomes.push_back(random_genome(static_cast<std::uint32_t>(rng() % strategy_registry().size()), rng));
      const auto bars = static_cast<std::size_t>(data->bars());
      std::vector<std::vector<double>> returns(genomes.size(), std::vector<double>(bars, -1.0));
      std::vector<double*> out;
      for (auto& r : returns) out.push_back(r.data());
      std::vector<Metrics> metrics(genomes.size());
      tester.evaluate(genomes, metrics, out);
      for (std::size_t i = 0; i < genomes.size(); ++i) {
        INFO(describe(tester.settings()) << ", " << describe(genomes[i]));
        BacktestCurve curve;
        const Metrics alone = tester.evaluate(genomes[i], curve);
        CHECK(std::memcmp(&metrics[i], &alone, sizeof(Metrics)) == 0);
        REQUIRE(returns[i].size() == curve.returns.size());
        CHECK(std::memcmp(returns[i].data(), curve.returns.data(), bars * sizeof(double)) == 0);
      }
    }
  }
}

TEST_CASE("Backtester rejects a batch with an invalid genome before evaluating any", "[backtest][batch]") {
  const MarketData& data = real_data()[0].data;
  Backtester tester(data, ExecutionSettings{});
  std::vector<Genome> genomes{make_genome("sma_crossover"), make_genome("macd")};
  genomes[1].params[0] = 1e9;
  std::vector<Metrics> metrics(genomes.size());
  CHECK_THROWS_AS(tester.evaluate(genomes, metrics), ConfigError);
  std::vector<Metrics> too_few(1);
  CHECK_THROWS_AS(tester.evaluate(std::vector<Genome>{make_genome("sma_crossover"), make_genome("macd")}, too_few),
                  Error);
}
