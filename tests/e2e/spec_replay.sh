# Specs that replay honestly (docs/reading-results.md, "replay"): bars per year inferred again on
# other data (a GOOG-daily spec on EURUSD hourly gives a plain EURUSD backtest's CAGR), a split run's
# spec replays its training window and its test window exactly, and a replay that differs says why.
source "$(dirname "$0")/common.bash"
GOOG="$SHARED_DATA/GOOG.csv"
EURUSD="$SHARED_DATA/EURUSD.csv"
small=(--population 30 --generations 3 --strategies sma_crossover,bollinger_reversion,macd --bars-per-year 0
       --cost 0.0005 --min-trades 3 --quiet)

# 1. Inferred bars per year, on other data: inferred again, and said.
"$GENEPOOL" evolve --data "$GOOG" "${small[@]}" --out goog.h5
"$GENEPOOL" export goog.h5 --top 1 --out goog.json > /dev/null
"$GENEPOOL" backtest --spec goog.json --data "$EURUSD" > replay.txt 2> replay.err || fail "replay on EURUSD"
grep -Eq "bars per year re-inferred from the given data: 62[0-9.]+ \(the spec's run inferred 251\.[0-9]+ from its own\)" replay.txt ||
  fail "the replay does not say it re-inferred bars per year: $(cat replay.txt)"
grep -Eq "metric\(s\) differ from the spec's: other data, other bars per year" replay.txt || fail "no reason: $(cat replay.txt)"
"$GENEPOOL" backtest --spec goog.json --data "$EURUSD" --json > replay.json 2> /dev/null
$PYTHON - goog.json replay.json "$GENEPOOL" "$EURUSD" <<'PY' || fail "the EURUSD replay is not a plain EURUSD backtest"
import json, subprocess, sys
spec = json.load(open(sys.argv[1]))["strategies"][0]
replay = json.load(open(sys.argv[2]))["strategies"][0]
assert spec["execution"]["bars_per_year_inferred"] and replay["bars_per_year_reinferred"]
reasons = replay["differs_because"]
assert "other data" in reasons and any(r.startswith("other bars per year") for r in reasons) and not replay["matches_spec"]
e = spec["execution"]
plain = ["backtest", "--data", sys.argv[4], "--strategy", spec["strategy"], "--execution", e["execution"],
         "--cost", repr(e["cost"]), "--bars-per-year", "0", "--json"]
for name, value in spec["params"].items():
    plain += ["--param", f"{name}={value!r}"]
if e["allow_short"]:
    plain.append("--allow-short")
direct = json.loads(subprocess.run([sys.argv[3]] + plain, check=True, capture_output=True, text=True).stdout)
assert replay["bars_per_year"] == direct["bars_per_year"] > 6000, (replay["bars_per_year"], direct["bars_per_year"])
for metric in ("cagr", "sharpe", "volatility", "total_return"):
    assert replay["metrics"][metric] == direct["metrics"][metric], (metric, replay["metrics"][metric], direct["metrics"][metric])
PY

# 2. A split run with inferred bars per year: B over the training window; the spec replays its
# training window (the stored metrics) and its test window (the out-of-sample ones) exactly.
"$GENEPOOL" evolve --data "$GOOG" "${small[@]}" --test-fraction 0.3 --out split.h5
$PYTHON - split.h5 <<'PY' || fail "bars per year is not the training window's"
import sys, h5py, numpy as np
with h5py.File(sys.argv[1]) as f:
    t = f["data/timestamps"][()]
    end = int(f["validation"].attrs["train_end"])
    stored = f["config"].attrs["bars_per_year"]
    assert f["config"].attrs["bars_per_year_inferred"] and f["validation"].attrs["bars_per_year"] == stored
years = lambda s: (s[-1] - s[0]) / (365.2425 * 86400)
train, whole = (end - 1) / years(t[:end]), (len(t) - 1) / years(t)
assert abs(stored - train) <= 1e-9 * train and abs(stored - whole) > 1e-6, (stored, train, whole)
PY
"$GENEPOOL" export split.h5 --top 3 --out split.json > /dev/null
for window in "" "--window train" "--window test"; do
  # shellcheck disable=SC2086
  "$GENEPOOL" backtest --spec split.json --data "$GOOG" $window --json > w.json 2> /dev/null || fail "replay $window"
  $PYTHON -c 'import json,sys; r=json.load(open(sys.argv[1]))["strategies"]; sys.exit(0 if all(s["matches_spec"] for s in r) else 1)' w.json ||
    fail "the split spec does not replay exactly with '${window:-the default window}': $(cat w.json)"
done
"$GENEPOOL" backtest --spec split.json --data "$GOOG" --window all > all.txt 2> /dev/null
grep -q "the spec has no metrics for this window: other window (the spec's metrics cover the training window)" all.txt ||
  fail "--window all does not say why: $(cat all.txt)"
"$GENEPOOL" backtest --spec split.json --data "$GOOG" --cost 0.01 > costly.txt 2> /dev/null
grep -Eq "metric\(s\) differ from the spec's: other execution settings \(given here\)" costly.txt || fail "$(cat costly.txt)"
expect_failure 2 "--window train: the windows of spec strategy #1 are bars of its run's data" \
  "$GENEPOOL" backtest --spec split.json --data "$EURUSD" --window train
expect_failure 2 "--window test: spec strategy #1 comes from a run without a train/test split" \
  "$GENEPOOL" backtest --spec goog.json --data "$GOOG" --window test

# 3. Walk-forward folds: each exported strategy carries its metrics on every fold's test window
# (history from the fold's train begin, as the fold's own out-of-sample evaluation), equal to a plain
# backtest of it over that fold's bars with --start at the close before the test window; the spec
# still replays; a file without the per-fold metrics (written before them) exports without them.
"$GENEPOOL" evolve --data "$GOOG" "${small[@]}" --execution next_open --stop-loss 0.08 --test-fraction 0.2 \
  --walk-forward-folds 3 --walk-forward-generations 1 --bootstrap-resamples 20 --out wf.h5
"$GENEPOOL" export wf.h5 --top 2 --out wf.json > /dev/null
$PYTHON - wf.json wf.h5 "$GENEPOOL" "$GOOG" <<'PY' || fail "the per-fold metrics are not plain backtests of the folds"
import csv, json, subprocess, sys, h5py, numpy as np
spec = json.load(open(sys.argv[1]))["strategies"]
with h5py.File(sys.argv[2]) as f:
    windows = f["validation/walk_forward/windows"][()]
    times = f["data/timestamps"][()]
    stored = f["validation/walk_forward/best_metrics"][()]
    columns = [c.decode() if isinstance(c, bytes) else c for c in f["validation/walk_forward/best_metrics"].attrs["columns"]]
assert len(spec) == 2 and stored.shape[1] == 3 and windows[1][0] > 0, (len(spec), stored.shape, windows)  # rolling: history from train begin
rows = list(csv.reader(open(sys.argv[4])))
for s in spec:
    folds = s["metrics_per_fold"]
    assert [d["fold"] for d in folds] == [1, 2, 3], folds
    e = s["execution"]
    for d, w in zip(folds, windows):
        train_begin, _, test_begin, test_end = (int(v) for v in w)
        assert d["train"][0] == train_begin and d["test"] == [test_begin, test_end], (d, w)
        assert d["first_timestamp"] == times[test_begin] and d["last_timestamp"] == times[test_end - 1], d
        assert d["status"] == "ok" and d["metrics"]["bars"] == test_end - test_begin, d
        # The same numbers as the results file's, by name.
        for c, name in enumerate(columns):
            v = stored[s["rank"] - 1, d["fold"] - 1, c]
            assert d["metrics"][name] == v or (d["metrics"][name] is None and not np.isfinite(v)), (name, d, v)
        # The fold's bars as a file of their own, the account opening at the close before the test window.
        with open("fold.csv", "w", newline="") as out:
            csv.writer(out).writerows([rows[0]] + rows[1 + train_begin:1 + test_end])
        day = lambda t: np.datetime_as_string(np.datetime64(int(t), "s"), unit="D")
        plain = [sys.argv[3], "backtest", "--data", "fold.csv", "--strategy", s["strategy"], "--execution", e["execution"],
                 "--cost", repr(e["cost"]), "--bars-per-year", repr(e["bars_per_year"]), "--stop-loss",
                 repr(e["exits"]["stop-loss"]), "--start", day(times[test_begin - 1]), "--end", day(times[test_end - 1]), "--json"]
        for name, value in s["params"].items():
            plain += ["--param", f"{name}={value!r}"]
        direct = json.loads(subprocess.run(plain, check=True, capture_output=True, text=True).stdout)["metrics"]
        for name, value in d["metrics"].items():
            got = direct[name]
            if value is None or got is None:
                assert value is None and got is None, (name, value, got)
            else:
                assert abs(value - got) <= 1e-12 * max(1.0, abs(got)), (s["rank"], d["fold"], name, value, got)
PY
"$GENEPOOL" backtest --spec wf.json --data "$GOOG" --json > wf-replay.json 2> /dev/null || fail "replay of the walk-forward spec"
$PYTHON -c 'import json,sys; r=json.load(open(sys.argv[1]))["strategies"]; sys.exit(0 if len(r) == 2 and all(s["matches_spec"] for s in r) else 1)' \
  wf-replay.json || fail "the walk-forward spec does not replay exactly: $(cat wf-replay.json)"
cp wf.h5 old.h5
$PYTHON -c 'import h5py,sys; f=h5py.File(sys.argv[1],"r+"); del f["validation/walk_forward/best_metrics"], f["validation/walk_forward/best_status"]' old.h5
"$GENEPOOL" export old.h5 --top 2 --out old.json > /dev/null || fail "export of a file without per-fold metrics"
$PYTHON -c 'import json,sys; s=json.load(open(sys.argv[1]))["strategies"]; sys.exit(0 if len(s) == 2 and all("metrics_per_fold" not in e for e in s) else 1)' \
  old.json || fail "old.json has per-fold metrics"
"$GENEPOOL" backtest --spec old.json --data "$GOOG" > /dev/null 2>&1 || fail "replay of a spec without per-fold metrics"
echo "spec_replay: ok"
