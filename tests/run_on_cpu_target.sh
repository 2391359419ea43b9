#!/usr/bin/env bash
# run_on_cpu_target.sh GENEPOOL TARGET PROGRAM [ARGS...]: runs PROGRAM (built for CPU target TARGET)
# when this CPU runs TARGET, as the launcher GENEPOOL decides it (GENEPOOL_CPU=TARGET genepool
# --version); exits 77 (skipped) when it cannot.
set -u
genepool=$1 target=$2
shift 2
GENEPOOL_CPU=$target "$genepool" --version >/dev/null 2>&1
status=$?
if [[ $status -eq 7 ]]; then
  echo "skipped: this CPU cannot run the $target target"
  exit 77
fi
[[ $status -eq 0 ]] || { echo "GENEPOOL_CPU=$target $genepool --version exited $status"; exit 1; }
exec "$@"
