# [ranges.NAME] end to end with the built-ins: evolve and grid search inside the narrowed bounds,
# fixed parameters never move, the ranges are printed and recorded, 1 and 2 ranks agree, and a bad
# range is one line with status 2 on every rank count.
source "$(dirname "$0")/common.bash"
cp -r "$SOURCE_DIR/data" .

cat >ranges.toml <<'TOML'
data = ["data/sample.csv"]
strategies = ["sma_crossover", "macd"]
population = 30
generations = 5
seed = 3
[ranges.sma_crossover]
fast = [5, 12]
slow = [30, 60]
[ranges.macd]
signal = 9
TOML
mpi 1 evolve --config ranges.toml --out r1.h5 >r1.txt
grep -qx "search ranges: sma_crossover.fast in \[5, 12\], sma_crossover.slow in \[30, 60\], macd.signal = 9" r1.txt ||
  fail "evolve does not print its ranges: $(head -4 r1.txt)"
mpi 2 evolve --config ranges.toml --out r2.h5 --quiet
$PYTHON "$SOURCE_DIR/tests/e2e/compare_runs.py" r1.h5 r2.h5 || fail "[ranges]: 2 ranks differ from 1"
$PYTHON "$SOURCE_DIR/tests/e2e/read_results.py" r1.h5 || fail "a run with [ranges] does not match docs/results-format.md"
$PYTHON - r1.h5 <<'PY' || fail "[ranges] not respected or not recorded"
import sys, h5py, numpy as np
with h5py.File(sys.argv[1]) as f:
    names = [n.decode() for n in f["strategies/name"][()]]
    sma, macd = names.index("sma_crossover"), names.index("macd")
    s, p = f["individuals/strategy"][()], f["individuals/params"][()]
    assert p[s == sma, 0].min() >= 5 and p[s == sma, 0].max() <= 12, "fast left [5, 12]"
    assert p[s == sma, 1].min() >= 30 and p[s == sma, 1].max() <= 60, "slow left [30, 60]"
    assert np.all(p[s == macd, 2] == 9), "macd.signal moved"
    assert len(np.unique(p[s == sma, 0])) > 1, "fast never moved inside its range"
    lo, hi = f["strategies/search_lower"][()], f["strategies/search_upper"][()]
    assert list(lo[sma, :2]) == [5, 30] and list(hi[sma, :2]) == [12, 60] and lo[macd, 2] == hi[macd, 2] == 9
    assert list(f["strategies/lower"][sma, :2]) == [2, 10], "the registry's own bounds changed"
    config = f["config"][()].decode()
    assert "ranges.macd.signal=9\n" in config, config
PY

# grid: the points inside the ranges only, and the grid takes --config too.
cat >grid.toml <<'TOML'
strategies = ["sma_crossover"]
[ranges.sma_crossover]
fast = [5, 7]
slow = [20, 23]
TOML
"$GENEPOOL" --config grid.toml grid --data data/sample.csv --out g.h5 --quiet
$PYTHON - g.h5 <<'PY' || fail "grid with [ranges]"
import sys, h5py, numpy as np
with h5py.File(sys.argv[1]) as f:
    p = f["individuals/params"][()]
    assert len(p) == 12, len(p)
    assert set(p[:, 0]) == {5, 6, 7} and set(p[:, 1]) == {20, 21, 22, 23}
PY

# A bad range: one line naming file, line, key and both ranges, status 2, on every rank count.
printf 'data = ["data/sample.csv"]\n\n[ranges.sma_crossover]\nfast = [1, 50]\n' >bad.toml
for n in 1 2 3; do
  expect_failure 2 "^genepool: error: bad.toml:4: key 'ranges.sma_crossover.fast': sma_crossover.fast = \[1, 50\] is outside the type's range \[2, 100\]$" \
    mpi $n evolve --config bad.toml --out bad.h5
  [[ $(grep -c "genepool: error" err.txt) -eq 1 ]] || fail "$n rank(s): not one error line: $(cat err.txt)"
done
expect_failure 2 "bad.toml:4: key 'ranges.sma_crossover.fast'" "$GENEPOOL" --config bad.toml grid --strategies sma_crossover --out bad.h5
printf 'ranges.macd.signl = 9\n' >typo.toml
expect_failure 2 "typo.toml:1: key 'ranges.macd.signl': macd has no parameter 'signl' \(did you mean 'signal'\?\)" \
  "$GENEPOOL" --config typo.toml evolve --data data/sample.csv --out bad.h5
# One config for every command: backtest reads evolve's file (data, execution, costs) with the same
# key checks, leaving evolve's own keys to it; the command line still overrides the file.
expect_failure 2 "typo.toml:1: key 'ranges.macd.signl': macd has no parameter 'signl'" \
  "$GENEPOOL" --config typo.toml backtest --data data/sample.csv --strategy macd
"$GENEPOOL" --config "$SOURCE_DIR/configs/default.toml" backtest --strategy macd --json > from-config.json ||
  fail "backtest --config configs/default.toml failed: $(cat err.txt 2>/dev/null)"
"$GENEPOOL" backtest --data data/sample.csv --strategy macd --execution next_open --cost 0.0005 --bars-per-year 252 \
  --json > from-options.json
cmp -s from-config.json from-options.json || fail "backtest with configs/default.toml differs from its options given"
"$GENEPOOL" --config "$SOURCE_DIR/configs/default.toml" backtest --strategy macd --cost 0.002 --json > override.json
$PYTHON -c 'import json,sys; assert json.load(open(sys.argv[1]))["cost"] == 0.002' override.json || fail "the command line does not override the config in backtest"
printf 'data = ["data/sample.csv"]\npopulaton = 8\n' > unknown.toml
expect_failure 2 "unknown.toml:2: key 'populaton': unknown key" "$GENEPOOL" --config unknown.toml backtest --strategy macd
printf 'data = ["data/sample.csv"]\nstop-loss = [0.01, 0.2]\n' > evolved.toml
expect_failure 2 "evolved.toml:2: key 'stop-loss': a range \[low, high\] evolves a value in \`genepool evolve\`; \`genepool backtest\` takes one value" \
  "$GENEPOOL" --config evolved.toml backtest --strategy macd
# Commands without settings of a run read none.
expect_failure 2 '--config: `report` reads no config file' "$GENEPOOL" --config "$SOURCE_DIR/configs/default.toml" report x.h5
echo "ranges: ok"
