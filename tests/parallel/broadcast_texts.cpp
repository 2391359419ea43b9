// broadcast_texts under real MPI: how the file strategies' sources reach every rank.
#include <catch2/catch.hpp>

#include <string>
#include <vector>

#include "genepool/parallel/parallel.hpp"
#include "mpi_session.hpp"

using namespace genepool;

TEST_CASE("every rank holds rank 0's texts after the broadcast, any bytes and sizes", "[mpi][broadcast]") {
  auto& session = test::mpi_session();
  const std::vector<std::string> expected = {"keltner_breakout", "", std::string("a\0b\n", 4),
                                             std::string(100'000, 'x') + "[trend]\nposition = \"close > 1\"\n"};
  // The other ranks' argument is ignored: give them something else.
  const std::vector<std::string> received =
      parallel::broadcast_texts(session, session.rank() == 0 ? expected : std::vector<std::string>{"junk", "more"});
  CHECK(received == expected);
  CHECK(parallel::broadcast_texts(session, {}).empty());
}
