#!/usr/bin/env bash
# The search-quality study (docs/search-quality.md): for each real series and strategy type, the
# exhaustive grid (`genepool grid`) against the GA (`genepool evolve`, one type in play, default
# settings) at several budgets (shares of the grid's points), over several seeds, and against plain
# random search with as many backtests as each GA run used. Prints a Markdown table: hits within 1 %
# of the grid optimum, hits in the grid's top 0.1 %, the rank percentile of the best found, the share
# of the grid backtested; and the same for random search.
#
#   scripts/quality_study.sh [TABLE.md]
#
# Settings (environment): GENEPOOL (the program, default build/release/bin/genepool), DATA_DIR
# (default ../shared/data), SERIES (file names in DATA_DIR; default every data file there), TYPES
# (strategy types; `trend_momentum` is the two-rule file strategy of scripts/quality_study_strategy.toml
# with an evolved stop-loss, gridded at STOP_LOSSES), SEEDS (default 1..10), BUDGETS (shares of the
# grid's points a GA run may score, default "0.02 0.05 0.10"; `default` runs the evolve defaults'
# own 20 generations), GA_ARGS (extra `evolve` options), GRID_ARGS (extra `grid` options),
# RANDOM_SEARCH (0 skips random search), RANKS (mpirun ranks; 1 runs without mpirun), SCRATCH (work folder, default
# a new one under /tmp; runs already there are reused).
# A GA run at budget b gets generations g = max(1, floor(b x points / (population x (1 + polish-share))) - 1):
# it scores at most b x points genomes, so it backtests at most that many (cache hits are free).
# Exit status 0 when every row meets the target (>= 4 of 5 seeds within 1 % of the optimum with at
# most 10 % of the grid evaluated; with other seed counts, 80 %), 1 when one misses, 2 on errors.
set -euo pipefail
HERE=$(cd "$(dirname "$0")/.." && pwd)
GENEPOOL=${GENEPOOL:-$HERE/build/release/bin/genepool}
DATA_DIR=${DATA_DIR:-$HERE/../shared/data}
SERIES=${SERIES:-$(cd "$DATA_DIR" && ls | grep -Ev '\.md$' | tr '\n' ' ')}
TYPES=${TYPES:-"sma_crossover ema_crossover donchian_breakout trend_momentum"}
SEEDS=${SEEDS:-"1 2 3 4 5 6 7 8 9 10"}
BUDGETS=${BUDGETS:-"0.02 0.05 0.10"}
STOP_LOSSES=${STOP_LOSSES:-"0.02 0.04 0.06 0.08 0.1 0.12 0.14 0.16 0.18 0.2"}
GA_ARGS=${GA_ARGS:-}
GRID_ARGS=${GRID_ARGS:-}
RANDOM_SEARCH=${RANDOM_SEARCH:-1}
RANKS=${RANKS:-1}
SCRATCH=${SCRATCH:-$(mktemp -d /tmp/genepool-quality.XXXXXX)}
TABLE=${1:-}
PYTHON=/usr/bin/python3
STRATEGY_FILE=$HERE/scripts/quality_study_strategy.toml
POPULATION=200     # the evolve defaults (docs/genetic-algorithm.md)
POLISH_SHARE=0.1

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
# once OUT COMMAND...: runs the genepool COMMAND writing OUT unless OUT is there already.
once() {
  local out=$1; shift
  [[ -e $out ]] || run "$@" --out "$out" --force --quiet
}
points_of() { "$PYTHON" -c 'import sys, h5py; print(sum(int(h5py.File(p)["summary"].attrs["evaluated_total"]) for p in sys.argv[1:]))' "$@"; }
evaluated_of() { "$PYTHON" -c 'import sys, h5py; print(int(h5py.File(sys.argv[1])["summary"].attrs["evaluated_total"]))' "$1"; }

runs=()
for series in $SERIES; do
  data=$DATA_DIR/$series
  [[ -f $data ]] || { echo "quality_study: no data file $data" >&2; exit 2; }
  for type in $TYPES; do
    stem=$SCRATCH/${series%.*}-$type
    type_args=(--strategies "$type")
    grids=()
    if [[ $type == trend_momentum ]]; then
      type_args+=(--strategy-file "$STRATEGY_FILE")
      for stop in $STOP_LOSSES; do
        # shellcheck disable=SC2086
        once "$stem-grid-$stop.h5" grid --data "$data" "${type_args[@]}" --stop-loss "$stop" $GRID_ARGS
        grids+=("$stem-grid-$stop.h5")
      done
      set -- $STOP_LOSSES
      low=$1
      high=${!#}
      printf 'stop-loss = [%s, %s]\n' "$low" "$high" > "$stem-ga.toml"
      type_args+=(--config "$stem-ga.toml")
    else
      # shellcheck disable=SC2086
      once "$stem-grid.h5" grid --data "$data" "${type_args[@]}" $GRID_ARGS
      grids+=("$stem-grid.h5")
    fi
    points=$(points_of "${grids[@]}")
    for budget in $BUDGETS; do
      budget_args=()
      if [[ $budget != default ]]; then
        generations=$("$PYTHON" -c "import math; print(max(1, math.floor($budget * $points / ($POPULATION * (1 + $POLISH_SHARE))) - 1))")
        budget_args=(--generations "$generations")
      fi
      ga=() random=()
      for seed in $SEEDS; do
        # shellcheck disable=SC2086
        once "$stem-ga-$budget-$seed.h5" evolve --data "$data" "${type_args[@]}" --seed "$seed" "${budget_args[@]}" $GA_ARGS
        ga+=("$stem-ga-$budget-$seed.h5")
        if [[ $RANDOM_SEARCH != 0 ]]; then
          # Random search: one generation of as many uniform random genomes as the GA backtested.
          once "$stem-random-$budget-$seed.h5" evolve --data "$data" "${type_args[@]}" --seed "$seed" --generations 0 \
            --population "$(evaluated_of "$stem-ga-$budget-$seed.h5")" --polish-share 0
          random+=("$stem-random-$budget-$seed.h5")
        fi
      done
      runs+=("$series" "$type" "$budget" "${grids[*]}" "${ga[*]}" "${random[*]:-}")
    done
  done
done
"$PYTHON" "$HERE/scripts/quality_table.py" --out "${TABLE:--}" "${runs[@]}"
