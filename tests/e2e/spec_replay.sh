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
echo "spec_replay: ok"
