#include "genepool/cli/error_line.hpp"

#include <unistd.h>

#include <cerrno>
#include <cstdlib>

#include "genepool/error.hpp"

namespace genepool::app {

int launcher_rank() {
  for (const char* name : {"OMPI_COMM_WORLD_RANK", "PMIX_RANK", "PMI_RANK", "SLURM_PROCID"}) {
    if (const char* value = std::getenv(name)) return std::atoi(value);
  }
  return 0;
}


void print_error_line(std::string_view prefix, std::string_view message) {
  const std::string line = "genepool: " + std::string(prefix) + printable(message) + "\n";
  const char* p = line.data();
  std::size_t left = line.size();
  while (left > 0) {
    const ssize_t written = ::write(STDERR_FILENO, p, left);
    if (written < 0 && errno == EINTR) continue;
    if (written <= 0) return;  // stderr is gone: nothing more to do
    p += written;
    left -= static_cast<std::size_t>(written);
  }
}

}  // namespace genepool::app
