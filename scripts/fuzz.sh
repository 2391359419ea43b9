#!/usr/bin/env bash
# Builds the libFuzzer targets (in the debug preset, the sanitizer suite's build: clang, AddressSanitizer
# + UBSan) and runs each for a bounded time. Fails on any finding; the input that triggered it is written
# to build/fuzz/findings/ (add it to tests/bad-input/fuzz-regressions/TARGET/ once fixed). The corpora,
# logs and templates live in build/fuzz/ too.
#   csv, config          raw bytes, seeded with the bad-input corpus (tests/bad-input/) and, for the
#                        CSV, the dialect samples (tests/data/dialects, dictionary fuzz/csv.dict);
#                        for the config, configs/*.toml
#   strategy             raw bytes, seeded with strategies/*.toml and tests/bad-input/strategy-files; a
#                        file that parses is also run by the compiled evaluator and the interpreter,
#                        which must agree
#   results, checkpoint  edits of a valid file (fuzz/hdf5_damage.hpp) that genepool writes here first
#                        with build/release (built when missing)
# Usage: scripts/fuzz.sh [SECONDS per target, default 25] [TARGET...]
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${1:-25}
shift || true
targets=("$@")
[[ ${#targets[@]} -gt 0 ]] || targets=(csv config strategy results checkpoint)

[[ -f build/debug/CMakeCache.txt ]] || cmake --preset debug >/dev/null
cmake --build --preset debug -j "$(nproc)" --target "${targets[@]/#/genepool_fuzz_}" >/dev/null
mkdir -p build/fuzz/tmp

# The templates of the structure-aware targets: a small run's results, and the checkpoint a run leaves
# when a rank stops answering (GENEPOOL_HANG_*, src/parallel/parallel.cpp) and --generation-timeout ends it.
templates=build/fuzz/templates
if [[ " ${targets[*]} " == *" results "* || " ${targets[*]} " == *" checkpoint "* ]]; then
  [[ -x build/release/bin/genepool ]] || scripts/build.sh >/dev/null
  rm -rf "$templates" && mkdir -p "$templates"
  small=(--config configs/default.toml --population 8 --top 2 --quiet)
  build/release/bin/genepool evolve "${small[@]}" --generations 2 --out "$templates/results.h5"
  export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1 OMPI_MCA_rmaps_base_oversubscribe=1
  GENEPOOL_HANG_RANK=1 GENEPOOL_HANG_BATCH=2 mpirun -n 2 build/release/bin/genepool evolve "${small[@]}" \
    --generations 4 --checkpoint-every 1 --generation-timeout 1 --out "$templates/run.h5" >/dev/null 2>&1 || true
  [[ -f $templates/run.h5.checkpoint ]] || { echo "fuzz: could not make the checkpoint template" >&2; exit 1; }
  mv "$templates/run.h5.checkpoint" "$templates/checkpoint.h5"
  rm -f "$templates/run.h5.partial"
fi

declare -A seeds=([csv]="tests/bad-input/market-data tests/data/dialects" [config]="tests/bad-input/config configs"
                [strategy]="strategies tests/bad-input/strategy-files" [results]="" [checkpoint]="")
declare -A options=([csv]="-max_len=65536 -dict=fuzz/csv.dict" [config]="-max_len=4096 -dict=build/debug/fuzz/config.dict"
                  [strategy]="-max_len=4096" [results]="-max_len=256"
                    [checkpoint]="-max_len=256")
declare -A template=([results]="$templates/results.h5" [checkpoint]="$templates/checkpoint.h5")
status=0
for target in "${targets[@]}"; do
  corpus=build/fuzz/corpus/$target  # grows across runs; the seeds stay as they are
  regressions=tests/bad-input/fuzz-regressions/$target
  mkdir -p "$corpus" build/fuzz/findings
  dirs=("$corpus")
  for dir in ${seeds[$target]} "$regressions"; do [[ -d $dir ]] && dirs+=("$dir"); done
  log=build/fuzz/$target.log
  # shellcheck disable=SC2086
  # TMPDIR: the targets' scratch files (a target stopped by -max_total_time leaves its last one behind).
  if ! GENEPOOL_FUZZ_TEMPLATE=${template[$target]:-} TMPDIR=$PWD/build/fuzz/tmp \
      build/debug/fuzz/genepool_fuzz_"$target" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 \
      -print_final_stats=1 -artifact_prefix="build/fuzz/findings/$target-" ${options[$target]} "${dirs[@]}" \
      >"$log" 2>&1; then
    status=1
    echo "fuzz $target: FINDING (log: $log):" >&2
    grep -E "ERROR|SUMMARY|Test unit written|==[0-9]+==" "$log" | head -20 >&2
  fi
  runs=$(awk '/stat::number_of_executed_units/ { print $NF }' "$log")
  rate=$(awk '/stat::average_exec_per_sec/ { print $NF }' "$log")
  echo "fuzz $target: ${runs:-?} inputs in ${seconds} s (${rate:-?}/s), corpus $(ls "$corpus" | wc -l) files"
done
exit $status
