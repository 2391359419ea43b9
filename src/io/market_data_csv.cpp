#include "genepool/io/market_data_csv.hpp"

#include <algorithm>
#include <array>
#include <bit>
#include <cctype>
#include <charconv>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <cerrno>
#include <cstdio>
#include <fstream>
#include <memory>
#include <optional>
#include <string_view>
#include <system_error>
#include <vector>

#include "genepool/error.hpp"
#include "genepool/number_text.hpp"
#include "genepool/data/timestamp.hpp"
#include "genepool/io/input_file.hpp"
#include "genepool/io/output_file.hpp"

namespace genepool {
namespace {

namespace fs = std::filesystem;

constexpr std::size_t kBlockBytes = 1 << 20;  // the file is read in blocks of this size, never whole

// An open file for reading, closed on scope exit; failures are IoErrors naming the file.
class InputFile {
 public:
  explicit InputFile(const fs::path& file) : name_(file.string()) {
    check_input_file(file, "a market-data CSV file");
    handle_ = std::fopen(file.c_str(), "rb");
    if (handle_ == nullptr) throw IoError(name_ + ": cannot open for reading: " + std::strerror(errno));
  }
  InputFile(const InputFile&) = delete;
  InputFile& operator=(const InputFile&) = delete;
  ~InputFile() { std::fclose(handle_); }

  // Reads up to `size` bytes into `into`; returns how many (0 at the end of the file).
  std::size_t read(char* into, std::size_t size) {
    const std::size_t got = std::fread(into, 1, size, handle_);
    if (got < size && std::ferror(handle_)) throw IoError(name_ + ": read failed: " + std::strerror(errno));
    return got;
  }

 private:
  std::string name_;
  std::FILE* handle_ = nullptr;
};

// Rows after the header, from a first pass over the file: the line ends before the last non-blank
// character (as many as the parser will find rows, for a well-formed file; an upper bound otherwise).
std::size_t count_rows(const fs::path& file) {
  InputFile in(file);
  const auto block = std::make_unique_for_overwrite<char[]>(kBlockBytes);
  std::size_t line_ends = 0;
  std::size_t trailing = 0;  // line ends after the last non-blank character so far
  while (const std::size_t got = in.read(block.get(), kBlockBytes)) {
    const char* p = block.get();
    const char* end = p + got;
    while (const void* nl = std::memchr(p, '\n', static_cast<std::size_t>(end - p))) {
      ++line_ends;
      p = static_cast<const char*>(nl) + 1;
    }
    std::size_t ends = 0;  // line ends after this block's last non-blank character
    const char* q = end;
    for (; q != block.get() && (q[-1] == '\n' || q[-1] == '\r' || q[-1] == ' ' || q[-1] == '\t'); --q)
      ends += q[-1] == '\n' ? 1 : 0;
    trailing = q == block.get() ? trailing + ends : ends;
  }
  return line_ends - trailing;
}

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r')) s.remove_suffix(1);
  return s;
}

std::string lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

std::string upper(std::string s) {
  for (char& c : s) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return s;
}

// A field as quoted in a message: excerpt() (cut short when long, control bytes written as \xNN).
std::string quoted(std::string_view field) { return '\'' + excerpt(field) + '\''; }

// The columns the reader uses, in the order the value fields are stored.
enum Role : std::size_t { open_col, high_col, low_col, close_col, volume_col, time_col, role_count };
constexpr std::array<const char*, role_count> role_names = {"open", "high", "low", "close", "volume", "timestamp"};
constexpr std::size_t absent = static_cast<std::size_t>(-1);

struct Header {
  std::vector<std::string> names;            // as written, trimmed
  std::array<std::size_t, role_count> index; // column of each role, or `absent`
};

// Walks a file line by line, reading it in blocks and hashing each block as it is read; a line's
// view is valid until the next call. Line numbers count from 1.
class LineCursor {
 public:
  explicit LineCursor(const fs::path& file) : in_(file), buffer_(kBlockBytes) {}

  // The SHA-256 and size of the bytes read; once, after the last line.
  FileDigest digest() { return {hash_.hex_digest(), bytes_}; }

  bool next(std::string_view& line) {
    const void* nl = nullptr;
    while ((nl = std::memchr(buffer_.data() + begin_, '\n', end_ - begin_)) == nullptr && !at_end_) refill();
    if (nl == nullptr && begin_ == end_) return false;
    const char* start = buffer_.data() + begin_;
    const std::size_t len = nl ? static_cast<std::size_t>(static_cast<const char*>(nl) - start) : end_ - begin_;
    line = std::string_view(start, len);
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    begin_ += nl ? len + 1 : len;
    ++number_;
    return true;
  }
  long number() const { return number_; }

 private:
  // Moves the unread part to the front and reads more after it (growing the buffer for a long line).
  void refill() {
    std::memmove(buffer_.data(), buffer_.data() + begin_, end_ - begin_);
    end_ -= begin_;
    begin_ = 0;
    if (end_ == buffer_.size()) buffer_.resize(2 * buffer_.size());
    const std::size_t got = in_.read(buffer_.data() + end_, buffer_.size() - end_);
    hash_.update(std::as_bytes(std::span(buffer_.data() + end_, got)));
    bytes_ += got;
    end_ += got;
    at_end_ = got == 0;
  }

  InputFile in_;
  std::vector<char> buffer_;
  std::size_t begin_ = 0, end_ = 0;  // the unread bytes
  bool at_end_ = false;
  long number_ = 0;
  Sha256 hash_;
  std::uint64_t bytes_ = 0;
};

// The first ',' in [p, end), or end. Eight bytes at a time on little-endian machines (a field is
// short, so memchr's call costs more than it saves): a byte of `word ^ commas` is 0 where a comma
// is, and the lowest set bit of `(x - ones) & ~x & highs` marks exactly the first such byte.
const char* find_comma(const char* p, const char* end) {
  if constexpr (std::endian::native == std::endian::little) {
    constexpr std::uint64_t ones = 0x0101010101010101, highs = ones * 0x80, commas = ones * ',';
    for (; end - p >= 8; p += 8) {
      std::uint64_t word = 0;
      std::memcpy(&word, p, sizeof word);
      const std::uint64_t x = word ^ commas;
      if (const std::uint64_t found = (x - ones) & ~x & highs; found != 0) return p + std::countr_zero(found) / 8;
    }
  }
  while (p != end && *p != ',') ++p;
  return p;
}

// Splits a line at commas into `fields`; returns the count, which may exceed fields.size().
std::size_t split(std::string_view line, std::vector<std::string_view>& fields) {
  std::size_t count = 0;
  const char* p = line.data();
  const char* end = p + line.size();
  while (true) {
    const char* stop = find_comma(p, end);
    if (count < fields.size()) fields[count] = std::string_view(p, static_cast<std::size_t>(stop - p));
    ++count;
    if (stop == end) return count;
    p = stop + 1;
  }
}

// Clinger's fast path for the common plain decimal "123.456": when the digits as an integer m
// are at most 2^53 and there are at most 22 decimals, m and 10^k are exact doubles and one
// division rounds correctly, so the result equals from_chars'. False for anything else.
bool parse_plain_decimal(std::string_view s, double& out) {
  static constexpr double powers[] = {1e0,  1e1,  1e2,  1e3,  1e4,  1e5,  1e6,  1e7,  1e8,  1e9,  1e10, 1e11,
                                      1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22};
  if (s.empty() || s.size() > 20) return false;
  std::uint64_t m = 0;
  std::size_t i = 0, dot = s.size();
  for (; i < s.size(); ++i) {
    const char c = s[i];
    if (c >= '0' && c <= '9') {
      m = m * 10 + static_cast<std::uint64_t>(c - '0');
    } else if (c == '.' && dot == s.size() && i > 0 && i + 1 < s.size()) {
      dot = i;
    } else {
      return false;
    }
  }
  const std::size_t decimals = dot == s.size() ? 0 : s.size() - dot - 1;
  if (s.size() - (dot == s.size() ? 0 : 1) > 19 || m > (std::uint64_t{1} << 53)) return false;
  out = static_cast<double>(m) / powers[decimals];
  return true;
}

class CsvParser {
 public:
  explicit CsvParser(const fs::path& file) : file_(file.string()), cursor_(file) {}

  MarketData parse(std::string symbol, std::size_t row_estimate);
  FileDigest digest() { return cursor_.digest(); }

 private:
  [[noreturn]] void fail(const std::string& what) const {
    throw DataError(file_ + ":" + std::to_string(cursor_.number()) + ": " + what);
  }
  // A carriage return inside a line: lines that end in CR alone (classic Mac OS), which would read
  // as one long line.
  void check_line_ends(std::string_view line) const {
    if (std::memchr(line.data(), '\r', line.size()) != nullptr)
      fail("a carriage return (CR) inside the line: the file's lines end in CR alone (classic Mac OS); "
           "expected LF or CRLF line ends (convert the file, e.g. tr '\\r' '\\n')");
  }
  [[noreturn]] void fail_column(Role role, const std::string& what) const {
    fail("column '" + label(role) + "': " + what);
  }
  std::string label(Role role) const {
    const std::string& name = header_.names[header_.index[role]];
    return name.empty() ? role_names[role] : name;
  }

  void read_header();
  double parse_number(Role role, std::string_view field) const;
  std::int64_t parse_time(std::string_view field);
  void check_row(const std::array<double, 5>& v) const;

  std::string file_;
  LineCursor cursor_;
  Header header_;
  std::optional<TimestampFormat> format_;
  long format_line_ = 0;
  std::int64_t previous_time_ = 0;
  long previous_line_ = 0;
};

void CsvParser::read_header() {
  std::string_view line;
  if (!cursor_.next(line))
    throw DataError(file_ + ": empty file; expected a header row such as 'Date,Open,High,Low,Close,Volume'");
  constexpr std::string_view bom = "\xEF\xBB\xBF";
  if (line.substr(0, bom.size()) == bom) line.remove_prefix(bom.size());
  if (trim(line).empty())
    fail("blank header row; expected a header row such as 'Date,Open,High,Low,Close,Volume'");
  check_line_ends(line);

  std::vector<std::string_view> cells;
  cells.resize(split(line, cells));
  split(line, cells);
  header_.index.fill(absent);
  for (std::size_t i = 0; i < cells.size(); ++i) {
    const std::string_view name = trim(cells[i]);
    header_.names.emplace_back(name);
    const std::string key = lower(name);
    std::size_t role = absent;
    if ((key.empty() && i == 0) || key == "date" || key == "datetime" || key == "timestamp" || key == "time")
      role = time_col;
    for (std::size_t r = 0; r < volume_col + 1; ++r)
      if (key == role_names[r]) role = r;
    if (role == absent) continue;  // an extra column such as Adj Close or OpenInterest
    if (header_.index[role] != absent) {
      const std::string& first = header_.names[header_.index[role]];
      fail(role == time_col
               ? "columns '" + first + "' (column " + std::to_string(header_.index[role] + 1) + ") and '" +
                     std::string(name) + "' (column " + std::to_string(i + 1) +
                     ") could both be the timestamp; expected one timestamp column"
               : "column '" + std::string(name) + "' appears twice in the header (columns " +
                     std::to_string(header_.index[role] + 1) + " and " + std::to_string(i + 1) +
                     "); expected each column once");
    }
    header_.index[role] = i;
  }
  if (header_.index[time_col] == absent)
    fail("header has no timestamp column; expected an unnamed first column or one named date, datetime, "
         "timestamp or time, got " + quoted(line));
  for (std::size_t r = 0; r < volume_col; ++r)
    if (header_.index[r] == absent)
      fail("header has no '" + std::string(role_names[r]) +
           "' column; expected columns open, high, low, close (volume optional) and a timestamp, got " + quoted(line));
}

double CsvParser::parse_number(Role role, std::string_view field) const {
  const std::string_view s = trim(field);
  double value = 0;
  if (parse_plain_decimal(s, value)) {
    if (role != volume_col && !(value > 0)) fail_column(role, "expected a price > 0, got " + quoted(field));
    return value;
  }
  const auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), value);
  if (s.empty() || end != s.data() + s.size() || (ec != std::errc() && ec != std::errc::result_out_of_range))
    fail_column(role, "expected a number, got " + quoted(field));
  if (ec == std::errc::result_out_of_range || !std::isfinite(value))
    fail_column(role, "expected a finite number, got " + quoted(field));
  if (role == volume_col) {
    if (value < 0) fail_column(role, "expected a volume >= 0, got " + quoted(field));
  } else if (!(value > 0)) {
    fail_column(role, "expected a price > 0, got " + quoted(field));
  }
  return value;
}

std::int64_t CsvParser::parse_time(std::string_view field) {
  const std::string_view s = trim(field);
  if (!format_) {
    format_ = detect_timestamp_format(s);
    format_line_ = cursor_.number();
    if (!format_)
      fail_column(time_col, "expected a timestamp (YYYY-MM-DD, YYYY-MM-DD HH:MM:SS, epoch seconds or epoch "
                            "milliseconds), got " + quoted(field));
  }
  const auto t = parse_timestamp(s, *format_);
  if (!t) {
    const auto other = detect_timestamp_format(s);
    if (!other)
      fail_column(time_col, "expected a timestamp (YYYY-MM-DD, YYYY-MM-DD HH:MM:SS, epoch seconds or epoch "
                            "milliseconds), got " + quoted(field));
    if (*other != *format_)
      fail_column(time_col, quoted(field) + " is " + std::string(timestamp_format_name(*other)) + " but line " +
                                std::to_string(format_line_) + " is " +
                                std::string(timestamp_format_name(*format_)) + "; expected one timestamp format per file");
    fail_column(time_col, "expected a valid " + std::string(timestamp_format_name(*format_)) +
                              " timestamp (a real calendar date, time of day 00:00:00-23:59:59, whole seconds), got " +
                              quoted(field));
  }
  if (previous_line_ != 0 && *t <= previous_time_)
    fail_column(time_col, "timestamp " + format_timestamp(*t) +
                              (*t == previous_time_ ? " repeats line " + std::to_string(previous_line_)
                                                    : " is before line " + std::to_string(previous_line_) + "'s " +
                                                          format_timestamp(previous_time_)) +
                              "; expected strictly increasing timestamps");
  previous_time_ = *t;
  previous_line_ = cursor_.number();
  return *t;
}

void CsvParser::check_row(const std::array<double, 5>& v) const {
  const double o = v[open_col], h = v[high_col], l = v[low_col], c = v[close_col];
  if (h >= l && h >= std::max(o, c) && l <= std::min(o, c)) return;
  if (h < l) fail_column(high_col, shortest(h) + " is below low " + shortest(l) + "; expected high >= low");
  if (h < std::max(o, c))
    fail_column(high_col, shortest(h) + " is below max(open, close) " + shortest(std::max(o, c)) +
                              "; expected high >= max(open, close)");
  fail_column(low_col, shortest(l) + " is above min(open, close) " + shortest(std::min(o, c)) +
                           "; expected low <= min(open, close)");
}

MarketData CsvParser::parse(std::string symbol, std::size_t row_estimate) {
  read_header();
  const std::size_t columns = header_.names.size();
  const bool has_volume = header_.index[volume_col] != absent;

  MarketData data;
  data.symbols = {std::move(symbol)};
  std::array<PriceMatrix*, 5> out = {&data.open, &data.high, &data.low, &data.close, &data.volume};
  for (std::size_t r = 0; r < 5; ++r) out[r]->resize(static_cast<Eigen::Index>(row_estimate), 1);
  data.timestamps.reserve(row_estimate);

  std::vector<std::string_view> fields(columns);
  std::string_view line;
  long blank_line = 0;  // the first blank line seen; only blank lines may follow it
  Eigen::Index row = 0;
  while (cursor_.next(line)) {
    if (trim(line).empty()) {
      if (blank_line == 0) blank_line = cursor_.number();
      continue;
    }
    if (blank_line != 0)
      throw DataError(file_ + ":" + std::to_string(blank_line) + ": blank line inside the data; expected a row with " +
                      std::to_string(columns) + " fields");
    check_line_ends(line);
    const std::size_t count = split(line, fields);
    if (count != columns)
      fail(std::to_string(count) + " field(s), the header has " + std::to_string(columns) +
           "; expected one field per header column");
    data.timestamps.push_back(parse_time(fields[header_.index[time_col]]));
    std::array<double, 5> values{};  // volume stays 0 when the file has none
    for (std::size_t r = 0; r < 5; ++r)
      if (r != volume_col || has_volume) values[r] = parse_number(static_cast<Role>(r), fields[header_.index[r]]);
    check_row(values);
    if (row == out[0]->rows())  // NOTE: the estimate is an upper bound; this only guards the buffers
      for (auto* m : out) m->conservativeResize(2 * row + 16, 1);
    for (std::size_t r = 0; r < 5; ++r) (*out[r])(row, 0) = values[r];
    ++row;
  }
  if (row < 2)
    throw DataError(file_ + ": " + std::to_string(row) + " data row(s) after the header; expected at least 2 bars");
  if (row != out[0]->rows())
    for (auto* m : out) m->conservativeResize(row, 1);
  validate(data, file_);
  return data;
}

}  // namespace

MarketData read_csv(const std::filesystem::path& file, std::string symbol, FileDigest* digest) {
  if (symbol.empty()) symbol = upper(file.stem().string());
  // Two passes over the file, neither holding it: count the rows, then parse into buffers of that size.
  const std::size_t rows = count_rows(file);
  CsvParser parser(file);
  MarketData data = parser.parse(std::move(symbol), rows);
  if (digest != nullptr) *digest = parser.digest();
  return data;
}

void write_csv(const MarketData& data, const std::filesystem::path& file) {
  if (data.symbol_count() != 1)
    throw ConfigError(file.string() + ": a CSV file holds one symbol, this panel has " +
                      std::to_string(data.symbol_count()) + "; write a .h5 file instead");
  validate(data, file.string());

  const bool all_midnight = std::all_of(data.timestamps.begin(), data.timestamps.end(),
                                        [](std::int64_t t) { return t % 86400 == 0; });
  const TimestampFormat format = all_midnight ? TimestampFormat::iso_date : TimestampFormat::iso_datetime;
  std::string text = "timestamp,open,high,low,close,volume\n";
  text.reserve(text.size() + data.timestamps.size() * 128);
  const std::array<const PriceMatrix*, 5> fields = {&data.open, &data.high, &data.low, &data.close, &data.volume};
  for (Eigen::Index t = 0; t < data.bars(); ++t) {
    text += format_timestamp(data.timestamps[static_cast<std::size_t>(t)], format);
    for (const auto* f : fields) {
      text += ',';
      text += shortest((*f)(t, 0));
    }
    text += '\n';
  }

  OutputFile output(file, "prices.csv");
  output.stream().write(text.data(), static_cast<std::streamsize>(text.size()));
  output.commit();
}

}  // namespace genepool
