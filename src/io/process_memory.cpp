#include "genepool/io/process_memory.hpp"

#include <charconv>
#include <cstdio>
#include <string>

namespace genepool {

namespace {

// The whole text of a /proc file (which reports its size as 0); empty when it cannot be read.
std::string read_text(const char* path) {
  std::string text;
  std::FILE* file = std::fopen(path, "r");
  if (file == nullptr) return text;
  char buffer[4096];
  for (std::size_t n; (n = std::fread(buffer, 1, sizeof buffer, file)) > 0;) text.append(buffer, n);
  std::fclose(file);
  return text;
}

}  // namespace

std::int64_t proc_field_bytes(std::string_view text, std::string_view name) {
  std::int64_t total = -1;
  for (std::size_t begin = 0; begin < text.size();) {
    std::size_t end = text.find('\n', begin);
    if (end == std::string_view::npos) end = text.size();
    const std::string_view line = text.substr(begin, end - begin);
    begin = end + 1;
    if (line.size() <= name.size() || line.substr(0, name.size()) != name || line[name.size()] != ':') continue;
    std::size_t at = name.size() + 1;
    while (at < line.size() && (line[at] == ' ' || line[at] == '\t')) ++at;
    std::int64_t value = 0;
    const auto [next, error] = std::from_chars(line.data() + at, line.data() + line.size(), value);
    if (error != std::errc()) continue;
    const std::string_view unit = line.substr(static_cast<std::size_t>(next - line.data()));
    const std::int64_t scale = unit.find("kB") != std::string_view::npos ? 1024 : 1;
    total = (total < 0 ? 0 : total) + value * scale;
  }
  return total;
}

ProcessMemory process_memory() {
  ProcessMemory memory;
  memory.peak_rss_bytes = proc_field_bytes(read_text("/proc/self/status"), "VmHWM");
  std::string smaps = read_text("/proc/self/smaps_rollup");
  if (smaps.empty()) smaps = read_text("/proc/self/smaps");
  memory.pss_bytes = proc_field_bytes(smaps, "Pss");
  return memory;
}

}  // namespace genepool
