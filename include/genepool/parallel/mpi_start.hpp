#pragma once
// Open MPI's start-up without the fabric probes a machine without a fabric does not need
// (docs/cluster.md, "MPI start-up"). No MPI here: the choice is made before MPI_Init.
#include <filesystem>
#include <functional>
#include <string>

namespace genepool::parallel {

// What the choice depends on. `getenv` reads the environment; `root` is "/" (a test passes a scratch
// directory holding sys/class/..., etc/openmpi/... and the home directory below it).
struct MpiStartPlace {
  std::function<const char*(const char*)> getenv;
  std::filesystem::path root = "/";
};

// "ob1", Open MPI's shared-memory and TCP layer, when the user chose no point-to-point layer (no
// OMPI_MCA_pml or OMPI_MCA_mtl, no parameter files named, no pml or mtl line in Open MPI's parameter
// files other than an exclusion that leaves ob1 allowed) and the machine has no RDMA or HPC fabric
// (no device in /sys/class/infiniband or /sys/class/cxi): ob1 is then what Open MPI picks, after
// about 0.2 s of probing its fabric layers (cm's PSM, PSM2 and OFI). Empty otherwise: Open MPI
// chooses as it always does.
std::string quick_pml(const MpiStartPlace& place);

// Sets OMPI_MCA_pml to quick_pml() of this process where it is not empty; Session calls it before
// MPI_Init in Open MPI builds.
void prepare_open_mpi_start();

}  // namespace genepool::parallel
