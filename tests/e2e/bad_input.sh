#!/usr/bin/env bash
# The bad-input corpus (tests/bad-input/MANIFEST.tsv, docs/errors.md): every case with 1, 2 and 3
# ranks under a time limit. Each run must end with the case's status and exactly one line on
# stderr (mpirun's own banners aside) matching the case's pattern, create no file, and leave an
# existing output file byte for byte as it was. Usage: bad_input.sh GENEPOOL SOURCE_DIR SCRATCH
source "$(dirname "$0")/common.bash"
CORPUS=$SOURCE_DIR/tests/bad-input
JOBS=${GENEPOOL_TEST_JOBS:-6}  # runs at a time: mostly waiting on mpirun start-up

# Fixtures: valid data and results, a missing and an unwritable directory.
"$GENEPOOL" synth --out "$SCRATCH/data.csv" --bars 200 --seed 5 --quiet
"$GENEPOOL" evolve --data "$SCRATCH/data.csv" --population 4 --generations 1 --top 1 --quiet --out "$SCRATCH/results.h5"
mkdir -m 755 "$SCRATCH/rodir" "$SCRATCH/runs" "$SCRATCH/generated"
chmod 555 "$SCRATCH/rodir"
# Root writes anywhere: cases that name @RODIR run as nobody, for whom rodir is read-only.
UNPRIVILEGED=()
if [[ $(id -u) -eq 0 ]]; then
  UNPRIVILEGED=(setpriv --reuid=65534 --regid=65534 --clear-groups --)
  chmod 755 "$SCRATCH"
fi

# Cases made at test time: too big or derived from a fresh run (written to the manifest's format).
GEN=$SCRATCH/generated
CASES=$SCRATCH/cases.tsv
grep -v '^#' "$CORPUS/MANIFEST.tsv" | sed "s#^\([^-][^\t]*\)\t#$CORPUS/\1\t#" >"$CASES"
# A huge file (200k rows, about 9 MB) whose last row is bad: found, with its line number.
awk 'BEGIN { print "timestamp,open,high,low,close,volume";
             for (i = 0; i < 200000; ++i) printf "%d,10,11,9,10.5,100\n", 1000000000 + 60 * i;
             print "1012000000,10,11,9,-1,100" }' >"$GEN/huge.csv"
# One line of 4 MB without a newline: the message quotes a bounded prefix only.
{ printf 'timestamp,open,high,low,close\n'; head -c 4000000 /dev/zero | tr '\0' '7'; } >"$GEN/huge-line.csv"
# A config value and a command-line argument of 100,000 characters: echoed as their excerpt only.
LONG_VALUE=$(head -c 100000 /dev/zero | tr '\0' 'x')
printf '# bad-input case: a 100,000-character value\nexecution = "%s"\n' "$LONG_VALUE" >"$GEN/long-value.toml"
# Results files derived from a real run: a dataset gone, the second half gone, a wrong shape, a
# dataset that declares 2^40 rows.
$PYTHON - "$SCRATCH/results.h5" "$GEN" <<'EOF'
import shutil, sys, h5py, numpy as np
good, out = sys.argv[1], sys.argv[2]
shutil.copy(good, f"{out}/generations-2e40-rows.h5")
with h5py.File(f"{out}/generations-2e40-rows.h5", "r+") as f:
    del f["generations/best"]
    f["generations"].create_dataset("best", shape=(2**40,), dtype=np.float64, chunks=(1024,))
shutil.copy(good, f"{out}/no-best-metrics.h5")
with h5py.File(f"{out}/no-best-metrics.h5", "r+") as f:
    del f["best/metrics"]
shutil.copy(good, f"{out}/generations-best-2d.h5")
with h5py.File(f"{out}/generations-best-2d.h5", "r+") as f:
    n = f["generations/best"].shape[0]
    del f["generations/best"]
    f["generations/best"] = np.zeros((n, 2))
data = open(good, "rb").read()
open(f"{out}/half.h5", "wb").write(data[: len(data) // 2])
# One bit of /best/params flipped in place (its checksummed chunk, found by its file offset).
with h5py.File(good) as f:
    offset = f["best/params"].id.get_chunk_info(0).byte_offset
flipped = bytearray(data)
flipped[offset + 3] ^= 0x10
open(f"{out}/bit-flipped.h5", "wb").write(bytes(flipped))
EOF
# Checkpoints derived from a real one: the checkpoint a run leaves when a rank stops answering
# (GENEPOOL_HANG_*, src/parallel/parallel.cpp) and --generation-timeout ends it after generation 1.
# min-trades 0: on 200 bars the default would leave too few distinct genomes for a batch to reach rank 1.
CHECKPOINTED=(--data "$SCRATCH/data.csv" --population 4 --generations 3 --top 1 --min-trades 0 --quiet)
GENEPOOL_HANG_RANK=1 GENEPOOL_HANG_BATCH=2 timeout 60 mpirun --allow-run-as-root --oversubscribe -n 2 "$GENEPOOL" \
  evolve "${CHECKPOINTED[@]}" --checkpoint-every 1 --generation-timeout 1 --out "$SCRATCH/stopped.h5" >/dev/null 2>&1 || true
[[ -f $SCRATCH/stopped.h5.checkpoint ]] || fail "no checkpoint from the stopped fixture run"
$PYTHON - "$SCRATCH/stopped.h5.checkpoint" "$GEN" <<'EOF'
import shutil, sys, h5py, numpy as np
good, out = sys.argv[1], sys.argv[2]
data = open(good, "rb").read()
open(f"{out}/half.checkpoint", "wb").write(data[: len(data) // 2])
open(f"{out}/empty.checkpoint", "wb").write(b"")
def edited(name, edit):
    shutil.copy(good, f"{out}/{name}.checkpoint")
    with h5py.File(f"{out}/{name}.checkpoint", "r+") as f:
        edit(f)
def drop_params(f): del f["log/params"]
def newer(f): f.attrs["format_version"] = np.int32(99)
def short_sizes(f):
    sizes = f["log/batch_size"][()]
    del f["log/batch_size"]
    f["log/batch_size"] = sizes[:-1]
def best_2d(f):
    n = f["history/best"].shape[0]
    del f["history/best"]
    f["history/best"] = np.zeros((n, 2))
edited("no-params", drop_params)
edited("newer-version", newer)
edited("batch-sizes-short", short_sizes)
edited("best-2d", best_2d)
EOF
T=$'\t'
E='evolve --data @CASE --population 4 --generations 1 --quiet --out @OUT @FORCE'
cat >>"$CASES" <<EOF
$GEN/huge.csv${T}3${T}huge.csv:200002: column 'close': expected a price > 0, got '-1'${T}$E
$GEN/huge-line.csv${T}3${T}huge-line.csv:2: 1 field\(s\), the header has 5${T}$E
$GEN/no-best-metrics.h5${T}4${T}no-best-metrics.h5: missing dataset '/best/metrics'${T}report @CASE
$GEN/no-best-metrics.h5${T}4${T}no-best-metrics.h5: missing dataset '/best/metrics'${T}export @CASE --top 1 --out @OUT @FORCE
$GEN/generations-best-2d.h5${T}4${T}generations-best-2d.h5: dataset '/generations/best' has shape \\[[0-9]+\\]\\[2\\]; expected 1 dimension${T}report @CASE --json
$GEN/half.h5${T}4${T}half.h5: cannot open: damaged or truncated${T}report @CASE
$GEN/half.h5${T}4${T}half.h5: cannot open: damaged or truncated${T}collect @CASE --out @OUT @FORCE
$GEN/bit-flipped.h5${T}4${T}bit-flipped.h5: dataset '/best/params' fails its Fletcher32 checksum: the file is damaged${T}report @CASE
$GEN/bit-flipped.h5${T}4${T}bit-flipped.h5: dataset '/best/params' fails its Fletcher32 checksum: the file is damaged${T}export @CASE --top 1 --out @OUT @FORCE
$GEN/bit-flipped.h5${T}4${T}bit-flipped.h5: dataset '/best/params' fails its Fletcher32 checksum: the file is damaged${T}collect @CASE --out @OUT @FORCE
$GEN/generations-2e40-rows.h5${T}4${T}generations-2e40-rows.h5: dataset '/generations/best' of shape \\[1099511627776\\] needs 8.0 TiB of memory${T}report @CASE
$GEN/long-value.toml${T}2${T}long-value.toml:2: key 'execution': --execution: x{80}\\.\\.\\. \\(100000 characters\\)${T}evolve --config @CASE --data @DATA --quiet --out @OUT @FORCE
-${T}2${T}unknown strategy 'x{80}\\.\\.\\. \\(100000 characters\\)${T}backtest --data @DATA --strategy $LONG_VALUE
EOF
R="evolve ${CHECKPOINTED[*]} --out @OUT @FORCE --resume @CASE"
cat >>"$CASES" <<EOF
$GEN/half.checkpoint${T}4${T}half.checkpoint: invalid checkpoint: (not an HDF5 file|cannot open: damaged or truncated)${T}$R
$GEN/empty.checkpoint${T}4${T}empty.checkpoint: invalid checkpoint: not an HDF5 file${T}$R
$GEN/no-params.checkpoint${T}4${T}no-params.checkpoint: invalid checkpoint: missing dataset '/log/params'${T}$R
$GEN/newer-version.checkpoint${T}4${T}newer-version.checkpoint: invalid checkpoint: checkpoint format version 99${T}$R
$GEN/batch-sizes-short.checkpoint${T}4${T}batch-sizes-short.checkpoint: invalid checkpoint: dataset '/log/[a-z_]+' has shape \\[2\\]; expected \\[1\\]${T}$R
$GEN/best-2d.checkpoint${T}4${T}best-2d.checkpoint: invalid checkpoint: dataset '/history/best' has shape \\[[0-9]+\\]\\[2\\]${T}$R
$SCRATCH/results.h5${T}4${T}results.h5: invalid checkpoint: not a genepool checkpoint${T}$R
EOF

# Outputs onto inputs and special files (docs/errors.md, "Outputs"): the victims must come through
# byte for byte (checked after every run). A FIFO input is refused at once (the runs' timeout
# turns a regression into a failure, not a hang); a FIFO output is never replaced.
V=$SCRATCH/victims
mkdir "$V"
cp "$SCRATCH/data.csv" "$V/data.csv"
ln "$V/data.csv" "$V/hard.csv"
ln -s data.csv "$V/soft.csv"
cp "$SCRATCH/results.h5" "$V/r.h5"
cp "$SCRATCH/results.h5" "$V/r2.h5"
mkfifo "$V/fifo.h5" "$V/fifo.csv" "$V/fifo.toml" "$V/fifo.json" "$V/out.fifo"
victims() { (cd "$V" && sha256sum data.csv r.h5 r2.h5 && ls -l --time-style=+ | awk '{ print $1, $2, $NF }'); }
victims_before=$(victims)
IN='an output never replaces an input'
E1="--population 4 --generations 1 --quiet"
cat >>"$CASES" <<EOF
-${T}4${T}data.csv: already exists; choose another output file or pass --force${T}synth --out $V/data.csv --bars 10 --quiet
-${T}4${T}r.h5: is the input .*r.h5; $IN${T}export $V/r.h5 --out $V/r.h5 --force
-${T}4${T}r.h5: is the input .*r.h5; $IN${T}export $V/r.h5 --population --csv $V/r.h5 --force
-${T}4${T}r.h5: is the input .*r.h5; $IN${T}collect $V/r2.h5 $V/r.h5 --out $V/r.h5 --force
-${T}4${T}data.csv: is the input .*data.csv; $IN${T}backtest --data $V/data.csv --strategy macd --equity-out $V/data.csv --force
-${T}4${T}data.csv: is the input .*data.csv; $IN${T}evolve --data $V/data.csv $E1 --out $V/data.csv --force
-${T}4${T}data.csv: is the input .*data.csv; $IN${T}evolve --data $V/data.csv $E1 --out $V/data.csv
-${T}4${T}hard.csv: is the input .*data.csv; $IN${T}evolve --data $V/data.csv $E1 --out $V/hard.csv --force
-${T}4${T}soft.csv: is the input .*data.csv; $IN${T}backtest --data $V/data.csv --strategy macd --equity-out $V/soft.csv --force
-${T}4${T}data.csv: is the input .*soft.csv; $IN${T}backtest --data $V/soft.csv --strategy macd --equity-out $V/data.csv --force
-${T}4${T}\./data.csv: is the input .*data.csv; $IN${T}grid --data $V/data.csv --strategies ts_momentum --step threshold=0.1 --quiet --out $V/./data.csv --force
-${T}4${T}\.\./\.\./victims/data.csv: is the input .*data.csv; $IN${T}evolve --data $V/data.csv $E1 --out ../../victims/data.csv --force
-${T}4${T}out: is also the output .*out; give each output its own file${T}collect @RESULTS --out @OUT --csv @OUT @FORCE
-${T}4${T}fifo.h5: is a FIFO \\(named pipe\\), not a regular file; expected a results file${T}report $V/fifo.h5
-${T}4${T}fifo.h5: is a FIFO \\(named pipe\\), not a regular file; expected a results file${T}export $V/fifo.h5 --top 1 --out @OUT @FORCE
-${T}4${T}fifo.h5: is a FIFO \\(named pipe\\), not a regular file; expected a results file${T}export $V/fifo.h5 --population --csv @OUT @FORCE
-${T}4${T}fifo.h5: is a FIFO \\(named pipe\\), not a regular file; expected a results file${T}collect @RESULTS $V/fifo.h5 --out @OUT @FORCE
-${T}4${T}fifo.h5: is a FIFO \\(named pipe\\), not a regular file; expected a market-data${T}evolve --data $V/fifo.h5 $E1 --out @OUT @FORCE
-${T}4${T}fifo.csv: is a FIFO \\(named pipe\\), not a regular file; expected a market-data${T}backtest --data $V/fifo.csv --strategy macd
-${T}4${T}fifo.h5: is a FIFO \\(named pipe\\), not a regular file; expected a checkpoint${T}evolve --data @DATA $E1 --out @OUT @FORCE --resume $V/fifo.h5
-${T}4${T}fifo.toml: is a FIFO \\(named pipe\\), not a regular file; expected a strategy file${T}evolve --strategy-file $V/fifo.toml --data @DATA $E1 --out @OUT @FORCE
-${T}2${T}--config: .*fifo.toml: is a FIFO \\(named pipe\\), not a regular file; expected a TOML config${T}evolve --config $V/fifo.toml --data @DATA $E1 --out @OUT @FORCE
-${T}4${T}fifo.json: is a FIFO \\(named pipe\\), not a regular file; expected a JSON file${T}backtest --spec $V/fifo.json --data @DATA
-${T}4${T}out.fifo: is a FIFO \\(named pipe\\), not a regular file; it is never replaced${T}evolve --data @DATA $E1 --out $V/out.fifo --force
-${T}4${T}out.fifo: is a FIFO \\(named pipe\\), not a regular file; it is never replaced${T}export @RESULTS --top 1 --out $V/out.fifo --force
-${T}4${T}out.fifo: is a FIFO \\(named pipe\\), not a regular file; it is never replaced${T}synth --out $V/out.fifo --force --bars 10 --quiet
-${T}4${T}out.fifo: is a FIFO \\(named pipe\\), not a regular file; it is never replaced${T}backtest --data @DATA --strategy macd --equity-out $V/out.fifo --force
EOF

# run_case ID RANKS VARIANT CASE STATUS PATTERN COMMAND: one run; a failure leaves runs/ID.fail.
run_case() {
  local id=$1 ranks=$2 variant=$3 case_file=$4 status=$5 pattern=$6 command=$7
  local dir=$SCRATCH/runs/$id out before="" got=0
  mkdir -p "$dir/out" && chmod 755 "$dir" "$dir/out"
  # Runs at the same time share no Open MPI session directory (common.bash); nobody writes there too.
  local session=$TMPDIR/$id
  mkdir -m 1777 "$session"
  out=$dir/out/$(basename "${case_file%.*}").out
  local force=""
  if [[ $variant == existing ]]; then
    printf 'previous results %s\n' "$id" >"$out"
    before=$(sha256sum "$out")
    force=--force
  fi
  command=${command//@CASE/$case_file}
  command=${command//@DATA/$SCRATCH/data.csv}
  command=${command//@RESULTS/$SCRATCH/results.h5}
  command=${command//@OUT/$out}
  command=${command//@FORCE/$force}
  command=${command//@NODIR/$SCRATCH/nodir}
  command=${command//@RODIR/$SCRATCH/rodir}
  local -a args prefix=()
  read -r -a args <<<"$command"
  [[ $command == *"$SCRATCH/rodir"* ]] && prefix=("${UNPRIVILEGED[@]}")
  if [[ $ranks -eq 1 ]]; then
    (cd "$dir" && TMPDIR=$session "${prefix[@]}" timeout 120 "$GENEPOOL" "${args[@]}") >"$dir/stdout" 2>"$dir/stderr" || got=$?
  else
    # Several ranks: every CSV file of the corpus read in parts by the node's ranks (docs/data-format.md).
    (cd "$dir" && TMPDIR=$session GENEPOOL_CSV_PART_BYTES=16 "${prefix[@]}" timeout 120 mpirun --allow-run-as-root --oversubscribe -n "$ranks" "$GENEPOOL" "${args[@]}") \
      >"$dir/stdout" 2>"$dir/stderr" || got=$?
  fi
  # mpirun's own banners sit between lines of dashes; everything else is genepool's.
  awk '/^--------------------+$/ { banner = !banner; next } !banner' "$dir/stderr" >"$dir/ours"
  local why=""
  if [[ $got -eq 124 ]]; then
    why="hang: no exit within 120 s"
  elif [[ $got -ne $status ]]; then
    why="status $got, expected $status"
  elif [[ $(wc -l <"$dir/ours") -ne 1 ]]; then
    why="$(wc -l <"$dir/ours") lines on stderr, expected exactly 1"
  elif [[ $(wc -c <"$dir/ours") -gt 2000 ]]; then
    why="a line of $(wc -c <"$dir/ours") bytes on stderr, expected at most 2000 (long values are cut: excerpt())"
  elif ! grep -Eqi -- "$pattern" "$dir/ours"; then
    why="stderr lacks /$pattern/"
  elif [[ $status -ne 0 ]]; then
    if [[ $variant == existing ]]; then
      [[ $(sha256sum "$out") == "$before" ]] || why="the existing output file changed"
      [[ $(ls -A "$dir/out" | wc -l) -eq 1 ]] || why="files were created: $(ls -A "$dir/out" | tr '\n' ' ')"
    elif [[ -n $(ls -A "$dir/out") ]]; then
      why="files were created: $(ls -A "$dir/out" | tr '\n' ' ')"
    fi
    [[ -z $(ls -A "$SCRATCH/rodir") ]] || why="files were created in rodir"
  fi
  if [[ -n $why ]]; then
    printf '%s with %s rank(s), output %s: %s\n  genepool %s\n  stderr: %s\n' "$(basename "$case_file")" "$ranks" \
      "$variant" "$why" "$command" "$(head -c 600 "$dir/stderr")" >"$SCRATCH/runs/$id.fail"
  fi
}

# Nothing lost: the corpus and the generated cases (the inputs) come through byte for byte.
inputs() { (cd "$CORPUS" && find . -type f -print0 | sort -z | xargs -0 sha256sum) && (cd "$GEN" && sha256sum -- *); }
inputs_before=$(inputs)

# Each case runs in 4 layouts: 1 rank without mpirun (no output file, then an existing one), 2 ranks
# under mpirun (none), 3 ranks (an existing one). GENEPOOL_BAD_INPUT_LAYOUTS=rotate (the sanitizer
# suite, CMakePresets.json) runs each case once, case k in layout k mod 4, so that every layout still
# meets a quarter of the corpus. $JOBS runs at a time.
LAYOUTS=("1 absent" "1 existing" "2 absent" "3 existing")
ROTATE=0
case ${GENEPOOL_BAD_INPUT_LAYOUTS:-all} in
  all) ;;
  rotate) ROTATE=1 ;;
  *) fail "GENEPOOL_BAD_INPUT_LAYOUTS: expected all or rotate, got '$GENEPOOL_BAD_INPUT_LAYOUTS'" ;;
esac
count=0
runs=0
while IFS=$'\t' read -r case_file status pattern command; do
  [[ -z $case_file ]] && continue
  count=$((count + 1))
  layouts=("${LAYOUTS[@]}")
  [[ $ROTATE -eq 1 ]] && layouts=("${LAYOUTS[count % 4]}")
  for run in "${layouts[@]}"; do
    runs=$((runs + 1))
    read -r ranks variant <<<"$run"
    while [[ $(jobs -rp | wc -l) -ge $JOBS ]]; do wait -n || true; done
    run_case "$count-$ranks-$variant" "$ranks" "$variant" "$case_file" "$status" "$pattern" "$command" </dev/null &
  done
done <"$CASES"
wait

failures=$(find "$SCRATCH/runs" -name '*.fail' | sort)
if [[ -n $failures ]]; then
  cat $failures >&2
  fail "$(echo "$failures" | wc -l) of $runs runs of the bad-input corpus failed"
fi
[[ $(victims) == "$victims_before" ]] || fail "the victims changed: $victims_before // $(victims)"
[[ $(inputs) == "$inputs_before" ]] || fail "inputs of the corpus changed: $(diff <(echo "$inputs_before") <(inputs))"
[[ -z $(ls -A "$V" | grep -Ev '^(data|hard|soft)\.csv$|^r2?\.h5$|^fifo\.(h5|csv|toml|json)$|^out\.fifo$') ]] ||
  fail "files were created beside the victims: $(ls -A "$V" | tr '\n' ' ')"
echo "bad-input corpus: $count cases, $runs runs (layouts: ${GENEPOOL_BAD_INPUT_LAYOUTS:-all}) passed"
