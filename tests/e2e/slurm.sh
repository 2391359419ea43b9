# The slurm/ job scripts on a real single-node Slurm (munged, slurmctld, slurmd started here and
# stopped by their PIDs): an srun --mpi=pmix job completes with valid results and a second
# submission finds it complete; an mpirun job warned of its time limit checkpoints, requeues
# itself, resumes and ends with results identical to the uninterrupted job's; a job array over
# seeds and its dependent collect job gather every member's best strategies, which replay exactly.
# Needs root (slurmd runs jobs as their owners); skips (status 77) otherwise.
source "$(dirname "$0")/common.bash"
if [[ $(id -u) -ne 0 ]]; then
  echo "SKIP: the Slurm test starts munged, slurmctld and slurmd, which needs root"
  exit 77
fi
# (the help text captured first: `grep -q` closing the pipe early would fail it under pipefail)
[[ $("$GENEPOOL" evolve --help) == *--checkpoint-every* ]] ||
  fail "this genepool has no --checkpoint-every: the job scripts need checkpoint/resume (issue 4)"
source "$SOURCE_DIR/tests/e2e/slurm_local.bash"
cp -r "$SOURCE_DIR/configs" "$SOURCE_DIR/data" .
SLURM_DIR=$(mktemp -d /tmp/genepool-slurm.XXXXXX)  # short: munged's socket path is limited
trap 'slurm_stop; rm -rf "$SLURM_DIR"; remove_scratch' EXIT
slurm_start "$SLURM_DIR" || fail "could not start Slurm"
SECONDS=0
export GENEPOOL  # the job scripts run this genepool
JOBS=$SOURCE_DIR/slurm

# wait_job ID: until the job (every member of an array) has ended; fails after 300 s.
wait_job() {
  local deadline=$((SECONDS + 300)) states
  while true; do
    states=$(scontrol show job -o "$1" | grep -o 'JobState=[A-Z_]*' | sort -u | tr '\n' ' ')
    grep -qE 'PENDING|RUNNING|REQUEUE|CONFIGURING|COMPLETING|SUSPENDED' <<<"$states" || return 0
    ((SECONDS < deadline)) || fail "job $1 has not ended after 300 s: $states"
    sleep 1
  done
}
# field ID NAME: the job's NAME=value (e.g. ExitCode, Restarts), one line per array member.
field() { scontrol show job -o "$1" | grep -oE "(^| )$2=[^ ]*" | cut -d= -f2; }
# expect_done ID LOG: the job completed with exit code 0.
expect_done() {
  local states codes
  states=$(field "$1" JobState | sort -u | tr '\n' ' ')
  codes=$(field "$1" ExitCode | sort -u | tr '\n' ' ')
  [[ "$states" == "COMPLETED " && "$codes" == "0:0 " ]] ||
    fail "job $1 ended $states with exit code $codes: $(cat "$2")"
}

# A run long enough to be interrupted mid-way: 60 diverse generations (few cache hits) on 20000 bars.
"$GENEPOOL" synth --out long.csv --bars 20000 --seed 3 --quiet
long=(--data long.csv --population 200 --generations 60 --mutation-rate 0.6 --type-switch-rate 0.2 --quiet)

# 1. srun --mpi=pmix, 2 ranks, uninterrupted: the reference run.
job=$(sbatch --parsable -n 2 -o srun.log "$JOBS/genepool-srun.sbatch" configs/default.toml srun.h5 "${long[@]}")
wait_job "$job"
expect_done "$job" srun.log
$PYTHON "$SOURCE_DIR/tests/e2e/read_results.py" srun.h5 >/dev/null || fail "srun.h5 fails the layout check"
[[ ! -e srun.h5.checkpoint ]] || fail "a complete run left its checkpoint"
grep -q "starting srun.h5" srun.log || fail "srun.log lacks the start: $(cat srun.log)"

# The same command again: the run is complete, nothing runs and the file stays as it was.
before=$(sha256sum srun.h5)
job=$(sbatch --parsable -n 2 -o srun.log "$JOBS/genepool-srun.sbatch" configs/default.toml srun.h5 "${long[@]}")
wait_job "$job"
expect_done "$job" srun.log
grep -q "srun.h5 exists, the run is complete" srun.log || fail "a complete run was not recognised: $(cat srun.log)"
[[ "$(sha256sum srun.h5)" == "$before" ]] || fail "a complete run's file changed"
echo "srun job and its resubmission: ok (${SECONDS} s)"

# 2. mpirun, 2 ranks, warned of its time limit once its first checkpoint exists: exactly what
# slurmctld does at --signal=B:USR1@N before the limit (USR1 to the batch shell alone).
job=$(GENEPOOL_CHECKPOINT_EVERY=2 sbatch --parsable -n 2 -o mpirun.log \
  "$JOBS/genepool-mpirun.sbatch" configs/default.toml mpirun.h5 "${long[@]}")
deadline=$((SECONDS + 120))
until [[ -e mpirun.h5.checkpoint ]]; do
  [[ ! -e mpirun.h5 ]] || fail "the run ended before its first checkpoint"
  ((SECONDS < deadline)) || fail "no checkpoint after 120 s: $(cat mpirun.log)"
  sleep 0.2
done
scancel --batch --signal=USR1 "$job"
wait_job "$job"
expect_done "$job" mpirun.log
[[ "$(field "$job" Restarts)" == 1 ]] || fail "job $job restarted $(field "$job" Restarts) times, not once: $(cat mpirun.log)"
for line in "got USR1" "requeueing job $job" "start 2 on .*: resuming from mpirun.h5.checkpoint"; do
  grep -q "$line" mpirun.log || fail "mpirun.log lacks '$line': $(cat mpirun.log)"
done
[[ ! -e mpirun.h5.checkpoint ]] || fail "the resumed run left its checkpoint"
$PYTHON "$SOURCE_DIR/tests/e2e/read_results.py" mpirun.h5 >/dev/null || fail "mpirun.h5 fails the layout check"
$PYTHON "$SOURCE_DIR/tests/e2e/compare_runs.py" srun.h5 mpirun.h5 || fail "the requeued run differs from the uninterrupted one"
echo "mpirun job warned, checkpointed, requeued, resumed, identical: ok (${SECONDS} s)"

# 3. A job array over seeds 1-3 (one rank each) and its collect job, which waits for all of them.
small=(--data data/sample.csv --population 40 --generations 4 --top 3 --quiet)
array=$(sbatch --parsable --array=1-3 -n 1 -o array-%a.log "$JOBS/genepool-array.sbatch" seeds configs/default.toml runs "${small[@]}")
collect=$(sbatch --parsable --dependency=afterok:"$array" -o collect.log "$JOBS/genepool-collect.sbatch" runs --top 2)
wait_job "$collect"
expect_done "$array" array-1.log
expect_done "$collect" collect.log
$PYTHON "$SOURCE_DIR/tests/e2e/read_results.py" runs/run-{1,2,3}.h5 >/dev/null || fail "an array member fails the layout check"
grep -q "collected 6 strategies of 3 runs" collect.log || fail "collect.log: $(cat collect.log)"
$PYTHON - runs/best.json runs/best.csv <<'PY' || fail "runs/best.json does not hold the members' best strategies"
import csv, json, sys, h5py
spec = json.load(open(sys.argv[1]))
strategies = spec["strategies"]
assert spec["format"] == "genepool-strategy-spec" and spec["source"]["collected"] == 3, spec["source"]
assert len(strategies) == 6, len(strategies)
assert [s["rank"] for s in strategies] == list(range(1, 7))
fitness = [s["fitness"] for s in strategies]
assert fitness == sorted(fitness, reverse=True), fitness
for member in (1, 2, 3):
    path = f"runs/run-{member}.h5"
    with h5py.File(path) as f:
        assert int(f.attrs["seed"]) == member
        best = [(f["best/strategy_name"].asstr()[k], float(f["best/fitness"][k])) for k in range(2)]
    mine = [s for s in strategies if s["run"]["results"] == path]
    assert [s["run"]["seed"] for s in mine] == [member, member], mine
    assert [(s["strategy"], s["fitness"]) for s in mine] == best, (mine, best)
rows = list(csv.DictReader(open(sys.argv[2])))
assert [(r["results"], float(r["fitness"])) for r in rows] == [(s["run"]["results"], s["fitness"]) for s in strategies]
PY
"$GENEPOOL" backtest --spec runs/best.json --data data/sample.csv --json >replay.json 2>/dev/null || fail "replaying runs/best.json failed"
$PYTHON -c '
import json, sys
replay = json.load(open("replay.json"))["strategies"]
sys.exit(0 if len(replay) == 6 and all(s["matches_spec"] for s in replay) else 1)' || fail "the collected strategies do not replay exactly"
echo "array of 3 and its collect job: ok (${SECONDS} s)"
