#!/usr/bin/env bash
# Every test: installs what is missing, builds, and runs the whole CTest suite
# (unit tests, MPI tests under mpiexec -n 2 and -n 3, end-to-end tests of the CLI and its files).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh test
scripts/build.sh
# mpirun refuses root without these; more ranks than cores need oversubscription.
export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1 OMPI_MCA_rmaps_base_oversubscribe=1
ctest --preset release -j "$(nproc)" "$@"
