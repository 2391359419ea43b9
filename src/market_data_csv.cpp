#include "genepool/market_data_csv.hpp"

#include <algorithm>
#include <array>
#include <cctype>
#include <charconv>
#include <cmath>
#include <cstring>
#include <fstream>
#include <memory>
#include <optional>
#include <string_view>
#include <system_error>
#include <vector>

#include "genepool/error.hpp"
#include "genepool/timestamp.hpp"

namespace genepool {
namespace {

namespace fs = std::filesystem;

// The whole file in one buffer, read without first zeroing it.
struct FileText {
  std::unique_ptr<char[]> bytes;
  std::size_t size = 0;
  std::string_view view() const { return {bytes.get(), size}; }
};

FileText read_whole_file(const fs::path& file) {
  std::error_code ec;
  if (!fs::is_regular_file(file, ec))
    throw IoError(file.string() + ": cannot read: " + (fs::exists(file, ec) ? "not a regular file" : "no such file"));
  std::ifstream in(file, std::ios::binary);
  if (!in) throw IoError(file.string() + ": cannot open for reading");
  in.seekg(0, std::ios::end);
  const std::streamoff size = in.tellg();
  in.seekg(0, std::ios::beg);
  FileText text{std::make_unique_for_overwrite<char[]>(static_cast<std::size_t>(size)), static_cast<std::size_t>(size)};
  if (size > 0 && !in.read(text.bytes.get(), size)) throw IoError(file.string() + ": read failed");
  return text;
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

// A field as quoted in a message, cut short when long, control bytes written as \xNN (binary
// input must not cut the message at a NUL nor break it across lines).
std::string quoted(std::string_view field) {
  constexpr std::size_t max_shown = 40;
  static constexpr char hex[] = "0123456789abcdef";
  std::string s(1, '\'');
  for (const char c : field.substr(0, max_shown)) {
    const auto byte = static_cast<unsigned char>(c);
    if (byte < 0x20 || byte == 0x7f) {
      s += "\\x";
      s += hex[byte >> 4];
      s += hex[byte & 0xf];
    } else {
      s += c;
    }
  }
  s += field.size() > max_shown ? "...'" : "'";
  return s;
}

std::string number(double value) {
  char buf[32];
  const auto result = std::to_chars(buf, buf + sizeof buf, value);
  return std::string(buf, result.ptr);
}

// The columns the reader uses, in the order the value fields are stored.
enum Role : std::size_t { open_col, high_col, low_col, close_col, volume_col, time_col, role_count };
constexpr std::array<const char*, role_count> role_names = {"open", "high", "low", "close", "volume", "timestamp"};
constexpr std::size_t absent = static_cast<std::size_t>(-1);

struct Header {
  std::vector<std::string> names;            // as written, trimmed
  std::array<std::size_t, role_count> index; // column of each role, or `absent`
};

// Walks the text line by line; line numbers count from 1.
class LineCursor {
 public:
  explicit LineCursor(std::string_view text) : text_(text) {}
  bool next(std::string_view& line) {
    if (pos_ >= text_.size()) return false;
    const char* start = text_.data() + pos_;
    const void* nl = std::memchr(start, '\n', text_.size() - pos_);
    const std::size_t len = nl ? static_cast<std::size_t>(static_cast<const char*>(nl) - start) : text_.size() - pos_;
    line = std::string_view(start, len);
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    pos_ += len + 1;
    ++number_;
    return true;
  }
  long number() const { return number_; }

 private:
  std::string_view text_;
  std::size_t pos_ = 0;
  long number_ = 0;
};

// Splits a line at commas into `fields`; returns the count, which may exceed fields.size().
std::size_t split(std::string_view line, std::vector<std::string_view>& fields) {
  std::size_t count = 0;
  const char* p = line.data();
  const char* end = p + line.size();
  while (true) {
    const char* stop = p;
    while (stop != end && *stop != ',') ++stop;  // fields are short: a plain loop beats memchr
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
  CsvParser(const fs::path& file, std::string_view text) : file_(file.string()), cursor_(text) {}

  MarketData parse(std::string symbol, std::size_t row_estimate);

 private:
  [[noreturn]] void fail(const std::string& what) const {
    throw DataError(file_ + ":" + std::to_string(cursor_.number()) + ": " + what);
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
  if (h < l) fail_column(high_col, number(h) + " is below low " + number(l) + "; expected high >= low");
  if (h < std::max(o, c))
    fail_column(high_col, number(h) + " is below max(open, close) " + number(std::max(o, c)) +
                              "; expected high >= max(open, close)");
  fail_column(low_col, number(l) + " is above min(open, close) " + number(std::min(o, c)) +
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

MarketData read_csv(const std::filesystem::path& file, std::string symbol) {
  const FileText text = read_whole_file(file);
  if (symbol.empty()) symbol = upper(file.stem().string());
  const std::string_view view = text.view();
  // Rows after the header, blank trailing lines aside: exact unless the parser then fails.
  const std::string_view content = view.substr(0, view.find_last_not_of(" \t\r\n") + 1);
  const auto rows = static_cast<std::size_t>(std::count(content.begin(), content.end(), '\n'));
  return CsvParser(file, view).parse(std::move(symbol), rows);
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
  char buf[32];
  const std::array<const PriceMatrix*, 5> fields = {&data.open, &data.high, &data.low, &data.close, &data.volume};
  for (Eigen::Index t = 0; t < data.bars(); ++t) {
    text += format_timestamp(data.timestamps[static_cast<std::size_t>(t)], format);
    for (const auto* f : fields) {
      text += ',';
      text.append(buf, std::to_chars(buf, buf + sizeof buf, (*f)(t, 0)).ptr);
    }
    text += '\n';
  }

  fs::path tmp = file;
  tmp += ".tmp";
  {
    std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
    if (!out) throw IoError(file.string() + ": cannot open " + tmp.string() + " for writing");
    out.write(text.data(), static_cast<std::streamsize>(text.size()));
    out.close();
    if (!out) {
      std::error_code ignored;
      fs::remove(tmp, ignored);
      throw IoError(file.string() + ": write failed (disk full?)");
    }
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
