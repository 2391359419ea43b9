#include "genepool/number_text.hpp"

#include <catch2/catch.hpp>

#include <charconv>
#include <cmath>
#include <cstdint>
#include <limits>
#include <string>

#include "helpers.hpp"

namespace test = genepool::test;
using genepool::plain_shortest;
using genepool::test::bits_of;
using genepool::shortest;

namespace {

double read_back(const std::string& text) {
  double value = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  REQUIRE(ec == std::errc());
  REQUIRE(end == text.data() + text.size());
  return value;
}

}  // namespace

TEST_CASE("number_text: shortest writes the shortest text that reads back", "[number_text]") {
  CHECK(shortest(150) == "150");
  CHECK(shortest(10.5) == "10.5");
  CHECK(shortest(0.1) == "0.1");
  CHECK(shortest(1.0 / 3.0) == "0.3333333333333333");
  CHECK(shortest(0.0005) == "5e-04");  // shorter than 0.0005
  CHECK(shortest(100000) == "1e+05");
  CHECK(shortest(252) == "252");
  CHECK(shortest(1e22) == "1e+22");
  CHECK(shortest(-0.0) == "-0");
  CHECK(shortest(5e-324) == "5e-324");
  CHECK(shortest(-std::numeric_limits<double>::max()) == "-1.7976931348623157e+308");
  CHECK(shortest(std::numeric_limits<double>::infinity()) == "inf");
  CHECK(shortest(-std::numeric_limits<double>::infinity()) == "-inf");
  CHECK(shortest(std::numeric_limits<double>::quiet_NaN()) == "nan");
}

TEST_CASE("number_text: plain_shortest writes plain digits in the usual range", "[number_text]") {
  CHECK(plain_shortest(0) == "0");
  CHECK(plain_shortest(0.0005) == "0.0005");
  CHECK(plain_shortest(1e-4) == "0.0001");
  CHECK(plain_shortest(1e9) == "1000000000");
  CHECK(plain_shortest(-0.25) == "-0.25");
  CHECK(plain_shortest(123456789012345.6) == "123456789012345.6");
  CHECK(plain_shortest(1e15) == "1e+15");
  CHECK(plain_shortest(9e-5) == "9e-05");
  CHECK(plain_shortest(-1e299) == "-1e+299");
  CHECK(plain_shortest(std::numeric_limits<double>::infinity()) == "inf");
  CHECK(plain_shortest(std::numeric_limits<double>::quiet_NaN()) == "nan");
}

TEST_CASE("number_text: every finite double comes back bit for bit", "[number_text]") {
  for (const double value : test::random_finite_doubles(20000, 7)) {
    const std::uint64_t pattern = bits_of(value);
    REQUIRE(bits_of(read_back(shortest(value))) == pattern);
    REQUIRE(bits_of(read_back(plain_shortest(value))) == pattern);
  }
  // The longest texts of both forms.
  for (const double value : {-2.2250738585072014e-308, -1.2345678901234567e-300, -0.00012345678901234567,
                             -999999999999999.9, 5e-324})
    CHECK(bits_of(read_back(plain_shortest(value))) == bits_of(value));
}
