// The name of the CPU target this copy of the hot families was compiled for (CMakeLists.txt
// defines GENEPOOL_COMPILED_CPU_TARGET per target).
#include "genepool/cpu_target.hpp"

namespace genepool {

std::string_view compiled_cpu_target() { return GENEPOOL_COMPILED_CPU_TARGET; }

}  // namespace genepool
