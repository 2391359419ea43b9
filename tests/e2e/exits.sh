# Exits and sizing end to end: `backtest --stop-loss ...` writes held positions and returns that an
# independent simulation in Python (docs/metrics.md, "Exits and sizing") reproduces from the rule's
# positions and the bars; an evolve run with exits records them and its exported spec replays
# exactly; bad values are one line each.
source "$(dirname "$0")/common.bash"

cat > simulate.py <<'PY'
import csv, json, math, sys
import numpy as np
data, curve, metrics, execution, args = sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4], json.loads(sys.argv[5])
bars = np.genfromtxt(data, delimiter=",", skip_header=1, usecols=(1, 2, 3, 4))
O, H, L, C = bars.T
rows = list(csv.reader(open(curve)))
header, rows = rows[0], rows[1:]
pos = np.array([float(r[header.index("position")]) for r in rows])
held = np.array([float(r[header.index("held")]) for r in rows])
ret = np.array([float(r[header.index("return")]) for r in rows])
m = json.load(open(metrics))
B, cost = m["bars_per_year"], args["cost"]
sl, tp, ts, mb = args.get("stop-loss", 0), args.get("take-profit", 0), args.get("trailing-stop", 0), args.get("max-bars", 0)
w, target, cap = args.get("vol-window", 20), args.get("target-vol", 0.1), args.get("leverage-cap", 1.0)
n = len(C)
def size(t):
    if args.get("sizing", "unit") == "unit": return 1.0
    if t < w: return 0.0
    q = C[t - w + 1:t + 1] / C[t - w:t] - 1
    vol = math.sqrt(np.mean((q - q.mean()) ** 2) * B)
    return min(cap, target / vol) if vol > 0 else cap
x, entry, M, count, lock = 0.0, 0.0, 0.0, 0, 0
exp_held, exp_ret = np.zeros(n), np.zeros(n)
pending = 0.0
def want(t):
    global lock
    d = int(pos[t])
    if lock and d == lock: return 0.0
    lock = 0
    return d * size(t)
def move(y, price):
    global x, entry, M, count
    if np.sign(y) != 0 and np.sign(y) != np.sign(x): entry, M, count = price, price, 0
    paid = cost * abs(y - x); x = y; return paid
for t in range(n):
    if t > 0:
        paid, pending, g = pending, 0.0, 1.0
        start = C[t - 1]
        if execution == "next_open":
            g *= 1 + x * (O[t] / C[t - 1] - 1); start = O[t]
            paid += move(want(t - 1), O[t])
        fill = None
        if x != 0:
            s = 1 if x > 0 else -1
            stops = ([entry * (1 - s * sl)] if sl else []) + ([M * (1 - s * ts)] if ts else [])
            S = (max(stops) if s > 0 else min(stops)) if stops else None
            T = entry * (1 + s * tp) if tp else None
            if (S is not None and s * O[t] <= s * S) or (T is not None and s * O[t] >= s * T): fill = O[t]
            elif S is not None and s * (L[t] if s > 0 else H[t]) <= s * S: fill = S
            elif T is not None and s * (H[t] if s > 0 else L[t]) >= s * T: fill = T
        g *= 1 + x * ((fill if fill is not None else C[t]) / start - 1)
        if fill is not None:
            lock = 1 if x > 0 else -1; paid += move(0.0, fill)
        exp_ret[t] = g - 1 - paid
    if x != 0:
        M = max(M, H[t]) if x > 0 else min(M, L[t]); count += 1
        if mb and count >= mb:
            lock = 1 if x > 0 else -1; pending += move(0.0, C[t])
    if execution == "close": pending += move(want(t), C[t])
    exp_held[t] = x
assert np.array_equal(np.sign(held), np.sign(exp_held)), np.nonzero(np.sign(held) != np.sign(exp_held))[0][:5]
assert np.allclose(held, exp_held, rtol=1e-12, atol=0), np.max(np.abs(held - exp_held))  # numpy's sums round otherwise
assert np.allclose(ret, exp_ret, rtol=1e-9, atol=1e-12), np.max(np.abs(ret - exp_ret))
r = ret[1:]
assert math.isclose(m["metrics"]["total_return"], np.prod(1 + r) - 1, rel_tol=1e-9, abs_tol=1e-12)
assert (held != pos).any(), "no exit or sizing changed the position"
PY

runs=(
  'close {"cost": 0.001, "stop-loss": 0.03}'
  'next_open {"cost": 0.001, "stop-loss": 0.02, "take-profit": 0.04}'
  'close {"cost": 0.0, "trailing-stop": 0.05, "max-bars": 15}'
  'next_open {"cost": 0.0005, "trailing-stop": 0.04, "take-profit": 0.1, "max-bars": 30}'
  'close {"cost": 0.001, "sizing": "vol-target", "target-vol": 0.2, "vol-window": 30, "leverage-cap": 2.0}'
  'next_open {"cost": 0.001, "stop-loss": 0.05, "sizing": "vol-target", "target-vol": 0.15, "vol-window": 10}'
)
for run in "${runs[@]}"; do
  execution=${run%% *}
  args=${run#* }
  flags=$($PYTHON -c 'import json,sys; print(" ".join(f"--{k} {v}" for k, v in json.loads(sys.argv[1]).items()))' "$args")
  for strategy in sma_crossover donchian_breakout; do
    # shellcheck disable=SC2086
    "$GENEPOOL" backtest --data "$SHARED_DATA/GOOG.csv" --strategy "$strategy" --execution "$execution" --allow-short \
      $flags --json --equity-out curve.csv --force > metrics.json || fail "backtest $strategy $execution $flags"
    $PYTHON -c 'import json,sys; e = json.load(open("metrics.json"))["exits"]; a = json.loads(sys.argv[1]); a.pop("cost")
assert all(e[k] == v for k, v in a.items()), e' "$args" || fail "--json lacks the exits of $flags"
    $PYTHON simulate.py "$SHARED_DATA/GOOG.csv" curve.csv metrics.json "$execution" "$args" \
      || fail "$strategy, $execution, $flags: the curve differs from the simulation"
  done
done

# An evolution with exits records them; its exported spec replays every metric exactly.
"$GENEPOOL" evolve --data "$SOURCE_DIR/data/sample.csv" --population 8 --generations 2 --top 2 --quiet \
  --stop-loss 0.04 --trailing-stop 0.06 --sizing vol-target --leverage-cap 1.5 --out run.h5 || fail "evolve with exits"
$PYTHON -c 'import h5py; a = h5py.File("run.h5")["config"].attrs
assert a["stop_loss"] == 0.04 and a["trailing_stop"] == 0.06 and a["sizing"] == "vol-target" and a["leverage_cap"] == 1.5, dict(a)' \
  || fail "the results file lacks the exits"
"$GENEPOOL" report run.h5 > report.txt || fail "report"
grep -q '^exits      stop-loss 0.04 trailing-stop 0.06 vol-target 0.1 over 20 bars (cap 1.5)$' report.txt \
  || fail "report lacks the exits: $(grep -n exits report.txt)"
"$GENEPOOL" report run.h5 --json | $PYTHON -c 'import json,sys; x = json.load(sys.stdin)["settings"]
assert x["stop_loss"] == 0.04 and x["take_profit"] == 0 and x["sizing"] == "vol-target" and x["leverage_cap"] == 1.5, x' \
  || fail "report --json lacks the exits"
"$GENEPOOL" export run.h5 --top 2 --out spec.json > /dev/null || fail "export"
"$GENEPOOL" backtest --spec spec.json --data "$SOURCE_DIR/data/sample.csv" --json > replay.json 2> /dev/null || fail "replay"
$PYTHON -c 'import json; s = json.load(open("spec.json")); r = json.load(open("replay.json"))
assert s["strategies"][0]["execution"]["exits"]["stop-loss"] == 0.04
assert all(x["matches_spec"] is True for x in r["strategies"]), r' || fail "the replay differs from the spec"
# The same spec replayed without its exits differs: the exits came from the spec.
"$GENEPOOL" backtest --spec spec.json --data "$SOURCE_DIR/data/sample.csv" --stop-loss 0 --trailing-stop 0 --sizing unit \
  --json > plain.json 2> /dev/null || fail "replay with the exits overridden"
$PYTHON -c 'import json; r = json.load(open("plain.json"))
assert any(x["matches_spec"] is False for x in r["strategies"]), r' || fail "the command line's exits were ignored"

# Bad values: one line naming the option or key, the value and the range.
expect_failure 2 "--stop-loss: Value 1.5 not in range" "$GENEPOOL" backtest --data "$SHARED_DATA/GOOG.csv" \
  --strategy sma_crossover --stop-loss 1.5
expect_failure 2 "--sizing: kelly not in" "$GENEPOOL" backtest --data "$SHARED_DATA/GOOG.csv" \
  --strategy sma_crossover --sizing kelly
# Ranges [low, high] of these keys evolve them: tests/e2e/evolved_exits.sh.
echo "exits: ok"
