#include "genepool/data/timestamp.hpp"

#include <cstdint>
#include <cstdio>

#include "genepool/error.hpp"

namespace genepool {
namespace {

constexpr std::int64_t seconds_per_day = 86400;
constexpr std::uint64_t first_epoch_millisecond = 100'000'000'000;  // 1e11

bool is_digit(char c) { return c >= '0' && c <= '9'; }

// Reads exactly `count` ASCII digits at `pos`; -1 when any is not a digit.
int read_digits(std::string_view s, std::size_t pos, std::size_t count) {
  int value = 0;
  for (std::size_t i = pos; i < pos + count; ++i) {
    if (!is_digit(s[i])) return -1;
    value = value * 10 + (s[i] - '0');
  }
  return value;
}

// The fields of an ISO date or date-time, split by shape only (no range checks).
struct IsoParts {
  int year = 0, month = 0, day = 0, hour = 0, minute = 0, second = 0;
  bool has_time = false;
  bool zero_fraction = true;  // no fraction, or only zeros after the '.'
};

std::optional<IsoParts> split_iso(std::string_view s) {
  if (s.size() < 10 || s[4] != '-' || s[7] != '-') return std::nullopt;
  IsoParts p;
  p.year = read_digits(s, 0, 4);
  p.month = read_digits(s, 5, 2);
  p.day = read_digits(s, 8, 2);
  if (p.year < 0 || p.month < 0 || p.day < 0) return std::nullopt;
  if (s.size() == 10) return p;

  // Time of day: [ T]HH:MM[:SS[.f+]][Z]
  if (s.size() < 16 || (s[10] != ' ' && s[10] != 'T') || s[13] != ':') return std::nullopt;
  p.has_time = true;
  p.hour = read_digits(s, 11, 2);
  p.minute = read_digits(s, 14, 2);
  if (p.hour < 0 || p.minute < 0) return std::nullopt;
  std::size_t pos = 16;
  if (pos < s.size() && s[pos] == ':') {
    if (s.size() < pos + 3) return std::nullopt;
    p.second = read_digits(s, pos + 1, 2);
    if (p.second < 0) return std::nullopt;
    pos += 3;
    if (pos < s.size() && s[pos] == '.') {
      const std::size_t first = ++pos;
      while (pos < s.size() && is_digit(s[pos])) {
        if (s[pos] != '0') p.zero_fraction = false;
        ++pos;
      }
      if (pos == first) return std::nullopt;
    }
  }
  if (pos < s.size() && s[pos] == 'Z') ++pos;
  if (pos != s.size()) return std::nullopt;
  return p;
}

bool is_leap(int year) { return (year % 4 == 0 && year % 100 != 0) || year % 400 == 0; }

int days_in_month(int year, int month) {
  static constexpr int days[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  return month == 2 && is_leap(year) ? 29 : days[month - 1];
}

std::optional<std::int64_t> iso_seconds(const IsoParts& p) {
  if (p.month < 1 || p.month > 12 || p.day < 1 || p.day > days_in_month(p.year, p.month)) return std::nullopt;
  if (p.hour > 23 || p.minute > 59 || p.second > 59 || !p.zero_fraction) return std::nullopt;
  const std::int64_t days =
      days_from_civil(p.year, static_cast<unsigned>(p.month), static_cast<unsigned>(p.day));
  return days * seconds_per_day + p.hour * 3600 + p.minute * 60 + p.second;
}

// 1 to 19 ASCII digits that fit in int64; nullopt otherwise.
std::optional<std::uint64_t> read_epoch(std::string_view s) {
  if (s.empty() || s.size() > 19) return std::nullopt;  // 19 digits cannot overflow uint64
  std::uint64_t value = 0;
  for (char c : s) {
    if (!is_digit(c)) return std::nullopt;
    value = value * 10 + static_cast<std::uint64_t>(c - '0');
  }
  if (value > static_cast<std::uint64_t>(INT64_MAX)) return std::nullopt;
  return value;
}

struct Civil {
  std::int64_t year;
  int month, day;
};

// Inverse of days_from_civil (H. Hinnant's algorithm).
Civil civil_from_days(std::int64_t z) {
  z += 719468;
  const std::int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  const std::int64_t doe = z - era * 146097;
  const std::int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const std::int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const std::int64_t mp = (5 * doy + 2) / 153;
  const std::int64_t d = doy - (153 * mp + 2) / 5 + 1;
  const std::int64_t m = mp < 10 ? mp + 3 : mp - 9;
  return {yoe + era * 400 + (m <= 2 ? 1 : 0), static_cast<int>(m), static_cast<int>(d)};
}

std::int64_t floor_div(std::int64_t a, std::int64_t b) {
  const std::int64_t q = a / b;
  return (a % b != 0 && (a < 0) != (b < 0)) ? q - 1 : q;
}

std::string format_date(std::int64_t days) {
  const Civil c = civil_from_days(days);
  char buf[48];
  const int n = std::snprintf(buf, sizeof buf, "%04lld-%02d-%02d", static_cast<long long>(c.year), c.month, c.day);
  return std::string(buf, static_cast<std::size_t>(n));
}

std::string format_time_of_day(std::int64_t second_of_day) {
  char buf[16];
  const int n = std::snprintf(buf, sizeof buf, " %02d:%02d:%02d", static_cast<int>(second_of_day / 3600),
                              static_cast<int>(second_of_day / 60 % 60), static_cast<int>(second_of_day % 60));
  return std::string(buf, static_cast<std::size_t>(n));
}

}  // namespace

std::optional<TimestampFormat> detect_timestamp_format(std::string_view field) {
  if (const auto epoch = read_epoch(field))
    return *epoch >= first_epoch_millisecond ? TimestampFormat::epoch_milliseconds : TimestampFormat::epoch_seconds;
  if (const auto parts = split_iso(field))
    return parts->has_time ? TimestampFormat::iso_datetime : TimestampFormat::iso_date;
  return std::nullopt;
}

std::optional<std::int64_t> parse_timestamp(std::string_view field, TimestampFormat format) {
  switch (format) {
    case TimestampFormat::iso_date:
    case TimestampFormat::iso_datetime: {
      const auto parts = split_iso(field);
      if (!parts || parts->has_time != (format == TimestampFormat::iso_datetime)) return std::nullopt;
      return iso_seconds(*parts);
    }
    case TimestampFormat::epoch_seconds: {
      const auto value = read_epoch(field);
      if (!value || *value >= first_epoch_millisecond) return std::nullopt;
      return static_cast<std::int64_t>(*value);
    }
    case TimestampFormat::epoch_milliseconds: {
      const auto value = read_epoch(field);
      if (!value || *value < first_epoch_millisecond || *value % 1000 != 0) return std::nullopt;
      return static_cast<std::int64_t>(*value / 1000);
    }
  }
  return std::nullopt;
}

std::string format_timestamp(std::int64_t seconds) {
  const std::int64_t days = floor_div(seconds, seconds_per_day);
  const std::int64_t second_of_day = seconds - days * seconds_per_day;
  return second_of_day == 0 ? format_date(days) : format_date(days) + format_time_of_day(second_of_day);
}

std::string format_timestamp(std::int64_t seconds, TimestampFormat format) {
  const std::int64_t days = floor_div(seconds, seconds_per_day);
  const std::int64_t second_of_day = seconds - days * seconds_per_day;
  switch (format) {
    case TimestampFormat::iso_date:
      if (second_of_day != 0)
        throw Error("format_timestamp: " + format_timestamp(seconds) + " is not at midnight; expected a date-only timestamp");
      return format_date(days);
    case TimestampFormat::iso_datetime:
      return format_date(days) + format_time_of_day(second_of_day);
    case TimestampFormat::epoch_seconds:
      return std::to_string(seconds);
    case TimestampFormat::epoch_milliseconds:
      return std::to_string(seconds) + "000";
  }
  return format_timestamp(seconds);
}

std::string_view timestamp_format_name(TimestampFormat format) {
  switch (format) {
    case TimestampFormat::iso_date: return "YYYY-MM-DD";
    case TimestampFormat::iso_datetime: return "YYYY-MM-DD HH:MM:SS";
    case TimestampFormat::epoch_seconds: return "epoch seconds";
    case TimestampFormat::epoch_milliseconds: return "epoch milliseconds";
  }
  return "unknown";
}

std::int64_t days_from_civil(std::int64_t year, unsigned month, unsigned day) {
  const std::int64_t m = month;
  const std::int64_t y = year - (m <= 2 ? 1 : 0);
  const std::int64_t era = (y >= 0 ? y : y - 399) / 400;
  const std::int64_t yoe = y - era * 400;
  const std::int64_t doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + static_cast<std::int64_t>(day) - 1;
  const std::int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + doe - 719468;
}

}  // namespace genepool
