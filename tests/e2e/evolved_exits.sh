# Evolved exits end to end: the example strategies evolve under mpirun from a config naming their
# file, with stop-loss and take-profit as genes, identically for 1, 2 and 3 ranks; the genes stay in
# their ranges and are stored, reported and exported; the best replays bit for bit from its spec
# with the strategy file moved away; bad ranges and a range given to the grid get one line and
# status 2. (The checkpoint's genes: tests/results/checkpoint.cpp.)
source "$(dirname "$0")/common.bash"
cp -r "$SOURCE_DIR/configs" "$SOURCE_DIR/data" "$SOURCE_DIR/strategies" .

run=(--config configs/evolved-exits.toml --population 24 --generations 4 --quiet --force)
for n in 1 2 3; do mpi $n evolve "${run[@]}" --out ex$n.h5; done
for n in 2 3; do
  $PYTHON "$SOURCE_DIR/tests/e2e/compare_runs.py" ex1.h5 ex$n.h5 || fail "evolved exits: ex$n.h5 differs from ex1.h5"
done
$PYTHON "$SOURCE_DIR/tests/e2e/read_results.py" ex1.h5 || fail "evolved-exit results do not match docs/results-format.md"
$PYTHON - ex1.h5 <<'PY' || fail "the exit genes in the results file"
import sys, h5py, numpy as np
with h5py.File(sys.argv[1]) as f:
    exits = f["individuals/exits"]
    columns = [c.decode() if isinstance(c, bytes) else c for c in exits.attrs["columns"]]
    assert columns[:4] == ["stop-loss", "take-profit", "trailing-stop", "max-bars"], columns
    x = exits[()]
    assert x.shape == (24 * 5, 7), x.shape
    assert np.all((x[:, 0] >= 0.01) & (x[:, 0] <= 0.15)), "stop-loss outside [0.01, 0.15]"
    assert np.all((x[:, 1] >= 0.02) & (x[:, 1] <= 0.40)), "take-profit outside [0.02, 0.40]"
    assert np.all(np.isnan(x[:, 2:])), "only stop-loss and take-profit are genes"
    assert len(np.unique(x[:, 0])) > 24, "stop-loss does not vary"
    assert f["best/exits"].shape == (f["best/rank"].shape[0], 7)
    assert np.all(~np.isnan(f["best/exits"][:, :2]))
    config = f["config"][()].decode()
    assert "stop-loss=[0.01, 0.15]\n" in config and "take-profit=[0.02, 0.4]\n" in config, config
    assert "max-bars=60\n" in config, config
    assert f["config"].attrs["max_bars"] == 60
PY

# The report and the CSV export name the genes.
"$GENEPOOL" report ex1.h5 >report.txt
grep -Eq "^ +1 +(keltner_breakout|trend_filter_rsi) .* stop-loss=0\.[0-9]+ take-profit=0\.[0-9]+ " report.txt ||
  fail "report: the best strategy's exits are missing: $(grep -A3 '^top' report.txt)"
"$GENEPOOL" report ex1.h5 --json | $PYTHON -c '
import json, sys
top = json.load(sys.stdin)["top"][0]
assert sorted(top["evolved_exits"]) == ["stop-loss", "take-profit"], top
' || fail "report --json: evolved_exits"
"$GENEPOOL" export ex1.h5 --csv population.csv --population
head -1 population.csv | grep -q ",params,stop-loss,take-profit,trailing-stop,max-bars,target-vol,vol-window,leverage-cap,fitness," ||
  fail "export --csv: the exit columns: $(head -1 population.csv)"

# The spec carries each strategy's own exits; it replays bit for bit without the strategy file.
"$GENEPOOL" export ex1.h5 --top 3 --out best.json
$PYTHON - best.json ex1.h5 <<'PY' || fail "the spec's exits are not the best strategies' genes"
import json, sys, h5py
spec = json.load(open(sys.argv[1]))["strategies"]
with h5py.File(sys.argv[2]) as f:
    genes = f["best/exits"][()]
for i, s in enumerate(spec):
    e = s["execution"]["exits"]
    assert e["stop-loss"] == genes[i, 0] and e["take-profit"] == genes[i, 1], (e, genes[i])
    assert e["max-bars"] == 60 and e["trailing-stop"] == 0, e
PY
mv strategies moved-away
"$GENEPOOL" backtest --spec best.json --data data/sample.csv --json >replay.json
$PYTHON -c '
import json, sys
replayed = json.load(open(sys.argv[1]))["strategies"]
assert len(replayed) == 3 and all(r["matches_spec"] for r in replayed), replayed
' replay.json || fail "the spec did not replay exactly without the strategy file"
mv moved-away strategies

# Walk-forward: each fold's best carries its own exits, stored per fold, and the stitched account
# applies them fold by fold; 1 and 3 ranks agree.
wf=(--config configs/evolved-exits.toml --population 16 --generations 2 --walk-forward-folds 3
    --walk-forward-generations 2 --quiet --force)
for n in 1 3; do mpi $n evolve "${wf[@]}" --out wf$n.h5; done
$PYTHON - wf1.h5 wf3.h5 <<'PY' || fail "walk-forward with evolved exits"
import sys, h5py, numpy as np
with h5py.File(sys.argv[1]) as a, h5py.File(sys.argv[2]) as b:
    w = a["validation/walk_forward"]
    x = w["exits"][()]
    assert x.shape == (3, 7), x.shape
    assert np.all((x[:, 0] >= 0.01) & (x[:, 0] <= 0.15)) and np.all(np.isnan(x[:, 2:])), x
    assert np.all(w["status"][()] == 0) and np.isfinite(w.attrs["stitched_sharpe"])
    for name in ("exits", "params", "metrics", "equity", "out_of_sample_metrics"):
        assert a["validation/walk_forward"][name][()].tobytes() == b["validation/walk_forward"][name][()].tobytes(), name
PY

# Bad ranges: one line, status 2, no hang, no file.
printf 'stop-loss = [0.2, 0.1]\n' >bad.toml
for n in 1 2; do
  expect_failure 2 "^genepool: error: bad.toml:1: key 'stop-loss': stop-loss = \[0.2, 0.1\]: expected \[lower, upper\] with lower <= upper" \
    mpi $n evolve --config bad.toml --data data/sample.csv --out bad.h5 --quiet
  [[ $(grep -c "genepool: error" err.txt) -eq 1 ]] || fail "$n rank(s): not one error line: $(cat err.txt)"
  [[ ! -e bad.h5 ]] || fail "a refused run left bad.h5"
done
printf 'target-vol = [0.05, 0.3]\n' >sizing.toml
expect_failure 2 "sizing.toml:1: key 'target-vol': evolves the vol-target sizing, which is off; expected sizing = \"vol-target\"" \
  "$GENEPOOL" evolve --config sizing.toml --data data/sample.csv --out bad.h5 --quiet
printf 'strategies = ["sma_crossover"]\nstop-loss = [0.01, 0.2]\n' >grid.toml
expect_failure 2 "grid.toml:2: key 'stop-loss': a range \[low, high\] evolves a value in \`genepool evolve\`; \`genepool grid\` takes one value" \
  "$GENEPOOL" grid --config grid.toml --data data/sample.csv --out bad.h5 --quiet
echo "evolved exits: ok"
