#include "error_line.hpp"

#include <unistd.h>

#include <cerrno>
#include <cstdlib>

namespace genepool::app {

int launcher_rank() {
  for (const char* name : {"OMPI_COMM_WORLD_RANK", "PMIX_RANK", "PMI_RANK", "SLURM_PROCID"}) {
    if (const char* value = std::getenv(name)) return std::atoi(value);
  }
  return 0;
}

std::string one_line(std::string_view text) {
  static constexpr char hex[] = "0123456789abcdef";
  std::string line;
  line.reserve(text.size());
  for (const char c : text) {
    const auto byte = static_cast<unsigned char>(c);
    if (byte < 0x20 || byte == 0x7f) {
      line += "\\x";
      line += hex[byte >> 4];
      line += hex[byte & 0xf];
    } else {
      line += c;
    }
  }
  return line;
}

void print_error_line(std::string_view prefix, std::string_view message) {
  const std::string line = "genepool: " + std::string(prefix) + one_line(message) + "\n";
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
