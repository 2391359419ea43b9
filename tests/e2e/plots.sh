# scripts/plot_results.py beyond evolve's figures: one backtest drawn as backtesting.py's plot()
# (--backtest: price with the trades, equity against buy and hold, drawdown, position) and a grid
# file's parameter heatmap in place of convergence and type shares.
source "$(dirname "$0")/common.bash"
PLOT=("$PYTHON" "$SOURCE_DIR/scripts/plot_results.py")

"$GENEPOOL" backtest --data "$SHARED_DATA/GOOG.csv" --strategy bollinger_reversion --allow-short --stop-loss 0.03 \
  --take-profit 0.05 --equity-out eq.csv --trades-out trades.csv > /dev/null 2>&1 || fail "backtest --equity-out --trades-out"
head -1 eq.csv | grep -qx "timestamp,position,held,close,return,equity" || fail "eq.csv header: $(head -1 eq.csv)"
"${PLOT[@]}" --backtest eq.csv --trades trades.csv --out bt > /dev/null || fail "plot_results.py --backtest"
$PYTHON - bt/backtest.png trades.csv <<'PY' || fail "backtest.png"
import csv, sys
import numpy as np
import matplotlib.image as image
pixels = np.round(image.imread(sys.argv[1])[:, :, :3] * 255).astype(np.int64)
assert pixels.shape[:2] == (900, 1000), pixels.shape
trades = list(csv.DictReader(open(sys.argv[2])))
longs = sum(t["direction"] == "long" for t in trades)
shorts = len(trades) - longs
assert longs > 0 and shorts > 0, (longs, shorts)
green = np.all(pixels == (47, 133, 90), axis=2).sum()   # long entries and the strategy's equity, #2f855a
red = np.all(np.abs(pixels - (197, 48, 48)) <= 2, axis=2).sum()  # short entries, #c53030
grey = np.all(pixels == (154, 165, 177), axis=2).sum()  # buy and hold, #9aa5b1
assert green > 500 and red > 100 and grey > 500, (green, red, grey)
# Each trade's stop-loss and take-profit prices: entry x (1 -/+ the fraction), drawn dashed.
for t in trades:
    side = 1 if t["direction"] == "long" else -1
    entry = float(t["entry_price"])
    assert abs(float(t["stop_level"]) - entry * (1 - side * 0.03)) <= 1e-12 * entry, t
    assert abs(float(t["target_level"]) - entry * (1 + side * 0.05)) <= 1e-12 * entry, t
    if t["exit_reason"] == "stop":
        assert abs(float(t["exit_price"]) - float(t["stop_level"])) <= 1e-12 * entry or \
            side * float(t["exit_price"]) < side * float(t["stop_level"]), t  # at the level, or a gap through it
orange = np.all(np.abs(pixels - (221, 107, 32)) <= 2, axis=2).sum()  # stop-loss levels, #dd6b20
blue = np.all(np.abs(pixels - (49, 130, 206)) <= 2, axis=2).sum()    # take-profit levels, #3182ce
assert orange > 20 and blue > 20, (orange, blue)
PY
expect_failure 1 "trades.csv: not a backtest --equity-out file" "${PLOT[@]}" --backtest trades.csv --out bt
expect_failure 2 "--trades goes with --backtest" "${PLOT[@]}" run.h5 --trades trades.csv --out x

"$GENEPOOL" synth --out day.csv --bars 1500 --seed 4 > /dev/null
"$GENEPOOL" grid --data day.csv --strategies sma_crossover,ts_momentum --step threshold=0.05 --top 3 --quiet \
  --out grid.h5 || fail "grid"
"${PLOT[@]}" grid.h5 --out figs --html grid.html > /dev/null || fail "plots of a grid file"
[[ -s figs/heatmap.png && -s figs/equity.png && ! -e figs/convergence.png && ! -e figs/type_share.png ]] ||
  fail "a grid's figures: $(ls figs)"
$PYTHON - figs/heatmap.png <<'PY' || fail "heatmap.png"
import sys
import numpy as np
import matplotlib.image as image
pixels = image.imread(sys.argv[1])[:, :, :3]
assert pixels.shape[:2] == (400, 900), pixels.shape  # two types with two free parameters: 2 panels
colours = len(np.unique(np.round(pixels * 255).astype(np.int64) @ np.array([65536, 256, 1])))
assert colours > 200, colours
PY
grep -q "heatmap.png" grid.html || fail "grid.html lacks the heatmap"
echo "plots: ok"
