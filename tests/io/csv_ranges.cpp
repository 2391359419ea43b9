// A CSV file read with readers of its parts (io/csv_ranges.hpp) gives what one reader alone gives:
// the same bars bit for bit, the same notes and digest, and for a malformed file the same error.
#include <catch2/catch.hpp>

#include <cstdlib>
#include <functional>
#include <optional>
#include <random>
#include <string>
#include <vector>

#include "genepool/data/timestamp.hpp"
#include "genepool/error.hpp"
#include "genepool/io/csv_ranges.hpp"
#include "genepool/io/market_data_csv.hpp"
#include "genepool/number_text.hpp"
#include "helpers.hpp"

using genepool::CsvBlock;
using genepool::CsvDialect;
using genepool::CsvFile;
using genepool::CsvRange;
using genepool::read_csv_file;
namespace fs = std::filesystem;

namespace {

// Readers in this process: each range read when its block is asked for. `refuse` makes every
// block with an odd index not clean, as a reader that cannot open the file gives.
class LocalReaders final : public genepool::CsvRangeReaders {
 public:
  explicit LocalReaders(std::size_t count, bool refuse = false) : ranges_(count), refuse_(refuse) {}
  std::size_t count() const override { return ranges_.size(); }
  void start(std::size_t reader, const CsvRange& range) override {
    REQUIRE(!ranges_.at(reader));  // one range at a time
    ranges_[reader] = range;
    ++started;
  }
  CsvBlock finish(std::size_t reader) override {
    REQUIRE(ranges_.at(reader));
    const CsvRange range = *ranges_[reader];
    ranges_[reader].reset();
    if (refuse_ && reader % 2 == 1) return {};
    CsvBlock block = genepool::read_csv_range(range);
    clean += block.clean ? 1 : 0;
    return block;
  }
  std::size_t started = 0, clean = 0;

 private:
  std::vector<std::optional<CsvRange>> ranges_;
  bool refuse_;
};

// GENEPOOL_CSV_PART_BYTES for the scope.
class PartBytes {
 public:
  explicit PartBytes(std::size_t bytes) { setenv("GENEPOOL_CSV_PART_BYTES", std::to_string(bytes).c_str(), 1); }
  ~PartBytes() { unsetenv("GENEPOOL_CSV_PART_BYTES"); }
};

struct Rows {
  std::vector<std::string> lines;  // without their line ends
};

// `count` random bars, daily from 2001-01-01, each "DATE,open,high,low,close,volume" (shortest text).
Rows random_rows(std::size_t count, std::uint64_t seed) {
  std::mt19937_64 random(seed);
  std::uniform_real_distribution<double> move(-0.02, 0.02), spread(0.0, 0.01);
  Rows rows;
  double close = 100;
  for (std::size_t i = 0; i < count; ++i) {
    const double open = close * (1 + move(random));
    close = open * (1 + move(random));
    const double high = std::max(open, close) * (1 + spread(random));
    const double low = std::min(open, close) * (1 - spread(random));
    const auto t = static_cast<std::int64_t>(978307200 + 86400 * i);
    rows.lines.push_back(genepool::format_timestamp(t) + "," + genepool::shortest(open) + "," +
                         genepool::shortest(high) + "," + genepool::shortest(low) + "," +
                         genepool::shortest(close) + "," + std::to_string(random() % 100000));
  }
  return rows;
}

std::string text_of(const std::string& header, const std::vector<std::string>& lines, const std::string& end = "\n") {
  std::string text = header + end;
  for (const auto& line : lines) text += line + end;
  return text;
}

void require_same(const CsvFile& a, const CsvFile& b) {
  REQUIRE(a.series.size() == b.series.size());
  for (std::size_t s = 0; s < a.series.size(); ++s) {
    const auto& x = a.series[s];
    const auto& y = b.series[s];
    REQUIRE(x.symbols == y.symbols);
    REQUIRE(x.timestamps == y.timestamps);
    for (const auto member : {&genepool::MarketData::open, &genepool::MarketData::high, &genepool::MarketData::low,
                              &genepool::MarketData::close, &genepool::MarketData::volume}) {
      REQUIRE((x.*member).rows() == (y.*member).rows());
      for (Eigen::Index t = 0; t < (x.*member).rows(); ++t)
        REQUIRE(genepool::test::bits_of((x.*member)(t, 0)) == genepool::test::bits_of((y.*member)(t, 0)));
    }
  }
  CHECK(a.notes == b.notes);
  CHECK(a.digest.sha256 == b.digest.sha256);
  CHECK(a.digest.bytes == b.digest.bytes);
}

// The message of what reading `file` throws, or "" when it reads.
std::string error_of(const fs::path& file, const CsvDialect& dialect, genepool::CsvRangeReaders* readers) {
  try {
    read_csv_file(file, dialect, "", readers);
  } catch (const genepool::Error& error) {
    return error.what();
  }
  return "";
}

}  // namespace

TEST_CASE("CSV readers of parts: the same bars, notes and digest as one reader, for every form", "[csv][csv_ranges]") {
  const auto dir = genepool::test::scratch_dir("csv-ranges");
  const Rows rows = random_rows(400, 7);
  struct Form {
    const char* name;
    std::string text;
    CsvDialect dialect;
  };
  std::vector<std::string> newest(rows.lines.rbegin(), rows.lines.rend());
  std::vector<std::string> semicolons, quoted, joined, adjusted;
  for (const std::string& line : rows.lines) {
    std::string s = line;
    for (char& c : s) c = c == ',' ? ';' : c == '.' ? ',' : c;
    semicolons.push_back(s);
    std::string q = "\"" + line;
    q.insert(q.find(','), "\"");
    quoted.push_back(q);
    std::string j = line;
    j.insert(j.find(','), ",09:30:00");
    joined.push_back(j);
    const std::size_t open = line.find(',') + 1;
    adjusted.push_back(line + "," + line.substr(open, line.find(',', open) - open));  // the open as adjusted close
  }
  const std::string header = "timestamp,open,high,low,close,volume";
  std::vector<Form> forms = {
      {"plain", text_of(header, rows.lines), {}},
      {"newest first", text_of(header, newest), {}},
      {"CRLF", text_of(header, rows.lines, "\r\n"), {}},
      {"no last line end", text_of(header, rows.lines).substr(0, text_of(header, rows.lines).size() - 1), {}},
      {"blank lines at the end", text_of(header, rows.lines) + "\n\n  \n", {}},
      {"';' and decimal commas", text_of("timestamp;open;high;low;close;volume", semicolons), {';', ',', "", ""}},
      {"quoted timestamps", text_of(header, quoted), {}},
      {"Date + Time", text_of("date,time,open,high,low,close,volume", joined), {}},
      {"adjusted close", text_of(header + ",adj_close", adjusted), {0, '.', "", "adj_close"}},
      {"lines longer than a part", text_of(header + ",note", [&] {  // parts without a line of their own
         std::vector<std::string> v;
         for (std::size_t i = 0; i < 20; ++i) v.push_back(rows.lines[i] + "," + std::string(300, 'n'));
         return v;
       }()),
       {}},
      {"symbol column", text_of("symbol," + header, [&] {
         std::vector<std::string> v;
         for (std::size_t i = 0; i < rows.lines.size(); ++i) v.push_back((i % 2 ? "AAA," : "BBB,") + rows.lines[i]);
         return v;
       }()),
       {}},
  };
  for (const Form& form : forms) {
    INFO(form.name);
    const fs::path file = genepool::test::write_text(dir, "data.csv", form.text);
    const CsvFile alone = read_csv_file(file, form.dialect);
    for (const std::size_t part_bytes : {1, 61, 100000}) {
      const PartBytes parts(part_bytes);
      for (const std::size_t count : {1, 3, 90}) {
        for (const bool refuse : {false, true}) {
          INFO("part bytes " << part_bytes << ", readers " << count << (refuse ? ", odd blocks refused" : ""));
          LocalReaders readers(count, refuse);
          require_same(read_csv_file(file, form.dialect, "", &readers), alone);
          const bool one_series = std::string(form.name) != "symbol column";
          CHECK((readers.started > 0) == (one_series && part_bytes < 100000));
          // Every block read cleanly (but the last, with the blank lines at the end).
          if (!refuse) CHECK(readers.clean + (std::string(form.name) == "blank lines at the end" ? 1 : 0) >= readers.started);
        }
      }
    }
  }
}

TEST_CASE("CSV readers of parts: a malformed row anywhere gives one reader's error, word for word", "[csv][csv_ranges]") {
  const auto dir = genepool::test::scratch_dir("csv-ranges-errors");
  const Rows rows = random_rows(300, 11);
  const std::string header = "timestamp,open,high,low,close,volume";
  std::mt19937_64 random(3);
  struct Damage {
    const char* name;
    std::function<void(std::vector<std::string>&, std::size_t)> apply;
  };
  const std::vector<Damage> damages = {
      {"a bad number", [](auto& lines, std::size_t i) { lines[i] += "x"; }},
      {"a price <= 0", [](auto& lines, std::size_t i) { lines[i].insert(lines[i].find(',') + 1, "-"); }},
      {"high below low", [](auto& lines, std::size_t i) { lines[i] = lines[i].substr(0, 10) + ",10,9,11,10,5"; }},
      {"a repeated timestamp", [](auto& lines, std::size_t i) { lines[i] = lines[i - 1]; }},
      {"a timestamp out of order", [&](auto& lines, std::size_t i) { lines[i] = lines[i - 1 - i / 2]; }},
      {"a blank line", [](auto& lines, std::size_t i) { lines[i] = ""; }},
      {"a missing field", [](auto& lines, std::size_t i) { lines[i] = lines[i].substr(0, lines[i].rfind(',')); }},
      {"a carriage return inside", [](auto& lines, std::size_t i) { lines[i].insert(5, "\r"); }},
      {"another timestamp format", [](auto& lines, std::size_t i) { lines[i].insert(10, " 10:00:00"); }},
      {"an unclosed quote", [](auto& lines, std::size_t i) { lines[i].insert(0, "\""); }},
  };
  for (const Damage& damage : damages) {
    for (int trial = 0; trial < 8; ++trial) {
      std::vector<std::string> lines = rows.lines;
      const std::size_t at = 2 + random() % (lines.size() - 2);
      damage.apply(lines, at);
      if (trial % 3 == 0) damage.apply(lines, 2 + random() % (lines.size() - 2));  // sometimes two
      const fs::path file = genepool::test::write_text(dir, "bad.csv", text_of(header, lines));
      const std::string alone = error_of(file, {}, nullptr);
      INFO(damage.name << " at data row " << at << ": " << alone);
      REQUIRE(!alone.empty());
      for (const std::size_t part_bytes : {1, 997}) {
        const PartBytes parts(part_bytes);
        for (const std::size_t count : {1, 6, 60}) {
          LocalReaders readers(count);
          CHECK(error_of(file, {}, &readers) == alone);
        }
      }
    }
  }
}

TEST_CASE("CSV readers of parts: a range of a file that is not there, or of lines that are not bars, is not clean",
          "[csv][csv_ranges]") {
  const auto dir = genepool::test::scratch_dir("csv-ranges-refused");
  CHECK_FALSE(genepool::read_csv_range({(dir / "none.csv").string(), {}, 10, 20}).clean);
  const Rows rows = random_rows(50, 5);
  const std::string text = text_of("timestamp,open,high,low,close,volume", rows.lines);
  const fs::path file = genepool::test::write_text(dir, "data.csv", text);
  const auto start_of = [&](std::size_t row) {  // byte where data row `row` (from 0) starts
    std::size_t at = text.find('\n') + 1;
    for (std::size_t r = 0; r < row; ++r) at = text.find('\n', at) + 1;
    return static_cast<std::uint64_t>(at);
  };
  // Rows 10-19 exactly, from the byte after row 9's start (its rest is skipped) to row 20's start.
  const CsvBlock block = genepool::read_csv_range({file.string(), {}, start_of(9) + 1, start_of(20)});
  REQUIRE(block.clean);
  CHECK(block.lines == 10);
  CHECK(block.next == start_of(20));
  REQUIRE(block.timestamps.size() == 10);
  CHECK(genepool::format_timestamp(block.timestamps.front()) == rows.lines[10].substr(0, 10));
  CHECK(block.values.size() == 50);
  // A range that starts before the third data row (read to fix the file's form) is not the reader's.
  CHECK_FALSE(genepool::read_csv_range({file.string(), {}, start_of(1), start_of(5)}).clean);
  // A blank line in the range.
  const fs::path blank = genepool::test::write_text(dir, "blank.csv", text.substr(0, start_of(30)) + "\n" + text.substr(start_of(30)));
  CHECK_FALSE(genepool::read_csv_range({blank.string(), {}, start_of(20), start_of(40)}).clean);
  CHECK(genepool::read_csv_range({blank.string(), {}, start_of(20), start_of(30)}).clean);
}
