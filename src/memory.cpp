#include "genepool/memory.hpp"
// Declared sizes against the memory left (docs/errors.md, "Sizes before allocating"), and /proc's figures.

#include <sys/resource.h>
#include <unistd.h>

#include <algorithm>
#include <charconv>
#include <cstdio>
#include <fstream>
#include <limits>

namespace genepool {
namespace {

constexpr std::uint64_t unlimited = std::numeric_limits<std::uint64_t>::max();

// The value of "NAME: N kB" in /proc/meminfo, in bytes, or `unlimited`.
std::uint64_t meminfo(const std::string& name) {
  const std::int64_t bytes = proc_field_bytes(proc_text("/proc/meminfo"), name);
  return bytes < 0 ? unlimited : static_cast<std::uint64_t>(bytes);
}

// The number in the first line of `path` ("max" or unreadable: `unlimited`).
std::uint64_t file_number(const char* path) {
  std::ifstream in(path);
  std::uint64_t value = 0;
  return in >> value ? value : unlimited;
}

}  // namespace

std::string proc_text(const char* path) {
  std::string text;
  std::FILE* file = std::fopen(path, "r");
  if (file == nullptr) return text;
  char buffer[4096];
  for (std::size_t n; (n = std::fread(buffer, 1, sizeof buffer, file)) > 0;) text.append(buffer, n);
  std::fclose(file);
  return text;
}

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

std::optional<std::uint64_t> checked_product(std::initializer_list<std::uint64_t> factors) {
  std::uint64_t product = 1;
  for (const std::uint64_t factor : factors)
    if (__builtin_mul_overflow(product, factor, &product)) return std::nullopt;
  return product;
}

std::uint64_t available_memory() {
  std::uint64_t available = meminfo("MemAvailable");
  if (available == unlimited) {
    const long pages = ::sysconf(_SC_AVPHYS_PAGES);
    const long page = ::sysconf(_SC_PAGESIZE);
    if (pages > 0 && page > 0) available = static_cast<std::uint64_t>(pages) * static_cast<std::uint64_t>(page);
  }
  // A container's limit (cgroup v2), which MemAvailable (the host's) does not show.
  const std::uint64_t limit = file_number("/sys/fs/cgroup/memory.max");
  const std::uint64_t used = file_number("/sys/fs/cgroup/memory.current");
  if (limit != unlimited && used != unlimited) available = std::min(available, limit > used ? limit - used : 0);
  rlimit address_space{};
  if (::getrlimit(RLIMIT_AS, &address_space) == 0 && address_space.rlim_cur != RLIM_INFINITY)
    available = std::min<std::uint64_t>(available, address_space.rlim_cur);
  return available;
}

std::string byte_text(std::uint64_t bytes) {
  static constexpr const char* units[] = {"KiB", "MiB", "GiB", "TiB", "PiB", "EiB"};
  if (bytes < 1024) return std::to_string(bytes) + (bytes == 1 ? " byte" : " bytes");
  double value = static_cast<double>(bytes);
  std::size_t unit = 0;
  for (value /= 1024; value >= 1024 && unit + 1 < std::size(units); value /= 1024) ++unit;
  char text[32];
  std::snprintf(text, sizeof text, value < 10 ? "%.1f %s" : "%.0f %s", value, units[unit]);
  return text;
}

std::string memory_shortfall(std::initializer_list<std::uint64_t> factors) {
  const std::optional<std::uint64_t> needed = checked_product(factors);
  if (!needed) return "needs more than 2^64 bytes of memory";
  const std::uint64_t available = available_memory();
  if (*needed <= available) return "";
  return "needs " + byte_text(*needed) + " of memory, more than the " + byte_text(available) + " available";
}

}  // namespace genepool
