# `genepool collect`: the best strategies of several runs in one spec and CSV, best first, each
# naming its run, replayed exactly by `backtest --spec`; --top per run; clear errors for a missing
# or incomplete file and for runs of different objectives. (tests/e2e/slurm.sh runs it as the
# collect step of a job array.)
source "$(dirname "$0")/common.bash"
cp -r "$SOURCE_DIR/configs" "$SOURCE_DIR/data" .
small=(--config configs/default.toml --population 40 --generations 3 --top 3 --quiet)
for seed in 1 2; do "$GENEPOOL" evolve "${small[@]}" --seed $seed --out s$seed.h5 2>/dev/null; done

"$GENEPOOL" collect s1.h5 s2.h5 --out best.json --csv best.csv > out.txt || fail "collect failed"
grep -q "collected 6 strategies of 2 runs into best.json and best.csv" out.txt || fail "collect printed: $(cat out.txt)"
"$GENEPOOL" collect s1.h5 s2.h5 --top 1 --out top1.json > /dev/null || fail "collect --top 1 failed"
$PYTHON - <<'PY' || fail "best.json / best.csv / top1.json"
import csv, json, h5py
spec = json.load(open("best.json"))
assert spec["format"] == "genepool-strategy-spec" and spec["format_version"] == 1
assert [r["results"] for r in spec["source"]["runs"]] == ["s1.h5", "s2.h5"] and spec["source"]["objective"] == "sharpe"
strategies = spec["strategies"]
expected = []
for seed in (1, 2):
    with h5py.File(f"s{seed}.h5") as f:
        for k in range(3):
            expected.append((float(f["best/fitness"][k]), f"s{seed}.h5", seed, k + 1, f["best/strategy_name"].asstr()[k]))
expected.sort(key=lambda e: -e[0])  # stable: ties keep run order
got = [(s["fitness"], s["run"]["results"], s["run"]["seed"], s["run"]["rank"], s["strategy"]) for s in strategies]
assert got == expected, (got, expected)
assert [s["rank"] for s in strategies] == [1, 2, 3, 4, 5, 6]
rows = list(csv.DictReader(open("best.csv")))
assert [(float(r["fitness"]), r["results"], int(r["seed"]), int(r["run_rank"]), r["strategy"]) for r in rows] == expected
assert float(rows[0]["sharpe"]) == strategies[0]["metrics"]["sharpe"]
top1 = json.load(open("top1.json"))["strategies"]
assert sorted((s["run"]["results"], s["run"]["rank"]) for s in top1) == [("s1.h5", 1), ("s2.h5", 1)], top1
PY
"$GENEPOOL" backtest --spec best.json --data data/sample.csv --json > replay.json 2>/dev/null || fail "replay failed"
$PYTHON -c '
import json, sys
replay = json.load(open("replay.json"))["strategies"]
sys.exit(0 if len(replay) == 6 and all(s["matches_spec"] for s in replay) else 1)' || fail "best.json does not replay exactly"

expect_failure 4 "missing.h5: no such file" "$GENEPOOL" collect s1.h5 missing.h5 --out x.json
"$GENEPOOL" evolve "${small[@]}" --objective sortino --out sortino.h5 2>/dev/null
expect_failure 2 "sortino.h5: objective sortino differs from s1.h5's sharpe" "$GENEPOOL" collect s1.h5 sortino.h5 --out x.json
expect_failure 2 "--out is required" "$GENEPOOL" collect s1.h5
$PYTHON - <<'PY'
import h5py, shutil
shutil.copy("s1.h5", "partial.h5")
with h5py.File("partial.h5", "a") as f:
    del f["best"]
    f.attrs["status"] = "running"
PY
expect_failure 4 "partial.h5: has no /best strategies \(status running\)" "$GENEPOOL" collect s1.h5 partial.h5 --out x.json
[[ ! -e x.json && ! -e x.json.partial ]] || fail "a failed collect left a file"

# Runs over other data, or over another window of the same data, are refused unless --mixed; then
# each row names its data.
"$GENEPOOL" synth --out other.csv --bars 1500 --seed 3 > /dev/null
"$GENEPOOL" evolve "${small[@]}" --data other.csv --out other.h5 2>/dev/null
"$GENEPOOL" evolve "${small[@]}" --test-fraction 0.3 --out split.h5 2>/dev/null
expect_failure 2 "other.h5: its fitness was measured on other.csv [0-9a-f]{12}, all 1500 bars, s1.h5's on sample.csv" \
  "$GENEPOOL" collect s1.h5 other.h5 --out x.json
expect_failure 2 "split.h5: its fitness was measured on sample.csv [0-9a-f]{12}, bars 0\.\.[0-9]+ of [0-9]+ \(train\)" \
  "$GENEPOOL" collect s1.h5 split.h5 --out x.json
[[ ! -e x.json ]] || fail "a refused collect left a file"
"$GENEPOOL" collect s1.h5 other.h5 split.h5 --mixed --top 1 --out mixed.json --csv mixed.csv > /dev/null ||
  fail "collect --mixed failed"
$PYTHON - <<'PY' || fail "mixed.json / mixed.csv lack the data labels"
import csv, json
rows = list(csv.DictReader(open("mixed.csv")))
labels = {r["results"]: r["data"] for r in rows}
assert "all 1500 bars" in labels["other.h5"] and labels["other.h5"].startswith("other.csv ")
assert "(train)" in labels["split.h5"] and labels["s1.h5"].startswith("sample.csv ")
spec = json.load(open("mixed.json"))
assert {s["run"]["results"]: s["run"]["data"] for s in spec["strategies"]} == labels
PY
