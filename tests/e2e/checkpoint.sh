# Checkpoint and resume end to end under mpirun: runs stopped by signals (on mpirun, on one rank,
# on a plain process) exit 75 with a valid checkpoint and no results; resumed (on other rank counts,
# several times) they end bit-identical to an uninterrupted run; so does a run killed with SIGKILL
# mid-generation, resumed from its last periodic checkpoint. Resume refuses other data or settings
# and unreadable checkpoints. Runs are held in a generation with GENEPOOL_HANG_* (src/parallel/parallel.cpp)
# so that each signal lands where the test says.
source "$(dirname "$0")/common.bash"
cp -r "$SOURCE_DIR/configs" "$SOURCE_DIR/data" .
# Polished only at the end (polish-interval beyond the 12 generations), so that GENEPOOL_HANG_BATCH
# counts generations; tests/e2e/islands.sh stops and resumes a run that polishes mid-run.
base=(--config configs/default.toml --population 40 --polish-interval 20)
small=("${base[@]}" --generations 12)

mpi 2 evolve "${small[@]}" --quiet --out ref.h5
[[ ! -e ref.h5.checkpoint ]] || fail "a completed run left its checkpoint"

# start_run LOG COMMAND...: runs COMMAND in the background in its own process group; sets $run_pid.
# The logs are emptied first: wait_for must not find a line of the previous run in them.
start_run() {
  local log=$1; shift
  : >"$log"
  : >"$log.err"
  setsid "$@" >"$log" 2>"$log.err" &
  run_pid=$!
}
# wait_for PATTERN LOG: waits (at most 120 s) until LOG has a line matching PATTERN.
wait_for() {
  local i
  for ((i = 0; i < 1200; i++)); do
    grep -Eq -- "$1" "$2" 2>/dev/null && return 0
    kill -0 "$run_pid" 2>/dev/null || fail "the run ended before printing /$1/: $(cat "$2.err")"
    sleep 0.1
  done
  fail "no line /$1/ in $2 after 120 s"
}
# finish_run STATUS: waits (at most 120 s) for the background run, which must exit with STATUS.
finish_run() {
  local got=0 i
  for ((i = 0; i < 1200; i++)); do
    kill -0 "$run_pid" 2>/dev/null || break
    sleep 0.1
  done
  kill -0 "$run_pid" 2>/dev/null && { kill -KILL -- "-$run_pid"; fail "the run did not end within 120 s"; }
  wait "$run_pid" || got=$?
  [[ $got -eq $1 ]] || fail "expected status $1, got $got"
}
# rank_pid RANK: the process of that rank among mpirun's children.
rank_pid() {
  local pid
  for pid in $(pgrep -P "$run_pid"); do
    tr '\0' '\n' < /proc/$pid/environ | grep -qx "OMPI_COMM_WORLD_RANK=$1" && { echo "$pid"; return; }
  done
  fail "no process of rank $1 under mpirun $run_pid"
}
# checkpoint_generations FILE: the generations a checkpoint has completed.
checkpoint_generations() {
  $PYTHON -c 'import sys, h5py; print(int(h5py.File(sys.argv[1]).attrs["generations"]))' "$1"
}
# stopped RUN: a stopped run left a readable checkpoint, and neither results nor a partial file.
stopped() {
  [[ -e $1.checkpoint && ! -e $1 && ! -e $1.partial && ! -e $1.checkpoint.partial ]] ||
    fail "after the stop: $(ls "$1"*)"
  grep -q "checkpoint $1.checkpoint" run.log.err || fail "no word of the checkpoint: $(cat run.log.err)"
}
mpirun_cmd=(mpirun --allow-run-as-root --oversubscribe)

# 1. SIGUSR1 to mpirun (forwarded to every rank) while rank 1 is held in generation 3.
GENEPOOL_HANG_RANK=1 GENEPOOL_HANG_BATCH=3 GENEPOOL_HANG_SECONDS=3 \
  start_run run.log "${mpirun_cmd[@]}" -n 2 "$GENEPOOL" evolve "${small[@]}" --out a.h5
wait_for "^gen +2/12" run.log
kill -USR1 "$run_pid"
finish_run 75
stopped a.h5
first=$(checkpoint_generations a.h5.checkpoint)
(( first >= 3 && first < 12 )) || fail "stopped after $first generations"

# 2. Resumed on 3 ranks, SIGTERM to rank 2 alone (as srun delivers it, one task at a time).
GENEPOOL_HANG_RANK=2 GENEPOOL_HANG_BATCH=2 GENEPOOL_HANG_SECONDS=3 \
  start_run run.log "${mpirun_cmd[@]}" -n 3 "$GENEPOOL" evolve "${small[@]}" --out a.h5 --resume a.h5.checkpoint
wait_for "^gen +$((first + 1))/12" run.log
grep -q "^gen +$((first - 1))/12" run.log && fail "replayed generations were shown as progress"
kill -TERM "$(rank_pid 2)"
finish_run 75
stopped a.h5
second=$(checkpoint_generations a.h5.checkpoint)
(( second > first && second < 12 )) || fail "second stop after $second generations (first $first)"

# 3. Resumed as a plain process (one rank), SIGINT while rank 0 is held.
GENEPOOL_HANG_RANK=0 GENEPOOL_HANG_BATCH=1 GENEPOOL_HANG_SECONDS=3 \
  start_run run.log "$GENEPOOL" evolve "${small[@]}" --out a.h5 --resume a.h5.checkpoint
wait_for "^gen +$second/12" run.log
kill -INT "$run_pid"
finish_run 75
stopped a.h5
third=$(checkpoint_generations a.h5.checkpoint)
(( third > second && third < 12 )) || fail "third stop after $third generations (second $second)"

# 4. Resumed to the end on 2 ranks: identical to the uninterrupted run; the checkpoint is gone.
cp a.h5.checkpoint stopped.checkpoint
mpi 2 evolve "${small[@]}" --quiet --out a.h5 --resume a.h5.checkpoint
$PYTHON "$SOURCE_DIR/tests/e2e/compare_runs.py" ref.h5 a.h5 || fail "the thrice-stopped run differs from ref.h5"
$PYTHON "$SOURCE_DIR/tests/e2e/read_results.py" a.h5 || fail "a.h5 fails the layout check"
[[ ! -e a.h5.checkpoint && ! -e a.h5.partial ]] || fail "the completed run left $(ls a.h5.*)"
$PYTHON - ref.h5 a.h5 <<'PY' || fail "counts of the resumed run"
import sys, h5py
with h5py.File(sys.argv[1]) as a, h5py.File(sys.argv[2]) as b:
    for name in ("evaluated", "cache_hits", "evaluations"):
        assert (a["generations"][name][()] == b["generations"][name][()]).all(), name
    for key in ("evaluations_total", "evaluated_total", "cache_hits_total"):
        assert a["summary"].attrs[key] == b["summary"].attrs[key], key
    elapsed = b["generations/elapsed_seconds"][()]
    assert (elapsed[1:] >= elapsed[:-1]).all(), elapsed
PY

# 5. SIGKILL of the whole job mid-generation 7 (rank 1 never answers): resume from generation 6's
#    periodic checkpoint.
GENEPOOL_HANG_RANK=1 GENEPOOL_HANG_BATCH=7 \
  start_run run.log "${mpirun_cmd[@]}" -n 3 "$GENEPOOL" evolve "${small[@]}" --out k.h5 --checkpoint-every 3
wait_for "^gen +6/12" run.log
for ((i = 0; i < 100; i++)); do
  [[ -e k.h5.checkpoint && $(checkpoint_generations k.h5.checkpoint) == 7 ]] && break
  sleep 0.1
done
kill -KILL -- "-$run_pid"
wait "$run_pid" || true
# The ranks are mpirun's children but not always in its process group: they die when they notice
# mpirun is gone. Kill what is left, and wait until none holds k.h5.partial open.
for ((i = 0; i < 100; i++)); do
  pkill -KILL -f -- "--out k.h5 --checkpoint-every" || break
  sleep 0.1
done
[[ $(checkpoint_generations k.h5.checkpoint) == 7 ]] || fail "no periodic checkpoint of generation 6"
cp k.h5.checkpoint killed.checkpoint
mpi 2 evolve "${small[@]}" --quiet --out k.h5 --resume k.h5.checkpoint
$PYTHON "$SOURCE_DIR/tests/e2e/compare_runs.py" ref.h5 k.h5 || fail "the killed and resumed run differs from ref.h5"

# 6. More generations than the checkpoint's run: equal to an uninterrupted run of as many.
mpi 2 evolve "${base[@]}" --generations 15 --quiet --out ref15.h5
cp killed.checkpoint more.h5.checkpoint
mpi 3 evolve "${base[@]}" --generations 15 --quiet --out more.h5 --resume more.h5.checkpoint
$PYTHON "$SOURCE_DIR/tests/e2e/compare_runs.py" ref15.h5 more.h5 || fail "resumed with more generations differs"

# 6b. With validation on (a train/test split and walk-forward folds), a run stopped and resumed on
#     another rank count has the same evolution and the same /validation as an uninterrupted one.
val=("${small[@]}" --test-fraction 0.2 --walk-forward-folds 2 --walk-forward-generations 2)
mpi 2 evolve "${val[@]}" --quiet --out vref.h5
GENEPOOL_HANG_RANK=1 GENEPOOL_HANG_BATCH=3 GENEPOOL_HANG_SECONDS=3 \
  start_run run.log "${mpirun_cmd[@]}" -n 2 "$GENEPOOL" evolve "${val[@]}" --out v.h5
wait_for "^gen +2/12" run.log
kill -USR1 "$run_pid"
finish_run 75
stopped v.h5
mpi 3 evolve "${val[@]}" --quiet --out v.h5 --resume v.h5.checkpoint
$PYTHON "$SOURCE_DIR/tests/e2e/compare_runs.py" vref.h5 v.h5 || fail "the stopped validation run differs from vref.h5"
$PYTHON - vref.h5 v.h5 <<'PY' || fail "/validation of the resumed run differs"
import sys, h5py
def items(f):
    out = {}
    def visit(name, obj):
        if isinstance(obj, h5py.Dataset):
            out[name] = obj[()].tobytes() if hasattr(obj[()], "tobytes") else obj[()]
        for key, value in obj.attrs.items():
            if "seconds" not in key:
                out[f"{name}@{key}"] = str(value)
    f["validation"].visititems(visit)
    return out
with h5py.File(sys.argv[1]) as a, h5py.File(sys.argv[2]) as b:
    x, y = items(a), items(b)
    assert x.keys() == y.keys(), set(x) ^ set(y)
    different = [name for name in x if x[name] != y[name]]
    assert not different, different
    assert len(x) > 10, len(x)
PY

# 7. Refusals: other settings or data (status 2), an unreadable checkpoint (status 4); no output.
expect_failure 2 "key 'mutation-rate' is 0.3 but killed.checkpoint was written with mutation-rate = 0.2" \
  mpi 2 evolve "${small[@]}" --mutation-rate 0.3 --out x.h5 --resume killed.checkpoint
[[ $(grep -c "^genepool:" err.txt) -eq 1 ]] || fail "the refusal is not one line: $(cat err.txt)"
expect_failure 2 "key 'seed'" "$GENEPOOL" evolve "${small[@]}" --seed 7 --out x.h5 --resume killed.checkpoint
expect_failure 2 "generations.*0..6" "$GENEPOOL" evolve "${base[@]}" --generations 5 --out x.h5 --resume killed.checkpoint
sed '10s/$/1/' data/sample.csv > changed.csv
cmp -s data/sample.csv changed.csv && fail "changed.csv is not changed"
expect_failure 2 "data file changed.csv .*is not the data" \
  mpi 2 evolve "${small[@]}" --data changed.csv --out x.h5 --resume killed.checkpoint
head -c 3000 killed.checkpoint > truncated.checkpoint
expect_failure 4 "truncated.checkpoint" mpi 2 evolve "${small[@]}" --out x.h5 --resume truncated.checkpoint
[[ $(grep -c "^genepool:" err.txt) -eq 1 ]] || fail "the error is not one line: $(cat err.txt)"
head -c 20000 /dev/urandom > garbage.checkpoint
expect_failure 4 "garbage.checkpoint.*not an HDF5 file" "$GENEPOOL" evolve "${small[@]}" --out x.h5 --resume garbage.checkpoint
expect_failure 4 "ref.h5: invalid checkpoint: not a genepool checkpoint" "$GENEPOOL" evolve "${small[@]}" --out x.h5 --resume ref.h5
[[ ! -e x.h5 && ! -e x.h5.partial && ! -e x.h5.checkpoint ]] || fail "a refused resume left $(ls x.h5*)"
# A stopped run's checkpoint is not overwritten by a fresh run by mistake.
cp stopped.checkpoint y.h5.checkpoint
expect_failure 4 "y.h5.checkpoint: a stopped run's checkpoint.*--resume" "$GENEPOOL" evolve "${small[@]}" --out y.h5
echo "checkpoint: ok"
