// bin/genepool: starts bin/genepool-TARGET from its own folder, the best CPU target that was built
// and that this CPU runs, or the one GENEPOOL_CPU names (docs/cpu-dispatch.md). It replaces itself
// (execv) with the same arguments, so that mpirun, srun and signals see one program.

#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <iostream>
#include <string>
#include <vector>

#include "genepool/cpu_target.hpp"
#include "genepool/error.hpp"

namespace {

std::vector<std::string> built_targets() {
  std::vector<std::string> targets;
  std::string list = GENEPOOL_BUILT_CPU_TARGETS;
  for (std::size_t begin = 0; begin <= list.size();) {
    const std::size_t end = std::min(list.find(',', begin), list.size());
    targets.push_back(list.substr(begin, end - begin));
    begin = end + 1;
  }
  return targets;
}

// The folder of this program's file (links resolved), from /proc/self/exe.
std::string own_folder() {
  std::string path(4096, '\0');
  const ssize_t length = readlink("/proc/self/exe", path.data(), path.size());
  if (length <= 0 || static_cast<std::size_t>(length) >= path.size())
    throw genepool::Error(std::string("cannot find this program's file (/proc/self/exe): ") + std::strerror(errno),
                          genepool::ExitCode::cpu);
  path.resize(static_cast<std::size_t>(length));
  return path.substr(0, path.rfind('/'));
}

}  // namespace

int main(int, char** argv) {
  using namespace genepool;
  try {
    const char* forced = std::getenv("GENEPOOL_CPU");
    const std::string target = choose_cpu_target(forced ? forced : "", built_targets());
    const std::string program = own_folder() + "/genepool-" + target;
    execv(program.c_str(), argv);
    throw Error("cannot start " + program + ": " + std::strerror(errno), ExitCode::cpu);
  } catch (const Error& error) {
    std::cerr << "genepool: error: " << error.what() << '\n';
    return static_cast<int>(error.code());
  }
}
