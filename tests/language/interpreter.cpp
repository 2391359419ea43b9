// The interpreter's values against series computed by hand, for every function.
#include <catch2/catch.hpp>

#include <cmath>
#include <limits>
#include <string>
#include <vector>

#include "../../src/language/operations.hpp"
#include "genepool/language/interpreter.hpp"
#include "genepool/language/strategy_file.hpp"

using namespace genepool;
using namespace genepool::language;

namespace {

constexpr double kNan = std::numeric_limits<double>::quiet_NaN();

struct Bars {
  std::vector<double> open, high, low, close, volume;
  SymbolSeries view() const {
    SymbolSeries s{open.data(), high.data(), low.data(), close.data(), close.size()};
    s.volume = volume.data();
    return s;
  }
};

// Closes 10 11 13 12 15 14; high = close + 1, low = close - 1, open = the previous close.
Bars bars() {
  Bars b;
  b.close = {10, 11, 13, 12, 15, 14};
  for (std::size_t t = 0; t < b.close.size(); ++t) {
    b.open.push_back(t == 0 ? 10 : b.close[t - 1]);
    b.high.push_back(b.close[t] + 1);
    b.low.push_back(b.close[t] - 1);
    b.volume.push_back(100.0 * static_cast<double>(t + 1));
  }
  return b;
}

FileStrategy strategy(const std::string& position) {
  return parse_strategy_text("[s]\nparams.n = { type = \"int\", min = 1, max = 10, default = 3 }\n"
                             "params.r = { type = \"real\", min = 0, max = 10, default = 2.5 }\n"
                             "position = \"" + position + "\"\n",
                             "test.toml")[0];
}

// The series of `expression` (the position rule's value) over bars(), n = 3, r = 2.5.
std::vector<double> values(const std::string& expression) {
  const FileStrategy s = strategy(expression);
  const double params[] = {3, 2.5, 0, 0};
  return node_series(s.program, bars().view(), params)[s.program.position];
}

void check_series(const std::string& expression, const std::vector<double>& expected) {
  const std::vector<double> actual = values(expression);
  REQUIRE(actual.size() == expected.size());
  for (std::size_t t = 0; t < expected.size(); ++t) {
    INFO(expression << " at bar " << t << ": " << actual[t] << " vs " << expected[t]);
    if (std::isnan(expected[t])) {
      CHECK(std::isnan(actual[t]));
    } else {
      CHECK(actual[t] == Approx(expected[t]).epsilon(1e-14).margin(1e-15));
    }
  }
}

}  // namespace

TEST_CASE("interpreter: series functions against hand-computed values", "[language][interpreter]") {
  const double q = kNan;
  check_series("sum(close, n)", {q, q, 34, 36, 40, 41});
  check_series("sma(close, n)", {q, q, 34.0 / 3, 12, 40.0 / 3, 41.0 / 3});
  check_series("ema(close, n)", {q, q, 34.0 / 3, 35.0 / 3, 40.0 / 3, 41.0 / 3});
  check_series("wma(close, n)", {q, q, 71.0 / 6, 73.0 / 6, 82.0 / 6, 14});
  check_series("stdev(close, n)",
               {q, q, std::sqrt(14.0 / 9), std::sqrt(2.0 / 3), std::sqrt(14.0 / 9), std::sqrt(14.0 / 9)});
  check_series("highest(close, n)", {q, q, 13, 13, 15, 15});
  check_series("lowest(close, n)", {q, q, 10, 11, 12, 12});
  check_series("highest(high, 1)", {11, 12, 14, 13, 16, 15});
  check_series("roc(close, 2)", {q, q, 0.3, 12.0 / 11 - 1, 15.0 / 13 - 1, 14.0 / 12 - 1});
  check_series("shift(close, 2)", {q, q, 10, 11, 13, 12});
  check_series("shift(close, 0)", {10, 11, 13, 12, 15, 14});
  check_series("rsi(close, 2)", {q, q, 100, 60, 100 - 100 / 8.5, 60});
  check_series("atr(2)", {q, q, 2.5, 2.25, 3.125, 2.5625});
  check_series("atr(1)", {q, 2, 3, 2, 4, 2});  // the true range
  check_series("crossover(close, 12)", {q, 0, 1, 0, 1, 0});
  check_series("crossunder(close, 12.5)", {q, 0, 0, 1, 0, 0});
  check_series("volume / 100 + open", {11, 12, 14, 17, 17, 21});
}

TEST_CASE("interpreter: an undefined input makes windows undefined and restarts the EMA's seeding",
          "[language][interpreter]") {
  const double q = kNan;
  // x = 1 / (close - 12): -0.5, -1, 1, undefined (1 / 0), 1/3, 1/2.
  check_series("1 / (close - 12)", {-0.5, -1, 1, q, 1.0 / 3, 0.5});
  check_series("sma(1 / (close - 12), 2)", {q, -0.75, 0, q, q, 5.0 / 12});
  check_series("ema(1 / (close - 12), 2)", {q, -0.75, -0.75 + 2.0 / 3 * 1.75, q, q, 5.0 / 12});
  check_series("rsi(1 / (close - 12), 1)", {q, 0, 100, q, q, 100});
}

TEST_CASE("interpreter: arithmetic, functions, comparisons and logic", "[language][interpreter]") {
  const double q = kNan;
  check_series("-close + 2 * 3 - 12 / 4", {-7, -8, -10, -9, -12, -11});
  check_series("close / (close - 10)", {q, 11, 13.0 / 3, 6, 3, 14.0 / 4});
  check_series("abs(12 - close)", {2, 1, 1, 0, 3, 2});
  check_series("min(close, 12) + max(close, 12)", {22, 23, 25, 24, 27, 26});
  check_series("log(close - 11)", {q, q, std::log(2.0), std::log(1.0), std::log(4.0), std::log(3.0)});
  check_series("exp(close - 12)", {std::exp(-2.0), std::exp(-1.0), std::exp(1.0), 1, std::exp(3.0), std::exp(2.0)});
  check_series("exp(close * 100)", {q, q, q, q, q, q});  // overflow: undefined
  check_series("sqrt(close - 11)", {q, 0, std::sqrt(2.0), 1, 2, std::sqrt(3.0)});
  check_series("sign(close - 12)", {-1, -1, 1, 0, 1, 1});
  check_series("r * n", {7.5, 7.5, 7.5, 7.5, 7.5, 7.5});
  // The tie band: a relative difference of 1e-12 is no difference.
  check_series("close * (1 + 1e-12) > close", {0, 0, 0, 0, 0, 0});
  check_series("close * (1 + 1e-12) == close", {1, 1, 1, 1, 1, 1});
  check_series("close * (1 + 1e-9) > close", {1, 1, 1, 1, 1, 1});
  check_series("close * (1 + 1e-9) != close", {1, 1, 1, 1, 1, 1});
  check_series("close >= 12", {0, 0, 1, 1, 1, 1});
  check_series("close <= 12", {1, 1, 0, 1, 0, 0});
  check_series("close < 12 or close > 14", {1, 1, 0, 0, 1, 0});
  check_series("not close < 12 and close < 15", {0, 0, 1, 1, 0, 1});
  check_series("sma(close, n) > 0 or 1", {q, q, 1, 1, 1, 1});
  // Precedence: or < and < not < comparisons < + - < * / < unary minus.
  check_series("1 + 2 * 3 - -1", {8, 8, 8, 8, 8, 8});
  check_series("0 and 1 or 1", {1, 1, 1, 1, 1, 1});
  check_series("1 or 1 and 0", {1, 1, 1, 1, 1, 1});
}

TEST_CASE("interpreter: a position rule and shorts", "[language][interpreter]") {
  const FileStrategy s = strategy("close - 12");
  const double params[] = {3, 2.5, 0, 0};
  std::vector<std::int8_t> positions(6, 9);
  interpret(s, bars().view(), params, true, positions.data());
  CHECK(positions == std::vector<std::int8_t>{-1, -1, 1, 0, 1, 1});
  interpret(s, bars().view(), params, false, positions.data());
  CHECK(positions == std::vector<std::int8_t>{0, 0, 1, 0, 1, 1});
}

TEST_CASE("interpreter: the entries and exits state machine", "[language][interpreter]") {
  using operations::entries_exits_step;
  const double q = kNan;
  // (state, long_entry, long_exit, short_entry, short_exit, allow_short) -> next state
  CHECK(entries_exits_step(0, 1, 0, 0, 0, true) == 1);
  CHECK(entries_exits_step(0, 0, 0, 1, 0, true) == -1);
  CHECK(entries_exits_step(0, 0, 0, 1, 0, false) == 0);  // no short entry in a long/flat run
  CHECK(entries_exits_step(1, 0, 1, 0, 0, true) == 0);
  CHECK(entries_exits_step(1, 1, 1, 0, 0, true) == 1);  // an entry wins over an exit
  CHECK(entries_exits_step(-1, 0, 0, 1, 1, true) == -1);
  CHECK(entries_exits_step(1, 0, 0, 1, 0, true) == -1);  // a short entry reverses a long
  CHECK(entries_exits_step(-1, 1, 0, 0, 0, true) == 1);
  CHECK(entries_exits_step(1, 1, 0, 1, 0, true) == 1);  // both entries: long first
  CHECK(entries_exits_step(1, 0, 0, 0, 1, true) == 1);  // a short exit does not close a long
  CHECK(entries_exits_step(-1, 0, 1, 0, 0, true) == -1);
  CHECK(entries_exits_step(1, 0, 0, 0, 0, true) == 1);  // nothing fires: held
  CHECK(entries_exits_step(1, 0, q, 0, 0, true) == 0);  // any rule undefined: flat
  CHECK(entries_exits_step(-1, 0, 0, q, 0, false) == 0);

  const FileStrategy s = parse_strategy_text("[s]\nlong_entry = \"close > 12.5\"\nlong_exit = \"close < 11.5\"\n"
                                             "short_entry = \"close < 10.5\"\n", "t.toml")[0];
  std::vector<std::int8_t> positions(6, 9);
  interpret(s, bars().view(), nullptr, true, positions.data());
  CHECK(positions == std::vector<std::int8_t>{-1, -1, 1, 1, 1, 1});  // short_exit absent: the short is held
  interpret(s, bars().view(), nullptr, false, positions.data());
  CHECK(positions == std::vector<std::int8_t>{0, 0, 1, 1, 1, 1});
}

TEST_CASE("lowering: shared sub-expressions are one node, scalars are marked, lengths bounded", "[language][program]") {
  const FileStrategy s = strategy("sma(close, n * 2) - sma(close, n * 2) + r * 2 > sma(close, max(n, 4))");
  std::size_t smas = 0;
  for (std::size_t i = 0; i < s.program.nodes.size(); ++i) {
    const Node& node = s.program.nodes[i];
    if (node.a != kNoNode) CHECK(node.a < i);
    if (node.b != kNoNode) CHECK(node.b < i);
    if (node.op == Op::sma) {
      ++smas;
      CHECK(s.program.nodes[node.length].scalar);
      CHECK((s.program.max_length[i] == 20 || s.program.max_length[i] == 10));
    } else {
      CHECK(s.program.max_length[i] == 0);
    }
    if (node.op == Op::mul && s.program.nodes[node.a].op == Op::param) CHECK(node.scalar);
    if (node.op == Op::close || node.op == Op::sub) CHECK_FALSE(node.scalar);
  }
  CHECK(smas == 2);
  CHECK(s.program.nodes.size() == 13);  // close n 2 n*2 sma - r r*2 + 4 max sma >
}
