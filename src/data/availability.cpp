#include "genepool/data/availability.hpp"

#include <array>
#include <cmath>

#include "genepool/error.hpp"
#include "genepool/data/timestamp.hpp"

namespace genepool {
namespace {

std::array<PriceMatrix*, 5> fields_of(MarketData& d) { return {&d.open, &d.high, &d.low, &d.close, &d.volume}; }

// Keeps the bars t with keep[t], in order.
void keep_bars(MarketData& panel, const std::vector<bool>& keep) {
  std::vector<Eigen::Index> rows;
  for (std::size_t t = 0; t < keep.size(); ++t)
    if (keep[t]) rows.push_back(static_cast<Eigen::Index>(t));
  if (rows.size() == keep.size()) return;
  std::vector<std::int64_t> timestamps;
  timestamps.reserve(rows.size());
  for (const Eigen::Index t : rows) timestamps.push_back(panel.timestamps[static_cast<std::size_t>(t)]);
  panel.timestamps = std::move(timestamps);
  for (PriceMatrix* field : fields_of(panel)) {
    PriceMatrix kept(static_cast<Eigen::Index>(rows.size()), field->cols());
    for (std::size_t r = 0; r < rows.size(); ++r) kept.row(static_cast<Eigen::Index>(r)) = field->row(rows[r]);
    *field = std::move(kept);
  }
}

}  // namespace

std::int64_t drop_empty_bars(MarketData& panel) {
  std::vector<bool> keep(panel.timestamps.size(), false);
  std::int64_t dropped = 0;
  for (Eigen::Index t = 0; t < panel.bars(); ++t) {
    for (Eigen::Index k = 0; k < panel.symbol_count() && !keep[static_cast<std::size_t>(t)]; ++k)
      keep[static_cast<std::size_t>(t)] = !std::isnan(panel.close(t, k));
    dropped += !keep[static_cast<std::size_t>(t)];
  }
  keep_bars(panel, keep);
  return dropped;
}

std::vector<std::int64_t> keep_complete_bars(MarketData& panel) {
  std::vector<bool> keep(panel.timestamps.size(), true);
  std::vector<std::int64_t> lost(static_cast<std::size_t>(panel.symbol_count()), 0);
  for (Eigen::Index t = 0; t < panel.bars(); ++t) {
    for (Eigen::Index k = 0; k < panel.symbol_count(); ++k)
      keep[static_cast<std::size_t>(t)] = keep[static_cast<std::size_t>(t)] && !std::isnan(panel.close(t, k));
    if (keep[static_cast<std::size_t>(t)]) continue;
    for (Eigen::Index k = 0; k < panel.symbol_count(); ++k) lost[static_cast<std::size_t>(k)] += !std::isnan(panel.close(t, k));
  }
  keep_bars(panel, keep);
  return lost;
}

std::vector<SymbolAvailability> fill_missing(MarketData& panel, std::size_t max_gap, const std::string& source) {
  const Eigen::Index bars = panel.bars();
  const Eigen::Index symbols = panel.symbol_count();
  std::vector<SymbolAvailability> out(static_cast<std::size_t>(symbols));
  LiveMatrix live = LiveMatrix::Ones(bars, symbols);
  bool every = true;
  for (Eigen::Index k = 0; k < symbols; ++k) {
    SymbolAvailability& a = out[static_cast<std::size_t>(k)];
    a.symbol = panel.symbols[static_cast<std::size_t>(k)];
    std::vector<bool> own(static_cast<std::size_t>(bars));
    for (Eigen::Index t = 0; t < bars; ++t) {
      const bool missing = std::isnan(panel.close(t, k));
      const int nans = std::isnan(panel.open(t, k)) + std::isnan(panel.high(t, k)) + std::isnan(panel.low(t, k));
      if (missing ? nans != 3 : nans != 0)
        throw DataError(source + ": bar " + std::to_string(t) + " (" +
                        format_timestamp(panel.timestamps[static_cast<std::size_t>(t)]) + "), symbol " + a.symbol +
                        ": some of open, high, low and close are NaN and others not; expected all four NaN (no bar) or none");
      own[static_cast<std::size_t>(t)] = !missing;
      a.own += !missing;
    }
    if (a.own == 0)
      throw DataError(source + ": symbol " + a.symbol + " has no bar (every close is NaN); expected at least one");
    a.first = 0;
    while (!own[static_cast<std::size_t>(a.first)]) ++a.first;
    a.last = bars - 1;
    while (!own[static_cast<std::size_t>(a.last)]) --a.last;
    a.before = a.first;
    a.after = bars - 1 - a.last;
    const auto set = [&](Eigen::Index t, double price, bool is_live) {
      panel.open(t, k) = panel.high(t, k) = panel.low(t, k) = panel.close(t, k) = price;
      panel.volume(t, k) = 0;
      live(t, k) = is_live ? 1 : 0;
      every = every && is_live;
    };
    for (Eigen::Index t = 0; t < a.first; ++t) set(t, panel.open(a.first, k), false);
    for (Eigen::Index t = a.last + 1; t < bars; ++t) set(t, panel.close(a.last, k), false);
    for (Eigen::Index t = a.first + 1; t < a.last;) {
      if (own[static_cast<std::size_t>(t)]) {
        ++t;
        continue;
      }
      Eigen::Index end = t;
      while (!own[static_cast<std::size_t>(end)]) ++end;
      const auto length = static_cast<std::size_t>(end - t);
      const bool held = length <= max_gap;
      if (held) {
        a.filled += end - t;
      } else {
        a.flat_gaps += 1;
        a.flat_bars += end - t;
      }
      const double price = panel.close(t - 1, k);
      for (; t < end; ++t) set(t, price, held);
    }
  }
  panel.live = every ? LiveMatrix() : std::move(live);
  return out;
}

}  // namespace genepool
