#pragma once
// The MPI session every MPI test shares (MPI can start only once per process).
#include "genepool/parallel/parallel.hpp"

namespace genepool::test {

parallel::Session& mpi_session();

}  // namespace genepool::test
