# One copy of the market data per node (docs/architecture.md, "One copy per node"): shared memory
# and private copies (GENEPOOL_SHARED_DATA=off) give the same bits for 1, 2 and 3 ranks, with and
# without bar windows (split and walk-forward) and for next-open execution; /memory records every
# rank's peak RSS and PSS, and `report` shows them; a file without /memory still reads.
source "$(dirname "$0")/common.bash"
cp -r "$SOURCE_DIR/configs" "$SOURCE_DIR/data" .
SAME="$PYTHON $SOURCE_DIR/tests/e2e/same_bits.py"
# Each run writes run.h5 (the path is part of /config) and is then renamed: run NAME RANKS [ARGS...].
small=(--config configs/default.toml --population 24 --generations 3 --quiet --out run.h5)
windows=(--test-fraction 0.2 --walk-forward-folds 2 --walk-forward-generations 1 --pbo-partitions 0
         --bootstrap-resamples 0)
run() {
  local name=$1 ranks=$2; shift 2
  mpi "$ranks" evolve "${small[@]}" "$@" && mv run.h5 "$name.h5"
}

for ranks in 1 2 3; do
  run shared-n$ranks $ranks
  GENEPOOL_SHARED_DATA=off run private-n$ranks $ranks
  run windows-shared-n$ranks $ranks "${windows[@]}"
  GENEPOOL_SHARED_DATA=off run windows-private-n$ranks $ranks "${windows[@]}"
  run next-open-n$ranks $ranks --execution next_open
done
GENEPOOL_SHARED_DATA=off run next-open-private-n3 3 --execution next_open
for ranks in 1 2 3; do
  for placement in shared private; do
    $SAME shared-n1.h5 $placement-n$ranks.h5 || fail "$placement-n$ranks.h5 differs from shared-n1.h5"
    $SAME windows-shared-n1.h5 windows-$placement-n$ranks.h5 ||
      fail "windows-$placement-n$ranks.h5 differs from windows-shared-n1.h5"
  done
  $SAME next-open-n1.h5 next-open-n$ranks.h5 || fail "next-open-n$ranks.h5 differs from next-open-n1.h5"
done
$SAME next-open-n1.h5 next-open-private-n3.h5 || fail "next-open-private-n3.h5 differs from next-open-n1.h5"
$PYTHON "$SOURCE_DIR/tests/e2e/read_results.py" shared-n3.h5 private-n3.h5 windows-shared-n3.h5 >/dev/null ||
  fail "the layout check"

# /memory: the placement, one peak RSS and PSS per rank, plausible.
$PYTHON - shared-n3.h5 private-n3.h5 <<'PY' || fail "/memory"
import sys, h5py
for path, placement in zip(sys.argv[1:], ("shared", "private")):
    with h5py.File(path) as f:
        m = f["memory"]
        assert m.attrs["data_placement"] == placement, (path, m.attrs["data_placement"])
        assert m.attrs["nodes"] == 1
        peak, pss = m["peak_rss_bytes"][()], m["pss_bytes"][()]
        assert len(peak) == len(pss) == 3, (peak, pss)
        assert ((0 < pss) & (pss <= peak) & (peak < 1 << 36)).all(), (peak, pss)
        assert m.attrs["pss_total_bytes"] == pss.sum()
        data = f["data"].attrs["data_bytes"]
        # Shared, one copy holds the data and its tables; private, the data alone.
        assert (m.attrs["node_bytes"] > data) if placement == "shared" else (data - 4096 < m.attrs["node_bytes"] <= data)
PY

# `report` shows it, in text and JSON; a file written before /memory reads with none.
"$GENEPOOL" report shared-n3.h5 > report.txt
grep -Eq "^memory +data shared: one copy of .* per node, 1 node; PSS of all 3 ranks" report.txt ||
  fail "report lacks the memory line: $(cat report.txt)"
[[ $(grep -Ec "^ +rank +[0-9]+ +peak RSS .* PSS " report.txt) -eq 3 ]] || fail "report lacks a line per rank"
"$GENEPOOL" report private-n3.h5 | grep -q "data private: a copy of" || fail "report of private-n3.h5"
"$GENEPOOL" report shared-n3.h5 --json > report.json
$PYTHON - report.json <<'PY' || fail "report --json memory"
import json, sys
m = json.load(open(sys.argv[1]))["memory"]
assert m["data_placement"] == "shared" and m["nodes"] == 1, m
assert len(m["rank_peak_rss_bytes"]) == len(m["rank_pss_bytes"]) == 3, m
assert m["pss_total_bytes"] == sum(m["rank_pss_bytes"]) > 0, m
PY
"$GENEPOOL" report "$SOURCE_DIR/tests/strategies/saved_run.h5" > old.txt || fail "report of a file before /memory"
grep -q "^memory" old.txt && fail "an old file reports memory"
"$GENEPOOL" report "$SOURCE_DIR/tests/strategies/saved_run.h5" --json | $PYTHON -c '
import json, sys
assert json.load(sys.stdin)["memory"] is None' || fail "report --json of an old file: memory is not null"

# grid records /memory too.
mpi 2 grid --data data/sample.csv --strategies sma_crossover --step fast=20 --step slow=80 --out grid.h5 --quiet
$PYTHON - grid.h5 <<'PY' || fail "grid /memory"
import sys, h5py
with h5py.File(sys.argv[1]) as f:
    assert f["memory"].attrs["data_placement"] == "shared" and len(f["memory/pss_bytes"]) == 2
PY
echo "shared_data: ok"
