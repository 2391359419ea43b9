#include "genepool/io/market_data_io.hpp"

#include <algorithm>
#include <array>
#include <cctype>
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

// The rows of `all` (strictly increasing) that hold each timestamp of `kept` (a subset of it).
std::vector<Eigen::Index> rows_of(const std::vector<std::int64_t>& all, const std::vector<std::int64_t>& kept) {
  std::vector<Eigen::Index> rows;
  rows.reserve(kept.size());
  std::size_t i = 0;
  for (std::int64_t t : kept) {
    while (all[i] != t) ++i;
    rows.push_back(static_cast<Eigen::Index>(i));
  }
  return rows;
}

std::string display_name(const LoadReport::File& f) {
  return f.symbols.size() == 1 ? f.symbols.front() : f.path.filename().string();
}

}  // namespace

std::string LoadReport::summary() const {
  const std::string span = " (" + format_timestamp(first_timestamp) + " .. " + format_timestamp(last_timestamp) + ")";
  std::string s;
  if (files.size() == 1) {
    const File& f = files.front();
    s = "loaded " + f.path.filename().string() + ": " + std::to_string(f.symbols.size()) +
        (f.symbols.size() == 1 ? " symbol, " : " symbols, ") + std::to_string(common_bars) + " bars" + span;
    if (f.bars_dropped > 0)
      s += ", " + std::to_string(f.bars_dropped) + " of its " + std::to_string(f.bars_read) +
           " bars dropped (not common to every symbol)";
  } else {
    s = "aligned " + std::to_string(files.size()) + " files on " + std::to_string(common_bars) + " common bars" + span +
        ";";
    for (std::size_t i = 0; i < files.size(); ++i)
      s += (i ? ", " : " ") + display_name(files[i]) + " dropped " + std::to_string(files[i].bars_dropped);
  }
  for (const File& f : files) {
    if (f.notes.empty()) continue;
    s += "; " + f.path.filename().string() + ":";
    for (std::size_t i = 0; i < f.notes.size(); ++i) s += (i ? ", " : " ") + f.notes[i];
  }
  return s;
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

MarketData load_market_data(const std::vector<std::filesystem::path>& files, LoadReport* report) {
  std::vector<DataSource> sources;
  for (const auto& file : files) sources.push_back({file, {}});
  return load_market_data(sources, CsvDialect{}, report);
}

MarketData load_market_data(const std::vector<DataSource>& sources, const CsvDialect& dialect, LoadReport* report) {
  if (sources.empty()) throw DataError("no market data files given; expected at least one CSV or .h5 file");
  std::vector<Part> parts;
  std::vector<LoadReport::File> read(sources.size());
  for (std::size_t i = 0; i < sources.size(); ++i) {
    const DataSource& source = sources[i];
    read[i].path = source.path;
    if (is_hdf5_path(source.path)) {
      MarketData panel = read_hdf5_market_data(source.path);
      read[i].digest = {sha256_file(source.path), static_cast<std::uint64_t>(std::filesystem::file_size(source.path))};
      if (!source.symbol.empty()) {
        if (panel.symbol_count() != 1)
          throw ConfigError("--data " + source.symbol + "=" + source.path.string() + ": the file holds " +
                            std::to_string(panel.symbol_count()) + " symbols; expected NAME= only for a file of one");
        panel.symbols.front() = source.symbol;
      }
      parts.push_back({i, false, std::move(panel)});
    } else {
      CsvFile csv = read_csv_file(source.path, dialect, source.symbol);
      read[i].digest = std::move(csv.digest);
      read[i].notes = std::move(csv.notes);
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

  std::vector<std::int64_t> common = parts.front().data.timestamps;
  for (std::size_t i = 1; i < parts.size(); ++i) {
    std::vector<std::int64_t> next;
    const auto& t = parts[i].data.timestamps;
    std::set_intersection(common.begin(), common.end(), t.begin(), t.end(), std::back_inserter(next));
    common.swap(next);
  }
  if (common.size() < 2)
    throw DataError(std::to_string(common.size()) + " timestamp(s) common to all " +
                    (parts.size() == sources.size() ? std::to_string(sources.size()) + " files: "
                                                    : std::to_string(parts.size()) + " series of " +
                                                          std::to_string(sources.size()) + " file(s): ") +
                    ranges(sources, parts) + "; expected at least 2 shared bars to align on");

  for (const Part& part : parts) {
    LoadReport::File& f = read[part.file];
    f.symbols.insert(f.symbols.end(), part.data.symbols.begin(), part.data.symbols.end());
    f.bars_read += part.data.bars();
    f.bars_dropped += part.data.bars() - static_cast<std::int64_t>(common.size());
  }
  if (report) {
    *report = LoadReport{};
    report->files = std::move(read);
    report->common_bars = static_cast<std::int64_t>(common.size());
    report->first_timestamp = common.front();
    report->last_timestamp = common.back();
  }
  if (parts.size() == 1) return std::move(parts.front().data);

  MarketData panel;
  panel.timestamps = std::move(common);
  Eigen::Index symbol_total = 0;
  for (const auto& p : parts) symbol_total += p.data.symbol_count();
  auto out = fields_of(panel);
  for (auto* m : out) m->resize(panel.bars(), symbol_total);

  Eigen::Index column = 0;
  std::string source = "aligned panel of";
  for (std::size_t i = 0; i < sources.size(); ++i) source += (i ? ", " : " ") + sources[i].path.string();
  for (std::size_t i = 0; i < parts.size(); ++i) {
    const MarketData& p = parts[i].data;
    const auto rows = rows_of(p.timestamps, panel.timestamps);
    const auto in = fields_of(p);
    for (Eigen::Index s = 0; s < p.symbol_count(); ++s, ++column) {
      panel.symbols.push_back(p.symbols[static_cast<std::size_t>(s)]);
      for (std::size_t f = 0; f < out.size(); ++f)
        for (std::size_t k = 0; k < rows.size(); ++k)
          (*out[f])(static_cast<Eigen::Index>(k), column) = (*in[f])(rows[k], s);
    }
  }
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
