#!/usr/bin/env bash
# Builds the libFuzzer targets (preset `fuzz`: clang, AddressSanitizer + UBSan) and runs each for a
# bounded time, seeded with the bad-input corpus (tests/bad-input/) and the regression inputs of
# earlier findings (tests/bad-input/fuzz-regressions/TARGET/). Fails on any finding; the input that
# triggered it is written to build/fuzz/findings/ (add it to fuzz-regressions/ once fixed).
# Usage: scripts/fuzz.sh [SECONDS per target, default 25] [TARGET...]   (targets: csv)
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${1:-25}
shift || true
targets=("$@")
[[ ${#targets[@]} -gt 0 ]] || targets=(csv)

[[ -f build/fuzz/CMakeCache.txt ]] || cmake --preset fuzz >/dev/null
cmake --build --preset fuzz -j "$(nproc)" --target "${targets[@]/#/genepool_fuzz_}" >/dev/null

declare -A seeds=([csv]="tests/bad-input/market-data")
declare -A options=([csv]="")
status=0
for target in "${targets[@]}"; do
  corpus=build/fuzz/corpus/$target  # grows across runs; the seeds stay as they are
  regressions=tests/bad-input/fuzz-regressions/$target
  mkdir -p "$corpus" build/fuzz/findings
  dirs=("$corpus")
  for dir in ${seeds[$target]} "$regressions"; do [[ -d $dir ]] && dirs+=("$dir"); done
  log=build/fuzz/$target.log
  # shellcheck disable=SC2086
  if ! TMPDIR=${TMPDIR:-/tmp} build/fuzz/fuzz/genepool_fuzz_"$target" -max_total_time="$seconds" -timeout=10 \
      -rss_limit_mb=2048 -max_len=65536 -print_final_stats=1 -artifact_prefix="build/fuzz/findings/$target-" \
      ${options[$target]} "${dirs[@]}" >"$log" 2>&1; then
    status=1
    echo "fuzz $target: FINDING (log: $log):" >&2
    grep -E "ERROR|SUMMARY|Test unit written|==[0-9]+==" "$log" | head -20 >&2
  fi
  runs=$(awk '/stat::number_of_executed_units/ { print $NF }' "$log")
  rate=$(awk '/stat::average_exec_per_sec/ { print $NF }' "$log")
  echo "fuzz $target: ${runs:-?} inputs in ${seconds} s (${rate:-?}/s), corpus $(ls "$corpus" | wc -l) files"
done
exit $status
