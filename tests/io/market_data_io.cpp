#include <catch2/catch.hpp>

#include <fstream>

#include "genepool/error.hpp"
#include "genepool/io/market_data_csv.hpp"
#include "genepool/io/market_data_hdf5.hpp"
#include "genepool/io/market_data_io.hpp"
#include "genepool/data/timestamp.hpp"
#include "helpers.hpp"

using Catch::Matchers::Contains;
using genepool::LoadReport;
using genepool::load_market_data;
using genepool::MarketData;
namespace fs = std::filesystem;

namespace {

// A CSV file of daily bars on the given days of August 2004; each close is 100 + day.
fs::path daily_file(const fs::path& dir, const std::string& name, const std::vector<int>& days) {
  const fs::path file = dir / name;
  std::ofstream out(file);
  out << "Date,Open,High,Low,Close,Volume\n";
  for (int d : days) {
    const int c = 100 + d;
    out << "2004-08-" << (d < 10 ? "0" : "") << d << "," << c << "," << c + 1 << "," << c - 1 << "," << c << ","
        << d * 10 << "\n";
  }
  return file;
}

std::int64_t august(int day) { return 1091318400 + (day - 1) * std::int64_t{86400}; }  // 2004-08-01 is 1091318400

}  // namespace

TEST_CASE("loading several files keeps the timestamps present in every file", "[io]") {
  const auto dir = genepool::test::scratch_dir("io-align");
  const auto a = daily_file(dir, "aaa.csv", {2, 3, 4, 5, 6, 9, 10});
  const auto b = daily_file(dir, "bbb.csv", {3, 4, 6, 10, 11});
  LoadReport report;
  const MarketData d = load_market_data({a, b}, &report);

  CHECK(d.symbols == std::vector<std::string>{"AAA", "BBB"});
  CHECK(d.timestamps == std::vector<std::int64_t>{august(3), august(4), august(6), august(10)});
  CHECK(d.close.col(0) == d.close.col(1));
  CHECK(d.close(2, 0) == 106);
  CHECK(d.high(3, 1) == 111);
  CHECK(d.low(0, 1) == 102);
  CHECK(d.volume(1, 0) == 40);

  REQUIRE(report.files.size() == 2);
  CHECK(report.common_bars == 4);
  CHECK(report.files[0].bars_read == 7);
  CHECK(report.files[0].bars_dropped == 3);
  CHECK(report.files[1].bars_read == 5);
  CHECK(report.files[1].bars_dropped == 1);
  CHECK(report.files[1].symbols == std::vector<std::string>{"BBB"});
  CHECK(report.summary() == "aligned 2 files on 4 common bars (2004-08-03 .. 2004-08-10); AAA dropped 3, BBB dropped 1");
}

TEST_CASE("loading one file returns it whole with a one-file report", "[io]") {
  const auto goog = genepool::test::shared_data("GOOG.csv");
  LoadReport report;
  const MarketData d = load_market_data({goog}, &report);
  CHECK(d.bars() == 2148);
  CHECK(d.symbols == std::vector<std::string>{"GOOG"});
  CHECK(report.files.at(0).bars_dropped == 0);
  CHECK(report.summary() == "loaded GOOG.csv: 1 symbol, 2148 bars (2004-08-19 .. 2013-03-01)");
  CHECK(load_market_data({goog}).close == d.close);  // the report is optional
}

TEST_CASE("loading ORCL, NVDA and YHOO aligns them on NVDA's dates", "[io]") {
  using genepool::test::shared_data;
  LoadReport report;
  const MarketData d = load_market_data(
      {shared_data("orcl-1995-2014.txt"), shared_data("nvda-1999-2014.txt"), shared_data("yhoo-1996-2014.txt")}, &report);
  CHECK(d.symbols == std::vector<std::string>{"ORCL-1995-2014", "NVDA-1999-2014", "YHOO-1996-2014"});
  CHECK(d.bars() == 4012);
  CHECK(genepool::format_timestamp(d.timestamps.front()) == "1999-01-22");
  CHECK(genepool::format_timestamp(d.timestamps.back()) == "2014-12-31");
  CHECK(d.close(0, 1) == 1.640625);
  CHECK(d.close(d.bars() - 1, 2) == 50.509998);
  const MarketData nvda = genepool::read_csv(shared_data("nvda-1999-2014.txt"));
  CHECK(d.timestamps == nvda.timestamps);
  CHECK(d.close.col(1) == nvda.close.col(0));
  CHECK(report.summary() == "aligned 3 files on 4012 common bars (1999-01-22 .. 2014-12-31); ORCL-1995-2014 dropped "
                            "1024, NVDA-1999-2014 dropped 0, YHOO-1996-2014 dropped 701; orcl-1995-2014.txt: ignored columns Adj "
                            "Close; nvda-1999-2014.txt: ignored columns Adj Close; yhoo-1996-2014.txt: ignored columns "
                            "Adj Close");
}

TEST_CASE("loading files that share no timestamp is an error naming every file and its range", "[io]") {
  const auto dir = genepool::test::scratch_dir("io-disjoint");
  const auto a = daily_file(dir, "aaa.csv", {2, 3, 4});
  const auto b = daily_file(dir, "bbb.csv", {5, 6});
  CHECK_THROWS_AS(load_market_data({a, b}), genepool::DataError);
  CHECK_THROWS_WITH(load_market_data({a, b}),
                    "0 timestamp(s) common to all 2 files: " + a.string() + " (2004-08-02 .. 2004-08-04, 3 bars), " +
                        b.string() + " (2004-08-05 .. 2004-08-06, 2 bars); expected at least 2 shared bars to align on");
  const auto c = daily_file(dir, "ccc.csv", {4, 5});
  CHECK_THROWS_WITH(load_market_data({a, c}), Contains("1 timestamp(s) common to all 2 files"));
}

TEST_CASE("loading two files with the same symbol name is an error naming both", "[io]") {
  const auto dir = genepool::test::scratch_dir("io-duplicate");
  fs::create_directories(dir / "one");
  fs::create_directories(dir / "two");
  const auto a = daily_file(dir / "one", "x.csv", {2, 3});
  const auto b = daily_file(dir / "two", "X.txt", {2, 3});
  CHECK_THROWS_AS(load_market_data({a, b}), genepool::DataError);
  CHECK_THROWS_WITH(load_market_data({a, b}), "symbol X is in both " + a.string() + " and " + b.string() +
                                                  "; expected each symbol once (a CSV file's symbol is its file name, or name it: "
                                                  "--data NAME=FILE)");
}

TEST_CASE("loading no files is an error", "[io]") {
  CHECK_THROWS_WITH(load_market_data({}), "no market data files given; expected at least one CSV or .h5 file");
}

TEST_CASE("files are read and written as HDF5 or CSV by their extension", "[io]") {
  CHECK(genepool::is_hdf5_path("a.h5"));
  CHECK(genepool::is_hdf5_path("dir/a.HDF5"));
  CHECK_FALSE(genepool::is_hdf5_path("a.csv"));
  CHECK_FALSE(genepool::is_hdf5_path("a.h5.txt"));
  CHECK_FALSE(genepool::is_hdf5_path("h5"));

  const auto dir = genepool::test::scratch_dir("io-dispatch");
  const auto a = daily_file(dir, "aaa.csv", {2, 3, 4, 5});
  const auto b = daily_file(dir, "bbb.csv", {2, 3, 4, 5});
  const MarketData pair = load_market_data({a, b});
  genepool::save_market_data(pair, dir / "pair.H5");
  const MarketData back = genepool::read_hdf5_market_data(dir / "pair.H5");
  CHECK(back.symbols == pair.symbols);
  CHECK(back.close == pair.close);

  CHECK_THROWS_AS(genepool::save_market_data(pair, dir / "pair.csv"), genepool::ConfigError);
  CHECK_THROWS_WITH(genepool::save_market_data(pair, dir / "pair.csv"),
                    Contains("pair.csv: a CSV file holds one symbol, this panel has 2; save it as a .h5 file instead"));

  const MarketData single = load_market_data({a});
  genepool::save_market_data(single, dir / "out.csv");
  CHECK(genepool::read_csv(dir / "out.csv", "AAA").close == single.close);
}

TEST_CASE("an HDF5 panel and CSV files align together", "[io]") {
  const auto dir = genepool::test::scratch_dir("io-mixed");
  const MarketData pair = load_market_data({daily_file(dir, "aaa.csv", {2, 3, 4, 5}), daily_file(dir, "bbb.csv", {2, 3, 4, 5})});
  genepool::save_market_data(pair, dir / "pair.h5");
  const auto c = daily_file(dir, "ccc.csv", {3, 5, 6});
  LoadReport report;
  const MarketData d = load_market_data({dir / "pair.h5", c}, &report);
  CHECK(d.symbols == std::vector<std::string>{"AAA", "BBB", "CCC"});
  CHECK(d.timestamps == std::vector<std::int64_t>{august(3), august(5)});
  CHECK(d.close(1, 1) == 105);
  CHECK(report.summary() == "aligned 2 files on 2 common bars (2004-08-03 .. 2004-08-05); pair.h5 dropped 2, CCC dropped 1");
}
