#!/usr/bin/env bash
# Every test: installs what is missing, builds, and runs the whole CTest suite (unit tests, MPI
# tests under mpiexec -n 1, 2 and 3, end-to-end tests of the CLI and its files, the bad-input corpus
# and the fault tests); then the same suite under AddressSanitizer + UndefinedBehaviorSanitizer
# (preset debug; the bad-input corpus once per case there, in rotating layouts), then each libFuzzer
# target for a bounded time (scripts/fuzz.sh, built in the same debug build).
# GENEPOOL_SANITIZERS=0 or GENEPOOL_FUZZ_SECONDS=0 skips those parts (docs/errors.md).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh test
scripts/build.sh
# mpirun refuses root without these; more ranks than cores need oversubscription.
export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1 OMPI_MCA_rmaps_base_oversubscribe=1
ctest --preset release -j "$(nproc)" "$@"

if [[ ${GENEPOOL_SANITIZERS:-1} != 0 ]]; then
  start=$SECONDS
  [[ -f build/debug/CMakeCache.txt ]] || cmake --preset debug >/dev/null
  cmake --build --preset debug -j "$(nproc)" --target genepool genepool_unit_tests genepool_mpi_tests
  # The test preset sets ASAN_OPTIONS (CMakePresets.json): leak checks off, as OpenMPI keeps
  # allocations until exit that LeakSanitizer would report from every rank.
  ctest --preset debug -j "$(nproc)" "$@"
  echo "sanitizer build and suite: $(( (SECONDS - start) / 60 )) min $(( (SECONDS - start) % 60 )) s"
fi

if [[ ${GENEPOOL_FUZZ_SECONDS:-20} != 0 ]]; then
  scripts/fuzz.sh "${GENEPOOL_FUZZ_SECONDS:-20}"
fi
