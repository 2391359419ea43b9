#include "genepool/io/process_memory.hpp"
#include "genepool/memory.hpp"

#include <catch2/catch.hpp>

#include <cstdint>
#include <vector>

using namespace genepool;

TEST_CASE("proc fields: the named lines in bytes, summed, other names ignored", "[process_memory]") {
  const char* rollup =
      "55d0c0a00000-7ffd5b7fe000 ---p 00000000 00:00 0                          [rollup]\n"
      "Rss:              211400 kB\n"
      "Pss:               48269 kB\n"
      "Pss_Anon:          20112 kB\n"
      "Pss_Shmem:         27000 kB\n";
  CHECK(proc_field_bytes(rollup, "Pss") == 48269LL * 1024);
  CHECK(proc_field_bytes(rollup, "Pss_Shmem") == 27000LL * 1024);
  CHECK(proc_field_bytes(rollup, "Swap") == -1);
  // /proc/self/smaps before Linux 4.14: one Pss line per mapping.
  CHECK(proc_field_bytes("Pss: 4 kB\nSize: 8 kB\nPss:   12 kB\n", "Pss") == 16 * 1024);
  CHECK(proc_field_bytes("VmPeak:\t  300000 kB\nVmHWM:\t   12345 kB\n", "VmHWM") == 12345LL * 1024);
  CHECK(proc_field_bytes("", "VmHWM") == -1);
  CHECK(proc_field_bytes("VmHWM: lots\n", "VmHWM") == -1);
}

TEST_CASE("this process's memory: PSS within the peak resident set, both grown by what it touches",
          "[process_memory]") {
  // NOTE: the growth is checked on PSS's anonymous part: its file part (this binary's pages) shrinks
  // when another process maps the same file, as ctest runs another copy of this binary beside it.
  const auto anonymous_pss = [] { return proc_field_bytes(proc_text("/proc/self/smaps_rollup"), "Pss_Anon"); };
  const ProcessMemory before = process_memory();
  const std::int64_t anonymous_before = anonymous_pss();
  REQUIRE(before.peak_rss_bytes > 0);
  REQUIRE(before.pss_bytes > 0);
  CHECK(before.pss_bytes <= before.peak_rss_bytes);
  std::vector<char> touched(64 << 20, 1);  // 64 MiB written: resident
  const ProcessMemory after = process_memory();
  CHECK(after.peak_rss_bytes >= before.peak_rss_bytes);
  if (anonymous_before >= 0) {
    CHECK(anonymous_pss() >= anonymous_before + (60 << 20));
  } else {
    WARN("this kernel's smaps_rollup has no Pss_Anon (Linux < 5.9): the growth of PSS is not checked");
  }
  CHECK(after.pss_bytes <= after.peak_rss_bytes);
  CHECK(touched[touched.size() - 1] == 1);
}
