#include <catch2/catch.hpp>

#include <array>
#include <cmath>
#include <cstdlib>
#include <fstream>
#include <limits>
#include <random>

#include "genepool/error.hpp"
#include "genepool/io/fingerprint.hpp"
#include "genepool/io/market_data_csv.hpp"
#include "genepool/data/timestamp.hpp"
#include "genepool/number_text.hpp"
#include "helpers.hpp"

using Catch::Matchers::Contains;
using genepool::MarketData;
using genepool::read_csv;
namespace fs = std::filesystem;
using genepool::test::write_text;

namespace {

std::int64_t at(const char* iso) {
  const auto format = genepool::detect_timestamp_format(iso);
  return *genepool::parse_timestamp(iso, *format);
}

const std::string header = "Date,Open,High,Low,Close,Volume\n";
const std::string row1 = "2004-08-19,100,104.06,95.96,100.34,22351900\n";
const std::string row2 = "2004-08-20,101.01,109.08,100.5,108.31,11428600\n";

}  // namespace

TEST_CASE("every real data file loads with its bar count, first and last timestamp and first close", "[csv]") {
  struct Expected {
    const char* file;
    const char* symbol;
    Eigen::Index bars;
    const char* first;
    const char* last;
    double first_close;
    double last_close;
  };
  const Expected table[] = {
      {"GOOG.csv", "GOOG", 2148, "2004-08-19", "2013-03-01", 100.34, 806.19},
      {"EURUSD.csv", "EURUSD", 5000, "2017-04-19 09:00:00", "2018-02-07 15:00:00", 1.07219, 1.22904},
      {"BTCUSD.csv", "BTCUSD", 156, "2012-01-31", "2024-12-31", 5.55, 93381.0},
      {"orcl-1995-2014.txt", "ORCL-1995-2014", 5036, "1995-01-03", "2014-12-31", 2.117284, 44.970001},
      {"nvda-1999-2014.txt", "NVDA-1999-2014", 4012, "1999-01-22", "2014-12-31", 1.640625, 20.049999},
      {"yhoo-1996-2014.txt", "YHOO-1996-2014", 4713, "1996-04-12", "2014-12-31", 1.375, 50.509998},
      {"2006-day-001.txt", "2006-DAY-001", 255, "2006-01-02", "2006-12-29", 3604.33, 4119.94},
  };
  for (const auto& e : table) {
    INFO(e.file);
    const MarketData d = read_csv(genepool::test::shared_data(e.file));
    REQUIRE(d.symbols == std::vector<std::string>{e.symbol});
    CHECK(d.bars() == e.bars);
    CHECK(genepool::format_timestamp(d.timestamps.front()) == e.first);
    CHECK(genepool::format_timestamp(d.timestamps.back()) == e.last);
    CHECK(d.close(0, 0) == e.first_close);
    CHECK(d.close(d.bars() - 1, 0) == e.last_close);
    CHECK(d.open.rows() == e.bars);
    CHECK(d.volume.cols() == 1);
  }
}

TEST_CASE("read_csv fingerprints the bytes it parses: the file's SHA-256 and size", "[csv]") {
  // Real files, and a synthetic one of several read blocks (1 MiB each) with a CRLF line across a
  // block boundary and a line longer than a block (the buffer grows).
  const auto dir = genepool::test::scratch_dir("csv-digest");
  std::string text = "date,open,high,low,close,note\r\n";
  for (int day = 0; text.size() < (std::size_t{3} << 20); ++day) {
    const std::string note = day == 7000 ? std::string(std::size_t{3} << 19, 'x') : "n";
    text += genepool::format_timestamp(at("2000-01-01") + std::int64_t{86400} * day) + ",1.5,2.25,1,2," + note + "\r\n";
  }
  const fs::path synthetic = write_text(dir, "long.csv", text);
  for (const fs::path& file : {genepool::test::shared_data("GOOG.csv"), genepool::test::shared_data("EURUSD.csv"), synthetic}) {
    INFO(file);
    genepool::FileDigest digest;
    const MarketData d = read_csv(file, {}, &digest);
    CHECK(d.bars() > 100);
    CHECK(digest.sha256 == genepool::sha256_file(file));
    CHECK(digest.bytes == fs::file_size(file));
  }
}

TEST_CASE("real files keep their own volumes: fractional BTC, zero for the index", "[csv]") {
  const MarketData btc = read_csv(genepool::test::shared_data("BTCUSD.csv"));
  CHECK(btc.volume(0, 0) == 2012.25343589);
  CHECK(btc.open(0, 0) == 4.58);
  const MarketData stoxx = read_csv(genepool::test::shared_data("2006-day-001.txt"));
  CHECK(stoxx.volume.isZero());
  const MarketData goog = read_csv(genepool::test::shared_data("GOOG.csv"), "GOOGL");
  CHECK(goog.symbols.front() == "GOOGL");
  CHECK(goog.volume(0, 0) == 22351900);
  CHECK(genepool::infer_bars_per_year(goog) == Approx(251.7).margin(0.5));
}

TEST_CASE("csv reader accepts CRLF, a UTF-8 BOM, blank trailing lines and a missing final newline", "[csv]") {
  const auto dir = genepool::test::scratch_dir("csv-line-endings");
  const std::string crlf = "Date,Open,High,Low,Close,Volume\r\n2004-08-19,100,104.06,95.96,100.34,22351900\r\n"
                           "2004-08-20,101.01,109.08,100.5,108.31,11428600\r\n";
  const std::string texts[] = {crlf, "\xEF\xBB\xBF" + header + row1 + row2, header + row1 + row2 + "\n\n",
                               header + row1 + row2 + "\r\n", header + row1 + row2.substr(0, row2.size() - 1)};
  int i = 0;
  for (const auto& text : texts) {
    INFO("variant " << i);
    const MarketData d = read_csv(write_text(dir, std::to_string(i++) + ".csv", text));
    REQUIRE(d.bars() == 2);
    CHECK(d.timestamps[1] == at("2004-08-20"));
    CHECK(d.close(1, 0) == 108.31);
    CHECK(d.volume(1, 0) == 11428600);
  }
}

TEST_CASE("csv headers are case-insensitive and the timestamp column may have any accepted name", "[csv]") {
  const auto dir = genepool::test::scratch_dir("csv-headers");
  for (const std::string name : {"DATE", "datetime", "Timestamp", "TIME", "", " Date "}) {
    INFO("timestamp column '" << name << "'");
    const auto file = write_text(dir, "h.csv", name + ",OPEN,high,Low,cLoSe,VOLUME\n" + row1 + row2);
    const MarketData d = read_csv(file);
    CHECK(d.symbols.front() == "H");
    CHECK(d.close(0, 0) == 100.34);
  }
}

TEST_CASE("csv columns may come in any order, extra columns are ignored and volume is optional", "[csv]") {
  const auto dir = genepool::test::scratch_dir("csv-columns");
  SECTION("reordered with extras") {
    const MarketData d = read_csv(write_text(dir, "r.csv",
                                             "Close,Note,Low,High,Open,Date,Volume\n"
                                             "100.34,x,95.96,104.06,100,2004-08-19,5\n"
                                             "108.31,y,100.5,109.08,101.01,2004-08-20,6\n"));
    CHECK(d.open(1, 0) == 101.01);
    CHECK(d.high(1, 0) == 109.08);
    CHECK(d.low(1, 0) == 100.5);
    CHECK(d.close(1, 0) == 108.31);
    CHECK(d.volume(1, 0) == 6);
  }
  SECTION("no volume column means zero volume") {
    const MarketData d = read_csv(write_text(dir, "v.csv",
                                             "Date,Open,High,Low,Close\n2004-08-19,100,104.06,95.96,100.34\n"
                                             "2004-08-20,101.01,109.08,100.5,108.31\n"));
    CHECK(d.volume.isZero());
  }
  SECTION("spaces around fields are ignored") {
    const MarketData d = read_csv(write_text(dir, "s.csv",
                                             "Date, Open, High, Low, Close\n 2004-08-19 , 100 ,104.06,95.96,100.34\n"
                                             "2004-08-20,101.01,109.08,100.5,1.0831e2\n"));
    CHECK(d.open(0, 0) == 100);
    CHECK(d.close(1, 0) == 108.31);
  }
}

TEST_CASE("csv timestamps may be epoch seconds, epoch milliseconds or ISO date-times", "[csv]") {
  const auto dir = genepool::test::scratch_dir("csv-epoch");
  const std::string body = ",1,2,0.5,1.5,10\n";
  SECTION("epoch seconds") {
    const MarketData d = read_csv(write_text(dir, "s.csv", "timestamp,open,high,low,close,volume\n1092873600" + body +
                                                               "1092877200" + body));
    CHECK(d.timestamps == std::vector<std::int64_t>{1092873600, 1092877200});
  }
  SECTION("epoch milliseconds") {
    const MarketData d = read_csv(write_text(dir, "ms.csv", "timestamp,open,high,low,close,volume\n1092873600000" +
                                                                body + "1092877200000" + body));
    CHECK(d.timestamps == std::vector<std::int64_t>{1092873600, 1092877200});
  }
  SECTION("ISO date-times with T and Z") {
    const MarketData d = read_csv(write_text(dir, "t.csv", "time,open,high,low,close,volume\n2004-08-19T00:00:00Z" +
                                                               body + "2004-08-19T01:00:00Z" + body));
    CHECK(d.timestamps == std::vector<std::int64_t>{1092873600, 1092877200});
  }
}

TEST_CASE("csv numbers read exactly as strtod reads them, short decimals and long ones alike", "[csv]") {
  const auto dir = genepool::test::scratch_dir("csv-decimals");
  std::vector<std::string> texts = {"0.1", "1", "00001.5", "2.117284", "9007199254740992", "9007199254740993",
                                    "123456789012345678", "1.000000000000000000", "0.30000000000000004",
                                    "99999999999999999999.5", "1e67", "1E-5", "4.9406564584124654e-324",
                                    "1797.6931348623157e305", ".5", "5."};
  std::mt19937_64 rng(5);
  for (int i = 0; i < 3000; ++i) {
    const std::string digits = std::to_string(rng()).substr(0, 1 + rng() % 20);  // up to 20 digits
    const std::size_t dot = rng() % (digits.size() + 1);
    texts.push_back(dot > 0 && dot < digits.size() ? digits.substr(0, dot) + '.' + digits.substr(dot) : digits);
  }
  std::string csv = "timestamp,open,high,low,close,volume\n";
  for (std::size_t i = 0; i < texts.size(); ++i)
    csv += std::to_string(1000 + i) + ",2,2,1,1," + texts[i] + "\n";
  const MarketData d = read_csv(write_text(dir, "n.csv", csv));
  REQUIRE(d.bars() == static_cast<Eigen::Index>(texts.size()));
  for (std::size_t i = 0; i < texts.size(); ++i) {
    INFO(texts[i]);
    CHECK(d.volume(static_cast<Eigen::Index>(i), 0) == std::strtod(texts[i].c_str(), nullptr));
  }
}

namespace {

// The plain reference: each line by std::getline, each field by std::string::find and strtod.
// Returns open, high, low, close and volume (0 without the column) of every row, row by row.
std::vector<std::array<double, 5>> read_with_strtod(const fs::path& file) {
  std::ifstream in(file, std::ios::binary);
  std::string line;
  std::getline(in, line);
  const auto cells = [](std::string text) {
    if (!text.empty() && text.back() == '\r') text.pop_back();
    std::vector<std::string> out;
    for (std::size_t from = 0;;) {
      const std::size_t comma = text.find(',', from);
      out.push_back(text.substr(from, comma == std::string::npos ? std::string::npos : comma - from));
      if (comma == std::string::npos) return out;
      from = comma + 1;
    }
  };
  const char* names[] = {"open", "high", "low", "close", "volume"};
  std::array<std::size_t, 5> column{};
  column.fill(std::string::npos);
  const auto names_in_file = cells(line);
  for (std::size_t c = 0; c < names_in_file.size(); ++c) {
    std::string name = names_in_file[c];
    for (char& ch : name) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
    for (std::size_t r = 0; r < 5; ++r)
      if (name == names[r]) column[r] = c;
  }
  std::vector<std::array<double, 5>> rows;
  while (std::getline(in, line)) {
    if (line.find_first_not_of(" \t\r") == std::string::npos) continue;
    const auto fields = cells(line);
    std::array<double, 5> row{};
    for (std::size_t r = 0; r < 5; ++r)
      if (column[r] != std::string::npos) row[r] = std::strtod(fields[column[r]].c_str(), nullptr);
    rows.push_back(row);
  }
  return rows;
}

// Every value of `file` as read_csv reads it equals strtod's, bit for bit.
void check_against_strtod(const fs::path& file) {
  INFO(file.string());
  const MarketData d = read_csv(file);
  const auto expected = read_with_strtod(file);
  REQUIRE(d.bars() == static_cast<Eigen::Index>(expected.size()));
  const genepool::PriceMatrix* fields[] = {&d.open, &d.high, &d.low, &d.close, &d.volume};
  std::size_t differing = 0;
  for (std::size_t t = 0; t < expected.size(); ++t)
    for (std::size_t r = 0; r < 5; ++r)
      differing += genepool::test::bits_of((*fields[r])(static_cast<Eigen::Index>(t), 0)) !=
                           genepool::test::bits_of(expected[t][r])
                       ? 1
                       : 0;
  CHECK(differing == 0);
}

}  // namespace

TEST_CASE("csv values equal a plain strtod reading of every real data file, bit for bit", "[csv]") {
  for (const char* file : {"GOOG.csv", "EURUSD.csv", "BTCUSD.csv", "orcl-1995-2014.txt", "nvda-1999-2014.txt",
                           "yhoo-1996-2014.txt", "2006-day-001.txt"})
    check_against_strtod(genepool::test::shared_data(file));
}

TEST_CASE("csv values equal a plain strtod reading of a long random file with every kind of number", "[csv]") {
  // A price path over many orders of magnitude, written as shortest round-trip text (exponent
  // notation above 1e21, as W1's closes), long enough to cross the reader's 1 MiB blocks.
  const auto dir = genepool::test::scratch_dir("csv-strtod");
  std::mt19937_64 rng(11);
  std::normal_distribution<double> step(0.002, 0.05);
  std::uniform_real_distribution<double> unit(0.0, 1.0);
  std::string csv = "timestamp,open,high,low,close,volume\r\n";
  double close = 100;
  for (int t = 0; t < 40000; ++t) {
    const double open = close * (1 + 0.01 * (unit(rng) - 0.5));
    close = open * std::exp(step(rng));
    const double high = std::max(open, close) * (1 + 0.01 * unit(rng));
    const double low = std::min(open, close) * (1 - 0.01 * unit(rng));
    // Volumes: whole numbers, short decimals, long decimals and exponents.
    const double volume = t % 4 == 0 ? std::floor(1e7 * unit(rng)) : t % 4 == 1 ? std::round(1e4 * unit(rng)) / 100
                                                                 : t % 4 == 2 ? unit(rng) : 1e30 * unit(rng);
    csv += std::to_string(std::int64_t{86400} * (t + 1)) + ',' + genepool::shortest(open) + ',' + genepool::shortest(high) + ',' +
           genepool::shortest(low) + ',' + genepool::shortest(close) + ',' + genepool::shortest(volume) + "\r\n";
  }
  check_against_strtod(write_text(dir, "path.csv", csv));
}

TEST_CASE("csv reader rejects files without data, naming the file", "[csv]") {
  const auto dir = genepool::test::scratch_dir("csv-empty");
  const auto empty = write_text(dir, "empty.csv", "");
  CHECK_THROWS_AS(read_csv(empty), genepool::DataError);
  CHECK_THROWS_WITH(read_csv(empty), Contains("empty.csv: empty file; expected a header row"));
  CHECK_THROWS_WITH(read_csv(write_text(dir, "bom.csv", "\xEF\xBB\xBF")), Contains("bom.csv:1: blank header row"));
  CHECK_THROWS_WITH(read_csv(write_text(dir, "header.csv", header)),
                    Contains("header.csv: 0 data row(s) after the header; expected at least 2 bars"));
  CHECK_THROWS_WITH(read_csv(write_text(dir, "one.csv", header + row1)),
                    Contains("one.csv: 1 data row(s) after the header; expected at least 2 bars"));
}

TEST_CASE("csv reader rejects lines that end in CR alone, saying so rather than counting no rows", "[csv]") {
  const auto dir = genepool::test::scratch_dir("csv-cr-only");
  const auto cr = [](std::string text) {
    for (char& c : text)
      if (c == '\n') c = '\r';
    return text;
  };
  CHECK_THROWS_WITH(read_csv(write_text(dir, "mac.csv", cr(header + row1 + row2))),
                    Contains("mac.csv:1: a carriage return (CR) inside the line: the file's lines end in CR alone") &&
                        Contains("expected LF or CRLF line ends"));
  // One CR-only line end among LF ones: named at its line.
  CHECK_THROWS_WITH(read_csv(write_text(dir, "mixed.csv", header + cr(row1) + row2)),
                    Contains("mixed.csv:2: a carriage return (CR) inside the line"));
}

TEST_CASE("csv reader rejects a missing file as an I/O error", "[csv]") {
  const auto dir = genepool::test::scratch_dir("csv-missing");
  CHECK_THROWS_AS(read_csv(dir / "nope.csv"), genepool::IoError);
  CHECK_THROWS_WITH(read_csv(dir / "nope.csv"), Contains("nope.csv: no such file"));
  CHECK_THROWS_WITH(read_csv(dir), Contains("is a directory"));
}

TEST_CASE("csv reader rejects a header without a required column, naming it", "[csv]") {
  const auto dir = genepool::test::scratch_dir("csv-columns-missing");
  const auto no_close = write_text(dir, "a.csv", "Date,Open,High,Low,Volume\n2004-08-19,1,2,0.5,3\n");
  CHECK_THROWS_WITH(read_csv(no_close),
                    Contains("a.csv:1: header has no 'close' column; expected columns open, high, low, close "
                             "(volume optional) and a timestamp, got 'Date,Open,High,Low,Volume'"));
  const auto no_time = write_text(dir, "b.csv", "Day,Open,High,Low,Close\n2004-08-19,1,2,0.5,1\n");
  CHECK_THROWS_WITH(read_csv(no_time), Contains("b.csv:1: header has no timestamp column; expected an unnamed first "
                                                "column or one named date, datetime, timestamp or time"));
  const auto twice = write_text(dir, "c.csv", "Date,Open,High,Low,Close,close\n");
  CHECK_THROWS_WITH(read_csv(twice), Contains("c.csv:1: column 'close' appears twice in the header (columns 5 and 6)"));
  const auto two_times = write_text(dir, "d.csv", "Timestamp,Date,Open,High,Low,Close\n");
  CHECK_THROWS_WITH(read_csv(two_times), Contains("d.csv:1: columns 'Timestamp' (column 1) and 'Date' (column 2) could "
                                                  "both be the timestamp; expected one timestamp column"));
}

TEST_CASE("csv reader rejects a ragged row naming file and line", "[csv]") {
  const auto dir = genepool::test::scratch_dir("csv-ragged");
  const auto shorter = write_text(dir, "short.csv", header + row1 + "2004-08-20,101.01,109.08,100.5,108.31\n");
  CHECK_THROWS_AS(read_csv(shorter), genepool::DataError);
  CHECK_THROWS_WITH(read_csv(shorter), Contains("short.csv:3: 5 field(s), the header has 6; expected one field per "
                                                "header column"));
  const auto longer = write_text(dir, "long.csv", header + row1 + row2 + "2004-08-23,1,2,0.5,1,3,4\n");
  CHECK_THROWS_WITH(read_csv(longer), Contains("long.csv:4: 7 field(s), the header has 6"));
}

TEST_CASE("csv reader rejects a blank line inside the data", "[csv]") {
  const auto dir = genepool::test::scratch_dir("csv-blank");
  const auto file = write_text(dir, "b.csv", header + row1 + "\n" + row2);
  CHECK_THROWS_WITH(read_csv(file), Contains("b.csv:3: blank line inside the data; expected a row with 6 fields"));
}

TEST_CASE("csv reader rejects a field that is not a finite number, naming line and column", "[csv]") {
  const auto dir = genepool::test::scratch_dir("csv-numbers");
  const std::string head = "Date,Open,High,Low,Close,Volume\n2004-08-19,1,2,0.5,1,3\n";
  const auto file = [&](const std::string& row) { return write_text(dir, "n.csv", head + row + "\n"); };
  CHECK_THROWS_WITH(read_csv(file("2004-08-20,1,2,0.5,abc,3")),
                    Contains("n.csv:3: column 'Close': expected a number, got 'abc'"));
  CHECK_THROWS_WITH(read_csv(file("2004-08-20,1,2,0.5,,3")),
                    Contains("n.csv:3: column 'Close': expected a number, got ''"));
  CHECK_THROWS_WITH(read_csv(file("2004-08-20,1,2,0.5,1.5x,3")), Contains("expected a number, got '1.5x'"));
  CHECK_THROWS_WITH(read_csv(file("2004-08-20,1,2,0.5,1\"1\",3")), Contains("expected a number, got '1\"1\"'"));
  CHECK_THROWS_WITH(read_csv(file("2004-08-20,nan,2,0.5,1,3")),
                    Contains("n.csv:3: column 'Open': expected a finite number, got 'nan'"));
  CHECK_THROWS_WITH(read_csv(file("2004-08-20,1,inf,0.5,1,3")),
                    Contains("column 'High': expected a finite number, got 'inf'"));
  CHECK_THROWS_WITH(read_csv(file("2004-08-20,1,2,0.5,1,1e999")),
                    Contains("column 'Volume': expected a finite number, got '1e999'"));
}

TEST_CASE("csv reader rejects non-positive prices and negative volume", "[csv]") {
  const auto dir = genepool::test::scratch_dir("csv-signs");
  const std::string head = "Date,Open,High,Low,Close,Volume\n2004-08-19,1,2,0.5,1,3\n";
  const auto file = [&](const std::string& row) { return write_text(dir, "p.csv", head + row + "\n"); };
  CHECK_THROWS_WITH(read_csv(file("2004-08-20,1,2,0,1,3")),
                    Contains("p.csv:3: column 'Low': expected a price > 0, got '0'"));
  CHECK_THROWS_WITH(read_csv(file("2004-08-20,-1,2,0.5,1,3")),
                    Contains("p.csv:3: column 'Open': expected a price > 0, got '-1'"));
  CHECK_THROWS_WITH(read_csv(file("2004-08-20,1,2,0.5,1,-3")),
                    Contains("p.csv:3: column 'Volume': expected a volume >= 0, got '-3'"));
}

TEST_CASE("csv reader rejects inconsistent high and low, naming the values", "[csv]") {
  const auto dir = genepool::test::scratch_dir("csv-ohlc");
  const std::string head = "Date,Open,High,Low,Close,Volume\n2004-08-19,1,2,0.5,1,3\n";
  const auto file = [&](const std::string& row) { return write_text(dir, "o.csv", head + row + "\n"); };
  CHECK_THROWS_WITH(read_csv(file("2004-08-20,1,0.4,0.5,0.45,3")),
                    Contains("o.csv:3: column 'High': 0.4 is below low 0.5; expected high >= low"));
  CHECK_THROWS_WITH(read_csv(file("2004-08-20,1,2,0.5,2.5,3")),
                    Contains("o.csv:3: column 'High': 2 is below max(open, close) 2.5; "
                             "expected high >= max(open, close)"));
  CHECK_THROWS_WITH(read_csv(file("2004-08-20,1,2,1.2,1.5,3")),
                    Contains("o.csv:3: column 'Low': 1.2 is above min(open, close) 1; "
                             "expected low <= min(open, close)"));
}

TEST_CASE("csv reader rejects repeated and decreasing timestamps naming both lines", "[csv]") {
  const auto dir = genepool::test::scratch_dir("csv-order");
  const auto repeated = write_text(dir, "r.csv", header + row1 + row2 + row2);
  CHECK_THROWS_WITH(read_csv(repeated), Contains("r.csv:4: column 'Date': timestamp 2004-08-20 repeats line 3; "
                                                 "expected strictly increasing timestamps"));
  const auto decreasing = write_text(dir, "d.csv", header + row1 + row2 + "2004-08-18,1,2,0.5,1,3\n");
  CHECK_THROWS_WITH(read_csv(decreasing), Contains("d.csv:4: column 'Date': timestamp 2004-08-18 is before line 3's "
                                                   "2004-08-20; expected strictly increasing timestamps"));
}

TEST_CASE("csv reader rejects a bad timestamp, naming line, column and accepted forms", "[csv]") {
  const auto dir = genepool::test::scratch_dir("csv-bad-time");
  const std::string rest = ",1,2,0.5,1,3\n";
  CHECK_THROWS_WITH(read_csv(write_text(dir, "a.csv", header + "19/08/2004" + rest + "20/08/2004" + rest)),
                    Contains("a.csv:2: column 'Date': expected a timestamp (YYYY-MM-DD, YYYY-MM-DD HH:MM:SS, "
                             "epoch seconds or epoch milliseconds), got '19/08/2004'"));
  CHECK_THROWS_WITH(read_csv(write_text(dir, "b.csv", header + "2004-02-28" + rest + "2004-02-30" + rest)),
                    Contains("b.csv:3: column 'Date': expected a valid YYYY-MM-DD timestamp"));
  CHECK_THROWS_WITH(read_csv(write_text(dir, "c.csv", header + "2004-02-28" + rest + "yesterday" + rest)),
                    Contains("c.csv:3: column 'Date': expected a timestamp"));
  CHECK_THROWS_WITH(read_csv(write_text(dir, "d.csv", ",Open,High,Low,Close,Volume\n2004-13-01" + rest + row2)),
                    Contains("d.csv:2: column 'timestamp': expected a valid YYYY-MM-DD timestamp"));
  CHECK_THROWS_WITH(read_csv(write_text(dir, "e.csv", header + "1092873600000" + rest + "1092873600500" + rest)),
                    Contains("e.csv:3: column 'Date': expected a valid epoch milliseconds timestamp"));
}

TEST_CASE("csv reader rejects mixed timestamp formats within a file", "[csv]") {
  const auto dir = genepool::test::scratch_dir("csv-mixed");
  const std::string rest = ",1,2,0.5,1,3\n";
  CHECK_THROWS_WITH(read_csv(write_text(dir, "m.csv", header + "2004-08-19" + rest + "2004-08-19 09:00:00" + rest)),
                    Contains("m.csv:3: column 'Date': '2004-08-19 09:00:00' is YYYY-MM-DD HH:MM:SS but line 2 is "
                             "YYYY-MM-DD; expected one timestamp format per file"));
  CHECK_THROWS_WITH(read_csv(write_text(dir, "e.csv", header + "1092873600" + rest + "1092877200000" + rest)),
                    Contains("e.csv:3: column 'Date': '1092877200000' is epoch milliseconds but line 2 is epoch seconds"));
}

TEST_CASE("csv writing then reading gives back the same panel exactly", "[csv]") {
  const auto dir = genepool::test::scratch_dir("csv-round-trip");
  std::mt19937_64 rng(11);
  std::uniform_real_distribution<double> unit(0.0, 1.0);
  std::uniform_int_distribution<int> exponent(-150, 150);  // adjacent ratios stay finite
  MarketData d;
  d.symbols = {"RT"};
  const Eigen::Index bars = 500;
  for (Eigen::Index t = 0; t < bars; ++t) d.timestamps.push_back(1092873600 + 3600 * t);  // includes midnights
  d.open.resize(bars, 1);
  d.high.resize(bars, 1);
  d.low.resize(bars, 1);
  d.close.resize(bars, 1);
  d.volume.resize(bars, 1);
  for (Eigen::Index t = 0; t < bars; ++t) {
    const double scale = std::pow(10.0, exponent(rng));
    d.low(t, 0) = scale * (1 + unit(rng));
    d.open(t, 0) = d.low(t, 0) * (1 + unit(rng));
    d.close(t, 0) = d.low(t, 0) * (1 + unit(rng));
    d.high(t, 0) = std::max(d.open(t, 0), d.close(t, 0)) * (1 + unit(rng));
    d.volume(t, 0) = t % 3 ? unit(rng) * 1e9 : 0.0;
  }
  d.high(0, 0) = 1e67;
  d.close(1, 0) = 0.1 + 0.2;
  d.high(1, 0) = std::max(d.high(1, 0), 1.0);
  d.volume(2, 0) = std::numeric_limits<double>::denorm_min();  // a price this small is refused (its ratios overflow)
  d.volume(3, 0) = std::numeric_limits<double>::max();

  const auto file = dir / "rt.csv";
  genepool::write_csv(d, file);
  CHECK_FALSE(fs::exists(dir / "rt.csv.tmp"));
  const MarketData back = read_csv(file);
  CHECK(back.symbols == d.symbols);
  CHECK(back.timestamps == d.timestamps);
  CHECK(back.open == d.open);
  CHECK(back.high == d.high);
  CHECK(back.low == d.low);
  CHECK(back.close == d.close);
  CHECK(back.volume == d.volume);
  CHECK(back.high(0, 0) == 1e67);

  std::ifstream in(file);
  std::string first, second;
  std::getline(in, first);
  std::getline(in, second);
  CHECK(first == "timestamp,open,high,low,close,volume");
  CHECK(second.rfind("2004-08-19 00:00:00,", 0) == 0);  // one format for every row, midnights included
}

TEST_CASE("csv writing daily bars writes plain dates", "[csv]") {
  const auto dir = genepool::test::scratch_dir("csv-daily");
  const MarketData goog = read_csv(genepool::test::shared_data("GOOG.csv"));
  genepool::write_csv(goog, dir / "GOOG.csv");
  std::ifstream in(dir / "GOOG.csv");
  std::string line;
  std::getline(in, line);
  std::getline(in, line);
  CHECK(line == "2004-08-19,100,104.06,95.96,100.34,22351900");
  const MarketData back = read_csv(dir / "GOOG.csv");
  CHECK(back.timestamps == goog.timestamps);
  CHECK(back.close == goog.close);
}

TEST_CASE("csv writing refuses several symbols and invalid data", "[csv]") {
  const auto dir = genepool::test::scratch_dir("csv-refuse");
  MarketData d = read_csv(genepool::test::shared_data("GOOG.csv"));
  MarketData two = d;
  two.symbols.push_back("B");
  for (auto* m : {&two.open, &two.high, &two.low, &two.close, &two.volume}) {
    genepool::PriceMatrix wide(m->rows(), 2);
    wide << *m, *m;
    *m = wide;
  }
  CHECK_THROWS_AS(genepool::write_csv(two, dir / "two.csv"), genepool::ConfigError);
  CHECK_THROWS_WITH(genepool::write_csv(two, dir / "two.csv"),
                    Contains("two.csv: a CSV file holds one symbol, this panel has 2; write a .h5 file instead"));
  d.close(5, 0) = -1;
  CHECK_THROWS_AS(genepool::write_csv(d, dir / "bad.csv"), genepool::DataError);
  CHECK_FALSE(fs::exists(dir / "bad.csv"));
  CHECK_FALSE(fs::exists(dir / "bad.csv.tmp"));
}
