#!/usr/bin/env bash
# The performance workloads W1-W3 of ../shared/docs/BENCHMARK.md, end to end: builds the release
# preset (the README's build: the best CPU target this CPU runs; GENEPOOL_CPU forces one), makes the W1 and W2 data in a scratch folder (not the repository), runs
# every workload RUNS times (default 3) and prints one table of medians. docs/benchmarks.md keeps
# the latest table and explains it.
#
#   scripts/bench.sh                      # release preset, 3 runs each, data in a fresh /tmp folder
#   RUNS=5 PRESET=native scripts/bench.sh
#   SCRATCH=/tmp/gp-bench scripts/bench.sh    # reuse (or keep) the data and the results files
#   ONLY=memory scripts/bench.sh              # the memory measurement alone (below)
#
# Columns: wall seconds of the whole process (mpirun, start, load, evolve, write HDF5), median of
# RUNS; bar-evaluations per second = the workload's evaluations x bars x symbols / wall (every
# individual of every generation counts, also those the evaluation cache answered); efficiency
# T1 / (c * Tn) with c = min(ranks, cores); communication share = sum of /generations/communicate_seconds
# over sum of evaluate + communicate seconds (median over the runs); peak RSS = the largest of the ranks' peak
# resident sets (GNU time, median run), beside the W3 bound 1.2 x data in memory + 64 MB.
#
# The numba peer (../shared/peers, DEAP + mpi4py + numba; PEER_DIR to point elsewhere): W1 on 2 ranks,
# genepool and the peer alternating RUNS times, whole-process seconds, medians and their ratio; when
# the peer or its Python modules are missing, the script says how to get them and goes on.
#
# Memory (W3): 8 ranks on this machine evolve configs/bench-memory.toml on a 10-symbol x 1,000,000-bar
# panel (M.h5, `genepool synth`), once with the data shared per node (the default) and once with a
# private copy per rank (GENEPOOL_SHARED_DATA=off); printed: the sum of the ranks' PSS from the
# results file (/memory/pss_bytes) against the bound 1.1 x the panel + 8 x 64 MB, and the largest
# peak RSS.
set -euo pipefail
cd "$(dirname "$0")/.."
repo=$PWD
runs=${RUNS:-3}
preset=${PRESET:-release}
scratch=${SCRATCH:-$(mktemp -d /tmp/genepool-bench.XXXXXX)}
mkdir -p "$scratch"
python=/usr/bin/python3
[[ -x $python ]] || python=python3
cores=$(nproc)

[[ -f build/$preset/CMakeCache.txt ]] || cmake --preset "$preset" >/dev/null
cmake --build --preset "$preset" -j "$cores" --target genepool >/dev/null
genepool=$repo/build/$preset/bin/genepool
peer_dir=${PEER_DIR:-$repo/../shared/peers}
if [[ $(id -u) -eq 0 ]]; then
  export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1
fi
export OMPI_MCA_rmaps_base_oversubscribe=1  # W3 runs more ranks than cores

cd "$scratch"
echo "genepool: $("$genepool" --version) (the CPU target its ranks run; GENEPOOL_CPU forces one)"
[[ -f W1.csv ]] || "$genepool" synth --model gbm --bars 1000000 --drift 0.0002 --volatility 0.01 --start-price 100 \
  --seed 1 --out W1.csv >/dev/null
[[ -f W1.h5 ]] || "$genepool" synth --model gbm --bars 1000000 --drift 0.0002 --volatility 0.01 --start-price 100 \
  --seed 1 --out W1.h5 >/dev/null
[[ -f W2.h5 ]] || "$genepool" synth --symbols 10 --bars 100000 --seed 2 --out W2.h5 >/dev/null
[[ -f M.h5 ]] || "$genepool" synth --symbols 10 --bars 1000000 --seed 3 --out M.h5 >/dev/null

# memory: 8 ranks on M.h5, shared and private; the PSS of every rank is in each results file.
memory() {
  mpirun -n 8 "$genepool" evolve --config "$repo/configs/bench-memory.toml" --data M.h5 --out memory-shared.h5 \
    --force --quiet
  GENEPOOL_SHARED_DATA=off mpirun -n 8 "$genepool" evolve --config "$repo/configs/bench-memory.toml" --data M.h5 \
    --out memory-private.h5 --force --quiet
  "$python" - <<'PY'
import h5py
panel = 1_000_000 * (10 * 5 * 8 + 8)  # bytes: timestamps and the five fields
bound = 1.1 * panel + 8 * 64 * 2**20
mb = 2**20
for placement in ("shared", "private"):
    with h5py.File(f"memory-{placement}.h5") as f:
        m = f["memory"]
        pss, peak = m["pss_bytes"][()], m["peak_rss_bytes"][()]
        print(f"memory, 8 ranks, 10 x 1,000,000 bars (panel {panel / mb:.0f} MiB), data {m.attrs['data_placement']}: "
              f"total PSS {pss.sum() / mb:.0f} MiB (bound {bound / mb:.0f} MiB, {pss.sum() / bound:.2f} of it); "
              f"one copy {m.attrs['node_bytes'] / mb:.0f} MiB; PSS per rank {pss.min() / mb:.0f}..{pss.max() / mb:.0f} MiB; "
              f"peak RSS rank 0 {peak[0] / mb:.0f} MiB, others up to {peak[1:].max() / mb:.0f} MiB")
PY
}
if [[ ${ONLY:-} == memory ]]; then
  memory
  exit 0
fi

# run NAME RANKS CONFIG DATA: RUNS runs; writes NAME.times (wall seconds) and, per run i, NAME-i.h5,
# NAME-i.log (the progress lines) and NAME-i.rss.RANK (peak resident set in KB).
run() {
  local name=$1 ranks=$2 config=$3 data=$4
  : >"$name.times"
  for ((i = 1; i <= runs; i++)); do
    rm -f "$name-$i".rss.*
    local start end
    start=$(date +%s.%N)
    # Each rank under GNU time, which writes its peak resident set to NAME-i.rss.RANK.
    mpirun -n "$ranks" bash -c 'exec /usr/bin/time -f %M -o "$0.rss.$OMPI_COMM_WORLD_RANK" "$@"' "$name-$i" \
      "$genepool" evolve --config "$repo/$config" --data "$data" --out "$name-$i.h5" --force >"$name-$i.log"
    end=$(date +%s.%N)
    echo "$start $end" | awk '{ printf "%.3f\n", $2 - $1 }' >>"$name.times"
  done
}

run w1-n1 1 configs/bench-w1.toml W1.csv
run w1-n2 2 configs/bench-w1.toml W1.csv
run w2-n2 2 configs/bench-w2.toml W2.h5
run w3-n4 4 configs/bench-w1.toml W1.csv
run w3-n8 8 configs/bench-w1.toml W1.csv

# Loading alone: one backtest of the cheapest kind after the load (`genepool backtest`, no MPI).
: >load.times
for ((i = 1; i <= runs; i++)); do
  for file in W1.csv W1.h5; do
    start=$(date +%s.%N)
    "$genepool" backtest --data "$file" --strategy ts_momentum >/dev/null
    end=$(date +%s.%N)
    echo "$file $start $end" | awk '{ printf "%s %.3f\n", $1, $3 - $2 }' >>load.times
  done
done

# W1 against the numba peer, side by side: genepool, then the peer, RUNS times.
peer_ready=false
rm -f peer.times
if [[ -f $peer_dir/deap_mpi_ga.py ]] && /usr/bin/python3 -c 'import deap, mpi4py, numba' 2>/dev/null; then
  peer_ready=true
  [[ -f W1peer.csv ]] || /usr/bin/python3 "$peer_dir/make_gbm.py" --n 1000000 --out W1peer.csv >/dev/null
  : >peer.times
  for ((i = 1; i <= runs; i++)); do
    for who in genepool peer; do
      start=$(date +%s.%N)
      if [[ $who == genepool ]]; then
        mpirun -n 2 "$genepool" evolve --config "$repo/configs/bench-w1.toml" --data W1.csv --out peer-side.h5 \
          --force --quiet
      else
        mpirun --bind-to core -n 2 /usr/bin/python3 "$peer_dir/deap_mpi_ga.py" --csv W1peer.csv --variant numba \
          --seed 1 --quiet >/dev/null
      fi
      end=$(date +%s.%N)
      echo "$who $start $end" | awk '{ printf "%s %.3f\n", $1, $3 - $2 }' >>peer.times
    done
  done
fi

"$python" - "$runs" "$cores" <<'PY'
import glob, re, statistics, sys
import h5py

runs, cores = int(sys.argv[1]), int(sys.argv[2])
work = {  # workload: (evaluations, bars x symbols, data bytes in memory)
    "W1": (256 * 11, 1_000_000, 1_000_000 * (5 * 8 + 8)),
    "W2": (1000 * 11, 10 * 100_000, 100_000 * (10 * 5 * 8 + 8)),
}
rows = [("w1-n1", "W1", 1), ("w1-n2", "W1", 2), ("w2-n2", "W2", 2), ("w3-n4", "W1 (W3)", 4), ("w3-n8", "W1 (W3)", 8)]

def times(name):
    return [float(line) for line in open(f"{name}.times")]

def median_run(name):
    t = times(name)
    order = sorted(range(len(t)), key=lambda i: t[i])
    return order[len(order) // 2] + 1, statistics.median(t)

t1 = statistics.median(times("w1-n1"))
print(f"machine: {cores} cores; {runs} runs each; medians")
print(f"{'workload':10} {'ranks':>5} {'wall s':>8} {'bar-evals/s':>12} {'efficiency':>10} {'comm share':>10} "
      f"{'backtests':>9} {'peak RSS/rank MB':>16} {'bound MB':>8}")
for name, workload, ranks in rows:
    evaluations, bars, data_bytes = work[workload.split()[0]]
    i, wall = median_run(name)
    shares = []
    for run in range(1, runs + 1):
        with h5py.File(f"{name}-{run}.h5") as f:
            g = f["generations"]
            evaluate, communicate = g["evaluate_seconds"][()].sum(), g["communicate_seconds"][()].sum()
        shares.append(communicate / (evaluate + communicate) if evaluate + communicate > 0 else 0.0)
    share = statistics.median(shares)
    # "evaluations: 2816 (0 failed; 1375 backtests run, 1441 from the cache)"
    backtests = int(re.search(r"(\d+) backtests run", open(f"{name}-{i}.log").read()).group(1))
    rss = max(int(open(p).read().split()[-1]) for p in glob.glob(f"{name}-{i}.rss.*")) / 1024
    bound = 1.2 * data_bytes / 2**20 + 64
    efficiency = "" if ranks == 1 else f"{t1 / (min(ranks, cores) * wall):.2f}"
    if workload == "W2":
        efficiency = ""
    print(f"{workload:10} {ranks:5d} {wall:8.2f} {evaluations * bars / wall:12.3g} {efficiency:>10} {share:10.1%} "
          f"{backtests:9d} {rss:16.0f} {bound:8.0f}")

loads = {}
for line in open("load.times"):
    file, seconds = line.split()
    loads.setdefault(file, []).append(float(seconds))
print("load + one backtest, 1,000,000 bars: " +
      ", ".join(f"{file} {statistics.median(v):.2f} s" for file, v in loads.items()))
try:
    side = {}
    for line in open("peer.times"):
        who, seconds = line.split()
        side.setdefault(who, []).append(float(seconds))
    g, p = statistics.median(side["genepool"]), statistics.median(side["peer"])
    print(f"W1, 2 ranks, side by side ({runs} alternating runs, medians): genepool {g:.2f} s, "
          f"numba peer {p:.2f} s: {p / g:.2f}x (target 4x)")
except FileNotFoundError:
    pass
PY
if [[ $peer_ready == false ]]; then
  echo "numba peer: not run; it needs $peer_dir/deap_mpi_ga.py (PEER_DIR) and Debian's" \
    "python3-deap python3-mpi4py python3-numba (apt-get install -y python3-deap python3-mpi4py python3-numba)"
fi
memory
echo "data, results files and per-rank RSS: $scratch"
