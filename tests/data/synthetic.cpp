// The synthetic market-data generator: determinism, bar invariants, calendars, model statistics, spec errors.
#include "genepool/data/synthetic.hpp"

#include <catch2/catch.hpp>
#include <cmath>
#include <cstdint>
#include <limits>
#include <vector>

#include "genepool/error.hpp"
#include "genepool/data/market_data.hpp"

namespace genepool {
namespace {

using Catch::Matchers::Contains;

SyntheticSpec spec_of(SyntheticModel model, std::size_t symbols, std::size_t bars, std::uint64_t seed) {
  SyntheticSpec spec;
  spec.model = model;
  spec.symbols = symbols;
  spec.bars = bars;
  spec.seed = seed;
  return spec;
}

bool identical(const MarketData& a, const MarketData& b) {
  return a.symbols == b.symbols && a.timestamps == b.timestamps && a.open == b.open && a.high == b.high &&
         a.low == b.low && a.close == b.close && a.volume == b.volume;
}

std::vector<double> log_returns(const MarketData& data, Eigen::Index symbol) {
  std::vector<double> out;
  for (Eigen::Index t = 1; t < data.bars(); ++t) {
    out.push_back(std::log(data.close(t, symbol) / data.close(t - 1, symbol)));
  }
  return out;
}

double mean(const std::vector<double>& x) {
  double sum = 0.0;
  for (double v : x) sum += v;
  return sum / static_cast<double>(x.size());
}

double covariance(const std::vector<double>& x, const std::vector<double>& y) {
  const double mx = mean(x);
  const double my = mean(y);
  double sum = 0.0;
  for (std::size_t i = 0; i < x.size(); ++i) sum += (x[i] - mx) * (y[i] - my);
  return sum / static_cast<double>(x.size() - 1);
}

double correlation(const std::vector<double>& x, const std::vector<double>& y) {
  return covariance(x, y) / std::sqrt(covariance(x, x) * covariance(y, y));
}

// Correlation of x with itself `lag` steps later.
double autocorrelation(const std::vector<double>& x, std::size_t lag) {
  return correlation(std::vector<double>(x.begin(), x.end() - static_cast<std::ptrdiff_t>(lag)),
                     std::vector<double>(x.begin() + static_cast<std::ptrdiff_t>(lag), x.end()));
}

// Monday = 0 ... Sunday = 6 for non-negative UTC seconds; 1970-01-01 was a Thursday.
int weekday(std::int64_t seconds) { return static_cast<int>((seconds / 86400 + 3) % 7); }

// The invariants validate() promises, checked here directly as well.
void check_bars(const MarketData& data) {
  REQUIRE(data.open.rows() == data.bars());
  REQUIRE(data.close.cols() == data.symbol_count());
  CHECK(data.timestamps.size() == static_cast<std::size_t>(data.close.rows()));
  bool ok = true;
  for (Eigen::Index k = 0; k < data.symbol_count(); ++k) {
    for (Eigen::Index t = 0; t < data.bars(); ++t) {
      const double o = data.open(t, k), h = data.high(t, k), l = data.low(t, k), c = data.close(t, k);
      const double v = data.volume(t, k);
      ok = ok && std::isfinite(h) && l > 0.0 && h >= std::max(o, c) && l <= std::min(o, c) && h >= l &&
           v >= 1.0 && std::isfinite(v);
    }
  }
  CHECK(ok);
  CHECK_NOTHROW(validate(data, "synthetic"));
}

}  // namespace

TEST_CASE("synthetic: the same seed gives bit-identical data", "[synthetic]") {
  for (auto model : {SyntheticModel::regime, SyntheticModel::gbm}) {
    const SyntheticSpec spec = spec_of(model, 3, 5000, 42);
    CHECK(identical(generate_synthetic(spec), generate_synthetic(spec)));
  }
}

TEST_CASE("synthetic: a different seed gives different data", "[synthetic]") {
  for (auto model : {SyntheticModel::regime, SyntheticModel::gbm}) {
    const MarketData a = generate_synthetic(spec_of(model, 2, 1000, 1));
    const MarketData b = generate_synthetic(spec_of(model, 2, 1000, 2));
    CHECK(a.timestamps == b.timestamps);
    for (Eigen::Index k = 0; k < 2; ++k) {
      CHECK(a.close(0, k) != b.close(0, k));
      CHECK(a.close(999, k) != b.close(999, k));
    }
  }
}

TEST_CASE("synthetic: the symbols of one panel differ from each other", "[synthetic]") {
  const MarketData data = generate_synthetic(spec_of(SyntheticModel::regime, 3, 1000, 7));
  CHECK(data.close.col(0) != data.close.col(1));
  CHECK(data.close.col(1) != data.close.col(2));
}

TEST_CASE("synthetic: a symbol's series does not depend on how many symbols are generated", "[synthetic]") {
  for (auto model : {SyntheticModel::regime, SyntheticModel::gbm}) {
    const MarketData three = generate_synthetic(spec_of(model, 3, 3000, 9));
    const MarketData five = generate_synthetic(spec_of(model, 5, 3000, 9));
    for (Eigen::Index k = 0; k < 3; ++k) {
      CHECK(three.symbols[static_cast<std::size_t>(k)] == five.symbols[static_cast<std::size_t>(k)]);
      CHECK(three.open.col(k) == five.open.col(k));
      CHECK(three.high.col(k) == five.high.col(k));
      CHECK(three.low.col(k) == five.low.col(k));
      CHECK(three.close.col(k) == five.close.col(k));
      CHECK(three.volume.col(k) == five.volume.col(k));
    }
  }
}

TEST_CASE("synthetic: more bars extend the series without changing its start", "[synthetic]") {
  for (auto model : {SyntheticModel::regime, SyntheticModel::gbm}) {
    const MarketData short_run = generate_synthetic(spec_of(model, 2, 500, 5));
    const MarketData long_run = generate_synthetic(spec_of(model, 2, 800, 5));
    CHECK(long_run.close.topRows(500) == short_run.close);
    CHECK(long_run.high.topRows(500) == short_run.high);
    CHECK(std::vector<std::int64_t>(long_run.timestamps.begin(), long_run.timestamps.begin() + 500) ==
          short_run.timestamps);
  }
}

TEST_CASE("synthetic: symbols are named SYN1, SYN2, ... without padding", "[synthetic]") {
  const MarketData data = generate_synthetic(spec_of(SyntheticModel::gbm, 11, 10, 1));
  REQUIRE(data.symbols.size() == 11);
  CHECK(data.symbols.front() == "SYN1");
  CHECK(data.symbols[9] == "SYN10");
  CHECK(data.symbols[10] == "SYN11");
}

TEST_CASE("synthetic: bars are consistent OHLCV with positive prices", "[synthetic]") {
  for (auto model : {SyntheticModel::regime, SyntheticModel::gbm}) {
    for (std::uint64_t seed : {1U, 2U, 3U}) {
      check_bars(generate_synthetic(spec_of(model, 4, 20000, seed)));
    }
  }
  SECTION("including extreme but valid parameters") {
    SyntheticSpec spec = spec_of(SyntheticModel::regime, 3, 5000, 4);
    spec.volatility = 0.0;
    check_bars(generate_synthetic(spec));
    spec.volatility = 0.2;
    spec.drift = -0.01;
    spec.start_price = 0.01;
    spec.correlation = 1.0;
    check_bars(generate_synthetic(spec));
    spec.correlation = 0.0;
    spec.model = SyntheticModel::gbm;
    check_bars(generate_synthetic(spec));
  }
}

TEST_CASE("synthetic: the first bar opens at the start price", "[synthetic]") {
  SyntheticSpec spec = spec_of(SyntheticModel::regime, 2, 100, 3);
  spec.start_price = 37.5;
  const MarketData data = generate_synthetic(spec);
  CHECK(data.open(0, 0) == Approx(37.5).epsilon(1e-14));
  CHECK(data.open(0, 1) == Approx(37.5).epsilon(1e-14));
}

TEST_CASE("synthetic: daily bars skip weekends", "[synthetic]") {
  SyntheticSpec spec = spec_of(SyntheticModel::gbm, 1, 3000, 1);
  const MarketData data = generate_synthetic(spec);
  CHECK(data.timestamps.front() == 946857600);  // Monday 2000-01-03
  bool weekdays_only = true;
  bool spacing_ok = true;
  for (std::size_t i = 0; i < data.timestamps.size(); ++i) {
    weekdays_only = weekdays_only && weekday(data.timestamps[i]) < 5;
    if (i > 0) {
      const std::int64_t step = data.timestamps[i] - data.timestamps[i - 1];
      const bool monday = weekday(data.timestamps[i]) == 0;
      spacing_ok = spacing_ok && step == (monday ? 3 : 1) * 86400;
    }
  }
  CHECK(weekdays_only);
  CHECK(spacing_ok);
  // 3000 business days = 600 weeks: the last bar is the Friday of week 600.
  CHECK(data.timestamps.back() == 946857600 + (600 * 7 - 3) * std::int64_t{86400});

  SECTION("a start on a Saturday moves to the Monday") {
    spec.start_time = 946857600 - 2 * 86400;
    spec.bars = 3;
    const MarketData moved = generate_synthetic(spec);
    CHECK(moved.timestamps == std::vector<std::int64_t>{946857600, 946857600 + 86400, 946857600 + 2 * 86400});
  }
  SECTION("other spacings step plainly") {
    spec.bar_seconds = 3600;
    spec.start_time = 946857600 - 2 * 86400;
    spec.bars = 100;
    const MarketData hourly = generate_synthetic(spec);
    CHECK(hourly.timestamps.front() == spec.start_time);
    for (std::size_t i = 1; i < hourly.timestamps.size(); ++i) {
      REQUIRE(hourly.timestamps[i] - hourly.timestamps[i - 1] == 3600);
    }
  }
}

TEST_CASE("synthetic: gbm log returns have the specified mean and volatility", "[synthetic]") {
  SyntheticSpec spec = spec_of(SyntheticModel::gbm, 1, 200001, 11);
  spec.drift = 0.0002;
  spec.volatility = 0.01;
  const MarketData data = generate_synthetic(spec);
  const std::vector<double> r = log_returns(data, 0);
  const double mu = spec.drift - 0.5 * spec.volatility * spec.volatility;
  const double standard_error = spec.volatility / std::sqrt(static_cast<double>(r.size()));
  CHECK(std::abs(mean(r) - mu) < 4.0 * standard_error);
  CHECK(std::sqrt(covariance(r, r)) == Approx(spec.volatility).epsilon(0.01));
  CHECK(std::abs(autocorrelation(r, 1)) < 0.01);
  std::vector<double> simple(r.size());
  for (std::size_t i = 0; i < r.size(); ++i) simple[i] = std::expm1(r[i]);
  CHECK(std::abs(mean(simple) - spec.drift) < 4.0 * standard_error);
}

TEST_CASE("synthetic: the regime model clusters volatility", "[synthetic]") {
  const MarketData data = generate_synthetic(spec_of(SyntheticModel::regime, 2, 50000, 21));
  for (Eigen::Index k = 0; k < 2; ++k) {
    const std::vector<double> r = log_returns(data, k);
    const double m = mean(r);
    std::vector<double> squared(r.size());
    for (std::size_t i = 0; i < r.size(); ++i) squared[i] = (r[i] - m) * (r[i] - m);
    CHECK(autocorrelation(squared, 1) > 0.05);
    CHECK(autocorrelation(squared, 10) > 0.05);
  }
}

TEST_CASE("synthetic: regime symbols are correlated as the spec says", "[synthetic]") {
  for (double target : {0.0, 0.3, 0.5, 0.8, 1.0}) {
    SyntheticSpec spec = spec_of(SyntheticModel::regime, 4, 20000, 8);
    spec.correlation = target;
    const MarketData data = generate_synthetic(spec);
    std::vector<std::vector<double>> r;
    for (Eigen::Index k = 0; k < 4; ++k) r.push_back(log_returns(data, k));
    for (std::size_t a = 0; a < r.size(); ++a) {
      for (std::size_t b = a + 1; b < r.size(); ++b) {
        INFO("correlation " << target << ", symbols " << a << " and " << b);
        CHECK(std::abs(correlation(r[a], r[b]) - target) < 0.06);
      }
    }
  }
}

TEST_CASE("synthetic: the regime model has trends and mean-reverting stretches", "[synthetic]") {
  const MarketData data = generate_synthetic(spec_of(SyntheticModel::regime, 1, 1000001, 33));
  const std::vector<double> r = log_returns(data, 0);
  // Sideways stretches revert to an anchor: bar-to-bar returns are negatively autocorrelated overall
  // (about -0.005; the standard error over 1e6 bars is 0.001), where gbm shows none.
  CHECK(autocorrelation(r, 1) < -0.002);
  const MarketData gbm = generate_synthetic(spec_of(SyntheticModel::gbm, 1, 1000001, 33));
  CHECK(std::abs(autocorrelation(log_returns(gbm, 0), 1)) < 0.003);
  // Regimes hold their drift for hundreds of bars: 100-bar mean returns spread wider than
  // independent bars with the same volatility would make them.
  std::vector<double> block_means;
  for (std::size_t i = 0; i + 100 <= r.size(); i += 100) {
    double sum = 0.0;
    for (std::size_t j = i; j < i + 100; ++j) sum += r[j];
    block_means.push_back(sum / 100.0);
  }
  const double noise_only = std::sqrt(covariance(r, r) / 100.0);
  CHECK(std::sqrt(covariance(block_means, block_means)) > 1.1 * noise_only);
}

TEST_CASE("synthetic: the regime model's long-run drift and volatility follow the spec", "[synthetic]") {
  SyntheticSpec spec = spec_of(SyntheticModel::regime, 1, 400001, 5);
  const std::vector<double> r = log_returns(generate_synthetic(spec), 0);
  std::vector<double> simple(r.size());
  for (std::size_t i = 0; i < r.size(); ++i) simple[i] = std::expm1(r[i]);
  CHECK(std::abs(mean(simple) - spec.drift) < 1.5e-4);
  CHECK(std::sqrt(covariance(r, r)) == Approx(spec.volatility).epsilon(0.1));
}

TEST_CASE("synthetic: generated values are pinned so that data sets stay reproducible", "[synthetic]") {
  // NOTE: these move only when the generator changes, which also changes the bundled sample and the
  // benchmark data. The tolerance admits last-digit differences between math libraries (see
  // docs/synthetic-data.md); a changed random stream misses by far more.
  const MarketData gbm = generate_synthetic(spec_of(SyntheticModel::gbm, 1, 1000, 1));
  const MarketData regime = generate_synthetic(spec_of(SyntheticModel::regime, 2, 1000, 42));
  CHECK(gbm.close(0, 0) == Approx(100.87717424378997).epsilon(1e-12));
  CHECK(gbm.close(999, 0) == Approx(164.36318609328535).epsilon(1e-12));
  CHECK(gbm.high(999, 0) == Approx(166.46718651221411).epsilon(1e-12));
  CHECK(gbm.volume(999, 0) == Approx(4187351.0).margin(1.0));
  CHECK(regime.close(999, 0) == Approx(138.19292637570047).epsilon(1e-12));
  CHECK(regime.close(999, 1) == Approx(158.16360909863974).epsilon(1e-12));
  CHECK(regime.low(500, 1) == Approx(113.59164336030007).epsilon(1e-12));
  CHECK(regime.volume(0, 0) == Approx(1264447.0).margin(1.0));
}

TEST_CASE("synthetic: an invalid spec is refused with the field, its range and the value", "[synthetic]") {
  const SyntheticSpec good;
  CHECK_NOTHROW(generate_synthetic(good));
  SyntheticSpec spec = good;

  spec.bars = 0;
  CHECK_THROWS_AS(generate_synthetic(spec), ConfigError);
  CHECK_THROWS_WITH(generate_synthetic(spec), Contains("bars must be at least 2, got 0"));
  spec.bars = 1;
  CHECK_THROWS_WITH(generate_synthetic(spec), Contains("bars must be at least 2, got 1"));
  spec = good;
  spec.symbols = 0;
  CHECK_THROWS_WITH(generate_synthetic(spec), Contains("symbols must be at least 1, got 0"));
  spec = good;
  spec.volatility = -0.01;
  CHECK_THROWS_AS(generate_synthetic(spec), ConfigError);
  CHECK_THROWS_WITH(generate_synthetic(spec), Contains("volatility must be in [0, 1], got -0.01"));
  spec.volatility = std::nan("");
  CHECK_THROWS_WITH(generate_synthetic(spec), Contains("volatility"));
  spec = good;
  spec.correlation = -0.1;
  CHECK_THROWS_WITH(generate_synthetic(spec), Contains("correlation must be in [0, 1], got -0.1"));
  spec.correlation = 1.5;
  CHECK_THROWS_WITH(generate_synthetic(spec), Contains("correlation must be in [0, 1], got 1.5"));
  spec = good;
  spec.start_price = 0.0;
  CHECK_THROWS_WITH(generate_synthetic(spec), Contains("start_price must be in (0, 1e100], got 0"));
  spec.start_price = -5.0;
  CHECK_THROWS_WITH(generate_synthetic(spec), Contains("start_price") && Contains("got -5"));
  spec = good;
  spec.drift = 0.7;
  CHECK_THROWS_WITH(generate_synthetic(spec), Contains("drift must be in [-0.5, 0.5], got 0.7"));
  spec = good;
  spec.bar_seconds = 0;
  CHECK_THROWS_WITH(generate_synthetic(spec), Contains("bar_seconds must be at least 1, got 0"));
  spec = good;
  spec.model = static_cast<SyntheticModel>(7);
  CHECK_THROWS_WITH(generate_synthetic(spec), Contains("model must be regime or gbm, got 7"));
}

TEST_CASE("synthetic: timestamps or prices that would overflow are refused", "[synthetic]") {
  SyntheticSpec spec;
  spec.start_time = std::numeric_limits<std::int64_t>::max() - 1000;
  CHECK_THROWS_AS(generate_synthetic(spec), ConfigError);
  CHECK_THROWS_WITH(generate_synthetic(spec), Contains("int64 timestamp range"));
  spec = SyntheticSpec{};
  spec.bar_seconds = std::numeric_limits<std::int64_t>::max();
  CHECK_THROWS_WITH(generate_synthetic(spec), Contains("bar_seconds") && Contains("int64 timestamp range"));
  spec = SyntheticSpec{};
  spec.model = SyntheticModel::gbm;
  spec.drift = 0.5;
  spec.bars = 10000;
  CHECK_THROWS_AS(generate_synthetic(spec), ConfigError);
  CHECK_THROWS_WITH(generate_synthetic(spec), Contains("range of a double") && Contains("drift"));
}

}  // namespace genepool
