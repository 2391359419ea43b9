#include "genepool/data/market_data.hpp"

#include <algorithm>
#include <cmath>
#include <new>
#include <unordered_set>

#include "genepool/error.hpp"
#include "genepool/number_text.hpp"
#include "genepool/data/timestamp.hpp"

namespace genepool {
namespace {

struct Field {
  const char* name;
  const PriceMatrix* values;
};

// "SOURCE: bar 17 (2004-09-14), symbol GOOG, field 'high': " — the start of a cell's message.
std::string where(const MarketData& data, const std::string& source, Eigen::Index bar, Eigen::Index symbol,
                  const char* field) {
  return source + ": bar " + std::to_string(bar) + " (" + format_timestamp(data.timestamps[static_cast<std::size_t>(bar)]) +
         "), symbol " + data.symbols[static_cast<std::size_t>(symbol)] + ", field '" + field + "': ";
}

void check_shapes(const MarketData& data, const std::string& source) {
  if (data.symbols.empty()) throw DataError(source + ": no symbols; expected at least 1");
  if (data.bars() < 2)
    throw DataError(source + ": " + std::to_string(data.bars()) + " bar(s); expected at least 2");
  std::unordered_set<std::string> seen;
  for (const auto& s : data.symbols) {
    if (s.empty()) throw DataError(source + ": a symbol has an empty name; expected a non-empty name");
    if (!seen.insert(s).second) throw DataError(source + ": symbol " + s + " appears twice; expected unique names");
  }
  const Field fields[] = {{"open", &data.open}, {"high", &data.high}, {"low", &data.low},
                          {"close", &data.close}, {"volume", &data.volume}};
  for (const auto& f : fields) {
    if (f.values->rows() != data.bars() || f.values->cols() != data.symbol_count())
      throw DataError(source + ": field '" + f.name + "' is " + std::to_string(f.values->rows()) + " x " +
                      std::to_string(f.values->cols()) + " (bars x symbols); expected " + std::to_string(data.bars()) +
                      " x " + std::to_string(data.symbol_count()) + " to match the timestamps and symbols");
  }
  if (data.live.size() == 0) return;
  if (data.live.rows() != data.bars() || data.live.cols() != data.symbol_count())
    throw DataError(source + ": availability is " + std::to_string(data.live.rows()) + " x " +
                    std::to_string(data.live.cols()) + " (bars x symbols); expected " + std::to_string(data.bars()) +
                    " x " + std::to_string(data.symbol_count()));
  for (Eigen::Index s = 0; s < data.symbol_count(); ++s) {
    bool any = false;
    for (Eigen::Index t = 0; t < data.bars(); ++t) {
      const int v = data.live(t, s);
      if (v > 1)
        throw DataError(source + ": availability of symbol " + data.symbols[static_cast<std::size_t>(s)] + " at bar " +
                        std::to_string(t) + " is " + std::to_string(v) + "; expected 0 or 1");
      any = any || v == 1;
    }
    if (!any)
      throw DataError(source + ": symbol " + data.symbols[static_cast<std::size_t>(s)] +
                      " is live at no bar; expected at least one bar of its own");
  }
  for (Eigen::Index t = 0; t < data.bars(); ++t)
    if (data.live.row(t).maxCoeff() == 0)
      throw DataError(source + ": bar " + std::to_string(t) + " (" +
                      format_timestamp(data.timestamps[static_cast<std::size_t>(t)]) +
                      "): no symbol is live; expected at least one symbol with a bar");
}

void check_timestamps(const MarketData& data, const std::string& source) {
  for (std::size_t i = 1; i < data.timestamps.size(); ++i) {
    if (data.timestamps[i] <= data.timestamps[i - 1])
      throw DataError(source + ": bar " + std::to_string(i) + " (" + format_timestamp(data.timestamps[i]) +
                      "): timestamp is not after bar " + std::to_string(i - 1) + " (" +
                      format_timestamp(data.timestamps[i - 1]) + "); expected strictly increasing timestamps");
  }
}

// The first broken rule of one cell, as a message; empty when the cell is valid.
std::string check_cell(const MarketData& data, const std::string& source, Eigen::Index t, Eigen::Index s) {
  const double o = data.open(t, s), h = data.high(t, s), l = data.low(t, s), c = data.close(t, s),
               v = data.volume(t, s);
  const Field fields[] = {{"open", &data.open}, {"high", &data.high}, {"low", &data.low},
                          {"close", &data.close}, {"volume", &data.volume}};
  for (const auto& f : fields) {
    const double x = (*f.values)(t, s);
    if (!std::isfinite(x)) return where(data, source, t, s, f.name) + shortest(x) + "; expected a finite number";
  }
  for (std::size_t i = 0; i < 4; ++i) {
    const double x = (*fields[i].values)(t, s);
    if (!(x > 0)) return where(data, source, t, s, fields[i].name) + shortest(x) + "; expected a price > 0";
  }
  if (v < 0) return where(data, source, t, s, "volume") + shortest(v) + "; expected a volume >= 0";
  if (h < l)
    return where(data, source, t, s, "high") + shortest(h) + " is below low " + shortest(l) + "; expected high >= low";
  if (h < std::max(o, c))
    return where(data, source, t, s, "high") + shortest(h) + " is below max(open, close) " + shortest(std::max(o, c)) +
           "; expected high >= max(open, close)";
  if (l > std::min(o, c))
    return where(data, source, t, s, "low") + shortest(l) + " is above min(open, close) " + shortest(std::min(o, c)) +
           "; expected low <= min(open, close)";
  return {};
}

}  // namespace

std::size_t MarketData::bytes() const { return MarketView(*this).bytes(); }

namespace {

PriceView view_of(const PriceMatrix& m) { return PriceView(m.data(), m.rows(), m.cols(), Eigen::OuterStride<>(m.rows())); }
LiveView view_of(const LiveMatrix& m) { return LiveView(m.data(), m.rows(), m.cols(), Eigen::OuterStride<>(m.rows())); }

void reseat(PriceView& view, const PriceView& other) {
  // NOTE: the documented way to point an Eigen::Map at other memory.
  new (&view) PriceView(other.data(), other.rows(), other.cols(), Eigen::OuterStride<>(other.outerStride()));
}

void reseat(LiveView& view, const LiveView& other) {
  new (&view) LiveView(other.data(), other.rows(), other.cols(), Eigen::OuterStride<>(other.outerStride()));
}

}  // namespace

MarketView::MarketView(const MarketData& data)
    : symbols(data.symbols),
      timestamps(data.timestamps),
      open(view_of(data.open)),
      high(view_of(data.high)),
      low(view_of(data.low)),
      close(view_of(data.close)),
      volume(view_of(data.volume)),
      live(view_of(data.live)) {}

MarketView& MarketView::operator=(const MarketView& other) {
  symbols = other.symbols;
  timestamps = other.timestamps;
  reseat(open, other.open);
  reseat(high, other.high);
  reseat(low, other.low);
  reseat(close, other.close);
  reseat(volume, other.volume);
  reseat(live, other.live);
  return *this;
}

std::size_t MarketView::bytes() const {
  const auto cells = static_cast<std::size_t>(open.size() + high.size() + low.size() + close.size() + volume.size());
  return timestamps.size() * sizeof(std::int64_t) + cells * sizeof(double) + static_cast<std::size_t>(live.size());
}

void validate(const MarketData& data, const std::string& source) {
  check_shapes(data, source);
  check_timestamps(data, source);
  for (Eigen::Index s = 0; s < data.symbol_count(); ++s) {
    const double* o = data.open.col(s).data();
    const double* h = data.high.col(s).data();
    const double* l = data.low.col(s).data();
    const double* c = data.close.col(s).data();
    const double* v = data.volume.col(s).data();
    for (Eigen::Index t = 0; t < data.bars(); ++t) {
      // NOTE: written so that NaN fails the test; the slow path then names the first broken rule.
      const bool ok = std::isfinite(o[t]) && std::isfinite(h[t]) && std::isfinite(l[t]) && std::isfinite(c[t]) &&
                      std::isfinite(v[t]) && o[t] > 0 && c[t] > 0 && l[t] > 0 && v[t] >= 0 && h[t] >= l[t] &&
                      h[t] >= std::max(o[t], c[t]) && l[t] <= std::min(o[t], c[t]);
      if (!ok) throw DataError(check_cell(data, source, t, s));
    }
    // Every return the backtests compute (close to close, open to close, the gap, a stop within the
    // bar) is a ratio of two prices of adjacent bars: refused here when one is not a finite number.
    for (Eigen::Index t = 1; t < data.bars(); ++t) {
      const double top = std::max(h[t], h[t - 1]);
      const double bottom = std::min(l[t], l[t - 1]);
      if (!std::isfinite(top / bottom) || !(bottom / top > 0))
        throw DataError(source + ": bar " + std::to_string(t) + " (" +
                        format_timestamp(data.timestamps[static_cast<std::size_t>(t)]) + "), symbol " +
                        data.symbols[static_cast<std::size_t>(s)] + ": prices " + shortest(bottom) + " and " +
                        shortest(top) + " of bars " + std::to_string(t - 1) + " and " + std::to_string(t) +
                        " are too far apart for a return (their ratio is not a finite non-zero number)");
    }
  }
}

double infer_bars_per_year(const MarketView& data) {
  if (data.timestamps.size() < 2 || data.timestamps.back() <= data.timestamps.front())
    throw DataError("cannot infer bars per year: the data spans no time (" + std::to_string(data.timestamps.size()) +
                    " bar(s)); expected at least 2 bars with increasing timestamps");
  constexpr double seconds_per_year = 365.2425 * 86400.0;
  const double years = static_cast<double>(data.timestamps.back() - data.timestamps.front()) / seconds_per_year;
  return static_cast<double>(data.timestamps.size() - 1) / years;
}

}  // namespace genepool
