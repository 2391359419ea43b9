#include <catch2/catch.hpp>

#include <limits>

#include "genepool/error.hpp"
#include "genepool/data/market_data.hpp"

using Catch::Matchers::Contains;
using genepool::MarketData;

namespace {

// A valid daily panel: `bars` days from 2004-08-19, symbols A, B, ..., every price near 100.
MarketData panel(Eigen::Index bars, Eigen::Index symbols) {
  MarketData d;
  for (Eigen::Index s = 0; s < symbols; ++s) d.symbols.push_back(std::string(1, static_cast<char>('A' + s)));
  for (Eigen::Index t = 0; t < bars; ++t) d.timestamps.push_back(1092873600 + 86400 * t);
  d.open = genepool::PriceMatrix::Constant(bars, symbols, 100.0);
  d.close = genepool::PriceMatrix::Constant(bars, symbols, 101.0);
  d.high = genepool::PriceMatrix::Constant(bars, symbols, 102.0);
  d.low = genepool::PriceMatrix::Constant(bars, symbols, 99.0);
  d.volume = genepool::PriceMatrix::Constant(bars, symbols, 1000.0);
  return d;
}

}  // namespace

TEST_CASE("market data counts the bytes of its timestamps and five fields", "[market_data]") {
  const MarketData d = panel(3, 2);
  CHECK(d.bars() == 3);
  CHECK(d.symbol_count() == 2);
  CHECK(d.bytes() == 3 * 8 + 5 * 3 * 2 * 8);
  CHECK(MarketData{}.bytes() == 0);
}

TEST_CASE("validate accepts a consistent panel, including zero volume and equal OHLC", "[market_data]") {
  MarketData d = panel(4, 3);
  d.volume(1, 2) = 0;
  d.open(2, 1) = d.high(2, 1) = d.low(2, 1) = d.close(2, 1) = 5;
  CHECK_NOTHROW(validate(d, "test"));
}

TEST_CASE("validate names the source, bar, timestamp, symbol, field and rule of a broken cell", "[market_data]") {
  MarketData d = panel(5, 2);
  SECTION("high below low") {
    d.high(3, 1) = 98.5;
    CHECK_THROWS_AS(validate(d, "prices.h5"), genepool::DataError);
    CHECK_THROWS_WITH(validate(d, "prices.h5"),
                      "prices.h5: bar 3 (2004-08-22), symbol B, field 'high': 98.5 is below low 99; "
                      "expected high >= low");
  }
  SECTION("high below the close") {
    d.close(2, 0) = 102.5;
    CHECK_THROWS_WITH(validate(d, "src"), Contains("bar 2 (2004-08-21), symbol A, field 'high': 102 is below "
                                                   "max(open, close) 102.5; expected high >= max(open, close)"));
  }
  SECTION("low above the open") {
    d.open(0, 0) = 98;
    CHECK_THROWS_WITH(validate(d, "src"), Contains("bar 0 (2004-08-19), symbol A, field 'low': 99 is above "
                                                   "min(open, close) 98; expected low <= min(open, close)"));
  }
  SECTION("a NaN close") {
    d.close(4, 1) = std::numeric_limits<double>::quiet_NaN();
    CHECK_THROWS_WITH(validate(d, "src"),
                      Contains("bar 4 (2004-08-23), symbol B, field 'close': nan; expected a finite number"));
  }
  SECTION("an infinite volume") {
    d.volume(1, 0) = std::numeric_limits<double>::infinity();
    CHECK_THROWS_WITH(validate(d, "src"), Contains("field 'volume': inf; expected a finite number"));
  }
  SECTION("a zero open") {
    d.open(1, 1) = 0;
    d.low(1, 1) = 0;
    CHECK_THROWS_WITH(validate(d, "src"), Contains("symbol B, field 'open': 0; expected a price > 0"));
  }
  SECTION("a negative volume") {
    d.volume(2, 0) = -1;
    CHECK_THROWS_WITH(validate(d, "src"), Contains("symbol A, field 'volume': -1; expected a volume >= 0"));
  }
}

TEST_CASE("validate rejects repeated or decreasing timestamps naming both bars", "[market_data]") {
  MarketData d = panel(4, 1);
  d.timestamps[2] = d.timestamps[1];
  CHECK_THROWS_WITH(validate(d, "src"), "src: bar 2 (2004-08-20): timestamp is not after bar 1 (2004-08-20); "
                                        "expected strictly increasing timestamps");
  d.timestamps[2] = d.timestamps[0];
  CHECK_THROWS_WITH(validate(d, "src"), Contains("bar 2 (2004-08-19): timestamp is not after bar 1 (2004-08-20)"));
}

TEST_CASE("validate rejects shapes that disagree with the timestamps and symbols", "[market_data]") {
  MarketData d = panel(4, 2);
  SECTION("a field with a missing column") {
    d.volume.resize(4, 1);
    CHECK_THROWS_WITH(validate(d, "src"),
                      "src: field 'volume' is 4 x 1 (bars x symbols); expected 4 x 2 to match the timestamps and symbols");
  }
  SECTION("a missing timestamp") {
    d.timestamps.pop_back();
    CHECK_THROWS_WITH(validate(d, "src"), Contains("field 'open' is 4 x 2 (bars x symbols); expected 3 x 2"));
  }
  SECTION("fewer than two bars") {
    const MarketData one = panel(1, 2);
    CHECK_THROWS_WITH(validate(one, "src"), "src: 1 bar(s); expected at least 2");
  }
  SECTION("no symbols") {
    const MarketData none = panel(4, 0);
    CHECK_THROWS_WITH(validate(none, "src"), "src: no symbols; expected at least 1");
  }
  SECTION("a repeated symbol name") {
    d.symbols[1] = d.symbols[0];
    CHECK_THROWS_WITH(validate(d, "src"), "src: symbol A appears twice; expected unique names");
  }
  SECTION("an empty symbol name") {
    d.symbols[0].clear();
    CHECK_THROWS_WITH(validate(d, "src"), Contains("empty name"));
  }
}

TEST_CASE("bars per year is bars minus one over the span in years of 365.2425 days", "[market_data]") {
  const MarketData daily = panel(366, 1);  // 365 days of span
  CHECK(genepool::infer_bars_per_year(daily) == Approx(365.2425));
  MarketData hourly = panel(25, 1);
  for (std::size_t t = 0; t < hourly.timestamps.size(); ++t) hourly.timestamps[t] = 3600 * static_cast<std::int64_t>(t);
  CHECK(genepool::infer_bars_per_year(hourly) == Approx(24 * 365.2425));
}

TEST_CASE("bars per year of data that spans no time is an error", "[market_data]") {
  MarketData d = panel(1, 1);
  CHECK_THROWS_AS(genepool::infer_bars_per_year(d), genepool::DataError);
  d.timestamps.clear();
  CHECK_THROWS_WITH(genepool::infer_bars_per_year(d), Contains("spans no time"));
}
