#include <catch2/catch.hpp>

#include <random>
#include <vector>

#include "genepool/strategies/strategy.hpp"
#include "strategy_series.hpp"

using namespace genepool;

namespace {

std::vector<std::int8_t> run(const StrategyType& type, bool optimised, const test::OwnedSeries& series,
                             const std::vector<double>& params, bool allow_short) {
  std::vector<std::int8_t> positions(series.bars(), 9);
  if (optimised) {
    KernelScratch scratch;
    scratch.reserve(series.bars());
    run_whole_series(type, series.view(), params.data(), allow_short, positions.data(), scratch);
  } else {
    type.reference_kernel(series.view(), params.data(), allow_short, positions.data());
  }
  return positions;
}

// `base` up to and including bar `cut`, then a different, wilder future.
test::OwnedSeries rewrite_future(const test::OwnedSeries& base, std::size_t cut, std::uint64_t seed) {
  test::OwnedSeries series;
  series.open.assign(base.open.begin(), base.open.begin() + static_cast<std::ptrdiff_t>(cut + 1));
  series.high.assign(base.high.begin(), base.high.begin() + static_cast<std::ptrdiff_t>(cut + 1));
  series.low.assign(base.low.begin(), base.low.begin() + static_cast<std::ptrdiff_t>(cut + 1));
  series.close.assign(base.close.begin(), base.close.begin() + static_cast<std::ptrdiff_t>(cut + 1));
  const double drift = seed % 2 == 0 ? 0.01 : -0.01;
  test::extend_random_walk(series, base.bars(), seed, 0.0, drift, 0.05, 0.0);
  return series;
}

}  // namespace

TEST_CASE("no strategy looks ahead: positions up to bar t ignore every later bar", "[strategy][lookahead]") {
  const test::OwnedSeries base = test::random_walk(1000, 17);
  const std::vector<std::size_t> cuts = {0, 30, 120, 250, 401, 402, 550, 700, 850, 998};
  std::mt19937_64 rng(2024);
  std::size_t future_changes = 0;  // proof that the rewritten futures do move later positions
  for (const StrategyType& type : strategy_registry()) {
    for (int trial = 0; trial < 8; ++trial) {
      const std::vector<double> params = test::random_params(type, rng);
      for (const bool optimised : {true, false}) {
        for (const bool allow_short : {false, true}) {
          const std::vector<std::int8_t> expected = run(type, optimised, base, params, allow_short);
          for (const std::size_t cut : cuts) {
            const test::OwnedSeries changed = rewrite_future(base, cut, rng());
            const std::vector<std::int8_t> actual = run(type, optimised, changed, params, allow_short);
            INFO(type.name << (optimised ? " kernel" : " reference") << (allow_short ? " long/short" : " long/flat")
                           << " params " << params[0] << ", " << params[1] << ", " << params[2] << " cut " << cut);
            std::size_t first_difference = cut + 1;
            for (std::size_t t = 0; t <= cut; ++t) {
              if (actual[t] != expected[t]) {
                first_difference = t;
                break;
              }
            }
            CHECK(first_difference == cut + 1);
            for (std::size_t t = cut + 1; t < base.bars(); ++t) future_changes += actual[t] != expected[t];
          }
        }
      }
    }
  }
  CHECK(future_changes > 1000);
}
