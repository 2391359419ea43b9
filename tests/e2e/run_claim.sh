#!/usr/bin/env bash
# One run per results path (docs/errors.md, "One run, one results path"): a second run on a claimed
# --out refuses at once naming the owner and touches nothing; the first completes intact; a claim
# left by a dead process on this host is taken over; another host's is not; a run stopped by a
# signal releases its claim, and --resume takes it again.
source "$(dirname "$0")/common.bash"

"$GENEPOOL" synth --out data.csv --bars 2000 --seed 3 --quiet
LONG=(--data data.csv --population 50 --generations 300 --checkpoint-every 5 --quiet)

# wait_for FILE: until it exists (a bounded wait: 60 s).
wait_for() {
  for _ in $(seq 600); do [[ -e $1 ]] && return 0; sleep 0.1; done
  fail "$1 did not appear"
}

# Two runs on one --out: the second (with --force too, under mpirun too) refuses, naming the first.
"$GENEPOOL" evolve "${LONG[@]}" --seed 1 --out run.h5 &
first=$!
wait_for run.h5.claim
# NOTE: the owner is held stopped (SIGSTOP) while the others try, so that it cannot finish first.
kill -STOP "$first"
files_before=$(ls -i run.h5*)
owner="claimed by another run \(host $(hostname), pid $first, started [0-9T:Z-]+; run.h5.claim\)"
expect_failure 4 "^genepool: error: run.h5: $owner; wait for it" timeout 60 "$GENEPOOL" evolve "${LONG[@]}" --seed 2 --out run.h5
[[ $(wc -l <err.txt) -eq 1 ]] || fail "more than one line: $(cat err.txt)"
expect_failure 4 "run.h5: $owner" timeout 60 "$GENEPOOL" evolve "${LONG[@]}" --seed 2 --out run.h5 --force
expect_failure 4 "run.h5: $owner" mpi 2 evolve "${LONG[@]}" --seed 2 --out run.h5 --force
expect_failure 4 "run.h5: $owner" timeout 60 "$GENEPOOL" grid --data data.csv --strategies ts_momentum --step threshold=0.1 \
  --quiet --out run.h5 --force
[[ $(ls -i run.h5*) == "$files_before" ]] || fail "the first run's files were touched: $files_before // $(ls -i run.h5*)"
kill -CONT "$first"
wait "$first" || fail "the first run failed (status $?)"
[[ ! -e run.h5.claim && ! -e run.h5.partial && ! -e run.h5.checkpoint ]] || fail "leftovers: $(ls)"
"$GENEPOOL" report run.h5 --json | $PYTHON -c '
import json, sys
r = json.load(sys.stdin)
assert r["run"]["seed"] == 1 and r["run"]["status"] == "complete", r["run"]' || fail "run.h5 is not the first run's"

# A stale claim of this host (its pid is dead) is taken over; another host's claim is refused.
SHORT=(--data data.csv --population 4 --generations 1 --quiet)
printf '%s 999999999 2020-01-01T00:00:00Z\n' "$(hostname)" >stale.h5.claim
"$GENEPOOL" evolve "${SHORT[@]}" --out stale.h5
[[ -f stale.h5 && ! -e stale.h5.claim ]] || fail "the stale claim was not taken over: $(ls)"
printf 'another-node 4242 2020-01-01T00:00:00Z\n' >remote.h5.claim
expect_failure 4 "remote.h5: claimed by another run \(host another-node, pid 4242, started 2020-01-01T00:00:00Z; remote.h5.claim\).*remove remote.h5.claim" \
  mpi 2 evolve "${SHORT[@]}" --out remote.h5
[[ ! -e remote.h5 && $(cat remote.h5.claim) == "another-node 4242 2020-01-01T00:00:00Z" ]] || fail "the remote claim was touched"
rm remote.h5.claim
"$GENEPOOL" evolve "${SHORT[@]}" --out remote.h5

# A run stopped by a signal releases its claim; its resume claims the path again.
"$GENEPOOL" evolve "${LONG[@]}" --out stopped.h5 &
stopped=$!
wait_for stopped.h5.claim
kill -STOP "$stopped"
kill -INT "$stopped"
kill -CONT "$stopped"
status=0
wait "$stopped" || status=$?
[[ $status -eq 75 ]] || fail "the interrupted run exited $status, expected 75"
[[ ! -e stopped.h5.claim && -f stopped.h5.checkpoint ]] || fail "the interrupted run left its claim or no checkpoint: $(ls)"
"$GENEPOOL" evolve "${LONG[@]}" --out stopped.h5 --resume stopped.h5.checkpoint &
resumed=$!
wait_for stopped.h5.claim
kill -STOP "$resumed"
grep -q " $resumed " stopped.h5.claim || fail "the resumed run does not hold the claim: $(cat stopped.h5.claim)"
expect_failure 4 "stopped.h5: claimed by another run \(host $(hostname), pid $resumed," \
  "$GENEPOOL" evolve "${LONG[@]}" --out stopped.h5 --resume stopped.h5.checkpoint
kill -CONT "$resumed"
wait "$resumed" || fail "the resumed run failed"
[[ -f stopped.h5 && ! -e stopped.h5.claim ]] || fail "after the resumed run: $(ls)"
echo "run claims: a second run refused, stale and remote claims, a signal and a resume: passed"
