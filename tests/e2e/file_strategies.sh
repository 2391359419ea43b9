# File strategies and [ranges] end to end: the example strategies evolve under mpirun from a config
# naming their file, identically for 1, 2 and 3 ranks, respecting [ranges]; the best replays bit
# for bit from its exported spec with the strategy file moved away, and a spec is refused when
# --strategy-file defines the same name differently; `strategies` lists them; check-strategy passes
# them; bad strategy files and bad [ranges] give one line and status 2 on every rank count, no hang.
source "$(dirname "$0")/common.bash"
cp -r "$SOURCE_DIR/configs" "$SOURCE_DIR/data" "$SOURCE_DIR/strategies" .

# `strategies` lists the built-ins and the file's strategies with their rules and file.
"$GENEPOOL" strategies --strategy-file strategies/examples.toml >list.txt
grep -q "^keltner_breakout — .*(strategies/examples.toml:1)" list.txt || fail "strategies: keltner_breakout missing"
grep -Eq "^ +position +close > sma\(close, trend\) and rsi\(close, 14\) < upper$" list.txt ||
  fail "strategies: trend_filter_rsi's rule missing"
"$GENEPOOL" strategies --json --strategy-file strategies/examples.toml | $PYTHON -c '
import json, sys
types = {t["name"]: t for t in json.load(sys.stdin)}
k = types["keltner_breakout"]
assert k["kind"] == "file" and k["file"] == "strategies/examples.toml" and k["line"] == 1, k
assert [r["rule"] for r in k["rules"]] == ["long_entry", "long_exit"], k["rules"]
assert types["sma_crossover"]["kind"] == "built-in" and "rules" not in types["sma_crossover"]
' || fail "strategies --json"

# check-strategy passes the examples, on the sample and on real data; one verdict line each.
"$GENEPOOL" check-strategy strategies/examples.toml --data "$SHARED_DATA/GOOG.csv" >check.txt ||
  fail "check-strategy refused the examples: $(cat check.txt)"
[[ $(grep -c ": pass: no look-ahead in " check.txt) -eq 2 ]] || fail "check-strategy verdicts: $(cat check.txt)"

# The example config under 1, 2 and 3 ranks: one result.
run=(--config configs/file-strategies.toml --population 24 --generations 4 --quiet --force)
for n in 1 2 3; do mpi $n evolve "${run[@]}" --out fs$n.h5; done
for n in 2 3; do
  $PYTHON "$SOURCE_DIR/tests/e2e/compare_runs.py" fs1.h5 fs$n.h5 || fail "file strategies: fs$n.h5 differs from fs1.h5"
done
$PYTHON "$SOURCE_DIR/tests/e2e/read_results.py" fs1.h5 || fail "file-strategy results do not match docs/results-format.md"
$PYTHON - fs1.h5 strategies/examples.toml <<'PY' || fail "file strategies in the results file"
import hashlib, sys, h5py, numpy as np
with h5py.File(sys.argv[1]) as f:
    names = [n.decode() for n in f["strategies/name"][()]]
    k, t = names.index("keltner_breakout"), names.index("trend_filter_rsi")
    source = f["strategies/source"][k].decode()
    assert source.startswith("[keltner_breakout]"), source
    assert f["strategies/source_sha256"][k].decode() == hashlib.sha256(source.encode()).hexdigest()
    assert f["strategies/source_file"][k].decode().endswith("strategies/examples.toml")
    assert f["strategies/source"][0] in (b"", ""), "a built-in has no source"
    # [ranges]: period in [10, 60], upper fixed at 70, recorded and respected.
    assert list(f["strategies/search_lower"][k, :2]) == [10, 0.5] and f["strategies/search_upper"][k, 0] == 60
    assert f["strategies/search_lower"][t, 1] == 70 == f["strategies/search_upper"][t, 1]
    s, p = f["individuals/strategy"][()], f["individuals/params"][()]
    assert set(np.unique(s)) == {k, t}, set(np.unique(s))
    assert p[s == k, 0].min() >= 10 and p[s == k, 0].max() <= 60
    assert np.all(p[s == t, 1] == 70)
    config = f["config"][()].decode()
    assert "ranges.keltner_breakout.period=[10, 60]\n" in config and "ranges.trend_filter_rsi.upper=70\n" in config
PY

# The best replays bit for bit from its spec without the strategy file.
"$GENEPOOL" export fs1.h5 --top 3 --out best.json
mv strategies moved-away
"$GENEPOOL" backtest --spec best.json --data data/sample.csv --json >replay.json
$PYTHON - replay.json <<'PY' || fail "the spec did not replay exactly without the strategy file"
import json, sys
replayed = json.load(open(sys.argv[1]))["strategies"]
assert len(replayed) == 3 and all(r["matches_spec"] for r in replayed), replayed
PY
# A --strategy-file defining a spec's strategy differently is refused with one line.
sed 's/^description = "/description = "edited: /' moved-away/examples.toml >other.toml  # both strategies differ
name=$($PYTHON -c 'import json; print(json.load(open("best.json"))["strategies"][0]["strategy"])')
expect_failure 2 "best.json: strategies\[0\]\.source: strategy '$name' is defined differently in other.toml:[0-9]+ \(given with --strategy-file\)" \
  "$GENEPOOL" backtest --spec best.json --data data/sample.csv --strategy-file other.toml
# The identical file is accepted.
"$GENEPOOL" backtest --spec best.json --data data/sample.csv --strategy-file moved-away/examples.toml --json >/dev/null ||
  fail "an identical --strategy-file was refused"
mv moved-away strategies

# Bad strategy files and bad [ranges]: one line, status 2, for every rank count, no hang.
printf '[broken]\nparams.n = { type = "int", min = 2, max = 50, default = 10 }\nposition = "close > emaa(close, n)"\n' >bad.toml
printf 'ranges.keltner_breakout.period = [1, 60]\n' >bad-ranges.toml
for n in 1 2 3; do
  expect_failure 2 "^genepool: error: bad.toml:3: strategy 'broken': position, column [0-9]+: unknown function 'emaa' \(did you mean 'ema'\?\)" \
    mpi $n evolve --strategy-file bad.toml --data data/sample.csv --out bad.h5 --quiet
  [[ $(grep -c "genepool: error" err.txt) -eq 1 ]] || fail "$n rank(s): not one error line: $(cat err.txt)"
  expect_failure 2 "bad-ranges.toml:1: key 'ranges.keltner_breakout.period': keltner_breakout.period = \[1, 60\] is outside the type's range \[5, 200\]" \
    mpi $n evolve --config bad-ranges.toml --strategy-file strategies/examples.toml --data data/sample.csv --out bad.h5 --quiet
  [[ ! -e bad.h5 ]] || fail "a refused run left bad.h5"
done
printf 'ranges.keltner_breakot.period = 10\n' >typo.toml
expect_failure 2 "typo.toml:1: key 'ranges.keltner_breakot': unknown strategy type 'keltner_breakot' \(did you mean 'keltner_breakout'\?\)" \
  "$GENEPOOL" --config typo.toml evolve --strategy-file strategies/examples.toml --data data/sample.csv --out bad.h5
echo "file strategies: ok"
