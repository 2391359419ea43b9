#include "genepool/parallel/mpi_start.hpp"

#include <cstdlib>
#include <fstream>
#include <string_view>
#include <system_error>
#include <vector>

namespace genepool::parallel {

namespace fs = std::filesystem;

namespace {

// A directory with at least one entry.
bool has_entries(const fs::path& directory) {
  std::error_code error;
  return fs::directory_iterator(directory, error) != fs::directory_iterator();
}

std::string_view trimmed(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r')) s.remove_suffix(1);
  return s;
}

// An Open MPI parameter file ("name = value" lines, '#' comments) that chooses a point-to-point
// layer: a pml or mtl line other than an exclusion ("^ucx", as Debian's own file has) that leaves
// ob1 allowed.
bool chooses_layer(const fs::path& file) {
  std::ifstream in(file);
  std::string line;
  while (std::getline(in, line)) {
    const std::string_view text = trimmed(line);
    if (text.empty() || text.front() == '#') continue;
    const std::size_t equals = text.find('=');
    const std::string_view name = trimmed(text.substr(0, equals));
    if (name != "pml" && name != "mtl") continue;
    const std::string_view value = equals == std::string_view::npos ? "" : trimmed(text.substr(equals + 1));
    const bool exclusion = !value.empty() && value.front() == '^';
    if (!exclusion || (name == "pml" && value.find("ob1") != std::string_view::npos)) return true;
  }
  return false;
}

}  // namespace

std::string quick_pml(const MpiStartPlace& place) {
  for (const char* chosen : {"OMPI_MCA_pml", "OMPI_MCA_mtl", "OMPI_MCA_mca_base_param_files",
                             "OMPI_MCA_mca_base_param_file_prefix"})
    if (const char* value = place.getenv(chosen); value != nullptr && *value != '\0') return "";
  const fs::path root = place.root;
  for (const char* fabric : {"sys/class/infiniband", "sys/class/cxi"})
    if (has_entries(root / fabric)) return "";
  std::vector<fs::path> files = {root / "etc/openmpi/openmpi-mca-params.conf"};
  if (const char* home = place.getenv("HOME"); home != nullptr && *home != '\0')
    files.push_back(root / fs::path(home).relative_path() / ".openmpi/mca-params.conf");
  for (const fs::path& file : files)
    if (chooses_layer(file)) return "";
  return "ob1";
}

void prepare_open_mpi_start() {
  const std::string pml = quick_pml({[](const char* name) { return std::getenv(name); }, "/"});
  if (!pml.empty()) setenv("OMPI_MCA_pml", pml.c_str(), 0);
}

}  // namespace genepool::parallel
