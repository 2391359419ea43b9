#pragma once
// Bar windows of the market data: the train/test split and the walk-forward folds.
// Definitions: docs/validation.md ("Train/test split", "Walk-forward").
#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "genepool/data/market_data.hpp"

namespace genepool {

// Bars [begin, end) of the data.
struct BarWindow {
  std::size_t begin = 0;
  std::size_t end = 0;
  std::size_t size() const { return end - begin; }
  bool operator==(const BarWindow&) const = default;
};

// Rows [window.begin, window.end) of every field, as a panel of its own: a backtest on it starts its
// indicators at window.begin and reads nothing at or after window.end. Throws Error unless
// begin < end <= bars.
MarketData slice(const MarketView& data, BarWindow window);
// The same rows as a view into `data`'s arrays, without a copy (what a backtest on a window reads).
MarketView window_of(const MarketView& data, BarWindow window);

// The train/test split: test-fraction or split-date (at most one), none when both are unset.
struct SplitSettings {
  double test_fraction = 0;  // share of the bars, from the end, held out: 0 (no split) or in (0, 1)
  std::string split_date;    // first test bar: the first bar at or after this time (ISO date or date-time, UTC)
  std::size_t first_bar = 0; // --start: the split divides bars [first_bar, bars); training keeps [0, first_bar) as warm-up
};

struct Split {
  bool enabled = false;
  BarWindow train;  // the bars the evolution sees: [0, test.begin), or all bars without a split
  BarWindow test;   // held out: [train.end, bars); empty without a split
};

// Minimum bars of a training or test window.
inline constexpr std::size_t kMinWindowBars = 2;

// Resolves the split for `timestamps`. Throws ConfigError naming test-fraction or split-date when
// both are set, when the date does not parse, or when a side would have fewer than kMinWindowBars.
// test-fraction f holds out the last round(f * bars) bars.
Split resolve_split(const SplitSettings& settings, std::span<const std::int64_t> timestamps);

enum class WalkForwardMode { rolling, anchored };

struct WalkForwardSettings {
  std::size_t folds = 0;        // walk-forward-folds: 0 = off
  WalkForwardMode mode = WalkForwardMode::rolling;
  std::size_t train_bars = 0;   // walk-forward-train-bars W: 0 = derived
  std::size_t test_bars = 0;    // walk-forward-test-bars L: 0 = derived
  std::size_t first_bar = 0;    // --start: the folds lie in bars [first_bar, span), each index shifted by it
};

struct Fold {
  BarWindow train;
  BarWindow test;  // test.begin == train.end
};

// The folds over bars [0, span): first test window at W, fold i tests [W + i L, W + (i + 1) L) and
// trains on [i L, W + i L) (rolling) or [0, W + i L) (anchored). With both W and L 0:
// L = floor(span / (folds + 1)), W = span - folds L; with one of them 0 it takes what the other
// leaves: W = span - folds L, or L = floor((span - W) / folds). Bars after the last test window
// (W + folds L < span) are unused. Throws ConfigError naming the walk-forward keys when
// W + folds L > span or a window would have fewer than kMinWindowBars bars.
std::vector<Fold> walk_forward_folds(const WalkForwardSettings& settings, std::size_t span);

std::string_view to_string(WalkForwardMode mode);
// Throws ConfigError naming `key` and the allowed values.
WalkForwardMode parse_walk_forward_mode(std::string_view text, std::string_view key);

}  // namespace genepool
