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
  if (files.size() == 1) {
    const File& f = files.front();
    return "loaded " + f.path.filename().string() + ": " + std::to_string(f.symbols.size()) +
           (f.symbols.size() == 1 ? " symbol, " : " symbols, ") + std::to_string(common_bars) + " bars" + span;
  }
  std::string s = "aligned " + std::to_string(files.size()) + " files on " + std::to_string(common_bars) +
                  " common bars" + span + ";";
  for (std::size_t i = 0; i < files.size(); ++i)
    s += (i ? ", " : " ") + display_name(files[i]) + " dropped " + std::to_string(files[i].bars_dropped);
  return s;
}

bool is_hdf5_path(const std::filesystem::path& file) {
  std::string ext = file.extension().string();
  for (char& c : ext) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return ext == ".h5" || ext == ".hdf5";
}

MarketData load_market_data(const std::vector<std::filesystem::path>& files, LoadReport* report) {
  if (files.empty()) throw DataError("no market data files given; expected at least one CSV or .h5 file");
  std::vector<MarketData> parts;
  std::vector<FileDigest> digests(files.size());
  parts.reserve(files.size());
  for (std::size_t i = 0; i < files.size(); ++i) {
    if (is_hdf5_path(files[i])) {
      parts.push_back(read_hdf5_market_data(files[i]));
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

  std::vector<std::int64_t> common = parts.front().timestamps;
  for (std::size_t i = 1; i < parts.size(); ++i) {
    std::vector<std::int64_t> next;
    std::set_intersection(common.begin(), common.end(), parts[i].timestamps.begin(), parts[i].timestamps.end(),
                          std::back_inserter(next));
    common.swap(next);
  }
  if (common.size() < 2)
    throw DataError(std::to_string(common.size()) + " timestamp(s) common to all " + std::to_string(files.size()) +
                    " files: " + ranges(files, parts) + "; expected at least 2 shared bars to align on");

  if (report) {
    *report = LoadReport{};
    for (std::size_t i = 0; i < parts.size(); ++i)
      report->files.push_back({files[i], parts[i].symbols, parts[i].bars(),
                               parts[i].bars() - static_cast<std::int64_t>(common.size()), std::move(digests[i])});
    report->common_bars = static_cast<std::int64_t>(common.size());
    report->first_timestamp = common.front();
    report->last_timestamp = common.back();
  }
  if (parts.size() == 1) return std::move(parts.front());

  MarketData panel;
  panel.timestamps = std::move(common);
  Eigen::Index symbol_total = 0;
  for (const auto& p : parts) symbol_total += p.symbol_count();
  auto out = fields_of(panel);
  for (auto* m : out) m->resize(panel.bars(), symbol_total);

  Eigen::Index column = 0;
  std::string source = "aligned panel of";
  for (std::size_t i = 0; i < parts.size(); ++i) {
    const MarketData& p = parts[i];
    source += (i ? ", " : " ") + files[i].string();
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
