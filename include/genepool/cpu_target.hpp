#pragma once
// CPU targets (docs/cpu-dispatch.md): the hot code is compiled once per target, bin/genepool-TARGET
// each, and bin/genepool starts the best one that was built and that this CPU runs, or the one
// GENEPOOL_CPU names. Every target computes the same bits.
#include <string>
#include <string_view>
#include <vector>

namespace genepool {

// Every target genepool knows, most capable last: baseline (x86-64, SSE2), avx2 (x86-64-v3: AVX2,
// FMA, BMI2), avx512 (x86-64-v4: AVX-512 F, BW, CD, DQ, VL), native (-march=native, built alone).
const std::vector<std::string>& known_cpu_targets();

// Whether this CPU (and its operating system, which must save the wide registers) runs `target`.
// native: always (it runs where it was built).
bool cpu_runs(std::string_view target);

// The target to start: the one `forced` names (GENEPOOL_CPU, "" when unset), else the last of
// `built` that the CPU runs. Throws Error with ExitCode::usage for an unknown name and
// ExitCode::cpu for a target not built or that the CPU cannot run, naming the ones that would do.
std::string choose_cpu_target(std::string_view forced, const std::vector<std::string>& built);

// The target the hot families of this program were compiled for (src/simd/compiled_target.cpp,
// one per target: not in the launcher).
std::string_view compiled_cpu_target();

}  // namespace genepool
