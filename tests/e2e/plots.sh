# scripts/plot_results.py beyond evolve's figures: one backtest drawn as backtesting.py's plot()
# (--backtest: price with the trades and their stop, target and trailing-stop levels, equity against
# buy and hold, drawdown, position), a grid file's parameter heatmap in place of convergence and type
# shares, and its outputs: refused when they exist unless --force, never an input.
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
expect_failure 1 "trades.csv: not a backtest --equity-out file" "${PLOT[@]}" --backtest trades.csv --out bad
expect_failure 2 "--trades goes with --backtest" "${PLOT[@]}" run.h5 --trades trades.csv --out x
[[ ! -e bad ]] || fail "a refused --backtest made its --out folder"

# A trailing stop moves: --equity-out carries its price per bar (trailing_stop, before return and
# equity), the reference walk's own, and the figure draws it as a step line per trade.
"$GENEPOOL" backtest --data "$SHARED_DATA/GOOG.csv" --strategy sma_crossover --param fast=10 --param slow=40 --allow-short \
  --trailing-stop 0.08 \
  --equity-out eqt.csv --trades-out tradest.csv > /dev/null 2>&1 || fail "backtest --trailing-stop --equity-out"
head -1 eqt.csv | grep -qx "timestamp,position,held,close,trailing_stop,return,equity" || fail "eqt.csv header: $(head -1 eqt.csv)"
"${PLOT[@]}" --backtest eqt.csv --trades tradest.csv --out bt-trail > /dev/null || fail "plot_results.py --backtest (trailing)"
$PYTHON - eqt.csv tradest.csv "$SHARED_DATA/GOOG.csv" bt-trail/backtest.png bt/backtest.png <<'PY' || fail "the trailing stop's levels"
import csv, math, sys
import numpy as np
import matplotlib.image as image
eq = list(csv.DictReader(open(sys.argv[1])))
trades = list(csv.DictReader(open(sys.argv[2])))
prices = list(csv.DictReader(open(sys.argv[3])))
assert [r["timestamp"] for r in eq] == [r[""] for r in prices], "eqt.csv and GOOG.csv have other bars"
bar = {r["timestamp"]: t for t, r in enumerate(eq)}
high = [float(r["High"]) for r in prices]
low = [float(r["Low"]) for r in prices]
opens = [float(r["Open"]) for r in prices]
level = [float(r["trailing_stop"]) if r["trailing_stop"] else math.nan for r in eq]
# next_open execution (the default): a trade entered at the open of bar e is held into bars e .. x.
owner = [None] * len(eq)
for t in trades:
    e, x = bar[t["entry_time"]], bar[t["exit_time"]]
    for b in range(e, x + 1):
        owner[b] = t  # a later trade owns a bar it shares with the one before (a reversal at the open)
moved = 0
for b, t in enumerate(owner):
    if t is None:
        assert math.isnan(level[b]), (b, level[b])  # flat: no level
        continue
    e, side, entry = bar[t["entry_time"]], (1 if t["direction"] == "long" else -1), float(t["entry_price"])
    if b == bar[t["exit_time"]] and t["exit_reason"] == "rule" and math.isnan(level[b]):
        continue  # out at the bar's open by the rule, before its prices are checked
    extreme = max([entry] + high[e:b]) if side > 0 else min([entry] + low[e:b])
    want = extreme * (1 - side * 0.08)
    assert abs(level[b] - want) <= 1e-12 * want, (b, t, level[b], want)
    moved += b > e and level[b] != level[b - 1] and owner[b - 1] is t
trailing = [t for t in trades if t["exit_reason"] == "trailing"]
assert len(trailing) > 5 and moved > 20, (len(trailing), moved)
for t in trailing:  # out at the bar's level, or at its open when the open was already through it
    x, side = bar[t["exit_time"]], (1 if t["direction"] == "long" else -1)
    exit = float(t["exit_price"])
    assert exit == level[x] or (exit == opens[x] and side * opens[x] <= side * level[x]), (t, level[x])
# Drawn: purple (#805ad5) in this figure, none in the one without a trailing stop.
purple = lambda path: np.all(np.abs(np.round(image.imread(path)[:, :, :3] * 255) - (128, 90, 213)) <= 2, axis=2).sum()
assert purple(sys.argv[4]) > 150 and purple(sys.argv[5]) == 0, (purple(sys.argv[4]), purple(sys.argv[5]))
PY

# No output is replaced without --force (refused, status 4, nothing written), and none is an input.
digest() { sha256sum "$@" | cut -c1-64; }
before=$(digest bt/backtest.png)
expect_failure 4 "^plot_results.py: bt/backtest.png: already exists; choose another output file or pass --force to replace it$" \
  "${PLOT[@]}" --backtest eqt.csv --trades tradest.csv --out bt
[[ $(digest bt/backtest.png) == "$before" ]] || fail "a refused plot changed bt/backtest.png"
"${PLOT[@]}" --backtest eqt.csv --trades tradest.csv --out bt --force > /dev/null || fail "--force did not replace bt/backtest.png"
[[ $(digest bt/backtest.png) == "$(digest bt-trail/backtest.png)" ]] || fail "--force: bt/backtest.png is not the new figure"
ls bt | grep -qv '^backtest.png$' && fail "left-overs in bt: $(ls bt)"
cp eqt.csv backtest.png
expect_failure 4 "backtest.png: is the input backtest.png; an output never replaces an input \(not even with --force\)" \
  "${PLOT[@]}" --backtest backtest.png --out . --force
cmp -s eqt.csv backtest.png || fail "the input backtest.png was replaced"

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
# Again into the same outputs: refused before anything is written (not even a new file beside them).
before=$(digest figs/* grid.html)
expect_failure 4 "^plot_results.py: figs/heatmap.png: already exists; choose another output file or pass --force to replace it$" \
  "${PLOT[@]}" grid.h5 --out figs --html new.html
[[ ! -e new.html && $(digest figs/* grid.html) == "$before" ]] || fail "a refused plot wrote something"
expect_failure 4 "grid.html: already exists" "${PLOT[@]}" grid.h5 --html grid.html
"${PLOT[@]}" grid.h5 --out figs --html grid.html --force > /dev/null || fail "--force into the same outputs"
[[ $(ls figs | wc -l) -eq 3 ]] || fail "figs after --force: $(ls figs)"
grep -q "heatmap.png" grid.html || fail "grid.html after --force"
expect_failure 4 "grid.h5: is the input grid.h5; an output never replaces an input" "${PLOT[@]}" grid.h5 --html grid.h5 --force
expect_failure 4 "figs2/equity.png: is also the output figs2/equity.png" "${PLOT[@]}" grid.h5 --out figs2 --html figs2/equity.png
expect_failure 4 "grid.html: exists and is not a directory" "${PLOT[@]}" grid.h5 --out grid.html --force
[[ ! -e figs2 ]] || fail "a refused plot made figs2"
echo "plots: ok"
