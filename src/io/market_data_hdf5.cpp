#include "genepool/io/market_data_hdf5.hpp"

#include <H5Cpp.h>

#include <array>
#include <system_error>
#include <vector>

#include "genepool/error.hpp"

namespace genepool {
namespace {

namespace fs = std::filesystem;

constexpr const char* format_tag = "genepool-market-data";
constexpr int format_version = 1;
constexpr std::array<const char*, 5> field_names = {"open", "high", "low", "close", "volume"};

// The C++ API prints an error stack on every exception unless told once not to.
void quiet_hdf5() {
  static const bool quiet = [] {
    H5::Exception::dontPrint();
    return true;
  }();
  (void)quiet;
}

std::array<PriceMatrix*, 5> fields_of(MarketData& d) { return {&d.open, &d.high, &d.low, &d.close, &d.volume}; }
std::array<const PriceMatrix*, 5> fields_of(const MarketData& d) {
  return {&d.open, &d.high, &d.low, &d.close, &d.volume};
}

std::string shape(const std::vector<hsize_t>& dims) {
  std::string s;
  for (hsize_t d : dims) {
    s += '[';
    s += std::to_string(d);
    s += ']';
  }
  return s.empty() ? "a scalar" : s;
}

std::vector<hsize_t> dims_of(const H5::DataSet& ds) {
  const H5::DataSpace space = ds.getSpace();
  std::vector<hsize_t> dims(static_cast<std::size_t>(space.getSimpleExtentNdims()));
  if (!dims.empty()) space.getSimpleExtentDims(dims.data());
  return dims;
}

// Reads one file; `where` names the dataset or attribute at hand for HDF5's own errors.
class Hdf5Reader {
 public:
  Hdf5Reader(const fs::path& file, std::string& where) : name_(file.string()), where_(where) {}

  MarketData read() {
    where_ = "file";
    H5::H5File file(name_, H5F_ACC_RDONLY);
    check_format(file);
    MarketData data;
    data.timestamps = read_timestamps(file);
    data.symbols = read_symbols(file);
    const auto bars = static_cast<hsize_t>(data.timestamps.size());
    const auto symbols = static_cast<hsize_t>(data.symbols.size());
    auto fields = fields_of(data);
    for (std::size_t f = 0; f < fields.size(); ++f) {
      const std::string path = std::string("/") + field_names[f];
      H5::DataSet ds = open(file, path, H5T_FLOAT, "float64");
      const auto dims = dims_of(ds);
      if (dims != std::vector<hsize_t>{symbols, bars})
        fail("dataset '" + path + "' has shape " + shape(dims) + "; expected " + shape({symbols, bars}) +
             " (symbols x bars, from /symbols and /timestamps)");
      fields[f]->resize(static_cast<Eigen::Index>(bars), static_cast<Eigen::Index>(symbols));
      if (bars * symbols > 0) ds.read(fields[f]->data(), H5::PredType::NATIVE_DOUBLE);
    }
    where_ = "file";
    file.close();
    return data;
  }

 private:
  [[noreturn]] void fail(const std::string& what) const { throw DataError(name_ + ": " + what); }

  H5::DataSet open(const H5::H5File& file, const std::string& path, H5T_class_t type_class, const char* type_name) {
    where_ = "dataset '" + path + "'";
    if (!file.nameExists(path))
      fail("missing dataset '" + path +
           "'; expected /timestamps, /symbols, /open, /high, /low, /close and /volume");
    H5::DataSet ds = file.openDataSet(path);
    if (ds.getTypeClass() != type_class) fail("dataset '" + path + "' is not " + type_name + "; expected " + type_name);
    return ds;
  }

  void check_format(const H5::H5File& file) {
    where_ = "attribute 'format'";
    if (!file.attrExists("format"))
      fail("no root attribute 'format'; expected format = \"" + std::string(format_tag) +
           "\" (is this a genepool market-data file?)");
    const H5::Attribute tag = file.openAttribute("format");
    if (tag.getTypeClass() != H5T_STRING) fail("root attribute 'format' is not a string; expected \"" + std::string(format_tag) + "\"");
    std::string value;
    tag.read(tag.getStrType(), value);
    if (value != format_tag)
      fail("root attribute 'format' is \"" + value + "\"; expected \"" + std::string(format_tag) + "\"");

    where_ = "attribute 'format_version'";
    if (!file.attrExists("format_version"))
      fail("no root attribute 'format_version'; expected " + std::to_string(format_version));
    const H5::Attribute version = file.openAttribute("format_version");
    if (version.getTypeClass() != H5T_INTEGER || version.getSpace().getSimpleExtentNpoints() != 1)
      fail("root attribute 'format_version' is not one integer; expected " + std::to_string(format_version));
    int v = 0;
    version.read(H5::PredType::NATIVE_INT, &v);
    if (v != format_version)
      fail("root attribute 'format_version' is " + std::to_string(v) + "; this program reads version " +
           std::to_string(format_version));
  }

  std::vector<std::int64_t> read_timestamps(const H5::H5File& file) {
    H5::DataSet ds = open(file, "/timestamps", H5T_INTEGER, "int64");
    const auto dims = dims_of(ds);
    if (dims.size() != 1) fail("dataset '/timestamps' has shape " + shape(dims) + "; expected [bars]");
    std::vector<std::int64_t> t(static_cast<std::size_t>(dims[0]));
    if (!t.empty()) ds.read(t.data(), H5::PredType::NATIVE_INT64);
    return t;
  }

  std::vector<std::string> read_symbols(const H5::H5File& file) {
    H5::DataSet ds = open(file, "/symbols", H5T_STRING, "strings");
    const auto dims = dims_of(ds);
    if (dims.size() != 1) fail("dataset '/symbols' has shape " + shape(dims) + "; expected [symbols]");
    const auto n = static_cast<std::size_t>(dims[0]);
    std::vector<std::string> symbols;
    if (n == 0) return symbols;
    const H5::StrType type = ds.getStrType();
    if (type.isVariableStr()) {
      std::vector<char*> raw(n, nullptr);
      H5::StrType mem(H5::PredType::C_S1, H5T_VARIABLE);
      ds.read(raw.data(), mem);
      for (char* s : raw) symbols.emplace_back(s ? s : "");
      const H5::DataSpace space = ds.getSpace();
      H5Dvlen_reclaim(mem.getId(), space.getId(), H5P_DEFAULT, raw.data());
    } else {
      const std::size_t width = type.getSize();
      std::vector<char> raw(n * width);
      ds.read(raw.data(), type);
      const bool space_padded = type.getStrpad() == H5T_STR_SPACEPAD;
      for (std::size_t i = 0; i < n; ++i) {
        std::string s(raw.data() + i * width, width);
        s.resize(std::min(s.find('\0'), s.size()));
        if (space_padded) s.resize(s.find_last_not_of(' ') + 1);
        symbols.push_back(std::move(s));
      }
    }
    return symbols;
  }

  std::string name_;
  std::string& where_;
};

void write_file(const MarketData& data, const std::string& name, std::string& where) {
  where = "file";
  H5::H5File file(name, H5F_ACC_TRUNC);
  {
    H5::StrType text(H5::PredType::C_S1, H5T_VARIABLE);
    text.setCset(H5T_CSET_UTF8);
    const H5::DataSpace scalar(H5S_SCALAR);

    where = "attribute 'format'";
    file.createAttribute("format", text, scalar).write(text, std::string(format_tag));
    where = "attribute 'format_version'";
    const int version = format_version;
    file.createAttribute("format_version", H5::PredType::STD_I32LE, scalar).write(H5::PredType::NATIVE_INT, &version);

    const auto bars = static_cast<hsize_t>(data.timestamps.size());
    const auto symbols = static_cast<hsize_t>(data.symbols.size());

    where = "dataset '/timestamps'";
    const H5::DataSpace bar_space(1, &bars);
    file.createDataSet("/timestamps", H5::PredType::STD_I64LE, bar_space)
        .write(data.timestamps.data(), H5::PredType::NATIVE_INT64);

    where = "dataset '/symbols'";
    std::vector<const char*> names;
    for (const auto& s : data.symbols) names.push_back(s.c_str());
    const H5::DataSpace symbol_space(1, &symbols);
    file.createDataSet("/symbols", text, symbol_space).write(names.data(), text);

    const std::array<hsize_t, 2> dims = {symbols, bars};
    const H5::DataSpace panel(2, dims.data());
    const auto fields = fields_of(data);
    for (std::size_t f = 0; f < fields.size(); ++f) {
      const std::string path = std::string("/") + field_names[f];
      where = "dataset '" + path + "'";
      file.createDataSet(path, H5::PredType::IEEE_F64LE, panel).write(fields[f]->data(), H5::PredType::NATIVE_DOUBLE);
    }
  }
  where = "file";
  file.close();
}

}  // namespace

MarketData read_hdf5_market_data(const std::filesystem::path& file) {
  quiet_hdf5();
  const std::string name = file.string();
  std::error_code ec;
  if (!fs::is_regular_file(file, ec))
    throw IoError(name + ": cannot read: " + (fs::exists(file, ec) ? "not a regular file" : "no such file"));
  std::string where = "file";
  MarketData data;
  try {
    if (!H5::H5File::isHdf5(name)) throw DataError(name + ": not an HDF5 file; expected a genepool market-data .h5 file");
    data = Hdf5Reader(file, where).read();
  } catch (const H5::Exception& e) {
    throw IoError(name + ": " + where + ": HDF5 error in " + e.getFuncName() + ": " + e.getDetailMsg());
  }
  validate(data, name);
  return data;
}

void write_hdf5_market_data(const MarketData& data, const std::filesystem::path& file) {
  quiet_hdf5();
  validate(data, file.string());
  fs::path tmp = file;
  tmp += ".tmp";
  std::string where = "file";
  try {
    write_file(data, tmp.string(), where);
  } catch (const H5::Exception& e) {
    std::error_code ignored;
    fs::remove(tmp, ignored);
    throw IoError(file.string() + ": " + where + ": cannot write " + tmp.string() + ": HDF5 error in " +
                  e.getFuncName() + ": " + e.getDetailMsg());
  }
  std::error_code ec;
  fs::rename(tmp, file, ec);
  if (ec) {
    std::error_code ignored;
    fs::remove(tmp, ignored);
    throw IoError(file.string() + ": cannot rename " + tmp.string() + " into place: " + ec.message());
  }
}

}  // namespace genepool
