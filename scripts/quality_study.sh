#!/usr/bin/env bash
# The search-quality study (docs/search-quality.md): for each real series and strategy type, the
# exhaustive grid (`genepool grid`) against the GA (`genepool evolve`, one type in play) over several
# seeds; prints a Markdown table of the GA's best fitness relative to the grid optimum and the share
# of the grid the GA backtested (distinct evaluations, /summary evaluated_total).
#
#   scripts/quality_study.sh [TABLE.md]
#
# Settings (environment): GENEPOOL (the program, default build/release/bin/genepool), DATA_DIR
# (default ../shared/data), SERIES (file names in DATA_DIR), TYPES (strategy types), SEEDS,
# GA_ARGS (extra `evolve` options; the defaults otherwise), GRID_ARGS (extra `grid` options),
# RANKS (mpirun ranks; 1 runs without mpirun), SCRATCH (work folder, default a new one under /tmp).
# Exit status 0 when every row meets the target (>= 4 of 5 seeds within 1 % of the optimum with at
# most 10 % of the grid evaluated; with fewer seeds, all but one), 1 when one misses, 2 on errors.
set -euo pipefail
HERE=$(cd "$(dirname "$0")/.." && pwd)
GENEPOOL=${GENEPOOL:-$HERE/build/release/bin/genepool}
DATA_DIR=${DATA_DIR:-$HERE/../shared/data}
SERIES=${SERIES:-"GOOG.csv nvda-1999-2014.txt yhoo-1996-2014.txt EURUSD.csv orcl-1995-2014.txt"}
TYPES=${TYPES:-"sma_crossover ema_crossover donchian_breakout"}
SEEDS=${SEEDS:-"1 2 3 4 5"}
GA_ARGS=${GA_ARGS:-}
GRID_ARGS=${GRID_ARGS:-}
RANKS=${RANKS:-1}
SCRATCH=${SCRATCH:-$(mktemp -d /tmp/genepool-quality.XXXXXX)}
TABLE=${1:-}
PYTHON=/usr/bin/python3

[[ -x $GENEPOOL ]] || { echo "quality_study: $GENEPOOL is not built (cmake --build --preset release)" >&2; exit 2; }
mkdir -p "$SCRATCH"
run() {
  if [[ $RANKS -gt 1 ]]; then
    OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1 OMPI_MCA_rmaps_base_oversubscribe=1 \
      mpirun -n "$RANKS" "$GENEPOOL" "$@"
  else
    "$GENEPOOL" "$@"
  fi
}

runs=()
for series in $SERIES; do
  data=$DATA_DIR/$series
  [[ -f $data ]] || { echo "quality_study: no data file $data" >&2; exit 2; }
  for type in $TYPES; do
    stem=$SCRATCH/${series%.*}-$type
    # shellcheck disable=SC2086
    run grid --data "$data" --strategies "$type" --out "$stem-grid.h5" --force --quiet $GRID_ARGS
    for seed in $SEEDS; do
      # shellcheck disable=SC2086
      run evolve --data "$data" --strategies "$type" --seed "$seed" --out "$stem-ga-$seed.h5" --force --quiet $GA_ARGS
    done
    runs+=("$series" "$type" "$stem-grid.h5" "$(for s in $SEEDS; do printf '%s ' "$stem-ga-$s.h5"; done)")
  done
done
"$PYTHON" "$HERE/scripts/quality_table.py" --out "${TABLE:--}" "${runs[@]}"
