#include "genepool/data/bar_window.hpp"

#include <algorithm>
#include <cmath>
#include <new>

#include "genepool/error.hpp"
#include "genepool/data/timestamp.hpp"

namespace genepool {

namespace {

void check_window(const MarketView& data, BarWindow window) {
  const auto bars = static_cast<std::size_t>(data.bars());
  if (window.begin >= window.end || window.end > bars)
    throw Error("bar window [" + std::to_string(window.begin) + ", " + std::to_string(window.end) +
                ") is not inside the data's " + std::to_string(bars) + " bars");
}

}  // namespace

MarketView window_of(const MarketView& data, BarWindow window) {
  check_window(data, window);
  const auto begin = static_cast<Eigen::Index>(window.begin);
  const auto rows = static_cast<Eigen::Index>(window.size());
  MarketView part = data;
  part.timestamps = data.timestamps.subspan(window.begin, window.size());
  const auto rows_of = [&](PriceView& field, const PriceView& whole) {
    if (whole.rows() == 0) return;  // an absent field stays absent
    new (&field) PriceView(whole.data() + begin, rows, whole.cols(), Eigen::OuterStride<>(whole.outerStride()));
  };
  rows_of(part.open, data.open);
  rows_of(part.high, data.high);
  rows_of(part.low, data.low);
  rows_of(part.close, data.close);
  rows_of(part.volume, data.volume);
  if (!data.always_live())
    new (&part.live) LiveView(data.live.data() + begin, rows, data.live.cols(), Eigen::OuterStride<>(data.live.outerStride()));
  return part;
}

MarketData slice(const MarketView& data, BarWindow window) {
  const MarketView part = window_of(data, window);
  MarketData copy;
  copy.symbols.assign(part.symbols.begin(), part.symbols.end());
  copy.timestamps.assign(part.timestamps.begin(), part.timestamps.end());
  copy.open = part.open;
  copy.high = part.high;
  copy.low = part.low;
  copy.close = part.close;
  copy.volume = part.volume;
  copy.live = part.live;
  return copy;
}

Split resolve_split(const SplitSettings& settings, std::span<const std::int64_t> timestamps) {
  const std::size_t bars = timestamps.size();
  Split split;
  split.train = {0, bars};
  split.test = {bars, bars};
  const bool by_fraction = settings.test_fraction != 0;
  const bool by_date = !settings.split_date.empty();
  if (by_fraction && by_date) throw ConfigError("split-date: given with test-fraction; expected one of them, not both");
  if (!by_fraction && !by_date) return split;
  const std::size_t first_bar = std::min(settings.first_bar, bars);
  std::size_t first_test = bars;
  if (by_fraction) {
    if (!(settings.test_fraction > 0 && settings.test_fraction < 1))
      throw ConfigError("test-fraction: " + std::to_string(settings.test_fraction) +
                        " is out of range; expected 0 (no split) or a share strictly between 0 and 1");
    const auto held =
        static_cast<std::size_t>(std::llround(settings.test_fraction * static_cast<double>(bars - first_bar)));
    first_test = bars - std::min(held, bars - first_bar);
  } else {
    const auto format = detect_timestamp_format(settings.split_date);
    const auto time = format && (*format == TimestampFormat::iso_date || *format == TimestampFormat::iso_datetime)
                          ? parse_timestamp(settings.split_date, *format)
                          : std::nullopt;
    if (!time)
      throw ConfigError("split-date: '" + settings.split_date +
                        "' is not a date; expected YYYY-MM-DD or YYYY-MM-DD HH:MM[:SS] (UTC)");
    first_test = static_cast<std::size_t>(std::lower_bound(timestamps.begin(), timestamps.end(), *time) -
                                          timestamps.begin());
  }
  if (first_test < first_bar + kMinWindowBars || bars - first_test < kMinWindowBars) {
    const std::string key = by_fraction ? "test-fraction" : "split-date";
    throw ConfigError(key + ": the split leaves " + std::to_string(first_test - std::min(first_test, first_bar)) +
                      " training and " +
                      std::to_string(bars - first_test) + " test bars of " + std::to_string(bars - first_bar) +
                      "; each side needs at least " + std::to_string(kMinWindowBars));
  }
  split.enabled = true;
  split.train = {0, first_test};
  split.test = {first_test, bars};
  return split;
}

std::vector<Fold> walk_forward_folds(const WalkForwardSettings& settings, std::size_t whole_span) {
  const std::size_t k = settings.folds;
  if (k == 0) return {};
  const std::size_t offset = std::min(settings.first_bar, whole_span);
  const std::size_t span = whole_span - offset;
  std::size_t train = settings.train_bars;
  std::size_t test = settings.test_bars;
  if (train == 0 && test == 0) {
    test = span / (k + 1);
    train = span - k * test;
  } else if (train == 0) {
    train = k * test <= span ? span - k * test : 0;
  } else if (test == 0) {
    test = train <= span ? (span - train) / k : 0;
  }
  const std::string where = "walk-forward-folds " + std::to_string(k) + ", walk-forward-train-bars " +
                            std::to_string(train) + ", walk-forward-test-bars " + std::to_string(test);
  if (train < kMinWindowBars || test < kMinWindowBars || train + k * test > span)
    throw ConfigError(where + ": the folds need " + std::to_string(train) + " + " + std::to_string(k) + " x " +
                      std::to_string(test) + " bars, windows of at least " + std::to_string(kMinWindowBars) +
                      " bars, within the " + std::to_string(span) + " bars the evolution may see");
  std::vector<Fold> folds;
  for (std::size_t i = 0; i < k; ++i) {
    const std::size_t test_begin = train + i * test;
    const std::size_t train_begin = settings.mode == WalkForwardMode::rolling ? i * test : 0;
    folds.push_back({{offset + train_begin, offset + test_begin}, {offset + test_begin, offset + test_begin + test}});
  }
  return folds;
}

std::string_view to_string(WalkForwardMode mode) {
  return mode == WalkForwardMode::rolling ? "rolling" : "anchored";
}

WalkForwardMode parse_walk_forward_mode(std::string_view text, std::string_view key) {
  if (text == "rolling") return WalkForwardMode::rolling;
  if (text == "anchored") return WalkForwardMode::anchored;
  throw ConfigError(std::string(key) + ": '" + std::string(text) + "' is not a walk-forward mode; expected rolling or anchored");
}

}  // namespace genepool
