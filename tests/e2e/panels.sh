# Union panels and date windows end to end: NVDA + YHOO + GOOG (different histories) evolve under
# mpirun with --start/--end, identical on 1, 2 and 3 ranks; the best strategy replays exactly with
# `genepool backtest` over the same window; --start/--end equal a backtest of the window with its
# warm-up on every command; the inner alignment's loss warns and is recorded.
source "$(dirname "$0")/common.bash"

panel=("$SHARED_DATA/nvda-1999-2014.txt" "$SHARED_DATA/yhoo-1996-2014.txt" "$SHARED_DATA/GOOG.csv")
small=(--data "${panel[@]}" --population 12 --generations 2 --seed 5 --quiet --cost 0.0005
       --start 2006-01-01 --end 2012-12-31 --strategies sma_crossover,macd,rsi_reversion)

# The load line names each symbol's own range and what the union filled.
"$GENEPOOL" backtest --data "${panel[@]}" --strategy sma_crossover 2> load.txt > /dev/null
grep -q "aligned 3 files (union, max-gap 5) on 4713 bars (1996-04-12 .. 2014-12-31); NVDA-1999-2014 1999-01-22 .. 2014-12-31 (filled 0; flat before 701)" load.txt \
  || fail "union load line: $(cat load.txt)"
grep -q "GOOG 2004-08-19 .. 2013-03-01 (filled 0; flat before 2102; flat after 463)" load.txt || fail "GOOG's range: $(cat load.txt)"

# Each run writes run.h5 (the path is part of /config) and is then renamed.
for n in 1 2 3; do mpi "$n" evolve "${small[@]}" --out run.h5 && mv run.h5 "n$n.h5"; done
$PYTHON "$SOURCE_DIR/tests/e2e/same_bits.py" n1.h5 n2.h5 || fail "1 and 2 ranks differ"
$PYTHON "$SOURCE_DIR/tests/e2e/same_bits.py" n1.h5 n3.h5 || fail "1 and 3 ranks differ"
$PYTHON "$SOURCE_DIR/tests/e2e/read_results.py" n2.h5 || fail "n2.h5 fails the layout check"
$PYTHON "$SOURCE_DIR/tests/e2e/replay_best.py" "$GENEPOOL" n2.h5 "${panel[@]}" || fail "replay of the union run's best"
$PYTHON - n2.h5 <<'PY' || fail "the results file does not record the alignment and the window"
import sys, h5py, numpy as np
with h5py.File(sys.argv[1]) as f:
    d = f["data"]
    assert d.attrs["align"] in (b"union", "union"), d.attrs["align"]
    assert int(d.attrs["max_gap"]) == 5
    assert str(d.attrs["window_first_timestamp_iso"].decode() if isinstance(d.attrs["window_first_timestamp_iso"], bytes) else d.attrs["window_first_timestamp_iso"]).startswith("2006-01-03")
    assert str(d.attrs["last_timestamp_iso"]).find("2012-12-31") >= 0
    live = d["live"][()]
    assert live.shape == (3, len(d["timestamps"])), live.shape
    assert live[0].sum() < live.shape[1] and live[1].all()  # NVDA starts late, YHOO is whole
    first = d["symbol_first_timestamp"][()].astype("datetime64[s]")
    assert str(first[2]).startswith("2004-08-19"), first
    bars = int(f["best/metrics"].attrs["columns"].tolist().index(b"bars") if isinstance(f["best/metrics"].attrs["columns"][0], bytes) else list(f["best/metrics"].attrs["columns"]).index("bars"))
    assert f["best/metrics"][0][bars] == len(d["timestamps"]) - 1 - int(d.attrs["window_first_bar"])
PY

# The spec records the alignment and the window; backtest --spec replays them exactly (without --start/--end).
"$GENEPOOL" export n2.h5 --top 3 --out spec.json > /dev/null || fail "export failed"
"$GENEPOOL" backtest --spec spec.json --data "${panel[@]}" --json > replay.json || fail "backtest --spec failed"
$PYTHON - spec.json replay.json <<'PY' || fail "the spec's window or its replay"
import json, sys
spec, replay = json.load(open(sys.argv[1])), json.load(open(sys.argv[2]))
data = spec["strategies"][0]["data"]
assert data["align"] == "union" and data["max_gap"] == 5, data
assert data["window"]["start"].startswith("2006-01-03") and data["window"]["end"].startswith("2012-12-31"), data
assert all(r["matches_spec"] for r in replay["strategies"]), [r["metrics"] for r in replay["strategies"]]
assert replay["strategies"][0]["first"] == "2006-01-03", replay["strategies"][0]["first"]
PY

# --start/--end: exactly the metrics of a backtest over the window with its warm-up before, on every command.
"$GENEPOOL" backtest --data "${panel[@]}" --strategy sma_crossover --start 2006-01-01 --end 2012-12-31 --json > window.json
"$GENEPOOL" backtest --data "${panel[@]}" --strategy sma_crossover --start 2006-01-01 --end 2012-12-31 --json --align union > again.json
cmp -s window.json again.json || fail "the default alignment is not union"
$PYTHON - window.json <<'PY' || fail "the window's bars"
import json, sys
r = json.load(open(sys.argv[1]))
assert r["first"] == "2006-01-03" and r["last"] == "2012-12-31" and r["metrics"]["bars"] == r["bars"] - 1, r
PY
mpi 2 grid --data "${panel[@]}" --strategies sma_crossover --step fast=2 --step slow=10 --out grid.h5 --quiet \
  --start 2006-01-01 --end 2012-12-31
$PYTHON - grid.h5 window.json <<'PY' || fail "grid's window metrics differ from backtest's"
import json, sys, h5py, numpy as np
want = json.load(open(sys.argv[2]))["metrics"]
with h5py.File(sys.argv[1]) as f:
    names = [c.decode() if isinstance(c, bytes) else c for c in f["individuals/metrics"].attrs["columns"]]
    params = f["individuals/params"][()].reshape(-1, f["individuals/params"].shape[-1])
    metrics = f["individuals/metrics"][()].reshape(-1, len(names))
    # The grid's point at sma_crossover's defaults (10, 40) is the backtest above.
    rows = [i for i in range(len(params)) if tuple(params[i][:2]) == (10.0, 40.0)]
    assert rows, "no grid point at sma_crossover's defaults"
    got = dict(zip(names, metrics[rows[0]]))
    for name in ("sharpe", "total_return", "bars", "trades", "exposure"):
        assert got[name] == want[name], (name, got[name], want[name])
PY

# The split and the walk-forward folds lie inside the window, identically on 1 and 3 ranks.
windowed=(--data "${panel[@]}" --population 8 --generations 1 --seed 3 --quiet --start 2006-01-01 --end 2012-12-31
          --test-fraction 0.25 --walk-forward-folds 2 --walk-forward-generations 1 --pbo-partitions 4
          --bootstrap-resamples 0 --out run.h5)
mpi 1 evolve "${windowed[@]}" && mv run.h5 v1.h5
mpi 3 evolve "${windowed[@]}" && mv run.h5 v3.h5
$PYTHON "$SOURCE_DIR/tests/e2e/same_bits.py" v1.h5 v3.h5 || fail "the windowed validation differs on 1 and 3 ranks"
$PYTHON - v1.h5 <<'PY' || fail "the split is not inside the window"
import sys, h5py
with h5py.File(sys.argv[1]) as f:
    v = f["validation"].attrs
    text = lambda x: x.decode() if isinstance(x, bytes) else str(x)
    train, test = text(v["train_period"]), text(v["test_period"])
    assert test.endswith("2012-12-31"), test
    assert train.split(" .. ")[1] < test.split(" .. ")[0], (train, test)
    # a quarter of the window's bars (2006-01-03 .. 2012-12-31, 1761 bars) is held out
    bars = len(f["data/timestamps"]) - int(f["data"].attrs["window_first_bar"])
    assert test.startswith("2011-") or test.startswith("2010-12"), (test, bars)
PY

# Inner alignment: the loss warns in evolve's header and is recorded.
mpi 1 evolve --data "${panel[@]}" --align inner --population 4 --generations 1 --out inner.h5 > inner.txt
grep -q "genepool: warning: align = inner dropped 2565 of 4713 bars (54.4%) of YHOO-1996-2014" inner.txt \
  || fail "no inner-loss warning: $(cat inner.txt)"
$PYTHON - inner.h5 <<'PY' || fail "the inner loss is not recorded"
import sys, h5py
with h5py.File(sys.argv[1]) as f:
    losses = [l.decode() if isinstance(l, bytes) else l for l in f["data"].attrs["alignment_losses"]]
    assert any("YHOO-1996-2014" in l for l in losses), losses
PY

# A window outside the data, and a date that is no date: one line, status 2.
expect_failure 2 "start, end: the window 2020-01-01" "$GENEPOOL" backtest --data "${panel[@]}" --strategy macd --start 2020-01-01
expect_failure 2 "start: '2006-13-45' is not a date" "$GENEPOOL" backtest --data "${panel[@]}" --strategy macd --start 2006-13-45
echo "panels: ok"
