// Deterministic synthetic market data: seeded streams, the two close-to-close models,
// and the OHLCV bar built around each close-to-close move. Equations: docs/synthetic-data.md.
// NOTE: no fused multiply-add contraction in this file (-march=native would otherwise allow it),
// so a build with or without FMA produces the same bits. Placed before the includes so that
// every function in this translation unit, header code included, is compiled alike.
#if defined(__clang__)
#pragma clang fp contract(off)
#elif defined(__GNUC__)
#pragma GCC optimize("fp-contract=off")
#endif
#include "genepool/data/synthetic.hpp"

#include <algorithm>
#include <array>
#include <chrono>
#include <cmath>
#include <limits>
#include <random>
#include <sstream>
#include <string>
#include <vector>

#include "genepool/error.hpp"
#include "genepool/memory.hpp"

namespace genepool {
namespace {

// --- Seeded random streams -------------------------------------------------------------

// splitmix64's finaliser: a bijective mix of 64 bits.
std::uint64_t mix64(std::uint64_t x) {
  x += 0x9E3779B97F4A7C15ULL;
  x = (x ^ (x >> 30)) * 0xBF58476D1CE4E5B9ULL;
  x = (x ^ (x >> 27)) * 0x94D049BB133111EBULL;
  return x ^ (x >> 31);
}

// Stream 0 drives the market (regimes and the common factor); stream k + 1 drives symbol k.
std::uint64_t stream_seed(std::uint64_t seed, std::uint64_t stream) { return mix64(mix64(seed) + stream); }

// mt19937_64 bits (fully specified by the standard) turned into uniforms and normals by our own
// code: std::normal_distribution's algorithm differs between standard libraries.
class Stream {
 public:
  explicit Stream(std::uint64_t seed) : engine_(seed) {}

  // Uniform on the open interval (0, 1): the top 53 bits, centred in their cell.
  double uniform() { return (static_cast<double>(engine_() >> 11) + 0.5) * 0x1.0p-53; }

  // Standard normal by Marsaglia's polar method (sqrt and log only; no sin/cos).
  double normal() {
    if (has_spare_) {
      has_spare_ = false;
      return spare_;
    }
    double u = 0.0;
    double v = 0.0;
    double s = 0.0;
    do {
      u = 2.0 * uniform() - 1.0;
      v = 2.0 * uniform() - 1.0;
      s = u * u + v * v;
    } while (s >= 1.0 || s == 0.0);
    const double f = std::sqrt(-2.0 * std::log(s) / s);
    spare_ = v * f;
    has_spare_ = true;
    return u * f;
  }

 private:
  std::mt19937_64 engine_;
  double spare_ = 0.0;
  bool has_spare_ = false;
};

// --- Model constants (docs/synthetic-data.md gives their reasons) -----------------------

enum Regime : std::uint8_t { bull = 0, bear = 1, sideways = 2 };
// Mean stay in bars. A leaving regime picks either other one with equal odds, so the long-run
// shares are proportional to the stays: 0.5 bull, 0.2 bear, 0.3 sideways.
constexpr std::array<double, 3> regime_stay = {250.0, 100.0, 150.0};
constexpr std::array<double, 3> regime_share = {0.5, 0.2, 0.3};
// Drift added to `drift`, in units of `volatility`; the share-weighted mean is zero.
constexpr std::array<double, 3> regime_drift_offset = {0.06, -0.15, 0.0};
// Volatility multiplier; the share-weighted mean variance is 0.989 of volatility^2.
constexpr std::array<double, 3> regime_vol_scale = {0.85, 1.55, 0.70};
// GARCH(1,1) on a unit-mean variance multiplier: h_t = (1 - a - b) + a h_{t-1} z_{t-1}^2 + b h_{t-1}.
constexpr double garch_alpha = 0.08;
constexpr double garch_beta = 0.90;
constexpr double garch_omega = 1.0 - garch_alpha - garch_beta;
// Sideways regime: the share of the distance to the anchor closed per bar.
constexpr double reversion_speed = 0.15;

// Bar shape: the open gap's standard deviation as a share of the bar's volatility, and volume.
constexpr double gap_scale = 0.2;
constexpr double volume_base = 1.0e6;
constexpr double volume_noise = 0.3;  // log-normal noise, mean one
// Log prices are kept inside this band so every price is a finite, normal, positive double.
constexpr double log_price_limit = 700.0;

// --- Validation -------------------------------------------------------------------------

template <typename T>
[[noreturn]] void reject(const char* field, const std::string& range, T value) {
  std::ostringstream message;
  message << "synthetic data: " << field << " must be " << range << ", got " << value;
  throw ConfigError(message.str());
}

void check_range(const char* field, double value, double low, double high) {
  if (!(value >= low && value <= high)) {  // NOTE: written so that NaN fails too
    std::ostringstream range;
    range << "in [" << low << ", " << high << "]";
    reject(field, range.str(), value);
  }
}

void validate_spec(const SyntheticSpec& spec) {
  if (spec.model != SyntheticModel::regime && spec.model != SyntheticModel::gbm) {
    reject("model", "regime or gbm", static_cast<int>(spec.model));
  }
  if (spec.symbols < 1) reject("symbols", "at least 1", spec.symbols);
  if (spec.bars < 2) reject("bars", "at least 2", spec.bars);
  check_range("drift", spec.drift, -0.5, 0.5);
  check_range("volatility", spec.volatility, 0.0, 1.0);
  check_range("correlation", spec.correlation, 0.0, 1.0);
  if (!(spec.start_price > 0.0 && spec.start_price <= 1e100)) {
    reject("start_price", "in (0, 1e100]", spec.start_price);
  }
  if (spec.bar_seconds < 1) reject("bar_seconds", "at least 1", spec.bar_seconds);
  // Five price fields of one double per bar and symbol, the timestamps, and the regime model's path.
  const std::uint64_t bytes_per_bar_and_symbol = 5 * sizeof(double) + 2 * sizeof(double);
  if (const std::string shortfall = memory_shortfall({spec.bars, spec.symbols, bytes_per_bar_and_symbol});
      !shortfall.empty())
    throw ConfigError("bars = " + std::to_string(spec.bars) + " x symbols = " + std::to_string(spec.symbols) + ": " +
                      shortfall + " (" + std::to_string(bytes_per_bar_and_symbol) +
                      " bytes per bar and symbol); expected fewer bars or symbols");
  // Daily bars skip weekends, so the span is under 2 * bars * bar_seconds; keep it inside int64.
  constexpr std::int64_t int64_max = std::numeric_limits<std::int64_t>::max();
  const std::int64_t headroom = int64_max - std::max<std::int64_t>(spec.start_time, 0) - 4 * 86400;
  if (headroom < 0 || spec.bars - 1 > static_cast<std::size_t>(headroom / 2 / spec.bar_seconds)) {
    std::ostringstream message;
    message << "synthetic data: bars = " << spec.bars << " at bar_seconds = " << spec.bar_seconds
            << " from start_time = " << spec.start_time << " runs past the int64 timestamp range";
    throw ConfigError(message.str());
  }
}

// --- Timestamps -------------------------------------------------------------------------

constexpr std::int64_t seconds_per_day = 86400;

// Saturday or Sunday, of the UTC date.
bool weekend(std::int64_t seconds) {
  namespace chr = std::chrono;
  const chr::weekday day{chr::floor<chr::days>(chr::sys_seconds{chr::seconds{seconds}})};
  return day == chr::Saturday || day == chr::Sunday;
}

std::vector<std::int64_t> make_timestamps(const SyntheticSpec& spec) {
  const bool business_days = spec.bar_seconds == seconds_per_day;
  std::vector<std::int64_t> out(spec.bars);
  std::int64_t t = spec.start_time;
  for (auto& stamp : out) {
    while (business_days && weekend(t)) t += seconds_per_day;
    stamp = t;
    t += spec.bar_seconds;
  }
  return out;
}

// --- The market path of the regime model (stream 0) -------------------------------------

struct MarketPath {
  std::vector<std::uint8_t> regime;
  std::vector<double> shock;     // sqrt(h_t) z_t: the common factor's standardised shock
  std::vector<double> variance;  // h_t: its GARCH variance multiplier
};

MarketPath simulate_market(std::size_t bars, std::uint64_t seed) {
  MarketPath path{std::vector<std::uint8_t>(bars), std::vector<double>(bars), std::vector<double>(bars)};
  Stream rng(stream_seed(seed, 0));
  const double first = rng.uniform();
  int state = first < regime_share[bull] ? bull : first < regime_share[bull] + regime_share[bear] ? bear : sideways;
  double h = 1.0;
  for (std::size_t t = 0; t < bars; ++t) {
    if (t > 0) {
      const double u = rng.uniform();
      const double leave = 1.0 / regime_stay[static_cast<std::size_t>(state)];
      if (u < leave) state = (state + (u < 0.5 * leave ? 1 : 2)) % 3;
    }
    const double z = rng.normal();
    path.regime[t] = static_cast<std::uint8_t>(state);
    path.variance[t] = h;
    path.shock[t] = std::sqrt(h) * z;
    h = garch_omega + garch_alpha * h * z * z + garch_beta * h;
  }
  return path;
}

// --- One symbol's bars ------------------------------------------------------------------

// One bar's close-to-close move.
struct Move {
  double log_return;  // log(close_t / close_{t-1})
  double sigma;       // the bar's conditional volatility (sets the gap and the intrabar range)
  double shock;       // the standardised shock (sets the volume)
};

struct Column {
  double* open;
  double* high;
  double* low;
  double* close;
  double* volume;
};

// Builds the bars around the moves that next_move(t, log_close_before, rng) draws: the open gaps
// off the previous close, high and low are Brownian-bridge extremes between open and close.
template <typename NextMove>
void fill_symbol(const Column& out, std::size_t bars, double start_price, Stream& rng, NextMove next_move) {
  const double log_start = std::log(start_price);
  double x = log_start;  // log close of the previous bar
  double lowest = x;
  double highest = x;
  for (std::size_t t = 0; t < bars; ++t) {
    const Move move = next_move(t, x, rng);
    const double gap = gap_scale * move.sigma * rng.normal();
    const double volume_z = rng.normal();
    const double u_high = rng.uniform();
    const double u_low = rng.uniform();

    const double log_open = t == 0 ? log_start : x + gap;
    x += move.log_return;
    // The maximum of a Brownian bridge from 0 to b with variance s^2 has P(M > m) = exp(-2m(m - b) / s^2).
    const double b = x - log_open;
    const double two_var = 2.0 * move.sigma * move.sigma;
    const double log_high = log_open + 0.5 * (b + std::sqrt(b * b - two_var * std::log(u_high)));
    const double log_low = log_open + 0.5 * (b - std::sqrt(b * b - two_var * std::log(u_low)));
    highest = std::max(highest, log_high);
    lowest = std::min(lowest, log_low);

    const double open = std::exp(log_open);
    const double close = std::exp(x);
    out.open[t] = open;
    out.close[t] = close;
    // NOTE: the max/min also absorb rounding, so the OHLC invariants hold exactly.
    out.high[t] = std::max({open, close, std::exp(log_high)});
    out.low[t] = std::min({open, close, std::exp(log_low)});
    const double noise = std::exp(volume_noise * volume_z - 0.5 * volume_noise * volume_noise);
    out.volume[t] = std::max(1.0, std::round(volume_base * noise * (0.5 + std::abs(move.shock))));
  }
  if (!(highest <= log_price_limit && lowest >= -log_price_limit)) {
    std::ostringstream message;
    message << "synthetic data: prices leave the range of a double (log price reaches "
            << (highest > log_price_limit ? highest : lowest) << ", limit +-" << log_price_limit
            << "); lower |drift|, volatility or bars";
    throw ConfigError(message.str());
  }
}

void fill_gbm(const Column& out, const SyntheticSpec& spec, Stream& rng) {
  const double sigma = spec.volatility;
  const double log_drift = spec.drift - 0.5 * sigma * sigma;
  fill_symbol(out, spec.bars, spec.start_price, rng, [&](std::size_t, double, Stream& r) {
    const double z = r.normal();
    return Move{log_drift + sigma * z, sigma, z};
  });
}

void fill_regime(const Column& out, const SyntheticSpec& spec, const MarketPath& market, Stream& rng) {
  const double c = spec.correlation;
  const double market_weight = std::sqrt(c);
  const double own_weight = std::sqrt(1.0 - c);
  double h = 1.0;         // this symbol's own GARCH variance multiplier
  double anchor = 0.0;    // sideways regime: the log price it reverts to
  fill_symbol(out, spec.bars, spec.start_price, rng, [&](std::size_t t, double x, Stream& r) {
    const int state = market.regime[t];
    const auto s = static_cast<std::size_t>(state);
    const double base_sigma = spec.volatility * regime_vol_scale[s];
    const double mu = spec.drift + spec.volatility * regime_drift_offset[s];

    const double z = r.normal();
    const double shock = market_weight * market.shock[t] + own_weight * std::sqrt(h) * z;
    const double variance = c * market.variance[t] + (1.0 - c) * h;
    h = garch_omega + garch_alpha * h * z * z + garch_beta * h;

    const double sigma = base_sigma * std::sqrt(variance);
    double log_return = mu - 0.5 * sigma * sigma + base_sigma * shock;
    if (state == sideways) {
      if (t == 0 || market.regime[t - 1] != sideways) anchor = x;
      log_return -= reversion_speed * (x - anchor);
      anchor += mu - 0.5 * base_sigma * base_sigma;
    }
    return Move{log_return, sigma, shock};
  });
}

}  // namespace

MarketData generate_synthetic(const SyntheticSpec& spec) {
  validate_spec(spec);
  const auto bars = static_cast<Eigen::Index>(spec.bars);
  const auto symbols = static_cast<Eigen::Index>(spec.symbols);

  MarketData data;
  data.timestamps = make_timestamps(spec);
  data.symbols.reserve(spec.symbols);
  for (std::size_t k = 0; k < spec.symbols; ++k) data.symbols.push_back("SYN" + std::to_string(k + 1));
  for (PriceMatrix* field : {&data.open, &data.high, &data.low, &data.close, &data.volume}) {
    field->resize(bars, symbols);
  }

  MarketPath market;
  if (spec.model == SyntheticModel::regime) market = simulate_market(spec.bars, spec.seed);
  for (Eigen::Index k = 0; k < symbols; ++k) {
    const Column column{data.open.col(k).data(), data.high.col(k).data(), data.low.col(k).data(),
                        data.close.col(k).data(), data.volume.col(k).data()};
    Stream rng(stream_seed(spec.seed, static_cast<std::uint64_t>(k) + 1));
    if (spec.model == SyntheticModel::gbm) {
      fill_gbm(column, spec, rng);
    } else {
      fill_regime(column, spec, market, rng);
    }
  }
  return data;
}

}  // namespace genepool
