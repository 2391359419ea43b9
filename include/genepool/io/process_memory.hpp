#pragma once
// This process's memory as Linux reports it, for the results file's provenance (docs/results-format.md,
// /memory): the peak resident set (VmHWM in /proc/self/status) and the proportional set size (Pss in
// /proc/self/smaps_rollup: a page mapped by n processes counts 1/n in each, so the PSS of all the
// ranks of a node add up to the memory they hold together).
#include <cstdint>

namespace genepool {

struct ProcessMemory {
  std::int64_t peak_rss_bytes = -1;  // -1: not known (no /proc)
  std::int64_t pss_bytes = -1;
};

// Read now. PSS from /proc/self/smaps_rollup, or the sum over /proc/self/smaps before Linux 4.14
// (proc_field_bytes, genepool/memory.hpp).
ProcessMemory process_memory();

}  // namespace genepool
