#include "genepool/cli/strict_numbers.hpp"

#include <catch2/catch.hpp>

#include <algorithm>
#include <cstdint>
#include <string>
#include <vector>

using genepool::app::check_numbers_strictly;
using genepool::app::number_problem;
using Catch::Matchers::Equals;

TEST_CASE("numbers as written are taken, the rest refused with what is wrong", "[cli][numbers]") {
  for (const char* ok : {"0", "7", "+7", "18446744073709551615"}) CHECK(number_problem(ok, "UINT") == "");
  for (const char* ok : {"-3", "0", "9223372036854775807", "-9223372036854775808"}) CHECK(number_problem(ok, "INT") == "");
  for (const char* ok : {"0", "-0.5", ".5", "5.", "1e-3", "2.5E+10", "1e308", "+3"}) CHECK(number_problem(ok, "FLOAT") == "");
  CHECK_THAT(number_problem("-1", "UINT"), Equals("-1 is negative; expected a whole number >= 0"));
  CHECK_THAT(number_problem("18446744073709551616", "UINT"),
             Equals("18446744073709551616 is larger than the largest value 18446744073709551615"));
  CHECK_THAT(number_problem("9223372036854775808", "INT"), Equals("9223372036854775808 is outside [-9223372036854775808, 9223372036854775807]"));
  CHECK_THAT(number_problem("010", "UINT"), Equals("010: expected a whole number without leading zeros"));
  CHECK_THAT(number_problem("0x10", "INT"), Equals("0x10: expected a whole number in decimal digits"));
  CHECK_THAT(number_problem("1.5", "UINT"), Equals("1.5: expected a whole number in decimal digits"));
  CHECK_THAT(number_problem("", "UINT"), Equals(": expected a whole number in decimal digits"));
  for (const char* bad : {"nan", "inf", "-inf", "0x1p3", "1e", ".", "1,5", " 1", "1 "})
    CHECK_THAT(number_problem(bad, "FLOAT"), Equals(std::string(bad) + ": expected a finite number in decimal notation"));
  CHECK_THAT(number_problem("1e400", "FLOAT"), Equals("1e400 is too large for a number (beyond 1.8e308)"));
  CHECK_THAT(number_problem("1e-400", "FLOAT"), Equals("1e-400 is too small to hold (it would be 0)"));
  CHECK(number_problem("anything", "TEXT") == "");
}

TEST_CASE("every numeric option of every subcommand is checked, flags and texts are not", "[cli][numbers]") {
  CLI::App app{"test"};
  auto* command = app.add_subcommand("evolve");
  std::uint64_t seed = 0;
  double timeout = 0;
  std::size_t elitism = 2;
  std::string name;
  bool flag = false;
  command->add_option("--seed", seed);
  command->add_option("--generation-timeout", timeout)->check(CLI::Range(0.0, 1e9));
  command->add_option("--elitism", elitism);
  command->add_option("--name", name);
  command->add_flag("--flag", flag);
  check_numbers_strictly(app);
  const auto error_of = [&](std::vector<std::string> args) -> std::string {
    std::reverse(args.begin(), args.end());
    try {
      app.parse(args);
    } catch (const CLI::ParseError& error) {
      return error.what();
    }
    return "";
  };
  CHECK(error_of({"evolve", "--seed", "12", "--name", "010", "--flag"}) == "");
  CHECK(seed == 12);
  CHECK_THAT(error_of({"evolve", "--seed", "-1"}), Equals("--seed: -1 is negative; expected a whole number >= 0"));
  CHECK_THAT(error_of({"evolve", "--generation-timeout", "nan"}),
             Equals("--generation-timeout: nan: expected a finite number in decimal notation"));
  CHECK_THAT(error_of({"evolve", "--elitism", "-1"}), Equals("--elitism: -1 is negative; expected a whole number >= 0"));
}
