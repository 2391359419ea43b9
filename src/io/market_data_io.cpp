#include "genepool/io/market_data_io.hpp"

#include <algorithm>
#include <array>
#include <cctype>
#include <cmath>
#include <cstdio>
#include <limits>
#include <iterator>
#include <map>

#include "genepool/error.hpp"
#include "genepool/io/market_data_csv.hpp"
#include "genepool/io/market_data_hdf5.hpp"
#include "genepool/data/timestamp.hpp"

namespace genepool {
namespace {

namespace fs = std::filesystem;

std::string range_of(const std::vector<std::int64_t>& t) {
  if (t.empty()) return "no bars";
  return format_timestamp(t.front()) + " .. " + format_timestamp(t.back());
}

// "a.csv (2004-08-19 .. 2013-03-01, 2148 bars), b.csv (...)": every file, for an alignment error.
std::string ranges(const std::vector<fs::path>& files, const std::vector<MarketData>& parts) {
  std::string s;
  for (std::size_t i = 0; i < files.size(); ++i) {
    if (i) s += ", ";
    s += files[i].string() + " (" + range_of(parts[i].timestamps) + ", " + std::to_string(parts[i].bars()) + " bars)";
  }
  return s;
}

std::array<PriceMatrix*, 5> fields_of(MarketData& d) { return {&d.open, &d.high, &d.low, &d.close, &d.volume}; }
std::array<const PriceMatrix*, 5> fields_of(const MarketData& d) {
  return {&d.open, &d.high, &d.low, &d.close, &d.volume};
}

std::string display_name(const LoadReport::File& f) {
  return f.symbols.size() == 1 ? f.symbols.front() : f.path.filename().string();
}

}  // namespace

std::string_view to_string(Alignment align) { return align == Alignment::inner ? "inner" : "union"; }

Alignment parse_alignment(std::string_view text, std::string_view key) {
  if (text == "union") return Alignment::union_bars;
  if (text == "inner") return Alignment::inner;
  throw ConfigError(std::string(key) + ": '" + std::string(text) + "' is not an alignment; expected union or inner");
}

std::string LoadReport::summary() const {
  const std::string span = " (" + format_timestamp(first_timestamp) + " .. " + format_timestamp(last_timestamp) + ")";
  std::string s;
  const bool inner = options.align == Alignment::inner;
  if (files.size() == 1) {
    const File& f = files.front();
    s = "loaded " + f.path.filename().string() + ": " + std::to_string(f.symbols.size()) +
        (f.symbols.size() == 1 ? " symbol, " : " symbols, ") + std::to_string(common_bars) + " bars" + span;
    if (f.bars_dropped == 0 && std::all_of(symbols.begin(), symbols.end(), [&](const SymbolAvailability& a) {
          return a.own == common_bars;
        }))
      return s + (empty_bars ? "; " + std::to_string(empty_bars) + " bars with no symbol dropped" : "");
    s += inner ? " (inner)" : " (union, max-gap " + std::to_string(options.max_gap) + ")";
  } else {
    s = "aligned " + std::to_string(files.size()) + " files (" + std::string(to_string(options.align)) +
        (inner ? "" : ", max-gap " + std::to_string(options.max_gap)) + ") on " + std::to_string(common_bars) +
        (inner ? " common bars" : " bars") + span;
  }
  s += ";";
  if (empty_bars) s += " " + std::to_string(empty_bars) + " bars with no symbol dropped;";
  if (inner) {
    std::size_t symbol = 0;
    for (std::size_t i = 0; i < files.size(); ++i) {
      const File& f = files[i];
      s += (i ? ", " : " ") + display_name(f);
      if (f.symbols.size() == 1 && symbol < first_timestamps.size())
        s += " " + format_timestamp(first_timestamps[symbol]) + " .. " + format_timestamp(last_timestamps[symbol]);
      s += " dropped " + std::to_string(f.bars_dropped);
      symbol += f.symbols.size();
    }
    return s;
  }
  for (std::size_t k = 0; k < symbols.size(); ++k) {
    const SymbolAvailability& a = symbols[k];
    s += (k ? ", " : " ") + a.symbol + " " + format_timestamp(first_timestamps[k]) + " .. " +
         format_timestamp(last_timestamps[k]) + " (filled " + std::to_string(a.filled);
    if (a.before) s += "; flat before " + std::to_string(a.before);
    if (a.flat_gaps)
      s += "; flat in " + std::to_string(a.flat_gaps) + (a.flat_gaps == 1 ? " gap of " : " gaps of ") +
           std::to_string(a.flat_bars);
    if (a.after) s += "; flat after " + std::to_string(a.after);
    s += ")";
  }
  return s;
}

std::vector<std::string> LoadReport::inner_losses() const {
  std::vector<std::string> lines;
  if (options.align != Alignment::inner) return lines;
  for (const File& f : files) {
    if (f.bars_read == 0 || static_cast<double>(f.bars_dropped) <= kInnerLossWarning * static_cast<double>(f.bars_read))
      continue;
    const double percent = 100.0 * static_cast<double>(f.bars_dropped) / static_cast<double>(f.bars_read);
    char share[32];
    std::snprintf(share, sizeof share, "%.1f%%", percent);
    lines.push_back("align = inner dropped " + std::to_string(f.bars_dropped) + " of " + std::to_string(f.bars_read) +
                    " bars (" + share + ") of " + display_name(f));
  }
  return lines;
}

bool is_hdf5_path(const std::filesystem::path& file) {
  std::string ext = file.extension().string();
  for (char& c : ext) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return ext == ".h5" || ext == ".hdf5";
}

namespace {

// True when some symbol of `part` misses some bar (an HDF5 panel's NaN cells).
bool has_missing(const MarketData& part) { return part.close.array().isNaN().any(); }

// Each symbol's first and last timestamp of its own bars.
void own_spans(const MarketData& part, std::vector<std::int64_t>& first, std::vector<std::int64_t>& last) {
  for (Eigen::Index k = 0; k < part.symbol_count(); ++k) {
    Eigen::Index a = 0, b = part.bars() - 1;
    while (a < b && std::isnan(part.close(a, k))) ++a;
    while (b > a && std::isnan(part.close(b, k))) --b;
    first.push_back(part.timestamps[static_cast<std::size_t>(a)]);
    last.push_back(part.timestamps[static_cast<std::size_t>(b)]);
  }
}

}  // namespace

MarketData load_market_data(const std::vector<std::filesystem::path>& files, LoadReport* report,
                            const LoadOptions& options) {
  if (files.empty()) throw DataError("no market data files given; expected at least one CSV or .h5 file");
  std::vector<MarketData> parts;
  std::vector<FileDigest> digests(files.size());
  parts.reserve(files.size());
  for (std::size_t i = 0; i < files.size(); ++i) {
    if (is_hdf5_path(files[i])) {
      parts.push_back(read_hdf5_panel(files[i]));
      digests[i] = {sha256_file(files[i]), static_cast<std::uint64_t>(std::filesystem::file_size(files[i]))};
    } else {
      parts.push_back(read_csv(files[i], {}, &digests[i]));
    }
  }

  std::map<std::string, std::size_t> owner;  // symbol -> index of the file that holds it
  for (std::size_t i = 0; i < parts.size(); ++i)
    for (const auto& s : parts[i].symbols)
      if (const auto [it, fresh] = owner.emplace(s, i); !fresh)
        throw DataError("symbol " + s + " is in both " + files[it->second].string() + " and " + files[i].string() +
                        "; expected each symbol once (a CSV file's symbol is its file name)");

  LoadReport local;
  LoadReport& r = report ? *report : local;
  r = LoadReport{};
  r.options = options;
  for (std::size_t i = 0; i < parts.size(); ++i) {
    r.empty_bars += drop_empty_bars(parts[i]);
    if (parts[i].bars() == 0) throw DataError(files[i].string() + ": no bar has a close; expected at least one bar");
    r.files.push_back({files[i], parts[i].symbols, parts[i].bars(), 0, std::move(digests[i])});
    own_spans(parts[i], r.first_timestamps, r.last_timestamps);
  }
  const bool inner = options.align == Alignment::inner;
  if (inner) {
    for (std::size_t i = 0; i < parts.size(); ++i) {
      if (!has_missing(parts[i])) continue;
      keep_complete_bars(parts[i]);
      r.files[i].bars_dropped = r.files[i].bars_read - parts[i].bars();
    }
  }

  std::vector<std::int64_t> timestamps = parts.front().timestamps;
  for (std::size_t i = 1; i < parts.size(); ++i) {
    std::vector<std::int64_t> next;
    if (inner) {
      std::set_intersection(timestamps.begin(), timestamps.end(), parts[i].timestamps.begin(),
                            parts[i].timestamps.end(), std::back_inserter(next));
    } else {
      std::set_union(timestamps.begin(), timestamps.end(), parts[i].timestamps.begin(), parts[i].timestamps.end(),
                     std::back_inserter(next));
    }
    timestamps.swap(next);
  }
  if (timestamps.size() < 2)
    throw DataError(std::to_string(timestamps.size()) + " timestamp(s) " +
                    (inner ? "common to all " + std::to_string(files.size()) + " files: "
                           : "in the " + std::to_string(files.size()) + " file(s): ") +
                    ranges(files, parts) + "; expected at least 2 " + (inner ? "shared bars to align on" : "bars"));

  std::string source = files.size() == 1 ? files.front().string() : "aligned panel of";
  MarketData panel;
  if (parts.size() == 1) {
    panel = std::move(parts.front());
  } else {
    panel.timestamps = std::move(timestamps);
    Eigen::Index symbol_total = 0;
    for (const auto& p : parts) symbol_total += p.symbol_count();
    auto out = fields_of(panel);
    for (auto* m : out) m->setConstant(panel.bars(), symbol_total, std::numeric_limits<double>::quiet_NaN());
    Eigen::Index column = 0;
    for (std::size_t i = 0; i < parts.size(); ++i) {
      const MarketData& p = parts[i];
      source += (i ? ", " : " ") + files[i].string();
      // rows[j]: the panel's bar of the part's bar j, or -1 when the panel has no such bar (inner).
      std::vector<Eigen::Index> rows(p.timestamps.size(), -1);
      for (std::size_t j = 0, t = 0; j < p.timestamps.size(); ++j) {
        while (t < panel.timestamps.size() && panel.timestamps[t] < p.timestamps[j]) ++t;
        if (t < panel.timestamps.size() && panel.timestamps[t] == p.timestamps[j]) rows[j] = static_cast<Eigen::Index>(t);
      }
      if (inner) {
        r.files[i].bars_dropped +=
            static_cast<std::int64_t>(std::count(rows.begin(), rows.end(), Eigen::Index{-1}));
      }
      const auto in = fields_of(p);
      for (Eigen::Index s = 0; s < p.symbol_count(); ++s, ++column) {
        panel.symbols.push_back(p.symbols[static_cast<std::size_t>(s)]);
        for (std::size_t f = 0; f < out.size(); ++f)
          for (std::size_t j = 0; j < rows.size(); ++j)
            if (rows[j] >= 0) (*out[f])(rows[j], column) = (*in[f])(static_cast<Eigen::Index>(j), s);
      }
    }
  }
  r.symbols = fill_missing(panel, options.max_gap, source);
  r.common_bars = panel.bars();
  r.first_timestamp = panel.timestamps.front();
  r.last_timestamp = panel.timestamps.back();
  validate(panel, source);
  return panel;
}

void save_market_data(const MarketData& data, const std::filesystem::path& file) {
  if (is_hdf5_path(file)) {
    write_hdf5_market_data(data, file);
    return;
  }
  if (data.symbol_count() != 1)
    throw ConfigError(file.string() + ": a CSV file holds one symbol, this panel has " +
                      std::to_string(data.symbol_count()) + "; save it as a .h5 file instead");
  write_csv(data, file);
}

}  // namespace genepool
