#include <catch2/catch.hpp>

#include <algorithm>
#include <memory>
#include <random>
#include <sstream>
#include <string>
#include <vector>

#include "genepool/io/market_data_csv.hpp"
#include "genepool/strategies/strategy.hpp"
#include "helpers.hpp"
#include "strategy_series.hpp"

using namespace genepool;

namespace {

// Where the optimised kernel and the reference first disagree, or "" when they agree everywhere.
std::string compare_kernels(const StrategyType& type, const test::OwnedSeries& series,
                            const std::vector<double>& params, bool allow_short, KernelScratch& scratch) {
  std::vector<std::int8_t> fast(series.bars(), 9);
  std::vector<std::int8_t> reference(series.bars(), 7);
  run_whole_series(type, series.view(), params.data(), allow_short, fast.data(), scratch);
  type.reference_kernel(series.view(), params.data(), allow_short, reference.data());
  for (std::size_t t = 0; t < series.bars(); ++t) {
    const bool valid = fast[t] == 0 || fast[t] == 1 || (allow_short && fast[t] == -1);
    if (fast[t] != reference[t] || !valid) {
      std::ostringstream out;
      out << type.name << (allow_short ? " long/short" : " long/flat") << " params";
      for (std::size_t i = 0; i < type.params.size(); ++i) out << ' ' << type.params[i].name << '=' << params[i];
      out << ": bar " << t << " close " << series.close[t] << " kernel " << int{fast[t]} << " reference "
          << int{reference[t]};
      return out.str();
    }
  }
  return "";
}

// Compares both kernels over the defaults and `genomes` random parameter sets of every type.
void check_agreement(const test::OwnedSeries& series, int genomes, std::uint64_t seed) {
  std::mt19937_64 rng(seed);
  KernelScratch scratch;
  scratch.reserve(series.bars());
  for (const StrategyType& type : strategy_registry()) {
    std::vector<double> defaults(kMaxParams, 0.0);
    for (std::size_t i = 0; i < type.params.size(); ++i) defaults[i] = type.params[i].default_value;
    for (int g = 0; g <= genomes; ++g) {
      const std::vector<double> params = g == 0 ? defaults : test::random_params(type, rng);
      for (const bool allow_short : {false, true}) {
        CHECK(compare_kernels(type, series, params, allow_short, scratch) == "");
      }
    }
  }
}

}  // namespace

TEST_CASE("optimised kernels give the reference positions on random walks", "[strategy][reference]") {
  SECTION("continuous prices") { check_agreement(test::random_walk(5000, 1), 15, 11); }
  SECTION("prices on a one-cent grid") { check_agreement(test::random_walk(5000, 2, 0.01), 15, 12); }
}

TEST_CASE("optimised kernels give the reference positions on flat stretches", "[strategy][reference]") {
  check_agreement(test::with_flat_stretches(6000, 3), 20, 13);
}

TEST_CASE("optimised kernels give the reference positions on a series growing to 1e67", "[strategy][reference]") {
  const test::OwnedSeries series = test::explosive(4);
  REQUIRE(series.close.back() > 1e60);
  check_agreement(series, 8, 14);
}

TEST_CASE("optimised kernels give the reference positions when the variance collapses", "[strategy][reference]") {
  check_agreement(test::wild_then_still(8, 6), 20, 16);
}

TEST_CASE("optimised kernels give the reference positions through hundredfold rises and falls",
          "[strategy][reference]") {
  check_agreement(test::boom_and_bust(5), 10, 15);
}

TEST_CASE("optimised kernels give the reference positions on series barely longer than the warm-up",
          "[strategy][reference]") {
  const test::OwnedSeries full = test::random_walk(700, 7);
  std::mt19937_64 rng(17);
  for (const StrategyType& type : strategy_registry()) {
    for (int trial = 0; trial < 30; ++trial) {
      const std::vector<double> params = test::random_params(type, rng);
      // Around the longest window: bars just past it, and past two of them.
      const std::size_t longest = static_cast<std::size_t>(*std::max_element(params.begin(), params.end()));
      const std::size_t bars = std::min<std::size_t>(
          full.bars(), std::uniform_int_distribution<std::size_t>(longest / 2, 2 * longest + 10)(rng));
      test::OwnedSeries series = full;
      for (auto* field : {&series.open, &series.high, &series.low, &series.close}) field->resize(bars);
      KernelScratch scratch;
      scratch.reserve(bars);
      for (const bool allow_short : {false, true}) {
        CHECK(compare_kernels(type, series, params, allow_short, scratch) == "");
      }
    }
  }
}

TEST_CASE("optimised kernels give the reference positions on real market data", "[strategy][reference][data]") {
  const char* file = GENERATE("GOOG.csv", "EURUSD.csv", "BTCUSD.csv", "orcl-1995-2014.txt", "nvda-1999-2014.txt",
                              "yhoo-1996-2014.txt", "2006-day-001.txt");
  INFO(file);
  const MarketData data = read_csv(test::shared_data(file));
  test::OwnedSeries series;
  series.open.assign(data.open.data(), data.open.data() + data.bars());
  series.high.assign(data.high.data(), data.high.data() + data.bars());
  series.low.assign(data.low.data(), data.low.data() + data.bars());
  series.close.assign(data.close.data(), data.close.data() + data.bars());
  check_agreement(series, 15, 21);
}

TEST_CASE("resumable kernels give the whole-series positions however the bars are split", "[strategy][reference]") {
  const test::OwnedSeries owned = test::random_walk(3000, 9, 0.01);
  std::vector<double> sums(2 * (owned.bars() + 1));
  make_close_sums(owned.close.data(), owned.bars(), sums.data(), sums.data() + owned.bars() + 1);
  SymbolSeries series = owned.view();
  series.close_sum_hi = sums.data();
  series.close_sum_lo = sums.data() + owned.bars() + 1;
  std::mt19937_64 rng(31);
  KernelScratch scratch;
  scratch.reserve(owned.bars());
  for (const StrategyType& type : strategy_registry()) {
    REQUIRE(type.chunk_kernel != nullptr);
    std::vector<double> buffer(type.buffer_size);  // a file strategy's state may need more than kKernelBufferSize
    for (int trial = 0; trial < 10; ++trial) {
      const std::vector<double> params = test::random_params(type, rng);
      for (const bool allow_short : {false, true}) {
        std::vector<std::int8_t> whole(owned.bars(), 9);
        run_whole_series(type, owned.view(), params.data(), allow_short, whole.data(), scratch);
        std::vector<std::int8_t> pieces(owned.bars(), 7);
        KernelState state;
        state.buffer = buffer.data();
        for (std::size_t begin = 0; begin < owned.bars();) {
          // ranges from 1 bar to a few hundred, so that some end inside the warm-up
          const std::size_t end = std::min(owned.bars(), begin + 1 + rng() % (trial % 2 ? 7 : 400));
          type.chunk_kernel(series, params.data(), allow_short, state, begin, end, pieces.data() + begin);
          begin = end;
        }
        INFO(type.name << (allow_short ? " long/short" : " long/flat"));
        CHECK(pieces == whole);
      }
    }
  }
}

TEST_CASE("batch kernels give each genome's own positions, whatever the group and the ranges", "[strategy][reference]") {
  // Two symbols, as a pass over a panel runs them: each range of bars for every symbol in turn.
  const test::OwnedSeries owned[2] = {test::random_walk(3000, 41, 0.01), test::random_walk(3000, 42)};
  const std::size_t bars = owned[0].bars();
  std::vector<double> sums[2];
  SymbolSeries series[2];
  for (std::size_t k = 0; k < 2; ++k) {
    sums[k].resize(2 * (bars + 1));
    make_close_sums(owned[k].close.data(), bars, sums[k].data(), sums[k].data() + bars + 1);
    series[k] = owned[k].view();
    series[k].close_sum_hi = sums[k].data();
    series[k].close_sum_lo = sums[k].data() + bars + 1;
  }
  constexpr std::size_t kChunk = 500;
  std::mt19937_64 rng(43);
  KernelScratch scratch;
  scratch.reserve(bars);
  int batched = 0;
  for (const StrategyType& type : strategy_registry()) {
    if (!type.batch_kernel) continue;
    ++batched;
    const std::unique_ptr<BatchKernel> batch = type.batch_kernel(8, 2, kChunk);
    for (const std::size_t genomes : {std::size_t{1}, std::size_t{3}, std::size_t{4}, std::size_t{5}, std::size_t{8}}) {
      for (const bool allow_short : {false, true}) {
        std::vector<std::vector<double>> params;
        for (std::size_t g = 0; g < genomes; ++g) params.push_back(test::random_params(type, rng));
        std::vector<const double*> param_ptrs;
        for (const auto& p : params) param_ptrs.push_back(p.data());
        batch->start(param_ptrs, allow_short);
        std::vector<std::vector<std::int8_t>> got(2 * genomes, std::vector<std::int8_t>(bars, 9));
        for (std::size_t begin = 0; begin < bars;) {
          const std::size_t end = std::min(bars, begin + 1 + rng() % kChunk);
          for (std::size_t k = 0; k < 2; ++k) {
            std::vector<std::int8_t*> out;
            for (std::size_t g = 0; g < genomes; ++g) out.push_back(got[2 * g + k].data() + begin);
            batch->run(k, series[k], begin, end, out.data());
          }
          begin = end;
        }
        for (std::size_t g = 0; g < genomes; ++g) {
          for (std::size_t k = 0; k < 2; ++k) {
            std::vector<std::int8_t> whole(bars, 7);
            run_whole_series(type, owned[k].view(), params[g].data(), allow_short, whole.data(), scratch);
            INFO(type.name << (allow_short ? " long/short" : " long/flat") << ", genome " << g << " of " << genomes
                           << ", symbol " << k);
            CHECK(got[2 * g + k] == whole);
          }
        }
      }
    }
  }
  CHECK(batched >= 5);  // ema_crossover, macd, rsi_reversion, bollinger_reversion and donchian_breakout have one
}
