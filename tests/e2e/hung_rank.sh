# A worker rank that stops answering (GENEPOOL_HANG_RANK, src/parallel/parallel.cpp) ends the job within
# --generation-timeout: one line naming the generation and the ranks waited for, status 5 from every rank, no
# results file, and the last periodic checkpoint intact: resumed, the run equals an uninterrupted one.
# A rank that is only slow does not trip the timeout.
source "$(dirname "$0")/common.bash"
cp -r "$SOURCE_DIR/configs" "$SOURCE_DIR/data" .
small=(--config configs/default.toml --population 40 --generations 8 --quiet)

mpi 2 evolve "${small[@]}" --out ref.h5

start=$SECONDS
GENEPOOL_HANG_RANK=2 GENEPOOL_HANG_BATCH=5 expect_failure 5 \
  "^genepool: error on rank 0: generation 5: ranks 1..2 did not all answer \(a gather cannot tell which is missing\) within 3 s \(generation-timeout\); the job is aborted; resume from h.h5.checkpoint$" \
  mpi 3 evolve "${small[@]}" --out h.h5 --checkpoint-every 2 --generation-timeout 3
(( SECONDS - start < 60 )) || fail "the hung job took $((SECONDS - start)) s to end"
[[ $(grep -c "^genepool:" err.txt) -eq 1 ]] || fail "not one line: $(cat err.txt)"
[[ ! -e h.h5 && ! -e h.h5.partial && ! -e h.h5.checkpoint.partial ]] || fail "the hung job left $(ls h.h5*)"
pgrep -f -- "--out h.h5" >/dev/null && fail "processes of the hung job are still running: $(pgrep -af -- '--out h.h5')"
$PYTHON - h.h5.checkpoint <<'PY' || fail "the checkpoint after the hang"
import sys, h5py
with h5py.File(sys.argv[1]) as f:
    assert f.attrs["generations"] == 5, f.attrs["generations"]  # the periodic one after generation 4
PY
mpi 2 evolve "${small[@]}" --out h.h5 --resume h.h5.checkpoint
$PYTHON "$SOURCE_DIR/tests/e2e/compare_runs.py" ref.h5 h.h5 || fail "resumed after the hang, the run differs"

# Without a checkpoint yet, the message says so.
GENEPOOL_HANG_RANK=1 GENEPOOL_HANG_BATCH=1 expect_failure 5 \
  "generation 1: rank 1 did not answer within 2 s .*no checkpoint was written yet \(checkpoint-every 10\)" \
  mpi 2 evolve "${small[@]}" --out g.h5 --generation-timeout 2
[[ ! -e g.h5 && ! -e g.h5.partial && ! -e g.h5.checkpoint ]] || fail "the hung job left $(ls g.h5*)"

# A rank held for 1 s in one generation is slow, not hung: the run completes unchanged.
GENEPOOL_HANG_RANK=1 GENEPOOL_HANG_BATCH=2 GENEPOOL_HANG_SECONDS=1 \
  mpi 3 evolve "${small[@]}" --out slow.h5 --generation-timeout 30
$PYTHON "$SOURCE_DIR/tests/e2e/compare_runs.py" ref.h5 slow.h5 || fail "the slow run differs"
echo "hung_rank: ok"
