#include "genepool/error.hpp"

#include <catch2/catch.hpp>

#include <string>

using genepool::excerpt;

TEST_CASE("error: a long value is cut to its first characters and its length", "[error]") {
  CHECK(excerpt("macd") == "macd");
  CHECK(excerpt(std::string(80, 'x')) == std::string(80, 'x'));
  CHECK(excerpt(std::string(100000, 'x')) == std::string(80, 'x') + "... (100000 characters)");
  CHECK(excerpt("abcdef", 3) == "abc... (6 characters)");
  // Characters, not bytes: a UTF-8 sequence is never cut; control bytes are written as \xNN.
  CHECK(excerpt("\xc3\xa9\xc3\xa9\xc3\xa9", 2) == "\xc3\xa9\xc3\xa9... (3 characters)");
  CHECK(excerpt("a\nb", 10) == "a\\x0ab");
}

TEST_CASE("error: did_you_mean suggests the nearest known name, or nothing", "[error]") {
  const std::vector<std::string> commands = {"evolve", "export", "grid", "report"};
  CHECK(genepool::did_you_mean("evolv", commands) == " (did you mean 'evolve'?)");
  CHECK(genepool::did_you_mean("exprot", commands) == " (did you mean 'export'?)");
  CHECK(genepool::did_you_mean("banana", commands).empty());
}
