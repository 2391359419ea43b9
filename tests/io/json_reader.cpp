#include "genepool/io/json_reader.hpp"

#include <catch2/catch.hpp>

#include <array>
#include <charconv>
#include <cmath>
#include <cstring>
#include <fstream>
#include <limits>
#include <random>
#include <string>

#include "genepool/error.hpp"
#include "helpers.hpp"

using namespace genepool;
using Catch::Matchers::Contains;

namespace {

JsonValue parse(const std::string& text) { return parse_json(text, "t.json"); }

std::string shortest(double value) {
  std::array<char, 32> text{};
  const auto [end, ec] = std::to_chars(text.data(), text.data() + text.size(), value);
  return std::string(text.data(), end);
}

}  // namespace

TEST_CASE("json_reader: every kind of value, with members in file order", "[json]") {
  const JsonValue v = parse(R"( {"b": [1, -2.5e3, true, false, null], "a": {"x": "y"}, "": 0} )");
  REQUIRE(v.is_object());
  const auto& members = v.as_object();
  REQUIRE(members.size() == 3);
  CHECK(members[0].first == "b");
  CHECK(members[1].first == "a");
  CHECK(members[2].first.empty());
  const auto& b = v.find("b")->as_array();
  REQUIRE(b.size() == 5);
  CHECK(b[0].as_number() == 1);
  CHECK(b[1].as_number() == -2500);
  CHECK(b[2].as_bool());
  CHECK_FALSE(b[3].as_bool());
  CHECK(b[4].is_null());
  CHECK(v.find("a")->find("x")->as_string() == "y");
  CHECK(v.find("missing") == nullptr);
  CHECK(b[0].find("x") == nullptr);
  CHECK(parse("[]").as_array().empty());
  CHECK(parse("{}").as_object().empty());
  CHECK(parse("\"\"").as_string().empty());
  CHECK(parse("-0").as_number() == 0);
  CHECK(std::signbit(parse("-0").as_number()));
}

TEST_CASE("json_reader: values know their line and column", "[json]") {
  const JsonValue v = parse("{\n  \"a\": 1,\n  \"b\": [true]\n}");
  CHECK(v.line() == 1);
  CHECK(v.column() == 1);
  CHECK(v.find("a")->line() == 2);
  CHECK(v.find("a")->column() == 8);
  CHECK(v.find("b")->as_array()[0].line() == 3);
  CHECK(v.find("b")->as_array()[0].column() == 9);
  CHECK(v.find("b")->as_array()[0].offset() == 20);
}

TEST_CASE("json_reader: shortest round-trip doubles come back bit for bit", "[json]") {
  std::mt19937_64 random(7);
  std::uniform_int_distribution<std::uint64_t> bits;
  int checked = 0;
  while (checked < 20000) {
    const std::uint64_t pattern = bits(random);
    double value = 0;
    std::memcpy(&value, &pattern, sizeof value);
    if (!std::isfinite(value)) continue;
    const JsonValue parsed = parse(shortest(value));
    std::uint64_t back = 0;
    const double number = parsed.as_number();
    std::memcpy(&back, &number, sizeof back);
    REQUIRE(back == pattern);
    ++checked;
  }
  for (const double value : {0.1, 1.0 / 3.0, 5e-324, std::numeric_limits<double>::max(), 1e22, 252.0, 0.0005})
    CHECK(parse(shortest(value)).as_number() == value);
}

TEST_CASE("json_reader: escapes and UTF-8", "[json]") {
  CHECK(parse(R"("a\"b\\c\/d\b\f\n\r\t")").as_string() == "a\"b\\c/d\b\f\n\r\t");
  CHECK(parse(R"("\u00e9\u20AC")").as_string() == "\xc3\xa9\xe2\x82\xac");
  CHECK(parse(R"("\ud83d\ude00")").as_string() == "\xf0\x9f\x98\x80");
  CHECK(parse("\"\xc3\xa9t\xc3\xa9\"").as_string() == "\xc3\xa9t\xc3\xa9");
  CHECK(parse(R"("\u0000")").as_string() == std::string(1, '\0'));
}

TEST_CASE("json_reader: malformed text is a ConfigError naming the file, line, column and byte", "[json]") {
  const auto fails = [](const std::string& text, const std::string& message) {
    INFO(text);
    CHECK_THROWS_MATCHES(parse(text), ConfigError, Catch::Matchers::Message(message));
  };
  fails("", "t.json:1:1 (byte 0): expected a value, found end of input");
  fails("{\"a\": 1,}", "t.json:1:9 (byte 8): trailing comma before '}'");
  fails("[1, 2,]", "t.json:1:7 (byte 6): trailing comma before ']'");
  fails("{\n  \"a\" 1\n}", "t.json:2:7 (byte 8): expected ':' after the member name, found '1'");
  fails("{'a': 1}", "t.json:1:2 (byte 1): expected a member name in double quotes, found '''");
  fails("[1 2]", "t.json:1:4 (byte 3): expected ',' or ']' after an array element, found '2'");
  fails("{\"a\": 1 \"b\": 2}", "t.json:1:9 (byte 8): expected ',' or '}' after an object member, found '\"'");
  fails("01", "t.json:1:1 (byte 0): a number may not have a leading zero");
  fails("1.", "t.json:1:3 (byte 2): expected a digit after '.', found end of input");
  fails("-", "t.json:1:2 (byte 1): expected a digit after '-', found end of input");
  fails("1e", "t.json:1:3 (byte 2): expected a digit in the exponent, found end of input");
  fails(".5", "t.json:1:1 (byte 0): expected a value (object, array, string, number, true, false or null), found '.'");
  fails("+1", "t.json:1:1 (byte 0): expected a value (object, array, string, number, true, false or null), found '+'");
  fails("1e999", "t.json:1:1 (byte 0): number 1e999 is outside the range of a double");
  fails("NaN", "t.json:1:1 (byte 0): NaN and Infinity are not JSON numbers");
  fails("[Infinity]", "t.json:1:2 (byte 1): NaN and Infinity are not JSON numbers");
  fails("tru", "t.json:1:1 (byte 0): expected a value (object, array, string, number, true, false or null), found 't'");
  fails("\"abc", "t.json:1:1 (byte 0): string without a closing quote");
  fails("\"a\tb\"", "t.json:1:3 (byte 2): control character byte 0x09 in a string (write it as an escape)");
  fails("\"\\x\"", "t.json:1:2 (byte 1): unknown escape '\\x'");
  fails("\"\\u12G4\"", "t.json:1:6 (byte 5): expected 4 hex digits after \\u, found 'G'");
  fails("\"\\ud83d\"", "t.json:1:2 (byte 1): a high surrogate \\u escape must be followed by a low surrogate");
  fails("\"\\ude00\"", "t.json:1:2 (byte 1): a low surrogate \\u escape without a high surrogate before it");
  fails("\"\xff\"", "t.json:1:2 (byte 1): invalid UTF-8 in a string");
  fails("\"\xc0\xaf\"", "t.json:1:2 (byte 1): invalid UTF-8 in a string");
  fails("{\"a\": 1, \"a\": 2}", "t.json:1:10 (byte 9): duplicate key \"a\"");
  fails("{} x", "t.json:1:4 (byte 3): unexpected 'x' after the JSON value");
  fails("[1] // note", "t.json:1:5 (byte 4): unexpected '/' after the JSON value");
  fails(std::string(300, '['), "t.json:1:257 (byte 256): nesting deeper than 256 levels");
}

TEST_CASE("json_reader: asking a value for another kind is an Error", "[json]") {
  const JsonValue v = parse("[1]");
  CHECK_THROWS_WITH(v.as_object(), Contains("asked for an object from an array"));
  CHECK_THROWS_WITH(v.as_array()[0].as_string(), Contains("asked for a string from a number"));
}

TEST_CASE("json_reader: files are read whole; a missing file is an IoError", "[json]") {
  const auto dir = test::scratch_dir("json_reader");
  const auto path = dir / "spec.json";
  std::ofstream(path) << "{\"format\": \"x\",\n \"n\": [1, 2,]}\n";
  CHECK_THROWS_MATCHES(read_json_file(path), ConfigError,
                       Catch::Matchers::Message(path.string() + ":2:13 (byte 28): trailing comma before ']'"));
  std::ofstream(path) << "{\"format\": \"x\"}\n";
  CHECK(read_json_file(path).find("format")->as_string() == "x");
  CHECK_THROWS_AS(read_json_file(dir / "missing.json"), IoError);
  CHECK_THROWS_WITH(read_json_file(dir / "missing.json"), Contains("missing.json") && Contains("cannot open"));
}
