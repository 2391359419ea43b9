#include <catch2/catch.hpp>

#include <cstdio>
#include <random>

#include "genepool/error.hpp"
#include "genepool/data/timestamp.hpp"

using genepool::TimestampFormat;
using genepool::detect_timestamp_format;
using genepool::format_timestamp;
using genepool::parse_timestamp;

TEST_CASE("iso dates parse to midnight UTC seconds since the epoch", "[timestamp]") {
  CHECK(parse_timestamp("1970-01-01", TimestampFormat::iso_date) == 0);
  CHECK(parse_timestamp("1969-12-31", TimestampFormat::iso_date) == -86400);
  CHECK(parse_timestamp("2004-08-19", TimestampFormat::iso_date) == 1092873600);
  CHECK(parse_timestamp("2000-03-01", TimestampFormat::iso_date) == 11017 * 86400LL);
  CHECK(parse_timestamp("0001-01-01", TimestampFormat::iso_date) == -62135596800LL);
  CHECK(parse_timestamp("9999-12-31", TimestampFormat::iso_date) == 253402214400LL);
}

TEST_CASE("iso dates outside the calendar are rejected, leap years included", "[timestamp]") {
  CHECK(parse_timestamp("2000-02-29", TimestampFormat::iso_date).has_value());   // divisible by 400
  CHECK(parse_timestamp("2004-02-29", TimestampFormat::iso_date).has_value());
  CHECK_FALSE(parse_timestamp("1900-02-29", TimestampFormat::iso_date).has_value());  // divisible by 100
  CHECK_FALSE(parse_timestamp("2003-02-29", TimestampFormat::iso_date).has_value());
  CHECK_FALSE(parse_timestamp("2004-02-30", TimestampFormat::iso_date).has_value());
  CHECK_FALSE(parse_timestamp("2004-04-31", TimestampFormat::iso_date).has_value());
  CHECK_FALSE(parse_timestamp("2004-13-01", TimestampFormat::iso_date).has_value());
  CHECK_FALSE(parse_timestamp("2004-00-10", TimestampFormat::iso_date).has_value());
  CHECK_FALSE(parse_timestamp("2004-01-00", TimestampFormat::iso_date).has_value());
  CHECK_FALSE(parse_timestamp("2004-1-01", TimestampFormat::iso_date).has_value());
  CHECK_FALSE(parse_timestamp("2004/01/01", TimestampFormat::iso_date).has_value());
  CHECK_FALSE(parse_timestamp("", TimestampFormat::iso_date).has_value());
}

TEST_CASE("iso date-times accept a space or T, optional seconds, zero fractions and a trailing Z", "[timestamp]") {
  const std::int64_t nine = 1092873600 + 9 * 3600;
  const auto dt = TimestampFormat::iso_datetime;
  CHECK(parse_timestamp("2004-08-19 09:00:00", dt) == nine);
  CHECK(parse_timestamp("2004-08-19T09:00:00", dt) == nine);
  CHECK(parse_timestamp("2004-08-19T09:00:00Z", dt) == nine);
  CHECK(parse_timestamp("2004-08-19 09:00", dt) == nine);
  CHECK(parse_timestamp("2004-08-19 09:00Z", dt) == nine);
  CHECK(parse_timestamp("2004-08-19 09:00:00.000", dt) == nine);
  CHECK(parse_timestamp("2004-08-19T09:00:00.0Z", dt) == nine);
  CHECK(parse_timestamp("2004-08-19 23:59:59", dt) == 1092873600 + 86399);
}

TEST_CASE("iso date-times with a bad time of day or a fraction of a second are rejected", "[timestamp]") {
  const auto dt = TimestampFormat::iso_datetime;
  CHECK_FALSE(parse_timestamp("2004-08-19 09:00:00.5", dt).has_value());
  CHECK_FALSE(parse_timestamp("2004-08-19 09:00:00.", dt).has_value());
  CHECK_FALSE(parse_timestamp("2004-08-19 24:00:00", dt).has_value());
  CHECK_FALSE(parse_timestamp("2004-08-19 09:60:00", dt).has_value());
  CHECK_FALSE(parse_timestamp("2004-08-19 09:00:60", dt).has_value());
  CHECK_FALSE(parse_timestamp("2004-08-19 9:00:00", dt).has_value());
  CHECK_FALSE(parse_timestamp("2004-08-19_09:00:00", dt).has_value());
  CHECK_FALSE(parse_timestamp("2004-02-30 09:00:00", dt).has_value());
}

TEST_CASE("a UTC offset after a date-time is subtracted to give UTC", "[timestamp]") {
  const std::int64_t nine = 1092873600 + 9 * 3600;
  const auto dt = TimestampFormat::iso_datetime;
  CHECK(parse_timestamp("2004-08-19 10:00:00+01:00", dt) == nine);
  CHECK(parse_timestamp("2004-08-19 04:00:00-05:00", dt) == nine);
  CHECK(parse_timestamp("2004-08-19T14:30:00+0530", dt) == nine);
  CHECK(parse_timestamp("2004-08-19 11:00+02", dt) == nine);
  CHECK(parse_timestamp("2004-08-19 09:00:00.000+00:00", dt) == nine);
  CHECK(parse_timestamp("2004-08-19 00:00:00-05:00", dt) == 1092873600 + 5 * 3600);  // yfinance's daily bars
  CHECK(parse_timestamp("2004-08-19 02:00:00+05:00", dt) == 1092873600 - 3 * 3600);  // the day before in UTC
  CHECK(detect_timestamp_format("2020-01-02 00:00:00-05:00") == dt);
  CHECK_FALSE(parse_timestamp("2004-08-19 09:00:00+24:00", dt).has_value());
  CHECK_FALSE(parse_timestamp("2004-08-19 09:00:00+01:60", dt).has_value());
  CHECK_FALSE(parse_timestamp("2004-08-19 09:00:00+1", dt).has_value());
  CHECK_FALSE(parse_timestamp("2004-08-19 09:00:00+01:0", dt).has_value());
  CHECK_FALSE(parse_timestamp("2004-08-19 09:00:00Z+01:00", dt).has_value());
  CHECK_FALSE(parse_timestamp("2004-08-19+01:00", TimestampFormat::iso_date).has_value());
}

TEST_CASE("a date and a date-time do not parse as each other's format", "[timestamp]") {
  CHECK_FALSE(parse_timestamp("2004-08-19", TimestampFormat::iso_datetime).has_value());
  CHECK_FALSE(parse_timestamp("2004-08-19 00:00:00", TimestampFormat::iso_date).has_value());
  CHECK_FALSE(parse_timestamp("1092873600", TimestampFormat::iso_date).has_value());
  CHECK_FALSE(parse_timestamp("2004-08-19", TimestampFormat::epoch_seconds).has_value());
}

TEST_CASE("epoch integers below 1e11 are seconds and from 1e11 up are whole milliseconds", "[timestamp]") {
  CHECK(parse_timestamp("0", TimestampFormat::epoch_seconds) == 0);
  CHECK(parse_timestamp("1092873600", TimestampFormat::epoch_seconds) == 1092873600);
  CHECK(parse_timestamp("99999999999", TimestampFormat::epoch_seconds) == 99999999999LL);
  CHECK_FALSE(parse_timestamp("100000000000", TimestampFormat::epoch_seconds).has_value());
  CHECK(parse_timestamp("100000000000", TimestampFormat::epoch_milliseconds) == 100000000);
  CHECK(parse_timestamp("1092873600000", TimestampFormat::epoch_milliseconds) == 1092873600);
  CHECK_FALSE(parse_timestamp("1092873600123", TimestampFormat::epoch_milliseconds).has_value());
  CHECK_FALSE(parse_timestamp("1092873600", TimestampFormat::epoch_milliseconds).has_value());
  CHECK_FALSE(parse_timestamp("-1", TimestampFormat::epoch_seconds).has_value());
  CHECK_FALSE(parse_timestamp("+1", TimestampFormat::epoch_seconds).has_value());
  CHECK_FALSE(parse_timestamp("1.5", TimestampFormat::epoch_seconds).has_value());
  CHECK_FALSE(parse_timestamp("99999999999999999999", TimestampFormat::epoch_milliseconds).has_value());
}

TEST_CASE("the format of a field is detected from its shape", "[timestamp]") {
  CHECK(detect_timestamp_format("2004-08-19") == TimestampFormat::iso_date);
  CHECK(detect_timestamp_format("2004-13-45") == TimestampFormat::iso_date);  // shape only; parsing rejects it
  CHECK(detect_timestamp_format("2017-04-19 09:00:00") == TimestampFormat::iso_datetime);
  CHECK(detect_timestamp_format("2017-04-19T09:00:00.000Z") == TimestampFormat::iso_datetime);
  CHECK(detect_timestamp_format("1092873600") == TimestampFormat::epoch_seconds);
  CHECK(detect_timestamp_format("99999999999") == TimestampFormat::epoch_seconds);
  CHECK(detect_timestamp_format("100000000000") == TimestampFormat::epoch_milliseconds);
  CHECK(detect_timestamp_format("1092873600000") == TimestampFormat::epoch_milliseconds);
  CHECK_FALSE(detect_timestamp_format("").has_value());
  CHECK_FALSE(detect_timestamp_format("abc").has_value());
  CHECK_FALSE(detect_timestamp_format("19/08/2004").has_value());
  CHECK_FALSE(detect_timestamp_format("2004-08-19 ").has_value());
  CHECK_FALSE(detect_timestamp_format("1.5e9").has_value());
  CHECK_FALSE(detect_timestamp_format("-86400").has_value());
}

TEST_CASE("timestamps format as a date at midnight and as a date-time otherwise", "[timestamp]") {
  CHECK(format_timestamp(0) == "1970-01-01");
  CHECK(format_timestamp(-86400) == "1969-12-31");
  CHECK(format_timestamp(-1) == "1969-12-31 23:59:59");
  CHECK(format_timestamp(1092873600) == "2004-08-19");
  CHECK(format_timestamp(1092873600 + 9 * 3600 + 61) == "2004-08-19 09:01:01");
  CHECK(format_timestamp(951782400) == "2000-02-29");
}

TEST_CASE("timestamps format in a requested format so that every row of a file can share it", "[timestamp]") {
  CHECK(format_timestamp(1092873600, TimestampFormat::iso_date) == "2004-08-19");
  CHECK(format_timestamp(1092873600, TimestampFormat::iso_datetime) == "2004-08-19 00:00:00");
  CHECK(format_timestamp(1092873600, TimestampFormat::epoch_seconds) == "1092873600");
  CHECK(format_timestamp(1092873600, TimestampFormat::epoch_milliseconds) == "1092873600000");
  CHECK_THROWS_AS(format_timestamp(1092873601, TimestampFormat::iso_date), genepool::Error);
  CHECK_THROWS_WITH(format_timestamp(1092873601, TimestampFormat::iso_date),
                    Catch::Matchers::Contains("2004-08-19 00:00:01 is not at midnight"));
}

TEST_CASE("formatting then parsing gives back the same second for years 1 to 9999", "[timestamp]") {
  std::mt19937_64 rng(7);
  std::uniform_int_distribution<std::int64_t> second(-62135596800LL, 253402300799LL);
  for (int i = 0; i < 20000; ++i) {
    const std::int64_t t = i % 2 ? second(rng) : second(rng) / 86400 * 86400;
    const std::string text = format_timestamp(t);
    const auto format = detect_timestamp_format(text);
    REQUIRE(format.has_value());
    INFO(text);
    CHECK(parse_timestamp(text, *format) == t);
    CHECK(parse_timestamp(format_timestamp(t, TimestampFormat::iso_datetime), TimestampFormat::iso_datetime) == t);
  }
}

TEST_CASE("every date from 1600 to 2400 parses to the day after the one before", "[timestamp]") {
  auto days_in = [](int y, int m) {
    static constexpr int days[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    const bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
    return m == 2 && leap ? 29 : days[m - 1];
  };
  std::int64_t expected = -135140 * std::int64_t{86400};  // 1600-01-01
  char text[40];
  for (int y = 1600; y <= 2400; ++y)
    for (int m = 1; m <= 12; ++m) {
      for (int d = 1; d <= days_in(y, m); ++d) {
        std::snprintf(text, sizeof text, "%04d-%02d-%02d", y, m, d);
        if (parse_timestamp(text, TimestampFormat::iso_date) != expected) FAIL(text);
        if (format_timestamp(expected) != text) FAIL(text << " formats as " << format_timestamp(expected));
        expected += 86400;
      }
      std::snprintf(text, sizeof text, "%04d-%02d-%02d", y, m, days_in(y, m) + 1);
      if (parse_timestamp(text, TimestampFormat::iso_date).has_value()) FAIL(text << " was accepted");
    }
  CHECK(parse_timestamp("1970-01-01", TimestampFormat::iso_date) == 0);
}

TEST_CASE("instants outside the calendar's years format as epoch seconds", "[timestamp]") {
  const std::int64_t far = 9'200'000'000'000'000;  // epoch milliseconds near INT64_MAX, read as seconds
  CHECK(format_timestamp(far) == "epoch second 9200000000000000");
  CHECK(format_timestamp(-far) == "epoch second -9200000000000000");
  CHECK(format_timestamp(far, TimestampFormat::epoch_seconds) == "9200000000000000");
  CHECK_THROWS_WITH(format_timestamp(far, TimestampFormat::iso_datetime),
                    Catch::Matchers::Contains("outside the years -32767 to 32767"));
  CHECK(format_timestamp(253402300799) == "9999-12-31 23:59:59");
}

TEST_CASE("timestamp formats have names for messages", "[timestamp]") {
  CHECK(genepool::timestamp_format_name(TimestampFormat::iso_date) == "YYYY-MM-DD");
  CHECK(genepool::timestamp_format_name(TimestampFormat::iso_datetime) == "YYYY-MM-DD HH:MM:SS");
  CHECK(genepool::timestamp_format_name(TimestampFormat::epoch_seconds) == "epoch seconds");
  CHECK(genepool::timestamp_format_name(TimestampFormat::epoch_milliseconds) == "epoch milliseconds");
}
