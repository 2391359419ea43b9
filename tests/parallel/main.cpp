// Runner of the MPI tests: every rank runs every test case; rank 0 reports, the other ranks
// report failures only; a failure on any rank fails the run.
#define CATCH_CONFIG_RUNNER
#include <catch2/catch.hpp>

#include <vector>

#include "mpi_session.hpp"

namespace genepool::test {

namespace {
parallel::Session* the_session = nullptr;
}

parallel::Session& mpi_session() { return *the_session; }

}  // namespace genepool::test

int main(int argc, char** argv) {
  genepool::parallel::Session session(argc, argv);
  genepool::test::the_session = &session;
  std::vector<char*> args(argv, argv + argc);
  std::string compact = "--reporter=compact";
  if (session.rank() != 0) args.push_back(compact.data());
  Catch::Session catch_session;
  const int failures = catch_session.run(static_cast<int>(args.size()), args.data());
  const int worst = genepool::parallel::max_over_ranks(session, failures);
  return worst > 0 ? 1 : 0;
}
