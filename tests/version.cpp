#include <catch2/catch.hpp>

#include "genepool/version.hpp"

TEST_CASE("version is the project's semantic version and names a revision", "[version]") {
  CHECK(genepool::version() == "0.1.0");
  CHECK_FALSE(genepool::git_revision().empty());
}
