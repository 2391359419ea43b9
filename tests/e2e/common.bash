# Shared by the end-to-end tests (tests/e2e/*.sh): sourced, not a test itself. Each test gets:
#   $1 the genepool program, $2 the source directory, $3 a scratch directory (emptied here).
set -euo pipefail
GENEPOOL=$1
SOURCE_DIR=$2
SCRATCH=$3
SHARED_DATA="$SOURCE_DIR/../shared/data"
PYTHON=/usr/bin/python3
rm -rf "$SCRATCH" && mkdir -p "$SCRATCH" && cd "$SCRATCH"
# Open MPI's session directories (under $TMPDIR) are the test's own: Open MPI 4.1 removes the
# shared /tmp/ompi.HOST.UID when its last run ends, and a run of the same user starting at that
# moment fails ("A call to mkdir was unable to create the desired directory ... File exists").
# A short path: Open MPI's sockets live there (at most 107 bytes).
TMPDIR=$(mktemp -d /tmp/genepool-e2e.XXXXXX) && chmod 755 "$TMPDIR" && export TMPDIR
# The scratch directory goes when the test ends, passed or failed (GENEPOOL_KEEP_SCRATCH=1 keeps it
# for a look); the session directories go in any case. A test with its own EXIT trap calls
# remove_scratch from it.
remove_scratch() {
  cd / && rm -rf "$TMPDIR"
  [[ -n ${GENEPOOL_KEEP_SCRATCH:-} ]] || rm -rf "$SCRATCH"
}
trap remove_scratch EXIT

fail() { echo "FAIL: $*" >&2; exit 1; }

# expect_failure STATUS PATTERN COMMAND...: the command must exit with STATUS and print a
# single-line error on stderr matching PATTERN (an extended regex).
expect_failure() {
  local status=$1 pattern=$2; shift 2
  local got=0
  "$@" >"$SCRATCH/out.txt" 2>"$SCRATCH/err.txt" || got=$?
  [[ $got -eq $status ]] || fail "expected status $status, got $got from: $* ($(cat "$SCRATCH/err.txt"))"
  grep -Eqi -- "$pattern" "$SCRATCH/err.txt" || fail "stderr of '$*' lacks /$pattern/: $(cat "$SCRATCH/err.txt")"
}

# mpi N ARGS...: genepool under mpirun with N ranks, with a time limit so a hang fails the test.
mpi() {
  local ranks=$1; shift
  timeout 300 mpirun --allow-run-as-root --oversubscribe -n "$ranks" "$GENEPOOL" "$@"
}
