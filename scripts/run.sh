#!/usr/bin/env bash
# The main job on the embedded default: installs what is missing, builds, and runs the evolution
# of configs/default.toml on the bundled sample data with one MPI rank per core.
# Results: data/default-run.h5 (replaced on each run of this script). Extra arguments go to
# `genepool evolve`, e.g. scripts/run.sh --generations 50 --out my-run.h5
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh build
scripts/build.sh >/dev/null
if [[ $(id -u) -eq 0 ]]; then
  export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1
fi
exec mpirun -n "$(nproc)" build/release/bin/genepool evolve --config configs/default.toml --force "$@"
