#include "genepool/cli/config_errors.hpp"

#include <catch2/catch.hpp>

#include <string>
#include <vector>

using Catch::Matchers::Equals;

namespace {

// The line `genepool ARGS...` prints for its parse error, with commands evolve, export and grid.
std::string parse_error(std::vector<std::string> words) {
  CLI::App app{"genepool", "genepool"};
  app.require_subcommand(1, 1);
  for (const char* name : {"evolve", "export", "grid"}) app.add_subcommand(name)->add_option("--data");
  words.insert(words.begin(), "genepool");
  std::vector<char*> pointers;
  for (std::string& word : words) pointers.push_back(word.data());
  const int argc = static_cast<int>(pointers.size());
  try {
    app.parse(argc, pointers.data());
  } catch (const CLI::ParseError& error) {
    return genepool::app::describe_parse_error(app, error, argc, pointers.data());
  }
  return "";
}

}  // namespace

TEST_CASE("command line: an unknown command is named, with the nearest one and the list", "[cli]") {
  CHECK_THAT(parse_error({"evolv", "--data", "x.csv"}),
             Equals("unknown command 'evolv' (did you mean 'evolve'?); expected one of evolve, export, grid "
                    "(see --help)"));
  CHECK_THAT(parse_error({"banana"}), Equals("unknown command 'banana'; expected one of evolve, export, grid (see --help)"));
  CHECK_THAT(parse_error({std::string(1000, 'e')}),
             Equals("unknown command '" + std::string(80, 'e') + "... (1000 characters)'; expected one of evolve, "
                    "export, grid (see --help)"));
  CHECK_THAT(parse_error({}), Equals("A subcommand is required (see --help)"));
  CHECK(parse_error({"grid", "--data", "x.csv"}).empty());
}
