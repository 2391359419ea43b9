# `genepool evolve` end to end under mpirun: identical results for 1, 2 and 3 ranks (and without
# mpirun), a valid documented HDF5 file, the best strategy replayed exactly by `backtest`,
# refusal to overwrite, bad configs, and a failing rank that ends the job without a hang.
source "$(dirname "$0")/common.bash"
cp -r "$SOURCE_DIR/configs" "$SOURCE_DIR/data" .
small=(--config configs/default.toml --population 40 --generations 4 --quiet)

mpi 1 evolve "${small[@]}" --out n1.h5
mpi 2 evolve "${small[@]}" --out n2.h5
mpi 3 evolve "${small[@]}" --out n3.h5
"$GENEPOOL" evolve "${small[@]}" --out plain.h5
for run in n2 n3 plain; do
  $PYTHON "$SOURCE_DIR/tests/e2e/compare_runs.py" n1.h5 $run.h5 || fail "$run.h5 differs from n1.h5"
done
$PYTHON - n1.h5 n2.h5 n3.h5 <<'PY'
import sys, h5py
for path, ranks in zip(sys.argv[1:], (1, 2, 3)):
    with h5py.File(path) as f:
        assert f.attrs["ranks"] == ranks, (path, f.attrs["ranks"])
PY

# The evaluation cache changes the work, never the results; the file counts both.
mpi 3 evolve "${small[@]}" --out no-cache.h5 --no-cache
$PYTHON "$SOURCE_DIR/tests/e2e/compare_runs.py" n1.h5 no-cache.h5 || fail "--no-cache changed the results"
$PYTHON - n1.h5 no-cache.h5 <<'PY' || fail "cache counts"
import sys, h5py
with h5py.File(sys.argv[1]) as cached, h5py.File(sys.argv[2]) as plain:
    hits = cached["generations/cache_hits"][()]
    assert hits.sum() > 0, "the cached run had no cache hits"
    assert cached["summary"].attrs["evaluated_total"] + hits.sum() == cached["summary"].attrs["evaluations_total"]
    assert plain["generations/cache_hits"][()].sum() == 0
    assert (plain["generations/evaluated"][()] == plain["generations/evaluations"][()]).all()
PY
$PYTHON "$SOURCE_DIR/tests/e2e/read_results.py" no-cache.h5 || fail "no-cache.h5 fails the layout check"

# A different seed gives a different run (the comparison can fail).
mpi 2 evolve "${small[@]}" --out other-seed.h5 --seed 43
$PYTHON "$SOURCE_DIR/tests/e2e/compare_runs.py" n1.h5 other-seed.h5 2>/dev/null && fail "seeds 42 and 43 gave identical runs"

# The full default job: its file passes the documented layout check and h5dump reads it.
mpi 2 evolve --config configs/default.toml --out default.h5 > default.log
grep -q "results: default.h5" default.log || fail "the run does not say where its results are"
$PYTHON "$SOURCE_DIR/tests/e2e/read_results.py" default.h5 || fail "default.h5 fails the layout check"
h5dump -H default.h5 > /dev/null || fail "h5dump cannot read default.h5"
h5dump -d /generations/best default.h5 > /dev/null || fail "h5dump cannot read /generations/best"

# The best strategy, replayed by `genepool backtest`, has exactly the stored metrics.
$PYTHON "$SOURCE_DIR/tests/e2e/replay_best.py" "$GENEPOOL" default.h5 data/sample.csv || fail "replay of the best strategy"

# Real data: three stocks aligned on common dates.
mpi 2 evolve --config configs/real-stocks.toml --data "$SHARED_DATA/orcl-1995-2014.txt" \
  "$SHARED_DATA/nvda-1999-2014.txt" "$SHARED_DATA/yhoo-1996-2014.txt" --generations 8 --out real.h5 --quiet
$PYTHON "$SOURCE_DIR/tests/e2e/read_results.py" real.h5 || fail "real.h5 fails the layout check"
$PYTHON "$SOURCE_DIR/tests/e2e/replay_best.py" "$GENEPOOL" real.h5 "$SHARED_DATA/orcl-1995-2014.txt" \
  "$SHARED_DATA/nvda-1999-2014.txt" "$SHARED_DATA/yhoo-1996-2014.txt" || fail "replay on real data"

# An existing results file is kept unless --force.
before=$(sha256sum n1.h5)
expect_failure 4 "n1.h5.*--force" mpi 2 evolve "${small[@]}" --out n1.h5
[[ $(sha256sum n1.h5) == "$before" ]] || fail "n1.h5 was changed without --force"
mpi 2 evolve "${small[@]}" --out n1.h5 --force --seed 43
$PYTHON "$SOURCE_DIR/tests/e2e/compare_runs.py" other-seed.h5 n1.h5 || fail "--force did not replace n1.h5"

# TOML as TOML reads it: a '#' inside a string, a multi-line string, digit separators, a byte-order mark.
printf '\xEF\xBB\xBFdata = ["data/sample.csv"]\nout = "x#y.h5"\npopulation = 1_0\ngenerations = 1\nquiet = true\n' > toml.toml
"$GENEPOOL" evolve --config toml.toml || fail "toml.toml was refused"
printf 'data = ["data/sample.csv"]\nout = """m.h5"""\npopulation = 4\ngenerations = 1\nquiet = true\n' > multiline.toml
"$GENEPOOL" evolve --config multiline.toml || fail "multiline.toml was refused"
[[ -f 'x#y.h5' && -f m.h5 ]] || fail "out = \"x#y.h5\" and out = \"\"\"m.h5\"\"\" did not write x#y.h5 and m.h5: $(ls)"
$PYTHON - <<'EOF2' || fail "population = 1_0 was not read as 10"
import h5py
assert int(h5py.File("x#y.h5")["config"].attrs["population"]) == 10
EOF2

# Bad configs: one line naming the file, line and key; status 2; on 3 ranks, printed once.
printf 'data = ["data/sample.csv"]\npopulaton = 10\n' > typo.toml
expect_failure 2 "typo.toml:2: key 'populaton': unknown key" mpi 3 evolve --config typo.toml --out x.h5
[[ $(grep -c error err.txt) -eq 1 ]] || fail "the error is printed $(grep -c error err.txt) times"
printf 'data = ["data/sample.csv"]\npopulation = 1\n' > range.toml
expect_failure 2 "range.toml:2: key 'population'.*2" mpi 2 evolve --config range.toml --out x.h5
printf 'data = ["data/sample.csv"]\npopulation = "many"\n' > type.toml
expect_failure 2 "type.toml:2: key 'population'" mpi 2 evolve --config type.toml --out x.h5
printf 'data = ["data/sample.csv"]\nobjective = "sharp"\n' > choice.toml
expect_failure 2 "choice.toml:2: key 'objective'.*sharpe" mpi 2 evolve --config choice.toml --out x.h5
expect_failure 2 "unknown strategy 'nope'" mpi 3 evolve "${small[@]}" --strategies sma_crossover,nope --out x.h5
[[ ! -e x.h5 ]] || fail "a failed run left x.h5"

# Bad data found on rank 0 ends every rank with the data status, no hang.
printf 'Date,Open,High,Low,Close,Volume\n2020-01-01,1,2,0.5,1,10\n2020-01-02,1,2,0.5\n' > ragged.csv
expect_failure 3 "ragged.csv:3" mpi 3 evolve "${small[@]}" --data ragged.csv --out x.h5
[[ ! -e x.h5 && ! -e x.h5.partial ]] || fail "a failed run left a results file"

# A rank that fails during the run ends the whole job (no rank left waiting) and leaves no file.
start=$SECONDS
export GENEPOOL_FAIL_RANK=1
expect_failure 1 "rank 1.*injected failure" mpi 3 evolve "${small[@]}" --out x.h5
unset GENEPOOL_FAIL_RANK
(( SECONDS - start < 120 )) || fail "the failing-rank job took $((SECONDS - start)) s"
[[ ! -e x.h5 ]] || fail "a failed run left x.h5"

# A closed stdout (`| head -1`) does not end the run: it exits 0 with its results (docs/errors.md).
"$GENEPOOL" evolve --config configs/default.toml --population 40 --generations 6 --out piped.h5 | head -1 >head.txt
[[ ${PIPESTATUS[0]} -eq 0 ]] || fail "evolve | head: status ${PIPESTATUS[0]}"
[[ -s head.txt && -f piped.h5 && ! -e piped.h5.partial ]] || fail "evolve | head: no results"
$PYTHON "$SOURCE_DIR/tests/e2e/read_results.py" piped.h5 >/dev/null || fail "evolve | head: piped.h5 fails the layout check"
echo "evolve: ok"
