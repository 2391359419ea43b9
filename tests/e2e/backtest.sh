# `genepool backtest` on every real file for every strategy type, its metrics checked against an
# independent computation in numpy from the equity curve it writes; and bad data rejected clearly.
source "$(dirname "$0")/common.bash"

files=(GOOG.csv EURUSD.csv BTCUSD.csv orcl-1995-2014.txt nvda-1999-2014.txt yhoo-1996-2014.txt 2006-day-001.txt)
types=$("$GENEPOOL" strategies --json | $PYTHON -c 'import json,sys; print(" ".join(t["name"] for t in json.load(sys.stdin)))')
for file in "${files[@]}"; do
  for type in $types; do
    for execution in close next_open; do
      "$GENEPOOL" backtest --data "$SHARED_DATA/$file" --strategy "$type" --execution "$execution" --cost 0.001 \
        --allow-short --json --equity-out "curve.csv" --force > "metrics.json"
      $PYTHON "$SOURCE_DIR/tests/e2e/check_backtest.py" "$SHARED_DATA/$file" curve.csv metrics.json \
        || fail "$type on $file ($execution)"
    done
  done
done

# An SMA crossover's positions recomputed from the closes in numpy (long/flat, close execution).
"$GENEPOOL" backtest --data "$SHARED_DATA/GOOG.csv" --strategy sma_crossover --param fast=10 --param slow=40 \
  --json --equity-out sma.csv > sma.json
$PYTHON - "$SHARED_DATA/GOOG.csv" sma.csv <<'PY'
import sys, numpy as np
close = np.genfromtxt(sys.argv[1], delimiter=",", skip_header=1, usecols=4)
pos = np.genfromtxt(sys.argv[2], delimiter=",", skip_header=1, usecols=1)
def sma(x, n):
    out = np.full(len(x), np.nan); c = np.cumsum(x); out[n-1:] = (c[n-1:] - np.concatenate(([0], c[:-n]))) / n
    return out
f, s = sma(close, 10), sma(close, 40)
expected = np.where(np.isnan(s), 0, (f > s).astype(float))
assert (pos == expected).all(), np.nonzero(pos != expected)
PY

# The trade list: one row per trade, as many as the metrics count; without costs, on one symbol, the
# trades' returns compound to the total return; every exit reason is a documented one.
for execution in close next_open; do
  "$GENEPOOL" backtest --data "$SHARED_DATA/GOOG.csv" --strategy bollinger_reversion --execution "$execution" \
    --allow-short --stop-loss 0.03 --take-profit 0.08 --trailing-stop 0.05 --max-bars 30 --json \
    --trades-out trades.csv --equity-out trades-curve.csv --force > trades.json
  $PYTHON - trades.csv trades.json trades-curve.csv <<'PY' || fail "trades of bollinger_reversion ($execution)"
import csv, json, sys, math
rows = list(csv.DictReader(open(sys.argv[1])))
metrics = json.load(open(sys.argv[2]))["metrics"]
assert list(rows[0].keys()) == ["symbol", "direction", "size", "entry_time", "entry_price", "exit_time",
                                "exit_price", "bars_held", "return", "exit_reason", "stop_level", "target_level"], rows[0].keys()
assert len(rows) == metrics["trades"], (len(rows), metrics["trades"])
compounded = math.prod(1 + float(r["return"]) for r in rows)
assert abs(compounded - (1 + metrics["total_return"])) <= 1e-10 * compounded, (compounded, metrics["total_return"])
assert abs(sum(float(r["return"]) for r in rows) / len(rows) - metrics["avg_trade"]) <= 1e-12
reasons = {r["exit_reason"] for r in rows}
assert reasons <= {"rule", "stop", "target", "trailing", "max-bars", "end-of-data"}, reasons
assert len(reasons & {"stop", "target", "trailing", "max-bars"}) >= 2, reasons
times = [line.split(",")[0] for line in open(sys.argv[3]).read().splitlines()[1:]]
for r in rows:
    assert r["direction"] in ("long", "short") and float(r["size"]) == 1
    i, j = times.index(r["entry_time"]), times.index(r["exit_time"])
    assert j - i == int(r["bars_held"]) >= 0, r
PY
done
[[ -f trades.csv ]] && expect_failure 4 "trades.csv" "$GENEPOOL" backtest --data "$SHARED_DATA/GOOG.csv" \
  --strategy macd --trades-out trades.csv
expect_failure 2 "--force" "$GENEPOOL" backtest --data "$SHARED_DATA/GOOG.csv" --strategy macd --force

# Bad data: one line naming file, line and column; data status 3.
printf 'Date,Open,High,Low,Close,Volume\n2020-01-01,1,2,0.5,1.5,10\n2020-01-02,1,2,0.5\n' > ragged.csv
expect_failure 3 "ragged.csv:3" "$GENEPOOL" backtest --data ragged.csv --strategy sma_crossover
printf 'Date,Open,High,Low,Close,Volume\n2020-01-01,1,2,0.5,abc,10\n2020-01-02,1,2,0.5,1,10\n' > text.csv
expect_failure 3 "text.csv:2.*close" "$GENEPOOL" backtest --data text.csv --strategy sma_crossover
printf 'Date,Open,High,Low,Close,Volume\n2020-01-01,1,2,0.5,nan,10\n2020-01-02,1,2,0.5,1,10\n' > nan.csv
expect_failure 3 "nan.csv:2.*close" "$GENEPOOL" backtest --data nan.csv --strategy sma_crossover
printf 'Date,Open,High,Low,Close,Volume\n2020-01-01,1,2,0.5,1,10\n2020-01-02,1,2,0.5,-1,10\n' > negative.csv
expect_failure 3 "negative.csv:3.*close" "$GENEPOOL" backtest --data negative.csv --strategy sma_crossover
printf 'Date,Open,High,Low,Close,Volume\n2020-01-01,1,0.4,0.5,0.45,10\n2020-01-02,1,2,0.5,1,10\n' > highlow.csv
expect_failure 3 "highlow.csv:2.*high" "$GENEPOOL" backtest --data highlow.csv --strategy sma_crossover
printf 'Date,Open,High,Low,Close,Volume\n2020-01-02,1,2,0.5,1,10\n2020-01-01,1,2,0.5,1,10\n2020-01-03,1,2,0.5,1,10\n' > order.csv
expect_failure 3 "order.csv:4" "$GENEPOOL" backtest --data order.csv --strategy sma_crossover  # newest first, then not
printf 'Date,Open,High,Low,Close,Volume\n2020-01-01,1,2,0.5,1,10\n2020-01-01,1,2,0.5,1,10\n' > duplicate.csv
expect_failure 3 "duplicate.csv:3" "$GENEPOOL" backtest --data duplicate.csv --strategy sma_crossover
printf 'Date,Open,High,Low,Volume\n2020-01-01,1,2,0.5,10\n2020-01-02,1,2,0.5,10\n' > missing.csv
expect_failure 3 "missing.csv.*close" "$GENEPOOL" backtest --data missing.csv --strategy sma_crossover
: > empty.csv
expect_failure 3 "empty.csv" "$GENEPOOL" backtest --data empty.csv --strategy sma_crossover
[[ $(wc -l < err.txt) -eq 1 ]] || fail "error is not one line: $(cat err.txt)"
echo "backtest: ok"
