# Islands, polishing the elite, robust fitness and restarts end to end: identical results under
# mpirun with 1, 2 and 3 ranks, a valid file with the per-island and polish columns, `report` showing
# raw and robust fitness, a run stopped by a signal mid-run resumed bit-identical (checkpoint.sh
# style), an old checkpoint refused with one line, and bad settings refused naming the key.
source "$(dirname "$0")/common.bash"
cp -r "$SOURCE_DIR/configs" "$SOURCE_DIR/data" .
settings=(--config configs/default.toml --population 36 --generations 8 --islands 3 --migration-interval 2
          --migration-topology fully-connected --restart-stagnation 3 --polish-interval 3 --polish-share 0.3
          --robustness mean)
search=("${settings[@]}" --quiet)

mpi 1 evolve "${search[@]}" --out n1.h5
mpi 2 evolve "${search[@]}" --out n2.h5
mpi 3 evolve "${search[@]}" --out n3.h5
for run in n2 n3; do
  $PYTHON "$SOURCE_DIR/tests/e2e/compare_runs.py" n1.h5 $run.h5 || fail "$run.h5 differs from n1.h5"
done
$PYTHON "$SOURCE_DIR/tests/e2e/read_results.py" n1.h5 || fail "n1.h5 fails the layout check"
$PYTHON - n1.h5 n3.h5 <<'PY' || fail "island, polish and robustness columns"
import sys, h5py, numpy as np
with h5py.File(sys.argv[1]) as a, h5py.File(sys.argv[2]) as b:
    g = a["generations"]
    assert list(g["island_starts"][()]) == [0, 12, 24, 36]
    assert g["island_best"].shape == (9, 3)
    assert g["polish_scored"][3] > 0 and g["polish_scored"][6] > 0 and g["polish_scored"][8] > 0
    assert g["polish_scored"][1] == 0 and g["polish_scored"][4] == 0
    assert g["migrants"][()].sum() > 0
    assert a["summary"].attrs["polish_scored_total"] == g["polish_scored"][()].sum()
    assert len(a["polish/fitness"]) == a["summary"].attrs["polish_scored_total"]
    # The robust fitness is a mean over the neighbourhood: somewhere it differs from the raw one.
    raw, fit = a["individuals/raw_fitness"][()], a["individuals/fitness"][()]
    assert (raw != fit).any()
    assert "raw_fitness" in a["best"]
    for name in ("polish/params", "polish/fitness", "polish/raw_fitness", "generations/island_best",
                 "generations/polish_evaluated", "generations/evaluations"):
        assert np.array_equal(a[name][()], b[name][()]), name
PY
"$GENEPOOL" report n1.h5 > report.txt || fail "report cannot read n1.h5"
grep -Eq "fitness +raw" report.txt || fail "report shows no raw fitness beside the robust one: $(cat report.txt)"

# Stopped by SIGUSR1 on mpirun while rank 1 is held in batch 6 (generations 0-2 are batches 0-2;
# generation 3 is its batch and the polish's), resumed on another rank count: identical to the
# uninterrupted run.
GENEPOOL_HANG_RANK=1 GENEPOOL_HANG_BATCH=6 GENEPOOL_HANG_SECONDS=3 setsid \
  mpirun --allow-run-as-root --oversubscribe -n 2 "$GENEPOOL" evolve "${settings[@]}" --out s.h5 \
  >run.log 2>run.log.err &
run_pid=$!
for ((i = 0; i < 1200; i++)); do
  grep -Eq "^gen +2/8" run.log 2>/dev/null && break
  kill -0 "$run_pid" 2>/dev/null || fail "the run ended early: $(cat run.log.err)"
  sleep 0.1
done
kill -USR1 "$run_pid"
status=0
wait "$run_pid" || status=$?
[[ $status -eq 75 ]] || fail "the stopped run exited $status: $(cat run.log.err)"
[[ -e s.h5.checkpoint && ! -e s.h5 ]] || fail "no checkpoint after the stop: $(ls s.h5*)"
mpi 3 evolve "${search[@]}" --out s.h5 --resume s.h5.checkpoint
$PYTHON "$SOURCE_DIR/tests/e2e/compare_runs.py" n1.h5 s.h5 || fail "the stopped and resumed run differs from n1.h5"
$PYTHON - n1.h5 s.h5 <<'PY' || fail "counts of the resumed run"
import sys, h5py, numpy as np
with h5py.File(sys.argv[1]) as a, h5py.File(sys.argv[2]) as b:
    for name in ("evaluated", "cache_hits", "evaluations", "polish_scored", "migrants", "restarts"):
        assert np.array_equal(a["generations"][name][()], b["generations"][name][()]), name
    assert np.array_equal(a["polish/params"][()], b["polish/params"][()])
PY

# A checkpoint written before islands and polishing (no polish-share among its settings) is refused.
$PYTHON - s.h5 old.h5.checkpoint <<'PY'
import sys, h5py, numpy as np
# A minimal checkpoint as an older genepool wrote it: the settings without the new keys.
with h5py.File(sys.argv[2], "w") as f:
    f.attrs["format"] = "genepool-checkpoint"
    f.attrs["format_version"] = np.int32(1)
    f.attrs["genepool_version"] = "0.9.0"
    f.attrs["git_revision"] = "old"
    f.attrs["generations"] = np.uint64(1)
    f.attrs["seed"] = np.uint64(42)
    s = f.create_group("settings")
    s["key"] = np.array([b"population"])
    s["value"] = np.array([b"36"])
    i = f.create_group("inputs")
    i["path"] = np.array([b"data/sample.csv"]); i["sha256"] = np.array([b"0" * 64]); i["bytes"] = np.array([1], np.uint64)
    l = f.create_group("log")
    for name in ("batch_size",): l[name] = np.zeros(0, np.uint64)
    for name in ("evaluate_seconds", "communicate_seconds", "imbalance"): l[name] = np.zeros(0)
    l["strategy"] = np.zeros(0, np.uint32); l["params"] = np.zeros((0, 4)); l["status"] = np.zeros(0, np.int32)
    l["metrics"] = np.zeros((0, 18))
    h = f.create_group("history")
    for name in ("best", "operator_seconds", "elapsed_seconds"): h[name] = np.zeros(1)
PY
expect_failure 2 "resume: old.h5.checkpoint was written by genepool 0.9.0, before islands and polishing" \
  "$GENEPOOL" evolve "${search[@]}" --out old.h5 --resume old.h5.checkpoint

# The default number of islands: 4, fewer for a small population or a large tournament; recorded.
"$GENEPOOL" evolve --config configs/default.toml --generations 1 --quiet --out d200.h5
"$GENEPOOL" evolve --config configs/default.toml --generations 1 --population 100 --tournament-size 30 --quiet --out d100.h5
"$GENEPOOL" evolve --config configs/default.toml --generations 1 --population 40 --quiet --out d40.h5
$PYTHON - <<'PY' || fail "default islands"
import h5py
for name, islands in (("d200.h5", 4), ("d100.h5", 3), ("d40.h5", 1)):
    with h5py.File(name) as f:
        assert f["config"].attrs["islands"] == islands, (name, f["config"].attrs["islands"])
        assert f"islands={islands}" in f["config"][()].decode(), name
        assert len(f["generations/island_starts"]) == islands + 1, name
PY

# Bad settings: one line naming the key.
small=(--config configs/default.toml --population 36)
expect_failure 2 "islands = 19 is outside \[1, 18\]" "$GENEPOOL" evolve "${small[@]}" --islands 19 --out x.h5
expect_failure 2 "migrants = 12 is outside \[1, 11\]" "$GENEPOOL" evolve "${small[@]}" --islands 3 --migrants 12 --out x.h5
expect_failure 2 "robustness = mean works with mode = ga only" "$GENEPOOL" evolve --config configs/default.toml \
  --mode nsga2 --robustness mean --out x.h5
expect_failure 2 "islands = 2 works with mode = ga only" "$GENEPOOL" evolve --config configs/default.toml \
  --mode nsga2 --islands 2 --out x.h5
expect_failure 2 "migration-topology" "$GENEPOOL" evolve "${small[@]}" --migration-topology star --out x.h5
