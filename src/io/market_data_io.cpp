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

// One file's series: a CSV file's symbols (one, or one per value of a symbol column), or an HDF5 panel.
struct Part {
  std::size_t file;  // index into the sources
  bool of_several;   // one of several series of its file (a long CSV file)
  MarketData data;
};

// "a.csv (2004-08-19 .. 2013-03-01, 2148 bars), long.csv AAPL (...)": every series, for an alignment error.
std::string ranges(const std::vector<DataSource>& sources, const std::vector<Part>& parts) {
  std::string s;
  for (std::size_t i = 0; i < parts.size(); ++i) {
    const MarketData& d = parts[i].data;
    s += (i ? ", " : "") + sources[parts[i].file].path.string() + (parts[i].of_several ? " " + d.symbols.front() : "") +
         " (" + range_of(d.timestamps) + ", " + std::to_string(d.bars()) + " bars)";
  }
  return s;
}

bool is_symbol_char(char c) {
  return std::isalnum(static_cast<unsigned char>(c)) || c == '.' || c == '_' || c == '-' || c == '^' || c == ':';
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

namespace {

// The load line without the files' notes.
std::string alignment_line(const LoadReport& r) {
  const std::string span = " (" + format_timestamp(r.first_timestamp) + " .. " + format_timestamp(r.last_timestamp) + ")";
  std::string s;
  const bool inner = r.options.align == Alignment::inner;
  if (r.files.size() == 1) {
    const LoadReport::File& f = r.files.front();
    s = "loaded " + f.path.filename().string() + ": " + std::to_string(f.symbols.size()) +
        (f.symbols.size() == 1 ? " symbol, " : " symbols, ") + std::to_string(r.common_bars) + " bars" + span;
    if (f.bars_dropped == 0 && std::all_of(r.symbols.begin(), r.symbols.end(), [&](const SymbolAvailability& a) {
          return a.own == r.common_bars;
        }))
      return s + (r.empty_bars ? "; " + std::to_string(r.empty_bars) + " bars with no symbol dropped" : "");
    s += inner ? " (inner)" : " (union, max-gap " + std::to_string(r.options.max_gap) + ")";
  } else {
    s = "aligned " + std::to_string(r.files.size()) + " files (" + std::string(to_string(r.options.align)) +
        (inner ? "" : ", max-gap " + std::to_string(r.options.max_gap)) + ") on " + std::to_string(r.common_bars) +
        (inner ? " common bars" : " bars") + span;
  }
  s += ";";
  if (r.empty_bars) s += " " + std::to_string(r.empty_bars) + " bars with no symbol dropped;";
  if (inner) {
    std::size_t symbol = 0;
    for (std::size_t i = 0; i < r.files.size(); ++i) {
      const LoadReport::File& f = r.files[i];
      s += (i ? ", " : " ") + display_name(f);
      if (f.symbols.size() == 1 && symbol < r.first_timestamps.size())
        s += " " + format_timestamp(r.first_timestamps[symbol]) + " .. " + format_timestamp(r.last_timestamps[symbol]);
      s += " dropped " + std::to_string(f.bars_dropped);
      symbol += f.symbols.size();
    }
    return s;
  }
  for (std::size_t k = 0; k < r.symbols.size(); ++k) {
    const SymbolAvailability& a = r.symbols[k];
    s += (k ? ", " : " ") + a.symbol + " " + format_timestamp(r.first_timestamps[k]) + " .. " +
         format_timestamp(r.last_timestamps[k]) + " (filled " + std::to_string(a.filled);
    if (a.before) s += "; flat before " + std::to_string(a.before);
    if (a.flat_gaps)
      s += "; flat in " + std::to_string(a.flat_gaps) + (a.flat_gaps == 1 ? " gap of " : " gaps of ") +
           std::to_string(a.flat_bars);
    if (a.after) s += "; flat after " + std::to_string(a.after);
    s += ")";
  }
  return s;
}

}  // namespace

std::string LoadReport::summary() const {
  std::string s = alignment_line(*this);
  for (const File& f : files) {
    if (f.notes.empty()) continue;
    s += "; " + f.path.filename().string() + ":";
    for (std::size_t i = 0; i < f.notes.size(); ++i) s += (i ? ", " : " ") + f.notes[i];
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

DataSource parse_data_source(const std::string& text) {
  const std::size_t equals = text.find('=');
  std::error_code ec;
  if (equals == std::string::npos || equals == 0 || text.find('=', equals + 1) != std::string::npos ||
      equals + 1 == text.size() || std::filesystem::exists(text, ec))
    return {text, {}};
  const std::string name = text.substr(0, equals);
  if (name.front() == '.' || !std::all_of(name.begin(), name.end(), is_symbol_char))
    return {text, {}};
  return {text.substr(equals + 1), name};
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
  std::vector<DataSource> sources;
  for (const auto& file : files) sources.push_back({file, {}});
  return load_market_data(sources, CsvDialect{}, report, options);
}

MarketData load_market_data(const std::vector<DataSource>& sources, const CsvDialect& dialect, LoadReport* report,
                            const LoadOptions& options, CsvRangeReaders* readers) {
  if (sources.empty()) throw DataError("no market data files given; expected at least one CSV or .h5 file");
  LoadReport local;
  LoadReport& r = report ? *report : local;
  r = LoadReport{};
  r.options = options;
  r.files.resize(sources.size());
  std::vector<Part> parts;
  for (std::size_t i = 0; i < sources.size(); ++i) {
    const DataSource& source = sources[i];
    r.files[i].path = source.path;
    if (is_hdf5_path(source.path)) {
      MarketData panel = read_hdf5_panel(source.path);
      r.files[i].digest = {sha256_file(source.path), static_cast<std::uint64_t>(std::filesystem::file_size(source.path))};
      if (!source.symbol.empty()) {
        if (panel.symbol_count() != 1)
          throw ConfigError("--data " + source.symbol + "=" + source.path.string() + ": the file holds " +
                            std::to_string(panel.symbol_count()) + " symbols; expected NAME= only for a file of one");
        panel.symbols.front() = source.symbol;
      }
      parts.push_back({i, false, std::move(panel)});
    } else {
      CsvFile csv = read_csv_file(source.path, dialect, source.symbol, readers);
      r.files[i].digest = std::move(csv.digest);
      r.files[i].notes = std::move(csv.notes);
      const bool several = csv.series.size() > 1;
      for (MarketData& series : csv.series) parts.push_back({i, several, std::move(series)});
    }
  }

  std::map<std::string, std::size_t> owner;  // symbol -> index of the file that holds it
  for (const Part& part : parts)
    for (const auto& s : part.data.symbols) {
      const auto [it, fresh] = owner.emplace(s, part.file);
      if (!fresh)
        throw DataError("symbol " + s + " is in both " + sources[it->second].path.string() + " and " +
                        sources[part.file].path.string() +
                        "; expected each symbol once (a CSV file's symbol is its file name, or name it: --data NAME=FILE)");
    }

  const bool inner = options.align == Alignment::inner;
  for (Part& part : parts) {
    LoadReport::File& f = r.files[part.file];
    r.empty_bars += drop_empty_bars(part.data);
    if (part.data.bars() == 0)
      throw DataError(sources[part.file].path.string() + ": no bar has a close; expected at least one bar");
    f.symbols.insert(f.symbols.end(), part.data.symbols.begin(), part.data.symbols.end());
    f.bars_read += part.data.bars();
    own_spans(part.data, r.first_timestamps, r.last_timestamps);
    if (inner && has_missing(part.data)) {
      const std::int64_t before = part.data.bars();
      keep_complete_bars(part.data);
      f.bars_dropped += before - part.data.bars();
    }
  }

  std::vector<std::int64_t> timestamps = parts.front().data.timestamps;
  for (std::size_t i = 1; i < parts.size(); ++i) {
    std::vector<std::int64_t> next;
    const auto& t = parts[i].data.timestamps;
    if (inner) {
      std::set_intersection(timestamps.begin(), timestamps.end(), t.begin(), t.end(), std::back_inserter(next));
    } else {
      std::set_union(timestamps.begin(), timestamps.end(), t.begin(), t.end(), std::back_inserter(next));
    }
    timestamps.swap(next);
  }
  if (timestamps.size() < 2) {
    const std::string series = parts.size() == sources.size()
                                   ? std::to_string(sources.size()) + " files: "
                                   : std::to_string(parts.size()) + " series of " + std::to_string(sources.size()) +
                                         " file(s): ";
    throw DataError(std::to_string(timestamps.size()) + " timestamp(s) " +
                    (inner ? "common to all " + series : "in the " + series) + ranges(sources, parts) +
                    "; expected at least 2 " + (inner ? "shared bars to align on" : "bars"));
  }

  std::string source = sources.size() == 1 ? sources.front().path.string() : "aligned panel of";
  MarketData panel;
  if (parts.size() == 1) {
    panel = std::move(parts.front().data);
  } else {
    if (sources.size() > 1)
      for (std::size_t i = 0; i < sources.size(); ++i) source += (i ? ", " : " ") + sources[i].path.string();
    panel.timestamps = std::move(timestamps);
    Eigen::Index symbol_total = 0;
    for (const auto& p : parts) symbol_total += p.data.symbol_count();
    auto out = fields_of(panel);
    for (auto* m : out) m->setConstant(panel.bars(), symbol_total, std::numeric_limits<double>::quiet_NaN());
    Eigen::Index column = 0;
    for (const Part& part : parts) {
      const MarketData& p = part.data;
      // rows[j]: the panel's bar of the part's bar j, or -1 when the panel has no such bar (inner).
      std::vector<Eigen::Index> rows(p.timestamps.size(), -1);
      for (std::size_t j = 0, t = 0; j < p.timestamps.size(); ++j) {
        while (t < panel.timestamps.size() && panel.timestamps[t] < p.timestamps[j]) ++t;
        if (t < panel.timestamps.size() && panel.timestamps[t] == p.timestamps[j]) rows[j] = static_cast<Eigen::Index>(t);
      }
      if (inner)
        r.files[part.file].bars_dropped +=
            static_cast<std::int64_t>(std::count(rows.begin(), rows.end(), Eigen::Index{-1}));
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
