# Validation of an evolution (docs/validation.md): the train/test split without look-ahead,
# walk-forward, DSR/PSR, PBO and bootstrap percentiles in the summary, the HDF5 file and the
# report; identical results on 1, 2 and 3 ranks; a real-data run; bad settings.
source "$(dirname "$0")/common.bash"
cp -r "$SOURCE_DIR/data" .
SMALL=(--population 30 --generations 4 --seed 5 --cost 0.0005 --bars-per-year 252
       --min-trades 3 --top 4 --bootstrap-resamples 200 --pbo-partitions 8)

# 1. No look-ahead: changing the test period's prices leaves the evolution bit-identical.
$PYTHON - data/sample.csv perturbed.csv <<'PY'
import csv, math, sys
rows = list(csv.reader(open(sys.argv[1])))
out = [rows[0]]
for i, row in enumerate(rows[1:]):
    if row[0] >= "2008-01-01":  # the test period: every price of the bar scaled alike (bars stay valid)
        f = 1.0 + 0.05 * math.sin(i * 0.9)
        row = [row[0]] + [repr(float(v) * f) for v in row[1:5]] + [row[5]]
    out.append(row)
csv.writer(open(sys.argv[2], "w", newline="")).writerows(out)
PY
mpi 2 evolve "${SMALL[@]}" --data data/sample.csv --split-date 2008-01-01 --out a.h5 --quiet || fail "split run failed"
mpi 2 evolve "${SMALL[@]}" --data perturbed.csv --split-date 2008-01-01 --out b.h5 --quiet || fail "perturbed run failed"
$PYTHON "$SOURCE_DIR/tests/e2e/read_results.py" a.h5 b.h5 > /dev/null || fail "split runs fail the layout check"
$PYTHON - a.h5 b.h5 <<'PY' || fail "the test period's data changed the evolution"
import sys, h5py, numpy as np
with h5py.File(sys.argv[1]) as a, h5py.File(sys.argv[2]) as b:
    assert a["validation"].attrs["split"] == "split-date"
    assert a["validation"].attrs["train_end"] == b["validation"].attrs["train_end"]
    te = int(a["validation"].attrs["train_end"])
    assert a["data/timestamps"][te] >= 1199145600 > a["data/timestamps"][te - 1]  # first bar of 2008
    for name in ("individuals/params", "individuals/fitness", "individuals/metrics", "population/params",
                 "population/metrics", "generations/best", "best/params", "best/metrics", "validation/statistics"):
        assert a[name][()].tobytes() == b[name][()].tobytes(), name
    assert a["validation"].attrs["pbo"] == b["validation"].attrs["pbo"]
    # ... while the out-of-sample results see the new prices.
    assert a["validation/metrics"][()].tobytes() != b["validation/metrics"][()].tobytes()
PY

# 2. Identical results for 1, 2 and 3 ranks with every validation on.
FULL=("${SMALL[@]}" --data data/sample.csv --test-fraction 0.2 --walk-forward-folds 3 --walk-forward-mode anchored --walk-forward-generations 2)
for n in 1 2 3; do mpi $n evolve "${FULL[@]}" --out n$n.h5 --quiet || fail "run on $n ranks failed"; done
$PYTHON "$SOURCE_DIR/tests/e2e/read_results.py" n1.h5 > /dev/null || fail "n1.h5 fails the layout check"
$PYTHON - n1.h5 n2.h5 n3.h5 <<'PY' || fail "validation differs between rank counts"
import sys, h5py
def items(f):
    out = {}
    def visit(name, obj):
        if isinstance(obj, h5py.Dataset):
            out[name] = obj[()].tobytes()
        for key, value in obj.attrs.items():
            out[f"{name}@{key}"] = repr(value)
    f["validation"].visititems(visit)
    for key, value in f["validation"].attrs.items():
        out[f"@{key}"] = repr(value)
    return out
files = [h5py.File(p) for p in sys.argv[1:]]
first = items(files[0])
assert "walk_forward/equity" in first and "pbo/logits" in first and "metrics" in first, sorted(first)
for f in files[1:]:
    other = items(f)
    assert other.keys() == first.keys()
    for key in first:
        assert first[key] == other[key], key
for name in ("best/metrics", "population/metrics"):
    assert all(f[name][()].tobytes() == files[0][name][()].tobytes() for f in files), name
PY
# The same run without MPI gives the same file content too (the launcher is not needed).
"$GENEPOOL" evolve "${FULL[@]}" --out plain.h5 --quiet || fail "plain run failed"
$PYTHON "$SOURCE_DIR/tests/e2e/compare_runs.py" n1.h5 plain.h5 || fail "plain run differs"

# 3. A real-data run: IS/OOS, walk-forward, DSR, PSR, PBO and bootstrap in the summary, file and report.
mpi 2 evolve --data "$SHARED_DATA/orcl-1995-2014.txt" --population 40 --generations 4 --seed 3 --cost 0.0005 \
  --min-trades 5 --test-fraction 0.25 --walk-forward-folds 3 --walk-forward-generations 3 --psr-benchmark 0.5 \
  --bootstrap-resamples 300 --out orcl.h5 > orcl.txt || fail "real-data run failed: $(tail -5 orcl.txt)"
for pattern in "validation \(docs/validation.md\)" "sharpe OOS +IS +OOS/IS" \
               "out of sample first: test bars 3777..5036 \(held out\); in sample: training bars 0..3777" \
               "[0-9]+ trials \(distinct strategies\)" "PSR +DSR" "bootstrap 5% \| 50% \| 95% +\(PSR vs Sharpe 0.5 annualised" \
               "#1 DSR [0-9.]+: a [0-9]+% probability that the true Sharpe ratio beats the best of [0-9]+ trials without skill" \
               "PBO 0\.[0-9]+: the in-sample winner is below the out-of-sample median [0-9]+% of the time" \
               "walk-forward, out of sample: 3 rolling folds stitched: sharpe" "walk-forward fold 0..945 -> 945..1889: in-sample sharpe"; do
  grep -Eq -- "$pattern" orcl.txt || fail "the summary lacks /$pattern/: $(cat orcl.txt)"
done
# Out of sample first: the summary's held-out table comes before the in-sample top list.
[[ $(grep -n "out of sample first" orcl.txt | cut -d: -f1) -lt $(grep -n "^top strategies" orcl.txt | cut -d: -f1) ]] ||
  fail "the end-of-run summary does not lead with the out-of-sample figures: $(cat orcl.txt)"
$PYTHON "$SOURCE_DIR/tests/e2e/read_results.py" orcl.h5 > /dev/null || fail "orcl.h5 fails the layout check"
$PYTHON - orcl.h5 <<'PY' || fail "orcl.h5: statistics disagree with their formulas"
import math, sys, h5py, numpy as np
with h5py.File(sys.argv[1]) as f:
    v = f["validation"]
    cols = list(v["statistics"].attrs["columns"])
    s = dict(zip(cols, v["statistics"][0]))
    B = v.attrs["bars_per_year"]
    def psr(sr, bench):
        n, g3, g4 = s["returns"], s["skewness"], s["kurtosis"]
        z = (sr - bench) * math.sqrt(n - 1) / math.sqrt(1 - g3 * sr + (g4 - 1) / 4 * sr * sr)
        return 0.5 * math.erfc(-z / math.sqrt(2))
    assert abs(psr(s["sharpe_per_bar"], 0.5 / math.sqrt(B)) - s["psr"]) < 1e-9, (s, B)
    assert abs(psr(s["sharpe_per_bar"], v.attrs["expected_max_sharpe"]) - s["dsr"]) < 1e-9, s
    g = 0.5772156649015329
    N, V = v.attrs["trials"], v.attrs["sharpe_variance"]
    from statistics import NormalDist
    q = NormalDist().inv_cdf
    sr0 = math.sqrt(V) * ((1 - g) * q(1 - 1 / N) + g * q(1 - 1 / (N * math.e)))
    assert abs(sr0 - v.attrs["expected_max_sharpe"]) < 1e-9 * max(1, sr0), (sr0, v.attrs["expected_max_sharpe"])
    assert s["bootstrap_p05"] < s["objective"] < s["bootstrap_p95"], s
    best = dict(zip(list(f["best/metrics"].attrs["columns"]), f["best/metrics"][0]))
    oos = dict(zip(list(v["metrics"].attrs["columns"]), v["metrics"][0]))
    deg = dict(zip(list(v["degradation"].attrs["columns"]), v["degradation"][0]))
    assert abs(s["objective"] - best["sharpe"]) < 1e-9 and oos["bars"] == 5036 - 3777
    assert deg["sharpe"] == oos["sharpe"] / best["sharpe"]
    w = v["walk_forward"]
    assert w.attrs["folds"] == 3 and w.attrs["mode"] == "rolling" and len(w["equity"]) == 3 * w.attrs["test_bars"] + 1
    ins = w["in_sample_metrics"][:, cols.index("returns") * 0 + list(w["in_sample_metrics"].attrs["columns"]).index("sharpe")]
    outs = w["out_of_sample_metrics"][:, list(w["out_of_sample_metrics"].attrs["columns"]).index("sharpe")]
    assert abs(w.attrs["efficiency"] - outs.mean() / ins.mean()) < 1e-12 or not ins.mean() > 0
    print(f"IS sharpe {best['sharpe']:.3f} OOS {oos['sharpe']:.3f} DSR {s['dsr']:.4f} PSR {s['psr']:.4f} "
          f"PBO {v.attrs['pbo']:.3f} bootstrap {s['bootstrap_p05']:.3f}/{s['bootstrap_p50']:.3f}/{s['bootstrap_p95']:.3f} "
          f"WFE {w.attrs['efficiency']:.3f}")
PY
# configs/validation.toml: its keys parse and its split date holds out 2010-2014.
mpi 2 evolve --config "$SOURCE_DIR/configs/validation.toml" --data "$SHARED_DATA/orcl-1995-2014.txt" --population 20 \
  --generations 2 --walk-forward-generations 1 --bootstrap-resamples 50 --out cfg.h5 --quiet || fail "configs/validation.toml"
$PYTHON -c 'import h5py, sys; v = h5py.File(sys.argv[1])["validation"]; assert v.attrs["test_period"].startswith("2010-01-04"), dict(v.attrs); assert v["walk_forward"].attrs["folds"] == 4' cfg.h5 ||
  fail "configs/validation.toml: unexpected split or folds"

"$GENEPOOL" report orcl.h5 > report.txt || fail "report failed"
for pattern in "validation \(/validation\)" "PBO 0\.[0-9]+: the in-sample winner is below the out-of-sample median [0-9]+% of the time" \
               "deflated Sharpe ratio, over each strategy's in-sample returns" "sharpe/bar +sharpe/yr +PSR +DSR" \
               "#1 DSR 0\.[0-9]+: a [0-9]+% probability" "/validation/walk_forward" "efficiency: " \
               "out of sample first: test .* \(bars 3777\.\.5036, held out\); in sample: train" \
               "sharpe OOS +IS +OOS/IS" "walk-forward, stitched out of sample \(3 rolling folds"; do
  grep -Eq -- "$pattern" report.txt || fail "the report lacks /$pattern/: $(cat report.txt)"
done
# The out-of-sample figures lead: before the convergence and the in-sample top list.
[[ $(grep -n "^out of sample first" report.txt | cut -d: -f1) -lt $(grep -n "^top strategies" report.txt | cut -d: -f1) ]] ||
  fail "the report does not lead with the out-of-sample figures"
"$GENEPOOL" report orcl.h5 --json | $PYTHON -c '
import json, sys
v = json.load(sys.stdin)["validation"]
assert "dsr" in v["tables"]["statistics"]["columns"], v.keys()
wf = [g for g in v["groups"] if g["path"] == "/validation/walk_forward"][0]
assert len(wf["tables"]["folds"]["rows"]) == 3 and wf["metrics"][0]["sharpe"] is not None
' || fail "report --json lacks the validation tables"

# 4. Bad settings: one line, status 2, before any work.
expect_failure 2 "split-date: given with test-fraction" "$GENEPOOL" evolve "${SMALL[@]}" --data data/sample.csv --test-fraction 0.2 --split-date 2008-01-01 --out x.h5
expect_failure 2 "split-date: '2008-02-30x'" "$GENEPOOL" evolve "${SMALL[@]}" --data data/sample.csv --split-date 2008-02-30x --out x.h5
expect_failure 2 "walk-forward-folds 10, .*2520 bars" mpi 2 evolve "${SMALL[@]}" --data data/sample.csv --walk-forward-folds 10 --walk-forward-test-bars 300 --out x.h5
expect_failure 2 "pbo-partitions: 7 is odd" "$GENEPOOL" evolve --data data/sample.csv --pbo-partitions 7 --out x.h5
expect_failure 2 "walk-forward-mode" "$GENEPOOL" evolve "${SMALL[@]}" --data data/sample.csv --walk-forward-mode expanding --out x.h5
[[ ! -e x.h5 && ! -e x.h5.partial ]] || fail "a failed set-up left a results file"
echo "validation: ok"
