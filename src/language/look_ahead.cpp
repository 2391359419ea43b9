// The perturbation test of look-ahead: positions up to a cut must not depend on any later bar.
#include "genepool/language/look_ahead.hpp"

#include <algorithm>
#include <cmath>
#include <random>

#include "genepool/error.hpp"
#include "genepool/number_text.hpp"

namespace genepool::language {

namespace {

struct OwnedBars {
  std::vector<double> open, high, low, close, volume;
  SymbolSeries view() const {
    SymbolSeries s{open.data(), high.data(), low.data(), close.data(), close.size()};
    s.volume = volume.data();
    return s;
  }
};

OwnedBars bars_of(const MarketData& data, Eigen::Index k) {
  const auto column = [&](const PriceMatrix& m) { return std::vector<double>(m.col(k).data(), m.col(k).data() + m.rows()); };
  return {column(data.open), column(data.high), column(data.low), column(data.close), column(data.volume)};
}

// `base` up to and including bar `cut`, then a different future: a random walk from the cut's
// close with its own wicks and volume (every bar valid: positive prices, low <= open, close <= high).
OwnedBars rewrite_future(const OwnedBars& base, std::size_t cut, std::mt19937_64& rng) {
  OwnedBars bars = base;
  std::normal_distribution<double> shock(rng() % 2 == 0 ? 0.01 : -0.01, 0.05);
  std::uniform_real_distribution<double> wick(0.0, 0.03);
  std::uniform_real_distribution<double> scale(0.2, 5.0);
  double price = base.close[cut];
  for (std::size_t t = cut + 1; t < base.close.size(); ++t) {
    const double o = price * std::exp(shock(rng) * 0.3);
    const double c = o * std::exp(shock(rng));
    bars.open[t] = o;
    bars.close[t] = c;
    bars.high[t] = std::max(o, c) * (1.0 + wick(rng));
    bars.low[t] = std::min(o, c) * (1.0 - wick(rng));
    bars.volume[t] = std::round(base.volume[t] * scale(rng) + 1.0);
    price = c;
  }
  return bars;
}

}  // namespace

std::string LookAheadVerdict::summary(const StrategyType& space) const {
  if (passed) return "passed (" + std::to_string(checks) + " checks)";
  std::string genome;
  for (std::size_t i = 0; i < space.params.size() && i < params.size(); ++i) {
    genome += (i > 0 ? ", " : "") + space.params[i].name + " = " + plain_shortest(params[i]);
  }
  return "FAILED: reads later bars: symbol " + symbol + ", " + (allow_short ? "long/short" : "long/flat") +
         ", genome {" + genome + "}: changing the bars after " + std::to_string(cut) + " moved the position of bar " +
         std::to_string(bar);
}

LookAheadVerdict check_look_ahead(const StrategyType& space, const PositionFunction& positions, const MarketData& data,
                                  const LookAheadSettings& settings) {
  const auto bars = static_cast<std::size_t>(data.bars());
  if (bars < 3) throw ConfigError("look-ahead check: the data has " + std::to_string(bars) + " bars; it needs at least 3");
  std::mt19937_64 rng(settings.seed);
  std::vector<std::vector<double>> genomes;
  for (std::size_t g = 0; g < settings.genomes; ++g) {
    std::vector<double> params(kMaxParams, 0.0);
    for (std::size_t i = 0; i < space.params.size(); ++i) {
      const ParamSpec& p = space.params[i];
      params[i] = g == 0 ? p.default_value : std::uniform_real_distribution<double>(p.lower, p.upper)(rng);
    }
    repair(space, params.data());
    genomes.push_back(std::move(params));
  }
  // Cuts spread over the bars, the first and the last but one included.
  std::vector<std::size_t> cuts;
  const std::size_t count = std::max<std::size_t>(settings.cuts, 2);
  for (std::size_t i = 0; i < count; ++i) cuts.push_back(i * (bars - 2) / (count - 1));

  LookAheadVerdict verdict;
  std::vector<std::int8_t> expected(bars);
  std::vector<std::int8_t> actual(bars);
  for (Eigen::Index k = 0; k < data.symbol_count(); ++k) {
    const OwnedBars base = bars_of(data, k);
    for (const std::vector<double>& params : genomes) {
      for (const bool allow_short : {false, true}) {
        positions(base.view(), params.data(), allow_short, expected.data());
        for (const std::size_t cut : cuts) {
          const OwnedBars changed = rewrite_future(base, cut, rng);
          std::fill(actual.begin(), actual.end(), std::int8_t{9});
          positions(changed.view(), params.data(), allow_short, actual.data());
          ++verdict.checks;
          for (std::size_t t = 0; t <= cut; ++t) {
            if (actual[t] == expected[t]) continue;
            verdict.passed = false;
            verdict.symbol = data.symbols[static_cast<std::size_t>(k)];
            verdict.params = params;
            verdict.allow_short = allow_short;
            verdict.cut = cut;
            verdict.bar = t;
            return verdict;
          }
        }
      }
    }
  }
  return verdict;
}

}  // namespace genepool::language
