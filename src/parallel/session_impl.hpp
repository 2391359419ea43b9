#pragma once
// Inside the parallel family only (src/parallel/*.cpp): the MPI state of a Session, shared by its
// translation units.
#include <mpi.h>

#include <boost/mpi/communicator.hpp>
#include <boost/mpi/environment.hpp>
#include <string>
#include <vector>

#include "genepool/error.hpp"
#include "genepool/parallel/parallel.hpp"

namespace genepool::parallel {

inline void check_mpi(int code, const char* what) {
  if (code != MPI_SUCCESS) throw Error(std::string("MPI call failed: ") + what);
}

// A contiguous datatype of sizeof(T) bytes, freed with the object.
template <typename T>
class BytesType {
 public:
  BytesType() {
    check_mpi(MPI_Type_contiguous(static_cast<int>(sizeof(T)), MPI_BYTE, &type_), "MPI_Type_contiguous");
    check_mpi(MPI_Type_commit(&type_), "MPI_Type_commit");
  }
  ~BytesType() { MPI_Type_free(&type_); }
  BytesType(const BytesType&) = delete;
  BytesType& operator=(const BytesType&) = delete;
  MPI_Datatype get() const { return type_; }

 private:
  MPI_Datatype type_{};
};

// The ranks of this rank's node and their shared-memory segments (docs/architecture.md, "One copy
// per node"): set up by the CSV readers or the first broadcast of the data, ended with the session.
struct NodeShare {
  MPI_Comm node = MPI_COMM_NULL;     // the ranks of this node (MPI_COMM_TYPE_SHARED), in world order
  MPI_Comm leaders = MPI_COMM_NULL;  // the first rank of each node (world rank 0 first); null elsewhere
  int node_rank = 0;
  int nodes = 1;
  std::vector<MPI_Win> windows;  // the segments still mapped

  NodeShare() = default;
  NodeShare(const NodeShare&) = delete;
  NodeShare& operator=(const NodeShare&) = delete;
  // NOTE: MPI_Win_free is a collective of the node: every rank ends its session holding the same
  // segments, made in the same order, and frees them last first (a rank that fails aborts the whole
  // job and never gets here). Never in a destructor of a shorter life: on an error path one rank
  // would wait there for others that never come.
  ~NodeShare() {
    for (auto it = windows.rbegin(); it != windows.rend(); ++it) MPI_Win_free(&*it);
    if (leaders != MPI_COMM_NULL) MPI_Comm_free(&leaders);
    if (node != MPI_COMM_NULL) MPI_Comm_free(&node);
  }
};

// Members are destroyed in reverse order: the segments and datatypes are freed before MPI is finalised.
struct Session::Impl {
  boost::mpi::environment environment;
  boost::mpi::communicator world;
  BytesType<Genome> genome_type;
  BytesType<Evaluation> evaluation_type;
  std::vector<std::string> rank_hosts;        // rank 0 only
  std::vector<std::string> rank_cpu_targets;  // rank 0 only
  mutable NodeShare share;
  MPI_Comm comm() const { return static_cast<MPI_Comm>(world); }
};

// The node communicators, made once (a collective of every rank).
NodeShare& node_share(const Session::Impl& mpi);

}  // namespace genepool::parallel
