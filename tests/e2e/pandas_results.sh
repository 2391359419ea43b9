# python/genepool_results: open_run() on a GA run, an NSGA-II run, a split run with walk-forward and a
# grid run, each table checked against `genepool report --json --trades` and the file (docs/reading-results.md).
source "$(dirname "$0")/common.bash"
cp -r "$SOURCE_DIR/configs" "$SOURCE_DIR/data" .
export PYTHONPATH="$SOURCE_DIR/python"

"$GENEPOOL" evolve --config configs/default.toml --population 40 --generations 4 --min-trades 40 --out ga.h5 --quiet
"$GENEPOOL" evolve --config configs/default.toml --population 40 --generations 4 --mode nsga2 \
  --objectives sharpe:max,max_drawdown:min --out nsga2.h5 --quiet
"$GENEPOOL" evolve --config configs/validation.toml --data "$SHARED_DATA/orcl-1995-2014.txt" --population 30 \
  --generations 3 --walk-forward-folds 2 --walk-forward-generations 2 --bootstrap-resamples 50 --out split.h5 --quiet
"$GENEPOOL" grid --data data/sample.csv --strategies sma_crossover,ts_momentum --step threshold=0.05 --top 5 \
  --out grid.h5 --quiet
"$GENEPOOL" export split.h5 --out split-spec.json > /dev/null || fail "export split.h5"

for run in ga nsga2 split grid; do
  "$GENEPOOL" report "$run.h5" --json --trades --top 1000 > "$run.json" || fail "report --json of $run.h5"
  $PYTHON - "$run" "$run.h5" "$run.json" <<'PY' || fail "open_run($run.h5) disagrees with report --json"
import json, math, sys
import numpy as np, pandas as pd, h5py
from genepool_results import open_run, NotAResultsFile

kind, path, report = sys.argv[1], sys.argv[2], json.load(open(sys.argv[3]))
run = open_run(path)
same = lambda a, b: (b is None and not math.isfinite(a)) or a == b  # report --json writes non-finite as null
assert run.mode == {"ga": "ga", "nsga2": "nsga2", "split": "ga", "grid": "grid"}[kind], run.mode
assert run.objectives == (["sharpe:max", "max_drawdown:min"] if kind == "nsga2" else ["sharpe"]), run.objectives

# best: one row per /best strategy, every column of report --json's top.
best, top = run.best, report["top"]
assert list(best.index) == [t["rank"] for t in top] == list(range(1, len(top) + 1))
metrics = list(top[0]["metrics"])
for t in top:
    row = best.loc[t["rank"]]
    assert row["strategy"] == t["strategy"] and row["fitness"] == t["fitness"] and row["generation"] == t["generation"]
    for name, value in t["params"].items():
        assert row[name] == value, (name, row[name], value)
    for name in metrics:
        assert same(row[name], t["metrics"][name]), (t["rank"], name, row[name], t["metrics"][name])
    names = set(t["params"])
    others = [c for c in best.columns if c not in names and c not in metrics and
              c not in ("strategy", "fitness", "generation", "status")]
    assert all(pd.isna(row[c]) for c in others), (t["rank"], {c: row[c] for c in others})

# population: the final generation, a column per parameter, feasible as a bool, NaN for penalties.
pop = run.population
with h5py.File(path) as f:
    fitness, status = f["population/fitness"][()], f["population/status"][()]
    P = int(f["config"].attrs["population"])
assert len(pop) == P and pop["feasible"].dtype == bool
feasible = (status == 0) & (fitness > -1e12)
assert np.array_equal(pop["feasible"].to_numpy(), feasible)
assert np.array_equal(pop["fitness"].to_numpy()[feasible], fitness[feasible]) and pop["fitness"][~feasible].isna().all()
if kind == "ga":
    assert (~feasible).any(), "min-trades 40 left no infeasible individual: the NaN fitness goes untested"
    assert math.isfinite(pop["fitness"].mean()) and pop["fitness"].mean() > -100
for name in metrics:
    assert name in pop.columns
for t in best["strategy"].unique():
    assert any(c in pop.columns for c in run._param_names[run._types.index(t)])
if kind == "nsga2":
    assert {"front", "crowding"} <= set(pop.columns) and (pop["front"] == 0).any()
    # The knee (/best #1) respects the constraints: min-trades is on by default.
    assert run.config["min_trades"] > 0 and best.loc[1, "trades"] >= run.config["min_trades"], best.loc[1, "trades"]
    front = run.pareto
    assert front["knee"].sum() == 1 and list(front.columns[1:3]) == ["sharpe:max", "max_drawdown:min"]

# generations: indexed by generation, the convergence of report --json.
gens = run.generations
conv = report["convergence"]
assert list(gens.index) == conv["generation"]
assert gens["best"].tolist() == conv["best"] and gens["failed"].tolist() == conv["failed"]
shares = [c for c in gens.columns if c.startswith("share_")]
assert shares and np.allclose(gens[shares].sum(axis=1), 1.0)

# trades: the rows report --json --trades lists per strategy, in order.
trades = run.trades
assert len(trades) == sum(len(t["trades"]) for t in top)
for t in top:
    mine = trades[trades["rank"] == t["rank"]]
    assert len(mine) == len(t["trades"])
    for (_, row), listed in zip(mine.iterrows(), t["trades"]):
        for name in ("symbol", "direction", "size", "entry_price", "exit_price", "bars_held", "return",
                     "exit_reason", "entry_bar", "exit_bar"):
            assert row[name] == listed[name], (t["rank"], name, row[name], listed[name])
        for name in ("entry_time", "exit_time"):
            stamp = pd.Timestamp(listed[name])  # a date, or a date-time in UTC
            stamp = stamp.tz_localize("UTC") if stamp.tzinfo is None else stamp
            assert row[name] == stamp, (name, row[name], listed[name])
    if kind != "split":  # the metrics cover the whole data: the trades are the metric's trades
        assert len(mine) == t["metrics"]["trades"]
        if len(mine):
            assert abs(mine["return"].mean() - t["metrics"]["avg_trade"]) <= 1e-12
assert isinstance(trades["entry_time"].dtype, pd.DatetimeTZDtype)

# equity(k), drawdown(k): DatetimeIndex over every bar.
for k in (1, len(top)):
    equity, drawdown = run.equity(k), run.drawdown(k)
    assert isinstance(equity.index, pd.DatetimeIndex) and len(equity) == report["data"]["bars"]
    assert equity.iloc[0] == 1 and str(equity.index[0].date()) == report["data"]["first"][:10]
    m = top[k - 1]["metrics"]
    if kind != "split":
        assert abs(equity.iloc[-1] - 1 - m["total_return"]) <= 1e-12 * max(1, abs(m["total_return"]))
        assert abs(drawdown.max() - m["max_drawdown"]) <= 1e-12
    assert (drawdown >= 0).all() and drawdown.index.equals(equity.index)
try:
    run.equity(len(top) + 1)
    raise AssertionError("equity() of a rank the file lacks")
except NotAResultsFile as e:
    assert "rank" in str(e)

# validation: the statistics per rank, and with a split the out-of-sample metrics of report --json.
v = run.validation
if kind == "grid":
    assert v.empty or "psr" not in v.columns or len(v) == len(top)
else:
    assert list(v.index) == list(best.index) and {"psr", "dsr", "bootstrap_p05"} <= set(v.columns)
if kind == "split":
    assert run.validation_attrs["split"] == "split-date"
    for t in top:
        for name in metrics:
            assert same(v.loc[t["rank"], "oos_" + name], t["validation_metrics"][name]), (t["rank"], name)
    assert "degradation_sharpe" in v.columns and (v["oos_status"] == "ok").all()
else:
    assert not any(c.startswith("oos_") for c in v.columns)

# fold_metrics: with walk-forward folds, each /best strategy on each fold's test window, as the spec has them.
folds = run.fold_metrics
if kind == "split":
    spec = json.load(open("split-spec.json"))["strategies"]
    assert len(folds) == 2 * len(top) and list(folds.index.names) == ["rank", "fold"]
    for s in spec:
        for d in s["metrics_per_fold"]:
            row = folds.loc[(s["rank"], d["fold"])]
            assert [row["train_begin"], row["train_end"]] == d["train"] and [row["test_begin"], row["test_end"]] == d["test"]
            assert row["test_first"] == pd.Timestamp(d["first_timestamp"], unit="s", tz="UTC")
            assert row["test_last"] == pd.Timestamp(d["last_timestamp"], unit="s", tz="UTC")
            assert row["status"] == d["status"] == "ok"
            for name, value in d["metrics"].items():
                assert same(row[name], value), (s["rank"], d["fold"], name, row[name], value)
else:
    assert folds.empty
print(kind, "ok:", len(best), "best,", len(pop), "individuals,", len(trades), "trades")
PY
done

# Not a results file: one clear exception naming the path.
$PYTHON - <<'PY' || fail "open_run of a missing or foreign file"
from genepool_results import open_run, NotAResultsFile
for path, words in (("missing.h5", "no such file"), ("data/sample.csv", "not an HDF5 file")):
    try:
        open_run(path)
        raise AssertionError(path)
    except NotAResultsFile as e:
        assert path in str(e) and words in str(e), e
PY
echo "pandas_results: ok"
