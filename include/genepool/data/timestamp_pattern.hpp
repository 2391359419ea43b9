#pragma once
// Timestamps in a layout the user names (`--date-format`), strptime-style: "%d/%m/%Y %H:%M".
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace genepool {

// A compiled strptime-style pattern. Directives: %Y (4-digit year), %y (2 digits: 69-99 are 19xx,
// 00-68 20xx), %m, %d, %e, %H, %I and %p (AM/PM), %M, %S (1 or 2 digits each), %b or %h and %B
// (English month names, any case), %f (a fraction of a second: zeros only, bars are whole seconds),
// %z (Z, +HH:MM, +HHMM or +HH, subtracted to give UTC), %F (%Y-%m-%d), %T (%H:%M:%S) and %%.
// A space matches one or more spaces or tabs; any other character matches itself. Year and month
// (or %b/%B) are required; the day defaults to 1 and the time of day to 00:00:00.
class TimestampPattern {
 public:
  // Throws ConfigError naming `option` for an unknown directive or a pattern without year or month.
  TimestampPattern(std::string_view pattern, const std::string& option);

  // UTC seconds, or nullopt when `text` does not match or is no real date and time.
  std::optional<std::int64_t> parse(std::string_view text) const;

  const std::string& text() const { return text_; }

 private:
  enum class Field { year4, year2, month, month_name, day, hour24, hour12, am_pm, minute, second, fraction, offset,
                     space, literal };
  struct Step {
    Field field;
    char literal = 0;
  };
  std::string text_;
  std::vector<Step> steps_;
  bool twelve_hour_ = false;  // %I with %p
};

}  // namespace genepool
