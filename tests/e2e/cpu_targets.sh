# CPU targets (docs/cpu-dispatch.md): GENEPOOL_CPU forces each one this CPU runs, and every target
# gives the same bits, alone and with ranks of one job on different targets; --version, the results
# file and `report` say which target ran; a target not built or unknown is refused. Skipped (77)
# where this CPU runs fewer than two of the targets built.
source "$(dirname "$0")/common.bash"
cp -r "$SOURCE_DIR/configs" "$SOURCE_DIR/data" "$SOURCE_DIR/strategies" .
SAME="$PYTHON $SOURCE_DIR/tests/e2e/same_bits.py"

expect_failure 2 "GENEPOOL_CPU='avx3' is not a CPU target; expected one of baseline, avx2, avx512, native" \
  env GENEPOOL_CPU=avx3 "$GENEPOOL" --version
expect_failure 7 "GENEPOOL_CPU=native: this build has no native target" env GENEPOOL_CPU=native "$GENEPOOL" --version

targets=()
for target in baseline avx2 avx512; do
  status=0
  GENEPOOL_CPU=$target "$GENEPOOL" --version >version.txt 2>&1 || status=$?
  case $status in
    0) grep -q ", cpu $target)$" version.txt || fail "GENEPOOL_CPU=$target --version: $(cat version.txt)"
       targets+=("$target") ;;
    7) grep -Eq "^genepool: error: GENEPOOL_CPU=$target: this (build has no|CPU cannot run the) $target" version.txt ||
         fail "GENEPOOL_CPU=$target refused with: $(cat version.txt)" ;;
    *) fail "GENEPOOL_CPU=$target --version exited $status: $(cat version.txt)" ;;
  esac
done
best=$("$GENEPOOL" --version | sed -n 's/.*, cpu \([a-z0-9]*\))$/\1/p')
[[ $best == "${targets[-1]}" ]] || fail "unforced, genepool ran '$best', not the best target this CPU runs (${targets[-1]})"
if (( ${#targets[@]} < 2 )); then
  echo "skipped: this CPU runs only ${targets[*]}"
  exit 77
fi

# Every target alone: the built-in types with validation (bootstrap, PBO), and file strategies with
# exits. Each run writes run.h5 (the path is part of /config) and is then renamed.
small=(--population 40 --generations 3 --quiet --out run.h5)
for target in "${targets[@]}"; do
  GENEPOOL_CPU=$target "$GENEPOOL" evolve --config configs/default.toml "${small[@]}" && mv run.h5 default-$target.h5
  GENEPOOL_CPU=$target "$GENEPOOL" evolve --config configs/evolved-exits.toml "${small[@]}" && mv run.h5 exits-$target.h5
  $SAME default-baseline.h5 default-$target.h5 || fail "the default job differs on $target"
  $SAME exits-baseline.h5 exits-$target.h5 || fail "the file strategies with exits differ on $target"
done

# One job, a rank on each target: the same bits, and the file and the report say who ran what.
contexts=()
for target in "${targets[@]}"; do
  contexts+=(${contexts[0]:+:} -n 1 env GENEPOOL_CPU=$target "$GENEPOOL" evolve --config configs/default.toml
             "${small[@]}")
done
timeout 300 mpirun --allow-run-as-root --oversubscribe "${contexts[@]}" && mv run.h5 mixed.h5
$SAME default-baseline.h5 mixed.h5 || fail "a job with ranks on ${targets[*]} differs from one on baseline"
$PYTHON - mixed.h5 "${targets[@]}" <<'PY'
import sys, h5py
with h5py.File(sys.argv[1]) as f:
    got = [t.decode() if isinstance(t, bytes) else t for t in f.attrs["rank_cpu_targets"]]
    assert got == sys.argv[2:], got
    assert f.attrs["cpu_target"] == sys.argv[2], f.attrs["cpu_target"]
    assert len(f.attrs["rank_hosts"]) == len(sys.argv) - 2
PY
"$GENEPOOL" report mixed.h5 >report.txt
grep -Eq "^cpu +rank 0 baseline \(.+\), rank 1 ${targets[1]} \(.+\)" report.txt || fail "report: $(grep -E '^cpu' report.txt)"
"$GENEPOOL" report default-${targets[-1]}.h5 | grep -Eq "^cpu +${targets[-1]} on its one rank$" || fail "report of one rank"
"$GENEPOOL" report --json mixed.h5 | $PYTHON -c '
import json, sys
run = json.load(sys.stdin)["run"]
assert run["rank_cpu_targets"] == sys.argv[1:], run["rank_cpu_targets"]' "${targets[@]}" || fail "report --json"
