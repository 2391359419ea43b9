#include "genepool/io/json.hpp"

#include <catch2/catch.hpp>

#include <cmath>
#include <cstdint>
#include <fstream>
#include <limits>
#include <string>

#include "genepool/error.hpp"
#include "genepool/number_text.hpp"
#include "helpers.hpp"

using namespace genepool;
using Catch::Matchers::Contains;

namespace {

Json parse(const std::string& text) { return parse_json(text, "t.json"); }

}  // namespace

TEST_CASE("json: every kind of value, with members in file order", "[json]") {
  const Json v = parse(R"( {"b": [1, -2.5e3, true, false, null], "a": {"x": "y"}, "": 0} )");
  REQUIRE(v.is_object());
  REQUIRE(v.size() == 3);
  auto member = v.begin();
  CHECK(member.key() == "b");
  CHECK((++member).key() == "a");
  CHECK((++member).key().empty());
  const Json& b = v.at("b");
  REQUIRE(b.size() == 5);
  CHECK(b[0].get<double>() == 1);
  CHECK(b[1].get<double>() == -2500);
  CHECK(b[2].get<bool>());
  CHECK_FALSE(b[3].get<bool>());
  CHECK(b[4].is_null());
  CHECK(v.at("a").at("x").get<std::string>() == "y");
  CHECK(v.find("missing") == v.end());
  CHECK(parse("[]").empty());
  CHECK(parse("{}").is_object());
  CHECK(parse("\"\"").get<std::string>().empty());
  // NOTE: "-0" is an integer to nlohmann, so it reads as 0 (equal to -0.0 in every comparison).
  CHECK(parse("-0").get<double>() == 0);
  CHECK(std::signbit(parse("-0.0").get<double>()));
}

TEST_CASE("json: shortest round-trip doubles come back bit for bit", "[json]") {
  for (const double value : test::random_finite_doubles(20000, 7))
    REQUIRE(test::bits_of(parse(shortest(value)).get<double>()) == test::bits_of(value));
  for (const double value : {0.1, 1.0 / 3.0, 5e-324, std::numeric_limits<double>::max(), 1e22, 252.0, 0.0005})
    CHECK(parse(shortest(value)).get<double>() == value);
}

TEST_CASE("json: escapes and UTF-8", "[json]") {
  CHECK(parse(R"("a\"b\\c\/d\b\f\n\r\t")").get<std::string>() == "a\"b\\c/d\b\f\n\r\t");
  CHECK(parse(R"("\u00e9\u20AC")").get<std::string>() == "\xc3\xa9\xe2\x82\xac");
  CHECK(parse(R"("\ud83d\ude00")").get<std::string>() == "\xf0\x9f\x98\x80");
  CHECK(parse("\"\xc3\xa9t\xc3\xa9\"").get<std::string>() == "\xc3\xa9t\xc3\xa9");
  CHECK(parse(R"("\u0000")").get<std::string>() == std::string(1, '\0'));
}

TEST_CASE("json: malformed text is a ConfigError naming the file, line, column and byte", "[json]") {
  const auto fails = [](const std::string& text, const std::string& message) {
    INFO(text);
    CHECK_THROWS_AS(parse(text), ConfigError);
    CHECK_THROWS_WITH(parse(text), Catch::Matchers::StartsWith(message));
  };
  fails("", "t.json:1:1 (byte 0): syntax error while parsing value - unexpected end of input");
  fails("{\"a\": 1,}", "t.json:1:9 (byte 8): syntax error while parsing object key - unexpected '}'");
  fails("[1, 2,]", "t.json:1:7 (byte 6): syntax error while parsing value - unexpected ']'");
  fails("{\n  \"a\" 1\n}", "t.json:2:7 (byte 8): syntax error while parsing object separator");
  fails("{'a': 1}", "t.json:1:2 (byte 1): syntax error while parsing object key - invalid literal");
  fails("[1 2]", "t.json:1:4 (byte 3): syntax error while parsing array");
  fails("01", "t.json:1:2 (byte 1): syntax error while parsing value - unexpected number literal; expected end of input");
  fails("1.", "t.json:1:3 (byte 2): syntax error while parsing value - invalid number; expected digit after '.'");
  fails("-", "t.json:1:2 (byte 1): syntax error while parsing value - invalid number; expected digit after '-'");
  fails(".5", "t.json:1:1 (byte 0): syntax error while parsing value - invalid literal");
  fails("+1", "t.json:1:1 (byte 0): syntax error while parsing value - invalid literal");
  fails("NaN", "t.json:1:1 (byte 0): syntax error while parsing value - invalid literal");
  fails("[Infinity]", "t.json:1:2 (byte 1): syntax error while parsing value - invalid literal");
  fails("tru", "t.json:1:4 (byte 3): syntax error while parsing value - invalid literal");
  fails("\"abc", "t.json:1:5 (byte 4): syntax error while parsing value - invalid string: missing closing quote");
  fails("\"a\tb\"", "t.json:1:3 (byte 2): syntax error while parsing value - invalid string: control character U+0009");
  fails("\"\\x\"", "t.json:1:3 (byte 2): syntax error while parsing value - invalid string: forbidden character");
  fails("\"\\u12G4\"", "t.json:1:6 (byte 5): syntax error while parsing value - invalid string: '\\u' must be followed");
  fails("\"\\ud83d\"", "t.json:1:8 (byte 7): syntax error while parsing value - invalid string: surrogate U+D800");
  fails("\"\\ude00\"", "t.json:1:7 (byte 6): syntax error while parsing value - invalid string: surrogate U+DC00");
  fails("\"\xff\"", "t.json:1:2 (byte 1): syntax error while parsing value - invalid string: ill-formed UTF-8 byte");
  fails("\"\xc0\xaf\"", "t.json:1:2 (byte 1): syntax error while parsing value - invalid string: ill-formed UTF-8 byte");
  fails("{} x", "t.json:1:4 (byte 3): syntax error while parsing value - invalid literal; last read: '{} x'; expected end");
  fails("[1] // note", "t.json:1:5 (byte 4): syntax error while parsing value - invalid literal");
}

TEST_CASE("json: numbers beyond double range, deep nesting and duplicate keys are ConfigErrors", "[json]") {
  const auto fails = [](const std::string& text, const std::string& message) {
    INFO(text);
    CHECK_THROWS_MATCHES(parse(text), ConfigError, Catch::Matchers::Message(message));
  };
  fails("1e999", "t.json: number overflow parsing '1e999'");
  fails("[-1e400]", "t.json: number overflow parsing '-1e400'");
  fails(std::string(300, '['), "t.json: nesting deeper than 256 levels");
  fails("{\"a\": 1, \"a\": 2}", "t.json: duplicate key \"a\"");
  fails(R"({"s": [{"p": {"x": 1, "x": 2}}]})", "t.json: s[0].p: duplicate key \"x\"");
  fails(R"([0, {"a": [1, 2, {"b": 1, "b": 2}]}])", "t.json: [1].a[2]: duplicate key \"b\"");
  // The same key in different objects, and nesting up to the limit, are fine.
  CHECK(parse(R"({"a": {"a": 1}, "b": [{"a": 1}, {"a": 2}]})").at("b")[1].at("a") == 2);
  CHECK_NOTHROW(parse(std::string(256, '[') + std::string(256, ']')));
}

TEST_CASE("json: text is compact or indented, numbers as shortest() writes them", "[json]") {
  Json value = {{"b", {1, -2.5e3, true, false, nullptr, 0.0005, 1e22, 10.0, std::int64_t{-7}}},
                {"a", Json::object()},
                {"e", Json::array()},
                {"s", "q\"\\\n\x01/\xc3\xa9"},
                {"n", {{"k", std::nan("")}, {"i", -std::numeric_limits<double>::infinity()}}}};
  CHECK(json_text(value) ==
        R"({"b":[1,-2500,true,false,null,5e-04,1e+22,10,-7],"a":{},"e":[],"s":"q\"\\\n\u0001/)"
        "\xc3\xa9"
        R"(","n":{"k":null,"i":null}})");
  CHECK(json_text(Json{{"a", {1, {{"b", Json::array()}}}}}, 2) == "{\n  \"a\": [\n    1,\n    {\n      \"b\": []\n    }\n  ]\n}");
  CHECK(json_text(Json("x\xff")) == "\"x\xef\xbf\xbd\"");  // invalid UTF-8 becomes U+FFFD
  // What is written reads back.
  const Json back = parse(json_text(value, 2));
  CHECK(back.at("b") == value.at("b"));
  CHECK(back.at("s") == value.at("s"));
  CHECK(back.at("n").at("k").is_null());
}

TEST_CASE("json: files are read whole, a missing file is an IoError", "[json]") {
  const auto dir = test::scratch_dir("json");
  const auto path = dir / "spec.json";
  std::ofstream(path) << "{\"format\": \"x\",\n \"n\": [1, 2,]}\n";
  CHECK_THROWS_AS(read_json_file(path), ConfigError);
  CHECK_THROWS_WITH(read_json_file(path), Catch::Matchers::StartsWith(path.string() + ":2:13 (byte 28): syntax error"));
  std::ofstream(path) << "{\"format\": \"x\"}\n";
  CHECK(read_json_file(path).at("format") == "x");
  CHECK_THROWS_AS(read_json_file(dir / "missing.json"), IoError);
  CHECK_THROWS_WITH(read_json_file(dir / "missing.json"), Contains("missing.json: no such file"));
  CHECK_THROWS_WITH(read_json_file(dir), Contains("is a directory"));
}
