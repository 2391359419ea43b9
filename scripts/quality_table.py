#!/usr/bin/python3
"""The table of scripts/quality_study.sh: GA runs and random search against the grid of the same series and type.

Arguments: --out FILE (or - for stdout), then groups of six: SERIES TYPE BUDGET "GRID.h5 ..." "GA1.h5 ..."
"RANDOM1.h5 ..." (several grid files are one grid: the file strategy's, one per stop-loss value; the
random list may be empty). Exit status 0 when every row meets the target, 1 otherwise.
"""
import argparse
import sys

import h5py
import numpy as np

WITHIN = 0.01     # relative distance to the grid optimum that counts as found
TOP = 0.001       # the grid's top share that the best found should reach
MAX_SHARE = 0.10  # largest share of the grid the GA may backtest


def describe_best(f):
    names = [n for n in f["best/param_names"].asstr()[0] if n]
    params = f["best/params"][0]
    text = " ".join(f"{n}={params[i]:g}" for i, n in enumerate(names))
    stop = float(f["config"].attrs["stop_loss"])
    return text + (f" stop-loss={stop:g}" if stop > 0 else "")


def grid_of(paths):
    """All grid points' fitness, sorted best first, and where the optimum is."""
    values, best, at = [], -np.inf, ""
    for path in paths:
        with h5py.File(path, "r") as g:
            values.append(g["individuals/fitness"][()])
            if g["best/fitness"][0] > best:
                best, at = float(g["best/fitness"][0]), describe_best(g)
    return np.sort(np.concatenate(values))[::-1], best, at


def searched(paths, grid, optimum):
    """Per run: best / optimum, within 1 %, share of grid points strictly better, share of the grid backtested."""
    out = []
    for path in paths:
        with h5py.File(path, "r") as f:
            best = float(f["best/fitness"][0])
            evaluated = int(f["summary"].attrs["evaluated_total"])
        gap = (optimum - best) / abs(optimum) if optimum != 0 else (0.0 if best >= optimum else 1.0)
        better = np.count_nonzero(grid > best) / len(grid)
        out.append({"ratio": best / optimum if optimum != 0 else float("nan"), "hit": gap <= WITHIN,
                    "better": better, "share": evaluated / len(grid)})
    return out


def row(series, type_name, budget, grid_paths, ga_paths, random_paths):
    grid, optimum, at = grid_of(grid_paths)
    ga = searched(ga_paths, grid, optimum)
    rnd = searched(random_paths, grid, optimum) if random_paths else []
    seeds = len(ga)
    needed = 4 if seeds == 5 else int(np.ceil(0.8 * seeds))
    hits = sum(r["hit"] and r["share"] <= MAX_SHARE for r in ga)
    # Head to head: per seed, the GA's best against the random search with its own number of backtests.
    wins = sum(g["ratio"] > r["ratio"] for g, r in zip(ga, rnd))
    ties = sum(g["ratio"] == r["ratio"] for g, r in zip(ga, rnd))
    return {"series": series, "type": type_name, "budget": budget, "points": len(grid), "optimum": optimum, "at": at,
            "ga": ga, "random": rnd, "hits": hits, "seeds": seeds, "ok": hits >= needed, "wins": wins, "ties": ties}


def cell(runs):
    if not runs:
        return "–", "–", "–"
    hits = sum(r["hit"] for r in runs)
    top = sum(r["better"] < TOP for r in runs)
    better = sorted(100 * r["better"] for r in runs)
    return f"{hits}/{len(runs)}", f"{top}/{len(runs)}", f"{np.median(better):.3f} / {better[-1]:.3f}"


def main(argv):
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--out", default="-")
    parser.add_argument("runs", nargs="+")
    args = parser.parse_args(argv)
    if len(args.runs) % 6:
        parser.error("expected groups of SERIES TYPE BUDGET 'GRID.h5 ...' 'GA.h5 ...' 'RANDOM.h5 ...'")
    rows = [row(*args.runs[i:i + 3], *(a.split() for a in args.runs[i + 3:i + 6])) for i in range(0, len(args.runs), 6)]
    lines = ["| series | type | grid points | grid optimum (Sharpe) | at | budget | GA within 1 % | GA in top 0.1 % | "
             "GA % of grid better (median / worst) | GA share backtested (mean / max) | random within 1 % | "
             "random in top 0.1 % | random % better (median / worst) | GA beats random | target |",
             "|---|---|---:|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|"]
    for r in rows:
        g_hits, g_top, g_better = cell(r["ga"])
        r_hits, r_top, r_better = cell(r["random"])
        shares = [100 * x["share"] for x in r["ga"]]
        versus = f"{r['wins']}/{len(r['random'])}" + (f" (+{r['ties']} ties)" if r["ties"] else "") if r["random"] else "–"
        lines.append(f"| {r['series']} | {r['type']} | {r['points']} | {r['optimum']:.4f} | {r['at']} | {r['budget']} | "
                     f"{g_hits} | {g_top} | {g_better} | {np.mean(shares):.1f} % / {np.max(shares):.1f} % | "
                     f"{r_hits} | {r_top} | {r_better} | {versus} | {'met' if r['ok'] else 'MISSED'} |")
    text = "\n".join(lines) + "\n"
    if args.out != "-":
        with open(args.out, "w") as out:
            out.write(text)
    sys.stdout.write(text)
    return 0 if all(r["ok"] for r in rows) else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
