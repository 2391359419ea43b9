// The seven built-in types written as strategy files (strategies/builtins.toml) give exactly the
// built-in reference kernels' positions.
#include <catch2/catch.hpp>

#include <filesystem>
#include <random>
#include <string>
#include <vector>

#include "genepool/io/market_data_csv.hpp"
#include "genepool/language/interpreter.hpp"
#include "genepool/language/strategy_file.hpp"
#include "helpers.hpp"
#include "strategies/strategy_series.hpp"

using namespace genepool;
using namespace genepool::language;

namespace {

const FileStrategy& file_strategy(const std::vector<FileStrategy>& strategies, const std::string& name) {
  for (const FileStrategy& s : strategies) {
    if (s.name == name) return s;
  }
  FAIL("no strategy " << name);
  throw;
}

struct Named {
  std::string name;
  MarketData data;
};

std::vector<Named> datasets() {
  std::vector<Named> sets;
  sets.push_back({"sample", read_csv(std::filesystem::path(GENEPOOL_SOURCE_DIR) / "data/sample.csv", "SAMPLE")});
  for (const char* file : {"GOOG.csv", "EURUSD.csv", "BTCUSD.csv", "orcl-1995-2014.txt"}) {
    sets.push_back({file, read_csv(test::shared_data(file), "X")});
  }
  return sets;
}

SymbolSeries series_of(const MarketData& data) {
  SymbolSeries s{data.open.col(0).data(), data.high.col(0).data(), data.low.col(0).data(), data.close.col(0).data(),
                 static_cast<std::size_t>(data.bars())};
  s.volume = data.volume.col(0).data();
  return s;
}

}  // namespace

TEST_CASE("each built-in written as a strategy file gives the built-in's positions exactly", "[language][builtins]") {
  const std::vector<FileStrategy> files =
      read_strategy_file((std::filesystem::path(GENEPOOL_SOURCE_DIR) / "strategies/builtins.toml").string());
  REQUIRE(files.size() == strategy_registry().size());
  std::vector<Named> sets = datasets();
  {
    const test::OwnedSeries flat = test::with_flat_stretches(4000, 5);  // exact ties between indicators
    MarketData data;
    data.symbols = {"FLAT"};
    for (std::size_t t = 0; t < flat.bars(); ++t) data.timestamps.push_back(static_cast<std::int64_t>(t) * 86400);
    const auto n = static_cast<Eigen::Index>(flat.bars());
    data.open = Eigen::Map<const PriceMatrix>(flat.open.data(), n, 1);
    data.high = Eigen::Map<const PriceMatrix>(flat.high.data(), n, 1);
    data.low = Eigen::Map<const PriceMatrix>(flat.low.data(), n, 1);
    data.close = Eigen::Map<const PriceMatrix>(flat.close.data(), n, 1);
    data.volume = PriceMatrix::Constant(n, 1, 100.0);
    sets.push_back({"flat stretches", std::move(data)});
  }
  std::mt19937_64 rng(15);
  std::size_t trades = 0;  // proof that the positions are not all flat
  for (const StrategyType& type : strategy_registry()) {
    const FileStrategy& file = file_strategy(files, "file_" + type.name);
    REQUIRE(file.params.size() == type.params.size());
    for (std::size_t i = 0; i < type.params.size(); ++i) {
      CHECK(file.params[i].name == type.params[i].name);
      CHECK(file.params[i].lower == type.params[i].lower);
      CHECK(file.params[i].upper == type.params[i].upper);
      CHECK(file.params[i].default_value == type.params[i].default_value);
    }
    CHECK(file.less_than == type.less_than);
    for (const Named& set : sets) {
      const SymbolSeries series = series_of(set.data);
      for (int genome = 0; genome < 25; ++genome) {
        const std::vector<double> params = test::random_params(type, rng);
        for (const bool allow_short : {false, true}) {
          std::vector<std::int8_t> expected(series.bars, 9);
          std::vector<std::int8_t> actual(series.bars, 9);
          type.reference_kernel(series, params.data(), allow_short, expected.data());
          interpret(file, series, params.data(), allow_short, actual.data());
          std::size_t first_difference = series.bars;
          for (std::size_t t = 0; t < series.bars; ++t) {
            trades += expected[t] != 0;
            if (actual[t] != expected[t]) {
              first_difference = t;
              break;
            }
          }
          INFO(type.name << " on " << set.name << (allow_short ? " long/short" : " long/flat") << " params "
                         << params[0] << ", " << params[1] << ", " << params[2]);
          CHECK(first_difference == series.bars);
        }
      }
    }
  }
  CHECK(trades > 100000);
}
