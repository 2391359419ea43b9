#include <catch2/catch.hpp>

#include <H5Cpp.h>  // the broken-file cases edit a good file with the HDF5 API

#include <fstream>
#include <random>

#include "genepool/error.hpp"
#include "genepool/io/market_data_csv.hpp"
#include "genepool/io/market_data_hdf5.hpp"
#include "helpers.hpp"


using Catch::Matchers::Contains;
using genepool::MarketData;
using genepool::read_hdf5_market_data;
using genepool::write_hdf5_market_data;
namespace fs = std::filesystem;

namespace {

// A valid random panel of `symbols` columns over hourly bars, with extreme but valid values.
MarketData random_panel(Eigen::Index bars, Eigen::Index symbols, unsigned seed) {
  std::mt19937_64 rng(seed);
  std::uniform_real_distribution<double> unit(0.0, 1.0);
  MarketData d;
  for (Eigen::Index s = 0; s < symbols; ++s) d.symbols.push_back("SYM" + std::to_string(s));
  for (Eigen::Index t = 0; t < bars; ++t) d.timestamps.push_back(1092873600 + 3600 * t);
  for (auto* m : {&d.open, &d.high, &d.low, &d.close, &d.volume}) m->resize(bars, symbols);
  for (Eigen::Index s = 0; s < symbols; ++s)
    for (Eigen::Index t = 0; t < bars; ++t) {
      d.low(t, s) = 1 + unit(rng);
      d.open(t, s) = d.low(t, s) * (1 + unit(rng));
      d.close(t, s) = d.low(t, s) * (1 + unit(rng));
      d.high(t, s) = std::max(d.open(t, s), d.close(t, s)) * (1 + unit(rng));
      d.volume(t, s) = unit(rng) * 1e6;
    }
  d.high(0, 0) = 1e67;
  return d;
}

void check_equal(const MarketData& a, const MarketData& b) {
  CHECK(a.symbols == b.symbols);
  CHECK(a.timestamps == b.timestamps);
  CHECK(a.open == b.open);
  CHECK(a.high == b.high);
  CHECK(a.low == b.low);
  CHECK(a.close == b.close);
  CHECK(a.volume == b.volume);
}

}  // namespace

TEST_CASE("hdf5 writing then reading gives back the same panel exactly", "[hdf5]") {
  const auto dir = genepool::test::scratch_dir("hdf5-round-trip");
  const MarketData d = random_panel(300, 4, 3);
  const auto file = dir / "panel.h5";
  write_hdf5_market_data(d, file);
  CHECK_FALSE(fs::exists(dir / "panel.h5.tmp"));
  const MarketData back = read_hdf5_market_data(file);
  check_equal(back, d);
  CHECK(back.high(0, 0) == 1e67);
}

TEST_CASE("hdf5 round trip of a real file keeps every value", "[hdf5]") {
  const auto dir = genepool::test::scratch_dir("hdf5-real");
  const MarketData goog = genepool::read_csv(genepool::test::shared_data("EURUSD.csv"));
  write_hdf5_market_data(goog, dir / "eurusd.hdf5");
  check_equal(read_hdf5_market_data(dir / "eurusd.hdf5"), goog);
}

TEST_CASE("hdf5 writing replaces an existing file and refuses invalid data", "[hdf5]") {
  const auto dir = genepool::test::scratch_dir("hdf5-replace");
  const auto file = dir / "p.h5";
  write_hdf5_market_data(random_panel(10, 3, 1), file);
  const MarketData second = random_panel(20, 1, 2);
  write_hdf5_market_data(second, file);
  check_equal(read_hdf5_market_data(file), second);

  MarketData bad = second;
  bad.low(4, 0) = bad.high(4, 0) * 2;
  CHECK_THROWS_AS(write_hdf5_market_data(bad, dir / "bad.h5"), genepool::DataError);
  CHECK_FALSE(fs::exists(dir / "bad.h5"));
  CHECK_FALSE(fs::exists(dir / "bad.h5.tmp"));
}

TEST_CASE("hdf5 writing into a missing folder is an I/O error naming the file", "[hdf5]") {
  const auto dir = genepool::test::scratch_dir("hdf5-no-folder");
  const auto file = dir / "no" / "such" / "p.h5";
  CHECK_THROWS_AS(write_hdf5_market_data(random_panel(5, 1, 1), file), genepool::IoError);
  CHECK_THROWS_WITH(write_hdf5_market_data(random_panel(5, 1, 1), file),
                    Contains(file.string() + ": cannot write " + file.string() +
                             ".partial: an I/O error (No such file or directory), writing file"));
}

TEST_CASE("hdf5 reader names a missing file, a non-HDF5 file and a truncated file", "[hdf5]") {
  const auto dir = genepool::test::scratch_dir("hdf5-bad-files");
  CHECK_THROWS_AS(read_hdf5_market_data(dir / "none.h5"), genepool::IoError);
  CHECK_THROWS_WITH(read_hdf5_market_data(dir / "none.h5"), Contains("none.h5: no such file"));

  std::ofstream(dir / "text.h5") << "Date,Open,High,Low,Close\n";
  CHECK_THROWS_AS(read_hdf5_market_data(dir / "text.h5"), genepool::DataError);
  CHECK_THROWS_WITH(read_hdf5_market_data(dir / "text.h5"), Contains("text.h5: not an HDF5 file"));

  write_hdf5_market_data(random_panel(2000, 3, 5), dir / "cut.h5");
  fs::resize_file(dir / "cut.h5", fs::file_size(dir / "cut.h5") / 2);
  CHECK_THROWS_AS(read_hdf5_market_data(dir / "cut.h5"), genepool::IoError);
  CHECK_THROWS_WITH(read_hdf5_market_data(dir / "cut.h5"), Contains("cut.h5: ") && Contains("HDF5 error in"));
}

namespace {

// The broken files' folder, for the whole run.
const fs::path& broken_files_dir() {
  static const auto dir = genepool::test::scratch_dir("hdf5-broken");
  return dir;
}

// Writes a good 2-symbol, 10-bar file, then lets `edit` break it.
template <class Edit>
fs::path broken_file(const std::string& name, Edit edit) {
  const auto file = broken_files_dir() / (name + ".h5");
  write_hdf5_market_data(random_panel(10, 2, 9), file);
  H5::H5File h5(file.string(), H5F_ACC_RDWR);
  edit(h5);
  h5.close();
  return file;
}

H5::DataSet replace_close(H5::H5File& h5, hsize_t symbols, hsize_t bars, const H5::PredType& type) {
  h5.unlink("/close");
  const hsize_t dims[2] = {symbols, bars};
  return h5.createDataSet("/close", type, H5::DataSpace(2, dims));
}

}  // namespace

TEST_CASE("hdf5 reader names a missing dataset", "[hdf5]") {
  const auto file = broken_file("missing", [](H5::H5File& h5) { h5.unlink("/close"); });
  CHECK_THROWS_AS(read_hdf5_market_data(file), genepool::DataError);
  CHECK_THROWS_WITH(read_hdf5_market_data(file),
                    file.string() + ": missing dataset '/close'; expected /timestamps, /symbols, /open, /high, /low, "
                                    "/close and /volume");
  const auto no_times = broken_file("missing-times", [](H5::H5File& h5) { h5.unlink("/timestamps"); });
  CHECK_THROWS_WITH(read_hdf5_market_data(no_times), Contains("missing dataset '/timestamps'"));
}

TEST_CASE("hdf5 reader names a dataset of the wrong shape with the shape it expected", "[hdf5]") {
  const auto file = broken_file("shape", [](H5::H5File& h5) {
    std::vector<double> ones(2 * 9, 1.0);
    replace_close(h5, 2, 9, H5::PredType::IEEE_F64LE).write(ones.data(), H5::PredType::NATIVE_DOUBLE);
  });
  CHECK_THROWS_AS(read_hdf5_market_data(file), genepool::DataError);
  CHECK_THROWS_WITH(read_hdf5_market_data(file), file.string() + ": dataset '/close' has shape [2][9]; expected "
                                                                 "[2][10] (symbols x bars, from /symbols and /timestamps)");
  const auto transposed = broken_file("transposed", [](H5::H5File& h5) {
    std::vector<double> ones(2 * 10, 1.0);
    replace_close(h5, 10, 2, H5::PredType::IEEE_F64LE).write(ones.data(), H5::PredType::NATIVE_DOUBLE);
  });
  CHECK_THROWS_WITH(read_hdf5_market_data(transposed), Contains("dataset '/close' has shape [10][2]; expected [2][10]"));
}

TEST_CASE("hdf5 reader names a dataset of the wrong type", "[hdf5]") {
  const auto file = broken_file("type", [](H5::H5File& h5) {
    std::vector<int> ones(2 * 10, 1);
    replace_close(h5, 2, 10, H5::PredType::STD_I32LE).write(ones.data(), H5::PredType::NATIVE_INT);
  });
  CHECK_THROWS_WITH(read_hdf5_market_data(file), file.string() + ": dataset '/close' is an integer; expected a floating-point number");
}

TEST_CASE("hdf5 reader checks the format tag and version", "[hdf5]") {
  const auto untagged = broken_file("untagged", [](H5::H5File& h5) { h5.removeAttr("format"); });
  CHECK_THROWS_WITH(read_hdf5_market_data(untagged),
                    Contains("no root attribute 'format'; expected format = \"genepool-market-data\""));
  const auto other = broken_file("other", [](H5::H5File& h5) {
    h5.removeAttr("format");
    const H5::StrType text(H5::PredType::C_S1, 5);
    h5.createAttribute("format", text, H5::DataSpace(H5S_SCALAR)).write(text, std::string("other"));
  });
  CHECK_THROWS_WITH(read_hdf5_market_data(other),
                    Contains("root attribute 'format' is \"other\"; expected \"genepool-market-data\""));
  const auto future = broken_file("future", [](H5::H5File& h5) {
    const int two = 2;
    h5.openAttribute("format_version").write(H5::PredType::NATIVE_INT, &two);
  });
  CHECK_THROWS_WITH(read_hdf5_market_data(future),
                    Contains("root attribute 'format_version' is 2; this program reads version 1"));
}

TEST_CASE("hdf5 reader accepts fixed-length symbol strings and validates what it read", "[hdf5]") {
  const auto fixed = broken_file("fixed", [](H5::H5File& h5) {
    h5.unlink("/symbols");
    H5::StrType text(H5::PredType::C_S1, 8);
    text.setStrpad(H5T_STR_SPACEPAD);
    const hsize_t n = 2;
    const char names[] = "SYM0    SYM1    ";
    h5.createDataSet("/symbols", text, H5::DataSpace(1, &n)).write(names, text);
  });
  CHECK(read_hdf5_market_data(fixed).symbols == std::vector<std::string>{"SYM0", "SYM1"});

  const auto invalid = broken_file("invalid", [](H5::H5File& h5) {
    H5::DataSet ds = h5.openDataSet("/close");
    std::vector<double> close(2 * 10);
    ds.read(close.data(), H5::PredType::NATIVE_DOUBLE);
    close[13] = -1;  // symbol 1, bar 3
    ds.write(close.data(), H5::PredType::NATIVE_DOUBLE);
  });
  CHECK_THROWS_WITH(read_hdf5_market_data(invalid),
                    Contains(": bar 3 (2004-08-19 03:00:00), symbol SYM1, field 'close': -1; expected a price > 0"));
}

