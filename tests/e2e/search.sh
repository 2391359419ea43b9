# Search quality end to end: NSGA-II under mpirun with 1, 2 and 3 ranks gives one result with its
# front in the file; `genepool grid` under mpirun equals the grid without it, refuses what it must,
# and report/export read it; the quality-study script's machinery on a tiny grid.
source "$(dirname "$0")/common.bash"
cp -r "$SOURCE_DIR/configs" "$SOURCE_DIR/data" .
DAY="$SHARED_DATA/2006-day-001.txt"

# NSGA-II: identical for any number of ranks, a valid file with the front and the knee first.
nsga_base=(--config configs/default.toml --population 30 --quiet --mode nsga2
      --objectives sharpe:max,max_drawdown:min,turnover:min --min-trades 2)
nsga=("${nsga_base[@]}" --generations 4)
mpi 1 evolve "${nsga[@]}" --out nsga1.h5
mpi 2 evolve "${nsga[@]}" --out nsga2.h5
mpi 3 evolve "${nsga[@]}" --out nsga3.h5
for run in nsga2 nsga3; do
  $PYTHON "$SOURCE_DIR/tests/e2e/compare_runs.py" nsga1.h5 $run.h5 || fail "NSGA-II: $run.h5 differs from nsga1.h5"
done
$PYTHON "$SOURCE_DIR/tests/e2e/read_results.py" nsga1.h5 || fail "NSGA-II file does not match docs/results-format.md"
# NSGA-II with a train/test split, more generations (so the cache answers some offspring), on 3 ranks.
mpi 3 evolve "${nsga_base[@]}" --generations 8 --test-fraction 0.2 --out nsga-split.h5
$PYTHON "$SOURCE_DIR/tests/e2e/read_results.py" nsga-split.h5 || fail "NSGA-II with a split does not match the layout"
$PYTHON - nsga1.h5 <<'PY' || fail "NSGA-II front checks"
import sys, h5py, numpy as np
with h5py.File(sys.argv[1]) as f:
    assert f["config"].attrs["mode"] == "nsga2"
    assert [str(o) for o in f["config"].attrs["objectives"]] == ["sharpe:max", "max_drawdown:min", "turnover:min"]
    cols = [str(c) for c in f["population/metrics"].attrs["columns"]]
    m = f["population/metrics"][()]
    front = f["population/front"][()]
    obj = np.stack([-m[:, cols.index("sharpe")], m[:, cols.index("max_drawdown")], m[:, cols.index("turnover")]], 1)
    ok = (f["population/status"][()] == 0) & (m[:, cols.index("trades")] >= 2)
    members = f["pareto/index"][()]
    assert len(members) > 0
    # No feasible individual dominates a member of the front.
    for i in members:
        assert ok[i] or not ok.any()
        dominated = ok & np.all(obj <= obj[i], 1) & np.any(obj < obj[i], 1)
        assert not dominated.any(), f"front member {i} is dominated"
    assert np.allclose(f["pareto/objectives"][:, 0], m[members, cols.index("sharpe")])
PY
"$GENEPOOL" report nsga1.h5 > nsga-report.txt || fail "report cannot read an NSGA-II file"
expect_failure 2 "objectives.*only used with mode = nsga2" "$GENEPOOL" evolve --config configs/default.toml \
  --objectives sharpe:max,turnover:min --out x.h5
expect_failure 2 "objectives\[1\].*'drawdown' is not a metric" "$GENEPOOL" evolve --config configs/default.toml \
  --mode nsga2 --objectives sharpe:max,drawdown:min --out x.h5
expect_failure 2 "objectives has 1 entries" "$GENEPOOL" evolve --config configs/default.toml \
  --mode nsga2 --objectives sharpe:max --out x.h5

# Type shares are recorded for mixed runs, and the quota holds in the first generations.
$PYTHON - <<'PY' || fail "type_share / quota checks"
import h5py, numpy as np
with h5py.File("nsga1.h5") as f:
    assert f["generations/type_share"].shape == (5, len(f["strategies/name"]))
PY

# grid: the same points and metrics under mpirun as without; top K; the documented layout.
grid=(grid --data "$DAY" --strategies sma_crossover,ts_momentum --step threshold=0.05 --quiet --top 5)
"$GENEPOOL" "${grid[@]}" --out grid1.h5
mpi 3 "${grid[@]}" --out grid3.h5
$PYTHON "$SOURCE_DIR/tests/e2e/compare_runs.py" grid1.h5 grid3.h5 || fail "grid under mpirun differs from the plain grid"
$PYTHON "$SOURCE_DIR/tests/e2e/read_results.py" grid1.h5 || fail "grid file does not match docs/results-format.md"
$PYTHON - grid1.h5 <<'PY' || fail "grid contents"
import sys, h5py, numpy as np
with h5py.File(sys.argv[1]) as f:
    names = list(f["strategies/name"].asstr()[()])
    strat = f["population/strategy"][()]
    p = f["population/params"][()]
    sma = p[strat == names.index("sma_crossover")]
    # fast 2..100, slow 10..400, fast < slow: every integer point once.
    expected = sum(1 for a in range(2, 101) for b in range(10, 401) if a < b)
    assert len(sma) == expected, (len(sma), expected)
    assert len(np.unique(sma[:, :2], axis=0)) == expected
    ts = p[strat == names.index("ts_momentum")]
    assert len(ts) == 396 * 5 and set(np.round(ts[:, 1], 12)) == {0.0, 0.05, 0.1, 0.15, 0.2}
    fit = f["population/fitness"][()]
    assert f["best/fitness"][0] == fit.max()
    assert f["summary"].attrs["evaluated_total"] == len(fit)
PY
"$GENEPOOL" report grid1.h5 > grid-report.txt || fail "report cannot read a grid file"
"$GENEPOOL" export grid1.h5 --top 1 --out grid-best.json || fail "export cannot read a grid file"
expect_failure 2 "has [0-9]+ points, more than max-points = 1000.*--max-points" \
  "$GENEPOOL" grid --data "$DAY" --strategies sma_crossover --max-points 1000 --out big.h5
expect_failure 2 "ts_momentum.threshold is a real parameter.*--step threshold=" \
  "$GENEPOOL" grid --data "$DAY" --strategies ts_momentum --out real.h5
expect_failure 2 "step: 'k' names no parameter" \
  "$GENEPOOL" grid --data "$DAY" --strategies sma_crossover --step k=0.5 --out k.h5
[[ ! -e big.h5 && ! -e big.h5.partial ]] || fail "a refused grid left a file"

# The quality study's machinery on a tiny grid: a table row per type and budget, random search
# beside the GA, and the GA never beats an exhaustive integer grid.
status=0
GENEPOOL="$GENEPOOL" DATA_DIR="$SHARED_DATA" SERIES=2006-day-001.txt TYPES="donchian_breakout" SEEDS="1 2" \
  BUDGETS="default" GA_ARGS="--population 16 --generations 2" SCRATCH="$SCRATCH/study" \
  bash "$SOURCE_DIR/scripts/quality_study.sh" table.md > study.log 2>&1 || status=$?
[[ $status -le 1 ]] || fail "quality_study.sh failed ($status): $(cat study.log)"
grep -q "^| 2006-day-001.txt | donchian_breakout | 14748 | .* | default | ./2 | ./2 |" table.md || fail "no table row: $(cat table.md)"
$PYTHON - "$SCRATCH/study" <<'PY' || fail "GA or random search beat an exhaustive grid, or random search got more backtests: $(cat table.md)"
import sys, glob, h5py
stem = sys.argv[1] + "/2006-day-001-donchian_breakout"
with h5py.File(stem + "-grid.h5") as g:
    optimum = g["best/fitness"][0]
for seed in (1, 2):
    with h5py.File(f"{stem}-ga-default-{seed}.h5") as f, h5py.File(f"{stem}-random-default-{seed}.h5") as r:
        assert f["best/fitness"][0] <= optimum, (f["best/fitness"][0], optimum)
        assert r["best/fitness"][0] <= optimum, (r["best/fitness"][0], optimum)
        assert r["summary"].attrs["evaluated_total"] <= f["summary"].attrs["evaluated_total"]
        assert r["config"].attrs["generations"] == 0 and r["config"].attrs["polish_share"] == 0
PY
echo "search: ok"
