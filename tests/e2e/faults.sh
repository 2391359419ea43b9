#!/usr/bin/env bash
# Faults (docs/errors.md): a full disk while the results are written, a rank killed mid-run, and a
# problem found before the first evaluation. Nothing hangs, nothing is lost, one line says why.
source "$(dirname "$0")/common.bash"

# A failed check must not leave the tmpfs below mounted (the next run could not clear its scratch).
trap 'mountpoint -q "$SCRATCH/disk" && umount "$SCRATCH/disk"; remove_scratch' EXIT

"$GENEPOOL" synth --out data.csv --bars 300 --seed 9 --quiet

# A full disk while writing the results: a 2 MiB tmpfs where mounting works (root), else a file-size
# limit (RLIMIT_FSIZE, SIGXFSZ ignored: writes fail with EFBIG) for one rank only, since the limit
# also stops the shared-memory files of MPI's launcher.
big=(--data data.csv --population 2000 --generations 40 --quiet)  # about 14 MB of results
full_disk_run() {  # full_disk_run RANKS
  local ranks=$1 dir=disk got=0 before
  mkdir -p disk
  if ! mount -t tmpfs -o size=2m tmpfs disk 2>/dev/null; then
    [[ $ranks -eq 1 ]] || { echo "faults: cannot mount a tmpfs here: the full disk is tested with 1 rank only"; return; }
    dir=.
  fi
  printf 'the previous results\n' >"$dir/run.h5"
  before=$(sha256sum <"$dir/run.h5")
  if [[ $dir == . ]]; then
    (trap '' XFSZ; ulimit -f 8192; timeout 300 "$GENEPOOL" evolve "${big[@]}" --out run.h5 --force) 2>err.txt || got=$?
  elif [[ $ranks -eq 1 ]]; then
    timeout 300 "$GENEPOOL" evolve "${big[@]}" --out disk/run.h5 --force 2>err.txt || got=$?
  else
    mpi "$ranks" evolve "${big[@]}" --out disk/run.h5 --force 2>err.txt || got=$?
  fi
  awk '/^--------------------+$/ { banner = !banner; next } !banner' err.txt >ours.txt
  local what="disk full with $ranks rank(s)"
  [[ $got -eq 4 ]] || fail "$what: status $got, expected 4: $(head -c 2000 err.txt)"
  [[ $(wc -l <ours.txt) -eq 1 ]] || fail "$what: expected one line on stderr: $(head -c 2000 err.txt)"
  local cause="the disk is full \(No space left on device\)"
  [[ $dir == . ]] && cause="the file size limit is reached \(File too large; ulimit -f\)"
  grep -Eq "^genepool: error( on rank 0)?: [^ ]*run.h5: cannot write [^ ]*run.h5.partial: $cause, writing .*; the existing [^ ]*run.h5 is unchanged$" \
    ours.txt || fail "$what: unexpected message: $(cat ours.txt)"
  [[ $(sha256sum <"$dir/run.h5") == "$before" ]] || fail "$what: the previous results changed"
  [[ ! -e $dir/run.h5.partial ]] || fail "$what: the partial file was left behind"
  if [[ $dir == disk ]]; then umount disk; fi
  rm -f run.h5
}
full_disk_run 1
full_disk_run 2
echo "faults: a full disk leaves the previous results intact (status 4)"

# The partial file removed mid-run (by another program), or its folder: the run sees it at the next
# generation and stops, status 4, saying the results are lost (never that they are in the partial
# file); an existing results file is unchanged and the claim goes.
lost_partial_run() {  # lost_partial_run file|folder
  local what=$1 got=0 before
  rm -rf lost && mkdir lost
  printf 'the previous results\n' >lost/run.h5
  before=$(sha256sum <lost/run.h5)
  "$GENEPOOL" evolve --data data.csv --population 100 --generations 100000 --quiet --out lost/run.h5 --force \
    2>lost.err &
  local run=$!
  for _ in $(seq 600); do [[ -s lost/run.h5.partial ]] && break; sleep 0.1; done
  [[ -s lost/run.h5.partial ]] || { kill "$run"; fail "lost $what: no partial file appeared"; }
  # NOTE: the folder is renamed away first: the run creates files in it meanwhile, so a plain rm -rf
  # races with it ("Directory not empty"); after the rename the run's paths under lost/ are gone.
  if [[ $what == file ]]; then rm lost/run.h5.partial; else mv lost lost.gone && rm -rf lost.gone; fi
  wait "$run" || got=$?
  [[ $got -eq 4 ]] || fail "lost $what: status $got, expected 4: $(head -c 2000 lost.err)"
  [[ $(wc -l <lost.err) -eq 1 ]] || fail "lost $what: expected one line on stderr: $(head -c 2000 lost.err)"
  local pattern="lost/run.h5.partial was removed before it was complete \(by another program\?\); the run stops, its results lost; the existing lost/run.h5 is unchanged"
  # (The folder may go while the periodic checkpoint is written: then that file is the one named.)
  # (the folder may go while a checkpoint is written: before its rename, or between the rename and the sync)
  [[ $what == folder ]] && pattern="(its folder 'lost' was removed before lost/run.h5.partial was complete; the run stops, its results lost; no results file was written|lost/run.h5.checkpoint: its folder 'lost' was removed before lost/run.h5.checkpoint.partial was complete; its contents are lost; nothing was written|lost/run.h5.checkpoint: its folder 'lost' was removed as the file was written; its contents are lost)"
  grep -Eq "^genepool: error( on rank 0)?: (lost/run.h5: )?$pattern$" lost.err || fail "lost $what: unexpected message: $(cat lost.err)"
  if [[ $what == file ]]; then
    [[ $(sha256sum <lost/run.h5) == "$before" ]] || fail "lost $what: the previous results changed"
    # The last periodic checkpoint stays (a run to resume), nothing else.
    [[ -z $(ls -A lost | grep -Ev '^run\.h5(\.checkpoint)?$') ]] || fail "lost $what: files left behind: $(ls -A lost)"
  fi
}
lost_partial_run file
lost_partial_run folder
echo "faults: a partial file or folder removed mid-run stops the run (status 4), saying the results are lost"

# A rank killed mid-run ends the job: no hang, and the existing results file is untouched.
printf 'the previous results\n' >killed.h5
before=$(sha256sum <killed.h5)
got=0
timeout 300 mpirun --allow-run-as-root --oversubscribe -n 3 "$GENEPOOL" evolve --data data.csv --population 400 \
  --generations 100000 --no-cache --out killed.h5 --force >killed.out 2>killed.err &
launcher=$!
descendants() { local child; for child in $(pgrep -P "$1" || true); do echo "$child"; descendants "$child"; done; }
victim=""
for _ in $(seq 600); do  # until generation 1 is printed, then the process of rank 1
  if grep -q "^gen *1/" killed.out 2>/dev/null; then
    for pid in $(descendants "$launcher"); do
      if tr '\0' '\n' <"/proc/$pid/environ" 2>/dev/null | grep -qx OMPI_COMM_WORLD_RANK=1; then victim=$pid; fi
    done
    [[ -n $victim ]] && break
  fi
  sleep 0.1
done
[[ -n $victim ]] || { kill -TERM "$launcher" 2>/dev/null || true; wait "$launcher" || true; fail "rank 1 of the run was not found: $(tail -5 killed.out)"; }
kill -KILL "$victim"
wait "$launcher" || got=$?
[[ $got -ne 0 && $got -ne 124 ]] || fail "the job with a killed rank ended with status $got (124: it hung)"
[[ $(sha256sum <killed.h5) == "$before" ]] || fail "a killed rank changed the existing results file"
echo "faults: a rank killed mid-run ends the job (status $got), the existing results untouched"

# Found before any evaluation: an unwritable output directory fails at once, even for a run that
# would take hours, and prints no generation.
mkdir -p gone && rmdir gone
start=$EPOCHREALTIME
expect_failure 4 "gone/run.h5: directory 'gone' does not exist" mpi 2 evolve --data data.csv --population 1000000 \
  --generations 1000000 --out gone/run.h5
elapsed=$(echo "$EPOCHREALTIME - $start" | bc)
[[ ! -s $SCRATCH/out.txt ]] || fail "the run printed before failing: $(head -3 "$SCRATCH/out.txt")"
echo "faults: a missing output directory fails before any evaluation (${elapsed} s with mpirun)"
