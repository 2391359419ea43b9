#include "genepool/io/process_memory.hpp"

#include <string>

#include "genepool/memory.hpp"

namespace genepool {

ProcessMemory process_memory() {
  ProcessMemory memory;
  memory.peak_rss_bytes = proc_field_bytes(proc_text("/proc/self/status"), "VmHWM");
  std::string smaps = proc_text("/proc/self/smaps_rollup");
  if (smaps.empty()) smaps = proc_text("/proc/self/smaps");
  memory.pss_bytes = proc_field_bytes(smaps, "Pss");
  return memory;
}

}  // namespace genepool
