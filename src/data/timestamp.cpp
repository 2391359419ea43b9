#include "genepool/data/timestamp.hpp"

#include <chrono>
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
  int offset_seconds = 0;     // a UTC offset (+05:30 is 19800): the local time minus UTC
};

// A UTC offset at `pos` to the end: +HH:MM, +HHMM or +HH (or '-'), hours 00-23 and minutes 00-59.
[[gnu::noinline]] bool read_offset(std::string_view s, std::size_t pos, int& seconds) {  // rare: kept out of the hot path
  if (pos >= s.size() || (s[pos] != '+' && s[pos] != '-')) return false;
  const std::string_view rest = s.substr(pos + 1);
  int hours = -1, minutes = 0;
  if (rest.size() == 2) {
    hours = read_digits(rest, 0, 2);
  } else if (rest.size() == 4) {
    hours = read_digits(rest, 0, 2);
    minutes = read_digits(rest, 2, 2);
  } else if (rest.size() == 5 && rest[2] == ':') {
    hours = read_digits(rest, 0, 2);
    minutes = read_digits(rest, 3, 2);
  }
  if (hours < 0 || hours > 23 || minutes < 0 || minutes > 59) return false;
  seconds = (s[pos] == '-' ? -1 : 1) * (hours * 3600 + minutes * 60);
  return true;
}

std::optional<IsoParts> split_iso(std::string_view s) {
  if (s.size() < 10 || s[4] != '-' || s[7] != '-') return std::nullopt;
  IsoParts p;
  p.year = read_digits(s, 0, 4);
  p.month = read_digits(s, 5, 2);
  p.day = read_digits(s, 8, 2);
  if (p.year < 0 || p.month < 0 || p.day < 0) return std::nullopt;
  if (s.size() == 10) return p;

  // Time of day: [ T]HH:MM[:SS[.f+]][Z or a UTC offset]
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
  if (pos < s.size() && s[pos] == 'Z') {
    ++pos;
  } else if (pos < s.size() && read_offset(s, pos, p.offset_seconds)) {
    pos = s.size();
  }
  if (pos != s.size()) return std::nullopt;
  return p;
}

namespace chr = std::chrono;

// Days from 1970-01-01 to a year, month and day, or nullopt for no real date.
std::optional<std::int64_t> civil_days(int year, int month, int day) {
  const chr::year_month_day date{chr::year{year}, chr::month{static_cast<unsigned>(month)},
                                 chr::day{static_cast<unsigned>(day)}};
  if (!date.ok()) return std::nullopt;
  return chr::sys_days(date).time_since_epoch().count();
}

std::optional<std::int64_t> iso_seconds(const IsoParts& p) {
  const auto days = civil_days(p.year, p.month, p.day);
  if (!days) return std::nullopt;
  if (p.hour > 23 || p.minute > 59 || p.second > 59 || !p.zero_fraction) return std::nullopt;
  return *days * seconds_per_day + p.hour * 3600 + p.minute * 60 + p.second - p.offset_seconds;
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

// The UTC day of `seconds` and the second within it.
struct DayAndSecond {
  chr::sys_days day;
  std::int64_t second_of_day;
};
DayAndSecond split_day(std::int64_t seconds) {
  const chr::sys_seconds instant{chr::seconds{seconds}};
  const chr::sys_days day = chr::floor<chr::days>(instant);
  return {day, (instant - day).count()};
}

// The days std::chrono's calendar can name (years -32767 to 32767).
bool in_calendar(chr::sys_days day) {
  return day >= chr::sys_days(chr::year::min() / chr::January / 1) &&
         day <= chr::sys_days(chr::year::max() / chr::December / 31);
}

std::string format_date(chr::sys_days day) {
  const chr::year_month_day date{day};
  char buf[48];
  const int n = std::snprintf(buf, sizeof buf, "%04d-%02u-%02u", static_cast<int>(date.year()),
                              static_cast<unsigned>(date.month()), static_cast<unsigned>(date.day()));
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
    case TimestampFormat::iso_date: {  // every row of a daily file: read without split_iso's parts
      if (field.size() != 10 || field[4] != '-' || field[7] != '-') return std::nullopt;
      const int year = read_digits(field, 0, 4), month = read_digits(field, 5, 2), day = read_digits(field, 8, 2);
      if (year < 0 || month < 0 || day < 0) return std::nullopt;
      const auto days = civil_days(year, month, day);
      if (!days) return std::nullopt;
      return *days * seconds_per_day;
    }
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
  const auto [day, second_of_day] = split_day(seconds);
  if (!in_calendar(day)) return "epoch second " + std::to_string(seconds);
  return second_of_day == 0 ? format_date(day) : format_date(day) + format_time_of_day(second_of_day);
}

std::string format_timestamp(std::int64_t seconds, TimestampFormat format) {
  const auto [day, second_of_day] = split_day(seconds);
  const bool iso = format == TimestampFormat::iso_date || format == TimestampFormat::iso_datetime;
  if (iso && !in_calendar(day))
    throw Error("format_timestamp: epoch second " + std::to_string(seconds) + " is outside the years -32767 to 32767");
  switch (format) {
    case TimestampFormat::iso_date:
      if (second_of_day != 0)
        throw Error("format_timestamp: " + format_timestamp(seconds) + " is not at midnight; expected a date-only timestamp");
      return format_date(day);
    case TimestampFormat::iso_datetime:
      return format_date(day) + format_time_of_day(second_of_day);
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

}  // namespace genepool
