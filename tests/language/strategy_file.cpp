// Strategy files: the examples parse as written, every refusal is one line naming the place.
#include <catch2/catch.hpp>

#include <filesystem>
#include <string>

#include "genepool/error.hpp"
#include "genepool/language/strategy_file.hpp"
#include "helpers.hpp"

using namespace genepool;
using namespace genepool::language;

namespace {

constexpr const char* kHeader =
    "[s]\n"
    "params.fast = { type = \"int\", min = 2, max = 50, default = 10 }\n"
    "params.slow = { type = \"int\", min = 10, max = 200, default = 40 }\n"
    "params.k = { type = \"real\", min = 0.5, max = 4, default = 2 }\n";

// The message of parsing the header plus `rest` (lines 5 on).
std::string error_of(const std::string& rest, const std::string& header = kHeader) {
  try {
    parse_strategy_text(header + rest, "f.toml");
  } catch (const ConfigError& error) {
    return error.what();
  }
  return "no error";
}

}  // namespace

TEST_CASE("strategy files: the issue's two examples parse as written", "[language][file]") {
  const auto strategies =
      read_strategy_file((std::filesystem::path(GENEPOOL_SOURCE_DIR) / "strategies/examples.toml").string());
  REQUIRE(strategies.size() == 2);
  const FileStrategy& keltner = strategies[0];
  CHECK(keltner.name == "keltner_breakout");
  CHECK(keltner.line == 1);
  REQUIRE(keltner.params.size() == 2);
  CHECK(keltner.params[0].name == "period");  // in the order written
  CHECK(keltner.params[0].kind == ParamKind::integer);
  CHECK(keltner.params[1].name == "mult");
  CHECK(keltner.params[1].kind == ParamKind::real);
  CHECK(keltner.params[1].upper == 4.0);
  CHECK(keltner.program.kind == RuleKind::entries_exits);
  CHECK(keltner.program.long_entry != kNoNode);
  CHECK(keltner.program.long_exit != kNoNode);
  CHECK(keltner.program.short_entry == kNoNode);
  // ema(close, period) appears in both rules and is one node.
  std::size_t emas = 0;
  for (const Node& node : keltner.program.nodes) emas += node.op == Op::ema;
  CHECK(emas == 1);
  const FileStrategy& trend = strategies[1];
  CHECK(trend.name == "trend_filter_rsi");
  CHECK(trend.program.kind == RuleKind::position);
  CHECK(trend.rules == std::vector<std::pair<std::string, std::string>>{
                           {"position", "close > sma(close, trend) and rsi(close, 14) < upper"}});
}

TEST_CASE("strategy files: a strategy's source reads back as the same strategy on its own", "[language][file]") {
  for (const char* file : {"strategies/examples.toml", "strategies/builtins.toml"}) {
    for (const FileStrategy& s : read_strategy_file((std::filesystem::path(GENEPOOL_SOURCE_DIR) / file).string())) {
      const std::vector<FileStrategy> again = parse_strategy_text(s.source, "spec");
      REQUIRE(again.size() == 1);
      const FileStrategy& t = again[0];
      CHECK(t.name == s.name);
      CHECK(t.description == s.description);
      CHECK(t.less_than == s.less_than);
      CHECK(t.rules == s.rules);
      CHECK(t.source == s.source);
      REQUIRE(t.params.size() == s.params.size());
      for (std::size_t i = 0; i < s.params.size(); ++i) {
        CHECK(t.params[i].name == s.params[i].name);
        CHECK(t.params[i].kind == s.params[i].kind);
        CHECK(t.params[i].lower == s.params[i].lower);
        CHECK(t.params[i].upper == s.params[i].upper);
        CHECK(t.params[i].default_value == s.params[i].default_value);
        CHECK(t.params[i].description == s.params[i].description);
      }
      REQUIRE(t.program.nodes.size() == s.program.nodes.size());
      for (std::size_t i = 0; i < s.program.nodes.size(); ++i) {
        CHECK(t.program.nodes[i].op == s.program.nodes[i].op);
        CHECK(t.program.nodes[i].a == s.program.nodes[i].a);
        CHECK(t.program.nodes[i].b == s.program.nodes[i].b);
        CHECK(t.program.nodes[i].length == s.program.nodes[i].length);
      }
      CHECK(t.program.max_length == s.program.max_length);
    }
  }
}

TEST_CASE("strategy files: the error of the issue, exactly", "[language][file][errors]") {
  const std::string text =
      "[keltner_breakout]\n"
      "description = \"long above the upper band\"\n"
      "params.period = { type = \"int\", min = 5, max = 200, default = 20 }\n"
      "params.mult   = { type = \"real\", min = 0.5, max = 4.0, default = 2.0 }\n"
      "\n"
      "long_entry=\"close > emaa(close, period) + mult * atr(period)\"\n";
  CHECK_THROWS_WITH(parse_strategy_text(text, "keltner.toml"),
                    "keltner.toml:6: strategy 'keltner_breakout': long_entry, column 21: unknown function 'emaa' "
                    "(did you mean 'ema'?)");
}

TEST_CASE("strategy files: expressions the language refuses", "[language][file][errors]") {
  const std::string p = "f.toml:5: strategy 's': position, column ";
  CHECK(error_of("position = \"close > sma(close, fats)\"\n") == p + "32: unknown name 'fats' (did you mean 'fast'?)");
  CHECK(error_of("position = \"close > sma(close)\"\n") ==
        p + "21: 'sma' takes 2 arguments (a series and a length), got 1");
  CHECK(error_of("position = \"atr(fast, 2) > 0\"\n") == p + "13: 'atr' takes 1 argument (a length), got 2");
  CHECK(error_of("position = \"close > sma(close, fast - slow)\"\n") ==
        p + "32: the length of 'sma' can be -198 (it ranges over [-198, 40] over the parameters' bounds); it must be "
            "at least 1");
  CHECK(error_of("position = \"shift(close, fast - 2) > close\"\n") == "no error");  // >= 0 for shift
  CHECK(error_of("position = \"shift(close, fast - 3) > close\"\n") ==
        p + "26: the length of 'shift' can be -1 (it ranges over [-1, 47] over the parameters' bounds); it must be "
            "at least 0");
  CHECK(error_of("position = \"close > sma(close, k)\"\n") ==
        p + "32: the length of 'sma' must be built of int parameters and whole numbers with + - * min max (found the "
            "real parameter 'k')");
  CHECK(error_of("position = \"close > sma(close, 2.5)\"\n") ==
        p + "32: the length of 'sma' must be built of int parameters and whole numbers with + - * min max (found the "
            "number 2.5)");
  CHECK(error_of("position = \"close > sma(close, sma(close, 3))\"\n") ==
        p + "32: the length of 'sma' must be built of int parameters and whole numbers with + - * min max (found "
            "'sma')");
  CHECK(error_of("position = \"close > sma(close, close)\"\n") ==
        p + "32: the length of 'sma' must be built of int parameters and whole numbers with + - * min max (found a "
            "price series: a length is one value per genome)");
  CHECK(error_of("position = \"close > sma(close, fast / 2)\"\n") ==
        p + "32: the length of 'sma' must be built of int parameters and whole numbers with + - * min max (found "
            "another operator)");
  CHECK(error_of("position = \"close > sma(close, 2000000)\"\n") ==
        p + "32: the length of 'sma' can be 2000000; it must be at most 1000000");
  CHECK(error_of("position = \"close > > 1\"\n") ==
        p + "21: expected a number, a name, a function call or '(', found '>'");
  CHECK(error_of("position = \"(close > 1\"\n") == p + "23: expected ')', found the end of the expression");
  CHECK(error_of("position = \"close 1\"\n") ==
        p + "19: expected an operator or the end of the expression, found '1'");
  CHECK(error_of("position = \"close = 1\"\n") == p + "19: unexpected '=' (write '==' to compare)");
  CHECK(error_of("position = \"close > 1 && 1\"\n") == p + "23: unexpected '&' (write 'and')");
  CHECK(error_of("position = \"close $ 1\"\n") == p + "19: unexpected character '$'");
  CHECK(error_of("position = \"1 < close < 2\"\n") == p + "23: comparisons do not chain: write 'a < b and b < c'");
  CHECK(error_of("position = \"sma > 1\"\n") ==
        p + "13: 'sma' is a function: call it with a series and a length, as sma(...)");
  CHECK(error_of("position = \"\"\n") == p + "13: empty expression");
  CHECK(error_of("position = \"1.5e\"\n") == p + "13: malformed number '1.5e'");
  CHECK(error_of("position = \"1e999 > close\"\n") == p + "13: number '1e999' is out of range");
  CHECK(error_of("position = \"" + std::string(300, '(') + "1" + std::string(300, ')') + "\"\n").find(
            "expression nested too deeply (more than 200 levels)") != std::string::npos);
  // A string with escapes: columns count within the expression text.
  CHECK(error_of("position = \"close > \\u0073ma(close, fats)\"\n") ==
        p + "20: unknown name 'fats' (did you mean 'fast'?)");
  CHECK(error_of("position = 3\n") == "f.toml:5: strategy 's': position: expected a string, found an integer");
}

TEST_CASE("strategy files: defines name sub-expressions, and a cycle among them is refused", "[language][file][errors]") {
  CHECK(error_of("define.f = \"sma(close, fast)\"\ndefine.s = \"sma(close, slow)\"\nposition = \"f > s\"\n") ==
        "no error");
  CHECK(error_of("define.n = \"fast * 2\"\nposition = \"close > sma(close, n)\"\n") == "no error");
  CHECK(error_of("define.a = \"b + 1\"\ndefine.b = \"c * 2\"\ndefine.c = \"a - close\"\nposition = \"a > 0\"\n") ==
        "f.toml:7: strategy 's': define.c, column 13: defines form a cycle: a -> b -> c -> a");
  CHECK(error_of("define.a = \"a\"\nposition = \"close > 0\"\n") ==
        "f.toml:5: strategy 's': define.a, column 13: defines form a cycle: a -> a");
  CHECK(error_of("define.close = \"1\"\nposition = \"close > 0\"\n") ==
        "f.toml:5: strategy 's': define.close: 'close' is a series, function or keyword of the language; choose "
        "another name");
  // A define used in no rule is still checked.
  CHECK(error_of("define.x = \"emaa(close, 3)\"\nposition = \"close > 0\"\n") ==
        "f.toml:5: strategy 's': define.x, column 13: unknown function 'emaa' (did you mean 'ema'?)");
}

TEST_CASE("strategy files: tables, keys, parameters and rules the language refuses", "[language][file][errors]") {
  const std::string s = "f.toml:";
  CHECK(error_of("position = \"close > 0\"\nlong_entry = \"close > 1\"\n") ==
        s + "6: strategy 's': long_entry: a strategy has either `position` or entries and exits, not both");
  CHECK(error_of("long_exit = \"close > 1\"\n") ==
        s + "5: strategy 's': long_exit without long_entry: entries and exits start with long_entry");
  CHECK(error_of("long_entry = \"close > 1\"\nshort_exit = \"close > 1\"\n") ==
        s + "6: strategy 's': short_exit without short_entry");
  CHECK(error_of("description = \"x\"\n") ==
        s + "1: strategy 's': no rule: expected `position`, or `long_entry` with optional long_exit, short_entry, "
            "short_exit");
  CHECK(error_of("postion = \"close > 0\"\n") ==
        s + "5: strategy 's': unknown key 'postion' (did you mean 'position'?); expected description, params, "
            "less_than, define, position, long_entry, long_exit, short_entry, short_exit");
  CHECK(error_of("less_than = [[\"fast\", \"slwo\"]]\nposition = \"close > 0\"\n") ==
        s + "5: strategy 's': less_than: unknown parameter 'slwo' (did you mean 'slow'?)");
  CHECK(error_of("less_than = [[\"slow\", \"fast\"]]\nposition = \"close > 0\"\n") ==
        s + "5: strategy 's': less_than: the defaults must satisfy slow < fast, found 40 and 10");
  CHECK(error_of("less_than = [\"fast\"]\nposition = \"close > 0\"\n") ==
        s + "5: strategy 's': less_than: expected an array of pairs of parameter names, as [[\"fast\", \"slow\"]]");
  const std::string h = "[s]\n";
  CHECK(error_of("params.n = { type = \"integer\", min = 1, max = 5, default = 2 }\nposition = \"close > 0\"\n", h) ==
        s + "2: strategy 's': params.n.type: expected \"int\" or \"real\", found \"integer\"");
  CHECK(error_of("params.n = { type = \"int\", min = 1.5, max = 5, default = 2 }\nposition = \"close > 0\"\n", h) ==
        s + "2: strategy 's': params.n.min: expected a whole number for an int parameter, found 1.5");
  CHECK(error_of("params.n = { type = \"int\", min = 1, max = 5, default = 9 }\nposition = \"close > 0\"\n", h) ==
        s + "2: strategy 's': params.n: expected min <= default <= max, found min 1, default 9, max 5");
  CHECK(error_of("params.n = { type = \"int\", min = 1, max = 5 }\nposition = \"close > 0\"\n", h) ==
        s + "2: strategy 's': params.n.default: missing; expected a number");
  CHECK(error_of("params.n = { type = \"int\", min = 1, max = 5, default = 2, step = 1 }\nposition = \"close > 0\"\n", h) ==
        s + "2: strategy 's': params.n: unknown key 'step'; expected type, min, max, default, description");
  CHECK(error_of("params.n = { type = \"real\", min = \"a\", max = 5, default = 2 }\nposition = \"close > 0\"\n", h) ==
        s + "2: strategy 's': params.n.min: expected a finite number, found a string");
  CHECK(error_of("params.sma = { type = \"int\", min = 1, max = 5, default = 2 }\nposition = \"close > 0\"\n", h) ==
        s + "2: strategy 's': params.sma: 'sma' is a series, function or keyword of the language; choose another name");
  CHECK(error_of("params.a = { type = \"int\", min = 1, max = 5, default = 2 }\nparams.b = { type = \"int\", min = 1, "
                 "max = 5, default = 2 }\nparams.c = { type = \"int\", min = 1, max = 5, default = 2 }\nparams.d = { "
                 "type = \"int\", min = 1, max = 5, default = 2 }\nparams.e = { type = \"int\", min = 1, max = 5, "
                 "default = 2 }\nposition = \"close > 0\"\n",
                 h) == s + "2: strategy 's': params: 5 parameters; a strategy has at most 4");
  CHECK(error_of("", "[sma_crossover]\nposition = \"close > 0\"\n") ==
        s + "1: strategy 'sma_crossover': the name of a built-in strategy type; choose another name");
  CHECK(error_of("", "[Big]\nposition = \"close > 0\"\n") ==
        s + "1: strategy 'Big': a strategy's name is a lower-case letter followed by lower-case letters, digits and '_'");
  CHECK(error_of("", "name = 3\n") == s + "1: 'name': expected a strategy table ([name] with its params and rules), found an integer");
  CHECK(error_of("", "[s]\nposition = \"close > 0\n") .find("f.toml:2:") == 0);  // bad TOML
  CHECK(error_of("", "[s]\nposition = \"close > 0\n").find("not valid TOML") != std::string::npos);
}

TEST_CASE("strategy files: a name defined in two files is refused", "[language][file][errors]") {
  const auto dir = test::scratch_dir("language-files");
  const std::string a = (dir / "a.toml").string();
  const std::string b = (dir / "b.toml").string();
  for (const std::string& path : {a, b}) {
    std::FILE* f = std::fopen(path.c_str(), "w");
    std::fputs("# strategies\n[twice]\nposition = \"close > 0\"\n", f);
    std::fclose(f);
  }
  CHECK(read_strategy_files({a}).size() == 1);
  CHECK_THROWS_WITH(read_strategy_files({a, b}), b + ":2: strategy 'twice': already defined in " + a + ":2");
  CHECK_THROWS_WITH(read_strategy_file((dir / "none.toml").string()),
                    (dir / "none.toml").string() + ": no such file; expected a strategy file (TOML)");
}
