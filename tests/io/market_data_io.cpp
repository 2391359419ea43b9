#include <catch2/catch.hpp>

#include <H5Cpp.h>  // a bad-NaN case edits a good file with the HDF5 API

#include <fstream>

#include "genepool/error.hpp"
#include "genepool/io/market_data_csv.hpp"
#include "genepool/io/market_data_hdf5.hpp"
#include "genepool/io/market_data_io.hpp"
#include "genepool/data/timestamp.hpp"
#include "helpers.hpp"

using Catch::Matchers::Contains;
using genepool::Alignment;
using genepool::LoadOptions;
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

const LoadOptions kInner{Alignment::inner, genepool::kDefaultMaxGap};

}  // namespace

TEST_CASE("loading several files with align = inner keeps the timestamps present in every file", "[io]") {
  const auto dir = genepool::test::scratch_dir("io-align");
  const auto a = daily_file(dir, "aaa.csv", {2, 3, 4, 5, 6, 9, 10});
  const auto b = daily_file(dir, "bbb.csv", {3, 4, 6, 10, 11});
  LoadReport report;
  const MarketData d = load_market_data({a, b}, &report, kInner);
  CHECK(d.live.size() == 0);

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
  CHECK(report.summary() == "aligned 2 files (inner) on 4 common bars (2004-08-03 .. 2004-08-10); AAA 2004-08-02 .. "
                            "2004-08-10 dropped 3, BBB 2004-08-03 .. 2004-08-11 dropped 1");
  REQUIRE(report.inner_losses().size() == 2);
  CHECK(report.inner_losses()[0] == "align = inner dropped 3 of 7 bars (42.9%) of AAA");
}

TEST_CASE("loading several files with align = union keeps every timestamp and marks where each symbol trades", "[io]") {
  const auto dir = genepool::test::scratch_dir("io-union");
  // AAA from the 2nd, with a 1-bar gap (the 9th) and a 3-bar gap (the 12th to the 14th) in the panel's bars;
  // BBB from the 5th to the 11th and every day from the 12th to the 15th.
  const auto a = daily_file(dir, "aaa.csv", {2, 3, 4, 5, 6, 10, 11, 15});
  const auto b = daily_file(dir, "bbb.csv", {5, 6, 9, 10, 11, 12, 13, 14, 15});
  LoadReport report;
  const MarketData d = load_market_data({a, b}, &report, LoadOptions{Alignment::union_bars, 2});
  // Bars: 2 3 4 5 6 9 10 11 12 13 14 15
  REQUIRE(d.bars() == 12);
  CHECK(d.timestamps.front() == august(2));
  CHECK(d.timestamps.back() == august(15));
  REQUIRE(d.live.size() == 24);
  const std::vector<int> aaa = {1, 1, 1, 1, 1, 1, 1, 1, 0, 0, 0, 1};  // the 9th filled (gap 1 <= 2); 12-14 flat (3 > 2)
  const std::vector<int> bbb = {0, 0, 0, 1, 1, 1, 1, 1, 1, 1, 1, 1};
  for (Eigen::Index t = 0; t < d.bars(); ++t) {
    INFO("bar " << t);
    CHECK(d.live(t, 0) == aaa[static_cast<std::size_t>(t)]);
    CHECK(d.live(t, 1) == bbb[static_cast<std::size_t>(t)]);
  }
  // Filled bars: the close before, no volume; before the first bar: the first open.
  CHECK(d.close(5, 0) == 106);
  CHECK(d.open(5, 0) == 106);
  CHECK(d.volume(5, 0) == 0);
  CHECK(d.close(9, 0) == 111);
  CHECK(d.close(0, 1) == 105);
  CHECK(d.close(6, 0) == 110);  // its own bar again
  REQUIRE(report.symbols.size() == 2);
  CHECK(report.symbols[0].filled == 1);
  CHECK(report.symbols[0].flat_gaps == 1);
  CHECK(report.symbols[0].flat_bars == 3);
  CHECK(report.symbols[1].before == 3);
  CHECK(report.summary() == "aligned 2 files (union, max-gap 2) on 12 bars (2004-08-02 .. 2004-08-15); AAA 2004-08-02 .. "
                            "2004-08-15 (filled 1; flat in 1 gap of 3), BBB 2004-08-05 .. 2004-08-15 (filled 0; flat before 3)");
  CHECK(report.inner_losses().empty());
  // The default is union, max-gap 5: the 3-bar gap is held across.
  const MarketData held = load_market_data({a, b});
  REQUIRE(held.live.size() == 24);
  CHECK(held.live.col(0).minCoeff() == 1);
}

TEST_CASE("an HDF5 panel with NaN where a symbol has no bar loads by the same rules, and writes back as NaN", "[io]") {
  const auto dir = genepool::test::scratch_dir("io-h5-nan");
  const auto a = daily_file(dir, "aaa.csv", {2, 3, 4, 5, 6, 9, 10});
  const auto b = daily_file(dir, "bbb.csv", {5, 6, 9, 10});
  const MarketData panel = load_market_data({a, b});
  REQUIRE(panel.live.size() != 0);
  genepool::save_market_data(panel, dir / "panel.h5");
  const MarketData raw = genepool::read_hdf5_panel(dir / "panel.h5");
  CHECK(std::isnan(raw.close(0, 1)));
  CHECK(std::isnan(raw.open(2, 1)));
  CHECK(raw.close(3, 1) == 105);
  LoadReport report;
  const MarketData back = load_market_data({dir / "panel.h5"}, &report);
  CHECK(back.live == panel.live);
  CHECK(back.close == panel.close);
  CHECK(back.timestamps == panel.timestamps);
  CHECK_THAT(report.summary(), Contains("BBB 2004-08-05 .. 2004-08-10 (filled 0; flat before 3)"));
  LoadReport inner;
  const MarketData complete = load_market_data({dir / "panel.h5"}, &inner, kInner);
  CHECK(complete.bars() == 4);
  CHECK(complete.live.size() == 0);
  CHECK(inner.files[0].bars_dropped == 3);
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
      {shared_data("orcl-1995-2014.txt"), shared_data("nvda-1999-2014.txt"), shared_data("yhoo-1996-2014.txt")}, &report,
      kInner);
  CHECK(d.symbols == std::vector<std::string>{"ORCL-1995-2014", "NVDA-1999-2014", "YHOO-1996-2014"});
  CHECK(d.bars() == 4012);
  CHECK(genepool::format_timestamp(d.timestamps.front()) == "1999-01-22");
  CHECK(genepool::format_timestamp(d.timestamps.back()) == "2014-12-31");
  CHECK(d.close(0, 1) == 1.640625);
  CHECK(d.close(d.bars() - 1, 2) == 50.509998);
  const MarketData nvda = genepool::read_csv(shared_data("nvda-1999-2014.txt"));
  CHECK(d.timestamps == nvda.timestamps);
  CHECK(d.close.col(1) == nvda.close.col(0));
  CHECK(report.summary() == "aligned 3 files (inner) on 4012 common bars (1999-01-22 .. 2014-12-31); ORCL-1995-2014 "
                            "1995-01-03 .. 2014-12-31 dropped 1024, NVDA-1999-2014 1999-01-22 .. 2014-12-31 dropped 0, "
                            "YHOO-1996-2014 1996-04-12 .. 2014-12-31 dropped 701; orcl-1995-2014.txt: ignored columns Adj Close; "
                            "nvda-1999-2014.txt: ignored columns Adj Close; yhoo-1996-2014.txt: ignored columns Adj Close");
}

TEST_CASE("loading NVDA, YHOO and GOOG as a union keeps all of YHOO's bars and marks GOOG's late start and early end",
          "[io]") {
  using genepool::test::shared_data;
  LoadReport report;
  const MarketData d = load_market_data(
      {shared_data("nvda-1999-2014.txt"), shared_data("yhoo-1996-2014.txt"), shared_data("GOOG.csv")}, &report);
  const MarketData yhoo = genepool::read_csv(shared_data("yhoo-1996-2014.txt"));
  CHECK(d.timestamps == yhoo.timestamps);
  CHECK(d.close.col(1) == yhoo.close.col(0));
  CHECK(report.summary() == "aligned 3 files (union, max-gap 5) on 4713 bars (1996-04-12 .. 2014-12-31); NVDA-1999-2014 "
                            "1999-01-22 .. 2014-12-31 (filled 0; flat before 701), YHOO-1996-2014 1996-04-12 .. "
                            "2014-12-31 (filled 0), GOOG 2004-08-19 .. 2013-03-01 (filled 0; flat before 2102; flat after 463); "
                            "nvda-1999-2014.txt: ignored columns Adj Close; yhoo-1996-2014.txt: ignored columns Adj Close");
  CHECK(d.live.col(2).cast<int>().sum() == 2148);
  CHECK(d.live.col(0).cast<int>().sum() == 4713 - 701);
}

TEST_CASE("loading files that share no timestamp is an error naming every file and its range", "[io]") {
  const auto dir = genepool::test::scratch_dir("io-disjoint");
  const auto a = daily_file(dir, "aaa.csv", {2, 3, 4});
  const auto b = daily_file(dir, "bbb.csv", {5, 6});
  CHECK_THROWS_AS(load_market_data({a, b}, nullptr, kInner), genepool::DataError);
  CHECK_THROWS_WITH(load_market_data({a, b}, nullptr, kInner),
                    "0 timestamp(s) common to all 2 files: " + a.string() + " (2004-08-02 .. 2004-08-04, 3 bars), " +
                        b.string() + " (2004-08-05 .. 2004-08-06, 2 bars); expected at least 2 shared bars to align on");
  const auto c = daily_file(dir, "ccc.csv", {4, 5});
  CHECK_THROWS_WITH(load_market_data({a, c}, nullptr, kInner), Contains("1 timestamp(s) common to all 2 files"));
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
  const MarketData d = load_market_data({dir / "pair.h5", c}, &report, kInner);
  CHECK(d.symbols == std::vector<std::string>{"AAA", "BBB", "CCC"});
  CHECK(d.timestamps == std::vector<std::int64_t>{august(3), august(5)});
  CHECK(d.close(1, 1) == 105);
  CHECK(report.summary() == "aligned 2 files (inner) on 2 common bars (2004-08-03 .. 2004-08-05); pair.h5 dropped 2, CCC 2004-08-03 .. "
                            "2004-08-06 dropped 1");
}

TEST_CASE("an HDF5 panel cell with some prices NaN and not others, or a symbol without a bar, is refused", "[io]") {
  const auto dir = genepool::test::scratch_dir("io-h5-bad-nan");
  MarketData panel = load_market_data({daily_file(dir, "aaa.csv", {2, 3, 4, 5}), daily_file(dir, "bbb.csv", {2, 3, 4, 5})});
  panel.live.resize(4, 2);
  panel.live.setOnes();
  panel.live(1, 1) = 0;  // written as NaN in every field
  genepool::save_market_data(panel, dir / "gap.h5");
  const MarketData back = load_market_data({dir / "gap.h5"}, nullptr, LoadOptions{Alignment::union_bars, 0});
  REQUIRE(back.live.size() == 8);
  CHECK(back.live(1, 1) == 0);
  CHECK(back.close(1, 1) == back.close(0, 1));  // filled with the close before
  // A cell whose open is a number but whose close is NaN.
  {
    H5::H5File file((dir / "gap.h5").string(), H5F_ACC_RDWR);
    H5::DataSet open = file.openDataSet("/open");
    std::vector<double> values(8);
    open.read(values.data(), H5::PredType::NATIVE_DOUBLE);
    values[1 * 4 + 1] = 100;  // BBB, bar 1
    open.write(values.data(), H5::PredType::NATIVE_DOUBLE);
  }
  CHECK_THROWS_WITH(load_market_data({dir / "gap.h5"}),
                    Contains("bar 1 (2004-08-03), symbol BBB: some of open, high, low and close are NaN and others not"));
}
