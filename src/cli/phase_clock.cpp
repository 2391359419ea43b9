#include "genepool/cli/phase_clock.hpp"

#include <time.h>
#include <unistd.h>

#include <array>
#include <charconv>
#include <cstdio>
#include <string_view>

namespace genepool::app {
namespace {

// Seconds since this process started (field 22 of /proc/self/stat: clock ticks after boot, on the
// boot-time clock); 0 when /proc cannot tell.
double process_age_seconds() {
  std::array<char, 4096> text{};
  std::FILE* stat = std::fopen("/proc/self/stat", "r");
  if (stat == nullptr) return 0;
  const std::size_t size = std::fread(text.data(), 1, text.size() - 1, stat);
  std::fclose(stat);
  const std::string_view line(text.data(), size);
  std::size_t at = line.rfind(')');  // the command name in field 2 may hold spaces
  if (at == std::string_view::npos) return 0;
  for (int field = 2; field < 22 && at != std::string_view::npos; ++field) at = line.find(' ', at + 1);
  unsigned long long start_ticks = 0;
  if (at == std::string_view::npos ||
      std::from_chars(line.data() + at + 1, line.data() + line.size(), start_ticks).ec != std::errc())
    return 0;
  timespec now{};
  const long ticks_per_second = sysconf(_SC_CLK_TCK);
  if (ticks_per_second <= 0 || clock_gettime(CLOCK_BOOTTIME, &now) != 0) return 0;
  const double age = static_cast<double>(now.tv_sec) + 1e-9 * static_cast<double>(now.tv_nsec) -
                     static_cast<double>(start_ticks) / static_cast<double>(ticks_per_second);
  return age > 0 ? age : 0;
}

}  // namespace

PhaseClock::PhaseClock() : last_(std::chrono::steady_clock::now()) {
  phases_.push_back({"start", process_age_seconds()});
}

void PhaseClock::lap(std::string name) {
  const auto now = std::chrono::steady_clock::now();
  phases_.push_back({std::move(name), std::chrono::duration<double>(now - last_).count()});
  last_ = now;
}

}  // namespace genepool::app
