#include "genepool/io/market_data_hdf5.hpp"

#include <array>
#include <limits>
#include <system_error>
#include <vector>

#include "genepool/data/availability.hpp"
#include "genepool/error.hpp"
#include "genepool/io/input_file.hpp"
#include "genepool/io/hdf5.hpp"
#include "genepool/io/output_file.hpp"
#include "genepool/memory.hpp"

namespace genepool {
namespace {

namespace fs = std::filesystem;

constexpr const char* format_tag = "genepool-market-data";
constexpr int format_version = 1;
constexpr std::array<const char*, 5> field_names = {"open", "high", "low", "close", "volume"};

std::array<PriceMatrix*, 5> fields_of(MarketData& d) { return {&d.open, &d.high, &d.low, &d.close, &d.volume}; }
std::array<const PriceMatrix*, 5> fields_of(const MarketData& d) {
  return {&d.open, &d.high, &d.low, &d.close, &d.volume};
}

void check_format(hdf5::Reader& r, const H5::H5File& file, const std::string& name) {
  const auto fail = [&name](const std::string& what) { throw DataError(name + ": " + what); };
  if (!r.has_attribute(file, "format"))
    fail("no root attribute 'format'; expected format = \"" + std::string(format_tag) +
         "\" (is this a genepool market-data file?)");
  if (file.openAttribute("format").getTypeClass() != H5T_STRING)
    fail("root attribute 'format' is not a string; expected \"" + std::string(format_tag) + "\"");
  if (const std::string value = r.text(file, "format"); value != format_tag)
    fail("root attribute 'format' is \"" + value + "\"; expected \"" + std::string(format_tag) + "\"");
  if (!r.has_attribute(file, "format_version"))
    fail("no root attribute 'format_version'; expected " + std::to_string(format_version));
  if (const auto v = r.number<std::int32_t>(file, "format_version"); v != format_version)
    fail("root attribute 'format_version' is " + std::to_string(v) + "; this program reads version " +
         std::to_string(format_version));
}

MarketData read_file(hdf5::Reader& r, const H5::H5File& file, const std::string& name) {
  check_format(r, file, name);
  MarketData data;
  data.timestamps = r.numbers<std::int64_t>("/timestamps", 1);
  data.symbols = r.strings("/symbols", 1);
  const std::vector<hsize_t> panel = {data.symbols.size(), data.timestamps.size()};
  auto fields = fields_of(data);
  if (const std::string shortfall = memory_shortfall({panel[0], panel[1], fields.size(), sizeof(double)});
      !shortfall.empty())
    throw DataError(name + ": " + std::to_string(panel[1]) + " bars x " + std::to_string(panel[0]) + " symbols: " +
                    shortfall + " for the " + std::to_string(fields.size()) + " price fields");
  for (std::size_t f = 0; f < fields.size(); ++f) {
    const std::string path = std::string("/") + field_names[f];
    const auto dims = hdf5::Reader::dims(r.dataset(path, H5T_FLOAT));
    if (dims != panel)
      throw DataError(name + ": dataset '" + path + "' has shape " + hdf5::shape_text(dims) + "; expected " +
                      hdf5::shape_text(panel) + " (symbols x bars, from /symbols and /timestamps)");
    // NOTE: symbols x bars row-major is the bars x symbols column-major PriceMatrix.
    fields[f]->resize(static_cast<Eigen::Index>(panel[1]), static_cast<Eigen::Index>(panel[0]));
    r.numbers_shaped<double>(path, panel, fields[f]->data());
  }
  return data;
}

void write_file(const MarketData& data, AtomicFile& output, hdf5::Writer& w) {
  H5::H5File file = hdf5::create(output);
  w.text(file, "format", format_tag);
  w.number(file, "format_version", std::int32_t{format_version});
  const hsize_t bars = data.timestamps.size();
  const hsize_t symbols = data.symbols.size();
  w.array(file, "timestamps", data.timestamps, {bars});
  w.strings(file, "symbols", data.symbols, {symbols});
  const auto fields = fields_of(data);
  for (std::size_t f = 0; f < fields.size(); ++f) {
    if (data.live.size() == 0) {
      w.array(file, field_names[f], fields[f]->data(), {symbols, bars});
      continue;
    }
    // Where a symbol is not live it has no bar: NaN, as a user's panel would hold it.
    PriceMatrix stored = *fields[f];
    for (Eigen::Index k = 0; k < stored.cols(); ++k)
      for (Eigen::Index t = 0; t < stored.rows(); ++t)
        if (data.live(t, k) == 0) stored(t, k) = std::numeric_limits<double>::quiet_NaN();
    w.array(file, field_names[f], stored.data(), {symbols, bars});
  }
  w.where() = "file";
  file.close();
}

}  // namespace

MarketData read_hdf5_panel(const std::filesystem::path& file) {
  hdf5::quiet();
  const std::string name = file.string();
  check_input_file(file, "a market-data .h5 file");
  MarketData data;
  try {
    if (!H5::H5File::isHdf5(name)) throw DataError(name + ": not an HDF5 file; expected a genepool market-data .h5 file");
    const H5::H5File h5 = hdf5::open_read(file);
    hdf5::Reader r(h5);
    try {
      data = read_file(r, h5, name);
    } catch (const H5::Exception& e) {
      throw hdf5::read_error(e, file, r.where());
    } catch (const hdf5::LayoutError& e) {
      throw DataError(name + ": " + e.what() +
                      (e.missing() ? "; expected /timestamps, /symbols, /open, /high, /low, /close and /volume" : ""));
    }
  } catch (const H5::Exception& e) {
    throw hdf5::read_error(e, file, "file");
  }
  return data;
}

MarketData read_hdf5_market_data(const std::filesystem::path& file) {
  MarketData data = read_hdf5_panel(file);
  drop_empty_bars(data);
  if (data.bars() > 0) fill_missing(data, kDefaultMaxGap, file.string());
  validate(data, file.string());
  return data;
}

void write_hdf5_market_data(const MarketData& data, const std::filesystem::path& file) {
  hdf5::quiet();
  validate(data, file.string());
  AtomicFile output(file);
  hdf5::Writer w;
  try {
    write_file(data, output, w);
  } catch (const H5::Exception& e) {
    throw hdf5::write_error(e, output, w.where(), "market-data file");
  }
  output.commit();
}

}  // namespace genepool
