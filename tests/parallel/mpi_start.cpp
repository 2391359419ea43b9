// quick_pml: Open MPI's point-to-point layer chosen before MPI_Init only where neither the user nor
// the machine's fabric has a say.
#include <catch2/catch.hpp>

#include <filesystem>
#include <fstream>
#include <map>
#include <string>

#include "genepool/parallel/mpi_start.hpp"
#include "helpers.hpp"

using namespace genepool;
namespace fs = std::filesystem;

namespace {

// A machine under a scratch directory: its environment and the files quick_pml reads.
struct Machine {
  test::ScratchDir dir{"mpi_start"};
  std::map<std::string, std::string> environment = {{"HOME", "/home/quant"}};

  void write(const std::string& relative, const std::string& text) const {
    const fs::path file = dir / relative;
    fs::create_directories(file.parent_path());
    std::ofstream(file) << text;
  }
  std::string pml() const {
    return parallel::quick_pml({[this](const char* name) -> const char* {
                                  const auto it = environment.find(name);
                                  return it == environment.end() ? nullptr : it->second.c_str();
                                },
                                dir});
  }
};

}  // namespace

TEST_CASE("quick_pml: ob1 on a machine without a fabric where the user chose nothing", "[mpi_start]") {
  Machine machine;
  CHECK(machine.pml() == "ob1");
  fs::create_directories(machine.dir / "sys/class/infiniband");  // the class, no device
  // Debian's own file excludes layers: ob1 stays allowed.
  machine.write("etc/openmpi/openmpi-mca-params.conf",
                "# pml = cm\nmtl = ^ofi\nbtl = ^uct,openib,ofi\npml = ^ucx\n\nbtl_tcp_if_include = eth0\n");
  machine.write("home/quant/.openmpi/mca-params.conf", "mpi_yield_when_idle = 1\n");
  CHECK(machine.pml() == "ob1");
}

TEST_CASE("quick_pml: nothing where a fabric device is present", "[mpi_start]") {
  for (const char* device : {"sys/class/infiniband/mlx5_0/node_type", "sys/class/infiniband/hfi1_0/node_type",
                             "sys/class/infiniband/efa_0/node_type", "sys/class/cxi/cxi0/device"}) {
    Machine machine;
    machine.write(device, "1\n");
    CHECK(machine.pml().empty());
  }
}

TEST_CASE("quick_pml: nothing where the user chose a layer or parameter files", "[mpi_start]") {
  for (const char* variable : {"OMPI_MCA_pml", "OMPI_MCA_mtl", "OMPI_MCA_mca_base_param_files",
                               "OMPI_MCA_mca_base_param_file_prefix"}) {
    Machine machine;
    machine.environment[variable] = "ucx";
    CHECK(machine.pml().empty());
    machine.environment[variable] = "";  // set but empty: no choice
    CHECK(machine.pml() == "ob1");
  }
  for (const char* file : {"etc/openmpi/openmpi-mca-params.conf", "home/quant/.openmpi/mca-params.conf"}) {
    for (const char* line : {"pml = ucx\n", "  mtl=psm2\r\n", "btl = self\npml\t= cm\n", "pml = ^ucx,ob1\n"}) {
      Machine machine;
      machine.write(file, line);
      CHECK(machine.pml().empty());
    }
  }
  Machine elsewhere;  // another user's home is not read
  elsewhere.write("home/other/.openmpi/mca-params.conf", "pml = ucx\n");
  CHECK(elsewhere.pml() == "ob1");
}
