// The CSV dialects of docs/data-format.md: delimiters, quoting, decimal commas and thousands
// separators, UTC offsets, Date + Time columns, --date-format, newest-first files, an adjusted
// close, gzip and long files with a symbol column. Each against the plain file of the same bars.
#include <catch2/catch.hpp>

#include <cstdio>
#include <fstream>
#include <random>
#include <zlib.h>

#include "genepool/error.hpp"
#include "genepool/io/fingerprint.hpp"
#include "genepool/io/market_data_csv.hpp"
#include "genepool/io/market_data_io.hpp"
#include "genepool/data/timestamp.hpp"
#include "genepool/number_text.hpp"
#include "helpers.hpp"

using Catch::Matchers::Contains;
using genepool::CsvDialect;
using genepool::MarketData;
using genepool::read_csv;
using genepool::read_csv_file;
namespace fs = std::filesystem;
using genepool::test::write_text;

namespace {

fs::path write_gzip(const fs::path& dir, const std::string& name, const std::string& text) {
  const fs::path file = dir / name;
  gzFile out = gzopen(file.c_str(), "wb");
  gzwrite(out, text.data(), static_cast<unsigned>(text.size()));
  gzclose(out);
  return file;
}

std::string read_bytes(const fs::path& file) {
  std::ifstream in(file, std::ios::binary);
  std::string bytes(static_cast<std::size_t>(fs::file_size(file)), '\0');
  in.read(bytes.data(), static_cast<std::streamsize>(bytes.size()));
  return bytes;
}

std::string in_quotes(const std::string& text) {
  std::string quoted(1, '"');
  quoted += text;
  quoted += '"';
  return quoted;
}

std::int64_t at(const char* iso) {
  const auto format = genepool::detect_timestamp_format(iso);
  return *genepool::parse_timestamp(iso, *format);
}

// Every value and timestamp the same bits.
void check_same(const MarketData& a, const MarketData& b) {
  REQUIRE(a.bars() == b.bars());
  REQUIRE(a.symbol_count() == b.symbol_count());
  CHECK(a.timestamps == b.timestamps);
  for (Eigen::Index t = 0; t < a.bars(); ++t)
    for (Eigen::Index s = 0; s < a.symbol_count(); ++s) {
      INFO("bar " << t << " symbol " << s);
      CHECK(genepool::test::bits_of(a.open(t, s)) == genepool::test::bits_of(b.open(t, s)));
      CHECK(genepool::test::bits_of(a.high(t, s)) == genepool::test::bits_of(b.high(t, s)));
      CHECK(genepool::test::bits_of(a.low(t, s)) == genepool::test::bits_of(b.low(t, s)));
      CHECK(genepool::test::bits_of(a.close(t, s)) == genepool::test::bits_of(b.close(t, s)));
      CHECK(genepool::test::bits_of(a.volume(t, s)) == genepool::test::bits_of(b.volume(t, s)));
    }
}

// Random daily bars: the plain text of each value (up to 6 decimals, some above 1000) per row.
struct Bar {
  std::string day, open, high, low, close, volume;
};
std::vector<Bar> random_bars(std::size_t n, std::uint64_t seed) {
  std::mt19937_64 random(seed);
  std::uniform_real_distribution<double> price(0.01, 250'000.0), spread(0.0, 0.05);
  std::uniform_int_distribution<int> decimals(0, 6);
  std::uniform_int_distribution<long> volume(0, 90'000'000'000);
  const auto text = [&](double x) {
    char buf[64];
    std::snprintf(buf, sizeof buf, "%.*f", decimals(random), x);
    return std::string(buf);
  };
  std::vector<Bar> bars;
  for (std::size_t i = 0; i < n; ++i) {
    const double low = price(random), high = low * (1 + spread(random));
    const double open = low + (high - low) * 0.25, close = low + (high - low) * 0.75;
    // Written at the precision chosen, then ordered as read: text of low <= open, close <= high.
    std::string l = text(low), h = text(high), o = text(open), c = text(close);
    const double lv = std::stod(l), hv = std::stod(h);
    if (std::stod(o) < lv || std::stod(o) > hv) o = l;
    if (std::stod(c) < lv || std::stod(c) > hv) c = h;
    if (lv <= 0) l = o = c = h;
    bars.push_back({genepool::format_timestamp(at("2001-01-01") + static_cast<std::int64_t>(i) * 86400), o, h, l, c,
                    std::to_string(volume(random))});
  }
  return bars;
}

// "1234567.25" with thousands separators `group` and decimal mark `decimal`: "1.234.567,25".
std::string grouped(const std::string& plain, char group, char decimal) {
  const std::size_t dot = std::min(plain.find('.'), plain.size());
  std::string integer = plain.substr(0, dot), out;
  for (std::size_t i = 0; i < integer.size(); ++i) {
    if (i > 0 && (integer.size() - i) % 3 == 0) out += group;
    out += integer[i];
  }
  if (dot < plain.size()) out += decimal + plain.substr(dot + 1);
  return out;
}

const std::string header = "Date,Open,High,Low,Close,Volume\n";

}  // namespace

TEST_CASE("dialects of the same random bars read back bit for bit as the plain file", "[csv][dialects]") {
  const auto dir = genepool::test::scratch_dir("csv-dialects-random");
  const auto bars = random_bars(2000, 7);
  std::string plain = header, semicolon = "Date;Open;High;Low;Close;Volume\n", tab = "Date\tOpen\tHigh\tLow\tClose\tVolume\n",
              quoted = header, decimal_comma = "Date;Open;High;Low;Close;Volume\n", quoted_comma = header,
              pipes = "Date|Open|High|Low|Close|Volume\n";
  std::vector<std::string> rows;
  for (const Bar& b : bars) {
    const std::string row = b.day + "," + b.open + "," + b.high + "," + b.low + "," + b.close + "," + b.volume + "\n";
    plain += row;
    rows.push_back(row);
    semicolon += b.day + ";" + b.open + ";" + b.high + ";" + b.low + ";" + b.close + ";" + b.volume + "\n";
    tab += b.day + "\t" + b.open + "\t" + b.high + "\t" + b.low + "\t" + b.close + "\t" + b.volume + "\n";
    pipes += b.day + "|" + b.open + "|" + b.high + "|" + b.low + "|" + b.close + "|" + b.volume + "\n";
    const auto q = [](const std::string& v) { return in_quotes(grouped(v, ',', '.')); };
    quoted += "\"" + b.day + "\"," + q(b.open) + "," + q(b.high) + "," + q(b.low) + "," + q(b.close) + "," +
              q(b.volume) + "\n";
    const auto dc = [](const std::string& v) { return grouped(v, '.', ','); };
    decimal_comma += b.day + ";" + dc(b.open) + ";" + dc(b.high) + ";" + dc(b.low) + ";" + dc(b.close) + ";" +
                     dc(b.volume) + "\n";
    const auto qc = [](const std::string& v) { return in_quotes(grouped(v, '.', ',')); };
    quoted_comma += b.day + "," + qc(b.open) + "," + qc(b.high) + "," + qc(b.low) + "," + qc(b.close) + "," +
                    qc(b.volume) + "\n";
  }
  std::string newest_first = header;
  for (auto it = rows.rbegin(); it != rows.rend(); ++it) newest_first += *it;

  const MarketData reference = read_csv(write_text(dir, "X.csv", plain));
  CsvDialect comma;
  comma.decimal = ',';
  CsvDialect comma_in_commas = comma;
  comma_in_commas.delimiter = ',';
  fs::create_directories(dir / "v");
  const std::vector<std::pair<fs::path, CsvDialect>> files = {
      {write_text(dir / "v", "1.csv", semicolon), {}},
      {write_text(dir / "v", "2.csv", tab), {}},
      {write_text(dir / "v", "3.csv", pipes), {}},
      {write_text(dir / "v", "4.csv", quoted), {}},
      {write_text(dir / "v", "5.csv", decimal_comma), comma},
      {write_text(dir / "v", "6.csv", quoted_comma), comma_in_commas},
      {write_text(dir / "v", "7.csv", newest_first), {}},
      {write_gzip(dir / "v", "8.csv.gz", plain), {}},
  };
  for (const auto& [file, dialect] : files) {
    INFO(file.filename().string());
    const MarketData d = read_csv(file, "X", nullptr, dialect);
    check_same(d, reference);
  }
}

TEST_CASE("the delimiter is detected from the header, or named, and a wrong one gets the hint", "[csv][dialects]") {
  const auto dir = genepool::test::scratch_dir("csv-delimiter");
  const std::string text = "Date;Open;High;Low;Close;Volume\n2004-08-19;1;2;0.5;1;3\n2004-08-20;1;2;0.5;1;3\n";
  const genepool::CsvFile read = read_csv_file(write_text(dir, "s.csv", text));
  REQUIRE(read.series.size() == 1);
  CHECK(read.series.front().bars() == 2);
  CHECK(read.notes == std::vector<std::string>{"';'-separated"});
  CsvDialect comma;
  comma.delimiter = ',';
  CHECK_THROWS_WITH(read_csv(dir / "s.csv", {}, nullptr, comma),
                    Contains("s.csv:1: header has no timestamp column") &&
                        Contains("the header splits into 6 columns by ';': give --delimiter ; (or leave --delimiter "
                                 "out to detect it)"));
  CsvDialect tab;
  tab.delimiter = '\t';
  CHECK_THROWS_WITH(read_csv(dir / "s.csv", {}, nullptr, tab), Contains("give --delimiter ;"));
  // A row split differently from the header names the detected delimiter.
  CHECK_THROWS_WITH(read_csv(write_text(dir, "r.csv", text + "2004-08-23,1,2,0.5,1,3\n")),
                    Contains("r.csv:4: 1 field(s), the header has 6; expected one field per header column (split by "
                             "';', detected from the header)"));
  CHECK(genepool::parse_delimiter("tab", "--delimiter") == '\t');
  CHECK(genepool::parse_delimiter("\t", "--delimiter") == '\t');
  CHECK(genepool::parse_delimiter(";", "--delimiter") == ';');
  CHECK_THROWS_WITH(genepool::parse_delimiter(":", "--delimiter"),
                    Contains("--delimiter: ':' is no delimiter genepool reads; expected ',', ';', '|' or tab"));
  CHECK_THROWS_AS(genepool::parse_decimal(";", "--decimal"), genepool::ConfigError);
}

TEST_CASE("quoted fields follow RFC 4180 on one line, and a broken quote is named", "[csv][dialects]") {
  const auto dir = genepool::test::scratch_dir("csv-quotes");
  const std::string head = "\"Date\",\"Open\",\"High\",\"Low\",\"Close\",\"Volume\",\"Note \"\"x\"\"\"\n";
  const auto d = read_csv_file(write_text(dir, "q.csv", head + "\"2004-08-19\", \"1\" ,2,0.5,1,3,\"a, b\"\n"
                                                                "2004-08-20,1,\"2,000\",0.5,\"1,234.5\",\"1,000\",\"\"\n"));
  REQUIRE(d.series.size() == 1);
  CHECK(d.series.front().close(1, 0) == 1234.5);
  CHECK(d.series.front().volume(1, 0) == 1000);
  CHECK(d.notes == std::vector<std::string>{"ignored columns Note \"x\""});
  const std::string row = "2004-08-19,1,2,0.5,1,3\n";
  CHECK_THROWS_WITH(read_csv(write_text(dir, "u.csv", header + row + "2004-08-20,1,2,\"0.5,1,3\n")),
                    Contains("u.csv:3: a quoted field has no closing quote"));
  CHECK_THROWS_WITH(read_csv(write_text(dir, "t.csv", header + row + "2004-08-20,1,2,\"0.5\"x,1,3\n")),
                    Contains("t.csv:3: text after a quoted field's closing quote; expected a delimiter there"));
  // Thousands separators: three digits a group, and only inside quotes of a comma-separated file.
  CHECK_THROWS_WITH(read_csv(write_text(dir, "g.csv", header + row + "2004-08-20,1,2,0.5,\"1,23\",3\n")),
                    Contains("g.csv:3: column 'Close': expected a number, got '1,23'"));
  CHECK_THROWS_WITH(read_csv(write_text(dir, "h.csv", header + row + "2004-08-20,1,2,0.5,\"1234,567\",3\n")),
                    Contains("expected a number, got '1234,567'"));
  const std::string semi = "Date;Open;High;Low;Close;Volume\n2004-08-19;1;2;0.5;1;3\n";
  CHECK_THROWS_WITH(read_csv(write_text(dir, "s.csv", semi + "2004-08-20;1;2;0.5;1,234;3\n")),
                    Contains("s.csv:3: column 'Close': expected a number, got '1,234'; genepool detected the "
                             "delimiter ';' but the number '1,234' has a decimal comma: give --decimal ,"));
}

TEST_CASE("decimal commas read with --decimal , and are refused with the hint without it", "[csv][dialects]") {
  const auto dir = genepool::test::scratch_dir("csv-decimal");
  const auto file = write_text(dir, "p.csv",
                               "Date;Open;High;Low;Close;Volume\n2004-08-19;1.234,5;1.240;1.200,25;1.238,75;3\n"
                               "2004-08-20;1.238,75;1.250,5;1.230;1.245;4\n");
  CHECK_THROWS_WITH(read_csv(file), Contains("p.csv:2: column 'Open': expected a number, got '1.234,5'; genepool "
                                             "detected the delimiter ';' but the number '1.234,5' has a decimal comma: "
                                             "give --decimal ,"));
  CsvDialect comma;
  comma.decimal = ',';
  const auto read = read_csv_file(file, comma);
  const MarketData& d = read.series.front();
  CHECK(d.open(0, 0) == 1234.5);
  CHECK(d.high(0, 0) == 1240);
  CHECK(d.low(0, 0) == 1200.25);
  CHECK(d.close(1, 0) == 1245);
  CHECK(read.notes == std::vector<std::string>{"';'-separated", "decimal commas"});
  const auto dotted = write_text(dir, "d.csv", "Date;Open;High;Low;Close\n2004-08-19;1.5;2;1;1.5\n2004-08-20;1;2;1;1\n");
  CHECK_THROWS_WITH(read_csv(dotted, {}, nullptr, comma),
                    Contains("d.csv:2: column 'Open': expected a number, got '1.5'; with --decimal , a '.' groups "
                             "thousands (1.234,5); this number has a decimal point: leave --decimal out"));
}

TEST_CASE("UTC offsets are converted to UTC and said so, and Date + Time columns are joined", "[csv][dialects]") {
  const auto dir = genepool::test::scratch_dir("csv-times");
  const auto yf = read_csv_file(write_text(dir, "AAPL.csv",
                                           "Date,Open,High,Low,Close,Volume\n2020-03-06 00:00:00-05:00,1,2,0.5,1,3\n"
                                           "2020-03-09 00:00:00-04:00,1,2,0.5,1,3\n"));
  const MarketData& d = yf.series.front();
  CHECK(d.timestamps == std::vector<std::int64_t>{at("2020-03-06 05:00:00"), at("2020-03-09 04:00:00")});
  CHECK(yf.notes == std::vector<std::string>{"UTC offsets converted to UTC"});
  const auto intraday = read_csv_file(write_text(dir, "i.csv",
                                                 "Date,Time,Open,High,Low,Close\n2020-01-02,09:30:00,1,2,0.5,1\n"
                                                 "2020-01-02,09:40,1,2,0.5,1\n2020-01-03,09:30:00,1,2,0.5,1\n"));
  CHECK(intraday.series.front().timestamps ==
        std::vector<std::int64_t>{at("2020-01-02 09:30:00"), at("2020-01-02 09:40:00"), at("2020-01-03 09:30:00")});
  CHECK(intraday.notes == std::vector<std::string>{"timestamps from 'Date' + 'Time'"});
  CHECK_THROWS_WITH(read_csv(write_text(dir, "j.csv", "Date,Time,Open,High,Low,Close\n2020-01-02,9h30,1,2,0.5,1\n")),
                    Contains("j.csv:2: column 'Date': expected a timestamp") && Contains("got '2020-01-02 9h30'"));
}

TEST_CASE("a date format reads any layout, and a day-first date without it gets the hint", "[csv][dialects]") {
  const auto dir = genepool::test::scratch_dir("csv-date-format");
  const auto file = write_text(dir, "uk.csv", header + "13/01/2020,1,2,0.5,1,3\n14/01/2020,1,2,0.5,1,3\n");
  CHECK_THROWS_WITH(read_csv(file), Contains("uk.csv:2: column 'Date': expected a timestamp (YYYY-MM-DD, YYYY-MM-DD "
                                             "HH:MM:SS, epoch seconds or epoch milliseconds), got '13/01/2020'; give "
                                             "--date-format '%d/%m/%Y' (day first)"));
  const auto ambiguous = write_text(dir, "a.csv", header + "02/01/2020 09:30,1,2,0.5,1,3\n");
  CHECK_THROWS_WITH(read_csv(ambiguous), Contains("give --date-format '%d/%m/%Y %H:%M' (day first) or "
                                                  "'%m/%d/%Y %H:%M' (month first)"));
  CsvDialect dmy;
  dmy.date_format = "%d/%m/%Y";
  const auto read = read_csv_file(file, dmy);
  CHECK(read.series.front().timestamps == std::vector<std::int64_t>{at("2020-01-13"), at("2020-01-14")});
  CHECK(read.notes == std::vector<std::string>{"dates as '%d/%m/%Y'"});
  CsvDialect mdy;
  mdy.date_format = "%m/%d/%Y";
  CHECK_THROWS_WITH(read_csv(file, {}, nullptr, mdy),
                    Contains("uk.csv:2: column 'Date': expected a timestamp in the --date-format '%m/%d/%Y', got "
                             "'13/01/2020'"));
  CsvDialect bad;
  bad.date_format = "%d/%q";
  CHECK_THROWS_AS(read_csv(file, {}, nullptr, bad), genepool::ConfigError);
}

TEST_CASE("a newest-first file is read in reverse and said so, and any other order is refused", "[csv][dialects]") {
  const auto dir = genepool::test::scratch_dir("csv-newest-first");
  const std::string a = "2004-08-18,1,2,0.5,1,3\n", b = "2004-08-19,1,3,0.5,2,4\n", c = "2004-08-20,2,4,1,3,5\n";
  const auto newest = read_csv_file(write_text(dir, "n.csv", header + c + b + a));
  const auto oldest = read_csv_file(write_text(dir, "o.csv", header + a + b + c));
  check_same(newest.series.front(), oldest.series.front());
  CHECK(newest.notes == std::vector<std::string>{"newest first (reversed)"});
  CHECK(oldest.notes.empty());
  CHECK_THROWS_WITH(read_csv(write_text(dir, "t.csv", header + c + a + b)),
                    Contains("t.csv:4: column 'Date': timestamp 2004-08-19 is after line 3's 2004-08-18; expected "
                             "strictly decreasing timestamps throughout a newest-first file (line 3 is older than the "
                             "line before it)"));
  CHECK_THROWS_WITH(read_csv(write_text(dir, "r.csv", header + c + c + a)),
                    Contains("r.csv:3: column 'Date': timestamp 2004-08-20 repeats line 2"));
}

TEST_CASE("a price column takes an adjusted close and scales open, high and low by its factor", "[csv][dialects]") {
  const auto dir = genepool::test::scratch_dir("csv-adjusted");
  const auto file = write_text(dir, "y.csv",
                               "Date,Open,High,Low,Close,Adj Close,Volume,Dividends\n"
                               "2004-08-19,10,12,9,11,5.5,100,0\n2004-08-20,11,11.5,10,11.5,5.75,200,0.25\n"
                               "2004-08-23,3,3.3,2.7,3.3,2.2,300,0\n");
  const auto plain = read_csv_file(file);
  CHECK(plain.series.front().close(0, 0) == 11);
  CHECK(plain.notes == std::vector<std::string>{"ignored columns Adj Close, Dividends"});
  for (const std::string name : {"adj_close", "Adj Close", "ADJCLOSE", "adj-close"}) {
    INFO(name);
    CsvDialect adjusted;
    adjusted.price_column = name;
    const auto read = read_csv_file(file, adjusted);
    const MarketData& d = read.series.front();
    CHECK(d.close(0, 0) == 5.5);
    CHECK(d.open(0, 0) == 10 * (5.5 / 11));
    CHECK(d.high(0, 0) == 12 * (5.5 / 11));
    CHECK(d.low(0, 0) == 9 * (5.5 / 11));
    CHECK(d.volume(0, 0) == 100);
    CHECK(d.high(1, 0) == 5.75);  // high == close: the scaled high is the adjusted close, not below it
    CHECK(d.high(2, 0) >= d.close(2, 0));
    CHECK(d.close(2, 0) == 2.2);
    CHECK(read.notes == std::vector<std::string>{"close from 'Adj Close' (open, high, low scaled by Adj Close / Close)",
                                                 "ignored columns Dividends"});
  }
  CsvDialect missing;
  missing.price_column = "adj_close";
  CHECK_THROWS_WITH(read_csv(write_text(dir, "m.csv", header + "2004-08-19,1,2,0.5,1,3\n"), {}, nullptr, missing),
                    Contains("m.csv:1: no column 'adj_close' for --price-column (names compared without case, spaces "
                             "and '_'); the header has Date, Open, High, Low, Close, Volume"));
  CsvDialect own;
  own.price_column = "Open";
  CHECK_THROWS_WITH(read_csv(file, {}, nullptr, own),
                    Contains("--price-column Open: names a column genepool reads as open; expected the column to use "
                             "as the close, e.g. adj_close"));
  CsvDialect price;
  price.price_column = "Price";
  const auto investing = read_csv_file(
      write_text(dir, "i.csv", "Date,Price,Open,High,Low\n2004-08-19,1.5,1,2,0.5\n2004-08-20,1.75,1.5,2,1\n"), price);
  CHECK(investing.series.front().close(1, 0) == 1.75);
  CHECK(investing.notes == std::vector<std::string>{"close from 'Price'"});
}

TEST_CASE("a gzip file reads as its text, hashed as its compressed bytes, and damage is named", "[csv][dialects]") {
  const auto dir = genepool::test::scratch_dir("csv-gzip");
  std::string text = header;
  for (const Bar& b : random_bars(30000, 3))  // several 1 MiB blocks of text
    text += b.day + "," + b.open + "," + b.high + "," + b.low + "," + b.close + "," + b.volume + "\n";
  const auto gz = write_gzip(dir, "msft.csv.gz", text);
  genepool::FileDigest digest;
  const MarketData from_gzip = read_csv(gz, {}, &digest);
  CHECK(from_gzip.symbols.front() == "MSFT");
  check_same(from_gzip, read_csv(write_text(dir, "msft.csv", text)));
  CHECK(digest.sha256 == genepool::sha256_file(gz));
  CHECK(digest.bytes == fs::file_size(gz));
  CHECK(read_csv_file(gz).notes == std::vector<std::string>{"gzip"});

  // Two members, as `cat a.gz b.gz` writes: one text.
  const std::string half = text.substr(0, text.find('\n', text.size() / 2) + 1);
  const auto first = read_bytes(write_gzip(dir, "a.gz", half)), second = read_bytes(write_gzip(dir, "b.gz", text.substr(half.size())));
  check_same(read_csv(write_text(dir, "two.csv.gz", first + second), "MSFT"), from_gzip);

  const std::string bytes = read_bytes(gz);
  CHECK_THROWS_WITH(read_csv(write_text(dir, "cut.csv.gz", bytes.substr(0, bytes.size() / 2))),
                    Contains("cut.csv.gz: the gzip stream ends early; expected a complete .gz file"));
  std::string damaged = bytes;
  damaged[damaged.size() / 2] = static_cast<char>(damaged[damaged.size() / 2] ^ 0x55);
  CHECK_THROWS_AS(read_csv(write_text(dir, "bad.csv.gz", damaged)), genepool::DataError);
}

TEST_CASE("a symbol column splits a long file into its symbols, never one series", "[csv][dialects]") {
  const auto dir = genepool::test::scratch_dir("csv-long");
  const std::string head = "Date,Symbol,Open,High,Low,Close,Volume\n";
  const auto interleaved = write_text(dir, "l.csv", head +
                                                        "2004-08-18,AAA,1,2,0.5,1,3\n2004-08-18,BBB,10,20,5,10,30\n"
                                                        "2004-08-19,AAA,1,2,0.5,1.5,3\n2004-08-19,BBB,10,20,5,15,30\n"
                                                        "2004-08-20,BBB,10,20,5,12,30\n");
  const auto read = read_csv_file(interleaved);
  REQUIRE(read.series.size() == 2);
  CHECK(read.series[0].symbols.front() == "AAA");
  CHECK(read.series[0].bars() == 2);
  CHECK(read.series[1].symbols.front() == "BBB");
  CHECK(read.series[1].close(2, 0) == 12);
  CHECK(read.notes == std::vector<std::string>{"symbol column 'Symbol': AAA 2 bars, BBB 3 bars"});
  CHECK_THROWS_WITH(read_csv(interleaved), Contains("l.csv: holds 2 symbols"));
  CHECK_THROWS_AS(read_csv_file(interleaved, {}, "XYZ"), genepool::ConfigError);

  // Union (the default): every bar of either symbol, AAA flat after its last; inner: the common bars.
  genepool::LoadReport report;
  const MarketData panel = genepool::load_market_data({interleaved}, &report);
  CHECK(panel.symbols == std::vector<std::string>{"AAA", "BBB"});
  CHECK(panel.bars() == 3);
  CHECK(report.summary() == "loaded l.csv: 2 symbols, 3 bars (2004-08-18 .. 2004-08-20) (union, max-gap 5); AAA "
                            "2004-08-18 .. 2004-08-19 (filled 0; flat after 1), BBB 2004-08-18 .. 2004-08-20 (filled "
                            "0); l.csv: symbol column 'Symbol': AAA 2 bars, BBB 3 bars");
  const genepool::LoadOptions inner{genepool::Alignment::inner};
  CHECK(genepool::load_market_data({interleaved}, &report, inner).bars() == 2);
  CHECK(report.summary() == "loaded l.csv: 2 symbols, 2 bars (2004-08-18 .. 2004-08-19) (inner); l.csv dropped 1; "
                            "l.csv: symbol column 'Symbol': AAA 2 bars, BBB 3 bars");

  // Grouped by symbol, a ticker's dates not overlapping the other's: two symbols of a union panel,
  // each live over its own dates, never spliced into one series; inner refuses them.
  const auto apart = write_text(dir, "apart.csv", "date,ticker,open,high,low,close\n2004-08-18,OLD,1,2,0.5,1\n"
                                                  "2004-08-19,OLD,1,2,0.5,1\n2004-08-20,NEW,1,2,0.5,1\n"
                                                  "2004-08-23,NEW,1,2,0.5,1\n");
  const MarketData both = genepool::load_market_data({apart});
  CHECK(both.symbols == std::vector<std::string>{"OLD", "NEW"});
  CHECK(both.bars() == 4);
  CHECK(both.live.col(0).cast<int>().sum() == 2);
  CHECK(both.live.col(1).cast<int>().sum() == 2);
  CHECK_THROWS_WITH(genepool::load_market_data({apart}, nullptr, inner),
                    Contains("0 timestamp(s) common to all 2 series of 1 file(s): " + (dir / "apart.csv").string() +
                             " OLD (2004-08-18 .. 2004-08-19, 2 bars), " + (dir / "apart.csv").string() +
                             " NEW (2004-08-20 .. 2004-08-23, 2 bars); expected at least 2 shared bars to align on"));
  CHECK_THROWS_WITH(read_csv_file(write_text(dir, "r.csv", head + "2004-08-18,AAA,1,2,0.5,1,3\n2004-08-18,BBB,1,2,0.5,1,3\n"
                                                                  "2004-08-18,AAA,1,2,0.5,1,3\n")),
                    Contains("r.csv:4: column 'Date': timestamp 2004-08-18 repeats line 2 for symbol AAA"));
  CHECK_THROWS_WITH(read_csv_file(write_text(dir, "one.csv", head + "2004-08-18,AAA,1,2,0.5,1,3\n2004-08-18,BBB,1,2,0.5,1,3\n"
                                                                    "2004-08-19,AAA,1,2,0.5,1,3\n")),
                    Contains("one.csv: 1 data row(s) after the header for symbol BBB (line 3); expected at least 2 bars"));
  CHECK_THROWS_WITH(read_csv_file(write_text(dir, "e.csv", head + "2004-08-18, ,1,2,0.5,1,3\n")),
                    Contains("e.csv:2: column 'Symbol': expected a symbol name, got ''"));
  CHECK_THROWS_WITH(read_csv_file(write_text(dir, "two.csv", "Date,Symbol,Ticker,Open,High,Low,Close\n")),
                    Contains("two.csv:1: columns 'Symbol' (column 2) and 'Ticker' (column 3) could both be the symbol"));
}

TEST_CASE("a data source NAME=FILE names a symbol, and anything else is a path", "[csv][dialects]") {
  const auto dir = genepool::test::scratch_dir("csv-data-source");
  using genepool::DataSource;
  using genepool::parse_data_source;
  CHECK(parse_data_source("AAPL=prices/aapl.csv") == DataSource{"prices/aapl.csv", "AAPL"});
  CHECK(parse_data_source("BRK.B=x.csv") == DataSource{"x.csv", "BRK.B"});
  CHECK(parse_data_source("^GSPC=x.csv") == DataSource{"x.csv", "^GSPC"});
  CHECK(parse_data_source("prices/aapl.csv") == DataSource{"prices/aapl.csv", ""});
  CHECK(parse_data_source("dir/a=b.csv") == DataSource{"dir/a=b.csv", ""});
  CHECK(parse_data_source("=b.csv") == DataSource{"=b.csv", ""});
  CHECK(parse_data_source("A=") == DataSource{"A=", ""});
  CHECK(parse_data_source("A=b=c.csv") == DataSource{"A=b=c.csv", ""});
  const auto odd = write_text(dir, "X=Y.csv", header + "2004-08-19,1,2,0.5,1,3\n2004-08-20,1,2,0.5,1,3\n");
  CHECK(parse_data_source(odd.string()).symbol.empty());  // an existing file's name is its name

  const auto a = write_text(dir, "a.csv", header + "2004-08-19,1,2,0.5,1,3\n2004-08-20,1,2,0.5,1,3\n");
  genepool::LoadReport report;
  const MarketData d = genepool::load_market_data({DataSource{a, "AAPL"}, DataSource{a, "MSFT"}}, CsvDialect{}, &report);
  CHECK(d.symbols == std::vector<std::string>{"AAPL", "MSFT"});
  CHECK_THROWS_WITH(genepool::load_market_data({DataSource{a, {}}, DataSource{a, {}}}, CsvDialect{}),
                    Contains("symbol A is in both") && Contains("name it: --data NAME=FILE"));

  // An HDF5 file of one symbol takes a name; one of several does not.
  genepool::save_market_data(d, dir / "two.h5");
  genepool::save_market_data(read_csv(a), dir / "one.h5");
  CHECK(genepool::load_market_data({DataSource{dir / "one.h5", "SPY"}}, CsvDialect{}).symbols ==
        std::vector<std::string>{"SPY"});
  CHECK_THROWS_WITH(genepool::load_market_data({DataSource{dir / "two.h5", "SPY"}}, CsvDialect{}),
                    Contains("two.h5: the file holds 2 symbols; expected NAME= only for a file of one"));
}
