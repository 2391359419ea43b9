# Reading a run back: `genepool report` (text and JSON), scripts/plot_results.py (PNG figures and
# an HTML tearsheet rendered in headless Chromium), `genepool export` (strategy spec, population CSV)
# and `genepool backtest --spec` replaying the spec exactly; optional groups; clear errors.
source "$(dirname "$0")/common.bash"
cp -r "$SOURCE_DIR/configs" "$SOURCE_DIR/data" .
PLOT=("$PYTHON" "$SOURCE_DIR/scripts/plot_results.py")

mpi 2 evolve --config configs/default.toml --population 60 --generations 6 --out run.h5 --quiet
$PYTHON "$SOURCE_DIR/tests/e2e/read_results.py" run.h5 > /dev/null || fail "run.h5 fails the layout check"

# report: the best strategy's row shows its name and its Sharpe as stored (4 decimals).
"$GENEPOOL" report run.h5 > report.txt || fail "report failed"
$PYTHON - run.h5 report.txt <<'PY' || fail "report.txt lacks the best strategy as stored"
import sys, h5py
with h5py.File(sys.argv[1]) as f:
    name = f["best/strategy_name"].asstr()[0]
    columns = list(f["best/metrics"].attrs["columns"])
    sharpe = f["best/metrics"][0, columns.index("sharpe")]
lines = open(sys.argv[2]).read().splitlines()
row = [l for l in lines if l.split()[:2] == ["1", name]]
assert row, f"no top-table row '1 {name}' in the report"
assert f"{sharpe:.4f}" in row[0].split(), f"Sharpe {sharpe:.4f} not in: {row[0]}"
for section in ("inputs", "convergence", "top strategies", "evaluations", "timings", "sha256"):
    assert any(section in l for l in lines), f"no '{section}' in the report"
assert not any("out of sample" in l for l in lines), "a file without /validation shows an out-of-sample section"
PY

# report --trades: every trade of the strategies shown, as /best/trades holds them.
"$GENEPOOL" report run.h5 --top 1 --trades > trades.txt || fail "report --trades failed"
$PYTHON - run.h5 trades.txt <<'PY' || fail "report --trades disagrees with /best/trades"
import sys, h5py
with h5py.File(sys.argv[1]) as f:
    t = f["best/trades"]
    mine = t["rank"][()] == 1
    reasons = list(t["exit_reason"].attrs["names"])
    count = int(mine.sum())
    first_return = t["return"][()][mine][0]
    first_reason = reasons[t["exit_reason"][()][mine][0]]
    name = f["best/strategy_name"].asstr()[0]
lines = open(sys.argv[2]).read().splitlines()
head = [i for i, l in enumerate(lines) if l.startswith(f"trades of #1 {name}")]
assert head and lines[head[0]].endswith(f"({count})"), (head, count)
row = lines[head[0] + 2].split()
assert row[-1] == first_reason and row[-2] == f"{100 * first_return:.2f}%", (row, first_return, first_reason)
rows = [l for l in lines[head[0] + 2:] if l.startswith("  ") and l.split()[-1] in reasons]
assert len(rows) == count, (len(rows), count)
PY

# report --json: the same best, bit for bit.
"$GENEPOOL" report run.h5 --json > report.json || fail "report --json failed"
$PYTHON - run.h5 report.json <<'PY' || fail "report --json disagrees with the file"
import json, sys, h5py
with h5py.File(sys.argv[1]) as f:
    name = f["best/strategy_name"].asstr()[0]
    columns = list(f["best/metrics"].attrs["columns"])
    stored = dict(zip(columns, f["best/metrics"][0]))
    generations = len(f["generations/generation"])
    seed = int(f.attrs["seed"])
r = json.load(open(sys.argv[2]))
best = r["top"][0]
assert best["rank"] == 1 and best["strategy"] == name, best
for column, value in stored.items():
    got = best["metrics"][column]
    assert got == value or (got is None and value == float("inf")), (column, got, value)
assert len(r["convergence"]["best"]) == generations and r["run"]["seed"] == seed
assert r["inputs"][0]["path"] == "data/sample.csv" and len(r["inputs"][0]["sha256"]) == 64
v = r["validation"]  # evolve's own, without a split: no out-of-sample metrics
assert v["path"] == "/validation" and not v["has_metrics"] and v["attributes"]["split"] == "none", v
assert "dsr" in v["tables"]["statistics"]["columns"]
PY

# plot_results.py: every figure, of the documented pixel size.
"${PLOT[@]}" run.h5 --out figs > /dev/null || fail "plot_results.py --out failed"
$PYTHON - run.h5 figs <<'PY' || fail "figures"
import math, os, sys, h5py
import matplotlib.image as image
with h5py.File(sys.argv[1]) as f:
    types = len(f["config"].attrs["strategies"])
columns = min(4, types)
sizes = {"convergence.png": (500, 1000), "equity.png": (500, 1000), "drawdown.png": (500, 1000),
         "type_share.png": (500, 1000), "landscape.png": (350 * math.ceil(types / columns), 400 * columns)}
for name, size in sizes.items():
    path = os.path.join(sys.argv[2], name)
    assert os.path.getsize(path) > 10000, f"{name} is nearly empty"
    pixels = image.imread(path)
    assert pixels.shape[:2] == size, f"{name} is {pixels.shape[:2]}; expected {size}"
    assert (pixels[:, :, :3] < 0.9).any(axis=2).mean() > 0.01, f"{name} is blank"
assert not os.path.exists(os.path.join(sys.argv[2], "pareto.png")), "pareto.png without a /pareto group"
PY

# --html: one self-contained page; Chromium renders it with the figures, pixel for pixel.
"${PLOT[@]}" run.h5 --html sheet.html > /dev/null || fail "plot_results.py --html failed"
grep -q "<h2>Trades</h2>" sheet.html && grep -Eq "#1 [a-z_]+ .*: [0-9]+ trades over the whole data" sheet.html ||
  fail "sheet.html lacks the best strategy's trades"
! grep -Eq '(src|href)="(https?:|//)' sheet.html || fail "sheet.html refers to an external resource"
command -v chromium > /dev/null || fail "chromium is missing: run scripts/install-deps.sh test"
mkdir chrome-profile
timeout 120 chromium --headless --no-sandbox --disable-gpu --disable-quic --no-first-run \
  --disable-background-networking --disable-component-update --disable-sync --user-data-dir="$SCRATCH/chrome-profile" \
  --screenshot="$SCRATCH/sheet.png" --window-size=1200,3000 "file://$SCRATCH/sheet.html" > chromium.log 2>&1 ||
  fail "chromium could not render sheet.html: $(tail -3 chromium.log)"
$PYTHON - sheet.png figs <<'PY' || fail "the rendered tearsheet"
import glob, os, sys
import numpy as np
import matplotlib.image as image
shot = image.imread(sys.argv[1])[:, :, :3]
figures = {os.path.basename(p): image.imread(p)[:, :, :3] for p in glob.glob(os.path.join(sys.argv[2], "*.png"))}
pixels = np.round(shot * 255).astype(np.int64)
colours = len(np.unique(pixels[:, :, 0] << 16 | pixels[:, :, 1] << 8 | pixels[:, :, 2]))
non_white = float(np.mean(np.any(shot < 0.94, axis=2)))
# Each figure is an <img> with a 1 px #e4e7eb border: find the long vertical runs of that colour,
# pair them into boxes and compare each box's inside with the PNG files.
border = np.all(pixels == (228, 231, 235), axis=2)
runs = {}
for x in range(border.shape[1]):
    edges = np.flatnonzero(np.diff(np.concatenate(([0], border[:, x].astype(np.int8), [0]))))
    for top, bottom in zip(edges[::2], edges[1::2]):
        if bottom - top >= 300:
            runs.setdefault((top, bottom), []).append(x)
boxes, exact = 0, []
for (top, bottom), xs in sorted(runs.items()):
    if bottom >= shot.shape[0] or len(xs) < 2:
        continue  # cut off by the window
    boxes += 1
    inside = shot[top + 1:bottom - 1, min(xs) + 1:max(xs)]
    exact += [n for n, f in figures.items() if f.shape == inside.shape and np.abs(f - inside).mean() < 0.01]
print(f"screenshot {shot.shape[1]}x{shot.shape[0]}: {colours} colours, {100 * non_white:.1f}% non-white, "
      f"{boxes} figure boxes, shown exactly: {', '.join(exact)}")
assert colours > 1000, f"only {colours} distinct colours: a blank or broken page"
assert non_white > 0.08, f"only {100 * non_white:.1f}% of the page is not white"
assert boxes >= 4 and len(exact) >= 3, "the figures are not shown"
PY

# export --top 3 and backtest --spec: the replay gives the stored metrics exactly.
"$GENEPOOL" export run.h5 --top 3 --out spec.json > /dev/null || fail "export --out failed"
"$GENEPOOL" backtest --spec spec.json --data data/sample.csv --json > replay.json 2> replay.err || fail "backtest --spec failed"
[[ ! -s replay.err ]] || fail "replay on the run's own data warned: $(cat replay.err)"
$PYTHON - run.h5 spec.json replay.json <<'PY' || fail "the replay differs from the stored metrics"
import json, sys, h5py
with h5py.File(sys.argv[1]) as f:
    columns = list(f["best/metrics"].attrs["columns"])
    stored = f["best/metrics"][:3]
    names = f["best/strategy_name"].asstr()[:3]
    sha = f["inputs/sha256"].asstr()[0]
    bars_per_year = float(f["config"].attrs["bars_per_year"])
spec = json.load(open(sys.argv[2]))
replay = json.load(open(sys.argv[3]))
assert spec["format"] == "genepool-strategy-spec" and spec["format_version"] == 1
assert len(spec["strategies"]) == 3 and len(replay["strategies"]) == 3
same = lambda a, b: a == b or (a is None and b in (float("inf"), float("-inf")))
for k, (s, r) in enumerate(zip(spec["strategies"], replay["strategies"])):
    assert s["rank"] == r["rank"] == k + 1 and s["strategy"] == r["strategy"] == names[k]
    assert s["data"]["inputs"][0]["sha256"] == sha and s["data"]["bars"] == r["bars"]
    assert s["execution"]["bars_per_year"] == bars_per_year == r["bars_per_year"]
    assert r["matches_spec"] is True, r
    for c, column in enumerate(columns):
        assert same(s["metrics"][column], stored[k, c]), (k, column, s["metrics"][column], stored[k, c])
        assert same(r["metrics"][column], stored[k, c]), (k, column, r["metrics"][column], stored[k, c])
PY
"$GENEPOOL" backtest --spec spec.json --data data/sample.csv > replay.txt 2> /dev/null || fail "backtest --spec (text) failed"
[[ $(grep -c "every metric equals the spec's exactly" replay.txt) -eq 3 ]] || fail "replay.txt: $(cat replay.txt)"
# A flag given on the command line overrides the spec's setting, and the metrics then differ.
"$GENEPOOL" backtest --spec spec.json --data data/sample.csv --cost 0.01 --json 2> /dev/null > costly.json
$PYTHON -c 'import json,sys; r=json.load(open(sys.argv[1])); assert all(s["cost"] == 0.01 and not s["matches_spec"] for s in r["strategies"])' costly.json ||
  fail "--cost did not override the spec"
# Other data: one warning line naming both fingerprints.
"$GENEPOOL" synth --out other.csv --bars 2600 --seed 5 > /dev/null
"$GENEPOOL" backtest --spec spec.json --data other.csv > /dev/null 2> other.err || fail "backtest --spec on other data failed"
[[ $(grep -c "warning" other.err) -eq 1 ]] && grep -q "other.csv.*data/sample.csv" other.err ||
  fail "expected one warning about the other data: $(cat other.err)"

# export --population --csv: every individual of every generation, as pandas/csv read it.
"$GENEPOOL" export run.h5 --population --csv population.csv > /dev/null || fail "export --population failed"
"$GENEPOOL" export run.h5 --population --csv final.csv --final > /dev/null || fail "export --population --final failed"
$PYTHON - run.h5 population.csv final.csv <<'PY' || fail "population.csv"
import csv, sys, h5py
with h5py.File(sys.argv[1]) as f:
    fitness = f["individuals/fitness"][()]
    generations, population = len(f["generations/generation"]), int(f["config"].attrs["population"])
    columns = list(f["individuals/metrics"].attrs["columns"])
    metrics = f["individuals/metrics"][()]
    names = f["strategies/name"].asstr()[()]
    strategy = f["individuals/strategy"][()]
    status = f["individuals/status"][()]
rows = list(csv.DictReader(open(sys.argv[2], newline="")))
assert len(rows) == generations * population, (len(rows), generations, population)
header = list(rows[0].keys())
assert header[:11] == ["generation", "index", "strategy", "p1", "p2", "p3", "p4", "params", "fitness", "feasible",
                       "status"], header
assert header[11:] == columns
penalised = 0
for i, row in enumerate(rows):
    assert int(row["generation"]) == i // population and int(row["index"]) == i % population
    feasible = status[i] == 0 and fitness[i] > -1e12  # the penalties of docs/genetic-algorithm.md
    assert row["feasible"] == ("true" if feasible else "false"), (i, row["feasible"], fitness[i])
    assert row["strategy"] == names[strategy[i]]
    assert float(row["fitness"]) == fitness[i] if feasible else row["fitness"] == "nan", (i, row["fitness"])
    penalised += not feasible
    assert float(row["sharpe"]) == metrics[i, columns.index("sharpe")] or row["sharpe"] == "nan"
    assert row["params"].split(";")[0].split("=")[1] == row["p1"]
assert penalised > 0, "no infeasible or failed individual: the run does not test the NaN fitness"
final = list(csv.DictReader(open(sys.argv[3], newline="")))
assert len(final) == population and {int(r["generation"]) for r in final} == {generations - 1}
PY

# Optional groups written by other writers: a /validation of another layout shown beside /best, /pareto plotted.
cp run.h5 extra.h5
$PYTHON - extra.h5 <<'PY'
import sys, h5py, numpy as np
with h5py.File(sys.argv[1], "a") as f:
    k = len(f["best/rank"])
    del f["validation"]  # evolve's own (docs/results-format.md); replaced by a layout of another writer
    v = f.create_group("validation")
    v.attrs["first_timestamp_iso"] = "2009-09-01T00:00:00Z"
    m = v.create_dataset("metrics", data=np.column_stack([np.linspace(0.5, 0.1, k), np.full(k, 0.05)]))
    m.attrs["columns"] = ["sharpe", "cagr"]
    p = f.create_group("pareto")
    p.attrs["objectives"] = ["sharpe", "max_drawdown"]
    front = p.create_dataset("metrics", data=np.array([[1.1, 0.19], [0.9, 0.12], [0.5, 0.08]]))
    front.attrs["columns"] = ["sharpe", "max_drawdown"]
PY
"$GENEPOOL" report extra.h5 > extra.txt || fail "report on a file with /validation failed"
grep -q "validation (/validation)" extra.txt && grep -q "first_timestamp_iso: 2009-09-01" extra.txt ||
  fail "report does not show /validation: $(cat extra.txt)"
grep -Eq "\| 0\.5000" extra.txt || fail "report does not show the out-of-sample Sharpe"
"$GENEPOOL" report extra.h5 --json | $PYTHON -c 'import json,sys; r=json.load(sys.stdin); assert r["top"][0]["validation_metrics"]["sharpe"] == 0.5' ||
  fail "report --json lacks validation_metrics"
"${PLOT[@]}" extra.h5 --out figs-extra --html extra.html > /dev/null || fail "plots of extra.h5"
[[ -s figs-extra/pareto.png ]] || fail "no pareto.png for a file with /pareto"
grep -q "Out of sample" extra.html || fail "extra.html lacks the out-of-sample table"

# Errors: one line, status 4 for the program, 1 for the script.
one_line() { [[ $(wc -l < "$SCRATCH/err.txt") -eq 1 ]] || fail "expected one line on stderr: $(cat "$SCRATCH/err.txt")"; }
expect_failure 4 "missing.h5: no such file" "$GENEPOOL" report missing.h5; one_line
$PYTHON -c 'import h5py; h5py.File("other.h5", "w").attrs["format"] = "something-else"'
expect_failure 4 "other.h5: not a genepool results file" "$GENEPOOL" report other.h5; one_line
expect_failure 4 "sample.csv: not an HDF5 file" "$GENEPOOL" report data/sample.csv; one_line
expect_failure 4 "missing.h5: no such file" "$GENEPOOL" export missing.h5 --top 1 --out x.json; one_line
expect_failure 1 "other.h5: not a genepool results file" "${PLOT[@]}" other.h5 --out bad; one_line
expect_failure 1 "sample.csv: not an HDF5 file" "${PLOT[@]}" data/sample.csv --out bad; one_line
cp run.h5 nobest.h5
$PYTHON -c 'import h5py; f = h5py.File("nobest.h5", "a"); del f["best"]; f.close()'
expect_failure 1 "nobest.h5: has no /best" "${PLOT[@]}" nobest.h5 --html bad.html; one_line
[[ ! -e bad && ! -e bad.html ]] || fail "a failed plot left output behind"
printf '{"format": "genepool-strategy-spec",\n "format_version": 1, "strategies": [1,]}\n' > broken.json
expect_failure 2 "broken.json:2:40 \(byte 76\): syntax error while parsing value - unexpected '\]'" \
  "$GENEPOOL" backtest --spec broken.json --data data/sample.csv; one_line
sed 's/"format_version": 1/"format_version": 2/' spec.json > newer.json
expect_failure 2 "newer.json: format_version: 2 is not a version this genepool reads" \
  "$GENEPOOL" backtest --spec newer.json --data data/sample.csv; one_line
$PYTHON -c 'import json; s = json.load(open("spec.json")); s["strategies"][0]["params"]["nope"] = 1; json.dump(s, open("typo.json", "w"))'
expect_failure 2 "typo.json: strategies\[0\]\.params: .*nope" \
  "$GENEPOOL" backtest --spec typo.json --data data/sample.csv; one_line
$PYTHON -c 'import json; s = json.load(open("spec.json")); s["strategies"][0]["execution"]["cost"] = "0"; json.dump(s, open("text.json", "w"))'
expect_failure 2 "text.json: strategies\[0\]\.execution\.cost: expected a number" \
  "$GENEPOOL" backtest --spec text.json --data data/sample.csv; one_line
$PYTHON -c 'import json; s = json.load(open("spec.json")); s["strategies"][0]["execution"]["cost"] = float("nan"); json.dump(s, open("nan.json", "w"))'
expect_failure 2 "nan.json:1:[0-9]+ \(byte [0-9]+\): syntax error while parsing value - invalid literal; last read: .*N" \
  "$GENEPOOL" backtest --spec nan.json --data data/sample.csv; one_line
sed '0,/"strategy": /s//"strategy": "macd", "strategy": /' spec.json > twice.json
expect_failure 2 "twice.json: strategies\[0\]: duplicate key \"strategy\"" \
  "$GENEPOOL" backtest --spec twice.json --data data/sample.csv; one_line
{ cat spec.json; echo '{}'; } > garbage.json
expect_failure 2 "garbage.json:[0-9]+:1 \(byte [0-9]+\): syntax error .*expected end of input" \
  "$GENEPOOL" backtest --spec garbage.json --data data/sample.csv; one_line
expect_failure 2 "--strategy NAME.*--spec FILE" "$GENEPOOL" backtest --data data/sample.csv; one_line
expect_failure 2 "excludes" "$GENEPOOL" backtest --spec spec.json --strategy macd --data data/sample.csv; one_line
expect_failure 2 "choose what to export" "$GENEPOOL" export run.h5; one_line
echo "reading_results: ok"
