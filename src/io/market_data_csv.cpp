#include "genepool/io/market_data_csv.hpp"

#include <algorithm>
#include <array>
#include <bit>
#include <cctype>
#include <charconv>
#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <optional>
#include <string_view>
#include <system_error>
#include <unordered_map>
#include <vector>

#include "genepool/error.hpp"
#include "genepool/number_text.hpp"
#include "genepool/data/timestamp.hpp"
#include "genepool/data/timestamp_pattern.hpp"
#include "genepool/io/csv_ranges.hpp"
#include "genepool/io/hashed_input.hpp"
#include "genepool/io/output_file.hpp"

namespace genepool {
namespace {

namespace fs = std::filesystem;

constexpr std::size_t kBlockBytes = 1 << 20;  // the file is read in blocks of this size, never whole
const std::string kExpected = "a market-data CSV file";

// Rows after the header, from a first pass over the file: the line ends before the last non-blank
// character (as many as the parser will find rows, for a well-formed file; an upper bound otherwise).
// Nullopt for a gzip file, whose rows are not counted (its buffers grow instead).
std::optional<std::size_t> count_rows(const fs::path& file) {
  HashedInput in(file, kExpected, false);
  if (in.gzip()) return std::nullopt;
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

[[gnu::always_inline]] inline std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r')) s.remove_suffix(1);
  return s;
}

std::string upper(std::string s) {
  for (char& c : s) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return s;
}

// A field as quoted in a message: excerpt() (cut short when long, control bytes written as \xNN).
std::string quoted(std::string_view field) { return '\'' + excerpt(field) + '\''; }

// The columns the reader uses: the five value fields in the order they are stored, then the others.
enum Role : std::size_t {
  open_col, high_col, low_col, close_col, volume_col,
  price_col,   // --price-column: the close's values (open, high and low scaled by the same factor)
  time_col,    // the timestamp, or the date of a Date + Time pair
  clock_col,   // the time of day of a Date + Time pair
  symbol_col,  // long format: the symbol of each row
  role_count
};
constexpr std::array<const char*, role_count> role_names = {"open",  "high", "low",  "close", "volume",
                                                            "price", "timestamp", "time", "symbol"};
constexpr std::size_t absent = static_cast<std::size_t>(-1);

struct Header {
  std::vector<std::string> names;             // as written, trimmed and unquoted
  std::array<std::size_t, role_count> index;  // column of each role, or `absent`
  std::vector<std::string> ignored;           // the names of the columns no role uses
};

// Walks a file line by line, reading it in blocks (hashed as read, inflated when gzip); a line's
// view is valid until the next call. Line numbers count from 1.
class LineCursor {
 public:
  // Without `hashing` (a reader of a range), digest() is of no bytes and seek() may be used.
  explicit LineCursor(const fs::path& file, bool hashing = true) : in_(file, kExpected, hashing), buffer_(kBlockBytes) {}

  FileDigest digest() { return in_.digest(); }
  bool gzip() const { return in_.gzip(); }

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
  // The file offset of the next line (of a plain file).
  std::uint64_t offset() const { return delivered_ - (end_ - begin_); }

  // The next line is the first to start at or after byte `offset` > 0 (a cursor without hashing):
  // the rest of the line holding byte offset - 1 is skipped.
  void seek_line_at(std::uint64_t offset) {
    seek_line_start(offset - 1, number_);
    std::string_view rest;
    next(rest);
  }

  // The next line is the one that starts at byte `offset`, line `number` - 1 the one before it.
  void seek_line_start(std::uint64_t offset, long number) {
    in_.seek(offset);
    begin_ = end_ = 0;
    at_end_ = false;
    delivered_ = offset;
    number_ = number;
  }

 private:
  // Moves the unread part to the front and reads more after it (growing the buffer for a long line).
  void refill() {
    std::memmove(buffer_.data(), buffer_.data() + begin_, end_ - begin_);
    end_ -= begin_;
    begin_ = 0;
    if (end_ == buffer_.size()) buffer_.resize(2 * buffer_.size());
    const std::size_t got = in_.read(buffer_.data() + end_, buffer_.size() - end_);
    end_ += got;
    delivered_ += got;
    at_end_ = got == 0;
  }

  HashedInput in_;
  std::vector<char> buffer_;
  std::size_t begin_ = 0, end_ = 0;  // the unread bytes
  bool at_end_ = false;
  long number_ = 0;
  std::uint64_t delivered_ = 0;  // bytes read from the file into the buffer, in all
};

// The first `delimiter` in [p, end), or end. Eight bytes at a time on little-endian machines (a
// field is short, so memchr's call costs more than it saves): a byte of `word ^ delimiters` is 0
// where a delimiter is, and the lowest set bit of `(x - ones) & ~x & highs` marks exactly the first.
const char* find_delimiter(const char* p, const char* end, char delimiter) {
  if constexpr (std::endian::native == std::endian::little) {
    constexpr std::uint64_t ones = 0x0101010101010101, highs = ones * 0x80;
    const std::uint64_t delimiters = ones * static_cast<unsigned char>(delimiter);
    for (; end - p >= 8; p += 8) {
      std::uint64_t word = 0;
      std::memcpy(&word, p, sizeof word);
      const std::uint64_t x = word ^ delimiters;
      if (const std::uint64_t found = (x - ones) & ~x & highs; found != 0) return p + std::countr_zero(found) / 8;
    }
  }
  while (p != end && *p != delimiter) ++p;
  return p;
}

// A line split into fields. A field may be quoted (RFC 4180: "a ""b"", c"): its view is then the
// text between the quotes, with a doubled quote left doubled, and `quoted` marks it.
struct SplitLine {
  std::size_t count = 0;       // fields found, which may exceed fields.size()
  const char* error = nullptr;  // a malformed quoted field: what is wrong
};

SplitLine split(std::string_view line, char delimiter, std::vector<std::string_view>& fields,
                std::vector<char>& quoted_fields) {
  SplitLine out;
  const char* p = line.data();
  const char* end = p + line.size();
  while (true) {
    const char* stop = nullptr;
    std::string_view field;
    bool is_quoted = false;
    const char* q = p;
    if (p != end && (*p == '"' || static_cast<unsigned char>(*p) <= ' '))  // perhaps a quoted field, after spaces
      while (q != end && (*q == ' ' || *q == '\t') && *q != delimiter) ++q;
    if (q != end && *q == '"') {
      const char* close = q + 1;
      while (true) {
        close = static_cast<const char*>(std::memchr(close, '"', static_cast<std::size_t>(end - close)));
        if (close == nullptr) {
          out.error = "a quoted field has no closing quote; expected \"...\" on one line";
          return out;
        }
        if (close + 1 != end && close[1] == '"') {
          close += 2;  // a doubled quote inside the field
          continue;
        }
        break;
      }
      field = std::string_view(q + 1, static_cast<std::size_t>(close - q - 1));
      is_quoted = true;
      stop = close + 1;
      while (stop != end && (*stop == ' ' || *stop == '\t') && *stop != delimiter) ++stop;
      if (stop != end && *stop != delimiter) {
        out.error = "text after a quoted field's closing quote; expected a delimiter there";
        return out;
      }
    } else {
      stop = find_delimiter(p, end, delimiter);
      field = std::string_view(p, static_cast<std::size_t>(stop - p));
    }
    if (out.count < fields.size()) {
      fields[out.count] = field;
      quoted_fields[out.count] = is_quoted;
    }
    ++out.count;
    if (stop == end) return out;
    p = stop + 1;
  }
}

// Clinger's fast path for the common plain decimal "123.456": when the digits as an integer m
// are at most 2^53 and there are at most 22 decimals, m and 10^k are exact doubles and one
// division rounds correctly, so the result equals from_chars'. False for anything else.
[[gnu::always_inline]] inline bool parse_plain_decimal(std::string_view s, double& out) {
  static constexpr double powers[] = {1e0,  1e1,  1e2,  1e3,  1e4,  1e5,  1e6,  1e7,  1e8,  1e9,  1e10, 1e11,
                                      1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22};
  // 17 or more digits from a non-zero first one are at least 10^16 > 2^53: from_chars' case, at once
  // (shortest round-trip text, as genepool and pandas write doubles, is often that long).
  if (s.empty() || s.size() > 20 || (s.size() >= 18 && s[0] != '0' && s[0] != '.')) return false;
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

// `s` in the form from_chars reads, written into `buffer`: thousands separators `grouping` removed
// (only between groups of three digits after a first group of one to three, before any decimal
// mark) and the decimal mark `decimal` made '.'. Nullopt when a separator is out of place.
std::optional<std::string_view> normalise_number(std::string_view s, char decimal, char grouping,
                                                 std::string& buffer) {
  buffer.clear();
  std::size_t i = 0;
  if (i < s.size() && s[i] == '-') buffer += s[i++];
  const std::size_t first = i;
  std::size_t run = 0;  // digits since the start or the last separator
  bool grouped = false;
  for (; i < s.size() && (std::isdigit(static_cast<unsigned char>(s[i])) || s[i] == grouping); ++i) {
    if (s[i] == grouping) {
      if (run == 0 || run > 3 || (grouped && run != 3)) return std::nullopt;
      grouped = true;
      run = 0;
      continue;
    }
    ++run;
    buffer += s[i];
  }
  if (grouped && run != 3) return std::nullopt;
  if (i == first && i < s.size() && s[i] != decimal) return std::nullopt;
  for (; i < s.size(); ++i) buffer += s[i] == decimal ? '.' : s[i] == '.' ? '\x01' : s[i];  // a stray '.' is no number
  return std::string_view(buffer);
}

}  // namespace

namespace {

// "AAPL.csv.gz" -> "AAPL": the file's stem, without a .gz, in upper case.
std::string symbol_of(const fs::path& file) {
  fs::path name = file.filename();
  std::string ext = name.extension().string();
  for (char& c : ext) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  if (ext == ".gz") name = name.stem();
  return upper(name.stem().string());
}

// One symbol's bars as they are read: buffers of a capacity that grows by doubling.
struct SeriesBuilder {
  std::string symbol;
  std::vector<std::int64_t> timestamps;
  std::array<PriceMatrix, 5> fields;  // open, high, low, close, volume: bars x 1
  Eigen::Index rows = 0;
  long first_line = 0;      // of its first row
  long previous_line = 0;   // of its last row so far

  SeriesBuilder(std::string name, std::size_t capacity) : symbol(std::move(name)) {
    timestamps.reserve(capacity);
    for (auto& f : fields) f.resize(static_cast<Eigen::Index>(capacity), 1);
  }
  // Room for `capacity` bars in all (never less than those held).
  void reserve(std::size_t capacity) {
    const auto n = std::max(static_cast<Eigen::Index>(capacity), rows);
    if (n > fields[0].rows())
      for (auto& f : fields) f.conservativeResize(n, 1);
    timestamps.reserve(static_cast<std::size_t>(n));
  }
  // A reader's clean block after the bars held, its last line `last_line`.
  void append(const CsvBlock& block, long last_line) {
    const auto n = static_cast<Eigen::Index>(block.timestamps.size());
    if (n == 0) return;
    if (rows + n > fields[0].rows()) reserve(static_cast<std::size_t>(std::max(2 * rows, rows + n)));
    for (std::size_t r = 0; r < 5; ++r)
      std::memcpy(fields[r].data() + rows, block.values.data() + r * static_cast<std::size_t>(n),
                  static_cast<std::size_t>(n) * sizeof(double));
    timestamps.insert(timestamps.end(), block.timestamps.begin(), block.timestamps.end());
    rows += n;
    previous_line = last_line;
  }
  // The bars held, as a reader's block sends them.
  void to_block(CsvBlock& block) const {
    block.timestamps = timestamps;
    block.values.resize(5 * static_cast<std::size_t>(rows));
    if (rows == 0) return;  // NOTE: memcpy must not see the empty buffers' null pointers
    for (std::size_t r = 0; r < 5; ++r)
      std::memcpy(block.values.data() + r * static_cast<std::size_t>(rows), fields[r].data(),
                  static_cast<std::size_t>(rows) * sizeof(double));
  }
  void add(std::int64_t t, const std::array<double, 5>& values, long line) {
    if (rows == fields[0].rows())  // NOTE: a counted estimate is an upper bound; this only guards the buffers
      for (auto& f : fields) f.conservativeResize(2 * rows + 16, 1);
    for (std::size_t r = 0; r < 5; ++r) fields[r](rows, 0) = values[r];
    timestamps.push_back(t);
    ++rows;
    if (first_line == 0) first_line = line;
    previous_line = line;
  }
  // The bars, oldest first (`reverse` for a newest-first file).
  MarketData finish(bool reverse) {
    MarketData data;
    data.symbols = {std::move(symbol)};
    std::array<PriceMatrix*, 5> out = {&data.open, &data.high, &data.low, &data.close, &data.volume};
    for (std::size_t r = 0; r < 5; ++r) {
      if (rows != fields[r].rows()) fields[r].conservativeResize(rows, 1);
      if (reverse) fields[r].col(0).reverseInPlace();
      *out[r] = std::move(fields[r]);
    }
    if (reverse) std::reverse(timestamps.begin(), timestamps.end());
    data.timestamps = std::move(timestamps);
    return data;
  }
};

// Which way a file's timestamps run: set by its first two bars of one symbol.
enum class Order { unknown, oldest_first, newest_first };

class CsvParser {
 public:
  // Without `hashing`: a reader of a range (read_range), whose digest is of no bytes.
  CsvParser(const fs::path& file, const CsvDialect& dialect, bool hashing = true)
      : file_(file.string()), stem_symbol_(symbol_of(file)), dialect_(dialect), cursor_(file, hashing) {
    if (!dialect.date_format.empty()) pattern_.emplace(dialect.date_format, "--date-format");
  }

  // The whole file; `readers` (when given, and the file is a large plain one of one series) read
  // parts of it meanwhile.
  CsvFile parse(std::string symbol, std::optional<std::size_t> row_estimate, CsvRangeReaders* readers);
  // The lines starting in [begin, end), after the header and the first two rows have fixed how the
  // file is read (read_csv_range).
  CsvBlock read_range(std::uint64_t begin, std::uint64_t end);

 private:
  // The parts of the file given to readers: part j (from 1) holds the lines that start in
  // [starts[j - 1], starts[j]) (the last, those from its start).
  struct Parts {
    CsvRangeReaders* readers = nullptr;
    std::vector<std::uint64_t> starts;
  };

  // After the header: the columns' roles, the series of a file without a symbol column.
  void start_rows(std::string symbol, std::size_t capacity);
  // One data row into its series; a blank line only remembered (blank_line_).
  void read_row(std::string_view line);
  // Hands the parts after the first to the readers: a large plain file of one series, once its first
  // two rows are read. Empty when there are no readers or the file is too small for parts.
  Parts give_parts(CsvRangeReaders& readers);
  // At the start of the first part: passes over the rest of the file (hashing it) while the readers
  // read, then takes each part's block where it joins cleanly and reads each other part again here.
  void take_parts(const Parts& parts);

  [[noreturn]] void fail(const std::string& what) const {
    throw DataError(file_ + ":" + std::to_string(rows_cursor_->number()) + ": " + what);
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

  void read_header(std::string_view line);
  void choose_delimiter(std::string_view line);
  std::string other_delimiter_hint(std::string_view line) const;
  // The number of a field: a '.' file's plain decimal (Clinger) or from_chars' reading here, in the
  // class, so that the row loop inlines them; thousands separators, decimal commas and every error
  // out of line.
  double parse_number(Role role, std::string_view field, bool in_quotes) {
    const std::string_view s = trim(field);
    double value = 0;
    if (dialect_.decimal == '.' && parse_plain_decimal(s, value)) {
      if (role != volume_col && !(value > 0)) fail_column(role, "expected a price > 0, got " + quoted(field));
      return value;
    }
    if (dialect_.decimal == '.' && !(in_quotes && delimiter_ == ',') && !s.empty()) {  // no separators to remove
      const auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), value);
      if (ec == std::errc() && end == s.data() + s.size() && std::isfinite(value) &&
          (role == volume_col ? value >= 0 : value > 0))
        return value;
    }
    return parse_other_number(role, field, s, in_quotes);  // every error, and the other forms
  }
  // `s` is `field` trimmed.
  double parse_other_number(Role role, std::string_view field, std::string_view s, bool in_quotes);
  std::string number_hint(std::string_view field) const;
  std::int64_t parse_time(std::string_view field);
  std::string time_hint(std::string_view field) const;
  void check_order(SeriesBuilder& series, std::int64_t t);
  void check_row(const std::array<double, 5>& v) const;
  SeriesBuilder& series_of(std::string_view name);
  std::vector<std::string> notes() const;

  std::string file_;
  std::string stem_symbol_;  // the symbol of a file without a symbol column, unless named
  CsvDialect dialect_;
  LineCursor cursor_;
  LineCursor* rows_cursor_ = &cursor_;  // whose line is read: cursor_, or one reading a part again
  Header header_;
  char delimiter_ = ',';
  bool detected_delimiter_ = false;
  std::optional<TimestampPattern> pattern_;
  std::optional<TimestampFormat> format_;
  long format_line_ = 0;
  bool utc_offsets_ = false;
  bool close_named_ = false;  // --price-column names the close, in a file without a close column
  Order order_ = Order::unknown;
  long order_line_ = 0;  // the line whose bar set the order
  std::string joined_;   // a Date + Time pair joined, reused
  std::string number_buffer_;
  std::vector<SeriesBuilder> series_;
  std::unordered_map<std::string, std::size_t> series_index_;  // long format: symbol -> series_
  std::size_t last_series_ = 0;
  // Set by start_rows.
  std::size_t columns_ = 0;
  bool has_volume_ = false, long_format_ = false, joined_time_ = false, adjusted_ = false;
  std::vector<std::string_view> fields_;
  std::vector<char> quoted_fields_;
  long blank_line_ = 0;  // the first blank line seen; only blank lines may follow it
};

// The delimiter that splits the header into the most fields (',' on a tie); a header that none
// splits is read with ',' and then fails for its missing columns.
void CsvParser::choose_delimiter(std::string_view line) {
  if (dialect_.delimiter != 0) {
    delimiter_ = dialect_.delimiter;
    return;
  }
  std::size_t best = 0;
  std::vector<std::string_view> none;
  std::vector<char> none_quoted;
  for (const char candidate : {',', ';', '\t', '|'}) {
    const SplitLine s = split(line, candidate, none, none_quoted);
    if (s.error == nullptr && s.count > best) {
      best = s.count;
      delimiter_ = candidate;
    }
  }
  detected_delimiter_ = delimiter_ != ',';
}

// "; the header splits into 7 columns by ';': give --delimiter ';'" when another delimiter would
// split the header into the columns genepool needs; else "".
std::string CsvParser::other_delimiter_hint(std::string_view line) const {
  std::vector<std::string_view> cells(64);
  std::vector<char> quoted_cells(64);
  for (const char candidate : {',', ';', '\t', '|'}) {
    if (candidate == delimiter_) continue;
    const SplitLine s = split(line, candidate, cells, quoted_cells);
    if (s.error != nullptr || s.count < 5 || s.count > cells.size()) continue;
    std::size_t found = 0;
    for (std::size_t i = 0; i < s.count; ++i) {
      const std::string key = column_key(cells[i]);
      found += key == "open" || key == "high" || key == "low" || key == "close";
    }
    if (found == 4)
      return "; the header splits into " + std::to_string(s.count) + " columns by " + delimiter_name(candidate) +
             ": give --delimiter " + (candidate == '\t' ? std::string("tab") : std::string(1, candidate)) +
             (dialect_.delimiter != 0 ? " (or leave --delimiter out to detect it)" : "");
  }
  return "";
}

void CsvParser::read_header(std::string_view line) {
  constexpr std::string_view bom = "\xEF\xBB\xBF";
  if (line.substr(0, bom.size()) == bom) line.remove_prefix(bom.size());
  if (trim(line).empty())
    fail("blank header row; expected a header row such as 'Date,Open,High,Low,Close,Volume'");
  check_line_ends(line);
  choose_delimiter(line);

  std::vector<std::string_view> cells;
  std::vector<char> quoted_cells;
  const SplitLine counted = split(line, delimiter_, cells, quoted_cells);
  if (counted.error != nullptr) fail(std::string("header row: ") + counted.error);
  cells.resize(counted.count);
  quoted_cells.resize(counted.count);
  split(line, delimiter_, cells, quoted_cells);

  const std::string price_key = column_key(dialect_.price_column);
  const bool other_price = !price_key.empty() && price_key != "close";
  for (const char* own : {"open", "high", "low", "volume", "date", "datetime", "timestamp", "time", "symbol", "ticker"})
    if (price_key == own)
      throw ConfigError("--price-column " + dialect_.price_column + ": names a column genepool reads as " +
                        (price_key == "open" || price_key == "high" || price_key == "low" || price_key == "volume"
                             ? price_key
                             : "the timestamp or symbol") +
                        "; expected the column to use as the close, e.g. adj_close");
  header_.index.fill(absent);
  std::size_t date_index = absent, time_index = absent;  // a Date + Time pair
  std::vector<std::size_t> stamp_candidates;             // columns that could be the timestamp
  for (std::size_t i = 0; i < cells.size(); ++i) {
    std::string name(trim(cells[i]));
    if (quoted_cells[i])  // a doubled quote inside a quoted name is one quote
      for (std::size_t at = name.find("\"\""); at != std::string::npos; at = name.find("\"\"", at + 1)) name.erase(at, 1);
    header_.names.push_back(name);
    const std::string key = column_key(name);
    std::size_t role = absent;
    if (other_price && key == price_key) {
      role = price_col;
    } else if (name.empty() && i == 0) {
      stamp_candidates.push_back(i);
      continue;
    } else if (key == "date" || key == "datetime" || key == "timestamp" || key == "time") {
      if (key == "date") date_index = i;
      if (key == "time") time_index = i;
      stamp_candidates.push_back(i);
      continue;
    } else if (key == "symbol" || key == "ticker") {
      role = symbol_col;
    }
    for (std::size_t r = 0; r < volume_col + 1; ++r)
      if (key == role_names[r]) role = r;
    if (role == absent) {
      header_.ignored.push_back(name.empty() ? "(column " + std::to_string(i + 1) + ")" : name);
      continue;
    }
    if (header_.index[role] != absent)
      fail(role == symbol_col
               ? "columns '" + header_.names[header_.index[role]] + "' (column " +
                     std::to_string(header_.index[role] + 1) + ") and '" + name + "' (column " + std::to_string(i + 1) +
                     ") could both be the symbol; expected one symbol (or ticker) column"
               : "column '" + name + "' appears twice in the header (columns " +
                     std::to_string(header_.index[role] + 1) + " and " + std::to_string(i + 1) +
                     "); expected each column once");
    header_.index[role] = i;
  }
  if (stamp_candidates.size() == 2 && date_index != absent && time_index != absent) {
    header_.index[time_col] = date_index;  // a Date column and a Time column, joined "DATE TIME"
    header_.index[clock_col] = time_index;
  } else if (stamp_candidates.size() > 1) {
    const std::size_t a = stamp_candidates[0], b = stamp_candidates[1];
    fail("columns '" + header_.names[a] + "' (column " + std::to_string(a + 1) + ") and '" + header_.names[b] +
         "' (column " + std::to_string(b + 1) +
         ") could both be the timestamp; expected one timestamp column (or a Date and a Time column)");
  } else if (stamp_candidates.size() == 1) {
    header_.index[time_col] = stamp_candidates[0];
  }
  if (header_.index[price_col] != absent && header_.index[close_col] == absent) {
    header_.index[close_col] = header_.index[price_col];  // the close itself (investing.com's "Price")
    header_.index[price_col] = absent;
    close_named_ = true;
  }
  if (header_.index[time_col] == absent)
    fail("header has no timestamp column; expected an unnamed first column or one named date, datetime, "
         "timestamp or time, got " + quoted(line) + other_delimiter_hint(line));
  for (std::size_t r = 0; r < volume_col; ++r)
    if (header_.index[r] == absent)
      fail("header has no '" + std::string(role_names[r]) +
           "' column; expected columns open, high, low, close (volume optional) and a timestamp, got " + quoted(line) +
           other_delimiter_hint(line));
  if (other_price && header_.index[price_col] == absent && !close_named_) {
    std::string names;
    for (const auto& n : header_.names) names += (names.empty() ? "" : ", ") + n;
    fail("no column '" + dialect_.price_column + "' for --price-column (names compared without case, spaces and "
         "'_'); the header has " + names);
  }
}

std::string CsvParser::number_hint(std::string_view field) const {
  const std::string_view s = trim(field);
  if (dialect_.decimal == '.' && s.find(',') != std::string_view::npos)
    return (detected_delimiter_ ? "; genepool detected the delimiter " + delimiter_name(delimiter_) + " but" : ";") +
           std::string(" the number ") + quoted(s) + " has a decimal comma: give --decimal ,";
  if (dialect_.decimal == ',' && s.find('.') != std::string_view::npos && s.find(',') == std::string_view::npos)
    return "; with --decimal , a '.' groups thousands (1.234,5); this number has a decimal point: leave --decimal out";
  return "";
}

double CsvParser::parse_other_number(Role role, std::string_view field, std::string_view s, bool in_quotes) {
  double value = 0;
  // Thousands separators: '.' with decimal commas; ',' only inside quotes of a comma-separated file
  // (elsewhere a comma is a decimal comma read without --decimal ,).
  const char grouping = dialect_.decimal == ',' ? '.' : (in_quotes && delimiter_ == ',') ? ',' : '\0';
  if (grouping != '\0' || dialect_.decimal != '.') {
    const auto normal = normalise_number(s, dialect_.decimal, grouping == '\0' ? '\x01' : grouping, number_buffer_);
    if (!normal) fail_column(role, "expected a number, got " + quoted(field) + number_hint(field));
    s = *normal;
  }
  const auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), value);
  if (s.empty() || end != s.data() + s.size() || (ec != std::errc() && ec != std::errc::result_out_of_range))
    fail_column(role, "expected a number, got " + quoted(field) + number_hint(field));
  if (ec == std::errc::result_out_of_range || !std::isfinite(value))
    fail_column(role, "expected a finite number, got " + quoted(field));
  if (role == volume_col) {
    if (value < 0) fail_column(role, "expected a volume >= 0, got " + quoted(field));
  } else if (!(value > 0)) {
    fail_column(role, "expected a price > 0, got " + quoted(field));
  }
  return value;
}

// For a timestamp no format reads: the --date-format that would, when its shape is a common one
// ("02/01/2020", "02.01.2020 09:30", "20200102"); else "".
std::string CsvParser::time_hint(std::string_view field) const {
  if (pattern_) return "";
  const std::string_view s = trim(field);
  std::size_t pos = 0;
  std::array<int, 3> parts{};
  std::array<std::size_t, 3> widths{};
  char sep = 0;
  for (std::size_t k = 0; k < 3; ++k) {
    const std::size_t begin = pos;
    int v = 0;
    for (; pos < s.size() && std::isdigit(static_cast<unsigned char>(s[pos])); ++pos)
      if (pos - begin < 5) v = v * 10 + (s[pos] - '0');  // more than 4 digits is no date part (below)
    widths[k] = pos - begin;
    parts[k] = v;
    if (widths[k] == 0 || widths[k] > 4) return "";
    if (k < 2) {
      if (pos >= s.size() || (s[pos] != '/' && s[pos] != '.' && s[pos] != '-')) return "";
      if (sep != 0 && s[pos] != sep) return "";
      sep = s[pos++];
    }
  }
  std::string rest;
  if (pos < s.size()) {
    const std::string_view tail = s.substr(pos);
    if (tail.size() >= 6 && tail[0] == ' ' && tail[3] == ':') rest = tail.size() >= 9 ? " %H:%M:%S" : " %H:%M";
    else return "";
  }
  const std::string d(1, sep);
  if (widths[0] == 4) return "; give --date-format '%Y" + d + "%m" + d + "%d" + rest + "'";
  if (widths[2] != 4 && widths[2] != 2) return "";
  const std::string year = widths[2] == 4 ? "%Y" : "%y";
  const std::string day_first = "%d" + d + "%m" + d + year + rest, month_first = "%m" + d + "%d" + d + year + rest;
  if (parts[0] > 12) return "; give --date-format '" + day_first + "' (day first)";
  if (parts[1] > 12) return "; give --date-format '" + month_first + "' (month first)";
  return "; give --date-format '" + day_first + "' (day first) or '" + month_first + "' (month first)";
}

std::int64_t CsvParser::parse_time(std::string_view field) {
  std::string_view s = trim(field);
  if (pattern_) {
    const auto t = pattern_->parse(s);
    if (!t)
      fail_column(time_col, "expected a timestamp in the --date-format '" + pattern_->text() + "', got " + quoted(s));
    return *t;
  }
  if (!format_) {
    format_ = detect_timestamp_format(s);
    format_line_ = rows_cursor_->number();
    if (!format_)
      fail_column(time_col, "expected a timestamp (YYYY-MM-DD, YYYY-MM-DD HH:MM:SS, epoch seconds or epoch "
                            "milliseconds), got " + quoted(s) + time_hint(s));
    utc_offsets_ = *format_ == TimestampFormat::iso_datetime && s.size() > 16 &&
                   s.find_first_of("+-", 16) != std::string_view::npos;
  }
  const auto t = parse_timestamp(s, *format_);
  if (!t) {
    const auto other = detect_timestamp_format(s);
    if (!other)
      fail_column(time_col, "expected a timestamp (YYYY-MM-DD, YYYY-MM-DD HH:MM:SS, epoch seconds or epoch "
                            "milliseconds), got " + quoted(s) + time_hint(s));
    if (*other != *format_)
      fail_column(time_col, quoted(s) + " is " + std::string(timestamp_format_name(*other)) + " but line " +
                                std::to_string(format_line_) + " is " +
                                std::string(timestamp_format_name(*format_)) + "; expected one timestamp format per file");
    fail_column(time_col, "expected a valid " + std::string(timestamp_format_name(*format_)) +
                              " timestamp (a real calendar date, time of day 00:00:00-23:59:59, whole seconds), got " +
                              quoted(s));
  }
  return *t;
}

// Timestamps run one way per symbol: oldest first, or newest first for the whole file (set by the
// first symbol with two bars); a repeat or a turn is an error.
void CsvParser::check_order(SeriesBuilder& series, std::int64_t t) {
  if (series.rows == 0) return;
  const std::int64_t previous = series.timestamps.back();
  if ((t > previous && order_ == Order::oldest_first) || (t < previous && order_ == Order::newest_first))
    return;  // the common cases, first
  const std::string symbol = series_index_.empty() ? "" : " for symbol " + series.symbol;
  if (t == previous)
    fail_column(time_col, "timestamp " + format_timestamp(t) + " repeats line " + std::to_string(series.previous_line) +
                              symbol + "; expected strictly increasing timestamps (or strictly decreasing, newest first)");
  const Order order = t > previous ? Order::oldest_first : Order::newest_first;
  if (order_ == Order::unknown) {
    order_ = order;
    order_line_ = rows_cursor_->number();
    return;
  }
  if (order == order_) return;
  const std::string turn = "timestamp " + format_timestamp(t) + " is " + (t < previous ? "before" : "after") +
                           " line " + std::to_string(series.previous_line) + "'s " + format_timestamp(previous) + symbol;
  if (order_ == Order::oldest_first)
    fail_column(time_col, turn + "; expected strictly increasing timestamps" +
                              (order_line_ != 0 ? " (as from line " + std::to_string(order_line_) + ")" : ""));
  fail_column(time_col, turn + "; expected strictly decreasing timestamps throughout a newest-first file (line " +
                            std::to_string(order_line_) + " is older than the line before it)");
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

SeriesBuilder& CsvParser::series_of(std::string_view name) {
  if (!series_.empty() && series_[last_series_].symbol == name) return series_[last_series_];
  const auto [it, fresh] = series_index_.try_emplace(std::string(name), series_.size());
  if (fresh) series_.emplace_back(std::string(name), 256);
  last_series_ = it->second;
  return series_[last_series_];
}

std::vector<std::string> CsvParser::notes() const {
  std::vector<std::string> notes;
  if (cursor_.gzip()) notes.emplace_back("gzip");
  if (delimiter_ != ',') notes.push_back(delimiter_name(delimiter_) + "-separated");
  if (dialect_.decimal == ',') notes.emplace_back("decimal commas");
  if (header_.index[clock_col] != absent)
    notes.push_back("timestamps from '" + header_.names[header_.index[time_col]] + "' + '" +
                    header_.names[header_.index[clock_col]] + "'");
  if (pattern_) notes.push_back("dates as '" + pattern_->text() + "'");
  if (utc_offsets_) notes.emplace_back("UTC offsets converted to UTC");
  if (order_ == Order::newest_first) notes.emplace_back("newest first (reversed)");
  if (close_named_) notes.push_back("close from '" + header_.names[header_.index[close_col]] + "'");
  if (header_.index[price_col] != absent)
    notes.push_back("close from '" + header_.names[header_.index[price_col]] + "' (open, high, low scaled by " +
                    header_.names[header_.index[price_col]] + " / " + header_.names[header_.index[close_col]] + ")");
  if (!series_index_.empty()) {
    std::string s = "symbol column '" + header_.names[header_.index[symbol_col]] + "':";
    for (std::size_t i = 0; i < series_.size(); ++i)
      s += (i ? ", " : " ") + series_[i].symbol + " " + std::to_string(series_[i].rows) + " bars";
    notes.push_back(std::move(s));
  }
  if (!header_.ignored.empty()) {
    std::string s = "ignored columns";
    for (std::size_t i = 0; i < header_.ignored.size(); ++i) s += (i ? ", " : " ") + header_.ignored[i];
    notes.push_back(std::move(s));
  }
  return notes;
}

}  // namespace

namespace {

void CsvParser::start_rows(std::string symbol, std::size_t capacity) {
  columns_ = header_.names.size();
  has_volume_ = header_.index[volume_col] != absent;
  long_format_ = header_.index[symbol_col] != absent;
  joined_time_ = header_.index[clock_col] != absent;
  adjusted_ = header_.index[price_col] != absent;
  if (long_format_ && !symbol.empty())
    throw ConfigError(file_ + ": has a symbol column ('" + header_.names[header_.index[symbol_col]] +
                      "'), which names its symbols; expected no NAME= for it (--data " + symbol + "=" + file_ + ")");
  if (!long_format_) series_.emplace_back(symbol.empty() ? stem_symbol_ : std::move(symbol), capacity);
  fields_.resize(columns_);
  quoted_fields_.resize(columns_);
}

void CsvParser::read_row(std::string_view line) {
  if (trim(line).empty()) {
    if (blank_line_ == 0) blank_line_ = rows_cursor_->number();
    return;
  }
  if (blank_line_ != 0)
    throw DataError(file_ + ":" + std::to_string(blank_line_) + ": blank line inside the data; expected a row with " +
                    std::to_string(columns_) + " fields");
  check_line_ends(line);
  const SplitLine split_line = split(line, delimiter_, fields_, quoted_fields_);
  if (split_line.error != nullptr) fail(split_line.error);
  if (split_line.count != columns_)
    fail(std::to_string(split_line.count) + " field(s), the header has " + std::to_string(columns_) +
         "; expected one field per header column" +
         (detected_delimiter_ ? " (split by " + delimiter_name(delimiter_) + ", detected from the header)" : ""));
  SeriesBuilder* series = long_format_ ? nullptr : &series_.front();
  if (long_format_) {
    const std::string_view name = trim(fields_[header_.index[symbol_col]]);
    if (name.empty()) fail_column(symbol_col, "expected a symbol name, got ''");
    series = &series_of(name);
  }
  std::int64_t t = 0;
  if (joined_time_) {
    joined_.assign(trim(fields_[header_.index[time_col]]));
    joined_ += ' ';
    joined_ += trim(fields_[header_.index[clock_col]]);
    t = parse_time(joined_);
  } else {
    t = parse_time(fields_[header_.index[time_col]]);
  }
  if (series->rows == 0 || t <= series->timestamps.back() || order_ != Order::oldest_first) check_order(*series, t);
  std::array<double, 5> values{};  // volume stays 0 when the file has none
  for (std::size_t r = 0; r < 5; ++r)
    if (r != volume_col || has_volume_)
      values[r] = parse_number(static_cast<Role>(r), fields_[header_.index[r]], quoted_fields_[header_.index[r]]);
  check_row(values);
  if (adjusted_) {  // the adjusted close, and open, high and low scaled by the same factor
    const double price =
        parse_number(price_col, fields_[header_.index[price_col]], quoted_fields_[header_.index[price_col]]);
    const double factor = price / values[close_col];
    for (const std::size_t r : {open_col, high_col, low_col}) values[r] *= factor;
    values[close_col] = price;
    // A rounding of the products must not put high below (or low above) open or close.
    values[high_col] = std::max({values[high_col], values[open_col], price});
    values[low_col] = std::min({values[low_col], values[open_col], price});
  }
  series->add(t, values, rows_cursor_->number());
}

CsvParser::Parts CsvParser::give_parts(CsvRangeReaders& readers) {
  Parts parts;
  std::error_code error;
  const std::uint64_t size = fs::file_size(file_, error);
  const std::uint64_t from = cursor_.offset();
  if (error || cursor_.gzip() || size <= from) return parts;
  const std::uint64_t rest = size - from;
  const std::size_t count = static_cast<std::size_t>(
      std::min<std::uint64_t>(readers.count() + 1, rest / std::max<std::uint64_t>(csv_part_bytes(), 1)));
  if (count < 2) return parts;
  // Room for this process's own part at the first rows' bytes per line (take_parts makes room for the rest).
  SeriesBuilder& series = series_.front();
  const double line_bytes = static_cast<double>(from) / static_cast<double>(cursor_.number());
  // NOTE: this process's own part is the first and shorter: it also hashes the others' meanwhile.
  const double own = 0.6;  // its share against a reader's 1 (W1 on 2 ranks: 0.6 better than 0.85 or 1.1)
  for (std::size_t j = 1; j < count; ++j)
    parts.starts.push_back(from + static_cast<std::uint64_t>(static_cast<double>(rest) * (own + static_cast<double>(j - 1)) /
                                                             (own + static_cast<double>(count - 1))));
  series.reserve(static_cast<std::size_t>(static_cast<double>(parts.starts.front()) / line_bytes * 1.05) + 16);
  parts.readers = &readers;
  for (std::size_t j = 0; j < parts.starts.size(); ++j)
    readers.start(j, {file_, dialect_, parts.starts[j], j + 1 < parts.starts.size() ? parts.starts[j + 1] : size});
  return parts;
}

void CsvParser::take_parts(const Parts& parts) {
  struct Mark {
    std::uint64_t offset;
    long number;  // of the line before
  };
  std::vector<Mark> marks;  // where each part starts, and where the last ends
  std::string_view line;
  for (std::size_t j = 0; j <= parts.starts.size(); ++j) {
    marks.push_back({cursor_.offset(), cursor_.number()});
    if (j == parts.starts.size()) break;
    const std::uint64_t end = j + 1 < parts.starts.size() ? parts.starts[j + 1] : UINT64_MAX;
    while (cursor_.offset() < end && cursor_.next(line)) {
    }
  }
  SeriesBuilder& series = series_.front();
  series.reserve(static_cast<std::size_t>(series.rows + marks.back().number - marks.front().number));
  std::optional<LineCursor> again;  // for the parts read here
  for (std::size_t j = 0; j < parts.starts.size(); ++j) {
    const CsvBlock block = parts.readers->finish(j);
    const Mark from = marks[j], to = marks[j + 1];
    const bool joins =
        block.clean && blank_line_ == 0 && block.lines == to.number - from.number && block.next == to.offset &&
        (block.timestamps.empty() || (order_ == Order::oldest_first ? block.timestamps.front() > series.timestamps.back()
                                                                    : block.timestamps.front() < series.timestamps.back()));
    if (joins) {
      series.append(block, to.number);
      continue;
    }
    if (!again) again.emplace(file_, false);
    again->seek_line_start(from.offset, from.number);
    rows_cursor_ = &*again;
    while (again->offset() < to.offset && again->next(line)) read_row(line);
    rows_cursor_ = &cursor_;
  }
}

CsvBlock CsvParser::read_range(std::uint64_t begin, std::uint64_t end) {
  CsvBlock block;
  std::string_view line;
  if (!cursor_.next(line)) return block;
  read_header(line);
  start_rows("", 256);
  if (long_format_) return block;
  while (series_.front().rows < 2) {
    if (!cursor_.next(line)) return block;
    read_row(line);
    if (blank_line_ != 0) return block;
  }
  if (cursor_.offset() > begin || end < begin) return block;
  const double line_bytes = static_cast<double>(cursor_.offset()) / static_cast<double>(cursor_.number());
  cursor_.seek_line_at(begin);
  const long first = cursor_.number();
  SeriesBuilder& series = series_.front();
  series = SeriesBuilder(series.symbol, static_cast<std::size_t>(static_cast<double>(end - begin) / line_bytes * 1.05) + 16);
  while (cursor_.offset() < end && cursor_.next(line)) {
    read_row(line);
    if (blank_line_ != 0) return block;
  }
  block.lines = cursor_.number() - first;
  block.next = cursor_.offset();
  series.to_block(block);
  block.clean = true;
  return block;
}

CsvFile CsvParser::parse(std::string symbol, std::optional<std::size_t> row_estimate, CsvRangeReaders* readers) {
  std::string_view line;
  if (!cursor_.next(line))
    throw DataError(file_ + ": empty file; expected a header row such as 'Date,Open,High,Low,Close,Volume'");
  read_header(line);
  start_rows(std::move(symbol), row_estimate.value_or(4096));
  Parts parts;
  bool to_give = readers != nullptr && readers->count() > 0 && !long_format_;  // once the first two rows are read
  while (true) {
    if (!parts.starts.empty() && cursor_.offset() >= parts.starts.front()) {
      take_parts(parts);  // to the end of the file
      break;
    }
    if (!cursor_.next(line)) break;
    read_row(line);
    if (to_give && series_.front().rows == 2 && blank_line_ == 0) {
      to_give = false;
      parts = give_parts(*readers);
    }
  }
  if (long_format_ && series_.empty())
    throw DataError(file_ + ": 0 data row(s) after the header; expected at least 2 bars");
  for (const SeriesBuilder& s : series_)
    if (s.rows < 2)
      throw DataError(file_ + ": " + std::to_string(s.rows) + " data row(s) after the header" +
                      (long_format_ ? " for symbol " + s.symbol + " (line " + std::to_string(s.first_line) + ")" : "") +
                      "; expected at least 2 bars");

  CsvFile out;
  out.notes = notes();
  for (SeriesBuilder& s : series_) {
    out.series.push_back(s.finish(order_ == Order::newest_first));
    validate(out.series.back(), file_);
  }
  out.digest = cursor_.digest();
  return out;
}

}  // namespace

CsvFile read_csv_file(const std::filesystem::path& file, const CsvDialect& dialect, std::string symbol,
                      CsvRangeReaders* readers) {
  // Alone, two passes over a plain file, neither holding it: count the rows, then parse into buffers
  // of that size; a gzip file is inflated once, into buffers that grow. With readers, one pass: the
  // buffers are sized by the first rows.
  const std::optional<std::size_t> rows =
      readers != nullptr && readers->count() > 0 ? std::nullopt : count_rows(file);
  CsvParser parser(file, dialect);
  return parser.parse(std::move(symbol), rows, readers);
}

CsvBlock read_csv_range(const CsvRange& range) noexcept {
  try {
    CsvParser parser(range.file, range.dialect, false);
    return parser.read_range(range.begin, range.end);
  } catch (...) {
    return {};  // NOTE: whatever went wrong, the loader reads the range itself and reports it
  }
}

std::uint64_t csv_part_bytes() {
  if (const char* text = std::getenv("GENEPOOL_CSV_PART_BYTES"); text != nullptr && *text != '\0') {
    std::uint64_t value = 0;
    const auto [end, ec] = std::from_chars(text, text + std::strlen(text), value);
    if (ec == std::errc() && *end == '\0' && value > 0) return value;
  }
  return std::uint64_t{4} << 20;
}

MarketData read_csv(const std::filesystem::path& file, std::string symbol, FileDigest* digest,
                    const CsvDialect& dialect) {
  CsvFile read = read_csv_file(file, dialect, std::move(symbol));
  if (read.series.size() != 1)
    throw DataError(file.string() + ": holds " + std::to_string(read.series.size()) +
                    " symbols (a symbol column); expected one symbol's bars (load it with load_market_data)");
  if (digest != nullptr) *digest = std::move(read.digest);
  return std::move(read.series.front());
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
