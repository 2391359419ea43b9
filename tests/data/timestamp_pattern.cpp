#include <catch2/catch.hpp>

#include <ctime>
#include <string_view>
#include <random>

#include "genepool/data/timestamp.hpp"
#include "genepool/data/timestamp_pattern.hpp"
#include "genepool/error.hpp"

using Catch::Matchers::Contains;
using genepool::TimestampPattern;

namespace {

std::int64_t at(const char* iso) {
  const auto format = genepool::detect_timestamp_format(iso);
  return *genepool::parse_timestamp(iso, *format);
}

std::optional<std::int64_t> parse(const char* pattern, const char* text) {
  return TimestampPattern(pattern, "--date-format").parse(text);
}

}  // namespace

TEST_CASE("date-format patterns read the layouts of real downloads", "[timestamp]") {
  CHECK(parse("%d/%m/%Y", "13/01/2020") == at("2020-01-13"));
  CHECK(parse("%m/%d/%Y", "1/13/2020") == at("2020-01-13"));
  CHECK(parse("%d.%m.%Y %H:%M", "02.01.2020 09:30") == at("2020-01-02 09:30:00"));
  CHECK(parse("%Y%m%d", "20200102") == at("2020-01-02"));
  CHECK(parse("%Y.%m.%d %H:%M:%S", "2020.01.02 23:59:59") == at("2020-01-02 23:59:59"));
  CHECK(parse("%b %d, %Y", "Jan 02, 2020") == at("2020-01-02"));
  CHECK(parse("%d-%b-%y", "02-JAN-20") == at("2020-01-02"));
  CHECK(parse("%d-%b-%y", "02-jan-69") == at("1969-01-02"));
  CHECK(parse("%B %e %Y", "September 7 2021") == at("2021-09-07"));
  CHECK(parse("%m/%d/%Y %I:%M %p", "01/02/2020 12:05 AM") == at("2020-01-02 00:05:00"));
  CHECK(parse("%m/%d/%Y %I:%M %p", "01/02/2020 12:05 pm") == at("2020-01-02 12:05:00"));
  CHECK(parse("%m/%d/%Y %I:%M %p", "01/02/2020 3:05 PM") == at("2020-01-02 15:05:00"));
  CHECK(parse("%F %T%z", "2020-01-02 09:30:00-05:00") == at("2020-01-02 14:30:00"));
  CHECK(parse("%F %T%z", "2020-01-02 09:30:00+0100") == at("2020-01-02 08:30:00"));
  CHECK(parse("%F %T%z", "2020-01-02 09:30:00Z") == at("2020-01-02 09:30:00"));
  CHECK(parse("%F %T.%f", "2020-01-02 09:30:00.000") == at("2020-01-02 09:30:00"));
  CHECK(parse("%Y-%m", "2020-03") == at("2020-03-01"));
  CHECK(parse("%d/%m/%Y %H:%M", "02/01/2020  09:30") == at("2020-01-02 09:30:00"));  // a space is any run of them
  CHECK(parse("%Y%%%m%%%d", "2020%01%02") == at("2020-01-02"));
}

TEST_CASE("date-format patterns refuse text that does not match or is no real time", "[timestamp]") {
  CHECK_FALSE(parse("%d/%m/%Y", "31/02/2020").has_value());
  CHECK_FALSE(parse("%d/%m/%Y", "13/13/2020").has_value());
  CHECK_FALSE(parse("%d/%m/%Y", "13-01-2020").has_value());
  CHECK_FALSE(parse("%d/%m/%Y", "13/01/2020 ").has_value());
  CHECK_FALSE(parse("%d/%m/%Y", "13/01/20").has_value());
  CHECK_FALSE(parse("%d/%m/%Y %H:%M", "13/01/2020 24:00").has_value());
  CHECK_FALSE(parse("%d/%m/%Y %H:%M", "13/01/2020 09:60").has_value());
  CHECK_FALSE(parse("%F %T.%f", "2020-01-02 09:30:00.500").has_value());
  CHECK_FALSE(parse("%m/%d/%Y %I:%M %p", "01/02/2020 13:05 PM").has_value());
  CHECK_FALSE(parse("%m/%d/%Y %I:%M %p", "01/02/2020 0:05 AM").has_value());
  CHECK_FALSE(parse("%b %d, %Y", "Jam 02, 2020").has_value());
  CHECK_FALSE(parse("%F %T%z", "2020-01-02 09:30:00+24:00").has_value());
  CHECK_FALSE(parse("%d/%m/%Y", "").has_value());
}

TEST_CASE("date-format patterns with an unknown directive or no year or month are a config error", "[timestamp]") {
  CHECK_THROWS_AS(TimestampPattern("%d/%q/%Y", "--date-format"), genepool::ConfigError);
  CHECK_THROWS_WITH(TimestampPattern("%d/%q/%Y", "--date-format"),
                    Contains("--date-format: '%d/%q/%Y' has the unknown directive '%q'; expected a strptime-style "
                             "pattern such as '%d/%m/%Y %H:%M'"));
  CHECK_THROWS_WITH(TimestampPattern("%d/%m", "--date-format"), Contains("has no year (%Y or %y) or no month"));
  CHECK_THROWS_WITH(TimestampPattern("%Y-%m-%d %I:%M", "--date-format"), Contains("has %I without %p"));
  CHECK_THROWS_WITH(TimestampPattern("%Y-%m-%d %", "--date-format"), Contains("ends in a lone '%'"));
}

TEST_CASE("date-format patterns read back what strftime writes, on random times", "[timestamp]") {
  std::mt19937_64 random(11);
  std::uniform_int_distribution<std::int64_t> seconds(-2'000'000'000, 4'000'000'000);
  const char* patterns[] = {"%d/%m/%Y %H:%M:%S", "%Y%m%d %H%M%S", "%b %d, %Y %I:%M:%S %p", "%B %d %Y %T", "%F %T",
                            "%d.%m.%y %H:%M:%S"};
  for (const char* pattern : patterns) {
    INFO(pattern);
    const TimestampPattern compiled(pattern, "--date-format");
    for (int i = 0; i < 2000; ++i) {
      std::int64_t s = seconds(random);
      if (std::string_view(pattern).find("%y") != std::string_view::npos) s = (s + 2'000'000'000) % 3'100'000'000;  // 1970..2068
      const std::time_t t = static_cast<std::time_t>(s);
      std::tm utc{};
      gmtime_r(&t, &utc);
      char text[64];
      std::strftime(text, sizeof text, pattern, &utc);
      INFO(text);
      REQUIRE(compiled.parse(text) == static_cast<std::int64_t>(t));
    }
  }
}
