#include "genepool/data/timestamp_pattern.hpp"

#include <array>
#include <cctype>
#include <chrono>

#include "genepool/error.hpp"

namespace genepool {
namespace {

constexpr std::array<std::string_view, 12> month_names = {"january", "february", "march",     "april",
                                                          "may",     "june",     "july",      "august",
                                                          "september", "october", "november", "december"};

char lower(char c) { return static_cast<char>(std::tolower(static_cast<unsigned char>(c))); }
bool is_digit(char c) { return c >= '0' && c <= '9'; }

// Reads from `min` to `max` digits at `pos`, advancing it; -1 when there are fewer than `min`.
int read_number(std::string_view s, std::size_t& pos, std::size_t min, std::size_t max) {
  int value = 0;
  std::size_t n = 0;
  while (n < max && pos < s.size() && is_digit(s[pos])) {
    value = value * 10 + (s[pos++] - '0');
    ++n;
  }
  return n < min ? -1 : value;
}

// Matches `word` (any case) at `pos`, advancing it.
bool read_word(std::string_view s, std::size_t& pos, std::string_view word) {
  if (s.size() - pos < word.size()) return false;
  for (std::size_t i = 0; i < word.size(); ++i)
    if (lower(s[pos + i]) != word[i]) return false;
  pos += word.size();
  return true;
}

// A month name, whole or its first three letters: 1 to 12, or -1.
int read_month_name(std::string_view s, std::size_t& pos, bool whole) {
  for (std::size_t m = 0; m < month_names.size(); ++m)
    if (read_word(s, pos, whole ? month_names[m] : month_names[m].substr(0, 3))) return static_cast<int>(m) + 1;
  return -1;
}

}  // namespace

TimestampPattern::TimestampPattern(std::string_view pattern, const std::string& option) : text_(pattern) {
  bool year = false, month = false, hour12 = false, am_pm = false;
  const auto bad = [&](const std::string& what) {
    throw ConfigError(option + ": '" + text_ + "' " + what +
                      "; expected a strptime-style pattern such as '%d/%m/%Y %H:%M' (directives %Y %y %m %d %e %H "
                      "%I %p %M %S %f %b %B %z %F %T %%)");
  };
  const auto add = [&](Field f) {
    steps_.push_back({f});
    year = year || f == Field::year4 || f == Field::year2;
    month = month || f == Field::month || f == Field::month_name;
    hour12 = hour12 || f == Field::hour12;
    am_pm = am_pm || f == Field::am_pm;
  };
  for (std::size_t i = 0; i < pattern.size(); ++i) {
    const char c = pattern[i];
    if (c == ' ' || c == '\t') {
      if (steps_.empty() || steps_.back().field != Field::space) steps_.push_back({Field::space});
      continue;
    }
    if (c != '%') {
      steps_.push_back({Field::literal, c});
      continue;
    }
    if (++i == pattern.size()) bad("ends in a lone '%'");
    switch (pattern[i]) {
      case 'Y': add(Field::year4); break;
      case 'y': add(Field::year2); break;
      case 'm': add(Field::month); break;
      case 'b': case 'h': steps_.push_back({Field::month_name, 'b'}); month = true; break;
      case 'B': steps_.push_back({Field::month_name, 'B'}); month = true; break;
      case 'd': case 'e': add(Field::day); break;
      case 'H': add(Field::hour24); break;
      case 'I': add(Field::hour12); break;
      case 'p': add(Field::am_pm); break;
      case 'M': add(Field::minute); break;
      case 'S': add(Field::second); break;
      case 'f': add(Field::fraction); break;
      case 'z': add(Field::offset); break;
      case 'F': add(Field::year4); steps_.push_back({Field::literal, '-'}); add(Field::month);
                steps_.push_back({Field::literal, '-'}); add(Field::day); break;
      case 'T': add(Field::hour24); steps_.push_back({Field::literal, ':'}); add(Field::minute);
                steps_.push_back({Field::literal, ':'}); add(Field::second); break;
      case '%': steps_.push_back({Field::literal, '%'}); break;
      default: bad("has the unknown directive '%" + std::string(1, pattern[i]) + "'");
    }
  }
  if (!year || !month) bad("has no year (%Y or %y) or no month (%m, %b or %B)");
  if (hour12 != am_pm) bad("has %I without %p or %p without %I (12-hour clock)");
  twelve_hour_ = hour12;
}

std::optional<std::int64_t> TimestampPattern::parse(std::string_view s) const {
  int year = -1, month = -1, day = 1, hour = 0, minute = 0, second = 0, offset = 0;
  bool pm = false;
  std::size_t pos = 0;
  for (const Step& step : steps_) {
    switch (step.field) {
      case Field::year4: year = read_number(s, pos, 4, 4); if (year < 0) return std::nullopt; break;
      case Field::year2: {
        const int y = read_number(s, pos, 2, 2);
        if (y < 0) return std::nullopt;
        year = y < 69 ? 2000 + y : 1900 + y;
        break;
      }
      case Field::month: month = read_number(s, pos, 1, 2); if (month < 0) return std::nullopt; break;
      case Field::month_name:
        month = read_month_name(s, pos, step.literal == 'B');
        if (month < 0) return std::nullopt;
        break;
      case Field::day: day = read_number(s, pos, 1, 2); if (day < 0) return std::nullopt; break;
      case Field::hour24: case Field::hour12: hour = read_number(s, pos, 1, 2); if (hour < 0) return std::nullopt; break;
      case Field::am_pm:
        if (read_word(s, pos, "am")) pm = false;
        else if (read_word(s, pos, "pm")) pm = true;
        else return std::nullopt;
        break;
      case Field::minute: minute = read_number(s, pos, 1, 2); if (minute < 0) return std::nullopt; break;
      case Field::second: second = read_number(s, pos, 1, 2); if (second < 0) return std::nullopt; break;
      case Field::fraction: {
        const std::size_t first = pos;
        for (; pos < s.size() && is_digit(s[pos]); ++pos)
          if (s[pos] != '0') return std::nullopt;  // bars are whole seconds
        if (pos == first) return std::nullopt;
        break;
      }
      case Field::offset: {
        if (pos < s.size() && s[pos] == 'Z') { ++pos; break; }
        if (pos >= s.size() || (s[pos] != '+' && s[pos] != '-')) return std::nullopt;
        const int sign = s[pos++] == '-' ? -1 : 1;
        const int hours = read_number(s, pos, 2, 2);
        if (pos < s.size() && s[pos] == ':') ++pos;
        std::size_t before = pos;
        int minutes = read_number(s, pos, 2, 2);
        if (minutes < 0) { pos = before; minutes = 0; }
        if (hours < 0 || hours > 23 || minutes > 59) return std::nullopt;
        offset = sign * (hours * 3600 + minutes * 60);
        break;
      }
      case Field::space: {
        const std::size_t first = pos;
        while (pos < s.size() && (s[pos] == ' ' || s[pos] == '\t')) ++pos;
        if (pos == first) return std::nullopt;
        break;
      }
      case Field::literal:
        if (pos >= s.size() || s[pos] != step.literal) return std::nullopt;
        ++pos;
        break;
    }
  }
  if (pos != s.size()) return std::nullopt;
  if (twelve_hour_) {
    if (hour < 1 || hour > 12) return std::nullopt;
    hour = hour % 12 + (pm ? 12 : 0);
  }
  namespace chr = std::chrono;
  const chr::year_month_day date{chr::year{year}, chr::month{static_cast<unsigned>(month)},
                                 chr::day{static_cast<unsigned>(day)}};
  if (!date.ok() || hour > 23 || minute > 59 || second > 59) return std::nullopt;
  const std::int64_t days = chr::sys_days(date).time_since_epoch().count();
  return days * 86400 + hour * 3600 + minute * 60 + second - offset;
}

}  // namespace genepool
