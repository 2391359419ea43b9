#include "genepool/cpu_target.hpp"
// What the CPU reports (cpuid, through GCC's and clang's __builtin_cpu_supports, which also check
// that the operating system saves the AVX and AVX-512 registers), and the choice of a target.

#include <algorithm>

#include "genepool/error.hpp"

namespace genepool {

namespace {

std::string joined(const std::vector<std::string>& names) {
  std::string text;
  for (const auto& name : names) text += (text.empty() ? "" : ", ") + name;
  return text;
}

}  // namespace

const std::vector<std::string>& known_cpu_targets() {
  static const std::vector<std::string> targets{"baseline", "avx2", "avx512", "native"};
  return targets;
}

bool cpu_runs(std::string_view target) {
  if (target == "baseline" || target == "native") return true;
#if defined(__x86_64__)
  __builtin_cpu_init();
  // x86-64-v3's LZCNT, MOVBE and F16C come with these on every CPU that has them (Haswell, Zen
  // and later), and clang's builtin cannot name them.
  const bool v3 = __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma") &&
                  __builtin_cpu_supports("bmi") && __builtin_cpu_supports("bmi2");
  if (target == "avx2") return v3;
  if (target == "avx512")
    return v3 && __builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512bw") &&
           __builtin_cpu_supports("avx512cd") && __builtin_cpu_supports("avx512dq") &&
           __builtin_cpu_supports("avx512vl");
#endif
  return false;
}

std::string choose_cpu_target(std::string_view forced, const std::vector<std::string>& built) {
  if (forced.empty()) {
    for (auto it = built.rbegin(); it != built.rend(); ++it)
      if (cpu_runs(*it)) return *it;
    throw Error("this CPU runs none of the CPU targets built (" + joined(built) + ")", ExitCode::cpu);
  }
  const std::string name(forced);
  const auto& known = known_cpu_targets();
  if (std::find(known.begin(), known.end(), name) == known.end())
    throw Error("GENEPOOL_CPU='" + printable(name) + "' is not a CPU target; expected one of " + joined(known) +
                    did_you_mean(name, known),
                ExitCode::usage);
  if (std::find(built.begin(), built.end(), name) == built.end())
    throw Error("GENEPOOL_CPU=" + name + ": this build has no " + name + " target; it has " + joined(built) +
                    " (GENEPOOL_CPU_TARGETS, docs/cpu-dispatch.md)",
                ExitCode::cpu);
  if (!cpu_runs(name)) {
    std::vector<std::string> runnable;
    for (const auto& target : built)
      if (cpu_runs(target)) runnable.push_back(target);
    throw Error("GENEPOOL_CPU=" + name + ": this CPU cannot run the " + name + " target; it runs " +
                    (runnable.empty() ? std::string("none built") : joined(runnable)),
                ExitCode::cpu);
  }
  return name;
}

}  // namespace genepool
